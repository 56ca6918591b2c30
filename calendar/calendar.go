package calendar

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Calendar is a working-day calendar covering the civil dates 2004-01-01
// through 2050-12-31 in one location. It is immutable after construction and
// safe for concurrent use by any number of goroutines; Derive makes changed
// copies.
type Calendar struct {
	name        string
	loc         *time.Location
	fixed       bool  // loc has one offset over the range: index arithmetically
	offset      int64 // that offset, seconds east of UTC
	provisional bool

	// Per day index i (0 = 2004-01-01):
	meta  []uint8  // DayKind | Certainty<<2
	info  []uint32 // index into infos
	infos []dayInfo

	// Prefix counts over day indices, each of length numDays+1: x[i] counts
	// days 0..i-1. uint16 suffices (numDays < 65536) and halves the cache
	// footprint of the O(1) lookups.
	work []uint16 // working days
	unv  []uint16 // Unverified days
	proj []uint16 // Projected days

	nth []uint16 // nth[k] = day index of the k-th (0-based) working day

	daysHash [32]byte
	version  string

	err error // set only on the fallback returned by Default if the embedded data failed to load
}

// dayInfo is the text attached to a day; days share entries.
type dayInfo struct {
	holiday, holidayZh, notice string
}

func (c *Calendar) kindAt(i int) DayKind        { return DayKind(c.meta[i] & 3) }
func (c *Calendar) certaintyAt(i int) Certainty { return Certainty(c.meta[i] >> 2) }

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := New()
	if err != nil {
		// Cannot happen with the tested embedded data; rather than panic,
		// hand out a calendar whose every lookup reports the cause.
		loc := CST()
		return &Calendar{name: "CN", loc: loc, fixed: true, offset: 8 * 3600, provisional: true, err: err}
	}
	return c
})

// Default returns the national calendar: embedded data (official 2004–2026,
// unverified 2027, projected 2028–2050), location UTC+8 (fixed zone "CST"),
// provisional results allowed, name "CN". It is built once on first use and
// shared; it is immutable and safe for concurrent use.
func Default() *Calendar { return defaultCalendar() }

// New builds a calendar from the embedded national data (official
// 2004–2026, unverified 2027, projected 2028–2050), then applies opts in the
// order given, except that overrides are applied after all schedules. It
// validates everything and returns an error naming the schedule, date or
// option at fault.
func New(opts ...Option) (*Calendar, error) {
	base, err := national()
	if err != nil {
		return nil, err
	}
	return base.Derive(opts...)
}

// Derive returns a NEW calendar: the receiver's days, location, provisional
// setting and name, with opts applied (schedules in order, then overrides).
// The receiver never changes. This is the layering mechanism: national →
// regional → unit.
func (c *Calendar) Derive(opts ...Option) (*Calendar, error) {
	if c == nil {
		return nil, fmt.Errorf("calendar: Derive called on a nil *Calendar")
	}
	if c.err != nil {
		return nil, c.err
	}
	o := options{provisional: c.provisional, loc: c.loc, name: c.name}
	for i, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("calendar: option %d is nil", i)
		}
		opt(&o)
	}
	if len(o.errs) > 0 {
		return nil, o.errs[0]
	}
	n := &Calendar{
		name:        o.name,
		loc:         o.loc,
		fixed:       c.fixed,
		offset:      c.offset,
		provisional: o.provisional,
	}
	if o.loc != c.loc {
		n.offset, n.fixed = fixedOffset(o.loc)
	}
	if len(o.schedules) == 0 && len(o.overrides) == 0 {
		// Same days: share the immutable arrays.
		n.meta, n.info, n.infos = c.meta, c.info, c.infos
		n.work, n.unv, n.proj, n.nth = c.work, c.unv, c.proj, c.nth
		n.daysHash = c.daysHash
	} else {
		b := newBuilderFrom(c)
		for _, s := range o.schedules {
			if err := b.applySchedule(s); err != nil {
				return nil, err
			}
		}
		if err := b.applyOverrides(n.loc, o.overrides); err != nil {
			return nil, err
		}
		b.finish(n)
	}
	n.version = n.computeVersion()
	return n, nil
}

// index returns the day index of t's civil date in the calendar's
// location, and whether it is inside the range. On the fixed-offset path a
// biased unsigned division (a multiply by the compiler) replaces floor
// division, and one unsigned compare checks both ends of the range.
func (c *Calendar) index(t time.Time) (int, bool) {
	if !c.fixed {
		return c.indexZone(t)
	}
	sec := t.Unix() + c.offset // wraps only for absurd instants, which the next check rejects
	if uint64(sec+maxAbsUnix) > uint64(2*maxAbsUnix) {
		return 0, false
	}
	i := int(uint64(sec+dayBias)/secondsPerDay) - int(dayBias/secondsPerDay+firstDayNum)
	if uint(i) >= uint(len(c.meta)) {
		return 0, false
	}
	return i, true
}

// indexZone is index for locations whose offset changes (DST).
func (c *Calendar) indexZone(t time.Time) (int, bool) {
	i := dayNumOf(t.In(c.loc)) - firstDayNum
	if i < 0 || i >= int64(len(c.meta)) {
		return 0, false
	}
	return int(i), true
}

// dateAt returns 00:00 of day index i (inside the range) in the
// calendar's location.
func (c *Calendar) dateAt(i int) time.Time {
	if c.fixed {
		return time.Unix(int64(i+firstDayNum)*secondsPerDay-c.offset, 0).In(c.loc)
	}
	return c.dateOf(int64(i) + firstDayNum)
}

// dateOf returns 00:00 of day number dn in the calendar's location.
func (c *Calendar) dateOf(dn int64) time.Time {
	if c.fixed && dn < maxAbsUnix/secondsPerDay && dn > -maxAbsUnix/secondsPerDay {
		return time.Unix(dn*secondsPerDay-c.offset, 0).In(c.loc)
	}
	y, m, d := civilFromDays(dn)
	return time.Date(int(y), time.Month(m), d, 0, 0, 0, 0, c.loc)
}

// StartOfDay returns 00:00 of t's civil date in the calendar's location. It
// is a pure conversion, defined for every t, in range or not.
func (c *Calendar) StartOfDay(t time.Time) time.Time {
	if c.fixed {
		if sec := t.Unix(); sec <= maxAbsUnix && sec >= -maxAbsUnix {
			return c.dateOf(floorDiv(sec+c.offset, secondsPerDay))
		}
	}
	y, m, d := t.In(c.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.loc)
}

// Location returns the calendar's business location (default UTC+8).
func (c *Calendar) Location() *time.Location { return c.loc }

// Name returns the calendar's human name, e.g. "CN" or "CN-HB (Hubei)".
func (c *Calendar) Name() string { return c.name }

// Provisional reports whether results through unverified or projected days
// are allowed (true) or are errors wrapping ErrYearNotCovered (false).
func (c *Calendar) Provisional() bool { return c.provisional }

// Range returns the first and last covered civil dates, 2004-01-01 and
// 2050-12-31, at 00:00 in the calendar's location (both inclusive).
func (c *Calendar) Range() (first, last time.Time) {
	return c.dateOf(firstDayNum), c.dateOf(lastDayNum)
}

// Version returns a content hash (16 hex digits of SHA-256) over every
// day's kind, names, notice and certainty and the location's offset. Two
// calendars with the same content have the same version, whatever their
// name or provisional setting; any change to any day changes it.
func (c *Calendar) Version() string { return c.version }

func (c *Calendar) day(i int) Day {
	inf := c.infos[c.info[i]]
	return Day{
		Date:      c.dateAt(i),
		Kind:      c.kindAt(i),
		Holiday:   inf.holiday,
		HolidayZh: inf.holidayZh,
		Notice:    inf.notice,
		Certainty: c.certaintyAt(i),
	}
}

// Day describes t's civil date (t is converted to the calendar's location
// first). It fails for dates outside 2004-01-01..2050-12-31 and, in strict
// mode, for non-official days.
func (c *Calendar) Day(t time.Time) (Day, error) {
	i, ok := c.index(t)
	if !ok {
		return Day{}, c.rangeErr(t)
	}
	if !c.provisional && c.certaintyAt(i) != Official {
		return Day{}, c.strictErr(i)
	}
	return c.day(i), nil
}

// IsWorkday reports whether t's civil date (in the calendar's location) is a
// working day: an ordinary Monday–Friday or a makeup weekend day (调休上班).
// It costs one array read after the date conversion and never allocates on
// success.
func (c *Calendar) IsWorkday(t time.Time) (bool, error) {
	i, ok := c.index(t)
	if !ok {
		return false, c.rangeErr(t)
	}
	m := c.meta[i]
	if !c.provisional && m>>2 != uint8(Official) {
		return false, c.strictErr(i)
	}
	k := DayKind(m & 3)
	return k == Workday || k == MakeupWorkday, nil
}

// AddWorkdays counts working days from t's civil date (in the calendar's
// location) and returns 00:00 of the resulting date in that location.
//
//   - n > 0: the n-th working day AFTER t's date; t's own date never counts
//     (民法典 art. 201: a period counted in days starts the next day).
//   - n < 0: the |n|-th working day before t's date.
//   - n == 0: t's date if it is a working day, else the next working day.
//
// It is O(1): no loop over days and no allocation on success. It fails when
// t or the result is outside the range, and in strict mode when any day
// from t's date to the result (inclusive) is not official.
func (c *Calendar) AddWorkdays(t time.Time, n int) (time.Time, error) {
	i, ok := c.index(t)
	if !ok {
		return time.Time{}, c.rangeErr(t)
	}
	total := len(c.nth)
	var k int
	switch {
	case n > 0:
		if n > total {
			return time.Time{}, c.beyondErr(i, n)
		}
		k = int(c.work[i+1]) + n - 1
	case n < 0:
		if n < -total {
			return time.Time{}, c.beyondErr(i, n)
		}
		k = int(c.work[i]) + n
	default:
		// Working days before i; if day i works it is nth[k] itself,
		// otherwise nth[k] is the next working day.
		k = int(c.work[i])
	}
	if k < 0 || k >= total {
		return time.Time{}, c.beyondErr(i, n)
	}
	r := int(c.nth[k])
	if !c.provisional {
		if err := c.checkSpan(i, r); err != nil {
			return time.Time{}, err
		}
	}
	return c.dateAt(r), nil
}

// WorkdaysBetween returns the number of working days d with
// from's date < d <= to's date (civil dates in the calendar's location), or
// the negative count of working days in (to, from] when to is earlier. So
// WorkdaysBetween(t, AddWorkdays(t, n)) == n for n > 0, and a day never
// counts itself. O(1), no allocation on success. In strict mode it fails when
// any day from from's date to to's date (inclusive) is not official.
func (c *Calendar) WorkdaysBetween(from, to time.Time) (int, error) {
	a, ok := c.index(from)
	if !ok {
		return 0, c.rangeErr(from)
	}
	b, ok := c.index(to)
	if !ok {
		return 0, c.rangeErr(to)
	}
	if !c.provisional {
		if err := c.checkSpan(a, b); err != nil {
			return 0, err
		}
	}
	return int(c.work[b+1]) - int(c.work[a+1]), nil
}

// Certainty returns the least certain Certainty among the civil dates from
// through to, both inclusive (order-insensitive). It is O(1) and fails only
// when a date is out of range; strict mode does not make it fail, since it
// is how callers learn whether a result is provisional.
func (c *Calendar) Certainty(from, to time.Time) (Certainty, error) {
	a, ok := c.index(from)
	if !ok {
		return 0, c.rangeErr(from)
	}
	b, ok := c.index(to)
	if !ok {
		return 0, c.rangeErr(to)
	}
	if a > b {
		a, b = b, a
	}
	switch {
	case c.proj[b+1] > c.proj[a]:
		return Projected, nil
	case c.unv[b+1] > c.unv[a]:
		return Unverified, nil
	}
	return Official, nil
}

// Days returns every day from from's civil date through to's, both
// inclusive, in date order. It fails if to's date is before from's, if either
// is out of range, or in strict mode if any of the days is not official.
func (c *Calendar) Days(from, to time.Time) ([]Day, error) {
	a, ok := c.index(from)
	if !ok {
		return nil, c.rangeErr(from)
	}
	b, ok := c.index(to)
	if !ok {
		return nil, c.rangeErr(to)
	}
	if b < a {
		return nil, &DateError{
			Date:   c.dateOf(int64(b) + firstDayNum),
			Reason: fmt.Sprintf("end of the span is before its start %s", ymdString(int64(a)+firstDayNum)),
		}
	}
	if !c.provisional {
		if err := c.checkSpan(a, b); err != nil {
			return nil, err
		}
	}
	out := make([]Day, 0, b-a+1)
	for i := a; i <= b; i++ {
		out = append(out, c.day(i))
	}
	return out, nil
}

func (c *Calendar) nonOfficial(i int) int { return int(c.unv[i]) + int(c.proj[i]) }

// checkSpan reports a strict-mode error for the first non-official day
// between day indices a and b inclusive (either order).
func (c *Calendar) checkSpan(a, b int) error {
	if a > b {
		a, b = b, a
	}
	base := c.nonOfficial(a)
	if c.nonOfficial(b+1) == base {
		return nil
	}
	// Error path only: binary search for the first non-official day.
	j := a + sort.Search(b-a+1, func(k int) bool { return c.nonOfficial(a+k+1) > base })
	return c.strictErr(j, a, b)
}

// rangeErr is the error for a date outside 2004-01-01..2050-12-31.
func (c *Calendar) rangeErr(t time.Time) error {
	reason := "outside the calendar's range 2004-01-01..2050-12-31"
	if c.err != nil {
		reason = "calendar data unavailable: " + c.err.Error()
	}
	return &DateError{Date: c.StartOfDay(t), Reason: reason, kind: []error{ErrOutOfRange, ErrYearNotCovered}}
}

// beyondErr is the error for arithmetic whose result leaves the range.
func (c *Calendar) beyondErr(i, n int) error {
	edge := "after 2050-12-31"
	if n < 0 {
		edge = "before 2004-01-01"
	}
	return &DateError{
		Date:   c.dateOf(int64(i) + firstDayNum),
		Reason: fmt.Sprintf("adding %d working days lands %s, outside the calendar's range", n, edge),
		kind:   []error{ErrOutOfRange, ErrYearNotCovered},
	}
}

// strictErr is the strict-mode error for the non-official day i; span, when
// given as two indices, names the span that contained it.
func (c *Calendar) strictErr(i int, span ...int) error {
	dn := int64(i) + firstDayNum
	y, _, _ := civilFromDays(dn)
	var reason string
	switch c.certaintyAt(i) {
	case Unverified:
		reason = fmt.Sprintf("year %d has only an unverified schedule and provisional results are disabled", y)
	default:
		reason = fmt.Sprintf("year %d has no published schedule (days are projected from the statute) and provisional results are disabled", y)
	}
	if len(span) == 2 {
		reason = fmt.Sprintf("%s (needed for the span %s..%s)", reason,
			ymdString(int64(span[0])+firstDayNum), ymdString(int64(span[1])+firstDayNum))
	}
	return &DateError{Date: c.dateOf(dn), Reason: reason, kind: []error{ErrYearNotCovered}}
}
