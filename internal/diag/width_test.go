package diag

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWidth(t *testing.T) {
	for _, tc := range []struct {
		name, s string
		want    int
	}{
		{"ASCII is one column a character", "T10", 3},
		{"Chinese characters take two columns each", "攻坚", 4},
		{"mixed", "历史遗留与政策瓶颈/T10", 18 + 4},
		{"full-width punctuation is wide", "（一）", 6},
		{"a combining mark takes none", "e\u0301", 1},
		{"empty", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, Width(tc.s)) })
	}
	assert.Equal(t, "攻坚  |", PadRight("攻坚", 6)+"|", "padded to 6 columns: 4 for the two characters, 2 spaces")
	assert.Equal(t, "  攻坚", PadLeft("攻坚", 6))
	assert.Equal(t, "历史遗留", PadRight("历史遗留", 4), "never cut")
}
