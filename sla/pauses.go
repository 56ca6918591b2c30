package sla

import (
	"strings"
	"time"

	"github.com/shixian-go/shixian/sla/deadline"
)

// MaxOpenPauses bounds how many pauses of a case may be open at once. Real
// overlaps are two or three (an expert review during a hearing); the bound
// keeps the replay's state a fixed size.
const MaxOpenPauses = 16

// openPauses are the indexes of the paused events still open, in log order
// (so the first is the earliest).
type openPauses struct {
	idx [MaxOpenPauses]int32
	n   int
}

func (o *openPauses) push(i int) {
	if o.n < MaxOpenPauses {
		o.idx[o.n] = int32(i)
		o.n++
	}
}

func (o *openPauses) remove(k int) {
	copy(o.idx[k:o.n], o.idx[k+1:o.n])
	o.n--
}

// find is the position of the open pause named name, -1 if none.
func (o *openPauses) find(events []Event, name string) int {
	for k := 0; k < o.n; k++ {
		if events[o.idx[k]].Pause == name {
			return k
		}
	}
	return -1
}

// resolve is the position of the open pause a resume naming name ends: the
// one of that name; for no name, the only open pause, else the open unnamed
// one; -1 if none. It allocates nothing (request calls it on every replay).
func (o *openPauses) resolve(events []Event, name string) int {
	if name == "" && o.n == 1 {
		return 0
	}
	return o.find(events, name)
}

// unresolved says why a resume naming name ends no open pause.
func (o *openPauses) unresolved(events []Event, name string) string {
	switch {
	case name != "":
		return "no pause " + quote(name) + " is open" + o.list(events)
	case o.n == 0:
		return "resume without a pause"
	}
	return "several pauses are open" + o.list(events) + "; name the one to end (pause)"
}

// list is " (open: a, b)", or "" when none is open.
func (o *openPauses) list(events []Event) string {
	if o.n == 0 {
		return ""
	}
	names := make([]string, o.n)
	for k := 0; k < o.n; k++ {
		names[k] = quote(events[o.idx[k]].Pause)
	}
	return " (open: " + strings.Join(names, ", ") + ")"
}

func quote(name string) string {
	if name == "" {
		return "(unnamed)"
	}
	return `"` + name + `"`
}

// pause opens a pause (event i).
func (r *replayer) pause(i int, e *Event) error {
	if r.check {
		if err := r.p.checkReason(e); err != nil {
			return err
		}
	}
	if k := r.open.find(r.events, e.Pause); k >= 0 {
		since := r.events[r.open.idx[k]].At
		if e.Pause == "" {
			return eventFail(ErrEventState, "", "the case is already paused since %s (name each pause, with pause, to keep several open)", r.when(since))
		}
		return eventFail(ErrEventState, "pause", "pause %q is already open since %s", e.Pause, r.when(since))
	}
	if r.open.n >= MaxOpenPauses {
		return eventFail(ErrEventState, "", "%d pauses are open already (at most %d)", r.open.n, MaxOpenPauses)
	}
	r.open.push(i)
	r.paused, r.pauseAt = true, r.events[r.open.idx[0]].At
	return nil
}

// resume ends the pause event i names. A pause whose reason code counts as
// restart (补正, 行政许可法 art. 32) ends with a restart of the clock.
func (r *replayer) resume(i int, e *Event) error {
	k := r.open.resolve(r.events, e.Pause)
	if k < 0 {
		field := ""
		if e.Pause != "" || r.open.n > 1 {
			field = "pause"
		}
		return eventFail(ErrEventState, field, "%s", r.open.unresolved(r.events, e.Pause))
	}
	pe := &r.events[r.open.idx[k]]
	if rc := r.p.reasonCode(EventPaused, pe.Reason); rc != nil && rc.CountsAs == CountsRestart {
		if r.hasTier {
			if err := r.lateChange(e, r.p.lifecycle.LateRestart, "restart (the resume of a pause for "+rc.Code+")", "late_restart"); err != nil {
				return err
			}
		}
		r.startClock(i, e.At)
		return nil
	}
	r.open.remove(k)
	r.paused = r.open.n > 0
	r.pauseAt = time.Time{}
	if r.paused {
		r.pauseAt = r.events[r.open.idx[0]].At
	}
	return nil
}

// inForce is the deadline in force at at: the one the cycle is judged by
// (without late extensions), with open pauses taken to end at at; the
// earlier frozen one after a late change (judge).
func (r *replayer) inForce(at time.Time) (due, last time.Time, err error) {
	due, last, _, err = r.p.due(r.request(at, true))
	if err != nil {
		return time.Time{}, time.Time{}, causeFail(err, "at", "the deadline in force cannot be computed")
	}
	due, last = r.judge(due, last)
	return due, last, nil
}

// judge is the deadline the cycle is judged by, given the one its current
// tier, clock, pauses and timely extensions give: that one, or, after a late
// change (frozen), the earlier of it and the deadline in force at the
// change. A late change never makes the case later than it was, and a
// change to a shorter tier still shortens it.
func (r *replayer) judge(due, last time.Time) (time.Time, time.Time) {
	if r.frozen && !due.IsZero() && r.frozenDue.Before(due) {
		return r.frozenDue, r.frozenLast
	}
	return due, last
}

// lateChange governs a reclassification or restart (what; key is its policy
// setting) at e.At by set: before the deadline in force it is an ordinary
// change; at or after it, LateChangeReject refuses it and LateChangeOverdue
// freezes the deadline the cycle is judged by at the one in force, so the
// cycle stays late whatever the change does to Due.
func (r *replayer) lateChange(e *Event, set LateChange, what, key string) error {
	due, last, err := r.inForce(e.At)
	if err != nil {
		return err
	}
	if e.At.Before(due) {
		return nil
	}
	if set == LateChangeReject {
		return eventFail(ErrLateChange, "at", "%s at or after the deadline %s; policy %s rejects it (%s: reject)", what, r.when(due), r.p.id, key)
	}
	// due is already the earlier of the frozen deadline and the current
	// one (judge): a second late change keeps the earliest.
	r.frozen, r.frozenDue, r.frozenLast = true, due, last
	return nil
}

// returned applies a return (退回) by the unit holding the case, within the
// window of the policy's return targets.
func (r *replayer) returned(e *Event) error {
	switch {
	case r.unit == "":
		return eventFail(ErrEventState, "unit", "return by %q, but the case was never transferred", e.Unit)
	case !r.held:
		return eventFail(ErrEventState, "unit", "return by %q, but %q returned the case already and it was not transferred since", e.Unit, r.unit)
	case e.Unit != r.unit:
		return eventFail(ErrEventState, "unit", "return by %q, but the case is held by %q", e.Unit, r.unit)
	}
	if r.check {
		if err := r.p.checkReason(e); err != nil {
			return err
		}
	}
	for k := range r.p.targets {
		t := &r.p.targets[k]
		if !t.returnWindow() {
			continue
		}
		start := r.transferAt
		if t.After == AfterSignedFor {
			if !r.transferSigns {
				continue // the window opens with the sign-for
			}
			start = r.signedAt
		} else if t.After != AfterTransferred {
			continue
		}
		due, _, _, err := r.p.due(deadline.Request{Start: start, Period: t.Limit})
		if err != nil {
			return causeFail(err, "at", "the window of target "+t.ID+" cannot be computed")
		}
		if !e.At.Before(due) {
			return eventFail(ErrEventState, "at", "the window to return the case closed at %s (target %s: within %s of %s)", r.when(due), t.ID, t.Limit, t.After)
		}
	}
	r.held, r.transferOpen = false, false
	return nil
}

// isReturnTarget is the id convention for targets without a `kind:` key: those
// whose id is "return" or starts with "return_" bound how soon a unit may
// return a case (TargetReturnWindow; see Target.Kind). They are enforced
// when a unit returns the case (a return after the window is refused) and
// are not listed in Status.Targets: they are a window for an action, not a
// limit someone must meet.
func isReturnTarget(id string) bool {
	return id == "return" || strings.HasPrefix(id, "return_")
}

// pauseName is ` "name"` for a named pause, "" otherwise, for explanations.
func pauseName(e *Event) string {
	if e.Pause == "" {
		return ""
	}
	return ` "` + e.Pause + `"`
}
