package sla_test

import (
	"fmt"
	"os"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

// reportExampleCases builds three cases of the week around the 2025 National
// Day break (10-01..10-08 off), through the lifecycle API.
func reportExampleCases() []sla.Case {
	p := sla.Default()
	cst := calendar.CST()
	when := func(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, cst) }
	must := func(c sla.Case, err error) sla.Case {
		if err != nil {
			panic(err)
		}
		return c
	}
	// A: 材料不全 (T1) accepted Tuesday 09-30 17:00: the holidays do not
	// count, so it is due 10-09 24:00; closed 10-09 10:00 → on time.
	a, _, err := p.Accept("A", map[string]any{"cause": "incomplete_materials"}, when(9, 30, 17))
	a = must(a, err)
	a = must(p.Apply(a, sla.Event{Type: sla.EventClosed, At: when(10, 9, 10)}))
	// B: 诉求不清 (T1) accepted Monday 09-29: due 09-30 24:00; closed 10-09 →
	// late by 1 working day.
	b, _, err := p.Accept("B", map[string]any{"cause": "unclear_request"}, when(9, 29, 9))
	b = must(b, err)
	b = must(p.Apply(b, sla.Event{Type: sla.EventClosed, At: when(10, 9, 9)}))
	// C: 问题比较复杂 (T3) accepted Friday 10-03, a holiday: due 10-11 24:00
	// (the makeup Saturday counts); still open on Monday 10-13 → 1 working
	// day overdue.
	c, _, err := p.Accept("C", map[string]any{"cause": "complex"}, when(10, 3, 11))
	c = must(c, err)
	return []sla.Case{a, b, c}
}

// A weekly report by tier, bucketed by acceptance date, as CSV.
func ExamplePolicy_Report() {
	cst := calendar.CST()
	rep, err := sla.Default().Report(reportExampleCases(), sla.ReportOptions{
		From:    time.Date(2025, 9, 29, 0, 0, 0, 0, cst), // Monday
		To:      time.Date(2025, 10, 5, 0, 0, 0, 0, cst), // Sunday, inclusive
		GroupBy: sla.GroupByTier,
		Bucket:  sla.BucketAccepted,
		Now:     time.Date(2025, 10, 13, 12, 0, 0, 0, cst),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := rep.WriteCSV(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// group,accepted,closed_on_time,closed_late,open,open_overdue,on_time_rate,avg_workdays_to_close,p90_workdays_to_close,overdue_workdays,reopened,visited,satisfied,satisfaction_rate,ever_late,returned,supervised,supervision_reached
	// T1,2,1,1,0,0,0.5000,1.50,2,1,0,0,0,,1,0,0,1
	// T3,1,0,0,1,1,0.0000,,,1,0,0,0,,1,0,0,1
	// TOTAL,3,1,1,1,1,0.3333,1.50,2,2,0,0,0,,2,0,0,2
}

// The overdue list (超期清单) of the same week as CSV, for the monthly
// dispatch: B closed a working day late, C still open a working day after its
// last day (the makeup Saturday 10-11 counted).
func ExampleReport_WriteOverdueCSV() {
	cst := calendar.CST()
	rep, err := sla.Default().Report(reportExampleCases(), sla.ReportOptions{
		From: time.Date(2025, 9, 29, 0, 0, 0, 0, cst),
		To:   time.Date(2025, 10, 5, 0, 0, 0, 0, cst),
		Now:  time.Date(2025, 10, 13, 12, 0, 0, 0, cst),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := rep.WriteOverdueCSV(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// case_id,group,tier,department,unit,handler,due,last_day,overdue_workdays,state
	// B,all,T1,,,,2025-10-01T00:00:00+08:00,2025-09-30,1,closed_late
	// C,all,T3,,,,2025-10-12T00:00:00+08:00,2025-10-11,1,overdue
}

// Streaming: cases are added one at a time (for example as they are decoded
// from storage), so memory does not grow with the number of cases.
func ExampleReporter() {
	cst := calendar.CST()
	r, err := sla.Default().NewReporter(sla.ReportOptions{
		From:   time.Date(2025, 10, 6, 0, 0, 0, 0, cst),
		To:     time.Date(2025, 10, 12, 0, 0, 0, 0, cst),
		Bucket: sla.BucketDue, // cases whose last day falls in the week
		Now:    time.Date(2025, 10, 13, 12, 0, 0, 0, cst),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range reportExampleCases() {
		if err := r.Add(c); err != nil {
			fmt.Println(err)
			return
		}
	}
	rep := r.Report()
	fmt.Printf("due in the week: %d, on time: %d, skipped: %d\n", rep.Total.Accepted, rep.Total.ClosedOnTime, rep.Skipped)
	for _, o := range rep.Overdue {
		fmt.Printf("overdue: %s %s last day %s, %d working day(s), %s\n",
			o.CaseID, o.Tier, o.LastDay.Format(time.DateOnly), o.OverdueDays, o.State)
	}
	// Output:
	// due in the week: 2, on time: 1, skipped: 1
	// overdue: C T3 last day 2025-10-11, 1 working day(s), overdue
}
