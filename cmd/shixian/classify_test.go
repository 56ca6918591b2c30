package main

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shixian-go/shixian/sla/deadline"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type classifyOut struct {
	ID       string         `json:"id"`
	Accepted string         `json:"accepted"`
	Tier     string         `json:"tier"`
	Rule     string         `json:"rule"`
	Reason   string         `json:"reason"`
	Default  bool           `json:"default"`
	Policy   policyRef      `json:"policy"`
	Shadowed []string       `json:"shadowed"`
	Fields   map[string]any `json:"fields"`
	// Deadline is read with the library's strict decoder: a second shape cannot pass.
	Deadline deadline.Deadline `json:"deadline"`
}

func decodeLines(t *testing.T, s string) []classifyOut {
	t.Helper()
	var out []classifyOut
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var c classifyOut
		require.NoError(t, json.Unmarshal(sc.Bytes(), &c), sc.Text())
		out = append(out, c)
	}
	return out
}

func TestClassifyInput(t *testing.T) {
	args := []string{"classify", "--policy", defaultPolicy, "--input", `{"cause":"complex","tags":["cross_department"]}`, "--accepted", "2025-09-30T17:00:00+08:00"}
	t.Run("a complex cross-department case is T10 by cross-department, shadowing complex-case", func(t *testing.T) {
		r := cli(t, "", args...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "classify-input.jsonl", r.stdout)
		got := decodeLines(t, r.stdout)
		require.Len(t, got, 1)
		assert.Equal(t, "T10", got[0].Tier)
		assert.Equal(t, "cross-department", got[0].Rule)
		assert.Equal(t, []string{"complex-case"}, got[0].Shadowed)
		assert.Equal(t, map[string]any{"cause": "complex", "tags": []any{"cross_department"}}, got[0].Fields)
		assert.Equal(t, policyRef{"xinyu-1310", "2025.1", got[0].Policy.Hash}, got[0].Policy)
		assert.Len(t, got[0].Policy.Hash, 64)
		// 10 working days from Tuesday 09-30 across National Day → last day Tuesday 10-21.
		assert.Equal(t, "2025-10-22T00:00:00+08:00", rfc3339(got[0].Deadline.Due))
		assert.Equal(t, "2025-10-21", dateString(got[0].Deadline.LastDay))
	})
	t.Run("an acceptance instant with a fraction of a second is written as the wire format writes it, the instant the deadline starts at", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--input", `{"cause":"complex"}`, "--accepted", "2025-09-30T09:00:00.25Z")
		require.Equal(t, exitOK, r.code, r.stderr)
		got := decodeLines(t, r.stdout)
		require.Len(t, got, 1)
		assert.Equal(t, "2025-09-30T09:00:00.25Z", got[0].Accepted, "the instant as given, fraction kept")
		assert.True(t, got[0].Deadline.Start.Equal(time.Date(2025, 9, 30, 17, 0, 0, 250_000_000, cst)), "deadline.start is the same instant: %v", got[0].Deadline.Start)
		assert.Equal(t, "+08:00", got[0].Deadline.Start.Format("Z07:00"), "in the calendar's offset")
	})
	t.Run("--explain --lang en prints bilingual labels and the deadline explanation", func(t *testing.T) {
		r := cli(t, "", append(args, "--explain", "--lang", "en")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "classify-input-explain.txt", r.stdout)
		for _, label := range []string{"分类 Tier: T10", "规则 Rule: cross-department", "理由 Reason:", "期限 Due: 2025-10-21 24:00", "版本 Version: xinyu-1310 v2025.1", "被遮蔽的规则 Shadowed: complex-case", "Skipped 2025-10-01..2025-10-08"} {
			assert.Contains(t, r.stdout, label)
		}
	})
	t.Run("an input value outside the declared values is exit 2 naming the field", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--input", `{"cause":"nonsense"}`, "--accepted", "2025-09-30T17:00:00+08:00")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "cause")
	})
	t.Run("malformed --input JSON is exit 2 with a column", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--input", `{"cause":}`, "--accepted", "2025-09-30T17:00:00+08:00")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "--input:1:10:")
	})
	t.Run("--input needs --accepted", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--input", `{"cause":"complex"}`)
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "--accepted is required")
	})
	t.Run("--input and --cases together are a usage error", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--input", `{}`, "--cases", "testdata/corpus.jsonl")
		assert.Equal(t, exitUsage, r.code)
	})
}

func TestClassifyCases(t *testing.T) {
	t.Run("a corpus file gives one JSON line per case, blank lines skipped", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--cases", "testdata/corpus.jsonl")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "classify-cases.jsonl", r.stdout)
		got := decodeLines(t, r.stdout)
		require.Len(t, got, 8)
		assert.Equal(t, "D-01", got[0].ID)
		assert.Equal(t, "T1", got[0].Tier)
		// D-06: an enterprise labour dispute for another objective reason is T3 by enterprise-complex,
		// accepted Friday 2026-02-13 16:00 before the Spring Festival (02-15..02-23 off, Saturday
		// 02-14 a makeup working day): day 1 = 02-14, day 2 = 02-24, day 3 = 02-25.
		assert.Equal(t, "enterprise-complex", got[5].Rule)
		assert.Equal(t, "2026-02-25", dateString(got[5].Deadline.LastDay))
	})
	t.Run("the same read from stdin with --explain", func(t *testing.T) {
		data, err := os.ReadFile("testdata/corpus.jsonl")
		require.NoError(t, err)
		r := cli(t, string(data), "classify", "--policy", defaultPolicy, "--cases", "-", "--explain", "--lang", "en")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "classify-cases-explain.txt", r.stdout)
		assert.Equal(t, 8, strings.Count(r.stdout, "案件 Case: D-"))
		assert.Contains(t, r.stdout, "案件 Case: D-01 (line 1)")
	})
	t.Run("bad lines are reported with file:line and skipped; exit 2 at the end", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--cases", "testdata/corpus-bad.jsonl")
		assert.Equal(t, exitInvalid, r.code)
		assert.Len(t, decodeLines(t, r.stdout), 8, "the good lines are still classified")
		golden(t, "classify-cases-bad.stderr", r.stderr)
		assert.Contains(t, r.stderr, "testdata/corpus-bad.jsonl:10:70: case \"D-09\"", "the column of the rejected input value")
		assert.Contains(t, r.stderr, "testdata/corpus-bad.jsonl:11:")
	})
	t.Run("--accepted is the default for lines without accepted", func(t *testing.T) {
		in := `{"id":"X-1","input":{"cause":"unclear_request"}}` + "\n" + `{"id":"X-2","accepted":"2025-10-09T09:00:00+08:00","input":{"cause":"unclear_request"}}`
		r := cli(t, in, "classify", "--policy", defaultPolicy, "--cases", "-", "--accepted", "2025-09-30T17:00:00+08:00")
		require.Equal(t, exitOK, r.code, r.stderr)
		got := decodeLines(t, r.stdout)
		require.Len(t, got, 2)
		assert.Equal(t, "2025-10-09", dateString(got[0].Deadline.LastDay), "T1 from 09-30: day 1 is 10-09")
		assert.Equal(t, "2025-10-10", dateString(got[1].Deadline.LastDay), "T1 from Thursday 10-09: day 1 is Friday 10-10")
	})
	t.Run("a line without accepted and no --accepted is a bad line", func(t *testing.T) {
		r := cli(t, `{"id":"X-1","input":{"cause":"complex"}}`, "classify", "--policy", defaultPolicy, "--cases", "-")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, `<stdin>:1:1: case "X-1" has no "accepted"`)
	})
	t.Run("a missing cases file is exit 2", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--cases", "testdata/nope.jsonl")
		assert.Equal(t, exitInvalid, r.code)
	})
}

func TestClassifyStrictAndIgnoredInput(t *testing.T) {
	// The portal passes a whole record; the default policy is strict, so a misspelt key
	// is refused naming the closest declared field instead of deciding another tier.
	t.Run("a misspelt key (tag for tags) is exit 2 naming tags, not a silent T3", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--accepted", "2025-10-09T09:00:00+08:00",
			"--input", `{"cause":"improper_method","tag":["cross_department"]}`)
		assert.Equal(t, exitInvalid, r.code)
		assert.Empty(t, r.stdout)
		assert.Contains(t, r.stderr, `unknown input field "tag" (did you mean "tags"?)`)
	})

	// A copy of the default policy that opts into ignoring undeclared keys.
	src, err := os.ReadFile(defaultPolicy)
	require.NoError(t, err)
	lenient := strings.Replace(string(src), "\ninput:", "\ninput_extra: ignore\ninput:", 1)
	require.NotEqual(t, string(src), lenient, "the default policy has a top-level input: key")
	path := t.TempDir() + "/lenient.yaml"
	require.NoError(t, os.WriteFile(path, []byte(lenient), 0o600))
	args := []string{"classify", "--policy", path, "--accepted", "2025-10-09T09:00:00+08:00",
		"--input", `{"cause":"improper_method","tags":["cross_department"],"applicant_name":"王某","tag":"x"}`}

	t.Run("with input_extra: ignore the JSON line lists the ignored keys, sorted", func(t *testing.T) {
		r := cli(t, "", args...)
		require.Equal(t, exitOK, r.code, r.stderr)
		var got struct {
			Tier    string   `json:"tier"`
			Ignored []string `json:"ignored"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
		assert.Equal(t, "T10", got.Tier, "tags is read, so the cross-department rule decides")
		assert.Equal(t, []string{"applicant_name", "tag"}, got.Ignored)
	})
	t.Run("with input_extra: ignore --explain says which keys were ignored", func(t *testing.T) {
		r := cli(t, "", append(args, "--explain", "--lang", "en")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "Ignored input fields (input_extra: ignore): applicant_name, tag\n")
	})
	t.Run("a strict policy's JSON line has no ignored key at all", func(t *testing.T) {
		r := cli(t, "", "classify", "--policy", defaultPolicy, "--accepted", "2025-10-09T09:00:00+08:00",
			"--input", `{"cause":"complex"}`)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.NotContains(t, r.stdout, `"ignored"`)
	})
}
