package deadline

import (
	"errors"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/diag"
)

// MaxPauses and MaxExtensions bound a Request so that every computation is
// bounded; a Request with more is an error.
const (
	MaxPauses     = 1000
	MaxExtensions = 1000
)

// ErrSuspended is returned (wrapped) by WarningsAt and ThresholdsAt when an open pause
// suspends the deadline: there is no instant to warn at until the case resumes.
var ErrSuspended = errors.New("deadline suspended by an open pause")

// Pause is one interval of excluded time (中止, 行政许可法 art. 45: hearings,
// testing, appraisal, expert review … are not counted). Start is inclusive,
// End exclusive; a zero End means the case is still paused. Pauses of a
// Request may come in any order and may overlap: their union is excluded,
// never the sum.
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
	// Explain asks Counter.Deadline for Deadline.Counted, Skipped and
	// Explanation, which cost allocations; without it they are nil and
	// everything else is the same.
	Explain bool
	// Lang is the language of Deadline.Explanation (English when zero); it changes nothing
	// else.
	Lang Lang
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
	// Extensions is a copy of Request.Extensions when Request.Explain is set
	// (nil otherwise, so that counting many cases allocates nothing).
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
	// Explanation is sentences a case officer would accept: English with the
	// Chinese terms and legal basis, or plain Chinese (Request.Lang).
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

// deadline is the general path of Counter.Deadline: compute, then the
// Deadline, with the explanation when r.Explain asks for it.
func (k *Counter) deadline(r *Request) (Deadline, error) {
	o, err := k.compute(r, r.Explain)
	if err != nil {
		return Deadline{}, err
	}
	e := k.engine()
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
		EndOfDay:                       k.c.EndOfDay,
		Calendar:                       k.calID,
	}
	if r.Explain && len(r.Extensions) > 0 {
		d.Extensions = append([]Period(nil), r.Extensions...)
	}
	if !o.suspended {
		d.Due, d.LastDay = o.due, e.date(o.last)
	}
	if r.Explain {
		x := explainer{e: &e, o: &o, r: r, d: &d}
		if err := x.in(r.Lang); err != nil {
			return Deadline{}, diag.Errorf("", "explaining %s from %s: %w", r.Period, o.start.Format("2006-01-02 15:04 MST"), err)
		}
	}
	return d, nil
}
