package deadline

import (
	"math"
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

// warningShortcut is WarningsAt's path for a working-day period (N ≥ 1)
// with working-day extensions and no open pause under literal receipt
// (convention 14). There the period counts exactly Total = N + Σ extensions
// working days (pauses move days, never remove them), and threshold
// k = ceil(fraction × Total) is crossed at 00:00 of the k-th counted working
// day: AddWorkdays without pauses, else the k-th working day past the
// excluded days. The period is checked once for all fractions: the whole of
// it must be countable, as the general path requires.
func (k *Counter) warningShortcut(r *Request, fractions []float64, out []time.Time) ([]time.Time, bool) {
	if r.Period.Unit != Workdays || k.c.Receipt != ReceiptLiteral || !plainRequest(r) {
		return nil, false
	}
	total := r.Period.Count
	for _, x := range r.Extensions {
		total += x.Count
	}
	threshold := func(f float64) int {
		n := int(math.Ceil(f*float64(total) - 1e-9))
		return min(max(n, 1), total)
	}
	cal := k.cal
	if len(r.Pauses) == 0 {
		// The whole period must be countable, as the general path requires: checked by the
		// threshold of the whole period when one of the fractions reaches it, else apart.
		reached := false
		for _, f := range fractions {
			n := threshold(f)
			t, err := cal.AddWorkdays(r.Start, n)
			if err != nil {
				return nil, false
			}
			reached = reached || n == total
			out = append(out, t)
		}
		if !reached {
			if _, err := cal.AddWorkdays(r.Start, total); err != nil {
				return nil, false
			}
		}
		return out, true
	}
	// With closed pauses: the deadline's shortcut checks that the whole
	// period is countable and not suspended.
	var d Deadline
	if !k.workdayShortcut(r, &d) {
		return nil, false
	}
	e := k.engine()
	var buf [8]dayIv
	ivs := e.dayIntervals(buf[:], r.Pauses)
	from := e.dayOf(d.Start)
	for _, f := range fractions {
		day, _, suspended, _, _, _, err := e.advance(from, threshold(f), ivs, true)
		if err != nil || suspended {
			return nil, false
		}
		t := e.date(day)
		if t.Before(d.Start) {
			t = d.Start
		}
		out = append(out, t)
	}
	return out, true
}
