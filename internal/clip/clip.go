// Package clip quotes text a caller sent for an error message, cut to a readable length: an
// input may hold a megabyte where a word was expected, and an error that echoes it whole is
// as large as the attack.
package clip

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Keep is how many bytes of a text Quote keeps.
const Keep = 64

// Quote returns s quoted as Go would (strconv.Quote) when it is at most Keep bytes, else its
// first Keep bytes, cut on a character boundary, quoted and followed by "… (N bytes)".
func Quote(s string) string {
	if len(s) <= Keep {
		return strconv.Quote(s)
	}
	cut := Keep
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:cut]), len(s))
}
