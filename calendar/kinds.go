package calendar

import (
	"errors"
	"fmt"
	"time"
)

// ErrYearNotCovered is matched (errors.Is) by every error about a date for
// which no official schedule is available: a non-official day in strict mode,
// and every out-of-range date.
var ErrYearNotCovered = errors.New("calendar: date not covered by an official schedule")

// ErrOutOfRange is matched (errors.Is) by errors about dates before
// 2004-01-01 or after 2050-12-31 (civil dates in the calendar's location).
// Such errors also match ErrYearNotCovered, so a caller that only checks
// ErrYearNotCovered never mistakes an out-of-range date for a covered one.
var ErrOutOfRange = errors.New("calendar: date outside the calendar's range")

// DateError is the error returned by every failing lookup or arithmetic call.
// It says which civil date failed and why, and unwraps to ErrYearNotCovered
// and/or ErrOutOfRange.
type DateError struct {
	// Date is the civil date at fault, 00:00 in the calendar's location.
	Date time.Time
	// Reason is a human-readable explanation, without the date.
	Reason string

	kind []error // sentinels this error matches
}

// Error renders "calendar: YYYY-MM-DD: reason".
func (e *DateError) Error() string {
	return "calendar: " + e.Text()
}

// Text is the message without the package name, "2050-12-29: adding 3 working days lands
// after 2050-12-31", which a layer that wraps the error (package sla) writes after its own.
func (e *DateError) Text() string {
	return formatDate(e.Date) + ": " + e.Reason
}

// Unwrap returns the sentinel errors this error matches, for errors.Is.
func (e *DateError) Unwrap() []error { return e.kind }

func formatDate(t time.Time) string {
	y, m, d := t.Date()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), d)
}

// DayKind classifies one civil date for working-day arithmetic.
type DayKind uint8

const (
	// Workday is an ordinary Monday–Friday.
	Workday DayKind = iota
	// RestDay is an ordinary Saturday or Sunday (公休日).
	RestDay
	// Holiday is an official day off (放假), including weekend days inside a
	// span the notice states as 放假, and Article 6 补假 days.
	Holiday
	// MakeupWorkday is a Saturday or Sunday that is a working day (调休上班).
	MakeupWorkday
)

// String returns "workday", "rest", "holiday" or "makeup" (a stable contract
// used in files and explanations); unknown values render as "DayKind(n)".
func (k DayKind) String() string {
	switch k {
	case Workday:
		return "workday"
	case RestDay:
		return "rest"
	case Holiday:
		return "holiday"
	case MakeupWorkday:
		return "makeup"
	}
	return fmt.Sprintf("DayKind(%d)", uint8(k))
}

// IsWorking reports whether the kind is a working day (Workday or
// MakeupWorkday).
func (k DayKind) IsWorking() bool { return k == Workday || k == MakeupWorkday }

// ParseDayKind parses the exact strings produced by DayKind.String.
func ParseDayKind(s string) (DayKind, error) {
	for k := Workday; k <= MakeupWorkday; k++ {
		if s == k.String() {
			return k, nil
		}
	}
	return 0, fmt.Errorf("calendar: unknown day kind %q (want workday, rest, holiday or makeup)", s)
}

// Certainty says how far a day's kind can be trusted. Larger values are less
// certain, so the least certain of several days is their maximum.
type Certainty uint8

const (
	// Official days come from a verified State Council notice (or from an
	// override whose caller vouches for it).
	Official Certainty = iota
	// Unverified days come from a published schedule that has not been
	// checked against the notice text (2027 in the embedded data).
	Unverified
	// Projected days come from no schedule at all: statutory holidays
	// computed by rule (放假办法 as revised 2024, Article 6 补假), no 调休.
	Projected
)

// String returns "official", "unverified" or "projected" (a stable
// contract); unknown values render as "Certainty(n)".
func (c Certainty) String() string {
	switch c {
	case Official:
		return "official"
	case Unverified:
		return "unverified"
	case Projected:
		return "projected"
	}
	return fmt.Sprintf("Certainty(%d)", uint8(c))
}

func (c Certainty) valid() bool { return c <= Projected }

// ParseCertainty parses the exact strings produced by Certainty.String.
func ParseCertainty(s string) (Certainty, error) {
	for c := Official; c <= Projected; c++ {
		if s == c.String() {
			return c, nil
		}
	}
	return 0, fmt.Errorf("calendar: unknown certainty %q (want official, unverified or projected)", s)
}

// Day describes one civil date.
type Day struct {
	// Date is 00:00 of the date in the calendar's location.
	Date time.Time
	// Kind is the day's classification.
	Kind DayKind
	// Holiday is the English key (new_year, spring_festival, tomb_sweeping,
	// labour_day, dragon_boat, mid_autumn, national_day,
	// national_day_mid_autumn, anti_fascist_70th, or a name from an
	// override); "" on ordinary days.
	Holiday string
	// HolidayZh is the Chinese name (元旦, 春节, …); "" on ordinary days.
	HolidayZh string
	// Notice is the notice or source that set this day; "" on ordinary days
	// of official years. Ordinary days of unverified and projected years
	// carry the name of the schedule or projection they came from.
	Notice string
	// Certainty says whether the day is official, unverified or projected.
	Certainty Certainty
}

// IsWorking reports whether the day is a working day (Workday or
// MakeupWorkday).
func (d Day) IsWorking() bool { return d.Kind.IsWorking() }
