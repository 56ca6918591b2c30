package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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
	t.Run("csv output of a notice with days of the December before loads without touching the rest of that year", func(t *testing.T) {
		r := cli(t, "", "calendar", "import-notice", noticeDir+"2019.txt")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "import-notice-2019.csv", r.stdout)
		assert.NotContains(t, r.stderr, "note:", "no advice to prefer the json form: the csv loads as well")
		s, err := calendar.ParseCSV("out.csv", []byte(r.stdout), calendar.Official)
		require.NoError(t, err)
		assert.Len(t, s.Entries, 26)
		assert.Equal(t, []int{2019}, s.Years, "2018-12-29..31 apply on top of 2018")
		path := filepath.Join(t.TempDir(), "2019.csv")
		require.NoError(t, os.WriteFile(path, []byte(r.stdout), 0o600))
		loaded := cli(t, "", "calendar", "--from", "2018-01-01", "--to", "2018-12-31", "--schedule", path)
		embedded := cli(t, "", "calendar", "--from", "2018-01-01", "--to", "2018-12-31")
		require.Equal(t, exitOK, loaded.code, loaded.stderr)
		assert.Empty(t, dayDiff(kindsOnly(t, embedded.stdout), kindsOnly(t, loaded.stdout)), "every 2018 holiday is kept")
		assert.Contains(t, loaded.stdout, "2018-02-16,holiday")
		assert.Contains(t, loaded.stdout, "2018-12-29,makeup")
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

// noticeFiles lists the stored notices in the order they were issued: by
// year, a year's supplementary notice after its annual one.
func noticeFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(noticeDir + "*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	key := func(f string) string {
		base := strings.TrimSuffix(filepath.Base(f), ".txt")
		if strings.HasSuffix(base, "-supplement") {
			return strings.TrimSuffix(base, "-supplement") + "b"
		}
		return base + "a"
	}
	slices.SortFunc(files, func(a, b string) int { return strings.Compare(key(a), key(b)) })
	return files
}

// TestImportNoticeCSVRoundTrip: the csv that import-notice prints for every
// stored notice, loaded back with --schedule, gives the embedded calendar:
// each file alone leaves the whole year before as it was (its late-December
// days are the ones the embedded data has; the notice's own year is reset,
// so a later supplementary notice of that year must be loaded after it), and
// all of them loaded in the order they were issued give the embedded data on
// every day 2005–2026 (but the late-December days set by a notice whose text
// is not stored, 2008's: loading the 2007 notice resets them).
func TestImportNoticeCSVRoundTrip(t *testing.T) {
	dir := t.TempDir()
	var all []string
	for _, f := range noticeFiles(t) {
		base := strings.TrimSuffix(filepath.Base(f), ".txt")
		r := cli(t, "", "calendar", "import-notice", f)
		require.Equal(t, exitOK, r.code, "%s: %s", f, r.stderr)
		path := filepath.Join(dir, base+".csv")
		require.NoError(t, os.WriteFile(path, []byte(r.stdout), 0o600))
		all = append(all, "--schedule", path)

		year, err := strconv.Atoi(strings.TrimSuffix(base, "-supplement"))
		require.NoError(t, err)
		from, to := fmt.Sprintf("%d-01-01", year-1), fmt.Sprintf("%d-12-31", year-1)
		t.Run(base+".txt as csv, loaded alone, changes nothing from "+from+" to "+to, func(t *testing.T) {
			loaded := cli(t, "", "calendar", "--from", from, "--to", to, "--schedule", path)
			require.Equal(t, exitOK, loaded.code, loaded.stderr)
			embedded := cli(t, "", "calendar", "--from", from, "--to", to)
			require.Empty(t, dayDiff(kindsOnly(t, embedded.stdout), kindsOnly(t, loaded.stdout)))
		})
	}
	require.GreaterOrEqual(t, len(all)/2, 22, "every stored notice")
	t.Run("all of them, loaded in the order issued, give the embedded calendar 2005-2026", func(t *testing.T) {
		loaded := cli(t, "", append([]string{"calendar", "--from", "2005-01-01", "--to", "2026-12-31"}, all...)...)
		require.Equal(t, exitOK, loaded.code, loaded.stderr)
		embedded := cli(t, "", "calendar", "--from", "2005-01-01", "--to", "2026-12-31")
		got, want := kindsOnly(t, loaded.stdout), kindsOnly(t, embedded.stdout)
		require.Len(t, got, len(want))
		stored := func(year int) bool {
			_, err := os.Stat(fmt.Sprintf("%s%d.txt", noticeDir, year))
			return err == nil
		}
		for i := len(want) - 1; i >= 0; i-- {
			var y, m, d int
			if n, _ := fmt.Sscanf(want[i], "%d-%d-%d", &y, &m, &d); n == 3 && m == 12 && d > 20 && !stored(y+1) {
				want = slices.Delete(want, i, i+1)
				got = slices.Delete(got, i, i+1)
			}
		}
		assert.Greater(t, len(want), 21*365)
		assert.Empty(t, dayDiff(want, got))
	})
}

// dayDiff lists the rows of two kindsOnly listings that differ, as
// "want → got", at most 20 of them.
func dayDiff(want, got []string) []string {
	var out []string
	for i := 0; i < max(len(want), len(got)) && len(out) < 20; i++ {
		w, g := "(none)", "(none)"
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			out = append(out, w+" → "+g)
		}
	}
	return out
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
