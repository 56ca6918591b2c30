package slatest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

// The suite runner reaches the case lifecycle of package sla (Accept, Apply, StatusAt) only
// through this file, so that the rest of the package reads as plain classification and
// deadline checks.

func eventTypeList() []sla.EventType { return sla.EventTypes() }

func stateList() []sla.State {
	return []sla.State{
		sla.StateOnTrack, sla.StateWarning, sla.StateOverdue, sla.StatePaused,
		sla.StateClosedOnTime, sla.StateClosedLate, sla.StateUnclassified,
	}
}

// lcOutcome is what a case's life produced at the instant asked about.
type lcOutcome struct {
	decision      rules.Decision
	tier          string
	due, lastDay  time.Time
	provisional   bool
	state         sla.State
	warning       string
	overdueDays   int
	remainingDays int
	explanation   []string
	// extensions and lateExtensions count the extensions recorded; targets are the status's.
	extensions, lateExtensions int
	targets                    []sla.TargetStatus
	// The closed loop, as the status has it.
	openPauses, supervision []string
	supervised              int
	rating                  string
	reopenRequired          bool
	everLate, cycleLate     bool
}

// runLifecycle accepts the case (classifying it), applies the events in order and takes the
// status at now. An error from classification carries no decision; an error from an event
// keeps the decision so that coverage still counts the rule.
func runLifecycle(p *sla.Policy, id string, input map[string]any, accepted time.Time, events []sla.Event, now time.Time) (lcOutcome, error) {
	var out lcOutcome
	c, dec, err := p.Accept(id, input, accepted)
	if err != nil {
		return out, err
	}
	out.decision = dec
	for i, e := range events {
		c, err = p.Apply(c, e)
		if err != nil {
			var ee *sla.EventError
			if errors.As(err, &ee) {
				return out, &suiteEventError{index: i, ee: ee}
			}
			return out, fmt.Errorf("events[%d]: %w", i, err)
		}
	}
	st, err := p.StatusAt(c, now)
	if err != nil {
		return out, err
	}
	out.tier = st.Tier
	out.due, out.lastDay, out.provisional = st.Due, st.LastDay, st.Provisional
	out.state, out.warning = st.State, st.Warning
	out.overdueDays, out.remainingDays = st.OverdueDays, st.RemainingDays
	out.extensions, out.lateExtensions, out.targets = st.Extensions, st.LateExtensions, st.Targets
	for _, op := range st.OpenPauses {
		out.openPauses = append(out.openPauses, op.Pause)
	}
	for _, lv := range st.Supervision {
		out.supervision = append(out.supervision, lv.ID)
	}
	out.supervised, out.rating, out.reopenRequired = len(st.Supervised), st.Rating, st.ReopenRequired
	out.everLate, out.cycleLate = st.EverLate, st.CycleLate
	out.explanation = st.Explain(p, c)
	return out, nil
}

// checkStatusPins compares the extension counts and target pins of status with the life the
// case had, reporting each mismatch through fail.
func checkStatusPins(st *statusExpect, life lcOutcome, at string, fail func(string, ...any)) {
	if st.extensions != nil && *st.extensions != life.extensions {
		fail("status.extensions at %s: expected %d, got %d", at, *st.extensions, life.extensions)
	}
	if st.lateExtensions != nil && *st.lateExtensions != life.lateExtensions {
		fail("status.late_extensions at %s: expected %d, got %d", at, *st.lateExtensions, life.lateExtensions)
	}
	list := func(key string, want *[]string, got []string) {
		if want != nil && !slices.Equal(*want, got) && !(len(*want) == 0 && len(got) == 0) {
			fail("status.%s at %s: expected [%s], got [%s]", key, at, quoteAll(*want), quoteAll(got))
		}
	}
	list("open_pauses", st.openPauses, life.openPauses)
	list("supervision", st.supervision, life.supervision)
	if st.supervised != nil && *st.supervised != life.supervised {
		fail("status.supervised at %s: expected %d, got %d", at, *st.supervised, life.supervised)
	}
	if st.rating != nil && *st.rating != life.rating {
		fail("status.rating at %s: expected %q, got %q", at, *st.rating, life.rating)
	}
	flag := func(key string, want *bool, got bool) {
		if want != nil && *want != got {
			fail("status.%s at %s: expected %t, got %t", key, at, *want, got)
		}
	}
	flag("reopen_required", st.reopenRequired, life.reopenRequired)
	flag("ever_late", st.everLate, life.everLate)
	flag("cycle_late", st.cycleLate, life.cycleLate)
	for _, pin := range st.targets {
		var got *sla.TargetStatus
		for i := range life.targets {
			if life.targets[i].ID == pin.id {
				got = &life.targets[i] // the latest instance wins
			}
		}
		switch {
		case pin.due == nil && got != nil:
			fail("status.targets.%s at %s: expected the target not to run, got one due %s", pin.id, at, fmtInstant(got.Due))
		case pin.due != nil && got == nil:
			fail("status.targets.%s at %s: expected due %s, got no such target running", pin.id, at, fmtInstant(*pin.due))
		case pin.due != nil && !pin.due.Equal(got.Due):
			fail("status.targets.%s at %s: expected due %s, got %s", pin.id, at, fmtInstant(*pin.due), fmtInstant(got.Due))
		}
		if got == nil {
			continue
		}
		if pin.state != nil && *pin.state != got.State {
			fail("status.targets.%s.state at %s: expected %s, got %s", pin.id, at, *pin.state, got.State)
		}
		if pin.doneBy != nil && *pin.doneBy != string(got.DoneBy) {
			fail("status.targets.%s.done_by at %s: expected %q, got %q", pin.id, at, *pin.doneBy, got.DoneBy)
		}
	}
}

// quoteAll spells a list of names for a failure, quoting each so that an unnamed pause ("")
// shows.
func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// suiteEventError is an event of a suite case that the case refused, numbered as the suite
// file lists it (events[0] is the first event written under `events:`) and followed by the
// key at fault when there is one (events[1].length). sla.EventError counts
// the case's whole log, where acceptance and classification come first, so its "event 3"
// would name what the file calls events[0].
type suiteEventError struct {
	index int
	ee    *sla.EventError
}

func (e *suiteEventError) Error() string {
	ev := e.ee.Event
	field := ""
	if e.ee.Field != "" {
		field = "." + e.ee.Field // the key written in the file
	}
	return fmt.Sprintf("events[%d]%s (%s at %s): %s", e.index, field, ev.Type, ev.At.In(cst).Format("2006-01-02 15:04 MST"), diag.Text(e.ee.Err))
}

// Unwrap gives the sla.EventError, for errors.As and the sentinels beneath it.
func (e *suiteEventError) Unwrap() error { return e.ee }
