package calendar

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A holiday-cn file with a syntax error after Chinese text names the column in characters, as
// every other loader of the project does: the stray x after "元旦" (two characters, six bytes)
// is column 50, not byte column 54.
func TestHolidayCNErrorColumnCountsCharacters(t *testing.T) {
	data := []byte(`{"year":2026,"papers":["u"],"days":[{"name":"元旦" x}]}`)
	_, err := ParseHolidayCN("x.json", data)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x.json:1:50: malformed JSON")
}
