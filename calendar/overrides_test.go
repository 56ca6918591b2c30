package calendar

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hubeiSource = "湖北省人民政府关于延迟企业复工和学校开学的通知 (2020-01-24)"

// hubei2020 is Hubei's 2020 extension: 2020-02-03..02-13 off on top of the
// national extension.
func hubei2020() []Override {
	var ov []Override
	for d := date(2020, 2, 3); !d.After(date(2020, 2, 13)); d = d.AddDate(0, 0, 1) {
		ov = append(ov, Override{Date: d, Kind: Holiday, Holiday: "hubei_covid_extension", HolidayZh: "湖北省延迟复工", Source: hubeiSource})
	}
	return ov
}

func TestHubeiOverrideLayer(t *testing.T) {
	national := Default()
	nationalVersion := national.Version()
	hubei, err := national.Derive(WithOverrides(hubei2020()...), WithName("CN-HB (Hubei)"))
	require.NoError(t, err)
	assert.Equal(t, "CN-HB (Hubei)", hubei.Name())
	assert.NotEqual(t, nationalVersion, hubei.Version())

	// Accepted Thursday 2020-01-23, 1 working day: nationally due Monday
	// 02-03 (after the extended Spring Festival break); in Hubei the break
	// runs through 02-13, so due Friday 2020-02-14.
	tests := []struct {
		name     string
		cal      *Calendar
		from     time.Time
		n        int
		wantDate string
	}{
		{"national: accepted 2020-01-23, 1 working day → 2020-02-03", national, date(2020, 1, 23), 1, "2020-02-03"},
		{"Hubei: accepted 2020-01-23, 1 working day → 2020-02-14", hubei, date(2020, 1, 23), 1, "2020-02-14"},
		{"Hubei: accepted 2020-01-23, 3 working days → 2020-02-18", hubei, date(2020, 1, 23), 3, "2020-02-18"},
		{"national: accepted 2020-01-23, 3 working days → 2020-02-05", national, date(2020, 1, 23), 3, "2020-02-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cal.AddWorkdays(tt.from, tt.n)
			require.NoError(t, err)
			assert.Equal(t, tt.wantDate, got.Format("2006-01-02"))
		})
	}
	d, err := hubei.Day(date(2020, 2, 10))
	require.NoError(t, err)
	assert.Equal(t, Day{Date: date(2020, 2, 10), Kind: Holiday, Holiday: "hubei_covid_extension", HolidayZh: "湖北省延迟复工", Notice: hubeiSource, Certainty: Official}, d)

	// The national calendar is unchanged.
	assert.Equal(t, nationalVersion, national.Version())
	nd, err := national.Day(date(2020, 2, 10))
	require.NoError(t, err)
	assert.Equal(t, Workday, nd.Kind)

	// A unit layer on top of the regional one: a duty Sunday.
	unit, err := hubei.Derive(WithOverrides(Override{Date: date(2020, 2, 16), Kind: MakeupWorkday, Holiday: "duty", Source: "unit duty roster 2020-02"}))
	require.NoError(t, err)
	got, err := unit.AddWorkdays(date(2020, 2, 14), 1)
	require.NoError(t, err)
	assert.Equal(t, "2020-02-16", got.Format("2006-01-02"), "the unit works its duty Sunday")
	got, err = hubei.AddWorkdays(date(2020, 2, 14), 1)
	require.NoError(t, err)
	assert.Equal(t, "2020-02-17", got.Format("2006-01-02"), "the regional layer is unchanged")
}

func TestOverridesMakeProvisionalDaysOfficial(t *testing.T) {
	c, err := Default().Derive(WithOverrides(Override{Date: date(2030, 3, 4), Kind: Holiday, Source: "test"}))
	require.NoError(t, err)
	d, err := c.Day(date(2030, 3, 4))
	require.NoError(t, err)
	assert.Equal(t, Official, d.Certainty, "the caller vouches for an override")
	assert.Equal(t, Holiday, d.Kind)
}

func TestOverrideResetsToOrdinary(t *testing.T) {
	// Turning the 2005-12-31 makeup Saturday back into a rest day, and the
	// 2025-10-08 holiday into a working Wednesday.
	c, err := Default().Derive(WithOverrides(
		Override{Date: date(2005, 12, 31), Kind: RestDay, Source: "test"},
		Override{Date: date(2025, 10, 8), Kind: Workday, Source: "test"},
	))
	require.NoError(t, err)
	ok, err := c.IsWorkday(date(2005, 12, 31))
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = c.IsWorkday(date(2025, 10, 8))
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestOverrideErrors(t *testing.T) {
	tests := []struct {
		name string
		ov   []Override
		want string
	}{
		{"source required", []Override{{Date: date(2025, 3, 3), Kind: Holiday}}, "2025-03-03: Source is empty"},
		{"makeup on a Monday", []Override{{Date: date(2025, 3, 3), Kind: MakeupWorkday, Source: "s"}}, "2025-03-03: a makeup working day must be a Saturday or Sunday, not a Monday"},
		{"workday on a Saturday", []Override{{Date: date(2025, 3, 1), Kind: Workday, Source: "s"}}, "2025-03-01: kind workday (ordinary) needs a Monday–Friday, not a Saturday"},
		{"rest on a Monday", []Override{{Date: date(2025, 3, 3), Kind: RestDay, Source: "s"}}, "2025-03-03: kind rest (ordinary) needs a Saturday or Sunday"},
		{"invalid kind", []Override{{Date: date(2025, 3, 3), Kind: 7, Source: "s"}}, "invalid kind 7"},
		{"before 2004", []Override{{Date: date(2003, 12, 31), Kind: Holiday, Source: "s"}}, "2003-12-31: outside"},
		{"after 2050", []Override{{Date: date(2051, 1, 1), Kind: Holiday, Source: "s"}}, "2051-01-01: outside"},
		{"twice in one call", []Override{{Date: date(2025, 3, 3), Kind: Holiday, Source: "s"}, {Date: time.Date(2025, 3, 3, 12, 0, 0, 0, cst), Kind: Holiday, Source: "s"}}, "2025-03-03: date overridden twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Default().Derive(WithOverrides(tt.ov...))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestOverrideDateIsReadInCalendarLocation(t *testing.T) {
	// 2025-03-02T17:00Z is Monday 2025-03-03 01:00 in Beijing.
	c, err := Default().Derive(WithOverrides(Override{Date: time.Date(2025, 3, 2, 17, 0, 0, 0, time.UTC), Kind: Holiday, Source: "s"}))
	require.NoError(t, err)
	d, err := c.Day(date(2025, 3, 3))
	require.NoError(t, err)
	assert.Equal(t, Holiday, d.Kind)
	d, err = c.Day(date(2025, 3, 2))
	require.NoError(t, err)
	assert.Equal(t, RestDay, d.Kind)
}

func TestOverrideSliceIsCopied(t *testing.T) {
	ov := []Override{{Date: date(2025, 3, 3), Kind: Holiday, Source: "s"}}
	opt := WithOverrides(ov...)
	ov[0].Date = date(2025, 3, 4) // changing the caller's slice after the option is built
	c, err := Default().Derive(opt)
	require.NoError(t, err)
	d, err := c.Day(date(2025, 3, 3))
	require.NoError(t, err)
	assert.Equal(t, Holiday, d.Kind)
}

func TestVersionIsContentHash(t *testing.T) {
	a, err := New(WithName("A"), WithProvisional(false))
	require.NoError(t, err)
	b, err := New(WithName("B"))
	require.NoError(t, err)
	assert.Equal(t, a.Version(), b.Version(), "name and provisional setting are not content")
	assert.Equal(t, Default().Version(), a.Version())

	// The same day set by two different routes hashes the same.
	ov := Override{Date: date(2025, 3, 3), Kind: Holiday, Holiday: "x", Source: "s"}
	c1, err := Default().Derive(WithOverrides(ov))
	require.NoError(t, err)
	c2, err := Default().Derive(WithOverrides(Override{Date: date(2025, 3, 4), Kind: Holiday, Source: "other"}))
	require.NoError(t, err)
	c2, err = c2.Derive(WithOverrides(ov, Override{Date: date(2025, 3, 4), Kind: Workday, Source: "other"}))
	require.NoError(t, err)
	assert.NotEqual(t, c1.Version(), c2.Version(), "2025-03-04 carries a different notice in c2")
	c3, err := Default().Derive(WithOverrides(ov))
	require.NoError(t, err)
	assert.Equal(t, c1.Version(), c3.Version())

	// Changing only a notice changes the version.
	c4, err := Default().Derive(WithOverrides(Override{Date: date(2025, 3, 3), Kind: Holiday, Holiday: "x", Source: "s2"}))
	require.NoError(t, err)
	assert.NotEqual(t, c1.Version(), c4.Version())
}

func TestBusinessCalendarAgreesOnEveryCoveredDate(t *testing.T) {
	c := Default()
	bc := c.BusinessCalendar()
	for d := date(2004, 1, 1); d.Year() <= 2050; d = d.AddDate(0, 0, 1) {
		want, err := c.IsWorkday(d)
		require.NoError(t, err)
		// d.UTC() is 16:00 UTC of the previous day: the adapter must still
		// answer for the Beijing civil date.
		if bc.IsWorkday(d.UTC()) != want {
			t.Fatalf("%s: cal says %v, calendar says %v", d.Format("2006-01-02"), !want, want)
		}
	}
	// cal's own WorkdaysFrom matches AddWorkdays, makeup days included.
	got := bc.WorkdaysFrom(date(2025, 9, 26), 1)
	assert.Equal(t, "2025-09-28", got.Format("2006-01-02"))
	// Outside coverage it is cal's Monday–Friday default.
	assert.True(t, bc.IsWorkday(date(2051, 1, 2)), "a Monday after the range")
	assert.False(t, bc.IsWorkday(date(2003, 12, 28)), "a Sunday before the range")
}
