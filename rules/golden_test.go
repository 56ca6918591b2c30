package rules

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/internal/golden"
)

// A spec with several problems, Chinese reasons and Chinese string literals:
// every problem is reported, in file order, and each caret sits under the
// fault although the line holds wide characters before it.
func TestGoldenProblems(t *testing.T) {
	fields := []Field{
		{Name: "category", Type: String, Values: []string{"劳动争议", "社保转移"}},
		{Name: "pages", Type: Int},
	}
	rules := []Rule{
		{ID: "labour", When: `category == "劳动纠纷"`, Tier: "T3", Reason: "劳动争议比较复杂"},
		{ID: "typo", When: `category == "劳动争议" && pagez > 1`, Tier: "T3", Reason: "材料很多"},
		{ID: "tier", When: `pages > 10`, Tier: "T4", Reason: "问题比较复杂"},
		{ID: "tier", When: `pages > 20`, Tier: "T10", Reason: "历史遗留"},
		{ID: "size", When: `category == "社保转移" ? pages > 1 : "否"`, Tier: "T1", Reason: "类型"},
	}
	_, err := Compile(doc(fields, rules))
	require.Error(t, err)
	golden.AssertString(t, filepath.Join("testdata", "problems.golden"), err.Error()+"\n")
}

// Without source text, expression problems quote the expression itself.
func TestGoldenNoSource(t *testing.T) {
	spec := Spec{
		Fields:  []Field{{Name: "cause", Type: String}},
		Tiers:   []string{"T1"},
		Default: Default{Tier: "T1", Reason: "默认"},
		Rules:   []Rule{{ID: "r", When: "cause == \"问题\" &&\n  causes == \"x\"", Tier: "T1", Reason: "原因"}},
	}
	_, err := Compile(spec)
	require.Error(t, err)
	golden.AssertString(t, filepath.Join("testdata", "nosource.golden"), err.Error()+"\n")
}

func TestCaretWidth(t *testing.T) {
	tests := []struct {
		line   string
		column int
		want   string
	}{
		{"abc", 3, "  ^"},
		{"问题abc", 3, "    ^"},
		{"\t问题", 3, "\t  ^"},
		{"（全角）x", 5, "        ^"},
		{"ab", 5, "    ^"},
		{"", 0, "^"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, caret(tt.line, tt.column), "%q col %d", tt.line, tt.column)
	}
	// The caret's display width equals the width of the text before it.
	line := "    when: category == \"劳动争议\" && pagez > 1"
	col := len([]rune(line[:strings.Index(line, "pagez")])) + 1
	// 23 narrow characters, 4 wide ones (8 cells), 5 narrow ones.
	assert.Equal(t, strings.Repeat(" ", 36)+"^", caret(line, col))
}
