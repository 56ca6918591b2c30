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

// shortcut is Deadline's path for a working-day period (N ≥ 1) with
// working-day extensions, no pauses, literal receipt and a 24:00 end of day
// (conventions 1, 2 and 10): the last day is the (N + Σ extensions)-th
// working day after the start's date, since each extension counts from the
// previous last day, a working day, and AddWorkdays is additive from one;
// Due is 00:00 of the day after it.
func (k *Counter) shortcut(r *Request) (Deadline, bool) {
	if r.Period.Unit != Workdays || r.Period.Count < 1 || len(r.Pauses) > 0 ||
		k.c.Receipt != ReceiptLiteral || k.c.EndOfDay != Midnight || validateRequest(r) != nil {
		return Deadline{}, false
	}
	total := r.Period.Count
	for _, x := range r.Extensions {
		if x.Unit != Workdays {
			return Deadline{}, false
		}
		total += x.Count // validated: at most MaxExtensions × MaxPeriodCount in all
	}
	cal := k.cal
	last, err := cal.AddWorkdays(r.Start, total)
	if err != nil {
		return Deadline{}, false
	}
	cert, err := cal.Certainty(r.Start, last)
	if err != nil || (cert != calendar.Official && !cal.Provisional()) {
		return Deadline{}, false
	}
	start := r.Start.In(cal.Location())
	d := Deadline{
		Due:         cal.At(cal.Date(last)+1, 0),
		LastDay:     last,
		Provisional: cert != calendar.Official,
		Certainty:   cert,
		Start:       start,
		CountFrom:   cal.At(cal.Date(start), 0),
		Period:      r.Period,
		EndOfDay:    k.c.EndOfDay,
		Calendar:    k.calID,
	}
	if r.Explain && len(r.Extensions) > 0 {
		d.Extensions = append([]Period(nil), r.Extensions...)
	}
	return d, true
}

// warningShortcut is WarningAt's path for a working-day period (N ≥ 1) with
// working-day extensions and no open pause (convention 14). There the period
// counts exactly Total = N + Σ extensions working days (pauses move days,
// never remove them), and threshold k = ceil(fraction × Total) is crossed at
// 00:00 of the k-th counted working day: plain AddWorkdays without pauses
// under literal receipt, else the k-th working day past the excluded days,
// without the explanation bookkeeping of the general path.
func (k *Counter) warningShortcut(r *Request, fraction float64) (at time.Time, ok bool, err error) {
	if r.Period.Unit != Workdays || r.Period.Count < 1 || validateRequest(r) != nil {
		return time.Time{}, false, nil
	}
	total := r.Period.Count
	for _, x := range r.Extensions {
		if x.Unit != Workdays {
			return time.Time{}, false, nil
		}
		total += x.Count
	}
	n := int(math.Ceil(fraction*float64(total) - 1e-9))
	n = min(max(n, 1), total)
	cal := k.cal
	if len(r.Pauses) == 0 && k.c.Receipt == ReceiptLiteral {
		// The whole period must be countable, as the general path requires.
		if _, err := cal.AddWorkdays(r.Start, total); err != nil {
			return time.Time{}, false, nil
		}
		t, err := cal.AddWorkdays(r.Start, n)
		if err != nil {
			return time.Time{}, false, nil
		}
		return t, true, nil
	}
	for i := range r.Pauses {
		if r.Pauses[i].End.IsZero() {
			return time.Time{}, false, nil // may suspend: the general path says so
		}
	}
	o, err := k.compute(r, false)
	if err != nil || o.suspended {
		return time.Time{}, false, nil
	}
	e := k.engine()
	var buf [8]dayIv
	ivs := e.dayIntervals(buf[:], r.Pauses)
	day, _, susp, _, _, _, err := e.advance(o.countFrom, n, ivs, true)
	if err != nil || susp {
		return time.Time{}, false, nil
	}
	t := e.date(day)
	if t.Before(o.start) {
		t = o.start
	}
	return t, true, nil
}
