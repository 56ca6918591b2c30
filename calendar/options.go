package calendar

import (
	"fmt"
	"time"
)

// Option configures New and Derive (functional options). Options are
// applied in the order given, except that overrides always come after
// schedules.
type Option func(*options)

type options struct {
	provisional bool
	loc         *time.Location
	name        string
	schedules   []*Schedule
	overrides   []Override
	errs        []error
}

// WithProvisional sets whether results through unverified or projected days
// are allowed. false is strict mode: any lookup or arithmetic touching a
// non-official day returns a *DateError wrapping ErrYearNotCovered.
// New and Default allow them (true).
func WithProvisional(allow bool) Option {
	return func(o *options) { o.provisional = allow }
}

// WithLocation sets the business location whose civil dates the calendar
// counts (default CST()). A nil location makes New
// and Derive fail. A location with DST or a history of offset changes works
// but is slower (each lookup converts with t.In).
func WithLocation(loc *time.Location) Option {
	return func(o *options) {
		if loc == nil {
			o.errs = append(o.errs, fmt.Errorf("calendar: WithLocation: nil *time.Location"))
			return
		}
		o.loc = loc
	}
}

// WithSchedule applies a loaded schedule (see Schedule for the rules). The
// schedule is read, never modified or retained. A nil schedule is an error.
func WithSchedule(s *Schedule) Option {
	return func(o *options) {
		if s == nil {
			o.errs = append(o.errs, fmt.Errorf("calendar: WithSchedule: nil *Schedule"))
			return
		}
		o.schedules = append(o.schedules, s)
	}
}

// WithOverrides applies date overrides after every schedule. Several
// WithOverrides options accumulate; two overrides of the same civil date in
// one New/Derive call are an error (layer them with separate Derive calls
// instead, where the later layer wins).
func WithOverrides(ov ...Override) Option {
	cp := append([]Override(nil), ov...)
	return func(o *options) { o.overrides = append(o.overrides, cp...) }
}

// WithName sets the calendar's human name used in explanations, e.g. "CN"
// (the default) or "CN-HB (Hubei)".
func WithName(name string) Option {
	return func(o *options) { o.name = name }
}

// Override makes one civil date off or working: regional and unit layers
// such as Hubei's 2020 extension, ethnic-minority festivals (放假办法 Article
// 4), or a unit's duty day.
//
// Kind rules: Holiday on any date; MakeupWorkday only on a Saturday or
// Sunday; Workday (reset to ordinary) only on Monday–Friday; RestDay (reset
// to ordinary) only on Saturday or Sunday. Source is required and becomes
// Day.Notice. Overridden days get Certainty Official: the caller vouches for
// them. A date outside 2004..2050 is an error.
type Override struct {
	// Date is the day; its civil date in the calendar's location is used.
	Date time.Time
	// Kind is the new kind of the day.
	Kind DayKind
	// Holiday is the English key or name.
	Holiday string
	// HolidayZh is the Chinese name.
	HolidayZh string
	// Source is the notice or decision (required, non-empty).
	Source string
}
