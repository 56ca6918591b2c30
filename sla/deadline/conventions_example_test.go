package deadline_test

import (
	"fmt"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla/deadline"
)

// One runnable example per counting convention of the package doc. Every
// date printed below was checked by hand against the State Council notices:
// 2025 National Day and Mid-Autumn 10-01..10-08 off, Sunday 09-28 and
// Saturday 10-11 makeup working days; 2026 New Year 01-01..01-03 off,
// Sunday 01-04 makeup.

// convCST is Beijing time, the location of calendar.Default().
var convCST = calendar.CST()

// Close of business (民法典 art. 203: "有业务时间的，停止业务活动
// 的时间为截止时间"): with EndOfDay = CloseOfBusiness the last day ends when
// the last business-hours span ends (17:30 by default) instead of at 24:00.
// Accepted Tuesday 2025-09-30 17:00 with 1 working day: 10-01..10-08 are off,
// so the last day is Thursday 10-09.
func ExampleCounter_Deadline_closeOfBusiness() {
	c := deadline.DefaultCounting()
	c.EndOfDay = deadline.CloseOfBusiness
	k, err := deadline.New(calendar.Default(), c)
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := k.Deadline(deadline.Request{
		Start:  convAt("2025-09-30 17:00"),
		Period: deadline.Period{Count: 1, Unit: deadline.Workdays},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.LastDayString())
	fmt.Println(d.Due.Format(time.RFC3339))
	// Output:
	// 2025-10-09 17:30
	// 2025-10-09T17:30:00+08:00
}

// Receipt on a non-working day: a case received online on
// Saturday 2026-05-02, inside the Labour Day break (05-01..05-05 off), with 3
// working days. Counted literally (民法典 art. 201: the first day is not
// counted, counting starts the next day) day 1 is the first working day after
// the receipt, Wednesday 05-06, and day 3 is Friday 05-08. Deemed received on
// the next working day (next_workday), counting starts the day after 05-06:
// 05-07, 05-08 and the makeup Saturday 05-09.
func ExampleCounter_Deadline_receiptOnNonWorkingDay() {
	for _, receipt := range []deadline.Receipt{deadline.ReceiptLiteral, deadline.ReceiptNextWorkday} {
		c := deadline.DefaultCounting()
		c.Receipt = receipt
		k, err := deadline.New(calendar.Default(), c)
		if err != nil {
			fmt.Println(err)
			return
		}
		d, err := k.Deadline(deadline.Request{
			Start:  convAt("2026-05-02 10:00"),
			Period: deadline.Period{Count: 3, Unit: deadline.Workdays},
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(receipt, "counts after", d.CountFrom.Format(time.DateOnly), "due", d.LastDayString())
	}
	// Output:
	// literal counts after 2026-05-02 due 2026-05-08 24:00
	// next_workday counts after 2026-05-06 due 2026-05-09 24:00
}

// Same-day cases (即办, "0 working days"): accepted on a working
// day strictly before the cutoff (16:00 by default), due at the end of that
// day; at or after the cutoff, or on a non-working day, due at the end of the
// next working day (行政许可法 art. 82: periods in working days skip
// statutory holidays).
func ExampleCounter_Deadline_sameDay() {
	for _, accepted := range []string{
		"2025-09-29 15:59", // Monday, before the cutoff: that day
		"2025-09-29 16:00", // Monday, at the cutoff: Tuesday
		"2025-09-30 16:30", // Tuesday before the break, after the cutoff: 10-09
		"2025-10-03 10:00", // Friday, a holiday: the next working day, 10-09
	} {
		k, err := deadline.New(calendar.Default(), deadline.DefaultCounting())
		if err != nil {
			fmt.Println(err)
			return
		}
		d, err := k.Deadline(deadline.Request{
			Start:  convAt(accepted),
			Period: deadline.Period{Count: 0, Unit: deadline.Workdays},
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(accepted, "→", d.LastDayString())
	}
	// Output:
	// 2025-09-29 15:59 → 2025-09-29 24:00
	// 2025-09-29 16:00 → 2025-09-30 24:00
	// 2025-09-30 16:30 → 2025-10-09 24:00
	// 2025-10-03 10:00 → 2025-10-09 24:00
}

// Calendar-day periods ("N日"; 民法典 arts. 201, 203): counted
// from the next day, holidays inside the period are not deducted, and a last
// day that is a holiday or rest day moves to the next working day. Accepted
// Wednesday 2025-09-24 with 10 days: day 10 is Saturday 10-04, a National Day
// holiday, so the last day moves to Thursday 10-09. Accepted Wednesday 10-01
// (a holiday) with 10 days: day 10 is Saturday 10-11, a makeup working day,
// so it does not move.
func ExampleCounter_Deadline_calendarDays() {
	for _, accepted := range []string{"2025-09-24 10:00", "2025-10-01 10:00"} {
		k, err := deadline.New(calendar.Default(), deadline.DefaultCounting())
		if err != nil {
			fmt.Println(err)
			return
		}
		d, err := k.Deadline(deadline.Request{
			Start:  convAt(accepted),
			Period: deadline.Period{Count: 10, Unit: deadline.Days},
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(accepted, "+ 10 days →", d.LastDayString())
	}
	// Output:
	// 2025-09-24 10:00 + 10 days → 2025-10-09 24:00
	// 2025-10-01 10:00 + 10 days → 2025-10-11 24:00
}

// Month periods ("N个月"; 民法典 art. 202: the corresponding
// date of the last month, or its last day when it has none; then art. 203's
// move). From 2025-01-31, one month ends on Friday 2025-02-28, the month's
// last day. From Saturday 2026-01-31 it ends on 2026-02-28, a makeup Saturday,
// a working day, so it does not move. From 2026-01-15 the corresponding date
// 02-15 is in the Spring Festival break (02-15..02-23), so it moves to
// Tuesday 02-24.
func ExampleCounter_Deadline_months() {
	for _, accepted := range []string{"2025-01-31 10:00", "2026-01-31 10:00", "2026-01-15 10:00"} {
		k, err := deadline.New(calendar.Default(), deadline.DefaultCounting())
		if err != nil {
			fmt.Println(err)
			return
		}
		d, err := k.Deadline(deadline.Request{
			Start:  convAt(accepted),
			Period: deadline.Period{Count: 1, Unit: deadline.Months},
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(accepted, "+ 1 month →", d.LastDayString())
	}
	// Output:
	// 2025-01-31 10:00 + 1 month → 2025-02-28 24:00
	// 2026-01-31 10:00 + 1 month → 2026-02-28 24:00
	// 2026-01-15 10:00 + 1 month → 2026-02-24 24:00
}

// Hour periods (民法典 art. 201(2): counting starts at the
// stated hour). Working hours walk the business hours 09:00-12:00 and
// 13:30-17:30 of working days only: 5 working hours from Friday 2025-09-26
// 16:00 are 1h30 on Friday, none on the ordinary Saturday 09-27, then 3h
// before lunch and 30 minutes after it on Sunday 09-28, a makeup working day.
// Calendar hours ignore the calendar: 48 hours from Tuesday 2025-09-30 17:00
// end on 10-02 17:00, a holiday, without moving.
func ExampleCounter_Deadline_hours() {
	k, err := deadline.New(calendar.Default(), deadline.DefaultCounting())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range []deadline.Request{
		{Start: convAt("2025-09-26 16:00"), Period: deadline.Period{Count: 5, Unit: deadline.Workhours}},
		{Start: convAt("2025-09-30 17:00"), Period: deadline.Period{Count: 48, Unit: deadline.Hours}},
	} {
		d, err := k.Deadline(r)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r.Period, "→", d.Due.Format(time.RFC3339))
	}
	// Output:
	// 5 workhours → 2025-09-28T14:00:00+08:00
	// 48 hours → 2025-10-02T17:00:00+08:00
}

// Pauses (中止, 行政许可法 art. 45) and the resume day: a case
// accepted Monday 2025-09-22 with 3 working days is paused on Tuesday 09-23
// (day 1, counted) and resumed on Thursday 09-25. With the resume day
// excluded, 09-24 and 09-25 are not counted: day 2 is Friday 09-26 and day 3
// the makeup Sunday 09-28. With the resume day counted only 09-24 is
// excluded: day 2 is 09-25 and day 3 is 09-26.
func ExampleCounter_Deadline_resumeDay() {
	for _, rd := range []deadline.ResumeDay{deadline.ResumeDayExcluded, deadline.ResumeDayCounted} {
		c := deadline.DefaultCounting()
		c.ResumeDay = rd
		k, err := deadline.New(calendar.Default(), c)
		if err != nil {
			fmt.Println(err)
			return
		}
		d, err := k.Deadline(deadline.Request{
			Start:  convAt("2025-09-22 10:00"),
			Period: deadline.Period{Count: 3, Unit: deadline.Workdays},
			Pauses: []deadline.Pause{{Start: convAt("2025-09-23 10:00"), End: convAt("2025-09-25 09:00"), Reason: "现场检验"}},
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("resume day", rd, "→", d.LastDayString(), "excluded:", d.Excluded)
	}
	// Output:
	// resume day excluded → 2025-09-28 24:00 excluded: 2
	// resume day counted → 2025-09-26 24:00 excluded: 1
}

// convAt parses "2006-01-02 15:04" in Beijing time.
func convAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, convCST)
	if err != nil {
		panic(err)
	}
	return t
}
