package calendar_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/shixian-go/shixian/calendar"
)

// A case accepted on Tuesday 2025-09-30 at 17:00, just before the National
// Day break (10-01..10-08), with 1, 3 and 10 working days.
func ExampleCalendar_AddWorkdays() {
	cal := calendar.Default()
	accepted := time.Date(2025, 9, 30, 17, 0, 0, 0, cal.Location())
	for _, n := range []int{1, 3, 10} {
		due, err := cal.AddWorkdays(accepted, n)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%d working days → %s (%s)\n", n, due.Format("2006-01-02"), due.Weekday())
	}
	// Output:
	// 1 working days → 2025-10-09 (Thursday)
	// 3 working days → 2025-10-11 (Saturday)
	// 10 working days → 2025-10-21 (Tuesday)
}

// A weekend day worked in exchange for the National Day break (调休上班).
func ExampleCalendar_Day() {
	cal := calendar.Default()
	d, err := cal.Day(time.Date(2025, 9, 28, 12, 0, 0, 0, cal.Location()))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Date.Format("2006-01-02"), d.Date.Weekday(), d.Kind, d.IsWorking())
	fmt.Println(d.Holiday, d.HolidayZh, d.Certainty)
	fmt.Println(d.Notice)
	// Output:
	// 2025-09-28 Sunday makeup true
	// national_day_mid_autumn 国庆节、中秋节 official
	// 国办发明电〔2024〕12号 (2024-11-12)
}

// Strict mode refuses to compute through days no verified notice covers.
func ExampleWithProvisional() {
	strict, err := calendar.New(calendar.WithProvisional(false))
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = strict.AddWorkdays(time.Date(2026, 12, 30, 0, 0, 0, 0, strict.Location()), 3)
	fmt.Println(errors.Is(err, calendar.ErrYearNotCovered))
	fmt.Println(err)

	// The default calendar answers, and says how far to trust the answer.
	cal := calendar.Default()
	from := time.Date(2026, 12, 30, 0, 0, 0, 0, cal.Location())
	due, _ := cal.AddWorkdays(from, 3)
	cert, _ := cal.Certainty(from, due)
	fmt.Println(due.Format("2006-01-02"), cert)
	// Output:
	// true
	// calendar: 2027-01-01: year 2027 has only an unverified schedule and provisional results are disabled (needed for the span 2026-12-30..2027-01-05)
	// 2027-01-05 unverified
}

// Loading next year's notice (holiday-cn JSON) at run time, then a regional
// layer on top.
func ExampleWithSchedule() {
	notice := []byte(`{"year":2028,"papers":["https://www.gov.cn/example-2028-notice"],"days":[
		{"name":"元旦","date":"2028-01-01","isOffDay":true},
		{"name":"元旦","date":"2028-01-02","isOffDay":true},
		{"name":"元旦","date":"2028-01-03","isOffDay":true},
		{"name":"春节","date":"2028-01-22","isOffDay":false}]}`)
	s, err := calendar.ParseHolidayCN("2028.json", notice)
	if err != nil {
		fmt.Println(err)
		return
	}
	national, err := calendar.New(calendar.WithSchedule(s))
	if err != nil {
		fmt.Println(err)
		return
	}
	sat := time.Date(2028, 1, 22, 0, 0, 0, 0, national.Location())
	d, _ := national.Day(sat)
	fmt.Println(d.Date.Format("2006-01-02"), d.Kind, d.Certainty)

	regional, err := national.Derive(
		calendar.WithName("CN-XJ (example)"),
		calendar.WithOverrides(calendar.Override{
			Date: time.Date(2028, 5, 5, 0, 0, 0, 0, national.Location()), Kind: calendar.Holiday,
			Holiday: "eid_al_adha", HolidayZh: "古尔邦节", Source: "example regional notice",
		}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	from := time.Date(2028, 5, 4, 0, 0, 0, 0, national.Location())
	a, _ := national.AddWorkdays(from, 1)
	b, _ := regional.AddWorkdays(from, 1)
	fmt.Println(national.Name(), a.Format("2006-01-02"))
	fmt.Println(regional.Name(), b.Format("2006-01-02"))
	fmt.Println(national.Version() != regional.Version())
	// Output:
	// 2028-01-22 makeup official
	// CN 2028-05-05
	// CN-XJ (example) 2028-05-08
	// true
}
