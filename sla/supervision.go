package sla

import (
	"time"
)

// SupervisionReached is a supervision level (督办) a case reached in its
// current cycle, and when.
type SupervisionReached struct {
	ID, Label string
	By        string    // who must act
	At        time.Time // the instant the level was reached, in the calendar's location
}

// SupervisionAction is a supervised event of the current cycle: a
// supervisor acted (督办单, 催办).
type SupervisionAction struct {
	Level string // the level acted on; "" when the event named none
	By    string // the event's Actor
	At    time.Time
	Note  string
}

// supervisionInstants appends to dst, for every supervision level of the
// policy in policy order, the instant at which the current cycle of the
// case reaches it — in the past (reached) or in the future (it will be
// reached at that instant if no new event comes) — and the zero time when
// it will not be reached without a new event: the cycle closed before it, an
// open pause suspends the deadline (or, for a warning, began before the
// crossing: nothing is used while paused), or the instant is beyond the
// calendar. r must hold the state StatusAt computed st from at now (r.state
// ran for st, as r.status does). This is the one source of the levels:
// Status.Supervision lists those at or before now, and the earliest after
// now is when the supervision of the case next changes without a new event,
// which is what a computation of the status's next change must take.
//
// A level triggered by a warning is reached when the warning is crossed
// (its instant by the same computation as Status.Warnings); one triggered
// by lateness at JudgedDue (0 working days) or at 00:00 of the N-th working
// day after JudgedLastDay, the instant Status.OverdueDays reaches N, and
// never before JudgedDue.
func (r *replayer) supervisionInstants(st *Status, dst []time.Time) ([]time.Time, error) {
	levels := r.p.loop.supervision
	if len(levels) == 0 || !r.hasTier {
		for range levels {
			dst = append(dst, time.Time{})
		}
		return dst, nil
	}
	warnAt := r.wat[:max(r.nwat, 0)]
	if r.nwat < 0 || len(warnAt) != len(r.p.warnings) {
		var err error
		if warnAt, err = r.warningInstants(r.sreq, nil); err != nil {
			return nil, err
		}
	}
	loc := r.p.cal.Location()
	for i := range levels {
		l := &levels[i]
		var at time.Time
		switch {
		case l.Warning != "":
			for k := range r.p.warnings {
				if r.p.warnings[k].ID == l.Warning {
					at = warnAt[k]
				}
			}
			if r.paused && !r.closed && at.After(r.pauseAt) {
				at = time.Time{}
			}
		case st.JudgedDue.IsZero():
			// Suspended by an open pause: not late until it resumes.
		case l.OverdueDays == 0:
			at = st.JudgedDue
		default:
			day, err := r.p.cal.AddWorkdays(st.JudgedLastDay, l.OverdueDays)
			if err == nil {
				at = maxTime(day, st.JudgedDue)
			}
		}
		if r.closed && !at.Before(r.closedAt) {
			at = time.Time{}
		}
		if !at.IsZero() && at.Location() != loc {
			at = at.In(loc)
		}
		dst = append(dst, at)
	}
	return dst, nil
}

// supervision fills st.Supervision (the levels reached at or before now, in
// order of reaching; policy order for equal instants) and st.Supervised
// (the supervised events of the current cycle), and returns the earliest
// level instant after now (zero when none): the supervision source of
// Status.NextChange, from the same instants.
func (r *replayer) supervision(st *Status, now time.Time) (next time.Time, err error) {
	if len(r.p.loop.supervision) == 0 {
		return time.Time{}, nil
	}
	var buf [MaxSupervisionLevels]time.Time
	ats, err := r.supervisionInstants(st, buf[:0])
	if err != nil {
		return time.Time{}, err
	}
	reached := 0
	for _, at := range ats {
		if !at.IsZero() && !at.After(now) {
			reached++
		}
	}
	if reached > 0 {
		// One allocation of the exact size: StatusAt runs over every open case of
		// a report, and growing the slice level by level tripled its garbage.
		st.Supervision = make([]SupervisionReached, 0, reached)
	}
	for i, at := range ats {
		if at.IsZero() || at.After(now) {
			continue
		}
		l := &r.p.loop.supervision[i]
		st.Supervision = append(st.Supervision, SupervisionReached{ID: l.ID, Label: l.Label, By: l.By, At: at})
	}
	s := st.Supervision
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].At.Before(s[j-1].At); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	loc := r.p.cal.Location()
	for i := r.cycleIdx; i < r.n; i++ {
		if r.kind(i) == kindSupervised {
			e := &r.events[i]
			st.Supervised = append(st.Supervised, SupervisionAction{Level: e.Level, By: e.Actor, At: e.At.In(loc), Note: e.Note})
		}
	}
	return earliestAfter(now, ats...), nil
}

// supervised applies a supervised event: the case must have reached a
// level by its instant, and the level it names must be one of those.
func (r *replayer) supervised(e *Event) error {
	levels := r.p.loop.supervision
	if len(levels) == 0 {
		return eventFail(ErrEventState, "", "policy %s declares no supervision levels", r.p.id)
	}
	if e.Level != "" {
		found := false
		for i := range levels {
			found = found || levels[i].ID == e.Level
		}
		if !found {
			ids := make([]string, len(levels))
			for i := range levels {
				ids[i] = levels[i].ID
			}
			return eventFail(ErrEventField, "level", "policy %s has no supervision level %q (levels: %s)", r.p.id, e.Level, joinIDs(ids))
		}
	}
	var st Status
	var wbuf [4]WarningCrossing
	var next time.Time
	if _, err := r.state(&st, e.At, wbuf[:0], &next); err != nil {
		return causeFail(err, "at", "the supervision levels cannot be computed")
	}
	var buf [MaxSupervisionLevels]time.Time
	ats, err := r.supervisionInstants(&st, buf[:0])
	if err != nil {
		return causeFail(err, "at", "the supervision levels cannot be computed")
	}
	any := false
	for i, at := range ats {
		if at.IsZero() || at.After(e.At) {
			continue
		}
		any = true
		if e.Level == "" || levels[i].ID == e.Level {
			return nil
		}
	}
	if !any {
		return eventFail(ErrEventState, "", "the case has reached no supervision level of policy %s in this cycle", r.p.id)
	}
	return eventFail(ErrEventState, "level", "the case has not reached supervision level %q", e.Level)
}

func joinIDs(ids []string) string {
	out := ""
	for i, s := range ids {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
