package sla

import "time"

// Status.NextChange: when to look at a case again.
//
// A status is a pure function of the events and the instant. Between two
// events it changes in two ways only:
//
//   - by the clock: At, RemainingDays, OverdueDays, RemainingDuration and
//     OverdueDuration move with every instant, and so, while the case is
//     paused, do Due, LastDay and Provisional, which show the deadline "if the
//     case resumed now" (the clock-derived fields);
//   - at discrete instants, each known in advance from the events so far:
//     the sources below.
//
// NextChange is the earliest instant after now given by any source, so the
// status at every instant in [now, NextChange) equals the status at now in
// everything but the clock-derived fields, and differs at NextChange. A
// portal schedules its reminders from it instead of scanning every open case.
//
// Sources (each returns the zero time when it has nothing to come):
//
//   - warnings: the earliest declared warning not yet crossed whose instant
//     only time separates from now (not one after the start of an open pause:
//     it waits for the case to resume, an event);
//   - due: an open case on track or in warning becomes overdue at JudgedDue;
//   - targets: a running target on track becomes overdue at its Due;
//   - supervision: a level (督办) not yet reached is reached at the instant
//     supervisionInstants gives (a warning crossed, the case overdue, or N
//     working days overdue).
//
// A source added to Status is one more line in nextChange;
// TestNextChangeCoversStatus fails until every field of Status is either
// clock-derived, changed by events only, or covered here.

// nextChange sets st.NextChange from every source, after now.
// nextWarning and nextSupervision come from the computations that filled
// st.Warnings and st.Supervision, which already hold every instant.
func (r *replayer) nextChange(st *Status, now time.Time, nextWarning, nextSupervision time.Time) {
	st.NextChange = earliestAfter(now,
		nextWarning,
		nextDue(st, now),
		nextTarget(st, now),
		nextSupervision,
	)
	if !st.NextChange.IsZero() {
		st.NextChange = st.NextChange.In(r.p.cal.Location())
	}
}

// nextDue is when an open case on track or in warning turns overdue.
func nextDue(st *Status, now time.Time) time.Time {
	if (st.State == StateOnTrack || st.State == StateWarning) && st.JudgedDue.After(now) {
		return st.JudgedDue
	}
	return time.Time{}
}

// nextTarget is the earliest Due of a running target not yet overdue.
func nextTarget(st *Status, now time.Time) time.Time {
	var next time.Time
	for i := range st.Targets {
		t := &st.Targets[i]
		if t.Done.IsZero() && t.State == StateOnTrack && t.Due.After(now) && (next.IsZero() || t.Due.Before(next)) {
			next = t.Due
		}
	}
	return next
}

// earliestAfter is the earliest of ts strictly after now; zero if none.
func earliestAfter(now time.Time, ts ...time.Time) time.Time {
	var min time.Time
	for _, t := range ts {
		if t.After(now) && (min.IsZero() || t.Before(min)) {
			min = t
		}
	}
	return min
}
