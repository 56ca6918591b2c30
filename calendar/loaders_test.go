package calendar

import (
	"bytes"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseHolidayCNGoodFile(t *testing.T) {
	data, err := os.ReadFile("testdata/2026.json")
	require.NoError(t, err)
	s, err := ParseHolidayCN("2026.json", data)
	require.NoError(t, err)
	assert.Equal(t, "2026.json", s.Name)
	assert.Equal(t, []int{2026}, s.Years)
	assert.Equal(t, Official, s.Certainty)
	require.Len(t, s.Entries, 39)
	first := s.Entries[0]
	assert.Equal(t, "2026-01-01", first.Date.Format("2006-01-02"))
	assert.Equal(t, Holiday, first.Kind)
	assert.Equal(t, "new_year", first.Holiday)
	assert.Equal(t, "元旦", first.HolidayZh)
	assert.Equal(t, "https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm", first.Notice)

	// Applied to the national calendar, the file reproduces the embedded
	// 2026 kinds day for day (only notices differ: URL vs document number).
	c, err := New(WithSchedule(s))
	require.NoError(t, err)
	base := Default()
	for d := date(2026, 1, 1); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		got, err := c.Day(d)
		require.NoError(t, err)
		want, err := base.Day(d)
		require.NoError(t, err)
		require.Equal(t, want.Kind, got.Kind, d)
		require.Equal(t, want.Holiday, got.Holiday, d)
	}
	assert.NotEqual(t, base.Version(), c.Version(), "notices changed, so the version changes")
}

func TestParseHolidayCNErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"the empty placeholder holiday-cn publishes before the notice is rejected",
			`{"year":2027,"papers":[],"days":[]}`, "empty placeholder"},
		{"papers present but no days is still the placeholder",
			`{"year":2027,"papers":["https://www.gov.cn/x"],"days":[]}`, "empty placeholder"},
		{"malformed JSON names line and column",
			"{\n  \"year\": 2026,\n  \"papers\": [\"u\"]\n  \"days\": []\n}", "x.json:4:3: malformed JSON"},
		{"wrong type names the position",
			`{"year":"2026","papers":["u"],"days":[]}`, "x.json:1:"},
		{"a bad date is named",
			`{"year":2026,"papers":["u"],"days":[{"name":"元旦","date":"2026-02-30","isOffDay":true}]}`, `"2026-02-30" is not a valid date`},
		{"a non-date is named",
			`{"year":2026,"papers":["u"],"days":[{"name":"元旦","date":"1/1/2026","isOffDay":true}]}`, `"1/1/2026"`},
		{"missing isOffDay is rejected",
			`{"year":2026,"papers":["u"],"days":[{"name":"元旦","date":"2026-01-01"}]}`, "isOffDay is missing"},
		{"missing year is rejected",
			`{"papers":["u"],"days":[{"name":"元旦","date":"2026-01-01","isOffDay":true}]}`, "year is missing"},
		{"a year outside 2004..2050 is rejected",
			`{"year":2060,"papers":["u"],"days":[{"name":"元旦","date":"2060-01-01","isOffDay":true}]}`, "outside 2004..2050"},
		{"duplicate dates are rejected",
			`{"year":2026,"papers":["u"],"days":[{"name":"元旦","date":"2026-01-01","isOffDay":true},{"name":"元旦","date":"2026-01-01","isOffDay":true}]}`, "duplicate date 2026-01-01"},
		{"trailing data is rejected",
			`{"year":2026,"papers":["u"],"days":[{"name":"元旦","date":"2026-01-01","isOffDay":true}]} {}`, "trailing data"},
		{"an empty file is rejected", ``, "x.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHolidayCN("x.json", []byte(tt.data))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseHolidayCNWeekdayWorkArtefact(t *testing.T) {
	// holiday-cn 2020 lists 2020-02-03 (a Monday) with isOffDay:false, from
	// "2月3日起正常上班"; a weekday works anyway, so the entry is skipped. A
	// Sunday with isOffDay:false is a makeup working day.
	data := `{"year":2020,"papers":["u"],"days":[
		{"name":"春节","date":"2020-01-19","isOffDay":false},
		{"name":"春节","date":"2020-02-02","isOffDay":true},
		{"name":"春节","date":"2020-02-03","isOffDay":false}]}`
	s, err := ParseHolidayCN("2020.json", []byte(data))
	require.NoError(t, err)
	require.Len(t, s.Entries, 2)
	assert.Equal(t, MakeupWorkday, s.Entries[0].Kind)
	assert.Equal(t, "2020-01-19", s.Entries[0].Date.Format("2006-01-02"))
	assert.Equal(t, Holiday, s.Entries[1].Kind)
}

func TestParseHolidayCNNames(t *testing.T) {
	for zh, key := range map[string]string{
		"元旦": "new_year", "春节": "spring_festival", "清明节": "tomb_sweeping", "劳动节": "labour_day",
		"端午节": "dragon_boat", "中秋节": "mid_autumn", "国庆节": "national_day",
		"国庆节、中秋节": "national_day_mid_autumn", "中秋节、国庆节": "national_day_mid_autumn",
		"抗日战争暨世界反法西斯战争胜利70周年纪念日": "anti_fascist_70th",
		"Company Day!": "company_day",
		"古尔邦节":         "古尔邦节",
	} {
		assert.Equal(t, key, holidayKey(zh), zh)
	}
}

func TestParseCSVErrors(t *testing.T) {
	const h = "date,kind,holiday,name_zh,notice\n"
	tests := []struct {
		name, data, want string
	}{
		{"bad header", "day,kind,holiday,name_zh,notice\n2026-01-01,off,new_year,元旦,n\n", "x.csv:1: header is"},
		{"bad kind on line 3", h + "2026-01-01,off,new_year,元旦,n\n2026-01-02,holiday,new_year,元旦,n\n", `x.csv:3: field kind: "holiday" is not off or makeup`},
		{"bad date on line 2", h + "2026-13-01,off,new_year,元旦,n\n", `x.csv:2: field date: "2026-13-01" is not a valid date`},
		{"wrong field count on line 2", h + "2026-01-01,off,new_year\n", "x.csv:2: 3 fields, want 5"},
		{"makeup on a weekday (2026-01-05 is a Monday)", h + "2026-01-05,makeup,new_year,元旦,n\n", "x.csv:2: 2026-01-05 is a makeup working day but falls on a Monday"},
		{"duplicate date", h + "2026-01-01,off,new_year,元旦,n\n2026-01-01,off,new_year,元旦,n\n", "x.csv:3: duplicate date 2026-01-01 (first on line 2)"},
		{"bad quoting", h + "2026-01-01,off,new_year,元旦,\"n\n", "x.csv:2:"},
		{"no rows", h, "no rows"},
		{"empty", "", "empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCSV("x.csv", []byte(tt.data), Official)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := ParseCSV("x.csv", []byte(h+"2026-01-01,off,new_year,元旦,n\n"), Certainty(9))
	assert.ErrorContains(t, err, "invalid certainty")
}

func TestParseCSVQuotingAndYears(t *testing.T) {
	data := "date,kind,holiday,name_zh,notice\n" +
		"2028-01-03,off,new_year,元旦,\"notice, with a comma and \"\"quotes\"\"\"\n" +
		"2027-12-31,off,new_year,元旦,2028 notice\n"
	s, err := ParseCSV("2028.csv", []byte(data), Official)
	require.NoError(t, err)
	assert.Equal(t, []int{2028}, s.Years, "2027-12-31 is a 2028 元旦 day: it does not make the file determine 2027")
	require.Len(t, s.Entries, 2)
	assert.Equal(t, "2027-12-31", s.Entries[0].Date.Format("2006-01-02"), "entries sorted by date")
	assert.Equal(t, `notice, with a comma and "quotes"`, s.Entries[1].Notice)
}

// hypothetical2028 is an invented 2028 notice, for tests only.
const hypothetical2028 = "date,kind,holiday,name_zh,notice\n" +
	"2027-12-31,off,new_year,元旦,TEST 2028 notice\n" +
	"2028-01-01,off,new_year,元旦,TEST 2028 notice\n" +
	"2028-01-02,off,new_year,元旦,TEST 2028 notice\n" +
	"2028-01-22,makeup,spring_festival,春节,TEST 2028 notice\n" +
	"2028-01-25,off,spring_festival,春节,TEST 2028 notice\n"

func TestLoadingA2028ScheduleReplacesTheProjection(t *testing.T) {
	s, err := ParseCSV("2028-test.csv", []byte(hypothetical2028), Official)
	require.NoError(t, err)
	// Like a holiday-cn file for 2028, the CSV of the notice determines 2028
	// only and sets 2027-12-31 individually.
	require.Equal(t, []int{2028}, s.Years)
	base := Default()
	baseVersion := base.Version()
	before, err := base.Day(date(2028, 1, 3))
	require.NoError(t, err)

	c, err := base.Derive(WithSchedule(s), WithName("CN + 2028"))
	require.NoError(t, err)
	assert.Equal(t, "CN + 2028", c.Name())

	// The whole of 2028 became official; the projection's 补假 on 01-03 is gone.
	cert, err := c.Certainty(date(2028, 1, 1), date(2028, 12, 31))
	require.NoError(t, err)
	assert.Equal(t, Official, cert)
	d, err := c.Day(date(2028, 1, 3))
	require.NoError(t, err)
	assert.Equal(t, Workday, d.Kind, "the notice decides, not the projection")
	assert.Empty(t, d.Notice)
	d, err = c.Day(date(2028, 1, 22))
	require.NoError(t, err)
	assert.Equal(t, MakeupWorkday, d.Kind)
	assert.Equal(t, Official, d.Certainty)
	// The out-of-year row 2027-12-31 is applied to that date alone, official.
	d, err = c.Day(date(2027, 12, 31))
	require.NoError(t, err)
	assert.Equal(t, Holiday, d.Kind)
	assert.Equal(t, Official, d.Certainty)
	d, err = c.Day(date(2027, 12, 30))
	require.NoError(t, err)
	assert.Equal(t, Unverified, d.Certainty, "the rest of 2027 stays unverified")

	strict, err := c.Derive(WithProvisional(false))
	require.NoError(t, err)
	_, err = strict.AddWorkdays(date(2028, 1, 20), 5)
	require.NoError(t, err, "2028 is official now")

	// The base calendar did not change.
	assert.Equal(t, baseVersion, base.Version())
	after, err := base.Day(date(2028, 1, 3))
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Equal(t, Projected, after.Certainty)
	assert.NotEqual(t, base.Version(), c.Version())
	// Deterministic: the same content gives the same version.
	c2, err := New(WithSchedule(s))
	require.NoError(t, err)
	assert.Equal(t, c.Version(), c2.Version())
}

func TestWithScheduleErrors(t *testing.T) {
	loc := CST()
	tests := []struct {
		name string
		s    *Schedule
		want string
	}{
		{"nil schedule", nil, "nil *Schedule"},
		{"year out of range", &Schedule{Name: "s", Years: []int{2051}}, "year 2051 is outside"},
		{"entry out of range", &Schedule{Name: "s", Entries: []Entry{{Date: time.Date(2003, 12, 31, 0, 0, 0, 0, loc), Kind: Holiday}}}, "2003-12-31 is outside"},
		{"makeup on a weekday", &Schedule{Name: "s", Entries: []Entry{{Date: time.Date(2026, 1, 5, 0, 0, 0, 0, loc), Kind: MakeupWorkday}}}, "2026-01-05 is a makeup working day but falls on a Monday"},
		{"ordinary kind in an entry", &Schedule{Name: "s", Entries: []Entry{{Date: time.Date(2026, 1, 5, 0, 0, 0, 0, loc), Kind: Workday}}}, "want holiday or makeup"},
		{"duplicate dates", &Schedule{Name: "s", Entries: []Entry{{Date: time.Date(2026, 1, 5, 0, 0, 0, 0, loc), Kind: Holiday}, {Date: time.Date(2026, 1, 5, 9, 0, 0, 0, loc), Kind: Holiday}}}, "duplicate entry for 2026-01-05"},
		{"invalid certainty", &Schedule{Name: "s", Certainty: 5}, "invalid certainty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(WithSchedule(tt.s))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := New(WithLocation(nil))
	assert.ErrorContains(t, err, "nil *time.Location")
	_, err = New(nil)
	assert.ErrorContains(t, err, "option 0 is nil")
	var nilCal *Calendar
	_, err = nilCal.Derive()
	assert.Error(t, err)
}

func TestScheduleIsNotMutated(t *testing.T) {
	s, err := ParseCSV("2028-test.csv", []byte(hypothetical2028), Official)
	require.NoError(t, err)
	years := append([]int(nil), s.Years...)
	entries := append([]Entry(nil), s.Entries...)
	_, err = New(WithSchedule(s))
	require.NoError(t, err)
	assert.Equal(t, years, s.Years)
	assert.Equal(t, entries, s.Entries)
}

func TestProvisionalOrdinaryDaysNameTheirSource(t *testing.T) {
	d, err := Default().Day(date(2027, 3, 1))
	require.NoError(t, err)
	assert.Equal(t, Workday, d.Kind)
	assert.True(t, strings.HasPrefix(d.Notice, unverifiedName), d.Notice)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type endlessZeros struct{}

func (endlessZeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestScheduleLoadersBoundTheRead: the stream loaders read at most
// MaxScheduleBytes+1 bytes of an endless input and refuse it with the size
// error; the file loaders refuse a huge regular file by its size and a
// device that never ends at the limit.
func TestScheduleLoadersBoundTheRead(t *testing.T) {
	limit := "the 1 MiB limit"
	readers := []struct {
		name string
		read func(io.Reader) (*Schedule, error)
	}{
		{"ReadHolidayCN", func(r io.Reader) (*Schedule, error) { return ReadHolidayCN("x.json", r) }},
		{"ReadCSV", func(r io.Reader) (*Schedule, error) { return ReadCSV("x.csv", r, Official) }},
	}
	sources := []struct {
		name string
		r    func() io.Reader
	}{
		{"endless zeros", func() io.Reader { return endlessZeros{} }},
		{"endless random bytes", func() io.Reader { return rand.New(rand.NewSource(7)) }},
		{"MaxScheduleBytes+1 bytes", func() io.Reader { return bytes.NewReader(make([]byte, MaxScheduleBytes+1)) }},
	}
	for _, rd := range readers {
		for _, src := range sources {
			t.Run(rd.name+" refuses "+src.name, func(t *testing.T) {
				c := &countingReader{r: src.r()}
				s, err := rd.read(c)
				require.Error(t, err)
				assert.Nil(t, s)
				assert.Contains(t, err.Error(), "calendar: schedule file x.")
				assert.Contains(t, err.Error(), " is larger than "+limit)
				assert.LessOrEqual(t, c.n, int64(MaxScheduleBytes+1), "reads at most the limit+1")
			})
		}
	}

	huge := filepath.Join(t.TempDir(), "2027.json")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(2<<30))
	require.NoError(t, f.Close())
	paths := []string{huge}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	for _, path := range paths {
		t.Run("the file loaders refuse "+path, func(t *testing.T) {
			_, err := LoadHolidayCN(path)
			assert.EqualError(t, err, "calendar: schedule file "+path+" is larger than "+limit)
			_, err = LoadCSV(path, Unverified)
			assert.EqualError(t, err, "calendar: schedule file "+path+" is larger than "+limit)
		})
	}
	_, err = LoadCSV(filepath.Join(t.TempDir(), "missing.csv"), Official)
	assert.ErrorContains(t, err, "calendar: open ")
}

// TestScheduleLoadersParseLikeTheParsers: a file or stream read by the
// loaders gives exactly what the parser gives for its bytes.
func TestScheduleLoadersParseLikeTheParsers(t *testing.T) {
	const jsonPath = "testdata/2026.json"
	data, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	want, err := ParseHolidayCN(jsonPath, data)
	require.NoError(t, err)
	got, err := LoadHolidayCN(jsonPath)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	got, err = ReadHolidayCN(jsonPath, bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, want, got)

	const csvPath = "data/cn-holidays.csv"
	data, err = os.ReadFile(csvPath)
	require.NoError(t, err)
	require.Less(t, len(data), MaxScheduleBytes, "every official year fits the limit with room to spare")
	wantCSV, err := ParseCSV(csvPath, data, Unverified)
	require.NoError(t, err)
	gotCSV, err := LoadCSV(csvPath, Unverified)
	require.NoError(t, err)
	assert.Equal(t, wantCSV, gotCSV)
	gotCSV, err = ReadCSV(csvPath, bytes.NewReader(data), Unverified)
	require.NoError(t, err)
	assert.Equal(t, wantCSV, gotCSV)
}
