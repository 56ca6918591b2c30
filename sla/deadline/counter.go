package deadline

import (
	"errors"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/diag"
)

// Counter counts periods by one set of conventions on one calendar: the one
// entry for a due date (Deadline), for progress (Progress) and for warning
// instants (WarningsAt, ThresholdsAt). Build it once with New and share it: it is immutable
// and safe for concurrent use by any number of goroutines, and no method
// reads the wall clock or modifies a Request.
type Counter struct {
	cal   *calendar.Calendar
	c     Counting // validated; BusinessHours is the Counter's own copy
	h     hours
	calID string // cal.Name() + " " + cal.Version(), for Deadline.Calendar
}

// New returns a Counter for the conventions c on cal. It fails for a nil
// calendar and for conventions Counting.Validate refuses (wrapped, prefixed
// "counting: "). c is copied: changing it afterwards does not change the
// Counter.
func New(cal *calendar.Calendar, c Counting) (*Counter, error) {
	if cal == nil {
		return nil, errors.New("no calendar (nil *calendar.Calendar)")
	}
	if err := c.Validate(); err != nil {
		return nil, diag.Errorf("", "counting: %w", err)
	}
	c.BusinessHours = append([]Span(nil), c.BusinessHours...)
	k := &Counter{cal: cal, c: c, calID: cal.Name() + " " + cal.Version()}
	k.h = newHours(k.c.BusinessHours)
	return k, nil
}

// Calendar returns the calendar the Counter counts on.
func (k *Counter) Calendar() *calendar.Calendar { return k.cal }

// Counting returns a copy of the conventions the Counter counts by.
func (k *Counter) Counting() Counting {
	c := k.c
	c.BusinessHours = append([]Span(nil), c.BusinessHours...)
	return c
}

func (k *Counter) engine() engine {
	return engine{cal: k.cal, loc: k.cal.Location(), c: &k.c, h: &k.h}
}

// Deadline computes the deadline of r: Due (exclusive), LastDay and
// Provisional always; the days counted and skipped and an explanation in
// words only when r.Explain is set (they allocate). Without Explain the
// common requests take O(1) shortcuts that return exactly what the general
// path returns, errors included, and day-based periods with at most 8 pauses
// allocate nothing. A suspended deadline (an open
// pause began before it) has Suspended set and zero Due and LastDay, and is
// not an error.
//
// Errors: an invalid period or extension, a zero Start, a pause without start
// or ending before it starts (naming the pause index), more than MaxPauses
// pauses or MaxExtensions extensions, and calendar errors — out of range, or
// a non-official day on a strict calendar — wrapped so that
// errors.Is(err, calendar.ErrYearNotCovered) holds and naming the date. It
// never panics.
func (k *Counter) Deadline(r Request) (d Deadline, err error) {
	if !r.Explain && k.shortcut(&r, &d) {
		return d, nil
	}
	return k.deadline(&r)
}
