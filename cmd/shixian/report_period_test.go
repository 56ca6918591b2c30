package main

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rankedPolicy writes the example policy with a ranking formula to a temporary file.
func rankedPolicy(t *testing.T, formula string) string {
	t.Helper()
	data, err := os.ReadFile(defaultPolicy)
	require.NoError(t, err)
	const declared = "score: on_time_rate * 70 + satisfaction_rate * 30 - supervised * 5 - overdue_workdays"
	text := strings.Replace(string(data), declared, "score: "+formula, 1)
	require.NotEqual(t, string(data), text, "the example policy declares the formula to replace")
	path := filepath.Join(t.TempDir(), "ranked.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

// TestReportPeriod: the weekly analysis and monthly dispatch through the CLI. The six test
// cases were accepted 09-28..10-10: ISO week 2025-W41 (10-06..10-12) holds, the
// previous week W40 (09-29..10-05).
func TestReportPeriod(t *testing.T) {
	base := []string{"report", "--policy", defaultPolicy, "--cases", "testdata/cases.jsonl"}
	t.Run("the weekly analysis of the week containing 10-08, beside the previous week", func(t *testing.T) {
		r := cli(t, "", append(base, "--period", "week", "--from", "2025-10-08", "--trend", "3")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "report-week.md", r.stdout)
		assert.Contains(t, r.stdout, "# 周分析 Weekly analysis 2025-W41 (2025-10-06 – 2025-10-12)")
		assert.Contains(t, r.stdout, "统计口径 Basis: cases accepted in the period (按受理日统计)")
		assert.Contains(t, r.stdout, "| 件数 cases | 2 | 3 | -1 |", "two cases this week, three the week before")
		assert.Contains(t, r.stdout, "### input:cause")
	})
	t.Run("the monthly dispatch as CSV", func(t *testing.T) {
		r := cli(t, "", append(base, "--period", "month", "--from", "2025-10-31", "--format", "csv", "--trend", "2")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "report-month.csv", r.stdout)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		assert.Equal(t, "section,period,key,value,cases,closed_on_time,closed_late,open,open_overdue,on_time_rate,late,late_share,satisfaction_rate,rank,score,returned,supervised,supervision_reached", lines[0])
		assert.True(t, strings.HasPrefix(lines[1], "total,2025-10,,TOTAL,2,"), "%s", lines[1])
		assert.True(t, strings.HasPrefix(lines[2], "total,2025-09,,TOTAL,4,"), "%s", lines[2])
	})
	t.Run("a ranking by handler, with the formula printed", func(t *testing.T) {
		policy := rankedPolicy(t, "on_time_rate * 100 - overdue_workdays")
		r := cli(t, "", "report", "--policy", policy, "--cases", "testdata/cases.jsonl", "--period", "month", "--from", "2025-09-15", "--rank", "handler", "--now", "2025-10-13T00:00:00+08:00")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "## 排名 Ranking by handler: 综合得分")
		assert.Contains(t, r.stdout, "`on_time_rate * 100 - overdue_workdays`")
		golden(t, "report-month-rank.md", r.stdout)
	})
	t.Run("the on-time trend as SVG is well-formed XML", func(t *testing.T) {
		r := cli(t, "", append(base, "--period", "week", "--from", "2025-10-08", "--format", "svg")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		dec := xml.NewDecoder(strings.NewReader(r.stdout))
		n := 0
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			if se, ok := tok.(xml.StartElement); ok && n == 0 {
				assert.Equal(t, "svg", se.Name.Local)
				n++
			}
		}
		assert.Equal(t, 1, n)
		assert.Equal(t, 8, strings.Count(r.stdout, `text-anchor="middle">2025-W`), "eight weeks are labelled by default")
	})
	t.Run("--overdue --format csv with --period writes the period's overdue list", func(t *testing.T) {
		r := cli(t, "", append(base, "--period", "week", "--from", "2025-09-30", "--format", "csv", "--overdue")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.True(t, strings.HasPrefix(r.stdout, "case_id,group,tier,"), "%s", r.stdout)
	})
	t.Run("usage errors: exit 1 with the reason", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			args []string
			want string
		}{
			{"--to with --period", append(base, "--period", "week", "--from", "2025-10-08", "--to", "2025-10-12"), "--to is not used with --period"},
			{"--rank without --period", append(base, "--from", "2025-10-06", "--to", "2025-10-12", "--rank", "handler"), "--rank needs --period"},
			{"--format svg without --period", append(base, "--from", "2025-10-06", "--to", "2025-10-12", "--format", "svg"), "--format svg draws"},
			{"--rank under a policy without a formula", []string{"report", "--policy", "testdata/policy-2025.1.yaml", "--cases", "testdata/cases.jsonl", "--period", "week", "--from", "2025-10-08", "--rank", "unit"}, "declares none"},
			{"an unknown period", append(base, "--period", "fortnight", "--from", "2025-10-08"), "want one of week, month"},
			{"a trend of 60 weeks", append(base, "--period", "week", "--from", "2025-10-08", "--trend", "60"), "Trend 60 is outside 2..53"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := cli(t, "", tc.args...)
				assert.Equal(t, exitUsage, r.code)
				assert.Contains(t, r.stderr, tc.want)
			})
		}
	})
	t.Run("a bad formula in the policy is refused at file:line:column", func(t *testing.T) {
		policy := rankedPolicy(t, "on_time_rate * bonus")
		r := cli(t, "", "report", "--policy", policy, "--cases", "testdata/cases.jsonl", "--period", "week", "--from", "2025-10-08", "--rank", "handler")
		assert.NotEqual(t, exitOK, r.code)
		assert.Regexp(t, `ranked\.yaml:\d+:25: ranking\.score: unknown name bonus`, r.stderr)
	})
}
