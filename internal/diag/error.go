package diag

import "fmt"

// Error is an error of one package of the library. Its text is "pkg: reason"; Text is the
// reason alone. A layer that wraps the error of another layer (Errorf with %w, %v or %s) writes
// the inner one's Text, so that a message names its package once, at the front, however many
// layers it went through — and no layer has to cut a prefix out of another's message.
type Error struct {
	// Pkg names the package whose entry point returned the error ("sla"); "" for context that
	// a layer adds inside its own package, which a caller never sees alone.
	Pkg string
	err error
	// invalid: the error describes something wrong with what the caller passed (see
	// ErrInvalid); set by Errorf for a fresh error and by Invalidf.
	invalid bool
}

// Errorf formats an error of package pkg as fmt.Errorf does, %w included (errors.Is and
// errors.As reach the wrapped errors), except that an error among args is written as its Text.
// pkg "" gives context without a package name, for a layer wrapped again before it returns.
//
// An error Errorf makes without wrapping another error is a fault of the caller's input and
// satisfies errors.Is(err, ErrInvalid): the library describes what it was given. One that
// wraps errors is classified by what it wraps (see Invalidf for wrapping a foreign error that
// is the caller's fault, such as a JSON syntax error).
func Errorf(pkg, format string, args ...any) error {
	wraps := false
	for _, a := range args {
		if e, ok := a.(error); ok && e != nil {
			wraps = true
			break
		}
	}
	e := errorf(pkg, format, args...)
	e.invalid = !wraps
	return e
}

func errorf(pkg, format string, args ...any) *Error {
	if len(args) > 0 {
		args = append([]any(nil), args...) // the caller's slice is not changed
		for i, a := range args {
			if e, ok := a.(error); ok && e != nil {
				args[i] = inner{e}
			}
		}
	}
	return &Error{Pkg: pkg, err: fmt.Errorf(format, args...)}
}

// Error is "pkg: " followed by Text, or Text alone when Pkg is "".
func (e *Error) Error() string {
	if e.Pkg == "" {
		return e.err.Error()
	}
	return e.Pkg + ": " + e.err.Error()
}

// Text is the reason without the package name.
func (e *Error) Text() string { return e.err.Error() }

// Unwrap returns what the format wrapped with %w, for errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.err }

// Texter is an error that can say what went wrong without the name of its package, which a
// wrapping layer of the library writes instead of its Error.
type Texter interface {
	error
	Text() string
}

// Text is err's reason without its package name when err offers one (a Texter), else its
// Error. It reads only err itself, not the errors it wraps.
func Text(err error) string {
	if t, ok := err.(Texter); ok {
		return t.Text()
	}
	return err.Error()
}

// inner writes a wrapped error as its Text and unwraps to it.
type inner struct{ err error }

func (i inner) Error() string { return Text(i.err) }
func (i inner) Unwrap() error { return i.err }
