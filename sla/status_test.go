package sla

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla/deadline"
)

// lcWant is what a scenario expects of a Status. Times are "2006-01-02 15:04"
// or a date in Beijing time; "" means the zero time.
type lcWant struct {
	state               State
	due, lastDay        string
	judgedDue           string // defaults to due
	remaining, overdue  int
	warning             string
	warnings            []string
	cycle               int // defaults to 1
	everLate, cycleLate bool
	paused              bool
	extensions, lateExt int
}

func lcTimeOrZero(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return lcT(s)
}

func lcCheck(t *testing.T, st Status, w lcWant) {
	t.Helper()
	assert.Equal(t, w.state, st.State, "state")
	assert.Equal(t, lcTimeOrZero(w.due), st.Due, "due")
	assert.Equal(t, lcTimeOrZero(w.lastDay), st.LastDay, "last day")
	jd := w.judgedDue
	if jd == "" {
		jd = w.due
	}
	assert.Equal(t, lcTimeOrZero(jd), st.JudgedDue, "judged due")
	assert.Equal(t, w.remaining, st.RemainingDays, "remaining working days")
	assert.Equal(t, w.overdue, st.OverdueDays, "overdue working days")
	assert.Equal(t, w.warning, st.Warning, "latest warning")
	var ids []string
	for _, c := range st.Warnings {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, w.warnings, ids, "warnings crossed")
	cycle := w.cycle
	if cycle == 0 {
		cycle = 1
	}
	assert.Equal(t, cycle, st.Cycle, "cycle")
	assert.Equal(t, w.everLate, st.EverLate, "ever late")
	assert.Equal(t, w.cycleLate, st.CycleLate, "cycle late")
	assert.Equal(t, w.paused, st.Paused, "paused")
	assert.Equal(t, w.extensions, st.Extensions, "extensions")
	assert.Equal(t, w.lateExt, st.LateExtensions, "late extensions")
	assert.Equal(t, Default().Calendar().Version(), st.CalendarVersion)
}

type lcScenario struct {
	name   string
	policy []string // YAML replacements on top of lcPolicy
	events []Event
	now    string
	want   lcWant
}

func lcRun(t *testing.T, tests []lcScenario) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := lcPolicy(t, tc.policy...)
			c := lcCase(t, p, "C-1", tc.events...)
			before := lcJSON(t, c)
			st, err := p.StatusAt(c, lcT(tc.now))
			require.NoError(t, err)
			lcCheck(t, st, tc.want)
			assert.Equal(t, "C-1", st.CaseID)
			assert.Equal(t, before, lcJSON(t, c), "StatusAt does not modify the case")
			again, err := p.StatusAt(c, lcT(tc.now))
			require.NoError(t, err)
			assert.Equal(t, st, again, "StatusAt is deterministic")
			assert.NotEmpty(t, st.Explain(p, c))
		})
	}
}

func lcEv(events ...Event) []Event { return events }

// The reference calendar (cn-holidays.csv) around National Day 2025:
// 09-28 (Sun) makeup working day; 10-01..10-08 holiday; 10-09 Thu and 10-10
// Fri working; 10-11 (Sat) makeup working day; 10-12 Sun rest.
var lcNationalDay = lcEv(lcAccepted("2025-09-30 17:00"), lcClassified("2025-09-30 17:00", "T3"))

func TestStatusBasicT3AcrossNationalDay(t *testing.T) {
	// Accepted Tuesday 2025-09-30 17:00, the eve of the National Day break,
	// tier T3 (3 working days, 民法典 art. 201: the acceptance day is not
	// counted): day 1 = Thu 10-09, day 2 = Fri 10-10, day 3 = Sat 10-11 (a
	// makeup working day) → due 2025-10-11 24:00 (exclusive instant
	// 2025-10-12 00:00). Warnings of the 1310 policy in working time:
	// yellow 50% → 1.5 days elapsed → 10-10 12:00; orange 80% → 2.4 days
	// → 10-11 09:36; last_workday → 10-11 00:00 (before orange).
	due, last := "2025-10-12 00:00", "2025-10-11"
	lcRun(t, []lcScenario{
		{"during the holiday, nothing used yet: on track, 3 working days after today", nil, lcNationalDay, "2025-10-03 12:00",
			lcWant{state: StateOnTrack, due: due, lastDay: last, remaining: 3}},
		{"on day 1 (Thu 10-09): on track, 2 working days remain after today", nil, lcNationalDay, "2025-10-09 10:00",
			lcWant{state: StateOnTrack, due: due, lastDay: last, remaining: 2}},
		{"on day 2 (Fri 10-10) at 11:59: 1.5 days not yet elapsed, on track", nil, lcNationalDay, "2025-10-10 11:59",
			lcWant{state: StateOnTrack, due: due, lastDay: last, remaining: 1}},
		{"on day 2 (Fri 10-10) at 12:00: half the working time used → yellow", nil, lcNationalDay, "2025-10-10 12:00",
			lcWant{state: StateWarning, due: due, lastDay: last, remaining: 1, warning: "yellow", warnings: []string{"yellow"}}},
		{"on the last day, the makeup Saturday 10-11, at 10:00: every warning (last_day at 00:00, orange at 09:36), 0 remaining", nil, lcNationalDay, "2025-10-11 10:00",
			lcWant{state: StateWarning, due: due, lastDay: last, remaining: 0, warning: "orange", warnings: []string{"yellow", "last_day", "orange"}}},
		{"at 10-11 23:59 still on time", nil, lcNationalDay, "2025-10-11 23:59",
			lcWant{state: StateWarning, due: due, lastDay: last, remaining: 0, warning: "orange", warnings: []string{"yellow", "last_day", "orange"}}},
		{"at 2025-10-12 00:00 (Sunday) overdue, 0 working days overdue", nil, lcNationalDay, "2025-10-12 00:00",
			lcWant{state: StateOverdue, due: due, lastDay: last, overdue: 0, warning: "orange", warnings: []string{"yellow", "last_day", "orange"}, cycleLate: true, everLate: true}},
		{"on Monday 10-13 overdue by 1 working day", nil, lcNationalDay, "2025-10-13 09:00",
			lcWant{state: StateOverdue, due: due, lastDay: last, overdue: 1, warning: "orange", warnings: []string{"yellow", "last_day", "orange"}, cycleLate: true, everLate: true}},
		{"closed Sat 10-11 23:59: closed on time; the warnings crossed before closing are kept", nil, append(lcEv(), append(lcNationalDay, lcClosed("2025-10-11 23:59"))...), "2025-10-20 10:00",
			lcWant{state: StateClosedOnTime, due: due, lastDay: last, warning: "orange", warnings: []string{"yellow", "last_day", "orange"}}},
		{"closed Fri 10-10 13:00: on time, only yellow was crossed before closing", nil, append(lcEv(), append(lcNationalDay, lcClosed("2025-10-10 13:00"))...), "2025-10-20 10:00",
			lcWant{state: StateClosedOnTime, due: due, lastDay: last, warning: "yellow", warnings: []string{"yellow"}}},
		{"closed at exactly 10-12 00:00: late (on time iff strictly before Due), 0 working days", nil, append(lcEv(), append(lcNationalDay, lcClosed("2025-10-12 00:00"))...), "2025-10-20 10:00",
			lcWant{state: StateClosedLate, due: due, lastDay: last, overdue: 0, warning: "orange", warnings: []string{"yellow", "last_day", "orange"}, cycleLate: true, everLate: true}},
		{"closed Tue 10-14 10:00: late by 2 working days (10-13, 10-14)", nil, append(lcEv(), append(lcNationalDay, lcClosed("2025-10-14 10:00"))...), "2025-10-20 10:00",
			lcWant{state: StateClosedLate, due: due, lastDay: last, overdue: 2, warning: "orange", warnings: []string{"yellow", "last_day", "orange"}, cycleLate: true, everLate: true}},
		{"events after now are ignored: closing on 10-14 is not seen at 10-09", nil, append(lcEv(), append(lcNationalDay, lcClosed("2025-10-14 10:00"))...), "2025-10-09 10:00",
			lcWant{state: StateOnTrack, due: due, lastDay: last, remaining: 2}},
	})
}

func TestStatusPauses(t *testing.T) {
	lcRun(t, []lcScenario{
		{
			// Accepted Mon 09-29 10:00, T3. Without a pause: day 1 = 09-30,
			// day 2 = 10-09, day 3 = 10-10 → due 10-10 24:00. Paused Tue
			// 09-30 15:00, resumed Thu 10-09 09:00: the pause excludes the
			// working days 10-01..10-09 (P+1..R, 行政许可法 art. 45), of which
			// only 10-09 is a working day (10-01..10-08 are the holiday).
			// Day 1 = 09-30 (the pause day counts in full), day 2 = 10-10,
			// day 3 = 10-11 (makeup Saturday) → due 10-11 24:00.
			"a pause spanning the National Day holiday costs only the working day inside it", nil,
			lcEv(lcAccepted("2025-09-29 10:00"), lcClassified("2025-09-29 10:00", "T3"), lcPaused("2025-09-30 15:00"), lcResumed("2025-10-09 09:00")),
			"2025-10-10 12:00", // yellow: 1.5 of 3 days elapsed at 12:00 of day 2
			lcWant{state: StateWarning, due: "2025-10-12 00:00", lastDay: "2025-10-11", remaining: 1, warning: "yellow", warnings: []string{"yellow"}},
		},
		{
			"the same case without the pause is due 10-10 24:00 (control)", nil,
			lcEv(lcAccepted("2025-09-29 10:00"), lcClassified("2025-09-29 10:00", "T3")),
			"2025-10-10 10:00", // yellow 10-09 12:00, last_day 10-10 00:00, orange 10-10 09:36
			lcWant{state: StateWarning, due: "2025-10-11 00:00", lastDay: "2025-10-10", remaining: 0, warning: "orange", warnings: []string{"yellow", "last_day", "orange"}},
		},
		{
			// Accepted Fri 10-17 10:00, T3: 10-20, 10-21, 10-22 → due Wed
			// 10-22 24:00. Paused Sat 10-18 10:00, resumed Sun 10-19 16:00:
			// excludes 10-19, a rest day: nothing.
			"a pause entirely on a weekend excludes nothing", nil,
			lcEv(lcAccepted("2025-10-17 10:00"), lcClassified("2025-10-17 10:00", "T3"), lcPaused("2025-10-18 10:00"), lcResumed("2025-10-19 16:00")),
			"2025-10-20 10:00",
			lcWant{state: StateOnTrack, due: "2025-10-23 00:00", lastDay: "2025-10-22", remaining: 2},
		},
		{
			// Paused Fri 10-17 18:00, resumed Mon 10-20 08:00: P = 10-17,
			// R = 10-20, excluded 10-18..10-20, so Monday (the resume day)
			// is excluded under resume_day: excluded even
			// though the case resumed before business hours: 10-21, 10-22,
			// 10-23 → due Thu 10-23 24:00.
			"a pause from Friday evening to Monday 08:00 excludes the resume day Monday", nil,
			lcEv(lcAccepted("2025-10-17 10:00"), lcClassified("2025-10-17 10:00", "T3"), lcPaused("2025-10-17 18:00"), lcResumed("2025-10-20 08:00")),
			"2025-10-20 10:00",
			lcWant{state: StateOnTrack, due: "2025-10-24 00:00", lastDay: "2025-10-23", remaining: 3},
		},
		{
			"under resume_day: counted the same pause excludes only the weekend: due 10-22 24:00",
			[]string{"resume_day: excluded", "resume_day: counted"},
			lcEv(lcAccepted("2025-10-17 10:00"), lcClassified("2025-10-17 10:00", "T3"), lcPaused("2025-10-17 18:00"), lcResumed("2025-10-20 08:00")),
			"2025-10-20 10:00",
			lcWant{state: StateOnTrack, due: "2025-10-23 00:00", lastDay: "2025-10-22", remaining: 2},
		},
		{
			// A case cannot be paused twice, so its pauses never overlap;
			// back-to-back pauses exclude their union. Paused Mon 10-20
			// 10:00 → Tue 10-21 10:00 (excludes 10-21), paused Tue 10-21
			// 11:00 → Wed 10-22 09:00 (excludes 10-22). Day 1 = 10-20, day
			// 2 = 10-23, day 3 = 10-24 → due Fri 10-24 24:00.
			"back-to-back pauses on one day exclude their union", nil,
			lcEv(lcAccepted("2025-10-17 10:00"), lcClassified("2025-10-17 10:00", "T3"),
				lcPaused("2025-10-20 10:00"), lcResumed("2025-10-21 10:00"), lcPaused("2025-10-21 11:00"), lcResumed("2025-10-22 09:00")),
			"2025-10-22 10:00",
			lcWant{state: StateOnTrack, due: "2025-10-25 00:00", lastDay: "2025-10-24", remaining: 2},
		},
		{
			// Accepted Fri 10-17 10:00, T3, paused Mon 10-20 10:00 and still
			// paused on Wed 10-22 10:00: the deadline is suspended (Due
			// zero). Day 1 = 10-20 is used; if the case resumed now, 10-21
			// and 10-22 would be excluded and days 2, 3 = 10-23, 10-24: 2
			// working days after today remain.
			"an open pause suspends the deadline", nil,
			lcEv(lcAccepted("2025-10-17 10:00"), lcClassified("2025-10-17 10:00", "T3"), lcPaused("2025-10-20 10:00")),
			"2025-10-22 10:00",
			lcWant{state: StatePaused, paused: true, remaining: 2},
		},
		{
			// Accepted Mon 10-13 10:00, T1 → due Tue 10-14 24:00. Paused Thu
			// 10-16, after the deadline: the pause does not rescue it.
			"a pause after the deadline leaves the case overdue", nil,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"), lcPaused("2025-10-16 10:00")),
			"2025-10-17 10:00",
			lcWant{state: StateOverdue, paused: true, due: "2025-10-15 00:00", lastDay: "2025-10-14", overdue: 3, cycleLate: true, everLate: true,
				warning: "orange", warnings: []string{"last_day", "yellow", "orange"}},
		},
		{
			// Accepted Mon 10-13 10:00, T1 → day 1 = Tue 10-14, due 10-14
			// 24:00. Paused on the last day (Tue 10-14 10:00), before Due:
			// the clock is suspended (行政许可法 art. 45, the time is not
			// counted), so the deadline is unknown until the case resumes;
			// the period is used up (0 working days left) and the last-day
			// warning, crossed at 10-14 00:00 before the pause, stays; yellow
			// (12:00) and orange (19:12) fall after the pause began, so they
			// are not crossed while it lasts.
			"paused on its last day before Due: paused, the deadline suspended, nothing left", nil,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"), lcPaused("2025-10-14 10:00")),
			"2025-10-14 15:00",
			lcWant{state: StatePaused, paused: true, remaining: 0,
				warning: "last_day", warnings: []string{"last_day"}},
		},
		{
			// The same case still paused on Wed 10-15 10:00, after the old
			// Due 10-15 00:00: still paused, never overdue while the pause
			// that began before Due lasts.
			"paused on its last day and still paused the next morning: paused, not overdue", nil,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"), lcPaused("2025-10-14 10:00")),
			"2025-10-15 10:00",
			lcWant{state: StatePaused, paused: true, remaining: 0,
				warning: "last_day", warnings: []string{"last_day"}},
		},
		{
			// Paused Tue 10-14 10:00 (the last day), resumed Fri 10-17 10:00
			// (R): the period was used up on 10-14, so the case is due at the
			// end of the resume day, 10-17 24:00; on 10-17 15:00 it is on its
			// last day with nothing left. Day 10-14 counted in full, so its
			// yellow (12:00) and orange (19:12) are dated within it once the
			// case has resumed.
			"paused on its last day, resumed three days later: due at the end of the resume day", nil,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"), lcPaused("2025-10-14 10:00"), lcResumed("2025-10-17 10:00")),
			"2025-10-17 15:00",
			lcWant{state: StateWarning, due: "2025-10-18 00:00", lastDay: "2025-10-17", remaining: 0,
				warning: "orange", warnings: []string{"last_day", "yellow", "orange"}},
		},
		{
			// The same case on Mon 10-20 10:00: overdue since 10-18 00:00;
			// overdue working days after 10-17 up to 10-20 = 1 (10-18, 10-19
			// are the weekend); the paused days 10-15..10-17 are not overdue
			// days (before the fix they made it 4).
			"overdue after resuming: the paused days are not counted as overdue days", nil,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"), lcPaused("2025-10-14 10:00"), lcResumed("2025-10-17 10:00")),
			"2025-10-20 10:00",
			lcWant{state: StateOverdue, due: "2025-10-18 00:00", lastDay: "2025-10-17", overdue: 1, cycleLate: true, everLate: true,
				warning: "orange", warnings: []string{"last_day", "yellow", "orange"}},
		},
		{
			// Paused Tue 10-14 10:00 (the last day), resumed Sat 10-18 10:00,
			// a rest day: due at the end of the first working day on or after
			// it, Mon 10-20 24:00.
			"paused on its last day, resumed on a Saturday: due at the end of the next working day Monday", nil,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"), lcPaused("2025-10-14 10:00"), lcResumed("2025-10-18 10:00")),
			"2025-10-20 10:00",
			lcWant{state: StateWarning, due: "2025-10-21 00:00", lastDay: "2025-10-20", remaining: 0,
				warning: "orange", warnings: []string{"last_day", "yellow", "orange"}},
		},
		{
			// Closing while paused ends the pause at the close: paused Mon
			// 10-20 10:00, closed Wed 10-22 10:00 → 10-21, 10-22 excluded →
			// due 10-24 24:00, closed on time.
			"closing while paused ends the pause", nil,
			lcEv(lcAccepted("2025-10-17 10:00"), lcClassified("2025-10-17 10:00", "T3"), lcPaused("2025-10-20 10:00"), lcClosed("2025-10-22 10:00")),
			"2025-10-30 10:00",
			lcWant{state: StateClosedOnTime, due: "2025-10-25 00:00", lastDay: "2025-10-24"},
		},
	})
}

func TestStatusRestart(t *testing.T) {
	lcRun(t, []lcScenario{
		{
			// Accepted Mon 10-13 10:00, T1 (due 10-14 24:00); paused 11:00
			// awaiting materials; restarted Thu 10-16 15:00 when they were
			// complete (行政许可法 art. 32: accepted when the materials are
			// complete): the clock starts again, day 1 = Fri 10-17 → due
			// 10-17 24:00; the pause and the lapsed first deadline no longer
			// count. T1 crosses last_day at 00:00 of its only day, yellow at
			// 12:00 and orange at 19:12.
			"restart after materials: counted again from the restart, the earlier pause discarded", nil,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"), lcPaused("2025-10-13 11:00"), lcRestarted("2025-10-16 15:00")),
			"2025-10-17 20:00",
			lcWant{state: StateWarning, due: "2025-10-18 00:00", lastDay: "2025-10-17", remaining: 0, warning: "orange", warnings: []string{"last_day", "yellow", "orange"}},
		},
		{
			"before its new day 1 the restarted case is on track, not paused", nil,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"), lcPaused("2025-10-13 11:00"), lcRestarted("2025-10-16 15:00")),
			"2025-10-16 16:00",
			lcWant{state: StateOnTrack, due: "2025-10-18 00:00", lastDay: "2025-10-17", remaining: 1},
		},
		{
			// An extension before the restart is discarded with it: T1 from
			// Mon 10-13 extended by 5 on 10-13, restarted Wed 10-15 10:00 →
			// T1 from 10-15: due Thu 10-16 24:00, no extension in force.
			"a restart discards earlier extensions", nil,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"), lcExtended("2025-10-13 12:00", 5), lcRestarted("2025-10-15 10:00")),
			"2025-10-15 11:00",
			lcWant{state: StateOnTrack, due: "2025-10-17 00:00", lastDay: "2025-10-16", remaining: 1},
		},
	})
}

func TestStatusExtensions(t *testing.T) {
	lcRun(t, []lcScenario{
		{
			// T3 accepted Tue 09-30 17:00 → due 10-11 24:00 (the makeup
			// Saturday). Extended by 10 working days on Thu 10-09 10:00,
			// counted from the old last day 10-11 (行政许可法 art. 42), not
			// from the approval: 10-13..10-17 (5), 10-20..10-24 (10) → due
			// Fri 10-24 24:00 (from the approval it would be 10-22). Total 13
			// working days: yellow when 6.5 have elapsed, 12:00 of day 7, Thu 10-16.
			"an extension counts from the original deadline", nil,
			append(lcEv(), append(lcNationalDay, lcExtended("2025-10-09 10:00", 10))...),
			"2025-10-13 10:00",
			lcWant{state: StateOnTrack, due: "2025-10-25 00:00", lastDay: "2025-10-24", remaining: 9, extensions: 1},
		},
		{
			"the extended case crosses yellow at 12:00 of its 7th working day, Thu 10-16", nil,
			append(lcEv(), append(lcNationalDay, lcExtended("2025-10-09 10:00", 10))...),
			"2025-10-16 12:00",
			lcWant{state: StateWarning, due: "2025-10-25 00:00", lastDay: "2025-10-24", remaining: 6, extensions: 1, warning: "yellow", warnings: []string{"yellow"}},
		},
		{
			"an extension granted one minute before the deadline is on time", nil,
			append(lcEv(), append(lcNationalDay, lcExtended("2025-10-11 23:59", 10))...),
			"2025-10-13 10:00",
			lcWant{state: StateOnTrack, due: "2025-10-25 00:00", lastDay: "2025-10-24", remaining: 9, extensions: 1},
		},
		{
			// Under late_extension: overdue an extension on Mon 10-13 09:00,
			// after the due instant 10-12 00:00, is recorded and moves the
			// deadline shown (10-11 + 5 working days = Fri 10-17), but the
			// case is judged by 10-11 24:00: overdue by 2 working days on
			// Tue 10-14 (10-13, 10-14) — 超时办结.
			"a late extension under late_extension: overdue is recorded but the case stays late", lcOverdueExt,
			append(lcEv(), append(lcNationalDay, lcExtended("2025-10-13 09:00", 5))...),
			"2025-10-14 10:00",
			lcWant{state: StateOverdue, due: "2025-10-18 00:00", lastDay: "2025-10-17", judgedDue: "2025-10-12 00:00", overdue: 2,
				cycleLate: true, everLate: true, extensions: 1, lateExt: 1,
				warning: "orange", warnings: []string{"yellow", "last_day", "orange"}},
		},
		{
			"closed before the extended deadline, the late-extended case is still closed late (3 working days)", lcOverdueExt,
			append(lcEv(), append(lcNationalDay, lcExtended("2025-10-13 09:00", 5), lcClosed("2025-10-15 10:00"))...),
			"2025-10-20 10:00",
			lcWant{state: StateClosedLate, due: "2025-10-18 00:00", lastDay: "2025-10-17", judgedDue: "2025-10-12 00:00", overdue: 3,
				cycleLate: true, everLate: true, extensions: 1, lateExt: 1,
				warning: "orange", warnings: []string{"yellow", "last_day", "orange"}},
		},
	})
}

func TestExtensionRefusedAfterDeadline(t *testing.T) {
	// T3 accepted Tue 09-30 17:00 is due 10-11 24:00 = 10-12 00:00. Under
	// late_extension: reject (the default), an extension at or after that
	// instant is refused (行政许可法 art. 42: approved within the period).
	p := lcPolicy(t)
	c := lcCase(t, p, "C-1", lcNationalDay...)
	for _, at := range []string{"2025-10-12 00:00", "2025-10-12 09:00", "2025-10-13 10:00"} {
		_, err := p.Apply(c, lcExtended(at, 10))
		require.Error(t, err, at)
		assert.ErrorIs(t, err, ErrLateExtension)
		assert.ErrorContains(t, err, "at or after the deadline 2025-10-12 00:00 CST")
	}
	_, err := p.Apply(c, lcExtended("2025-10-11 23:59", 10))
	assert.NoError(t, err, "one minute before is in time")

	// A paused case can be extended; the deadline it is judged against is
	// the one it would have if it resumed at the request.
	pc := lcCase(t, p, "C-2", append(lcEv(), append(lcNationalDay, lcPaused("2025-10-10 10:00"))...)...)
	_, err = p.Apply(pc, lcExtended("2025-10-13 10:00", 10))
	assert.NoError(t, err, "paused on 10-10, the deadline moved past 10-13")
}

func TestStatusReclassification(t *testing.T) {
	lcRun(t, []lcScenario{
		{
			// T3 accepted Tue 09-30 17:00; reclassified to T10 on Thu 10-09
			// 10:00. from_acceptance (default, convention 11): 10 working days after
			// 09-30: 10-09, 10, 11, 13, 14, 15, 16, 17, 20, 21 → due Tue 10-21
			// 24:00.
			"T3 → T10 from the original acceptance moves the due later", nil,
			append(lcEv(), append(lcNationalDay, lcReclassified("2025-10-09 10:00", "T10"))...),
			"2025-10-13 10:00",
			lcWant{state: StateOnTrack, due: "2025-10-22 00:00", lastDay: "2025-10-21", remaining: 6},
		},
		{
			// from_reclassification: day 1 after 10-09 is 10-10, ..., 10th =
			// Wed 10-22.
			"T3 → T10 from the reclassification", lcFromReclass,
			append(lcEv(), append(lcNationalDay, lcReclassified("2025-10-09 10:00", "T10"))...),
			"2025-10-13 10:00",
			lcWant{state: StateOnTrack, due: "2025-10-23 00:00", lastDay: "2025-10-22", remaining: 7},
		},
		{
			// T10 accepted Mon 10-13 10:00 (due Mon 10-27 24:00) reclassified
			// to T1 on Thu 10-16 10:00: T1 from the acceptance is due Tue
			// 10-14 24:00, already past: the case is instantly overdue by 2
			// working days (10-15, 10-16).
			"T10 → T1 from acceptance makes the case instantly overdue", nil,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T10"), lcReclassified("2025-10-16 10:00", "T1")),
			"2025-10-16 10:00",
			lcWant{state: StateOverdue, due: "2025-10-15 00:00", lastDay: "2025-10-14", overdue: 2, cycleLate: true, everLate: true,
				warning: "orange", warnings: []string{"last_day", "yellow", "orange"}},
		},
		{
			"T10 → T1 from the reclassification: due Fri 10-17 24:00, on track", lcFromReclass,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T10"), lcReclassified("2025-10-16 10:00", "T1")),
			"2025-10-16 10:00",
			lcWant{state: StateOnTrack, due: "2025-10-18 00:00", lastDay: "2025-10-17", remaining: 1},
		},
		{
			// Earlier pauses still apply after a reclassification: T3 from Fri
			// 10-17 10:00 paused Mon 10-20 10:00 → Tue 10-21 10:00 (excludes
			// 10-21), reclassified to T10 on Wed 10-22: 10-20, 22, 23, 24, 27,
			// 28, 29, 30, 31, 11-03 → due Mon 11-03 24:00.
			"a pause before a reclassification still counts", nil,
			lcEv(lcAccepted("2025-10-17 10:00"), lcClassified("2025-10-17 10:00", "T3"), lcPaused("2025-10-20 10:00"), lcResumed("2025-10-21 10:00"), lcReclassified("2025-10-22 10:00", "T10")),
			"2025-10-22 11:00",
			lcWant{state: StateOnTrack, due: "2025-11-04 00:00", lastDay: "2025-11-03", remaining: 8},
		},
	})
}

func TestStatusReopen(t *testing.T) {
	// T1 accepted Mon 10-13 10:00 → due Tue 10-14 24:00; closed Wed 10-15
	// 09:00 (late by 1 working day); visited Thu 10-16 10:00, not
	// satisfied; reopened Thu 10-16 11:00 → cycle 2, T1 from the reopening:
	// due Fri 10-17 24:00.
	cycle1 := lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"), lcClosed("2025-10-15 09:00"))
	reopened := append(append(lcEv(), cycle1...), lcVisited("2025-10-16 10:00", false), lcReopened("2025-10-16 11:00"))
	lcRun(t, []lcScenario{
		{"the first cycle closed late by 1 working day", nil, cycle1, "2025-10-15 10:00",
			lcWant{state: StateClosedLate, due: "2025-10-15 00:00", lastDay: "2025-10-14", overdue: 1, cycleLate: true, everLate: true,
				warning: "orange", warnings: []string{"last_day", "yellow", "orange"}}},
		{"reopened after an unsatisfied visit: cycle 2 on track, ever late but not late in this cycle", nil, reopened, "2025-10-16 12:00",
			lcWant{state: StateOnTrack, cycle: 2, due: "2025-10-18 00:00", lastDay: "2025-10-17", remaining: 1, everLate: true}},
		{"cycle 2 closed on time: closed_on_time, still ever late", nil, append(append(lcEv(), reopened...), lcClosed("2025-10-17 15:00")), "2025-10-20 10:00",
			lcWant{state: StateClosedOnTime, cycle: 2, due: "2025-10-18 00:00", lastDay: "2025-10-17", everLate: true,
				warning: "yellow", warnings: []string{"last_day", "yellow"}}}, // closed 15:00: orange (19:12) not reached
		{"a case closed on time and reopened is not ever late", nil,
			lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"), lcClosed("2025-10-13 15:00"), lcReopened("2025-10-14 10:00")),
			"2025-10-14 11:00",
			lcWant{state: StateOnTrack, cycle: 2, due: "2025-10-16 00:00", lastDay: "2025-10-15", remaining: 1}},
	})
}

func TestStatusTransferTargets(t *testing.T) {
	// Policy with the default targets (sign_for: 4 workhours after a
	// transfer; unit_reply: 2 workdays after a transfer; visit: 1 workday
	// after closing) plus dispatch (2 workhours after acceptance) and
	// unit_done (1 workday after a sign-for). Business hours 09:00–12:00,
	// 13:30–17:30.
	p := lcPolicy(t, lcDispatchTgt...)
	c := lcCase(t, p, "C-1",
		lcAccepted("2025-10-13 09:30"), lcClassified("2025-10-13 09:30", "T3"),
		lcTransferred("2025-10-13 10:00", "社保科"),
		lcSigned("2025-10-13 14:00", "社保科"),
		lcTransferred("2025-10-15 10:00", "劳动监察"),
	)
	st, err := p.StatusAt(c, lcT("2025-10-15 16:00"))
	require.NoError(t, err)
	// The citizen-facing clock kept running through the transfers: T3 from
	// Mon 10-13 → due Thu 10-16 24:00.
	assert.Equal(t, lcT("2025-10-17 00:00"), st.Due)
	want := []TargetStatus{
		// dispatch from Mon 09:30 + 2 working hours = 11:30; met by the
		// transfer at 10:00.
		{ID: "dispatch", Label: "转办", Start: lcT("2025-10-13 09:30"), Due: lcT("2025-10-13 11:30"), LastDay: lcT("2025-10-13"),
			Done: lcT("2025-10-13 10:00"), DoneBy: EventTransferred, State: StateClosedOnTime},
		// sign_for from Mon 10:00: 10:00–12:00 (2h) + 13:30–15:30 (2h) →
		// due 15:30; signed at 14:00.
		{ID: "sign_for", Label: "承办单位签收", Unit: "社保科", Start: lcT("2025-10-13 10:00"), Due: lcT("2025-10-13 15:30"), LastDay: lcT("2025-10-13"),
			Done: lcT("2025-10-13 14:00"), DoneBy: EventSignedFor, State: StateClosedOnTime},
		// unit_reply: 2 working days after Mon → Wed 10-15 24:00; met by
		// the next transfer Wed 10:00.
		{ID: "unit_reply", Label: "承办单位办理回复", Unit: "社保科", Start: lcT("2025-10-13 10:00"), Due: lcT("2025-10-16 00:00"), LastDay: lcT("2025-10-15"),
			Done: lcT("2025-10-15 10:00"), DoneBy: EventTransferred, State: StateClosedOnTime},
		// unit_done: 1 working day after the sign-for on Mon → Tue 10-14
		// 24:00; met only by the transfer on Wed: late.
		{ID: "unit_done", Label: "签收后办结", Unit: "社保科", Start: lcT("2025-10-13 14:00"), Due: lcT("2025-10-15 00:00"), LastDay: lcT("2025-10-14"),
			Done: lcT("2025-10-15 10:00"), DoneBy: EventTransferred, State: StateClosedLate},
		// The second unit has not signed by Wed 16:00, past 15:30.
		{ID: "sign_for", Label: "承办单位签收", Unit: "劳动监察", Start: lcT("2025-10-15 10:00"), Due: lcT("2025-10-15 15:30"), LastDay: lcT("2025-10-15"), State: StateOverdue},
		{ID: "unit_reply", Label: "承办单位办理回复", Unit: "劳动监察", Start: lcT("2025-10-15 10:00"), Due: lcT("2025-10-18 00:00"), LastDay: lcT("2025-10-17"), State: StateOnTrack},
	}
	assert.Equal(t, want, st.Targets)

	// Closing Thu 10-16 11:00 ends the unsigned sign-for (late) and the
	// reply (on time) and starts the visit: 1 working day → Fri 10-17 24:00.
	closed, err := p.Apply(c, lcClosed("2025-10-16 11:00"))
	require.NoError(t, err)
	st, err = p.StatusAt(closed, lcT("2025-10-16 12:00"))
	require.NoError(t, err)
	assert.Equal(t, StateClosedOnTime, st.State)
	require.Len(t, st.Targets, 7)
	assert.Equal(t, TargetStatus{ID: "sign_for", Label: "承办单位签收", Unit: "劳动监察", Start: lcT("2025-10-15 10:00"), Due: lcT("2025-10-15 15:30"), LastDay: lcT("2025-10-15"),
		Done: lcT("2025-10-16 11:00"), DoneBy: EventClosed, State: StateClosedLate}, st.Targets[4])
	assert.Equal(t, StateClosedOnTime, st.Targets[5].State)
	assert.Equal(t, TargetStatus{ID: "visit", Label: "办结后回访", Start: lcT("2025-10-16 11:00"), Due: lcT("2025-10-18 00:00"), LastDay: lcT("2025-10-17"), State: StateOnTrack}, st.Targets[6])

	// The visit Fri 10-17 09:00 meets it; a visit on Mon 10-20 would be late.
	visited, err := p.Apply(closed, lcVisited("2025-10-17 09:00", true))
	require.NoError(t, err)
	st, err = p.StatusAt(visited, lcT("2025-10-20 09:00"))
	require.NoError(t, err)
	assert.Equal(t, EventVisited, st.Targets[6].DoneBy)
	assert.Equal(t, StateClosedOnTime, st.Targets[6].State)
	late, err := p.Apply(closed, lcVisited("2025-10-20 09:00", true))
	require.NoError(t, err)
	st, err = p.StatusAt(late, lcT("2025-10-20 10:00"))
	require.NoError(t, err)
	assert.Equal(t, StateClosedLate, st.Targets[6].State)

	// A reopening before any visit ends the pending visit target, and the
	// new cycle starts the accepted-triggered dispatch target again.
	reopened, err := p.Apply(closed, lcReopened("2025-10-16 14:00"))
	require.NoError(t, err)
	st, err = p.StatusAt(reopened, lcT("2025-10-16 15:00"))
	require.NoError(t, err)
	require.Len(t, st.Targets, 8)
	assert.Equal(t, EventReopened, st.Targets[6].DoneBy)
	assert.Equal(t, "dispatch", st.Targets[7].ID)
	assert.Equal(t, lcT("2025-10-16 16:00"), st.Targets[7].Due, "14:00 + 2 working hours")
}

func TestStatusHourTier(t *testing.T) {
	// A policy whose T1 is 4 working hours (business hours 09:00–12:00,
	// 13:30–17:30). Accepted Mon 10-13 10:00 → 10:00–12:00 (2h) +
	// 13:30–15:30 (2h) → due Mon 15:30. Yellow (50% = 2h) at 12:00, orange
	// (80% = 3h12m) at 14:42, last_workday at the start of the last day,
	// clamped to the acceptance instant.
	p := lcPolicy(t, "limit: 1 workday\n", "limit: 4 workhours\n")
	c := lcCase(t, p, "C-H", lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1"))
	st, err := p.StatusAt(c, lcT("2025-10-13 14:30"))
	require.NoError(t, err)
	assert.Equal(t, StateWarning, st.State)
	assert.Equal(t, lcT("2025-10-13 15:30"), st.Due)
	assert.Equal(t, time.Hour, st.RemainingDuration, "14:30 → 15:30 is one working hour")
	assert.Equal(t, []WarningCrossing{
		{ID: "last_day", Label: "最后一个工作日", At: lcT("2025-10-13 10:00")},
		{ID: "yellow", Label: "黄灯预警（已用时限过半）", At: lcT("2025-10-13 12:00")},
	}, st.Warnings)

	st, err = p.StatusAt(c, lcT("2025-10-14 09:30"))
	require.NoError(t, err)
	assert.Equal(t, StateOverdue, st.State)
	assert.Equal(t, 1, st.OverdueDays, "Tue 10-14 is one working day after the last day")
	assert.Equal(t, 2*time.Hour+30*time.Minute, st.OverdueDuration, "15:30–17:30 Mon and 09:00–09:30 Tue")

	closed, err := p.Apply(c, lcClosed("2025-10-13 16:30"))
	require.NoError(t, err)
	st, err = p.StatusAt(closed, lcT("2025-10-20 10:00"))
	require.NoError(t, err)
	assert.Equal(t, StateClosedLate, st.State)
	assert.Equal(t, 0, st.OverdueDays, "late by an hour on the same day")
	assert.Equal(t, time.Hour, st.OverdueDuration)
}

func TestStatusUnclassifiedAndErrors(t *testing.T) {
	p := lcPolicy(t)
	c := lcCase(t, p, "C-U", lcAccepted("2025-10-13 10:00"), lcPaused("2025-10-13 11:00"))
	st, err := p.StatusAt(c, lcT("2025-10-13 12:00"))
	require.NoError(t, err)
	assert.Equal(t, StateUnclassified, st.State)
	assert.True(t, st.Due.IsZero())
	assert.True(t, st.Paused)

	_, err = p.StatusAt(c, time.Time{})
	assert.ErrorContains(t, err, "zero now")
	_, err = p.StatusAt(c, lcT("2025-10-13 09:00"))
	assert.ErrorContains(t, err, "no event at or before 2025-10-13 09:00 CST")
	_, err = p.StatusAt(Case{ID: "C-0"}, lcT("2025-10-13 09:00"))
	assert.ErrorContains(t, err, "no events")
	_, err = p.StatusAt(Case{}, lcT("2025-10-13 09:00"))
	assert.ErrorContains(t, err, "no id")
	_, err = p.StatusAt(Case{ID: "C-1", PolicyID: "other", Events: c.Events}, lcT("2025-10-13 12:00"))
	assert.ErrorContains(t, err, "governed by policy")
	bad := Case{ID: "C-B", Events: []Event{lcAccepted("2025-10-13 10:00"), lcResumed("2025-10-13 11:00")}}
	_, err = p.StatusAt(bad, lcT("2025-10-13 12:00"))
	assert.ErrorContains(t, err, "resume without a pause")
}

func TestStatusExplain(t *testing.T) {
	p := lcPolicy(t)
	c := lcCase(t, p, "C-E", append(lcEv(), append(lcNationalDay,
		lcTransferred("2025-09-30 17:30", "社保中心"), lcPaused("2025-10-09 10:00"), lcResumed("2025-10-10 09:00"),
		lcExtended("2025-10-10 10:00", 10), lcClosed("2025-10-20 10:00"))...)...)
	st, err := p.StatusAt(c, lcT("2025-10-21 10:00"))
	require.NoError(t, err)
	lines := st.Explain(p, c)
	text := ""
	for _, l := range lines {
		text += l + "\n"
	}
	for _, want := range []string{
		"Case C-E at 2025-10-21 10:00 CST: closed on time; tier T3 (3个工作日内办结, 3 workdays); cycle 1",
		"2025-09-30 17:00 CST: accepted (受理).",
		"classified (分类) as T3",
		"transferred (转办) to 社保中心",
		"2025-10-09 10:00 CST: paused (中止, 行政许可法 art. 45",
		"extended (延期, 行政许可法 art. 42) by 10 workdays, counted from the deadline then in force, approved by 王科长: 情况复杂.",
		"closed (办结) on time",
		"Target sign_for (承办单位签收) for 社保中心",
	} {
		assert.Contains(t, text, want)
	}
	// The deadline explanation of the core is included.
	d, err := p.Counter().Deadline(deadline.Request{Start: lcT("2025-09-30 17:00"), Period: deadline.Period{Count: 3, Unit: deadline.Workdays},
		Pauses: []deadline.Pause{{Start: lcT("2025-10-09 10:00"), End: lcT("2025-10-10 09:00"), Reason: "检验检测"}}, Extensions: []deadline.Period{{Count: 10, Unit: deadline.Workdays}}, Explain: true})
	require.NoError(t, err)
	for _, l := range d.Explanation {
		assert.Contains(t, lines, l)
	}
	assert.Equal(t, d.Due, st.Due)
}

// TestConcurrentUse runs Apply, StatusAt, Explain, Validate and
// MovedDeadlines on one shared policy and case from many goroutines (run
// with -race): they share nothing mutable.
func TestConcurrentUse(t *testing.T) {
	p := lcPolicy(t, lcDispatchTgt...)
	c := lcFullCase(t, p)
	want, err := p.StatusAt(c, lcT("2025-10-24 10:00"))
	require.NoError(t, err)
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 50; i++ {
				st, err := p.StatusAt(c, lcT("2025-10-24 10:00"))
				if err != nil {
					done <- err
					return
				}
				if !assert.ObjectsAreEqual(want, st) {
					done <- assert.AnError
					return
				}
				_ = st.Explain(p, c)
				if _, err := p.Apply(c, lcVisited("2025-10-24 11:00", true)); err == nil {
					done <- assert.AnError // the close was already visited
					return
				}
				if err := p.Validate(c); err != nil {
					done <- err
					return
				}
				if _, err := MovedDeadlines([]Case{c}, p, p, lcT("2025-10-24 10:00")); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		require.NoError(t, <-done)
	}
}

// TestExplainGolden keeps the explanation of the full case (every event
// type) in testdata/cases/full.explain.txt; the calendar's content version
// is replaced by <version> so that a new notice does not churn the file.
func TestExplainGolden(t *testing.T) {
	p := Default()
	c := lcFullCase(t, p)
	st, err := p.StatusAt(c, lcT("2025-10-24 10:00"))
	require.NoError(t, err)
	got := strings.Join(st.Explain(p, c), "\n") + "\n"
	got = strings.ReplaceAll(got, p.Calendar().Version(), "<version>")
	golden := filepath.Join("testdata", "cases", "full.explain.txt")
	if lcUpdate() {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update to create the golden file")
	assert.Equal(t, string(want), got)
}
