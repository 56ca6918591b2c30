package sla

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/shixian-go/shixian/calendar"
)

// MaxPauses and MaxExtensions bound a Request so that every computation is
// bounded; a Request with more is an error.
const (
	MaxPauses     = 1000
	MaxExtensions = 1000
)

// ErrSuspended is returned (wrapped) by WarningAt when an open pause
// suspends the deadline: there is no instant to warn at until the case resumes.
var ErrSuspended = errors.New("sla: deadline suspended by an open pause")

// Pause is one interval of excluded time (中止, 行政许可法 art. 45: hearings,
// testing, appraisal, expert review … are not counted). Start is inclusive,
// End exclusive; a zero End means the case is still paused. Pauses of a
// Request may come in any order and may overlap: their union is excluded,
// never the sum (design §5.8).
//
// Day-based periods exclude whole days: a pause from day P to day R excludes
// the days P+1..R (ResumeDayExcluded) or P+1..R−1 (ResumeDayCounted), civil
// dates in the calendar's location; day P itself is always counted in full.
// A pause that begins before Due suspends the clock even when the period
// was used up on day P (its last day): the case is then due at the end of
// the resume day R, or of the first working day on or after R, never before
// it resumes; an open one suspends the deadline. A pause that begins at or
// after Due changes nothing. Hour-based periods exclude exactly the time in
// [Start, End) that lies before Due.
type Pause struct {
	Start, End time.Time
	Reason     string
}

// Request is what a deadline is computed from. It is read, never modified.
type Request struct {
	// Start is the acceptance instant (受理), or the restart instant after the
	// materials were completed (行政许可法 art. 32), or the reclassification
	// instant when the policy counts FromReclassification. Any location; it is
	// converted to the calendar's location before its civil date is taken.
	Start time.Time
	// Period is the time limit.
	Period Period
	// Pauses are excluded intervals (at most MaxPauses).
	Pauses []Pause
	// Extensions (延期, 行政许可法 art. 42), each counted from the deadline
	// before it, in order (at most MaxExtensions). Day-based periods accept
	// workday, day and month extensions; hour-based periods accept workhour and
	// hour extensions.
	Extensions []Period
}

// Deadline is a computed time limit with everything needed to explain it.
// It is a value; its slices are freshly allocated and owned by the caller.
type Deadline struct {
	// Due is the exclusive instant, in the calendar's location: the case is on
	// time iff it is closed strictly before Due. Zero when Suspended.
	Due time.Time
	// LastDay is 00:00 of the civil date of the last day (display it as
	// "2025-09-28 24:00" when EndOfDay is Midnight; see LastDayString). Zero
	// when Suspended.
	LastDay time.Time
	// Suspended is true when an open pause (End zero) began before the
	// deadline: the deadline is unknown until the case resumes.
	Suspended bool
	// SuspendedSince is the Start of the open pause when Suspended.
	SuspendedSince time.Time
	// RemainingWhenSuspended is, when Suspended, what is left of the period
	// when the case resumes, in the unit then being counted: working days for
	// Workdays, calendar days for Days and Months (and extensions in those
	// units). For hour units see RemainingDurationWhenSuspended.
	RemainingWhenSuspended         int
	RemainingDurationWhenSuspended time.Duration
	// Provisional is true when any civil date from Start's date to LastDay
	// (inclusive) is not Official in the calendar: the deadline may change
	// when the official schedule is published.
	Provisional bool
	// Certainty is the least certain day in that range.
	Certainty calendar.Certainty
	// Start is Request.Start converted to the calendar's location.
	Start time.Time
	// CountFrom is 00:00 of the date counting is deemed to start after: the
	// acceptance date, or the deemed receipt date under ReceiptNextWorkday.
	CountFrom time.Time
	// Period is Request.Period.
	Period Period
	// Extensions is a copy of Request.Extensions.
	Extensions []Period
	// Excluded is the number of days excluded by pauses, in the counting unit
	// of the period: working days for Workdays, calendar days for Days and
	// Months. Zero for hour units (see ExcludedDuration).
	Excluded int
	// ExcludedDuration is the time excluded by pauses for hour units (working
	// time for Workhours, elapsed time for Hours).
	ExcludedDuration time.Duration
	// EndOfDay is the end-of-day convention used (for LastDayString).
	EndOfDay EndOfDay
	// Calendar is the calendar's Name() + " " + Version().
	Calendar string
	// Counted is the days counted toward the period: working days for
	// Workdays, every day for Days and Months (paused days excluded), for
	// explanations. Nil for hour units and for spans over MaxListedDays.
	Counted []calendar.Day
	// Skipped is the days between CountFrom and LastDay that did not count:
	// holidays and rest days (Workdays), days after the N-th calendar day
	// rolled over under 民法典 art. 203 (Days, Months), and paused days.
	Skipped []calendar.Day
	// Explanation is sentences a case officer would accept, English with the
	// Chinese terms and legal basis.
	Explanation []string
}

// MaxListedDays bounds Deadline.Counted and Deadline.Skipped: a span from
// CountFrom to LastDay longer than this is explained without day lists.
const MaxListedDays = 400

// LastDayString renders the end of the last day: "2025-10-10 24:00" under
// Midnight, "2025-10-10 17:30" under close of business; for hour units the
// wall-clock time of Due, with 00:00 shown as 24:00 of the previous day.
// Suspended deadlines render as "suspended".
func (d Deadline) LastDayString() string {
	if d.Suspended || d.Due.IsZero() {
		return "suspended"
	}
	h, m, s := d.Due.Clock()
	if h == 0 && m == 0 && s == 0 && d.Due.Nanosecond() == 0 {
		return d.LastDay.Format(time.DateOnly) + " 24:00"
	}
	return d.Due.Format("2006-01-02 15:04")
}

// ExtensionAllowed reports whether an extension requested at the instant at
// is on time: strictly before Due (行政许可法 art. 42: the extension is
// approved within the period; 限时办结 practice: a request after expiry counts
// as overdue). A suspended deadline allows extensions.
func ExtensionAllowed(d Deadline, at time.Time) bool {
	if d.Suspended {
		return true
	}
	return at.Before(d.Due)
}

// LastWorkingDayStart returns 00:00 of the last day, the instant a case
// enters "the last working day" warning (design §5.14). For a Suspended
// deadline it returns the zero time.
func LastWorkingDayStart(d Deadline) time.Time {
	if d.Suspended {
		return time.Time{}
	}
	return d.LastDay
}

// ---------------------------------------------------------------------------
// Civil-date helpers. Dates inside a computation are day numbers (days since
// 1970-01-01 of the civil calendar), so that day arithmetic never depends on
// the location's offsets.

func daysFromCivil(y int, m time.Month, d int) int {
	yy := y
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := (int(m) + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int) (int, time.Month, int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, time.Month(m), d
}

func daysIn(y int, m time.Month) int {
	switch m {
	case time.April, time.June, time.September, time.November:
		return 30
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

// addMonths is 民法典 art. 202: the corresponding date n months later, or the
// last day of that month when it has no such date. clamped reports the latter.
func addMonths(day, n int) (int, bool) {
	y, m, d := civilFromDays(day)
	mi := int(m) - 1 + n
	y += mi / 12
	m = time.Month(mi%12 + 1)
	if last := daysIn(y, m); d > last {
		return daysFromCivil(y, m, last), true
	}
	return daysFromCivil(y, m, d), false
}

const openEnd = math.MaxInt32 // day number / marker of a pause that has not ended

// dayIv is the set of days d with lo < d <= hi excluded by a pause (the same
// half-open convention as calendar.WorkdaysBetween). It may be empty (hi ==
// lo: paused and resumed the same day, or the next day under
// ResumeDayCounted): such a pause excludes nothing but still postpones a
// deadline whose last day it began on. start is the earliest pause instant
// of the (merged) interval, end the latest resume instant (zero: open).
type dayIv struct {
	lo, hi     int
	start, end time.Time
}

// timeIv is the instants lo <= t < hi excluded by a pause; open: no end yet.
type timeIv struct {
	lo, hi time.Time
	open   bool
}

// engine carries one computation's inputs; it lives on the stack.
type engine struct {
	cal *calendar.Calendar
	loc *time.Location
	c   Counting
	h   hours
	// fixed: loc has the one UTC offset off (seconds east) over the days
	// fixedLo..fixedHi (calendar.FixedOffset), so that instants on those
	// days convert to and from day numbers by integer arithmetic. The
	// results are identical to time.Date's; other days take that path.
	fixed bool
	off   int64
}

// The window of day numbers in which calendar.FixedOffset's promise holds:
// 2003-01-01 through 2051-12-31.
const (
	fixedLo = 12053 // 2003-01-01
	fixedHi = 29949 // 2051-12-31
)

func newEngine(cal *calendar.Calendar, c Counting) engine {
	e := engine{cal: cal, loc: cal.Location(), c: c, h: newHours(c.BusinessHours)}
	if off, ok := cal.FixedOffset(); ok {
		e.fixed, e.off = true, int64(off)
	}
	return e
}

func (e *engine) dayOf(t time.Time) int {
	if e.fixed {
		// Inside the window sec is positive, so division is floor division;
		// a wrapped t.Unix() of an absurd instant lands far outside it.
		if sec := t.Unix() + e.off; sec >= fixedLo*86400 && sec < (fixedHi+1)*86400 {
			return int(sec / 86400)
		}
	}
	y, m, d := t.In(e.loc).Date()
	return daysFromCivil(y, m, d)
}

func (e *engine) date(n int) time.Time {
	if e.fixed && n >= fixedLo && n <= fixedHi {
		return time.Unix(int64(n)*86400-e.off, 0).In(e.loc)
	}
	y, m, d := civilFromDays(n)
	return time.Date(y, m, d, 0, 0, 0, 0, e.loc)
}

// instant is the wall-clock offset off (may be 24h) on day n.
func (e *engine) instant(n int, off time.Duration) time.Time {
	if e.fixed && n >= fixedLo && n < fixedHi && off >= 0 && off <= 24*time.Hour {
		return time.Unix(int64(n)*86400-e.off, int64(off)).In(e.loc)
	}
	y, m, d := civilFromDays(n)
	return time.Date(y, m, d, 0, 0, 0, int(off), e.loc)
}

func (e *engine) tod(t time.Time) time.Duration {
	if e.fixed {
		if sec := t.Unix() + e.off; sec >= fixedLo*86400 && sec < (fixedHi+1)*86400 {
			return time.Duration(sec%86400)*time.Second + time.Duration(t.Nanosecond())
		}
	}
	h, m, s := t.In(e.loc).Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
}

func (e *engine) isWorking(n int) (bool, error) {
	return e.cal.IsWorkday(e.date(n))
}

// addWorkdays is calendar.AddWorkdays on day numbers.
func (e *engine) addWorkdays(n, k int) (int, error) {
	t, err := e.cal.AddWorkdays(e.date(n), k)
	if err != nil {
		return 0, err
	}
	return e.dayOf(t), nil
}

// workdaysBetween counts working days d with a < d <= b.
func (e *engine) workdaysBetween(a, b int) (int, error) {
	if b <= a {
		return 0, nil
	}
	return e.cal.WorkdaysBetween(e.date(a), e.date(b))
}

// measure counts units in (a, b]: working days or calendar days.
func (e *engine) measure(a, b int, working bool) (int, error) {
	if b <= a {
		return 0, nil
	}
	if working {
		return e.workdaysBetween(a, b)
	}
	return b - a, nil
}

// roll is 民法典 art. 203(1): a last day that is not a working day (a
// statutory holiday or, per the SPC explanation, a weekend) moves to the next
// working day; a makeup working day (调休上班) does not move.
func (e *engine) roll(n int) (int, error) { return e.addWorkdays(n, 0) }

// advance counts need units (working days if working, else calendar days)
// after day cursor, skipping the days excluded by ivs (sorted, merged). It
// returns the day on which the need-th unit is counted, the units excluded on
// the way, and, when an open pause is reached first, suspended with the
// units still needed. next is the index of the first interval not consumed:
// one beginning on or after the day the period is exhausted (whether it
// still moves the deadline is decided by usedUp for the final period).
func (e *engine) advance(cursor, need int, ivs []dayIv, working bool) (last, excluded int, suspended bool, remaining int, since, next int, err error) {
	next = len(ivs)
	for i, iv := range ivs {
		if iv.hi <= cursor {
			continue
		}
		if iv.lo > cursor {
			avail, err := e.measure(cursor, iv.lo, working)
			if err != nil {
				return 0, 0, false, 0, 0, 0, err
			}
			if avail >= need {
				next = i
				break
			}
			need -= avail
			cursor = iv.lo
		}
		if iv.hi == openEnd {
			return 0, excluded, true, need, iv.lo, i, nil
		}
		x, err := e.measure(cursor, iv.hi, working)
		if err != nil {
			return 0, 0, false, 0, 0, 0, err
		}
		excluded += x
		cursor = iv.hi
	}
	if working {
		last, err = e.addWorkdays(cursor, need)
	} else {
		last = cursor + need
	}
	return last, excluded, false, 0, 0, next, err
}

// dueOf is the exclusive due instant of last day n: 24:00 (民法典 art. 203(2))
// or, under close of business, the end of business (art. 203(2): 有业务时间的，
// 停止业务活动的时间为截止时间).
func (e *engine) dueOf(n int) time.Time {
	if e.c.EndOfDay == CloseOfBusiness {
		return e.instant(n, e.h.closeOfBusiness())
	}
	return e.date(n + 1)
}

// usedUp applies 行政许可法 art. 45 to pauses that begin after the whole
// period has been counted but before it is due — on its last day P (or, for
// calendar-day periods, while the last day is rolled over, 民法典 art. 203):
// the clock is suspended, so the case never becomes due before it resumes.
// Day P counts in full; the pause excludes P+1..R (P+1..R−1 under
// ResumeDayCounted) and the case is due at the end of the resume day R, or
// of the first working day on or after R when R is not one. An open pause
// suspends the deadline with nothing remaining. ivs[next:] are the intervals
// advance did not consume; last is the last day before they are applied.
// It returns the new last day, the units excluded, the day the period was
// used up (tail, -1 if no pause applied) and, for an open pause, its start.
func (e *engine) usedUp(last int, ivs []dayIv, working bool) (newLast, excluded, tail int, open bool, since int, err error) {
	tail = -1
	for _, iv := range ivs {
		if !iv.start.Before(e.dueOf(last)) {
			break // began at or after Due: a pause does not rescue a late case
		}
		if tail < 0 {
			tail = iv.lo
		}
		if iv.hi == openEnd {
			return last, excluded, tail, true, iv.lo, nil
		}
		x, err := e.measure(iv.lo, iv.hi, working)
		if err != nil {
			return 0, 0, 0, false, 0, err
		}
		excluded += x
		r, err := e.roll(e.dayOf(iv.end))
		if err != nil {
			return 0, 0, 0, false, 0, err
		}
		last = max(last, r)
	}
	return last, excluded, tail, false, 0, nil
}

// workTime is the business time of working days in [a, b) (a <= b).
func (e *engine) workTime(a, b time.Time) (time.Duration, error) {
	if !b.After(a) {
		return 0, nil
	}
	da, db := e.dayOf(a), e.dayOf(b)
	wa, err := e.withinDay(da, a)
	if err != nil {
		return 0, err
	}
	wb, err := e.withinDay(db, b)
	if err != nil {
		return 0, err
	}
	n, err := e.workdaysBetween(da-1, db-1) // working days in [da, db)
	if err != nil {
		return 0, err
	}
	return time.Duration(n)*e.h.daily + wb - wa, nil
}

// withinDay is the business time of day n before instant t (which is on day n).
func (e *engine) withinDay(n int, t time.Time) (time.Duration, error) {
	ok, err := e.isWorking(n)
	if err != nil || !ok {
		return 0, err
	}
	return e.h.within(e.tod(t)), nil
}

// addWorkTime walks d (> 0) of business time on working days from t, and
// returns the instant it is used up (民法典 art. 201(2): an hour period starts
// at the set hour, so a start outside business hours starts at the next
// span). O(1) calendar calls: whole days are skipped with AddWorkdays.
func (e *engine) addWorkTime(t time.Time, d time.Duration) (time.Time, error) {
	day := e.dayOf(t)
	ok, err := e.isWorking(day)
	if err != nil {
		return time.Time{}, err
	}
	rest := d
	if ok {
		base := e.h.within(e.tod(t))
		if base+d <= e.h.daily {
			return e.instant(day, e.h.at(base+d)), nil
		}
		rest = d - (e.h.daily - base)
	}
	q := (rest - 1) / e.h.daily
	rem := rest - q*e.h.daily
	if q > math.MaxInt32 {
		return time.Time{}, fmt.Errorf("sla: %v of working time from %s is beyond the calendar", d, t.Format(time.DateOnly))
	}
	target, err := e.addWorkdays(day, int(q)+1)
	if err != nil {
		return time.Time{}, err
	}
	return e.instant(target, e.h.at(rem)), nil
}

// tmeasure is the time in [a, b) counted by an hour unit.
func (e *engine) tmeasure(a, b time.Time, working bool) (time.Duration, error) {
	if working {
		return e.workTime(a, b)
	}
	if !b.After(a) {
		return 0, nil
	}
	return b.Sub(a), nil
}

func (e *engine) tadd(t time.Time, d time.Duration, working bool) (time.Time, error) {
	if working {
		return e.addWorkTime(t, d)
	}
	return t.Add(d), nil
}

// tadvance is advance for hour units: exact excluded time (行政许可法 art. 45).
func (e *engine) tadvance(cursor time.Time, need time.Duration, ivs []timeIv, working bool) (due time.Time, excluded time.Duration, suspended bool, remaining time.Duration, since time.Time, err error) {
	for _, iv := range ivs {
		if !iv.open && !iv.hi.After(cursor) {
			continue
		}
		if iv.lo.After(cursor) {
			avail, err := e.tmeasure(cursor, iv.lo, working)
			if err != nil {
				return time.Time{}, 0, false, 0, time.Time{}, err
			}
			if avail >= need {
				break
			}
			need -= avail
			cursor = iv.lo
		}
		if iv.open {
			return time.Time{}, excluded, true, need, iv.lo, nil
		}
		x, err := e.tmeasure(cursor, iv.hi, working)
		if err != nil {
			return time.Time{}, 0, false, 0, time.Time{}, err
		}
		excluded += x
		cursor = iv.hi
	}
	due, err = e.tadd(cursor, need, working)
	return due, excluded, false, 0, time.Time{}, err
}

// ---------------------------------------------------------------------------

// segment records one counted stretch (the base period or one extension) for
// explanations.
type segment struct {
	period   Period
	from     int  // counting starts after this day
	raw      int  // day the count is exhausted (before the art. 203 roll)
	last     int  // last day after the roll
	clamped  bool // month period clamped to the month's last day (art. 202)
	excluded int
	tail     int // the day the period was used up when a pause begun on it moved last (usedUp); 0 otherwise
}

// outcome is the result of one computation.
type outcome struct {
	start        time.Time
	accept       int // acceptance date A
	countFrom    int // A, or the deemed receipt date
	sameDay      bool
	sameDayEarly bool // accepted on a working day before the cutoff
	last         int
	due          time.Time
	excluded     int
	excludedDur  time.Duration
	suspended    bool
	since        time.Time
	remaining    int
	remainingDur time.Duration
	cert         calendar.Certainty
	tail         int       // the day the period was used up when a pause begun on it postponed Due (usedUp), else -1
	segs         []segment // only when tracing
	ivs          []dayIv   // merged day intervals (only when tracing)
	tivs         []timeIv  // merged time intervals (only when tracing)
}

func validateRequest(cal *calendar.Calendar, c Counting, r Request) error {
	if cal == nil {
		return errors.New("sla: nil calendar")
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if r.Start.IsZero() {
		return errors.New("sla: request has no start (acceptance) time")
	}
	if err := r.Period.Validate(); err != nil {
		return err
	}
	if len(r.Pauses) > MaxPauses {
		return fmt.Errorf("sla: request has %d pauses (at most %d)", len(r.Pauses), MaxPauses)
	}
	if len(r.Extensions) > MaxExtensions {
		return fmt.Errorf("sla: request has %d extensions (at most %d)", len(r.Extensions), MaxExtensions)
	}
	for i, p := range r.Pauses {
		if p.Start.IsZero() {
			return fmt.Errorf("sla: pause %d has no start time", i)
		}
		if !p.End.IsZero() && p.End.Before(p.Start) {
			return fmt.Errorf("sla: pause %d ends (%s) before it starts (%s)", i,
				p.End.Format(time.RFC3339), p.Start.Format(time.RFC3339))
		}
	}
	day := r.Period.Unit.dayBased()
	for i, x := range r.Extensions {
		if err := x.Validate(); err != nil {
			return fmt.Errorf("sla: extension %d: %w", i, err)
		}
		if x.Count == 0 {
			return fmt.Errorf("sla: extension %d is 0 workdays (an extension must add time)", i)
		}
		if x.Unit.dayBased() != day {
			return fmt.Errorf("sla: extension %d (%s) cannot extend a %s period (day periods take workday, day or month extensions; hour periods take workhour or hour extensions)",
				i, x, r.Period.Unit)
		}
	}
	return nil
}

// sortDayIvs sorts by lo with insertion sort (no allocation, n is small in
// practice and bounded by MaxPauses) and merges overlapping or adjacent
// intervals in place: the union is excluded, never the sum (§5.8).
func mergeDayIvs(ivs []dayIv) []dayIv {
	for i := 1; i < len(ivs); i++ {
		for j := i; j > 0 && ivs[j].lo < ivs[j-1].lo; j-- {
			ivs[j], ivs[j-1] = ivs[j-1], ivs[j]
		}
	}
	out := ivs[:0]
	for _, iv := range ivs {
		if n := len(out); n > 0 && iv.lo <= out[n-1].hi {
			o := &out[n-1]
			o.hi = max(o.hi, iv.hi)
			if iv.start.Before(o.start) {
				o.start = iv.start
			}
			if o.hi == openEnd {
				o.end = time.Time{}
			} else if iv.end.After(o.end) {
				o.end = iv.end
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

func mergeTimeIvs(ivs []timeIv) []timeIv {
	for i := 1; i < len(ivs); i++ {
		for j := i; j > 0 && ivs[j].lo.Before(ivs[j-1].lo); j-- {
			ivs[j], ivs[j-1] = ivs[j-1], ivs[j]
		}
	}
	out := ivs[:0]
	for _, iv := range ivs {
		if n := len(out); n > 0 && (out[n-1].open || !iv.lo.After(out[n-1].hi)) {
			if iv.open {
				out[n-1].open = true
			} else if !out[n-1].open && iv.hi.After(out[n-1].hi) {
				out[n-1].hi = iv.hi
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

// dayIntervals converts pauses to excluded day ranges (§5.8): pausing on day
// P and resuming on day R excludes P+1..R, or P+1..R−1 under ResumeDayCounted.
func (e *engine) dayIntervals(buf []dayIv, pauses []Pause) []dayIv {
	ivs := buf[:0]
	for _, p := range pauses {
		lo := e.dayOf(p.Start)
		hi := openEnd
		if !p.End.IsZero() {
			hi = e.dayOf(p.End)
			if e.c.ResumeDay == ResumeDayCounted {
				hi--
			}
		}
		// Paused and resumed the same day (or the next day under
		// ResumeDayCounted) excludes nothing, but is kept as an empty interval:
		// begun on the last day, it still postpones Due to the resume day.
		hi = max(hi, lo)
		ivs = append(ivs, dayIv{lo: lo, hi: hi, start: p.Start.In(e.loc), end: p.End})
	}
	return mergeDayIvs(ivs)
}

func (e *engine) timeIntervals(buf []timeIv, pauses []Pause) []timeIv {
	ivs := buf[:0]
	for _, p := range pauses {
		iv := timeIv{lo: p.Start.In(e.loc), open: p.End.IsZero()}
		if !iv.open {
			iv.hi = p.End.In(e.loc)
			if !iv.hi.After(iv.lo) {
				continue
			}
		}
		ivs = append(ivs, iv)
	}
	return mergeTimeIvs(ivs)
}

// compute is the single implementation behind ComputeDue, ComputeDeadline,
// ComputeProgress and WarningAt. trace asks for segments and intervals to be
// kept for explanations (allocates); without it, day units with at most 8
// pauses allocate nothing.
func compute(cal *calendar.Calendar, c Counting, r Request, trace bool) (outcome, error) {
	o := outcome{tail: -1}
	if err := validateRequest(cal, c, r); err != nil {
		return o, err
	}
	e := newEngine(cal, c)
	o.start = r.Start.In(e.loc)
	o.accept = e.dayOf(o.start)
	o.countFrom = o.accept
	fail := func(err error) (outcome, error) {
		return outcome{}, fmt.Errorf("sla: %s from %s: %w", r.Period, o.start.Format("2006-01-02 15:04 MST"), err)
	}
	if r.Period.Unit.dayBased() {
		var buf [8]dayIv
		ivs := e.dayIntervals(buf[:], r.Pauses)
		if trace {
			o.ivs = append([]dayIv(nil), ivs...)
		}
		if c.Receipt == ReceiptNextWorkday {
			// §5.3: received on a non-working day, deemed received on the next
			// working day; counting starts the day after that.
			ok, err := e.isWorking(o.accept)
			if err != nil {
				return fail(err)
			}
			if !ok {
				if o.countFrom, err = e.roll(o.accept); err != nil {
					return fail(err)
				}
			}
		}
		// Only the final period (the base period, or the last extension)
		// applies usedUp: a pause begun on an earlier period's last day lies
		// inside the extension that follows and excludes its days normally.
		last, err := e.dayPeriod(&o, r.Period, o.countFrom, ivs, len(r.Extensions) == 0, trace)
		if err != nil {
			return fail(err)
		}
		unit := r.Period.Unit
		var rest []Period // extensions not reached because the clock is suspended
		if o.suspended {
			rest = r.Extensions
		}
		for i, x := range r.Extensions {
			if o.suspended {
				break
			}
			unit = x.Unit
			// 行政许可法 art. 42: the extension is counted from the deadline
			// before it, not from the approval.
			if last, err = e.dayPeriod(&o, x, last, ivs, i == len(r.Extensions)-1, trace); err != nil {
				return fail(err)
			}
			if o.suspended {
				rest = r.Extensions[i+1:]
			}
		}
		// What remains while suspended includes the extensions still to come; they are
		// counted in the same unit, so only those of the unit being counted can be added.
		for _, x := range rest {
			if x.Unit == unit {
				o.remaining += x.Count
			}
		}
		if o.suspended {
			// Report the instant the case was first paused in the suspending
			// (merged) interval, not just its day.
			sinceDay := e.dayOf(o.since)
			first := time.Time{}
			for _, p := range r.Pauses {
				if e.dayOf(p.Start) == sinceDay && (first.IsZero() || p.Start.Before(first)) {
					first = p.Start
				}
			}
			if !first.IsZero() {
				o.since = first.In(e.loc)
			}
			o.cert, err = cal.Certainty(e.date(o.accept), e.date(max(o.accept, e.dayOf(o.since))))
			if err != nil {
				return fail(err)
			}
			return o, nil
		}
		o.last = last
		// 民法典 art. 203(2): the last day ends at 24:00, or where there are
		// business hours, when business stops.
		o.due = e.dueOf(last)
	} else {
		var buf [8]timeIv
		ivs := e.timeIntervals(buf[:], r.Pauses)
		if trace {
			o.tivs = append([]timeIv(nil), ivs...)
		}
		cursor := o.start
		for i := -1; i < len(r.Extensions); i++ {
			p := r.Period
			if i >= 0 {
				p = r.Extensions[i]
			}
			working := p.Unit == Workhours
			due, x, susp, rem, since, err := e.tadvance(cursor, time.Duration(p.Count)*time.Hour, ivs, working)
			if err != nil {
				return fail(err)
			}
			o.excludedDur += x
			if susp {
				// The extensions still to come are part of what remains.
				for _, later := range r.Extensions[i+1:] {
					if later.Unit == p.Unit {
						rem += time.Duration(later.Count) * time.Hour
					}
				}
				o.suspended, o.remainingDur, o.since = true, rem, since
				break
			}
			cursor = due
		}
		if o.suspended {
			cert, err := cal.Certainty(e.date(o.accept), e.date(max(o.accept, e.dayOf(o.since))))
			if err != nil {
				return fail(err)
			}
			o.cert = cert
			return o, nil
		}
		o.due = cursor
		o.last = e.dayOf(o.due)
		if e.tod(o.due) == 0 {
			o.last-- // a due instant of exactly 00:00 is the end (24:00) of the previous day
		}
		if o.last < o.accept {
			o.last = o.accept
		}
	}
	cert, err := cal.Certainty(e.date(o.accept), e.date(o.last))
	if err != nil {
		return fail(err)
	}
	o.cert = cert
	if cert != calendar.Official && !cal.Provisional() {
		return fail(fmt.Errorf("the days %s..%s include %s days and the calendar is strict: %w",
			e.date(o.accept).Format(time.DateOnly), e.date(o.last).Format(time.DateOnly), cert, calendar.ErrYearNotCovered))
	}
	return o, nil
}

// dayPeriod counts one day-based period (the base period or an
// extension) after day from and returns its last day. final marks the last
// period counted, the only one usedUp applies to.
func (e *engine) dayPeriod(o *outcome, p Period, from int, ivs []dayIv, final, trace bool) (int, error) {
	seg := segment{period: p, from: from}
	var last, next int
	working := p.Unit == Workdays
	suspend := func(x, rem, since int) (int, error) {
		o.suspended, o.remaining, o.since = true, rem, e.date(since)
		o.excluded += x
		return 0, nil
	}
	switch {
	case p.Unit == Workdays && p.Count == 0:
		// §5.4 same-day (即办): due at the end of the acceptance day when
		// accepted on a working day before the cutoff, else at the end of the
		// next working day.
		o.sameDay = true
		ok, err := e.isWorking(o.accept)
		if err != nil {
			return 0, err
		}
		tod := e.tod(o.start)
		// Under close of business a case accepted after business stopped
		// cannot be due the same day, whatever the cutoff says.
		if ok && tod < e.c.SameDayCutoff.offset() && (e.c.EndOfDay == Midnight || tod < e.h.closeOfBusiness()) {
			o.sameDayEarly = true
			last, seg.raw = o.accept, o.accept
			// Every pause that has not ended before the acceptance day is a
			// candidate for usedUp.
			for next < len(ivs) && !ivs[next].end.IsZero() && !ivs[next].end.After(o.start) {
				next++
			}
			break
		}
		l, x, susp, rem, since, nx, err := e.advance(o.accept, 1, ivs, true)
		if err != nil {
			return 0, err
		}
		if susp {
			return suspend(x, rem, since)
		}
		o.excluded += x
		seg.excluded = x
		last, seg.raw, next = l, l, nx
	case p.Unit == Workdays:
		// 民法典 art. 201 / 行政许可法 art. 82: the start day is not counted;
		// day 1 is the first working day after it.
		l, x, susp, rem, since, nx, err := e.advance(from, p.Count, ivs, true)
		if err != nil {
			return 0, err
		}
		if susp {
			seg.excluded = x
			return suspend(x, rem, since)
		}
		o.excluded += x
		seg.excluded = x
		last, seg.raw, next = l, l, nx
	default:
		// Days (民法典 arts. 201, 203) and Months (art. 202): calendar days
		// from the next day, holidays inside not deducted; pauses add the
		// paused calendar days (their union).
		n := p.Count
		if p.Unit == Months {
			target, clamped := addMonths(from, p.Count)
			n, seg.clamped = target-from, clamped
		}
		raw, x, susp, rem, since, nx, err := e.advance(from, n, ivs, false)
		if err != nil {
			return 0, err
		}
		if susp {
			return suspend(x, rem, since)
		}
		o.excluded += x
		seg.excluded = x
		seg.raw, next = raw, nx
		if last, err = e.roll(raw); err != nil {
			return 0, err
		}
	}
	if final && next < len(ivs) {
		l, x, tail, open, since, err := e.usedUp(last, ivs[next:], working || o.sameDay)
		if err != nil {
			return 0, err
		}
		if open {
			return suspend(x, 0, since)
		}
		o.excluded += x
		seg.excluded += x
		if tail >= 0 {
			o.tail, seg.tail, last = tail, tail, l
		}
	}
	seg.last = last
	if trace {
		o.segs = append(o.segs, seg)
	}
	return last, nil
}

// ComputeDue is the fast path of ComputeDeadline: the same Due, LastDay and
// Provisional, without explanations. It allocates nothing for day-based
// periods with at most 8 pauses (on success). A suspended deadline (an open
// pause began before it) returns zero due and lastDay with a nil error.
// Errors are those of ComputeDeadline. Safe for concurrent use.
func ComputeDue(cal *calendar.Calendar, c Counting, r Request) (due, lastDay time.Time, provisional bool, err error) {
	o, err := compute(cal, c, r, false)
	if err != nil {
		return time.Time{}, time.Time{}, false, err
	}
	if o.suspended {
		return time.Time{}, time.Time{}, o.cert != calendar.Official, nil
	}
	e := newEngine(cal, c)
	return o.due, e.date(o.last), o.cert != calendar.Official, nil
}

// ComputeDeadline computes the deadline of r under the conventions c on cal,
// with the days counted and skipped and an explanation in words. It is
// ComputeDue plus explanation building (which allocates).
//
// Errors: nil cal, invalid c (Counting.Validate), invalid period or
// extension, zero Start, a pause without start or ending before it starts
// (naming the pause index), more than MaxPauses pauses or MaxExtensions
// extensions, and calendar errors — out of range, or a non-official day in a
// strict calendar — wrapped so that errors.Is(err, calendar.ErrYearNotCovered)
// holds and naming the date. It never panics. Safe for concurrent use.
func ComputeDeadline(cal *calendar.Calendar, c Counting, r Request) (Deadline, error) {
	d, _, err := computeDeadline(cal, c, r)
	return d, err
}

func computeDeadline(cal *calendar.Calendar, c Counting, r Request) (Deadline, outcome, error) {
	o, err := compute(cal, c, r, true)
	if err != nil {
		return Deadline{}, o, err
	}
	e := newEngine(cal, c)
	d := Deadline{
		Suspended:                      o.suspended,
		SuspendedSince:                 o.since,
		RemainingWhenSuspended:         o.remaining,
		RemainingDurationWhenSuspended: o.remainingDur,
		Provisional:                    o.cert != calendar.Official,
		Certainty:                      o.cert,
		Start:                          o.start,
		CountFrom:                      e.date(o.countFrom),
		Period:                         r.Period,
		Excluded:                       o.excluded,
		ExcludedDuration:               o.excludedDur,
		EndOfDay:                       c.EndOfDay,
		Calendar:                       cal.Name() + " " + cal.Version(),
	}
	if len(r.Extensions) > 0 {
		d.Extensions = append([]Period(nil), r.Extensions...)
	}
	if !o.suspended {
		d.Due, d.LastDay = o.due, e.date(o.last)
	}
	x := explainer{e: &e, o: &o, r: &r, d: &d}
	if err := x.explain(); err != nil {
		return Deadline{}, o, fmt.Errorf("sla: explaining %s from %s: %w", r.Period, o.start.Format("2006-01-02 15:04 MST"), err)
	}
	return d, o, nil
}

type explainer struct {
	e *engine
	o *outcome
	r *Request
	d *Deadline
}

func (x *explainer) say(format string, args ...any) {
	x.d.Explanation = append(x.d.Explanation, fmt.Sprintf(format, args...))
}

func ymd(t time.Time) string { return t.Format(time.DateOnly) }

// describe renders "Thursday, workday", "Wednesday, holiday 国庆节、中秋节" or
// "Sunday, makeup working day (调休上班) for 国庆节、中秋节".
func describe(day calendar.Day) string {
	s := day.Date.Weekday().String() + ", "
	switch day.Kind {
	case calendar.Holiday:
		s += "holiday"
		if day.HolidayZh != "" {
			s += " " + day.HolidayZh
		}
	case calendar.MakeupWorkday:
		s += "makeup working day (调休上班)"
		if day.HolidayZh != "" {
			s += " for " + day.HolidayZh
		}
	case calendar.RestDay:
		s += "rest day"
	default:
		s += "workday"
	}
	if day.Certainty != calendar.Official {
		s += ", " + day.Certainty.String()
	}
	return s
}

func (x *explainer) day(n int) (calendar.Day, error) { return x.e.cal.Day(x.e.date(n)) }

func (x *explainer) explain() error {
	e, o, r, d := x.e, x.o, x.r, x.d
	acc, err := x.day(o.accept)
	if err != nil {
		return err
	}
	x.say("Accepted %s (%s).", o.start.Format("2006-01-02 15:04 MST"), describe(acc))
	if o.countFrom != o.accept {
		cf, err := x.day(o.countFrom)
		if err != nil {
			return err
		}
		if o.sameDay {
			// A same-day period counts no day after receipt: it is due on the
			// deemed receipt day itself.
			x.say("Received on a non-working day: deemed received on %s (%s), the next working day (receipt convention next_workday); a same-day period is due at the end of that day.", ymd(cf.Date), describe(cf))
		} else {
			x.say("Received on a non-working day: deemed received on %s (%s), the next working day (receipt convention next_workday); counting starts the day after.", ymd(cf.Date), describe(cf))
		}
	}
	switch p := r.Period; {
	case p.Unit == Workdays && p.Count == 0:
		if o.sameDayEarly {
			x.say("Same-day period (即办, 0 working days): accepted on a working day before the %s cutoff, so due at the end of the acceptance day.", e.c.SameDayCutoff)
		} else {
			x.say("Same-day period (即办, 0 working days): accepted at or after the %s cutoff or on a non-working day, so due at the end of the next working day.", e.c.SameDayCutoff)
		}
	case p.Unit == Workdays:
		x.say("Working-day period (%d个工作日, 民法典 art. 201; 行政许可法 art. 82): the acceptance day is not counted; day 1 is the next working day; makeup working days (调休上班) count, holidays and weekends do not.", p.Count)
	case p.Unit == Days:
		x.say("Calendar-day period (%d日, 民法典 arts. 201, 203): the acceptance day is not counted; holidays inside the period are not deducted; a last day that is not a working day moves to the next working day.", p.Count)
	case p.Unit == Months:
		x.say("Month period (%d个月, 民法典 arts. 201, 202, 203): the last day is the corresponding date, or the last day of the month when there is none; a last day that is not a working day moves to the next working day.", p.Count)
	case p.Unit == Workhours:
		spans := make([]string, len(e.c.BusinessHours))
		for i, s := range e.c.BusinessHours {
			spans[i] = s.String()
		}
		x.say("Working-hour period (%d个工作小时, 民法典 art. 201(2)): counted on the business hours %s of working days only, starting at the acceptance instant or the next opening.", p.Count, joinComma(spans))
	case p.Unit == Hours:
		x.say("Hour period (%d小时, 民法典 art. 201(2)): counted in elapsed hours from the acceptance instant.", p.Count)
	}
	if r.Period.Unit.dayBased() {
		if err := x.dayDetails(); err != nil {
			return err
		}
	} else if r.Period.Unit == Workhours {
		if err := x.hourDetails(); err != nil {
			return err
		}
	}
	for i, p := range r.Pauses {
		end := "still paused"
		if !p.End.IsZero() {
			end = "to " + p.End.In(e.loc).Format("2006-01-02 15:04")
		}
		reason := ""
		if p.Reason != "" {
			reason = " (" + p.Reason + ")"
		}
		what, err := x.pauseExcluded(p)
		if err != nil {
			return err
		}
		x.say("Pause %d (中止, 行政许可法 art. 45) from %s %s%s%s.", i+1, p.Start.In(e.loc).Format("2006-01-02 15:04"), end, reason, what)
	}
	if len(r.Pauses) > 0 && !o.suspended {
		switch {
		case r.Period.Unit == Workdays:
			x.say("Pauses excluded %d working day(s) (pause on day P, resume on day R excludes %s; overlapping pauses are counted once).", o.excluded, resumeRange(e.c.ResumeDay))
		case r.Period.Unit.dayBased():
			x.say("Pauses excluded %d calendar day(s) (pause on day P, resume on day R excludes %s; overlapping pauses are counted once).", o.excluded, resumeRange(e.c.ResumeDay))
		default:
			x.say("Pauses excluded %s of counted time (the union of the pauses, not the sum).", fmtDur(o.excludedDur))
		}
	}
	if o.suspended {
		rem := fmt.Sprintf("%d working day(s)", o.remaining)
		switch {
		case !r.Period.Unit.dayBased():
			rem = o.remainingDur.String()
		case r.Period.Unit != Workdays:
			rem = fmt.Sprintf("%d calendar day(s)", o.remaining)
		}
		x.say("Paused since %s; the deadline is suspended and resumes when the case resumes, with %s of the period remaining.", o.since.Format("2006-01-02 15:04 MST"), rem)
	} else {
		switch {
		case !r.Period.Unit.dayBased():
			x.say("Due %s (exclusive instant %s).", d.LastDayString(), d.Due.Format(time.RFC3339))
		case e.c.EndOfDay == CloseOfBusiness:
			x.say("Due %s at close of business (民法典 art. 203; exclusive instant %s).", d.LastDayString(), d.Due.Format(time.RFC3339))
		default:
			x.say("Due %s (民法典 art. 203; exclusive instant %s).", d.LastDayString(), d.Due.Format(time.RFC3339))
		}
	}
	x.say("Conventions: end of day %s; receipt %s; same-day cutoff %s; resume day %s; calendar %s.",
		e.c.EndOfDay, e.c.Receipt, e.c.SameDayCutoff, e.c.ResumeDay, d.Calendar)
	if d.Provisional {
		if err := x.provisional(); err != nil {
			return err
		}
	}
	return nil
}

func resumeRange(r ResumeDay) string {
	if r == ResumeDayCounted {
		return "P+1..R-1"
	}
	return "P+1..R"
}

func joinComma(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// provisional names the years whose days are not official.
func (x *explainer) provisional() error {
	e, o := x.e, x.o
	last := o.last
	if o.suspended {
		last = max(o.accept, e.dayOf(o.since))
	}
	y0, _, _ := civilFromDays(o.accept)
	y1, _, _ := civilFromDays(last)
	var parts []string
	for y := y0; y <= y1; y++ {
		a := max(o.accept, daysFromCivil(y, time.January, 1))
		b := min(last, daysFromCivil(y, time.December, 31))
		cert, err := e.cal.Certainty(e.date(a), e.date(b))
		if err != nil {
			return err
		}
		if cert != calendar.Official {
			parts = append(parts, fmt.Sprintf("%d (%s)", y, cert))
		}
	}
	x.say("Provisional: the days counted in %s are not from an official notice; the deadline may change when the State Council publishes the schedule.", joinComma(parts))
	return nil
}

// dayDetails lists Counted and Skipped and explains day 1, the last day,
// the 203 roll and extensions.
func (x *explainer) dayDetails() error {
	e, o, d := x.e, x.o, x.d
	if o.suspended {
		return nil
	}
	if o.sameDayEarly {
		day, err := x.day(o.accept)
		if err != nil {
			return err
		}
		d.Counted = []calendar.Day{day}
	}
	if o.last-o.countFrom <= MaxListedDays && o.last > o.countFrom {
		days, err := e.cal.Days(e.date(o.countFrom+1), e.date(o.last))
		if err != nil {
			return err
		}
		for i, day := range days {
			n := o.countFrom + 1 + i
			if x.counted(n, day) {
				d.Counted = append(d.Counted, day)
			} else {
				d.Skipped = append(d.Skipped, day)
			}
		}
		x.skippedRuns()
	} else if o.last > o.countFrom {
		x.say("The period spans more than %d days; the days are not listed.", MaxListedDays)
	}
	// A one-working-day period's day 1 is its last day, which is stated below.
	oneWorkday := len(o.segs) > 0 && o.segs[0].period == Period{Count: 1, Unit: Workdays}
	if len(d.Counted) > 0 && !o.sameDay && !oneWorkday {
		x.say("Day 1 = %s (%s).", ymd(d.Counted[0].Date), describe(d.Counted[0]))
	}
	for i, s := range o.segs {
		if i > 0 {
			x.say("Extension %d (+%s, 延期, 行政许可法 art. 42) is counted from the previous last day %s, not from its approval.", i, s.period, ymd(e.date(s.from)))
		}
		if s.period.Unit == Days || s.period.Unit == Months {
			raw, err := x.day(s.raw)
			if err != nil {
				return err
			}
			if s.clamped {
				x.say("%s has no corresponding date %d month(s) later; the last day of that month is used (民法典 art. 202).", ymd(e.date(s.from)), s.period.Count)
			}
			switch {
			case s.raw != s.last:
				last, err := x.day(s.last)
				if err != nil {
					return err
				}
				x.say("The period's end, %s (%s), is not a working day; the last day moves to the next working day, %s (%s) (民法典 art. 203).", ymd(raw.Date), describe(raw), ymd(last.Date), describe(last))
			case raw.Kind == calendar.MakeupWorkday:
				x.say("The period's end, %s (%s), is a working day, so it does not move.", ymd(raw.Date), describe(raw))
			default:
				x.say("Last day = %s (%s).", ymd(raw.Date), describe(raw))
			}
			continue
		}
		last, err := x.day(s.last)
		if err != nil {
			return err
		}
		if s.tail > 0 && s.tail != s.last {
			used, err := x.day(s.tail)
			if err != nil {
				return err
			}
			n := "The same-day period"
			if s.period.Count > 0 {
				n = fmt.Sprintf("Day %d", s.period.Count)
			}
			x.say("%s was used up on %s (%s), but a pause began that day before Due: the time is not counted (行政许可法 art. 45), so the case is due at the end of the day it resumed (or the next working day after it): last day = %s (%s).",
				n, ymd(used.Date), describe(used), ymd(last.Date), describe(last))
			continue
		}
		if s.period.Count > 0 {
			x.say("Day %d (last day) = %s (%s).", s.period.Count, ymd(last.Date), describe(last))
		} else {
			x.say("Last day = %s (%s).", ymd(last.Date), describe(last))
		}
	}
	return nil
}

// maxListedPauseDays bounds the days named per pause in an explanation.
const maxListedPauseDays = 10

// pauseExcluded says what pause p excluded: for day-based periods the
// working days (Workdays) or calendar days (Days, Months) from P+1 to R (or
// R−1) that lie inside the counted span, for hour periods the counted time.
// Overlapping pauses name their shared days under each pause.
func (x *explainer) pauseExcluded(p Pause) (string, error) {
	e, o, r := x.e, x.o, x.r
	if o.suspended {
		return "", nil
	}
	if !r.Period.Unit.dayBased() {
		a, b := p.Start.In(e.loc), p.End.In(e.loc)
		if a.Before(o.start) {
			a = o.start
		}
		if b.After(o.due) {
			b = o.due
		}
		if !b.After(a) || !p.Start.Before(o.due) {
			return ": excluded nothing (it began at or after Due)", nil
		}
		dur, err := e.tmeasure(a, b, r.Period.Unit == Workhours)
		if err != nil {
			return "", err
		}
		if r.Period.Unit == Workhours {
			return ": excluded " + fmtDur(dur) + " of working time", nil
		}
		return ": excluded " + fmtDur(dur), nil
	}
	lo, hi := e.dayOf(p.Start), e.dayOf(p.End)
	if e.c.ResumeDay == ResumeDayCounted {
		hi--
	}
	lo, hi = max(lo, o.countFrom), min(hi, o.last)
	if !p.Start.Before(o.due) {
		return ": excluded nothing (it began at or after Due; a pause does not rescue a late case)", nil
	}
	if hi <= lo {
		return ": excluded no day", nil
	}
	days, err := e.cal.Days(e.date(lo+1), e.date(hi))
	if err != nil {
		return "", err
	}
	working := r.Period.Unit == Workdays
	var names []string
	n := 0
	for _, d := range days {
		if working && !d.IsWorking() {
			continue
		}
		n++
		if len(names) < maxListedPauseDays {
			names = append(names, ymd(d.Date))
		}
	}
	unit := "working day"
	if !working {
		unit = "calendar day"
	}
	switch {
	case n == 0:
		return fmt.Sprintf(": excluded no %s (%s..%s are not working days)", unit, ymd(e.date(lo+1)), ymd(e.date(hi))), nil
	case n > len(names):
		return fmt.Sprintf(": excluded %d %ss: %s, …", n, unit, joinComma(names)), nil
	case n == 1:
		return fmt.Sprintf(": excluded 1 %s: %s", unit, names[0]), nil
	default:
		return fmt.Sprintf(": excluded %d %ss: %s", n, unit, joinComma(names)), nil
	}
}

// fmtDur renders a duration as "2h", "1h30m" or "45m" (seconds and below
// rounded down: business hours are whole minutes).
func fmtDur(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	default:
		return fmt.Sprintf("%dm", m)
	}
}

// maxListedHourDays bounds the days a working-hour explanation lists.
const maxListedHourDays = 62

// hourDetails lists, for a working-hour period, the business-hours
// segments counted on each working day ("2025-09-30 16:00–17:30 (1h30m)")
// and the holidays and rest days skipped between them with their notices.
// Pause time is left out of the segments.
func (x *explainer) hourDetails() error {
	e, o := x.e, x.o
	if o.suspended {
		return nil
	}
	first, last := o.accept, e.dayOf(o.due)
	if last-first > maxListedHourDays {
		x.say("The period spans more than %d days; the days are not listed.", maxListedHourDays)
		return nil
	}
	days, err := e.cal.Days(e.date(first), e.date(last))
	if err != nil {
		return err
	}
	var skipped []calendar.Day
	flush := func() {
		x.runs(skipped, func(d calendar.Day) string { return x.dayLabel(d, false, false) })
		skipped = skipped[:0]
	}
	for i, day := range days {
		n := first + i
		if !day.IsWorking() {
			skipped = append(skipped, day)
			continue
		}
		var parts []string
		var total time.Duration
		for _, sp := range e.c.BusinessHours {
			a, b := e.instant(n, sp.Start.offset()), e.instant(n, sp.End.offset())
			if a.Before(o.start) {
				a = o.start
			}
			if b.After(o.due) {
				b = o.due
			}
			for _, piece := range cutPauses(a, b, o.tivs) {
				parts = append(parts, piece[0].Format("15:04")+"–"+clockOf(piece[1], n, e))
				total += piece[1].Sub(piece[0])
			}
		}
		if total == 0 {
			if n != first && n != last {
				skipped = append(skipped, day) // wholly paused
			}
			continue
		}
		flush()
		x.say("Counted %s %s (%s).", ymd(day.Date), joinComma(parts), fmtDur(total))
	}
	return nil
}

// clockOf renders t as "15:04", or "24:00" when t is 00:00 of the day after n.
func clockOf(t time.Time, n int, e *engine) string {
	if e.dayOf(t) > n {
		return "24:00"
	}
	return t.Format("15:04")
}

// cutPauses is [a, b) minus the (sorted, merged) pause intervals ivs.
func cutPauses(a, b time.Time, ivs []timeIv) [][2]time.Time {
	var out [][2]time.Time
	for _, iv := range ivs {
		if !b.After(a) {
			break
		}
		if !iv.lo.Before(b) {
			break
		}
		if !iv.open && !iv.hi.After(a) {
			continue
		}
		if iv.lo.After(a) {
			out = append(out, [2]time.Time{a, iv.lo})
		}
		if iv.open {
			return out
		}
		if iv.hi.After(a) {
			a = iv.hi
		}
	}
	if b.After(a) {
		out = append(out, [2]time.Time{a, b})
	}
	return out
}

// counted decides whether day n (in (countFrom, last]) counted toward the period.
func (x *explainer) counted(n int, day calendar.Day) bool {
	if x.o.tail >= 0 && n > x.o.tail {
		return false // the period was used up on the tail day (usedUp)
	}
	for _, iv := range x.o.ivs {
		if iv.lo < n && n <= iv.hi {
			return false
		}
	}
	for _, s := range x.o.segs {
		if n <= s.last {
			if s.period.Unit == Workdays {
				return day.IsWorking()
			}
			// The rolled-to last day is the period's last day, not a skipped one.
			return n <= s.raw || n == s.last
		}
	}
	return false
}

func (x *explainer) paused(n int) bool {
	for _, iv := range x.o.ivs {
		if iv.lo < n && n <= iv.hi {
			return true
		}
	}
	return false
}

// dayLabel is why a non-counted day did not count: its holiday and notice
// or the weekend, and whether a pause covered it. Holidays inside a pause
// are still named with their notice (design §5.8: only working days are
// excluded by a pause in working-day periods).
func (x *explainer) dayLabel(day calendar.Day, paused, afterPeriod bool) string {
	s := ""
	switch day.Kind {
	case calendar.Holiday:
		s = day.HolidayZh + " holiday"
		if day.Notice != "" {
			s += " (" + day.Notice + ")"
		}
	case calendar.RestDay:
		s = "weekend (rest days)"
	default:
		switch {
		case paused:
			return "paused working day(s) excluded (中止, 行政许可法 art. 45)"
		case afterPeriod:
			return fmt.Sprintf("working day(s) after the period was used up on %s, before the case resumed (行政许可法 art. 45)", ymd(x.e.date(x.o.tail)))
		default:
			return "after the period's end (rolled over, 民法典 art. 203)"
		}
	}
	if paused {
		s += ", during a pause"
	}
	return s
}

// skippedRuns says which runs of days were skipped and why, grouping
// consecutive days with the same reason.
func (x *explainer) skippedRuns() {
	x.runs(x.d.Skipped, func(day calendar.Day) string {
		n := x.e.dayOf(day.Date)
		return x.dayLabel(day, x.paused(n), x.o.tail >= 0 && n > x.o.tail)
	})
}

// runs says "Skipped a..b <label>." for each run of consecutive days with
// the same label.
func (x *explainer) runs(sk []calendar.Day, label func(calendar.Day) string) {
	for i := 0; i < len(sk); {
		j := i
		l := label(sk[i])
		for j+1 < len(sk) && x.e.dayOf(sk[j+1].Date) == x.e.dayOf(sk[j].Date)+1 && label(sk[j+1]) == l {
			j++
		}
		if i == j {
			x.say("Skipped %s %s.", ymd(sk[i].Date), l)
		} else {
			x.say("Skipped %s..%s %s.", ymd(sk[i].Date), ymd(sk[j].Date), l)
		}
		i = j + 1
	}
}

// Progress is the elapsed and remaining working time of a case at an instant.
type Progress struct {
	// Used and Total are working days used and in the period (day units;
	// Total includes extensions; paused days excluded). Day k of the period
	// is "used" from 00:00 of that day. A same-day (即办) period has Total 1.
	Used, Total int
	// UsedDuration and TotalDuration are the counted time for hour units
	// (working time for Workhours, elapsed time for Hours); zero for day units.
	UsedDuration, TotalDuration time.Duration
	// Remaining is Total − Used (0 on the last day) while not overdue. When
	// now is at or after Due it is minus the number of working days after
	// LastDay up to now's date inclusive (so 0 on the last day itself under
	// close of business; see Overdue). While suspended it is
	// Deadline.RemainingWhenSuspended (in the unit then being counted).
	Remaining int
	// RemainingDuration is Remaining for hour units (negative: overdue time).
	RemainingDuration time.Duration
	// Overdue is true when now is at or after Due.
	Overdue bool
	// Paused is true when now is inside a pause.
	Paused bool
}

// ComputeProgress computes the Progress of r at now (the caller's clock; any
// location) together with its Deadline. Errors are those of ComputeDeadline,
// plus a zero now. Safe for concurrent use.
func ComputeProgress(cal *calendar.Calendar, c Counting, r Request, now time.Time) (Progress, Deadline, error) {
	d, o, err := computeDeadline(cal, c, r)
	if err != nil {
		return Progress{}, Deadline{}, err
	}
	if now.IsZero() {
		return Progress{}, Deadline{}, errors.New("sla: progress: zero now")
	}
	e := newEngine(cal, c)
	now = now.In(e.loc)
	var p Progress
	for _, ps := range r.Pauses {
		if !now.Before(ps.Start) && (ps.End.IsZero() || now.Before(ps.End)) {
			p.Paused = true
		}
	}
	fail := func(err error) (Progress, Deadline, error) {
		return Progress{}, Deadline{}, fmt.Errorf("sla: progress at %s: %w", now.Format("2006-01-02 15:04 MST"), err)
	}
	if r.Period.Unit.dayBased() {
		nowDay := e.dayOf(now)
		upto := nowDay
		if !o.suspended {
			upto = min(nowDay, o.last)
		}
		ivs := o.countIvs()
		used, err := e.countedWorkdays(o.countFrom, upto, ivs)
		if err != nil {
			return fail(err)
		}
		p.Used = used
		switch {
		case o.suspended:
			p.Remaining = o.remaining
			p.Total = p.Used + p.Remaining
		default:
			if p.Total, err = e.countedWorkdays(o.countFrom, o.last, ivs); err != nil {
				return fail(err)
			}
			if p.Total == 0 { // same-day (即办) period due on the acceptance day
				p.Total = 1
				if nowDay >= o.last {
					p.Used = 1
				}
			}
			p.Remaining = p.Total - p.Used
			if !now.Before(o.due) {
				p.Overdue = true
				late, err := e.workdaysBetween(o.last, nowDay)
				if err != nil {
					return fail(err)
				}
				p.Remaining = -late
			}
		}
		return p, d, nil
	}
	working := r.Period.Unit == Workhours
	end := now
	if !o.suspended && o.due.Before(end) {
		end = o.due
	}
	used, err := e.countedTime(o.start, end, o.tivs, working)
	if err != nil {
		return fail(err)
	}
	p.UsedDuration = used
	if o.suspended {
		p.RemainingDuration = o.remainingDur
		p.TotalDuration = used + o.remainingDur
		return p, d, nil
	}
	if p.TotalDuration, err = e.countedTime(o.start, o.due, o.tivs, working); err != nil {
		return fail(err)
	}
	p.RemainingDuration = p.TotalDuration - p.UsedDuration
	if !now.Before(o.due) {
		p.Overdue = true
		late, err := e.tmeasure(o.due, now, working)
		if err != nil {
			return fail(err)
		}
		p.RemainingDuration = -late
	}
	return p, d, nil
}

// countIvs is o.ivs plus, when a pause begun on the period's last day
// postponed Due (usedUp), the days after that day: the period was used up,
// so none of them counts toward it (Progress, WarningAt).
func (o *outcome) countIvs() []dayIv {
	if o.tail < 0 || o.suspended || o.last <= o.tail {
		return o.ivs
	}
	ivs := append(append([]dayIv(nil), o.ivs...), dayIv{lo: o.tail, hi: o.last})
	return mergeDayIvs(ivs)
}

// countedWorkdays is the working days in (a, b] not excluded by ivs
// (sorted and merged).
func (e *engine) countedWorkdays(a, b int, ivs []dayIv) (int, error) {
	if b <= a {
		return 0, nil
	}
	n, err := e.workdaysBetween(a, b)
	if err != nil {
		return 0, err
	}
	for _, iv := range ivs {
		lo, hi := max(iv.lo, a), min(iv.hi, b)
		if hi > lo {
			x, err := e.workdaysBetween(lo, hi)
			if err != nil {
				return 0, err
			}
			n -= x
		}
	}
	return n, nil
}

// countedTime is the counted time in [a, b) not excluded by ivs.
func (e *engine) countedTime(a, b time.Time, ivs []timeIv, working bool) (time.Duration, error) {
	if !b.After(a) {
		return 0, nil
	}
	n, err := e.tmeasure(a, b, working)
	if err != nil {
		return 0, err
	}
	for _, iv := range ivs {
		lo, hi := iv.lo, iv.hi
		if lo.Before(a) {
			lo = a
		}
		if iv.open || hi.After(b) {
			hi = b
		}
		if hi.After(lo) {
			x, err := e.tmeasure(lo, hi, working)
			if err != nil {
				return 0, err
			}
			n -= x
		}
	}
	return n, nil
}

// WarningAt returns the instant at which fraction (0 < fraction <= 1) of the
// period's working time is used, measured in working time, never in
// wall-clock percentages (design §5.14).
//
// Day units: with Total counted working days (as in Progress; paused days
// excluded, extensions included), threshold k = ceil(fraction × Total); the
// warning is crossed at 00:00 of the k-th counted working day, i.e. when day
// k starts being used. A same-day period (Total 1) warns at 00:00 of its last
// day. Hour units: the instant at which ceil(fraction × TotalDuration) of the
// counted time has elapsed. The result is never before Request.Start (a
// threshold already crossed at acceptance returns Start). For "on the last
// working day" use LastWorkingDayStart.
//
// Errors: those of ComputeDue, a fraction outside (0, 1] or NaN, and
// ErrSuspended (wrapped) while an open pause suspends the deadline.
func WarningAt(cal *calendar.Calendar, c Counting, r Request, fraction float64) (time.Time, error) {
	if !(fraction > 0 && fraction <= 1) {
		return time.Time{}, fmt.Errorf("sla: warning fraction %v outside (0, 1]", fraction)
	}
	o, err := compute(cal, c, r, true)
	if err != nil {
		return time.Time{}, err
	}
	if o.suspended {
		return time.Time{}, fmt.Errorf("sla: warning for %s from %s: %w", r.Period, o.start.Format("2006-01-02 15:04 MST"), ErrSuspended)
	}
	e := newEngine(cal, c)
	notBefore := func(t time.Time) time.Time {
		if t.Before(o.start) {
			return o.start
		}
		return t
	}
	if r.Period.Unit.dayBased() {
		ivs := o.countIvs()
		total, err := e.countedWorkdays(o.countFrom, o.last, ivs)
		if err != nil {
			return time.Time{}, err
		}
		if total == 0 {
			return notBefore(e.date(o.last)), nil
		}
		k := int(math.Ceil(fraction*float64(total) - 1e-9))
		k = min(max(k, 1), total)
		day, _, _, _, _, _, err := e.advance(o.countFrom, k, ivs, true)
		if err != nil {
			return time.Time{}, err
		}
		return notBefore(e.date(day)), nil
	}
	working := r.Period.Unit == Workhours
	total, err := e.countedTime(o.start, o.due, o.tivs, working)
	if err != nil {
		return time.Time{}, err
	}
	if total <= 0 {
		return o.start, nil
	}
	thr := time.Duration(math.Ceil(fraction*float64(total) - 1e-6))
	thr = min(max(thr, 1), total)
	at, _, _, _, _, err := e.tadvance(o.start, thr, o.tivs, working)
	if err != nil {
		return time.Time{}, err
	}
	return notBefore(at), nil
}

// countedDay is 00:00 of the k-th counted working day (k >= 1) of a
// working-day request: the day WarningAt crosses its threshold k, without
// explanations or allocations (day-based periods, at most 8 pauses). Days
// excluded by pauses do not count; usedUp does not apply (k never exceeds
// the period, whose k-th day precedes any pause that postpones Due). An open
// pause reached first returns ErrSuspended.
func countedDay(cal *calendar.Calendar, c Counting, r Request, k int) (time.Time, error) {
	var dc dayCounter
	return dc.day(cal, c, r, k)
}

// dayCounter is countedDay for several k on one request (the warnings of a
// status): the request is validated, and its start and pauses converted to
// day numbers, on the first call only; every call returns what countedDay
// would. It lives on the stack of one computation.
type dayCounter struct {
	ready bool
	err   error
	e     engine
	from  int
	// The merged intervals are buf[:n], or ivs when there are more pauses
	// than buf holds (n < 0). No field points into buf, so that a
	// dayCounter stays on the stack.
	n   int
	ivs []dayIv
	buf [8]dayIv
}

func (dc *dayCounter) day(cal *calendar.Calendar, c Counting, r Request, k int) (time.Time, error) {
	if !dc.ready {
		dc.ready = true
		dc.err = dc.prepare(cal, c, r)
	}
	if dc.err != nil {
		return time.Time{}, dc.err
	}
	ivs := dc.ivs
	if dc.n >= 0 {
		ivs = dc.buf[:dc.n]
	}
	day, _, susp, _, _, _, err := dc.e.advance(dc.from, k, ivs, true)
	if err != nil {
		return time.Time{}, err
	}
	if susp {
		return time.Time{}, ErrSuspended
	}
	return dc.e.date(day), nil
}

func (dc *dayCounter) prepare(cal *calendar.Calendar, c Counting, r Request) error {
	if err := validateRequest(cal, c, r); err != nil {
		return err
	}
	dc.e = newEngine(cal, c)
	dc.from = dc.e.dayOf(r.Start)
	if c.Receipt == ReceiptNextWorkday {
		// §5.3: deemed received on the next working day.
		var err error
		if dc.from, err = dc.e.roll(dc.from); err != nil {
			return err
		}
	}
	if len(r.Pauses) <= len(dc.buf) {
		dc.n = len(dc.e.dayIntervals(dc.buf[:], r.Pauses))
	} else {
		dc.n, dc.ivs = -1, dc.e.dayIntervals(make([]dayIv, 0, len(r.Pauses)), r.Pauses)
	}
	return nil
}
