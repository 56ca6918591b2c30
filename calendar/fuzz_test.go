package calendar

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"
)

// inRangeInstant folds any int64 into an instant inside the covered range
// (with a little margin outside it), so that fuzzing explores real dates.
func inRangeInstant(sec int64) time.Time {
	lo := int64(firstDayNum-3)*secondsPerDay - 8*3600
	span := int64(numDays+6) * secondsPerDay
	m := sec % span
	if m < 0 {
		m += span
	}
	return time.Unix(lo+m, 0)
}

func FuzzDayNeverPanics(f *testing.F) {
	for _, s := range []int64{0, 1, -1, math.MaxInt64, math.MinInt64, 1741278600, 1072886400, 2556057600, 1<<62 + 5, -(1 << 62)} {
		f.Add(s, int64(0))
		f.Add(s, int64(999_999_999))
	}
	c := Default()
	ny := time.FixedZone("EST", -5*3600)
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		for _, ts := range []time.Time{time.Unix(sec, nsec), inRangeInstant(sec), time.Unix(sec, 0).In(ny)} {
			d, err := c.Day(ts)
			ok, err2 := c.IsWorkday(ts)
			if (err == nil) != (err2 == nil) {
				t.Fatalf("Day and IsWorkday disagree on error for %v: %v / %v", ts, err, err2)
			}
			if err != nil {
				if !errors.Is(err, ErrOutOfRange) || !errors.Is(err, ErrYearNotCovered) {
					t.Fatalf("default calendar: error other than out of range for %v: %v", ts, err)
				}
				continue
			}
			if d.IsWorking() != ok {
				t.Fatalf("Day.IsWorking %v != IsWorkday %v for %v", d.IsWorking(), ok, ts)
			}
			if !d.Date.Equal(c.StartOfDay(ts)) {
				t.Fatalf("Day.Date %v != StartOfDay %v", d.Date, c.StartOfDay(ts))
			}
			if d.Date.After(ts) || ts.Sub(d.Date) >= 24*time.Hour {
				t.Fatalf("%v is not within the civil day starting %v", ts, d.Date)
			}
		}
		_ = c.StartOfDay(time.Unix(sec, nsec))
	})
}

func FuzzAddWorkdaysInverse(f *testing.F) {
	f.Add(int64(1759222800), 1)  // 2025-09-30 17:00 CST, before National Day
	f.Add(int64(1759222800), 10) // …10 working days
	f.Add(int64(1770940800), 3)  // 2026-02-13, before Spring Festival
	f.Add(int64(1770940800), -3) // …backwards
	f.Add(int64(1759478400), 0)  // 2025-10-03, a holiday
	f.Add(int64(2556028800), 5)  // 2050-12-30: result out of range
	f.Add(int64(0), 250)         // folded into the range
	f.Add(int64(-123456789), -250)
	f.Add(int64(math.MaxInt64), math.MinInt)
	c := Default()
	f.Fuzz(func(t *testing.T, sec int64, n int) {
		ts := inRangeInstant(sec)
		r, err := c.AddWorkdays(ts, n)
		if err != nil {
			if !errors.Is(err, ErrOutOfRange) {
				t.Fatalf("AddWorkdays(%v, %d): unexpected error %v", ts, n, err)
			}
			return
		}
		ok, err := c.IsWorkday(r)
		if err != nil || !ok {
			t.Fatalf("AddWorkdays(%v, %d) = %v, not a working day (%v)", ts, n, r, err)
		}
		if !r.Equal(c.StartOfDay(r)) {
			t.Fatalf("result %v is not 00:00", r)
		}
		between, err := c.WorkdaysBetween(ts, r)
		if err != nil {
			t.Fatal(err)
		}
		startWorks, _ := c.IsWorkday(ts)
		switch {
		case n > 0:
			if between != n {
				t.Fatalf("WorkdaysBetween(t, AddWorkdays(t, %d)) = %d", n, between)
			}
		case n < 0:
			// (r, t] holds |n|-1 working days, plus t's own day if it works.
			want := n + 1
			if startWorks {
				want--
			}
			if between != want {
				t.Fatalf("n=%d: WorkdaysBetween = %d, want %d", n, between, want)
			}
		default:
			// n=0 stays on a working day, or moves to the next one.
			want := 1
			if startWorks {
				want = 0
			}
			if between != want {
				t.Fatalf("n=0: WorkdaysBetween = %d, want %d", between, want)
			}
		}
		back, err := c.WorkdaysBetween(r, ts)
		if err != nil || back != -between {
			t.Fatalf("WorkdaysBetween is not antisymmetric: %d vs %d (%v)", between, back, err)
		}
		// Monotonicity: one more working day never lands earlier.
		if n < math.MaxInt {
			if r2, err := c.AddWorkdays(ts, n+1); err == nil && r2.Before(r) {
				t.Fatalf("AddWorkdays(t, %d) = %v before AddWorkdays(t, %d) = %v", n+1, r2, n, r)
			}
		}
		cert, err := c.Certainty(ts, r)
		if err != nil || !cert.valid() {
			t.Fatalf("Certainty over a successful span: %v %v", cert, err)
		}
	})
}

func FuzzWorkdaysBetweenAdditive(f *testing.F) {
	f.Add(int64(0), int64(86400*400), int64(-86400*3000))
	f.Add(int64(1759222800), int64(1760025600), int64(1770940800))
	f.Add(int64(math.MinInt64), int64(math.MaxInt64), int64(42))
	c := Default()
	f.Fuzz(func(t *testing.T, a, b, x int64) {
		ta, tb, tx := inRangeInstant(a), inRangeInstant(b), inRangeInstant(x)
		ab, err1 := c.WorkdaysBetween(ta, tb)
		bx, err2 := c.WorkdaysBetween(tb, tx)
		ax, err3 := c.WorkdaysBetween(ta, tx)
		if err1 != nil || err2 != nil || err3 != nil {
			return // out of range: checked by the other targets
		}
		if ab+bx != ax {
			t.Fatalf("WorkdaysBetween not additive: %d + %d != %d", ab, bx, ax)
		}
		if ab > 0 && ab > int(tb.Sub(ta).Hours()/24)+1 {
			t.Fatalf("more working days (%d) than days between %v and %v", ab, ta, tb)
		}
		// Days over a short span agrees with the count: working days after
		// the first day.
		if !c.StartOfDay(tb).Before(c.StartOfDay(ta)) && tb.Sub(ta) < 400*24*time.Hour {
			days, err := c.Days(ta, tb)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, d := range days[1:] {
				if d.IsWorking() {
					n++
				}
			}
			if n != ab {
				t.Fatalf("Days counts %d working days, WorkdaysBetween %d", n, ab)
			}
		}
	})
}

func FuzzParseKinds(f *testing.F) {
	for _, s := range []string{"workday", "rest", "holiday", "makeup", "official", "unverified", "projected", "", "Holiday", "off"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if k, err := ParseDayKind(s); err == nil && k.String() != s {
			t.Fatalf("ParseDayKind(%q) = %v", s, k)
		}
		if c, err := ParseCertainty(s); err == nil && c.String() != s {
			t.Fatalf("ParseCertainty(%q) = %v", s, c)
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte(officialCSV[:2000]))
	f.Add([]byte(hypothetical2028))
	f.Add([]byte("date,kind,holiday,name_zh,notice\n2026-01-05,makeup,x,y,z\n"))
	f.Add([]byte("date,kind,holiday,name_zh,notice\n\"2026-01-01\",off,\"a\"\"b\",c,\"d\ne\"\n"))
	f.Add([]byte(""))
	f.Add([]byte("\ufeffdate,kind,holiday,name_zh,notice\n9999-12-31,off,,,\n"))
	// The next year's 元旦 days in late December, with and without that year.
	f.Add([]byte("date,kind,holiday,name_zh,notice\n2018-12-29,makeup,new_year,元旦,n\n2018-12-30,off,new_year,元旦,n\n2019-01-01,off,new_year,元旦,n\n"))
	f.Add([]byte("date,kind,holiday,name_zh,notice\n2018-12-30,off,new_year,元旦,n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseCSV("fuzz.csv", data, Unverified)
		if err != nil {
			return
		}
		if len(s.Entries) == 0 || len(s.Years) == 0 {
			t.Fatal("a successful parse has entries and years")
		}
		// Every row is in a year the file determines, or a late-December
		// row of the year before one.
		for _, e := range s.Entries {
			y, m, d := e.Date.Date()
			if !slices.Contains(s.Years, y) && !(m == 12 && d > lateDecember && slices.Contains(s.Years, y+1)) {
				t.Fatalf("%s is in no year of %v", e.Date.Format(time.DateOnly), s.Years)
			}
		}
		// Applying may fail (years outside the range) but must not panic.
		_, _ = New(WithSchedule(s))
	})
}

func FuzzParseHolidayCN(f *testing.F) {
	f.Add([]byte(`{"year":2026,"papers":["u"],"days":[{"name":"元旦","date":"2026-01-01","isOffDay":true},{"name":"元旦","date":"2026-01-04","isOffDay":false}]}`))
	f.Add([]byte(`{"year":2027,"papers":[],"days":[]}`))
	f.Add([]byte(`{"year":2020,"papers":["u"],"days":[{"name":"春节","date":"2020-02-03","isOffDay":false}]}`))
	f.Add([]byte(`{"year":2026,"papers":["u"],"days":[{"name":"x","date":"2025-12-31","isOffDay":true}]}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseHolidayCN("fuzz.json", data)
		if err != nil {
			return
		}
		if len(s.Years) != 1 {
			t.Fatalf("Years = %v", s.Years)
		}
		_, _ = New(WithSchedule(s))
	})
}

func FuzzOverride(f *testing.F) {
	f.Add(int64(1741276800), uint8(Holiday))
	f.Add(int64(1741276800), uint8(MakeupWorkday))
	f.Add(int64(1741190400), uint8(MakeupWorkday))
	f.Add(int64(-1), uint8(9))
	f.Fuzz(func(t *testing.T, sec int64, kind uint8) {
		ts := inRangeInstant(sec)
		c, err := Default().Derive(WithOverrides(Override{Date: ts, Kind: DayKind(kind), Source: "fuzz"}))
		if err != nil {
			return
		}
		d, err := c.Day(ts)
		if err != nil {
			t.Fatal(err)
		}
		if d.Kind != DayKind(kind) || d.Certainty != Official || d.Notice != "fuzz" {
			t.Fatalf("override not applied: %+v", d)
		}
	})
}
