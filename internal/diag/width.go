package diag

import (
	"strings"
	"unicode"
)

// Width is the number of terminal columns s takes: two for an East Asian wide or full-width
// character (CJK, full-width punctuation), none for a combining mark, one for anything else —
// so that a text table with Chinese tier and rule names lines up. Tabs and control characters
// count one; tables do not hold them.
func Width(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case isWide(r):
			n += 2
		case unicode.In(r, unicode.Mn, unicode.Me):
		default:
			n++
		}
	}
	return n
}

// PadRight returns s followed by the spaces that make it width columns wide (s itself when it
// is already as wide): the display-width form of fmt's %-*s.
func PadRight(s string, width int) string {
	if w := Width(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// PadLeft is PadRight with the spaces before s: the display-width form of %*s.
func PadLeft(s string, width int) string {
	if w := Width(s); w < width {
		return strings.Repeat(" ", width-w) + s
	}
	return s
}
