// Package wire holds the few conversions that every JSON object of the library's wire format
// shares (instants, civil dates, durations), so that a status, a deadline and whatever else is
// written write them one way and read them back one way. The format itself is documented in
// package sla ("Wire format").
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
	"unicode/utf8"

	"github.com/shixian-go/shixian/internal/clip"
)

// Instant writes t as RFC 3339 with nanoseconds and its own UTC offset (the offset of the
// location it is in, which for the library's results is the calendar's: +08:00 by default).
// The zero instant is "": callers leave such keys out.
func Instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// ParseInstant reads what Instant writes; "" is the zero instant. Any RFC 3339 instant is
// accepted (an offset is mandatory in RFC 3339, so the instant is never ambiguous).
func ParseInstant(key, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %s is not an RFC 3339 instant (e.g. 2025-10-16T00:00:00+08:00)", key, clip.Quote(s))
	}
	return t, nil
}

// Date writes the civil date of t ("2025-10-15"), "" for the zero instant. Dates of the
// library's results are 00:00 of the day in the calendar's location, so the date is the day's.
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// ParseDate reads what Date writes as 00:00 of the date in loc; "" is the zero instant.
func ParseDate(key, s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %s is not a date (YYYY-MM-DD)", key, clip.Quote(s))
	}
	return t, nil
}

// Seconds writes a duration as whole seconds, truncated toward zero.
func Seconds(d time.Duration) int64 { return int64(d / time.Second) }

// maxSeconds is the largest count of seconds a time.Duration holds (about 292 years).
const maxSeconds = math.MaxInt64 / int64(time.Second)

// ErrSecondsRange is returned by ParseSeconds for a count a time.Duration cannot hold.
var ErrSecondsRange = errors.New("out of range")

// ParseSeconds reads what Seconds writes. A negative count or one beyond what a
// time.Duration holds is an error: every duration of the format is a length of time.
func ParseSeconds(key string, n int64) (time.Duration, error) {
	if n < 0 || n > maxSeconds {
		return 0, fmt.Errorf("%s: %d seconds is %w (0 to %d)", key, n, ErrSecondsRange, maxSeconds)
	}
	return time.Duration(n) * time.Second, nil
}

// Decode decodes data, one JSON object, into v strictly: unknown keys, trailing data and
// invalid UTF-8 (which encoding/json would silently replace by U+FFFD) are errors. The
// errors carry no package prefix; the caller adds its context once.
func Decode(data []byte, v any) error {
	if !utf8.Valid(data) {
		return errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the object")
	}
	return nil
}

// Read decodes data strictly (as Decode) into the wire form W and converts it with convert,
// which checks what the JSON decoder cannot: the one body of every UnmarshalJSON of the wire
// format. The errors carry no package prefix.
func Read[W, T any](data []byte, convert func(*W) (T, error)) (T, error) {
	var w W
	if err := Decode(data, &w); err != nil {
		var zero T
		return zero, err
	}
	return convert(&w)
}

// Parser parses the text values of one object, keeping the first error, so that a decoder
// reads every key in one pass and reports the first fault.
type Parser struct {
	Loc *time.Location // the location of dates
	Err error
}

// Instant is ParseInstant, its error kept.
func (p *Parser) Instant(key, s string) time.Time {
	t, err := ParseInstant(key, s)
	p.Keep(err)
	return t
}

// Date is ParseDate in p.Loc, its error kept.
func (p *Parser) Date(key, s string) time.Time {
	t, err := ParseDate(key, s, p.Loc)
	p.Keep(err)
	return t
}

// Seconds is ParseSeconds, its error kept.
func (p *Parser) Seconds(key string, n int64) time.Duration {
	d, err := ParseSeconds(key, n)
	p.Keep(err)
	return d
}

// Count keeps an error for a negative count.
func (p *Parser) Count(key string, n int) {
	if n < 0 {
		p.Keep(fmt.Errorf("%s: %d is negative", key, n))
	}
}

// Keep keeps err if it is the first.
func (p *Parser) Keep(err error) {
	if p.Err == nil {
		p.Err = err
	}
}
