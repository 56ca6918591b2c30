package sla

import (
	"testing"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lcCalendarBefore2020Extension rebuilds the 2020 Spring Festival schedule as
// first published (国办发明电〔2019〕16号): 01-24..01-30 off, makeup working
// days Sun 01-19 and Sat 02-01. The extension notice of 2020-01-26
// (国办发明电〔2020〕1号, in the reference data and calendar.Default) added
// Fri 01-31, Sat 02-01 (no longer a makeup day) and Sun 02-02.
func lcCalendarBefore2020Extension(t *testing.T) *calendar.Calendar {
	t.Helper()
	src := "国办发明电〔2019〕16号 (2019-11-21), before the extension"
	c, err := calendar.Default().Derive(
		calendar.WithOverrides(
			calendar.Override{Date: lcT("2020-01-31"), Kind: calendar.Workday, Source: src},
			calendar.Override{Date: lcT("2020-02-01"), Kind: calendar.MakeupWorkday, Holiday: "spring_festival", HolidayZh: "春节", Source: src},
			calendar.Override{Date: lcT("2020-02-02"), Kind: calendar.RestDay, Source: src},
		),
		calendar.WithName("CN before 国办发明电〔2020〕1号"),
	)
	require.NoError(t, err)
	return c
}

func TestMovedDeadlines2020Extension(t *testing.T) {
	p := lcPolicy(t) // on calendar.Default(), with the extension
	old := p.WithCalendar(lcCalendarBefore2020Extension(t))
	now := lcT("2020-01-27 10:00") // the day after the extension notice
	cases := []Case{
		// Accepted Thu 2020-01-23 10:00, T10. Before the extension: 01-31
		// (1), 02-01 makeup (2), 02-03..02-07 (3–7), 02-10..02-12 (8–10) →
		// due Wed 02-12 24:00. After it: 02-03..02-07 (1–5), 02-10..02-14
		// (6–10) → due Fri 02-14 24:00: moved by 2 working days.
		lcCase(t, p, "A-T10", lcAccepted("2020-01-23 10:00"), lcClassified("2020-01-23 10:00", "T10")),
		// T1 accepted the same day: 01-31 before, Mon 02-03 after (1 day:
		// 01-31..02-02 are off on the new calendar).
		lcCase(t, p, "B-T1", lcAccepted("2020-01-23 10:00"), lcClassified("2020-01-23 10:00", "T1")),
		// Closed before now: judged on the calendar in force, not reported.
		lcCase(t, p, "C-closed", lcAccepted("2020-01-20 10:00"), lcClassified("2020-01-20 10:00", "T1"), lcClosed("2020-01-21 15:00")),
		// Accepted during the holiday, Mon 01-27 09:00, T3: 01-31, 02-01,
		// 02-03 before; 02-03, 02-04, 02-05 after: +2.
		lcCase(t, p, "D-holiday", lcAccepted("2020-01-27 09:00"), lcClassified("2020-01-27 09:00", "T3")),
		// Open, overdue since 01-07 24:00 on both calendars: not moved.
		lcCase(t, p, "E-overdue", lcAccepted("2020-01-02 10:00"), lcClassified("2020-01-02 10:00", "T3")),
		// Paused Thu 01-23 09:00 and still paused: compared as if it resumed
		// now (01-24..01-27 excluded, all holidays). Day 1 = 01-23; before:
		// 01-31, 02-01 → 02-01; after: 02-03, 02-04 → 02-04: +2.
		lcCase(t, p, "F-paused", lcAccepted("2020-01-22 10:00"), lcClassified("2020-01-22 10:00", "T3"), lcPaused("2020-01-23 09:00")),
		// Accepted after now: it does not exist yet at now.
		lcCase(t, p, "G-later", lcAccepted("2020-02-05 10:00"), lcClassified("2020-02-05 10:00", "T3")),
		// Unclassified: no deadline to move.
		lcCase(t, p, "H-unclassified", lcAccepted("2020-01-23 10:00")),
	}
	before := make([]string, len(cases))
	for i, c := range cases {
		before[i] = lcJSON(t, c)
	}
	moves, err := MovedDeadlines(cases, old, p, now)
	var errs []string
	if err != nil {
		errs = append(errs, err.Error())
	}
	assert.Equal(t, []string{"sla: case G-later has no event at or before 2020-01-27 10:00 CST (its first is at 2020-02-05 10:00 CST)"}, errs,
		"a case that cannot be computed is reported without stopping the others")
	assert.Equal(t, []Move{
		{CaseID: "A-T10", OldDue: lcT("2020-02-13 00:00"), NewDue: lcT("2020-02-15 00:00"), OldLastDay: lcT("2020-02-12"), NewLastDay: lcT("2020-02-14"), DeltaWorkdays: 2},
		{CaseID: "B-T1", OldDue: lcT("2020-02-01 00:00"), NewDue: lcT("2020-02-04 00:00"), OldLastDay: lcT("2020-01-31"), NewLastDay: lcT("2020-02-03"), DeltaWorkdays: 1},
		{CaseID: "D-holiday", OldDue: lcT("2020-02-04 00:00"), NewDue: lcT("2020-02-06 00:00"), OldLastDay: lcT("2020-02-03"), NewLastDay: lcT("2020-02-05"), DeltaWorkdays: 2},
		{CaseID: "F-paused", OldDue: lcT("2020-02-02 00:00"), NewDue: lcT("2020-02-05 00:00"), OldLastDay: lcT("2020-02-01"), NewLastDay: lcT("2020-02-04"), DeltaWorkdays: 2},
	}, moves)
	for i, c := range cases {
		assert.Equal(t, before[i], lcJSON(t, c), "case %s unchanged", c.ID)
	}

	// The same through StatusAt: the status names the calendar it used.
	so, err := old.StatusAt(cases[0], now)
	require.NoError(t, err)
	sn, err := p.StatusAt(cases[0], now)
	require.NoError(t, err)
	assert.Equal(t, lcT("2020-02-12"), so.LastDay)
	assert.Equal(t, lcT("2020-02-14"), sn.LastDay)
	assert.NotEqual(t, so.CalendarVersion, sn.CalendarVersion)

	// Nothing moves between a policy and itself.
	same, err := MovedDeadlines(cases[:2], p, p, now)
	require.NoError(t, err)
	assert.Empty(t, same)

	_, err = MovedDeadlines(cases, nil, p, now)
	assert.Error(t, err)
	_, err = MovedDeadlines(cases, p, p, time.Time{})
	assert.Error(t, err)
}
