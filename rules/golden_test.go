package rules

import (
	"path/filepath"
	"testing"

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
