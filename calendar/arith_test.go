package calendar

import (
	"errors"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // a real DST zone for the non-fixed-offset path, independent of the host

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddWorkdays(t *testing.T) {
	c := Default()
	tests := []struct {
		name string
		from time.Time
		n    int
		want string
	}{
		// National Day 2025: 10-01..10-08 off, 09-28 (Sun) and 10-11 (Sat) worked.
		{"accepted Friday 2025-09-26, 1 working day → due on the makeup Sunday 2025-09-28", date(2025, 9, 26), 1, "2025-09-28"},
		{"accepted Tuesday 2025-09-30 17:00 before the National Day break, 1 working day → due 2025-10-09", time.Date(2025, 9, 30, 17, 0, 0, 0, cst), 1, "2025-10-09"},
		{"accepted 2025-09-30, 3 working days → 10-09, 10-10 and the makeup Saturday 2025-10-11", date(2025, 9, 30), 3, "2025-10-11"},
		{"accepted 2025-09-30, 10 working days → 2025-10-21", date(2025, 9, 30), 10, "2025-10-21"},
		{"accepted on a holiday 2025-10-03, 1 working day → the first working day after the break 2025-10-09", date(2025, 10, 3), 1, "2025-10-09"},
		{"accepted Friday 2024-09-27 17:00, 1 working day → the makeup Sunday 2024-09-29", time.Date(2024, 9, 27, 17, 0, 0, 0, cst), 1, "2024-09-29"},
		// Spring Festival 2026: 02-15..02-23 off, 02-14 (Sat) and 02-28 (Sat) worked.
		{"accepted Friday 2026-02-13, 1 working day → the makeup Saturday 2026-02-14", date(2026, 2, 13), 1, "2026-02-14"},
		{"accepted on the makeup Saturday 2026-02-14, 1 working day → Tuesday 2026-02-24 after the break", date(2026, 2, 14), 1, "2026-02-24"},
		{"accepted Friday 2026-02-13, 3 working days → 02-14, 02-24, 2026-02-25", date(2026, 2, 13), 3, "2026-02-25"},
		{"accepted Thursday 2026-02-12, 10 working days → includes both makeup Saturdays → 2026-03-04", date(2026, 2, 12), 10, "2026-03-04"},
		// Negative n.
		{"1 working day before 2025-10-09 → 2025-09-30", date(2025, 10, 9), -1, "2025-09-30"},
		{"1 working day before 2026-02-24 → the makeup Saturday 2026-02-14", date(2026, 2, 24), -1, "2026-02-14"},
		{"3 working days before 2026-02-24 → 2026-02-12", date(2026, 2, 24), -3, "2026-02-12"},
		{"1 working day before a holiday 2025-10-05 → 2025-09-30", date(2025, 10, 5), -1, "2025-09-30"},
		// n == 0.
		{"n=0 on a holiday 2025-10-03 → the next working day 2025-10-09", date(2025, 10, 3), 0, "2025-10-09"},
		{"n=0 on an ordinary Sunday 2025-10-12 (after the makeup Saturday) → Monday 2025-10-13", date(2025, 10, 12), 0, "2025-10-13"},
		{"n=0 on a makeup Sunday 2025-09-28 → itself", date(2025, 9, 28), 0, "2025-09-28"},
		{"n=0 on a workday 2025-03-07 → itself", date(2025, 3, 7), 0, "2025-03-07"},
		// Year boundaries set by the next year's notice.
		{"accepted Friday 2018-12-28, 1 working day → the makeup Saturday 2018-12-29 (2019 notice)", date(2018, 12, 28), 1, "2018-12-29"},
		{"accepted 2018-12-29, 1 working day → 2019-01-02 (12-30..01-01 off)", date(2018, 12, 29), 1, "2019-01-02"},
		// First and last days of the range.
		{"from the first covered day 2004-01-01 (a holiday), n=0 → 2004-01-02", date(2004, 1, 1), 0, "2004-01-02"},
		{"1 working day after 2050-12-29 → Friday 2050-12-30", date(2050, 12, 29), 1, "2050-12-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.AddWorkdays(tt.from, tt.n)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Format("2006-01-02"))
			assert.Equal(t, c.Location(), got.Location())
			h, m, s := got.Clock()
			assert.Equal(t, [3]int{0, 0, 0}, [3]int{h, m, s}, "result is 00:00 of the civil date")
			if tt.n > 0 {
				back, err := c.WorkdaysBetween(tt.from, got)
				require.NoError(t, err)
				assert.Equal(t, tt.n, back, "WorkdaysBetween inverts AddWorkdays")
			}
		})
	}
}

func TestAddWorkdaysOutOfRange(t *testing.T) {
	c := Default()
	tests := []struct {
		name string
		from time.Time
		n    int
	}{
		{"1 working day after 2050-12-30 (Friday) lands in 2051", date(2050, 12, 30), 1},
		{"1 working day before 2004-01-02 lands in 2003", date(2004, 1, 2), -1},
		{"a huge n", date(2025, 1, 1), 1 << 40},
		{"a huge negative n", date(2025, 1, 1), -1 << 40},
		{"the smallest int", date(2025, 1, 1), -int(^uint(0)>>1) - 1},
		{"n=0 on 2050-12-31 (a Saturday): no working day follows in range", date(2050, 12, 31), 0},
		{"input 2003-12-31 is before the range", date(2003, 12, 31), 1},
		{"input 2051-01-01 is after the range", date(2051, 1, 1), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.AddWorkdays(tt.from, tt.n)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrOutOfRange)
			assert.ErrorIs(t, err, ErrYearNotCovered)
			var de *DateError
			require.ErrorAs(t, err, &de)
		})
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := Default()
	tests := []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"same day counts nothing", date(2025, 3, 7), time.Date(2025, 3, 7, 23, 59, 0, 0, cst), 0},
		{"2025-09-30 → 2025-10-09 across the National Day break is 1 working day", date(2025, 9, 30), date(2025, 10, 9), 1},
		{"2025-09-26 → 2025-10-12: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11 = 6", date(2025, 9, 26), date(2025, 10, 12), 6},
		{"reversed span is negative: 2025-10-12 → 2025-09-26 = -6", date(2025, 10, 12), date(2025, 9, 26), -6},
		{"all of 2024: 366 days − 104 weekend days − 19 weekday holidays + 8 makeup days = 251", date(2023, 12, 31), date(2024, 12, 31), 251},
		{"2026-02-13 → 2026-02-28: 02-14, 02-24..27, 02-28 = 6", date(2026, 2, 13), date(2026, 2, 28), 6},
		{"2020-01-23 → 2020-02-03 over the extended 2020 break: only 02-03", date(2020, 1, 23), date(2020, 2, 3), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.WorkdaysBetween(tt.from, tt.to)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// naiveAdd walks day by day; it is the obvious definition the O(1) code
// must agree with.
func naiveAdd(t *testing.T, c *Calendar, from time.Time, n int) time.Time {
	t.Helper()
	d := c.StartOfDay(from)
	works := func(d time.Time) bool {
		ok, err := c.IsWorkday(d)
		require.NoError(t, err)
		return ok
	}
	if n == 0 {
		for !works(d) {
			d = d.AddDate(0, 0, 1)
		}
		return d
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if works(d) {
			n--
		}
	}
	return d
}

func TestAddWorkdaysAgreesWithNaiveWalk(t *testing.T) {
	c := Default()
	// Every 7th day across the official, unverified and projected years,
	// with n from -12 to 12.
	for d := date(2004, 3, 1); d.Before(date(2050, 10, 1)); d = d.AddDate(0, 0, 97) {
		for n := -12; n <= 12; n++ {
			got, err := c.AddWorkdays(d, n)
			require.NoError(t, err)
			require.True(t, naiveAdd(t, c, d, n).Equal(got), "%s %+d", d.Format("2006-01-02"), n)
		}
	}
}

func TestCivilDateUsesCalendarLocation(t *testing.T) {
	c := Default()
	// 2025-03-06T16:30:00Z is Friday 2025-03-07 00:30 in Beijing.
	d, err := c.Day(time.Date(2025, 3, 6, 16, 30, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.Equal(t, "2025-03-07", d.Date.Format("2006-01-02"))
	assert.Equal(t, time.Friday, d.Date.Weekday())

	// 2025-09-30 19:00 in New York (UTC−4 in summer; a fixed zone avoids the
	// tz database) is 2025-10-01 07:00 in Beijing: National Day, a holiday.
	ny := time.FixedZone("EDT", -4*3600)
	evening := time.Date(2025, 9, 30, 19, 0, 0, 0, ny)
	ok, err := c.IsWorkday(evening)
	require.NoError(t, err)
	assert.False(t, ok, "the civil date is taken in Beijing, not New York")
	due, err := c.AddWorkdays(evening, 1)
	require.NoError(t, err)
	assert.Equal(t, "2025-10-09", due.Format("2006-01-02"))

	// The same instant on a calendar counting in UTC is still 2025-09-30, a workday.
	utc, err := c.Derive(WithLocation(time.UTC), WithName("CN (UTC dates)"))
	require.NoError(t, err)
	ok, err = utc.IsWorkday(evening)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, time.UTC, utc.Location())
	first, last := utc.Range()
	assert.Equal(t, time.Date(2004, 1, 1, 0, 0, 0, 0, time.UTC), first)
	assert.Equal(t, time.Date(2050, 12, 31, 0, 0, 0, 0, time.UTC), last)
	assert.NotEqual(t, c.Version(), utc.Version(), "the location's offset is part of the version")
	assert.Equal(t, "2025-09-30", utc.StartOfDay(evening).Format("2006-01-02"))
}

func TestNonFixedLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	c, err := Default().Derive(WithLocation(ny))
	require.NoError(t, err)
	assert.False(t, c.fixed, "New York has DST: lookups must go through t.In")
	// Every six hours over two years: the civil date is New York's.
	for ts := date(2024, 1, 1); ts.Before(date(2026, 1, 1)); ts = ts.Add(6 * time.Hour) {
		d, err := c.Day(ts)
		require.NoError(t, err)
		y, m, dd := ts.In(ny).Date()
		require.Equal(t, time.Date(y, m, dd, 0, 0, 0, 0, ny), d.Date, ts)
	}
	got, err := c.AddWorkdays(time.Date(2025, 9, 30, 20, 0, 0, 0, ny), 1)
	require.NoError(t, err)
	assert.Equal(t, "2025-10-09", got.Format("2006-01-02"), "civil 2025-09-30 in New York, 1 working day")
}

func TestDefaultLocationAndRange(t *testing.T) {
	c := Default()
	assert.Same(t, c, Default(), "Default is built once")
	_, off := time.Date(2025, 1, 1, 0, 0, 0, 0, c.Location()).Zone()
	assert.Equal(t, 8*3600, off)
	first, last := c.Range()
	assert.Equal(t, "2004-01-01T00:00:00+08:00", first.Format(time.RFC3339))
	assert.Equal(t, "2050-12-31T00:00:00+08:00", last.Format(time.RFC3339))
	assert.Equal(t, "CN", c.Name())
	assert.True(t, c.Provisional())
	assert.Len(t, c.Version(), 16)
	assert.Equal(t, numDays, len(c.meta))
	assert.Equal(t, daysFromCivil(2004, 1, 1), int64(firstDayNum))
	assert.Equal(t, daysFromCivil(2050, 12, 31), int64(lastDayNum))
}

func TestStrictAndProvisional(t *testing.T) {
	prov := Default()
	strict, err := prov.Derive(WithProvisional(false))
	require.NoError(t, err)
	assert.False(t, strict.Provisional())
	assert.Equal(t, prov.Version(), strict.Version(), "same days, same version")

	t.Run("2027 is unverified: provisional gives an answer, strict an error", func(t *testing.T) {
		d, err := prov.Day(date(2027, 3, 1))
		require.NoError(t, err)
		assert.Equal(t, Unverified, d.Certainty)
		_, err = strict.Day(date(2027, 3, 1))
		require.Error(t, err)
		assert.EqualError(t, err, "calendar: 2027-03-01: year 2027 has only an unverified schedule and provisional results are disabled")
		assert.ErrorIs(t, err, ErrYearNotCovered)
		assert.NotErrorIs(t, err, ErrOutOfRange)
		_, err = strict.IsWorkday(date(2027, 3, 1))
		assert.ErrorIs(t, err, ErrYearNotCovered)
	})
	t.Run("2030 is projected: provisional gives an answer, strict an error", func(t *testing.T) {
		d, err := prov.Day(date(2030, 3, 1))
		require.NoError(t, err)
		assert.Equal(t, Projected, d.Certainty)
		assert.Equal(t, projectedNotice, d.Notice)
		_, err = strict.Day(date(2030, 3, 1))
		assert.ErrorIs(t, err, ErrYearNotCovered)
		assert.ErrorContains(t, err, "2030-03-01")
	})
	for _, d := range []time.Time{date(1999, 12, 31), date(2051, 1, 1)} {
		t.Run("out of range "+d.Format("2006-01-02")+" fails in both modes", func(t *testing.T) {
			for _, c := range []*Calendar{prov, strict} {
				_, err := c.Day(d)
				assert.ErrorIs(t, err, ErrOutOfRange)
				assert.ErrorIs(t, err, ErrYearNotCovered)
				assert.ErrorContains(t, err, d.Format("2006-01-02"))
				_, err = c.IsWorkday(d)
				assert.ErrorIs(t, err, ErrOutOfRange)
				_, err = c.WorkdaysBetween(date(2025, 1, 1), d)
				assert.ErrorIs(t, err, ErrOutOfRange)
				_, err = c.WorkdaysBetween(d, date(2025, 1, 1))
				assert.ErrorIs(t, err, ErrOutOfRange)
				_, err = c.Certainty(d, date(2025, 1, 1))
				assert.ErrorIs(t, err, ErrOutOfRange)
				_, err = c.Certainty(date(2025, 1, 1), d)
				assert.ErrorIs(t, err, ErrOutOfRange)
				_, err = c.Days(d, date(2025, 1, 1))
				assert.ErrorIs(t, err, ErrOutOfRange)
				_, err = c.Days(date(2025, 1, 1), d)
				assert.ErrorIs(t, err, ErrOutOfRange)
			}
		})
	}
	t.Run("strict arithmetic: official span works, a span reaching 2027 fails at its first unverified day", func(t *testing.T) {
		got, err := strict.AddWorkdays(date(2026, 12, 30), 1)
		require.NoError(t, err)
		assert.Equal(t, "2026-12-31", got.Format("2006-01-02"))
		_, err = strict.AddWorkdays(date(2026, 12, 30), 2)
		require.ErrorIs(t, err, ErrYearNotCovered)
		var de *DateError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, date(2027, 1, 1), de.Date, "the first non-official day of the span")
		assert.Contains(t, de.Reason, "2026-12-30..2027-01-04")
		_, err = strict.AddWorkdays(date(2027, 1, 4), -1)
		assert.ErrorIs(t, err, ErrYearNotCovered, "the start day itself is unverified")
		_, err = strict.WorkdaysBetween(date(2026, 12, 1), date(2027, 1, 1))
		assert.ErrorIs(t, err, ErrYearNotCovered)
		n, err := strict.WorkdaysBetween(date(2026, 12, 1), date(2026, 12, 31))
		require.NoError(t, err)
		assert.Equal(t, 22, n, "December 2026 after the 1st: 22 working days")
		_, err = strict.Days(date(2026, 12, 31), date(2027, 1, 1))
		assert.ErrorIs(t, err, ErrYearNotCovered)
		days, err := strict.Days(date(2026, 12, 30), date(2026, 12, 31))
		require.NoError(t, err)
		assert.Len(t, days, 2)
	})
	t.Run("Certainty is the least certain day of an inclusive, order-insensitive span", func(t *testing.T) {
		for _, c := range []*Calendar{prov, strict} {
			tests := []struct {
				from, to time.Time
				want     Certainty
			}{
				{date(2026, 1, 1), date(2026, 12, 31), Official},
				{date(2026, 12, 31), date(2027, 1, 1), Unverified},
				{date(2027, 1, 1), date(2026, 12, 31), Unverified},
				{date(2027, 12, 31), date(2027, 12, 31), Unverified},
				{date(2027, 12, 31), date(2028, 1, 1), Projected},
				{date(2004, 1, 1), date(2050, 12, 31), Projected},
				{date(2050, 12, 31), date(2050, 12, 31), Projected},
			}
			for _, tt := range tests {
				got, err := c.Certainty(tt.from, tt.to)
				require.NoError(t, err)
				assert.Equal(t, tt.want, got, "%s..%s", tt.from.Format("2006-01-02"), tt.to.Format("2006-01-02"))
			}
		}
	})
}

func TestDays(t *testing.T) {
	c := Default()
	days, err := c.Days(date(2025, 9, 27), time.Date(2025, 10, 12, 23, 0, 0, 0, cst))
	require.NoError(t, err)
	require.Len(t, days, 16)
	var kinds []string
	for _, d := range days {
		kinds = append(kinds, d.Kind.String())
	}
	assert.Equal(t, []string{
		"rest", "makeup", "workday", "workday", // 09-27..09-30
		"holiday", "holiday", "holiday", "holiday", "holiday", "holiday", "holiday", "holiday", // 10-01..10-08
		"workday", "workday", "makeup", "rest", // 10-09..10-12
	}, kinds)
	assert.Equal(t, "national_day_mid_autumn", days[4].Holiday)
	assert.Equal(t, "国庆节、中秋节", days[4].HolidayZh)

	_, err = c.Days(date(2025, 10, 2), date(2025, 10, 1))
	require.Error(t, err, "to before from")
	assert.ErrorContains(t, err, "2025-10-01")
}

func TestProjectedYears(t *testing.T) {
	c := Default()
	kindOf := func(s string) Day {
		d, err := c.Day(mustDate(t, s))
		require.NoError(t, err)
		require.Equal(t, Projected, d.Certainty, s)
		return d
	}
	t.Run("2030 春节: 除夕 02-02 is a Saturday and 初一 02-03 a Sunday, so Article 6 adds 补假 on Wednesday 02-06 and Thursday 02-07", func(t *testing.T) {
		for _, s := range []string{"2030-02-02", "2030-02-03", "2030-02-04", "2030-02-05"} {
			d := kindOf(s)
			assert.Equal(t, Holiday, d.Kind, s)
			assert.Equal(t, "spring_festival", d.Holiday, s)
			assert.Equal(t, projectedNotice, d.Notice, s)
		}
		for _, s := range []string{"2030-02-06", "2030-02-07"} {
			d := kindOf(s)
			assert.Equal(t, Holiday, d.Kind, s)
			assert.Equal(t, "春节", d.HolidayZh, s)
			assert.Contains(t, d.Notice, "补假 (Article 6)", s)
		}
		assert.Equal(t, Workday, kindOf("2030-02-08").Kind, "Friday after the 补假 days works")
		assert.Equal(t, RestDay, kindOf("2030-01-26").Kind, "no makeup Saturday before the break: a projection knows no 调休")
	})
	t.Run("2030 has 15 days off (13 statutory + 2 补假) and no makeup days", func(t *testing.T) {
		days, err := c.Days(date(2030, 1, 1), date(2030, 12, 31))
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
		assert.Equal(t, 15, off)
		assert.Equal(t, 0, makeup)
	})
	t.Run("2028: 中秋 10-03 merges with 国庆; 10-01 is a Sunday, made up on Wednesday 10-04", func(t *testing.T) {
		for _, s := range []string{"2028-10-01", "2028-10-02", "2028-10-03", "2028-10-04"} {
			d := kindOf(s)
			assert.Equal(t, Holiday, d.Kind, s)
			assert.Equal(t, "national_day_mid_autumn", d.Holiday, s)
		}
		assert.Contains(t, kindOf("2028-10-04").Notice, "补假")
		assert.Equal(t, Workday, kindOf("2028-10-05").Kind)
	})
	t.Run("2028: 元旦 is a Saturday, made up on Monday 01-03; 劳动节 05-01 Monday and 05-02 Tuesday", func(t *testing.T) {
		assert.Equal(t, Holiday, kindOf("2028-01-01").Kind)
		assert.Equal(t, Holiday, kindOf("2028-01-03").Kind)
		assert.Equal(t, "new_year", kindOf("2028-01-03").Holiday)
		assert.Equal(t, RestDay, kindOf("2028-01-02").Kind, "the Sunday after is an ordinary rest day")
		assert.Equal(t, Holiday, kindOf("2028-05-01").Kind)
		assert.Equal(t, Holiday, kindOf("2028-05-02").Kind)
		assert.Equal(t, Workday, kindOf("2028-05-03").Kind)
	})
	t.Run("2036: 中秋 10-04 (a Saturday) outside 国庆 1–3 keeps its own name and is made up on Monday 10-06", func(t *testing.T) {
		assert.Equal(t, "mid_autumn", kindOf("2036-10-04").Holiday)
		assert.Equal(t, "national_day", kindOf("2036-10-01").Holiday)
		d := kindOf("2036-10-06")
		assert.Equal(t, Holiday, d.Kind)
		assert.Equal(t, "mid_autumn", d.Holiday)
	})
	t.Run("every projected year has exactly 13 statutory days off on distinct dates", func(t *testing.T) {
		for y := 2028; y <= 2050; y++ {
			days, err := c.Days(date(y, 1, 1), date(y, 12, 31))
			require.NoError(t, err)
			statutory, makeup := 0, 0
			for _, d := range days {
				if d.Kind == Holiday && d.Notice == projectedNotice {
					statutory++
				}
				if d.Kind == MakeupWorkday {
					makeup++
				}
			}
			// A 中秋 inside 10-01..10-03 coincides with a 国庆 day.
			oct1 := date(y, 10, 1)
			mid, err := c.Day(oct1)
			require.NoError(t, err)
			want := 13
			if mid.Holiday == "national_day_mid_autumn" {
				want = 12
			}
			assert.Equal(t, want, statutory, "year %d", y)
			assert.Zero(t, makeup, "year %d", y)
		}
	})
}

func TestDayKindAndCertaintyStrings(t *testing.T) {
	for k, s := range map[DayKind]string{Workday: "workday", RestDay: "rest", Holiday: "holiday", MakeupWorkday: "makeup"} {
		assert.Equal(t, s, k.String())
		got, err := ParseDayKind(s)
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	assert.Equal(t, "DayKind(9)", DayKind(9).String())
	_, err := ParseDayKind("off")
	assert.ErrorContains(t, err, `"off"`)
	assert.True(t, Workday.IsWorking())
	assert.True(t, MakeupWorkday.IsWorking())
	assert.False(t, Holiday.IsWorking())
	assert.False(t, RestDay.IsWorking())
	assert.True(t, Day{Kind: MakeupWorkday}.IsWorking())

	for c, s := range map[Certainty]string{Official: "official", Unverified: "unverified", Projected: "projected"} {
		assert.Equal(t, s, c.String())
		got, err := ParseCertainty(s)
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
	assert.Equal(t, "Certainty(7)", Certainty(7).String())
	_, err = ParseCertainty("Official")
	assert.Error(t, err)
}

func TestConcurrentUseOfDefault(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			c := Default()
			for i := 0; i < 2000; i++ {
				d := date(2004+(g+i)%46, time.Month(1+i%12), 1+i%28)
				due, err := c.AddWorkdays(d, i%20)
				if err != nil {
					errs <- err
					return
				}
				n, err := c.WorkdaysBetween(d, due)
				if err != nil {
					errs <- err
					return
				}
				if i%20 > 0 && n != i%20 {
					errs <- errors.New("inverse property broken under concurrency")
					return
				}
				if _, err := c.Day(d); err != nil {
					errs <- err
					return
				}
			}
			if _, err := c.Derive(WithName("g")); err != nil {
				errs <- err
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestArithmeticDoesNotAllocate(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation changes allocation counts")
	}
	c := Default()
	d := date(2025, 9, 30)
	e := date(2026, 9, 30)
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = c.IsWorkday(d)
		_, _ = c.AddWorkdays(d, 10)
		_, _ = c.WorkdaysBetween(d, e)
		_, _ = c.Certainty(d, e)
		_, _ = c.Day(d)
	})
	assert.Zero(t, allocs)
}
