package deadline

import (
	"time"

	"github.com/shixian-go/shixian/calendar"
)

// The shortcuts below answer the commonest requests in O(1) calendar calls
// without the general path's bookkeeping. Each either returns exactly what
// the general path returns for the request (ok true) or declines (ok false),
// and the general path answers: every error, every unusual setting and
// every request they do not recognise goes there. A property test
// (TestShortcutsMatchGeneralPath) pins them to the general path over random
// requests, calendars and conventions.

// shortcut is Deadline's path, without explanation, for the two shapes
// nearly every status asks about: a working-day period (N ≥ 1) with
// working-day extensions and closed pauses under literal receipt and a 24:00
// end of day, and a working-hour period without pauses or extensions. It
// fills d, which must be the zero Deadline, and reports true, or leaves d
// alone and declines.
func (k *Counter) shortcut(r *Request, d *Deadline) bool {
	if !plainRequest(r) {
		return false
	}
	switch r.Period.Unit {
	case Workdays:
		return k.workdayShortcut(r, d)
	case Workhours:
		return len(r.Pauses) == 0 && len(r.Extensions) == 0 && k.workhourShortcut(r, d)
	}
	return false
}

// plainRequest reports whether r is one of the shapes the shortcuts answer
// and valid as validateRequest would find it: a period of N ≥ 1 (at most
// MaxPeriodCount) working days or working hours from a set start, extensions
// of the same kind of N ≥ 1, and at most 8 pauses, each with a start and not
// ending before it. Anything else, valid or not, is the general path's.
func plainRequest(r *Request) bool {
	if r.Start.IsZero() || len(r.Pauses) > 8 || len(r.Extensions) > MaxExtensions ||
		r.Period.Count < 1 || r.Period.Count > MaxPeriodCount ||
		(r.Period.Unit != Workdays && r.Period.Unit != Workhours) {
		return false
	}
	for _, x := range r.Extensions {
		if x.Unit != r.Period.Unit || x.Count < 1 || x.Count > MaxPeriodCount {
			return false
		}
	}
	for i := range r.Pauses {
		p := &r.Pauses[i]
		if p.Start.IsZero() || (!p.End.IsZero() && p.End.Before(p.Start)) {
			return false
		}
	}
	return true
}

// workdayShortcut counts the N + Σ extensions working days in one walk
// (conventions 1, 2, 8 and 10): each extension counts from the previous last
// day, a working day, so counting the sum from the start is the same walk;
// closed pauses exclude their merged days on the way, exactly as the general
// path's advance does. Due is 00:00 of the day after the last day. It
// declines for an open pause (the deadline may be suspended), more than 8
// pauses, and a pause begun on or after the day the period was used up but
// before Due (it postpones Due to the resume day, convention 8: the general
// path applies that).
func (k *Counter) workdayShortcut(r *Request, d *Deadline) bool {
	if k.c.Receipt != ReceiptLiteral || k.c.EndOfDay != Midnight {
		return false
	}
	total := r.Period.Count
	for _, x := range r.Extensions {
		total += x.Count // plainRequest: working days, at most MaxExtensions × MaxPeriodCount in all
	}
	cal := k.cal
	e := k.engine()
	start := r.Start.In(e.loc)
	from := e.dayOf(start)
	var last time.Time
	excluded := 0
	if len(r.Pauses) == 0 {
		var err error
		if last, err = cal.AddWorkdays(start, total); err != nil {
			return false
		}
	} else {
		var buf [8]dayIv
		ivs := e.dayIntervals(buf[:], r.Pauses)
		day, x, suspended, _, _, next, err := e.advance(from, total, ivs, true)
		if err != nil || suspended {
			return false
		}
		if next < len(ivs) && ivs[next].start.Before(e.dueOf(day)) {
			return false
		}
		last, excluded = e.date(day), x
	}
	cert, err := cal.Certainty(start, last)
	if err != nil || (cert != calendar.Official && !cal.Provisional()) {
		return false
	}
	// d is the zero Deadline of Counter.Deadline's result: only what is set is written.
	d.Due = cal.At(cal.Date(last)+1, 0)
	d.LastDay = last
	d.Provisional, d.Certainty = cert != calendar.Official, cert
	d.Start, d.CountFrom = start, e.date(from)
	d.Period, d.Excluded = r.Period, excluded
	d.EndOfDay, d.Calendar = k.c.EndOfDay, k.calID
	return true
}

// workhourShortcut walks N working hours through the business hours from the
// start (convention 7; a start outside business hours begins at the next
// span, 民法典第二百零一条第二款) with the engine's one business-hours walk.
// A due instant of exactly 00:00 ends the previous day.
func (k *Counter) workhourShortcut(r *Request, d *Deadline) bool {
	e := k.engine()
	start := r.Start.In(e.loc)
	due, err := e.addWorkTime(start, time.Duration(r.Period.Count)*time.Hour)
	if err != nil {
		return false
	}
	from := e.dayOf(start)
	last := e.dayOf(due)
	if e.tod(due) == 0 {
		last--
	}
	last = max(last, from)
	cal := k.cal
	cert, err := cal.Certainty(e.date(from), e.date(last))
	if err != nil || (cert != calendar.Official && !cal.Provisional()) {
		return false
	}
	d.Due, d.LastDay = due, e.date(last)
	d.Provisional, d.Certainty = cert != calendar.Official, cert
	d.Start, d.CountFrom = start, e.date(from)
	d.Period = r.Period
	d.EndOfDay, d.Calendar = k.c.EndOfDay, k.calID
	return true
}

// warningShortcut is ThresholdsAt's path for a working-day period (N ≥ 1)
// with working-day extensions and no open pause under literal receipt and a
// 24:00 end of day (convention 14). There the period counts exactly
// Total = N + Σ extensions working days (pauses move days, never remove
// them), every counted day ends at the next 00:00, and the k-th counted day
// is AddWorkdays without pauses, else the k-th working day past the excluded
// days. The period is checked once for all thresholds: the whole of it must
// be countable, as the general path requires.
func (k *Counter) warningShortcut(r *Request, n int, th func(int) Threshold, out []time.Time) ([]time.Time, bool) {
	if r.Period.Unit != Workdays || k.c.Receipt != ReceiptLiteral || k.c.EndOfDay != Midnight || !plainRequest(r) {
		return nil, false
	}
	total := r.Period.Count
	for _, x := range r.Extensions {
		total += x.Count
	}
	cal := k.cal
	e := k.engine()
	start := r.Start.In(e.loc)
	var kth func(int) (time.Time, error)
	if len(r.Pauses) == 0 {
		// The whole period must be countable, as the general path requires.
		if _, err := cal.AddWorkdays(start, total); err != nil {
			return nil, false
		}
		kth = func(n int) (time.Time, error) { return cal.AddWorkdays(start, n) }
	} else {
		// With closed pauses: the deadline's shortcut checks that the whole
		// period is countable and not suspended.
		var d Deadline
		if !k.workdayShortcut(r, &d) {
			return nil, false
		}
		var buf [8]dayIv
		ivs := e.dayIntervals(buf[:], r.Pauses)
		from := e.dayOf(start)
		kth = func(n int) (time.Time, error) {
			day, _, suspended, _, _, _, err := e.advance(from, n, ivs, true)
			if err == nil && suspended {
				err = ErrSuspended
			}
			return e.date(day), err
		}
	}
	endOf := func(t time.Time) time.Time { return e.date(e.dayOf(t) + 1) }
	for i := 0; i < n; i++ {
		t := th(i)
		var at time.Time
		var err error
		switch whole, part := splitFraction(t.Fraction, total); {
		case t.Fraction == 0:
			at = start
			if m := total - t.DaysLeft; m > 0 {
				at, err = kth(m)
			}
		case part == 0 && whole > 0:
			at, err = kth(whole)
			at = endOf(at)
		default:
			at, err = kth(whole + 1)
			if part > 0 {
				at = into(at, endOf(at), part)
			}
		}
		if err != nil {
			return nil, false
		}
		if at.Before(start) {
			at = start
		}
		out = append(out, at)
	}
	return out, true
}
