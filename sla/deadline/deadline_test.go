package deadline_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shixian-go/shixian/sla/deadline"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/golden"
)

// Beijing time; every expected date below was derived by hand from
// /work/shared/reference/cn-holidays.csv (2025: 国庆节、中秋节 10-01..10-08 off,
// 09-28 Sun and 10-11 Sat makeup; 2026: 春节 02-15..02-23 off, 02-14 Sat and
// 02-28 Sat makeup; 2020: 春节 01-24..02-02 off after 国办发明电〔2020〕1号).
var coreCST = calendar.CST()

func coreAt(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, coreCST)
}
func coreDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, coreCST) }

func coreWD(n int) deadline.Period { return deadline.Period{Count: n, Unit: deadline.Workdays} }

type coreCase struct {
	name     string
	counting func(*deadline.Counting)
	req      deadline.Request
	lastDay  time.Time
	due      time.Time
	shown    string // LastDayString, when checked
}

func runCoreCases(t *testing.T, cal *calendar.Calendar, cases []coreCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := deadline.DefaultCounting()
			if tc.counting != nil {
				tc.counting(&c)
			}
			d, err := computeDeadline(cal, c, tc.req)
			require.NoError(t, err)
			assert.False(t, d.Suspended)
			assert.True(t, d.LastDay.Equal(tc.lastDay), "last day %s, want %s\n%v", d.LastDay, tc.lastDay, d.Explanation)
			assert.True(t, d.Due.Equal(tc.due), "due %s, want %s\n%v", d.Due, tc.due, d.Explanation)
			assert.Equal(t, coreCST.String(), d.Due.Location().String())
			if tc.shown != "" {
				assert.Equal(t, tc.shown, d.LastDayString())
			}
			due, last, prov, err := computeDue(cal, c, tc.req)
			require.NoError(t, err)
			assert.True(t, due.Equal(d.Due), "fast path due %s != %s", due, d.Due)
			assert.True(t, last.Equal(d.LastDay))
			assert.Equal(t, d.Provisional, prov)
			assert.NotEmpty(t, d.Explanation)
		})
	}
}

func TestWorkingDayPeriods(t *testing.T) {
	next := func(c *deadline.Counting) { c.Receipt = deadline.ReceiptNextWorkday }
	runCoreCases(t, calendar.Default(), []coreCase{
		{name: "accepted Tuesday 2025-09-30 17:00 before the National Day break, 1 working day: day 1 is Thursday 2025-10-09 → due 2025-10-09 24:00",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(1)}, lastDay: coreDay(2025, 10, 9), due: coreDay(2025, 10, 10), shown: "2025-10-09 24:00"},
		{name: "accepted Tuesday 2025-09-30 17:00, 3 working days: 10-09, 10-10, then the makeup Saturday 10-11 → due 2025-10-11 24:00",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(3)}, lastDay: coreDay(2025, 10, 11), due: coreDay(2025, 10, 12)},
		{name: "accepted Tuesday 2025-09-30 17:00, 10 working days: 10-09,10,11(makeup Sat),13,14,15,16,17,20,21 → due 2025-10-21 24:00",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(10)}, lastDay: coreDay(2025, 10, 21), due: coreDay(2025, 10, 22)},
		{name: "accepted Friday evening 2025-03-07 19:00, 1 working day: the weekend is skipped → due Monday 2025-03-10 24:00",
			req: deadline.Request{Start: coreAt(2025, 3, 7, 19, 0), Period: coreWD(1)}, lastDay: coreDay(2025, 3, 10), due: coreDay(2025, 3, 11)},
		{name: "stored in UTC 2025-03-06T16:30Z is Friday 2025-03-07 00:30 in Beijing, 1 working day → Monday 2025-03-10 (not Friday 03-07)",
			req: deadline.Request{Start: time.Date(2025, 3, 6, 16, 30, 0, 0, time.UTC), Period: coreWD(1)}, lastDay: coreDay(2025, 3, 10), due: coreDay(2025, 3, 11)},
		{name: "accepted in New York 2025-03-06 11:30 EST (= Beijing Friday 2025-03-07 00:30), 1 working day → Monday 2025-03-10",
			req: deadline.Request{Start: time.Date(2025, 3, 6, 11, 30, 0, 0, time.FixedZone("EST", -5*3600)), Period: coreWD(1)}, lastDay: coreDay(2025, 3, 10), due: coreDay(2025, 3, 11)},
		{name: "accepted on the makeup Sunday 2025-09-28 10:00, 1 working day → Monday 2025-09-29",
			req: deadline.Request{Start: coreAt(2025, 9, 28, 10, 0), Period: coreWD(1)}, lastDay: coreDay(2025, 9, 29), due: coreDay(2025, 9, 30)},
		{name: "accepted on the makeup Sunday 2025-09-28 10:00, 3 working days: 09-29, 09-30, then after the break 10-09",
			req: deadline.Request{Start: coreAt(2025, 9, 28, 10, 0), Period: coreWD(3)}, lastDay: coreDay(2025, 10, 9), due: coreDay(2025, 10, 10)},
		{name: "accepted on the makeup Saturday 2026-02-14 10:00, 1 working day: Spring Festival 02-15..02-23 skipped → Tuesday 2026-02-24",
			req: deadline.Request{Start: coreAt(2026, 2, 14, 10, 0), Period: coreWD(1)}, lastDay: coreDay(2026, 2, 24), due: coreDay(2026, 2, 25)},
		{name: "accepted Friday 2026-02-13 15:00, the day before the 9-day Spring Festival, 1 working day → the makeup Saturday 2026-02-14",
			req: deadline.Request{Start: coreAt(2026, 2, 13, 15, 0), Period: coreWD(1)}, lastDay: coreDay(2026, 2, 14), due: coreDay(2026, 2, 15)},
		{name: "accepted Friday 2026-02-13 15:00, 3 working days: 02-14 (makeup), 02-24, 02-25",
			req: deadline.Request{Start: coreAt(2026, 2, 13, 15, 0), Period: coreWD(3)}, lastDay: coreDay(2026, 2, 25), due: coreDay(2026, 2, 26)},
		{name: "accepted Friday 2026-02-13 15:00, 10 working days: 02-14, 24, 25, 26, 27, 28 (makeup Sat), 03-02, 03, 04, 05",
			req: deadline.Request{Start: coreAt(2026, 2, 13, 15, 0), Period: coreWD(10)}, lastDay: coreDay(2026, 3, 5), due: coreDay(2026, 3, 6)},
		{name: "accepted during the holiday (Friday 2025-10-03 11:00), literal receipt, 1 working day → day 1 is 2025-10-09",
			req: deadline.Request{Start: coreAt(2025, 10, 3, 11, 0), Period: coreWD(1)}, lastDay: coreDay(2025, 10, 9), due: coreDay(2025, 10, 10)},
		{name: "accepted during the holiday (2025-10-03 11:00), receipt deemed on the next working day 10-09, 1 working day → 2025-10-10",
			counting: next, req: deadline.Request{Start: coreAt(2025, 10, 3, 11, 0), Period: coreWD(1)}, lastDay: coreDay(2025, 10, 10), due: coreDay(2025, 10, 11)},
		{name: "accepted during the holiday, literal receipt, 3 working days: 10-09, 10-10, 10-11 (makeup)",
			req: deadline.Request{Start: coreAt(2025, 10, 3, 11, 0), Period: coreWD(3)}, lastDay: coreDay(2025, 10, 11), due: coreDay(2025, 10, 12)},
		{name: "accepted during the holiday, deemed received 10-09, 3 working days: 10-10, 10-11 (makeup), 10-13",
			counting: next, req: deadline.Request{Start: coreAt(2025, 10, 3, 11, 0), Period: coreWD(3)}, lastDay: coreDay(2025, 10, 13), due: coreDay(2025, 10, 14)},
		{name: "next_workday receipt on an ordinary working day changes nothing: Tuesday 2025-09-30, 1 working day → 2025-10-09",
			counting: next, req: deadline.Request{Start: coreAt(2025, 9, 30, 9, 0), Period: coreWD(1)}, lastDay: coreDay(2025, 10, 9), due: coreDay(2025, 10, 10)},
		{name: "accepted Saturday 2025-03-08, deemed received Monday 03-10, 1 working day → Tuesday 2025-03-11 (literal would be Monday)",
			counting: next, req: deadline.Request{Start: coreAt(2025, 3, 8, 10, 0), Period: coreWD(1)}, lastDay: coreDay(2025, 3, 11), due: coreDay(2025, 3, 12)},
		{name: "close of business: accepted 2025-09-30 17:00, 1 working day → due 2025-10-09 at 17:30 (民法典 203)",
			counting: func(c *deadline.Counting) { c.EndOfDay = deadline.CloseOfBusiness },
			req:      deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(1)}, lastDay: coreDay(2025, 10, 9), due: coreAt(2025, 10, 9, 17, 30), shown: "2025-10-09 17:30"},
		{name: "the 1310 rule's 10-working-day tier accepted Monday 2025-12-29 across New Year 2026 (01-01..03 off, 01-04 Sun makeup): 12-30,31,01-04,05,06,07,08,09,12,13",
			req: deadline.Request{Start: coreAt(2025, 12, 29, 9, 0), Period: coreWD(10)}, lastDay: coreDay(2026, 1, 13), due: coreDay(2026, 1, 14)},
	})
}

func TestSameDayPeriods(t *testing.T) {
	runCoreCases(t, calendar.Default(), []coreCase{
		{name: "即办 accepted Tuesday 2025-09-30 10:00, before the 16:00 cutoff → due the same day 2025-09-30 24:00",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 10, 0), Period: coreWD(0)}, lastDay: coreDay(2025, 9, 30), due: coreDay(2025, 10, 1), shown: "2025-09-30 24:00"},
		{name: "即办 accepted 2025-09-30 15:59, just before the cutoff → same day",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 15, 59), Period: coreWD(0)}, lastDay: coreDay(2025, 9, 30), due: coreDay(2025, 10, 1)},
		{name: "即办 accepted 2025-09-30 16:00, at the cutoff (not strictly before) → next working day 2025-10-09",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 16, 0), Period: coreWD(0)}, lastDay: coreDay(2025, 10, 9), due: coreDay(2025, 10, 10)},
		{name: "即办 accepted on the holiday 2025-10-03 10:00 → the next working day 2025-10-09",
			req: deadline.Request{Start: coreAt(2025, 10, 3, 10, 0), Period: coreWD(0)}, lastDay: coreDay(2025, 10, 9), due: coreDay(2025, 10, 10)},
		{name: "即办 accepted on the makeup Sunday 2025-09-28 10:00 (a working day) → same day",
			req: deadline.Request{Start: coreAt(2025, 9, 28, 10, 0), Period: coreWD(0)}, lastDay: coreDay(2025, 9, 28), due: coreDay(2025, 9, 29)},
		{name: "即办 before the cutoff under close of business → due 2025-09-30 17:30",
			counting: func(c *deadline.Counting) { c.EndOfDay = deadline.CloseOfBusiness },
			req:      deadline.Request{Start: coreAt(2025, 9, 30, 10, 0), Period: coreWD(0)}, lastDay: coreDay(2025, 9, 30), due: coreAt(2025, 9, 30, 17, 30)},
		{name: "即办 with cutoff 24:00 under close of business, accepted 2025-09-30 20:00 after business stopped → next working day 2025-10-09 17:30",
			counting: func(c *deadline.Counting) {
				c.EndOfDay = deadline.CloseOfBusiness
				c.SameDayCutoff = deadline.ClockTime{Hour: 24}
			},
			req: deadline.Request{Start: coreAt(2025, 9, 30, 20, 0), Period: coreWD(0)}, lastDay: coreDay(2025, 10, 9), due: coreAt(2025, 10, 9, 17, 30)},
	})
}

func TestCalendarDayAndMonthPeriods(t *testing.T) {
	days := func(n int) deadline.Period { return deadline.Period{Count: n, Unit: deadline.Days} }
	months := func(n int) deadline.Period { return deadline.Period{Count: n, Unit: deadline.Months} }
	runCoreCases(t, calendar.Default(), []coreCase{
		{name: "10日 from Tuesday 2025-09-30: holidays inside are not deducted, the 10th day Friday 2025-10-10 is a working day",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: days(10)}, lastDay: coreDay(2025, 10, 10), due: coreDay(2025, 10, 11)},
		{name: "7日 from Thursday 2025-09-25: the 7th day 10-02 is a holiday → rolls to the day after the holiday, 2025-10-09 (民法典 203)",
			req: deadline.Request{Start: coreAt(2025, 9, 25, 10, 0), Period: days(7)}, lastDay: coreDay(2025, 10, 9), due: coreDay(2025, 10, 10)},
		{name: "10日 from the holiday 2025-10-01: the 10th day is the makeup Saturday 2025-10-11, a working day → no roll",
			req: deadline.Request{Start: coreAt(2025, 10, 1, 10, 0), Period: days(10)}, lastDay: coreDay(2025, 10, 11), due: coreDay(2025, 10, 12)},
		{name: "3日 from Thursday 2025-03-06: the 3rd day is Sunday 03-09 → rolls to Monday 2025-03-10",
			req: deadline.Request{Start: coreAt(2025, 3, 6, 10, 0), Period: days(3)}, lastDay: coreDay(2025, 3, 10), due: coreDay(2025, 3, 11)},
		{name: "1个月 from 2025-01-31: no 31 February → the last day of February, 2025-02-28, a Friday and a working day (民法典 202)",
			req: deadline.Request{Start: coreAt(2025, 1, 31, 10, 0), Period: months(1)}, lastDay: coreDay(2025, 2, 28), due: coreDay(2025, 3, 1)},
		{name: "1个月 from 2024-01-31 in a leap year → 2024-02-29 (Thursday, workday)",
			req: deadline.Request{Start: coreAt(2024, 1, 31, 10, 0), Period: months(1)}, lastDay: coreDay(2024, 2, 29), due: coreDay(2024, 3, 1)},
		{name: "1个月 from 2025-09-01: the corresponding date 10-01 is a holiday → rolls to 2025-10-09",
			req: deadline.Request{Start: coreAt(2025, 9, 1, 10, 0), Period: months(1)}, lastDay: coreDay(2025, 10, 9), due: coreDay(2025, 10, 10)},
		{name: "2个月 from 2025-12-31 → 2026-02-28, the makeup Saturday, a working day → no roll",
			req: deadline.Request{Start: coreAt(2025, 12, 31, 10, 0), Period: months(2)}, lastDay: coreDay(2026, 2, 28), due: coreDay(2026, 3, 1)},
		{name: "信访 60日 + 30日 extension from Thursday 2025-01-02: 60th day Monday 2025-03-03; +30 days from it → Wednesday 2025-04-02",
			req:     deadline.Request{Start: coreAt(2025, 1, 2, 10, 0), Period: days(60), Extensions: []deadline.Period{days(30)}},
			lastDay: coreDay(2025, 4, 2), due: coreDay(2025, 4, 3)},
	})
}

func TestHourPeriods(t *testing.T) {
	wh := func(n int) deadline.Period { return deadline.Period{Count: n, Unit: deadline.Workhours} }
	hrs := func(n int) deadline.Period { return deadline.Period{Count: n, Unit: deadline.Hours} }
	runCoreCases(t, calendar.Default(), []coreCase{
		{name: "2 workhours from Monday 2025-03-10 11:00 across lunch: 11:00-12:00 then 13:30-14:30 → 14:30",
			req: deadline.Request{Start: coreAt(2025, 3, 10, 11, 0), Period: wh(2)}, lastDay: coreDay(2025, 3, 10), due: coreAt(2025, 3, 10, 14, 30), shown: "2025-03-10 14:30"},
		{name: "2 workhours from 15:30 end exactly at close 17:30 the same day, not at 09:00 next day",
			req: deadline.Request{Start: coreAt(2025, 3, 10, 15, 30), Period: wh(2)}, lastDay: coreDay(2025, 3, 10), due: coreAt(2025, 3, 10, 17, 30)},
		{name: "3 workhours from Friday 2025-03-07 16:30 across the weekend: 1h Friday, 2h Monday → Monday 2025-03-10 11:00",
			req: deadline.Request{Start: coreAt(2025, 3, 7, 16, 30), Period: wh(3)}, lastDay: coreDay(2025, 3, 10), due: coreAt(2025, 3, 10, 11, 0)},
		{name: "2 workhours from Friday 2025-10-10 17:00: 30 min Friday, then the makeup Saturday 10-11 09:00-10:30",
			req: deadline.Request{Start: coreAt(2025, 10, 10, 17, 0), Period: wh(2)}, lastDay: coreDay(2025, 10, 11), due: coreAt(2025, 10, 11, 10, 30)},
		{name: "2 workhours from Tuesday 2025-09-30 17:00 across National Day: 30 min, then Thursday 2025-10-09 09:00-10:30",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: wh(2)}, lastDay: coreDay(2025, 10, 9), due: coreAt(2025, 10, 9, 10, 30)},
		{name: "1 workhour accepted Sunday 2025-03-09 20:00 starts at Monday's opening (民法典 201(2)) → Monday 10:00",
			req: deadline.Request{Start: coreAt(2025, 3, 9, 20, 0), Period: wh(1)}, lastDay: coreDay(2025, 3, 10), due: coreAt(2025, 3, 10, 10, 0)},
		{name: "7 workhours (one full business day) from Monday 09:00 → Monday 17:30",
			req: deadline.Request{Start: coreAt(2025, 3, 10, 9, 0), Period: wh(7)}, lastDay: coreDay(2025, 3, 10), due: coreAt(2025, 3, 10, 17, 30)},
		{name: "8 workhours from Monday 09:00 → Tuesday 10:00",
			req: deadline.Request{Start: coreAt(2025, 3, 10, 9, 0), Period: wh(8)}, lastDay: coreDay(2025, 3, 11), due: coreAt(2025, 3, 11, 10, 0)},
		{name: "14 workhours from Monday 2025-03-10 09:00 → Tuesday 17:30; 36 workhours → Monday 2025-03-17 10:00 (5 days × 7h = 35h, +1h)",
			req: deadline.Request{Start: coreAt(2025, 3, 10, 9, 0), Period: wh(14)}, lastDay: coreDay(2025, 3, 11), due: coreAt(2025, 3, 11, 17, 30)},
		{name: "36 workhours from Monday 2025-03-10 09:00 → Monday 2025-03-17 10:00",
			req: deadline.Request{Start: coreAt(2025, 3, 10, 9, 0), Period: wh(36)}, lastDay: coreDay(2025, 3, 17), due: coreAt(2025, 3, 17, 10, 0)},
		{name: "24 hours from 2025-09-30 17:00 → 2025-10-01 17:00 (calendar hours ignore holidays)",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: hrs(24)}, lastDay: coreDay(2025, 10, 1), due: coreAt(2025, 10, 1, 17, 0)},
		{name: "24 hours from 2025-09-30 00:00 end at midnight → shown as 2025-09-30 24:00",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 0, 0), Period: hrs(24)}, lastDay: coreDay(2025, 9, 30), due: coreDay(2025, 10, 1), shown: "2025-09-30 24:00"},
		{name: "2 workhours + 1 workhour extension from Monday 11:00: 14:30, then +1h → 15:30",
			req: deadline.Request{Start: coreAt(2025, 3, 10, 11, 0), Period: wh(2), Extensions: []deadline.Period{wh(1)}}, lastDay: coreDay(2025, 3, 10), due: coreAt(2025, 3, 10, 15, 30)},
	})
}

func corePause(from, to time.Time) deadline.Pause {
	return deadline.Pause{Start: from, End: to, Reason: "检验检测"}
}

func TestPauses(t *testing.T) {
	counted := func(c *deadline.Counting) { c.ResumeDay = deadline.ResumeDayCounted }
	runCoreCases(t, calendar.Default(), []coreCase{
		{name: "no pause: 10 working days from Monday 2025-09-22: 23,24,25,26,28(makeup Sun),29,30,10-09,10,11(makeup Sat) → 2025-10-11",
			req: deadline.Request{Start: coreAt(2025, 9, 22, 10, 0), Period: coreWD(10)}, lastDay: coreDay(2025, 10, 11), due: coreDay(2025, 10, 12)},
		{name: "pause spanning the holiday, 09-30 10:00 to 10-10 10:00: 7 days used by 09-30, excludes 10-09 and 10-10 (2 working days) → 10-11, 10-13, 10-14",
			req:     deadline.Request{Start: coreAt(2025, 9, 22, 10, 0), Period: coreWD(10), Pauses: []deadline.Pause{corePause(coreAt(2025, 9, 30, 10, 0), coreAt(2025, 10, 10, 10, 0))}},
			lastDay: coreDay(2025, 10, 14), due: coreDay(2025, 10, 15)},
		{name: "pause entirely in non-working time (Friday 2025-03-07 18:00 to Sunday 03-09 20:00) excludes nothing: 3 working days → Wednesday 03-12",
			req:     deadline.Request{Start: coreAt(2025, 3, 7, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 7, 18, 0), coreAt(2025, 3, 9, 20, 0))}},
			lastDay: coreDay(2025, 3, 12), due: coreDay(2025, 3, 13)},
		{name: "overlapping pauses exclude the union (03-12,13,14 = 3 days), not the sum (4): 3 working days from Monday 03-10 → 03-11, 03-17, 03-18",
			req: deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{
				corePause(coreAt(2025, 3, 12, 10, 0), coreAt(2025, 3, 14, 10, 0)), corePause(coreAt(2025, 3, 11, 10, 0), coreAt(2025, 3, 13, 10, 0))}},
			lastDay: coreDay(2025, 3, 18), due: coreDay(2025, 3, 19)},
		{name: "resume day excluded: pause Tuesday 03-11 to Thursday 03-13 excludes 12 and 13 → 03-11, 03-14, 03-17",
			req:     deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 11, 10, 0), coreAt(2025, 3, 13, 10, 0))}},
			lastDay: coreDay(2025, 3, 17), due: coreDay(2025, 3, 18)},
		{name: "resume day counted: the same pause excludes only 03-12 → 03-11, 03-13, 03-14",
			counting: counted,
			req:      deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 11, 10, 0), coreAt(2025, 3, 13, 10, 0))}},
			lastDay:  coreDay(2025, 3, 14), due: coreDay(2025, 3, 15)},
		{name: "a pause that starts on the last day (Thursday 03-13 10:00, before its 24:00 Due) suspends the clock (行政许可法 45): the period was used up on 03-13, so it is due at the end of the resume day Monday 03-17",
			req:     deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 13, 10, 0), coreAt(2025, 3, 17, 10, 0))}},
			lastDay: coreDay(2025, 3, 17), due: coreDay(2025, 3, 18)},
		{name: "resume day counted: the same pause on the last day still makes it due at the end of the resume day Monday 03-17",
			counting: counted,
			req:      deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 13, 10, 0), coreAt(2025, 3, 17, 10, 0))}},
			lastDay:  coreDay(2025, 3, 17), due: coreDay(2025, 3, 18)},
		{name: "resume day counted: paused on the last day Thursday 03-13, resumed Friday 03-14 excludes no day (P+1..R-1 is empty) but is due at the end of the resume day 03-14",
			counting: counted,
			req:      deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 13, 10, 0), coreAt(2025, 3, 14, 9, 0))}},
			lastDay:  coreDay(2025, 3, 14), due: coreDay(2025, 3, 15)},
		{name: "paused on the last day Thursday 03-13, resumed Saturday 03-15 (a rest day): due at the end of the first working day on or after it, Monday 03-17",
			req:     deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 13, 10, 0), coreAt(2025, 3, 15, 10, 0))}},
			lastDay: coreDay(2025, 3, 17), due: coreDay(2025, 3, 18)},
		{name: "paused and resumed on the last day Thursday 03-13: still due 03-13 24:00",
			req:     deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 13, 10, 0), coreAt(2025, 3, 13, 15, 0))}},
			lastDay: coreDay(2025, 3, 13), due: coreDay(2025, 3, 14)},
		{name: "1 working day from Tuesday 2025-09-30 17:00 (last day Thursday 10-09), paused on 10-09 11:00 and resumed Friday 10-10 09:00: due at the end of 10-10",
			req:     deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(1), Pauses: []deadline.Pause{corePause(coreAt(2025, 10, 9, 11, 0), coreAt(2025, 10, 10, 9, 0))}},
			lastDay: coreDay(2025, 10, 10), due: coreDay(2025, 10, 11)},
		{name: "close of business: a pause on the last day Thursday 03-13 at 18:00, after its 17:30 Due, does nothing → 03-13 17:30",
			counting: func(c *deadline.Counting) { c.EndOfDay = deadline.CloseOfBusiness },
			req:      deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 13, 18, 0), coreAt(2025, 3, 17, 10, 0))}},
			lastDay:  coreDay(2025, 3, 13), due: coreAt(2025, 3, 13, 17, 30)},
		{name: "close of business: a pause on the last day Thursday 03-13 at 16:00, before its 17:30 Due, resumed Monday 03-17 → due 03-17 17:30",
			counting: func(c *deadline.Counting) { c.EndOfDay = deadline.CloseOfBusiness },
			req:      deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 13, 16, 0), coreAt(2025, 3, 17, 10, 0))}},
			lastDay:  coreDay(2025, 3, 17), due: coreAt(2025, 3, 17, 17, 30)},
		{name: "same-day (即办) accepted Monday 03-10 10:00 before the cutoff, paused 14:00 and resumed Wednesday 03-12 10:00: due at the end of the resume day 03-12",
			req:     deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(0), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 10, 14, 0), coreAt(2025, 3, 12, 10, 0))}},
			lastDay: coreDay(2025, 3, 12), due: coreDay(2025, 3, 13)},
		{name: "a pause on the last day of the base period (03-13) with a 2-workday extension excludes the extension's days 03-14, 03-17: 03-18, 03-19 → 03-19 24:00",
			req: deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Extensions: []deadline.Period{coreWD(2)},
				Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 13, 10, 0), coreAt(2025, 3, 17, 10, 0))}},
			lastDay: coreDay(2025, 3, 19), due: coreDay(2025, 3, 20)},
		{name: "7日 from Thursday 2025-09-25: the period ends on the holiday 10-02 and rolls to 10-09; a pause on the holiday 10-03 (before Due 10-10 00:00) resumed Friday 10-10 → due 10-10 24:00",
			req:     deadline.Request{Start: coreAt(2025, 9, 25, 10, 0), Period: deadline.Period{Count: 7, Unit: deadline.Days}, Pauses: []deadline.Pause{corePause(coreAt(2025, 10, 3, 10, 0), coreAt(2025, 10, 10, 10, 0))}},
			lastDay: coreDay(2025, 10, 10), due: coreDay(2025, 10, 11)},
		{name: "2 workhours from Monday 03-10 09:00 (Due 11:00), paused 10:30 to 14:00: excludes 10:30-12:00 and 13:30-14:00, 30m left → 14:30",
			req:     deadline.Request{Start: coreAt(2025, 3, 10, 9, 0), Period: deadline.Period{Count: 2, Unit: deadline.Workhours}, Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 10, 10, 30), coreAt(2025, 3, 10, 14, 0))}},
			lastDay: coreDay(2025, 3, 10), due: coreAt(2025, 3, 10, 14, 30)},
		{name: "2 workhours from Monday 03-10 09:00 (Due 11:00), a pause from 11:00 (at Due) does nothing → 11:00",
			req:     deadline.Request{Start: coreAt(2025, 3, 10, 9, 0), Period: deadline.Period{Count: 2, Unit: deadline.Workhours}, Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 10, 11, 0), coreAt(2025, 3, 10, 15, 0))}},
			lastDay: coreDay(2025, 3, 10), due: coreAt(2025, 3, 10, 11, 0)},
		{name: "a pause after the deadline does not move it",
			req:     deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 20, 10, 0), time.Time{})}},
			lastDay: coreDay(2025, 3, 13), due: coreDay(2025, 3, 14)},
		{name: "paused and resumed on the same day excludes nothing",
			req:     deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 11, 10, 0), coreAt(2025, 3, 11, 15, 0))}},
			lastDay: coreDay(2025, 3, 13), due: coreDay(2025, 3, 14)},
		{name: "10日 with a pause Wednesday 2025-03-12 to Friday 03-14 adds the 2 paused calendar days: 03-20 → 03-22 Saturday → rolls to Monday 03-24",
			req:     deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: deadline.Period{Count: 10, Unit: deadline.Days}, Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 12, 10, 0), coreAt(2025, 3, 14, 10, 0))}},
			lastDay: coreDay(2025, 3, 24), due: coreDay(2025, 3, 25)},
		{name: "2 workhours from Monday 2025-03-10 09:00 with a pause 09:30-10:30 excludes exactly 1h → 12:00",
			req:     deadline.Request{Start: coreAt(2025, 3, 10, 9, 0), Period: deadline.Period{Count: 2, Unit: deadline.Workhours}, Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 10, 9, 30), coreAt(2025, 3, 10, 10, 30))}},
			lastDay: coreDay(2025, 3, 10), due: coreAt(2025, 3, 10, 12, 0)},
		{name: "2 workhours from Monday 09:00, overlapping pauses 09:30-10:30 and 10:00-11:00 exclude their union 1.5h → 13:30+0.5h = 14:00",
			req: deadline.Request{Start: coreAt(2025, 3, 10, 9, 0), Period: deadline.Period{Count: 2, Unit: deadline.Workhours}, Pauses: []deadline.Pause{
				corePause(coreAt(2025, 3, 10, 9, 30), coreAt(2025, 3, 10, 10, 30)), corePause(coreAt(2025, 3, 10, 10, 0), coreAt(2025, 3, 10, 11, 0))}},
			lastDay: coreDay(2025, 3, 10), due: coreAt(2025, 3, 10, 14, 0)},
	})
}

func TestPauseExcludedCountAndOpenPause(t *testing.T) {
	cal := calendar.Default()
	c := deadline.DefaultCounting()
	r := deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{
		corePause(coreAt(2025, 3, 12, 10, 0), coreAt(2025, 3, 14, 10, 0)), corePause(coreAt(2025, 3, 11, 10, 0), coreAt(2025, 3, 13, 10, 0))}}
	d, err := computeDeadline(cal, c, r)
	require.NoError(t, err)
	assert.Equal(t, 3, d.Excluded, "union of 03-12..03-13 and 03-13..03-14 is 3 working days")

	// "paused Tuesday 2025-03-11 10:00 (day 1 used) and not resumed: the deadline is suspended with 2 working days left"
	open := deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 11, 10, 0), time.Time{})}}
	d, err = computeDeadline(cal, c, open)
	require.NoError(t, err)
	assert.True(t, d.Suspended)
	assert.True(t, d.Due.IsZero())
	assert.Equal(t, 2, d.RemainingWhenSuspended)
	assert.True(t, d.SuspendedSince.Equal(coreAt(2025, 3, 11, 10, 0)), "%v", d.SuspendedSince)
	assert.Equal(t, "suspended", d.LastDayString())
	assert.Contains(t, d.Explanation[len(d.Explanation)-2], "suspended")
	due, last, _, err := computeDue(cal, c, open)
	require.NoError(t, err)
	assert.True(t, due.IsZero() && last.IsZero())
	_, err = warningAt(cal, c, open, 0.5)
	assert.ErrorIs(t, err, deadline.ErrSuspended)
	assert.True(t, d.Due.IsZero(), "a suspended deadline has no due instant to be late against")

	// "3 working days from Monday 2025-03-10, paused on the last day Thursday
	// 03-13 10:00 and not resumed: suspended with nothing left"
	openLast := deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 13, 10, 0), time.Time{})}}
	d, err = computeDeadline(cal, c, openLast)
	require.NoError(t, err)
	assert.True(t, d.Suspended)
	assert.Equal(t, 0, d.RemainingWhenSuspended)
	assert.True(t, d.SuspendedSince.Equal(coreAt(2025, 3, 13, 10, 0)))
	pr, _, err := computeProgress(cal, c, openLast, coreAt(2025, 3, 20, 10, 0))
	require.NoError(t, err)
	assert.True(t, pr.Paused)
	assert.False(t, pr.Overdue, "a case paused before Due is never overdue while paused")
	assert.Equal(t, 0, pr.Remaining)
	// "3 working days from Monday 2025-03-10 (last day 03-13): an open pause
	// beginning Friday 03-14 10:00, after Due 03-14 00:00, suspends nothing"
	late := deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 14, 10, 0), time.Time{})}}
	d, err = computeDeadline(cal, c, late)
	require.NoError(t, err)
	assert.False(t, d.Suspended)
	assert.True(t, d.Due.Equal(coreDay(2025, 3, 14)))

	// hour unit: 2 workhours from Monday 09:00, paused 10:00 open → 1h remains
	openH := deadline.Request{Start: coreAt(2025, 3, 10, 9, 0), Period: deadline.Period{Count: 2, Unit: deadline.Workhours}, Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 10, 10, 0), time.Time{})}}
	d, err = computeDeadline(cal, c, openH)
	require.NoError(t, err)
	assert.True(t, d.Suspended)
	assert.Equal(t, time.Hour, d.RemainingDurationWhenSuspended)
}

// TestProgressAfterPauseOnLastDay: 3 working days from Monday 2025-03-10
// (days 03-11, 03-12, 03-13), paused on the last day Thursday 03-13 10:00 and
// resumed Monday 03-17 10:00 → due 03-17 24:00. The period was used up on
// 03-13: Total stays 3, nothing remains on 03-17, and overdue working days
// start after 03-17 (the paused 03-14 and 03-17 are never overdue days).
func TestProgressAfterPauseOnLastDay(t *testing.T) {
	cal, c := calendar.Default(), deadline.DefaultCounting()
	r := deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 13, 10, 0), coreAt(2025, 3, 17, 10, 0))}}
	p, d, err := computeProgress(cal, c, r, coreAt(2025, 3, 17, 15, 0))
	require.NoError(t, err)
	assert.True(t, d.Due.Equal(coreDay(2025, 3, 18)))
	assert.Equal(t, 2, d.Excluded, "excluded working days 03-14 and 03-17")
	assert.Equal(t, deadline.Progress{Used: 3, Total: 3, Remaining: 0}, p)
	p, _, err = computeProgress(cal, c, r, coreAt(2025, 3, 14, 15, 0))
	require.NoError(t, err)
	assert.Equal(t, deadline.Progress{Used: 3, Total: 3, Remaining: 0, Paused: true}, p, "paused on 03-14: used up, not overdue")
	p, _, err = computeProgress(cal, c, r, coreAt(2025, 3, 19, 10, 0))
	require.NoError(t, err)
	assert.Equal(t, deadline.Progress{Used: 3, Total: 3, Remaining: -2, Overdue: true}, p, "overdue 03-18 and 03-19 only")
	w, err := warningAt(cal, c, r, 1)
	require.NoError(t, err)
	assert.True(t, w.Equal(coreDay(2025, 3, 14)), "the period was used up at 24:00 of day 3, 03-13, though Due moved to 03-18: %v", w)
	w, err = warningAt(cal, c, r, 0.5)
	require.NoError(t, err)
	assert.True(t, w.Equal(coreAt(2025, 3, 12, 12, 0)), "50%% of 3 days is 1.5 days: 12:00 of day 2, 03-12: %v", w)
	w, err = thresholdAt(cal, c, r, deadline.Threshold{DaysLeft: 0})
	require.NoError(t, err)
	assert.True(t, w.Equal(coreDay(2025, 3, 13)), "on the last working day: 00:00 of day 3, 03-13, the day the period was used up: %v", w)
}

func TestExtensions(t *testing.T) {
	runCoreCases(t, calendar.Default(), []coreCase{
		{name: "3 working days + 10 working days extension from 2025-09-30 17:00: the original deadline 10-11, then 10-13..10-17, 10-20..10-24 → 2025-10-24 (行政许可法 42)",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(3), Extensions: []deadline.Period{coreWD(10)}}, lastDay: coreDay(2025, 10, 24), due: coreDay(2025, 10, 25)},
		{name: "two extensions, each from the deadline before it: 1 WD (10-09) + 1 WD (10-10) + 1 WD (10-11 makeup)",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(1), Extensions: []deadline.Period{coreWD(1), coreWD(1)}}, lastDay: coreDay(2025, 10, 11), due: coreDay(2025, 10, 12)},
		{name: "3 working days + 10日 extension from 2025-09-30: the deadline 10-11 + 10 days = Tuesday 10-21",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(3), Extensions: []deadline.Period{{Count: 10, Unit: deadline.Days}}}, lastDay: coreDay(2025, 10, 21), due: coreDay(2025, 10, 22)},
		{name: "a pause inside the extension period excludes its working days too: 3 WD + 10 WD, pause 10-14 to 10-16 excludes 10-15, 10-16 → 2025-10-28",
			req: deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(3), Extensions: []deadline.Period{coreWD(10)},
				Pauses: []deadline.Pause{corePause(coreAt(2025, 10, 14, 10, 0), coreAt(2025, 10, 16, 10, 0))}}, lastDay: coreDay(2025, 10, 28), due: coreDay(2025, 10, 29)},
	})
	d, err := computeDeadline(calendar.Default(), deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(3)})
	require.NoError(t, err)
	assert.True(t, coreAt(2025, 10, 11, 23, 59).Before(d.Due), "the last day before 24:00 is before Due")
	assert.False(t, coreDay(2025, 10, 12).Before(d.Due), "Due is exclusive: its own instant is late")
}

func TestProjectedAndStrict(t *testing.T) {
	r := deadline.Request{Start: coreAt(2027, 12, 28, 10, 0), Period: coreWD(10)}
	// 2027-12-29,30,31 (unverified 2027) then projected 2028: 01-01 Sat 元旦, 01-03 Mon 补假 (Art. 6):
	// 01-04,05,06,07,10,11,12 → day 10 = 2028-01-12.
	d, err := computeDeadline(calendar.Default(), deadline.DefaultCounting(), r)
	require.NoError(t, err)
	assert.True(t, d.LastDay.Equal(coreDay(2028, 1, 12)), "%v\n%v", d.LastDay, d.Explanation)
	assert.True(t, d.Provisional)
	assert.Equal(t, calendar.Projected, d.Certainty)
	assert.Contains(t, d.Explanation[len(d.Explanation)-1], "2028 (projected)")

	strict, err := calendar.New(calendar.WithProvisional(false))
	require.NoError(t, err)
	_, err = computeDeadline(strict, deadline.DefaultCounting(), r)
	require.Error(t, err)
	assert.ErrorIs(t, err, calendar.ErrYearNotCovered)
	_, _, _, err = computeDue(strict, deadline.DefaultCounting(), r)
	assert.ErrorIs(t, err, calendar.ErrYearNotCovered)

	// An official-year deadline in strict mode is fine and not provisional.
	d, err = computeDeadline(strict, deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(1)})
	require.NoError(t, err)
	assert.False(t, d.Provisional)
	assert.Equal(t, calendar.Official, d.Certainty)

	// A 10-day calendar period: the days 2026-12-25..2027-01-04 include unverified 2027 days → strict error.
	_, err = computeDeadline(strict, deadline.DefaultCounting(), deadline.Request{Start: coreAt(2026, 12, 25, 10, 0), Period: deadline.Period{Count: 10, Unit: deadline.Days}})
	assert.ErrorIs(t, err, calendar.ErrYearNotCovered)
}

func TestCalendarOverride(t *testing.T) {
	// Nationally (国办发明电〔2020〕1号) the 2020 Spring Festival ran 01-24..02-02, so 1 working day
	// from Thursday 2020-01-23 is Monday 2020-02-03. Hubei extended its break to 02-13: Friday 2020-02-14.
	r := deadline.Request{Start: coreAt(2020, 1, 23, 10, 0), Period: coreWD(1)}
	d, err := computeDeadline(calendar.Default(), deadline.DefaultCounting(), r)
	require.NoError(t, err)
	assert.True(t, d.LastDay.Equal(coreDay(2020, 2, 3)), "%v", d.LastDay)

	var ovs []calendar.Override
	for dd := 3; dd <= 13; dd++ {
		ovs = append(ovs, calendar.Override{Date: coreDay(2020, 2, dd), Kind: calendar.Holiday, Holiday: "spring_festival_extension", HolidayZh: "春节延长假期", Source: "湖北省人民政府 延迟复工通知 (2020)"})
	}
	hubei, err := calendar.Default().Derive(calendar.WithName("CN-HB"), calendar.WithOverrides(ovs...))
	require.NoError(t, err)
	dh, err := computeDeadline(hubei, deadline.DefaultCounting(), r)
	require.NoError(t, err)
	assert.True(t, dh.LastDay.Equal(coreDay(2020, 2, 14)), "%v", dh.LastDay)
	assert.NotEqual(t, d.Calendar, dh.Calendar, "the explanation cites a different calendar version")
	assert.Contains(t, dh.Calendar, "CN-HB")
}

func TestDeadlineExplanation(t *testing.T) {
	d, err := computeDeadline(calendar.Default(), deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(3)})
	require.NoError(t, err)
	want := []string{
		"Accepted 2025-09-30 17:00 CST (Tuesday, workday).",
		"Skipped 2025-10-01..2025-10-08 国庆节、中秋节 holiday (国办发明电〔2024〕12号 (2024-11-12)).",
		"Day 1 = 2025-10-09 (Thursday, workday).",
		"Day 3 (last day) = 2025-10-11 (Saturday, makeup working day (调休上班) for 国庆节、中秋节).",
		"Due 2025-10-11 24:00 (民法典 art. 203; exclusive instant 2025-10-12T00:00:00+08:00).",
	}
	for _, w := range want {
		assert.Contains(t, d.Explanation, w)
	}
	require.Len(t, d.Counted, 3)
	assert.True(t, d.Counted[2].Date.Equal(coreDay(2025, 10, 11)))
	assert.Equal(t, calendar.MakeupWorkday, d.Counted[2].Kind)
	require.Len(t, d.Skipped, 8)
	assert.True(t, d.CountFrom.Equal(coreDay(2025, 9, 30)))
	assert.False(t, d.Provisional)
	assert.Regexp(t, `^CN [0-9a-f]+$`, d.Calendar)

	// Calendar-day period: the roll is explained with 民法典 203.
	d, err = computeDeadline(calendar.Default(), deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 25, 10, 0), Period: deadline.Period{Count: 7, Unit: deadline.Days}})
	require.NoError(t, err)
	assert.Contains(t, d.Explanation, "The period's end, 2025-10-02 (Thursday, holiday 国庆节、中秋节), is not a working day; the last day moves to the next working day, 2025-10-09 (Thursday, workday) (民法典 art. 203).")
	assert.Len(t, d.Counted, 8, "the 7 calendar days 09-26..10-02 count, holidays included, and the rolled-to last day 10-09")
	assert.Len(t, d.Skipped, 6, "10-03..10-08 are rolled over; the last day 10-09 is not skipped")
}

func TestComputeDeadlineErrors(t *testing.T) {
	cal := calendar.Default()
	c := deadline.DefaultCounting()
	ok := deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3)}
	cases := []struct {
		name string
		cal  *calendar.Calendar
		c    deadline.Counting
		r    deadline.Request
		want string
	}{
		{"no calendar", nil, c, ok, "no calendar (nil *calendar.Calendar)"},
		{"zero Counting is not valid", cal, deadline.Counting{}, ok, "business_hours is empty"},
		{"zero start", cal, c, deadline.Request{Period: coreWD(3)}, "no start"},
		{"zero period", cal, c, deadline.Request{Start: ok.Start}, "empty period"},
		{"0 days", cal, c, deadline.Request{Start: ok.Start, Period: deadline.Period{Unit: deadline.Days}}, "0 days is not allowed"},
		{"negative", cal, c, deadline.Request{Start: ok.Start, Period: coreWD(-1)}, "negative"},
		{"too long", cal, c, deadline.Request{Start: ok.Start, Period: coreWD(10001)}, "exceeds"},
		{"pause ends before it starts", cal, c, deadline.Request{Start: ok.Start, Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 11, 10, 0), coreAt(2025, 3, 12, 10, 0)), corePause(coreAt(2025, 3, 12, 10, 0), coreAt(2025, 3, 11, 10, 0))}}, "pause 1 ends"},
		{"pause without start", cal, c, deadline.Request{Start: ok.Start, Period: coreWD(3), Pauses: []deadline.Pause{{}}}, "pause 0 has no start"},
		{"too many pauses", cal, c, deadline.Request{Start: ok.Start, Period: coreWD(3), Pauses: make([]deadline.Pause, deadline.MaxPauses+1)}, "1001 pauses"},
		{"hour extension of a day period", cal, c, deadline.Request{Start: ok.Start, Period: coreWD(3), Extensions: []deadline.Period{{Count: 2, Unit: deadline.Hours}}}, "extension 0"},
		{"zero extension", cal, c, deadline.Request{Start: ok.Start, Period: coreWD(3), Extensions: []deadline.Period{coreWD(0)}}, "extension 0"},
		{"workhours need spans", cal, deadline.Counting{SameDayCutoff: deadline.ClockTime{Hour: 16}}, deadline.Request{Start: ok.Start, Period: deadline.Period{Count: 2, Unit: deadline.Workhours}}, "business_hours"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := computeDeadline(tc.cal, tc.c, tc.r)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			_, _, _, err2 := computeDue(tc.cal, tc.c, tc.r)
			assert.Error(t, err2)
		})
	}
	// Out of range: 10 working days from 2050-12-28 run past 2050-12-31.
	_, err := computeDeadline(cal, c, deadline.Request{Start: coreAt(2050, 12, 28, 10, 0), Period: coreWD(10)})
	require.Error(t, err)
	assert.ErrorIs(t, err, calendar.ErrOutOfRange)
	assert.Contains(t, err.Error(), "2050-12-28")
	// Accepted before the calendar starts.
	_, err = computeDeadline(cal, c, deadline.Request{Start: coreAt(2003, 6, 1, 10, 0), Period: coreWD(1)})
	assert.ErrorIs(t, err, calendar.ErrOutOfRange)
	var de *calendar.DateError
	assert.True(t, errors.As(err, &de))
}

func TestComputeDoesNotMutateInputs(t *testing.T) {
	c := deadline.DefaultCounting()
	spans := append([]deadline.Span(nil), c.BusinessHours...)
	p := []deadline.Pause{corePause(coreAt(2025, 3, 12, 10, 0), coreAt(2025, 3, 14, 10, 0)), corePause(coreAt(2025, 3, 11, 10, 0), coreAt(2025, 3, 13, 10, 0))}
	pc := append([]deadline.Pause(nil), p...)
	r := deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: p, Extensions: []deadline.Period{coreWD(2)}}
	_, err := computeDeadline(calendar.Default(), c, r)
	require.NoError(t, err)
	assert.Equal(t, pc, p, "pauses are sorted in a copy, never in place")
	assert.Equal(t, spans, c.BusinessHours)
}

func TestProgressAndWarnings(t *testing.T) {
	cal := calendar.Default()
	c := deadline.DefaultCounting()
	// 10 working days from 2025-09-30 17:00: 10-09(1) 10(2) 11(3) 13(4) 14(5) 15(6) 16(7) 17(8) 20(9) 21(10).
	r := deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(10)}
	cases := []struct {
		name      string
		now       time.Time
		used, rem int
		overdue   bool
	}{
		{"on the holiday 2025-10-05 nothing is used yet", coreAt(2025, 10, 5, 12, 0), 0, 10, false},
		{"Friday 2025-10-10 noon: days 1 and 2 used", coreAt(2025, 10, 10, 12, 0), 2, 8, false},
		{"the last day 2025-10-21: all used, 0 remaining", coreAt(2025, 10, 21, 23, 0), 10, 0, false},
		{"Wednesday 2025-10-22 09:00: 1 working day overdue", coreAt(2025, 10, 22, 9, 0), 10, -1, true},
		{"Monday 2025-10-27: 4 working days overdue (22, 23, 24, 27)", coreAt(2025, 10, 27, 9, 0), 10, -4, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, d, err := computeProgress(cal, c, r, tc.now)
			require.NoError(t, err)
			assert.Equal(t, 10, p.Total)
			assert.Equal(t, tc.used, p.Used)
			assert.Equal(t, tc.rem, p.Remaining)
			assert.Equal(t, tc.overdue, p.Overdue)
			assert.True(t, d.LastDay.Equal(coreDay(2025, 10, 21)))
		})
	}
	warn := []struct {
		name     string
		fraction float64
		want     time.Time
	}{
		{"50% of 10 working days is 5 days: at 24:00 of day 5 (Tuesday 2025-10-14)", 0.5, coreDay(2025, 10, 15)},
		{"80% is 8 days: at 24:00 of day 8 (Friday 2025-10-17), i.e. Saturday 00:00", 0.8, coreDay(2025, 10, 18)},
		{"100% is the whole period: Due, 24:00 of the last day 2025-10-21", 1, coreDay(2025, 10, 22)},
		{"1% is 0.1 day: 02:24 of day 1 (2025-10-09)", 0.01, coreAt(2025, 10, 9, 2, 24)},
		{"85% is 8.5 days: 12:00 of day 9 (2025-10-20)", 0.85, coreAt(2025, 10, 20, 12, 0)},
		{"a third is 3⅓ days: 08:00 of day 4 (2025-10-13)", 1.0 / 3, coreAt(2025, 10, 13, 8, 0)},
	}
	for _, tc := range warn {
		t.Run(tc.name, func(t *testing.T) {
			w, err := warningAt(cal, c, r, tc.fraction)
			require.NoError(t, err)
			assert.True(t, w.Equal(tc.want), "%v", w)
		})
	}
	d, err := computeDeadline(cal, c, r)
	require.NoError(t, err)
	assert.True(t, d.LastDay.Equal(coreDay(2025, 10, 21)), "the last working day starts at LastDay")
	for _, f := range []float64{0, -1, 1.5} {
		_, err := warningAt(cal, c, r, f)
		assert.Error(t, err, "fraction %v", f)
	}

	// Paused days are not used: 3 WD from Monday 03-10 paused 03-11..03-13 (excludes 12, 13); at 03-13 noon only day 1 is used.
	rp := deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 11, 10, 0), coreAt(2025, 3, 13, 14, 0))}}
	p, _, err := computeProgress(cal, c, rp, coreAt(2025, 3, 13, 12, 0))
	require.NoError(t, err)
	assert.Equal(t, 1, p.Used)
	assert.Equal(t, 2, p.Remaining)
	assert.True(t, p.Paused)
	w, err := warningAt(cal, c, rp, 0.5) // 1.5 days: the 2nd counted day is 03-14, half of it 12:00
	require.NoError(t, err)
	assert.True(t, w.Equal(coreAt(2025, 3, 14, 12, 0)), "%v", w)

	// Hours: 2 workhours from Monday 2025-03-10 11:00, due 14:30; at 13:00 1h used.
	rh := deadline.Request{Start: coreAt(2025, 3, 10, 11, 0), Period: deadline.Period{Count: 2, Unit: deadline.Workhours}}
	p, _, err = computeProgress(cal, c, rh, coreAt(2025, 3, 10, 13, 0))
	require.NoError(t, err)
	assert.Equal(t, time.Hour, p.UsedDuration)
	assert.Equal(t, time.Hour, p.RemainingDuration)
	assert.Equal(t, 2*time.Hour, p.TotalDuration)
	p, _, err = computeProgress(cal, c, rh, coreAt(2025, 3, 11, 9, 30))
	require.NoError(t, err)
	assert.True(t, p.Overdue)
	assert.Equal(t, -210*time.Minute, p.RemainingDuration, "overdue working time: 14:30-17:30 is 3h, plus 09:00-09:30 the next day")
	w, err = warningAt(cal, c, rh, 0.75) // 1.5h of working time: 11:00-12:00, 13:30-14:00
	require.NoError(t, err)
	assert.True(t, w.Equal(coreAt(2025, 3, 10, 14, 0)), "%v", w)

	// Same-day: Total 1; the period elapses from acceptance (10:00) to Due (24:00): 80% of 14h is 21:12.
	rs := deadline.Request{Start: coreAt(2025, 9, 30, 10, 0), Period: coreWD(0)}
	p, _, err = computeProgress(cal, c, rs, coreAt(2025, 9, 30, 11, 0))
	require.NoError(t, err)
	assert.Equal(t, 1, p.Total)
	assert.Equal(t, 0, p.Remaining)
	w, err = warningAt(cal, c, rs, 0.8)
	require.NoError(t, err)
	assert.True(t, w.Equal(coreAt(2025, 9, 30, 21, 12)), "%v", w)
	w, err = thresholdAt(cal, c, rs, deadline.Threshold{DaysLeft: 1})
	require.NoError(t, err)
	assert.True(t, w.Equal(coreAt(2025, 9, 30, 10, 0)), "1 working day left of a same-day period: at acceptance: %v", w)
	_, _, err = computeProgress(cal, c, rs, time.Time{})
	assert.Error(t, err)
}

func TestConcurrentUse(t *testing.T) {
	cal := calendar.Default()
	c := deadline.DefaultCounting()
	r := deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(10), Pauses: []deadline.Pause{corePause(coreAt(2025, 10, 9, 10, 0), coreAt(2025, 10, 13, 10, 0))}}
	want, err := computeDeadline(cal, c, r)
	require.NoError(t, err)
	done := make(chan time.Time, 8)
	for i := 0; i < 8; i++ {
		go func() {
			d, _ := computeDeadline(cal, c, r)
			done <- d.Due
		}()
	}
	for i := 0; i < 8; i++ {
		assert.True(t, (<-done).Equal(want.Due))
	}
}

// FuzzComputeDeadline drives random requests (start 2004..2050, any unit,
// up to two pauses, one extension, any conventions) and checks the
// invariants: no panic; Due after Start; the fast path agrees; a day-based
// last day is a working day; adding a pause or an extension never makes Due
// earlier; progress turns overdue exactly at Due; warnings come before Due.
func FuzzComputeDeadline(f *testing.F) {
	f.Add(int64(7943), int64(1020), uint16(3), uint8(1), int64(1440), int64(2880), int64(-60), int64(600), uint16(10), uint8(1), uint8(0))
	f.Add(int64(7943), int64(1020), uint16(0), uint8(1), int64(60), int64(0), int64(0), int64(0), uint16(1), uint8(2), uint8(3))
	f.Add(int64(8070), int64(600), uint16(10), uint8(2), int64(3000), int64(5000), int64(100), int64(20000), uint16(30), uint8(2), uint8(0xff))
	f.Add(int64(1), int64(0), uint16(1), uint8(3), int64(10), int64(10), int64(5), int64(10), uint16(1), uint8(3), uint8(4))
	f.Add(int64(8200), int64(660), uint16(2), uint8(4), int64(30), int64(60), int64(60), int64(60), uint16(1), uint8(4), uint8(1))
	f.Add(int64(8200), int64(0), uint16(24), uint8(5), int64(-30), int64(600), int64(60), int64(60), uint16(5), uint8(5), uint8(2))
	f.Add(int64(17160), int64(100), uint16(10), uint8(1), int64(0), int64(0), int64(0), int64(0), uint16(0), uint8(0), uint8(0))
	f.Add(int64(8760), int64(1439), uint16(40), uint8(4), int64(1), int64(1), int64(-100000), int64(100000), uint16(3), uint8(4), uint8(8))
	cal := calendar.Default()
	base := coreDay(2004, 1, 1)
	f.Fuzz(func(t *testing.T, startDay, startMin int64, count uint16, unit uint8, p1Off, p1Len, p2Off, p2Len int64, ext uint16, extUnit uint8, flags uint8) {
		c := deadline.DefaultCounting()
		if flags&1 != 0 {
			c.EndOfDay = deadline.CloseOfBusiness
		}
		if flags&2 != 0 {
			c.Receipt = deadline.ReceiptNextWorkday
		}
		if flags&4 != 0 {
			c.ResumeDay = deadline.ResumeDayCounted
		}
		start := base.AddDate(0, 0, int(coreMod(startDay, 17200))).Add(time.Duration(coreMod(startMin, 1440)) * time.Minute)
		u := deadline.Unit(unit%5 + 1)
		p := deadline.Period{Count: int(count % 400), Unit: u}
		if p.Count == 0 && u != deadline.Workdays {
			p.Count = 1
		}
		mk := func(off, length int64, open bool) deadline.Pause {
			s := start.Add(time.Duration(off%(200*1440)) * time.Minute)
			ps := deadline.Pause{Start: s}
			if !open {
				ps.End = s.Add(time.Duration(coreMod(length, 60*1440)) * time.Minute)
			}
			return ps
		}
		r := deadline.Request{Start: start, Period: p}
		if flags&8 != 0 {
			r.Pauses = []deadline.Pause{mk(p1Off, p1Len, flags&16 != 0)}
		}
		d, err := computeDeadline(cal, c, r)
		due, last, prov, ferr := computeDue(cal, c, r)
		require.Equal(t, err == nil, ferr == nil, "fast and full paths agree on failure: %v / %v", err, ferr)
		if err != nil {
			return
		}
		require.True(t, due.Equal(d.Due) && last.Equal(d.LastDay) && prov == d.Provisional, "fast path %v %v differs from %v %v", due, last, d.Due, d.LastDay)
		if d.Suspended {
			return
		}
		require.True(t, d.Due.After(start), "due %v not after start %v (%v)", d.Due, start, d.Explanation)
		if u == deadline.Workdays || u == deadline.Days || u == deadline.Months {
			ok, err := cal.IsWorkday(d.LastDay)
			require.NoError(t, err)
			require.True(t, ok, "last day %v of a day period is a working day", d.LastDay)
		}
		pr, _, err := computeProgress(cal, c, r, d.Due.Add(-time.Nanosecond))
		if err == nil {
			require.False(t, pr.Overdue)
		}
		pr, _, err = computeProgress(cal, c, r, d.Due)
		if err == nil {
			require.True(t, pr.Overdue)
		}
		if w, err := warningAt(cal, c, r, 0.5); err == nil {
			require.False(t, w.After(d.Due), "warning %v after due %v", w, d.Due)
		}

		// Adding a pause never makes Due earlier.
		r2 := r
		r2.Pauses = append(append([]deadline.Pause(nil), r.Pauses...), mk(p2Off, p2Len, flags&32 != 0))
		if d2, err := computeDeadline(cal, c, r2); err == nil && !d2.Suspended {
			require.False(t, d2.Due.Before(d.Due), "pause moved due from %v to %v", d.Due, d2.Due)
		}
		// Adding an extension never makes Due earlier.
		x := deadline.Period{Count: int(ext%30) + 1, Unit: deadline.Unit(extUnit%3 + 1)}
		if u == deadline.Workhours || u == deadline.Hours {
			x.Unit = deadline.Unit(extUnit%2 + 4)
		}
		r3 := r
		r3.Extensions = []deadline.Period{x}
		if d3, err := computeDeadline(cal, c, r3); err == nil && !d3.Suspended {
			// Not always strictly later: a pause begun on the last day
			// postpones Due to the end of the resume day R (rolled, 民法典
			// 203), and an extension counted from the old last day past the
			// paused days can end on that same day (e.g. +2 calendar days
			// from a resume day inside a holiday).
			require.False(t, d3.Due.Before(d.Due), "extension moved due from %v to %v", d.Due, d3.Due)
			if len(r.Pauses) == 0 {
				require.True(t, d3.Due.After(d.Due), "extension moved due from %v to %v", d.Due, d3.Due)
			}
		}
	})
}

func coreMod(a, n int64) int64 {
	a %= n
	if a < 0 {
		a += n
	}
	return a
}

// TestExplanationGolden pins the full explanation text of representative
// cases (the calendar version hash is normalised so data fixes do not churn it).
func TestExplanationGolden(t *testing.T) {
	cob := deadline.DefaultCounting()
	cob.EndOfDay = deadline.CloseOfBusiness
	next := deadline.DefaultCounting()
	next.Receipt = deadline.ReceiptNextWorkday
	cases := []struct {
		name string
		c    deadline.Counting
		r    deadline.Request
	}{
		{"3 working days from the eve of National Day 2025", deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(3)}},
		{"7日 whose last day is a holiday", deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 25, 10, 0), Period: deadline.Period{Count: 7, Unit: deadline.Days}}},
		{"1个月 from 31 January", deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 1, 31, 10, 0), Period: deadline.Period{Count: 1, Unit: deadline.Months}}},
		{"10 working days with a pause over the holiday and a 10-workday extension", deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 22, 10, 0), Period: coreWD(10),
			Pauses: []deadline.Pause{corePause(coreAt(2025, 9, 30, 10, 0), coreAt(2025, 10, 10, 10, 0))}, Extensions: []deadline.Period{coreWD(10)}}},
		{"same-day after the cutoff under close of business", cob, deadline.Request{Start: coreAt(2025, 9, 30, 16, 30), Period: coreWD(0)}},
		{"accepted on a holiday, deemed received on the next working day", next, deadline.Request{Start: coreAt(2025, 10, 3, 11, 0), Period: coreWD(1)}},
		{"2 workhours across National Day", deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: deadline.Period{Count: 2, Unit: deadline.Workhours}}},
		{"open pause", deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{{Start: coreAt(2025, 3, 11, 10, 0), Reason: "专家评审"}}}},
		{"10 working days into projected 2028", deadline.DefaultCounting(), deadline.Request{Start: coreAt(2027, 12, 28, 10, 0), Period: coreWD(10)}},
		{"1 working day from Monday 2025-09-29, paused on the last day 09-30 over the holiday, resumed 10-09", deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 29, 10, 0), Period: coreWD(1),
			Pauses: []deadline.Pause{corePause(coreAt(2025, 9, 30, 10, 0), coreAt(2025, 10, 9, 10, 0))}}},
		{"same-day on a holiday, deemed received on the next working day", next, deadline.Request{Start: coreAt(2025, 10, 3, 11, 0), Period: coreWD(0)}},
		{"4 workhours from 2025-09-30 16:00 across National Day", deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 30, 16, 0), Period: deadline.Period{Count: 4, Unit: deadline.Workhours}}},
		{"3 workhours from Friday 2025-03-07 16:00 paused 17:00 to Monday 10:00", deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 3, 7, 16, 0), Period: deadline.Period{Count: 3, Unit: deadline.Workhours},
			Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 7, 17, 0), coreAt(2025, 3, 10, 10, 0))}}},
	}
	var b strings.Builder
	for _, tc := range cases {
		d, err := computeDeadline(calendar.Default(), tc.c, tc.r)
		require.NoError(t, err, tc.name)
		fmt.Fprintf(&b, "## %s\n", tc.name)
		for _, s := range d.Explanation {
			b.WriteString(s + "\n")
		}
		b.WriteString("\n")
	}
	got := regexp.MustCompile(`calendar CN [0-9a-f]+`).ReplaceAllString(b.String(), "calendar CN <version>")
	golden.AssertString(t, filepath.Join("testdata", "explanations.golden"), got)
}

// A case with a granted extension that is then paused: what remains while the clock is
// stopped is the rest of the base period plus the whole extension (行政许可法 arts. 42, 45).
func TestSuspendedRemainingIncludesLaterExtensions(t *testing.T) {
	cal := calendar.Default()
	cst := calendar.CST()
	ten, five := deadline.Period{Count: 10, Unit: deadline.Workdays}, deadline.Period{Count: 5, Unit: deadline.Workdays}
	// Accepted Monday 2025-11-03; day 1 is Tuesday 11-04 and day 2 Wednesday 11-05, the day the
	// pause begins (the pause day counts in full). 8 working days of the base period remain,
	// and the 5-working-day extension granted the day before: 13.
	d, err := computeDeadline(cal, deadline.DefaultCounting(), deadline.Request{
		Start:      time.Date(2025, 11, 3, 10, 0, 0, 0, cst),
		Period:     ten,
		Extensions: []deadline.Period{five},
		Pauses:     []deadline.Pause{{Start: time.Date(2025, 11, 5, 10, 0, 0, 0, cst), Reason: "专家评审"}},
	})
	require.NoError(t, err)
	require.True(t, d.Suspended)
	assert.Equal(t, 13, d.RemainingWhenSuspended)

	// The same in working hours: 16 working hours, extended by 8, paused after 2 hours are used.
	d, err = computeDeadline(cal, deadline.DefaultCounting(), deadline.Request{
		Start:      time.Date(2025, 11, 3, 9, 0, 0, 0, cst),
		Period:     deadline.Period{Count: 16, Unit: deadline.Workhours},
		Extensions: []deadline.Period{{Count: 8, Unit: deadline.Workhours}},
		Pauses:     []deadline.Pause{{Start: time.Date(2025, 11, 3, 11, 0, 0, 0, cst), Reason: "检测"}},
	})
	require.NoError(t, err)
	require.True(t, d.Suspended)
	assert.Equal(t, 22*time.Hour, d.RemainingDurationWhenSuspended)
}

// TestThresholdsAt: the two forms of a warning threshold, stated as offices
// state them. Monday 2025-11-03 10:00 is the acceptance of each case unless
// said otherwise; its 3 working days are Tuesday 11-04, Wednesday 11-05 and
// Thursday 11-06, due Friday 11-07 00:00.
func TestThresholdsAt(t *testing.T) {
	cal, c := calendar.Default(), deadline.DefaultCounting()
	mon := coreAt(2025, 11, 3, 10, 0)
	wd3 := deadline.Request{Start: mon, Period: coreWD(3)}
	wh4 := deadline.Request{Start: mon, Period: deadline.Period{Count: 4, Unit: deadline.Workhours}}
	cases := []struct {
		name string
		req  deadline.Request
		th   deadline.Threshold
		want time.Time
	}{
		{"a 3-workday case, yellow at 1 workday left: Wednesday 00:00 (到期前1个工作日)", wd3, deadline.Threshold{DaysLeft: 1}, coreDay(2025, 11, 5)},
		{"a 3-workday case, 2 workdays left: Tuesday 00:00, the first counted day", wd3, deadline.Threshold{DaysLeft: 2}, coreDay(2025, 11, 4)},
		{"a 3-workday case, 0 workdays left (the last working day): Thursday 00:00", wd3, deadline.Threshold{DaysLeft: 0}, coreDay(2025, 11, 6)},
		{"a 3-workday case, 3 workdays left: already at acceptance, Monday 10:00", wd3, deadline.Threshold{DaysLeft: 3}, mon},
		{"a 3-workday case, 100%: Due, Friday 00:00 — not the start of the last day", wd3, deadline.Threshold{Fraction: 1}, coreDay(2025, 11, 7)},
		{"a 3-workday case, 50%: 1.5 days elapsed, Wednesday 12:00", wd3, deadline.Threshold{Fraction: 0.5}, coreAt(2025, 11, 5, 12, 0)},
		{"a 3-workday case, 80%: 2.4 days elapsed, Thursday 09:36", wd3, deadline.Threshold{Fraction: 0.8}, coreAt(2025, 11, 6, 9, 36)},
		{"a 3-workday case accepted Friday 10-31, 1 workday left: the weekend is not counted, Tuesday 11-04 00:00",
			deadline.Request{Start: coreAt(2025, 10, 31, 10, 0), Period: coreWD(3)}, deadline.Threshold{DaysLeft: 1}, coreDay(2025, 11, 4)},
		{"a 3-workday case paused all Tuesday (11-04 09:00 to 11-05 09:00), 1 workday left: the paused day is not counted, Thursday 00:00",
			deadline.Request{Start: mon, Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 11, 4, 9, 0), coreAt(2025, 11, 5, 9, 0))}},
			deadline.Threshold{DaysLeft: 1}, coreDay(2025, 11, 6)},
		{"a 4-workhour case (due Monday 15:30), 0 workdays left: its last day, Monday, at acceptance", wh4, deadline.Threshold{DaysLeft: 0}, mon},
		{"a 4-workhour case, 50%: 2 working hours from 10:00 are used at Monday 12:00", wh4, deadline.Threshold{Fraction: 0.5}, coreAt(2025, 11, 3, 12, 0)},
		{"a 10-workhour case from Monday 10:00 (last day Tuesday), 1 workday left: Monday 00:00, so at acceptance",
			deadline.Request{Start: mon, Period: deadline.Period{Count: 10, Unit: deadline.Workhours}}, deadline.Threshold{DaysLeft: 1}, mon},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := thresholdAt(cal, c, tc.req, tc.th)
			require.NoError(t, err)
			assert.True(t, got.Equal(tc.want), "got %v, want %v", got, tc.want)
		})
	}
	k, err := deadline.New(cal, c)
	require.NoError(t, err)
	for _, bad := range []deadline.Threshold{{Fraction: 1.5}, {Fraction: -0.1}, {DaysLeft: -1}, {Fraction: 0.5, DaysLeft: 1}, {DaysLeft: deadline.MaxPeriodCount + 1}} {
		_, err := k.ThresholdsAt(wd3, []deadline.Threshold{bad}, nil)
		assert.ErrorContains(t, err, "neither a fraction", "a threshold %+v is refused, naming both forms", bad)
	}
}
