package slatest

import (
	"fmt"
	"time"

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
	out.explanation = st.Explain(p, c)
	return out, nil
}
