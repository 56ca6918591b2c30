package calendar

import (
	"time"

	"github.com/rickar/cal/v2"
)

// BusinessCalendar returns a freshly built rickar/cal business calendar
// whose IsWorkday agrees with this calendar on every covered date, makeup
// days included (it answers through WorkdayFunc, with no cal holidays, so
// dates are converted to this calendar's location first). It reports the
// day's kind whatever the provisional setting: cal has no way to return an
// error. Outside 2004-01-01..2050-12-31 it answers Monday–Friday, which is
// cal's own default and a guess: use this calendar's methods when the range
// matters. The result is the caller's to modify; it shares nothing mutable
// with the receiver.
func (c *Calendar) BusinessCalendar() *cal.BusinessCalendar {
	bc := cal.NewBusinessCalendar()
	bc.WorkdayFunc = func(t time.Time) bool {
		if i, ok := c.index(t); ok {
			return c.kindAt(i).IsWorking()
		}
		wd := t.In(c.loc).Weekday()
		return wd != time.Saturday && wd != time.Sunday
	}
	return bc
}
