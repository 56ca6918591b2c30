package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeSection returns the text of the README section headed "## title", up to the next
// "## " heading.
func readmeSection(t *testing.T, title string) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	s := string(data)
	start := strings.Index(s, "\n## "+title+"\n")
	require.GreaterOrEqual(t, start, 0, "README has a section %q", title)
	s = s[start+1:]
	if end := strings.Index(s[3:], "\n## "); end >= 0 {
		s = s[:end+3]
	}
	return s
}

// fencedBlocks returns the bodies of the section's ``` blocks of the language given.
func fencedBlocks(section, lang string) []string {
	re := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(section, -1) {
		out = append(out, m[1])
	}
	return out
}

// readmeCommands are the shixian commands of the section's sh blocks, one per command line:
// continuation lines joined, comments dropped, "go run ./cmd/shixian" removed.
func readmeCommands(t *testing.T, section string) []string {
	t.Helper()
	var out []string
	for _, block := range fencedBlocks(section, "sh") {
		joined := strings.ReplaceAll(block, "\\\n", " ")
		for _, line := range strings.Split(joined, "\n") {
			if i := strings.Index(line, " #"); i >= 0 {
				line = line[:i]
			}
			line = strings.Join(strings.Fields(line), " ")
			if line == "" {
				continue
			}
			cmd, ok := strings.CutPrefix(line, "go run ./cmd/shixian ")
			require.True(t, ok, "a README command runs the CLI from the repository root: %q", line)
			out = append(out, cmd)
		}
	}
	return out
}

// TestReadmePoliciesInChineseCommandsRun runs every command the README's "Policies in Chinese"
// section shows, as a reader would from the repository root, and checks its exit code and a
// line of its output; a command added to the section without an entry here, or an entry
// whose command left the README, fails the test. The diff output the section quotes must be
// what the command prints.
func TestReadmePoliciesInChineseCommandsRun(t *testing.T) {
	const (
		oldPolicy = "examples/policies/jiban-changgui-gongjian.yaml"
		newPolicy = "examples/policychange/jiban-changgui-gongjian-2027.yaml"
	)
	want := map[string]struct {
		code     int
		contains []string
	}{
		"lint " + oldPolicy: {exitOK, []string{"(即办常规攻坚-示例 v2026.1, 4 rules)"}},
		"test examples/policies/jiban-changgui-gongjian.suite.yaml": {exitOK, []string{"PASS: 16 passed, 0 failed", "5 of 5 exercised (100%)"}},
		"analyze " + oldPolicy: {exitOK, []string{"coverage: 60 input classes, every one evaluated; exact",
			"rules that can never decide (0):", "inputs that fall to the default (常规): 3 classes"}},
		"doc " + oldPolicy: {exitOK, []string{"# 政务服务热线诉求“即办、常规、攻坚”三类限时办结（示例）",
			"事项转办后，承办单位应在4个工作小时内完成“承办单位签收”。"}},
		"diff " + oldPolicy + " " + newPolicy + " --exhaustive": {exitOK, []string{"changed classes: 10, unchanged: 110",
			"常规/default → 即办/求助即办: 1 class"}},
		"diff " + oldPolicy + " " + newPolicy + " --exhaustive --expect examples/policychange/jiban-changgui-gongjian-2027.expect.yaml": {
			exitOK, []string{"unexpected changes: 0"}},
		"due --accepted 2026-09-30 --policy " + oldPolicy + " --tier 即办": {exitOK, []string{"期限：2026年9月30日（星期三）24:00前办结"}},
		"lint " + newPolicy: {exitOK, []string{"(即办常规攻坚-示例 v2027.1, 5 rules)"}},
		"test examples/policychange/jiban-changgui-gongjian-2027.suite.yaml": {exitOK, []string{"PASS: 7 passed, 0 failed"}},
	}
	section := readmeSection(t, "Policies in Chinese")
	cmds := readmeCommands(t, section)
	seen := map[string]bool{}
	outputs := map[string]string{}
	for _, cmd := range cmds {
		w, ok := want[cmd]
		if !assert.True(t, ok, "the README shows %q: give it an entry here", cmd) {
			continue
		}
		seen[cmd] = true
		t.Run(cmd, func(t *testing.T) {
			args := strings.Fields(cmd)
			for i, a := range args {
				if strings.HasPrefix(a, "examples/") {
					args[i] = "../../" + a // the test runs in cmd/shixian
				}
			}
			r := cli(t, "", args...)
			require.Equal(t, w.code, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			for _, c := range w.contains {
				assert.Contains(t, r.stdout, c)
			}
			outputs[cmd] = r.stdout
		})
	}
	for cmd := range want {
		assert.True(t, seen[cmd], "%q is no longer in the README's section: remove its entry", cmd)
	}

	// The quoted output of the exhaustive diff: every line but the elisions is printed as shown.
	texts := fencedBlocks(section, "text")
	require.Len(t, texts, 1, "the section quotes the exhaustive diff's output once")
	got := outputs["diff "+oldPolicy+" "+newPolicy+" --exhaustive"]
	require.NotEmpty(t, got)
	printed := map[string]bool{}
	for _, l := range strings.Split(got, "\n") {
		printed[l] = true
	}
	for _, l := range strings.Split(strings.TrimRight(texts[0], "\n"), "\n") {
		if strings.TrimSpace(l) == "…" {
			continue
		}
		assert.True(t, printed[l], "the README quotes a line the diff does not print: %q", l)
	}
}
