package sla

import (
	"errors"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
)

// Move is an open case whose deadline differs between two policies, typically
// p and p.WithCalendar(newCal) after a holiday notice changed (the 2020 Spring
// Festival extension, 国办发明电〔2020〕1号, moved every deadline that crossed
// it).
type Move struct {
	CaseID     string    `json:"case_id"`
	OldDue     time.Time `json:"old_due"` // exclusive instants, in each calendar's location
	NewDue     time.Time `json:"new_due"`
	OldLastDay time.Time `json:"old_last_day"` // 00:00 of the last days
	NewLastDay time.Time `json:"new_last_day"`
	// DeltaWorkdays is the working days from OldLastDay to NewLastDay counted
	// on the new calendar (negative when the deadline moved earlier).
	DeltaWorkdays int `json:"delta_workdays"`
}

// MovedDeadlines reports the cases open at now whose current deadline differs
// between the policies old and new (typically the same policy on two
// calendars), in the order of cases. Both statuses are computed at now from
// the events dated at or before now. A paused case is compared by the
// deadline it would have if it resumed at now. Closed and unclassified cases
// are skipped: a closed case was judged on the calendar in force, and a new
// notice does not reopen it.
//
// A case that cannot be computed under either policy does not stop the
// others: MovedDeadlines returns the moves it found together with an error
// joining every failure (each naming its case). Cases are not modified.
func MovedDeadlines(cases []Case, old, new *Policy, now time.Time) ([]Move, error) {
	if old == nil || new == nil {
		return nil, diag.Errorf("sla", "moved deadlines: nil policy")
	}
	if now.IsZero() {
		return nil, diag.Errorf("sla", "moved deadlines: zero now")
	}
	var moves []Move
	var errs []error
	for i := range cases {
		c := &cases[i]
		od, ol, open, err := old.openDue(c, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !open {
			continue
		}
		nd, nl, _, err := new.openDue(c, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if od.Equal(nd) {
			continue
		}
		delta, err := new.cal.WorkdaysBetween(ol, nl)
		if err != nil {
			errs = append(errs, diag.Invalidf("sla", "moved deadlines: case %s: %w", c.ID, err))
			continue
		}
		moves = append(moves, Move{CaseID: c.ID, OldDue: od, NewDue: nd, OldLastDay: ol, NewLastDay: nl, DeltaWorkdays: delta})
	}
	return moves, errors.Join(errs...)
}

// openDue is the current deadline of c at now (an open pause taken to end at
// now) and whether the case is open and classified.
func (p *Policy) openDue(c *Case, now time.Time) (due, last time.Time, open bool, err error) {
	if err := p.checkCase(c); err != nil {
		return time.Time{}, time.Time{}, false, err
	}
	var r replayer
	if err := r.replayUntil(p, c, now); err != nil {
		return time.Time{}, time.Time{}, false, err
	}
	if r.closed || !r.hasTier {
		return time.Time{}, time.Time{}, false, nil
	}
	due, last, _, err = p.due(r.request(now, false))
	if err != nil {
		return time.Time{}, time.Time{}, false, r.statusErr(err)
	}
	return due, last, true, nil
}
