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
// so none of them counts toward it (Progress, WarningsAt).
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

// Threshold is one warning threshold (convention 14), in one of two forms.
// Exactly one is set: Fraction > 0, or Fraction == 0 and DaysLeft ≥ 0.
type Threshold struct {
	// Fraction (0 < Fraction ≤ 1): crossed at the instant at which that
	// fraction of the period has elapsed, counted in the period's own unit
	// (see WarningsAt); 1 is the end of the period, Due.
	Fraction float64
	// DaysLeft (with Fraction 0): crossed at 00:00 of the DaysLeft-th counted
	// working day before the period's last day — the instant from which
	// Progress.Remaining is DaysLeft or less. 0 is the start of the last day
	// ("on the last working day"); a DaysLeft at or above the period's
	// counted days is crossed at acceptance. For hour units the working
	// days are counted back on the calendar from LastDay.
	DaysLeft int
}

// valid reports whether t is one of the two forms.
func (t Threshold) valid() bool {
	if t.Fraction == 0 {
		return t.DaysLeft >= 0 && t.DaysLeft <= MaxPeriodCount
	}
	return t.Fraction > 0 && t.Fraction <= 1 && t.DaysLeft == 0
}

// WarningsAt returns, for each of fractions (0 < fraction <= 1), the instant
// in the calendar's location at which that fraction of the period has
// elapsed — measured in the period's counted time, never in wall-clock
// percentages (convention 14) — appended to dst[:0] in the order of
// fractions. Asking for all thresholds of a case in one call counts the
// period once; pass a dst with capacity to allocate nothing.
//
// Day units: the period is Total counted working days (as in Progress; paused
// days excluded, extensions included), each of which elapses evenly from its
// 00:00 to its end — 24:00, or Due for the last one (24:00 or close of
// business). A fraction f is crossed when f × Total days have elapsed: at
// the end of day f × Total when that is a whole number (so 100% is Due, 50%
// of 10 days is 24:00 of day 5), else that far into the day it falls in (50%
// of 3 days is 12:00 of day 2), rounded up to the second. Where a pause begun
// on the last day postponed Due (行政许可法 art. 45), the period was used up
// at 24:00 of that day, which is where 100% of it is. A same-day (即办) period
// elapses from Start to Due. Hour units: the instant at which
// ceil(fraction × TotalDuration) of the counted time has elapsed (100% is
// Due). An instant is never before Request.Start (a threshold already
// crossed at acceptance returns Start). For "N working days left" and "on
// the last working day" use ThresholdsAt.
//
// Errors: those of Deadline, a fraction outside (0, 1] or NaN, and
// ErrSuspended (wrapped) while an open pause suspends the deadline.
func (k *Counter) WarningsAt(r Request, fractions []float64, dst []time.Time) ([]time.Time, error) {
	for _, f := range fractions {
		if !(f > 0 && f <= 1) {
			return nil, diag.Errorf("", "warning fraction %v outside (0, 1]", f)
		}
	}
	return k.thresholdsAt(&r, len(fractions), func(i int) Threshold { return Threshold{Fraction: fractions[i]} }, dst)
}

// ThresholdsAt is WarningsAt for thresholds of either form (see Threshold):
// one instant per threshold, in their order, appended to dst[:0], the period
// counted once for all. Errors: those of WarningsAt, and a threshold of
// neither form (a fraction outside (0, 1], a negative DaysLeft or one above
// MaxPeriodCount, or both set).
func (k *Counter) ThresholdsAt(r Request, ts []Threshold, dst []time.Time) ([]time.Time, error) {
	for _, t := range ts {
		if !t.valid() {
			return nil, diag.Errorf("", "warning threshold %+v is neither a fraction in (0, 1] nor working days left in [0, %d]", t, MaxPeriodCount)
		}
	}
	return k.thresholdsAt(&r, len(ts), func(i int) Threshold { return ts[i] }, dst)
}

// thresholdsAt is the one path of WarningsAt and ThresholdsAt, for n valid
// thresholds.
func (k *Counter) thresholdsAt(r *Request, n int, th func(int) Threshold, dst []time.Time) ([]time.Time, error) {
	if out, ok := k.warningShortcut(r, n, th, dst[:0]); ok {
		return out, nil
	}
	out := dst[:0]
	for i := 0; i < n; i++ {
		t, err := k.thresholdAt(r, th(i))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// warningAt is the general path of WarningsAt, for one fraction.
func (k *Counter) warningAt(r *Request, fraction float64) (time.Time, error) {
	return k.thresholdAt(r, Threshold{Fraction: fraction})
}

// splitFraction splits f × total elapsed days into whole days and the part
// of the next day (0 ≤ part < 1), absorbing float noise (80% of 10 is 8,
// not 7.999…).
func splitFraction(f float64, total int) (whole int, part float64) {
	x := f * float64(total)
	w := math.Floor(x + 1e-9)
	part = x - w
	if part < 1e-9 {
		part = 0
	}
	whole = min(int(w), total)
	if whole == total {
		part = 0
	}
	return whole, part
}

// into is the instant part (0 < part < 1) of the way from lo to hi, rounded up
// to the second and never past hi.
func into(lo, hi time.Time, part float64) time.Time {
	span := hi.Sub(lo)
	if span <= 0 {
		return lo
	}
	secs := math.Ceil(part*span.Seconds() - 1e-6)
	at := lo.Add(time.Duration(secs) * time.Second)
	if at.After(hi) {
		return hi
	}
	return at
}

// thresholdAt is the general path of ThresholdsAt, for one threshold.
func (k *Counter) thresholdAt(r *Request, th Threshold) (time.Time, error) {
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
		if total == 0 { // same-day period: from Start to Due
			if th.Fraction == 0 {
				return notBefore(e.date(o.last)), nil
			}
			return notBefore(into(o.start, o.due, th.Fraction)), nil
		}
		kth := func(n int) (int, error) {
			day, _, _, _, _, _, err := e.advance(o.countFrom, n, ivs, true)
			return day, err
		}
		end := func(day int) time.Time { // the end of a counted day
			if day == o.last {
				return o.due
			}
			return e.date(day + 1)
		}
		if th.Fraction == 0 {
			n := total - th.DaysLeft
			if n <= 0 {
				return o.start, nil
			}
			day, err := kth(n)
			if err != nil {
				return time.Time{}, err
			}
			return notBefore(e.date(day)), nil
		}
		whole, part := splitFraction(th.Fraction, total)
		if whole == total && o.tail < 0 {
			// The whole period: Due itself, also when the period ends on a day that is not
			// a working day (a calendar-day extension) or under close of business.
			return notBefore(o.due), nil
		}
		if part == 0 && whole > 0 {
			day, err := kth(whole)
			if err != nil {
				return time.Time{}, err
			}
			return notBefore(end(day)), nil
		}
		day, err := kth(whole + 1)
		if err != nil {
			return time.Time{}, err
		}
		if part == 0 { // a fraction too small to reach a second: the first day's start
			return notBefore(e.date(day)), nil
		}
		return notBefore(into(e.date(day), end(day), part)), nil
	}
	if th.Fraction == 0 {
		if th.DaysLeft == 0 {
			return notBefore(e.date(o.last)), nil
		}
		day, err := e.addWorkdays(o.last, -th.DaysLeft)
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
	thr := time.Duration(math.Ceil(th.Fraction*float64(total) - 1e-6))
	if thr >= total {
		return notBefore(o.due), nil // the whole period: Due itself, whatever the extensions' units
	}
	thr = max(thr, 1)
	at, _, _, _, _, err := e.tadvance(o.start, thr, o.tivs, working)
	if err != nil {
		return time.Time{}, err
	}
	return notBefore(at), nil
}
