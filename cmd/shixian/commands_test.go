package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

func TestLint(t *testing.T) {
	t.Run("good policies print ok lines and exit 0", func(t *testing.T) {
		r := cli(t, "", "lint", defaultPolicy, oldPolicy)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "ok "+defaultPolicy+" (xinyu-1310 v2025.1, 6 rules)\nok "+oldPolicy+" (xinyu-1310 v2025.1, 6 rules)\n", r.stdout)
		assert.Empty(t, r.stderr)
	})
	t.Run("every problem of a broken policy is on stderr with file:line:column and a caret; exit 2", func(t *testing.T) {
		r := cli(t, "", "lint", defaultPolicy, manyProblems)
		assert.Equal(t, exitInvalid, r.code)
		assert.Equal(t, "ok "+defaultPolicy+" (xinyu-1310 v2025.1, 6 rules)\n", r.stdout, "good files are still reported")
		golden(t, "lint-many-problems.stderr", r.stderr)
		assert.Contains(t, r.stderr, manyProblems+":2:5: id:")
		assert.Contains(t, r.stderr, manyProblems+":19:3: counting: unknown key \"receipts\"")
		assert.Contains(t, r.stderr, "\n        ^\n")
	})
	t.Run("no file is a usage error", func(t *testing.T) {
		assert.Equal(t, exitUsage, cli(t, "", "lint").code)
	})
	t.Run("a missing file is exit 2", func(t *testing.T) {
		r := cli(t, "", "lint", "testdata/nope.yaml")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "testdata/nope.yaml")
	})
}

func TestTest(t *testing.T) {
	t.Run("the example suite of the default policy passes", func(t *testing.T) {
		if _, err := os.Stat(defaultSuite); err != nil {
			t.Skip("examples/policies/xinyu-1310.suite.yaml is not there; the testdata suites cover the command")
		}
		r := cli(t, "", "test", defaultSuite)
		require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
		assert.Contains(t, r.stdout, "PASS")
	})
	t.Run("--min-coverage 100% fails a suite that leaves the default unexercised: exit 3", func(t *testing.T) {
		r := cli(t, "", "test", "testdata/mini.suite.yaml", "--min-coverage", "100%")
		assert.Equal(t, exitFailed, r.code)
		assert.Contains(t, r.stdout, "not exercised")
	})
	t.Run("a passing suite in text", func(t *testing.T) {
		r := cli(t, "", "test", "testdata/mini.suite.yaml")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "test-mini.txt", r.stdout)
	})
	t.Run("a failing case is exit 3, in JSON", func(t *testing.T) {
		r := cli(t, "", "test", "--format", "json", "testdata/failing.suite.yaml")
		assert.Equal(t, exitFailed, r.code)
		golden(t, "test-failing.json", r.stdout)
		var res struct {
			Passed bool `json:"passed"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
		assert.False(t, res.Passed)
	})
	t.Run("two suites in one JUnit document", func(t *testing.T) {
		r := cli(t, "", "test", "--format", "junit", "testdata/mini.suite.yaml", "testdata/failing.suite.yaml")
		assert.Equal(t, exitFailed, r.code)
		golden(t, "test-two.junit.xml", r.stdout)
		var doc struct {
			Suites []struct {
				Name     string `xml:"name,attr"`
				Failures int    `xml:"failures,attr"`
			} `xml:"testsuite"`
		}
		require.NoError(t, xml.Unmarshal([]byte(r.stdout), &doc))
		require.Len(t, doc.Suites, 2)
		assert.Equal(t, 0, doc.Suites[0].Failures)
		assert.Equal(t, 1, doc.Suites[1].Failures)
	})
	t.Run("a broken suite is exit 2 with positions, and outranks a failing one", func(t *testing.T) {
		r := cli(t, "", "test", "testdata/failing.suite.yaml", "testdata/broken.suite.yaml")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "testdata/broken.suite.yaml:6:5:")
	})
	t.Run("--policy runs a suite against a candidate", func(t *testing.T) {
		// In 2025.2 T1 has 2 working days: the mini suite's T1 due no longer matches.
		r := cli(t, "", "test", "--policy", newPolicy, "testdata/mini.suite.yaml")
		assert.Equal(t, exitFailed, r.code)
		assert.Contains(t, r.stdout, "2025-10-10")
	})
	t.Run("a bad percentage is a usage error", func(t *testing.T) {
		assert.Equal(t, exitUsage, cli(t, "", "test", "--min-coverage", "lots", "testdata/mini.suite.yaml").code)
		assert.Equal(t, exitUsage, cli(t, "", "test").code)
	})
}

func TestDiff(t *testing.T) {
	base := []string{"diff", oldPolicy, newPolicy, "--cases", "testdata/corpus.jsonl"}
	t.Run("without --expect every change is reported and the exit code is 0", func(t *testing.T) {
		r := cli(t, "", base...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "diff.txt", r.stdout)
		assert.Contains(t, r.stdout, "D-02")
	})
	t.Run("with an expectations file allowing every change: exit 0", func(t *testing.T) {
		r := cli(t, "", append(base, "--expect", "testdata/expect-all.yaml")...)
		require.Equal(t, exitOK, r.code, r.stderr)
	})
	t.Run("with an expectations file missing the T1 due change: exit 4, in JSON", func(t *testing.T) {
		r := cli(t, "", append(base, "--expect", "testdata/expect-partial.yaml", "--format", "json")...)
		assert.Equal(t, exitUnexpected, r.code)
		golden(t, "diff-unexpected.json", r.stdout)
		assert.Contains(t, r.stderr, "2 change(s) not allowed")
		var res map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
	})
	t.Run("flags may come first and the corpus may be stdin", func(t *testing.T) {
		data, err := os.ReadFile("testdata/corpus.jsonl")
		require.NoError(t, err)
		r := cli(t, string(data), "diff", "--cases", "-", "--workers", "1", oldPolicy, newPolicy)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "diff.txt", r.stdout)
	})
	t.Run("bad corpus lines are reported with line numbers: exit 2", func(t *testing.T) {
		r := cli(t, "", "diff", oldPolicy, newPolicy, "--cases", "testdata/corpus-bad.jsonl")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "testdata/corpus-bad.jsonl:10:")
		assert.Contains(t, r.stderr, "testdata/corpus-bad.jsonl:11:")
	})
	t.Run("usage errors", func(t *testing.T) {
		assert.Equal(t, exitUsage, cli(t, "", "diff", oldPolicy, "--cases", "testdata/corpus.jsonl").code)
		assert.Equal(t, exitUsage, cli(t, "", "diff", oldPolicy, newPolicy).code)
	})
	t.Run("a broken policy is exit 2", func(t *testing.T) {
		r := cli(t, "", "diff", oldPolicy, manyProblems, "--cases", "testdata/corpus.jsonl")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, manyProblems+":2:5:")
	})
}

func TestStatus(t *testing.T) {
	// A complex case (T3) accepted Tuesday 2025-09-30 17:00, paused for expert review on Thursday
	// 10-09 and resumed Monday 10-13 (行政许可法 art. 45; resume day excluded: 10-10 and 10-13 do
	// not count): day 1 = 10-09, day 2 = 10-14, day 3 = 10-15.
	args := []string{"status", "--policy", defaultPolicy, "--case", "testdata/case-open.json", "--now", "2025-10-14T12:00:00+08:00"}
	t.Run("text", func(t *testing.T) {
		r := cli(t, "", append(args, "--lang", "en")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "status.txt", r.stdout)
		assert.Contains(t, r.stdout, "期限 Due: 2025-10-15 24:00")
	})
	t.Run("the text says when the status next changes by itself, the instant the JSON gives as next_change", func(t *testing.T) {
		j := cli(t, "", append(args, "--format", "json", "--lang", "en")...)
		require.Equal(t, exitOK, j.code, j.stderr)
		var out struct {
			Status struct {
				NextChange string `json:"next_change"`
			} `json:"status"`
		}
		require.NoError(t, json.Unmarshal([]byte(j.stdout), &out))
		// Wednesday 10-15 00:00 starts the last working day: the last_day warning is crossed.
		require.Equal(t, "2025-10-15T00:00:00+08:00", out.Status.NextChange)
		en := cli(t, "", append(args, "--lang", "en")...)
		assert.Contains(t, en.stdout, "\n下次变化 Next change: 2025-10-15 00:00 CST ("+out.Status.NextChange+")\n")
		zh := cli(t, "", append(args, "--lang", "zh")...)
		assert.Contains(t, zh.stdout, "\n下次变化：2025年10月15日（星期三）00:00（届时无需新事件，状态即会变化）\n")
	})
	t.Run("a case closed on time and visited has nothing left to change: the text says so", func(t *testing.T) {
		done := `{"schema":1,"id":"C-DONE","events":[` +
			`{"type":"accepted","at":"2025-10-13T09:00:00+08:00","input":{"cause":"complex","category":"wage_arrears"}},` +
			`{"type":"classified","at":"2025-10-13T09:00:00+08:00","tier":"T3","rule":"complex-case"},` +
			`{"type":"closed","at":"2025-10-14T10:00:00+08:00"},` +
			`{"type":"visited","at":"2025-10-14T15:00:00+08:00","rating":"满意"}]}`
		now := "2025-10-20T12:00:00+08:00"
		j := cli(t, done, "status", "--policy", defaultPolicy, "--case", "-", "--now", now, "--format", "json")
		require.Equal(t, exitOK, j.code, j.stderr)
		assert.NotContains(t, j.stdout, "next_change", "zero, so left out of the JSON")
		en := cli(t, done, "status", "--policy", defaultPolicy, "--case", "-", "--now", now, "--lang", "en")
		require.Equal(t, exitOK, en.code, en.stderr)
		assert.Contains(t, en.stdout, "\n下次变化 Next change: — (nothing changes until the next event)\n")
		zh := cli(t, done, "status", "--policy", defaultPolicy, "--case", "-", "--now", now, "--lang", "zh")
		require.Equal(t, exitOK, zh.code, zh.stderr)
		assert.Contains(t, zh.stdout, "\n下次变化：无（在下一事件之前状态不会自行变化）\n")
	})
	t.Run("json", func(t *testing.T) {
		r := cli(t, "", append(args, "--format", "json", "--lang", "en")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "status.json", r.stdout)
		var out struct {
			Policy      map[string]string `json:"policy"`
			Status      map[string]any    `json:"status"`
			Explanation []string          `json:"explanation"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
		st := out.Status
		assert.Equal(t, "2025-10-16T00:00:00+08:00", st["due"])
		assert.Equal(t, "2025-10-15", st["last_day"])
		assert.Equal(t, "warning", st["state"])
		assert.EqualValues(t, 1, st["remaining_days"])
		assert.Equal(t, "xinyu-1310", out.Policy["id"])
		assert.NotEmpty(t, out.Explanation)
		var typed sla.Status
		require.NoError(t, json.Unmarshal(mustJSONMember(t, r.stdout, "status"), &typed), "the status is the library's wire format")
		assert.Equal(t, sla.StateWarning, typed.State)
	})
	t.Run("the case from stdin, after the deadline: overdue", func(t *testing.T) {
		data, err := os.ReadFile("testdata/case-open.json")
		require.NoError(t, err)
		r := cli(t, string(data), "status", "--policy", defaultPolicy, "--case", "-", "--now", "2025-10-17T09:00:00+08:00", "--format", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		var out struct{ Status map[string]any }
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
		st := out.Status
		assert.Equal(t, "overdue", st["state"])
		assert.EqualValues(t, 2, st["overdue_days"], "Thursday 10-16 and Friday 10-17 are overdue")
	})
	t.Run("a malformed case file is exit 2 with line and column", func(t *testing.T) {
		r := cli(t, "{\n  \"schema\": 1,\n  \"id\": ,\n}", "status", "--policy", defaultPolicy, "--case", "-", "--now", "2025-10-14T12:00:00+08:00")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "<stdin>:3:9:")
	})
	t.Run("an event history the policy rejects is exit 2 naming the event", func(t *testing.T) {
		in := `{"schema":1,"id":"C-9","events":[{"type":"accepted","at":"2025-09-30T17:00:00+08:00"},{"type":"resumed","at":"2025-10-09T10:00:00+08:00"}]}`
		r := cli(t, in, "status", "--policy", defaultPolicy, "--case", "-", "--now", "2025-10-14T12:00:00+08:00")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "resume")
	})
	t.Run("a future schema is exit 2", func(t *testing.T) {
		r := cli(t, `{"schema":2,"id":"C-9","events":[]}`, "status", "--policy", defaultPolicy, "--case", "-", "--now", "2025-10-14T12:00:00+08:00")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "newer")
	})
	t.Run("usage errors", func(t *testing.T) {
		assert.Equal(t, exitUsage, cli(t, "", "status", "--policy", defaultPolicy, "--case", "testdata/case-open.json").code)
		assert.Equal(t, exitUsage, cli(t, "", "status", "--policy", defaultPolicy, "--now", "2025-10-14T12:00:00+08:00").code)
	})
}

func TestReport(t *testing.T) {
	base := []string{"report", "--policy", defaultPolicy, "--cases", "testdata/cases.jsonl", "--from", "2025-09-28", "--to", "2025-10-12"}
	t.Run("markdown by tier, as of the end of Sunday 10-12", func(t *testing.T) {
		r := cli(t, "", base...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "report-tier.md", r.stdout)
		assert.Contains(t, r.stdout, "2025-10-13 00:00")
		assert.Contains(t, r.stdout, "## 超期清单 Overdue")
	})
	t.Run("csv by department", func(t *testing.T) {
		r := cli(t, "", append(base, "--by", "department", "--format", "csv")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "report-department.csv", r.stdout)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		assert.Equal(t, "group,accepted,closed_on_time,closed_late,open,open_overdue,on_time_rate,avg_workdays_to_close,p90_workdays_to_close,overdue_workdays,reopened,visited,satisfied,satisfaction_rate,ever_late,returned,supervised,supervision_reached", lines[0],
			"the historical columns keep their order; ever_late, then the closed loop's columns, are appended")
		assert.True(t, strings.HasPrefix(lines[len(lines)-1], "TOTAL,6,"), "six cases were accepted 09-28..10-12: %s", lines[len(lines)-1])
	})
	t.Run("bucketed by close date with an explicit as-of", func(t *testing.T) {
		r := cli(t, "", append(base, "--bucket", "closed", "--now", "2025-10-13T09:00:00+08:00", "--format", "csv", "--by", "")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "report-closed.csv", r.stdout)
	})
	t.Run("bad lines are reported with file:line:column; exit 2 after the report", func(t *testing.T) {
		r := cli(t, "", "report", "--policy", defaultPolicy, "--cases", "testdata/cases-bad.jsonl", "--from", "2025-09-28", "--to", "2025-10-12", "--format", "csv")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stdout, "TOTAL,6,")
		assert.Contains(t, r.stderr, "testdata/cases-bad.jsonl:1:34:")
		assert.Contains(t, r.stderr, "testdata/cases-bad.jsonl:2:11: sla: case schema 2 is newer", "the column of the schema value")
	})
	t.Run("--overdue --format csv writes the overdue list", func(t *testing.T) {
		r := cli(t, "", append(base, "--format", "csv", "--overdue")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "report-overdue.csv", r.stdout)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		assert.Equal(t, "case_id,group,tier,department,unit,handler,due,last_day,overdue_workdays,state", lines[0])
		assert.Empty(t, r.stderr)
	})
	t.Run("--overdue-limit cuts the overdue list and says so on stderr", func(t *testing.T) {
		r := cli(t, "", append(base, "--format", "csv", "--overdue", "--overdue-limit", "1")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Len(t, strings.Split(strings.TrimSpace(r.stdout), "\n"), 2, "the header and the most overdue case")
		assert.Contains(t, r.stderr, "the 1 most overdue were written")
	})
	t.Run("--overdue needs --format csv", func(t *testing.T) {
		r := cli(t, "", append(base, "--overdue")...)
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "--overdue needs --format csv")
	})
	t.Run("--loop --format csv writes the closed loop's figures: supervised, applicant-caused pauses, levels, returns, ratings", func(t *testing.T) {
		r := cli(t, "", append(base, "--format", "csv", "--loop")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "report-loop.csv", r.stdout)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		assert.Equal(t, "section,key,label,count", lines[0])
		assert.Equal(t, "supervised,,,0", lines[1])
		assert.Contains(t, lines, "level,supervise,督办,3", "the default policy's levels, each with the cases that reached it")
		assert.Contains(t, lines, "rating,不满意,,1")
	})
	t.Run("--loop needs --format csv, and is not given with --overdue", func(t *testing.T) {
		r := cli(t, "", append(base, "--loop")...)
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "--loop needs --format csv")
		r = cli(t, "", append(base, "--format", "csv", "--loop", "--overdue")...)
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "give one")
	})
	t.Run("the Markdown report shows the closed loop", func(t *testing.T) {
		r := cli(t, "", base...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "## 闭环 Closed loop")
		assert.Contains(t, r.stdout, "| 退回 returned | 督办 supervised | 达督办级别 supervision reached |")
	})
	t.Run("usage errors", func(t *testing.T) {
		assert.Equal(t, exitUsage, cli(t, "", "report", "--policy", defaultPolicy, "--cases", "testdata/cases.jsonl", "--from", "2025-09-28").code)
		assert.Equal(t, exitUsage, cli(t, "", append(base, "--by", "colour")...).code)
		assert.Equal(t, exitUsage, cli(t, "", append(base, "--bucket", "week")...).code)
		assert.Equal(t, exitUsage, cli(t, "", append(base, "--format", "pdf")...).code)
	})
}

// mustJSONMember returns the raw value of key in the JSON object doc.
func mustJSONMember(t *testing.T, doc, key string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(doc), &m))
	require.Contains(t, m, key)
	return m[key]
}
