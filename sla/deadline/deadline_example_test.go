package deadline_test

import (
	"fmt"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla/deadline"
)

// A case accepted on the evening before the 2025 National Day break with the
// 1310 rule's 3-working-day tier: 10-01..10-08 are off, so day 1 is 10-09 and
// day 3 is the makeup Saturday 10-11.
func ExampleCounter_Deadline() {
	cst := calendar.CST()
	p, _ := deadline.ParsePeriod("3个工作日")
	k, err := deadline.New(calendar.Default(), deadline.DefaultCounting())
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := k.Deadline(deadline.Request{
		Start:   time.Date(2025, 9, 30, 17, 0, 0, 0, cst),
		Period:  p,
		Explain: true, // Counted, Skipped and Explanation; without it only the dates
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.LastDayString())
	fmt.Println(d.Due.Format(time.RFC3339))
	for _, s := range d.Explanation[:5] {
		fmt.Println(s)
	}
	// Output:
	// 2025-10-11 24:00
	// 2025-10-12T00:00:00+08:00
	// Accepted 2025-09-30 17:00 CST (Tuesday, workday).
	// Working-day period (3个工作日, 民法典 art. 201; 行政许可法 art. 82): the acceptance day is not counted; day 1 is the next working day; makeup working days (调休上班) count, holidays and weekends do not.
	// Skipped 2025-10-01..2025-10-08 国庆节、中秋节 holiday (国办发明电〔2024〕12号 (2024-11-12)).
	// Day 1 = 2025-10-09 (Thursday, workday).
	// Day 3 (last day) = 2025-10-11 (Saturday, makeup working day (调休上班) for 国庆节、中秋节).
}

// Without Explain a deadline costs no explanation: the way to count many
// cases. Build the Counter once and share it.
func ExampleNew() {
	cst := calendar.CST()
	k, err := deadline.New(calendar.Default(), deadline.DefaultCounting())
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := k.Deadline(deadline.Request{
		Start:      time.Date(2025, 9, 30, 17, 0, 0, 0, cst),
		Period:     deadline.Period{Count: 3, Unit: deadline.Workdays},
		Extensions: []deadline.Period{{Count: 10, Unit: deadline.Workdays}}, // 行政许可法第四十二条: from the old deadline
	})
	fmt.Println(d.Due.Format(time.RFC3339), d.LastDay.Format(time.DateOnly), d.Provisional, err)
	// Output: 2025-10-25T00:00:00+08:00 2025-10-24 false <nil>
}

// Pauses (中止) exclude the working days P+1..R; here Tuesday 03-11 to
// Thursday 03-13 excludes 03-12 and 03-13.
func ExampleCounter_Deadline_pause() {
	cst := calendar.CST()
	k, _ := deadline.New(calendar.Default(), deadline.DefaultCounting())
	d, _ := k.Deadline(deadline.Request{
		Start:  time.Date(2025, 3, 10, 10, 0, 0, 0, cst),
		Period: deadline.Period{Count: 3, Unit: deadline.Workdays},
		Pauses: []deadline.Pause{{
			Start:  time.Date(2025, 3, 11, 10, 0, 0, 0, cst),
			End:    time.Date(2025, 3, 13, 10, 0, 0, 0, cst),
			Reason: "专家评审",
		}},
	})
	fmt.Println(d.LastDayString(), "excluded:", d.Excluded)
	// Output: 2025-03-17 24:00 excluded: 2
}

func ExampleParsePeriod() {
	for _, s := range []string{"3 workdays", "10日", "1个月", "2个工作小时", "3 wrkdays"} {
		p, err := deadline.ParsePeriod(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(p)
	}
	// Output:
	// 3 workdays
	// 10 days
	// 1 month
	// 2 workhours
	// invalid period "3 wrkdays": unknown unit "wrkdays" (want workdays, days, months, workhours or hours)
}

// Warnings are in working time: 50% of 10 working days is crossed when 5 working days have
// elapsed, at 24:00 of day 5 (Tuesday 10-14); 80% at 24:00 of day 8 (Friday 10-17); "1 working
// day left" at 00:00 of day 9, the working day before the last (the National Day holiday of
// 2025-10-01..08 is not counted).
func ExampleCounter_ThresholdsAt() {
	cst := calendar.CST()
	k, _ := deadline.New(calendar.Default(), deadline.DefaultCounting())
	r := deadline.Request{Start: time.Date(2025, 9, 30, 17, 0, 0, 0, cst), Period: deadline.Period{Count: 10, Unit: deadline.Workdays}}
	ws, _ := k.ThresholdsAt(r, []deadline.Threshold{{Fraction: 0.5}, {Fraction: 0.8}, {DaysLeft: 1}}, nil)
	for _, w := range ws {
		fmt.Println(w.Format("2006-01-02 15:04 Mon"))
	}
	// Output:
	// 2025-10-15 00:00 Wed
	// 2025-10-18 00:00 Sat
	// 2025-10-20 00:00 Mon
}
