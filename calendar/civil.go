package calendar

import (
	"sync"
	"time"
)

// Date is a civil date of the proleptic Gregorian calendar, counted in days
// since 1970-01-01 (Date 0, a Thursday). It carries no time zone: it is the
// date a calendar's location shows, so that day arithmetic (the next day,
// the days between two dates) never depends on UTC offsets. Any int64 is a
// valid Date; only 2004-01-01..2050-12-31 are covered by a Calendar's days.
// Date is a plain value, safe for concurrent use.
type Date int64

// DateOf returns the Date of y-m-d. Out-of-range months and days are
// normalised as time.Date does (DateOf(2025, 2, 29) is 2025-03-01).
func DateOf(y int, m time.Month, d int) Date {
	if m < time.January || m > time.December || d < 1 || d > 28 {
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		y, m, d = t.Date()
	}
	return Date(daysFromCivil(int64(y), int(m), d))
}

// YMD returns the year, month and day of d.
func (d Date) YMD() (year int, month time.Month, day int) {
	y, m, dd := civilFromDays(int64(d))
	return int(y), time.Month(m), dd
}

// String renders d as YYYY-MM-DD.
func (d Date) String() string { return ymdString(int64(d)) }

// AddMonths is the month arithmetic of 民法典第二百零二条: the date n months
// after d with the same day of the month or, when that month has no such day,
// its last day (2025-01-31 + 1 month = 2025-02-28). clamped reports the
// latter. n may be negative.
func (d Date) AddMonths(n int) (r Date, clamped bool) {
	y, m, day := civilFromDays(int64(d))
	mi := int64(m) - 1 + int64(n)
	y += floorDiv(mi, 12)
	mm := int(mi-floorDiv(mi, 12)*12) + 1
	if last := daysInMonth(y, mm); day > last {
		return Date(daysFromCivil(y, mm, last)), true
	}
	return Date(daysFromCivil(y, mm, day)), false
}

func daysInMonth(y int64, m int) int {
	switch m {
	case 4, 6, 9, 11:
		return 30
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

// The dates on which a fixed-offset calendar converts by integer arithmetic:
// the covered range with a year's margin, inside the span fixedOffset probed.
const (
	fixedLo = firstDayNum - 365
	fixedHi = lastDayNum + 365
)

// Date returns the civil date of t in the calendar's location. It is a pure
// conversion, defined for every t, in range or not, and never allocates.
func (c *Calendar) Date(t time.Time) Date {
	if c.fixed {
		// Inside the window sec is positive, so division is floor division;
		// a wrapped t.Unix() of an absurd instant lands far outside it.
		if sec := t.Unix() + c.offset; sec >= fixedLo*secondsPerDay && sec < (fixedHi+1)*secondsPerDay {
			return Date(sec / secondsPerDay)
		}
	}
	return Date(dayNumOf(t.In(c.loc)))
}

// At returns the instant at wall-clock time clock after 00:00 of date d in
// the calendar's location; clock may be 24h (00:00 of the next day) and is
// normalised as time.Date does beyond that. It never allocates.
func (c *Calendar) At(d Date, clock time.Duration) time.Time {
	if c.fixed && d >= fixedLo && d < fixedHi && clock >= 0 && clock <= 24*time.Hour {
		return time.Unix(int64(d)*secondsPerDay-c.offset, int64(clock)).In(c.loc)
	}
	y, m, dd := civilFromDays(int64(d))
	return time.Date(int(y), time.Month(m), dd, 0, 0, int(clock/time.Second), int(clock%time.Second), c.loc)
}

// Clock returns the wall-clock time of day of t in the calendar's location,
// as the time since 00:00 of its date. It never allocates.
func (c *Calendar) Clock(t time.Time) time.Duration {
	if c.fixed {
		if sec := t.Unix() + c.offset; sec >= fixedLo*secondsPerDay && sec < (fixedHi+1)*secondsPerDay {
			return time.Duration(sec%secondsPerDay)*time.Second + time.Duration(t.Nanosecond())
		}
	}
	h, m, s := t.In(c.loc).Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
}

// cst is the one China Standard Time location every package shares.
var cstZone = sync.OnceValue(func() *time.Location { return time.FixedZone("CST", 8*3600) })

// CST returns China Standard Time: the fixed zone "CST", UTC+8 without
// daylight saving time, the default location of every calendar. It is the
// one definition of the zone in the module; every call returns the same
// *time.Location, so locations compare equal by pointer. Using a fixed zone
// rather than the tz database's Asia/Shanghai keeps results independent of
// the host's zoneinfo (Asia/Shanghai observed daylight saving time in
// 1986–1991).
func CST() *time.Location { return cstZone() }
