package sla

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/shixian-go/shixian/internal/clip"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/internal/wire"
)

// statusWire is the JSON form of a Status (see "Wire format" in the package documentation).
// Instants and dates are text, empty when unset and then left out; durations are whole seconds.
type statusWire struct {
	CaseID           string        `json:"case_id"`
	At               string        `json:"at"`
	NextChange       string        `json:"next_change,omitempty"`
	State            State         `json:"state"`
	Warning          string        `json:"warning,omitempty"`
	Tier             string        `json:"tier,omitempty"`
	Cycle            int           `json:"cycle"`
	Due              string        `json:"due,omitempty"`
	LastDay          string        `json:"last_day,omitempty"`
	JudgedDue        string        `json:"judged_due,omitempty"`
	JudgedLastDay    string        `json:"judged_last_day,omitempty"`
	Provisional      bool          `json:"provisional"`
	RemainingDays    int           `json:"remaining_days"`
	OverdueDays      int           `json:"overdue_days"`
	RemainingSeconds int64         `json:"remaining_seconds"`
	OverdueSeconds   int64         `json:"overdue_seconds"`
	Closed           string        `json:"closed,omitempty"`
	EverLate         bool          `json:"ever_late"`
	CycleLate        bool          `json:"cycle_late"`
	Extensions       int           `json:"extensions"`
	LateExtensions   int           `json:"late_extensions"`
	Paused           bool          `json:"paused"`
	PausedSince      string        `json:"paused_since,omitempty"`
	Warnings         []warningWire `json:"warnings"`
	Targets          []targetWire  `json:"targets"`
	CalendarVersion  string        `json:"calendar_version"`
	// The closed loop; left out when empty, so statuses without them read as before.
	OpenPauses     []openPauseWire   `json:"open_pauses,omitempty"`
	Supervision    []supervisionWire `json:"supervision,omitempty"`
	Supervised     []supervisedWire  `json:"supervised,omitempty"`
	Rating         string            `json:"rating,omitempty"`
	ReopenRequired bool              `json:"reopen_required,omitempty"`
	Override       *overrideWire     `json:"override,omitempty"`
}

type openPauseWire struct {
	Pause    string   `json:"pause,omitempty"`
	Reason   string   `json:"reason"`
	Code     string   `json:"code,omitempty"`
	CountsAs CountsAs `json:"counts_as"`
	Since    string   `json:"since"`
}

type supervisionWire struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	By    string `json:"by,omitempty"`
	At    string `json:"at"`
}

type supervisedWire struct {
	Level string `json:"level,omitempty"`
	By    string `json:"by"`
	At    string `json:"at"`
	Note  string `json:"note,omitempty"`
}

type warningWire struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	At    string `json:"at"`
}

type targetWire struct {
	ID      string    `json:"id"`
	Label   string    `json:"label"`
	Unit    string    `json:"unit,omitempty"`
	Start   string    `json:"start"`
	Due     string    `json:"due"`
	LastDay string    `json:"last_day"`
	Done    string    `json:"done,omitempty"`
	DoneBy  EventType `json:"done_by,omitempty"`
	State   State     `json:"state"`
}

// MarshalJSON writes the status in the library's wire format (see "Wire format" in the
// package documentation): snake_case keys, instants in RFC 3339 with the calendar's offset,
// dates as YYYY-MM-DD, the state as its string, durations in whole seconds (truncated),
// unset instants and empty texts left out, and warnings and targets always present ([] when
// none). The output is deterministic.
func (s Status) MarshalJSON() ([]byte, error) {
	w := statusWire{
		CaseID: s.CaseID, At: wire.Instant(s.At), NextChange: wire.Instant(s.NextChange), State: s.State, Warning: s.Warning, Tier: s.Tier, Cycle: s.Cycle,
		Due: wire.Instant(s.Due), LastDay: wire.Date(s.LastDay),
		JudgedDue: wire.Instant(s.JudgedDue), JudgedLastDay: wire.Date(s.JudgedLastDay),
		Provisional: s.Provisional, RemainingDays: s.RemainingDays, OverdueDays: s.OverdueDays,
		RemainingSeconds: wire.Seconds(s.RemainingDuration), OverdueSeconds: wire.Seconds(s.OverdueDuration),
		Closed: wire.Instant(s.Closed), EverLate: s.EverLate, CycleLate: s.CycleLate,
		Extensions: s.Extensions, LateExtensions: s.LateExtensions,
		Paused: s.Paused, PausedSince: wire.Instant(s.PausedSince),
		Warnings: make([]warningWire, len(s.Warnings)), Targets: make([]targetWire, len(s.Targets)),
		CalendarVersion: s.CalendarVersion, Override: s.Override.wire(),
	}
	for i, c := range s.Warnings {
		w.Warnings[i] = warningWire{ID: c.ID, Label: c.Label, At: wire.Instant(c.At)}
	}
	for i, t := range s.Targets {
		w.Targets[i] = targetWire{ID: t.ID, Label: t.Label, Unit: t.Unit, Start: wire.Instant(t.Start),
			Due: wire.Instant(t.Due), LastDay: wire.Date(t.LastDay), Done: wire.Instant(t.Done), DoneBy: t.DoneBy, State: t.State}
	}
	w.loopWire(&s)
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes, so that a client of a portal written in Go
// reads the statuses it is sent with the type that wrote them. It is as strict as the case
// decoder: unknown keys, trailing data, invalid UTF-8, a missing case_id, at or state, an
// unknown state or done_by, an instant that is not RFC 3339, a date that is not YYYY-MM-DD and
// a negative duration are errors. Instants keep the offset they were written with; dates are
// 00:00 in the offset of "at" (every instant of a status is in the calendar's location, so
// that is the calendar's offset). Empty warnings and targets decode as nil. On error *s is
// unchanged.
func (s *Status) UnmarshalJSON(data []byte) error {
	out, err := wire.Read(data, (*statusWire).status)
	if err != nil {
		return diag.Invalidf("sla", "status JSON: %w", err)
	}
	*s = out
	return nil
}

// status converts the wire form back, checking what the JSON decoder cannot.
func (w *statusWire) status() (Status, error) {
	switch {
	case w.CaseID == "":
		return Status{}, errors.New("no case_id")
	case w.At == "":
		return Status{}, errors.New("no at")
	case !w.State.known():
		return Status{}, fmt.Errorf("state %s is not a state (%s)", clip.Quote(string(w.State)), stateNames())
	}
	p := wire.Parser{}
	s := Status{CaseID: w.CaseID, At: p.Instant("at", w.At), State: w.State, Warning: w.Warning, Tier: w.Tier,
		Cycle: w.Cycle, Provisional: w.Provisional, RemainingDays: w.RemainingDays, OverdueDays: w.OverdueDays,
		EverLate: w.EverLate, CycleLate: w.CycleLate, Extensions: w.Extensions, LateExtensions: w.LateExtensions,
		Paused: w.Paused, CalendarVersion: w.CalendarVersion, Override: w.Override.override()}
	p.Loc = s.At.Location()
	s.Due, s.LastDay = p.Instant("due", w.Due), p.Date("last_day", w.LastDay)
	s.JudgedDue, s.JudgedLastDay = p.Instant("judged_due", w.JudgedDue), p.Date("judged_last_day", w.JudgedLastDay)
	s.RemainingDuration, s.OverdueDuration = p.Seconds("remaining_seconds", w.RemainingSeconds), p.Seconds("overdue_seconds", w.OverdueSeconds)
	s.Closed, s.PausedSince = p.Instant("closed", w.Closed), p.Instant("paused_since", w.PausedSince)
	s.NextChange = p.Instant("next_change", w.NextChange)
	p.Count("cycle", w.Cycle)
	p.Count("remaining_days", w.RemainingDays)
	p.Count("overdue_days", w.OverdueDays)
	p.Count("extensions", w.Extensions)
	p.Count("late_extensions", w.LateExtensions)
	if len(w.Warnings) > 0 {
		s.Warnings = make([]WarningCrossing, len(w.Warnings))
		for i, c := range w.Warnings {
			s.Warnings[i] = WarningCrossing{ID: c.ID, Label: c.Label, At: p.Instant(fmt.Sprintf("warnings[%d].at", i), c.At)}
		}
	}
	if len(w.Targets) > 0 {
		s.Targets = make([]TargetStatus, len(w.Targets))
		for i, t := range w.Targets {
			key := fmt.Sprintf("targets[%d].", i)
			if !t.State.known() {
				p.Keep(fmt.Errorf("%sstate: %s is not a state (%s)", key, clip.Quote(string(t.State)), stateNames()))
			}
			if t.DoneBy != "" && !t.DoneBy.Valid() {
				p.Keep(fmt.Errorf("%sdone_by: %s is not an event type", key, clip.Quote(string(t.DoneBy))))
			}
			s.Targets[i] = TargetStatus{ID: t.ID, Label: t.Label, Unit: t.Unit, Start: p.Instant(key+"start", t.Start),
				Due: p.Instant(key+"due", t.Due), LastDay: p.Date(key+"last_day", t.LastDay), Done: p.Instant(key+"done", t.Done),
				DoneBy: t.DoneBy, State: t.State}
		}
	}
	w.loopStatus(&p, &s)
	if p.Err != nil {
		return Status{}, p.Err
	}
	return s, nil
}

// loopWire writes the closed-loop fields of s.
func (w *statusWire) loopWire(s *Status) {
	if len(s.OpenPauses) > 0 {
		w.OpenPauses = make([]openPauseWire, len(s.OpenPauses))
		for i, o := range s.OpenPauses {
			w.OpenPauses[i] = openPauseWire{Pause: o.Pause, Reason: o.Reason, Code: o.Code, CountsAs: o.CountsAs, Since: wire.Instant(o.Since)}
		}
	}
	if len(s.Supervision) > 0 {
		w.Supervision = make([]supervisionWire, len(s.Supervision))
		for i, l := range s.Supervision {
			w.Supervision[i] = supervisionWire{ID: l.ID, Label: l.Label, By: l.By, At: wire.Instant(l.At)}
		}
	}
	if len(s.Supervised) > 0 {
		w.Supervised = make([]supervisedWire, len(s.Supervised))
		for i, a := range s.Supervised {
			w.Supervised[i] = supervisedWire{Level: a.Level, By: a.By, At: wire.Instant(a.At), Note: a.Note}
		}
	}
	w.Rating, w.ReopenRequired = s.Rating, s.ReopenRequired
}

// loopStatus reads the closed-loop fields back into s.
func (w *statusWire) loopStatus(p *wire.Parser, s *Status) {
	if len(w.OpenPauses) > 0 {
		s.OpenPauses = make([]OpenPause, len(w.OpenPauses))
		for i, o := range w.OpenPauses {
			s.OpenPauses[i] = OpenPause{Pause: o.Pause, Reason: o.Reason, Code: o.Code, CountsAs: o.CountsAs,
				Since: p.Instant(fmt.Sprintf("open_pauses[%d].since", i), o.Since)}
		}
	}
	if len(w.Supervision) > 0 {
		s.Supervision = make([]SupervisionReached, len(w.Supervision))
		for i, l := range w.Supervision {
			s.Supervision[i] = SupervisionReached{ID: l.ID, Label: l.Label, By: l.By, At: p.Instant(fmt.Sprintf("supervision[%d].at", i), l.At)}
		}
	}
	if len(w.Supervised) > 0 {
		s.Supervised = make([]SupervisionAction, len(w.Supervised))
		for i, a := range w.Supervised {
			s.Supervised[i] = SupervisionAction{Level: a.Level, By: a.By, At: p.Instant(fmt.Sprintf("supervised[%d].at", i), a.At), Note: a.Note}
		}
	}
	s.Rating, s.ReopenRequired = w.Rating, w.ReopenRequired
}

var states = [...]State{StateOnTrack, StateWarning, StateOverdue, StatePaused, StateClosedOnTime, StateClosedLate, StateUnclassified}

// known reports whether s is one of the declared states.
func (s State) known() bool {
	for _, k := range states {
		if s == k {
			return true
		}
	}
	return false
}

func stateNames() string {
	out := ""
	for i, k := range states {
		if i > 0 {
			out += ", "
		}
		out += string(k)
	}
	return out
}
