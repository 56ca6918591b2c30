package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCalendarCSVAroundNationalDay2025(t *testing.T) {
	r := cli(t, "", "calendar", "--from", "2025-09-27", "--to", "2025-10-12")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	golden(t, "calendar-2025-national-day.csv", r.stdout)

	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"date", "kind", "holiday", "notice", "certainty"}, rows[0], "the header is a contract")
	require.Len(t, rows, 1+16, "one row per day, 09-27..10-12 inclusive")
	kinds := map[string]string{}
	for _, row := range rows[1:] {
		kinds[row[0]] = row[1]
		assert.Equal(t, "official", row[4], row[0])
	}
	// 国办发明电〔2024〕12号: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11 are makeup working days.
	assert.Equal(t, "rest", kinds["2025-09-27"], "an ordinary Saturday")
	assert.Equal(t, "makeup", kinds["2025-09-28"], "Sunday 09-28 is a makeup working day (调休上班)")
	assert.Equal(t, "workday", kinds["2025-09-30"])
	for _, d := range []string{"2025-10-01", "2025-10-04", "2025-10-08"} {
		assert.Equal(t, "holiday", kinds[d], d)
	}
	assert.Equal(t, "workday", kinds["2025-10-09"])
	assert.Equal(t, "makeup", kinds["2025-10-11"], "Saturday 10-11 is a makeup working day")
	assert.Equal(t, "rest", kinds["2025-10-12"])
}

func TestCalendarJSON(t *testing.T) {
	r := cli(t, "", "calendar", "--from=2025-09-27", "--to=2025-10-12", "--format=json")
	require.Equal(t, exitOK, r.code, r.stderr)
	golden(t, "calendar-2025-national-day.json", r.stdout)
	var days []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &days))
	require.Len(t, days, 16)
	assert.Equal(t, map[string]string{
		"date": "2025-10-01", "kind": "holiday", "holiday": "national_day_mid_autumn", "holiday_zh": "国庆节、中秋节",
		"notice": days[4]["notice"], "certainty": "official",
	}, days[4])
	assert.Contains(t, days[4]["notice"], "国办发明电〔2024〕12号")
}

func TestCalendarICSFoldsOnCharacterBoundariesWithCRLF(t *testing.T) {
	r := cli(t, "", "calendar", "--from", "2025-09-27", "--to", "2025-10-12", "--format", "ics")
	require.Equal(t, exitOK, r.code, r.stderr)
	golden(t, "calendar-2025-national-day.ics", r.stdout)

	require.True(t, strings.HasSuffix(r.stdout, "END:VCALENDAR\r\n"))
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\r\n"), "\r\n")
	folded := 0
	for _, l := range lines {
		assert.NotContains(t, l, "\n", "every line ends with CRLF, never a bare LF")
		assert.LessOrEqual(t, len(l), 75, "RFC 5545 §3.1: at most 75 octets per line: %q", l)
		assert.True(t, utf8.ValidString(l), "a fold never splits a UTF-8 character: %q", l)
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	assert.Positive(t, folded, "the Chinese summaries and notices are long enough to be folded")

	unfolded := strings.ReplaceAll(r.stdout, "\r\n ", "")
	// 10 events: the makeup Sunday 09-28, the 8 days off 10-01..10-08 and the makeup Saturday 10-11.
	assert.Equal(t, 10, strings.Count(unfolded, "BEGIN:VEVENT"))
	assert.Contains(t, unfolded, "UID:20250928@shixian\r\n")
	assert.Contains(t, unfolded, "DTSTART;VALUE=DATE:20251001\r\nDTEND;VALUE=DATE:20251002\r\n")
	assert.Contains(t, unfolded, "SUMMARY:国庆节、中秋节 (holiday)\r\n")
	assert.Contains(t, unfolded, "SUMMARY:国庆节、中秋节 调休上班 (makeup working day)\r\n")
	assert.NotContains(t, unfolded, "UID:20251009@shixian", "ordinary working days are not exported")
}

func TestFoldICS(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"short line is not folded", "SUMMARY:春节 (holiday)"},
		{"ascii exactly 75 octets is not folded", "X:" + strings.Repeat("a", 73)},
		{"ascii 76 octets folds once", "X:" + strings.Repeat("a", 74)},
		{"three-byte characters never split", "DESCRIPTION:" + strings.Repeat("国务院办公厅关于", 30)},
		{"four-byte characters never split", "X:" + strings.Repeat("𠀀", 60)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := foldICS(tt.in)
			require.True(t, strings.HasSuffix(out, "\r\n"))
			for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
				assert.LessOrEqual(t, len(l), 75)
				assert.True(t, utf8.ValidString(l))
			}
			assert.Equal(t, tt.in, strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n ", ""), "unfolding restores the line")
			if len(tt.in) <= 75 {
				assert.NotContains(t, strings.TrimSuffix(out, "\r\n"), "\r\n")
			}
		})
	}
}

func TestICSTextEscaping(t *testing.T) {
	assert.Equal(t, `a\,b\;c\\d\ne`, icsText("a,b;c\\d\ne"))
}

func TestCalendarSchedulesAndStrictMode(t *testing.T) {
	t.Run("a CSV schedule for 2028 replaces the projection and is official", func(t *testing.T) {
		r := cli(t, "", "calendar", "--from", "2028-01-01", "--to", "2028-01-09", "--schedule", "testdata/schedule-2028.csv")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "calendar-2028-schedule.csv", r.stdout)
		assert.Contains(t, r.stdout, "2028-01-08,makeup,new_year,")
		assert.NotContains(t, r.stdout, "projected")
	})
	t.Run("a holiday-cn JSON schedule gives the same days as the CSV one", func(t *testing.T) {
		r := cli(t, "", "calendar", "--from", "2028-01-01", "--to", "2028-01-09", "--schedule", "testdata/holiday-cn-2028.json", "--format", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		var days []map[string]string
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &days))
		require.Len(t, days, 9)
		kinds := make([]string, len(days))
		for i, d := range days {
			kinds[i] = d["kind"]
			assert.Equal(t, "official", d["certainty"])
		}
		assert.Equal(t, []string{"holiday", "holiday", "holiday", "workday", "workday", "workday", "workday", "makeup", "rest"}, kinds)
		assert.Equal(t, "元旦", days[0]["holiday_zh"])
	})
	t.Run("the empty holiday-cn placeholder is rejected with exit 2", func(t *testing.T) {
		r := cli(t, "", "calendar", "--from", "2029-01-01", "--schedule", "testdata/holiday-cn-placeholder.json")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "placeholder")
	})
	t.Run("due counts on a loaded schedule: Friday 2028-01-07 + 1 workday is the makeup Saturday 01-08", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", "2028-01-07T10:00:00+08:00", "--limit", "1 workday", "--schedule", "testdata/holiday-cn-2028.json", "--format", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, `"last_day":"2028-01-08"`)
		assert.Contains(t, r.stdout, `"provisional":false`)
	})
	t.Run("without the schedule 2028 is projected", func(t *testing.T) {
		r := cli(t, "", "calendar", "--from", "2028-01-08")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "2028-01-08,rest,")
		assert.Contains(t, r.stdout, ",projected\n")
	})
	t.Run("--schedule-certainty marks a draft as unverified", func(t *testing.T) {
		r := cli(t, "", "calendar", "--from", "2028-01-08", "--schedule", "testdata/schedule-2028.csv", "--schedule-certainty", "unverified")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, ",unverified\n")
	})
	t.Run("strict mode refuses the unverified 2027 schedule with exit 2", func(t *testing.T) {
		r := cli(t, "", "calendar", "--from", "2027-01-01", "--strict")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "2027-01-01")
		assert.Empty(t, r.stdout)
	})
	t.Run("a bad schedule file is exit 2 naming the file", func(t *testing.T) {
		r := cli(t, "", "calendar", "--from", "2028-01-01", "--schedule", "testdata/cases.jsonl")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "testdata/cases.jsonl")
	})
	t.Run("out of range is exit 2", func(t *testing.T) {
		r := cli(t, "", "calendar", "--from", "2003-12-31")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "2003-12-31")
	})
}

func TestCalendarUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing --from", []string{"calendar"}, "--from is required"},
		{"bad date", []string{"calendar", "--from", "2025-9-1"}, `"2025-9-1" is not a date`},
		{"to before from", []string{"calendar", "--from", "2025-10-02", "--to", "2025-10-01"}, "before"},
		{"unknown format", []string{"calendar", "--from", "2025-10-01", "--format", "xml"}, "want one of csv, json, ics"},
		{"positional argument", []string{"calendar", "--from", "2025-10-01", "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, "", tt.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout)
		})
	}
}
