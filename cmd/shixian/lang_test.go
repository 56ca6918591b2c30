package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

// englishPolicy writes the default policy with an English title and English tier labels.
func englishPolicy(t *testing.T) string {
	t.Helper()
	y := string(sla.DefaultPolicyYAML())
	for _, r := range [][2]string{
		{`title: "“办不成事”1310限时办结机制"`, `title: "1310 time limits"`},
		{"label: 1个工作日内办结", "label: within 1 working day"},
		{"label: 3个工作日内办结", "label: within 3 working days"},
		{"label: 10个工作日内办结", "label: within 10 working days"},
	} {
		require.Contains(t, y, r[0])
		y = strings.Replace(y, r[0], r[1], 1)
	}
	path := filepath.Join(t.TempDir(), "english.yaml")
	require.NoError(t, os.WriteFile(path, []byte(y), 0o644))
	return path
}

// plainChinese fails when the explanation lines carry English words or the jargon of the
// English form.
func plainChinese(t *testing.T, out string) {
	t.Helper()
	_, expl, ok := strings.Cut(out, "说明：\n")
	require.True(t, ok, "an explanation section in:\n%s", out)
	words := regexp.MustCompile(`“[^”]*”|T[0-9]+|C-[0-9-]+`).ReplaceAllString(expl, "")
	assert.False(t, regexp.MustCompile(`[A-Za-z]{3,}`).MatchString(words), "English words in:\n%s", expl)
	for _, jargon := range []string{"exclusive instant", "resume day", "Conventions", "calendar CN"} {
		assert.NotContains(t, out, jargon)
	}
}

func TestExplanationLanguage(t *testing.T) {
	accepted := "2025-09-30T17:00:00+08:00"
	t.Run("due with a Chinese policy explains in Chinese by default, naming the makeup Saturday", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", accepted, "--policy", defaultPolicy, "--tier", "T3")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "due-policy-T3.zh.txt", r.stdout)
		assert.Contains(t, r.stdout, "期限：2025年10月11日（星期六）24:00前办结")
		assert.Contains(t, r.stdout, "其中2025年10月11日（星期六）是调休上班日")
		assert.Contains(t, r.stdout, "民法典第二百零一条，行政许可法第八十二条")
		plainChinese(t, r.stdout)
	})
	t.Run("due with --limit alone explains in English unless --lang zh", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", accepted, "--limit", "3 workdays")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "期限 Due: 2025-10-11 24:00")
		r = cli(t, "", "due", "--accepted", accepted, "--limit", "3 workdays", "--lang", "zh")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "期限：2025年10月11日（星期六）24:00前办结")
		plainChinese(t, r.stdout)
	})
	t.Run("due with a same-day limit says which same-day rule applied", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", accepted, "--limit", "0 workdays", "--lang", "zh")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "本案在16:00及以后受理，适用顺延至下一个工作日办结的规定")
	})
	t.Run("a policy with English labels explains in English by default, in Chinese with --lang zh", func(t *testing.T) {
		en := englishPolicy(t)
		r := cli(t, "", "due", "--accepted", accepted, "--policy", en, "--tier", "T3")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "Working-day period")
		r = cli(t, "", "due", "--accepted", accepted, "--policy", en, "--tier", "T3", "--lang", "zh")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "办理时限为3个工作日")
	})
	t.Run("classify --explain explains in Chinese by default", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--input", `{"cause":"complex","tags":["cross_department"]}`, "--accepted", accepted, "--explain")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "分类：T10（10个工作日内办结）")
		assert.Contains(t, r.stdout, "依据：规则“cross-department”")
		assert.Contains(t, r.stdout, "期限：2025年10月21日（星期二）24:00前办结")
		plainChinese(t, r.stdout)
	})
	t.Run("classify --explain names the fields the rule read by the policy's labels", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", "../../sla/policydoc/testdata/notice-policy.yaml", "--explain",
			"--input", `{"cause":"historical_legacy","tags":["cross_department","group_case"]}`, "--accepted", "2026-03-02T10:00:00+08:00")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "classify-labels-explain.zh.txt", r.stdout)
		assert.Contains(t, r.stdout, "所依据的信息：办不成的原因：历史遗留问题\n")
		r = cli(t, "", "classify", "--policy", "../../sla/policydoc/testdata/notice-policy.yaml", "--explain",
			"--input", `{"cause":"other","tags":["cross_department","group_case"]}`, "--accepted", "2026-03-02T10:00:00+08:00")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "所依据的信息：办不成的原因：other；工单标签：跨部门、群体性\n", "a value without a label is shown as itself")
	})
	t.Run("--lang without --explain is a usage error: the JSON lines carry no explanation", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--input", `{"cause":"complex"}`, "--accepted", accepted, "--lang", "zh")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "give --explain too")
	})
	t.Run("status explains in Chinese by default, in text and in json", func(t *testing.T) {
		args := []string{"status", "--policy", defaultPolicy, "--case", "testdata/case-open.json", "--now", "2025-10-14T12:00:00+08:00"}
		r := cli(t, "", args...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "status.zh.txt", r.stdout)
		assert.Contains(t, r.stdout, "期限：2025年10月15日（星期三）24:00前办结")
		plainChinese(t, r.stdout)
		r = cli(t, "", append(args, "--format", "json")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		var out statusOutput
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
		require.NotEmpty(t, out.Explanation)
		assert.Contains(t, out.Explanation[0], "案件")
	})
	t.Run("a plain date is said in Chinese too: which instant it stood for", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", "2026-09-30", "--limit", "3个工作日", "--lang", "zh")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "只给了受理日期，按当日开始办公的时刻2026年9月30日（星期三）09:00计算。")
		plainChinese(t, r.stdout)
	})
	t.Run("a language that is not zh or en is a usage error", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", accepted, "--limit", "3 workdays", "--lang", "fr")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "want one of zh, en")
	})
}
