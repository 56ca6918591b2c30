package sla

import (
	"encoding/json"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fields of Status that move with the clock alone, at every instant:
// NextChange promises nothing about them.
var clockDerived = map[string]bool{
	"At": true, "RemainingDays": true, "OverdueDays": true, "RemainingDuration": true, "OverdueDuration": true,
}

// The fields of Status that change only with an event, never by time alone.
var eventOnly = map[string]bool{
	"CaseID": true, "Tier": true, "Cycle": true, "Due": true, "LastDay": true, "JudgedDue": true,
	"JudgedLastDay": true, "Provisional": true, "Closed": true, "Extensions": true, "LateExtensions": true,
	"Paused": true, "PausedSince": true, "CalendarVersion": true,
	"OpenPauses": true, "Supervised": true, "Rating": true, "ReopenRequired": true, "Override": true,
}

// The fields that change at instants known in advance, each with the source
// of nextChange that gives those instants.
var timedBy = map[string]string{
	"State":       "nextDue",
	"CycleLate":   "nextDue",
	"EverLate":    "nextDue",
	"Warning":     "the warnings' next crossing",
	"Warnings":    "the warnings' next crossing",
	"Targets":     "nextTarget",
	"Supervision": "supervision (the level instants it computes)",
	"NextChange":  "itself",
}

// TestNextChangeCoversStatus: every field of Status is either clock-derived,
// changed only by events, or changed at instants one of nextChange's sources
// gives. A field added to Status (supervision levels reached, say) fails here
// until it is classified — and, if time alone changes it, until its source
// is added to nextChange and named above.
func TestNextChangeCoversStatus(t *testing.T) {
	typ := reflect.TypeOf(Status{})
	for i := 0; i < typ.NumField(); i++ {
		name := typ.Field(i).Name
		n := 0
		for _, ok := range []bool{clockDerived[name], eventOnly[name], timedBy[name] != ""} {
			if ok {
				n++
			}
		}
		assert.Equal(t, 1, n, "Status.%s: classify it in nextchange_test.go as clock-derived, event-only or timed (and give nextChange its source)", name)
	}
}

// lcTimeless is st without its clock-derived fields: always the counts, and
// while paused the deadline shown "if the case resumed now".
func lcTimeless(st Status) Status {
	st.At, st.RemainingDays, st.OverdueDays, st.RemainingDuration, st.OverdueDuration = time.Time{}, 0, 0, 0, 0
	if st.Paused {
		st.Due, st.LastDay, st.Provisional = time.Time{}, time.Time{}, false
	}
	return st
}

// lcCut is c with only its events at or before now: the history as known at now.
func lcCut(c Case, now time.Time) Case {
	n := 0
	for n < len(c.Events) && !c.Events[n].At.After(now) {
		n++
	}
	c.Events = c.Events[:n:n]
	return c
}

// TestPropertyNextChange: for random histories on policy variants (the
// default, a "1 workday left" warning, hour-based targets) and random
// instants now, the status at every sampled instant in [now, NextChange)
// equals the status at now in everything but the clock-derived fields
// (NextChange included: it is the same instant), and at NextChange it
// differs in something else than those. With no NextChange the status stays
// the same for the next 60 days.
func TestPropertyNextChange(t *testing.T) {
	policies := []*Policy{
		lcPolicy(t),
		lcPolicy(t, lcYellowLeft...),
		lcPolicy(t, lcDispatchTgt...),
	}
	rng := rand.New(rand.NewSource(20260307))
	n := 1500
	if testing.Short() {
		n = 200
	}
	changes, none := 0, 0
	for i := 0; i < n; i++ {
		p := policies[i%len(policies)]
		full := lcRandomCase(t, rng, p, "N-1")
		first, last := full.Events[0].At, lcLastAt(full)
		now := first.Add(time.Duration(rng.Int63n(int64(last.Sub(first)) + int64(10*24*time.Hour))))
		c := lcCut(full, now)
		st, err := p.StatusAt(c, now)
		require.NoError(t, err)
		want := lcTimeless(st)
		b, _ := json.Marshal(c)
		end := st.NextChange
		if end.IsZero() {
			none++
			end = now.Add(60 * 24 * time.Hour)
		} else {
			changes++
			require.True(t, st.NextChange.After(now), "NextChange %v not after now %v: %s", st.NextChange, now, b)
		}
		span := end.Sub(now)
		samples := []time.Time{now.Add(time.Nanosecond), end.Add(-time.Nanosecond), end.Add(-time.Minute)}
		for k := 0; k < 6; k++ {
			samples = append(samples, now.Add(time.Duration(rng.Int63n(int64(span)))))
		}
		for _, at := range samples {
			if at.Before(now) || !at.Before(end) {
				continue
			}
			got, err := p.StatusAt(c, at)
			require.NoError(t, err)
			require.Equal(t, want, lcTimeless(got), "status at %v differs from the status at %v before NextChange %v: %s", at, now, st.NextChange, b)
		}
		if !st.NextChange.IsZero() {
			got, err := p.StatusAt(c, st.NextChange)
			require.NoError(t, err)
			after := lcTimeless(got)
			after.NextChange = want.NextChange
			require.NotEqual(t, want, after, "nothing but the clock changed at NextChange %v (status at %v): %s", st.NextChange, now, b)
		}
	}
	assert.Greater(t, changes, n/4, "enough statuses had a next change")
	assert.Greater(t, none, n/20, "enough statuses had none")
}

// TestNextChangeInWords: NextChange stated for cases a portal meets.
func TestNextChangeInWords(t *testing.T) {
	p := lcPolicy(t)
	t3 := lcEv(lcAccepted("2025-11-03 10:00"), lcClassified("2025-11-03 10:00", "T3"))
	cases := []struct {
		name   string
		events []Event
		now    string
		want   string // "" for none
	}{
		{"a T3 case accepted Monday 10:00, at acceptance: next is yellow, 1.5 days in (Wednesday 12:00)", t3, "2025-11-03 10:00", "2025-11-05 12:00"},
		{"the same case Wednesday 12:00, yellow just crossed: next is the last day, Thursday 00:00", t3, "2025-11-05 12:00", "2025-11-06 00:00"},
		{"the same case Thursday 10:00, every warning crossed: next is overdue at Due, Friday 00:00", t3, "2025-11-06 10:00", "2025-11-07 00:00"},
		{"the same case overdue Friday: next is 挂牌督办 at 3 working days overdue, Tuesday 11-11 00:00", t3, "2025-11-07 10:00", "2025-11-11 00:00"},
		{"then 通报 at 5 working days overdue, Thursday 11-13 00:00", t3, "2025-11-11 00:00", "2025-11-13 00:00"},
		{"after the last supervision level: nothing changes until an event", t3, "2025-11-14 10:00", ""},
		{"a case transferred Monday 11:00: the unit's sign-for target (due 16:30) comes first", append(lcEv(), append(t3, lcTransferred("2025-11-03 11:00", "社保中心"))...), "2025-11-03 11:00", "2025-11-03 16:30"},
		{"a case paused before its deadline: nothing until it resumes", append(lcEv(), append(t3, lcPaused("2025-11-04 09:00"))...), "2025-11-04 10:00", ""},
		{"an unclassified case: nothing", lcEv(lcAccepted("2025-11-03 10:00")), "2025-11-03 11:00", ""},
		{"a case closed on time Monday: its follow-up visit target (1 working day) is due Tuesday 24:00", append(lcEv(), append(t3, lcClosed("2025-11-03 15:00"))...), "2025-11-03 16:00", "2025-11-05 00:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := lcCase(t, p, "C-1", tc.events...)
			st, err := p.StatusAt(c, lcT(tc.now))
			require.NoError(t, err)
			if tc.want == "" {
				assert.True(t, st.NextChange.IsZero(), "%v", st.NextChange)
				return
			}
			assert.True(t, st.NextChange.Equal(lcT(tc.want)), "%v", st.NextChange)
			assert.Equal(t, p.Calendar().Location(), st.NextChange.Location())
		})
	}
}
