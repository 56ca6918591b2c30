// Package textform gives the text forms of the library's small value types one
// implementation: the settings spelled as words in a policy file (end_of_day, receipt,
// resume_day in package deadline; late_extension, reclassify in package sla) share one
// table-driven Enum for String, Parse and validity, and every UnmarshalText goes through
// Unmarshal, which keeps the promise that a value is unchanged when its text is refused.
package textform

import (
	"fmt"
	"strconv"
	"strings"
)

// Enum is the spelling table of a setting type T whose values are 0, 1, …,
// len(Words)-1. It is a value, read only after it is built.
type Enum[T ~uint8] struct {
	// Kind is the setting's key, used in errors and for values without a spelling.
	Kind string
	// Words are the spellings, in value order.
	Words []string
}

// String returns v's spelling, or Kind(v) ("receipt(7)") for a value without one, so that
// a bad value is visible where it is printed rather than passed off as a good one.
func (e Enum[T]) String(v T) string {
	if e.Known(v) {
		return e.Words[v]
	}
	return e.Kind + "(" + strconv.Itoa(int(v)) + ")"
}

// Known reports whether v has a spelling.
func (e Enum[T]) Known(v T) bool { return int(v) < len(e.Words) }

// Parse reads a spelling; surrounding white space is ignored. The error quotes s as given
// and lists every accepted spelling, so that a policy author sees the fix.
func (e Enum[T]) Parse(s string) (T, error) {
	in := strings.TrimSpace(s)
	for i, w := range e.Words {
		if in == w {
			return T(i), nil
		}
	}
	quoted := make([]string, len(e.Words))
	for i, w := range e.Words {
		quoted[i] = strconv.Quote(w)
	}
	return 0, fmt.Errorf("invalid %s %q (want %s)", e.Kind, s, strings.Join(quoted, " or "))
}

// Unmarshal stores parse(text) in *dst and returns parse's error; on error *dst is left as
// it was, as every UnmarshalText of the library promises.
func Unmarshal[T any](dst *T, text []byte, parse func(string) (T, error)) error {
	v, err := parse(string(text))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}
