package sla_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

// One runnable example per counting convention (see the package doc). Every date
// printed below was checked by hand against the State Council notices
// (reference/cn-holidays.csv): 2025 National Day and Mid-Autumn 10-01..10-08
// off, Sunday 09-28 and Saturday 10-11 makeup working days; 2026 New Year
// 01-01..01-03 off, Sunday 01-04 makeup; 2026 Spring Festival 02-15..02-23
// off, Saturdays 02-14 and 02-28 makeup; 2026 Labour Day 05-01..05-05 off,
// Saturday 05-09 makeup.

// convCST is Beijing time, the location of calendar.Default().
var convCST = calendar.CST()

// convAt parses "2006-01-02 15:04" in Beijing time.
func convAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, convCST)
	if err != nil {
		panic(err)
	}
	return t
}

// convPolicy parses a small policy effective from 2004-01-01, so that any
// date of the calendar can be used; extra is appended to the file.
func convPolicy(name, extra string) *sla.Policy {
	p, err := sla.ParsePolicy(name+".yaml", []byte(`format: shixian/v1
id: `+name+`
version: "1"
effective: {from: 2004-01-01}
`+extra))
	if err != nil {
		panic(err)
	}
	return p
}

// convApply applies events in order; the examples' events are valid, so an
// error is a defect of the example and panics.
func convApply(p *sla.Policy, c sla.Case, events ...sla.Event) sla.Case {
	for _, e := range events {
		var err error
		if c, err = p.Apply(c, e); err != nil {
			panic(err)
		}
	}
	return c
}

// Restart (补正后重新受理, 行政许可法 art. 32): the application is
// accepted when the materials are complete, so the clock starts again from
// the restart and the time elapsed before it is discarded. Accepted Monday
// 2026-02-09 with 5 working days (last day the makeup Saturday 02-14), paused
// on 02-10 for missing materials, restarted on Friday 02-13 15:00: day 1 is
// the makeup Saturday 02-14, the Spring Festival 02-15..02-23 does not count,
// and days 2–5 are 02-24..02-27.
func ExamplePolicy_StatusAt_restart() {
	p := convPolicy("restart-demo", `tiers: [{id: T5, limit: 5 workdays}]
default: {tier: T5, reason: 五个工作日}
`)
	c, _, err := p.Accept("C-2026-0209", nil, convAt("2026-02-09 10:00"))
	if err != nil {
		fmt.Println(err)
		return
	}
	st, _ := p.StatusAt(c, convAt("2026-02-09 11:00"))
	fmt.Println("accepted:", st.State, "last day", st.LastDay.Format(time.DateOnly))
	c = convApply(p, c,
		sla.Event{Type: sla.EventPaused, At: convAt("2026-02-10 09:00"), Reason: "材料不全，一次性告知补正"},
		sla.Event{Type: sla.EventRestarted, At: convAt("2026-02-13 15:00"), Reason: "材料补齐，重新受理"},
	)
	st, _ = p.StatusAt(c, convAt("2026-02-12 10:00"))
	fmt.Println("awaiting materials:", st.State)
	st, _ = p.StatusAt(c, convAt("2026-02-24 10:00"))
	fmt.Println("after restart:", st.State, "last day", st.LastDay.Format(time.DateOnly), "remaining", st.RemainingDays)
	// Output:
	// accepted: on_track last day 2026-02-14
	// awaiting materials: paused
	// after restart: on_track last day 2026-02-27 remaining 3
}

// Reclassification: a case accepted Tuesday 2026-04-28 as T1
// (1 working day, due 04-29) is reclassified to T3 (3 working days) on
// Wednesday 04-29 15:00. Counted from the original acceptance (the default)
// the days are 04-29, 04-30 and, after the Labour Day break 05-01..05-05,
// 05-06. Counted from the reclassification they are 04-30, 05-06 and 05-07.
func ExamplePolicy_StatusAt_reclassify() {
	for _, from := range []string{"from_acceptance", "from_reclassification"} {
		p := convPolicy("reclassify-demo", `tiers: [{id: T1, limit: 1 workday}, {id: T3, limit: 3 workdays}]
counting: {reclassify: `+from+`}
default: {tier: T1, reason: 一个工作日}
`)
		c, _, err := p.Accept("C-2026-0428", nil, convAt("2026-04-28 10:00"))
		if err != nil {
			fmt.Println(err)
			return
		}
		c = convApply(p, c, sla.Event{Type: sla.EventReclassified, At: convAt("2026-04-29 15:00"), Tier: "T3", Reason: "需调取档案，问题比较复杂"})
		st, err := p.StatusAt(c, convAt("2026-04-30 10:00"))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(p.Lifecycle().Reclassify, st.Tier, "last day", st.LastDay.Format(time.DateOnly))
	}
	// Output:
	// from_acceptance T3 last day 2026-05-06
	// from_reclassification T3 last day 2026-05-07
}

// convTargets prints the unit-level targets of a status.
func convTargets(when string, st sla.Status) {
	for _, tg := range st.Targets {
		if tg.Unit == "" {
			continue
		}
		line := when + ": " + tg.ID + " due " + tg.Due.Format("2006-01-02 15:04") + " " + string(tg.State)
		if tg.DoneBy != "" {
			line += " by " + string(tg.DoneBy)
		}
		fmt.Println(line)
	}
}

// Transfer (转办): the citizen-facing clock keeps running, and
// the 1310 policy's unit targets run beside it: sign for within 4 working
// hours, reply within 2 working days. A T10 case accepted Wednesday
// 2025-12-31 is transferred at 16:00: sign-for is due after 1h30 on 12-31 and
// 2h30 on the makeup Sunday 2026-01-04 (01-01..01-03 are off), at 11:30; the
// reply's 2 working days are 01-04 and Monday 01-05. The unit signs late, at
// 01-04 14:00, and has not replied by 01-06. The citizen's 10 working days
// are 01-04..01-09 and 01-12..01-15.
func ExamplePolicy_StatusAt_transfer() {
	p := sla.Default()
	c, _, err := p.Accept("C-2025-1231", map[string]any{"cause": "historical_legacy"}, convAt("2025-12-31 15:00"))
	if err != nil {
		fmt.Println(err)
		return
	}
	c = convApply(p, c, sla.Event{Type: sla.EventTransferred, At: convAt("2025-12-31 16:00"), Unit: "社保中心"})
	for _, now := range []string{"2026-01-04 11:00", "2026-01-04 12:00"} {
		st, err := p.StatusAt(c, convAt(now))
		if err != nil {
			fmt.Println(err)
			return
		}
		convTargets(now, st)
	}
	c = convApply(p, c, sla.Event{Type: sla.EventSignedFor, At: convAt("2026-01-04 14:00"), Unit: "社保中心"})
	st, err := p.StatusAt(c, convAt("2026-01-06 09:00"))
	if err != nil {
		fmt.Println(err)
		return
	}
	convTargets("2026-01-06 09:00", st)
	fmt.Println("case", st.Tier, st.State, "last day", st.LastDay.Format(time.DateOnly))
	// Output:
	// 2026-01-04 11:00: sign_for due 2026-01-04 11:30 on_track
	// 2026-01-04 11:00: unit_reply due 2026-01-06 00:00 on_track
	// 2026-01-04 12:00: sign_for due 2026-01-04 11:30 overdue
	// 2026-01-04 12:00: unit_reply due 2026-01-06 00:00 on_track
	// 2026-01-06 09:00: sign_for due 2026-01-04 11:30 closed_late by signed_for
	// 2026-01-06 09:00: unit_reply due 2026-01-06 00:00 overdue
	// case T10 on_track last day 2026-01-15
}

// Close, follow-up visit, reopen: closing stops the clock
// (on time iff before Due; lateness measured in working days); an
// unsatisfied visit leads to a reopening, which starts cycle 2 with the same
// tier from the reopening. A T1 case accepted Monday 2026-03-02 is due 03-03
// 24:00 but closed on Thursday 03-05 (2 working days late: 03-04, 03-05);
// reopened on 03-06 09:00 it is due Monday 03-09 24:00 and closed on time.
// Reports count cycle 2 on time (CycleLate) but the case as ever late.
func ExamplePolicy_StatusAt_reopen() {
	p := sla.Default()
	c, _, err := p.Accept("C-2026-0302", map[string]any{"cause": "unclear_request"}, convAt("2026-03-02 10:00"))
	if err != nil {
		fmt.Println(err)
		return
	}
	no := false
	c = convApply(p, c,
		sla.Event{Type: sla.EventClosed, At: convAt("2026-03-05 09:00")},
		sla.Event{Type: sla.EventVisited, At: convAt("2026-03-05 15:00"), Satisfied: &no},
	)
	st, _ := p.StatusAt(c, convAt("2026-03-05 16:00"))
	fmt.Println("cycle", st.Cycle, st.State, "last day", st.LastDay.Format(time.DateOnly), "overdue days", st.OverdueDays, "ever late", st.EverLate, "cycle late", st.CycleLate)
	c = convApply(p, c,
		sla.Event{Type: sla.EventReopened, At: convAt("2026-03-06 09:00"), Reason: "回访不满意"},
		sla.Event{Type: sla.EventClosed, At: convAt("2026-03-09 16:00")},
	)
	st, _ = p.StatusAt(c, convAt("2026-03-09 17:00"))
	fmt.Println("cycle", st.Cycle, st.State, "last day", st.LastDay.Format(time.DateOnly), "overdue days", st.OverdueDays, "ever late", st.EverLate, "cycle late", st.CycleLate)
	// Output:
	// cycle 1 closed_late last day 2026-03-03 overdue days 2 ever late true cycle late true
	// cycle 2 closed_on_time last day 2026-03-09 overdue days 0 ever late true cycle late false
}

// Extension (延期, 行政许可法 art. 42): the new deadline is
// counted from the old deadline, not from the approval, and must be granted
// before it. A 3-working-day case accepted Thursday 2025-09-25 ends on Monday
// 09-29 (day 2 is the makeup Sunday 09-28). An extension of 10 working days
// approved on 09-26 counts from 09-29: 09-30, 10-09, 10-10, 10-11 (makeup
// Saturday), 10-13..10-17 and 10-20. A further extension asked for on 10-21,
// after that deadline, is refused under late_extension: reject; under
// late_extension: overdue it is recorded, moves the deadline shown, and the
// case stays overdue against the deadline it is judged by.
func ExamplePolicy_StatusAt_extension() {
	for _, late := range []string{"reject", "overdue"} {
		p := convPolicy("extension-demo", `tiers: [{id: T3, limit: 3 workdays}]
counting: {late_extension: `+late+`}
extensions: {max_count: 2, max_total: 20 workdays, basis: 行政许可法第四十二条}
default: {tier: T3, reason: 三个工作日}
`)
		c, _, err := p.Accept("C-2025-0925", nil, convAt("2025-09-25 10:00"))
		if err != nil {
			fmt.Println(err)
			return
		}
		ten := deadline.Period{Count: 10, Unit: deadline.Workdays}
		c = convApply(p, c, sla.Event{Type: sla.EventExtended, At: convAt("2025-09-26 11:00"), Length: &ten, Approver: "王科长", Reason: "需现场核查"})
		st, _ := p.StatusAt(c, convAt("2025-09-26 12:00"))
		fmt.Println(late+": extended, last day", st.LastDay.Format(time.DateOnly))
		five := deadline.Period{Count: 5, Unit: deadline.Workdays}
		c, err = p.Apply(c, sla.Event{Type: sla.EventExtended, At: convAt("2025-10-21 09:00"), Length: &five, Approver: "王科长", Reason: "仍需核查"})
		if err != nil {
			fmt.Println(late+": late extension refused:", errors.Is(err, sla.ErrLateExtension))
			continue
		}
		st, _ = p.StatusAt(c, convAt("2025-10-22 10:00"))
		fmt.Println(late+": late extension recorded, last day", st.LastDay.Format(time.DateOnly),
			"judged by", st.JudgedLastDay.Format(time.DateOnly), st.State, "cycle late", st.CycleLate)
	}
	// Output:
	// reject: extended, last day 2025-10-20
	// reject: late extension refused: true
	// overdue: extended, last day 2025-10-20
	// overdue: late extension recorded, last day 2025-10-27 judged by 2025-10-20 overdue cycle late true
}

// Warnings are thresholds of working time used, never of wall-clock time;
// a percentage is crossed at the instant that share of the period has
// elapsed, each counted working day elapsing from its 00:00 to its end (so
// 100% would be Due). A T10 case accepted Thursday 2026-02-12 counts 02-13,
// the makeup Saturday 02-14, then (after the Spring Festival 02-15..02-23)
// 02-24..02-27, the makeup Saturday 02-28 and 03-02..03-04: 50% (5 working
// days) has elapsed at 24:00 of day 5, 02-26; 80% (8) at 24:00 of day 8,
// 03-02; the last working day 03-04 starts at its 00:00. The next day it is
// overdue (red); Status.Warning still names the latest warning crossed.
func ExamplePolicy_StatusAt_warnings() {
	p := sla.Default()
	c, _, err := p.Accept("C-2026-0212", map[string]any{"cause": "policy_bottleneck"}, convAt("2026-02-12 10:00"))
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := p.StatusAt(c, convAt("2026-03-04 09:00"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range st.Warnings {
		fmt.Println(w.ID, "crossed at", w.At.Format(time.RFC3339))
	}
	for _, now := range []string{"2026-02-26 23:59", "2026-02-27 00:00", "2026-03-03 00:00", "2026-03-04 00:00", "2026-03-05 00:00"} {
		st, err := p.StatusAt(c, convAt(now))
		if err != nil {
			fmt.Println(err)
			return
		}
		line := now + " " + string(st.State)
		if st.Warning != "" {
			line += " (" + st.Warning + ")"
		}
		fmt.Println(line)
	}
	// Output:
	// yellow crossed at 2026-02-27T00:00:00+08:00
	// orange crossed at 2026-03-03T00:00:00+08:00
	// last_day crossed at 2026-03-04T00:00:00+08:00
	// 2026-02-26 23:59 on_track
	// 2026-02-27 00:00 warning (yellow)
	// 2026-03-03 00:00 warning (orange)
	// 2026-03-04 00:00 warning (last_day)
	// 2026-03-05 00:00 overdue (last_day)
}
