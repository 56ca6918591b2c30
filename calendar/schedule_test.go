package calendar

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scheduleCSV writes s in the schedule CSV format, as `shixian calendar
// import-notice --format csv` does.
func scheduleCSV(t *testing.T, s *Schedule) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.Write([]string{"date", "kind", "holiday", "name_zh", "notice"}))
	for _, e := range s.Entries {
		kind := "off"
		if e.Kind == MakeupWorkday {
			kind = "makeup"
		}
		require.NoError(t, w.Write([]string{e.Date.Format(time.DateOnly), kind, e.Holiday, e.HolidayZh, e.Notice}))
	}
	w.Flush()
	require.NoError(t, w.Error())
	return b.Bytes()
}

func TestParseCSVYearsOfLateDecemberRows(t *testing.T) {
	const h = "date,kind,holiday,name_zh,notice\n"
	tests := []struct {
		name string
		rows string
		want []int
	}{
		{"the rows of the 2019 notice (2018-12-29 makeup, 2018-12-30..31 off, then 2019) determine 2019 only",
			"2018-12-29,makeup,new_year,元旦,n\n2018-12-30,off,new_year,元旦,n\n2018-12-31,off,new_year,元旦,n\n2019-01-01,off,new_year,元旦,n\n", []int{2019}},
		{"rows sorted the other way round give the same years",
			"2019-01-01,off,new_year,元旦,n\n2018-12-31,off,new_year,元旦,n\n", []int{2019}},
		{"a file of two whole years determines both, late-December rows included",
			"2018-02-16,off,spring_festival,春节,n\n2018-12-30,off,new_year,元旦,n\n2019-01-01,off,new_year,元旦,n\n", []int{2018, 2019}},
		{"a row on December 20 counts for its own year",
			"2018-12-20,off,x,x,n\n2019-01-01,off,new_year,元旦,n\n", []int{2018, 2019}},
		{"a row on December 21 does not, when the next year has rows",
			"2018-12-21,off,x,x,n\n2019-01-01,off,new_year,元旦,n\n", []int{2019}},
		{"late-December rows of the file's last year determine that year (no next year to belong to)",
			"2018-12-30,off,new_year,元旦,n\n", []int{2018}},
		{"late-December rows with a gap of a year before the next row determine their year",
			"2017-12-30,off,new_year,元旦,n\n2019-01-01,off,new_year,元旦,n\n", []int{2017, 2019}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseCSV("x.csv", []byte(h+tt.rows), Official)
			require.NoError(t, err)
			assert.Equal(t, tt.want, s.Years)
		})
	}
}

func TestTheCSVOfTheNoticeOf2019KeepsTheHolidaysOf2018(t *testing.T) {
	n, err := ParseNotice("2019.txt", []byte(readNotice(t, "2019.txt")))
	require.NoError(t, err)
	data := scheduleCSV(t, n.Schedule())
	s, err := ParseCSV("2019.csv", data, Official)
	require.NoError(t, err)
	assert.Equal(t, []int{2019}, s.Years)

	// On a base with 2018-12-29 as an ordinary Saturday, loading the CSV
	// keeps every 2018 holiday and adds 2018-12-29 as a makeup working day.
	base, err := Default().Derive(WithOverrides(Override{Date: date(2018, 12, 29), Kind: RestDay, Source: "test: not yet set"}))
	require.NoError(t, err)
	got, err := base.Derive(WithSchedule(s))
	require.NoError(t, err)
	before, err := base.Days(date(2018, 1, 1), date(2018, 12, 28))
	require.NoError(t, err)
	after, err := got.Days(date(2018, 1, 1), date(2018, 12, 28))
	require.NoError(t, err)
	holidays := 0
	for i := range before {
		require.Equal(t, before[i].Kind, after[i].Kind, "%s", before[i].Date.Format(time.DateOnly))
		require.Equal(t, before[i].Holiday, after[i].Holiday, "%s", before[i].Date.Format(time.DateOnly))
		if after[i].Kind == Holiday {
			holidays++
		}
	}
	assert.Greater(t, holidays, 20, "the comparison covered 2018's holidays")
	spring, err := got.Day(date(2018, 2, 16))
	require.NoError(t, err)
	assert.Equal(t, "spring_festival", spring.Holiday, "2018-02-16 (春节) is still a holiday")
	d, err := got.Day(date(2018, 12, 29))
	require.NoError(t, err)
	assert.Equal(t, MakeupWorkday, d.Kind)
	assert.Contains(t, d.Notice, n.DocNumber, "set by the 2019 notice")
	for _, day := range []int{30, 31} {
		d, err := got.Day(date(2018, 12, day))
		require.NoError(t, err)
		assert.Equal(t, Holiday, d.Kind, "2018-12-%d", day)
	}
}
