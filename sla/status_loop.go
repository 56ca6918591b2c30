package sla

import "time"

// OpenPause is one pause open at the status instant.
type OpenPause struct {
	Pause  string // its name; "" for an unnamed pause
	Reason string // the paused event's reason, as sent
	// Code is the reason code the reason stands for, "" for free text, and
	// CountsAs what the code says the time counts as (CountsExcluded for
	// free text).
	Code     string
	CountsAs CountsAs
	Since    time.Time
}

// loopStatus fills the closed-loop fields of st: open pauses, supervision,
// rating. It allocates only what it lists.
func (r *replayer) loopStatus(st *Status, now time.Time) (nextSupervision time.Time, err error) {
	if r.open.n > 0 && !r.closed {
		loc := r.p.cal.Location()
		st.OpenPauses = make([]OpenPause, r.open.n)
		for k := 0; k < r.open.n; k++ {
			e := &r.events[r.open.idx[k]]
			o := &st.OpenPauses[k]
			o.Pause, o.Reason, o.Since = e.Pause, e.Reason, e.At.In(loc)
			if rc := r.p.reasonCode(EventPaused, e.Reason); rc != nil {
				o.Code, o.CountsAs = rc.Code, rc.CountsAs
			}
		}
	}
	if r.closed && r.visited {
		if g := r.p.grade(r.grade); g != nil {
			st.Rating, st.ReopenRequired = g.Grade, g.Reopens
		}
	}
	if r.hasTier {
		return r.supervision(st, now)
	}
	return time.Time{}, nil
}
