package deadline

import (
	"errors"
	"math"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
)

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

// Progress computes the Progress of r at now (the caller's clock; any
// location), on the deadline Deadline computes for r (r.Explain plays no
// part). Errors are those of Deadline, plus a zero now.
func (k *Counter) Progress(r Request, now time.Time) (Progress, error) {
	if now.IsZero() {
		return Progress{}, errors.New("progress: zero now")
	}
	o, err := k.compute(&r, true)
	if err != nil {
		return Progress{}, err
	}
	e := k.engine()
	now = now.In(e.loc)
	var p Progress
	for _, ps := range r.Pauses {
		if !now.Before(ps.Start) && (ps.End.IsZero() || now.Before(ps.End)) {
			p.Paused = true
		}
	}
	fail := func(err error) (Progress, error) {
		return Progress{}, diag.Errorf("", "progress at %s: %w", now.Format("2006-01-02 15:04 MST"), err)
	}
	if r.Period.Unit.DayBased() {
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
			// A same-day period paused before its day was used still has that
			// one day: Total is never 0, so Used/Total is always defined.
			p.Total = max(p.Used+p.Remaining, 1)
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
		return p, nil
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
		return p, nil
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
	return p, nil
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

// WarningsAt returns, for each of fractions (0 < fraction <= 1), the instant
// in the calendar's location at which that fraction of the period's working
// time is used — measured in working time, never in wall-clock percentages
// (convention 14) — appended to dst[:0] in the order of fractions. Asking for
// all thresholds of a case in one call counts the period once; pass a dst
// with capacity to allocate nothing.
//
// Day units: with Total counted working days (as in Progress; paused days
// excluded, extensions included), threshold k = ceil(fraction × Total); the
// warning is crossed at 00:00 of the k-th counted working day, i.e. when day
// k starts being used. A same-day period (Total 1) warns at 00:00 of its last
// day. Hour units: the instant at which ceil(fraction × TotalDuration) of the
// counted time has elapsed. An instant is never before Request.Start (a
// threshold already crossed at acceptance returns Start). For "on the last
// working day" use Deadline.LastDay.
//
// Errors: those of Deadline, a fraction outside (0, 1] or NaN, and
// ErrSuspended (wrapped) while an open pause suspends the deadline.
func (k *Counter) WarningsAt(r Request, fractions []float64, dst []time.Time) ([]time.Time, error) {
	for _, f := range fractions {
		if !(f > 0 && f <= 1) {
			return nil, diag.Errorf("", "warning fraction %v outside (0, 1]", f)
		}
	}
	if out, ok := k.warningShortcut(&r, fractions, dst[:0]); ok {
		return out, nil
	}
	out := dst[:0]
	for _, f := range fractions {
		t, err := k.warningAt(&r, f)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// warningAt is the general path of WarningsAt, for one fraction.
func (k *Counter) warningAt(r *Request, fraction float64) (time.Time, error) {
	o, err := k.compute(r, true)
	if err != nil {
		return time.Time{}, err
	}
	if o.suspended {
		return time.Time{}, diag.Errorf("", "warning for %s from %s: %w", r.Period, o.start.Format("2006-01-02 15:04 MST"), ErrSuspended)
	}
	e := k.engine()
	notBefore := func(t time.Time) time.Time {
		if t.Before(o.start) {
			return o.start
		}
		return t
	}
	if r.Period.Unit.DayBased() {
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
