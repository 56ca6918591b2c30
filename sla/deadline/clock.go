package deadline

import (
	"fmt"
	"strings"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/internal/textform"
)

// ClockTime is a wall-clock time of day (hour and minute) in the calendar's
// location. 00:00 is the start of a day; 24:00 (Hour 24, Minute 0) is the end
// of a day and is valid only where a doc comment says so (Span.End and
// Counting.SameDayCutoff). It is a plain value, safe for concurrent use.
type ClockTime struct{ Hour, Minute int }

// ParseClockTime parses "HH:MM" (or "H:MM") with 00 <= HH <= 23 and
// 00 <= MM <= 59, or exactly "24:00" (the end of the day; accepted only
// where documented, see ClockTime). Surrounding spaces are ignored.
func ParseClockTime(s string) (ClockTime, error) {
	in := strings.TrimSpace(s)
	h, m, ok := strings.Cut(in, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !allDigits(h) || !allDigits(m) {
		return ClockTime{}, fmt.Errorf("invalid time of day %q (want HH:MM, e.g. \"09:00\" or \"17:30\")", s)
	}
	c := ClockTime{Hour: atoiSmall(h), Minute: atoiSmall(m)}
	if !c.valid() {
		return ClockTime{}, fmt.Errorf("invalid time of day %q (want 00:00..23:59, or 24:00 for the end of the day)", s)
	}
	return c, nil
}

// String returns "HH:MM", e.g. "09:00" or "24:00".
func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// MarshalText encodes c as String does.
func (c ClockTime) MarshalText() ([]byte, error) {
	if !c.valid() {
		return nil, fmt.Errorf("invalid time of day %02d:%02d", c.Hour, c.Minute)
	}
	return []byte(c.String()), nil
}

// UnmarshalText decodes what ParseClockTime accepts. On error *c is unchanged.
func (c *ClockTime) UnmarshalText(b []byte) error { return textform.Unmarshal(c, b, ParseClockTime) }

// valid reports whether c is 00:00..23:59 or 24:00.
func (c ClockTime) valid() bool {
	if c.Hour == 24 {
		return c.Minute == 0
	}
	return c.Hour >= 0 && c.Hour <= 23 && c.Minute >= 0 && c.Minute <= 59
}

// offset is the time since 00:00 (wall clock).
func (c ClockTime) offset() time.Duration {
	return time.Duration(c.Hour)*time.Hour + time.Duration(c.Minute)*time.Minute
}

// Span is one interval of business hours within a day, [Start, End): Start
// inclusive, End exclusive, Start < End, End may be 24:00. Both are wall-clock
// times in the calendar's location.
type Span struct{ Start, End ClockTime }

// ParseSpan parses "09:00-12:00" (an ASCII hyphen, "–" or "~" between the
// two times; spaces allowed).
func ParseSpan(s string) (Span, error) {
	in := strings.TrimSpace(s)
	var a, b string
	var ok bool
	for _, sep := range []string{"-", "–", "~", "～"} {
		if a, b, ok = strings.Cut(in, sep); ok {
			break
		}
	}
	if !ok {
		return Span{}, fmt.Errorf("invalid business-hours span %q (want HH:MM-HH:MM, e.g. \"09:00-12:00\")", s)
	}
	st, err := ParseClockTime(a)
	if err != nil {
		return Span{}, diag.Errorf("", "invalid business-hours span %q: %w", s, err)
	}
	en, err := ParseClockTime(b)
	if err != nil {
		return Span{}, diag.Errorf("", "invalid business-hours span %q: %w", s, err)
	}
	sp := Span{Start: st, End: en}
	if err := sp.validate(); err != nil {
		return Span{}, diag.Errorf("", "invalid business-hours span %q: %w", s, err)
	}
	return sp, nil
}

// String returns "HH:MM-HH:MM".
func (s Span) String() string { return s.Start.String() + "-" + s.End.String() }

// MarshalText encodes s as String does.
func (s Span) MarshalText() ([]byte, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes what ParseSpan accepts. On error *s is unchanged.
func (s *Span) UnmarshalText(b []byte) error { return textform.Unmarshal(s, b, ParseSpan) }

func (s Span) validate() error {
	if !s.Start.valid() || !s.End.valid() {
		return fmt.Errorf("time of day out of range in %02d:%02d-%02d:%02d", s.Start.Hour, s.Start.Minute, s.End.Hour, s.End.Minute)
	}
	if s.Start.Hour == 24 {
		return fmt.Errorf("span %s starts at 24:00", s)
	}
	if s.Start.offset() >= s.End.offset() {
		return fmt.Errorf("span %s does not end after it starts", s)
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// atoiSmall converts at most two validated digits.
func atoiSmall(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// hours is the business-hours schedule of a working day, with prefix sums,
// precomputed from validated spans; it lives on the stack of one computation.
type hours struct {
	spans []Span
	daily time.Duration // total business time of one working day
}

func newHours(spans []Span) hours {
	var d time.Duration
	for _, s := range spans {
		d += s.End.offset() - s.Start.offset()
	}
	return hours{spans: spans, daily: d}
}

// within is the business time of a working day between 00:00 and tod (wall
// clock offset since midnight).
func (h hours) within(tod time.Duration) time.Duration {
	var d time.Duration
	for _, s := range h.spans {
		a, b := s.Start.offset(), s.End.offset()
		if tod <= a {
			break
		}
		if tod >= b {
			d += b - a
			continue
		}
		d += tod - a
		break
	}
	return d
}

// at is the earliest wall-clock offset within a working day at which rem
// (0 < rem <= daily) of business time has elapsed since 00:00. An amount that
// ends exactly at a span's end yields that end (e.g. 12:00), not the next
// span's start: the period expires when the work time runs out.
func (h hours) at(rem time.Duration) time.Duration {
	for _, s := range h.spans {
		a, b := s.Start.offset(), s.End.offset()
		if rem <= b-a {
			return a + rem
		}
		rem -= b - a
	}
	// Unreachable for rem <= daily; the last span's end is the safe answer.
	return h.spans[len(h.spans)-1].End.offset()
}

// closeOfBusiness is the end of the last span: 民法典 art. 203 "有业务时间的，
// 停止业务活动的时间为截止时间".
func (h hours) closeOfBusiness() time.Duration {
	return h.spans[len(h.spans)-1].End.offset()
}
