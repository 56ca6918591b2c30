package sla

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla/deadline"
)

// TestApplyRefusesWhatHasNoStatus: an event the policy's calendar cannot
// count, or one after which the case has no status at the event's own
// instant, is refused before anything is stored, naming the field at fault;
// the case passed in and the event are unchanged (deep comparison), and the
// corrected event that follows is accepted.
func TestApplyRefusesWhatHasNoStatus(t *testing.T) {
	p := lcPolicy(t)
	strictCal, err := calendar.New(calendar.WithProvisional(false))
	require.NoError(t, err)
	strict := p.WithCalendar(strictCal)
	tests := []struct {
		name    string
		policy  *Policy
		history []Event
		bad     Event
		field   string
		is      error  // errors.Is target, nil for none
		want    string // part of the message
		good    Event  // the corrected event, accepted afterwards
	}{
		{"an event dated 2051-01-05 on the national calendar (known years 2004–2050) is refused naming at; the event dated 2025-01-06 that follows is accepted",
			nil, []Event{lcAccepted("2025-01-03 10:00"), lcClassified("2025-01-03 10:00", "T3")},
			lcTransferred("2051-01-05 10:00", "社保中心"), "at", calendar.ErrOutOfRange,
			"event 3 (transferred at 2051-01-05 10:00 CST): calendar CN cannot count 2051-01-05 (outside the calendar's range 2004-01-01..2050-12-31)",
			lcTransferred("2025-01-06 10:00", "社保中心")},
		{"a pause dated 2205 (a typo for 2025) is refused naming at; the pause dated 2025 is accepted",
			nil, []Event{lcAccepted("2025-01-03 10:00"), lcClassified("2025-01-03 10:00", "T10")},
			lcPaused("2205-01-06 10:00"), "at", calendar.ErrOutOfRange, "cannot count 2205-01-06",
			lcPaused("2025-01-06 10:00")},
		{"an acceptance dated 2051 is refused naming at, the case stays empty; the acceptance in 2025 is accepted",
			nil, nil, lcAccepted("2051-01-03 10:00"), "at", calendar.ErrOutOfRange,
			"event 1 (accepted at 2051-01-03 10:00 CST): calendar CN cannot count 2051-01-03",
			lcAccepted("2025-01-03 10:00")},
		{"a classification whose 3-workday deadline would fall after 2050-12-31 is refused naming tier; T1 fits",
			nil, []Event{lcAccepted("2050-12-29 10:00")}, lcClassified("2050-12-29 10:00", "T3"), "tier", calendar.ErrOutOfRange,
			"the deadline cannot be computed: 3 workdays from 2050-12-29 10:00 CST: 2050-12-29: adding 3 working days lands after 2050-12-31",
			lcClassified("2050-12-29 10:00", "T1")},
		{"an extension of 10 workdays from a deadline of 2050-12-23 would end after 2050 and is refused naming length; 2 workdays fit",
			nil, []Event{lcAccepted("2050-12-20 10:00"), lcClassified("2050-12-20 10:00", "T3")},
			lcExtended("2050-12-21 10:00", 10), "length", calendar.ErrOutOfRange, "the deadline cannot be computed",
			lcExtended("2050-12-21 10:00", 2)},
		{"a transfer on 2050-12-29, a countable day, is refused naming at because its 2-workday reply target would end in 2051 (no status at the transfer); the transfer on 2050-12-27 is accepted",
			nil, []Event{lcAccepted("2050-12-26 10:00"), lcClassified("2050-12-26 10:00", "T3")},
			lcTransferred("2050-12-29 10:00", "社保中心"), "at", calendar.ErrOutOfRange,
			"event 3 (transferred at 2050-12-29 10:00 CST): no status can be computed at the event's instant: target unit_reply from 2050-12-29 10:00 CST: 2 workdays from 2050-12-29 10:00 CST: 2050-12-29: adding 2 working days lands after 2050-12-31",
			lcTransferred("2050-12-27 10:00", "社保中心")},
		{"on a calendar that refuses provisional results, an event in 2027 (only an unverified schedule) is refused naming at; the same event in 2026 is accepted",
			strict, []Event{lcAccepted("2026-12-28 09:00"), lcClassified("2026-12-28 09:00", "T1")},
			lcTransferred("2027-01-04 10:00", "社保中心"), "at", calendar.ErrYearNotCovered,
			"cannot count 2027-01-04 (year 2027 has only an unverified schedule",
			lcTransferred("2026-12-28 11:00", "社保中心")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pol := p
			if tc.policy != nil {
				pol = tc.policy
			}
			c := lcCase(t, pol, "C-1", tc.history...)
			caseBefore, eventBefore := c.Clone(), tc.bad.clone()
			jsonBefore := lcJSON(t, c)

			got, err := pol.Apply(c, tc.bad)
			require.Error(t, err)
			var ee *EventError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tc.field, ee.Field)
			assert.Equal(t, len(tc.history)+1, ee.Index, "the error speaks of the event sent")
			assert.Equal(t, tc.bad.At, ee.Event.At)
			assert.Contains(t, err.Error(), tc.want)
			assert.Regexp(t, `^sla: case C-1: event \d+ \(`, err.Error())
			assert.NotContains(t, err.Error()[len("sla: "):], "sla: ", "one prefix")
			assert.NotContains(t, err.Error(), "calendar: ", "one prefix")
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			assert.Equal(t, caseBefore, c, "the case passed in is unchanged")
			assert.Equal(t, jsonBefore, lcJSON(t, c))
			assert.Equal(t, caseBefore, got, "the case passed in is returned")
			assert.Equal(t, eventBefore, tc.bad, "the event passed in is unchanged")

			next, err := pol.Apply(c, tc.good)
			require.NoError(t, err, "the corrected event is accepted")
			require.Len(t, next.Events, len(c.Events)+1)
			require.NoError(t, pol.Validate(next))
			_, err = pol.StatusAt(next, tc.good.At)
			require.NoError(t, err)
		})
	}
}

// TestAcceptRefusesOffCalendar: an acceptance the calendar cannot count, or
// whose deadline falls past it, is refused as the acceptance the caller asked
// for — never as an error of an event the caller did not send — and is the
// caller's fault (ErrInvalid) with the calendar's cause reachable.
func TestAcceptRefusesOffCalendar(t *testing.T) {
	p := lcPolicy(t)
	input := map[string]any{"cause": "complex", "tags": []string{"x"}}
	for _, tc := range []struct {
		name, at, want string
	}{
		{"an acceptance in 2051, outside the calendar", "2051-01-03 10:00",
			"sla: accept case C-1: policy xinyu-1310 2025.1: deadline of tier T3: 3 workdays from 2051-01-03 10:00 CST: 2051-01-03: outside the calendar's range 2004-01-01..2050-12-31"},
		{"an acceptance on 2050-12-30, whose 3-day deadline falls after 2050", "2050-12-30 10:00",
			"sla: accept case C-1: policy xinyu-1310 2025.1: deadline of tier T3: …"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := p.Accept("C-1", input, lcT(tc.at))
			require.Error(t, err)
			if prefix, ok := strings.CutSuffix(tc.want, "…"); ok {
				assert.True(t, strings.HasPrefix(err.Error(), prefix), "got %q", err)
			} else {
				assert.Equal(t, tc.want, err.Error())
			}
			var ee *EventError
			assert.False(t, errors.As(err, &ee), "no event the caller never sent is named")
			assert.NotContains(t, err.Error(), "event")
			assert.ErrorIs(t, err, calendar.ErrOutOfRange)
			assert.ErrorIs(t, err, ErrInvalid)
			assert.Equal(t, map[string]any{"cause": "complex", "tags": []string{"x"}}, input, "input unchanged")
		})
	}
	_, _, err := p.Accept("C-1", input, lcT("2025-01-03 10:00"))
	require.NoError(t, err)
}

// TestValidateRefusesWhatApplyRefuses: a log stored before Apply refused
// such events (or written by other code) is reported by Validate at the
// event Apply would have refused, naming the field.
func TestValidateRefusesWhatApplyRefuses(t *testing.T) {
	p := lcPolicy(t)
	tests := []struct {
		name   string
		events []Event
		index  int
		field  string
		want   string
	}{
		{"a stored transfer dated 2051 is reported as event 3, field at",
			[]Event{lcAccepted("2025-01-03 10:00"), lcClassified("2025-01-03 10:00", "T3"), lcTransferred("2051-01-05 10:00", "x"), lcSigned("2051-01-05 11:00", "x")},
			3, "at", "cannot count 2051-01-05"},
		{"a stored transfer on 2050-12-29 whose reply target ends in 2051 is reported as event 3, field at",
			[]Event{lcAccepted("2050-12-26 10:00"), lcClassified("2050-12-26 10:00", "T3"), lcTransferred("2050-12-29 10:00", "x")},
			3, "at", "no status can be computed at the event's instant"},
		{"a close on 2050-12-30 whose 1-workday visit target ends in 2051 is reported as event 3, field at",
			[]Event{lcAccepted("2050-12-28 10:00"), lcClassified("2050-12-28 10:00", "T1"), lcClosed("2050-12-30 10:00")},
			3, "at", "no status can be computed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Case{ID: "S-1", Events: tc.events}
			before := c.Clone()
			err := p.Validate(c)
			var ee *EventError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tc.index, ee.Index)
			assert.Equal(t, tc.field, ee.Field)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, before, c)
			ok := Case{ID: "S-1", Events: tc.events[:tc.index-1]}
			assert.NoError(t, p.Validate(ok), "the log before the bad event is valid")
		})
	}
}

// TestEventErrorFields: every refusal names the JSON field at fault, or ""
// when the event as a whole does not fit the case.
func TestEventErrorFields(t *testing.T) {
	p := lcPolicy(t)
	base := []Event{lcAccepted("2025-10-13 09:00"), lcClassified("2025-10-13 09:00", "T3")}
	transferred := append(append([]Event{}, base...), lcTransferred("2025-10-13 10:00", "社保中心"))
	tests := []struct {
		name    string
		history []Event
		e       Event
		field   string
	}{
		{"an unknown type names type", base, Event{Type: "escalated", At: lcT("2025-10-13 10:00")}, "type"},
		{"a first event other than accepted names type", nil, lcClassified("2025-10-13 09:00", "T3"), "type"},
		{"a missing time names at", base, Event{Type: EventClosed}, "at"},
		{"an event dated before the previous one names at", base, lcPaused("2025-10-13 08:00"), "at"},
		{"an acceptance before the policy's effective range names at", nil, lcAccepted("2003-12-31 10:00"), "at"},
		{"a foreign unit on a pause names unit", base, Event{Type: EventPaused, At: lcT("2025-10-13 10:00"), Reason: "x", Unit: "u"}, "unit"},
		{"a pause without a reason names reason", base, Event{Type: EventPaused, At: lcT("2025-10-13 10:00")}, "reason"},
		{"an extension without an approver names approver", base, Event{Type: EventExtended, At: lcT("2025-10-13 10:00"), Length: &deadline.Period{Count: 1, Unit: deadline.Workdays}, Reason: "x"}, "approver"},
		{"a visit with neither rating nor satisfied names rating", append(append([]Event{}, base...), lcClosed("2025-10-13 10:00")), Event{Type: EventVisited, At: lcT("2025-10-13 11:00")}, "rating"},
		{"an unknown tier names tier", base, lcReclassified("2025-10-13 10:00", "T7"), "tier"},
		{"a sign-for by another unit names unit", transferred, lcSigned("2025-10-13 11:00", "劳动监察"), "unit"},
		{"an extension beyond the total cap names length", base, lcExtended("2025-10-13 10:00", 11), "length"},
		{"a late extension names at", base, lcExtended("2025-10-20 10:00", 1), "at"},
		{"a resume without a pause names no field", base, lcResumed("2025-10-13 10:00"), ""},
		{"a reopening of an open case names no field", base, lcReopened("2025-10-13 10:00"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := lcCase(t, p, "C-1", tc.history...)
			_, err := p.Apply(c, tc.e)
			var ee *EventError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tc.field, ee.Field, err.Error())
		})
	}
}

// TestApplyAtMaxEvents: a case holding MaxEvents events takes no more, and
// stays valid; StatusAt and Validate refuse a longer log.
func TestApplyAtMaxEvents(t *testing.T) {
	p := lcPolicy(t)
	events := []Event{lcAccepted("2025-11-03 10:00"), lcClassified("2025-11-03 10:00", "T10")}
	at := lcT("2025-11-03 11:00")
	for len(events) < MaxEvents {
		events = append(events, Event{Type: EventTransferred, At: at, Unit: "u"})
	}
	full := Case{ID: "M", Events: events}
	require.NoError(t, p.Validate(full))
	_, err := p.Apply(full, Event{Type: EventTransferred, At: at, Unit: "u"})
	assert.ErrorContains(t, err, "has 1000 events, the most a case may have")

	long := Case{ID: "M", Events: append(append([]Event(nil), events...), Event{Type: EventTransferred, At: at, Unit: "u"})}
	assert.ErrorContains(t, p.Validate(long), "has 1001 events (at most 1000)")
	_, err = p.StatusAt(long, at)
	assert.ErrorContains(t, err, "at most 1000")
	assert.False(t, errors.Is(err, ErrEventOrder))
}
