package main

import (
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"
)

// Text from input — case ids, units, handlers, reasons, rule ids, file names — reaches a
// person's terminal through the text formats and through error messages. A terminal obeys
// control characters: ESC [2J clears the screen, ESC ]52 writes the clipboard, CR and BEL
// disguise a line, U+202E (RIGHT-TO-LEFT OVERRIDE) turns "exe.txt" into what reads as
// "txt.exe". So everything the text formats and stderr print passes through termWriter,
// which shows such characters as escapes instead of obeying them, while Chinese and every
// other printable text is left untouched.

// needsEscape reports whether r must not reach a terminal raw. Line feed and tab are the
// layout of the CLI's own text and stay.
func needsEscape(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case unicode.IsControl(r): // C0, DEL, C1 (CSI U+009B works like ESC [ on many terminals)
		return true
	case unicode.Is(unicode.Bidi_Control, r): // U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069
		return true
	case r == '\u2028' || r == '\u2029' || r == '\ufeff':
		return true
	}
	return false
}

// appendTermSafe appends s to dst with every character needsEscape reports, and every byte
// that is not valid UTF-8, written as a Go escape: \x1b, \r, \u202e, \xff. A backslash stays
// a backslash: the output is for reading, not for unquoting.
func appendTermSafe(dst []byte, s []byte) []byte {
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		switch {
		case r == utf8.RuneError && size <= 1:
			dst = fmt.Appendf(dst, `\x%02x`, s[0])
		case needsEscape(r):
			switch r {
			case '\r':
				dst = append(dst, `\r`...)
			case '\a':
				dst = append(dst, `\a`...)
			case '\b':
				dst = append(dst, `\b`...)
			case '\f':
				dst = append(dst, `\f`...)
			case '\v':
				dst = append(dst, `\v`...)
			default:
				if r < 0x80 {
					dst = fmt.Appendf(dst, `\x%02x`, r)
				} else {
					dst = fmt.Appendf(dst, `\u%04x`, r)
				}
			}
		default:
			dst = append(dst, s[:size]...)
		}
		s = s[size:]
	}
	return dst
}

// termSafe returns s made safe for a terminal (see appendTermSafe).
func termSafe(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || needsEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return string(appendTermSafe(nil, []byte(s)))
}

// termWriter escapes, on their way to w, the characters a terminal would obey. It keeps an
// incomplete UTF-8 sequence at the end of a Write until the next one, so that a character
// split between two writes is not mistaken for invalid bytes; Flush writes what is left.
type termWriter struct {
	w       io.Writer
	pending []byte
	buf     []byte
}

func newTermWriter(w io.Writer) *termWriter { return &termWriter{w: w} }

func (t *termWriter) Write(p []byte) (int, error) {
	data := p
	if len(t.pending) > 0 {
		data = append(t.pending, p...)
		t.pending = t.pending[:0]
	}
	// Hold back a trailing incomplete (but possibly valid) UTF-8 sequence.
	cut := len(data)
	for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
		if utf8.RuneStart(data[i]) {
			if !utf8.FullRune(data[i:]) {
				cut = i
			}
			break
		}
	}
	t.buf = appendTermSafe(t.buf[:0], data[:cut])
	t.pending = append(t.pending[:0], data[cut:]...) // may overlap data: after the escape
	if _, err := t.w.Write(t.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes an incomplete sequence held back by Write, escaped.
func (t *termWriter) Flush() error {
	if len(t.pending) == 0 {
		return nil
	}
	t.buf = appendTermSafe(t.buf[:0], t.pending)
	t.pending = t.pending[:0]
	_, err := t.w.Write(t.buf)
	return err
}
