package sla

import (
	"fmt"
	"strconv"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/sla/deadline"
)

// State is the state of a case at an instant. The values are stored and
// reported as they are; they never change.
type State string

// The states of a case. An open case is exactly one of on track, warning,
// overdue, paused or unclassified; a closed one is closed on time or late.
const (
	StateOnTrack      State = "on_track"       // open, no warning crossed
	StateWarning      State = "warning"        // open, a declared warning crossed (Status.Warning names the latest)
	StateOverdue      State = "overdue"        // open, now at or after the Due it is judged by (red)
	StatePaused       State = "paused"         // open, in a pause (中止) that began before the deadline
	StateClosedOnTime State = "closed_on_time" // closed strictly before its Due (按期办结)
	StateClosedLate   State = "closed_late"    // closed at or after its Due (超期办结)
	StateUnclassified State = "unclassified"   // accepted, no tier yet
)

// WarningCrossing is one declared warning the case has crossed.
type WarningCrossing struct {
	ID, Label string
	// At is the instant the warning was crossed (in the calendar's location):
	// for `at: N%`, the instant at which N% of the period has elapsed in its
	// own unit (100% is Due; see deadline.Counter.WarningsAt); for
	// `remaining: N workdays`, 00:00 of the N-th counted working day before
	// the last day; for "last_workday", 00:00 of the last day. Never before
	// acceptance.
	At time.Time
}

// TargetStatus is the status of one running or finished target (by
// conventions 12 and 13 of package deadline). Which event meets which target is fixed:
//
//   - After "accepted" (started at acceptance and at each reopening): met by
//     the next transfer or by closing.
//   - After "transferred" (one per transfer, Unit = the unit): a sign-for
//     target (Target.Kind TargetSignFor: `kind: sign_for`, or, without the key, an
//     id "sign_for" or starting "sign_for_") is met by that unit's signed_for;
//     every other one (e.g. "unit_reply") by the next transfer (to any unit,
//     the same one included: a re-dispatch starts a new episode), by that
//     unit's return or by closing. A next transfer or closing also ends a
//     sign-for target not yet signed (DoneBy tells which). A return window
//     (Target.Kind TargetReturnWindow) is not listed: it bounds when a unit may
//     return the case, and is no limit anyone must meet.
//   - After "signed_for" (one per sign-for): met by the next transfer or by
//     closing.
//   - After "closed" (one per close, e.g. the follow-up visit): met by the
//     visited event; a reopening before any visit ends it.
//
// DoneBy names the event that met or ended the target. Targets count on the
// policy's calendar and conventions from Start; the case's pauses and
// extensions do not apply to them (they are the office's internal limits).
type TargetStatus struct {
	ID, Label string
	Unit      string    // for targets after a transfer or sign-for: the unit
	Start     time.Time // the instant of the triggering event
	Due       time.Time // exclusive: met on time iff Done is strictly before Due
	LastDay   time.Time // 00:00 of the last day
	Done      time.Time // when it was met or ended; zero while running
	DoneBy    EventType // the event type that met or ended it; "" while running
	// State: on_track or overdue while running (at the status instant),
	// closed_on_time or closed_late once done.
	State State
}

// Status is the state of a case at an instant, computed by (*Policy).StatusAt.
// All instants are in the policy calendar's location. It is a value; its
// slices are freshly allocated.
type Status struct {
	CaseID string
	At     time.Time // the instant the status describes ("now")
	// NextChange is the earliest instant after At at which this status will
	// change with no new event — a warning crossed, the case or a target
	// turning overdue — so that a portal knows when to look again instead of
	// polling (see nextchange.go for what it covers and what it does not);
	// zero when nothing will change until the next event.
	NextChange time.Time
	State      State
	// Warning is the id of the latest warning crossed in the current cycle
	// (for a closed case: crossed before it closed); "" if none.
	Warning string
	Tier    string
	Cycle   int // 1 for the first cycle, +1 per reopening
	// Due (exclusive) and LastDay of the current cycle, with every extension,
	// including a late one. Zero while unclassified or while an open pause
	// that began before the deadline suspends it.
	Due, LastDay time.Time
	// JudgedDue and JudgedLastDay are the deadline the cycle is judged by:
	// equal to Due and LastDay unless a late extension was recorded under
	// LateExtensionOverdue, which extends the deadline shown but not this
	// one (限时办结: an extension requested after the deadline counts as
	// overdue). Zero when Due is zero.
	JudgedDue, JudgedLastDay time.Time
	// Provisional: a day counted toward Due is not from an official notice.
	Provisional bool
	// RemainingDays: open and not late, the working days after the status
	// instant's date up to JudgedLastDay (0 on the last day). While suspended
	// by a pause, the working days that would remain if the case resumed at
	// the status instant.
	RemainingDays int
	// OverdueDays: working days from JudgedLastDay (exclusive) to the status
	// instant's date (open) or the closing date (closed late), inclusive,
	// counted on the same calendar. It can be 0 for a case late
	// by hours (e.g. closed after close of business on its last day, or on
	// the weekend after it).
	OverdueDays int
	// RemainingDuration and OverdueDuration are set for hour-based tiers only:
	// working time (workhours) or elapsed time (hours) left before JudgedDue,
	// or past it.
	RemainingDuration, OverdueDuration time.Duration
	Closed                             time.Time // closing instant of the current cycle; zero if open
	EverLate                           bool      // this or an earlier cycle is late
	CycleLate                          bool      // this cycle is late: overdue now, closed late, or late-extended
	Extensions                         int       // extensions granted on the current clock (since acceptance, restart or reopening)
	LateExtensions                     int       // how many of them were late (LateExtensionOverdue)
	Paused                             bool      // open and inside a pause
	PausedSince                        time.Time // start of that pause
	Warnings                           []WarningCrossing
	Targets                            []TargetStatus
	CalendarVersion                    string // the calendar's Version(): which notices the status was computed on

	// The closed loop (see "The closed loop" in the package documentation).
	// OpenPauses are the pauses open at the status instant, earliest first
	// (Paused and PausedSince summarise them).
	OpenPauses []OpenPause
	// Supervision lists the supervision levels (督办) the current cycle
	// reached at or before the status instant, in order of reaching, and
	// Supervised the supervised events of the cycle.
	Supervision []SupervisionReached
	Supervised  []SupervisionAction
	// Rating is the grade of the follow-up visit of the current close (a
	// Satisfied-only visit mapped onto the scale, see Event.Rating); "" before
	// any. ReopenRequired: that grade calls for reopening (Grade.Reopens) and
	// the case was not reopened since.
	Rating         string
	ReopenRequired bool

	// Override is set when the tier the classified event recorded contradicts the policy's
	// rules on the case's input (see ClassificationOverride); nil when they agree or the case
	// recorded no input.
	Override *ClassificationOverride
}

// StatusAt computes the status of c at now. It is a pure function of the
// policy (its conventions and calendar), the events dated at or before now
// and now itself: the log is read up to the first event dated after now, and
// later events are ignored. Recomputing with p.WithCalendar(newCal) is how a
// changed holiday notice reaches open cases (see MovedDeadlines).
//
// The events read are replayed through the same state machine as Apply
// (order, fields, states, extension caps and timeliness), so an invalid log
// is an *EventError; Validate additionally checks that every deadline is
// computable at the event that set it, that every event's instant is on the
// calendar and that the case has a status at its last event's instant. Other errors: a zero now, an empty
// case id, a case of another policy, no event at or before now, calendar
// errors.
//
// StatusAt never builds explanations (ComputeDeadline): it computes
// deadlines with ComputeDue, through O(1) shortcuts for the common requests
// (working days with or without closed pauses, working hours without pauses)
// that tests pin to ComputeDue. It allocates the Warnings and Targets slices
// (one block for both when that costs no more bytes) and, for a case with
// pauses or extensions, their Request slices. Safe for concurrent use. See
// Status.Explain for the explanation in words.
func (p *Policy) StatusAt(c Case, now time.Time) (st Status, err error) {
	if now.IsZero() {
		return Status{}, diag.Errorf("sla", "status of case %s: zero now", c.ID)
	}
	if err := p.checkCase(&c); err != nil {
		return Status{}, err
	}
	// The replayer (~500 bytes) is zeroed once, here, and the status is
	// filled in place, in the result: no large struct is copied on the way.
	var r replayer
	if err := r.replayUntil(p, &c, now); err != nil {
		return Status{}, err
	}
	if err := r.status(&st, now); err != nil {
		return Status{}, err
	}
	st.Override = p.classificationOverride(r.events)
	return st, nil
}

// replayUntil replays the events of c dated at or before now. r must be the
// zero replayer (it is not zeroed again).
func (r *replayer) replayUntil(p *Policy, c *Case, now time.Time) error {
	n := 0
	for n < len(c.Events) && !c.Events[n].At.After(now) {
		n++
	}
	if n == 0 {
		if len(c.Events) == 0 {
			return diag.Errorf("sla", "case %s has no events", c.ID)
		}
		return diag.Errorf("sla", "case %s has no event at or before %s (its first is at %s)", c.ID,
			now.In(p.cal.Location()).Format("2006-01-02 15:04 MST"), c.Events[0].At.In(p.cal.Location()).Format("2006-01-02 15:04 MST"))
	}
	if n > MaxEvents {
		return diag.Errorf("sla", "case %s has %d events (at most %d)", c.ID, len(c.Events), MaxEvents)
	}
	r.p, r.id, r.events = p, c.ID, c.Events[:n]
	return r.run()
}

// status fills st, which must be the zero Status, after replay; on error st
// is left partly filled. The Warnings and Targets share one allocation when
// that costs no more bytes (see statusSlices), so they are filled last, once
// both counts are known; the targets' error, if any, still wins, as if they
// had been computed first.
func (r *replayer) status(st *Status, now time.Time) error {
	nt := r.targetCount()
	var wbuf [4]WarningCrossing
	var nextWarning time.Time
	ws, err := r.state(st, now, wbuf[:0], &nextWarning)
	if err != nil {
		if nt > 0 {
			if terr := r.fillTargets(make([]TargetStatus, nt), now); terr != nil {
				return terr
			}
		}
		return err
	}
	nextSupervision, err := r.loopStatus(st, now)
	if err != nil {
		return err
	}
	wout, tout := statusSlices(len(ws), nt)
	for i := range ws {
		// Field by field into the fresh (zeroed) memory: cheaper than a
		// typed copy of whole structs while the collector is marking.
		w, o := &ws[i], &wout[i]
		o.ID, o.Label, o.At = w.ID, w.Label, w.At
	}
	st.Warnings = wout
	if nt > 0 {
		if err := r.fillTargets(tout, now); err != nil {
			return err
		}
		st.Targets = tout
	}
	r.nextChange(st, now, nextWarning, nextSupervision)
	return nil
}

// state fills st, which must be the zero Status, but for its Warnings and
// Targets; it returns the warnings crossed, in buf's memory when they fit,
// and sets *nextWarning to the earliest warning still to be crossed.
func (r *replayer) state(st *Status, now time.Time, buf []WarningCrossing, nextWarning *time.Time) ([]WarningCrossing, error) {
	p := r.p
	cal := p.cal
	now = now.In(cal.Location())
	st.CaseID, st.At, st.Tier, st.Cycle = r.id, now, r.tier, r.cycle
	st.EverLate, st.Extensions, st.CalendarVersion = r.prevLate, r.extCount, cal.Version()
	for i := 0; i < r.extCount && i < 128; i++ {
		if r.lateMask[i/64]&(1<<(i%64)) != 0 {
			st.LateExtensions++
		}
	}
	if !r.hasTier {
		st.State = StateUnclassified
		st.Paused, st.PausedSince = r.paused, pausedSince(r)
		return nil, nil
	}
	hours := !r.period.Unit.DayBased()
	if r.closed {
		st.Closed = r.closedAt.In(cal.Location())
		st.Due, st.LastDay, st.Provisional = r.closeDue, r.closeLast, r.closeProv
		st.JudgedDue, st.JudgedLastDay = r.closeJDue, r.closeJLast
		st.CycleLate = r.cycleLate
		if r.cycleLate {
			st.State = StateClosedLate
			od, err := cal.WorkdaysBetween(st.JudgedLastDay, r.closedAt)
			if err != nil {
				return nil, r.statusErr(err)
			}
			st.OverdueDays = max(od, 0)
			if hours {
				d, err := r.overdueDuration(r.closedAt, r.closeJDue)
				if err != nil {
					return nil, err
				}
				st.OverdueDuration = d
			}
		} else {
			st.State = StateClosedOnTime
		}
		req := r.request(r.closedAt, true)
		r.sreq = req
		ws, err := r.warnings(st, req, now, r.closedAt, true, buf, nextWarning)
		if err != nil {
			return nil, err
		}
		st.EverLate = st.EverLate || st.CycleLate
		return ws, nil
	}

	// Open. An open pause is taken to end now: the deadline "if the case
	// resumed now". A pause that began before the deadline suspends it (Due
	// shown as zero); one that began at or after it changes nothing (the
	// case stays late: a pause does not rescue it).
	req := r.request(now, false)
	due, last, prov, err := p.due(req)
	if err != nil {
		return nil, r.statusErr(err)
	}
	jdue, jlast, jreq := due, last, req
	if r.anyLate {
		jreq = r.request(now, true)
		if jdue, jlast, _, err = p.due(jreq); err != nil {
			return nil, r.statusErr(err)
		}
	}
	jdue, jlast = r.judge(jdue, jlast)
	st.Due, st.LastDay, st.Provisional = due, last, prov
	st.JudgedDue, st.JudgedLastDay = jdue, jlast
	overdue := !now.Before(jdue)
	suspended := false
	if r.paused {
		st.Paused, st.PausedSince = true, r.pauseAt.In(cal.Location())
	}
	// After a late reclassification or restart (frozen) the cycle is late
	// already and no pause suspends its deadline.
	if r.paused && !r.frozen {
		// An open pause that began before the (judged) deadline suspends it
		// (行政许可法 art. 45: the time is not counted): the case is paused,
		// never overdue, and its deadline unknown until it resumes. One that
		// began at or after it changes nothing: a pause does not rescue a
		// late case.
		d, err := p.counter.Deadline(r.request(time.Time{}, true))
		if err != nil {
			return nil, r.statusErr(err)
		}
		if suspended = d.Suspended; suspended {
			overdue = false
			st.Due, st.LastDay, st.JudgedDue, st.JudgedLastDay = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if r.period.Unit == deadline.Workdays {
				st.RemainingDays = d.RemainingWhenSuspended
			}
		}
	}
	st.CycleLate = overdue
	if r.paused && !overdue {
		st.State = StatePaused
	}
	switch {
	case overdue:
		st.State = StateOverdue
		// jlast is after every day a pause excluded (usedUp keeps Due after
		// the resume day), so overdue days never include paused days.
		od, err := cal.WorkdaysBetween(jlast, now)
		if err != nil {
			return nil, r.statusErr(err)
		}
		st.OverdueDays = max(od, 0)
		if hours {
			d, err := r.overdueDuration(now, jdue)
			if err != nil {
				return nil, err
			}
			st.OverdueDuration = d
		}
	default:
		if !suspended || r.period.Unit != deadline.Workdays {
			rd, err := cal.WorkdaysBetween(now, jlast)
			if err != nil {
				return nil, r.statusErr(err)
			}
			st.RemainingDays = max(rd, 0)
		}
		if hours {
			d, err := r.remainingDuration(now, jdue)
			if err != nil {
				return nil, err
			}
			st.RemainingDuration = d
		}
	}
	r.sreq = jreq
	ws, err := r.warnings(st, jreq, now, time.Time{}, false, buf, nextWarning)
	if err != nil {
		return nil, err
	}
	if st.State == "" {
		st.State = StateOnTrack
		if st.Warning != "" {
			st.State = StateWarning
		}
	}
	st.EverLate = st.EverLate || st.CycleLate
	return ws, nil
}

func pausedSince(r *replayer) time.Time {
	if !r.paused {
		return time.Time{}
	}
	return r.pauseAt.In(r.p.cal.Location())
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (r *replayer) statusErr(err error) error {
	return &statusError{id: r.id, err: err}
}

// remainingDuration is the time left before due for hour tiers: working time
// for workhours (via ComputeProgress), elapsed time for hours.
func (r *replayer) remainingDuration(now, due time.Time) (time.Duration, error) {
	if r.period.Unit == deadline.Hours {
		return max(due.Sub(now), 0), nil
	}
	req := r.request(now, true)
	pr, err := r.p.counter.Progress(req, now)
	if err != nil {
		return 0, r.statusErr(err)
	}
	return max(pr.RemainingDuration, 0), nil
}

// overdueDuration is the time past due at instant t for hour tiers.
func (r *replayer) overdueDuration(t, due time.Time) (time.Duration, error) {
	if r.period.Unit == deadline.Hours {
		return max(t.Sub(due), 0), nil
	}
	req := r.request(t, true)
	pr, err := r.p.counter.Progress(req, t)
	if err != nil {
		return 0, r.statusErr(err)
	}
	return max(-pr.RemainingDuration, 0), nil
}

// warningCrossed reports whether a warning whose instant is at counts at now:
// at or before now, and, for a closed cycle, before the close, and, while
// paused, not after the pause began (nothing is used while paused).
func (r *replayer) warningCrossed(at, now, closedAt time.Time, closed bool) bool {
	return !at.After(now) && !(closed && !at.Before(closedAt)) && !(r.paused && !closed && at.After(r.pauseAt))
}

// warnings returns the warnings crossed, appended to buf, sets *next to the
// earliest one not yet crossed that time alone will cross (if earlier than
// *next), and sets
// st.Warning: each declared warning's crossing instant is computed in
// working time on req, the request the cycle is judged by (without late
// extensions; convention 14); it is crossed when it is at or before now,
// and, for a closed cycle, before the close, and, while paused, not after
// the pause began (nothing is used while paused).
func (r *replayer) warnings(st *Status, req deadline.Request, now, closedAt time.Time, closed bool, buf []WarningCrossing, next *time.Time) ([]WarningCrossing, error) {
	ws := r.p.warnings
	out := buf[:0]
	ats, err := r.warningInstants(req, r.wat[:0])
	if err != nil {
		return nil, err
	}
	// Kept for supervisionInstants, which would otherwise count them again.
	r.nwat = -1
	if len(ats) <= len(r.wat) {
		r.nwat = len(ats)
	}
	for i := range ws {
		w := &ws[i]
		at := ats[i]
		if !r.warningCrossed(at, now, closedAt, closed) {
			// Still to come if crossing it needs only time to pass: open,
			// and not waiting for a pause to end.
			if !closed && r.warningCrossed(at, at, closedAt, closed) && (next.IsZero() || at.Before(*next)) {
				*next = at
			}
			continue
		}
		if loc := r.p.cal.Location(); at.Location() != loc {
			at = at.In(loc)
		}
		out = append(out, WarningCrossing{ID: w.ID, Label: w.Label, At: at})
	}
	if len(out) == 0 {
		return nil, nil
	}
	// In order of crossing; stable for equal instants (policy order).
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].At.Before(out[j-1].At); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	st.Warning = out[len(out)-1].ID
	return out, nil
}

// warningInstants appends to dst[:0] the crossing instant of every declared
// warning, in policy order, on req, the request the cycle is judged by:
// crossed or not, past or future (warnings filters them by the status
// instant; supervision levels triggered by a warning use them all). Each is
// at or after req.Start. One call counts the period once for every
// threshold; "on the last working day" is 00:00 of the last counted day,
// which a pause begun on it (行政许可法 art. 45) leaves where the period was
// used up.
func (r *replayer) warningInstants(req deadline.Request, dst []time.Time) ([]time.Time, error) {
	if len(r.p.warnings) == 0 {
		return dst[:0], nil
	}
	ats, err := r.p.counter.ThresholdsAt(req, r.p.warnThresholds, dst)
	if err != nil {
		return nil, r.statusErr(err)
	}
	for i := range ats {
		if ats[i].Before(req.Start) {
			ats[i] = req.Start
		}
	}
	return ats, nil
}

// targetCount is the number of target instances the events replayed start.
func (r *replayer) targetCount() int {
	ts := r.p.targets
	if len(ts) == 0 {
		return 0
	}
	on, _ := r.targetsOn() // an error is fillTargets' to report
	n := 0
	for i := 0; i < r.n; i++ {
		tr := triggerOf(r.kind(i))
		if tr == 0 {
			continue
		}
		for k := range ts {
			if ts[k].After == tr && !ts[k].returnWindow() && (on == nil || on[k]) {
				n++
			}
		}
	}
	return n
}

// fillTargets fills dst, of length targetCount(), from the events replayed,
// by the rules in TargetStatus's doc comment.
func (r *replayer) fillTargets(dst []TargetStatus, now time.Time) error {
	ts := r.p.targets
	on, err := r.targetsOn()
	if err != nil {
		return r.statusErr(err)
	}
	n := len(dst)
	out := dst[:0]
	var kbuf [32]int
	kind := kbuf[:0] // kind[j] is the policy target of out[j]
	if n > len(kbuf) {
		kind = make([]int, 0, n)
	}
	start := func(tr Trigger, unit string, at time.Time) {
		for k := range ts {
			if ts[k].After == tr && !ts[k].returnWindow() && (on == nil || on[k]) {
				// Field by field into dst's zeroed memory (len(out) < n =
				// len(dst) by the count): no 176-byte temporary and typed copy.
				out = out[:len(out)+1]
				o := &out[len(out)-1]
				o.ID, o.Label, o.Unit, o.Start = ts[k].ID, ts[k].Label, unit, at
				kind = append(kind, k)
			}
		}
	}
	meet := func(at time.Time, by EventType, after1, after2, after3 Trigger, signFor string) {
		for j := range out {
			t := &ts[kind[j]]
			if !out[j].Done.IsZero() || (t.After != after1 && t.After != after2 && t.After != after3) {
				continue
			}
			if signFor != "" && (!t.signsFor() || out[j].Unit != signFor) {
				continue
			}
			out[j].Done, out[j].DoneBy = at, by
		}
	}
	for i := 0; i < r.n; i++ {
		e := &r.events[i]
		switch r.kind(i) {
		case kindAccepted:
			start(AfterAccepted, "", e.At)
		case kindTransferred:
			meet(e.At, EventTransferred, AfterAccepted, AfterTransferred, AfterSignedFor, "")
			start(AfterTransferred, e.Unit, e.At)
		case kindSignedFor:
			meet(e.At, EventSignedFor, AfterTransferred, AfterTransferred, AfterTransferred, e.Unit)
			start(AfterSignedFor, e.Unit, e.At)
		case kindClosed:
			meet(e.At, EventClosed, AfterAccepted, AfterTransferred, AfterSignedFor, "")
			start(AfterClosed, "", e.At)
		case kindVisited:
			meet(e.At, EventVisited, AfterClosed, AfterClosed, AfterClosed, "")
		case kindReturned:
			// A return (退回) ends the returning unit's targets: only the
			// latest transfer's are still running.
			meet(e.At, EventReturned, AfterTransferred, AfterSignedFor, AfterSignedFor, "")
		case kindReopened:
			// A reopening ends a visit still pending for the previous close.
			meet(e.At, EventReopened, AfterClosed, AfterClosed, AfterClosed, "")
			start(AfterAccepted, "", e.At)
		}
	}
	loc := r.p.cal.Location()
	for j := range out {
		t := &ts[kind[j]]
		o := &out[j]
		due, last, _, err := r.p.due(deadline.Request{Start: o.Start, Period: t.Limit})
		if err != nil {
			return r.statusErr(diag.Errorf("", "target %s from %s: %w", t.ID, o.Start.In(loc).Format("2006-01-02 15:04 MST"), err))
		}
		o.Due, o.LastDay = due, last
		switch {
		case !o.Done.IsZero():
			o.State = StateClosedOnTime
			if !o.Done.Before(due) {
				o.State = StateClosedLate
			}
			o.Done = o.Done.In(loc)
		case !now.Before(due):
			o.State = StateOverdue
		default:
			o.State = StateOnTrack
		}
		o.Start = o.Start.In(loc)
	}
	return nil
}

// statusSlices returns the Warnings (length nw) and Targets (length nt) of
// one Status, nil when empty. Both are carved from one exactly sized
// allocation (capacity-capped, so that neither can grow into the other)
// when that does not cost more bytes than two allocations: WarningCrossing
// is 56 bytes and TargetStatus 176, and a combined block rounded up to the
// allocator's size class can exceed the two blocks apart (two warnings and
// two targets: 464 bytes in a 480-byte class against 112 + 352). Under a
// large live heap every byte allocated costs more garbage-collection work
// than an allocation call saves, so those shapes stay separate. Every call
// allocates afresh: no memory is shared between statuses.
func statusSlices(nw, nt int) ([]WarningCrossing, []TargetStatus) {
	if nw == 0 && nt == 0 {
		return nil, nil
	}
	switch {
	case nt == 1 && nw == 1: // 232 bytes, class 240 = 64 + 176
		b := new(struct {
			w [1]WarningCrossing
			t [1]TargetStatus
		})
		return b.w[:], b.t[:]
	case nt == 1 && nw == 2: // 288 = 112 + 176
		b := new(struct {
			w [2]WarningCrossing
			t [1]TargetStatus
		})
		return b.w[:], b.t[:]
	case nt == 1 && nw == 3: // 344, class 352 = 176 + 176
		b := new(struct {
			w [3]WarningCrossing
			t [1]TargetStatus
		})
		return b.w[:], b.t[:]
	case nt == 2 && nw == 1: // 408, class 416 = 64 + 352
		b := new(struct {
			w [1]WarningCrossing
			t [2]TargetStatus
		})
		return b.w[:], b.t[:]
	case nt == 3 && nw == 1: // 584, class 640 = 64 + 576
		b := new(struct {
			w [1]WarningCrossing
			t [3]TargetStatus
		})
		return b.w[:], b.t[:]
	case nt == 3 && nw == 2: // 640 < 112 + 576
		b := new(struct {
			w [2]WarningCrossing
			t [3]TargetStatus
		})
		return b.w[:], b.t[:]
	case nt == 3 && nw == 3: // 696, class 704 < 176 + 576
		b := new(struct {
			w [3]WarningCrossing
			t [3]TargetStatus
		})
		return b.w[:], b.t[:]
	}
	var ws []WarningCrossing
	var ts []TargetStatus
	if nw > 0 {
		ws = make([]WarningCrossing, nw)
	}
	if nt > 0 {
		ts = make([]TargetStatus, nt)
	}
	return ws, ts
}

// triggerOf is the target trigger an event kind starts, 0 if none.
func triggerOf(k eventKind) Trigger {
	switch k {
	case kindAccepted, kindReopened:
		return AfterAccepted
	case kindTransferred:
		return AfterTransferred
	case kindSignedFor:
		return AfterSignedFor
	case kindClosed:
		return AfterClosed
	}
	return 0
}

// Explain returns the status in words a case officer would accept: the state,
// the events up to the status instant in words, the explanation of the
// current deadline (ComputeDeadline's, with the days counted and skipped and
// the conventions applied), the warnings crossed and the targets. It is built
// on demand (StatusAt stays fast) by replaying c on p, which must be the
// policy and case the status was computed from. A problem while explaining
// becomes a sentence; Explain never fails.
func (s Status) Explain(p *Policy, c Case) []string {
	if p == nil {
		return []string{"No policy to explain the status with."}
	}
	return s.explain(p, c, enWords{p: p, loc: p.cal.Location()})
}

// wording is what the two languages of Status.Explain and Status.ExplainIn differ in: the
// sentences. Status.explain walks the case and the status once and decides what is said;
// a wording only says it. A method that returns "" says nothing for that fact.
type wording interface {
	head(s Status) string // the state, tier and policy
	override(o *ClassificationOverride) string
	misfit(i int, e *Event, err error) string
	accepted(e *Event) string
	// classified says the tier set by e; how is rule (e.Rule), byDefault (the policy's
	// default tier, no rule) or by hand (neither: an override, see ClassificationOverride).
	classified(e *Event, how classifiedBy, tierStart time.Time) string
	transferred(e *Event) string
	signedFor(e *Event) string
	paused(e *Event) string
	resumed(e *Event, restartsClock bool) string
	returned(e *Event) string
	supervised(e *Event) string
	restarted(e *Event) string
	lateRestart(frozenDue time.Time) string
	extended(e *Event, late bool) string
	reclassified(e *Event, prevTier string, tierStart time.Time) string
	lateReclassify(frozenDue time.Time) string
	closed(e *Event, due time.Time, late bool) string
	visited(e *Event, g *Grade) string
	reopened(e *Event, cycle int, tier string) string
	otherEvent(e *Event) string
	note(text string) string
	// deadlineRequest adapts the request whose explanation is quoted (its language, and
	// how pause reasons are named).
	deadlineRequest(req *deadline.Request)
	noDeadline(err error) string
	pausedAssumption(pausedAt, resumeAt time.Time) string
	overdue(s Status) string
	closedLate(s Status) string
	pausedState(s Status) string
	remaining(s Status) string
	lateExtensions(s Status) string
	warning(w WarningCrossing) string
	openPause(o OpenPause) string
	// supervision says level l reached; acted is the supervised event that acted on it, nil
	// when none did.
	supervision(s Status, l SupervisionReached, acted *SupervisionAction) string
	reopenRequired(s Status) string
	target(t TargetStatus) string
}

// classifiedBy is how a classified event set its tier.
type classifiedBy int

const (
	byRule    classifiedBy = iota // by the rule it names
	byDefault                     // no rule: the policy's default tier
	byHand                        // no rule and not the default tier: an override
)

// explain is the one walk behind Explain and ExplainIn: the events up to the status instant
// replayed step by step to know what each did, the current deadline's explanation, then the
// state, warnings, open pauses, supervision, reopening and targets of s, each said by w.
func (s Status) explain(p *Policy, c Case, w wording) []string {
	var out []string
	say := func(lines ...string) {
		for _, l := range lines {
			if l != "" {
				out = append(out, l)
			}
		}
	}
	say(w.head(s))
	if s.Override != nil {
		say(w.override(s.Override))
	}

	n := 0
	for n < len(c.Events) && !c.Events[n].At.After(s.At) {
		n++
	}
	r := replayer{p: p, id: c.ID, events: c.Events[:n]}
	for i := 0; i < n; i++ {
		e := &c.Events[i]
		prevTier, prevExt, prevFrozen := r.tier, r.extCount, r.frozen
		if err := r.step(i); err != nil {
			say(w.misfit(i, e, err))
			break
		}
		becameLate := r.frozen && !prevFrozen
		switch e.Type {
		case EventAccepted:
			say(w.accepted(e))
		case EventClassified:
			how := byHand
			switch {
			case e.Rule != "":
				how = byRule
			case e.Tier == p.set.Default().Tier:
				how = byDefault
			}
			say(w.classified(e, how, r.tierStart))
		case EventTransferred:
			say(w.transferred(e))
		case EventSignedFor:
			say(w.signedFor(e))
		case EventPaused:
			say(w.paused(e))
		case EventResumed:
			say(w.resumed(e, r.cycleFrom == i))
		case EventReturned:
			say(w.returned(e))
		case EventSupervised:
			say(w.supervised(e))
		case EventRestarted:
			say(w.restarted(e))
			if becameLate {
				say(w.lateRestart(r.frozenDue))
			}
		case EventExtended:
			say(w.extended(e, prevExt < 128 && r.lateMask[prevExt/64]&(1<<(prevExt%64)) != 0))
		case EventReclassified:
			say(w.reclassified(e, prevTier, r.tierStart))
			if becameLate {
				say(w.lateReclassify(r.frozenDue))
			}
		case EventClosed:
			say(w.closed(e, r.closeJDue, r.cycleLate))
		case EventVisited:
			say(w.visited(e, p.grade(r.grade)))
		case EventReopened:
			say(w.reopened(e, r.cycle, r.tier))
		default:
			say(w.otherEvent(e))
		}
		if e.Note != "" {
			say(w.note(e.Note))
		}
	}

	if r.hasTier {
		upTo := s.At
		if r.closed {
			upTo = r.closedAt
		}
		req := r.request(upTo, false)
		req.Explain = true
		w.deadlineRequest(&req)
		d, err := p.counter.Deadline(req)
		if err != nil {
			say(w.noDeadline(err))
		} else {
			if r.paused && !r.closed {
				say(w.pausedAssumption(r.pauseAt, s.At))
			}
			out = append(out, d.Explanation...)
		}
	}
	switch s.State {
	case StateOverdue:
		say(w.overdue(s))
	case StateClosedLate:
		say(w.closedLate(s))
	case StatePaused:
		say(w.pausedState(s))
	case StateOnTrack, StateWarning:
		say(w.remaining(s))
	}
	if s.LateExtensions > 0 {
		say(w.lateExtensions(s))
	}
	for _, x := range s.Warnings {
		say(w.warning(x))
	}
	for _, o := range s.OpenPauses {
		say(w.openPause(o))
	}
	for i, l := range s.Supervision {
		var acted *SupervisionAction
		for j := range s.Supervised {
			if a := &s.Supervised[j]; a.Level == l.ID || a.Level == "" && actedOn(s.Supervision, a.At) == i {
				acted = a
				break
			}
		}
		say(w.supervision(s, l, acted))
	}
	if s.ReopenRequired {
		say(w.reopenRequired(s))
	}
	for _, t := range s.Targets {
		say(w.target(t))
	}
	return out
}

// enWords is the English wording of Explain.
type enWords struct {
	p   *Policy
	loc *time.Location
}

func (w enWords) when(t time.Time) string { return t.In(w.loc).Format("2006-01-02 15:04 MST") }

func (w enWords) tierLabel(id string) string {
	if t, ok := w.p.Tier(id); ok && t.Label != "" {
		return id + " (" + t.Label + ", " + t.Limit.String() + ")"
	} else if ok {
		return id + " (" + t.Limit.String() + ")"
	}
	return id
}

func enBy(e *Event) string {
	if e.Actor != "" {
		return " by " + e.Actor
	}
	return ""
}

func enWhy(e *Event) string {
	if e.Reason != "" {
		return ": " + e.Reason
	}
	return ""
}

func (w enWords) head(s Status) string {
	p := w.p
	return fmt.Sprintf("Case %s at %s: %s; tier %s; cycle %d; policy %s %s; calendar %s %s.", s.CaseID, w.when(s.At), stateWords(s.State, false),
		w.tierLabel(s.Tier), s.Cycle, p.id, p.version, p.cal.Name(), s.CalendarVersion)
}

func (enWords) override(o *ClassificationOverride) string { return overrideSentence(o) }

func (w enWords) misfit(i int, e *Event, err error) string {
	return fmt.Sprintf("Event %d (%s at %s) does not fit the case: %v.", i+1, e.Type, w.when(e.At), err)
}

func (w enWords) accepted(e *Event) string {
	return fmt.Sprintf("%s: accepted (受理)%s.", w.when(e.At), enBy(e))
}

func (w enWords) classified(e *Event, how classifiedBy, tierStart time.Time) string {
	rule := "the policy's default"
	switch how {
	case byRule:
		rule = "rule " + e.Rule
	case byHand:
		rule = "hand (no rule, and not the default tier)"
	}
	return fmt.Sprintf("%s: classified (分类) as %s by %s%s; the limit counts from %s.", w.when(e.At), w.tierLabel(e.Tier), rule, enWhy(e), w.when(tierStart))
}

func (w enWords) transferred(e *Event) string {
	return fmt.Sprintf("%s: transferred (转办) to %s%s; the citizen-facing clock keeps running (a transfer does not stop the time limit counted from acceptance).", w.when(e.At), e.Unit, enBy(e))
}

func (w enWords) signedFor(e *Event) string {
	return fmt.Sprintf("%s: signed for (签收) by %s.", w.when(e.At), e.Unit)
}

func (w enWords) paused(e *Event) string {
	return fmt.Sprintf("%s: paused (中止, 行政许可法 art. 45: the time is not counted)%s%s.", w.when(e.At), pauseName(e), enWhy(e)+w.p.reasonWords(e))
}

func (w enWords) resumed(e *Event, restartsClock bool) string {
	if restartsClock {
		return fmt.Sprintf("%s: resumed%s; the pause was for corrected materials (补正, 行政许可法 art. 32): the clock starts again from this instant.", w.when(e.At), pauseName(e))
	}
	return fmt.Sprintf("%s: resumed%s.", w.when(e.At), pauseName(e))
}

func (w enWords) returned(e *Event) string {
	return fmt.Sprintf("%s: returned (退回) by %s%s; the unit's targets end, and the citizen-facing clock keeps running.", w.when(e.At), e.Unit, enWhy(e)+w.p.reasonWords(e))
}

func (w enWords) supervised(e *Event) string {
	level := ""
	if e.Level != "" {
		level = " at level " + e.Level
	}
	return fmt.Sprintf("%s: supervised (督办)%s by %s.", w.when(e.At), level, e.Actor)
}

func (w enWords) restarted(e *Event) string {
	return fmt.Sprintf("%s: restarted (补正后重新受理, 行政许可法 art. 32)%s: the clock starts again from this instant; earlier time, pauses and extensions no longer count.", w.when(e.At), enWhy(e))
}

func (w enWords) lateRestart(frozenDue time.Time) string {
	return fmt.Sprintf("  It came at or after the deadline in force, %s (late_restart: overdue): recorded, but the cycle stays late.", w.when(frozenDue))
}

func (w enWords) extended(e *Event, late bool) string {
	lateWords := ""
	if late {
		lateWords = " It was requested at or after the deadline: recorded, but the case is judged by the deadline without it and is late (超时办结)."
	}
	return fmt.Sprintf("%s: extended (延期, 行政许可法 art. 42) by %s, counted from the deadline then in force, approved by %s%s.%s", w.when(e.At), e.Length, e.Approver, enWhy(e), lateWords)
}

func (w enWords) reclassified(e *Event, prevTier string, tierStart time.Time) string {
	return fmt.Sprintf("%s: reclassified (改变分类) from %s to %s%s; the new limit counts from %s (%s).", w.when(e.At), prevTier, w.tierLabel(e.Tier), enWhy(e), w.when(tierStart), w.p.lifecycle.Reclassify)
}

func (w enWords) lateReclassify(frozenDue time.Time) string {
	return fmt.Sprintf("  It came at or after the deadline in force, %s (late_reclassify: overdue): recorded, but the cycle stays late.", w.when(frozenDue))
}

func (w enWords) closed(e *Event, due time.Time, late bool) string {
	verdict := "on time: before the due instant " + w.when(due)
	if late {
		verdict = "late: at or after the due instant " + w.when(due)
	}
	return fmt.Sprintf("%s: closed (办结) %s.", w.when(e.At), verdict)
}

func (w enWords) visited(e *Event, g *Grade) string {
	if e.Rating == "" && e.Satisfied != nil {
		// A yes/no visit, in the words it always had.
		sat := "satisfied (满意)"
		if !*e.Satisfied {
			sat = "not satisfied (不满意)"
		}
		return fmt.Sprintf("%s: follow-up visit (回访): %s.", w.when(e.At), sat)
	}
	if g == nil {
		return ""
	}
	sat := "counts as satisfied"
	if !g.Satisfied {
		sat = "counts as not satisfied"
	}
	if g.Reopens {
		sat += "; the case is to be reopened"
	}
	return fmt.Sprintf("%s: follow-up visit (回访): %s (%s).", w.when(e.At), g.Grade, sat)
}

func (w enWords) reopened(e *Event, cycle int, tier string) string {
	return fmt.Sprintf("%s: reopened (重新办理)%s; cycle %d counts tier %s from this instant.", w.when(e.At), enWhy(e), cycle, tier)
}

// otherEvent: the English explanation has said nothing of an event type without its own
// sentence, and keeps so.
func (enWords) otherEvent(*Event) string { return "" }

func (enWords) note(text string) string { return "  Note: " + text }

func (enWords) deadlineRequest(*deadline.Request) {}

func (enWords) noDeadline(err error) string {
	return fmt.Sprintf("The deadline cannot be explained: %v.", err)
}

func (w enWords) pausedAssumption(pausedAt, resumeAt time.Time) string {
	return fmt.Sprintf("The case is paused since %s; the deadline below assumes it resumes at %s.", w.when(pausedAt), w.when(resumeAt))
}

func (w enWords) overdue(s Status) string {
	return fmt.Sprintf("Overdue since %s: %d working day(s) past the last day %s.", w.when(s.JudgedDue), s.OverdueDays, s.JudgedLastDay.Format(time.DateOnly))
}

func (enWords) closedLate(s Status) string {
	return fmt.Sprintf("Closed late: %d working day(s) after the last day %s.", s.OverdueDays, s.JudgedLastDay.Format(time.DateOnly))
}

func (w enWords) pausedState(s Status) string {
	if s.Due.IsZero() {
		return fmt.Sprintf("Paused since %s: the deadline is suspended; %d working day(s) would remain if the case resumed now.", w.when(s.PausedSince), s.RemainingDays)
	}
	return fmt.Sprintf("Paused since %s after the deadline was already fixed: the pause does not move it.", w.when(s.PausedSince))
}

func (w enWords) remaining(s Status) string {
	return fmt.Sprintf("%d working day(s) remain after today before the deadline %s.", s.RemainingDays, s.JudgedDue.In(w.loc).Format("2006-01-02 15:04"))
}

func (w enWords) lateExtensions(s Status) string {
	return fmt.Sprintf("%d late extension(s) were recorded (policy late_extension: overdue): the deadline shown is %s, but the case is judged by %s.",
		s.LateExtensions, w.when(s.Due), w.when(s.JudgedDue))
}

func (w enWords) warning(x WarningCrossing) string {
	return fmt.Sprintf("Warning %s (%s) crossed at %s: %s.", x.ID, x.Label, w.when(x.At), w.p.warningRule(x.ID, false))
}

func (w enWords) openPause(o OpenPause) string {
	return fmt.Sprintf("Open pause%s since %s: %s.", pauseName(&Event{Pause: o.Pause}), w.when(o.Since), o.Reason)
}

func (w enWords) supervision(_ Status, l SupervisionReached, _ *SupervisionAction) string {
	return fmt.Sprintf("Supervision level %s (%s) reached at %s: %s must act.", l.ID, l.Label, w.when(l.At), l.By)
}

// reopenRequired: the English explanation says it through the visit's sentence.
func (enWords) reopenRequired(Status) string { return "" }

func (w enWords) target(t TargetStatus) string {
	unit := ""
	if t.Unit != "" {
		unit = " for " + t.Unit
	}
	if t.Done.IsZero() {
		return fmt.Sprintf("Target %s (%s)%s from %s: due %s, %s.", t.ID, t.Label, unit, w.when(t.Start), w.when(t.Due), stateWords(t.State, true))
	}
	return fmt.Sprintf("Target %s (%s)%s from %s: due %s, %s by %s at %s.", t.ID, t.Label, unit, w.when(t.Start), w.when(t.Due), stateWords(t.State, true), t.DoneBy, w.when(t.Done))
}

// warningRule says in words when warning id is crossed (convention 14), in Chinese when zh:
// the warning is found and its kind decided once, and only the sentence differs.
func (p *Policy) warningRule(id string, zh bool) string {
	pick := func(en, cn string) string {
		if zh {
			return cn
		}
		return en
	}
	for _, w := range p.warnings {
		if w.ID != id {
			continue
		}
		switch {
		case w.Fraction > 0:
			pct := strconv.FormatFloat(w.Fraction*100, 'g', 6, 64) + "%"
			return pick("the instant "+pct+" of the period had elapsed, counted in its own unit, not in wall-clock time (for working days, each counted day runs from 00:00 to its end; 100% is Due)",
				"即时限已用去"+pct+"的时刻，按已用的工作时间计算，不按自然时间（每个计入的工作日从0:00计到当日结束，用去100%即到期）")
		case w.LastWorkday:
			return pick("00:00 of the last working day of the period", "即最后一个工作日的0:00")
		default:
			return pick(fmt.Sprintf("00:00 of the working day %d working day(s) before the last day of the period, from which %d remain after the day (到期前%d个工作日; paused days not counted)", w.DaysLeft, w.DaysLeft, w.DaysLeft),
				fmt.Sprintf("即到期前%d个工作日（最后一个工作日之前第%d个计入的工作日，中止的日子不计）的0:00", w.DaysLeft, w.DaysLeft))
		}
	}
	return pick("a warning the policy no longer declares", "政策已不再规定此预警")
}

// stateWords renders a state for a case or, with target, for a target.
func stateWords(s State, target bool) string {
	switch s {
	case StateOnTrack:
		return "on track"
	case StateWarning:
		return "warning"
	case StateOverdue:
		return "overdue"
	case StatePaused:
		return "paused"
	case StateClosedOnTime:
		if target {
			return "met on time"
		}
		return "closed on time"
	case StateClosedLate:
		if target {
			return "met late"
		}
		return "closed late"
	case StateUnclassified:
		return "unclassified"
	}
	return string(s)
}

// due is the deadline of req by the policy's Counter, without explanation:
// the instants and provisional flag the lifecycle keeps. A suspended
// deadline has zero due and last.
func (p *Policy) due(req deadline.Request) (due, last time.Time, provisional bool, err error) {
	d, err := p.counter.Deadline(req)
	if err != nil {
		return time.Time{}, time.Time{}, false, err
	}
	return d.Due, d.LastDay, d.Provisional, nil
}
