package calendar

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceDir is shared/reference relative to this package directory: the
// repository is /work/main and shared/ sits beside it (also in CI).
const referenceDir = "../../shared/reference"

// referenceFile returns the reference file to re-derive the days from: the shared reference
// when it is beside the repository, else the committed copy under data/ (which
// TestEmbeddedDataIsByteIdenticalToReference ties to the reference wherever both exist), so
// that a clone without shared/ still checks every date with an independent reader.
func referenceFile(name string) string {
	if _, err := os.Stat(filepath.Join(referenceDir, name)); err == nil {
		return filepath.Join(referenceDir, name)
	}
	return filepath.Join("data", name)
}

func requireReference(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(referenceDir); err != nil {
		t.Skipf("reference data directory %s not found beside the repository (%v); cannot cross-check the embedded copy", referenceDir, err)
	}
}

var cst = CST()

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, cst) }

func mustDate(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02", s, cst)
	require.NoError(t, err)
	return d
}

func TestEmbeddedDataIsByteIdenticalToReference(t *testing.T) {
	requireReference(t)
	for name, embedded := range map[string][]byte{
		officialName:   officialCSV,
		unverifiedName: unverifiedCSV,
		festivalsName:  festivalsCSV,
	} {
		ref, err := os.ReadFile(filepath.Join(referenceDir, name))
		require.NoError(t, err, name)
		assert.Equal(t, ref, embedded, "embedded data/%s differs from %s/%s; copy it again", name, referenceDir, name)
	}
}

// TestEveryDay2004To2026MatchesReference re-derives every civil date from
// the reference CSV with its own reader: rows are days off or makeup days
// with their names and notice; every other date is ordinary by weekday.
func TestEveryDay2004To2026MatchesReference(t *testing.T) {
	f, err := os.Open(referenceFile(officialName))
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"date", "kind", "holiday", "name_zh", "notice"}, recs[0])
	want := map[string][]string{}
	for _, r := range recs[1:] {
		want[r[0]] = r
	}
	c := Default()
	checked := 0
	for d := date(2004, 1, 1); d.Year() <= 2026; d = d.AddDate(0, 0, 1) {
		key := d.Format("2006-01-02")
		got, err := c.Day(d)
		require.NoError(t, err, key)
		require.Equal(t, Official, got.Certainty, key)
		require.True(t, got.Date.Equal(d), key)
		if r, ok := want[key]; ok {
			wantKind := Holiday
			if r[1] == "makeup" {
				wantKind = MakeupWorkday
			}
			require.Equal(t, wantKind, got.Kind, key)
			require.Equal(t, r[2], got.Holiday, key)
			require.Equal(t, r[3], got.HolidayZh, key)
			require.Equal(t, r[4], got.Notice, key)
			delete(want, key)
		} else {
			wantKind := Workday
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				wantKind = RestDay
			}
			require.Equal(t, wantKind, got.Kind, key)
			require.Empty(t, got.Holiday, key)
			require.Empty(t, got.Notice, "ordinary day of an official year has no notice: %s", key)
		}
		checked++
	}
	assert.Empty(t, want, "reference rows not seen in 2004..2026")
	assert.Equal(t, 8401, checked) // 23 years, 6 of them leap
}

func TestUnverified2027MatchesReference(t *testing.T) {
	data, err := os.ReadFile(referenceFile(unverifiedName))
	require.NoError(t, err)
	s, err := ParseCSV(unverifiedName, data, Unverified)
	require.NoError(t, err)
	require.Equal(t, []int{2027}, s.Years)
	c := Default()
	rows := map[string]Entry{}
	for _, e := range s.Entries {
		rows[e.Date.Format("2006-01-02")] = e
	}
	for d := date(2027, 1, 1); d.Year() == 2027; d = d.AddDate(0, 0, 1) {
		key := d.Format("2006-01-02")
		got, err := c.Day(d)
		require.NoError(t, err)
		require.Equal(t, Unverified, got.Certainty, key)
		if e, ok := rows[key]; ok {
			require.Equal(t, e.Kind, got.Kind, key)
			require.Equal(t, e.Notice, got.Notice, key)
		} else {
			require.Equal(t, ordinaryKind(dayNumOf(d)), got.Kind, key)
		}
	}
}

func TestTraps(t *testing.T) {
	c := Default()
	tests := []struct {
		name    string
		date    string
		kind    DayKind
		holiday string
		notice  string // substring
	}{
		{"2005-12-31, a Saturday, is a makeup working day set by the 2006 notice (chinese-calendar misses it)", "2005-12-31", MakeupWorkday, "new_year", "国办发明电〔2005〕35号"},
		{"2013-04-07, a Sunday, is a makeup working day for 清明 (lunar-go misses it)", "2013-04-07", MakeupWorkday, "tomb_sweeping", "国办发明电〔2012〕33号"},
		{"2013-10-12, a Saturday, is a makeup working day for 国庆 (lunar-go misses it)", "2013-10-12", MakeupWorkday, "national_day", "国办发明电〔2012〕33号"},
		{"2020-01-31, Friday, is off by the COVID extension notice", "2020-01-31", Holiday, "spring_festival", "国办发明电〔2020〕1号"},
		{"2020-02-01, Saturday, is off: the extension runs through the planned makeup day", "2020-02-01", Holiday, "spring_festival", "国办发明电〔2020〕1号"},
		{"2020-02-02, Sunday, is the last day of the extension", "2020-02-02", Holiday, "spring_festival", "国办发明电〔2020〕1号"},
		{"2020-02-03, Monday, work resumes", "2020-02-03", Workday, "", ""},
		{"2015-09-03, Thursday, is the victory-day holiday", "2015-09-03", Holiday, "anti_fascist_70th", "国发明电〔2015〕1号"},
		{"2015-09-04, Friday, is the victory-day holiday", "2015-09-04", Holiday, "anti_fascist_70th", "国发明电〔2015〕1号"},
		{"2015-09-05, Saturday, inside the stated span", "2015-09-05", Holiday, "anti_fascist_70th", "国发明电〔2015〕1号"},
		{"2015-09-06, a Sunday, is a makeup working day of the victory-day notice", "2015-09-06", MakeupWorkday, "anti_fascist_70th", "国发明电〔2015〕1号"},
		{"2024-02-09, 除夕, is a working day (the 2024 notice only encourages giving it)", "2024-02-09", Workday, "", ""},
		{"2018-12-29, a Saturday, is a makeup working day set by the 2019 notice", "2018-12-29", MakeupWorkday, "new_year", "国办发明电〔2018〕15号"},
		{"2018-12-31, a Monday, is off by the 2019 notice", "2018-12-31", Holiday, "new_year", "国办发明电〔2018〕15号"},
		{"2019-04-28, a Sunday, is a makeup working day after the March 2019 amendment", "2019-04-28", MakeupWorkday, "labour_day", "国办发明电〔2019〕3号"},
		{"2019-05-05, a Sunday, is a makeup working day after the March 2019 amendment", "2019-05-05", MakeupWorkday, "labour_day", "国办发明电〔2019〕3号"},
		{"2019-05-03, a Friday, is off after the March 2019 amendment", "2019-05-03", Holiday, "labour_day", "国办发明电〔2019〕3号"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := c.Day(mustDate(t, tt.date))
			require.NoError(t, err)
			assert.Equal(t, tt.kind, d.Kind)
			assert.Equal(t, tt.holiday, d.Holiday)
			assert.Contains(t, d.Notice, tt.notice)
			assert.Equal(t, Official, d.Certainty)
		})
	}
	// 2015-09-06 check above must match the data: verify the weekday claim
	// so the table cannot silently describe the wrong day.
	assert.Equal(t, time.Sunday, mustDate(t, "2015-09-06").Weekday())
}

func TestSevenDayWorkingRun2023(t *testing.T) {
	// 2023-01-28 (Sat) and 01-29 (Sun) are makeup days after the Spring
	// Festival break, so 01-28..02-03 is a run of 7 consecutive working
	// days, bounded by days off on 01-27 and 02-04.
	c := Default()
	for d := date(2023, 1, 28); !d.After(date(2023, 2, 3)); d = d.AddDate(0, 0, 1) {
		ok, err := c.IsWorkday(d)
		require.NoError(t, err)
		assert.True(t, ok, d.Format("2006-01-02"))
	}
	for _, s := range []string{"2023-01-27", "2023-02-04"} {
		ok, err := c.IsWorkday(mustDate(t, s))
		require.NoError(t, err)
		assert.False(t, ok, s)
	}
	n, err := c.WorkdaysBetween(date(2023, 1, 27), date(2023, 2, 3))
	require.NoError(t, err)
	assert.Equal(t, 7, n)
}

func TestPerYearCountsMatchReadme(t *testing.T) {
	// Off days and makeup days per calendar year, as counted from the State Council notices.
	want := map[int][2]int{
		2004: {22, 6}, 2005: {24, 7}, 2006: {24, 8}, 2007: {26, 7}, 2008: {27, 5}, 2009: {27, 6},
		2010: {29, 8}, 2011: {29, 6}, 2012: {27, 6}, 2013: {29, 12}, 2014: {22, 5}, 2015: {26, 5},
		2016: {24, 6}, 2017: {24, 5}, 2018: {25, 7}, 2019: {22, 6}, 2020: {30, 6}, 2021: {31, 7},
		2022: {32, 7}, 2023: {26, 7}, 2024: {28, 8}, 2025: {28, 5}, 2026: {33, 6}, 2027: {29, 5},
	}
	c := Default()
	for y, w := range want {
		days, err := c.Days(date(y, 1, 1), date(y, 12, 31))
		require.NoError(t, err)
		var off, makeup int
		for _, d := range days {
			switch d.Kind {
			case Holiday:
				off++
			case MakeupWorkday:
				makeup++
			}
		}
		assert.Equal(t, w, [2]int{off, makeup}, "year %d", y)
	}
}
