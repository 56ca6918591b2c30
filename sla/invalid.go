package sla

import (
	"errors"
	"io/fs"

	"github.com/shixian-go/shixian/internal/diag"
)

// ErrInvalid is satisfied by every error caused by what the caller passed, and by nothing
// else:
//
//	if errors.Is(err, sla.ErrInvalid) { /* 4xx: show the message to the clerk */ } else { /* 5xx */ }
//
// Caller faults are: classification input (a missing or mistyped field, a value not
// declared, a struct whose tags do not fit the schema, a rule that fails on the input — a
// *rules.RuleError, which a portal whose policy is its own configuration may still answer
// with 500, as examples/portal does), events and cases (every *EventError,
// a case without id or events, case JSON that does not parse), instants (a zero acceptance
// time or now, an instant the calendar cannot count, an acceptance outside every version's
// range: *NotEffectiveError), tiers and options (an unknown tier, a report's missing dates),
// policy files and histories whose content is wrong (every *Problems, an overlap of versions, a
// file larger than its bound), and a candidate that fails its suite (slatest.Check). Errors
// that are not the caller's — a file that cannot be read (*fs.PathError), a failing
// io.Writer, a Check that could not run, a Holder not made by NewHolder — do not satisfy it.
// It is rules.ErrInvalid, the same value. (Packages calendar and sla/deadline, used alone,
// do not mark their errors; through this package their faults of an instant or a period the
// caller gave are marked where they surface.)
//
// One case escapes: json.Unmarshal checks the syntax of a whole document itself before any
// UnmarshalJSON runs, and its *json.SyntaxError is not this package's to mark. Decode a case
// the caller sent with DecodeCase or DecodeCaseReader, whose every error is classified (and
// positioned).
var ErrInvalid = diag.ErrInvalid

// invalid marks err as the caller's fault unless it is an error of the environment (a file
// that could not be opened or read); nil stays nil. Entry points whose every failure comes
// from their arguments pass their errors through it, so that an error another layer built
// without the mark (a JSON syntax error, a counting error) is classified where it surfaces.
func invalid(err error) error {
	if err == nil || isFault(err) {
		return err
	}
	return diag.MarkInvalid(err)
}

// isFault reports whether err comes from the environment rather than from the caller's input.
func isFault(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe)
}
