package calendar

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDateConversions pins Calendar.Date, At and Clock to time.Date over
// every day of 2003–2051 (the covered range with a year's margin, where
// fixed-offset locations convert by integer arithmetic) and a few days far
// outside it, for fixed zones and for locations whose offset changes.
func TestDateConversions(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	sh, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	tests := []struct {
		name string
		loc  *time.Location
	}{
		{"the default China Standard Time", nil},
		{"UTC", time.UTC},
		{"UTC-09:30, a negative half-hour offset", time.FixedZone("X", -(9*3600 + 1800))},
		{"America/New_York, which observes daylight saving time", ny},
		{"Asia/Shanghai, which observed daylight saving time in 1986–1991", sh},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			if tc.loc != nil {
				c, err = Default().Derive(WithLocation(tc.loc))
				require.NoError(t, err)
			}
			loc := c.Location()
			check := func(y int, m time.Month, d int) {
				t.Helper()
				n := DateOf(y, m, d)
				start := time.Date(y, m, d, 0, 0, 0, 0, loc)
				next := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
				for _, at := range []time.Time{start, next.Add(-time.Nanosecond), start.UTC()} {
					if got := c.Date(at); got != n {
						t.Fatalf("Date(%s) = %s, want %s", at, got, n)
					}
				}
				if got := c.At(n, 0); !got.Equal(start) || got.Location() != loc {
					t.Fatalf("At(%s, 0) = %s, want %s", n, got, start)
				}
				if got := c.At(n, 24*time.Hour); !got.Equal(time.Date(y, m, d, 24, 0, 0, 0, loc)) {
					t.Fatalf("At(%s, 24h) = %s", n, got)
				}
				if got := c.At(n, 13*time.Hour+30*time.Minute+time.Nanosecond); !got.Equal(time.Date(y, m, d, 13, 30, 0, 1, loc)) {
					t.Fatalf("At(%s, 13:30) = %s", n, got)
				}
				at := time.Date(y, m, d, 17, 29, 59, 7, loc)
				if got := c.Clock(at); got != 17*time.Hour+29*time.Minute+59*time.Second+7 {
					t.Fatalf("Clock(%s) = %v", at, got)
				}
			}
			for d := time.Date(2003, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() <= 2051; d = d.AddDate(0, 0, 1) {
				check(d.Date())
			}
			check(1988, time.June, 1)
			check(1, time.January, 1)
			check(9999, time.December, 31)
		})
	}
}

// TestDateArithmetic pins the civil-date helpers in words.
func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		name    string
		from    Date
		months  int
		want    Date
		clamped bool
	}{
		{"31 January plus one month is the last day of February (民法典第二百零二条)", DateOf(2025, 1, 31), 1, DateOf(2025, 2, 28), true},
		{"in a leap year that day is 29 February", DateOf(2024, 1, 31), 1, DateOf(2024, 2, 29), true},
		{"a day every month has keeps its number", DateOf(2025, 3, 15), 10, DateOf(2026, 1, 15), false},
		{"zero months is the same date", DateOf(2025, 8, 31), 0, DateOf(2025, 8, 31), false},
		{"negative months count back, clamping too", DateOf(2025, 3, 31), -1, DateOf(2025, 2, 28), true},
		{"many months cross years", DateOf(2025, 10, 31), 28, DateOf(2028, 2, 29), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, clamped := tc.from.AddMonths(tc.months)
			assert.Equal(t, tc.want.String(), got.String())
			assert.Equal(t, tc.clamped, clamped)
		})
	}
	assert.Equal(t, Date(0), DateOf(1970, 1, 1), "day 0 is 1970-01-01")
	assert.Equal(t, "2025-03-01", DateOf(2025, 2, 29).String(), "an impossible day is normalised as time.Date does")
	assert.Equal(t, "1969-12-31", Date(-1).String(), "dates before 1970 are negative")
	y, m, d := DateOf(2050, 12, 31).YMD()
	assert.Equal(t, []int{2050, 12, 31}, []int{y, int(m), d})
}

// TestCST: the one China Standard Time is UTC+8 without daylight saving
// time, named CST, and the same location on every call.
func TestCST(t *testing.T) {
	require.Same(t, CST(), CST())
	for _, at := range []time.Time{time.Date(1988, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} {
		name, off := at.In(CST()).Zone()
		assert.Equal(t, "CST", name)
		assert.Equal(t, 8*3600, off)
	}
	assert.Same(t, CST(), Default().Location(), "the default calendar counts in CST")
}

// FuzzDateAddMonths: adding months never panics, lands on a real date whose
// day is the start's day or the month's last day, and round-trips through
// YMD and DateOf.
func FuzzDateAddMonths(f *testing.F) {
	f.Add(int64(20119), 1)
	f.Add(int64(-719468), -12)
	f.Add(int64(1)<<40, 1<<20)
	f.Add(int64(0), -(1 << 30))
	f.Fuzz(func(t *testing.T, dn int64, n int) {
		if dn > 1<<40 || dn < -(1<<40) || n > 1<<30 || n < -(1<<30) {
			return
		}
		d := Date(dn)
		y, m, day := d.YMD()
		require.Equal(t, d, DateOf(y, m, day))
		r, clamped := d.AddMonths(n)
		ry, rm, rd := r.YMD()
		require.Equal(t, r, DateOf(ry, rm, rd))
		months := int64(ry)*12 + int64(rm) - (int64(y)*12 + int64(m))
		require.Equal(t, int64(n), months)
		if clamped {
			require.Less(t, rd, day)
			_, nm, _ := (r + 1).YMD()
			require.NotEqual(t, rm, nm, "a clamped result is the last day of its month")
		} else {
			require.Equal(t, day, rd)
		}
	})
}
