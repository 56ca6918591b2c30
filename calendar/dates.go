package calendar

import "time"

// Day numbers below count days since 1970-01-01 (day 0, a Thursday) in the
// proleptic Gregorian calendar; they make civil-date arithmetic independent
// of time.Date and of any time zone database.
const (
	firstYear = 2004
	lastYear  = 2050

	firstDayNum = 12418 // 2004-01-01
	lastDayNum  = 29584 // 2050-12-31
	numDays     = lastDayNum - firstDayNum + 1

	secondsPerDay = 86400

	// The prefix arrays store day counts and indices as uint16; this
	// constant fails to compile if the range ever outgrows them.
	_ = uint16(numDays + 1)
	// maxAbsUnix bounds the Unix seconds handled arithmetically; beyond it
	// (about ±3.6e16 years… far outside the range) adding an offset could
	// overflow, and the date is out of range anyway.
	maxAbsUnix = int64(1) << 60
	// dayBias is a whole number of days above 2^61: adding it to any
	// |seconds| <= maxAbsUnix gives a positive value, so truncating
	// division is floor division.
	dayBias = (int64(1)<<61)/secondsPerDay*secondsPerDay + secondsPerDay
)

// daysFromCivil returns the day number of y-m-d (m 1..12); the algorithm is
// the era/day-of-era decomposition with March-based years, exact for every
// int64 year that does not overflow.
func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y int64, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// weekdayOf returns the weekday of a day number (day 0 was a Thursday).
func weekdayOf(dn int64) time.Weekday {
	w := (dn + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

func isWeekend(dn int64) bool {
	w := weekdayOf(dn)
	return w == time.Saturday || w == time.Sunday
}

// ordinaryKind is the kind of a date nobody has declared anything about.
func ordinaryKind(dn int64) DayKind {
	if isWeekend(dn) {
		return RestDay
	}
	return Workday
}

// dayNumOf returns the day number of t's own Y-M-D (in t's location).
func dayNumOf(t time.Time) int64 {
	y, m, d := t.Date()
	return daysFromCivil(int64(y), int(m), d)
}

// ymdString renders a day number as YYYY-MM-DD.
func ymdString(dn int64) string {
	y, m, d := civilFromDays(dn)
	return formatDate(time.Date(int(y), time.Month(m), d, 0, 0, 0, 0, time.UTC))
}

// fixedOffset reports whether loc has one UTC offset over the whole covered
// range (with a year's margin on each side), and that offset in seconds.
// Probing every six hours finds any DST or historical change, which last
// far longer than that.
func fixedOffset(loc *time.Location) (int64, bool) {
	if loc == time.UTC {
		return 0, true
	}
	start := int64(firstDayNum-400) * secondsPerDay
	end := int64(lastDayNum+400) * secondsPerDay
	_, off0 := time.Unix(start, 0).In(loc).Zone()
	for s := start; s <= end; s += 6 * 3600 {
		if _, off := time.Unix(s, 0).In(loc).Zone(); off != off0 {
			return 0, false
		}
	}
	return int64(off0), true
}
