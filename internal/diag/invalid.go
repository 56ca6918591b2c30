package diag

import "errors"

// ErrInvalid is the one sentinel of the library's caller faults: every error caused by what
// the caller passed (input, events, instants, ids, policy, case and calendar files) satisfies
// errors.Is(err, ErrInvalid), and nothing else does. Packages sla and rules export it under
// their own names.
var ErrInvalid = errors.New("invalid input")

// Invalidf is Errorf for an error that is the caller's fault whatever it wraps: a JSON syntax
// error of a case the caller sent, a counting error of an instant the caller chose.
func Invalidf(pkg, format string, args ...any) error {
	e := errorf(pkg, format, args...)
	e.invalid = true
	return e
}

// Faultf is Errorf for an error that is never the caller's fault (a broken invariant, a
// failed write), even when it wraps nothing.
func Faultf(pkg, format string, args ...any) error {
	return errorf(pkg, format, args...)
}

// Is reports whether target is ErrInvalid and e is a caller fault. Errors e wraps are
// consulted by errors.Is itself.
func (e *Error) Is(target error) bool { return target == ErrInvalid && e.invalid }

// Is: every problem found loading a file is a fault of that file.
func (p Problem) Is(target error) bool { return target == ErrInvalid }

// Is: every problem found loading a file is a fault of that file.
func (ps Problems) Is(target error) bool { return target == ErrInvalid }

// MarkInvalid returns err so that it satisfies errors.Is(err, ErrInvalid), keeping its
// message, its Text and everything errors.As finds in it; nil stays nil.
func MarkInvalid(err error) error {
	if err == nil || errors.Is(err, ErrInvalid) {
		return err
	}
	return &marked{err}
}

type marked struct{ err error }

func (m *marked) Error() string        { return m.err.Error() }
func (m *marked) Text() string         { return Text(m.err) }
func (m *marked) Unwrap() error        { return m.err }
func (m *marked) Is(target error) bool { return target == ErrInvalid }
