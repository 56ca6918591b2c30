package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValueLabelFallsBackToTheValue(t *testing.T) {
	f := Field{Name: "cause", Type: String, Values: []string{"historical_legacy", "complex", "材料不全"},
		ValueLabels: map[string]string{"historical_legacy": "历史遗留问题", "complex": ""}}
	for _, tc := range []struct{ name, value, want string }{
		{"a labelled value is shown by its label", "historical_legacy", "历史遗留问题"},
		{"an empty label counts as none: the value is shown", "complex", "complex"},
		{"a value that is Chinese itself needs no label", "材料不全", "材料不全"},
		{"a value the field does not declare is shown as given", "unknown", "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, f.ValueLabel(tc.value)) })
	}
	assert.Equal(t, "cause", f.DisplayName(), "a field without a label is shown by its name")
	f.Label = "办不成的原因"
	assert.Equal(t, "办不成的原因", f.DisplayName())
	assert.Equal(t, "x", Field{}.ValueLabel("x"), "the zero Field labels nothing")
}

func TestCompileChecksValueLabels(t *testing.T) {
	for _, tc := range []struct {
		name   string
		field  Field
		errMsg string
	}{
		{"labels for declared values compile",
			Field{Name: "cause", Type: String, Values: []string{"complex", "historical_legacy"}, ValueLabels: map[string]string{"complex": "问题比较复杂"}}, ""},
		{"a label for a value the list does not declare is a load error naming it",
			Field{Name: "cause", Type: String, Values: []string{"complex", "historical_legacy"}, ValueLabels: map[string]string{"complx": "问题比较复杂"}},
			`label for "complx", which is not one of the declared values (complex, historical_legacy)`},
		{"a label on a field that declares no values is a load error",
			Field{Name: "cause", Type: String, ValueLabels: map[string]string{"complex": "问题比较复杂"}},
			`label for the value "complex", but the field declares no values to label`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := doc([]Field{tc.field}, []Rule{{ID: "c", When: `cause == "complex"`, Tier: "T3", Reason: "复杂"}})
			_, err := Compile(spec)
			if tc.errMsg == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.errMsg)
		})
	}
}

func TestLabelsLeaveTheHashAndTheCallerAlone(t *testing.T) {
	plain := doc([]Field{{Name: "cause", Type: String, Values: []string{"complex"}}},
		[]Rule{{ID: "c", When: `cause == "complex"`, Tier: "T3", Reason: "复杂"}})
	labelled := doc([]Field{{Name: "cause", Type: String, Values: []string{"complex"}, Label: "原因",
		ValueLabels: map[string]string{"complex": "问题比较复杂"}}},
		[]Rule{{ID: "c", Label: "复杂问题", When: `cause == "complex"`, Tier: "T3", Reason: "复杂"}})
	a, err := Compile(plain)
	require.NoError(t, err)
	b, err := Compile(labelled)
	require.NoError(t, err)
	assert.Equal(t, a.PolicyHash(), b.PolicyHash(), "labels are for people: relabelling does not change the computed hash")

	labelled.Fields[0].ValueLabels["complex"] = "changed by the caller after Compile"
	got := b.Fields()[0]
	assert.Equal(t, "问题比较复杂", got.ValueLabel("complex"), "Compile keeps its own copy of the labels")
	assert.Equal(t, "原因", got.Label)
	got.ValueLabels["complex"] = "changed through Fields()"
	assert.Equal(t, "问题比较复杂", b.Fields()[0].ValueLabel("complex"), "Fields returns a copy")
	assert.Equal(t, "复杂问题", b.Rules()[0].Label)
}
