package calendar

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFixedOffset pins fixedOffset's contract: for fixed-offset locations the
// documented arithmetic gives the same civil date and the same 00:00 instant
// as time.Date over the whole promised window; a DST location is not fixed.
func TestFixedOffset(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	tests := []struct {
		name    string
		loc     *time.Location
		wantOff int
		wantOK  bool
	}{
		{"default UTC+8 (CST)", nil, 8 * 3600, true},
		{"UTC", time.UTC, 0, true},
		{"UTC-09:30, a negative half-hour offset", time.FixedZone("X", -(9*3600 + 1800)), -(9*3600 + 1800), true},
		{"America/New_York observes DST", ny, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			if tc.loc != nil {
				c, err = Default().Derive(WithLocation(tc.loc))
				require.NoError(t, err)
			}
			off, ok := int(c.offset), c.fixed
			require.Equal(t, tc.wantOK, ok)
			assert.Equal(t, tc.wantOff, off)
			if !ok {
				return
			}
			loc := c.Location()
			first := time.Date(2003, 1, 1, 0, 0, 0, 0, loc)
			for d := first; d.Year() <= 2051; d = d.AddDate(0, 0, 1) {
				y, m, dd := d.Date()
				n := daysFromCivil(int64(y), int(m), dd)
				// The first and last second of the day both map to day n.
				for _, at := range []time.Time{d, d.Add(24*time.Hour - time.Nanosecond)} {
					got := floorDiv(at.Unix()+int64(off), secondsPerDay)
					if got != n {
						t.Fatalf("%s: day %d, want %d", at, got, n)
					}
				}
				start := time.Unix(n*secondsPerDay-int64(off), 0).In(loc)
				if start != time.Date(y, m, dd, 0, 0, 0, 0, loc) {
					t.Fatalf("00:00 of %s: %s", d.Format(time.DateOnly), start)
				}
			}
		})
	}
}
