package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
)

const noticeDir = "../../calendar/testdata/notices/"

func TestImportNotice(t *testing.T) {
	t.Run("the 2026 notice prints as holiday-cn JSON that the calendar loads to the same days", func(t *testing.T) {
		r := cli(t, "", "calendar", "import-notice", noticeDir+"2026.txt", "--format", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "import-notice-2026.json", r.stdout)
		golden(t, "import-notice-2026.stderr", r.stderr)
		s, err := calendar.ParseHolidayCN("out.json", []byte(r.stdout))
		require.NoError(t, err)
		assert.Equal(t, []int{2026}, s.Years)
		path := filepath.Join(t.TempDir(), "2026.json")
		require.NoError(t, os.WriteFile(path, []byte(r.stdout), 0o600))
		loaded := cli(t, "", "calendar", "--from", "2026-01-01", "--to", "2026-12-31", "--schedule", path)
		embedded := cli(t, "", "calendar", "--from", "2026-01-01", "--to", "2026-12-31")
		require.Equal(t, exitOK, loaded.code, loaded.stderr)
		assert.Equal(t, kindsOnly(t, embedded.stdout), kindsOnly(t, loaded.stdout))
	})
	t.Run("against an unverified draft it lists every confirmed and changed day and the open cases that move", func(t *testing.T) {
		r := cli(t, "", "calendar", "import-notice", noticeDir+"2026.txt",
			"--schedule", "testdata/notice-2026-draft.csv", "--schedule-certainty", "unverified",
			"--cases", "testdata/notice-cases.jsonl", "--policy", "testdata/policy-2025.1.yaml", "--now", "2026-02-13T12:00:00+08:00")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "import-notice-2026-draft.stderr", r.stderr)
		assert.Contains(t, r.stderr, "2026-02-23 changed: holiday 春节, was workday (unverified)")
		assert.Contains(t, r.stderr, "N-1: last day 2026-02-23 → 2026-02-24 (+1 working days)")
		assert.NotContains(t, r.stderr, "N-4:", "a case whose deadline is the same on both calendars is not listed")
	})
	t.Run("csv output of a notice with days of the December before warns how to load it", func(t *testing.T) {
		r := cli(t, "", "calendar", "import-notice", noticeDir+"2019.txt")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "import-notice-2019.csv", r.stdout)
		assert.Contains(t, r.stderr, "note: the csv has days of 2018 (2018-12-29 …)")
		s, err := calendar.ParseCSV("out.csv", []byte(r.stdout), calendar.Official)
		require.NoError(t, err)
		assert.Len(t, s.Entries, 26)
	})
	t.Run("a supplementary notice prints the whole amended year", func(t *testing.T) {
		r := cli(t, "", "calendar", "import-notice", noticeDir+"2019-supplement.txt", "--format", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		s, err := calendar.ParseHolidayCN("out.json", []byte(r.stdout))
		require.NoError(t, err)
		assert.Len(t, s.Entries, 28, "the 2019 schedule with 劳动节 5月1日–4日 and its two makeup Sundays")
		assert.Contains(t, r.stdout, `"papers": ["国办发明电〔2018〕15号 (2018-12-04)","国办发明电〔2019〕3号 (2019-03-22)"]`)
		assert.Contains(t, r.stderr, "amends 2019: the whole amended year was printed")
	})
	t.Run("the notice read from stdin", func(t *testing.T) {
		data, err := os.ReadFile(noticeDir + "2026.txt")
		require.NoError(t, err)
		r := cli(t, string(data), "calendar", "import-notice", "-", "--format", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "import-notice-2026.json", r.stdout)
	})
}

func TestImportNoticeRefusals(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"a notice with an impossible date exits 2 at file:line:column with the item",
			[]string{"import-notice", "testdata/notice-2017-corrupted.txt"}, exitInvalid,
			`shixian calendar import-notice: calendar: testdata/notice-2017-corrupted.txt:18:11: 0月1日 is not a date (in 2017) (item "六、中秋节、国庆节:0月1日至8日放假调休,共8天。9月30日(星期六)上班。")`},
		{"a file that is not a notice exits 2",
			[]string{"import-notice", "testdata/policy-2025.1.yaml"}, exitInvalid, "not a State Council holiday notice"},
		{"a missing file exits 2", []string{"import-notice", "testdata/nope.txt"}, exitInvalid, "nope.txt"},
		{"no FILE is a usage error", []string{"import-notice"}, exitUsage, "import-notice takes one FILE"},
		{"two FILEs are a usage error", []string{"import-notice", "a.txt", "b.txt"}, exitUsage, "import-notice takes one FILE"},
		{"ics is not an import format", []string{"import-notice", noticeDir + "2026.txt", "--format", "ics"}, exitUsage, "json or csv, not ics"},
		{"--cases without --policy and --now is a usage error", []string{"import-notice", noticeDir + "2026.txt", "--cases", "x.jsonl"}, exitUsage, "--cases needs --policy FILE and --now RFC3339"},
		{"--policy without --cases is a usage error", []string{"import-notice", noticeDir + "2026.txt", "--policy", "p.yaml"}, exitUsage, "--policy and --now are for --cases FILE"},
		{"a positional argument other than import-notice is refused", []string{"--from", "2026-01-01", "list"}, exitUsage, `unexpected argument "list"`},
		{"--cases without import-notice is refused", []string{"--from", "2026-01-01", "--cases", "c.jsonl"}, exitUsage, "belong to 'calendar import-notice FILE'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := cli(t, "", append([]string{"calendar"}, tc.args...)...)
			assert.Equal(t, tc.code, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			assert.Empty(t, r.stdout, "a refused notice prints no schedule")
		})
	}
}

// kindsOnly keeps date and kind of `shixian calendar` CSV rows.
func kindsOnly(t *testing.T, out string) []string {
	t.Helper()
	var rows []string
	for _, line := range splitLines(out) {
		if len(line) >= 12 {
			cut := 11
			for cut < len(line) && line[cut] != ',' {
				cut++
			}
			rows = append(rows, line[:cut])
		}
	}
	return rows
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
