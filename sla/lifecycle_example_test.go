package sla_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

// The life of a case under the 1310 policy: accepted on the eve of the
// National Day break, transferred, signed for, paused for a file search,
// resumed, extended, closed, then its status in words. Dates follow the
// 2025 schedule: 10-01..10-08 off, Saturday 10-11 a makeup working day.
func ExamplePolicy_StatusAt_lifecycle() {
	p := sla.Default()
	cst := calendar.CST()
	t := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
		if err != nil {
			panic(err)
		}
		return v
	}
	c, d, err := p.Accept("C-2025-0917", map[string]any{"cause": "complex"}, t("2025-09-30 17:00"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("tier", d.Tier, "by rule", d.RuleID)
	for _, e := range []sla.Event{
		{Type: sla.EventTransferred, At: t("2025-09-30 17:10"), Unit: "社保中心"},
		{Type: sla.EventSignedFor, At: t("2025-10-09 09:05"), Unit: "社保中心"},
		// 中止: the working days after the pause day up to the resume day
		// (10-10) are not counted: day 1 = 10-09, day 2 = 10-11 (makeup
		// Saturday), day 3 = 10-13.
		{Type: sla.EventPaused, At: t("2025-10-09 10:00"), Reason: "等待档案调取"},
		{Type: sla.EventResumed, At: t("2025-10-10 09:00")},
		// 延期 before the deadline, counted from the old last day 10-13:
		// 10-14..10-17 and 10-20. Of the 8 working days, yellow (50%) falls
		// on day 4 (10-14) and orange (80%) on day 7 (10-17).
		{Type: sla.EventExtended, At: t("2025-10-13 10:00"), Length: &deadline.Period{Count: 5, Unit: deadline.Workdays}, Approver: "王科长", Reason: "需跨部门核实"},
		{Type: sla.EventClosed, At: t("2025-10-17 15:00")},
	} {
		if c, err = p.Apply(c, e); err != nil {
			fmt.Println(err)
			return
		}
	}
	// The sign-for target (4 working hours from 09-30 17:10: 20 minutes on
	// 09-30, then 09:00–12:00 and 13:30–14:10 on 10-09) was met by the
	// sign-for; the unit's 2-working-day reply only by the close.
	st, err := p.StatusAt(c, t("2025-10-17 16:00"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.State, "last day", st.LastDay.Format(time.DateOnly), "extensions", st.Extensions)
	for _, w := range st.Warnings {
		fmt.Println("warning", w.ID, "at", w.At.Format("2006-01-02 15:04"))
	}
	for _, tg := range st.Targets {
		line := "target " + tg.ID
		if tg.Unit != "" {
			line += " (" + tg.Unit + ")"
		}
		line += " due " + tg.Due.Format("2006-01-02 15:04") + " " + string(tg.State)
		if tg.DoneBy != "" {
			line += " by " + string(tg.DoneBy)
		}
		fmt.Println(line)
	}
	// Output:
	// tier T3 by rule complex-case
	// closed_on_time last day 2025-10-20 extensions 1
	// warning yellow at 2025-10-15 00:00
	// warning orange at 2025-10-17 09:36
	// target sign_for (社保中心) due 2025-10-09 14:10 closed_on_time by signed_for
	// target unit_reply (社保中心) due 2025-10-11 00:00 closed_late by closed
	// target visit due 2025-10-21 00:00 on_track
}

// Apply refuses what does not fit and leaves the case as it was: here an
// extension requested after the deadline (行政许可法 art. 42; the 1310 policy
// rejects late extensions).
func ExamplePolicy_Apply_lateExtension() {
	p := sla.Default()
	cst := calendar.CST()
	accepted := time.Date(2025, 10, 13, 10, 0, 0, 0, cst) // Monday
	c, _, err := p.Accept("C-2025-1013", map[string]any{"cause": "unclear_request"}, accepted)
	if err != nil {
		fmt.Println(err)
		return
	}
	late := sla.Event{Type: sla.EventExtended, At: time.Date(2025, 10, 15, 9, 0, 0, 0, cst),
		Length: &deadline.Period{Count: 3, Unit: deadline.Workdays}, Approver: "王科长", Reason: "材料待核"}
	c2, err := p.Apply(c, late)
	fmt.Println(err)
	fmt.Println(errors.Is(err, sla.ErrLateExtension), len(c2.Events) == len(c.Events))
	// Output:
	// sla: case C-2025-1013: event 3 (extended at 2025-10-15 09:00 CST): requested at or after the deadline 2025-10-15 00:00 CST; policy xinyu-1310 rejects late extensions (行政许可法 art. 42: the extension is approved within the period)
	// true true
}

// A case is stored as JSON with a schema version; a newer schema is refused.
func ExampleCase_UnmarshalJSON() {
	var c sla.Case
	err := json.Unmarshal([]byte(`{"schema":1,"id":"C-1","policy":"xinyu-1310","events":[{"type":"accepted","at":"2025-10-13T10:00:00+08:00"},{"type":"classified","at":"2025-10-13T10:00:00+08:00","tier":"T1"}]}`), &c)
	fmt.Println(err, c.ID, c.Tier(), len(c.Events))
	err = json.Unmarshal([]byte(`{"schema":2,"id":"C-2","events":[]}`), &c)
	fmt.Println(err)
	// Output:
	// <nil> C-1 T1 2
	// sla: case schema 2 is newer than this library understands (1)
}
