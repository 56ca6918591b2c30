package clip

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQuote(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"a short text is quoted whole", "tag", `"tag"`},
		{"exactly Keep bytes is quoted whole", strings.Repeat("a", Keep), `"` + strings.Repeat("a", Keep) + `"`},
		{"a longer text keeps Keep bytes and says how long it was", strings.Repeat("a", Keep+1), `"` + strings.Repeat("a", Keep) + `"… (65 bytes)`},
		// 22 three-byte characters are 66 bytes: the cut falls inside the 22nd, which is dropped.
		{"a cut never splits a Chinese character", strings.Repeat("原", 22), `"` + strings.Repeat("原", 21) + `"… (66 bytes)`},
		{"control characters are escaped", "a\x1b[2Jb", `"a\x1b[2Jb"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Quote(tt.in))
		})
	}
}
