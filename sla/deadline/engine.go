package deadline

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/diag"
)

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

// engine carries one computation's inputs; it lives on the stack. Civil
// dates are the calendar's day numbers (calendar.Date as int, so that the
// open-end marker and day arithmetic stay plain integers).
type engine struct {
	cal *calendar.Calendar
	loc *time.Location
	c   *Counting
	h   *hours
}

func (e *engine) dayOf(t time.Time) int { return int(e.cal.Date(t)) }

// date is 00:00 of day n in the calendar's location.
func (e *engine) date(n int) time.Time { return e.cal.At(calendar.Date(n), 0) }

// instant is the wall-clock offset off (may be 24h) on day n.
func (e *engine) instant(n int, off time.Duration) time.Time {
	return e.cal.At(calendar.Date(n), off)
}

func (e *engine) tod(t time.Time) time.Duration { return e.cal.Clock(t) }

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
		return time.Time{}, diag.Errorf("", "%v of working time from %s is beyond the calendar", d, t.Format(time.DateOnly))
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

// validateRequest checks what New cannot: the request itself.
func validateRequest(r *Request) error {
	if r.Start.IsZero() {
		return errors.New("request has no start (acceptance) time")
	}
	if r.Lang > Chinese {
		return fmt.Errorf("request asks for explanation language %s (want en or zh)", r.Lang)
	}
	if err := r.Period.Validate(); err != nil {
		return err
	}
	if len(r.Pauses) > MaxPauses {
		return fmt.Errorf("request has %d pauses (at most %d)", len(r.Pauses), MaxPauses)
	}
	if len(r.Extensions) > MaxExtensions {
		return fmt.Errorf("request has %d extensions (at most %d)", len(r.Extensions), MaxExtensions)
	}
	for i, p := range r.Pauses {
		if p.Start.IsZero() {
			return fmt.Errorf("pause %d has no start time", i)
		}
		if !p.End.IsZero() && p.End.Before(p.Start) {
			return fmt.Errorf("pause %d ends (%s) before it starts (%s)", i,
				p.End.Format(time.RFC3339), p.Start.Format(time.RFC3339))
		}
	}
	day := r.Period.Unit.DayBased()
	for i, x := range r.Extensions {
		if err := x.Validate(); err != nil {
			return diag.Errorf("", "extension %d: %w", i, err)
		}
		if x.Count == 0 {
			return fmt.Errorf("extension %d is 0 workdays (an extension must add time)", i)
		}
		if x.Unit.DayBased() != day {
			return fmt.Errorf("extension %d (%s) cannot extend a %s period (day periods take workday, day or month extensions; hour periods take workhour or hour extensions)",
				i, x, r.Period.Unit)
		}
	}
	return nil
}

// sortDayIvs sorts by lo with insertion sort (no allocation, n is small in
// practice and bounded by MaxPauses) and merges overlapping or adjacent
// intervals in place: the union is excluded, never the sum (convention 8).
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

// dayIntervals converts pauses to excluded day ranges (convention 8): pausing on day
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

// compute is the general counting path behind Counter.Deadline, Progress and
// WarningsAt. trace asks for segments and intervals to be kept for
// explanations and progress (allocates); without it, day units with at most 8
// pauses allocate nothing.
func (k *Counter) compute(r *Request, trace bool) (outcome, error) {
	o := outcome{tail: -1}
	if err := validateRequest(r); err != nil {
		return o, err
	}
	e := k.engine()
	c := &k.c
	o.start = r.Start.In(e.loc)
	o.accept = e.dayOf(o.start)
	o.countFrom = o.accept
	fail := func(err error) (outcome, error) {
		return outcome{}, diag.Errorf("", "%s from %s: %w", r.Period, o.start.Format("2006-01-02 15:04 MST"), err)
	}
	if r.Period.Unit.DayBased() {
		var buf [8]dayIv
		ivs := e.dayIntervals(buf[:], r.Pauses)
		if trace {
			o.ivs = append([]dayIv(nil), ivs...)
		}
		if c.Receipt == ReceiptNextWorkday {
			// Convention 3: received on a non-working day, deemed received on the next
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
			if err := k.certainty(&o, o.accept, max(o.accept, e.dayOf(o.since))); err != nil {
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
			if err := k.certainty(&o, o.accept, max(o.accept, e.dayOf(o.since))); err != nil {
				return fail(err)
			}
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
	if err := k.certainty(&o, o.accept, o.last); err != nil {
		return fail(err)
	}
	return o, nil
}

// certainty sets o.cert to the least certain of the civil dates a..b, the
// days an answer was counted over: through the last day, or, for a suspended
// deadline, through the day the case was paused. A strict calendar refuses
// an answer that rests on a day that is not official, suspended or not.
func (k *Counter) certainty(o *outcome, a, b int) error {
	e := k.engine()
	cert, err := k.cal.Certainty(e.date(a), e.date(b))
	if err != nil {
		return err
	}
	o.cert = cert
	if cert != calendar.Official && !k.cal.Provisional() {
		return diag.Errorf("", "the days %s..%s include %s days and the calendar is strict: %w",
			e.date(a).Format(time.DateOnly), e.date(b).Format(time.DateOnly), cert, calendar.ErrYearNotCovered)
	}
	return nil
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
	// The convention picks the day counting starts after and how many days it counts; one
	// advance then counts them, stepping over what the pauses exclude.
	start, n, count := from, p.Count, true
	switch {
	case p.Unit == Workdays && p.Count == 0:
		// Convention 4, same-day (即办): due at the end of the acceptance day when
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
			count = false
			break
		}
		start, n = o.accept, 1
	case p.Unit == Workdays:
		// 民法典 art. 201 / 行政许可法 art. 82: the start day is not counted;
		// day 1 is the first working day after it.
	default:
		// Days (民法典 arts. 201, 203) and Months (art. 202): calendar days
		// from the next day, holidays inside not deducted; pauses add the
		// paused calendar days (their union). The last day rolls forward
		// below when it is not a working day.
		if p.Unit == Months {
			target, clamped := calendar.Date(from).AddMonths(p.Count)
			n, seg.clamped = int(target)-from, clamped
		}
	}
	if count {
		raw, x, susp, rem, since, nx, err := e.advance(start, n, ivs, working)
		if err != nil {
			return 0, err
		}
		if susp {
			return suspend(x, rem, since)
		}
		o.excluded += x
		seg.excluded = x
		last, seg.raw, next = raw, raw, nx
		if !working {
			if last, err = e.roll(raw); err != nil {
				return 0, err
			}
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
