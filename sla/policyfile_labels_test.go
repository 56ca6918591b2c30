package sla_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

const labelledPolicy = `format: shixian/v1
id: labels
version: "1"
effective: {from: 2025-01-01}
input:
  cause:
    type: string
    label: 办不成的原因
    values:
      - {id: historical_legacy, label: 历史遗留问题}
      - complex
      - 材料不全
      - {id: policy_bottleneck}
tiers:
  - {id: T1, limit: 1 workday}
  - {id: T10, limit: 10 workdays}
default: {tier: T1, reason: 默认}
rules:
  - id: legacy
    label: 历史遗留与政策瓶颈
    when: cause in ["historical_legacy", "policy_bottleneck"]
    tier: T10
    reason: 复杂原因
`

func TestPolicyFileLabelsFieldsValuesAndRules(t *testing.T) {
	p := mustParse(t, "labels.yaml", labelledPolicy)
	fields := p.Rules().Fields()
	require.Len(t, fields, 1)
	f := fields[0]
	assert.Equal(t, "办不成的原因", f.Label, "a field's label: key")
	assert.Equal(t, []string{"historical_legacy", "complex", "材料不全", "policy_bottleneck"}, f.Values,
		"plain values and {id, label} items mix, in the file's order")
	assert.Equal(t, map[string]string{"historical_legacy": "历史遗留问题"}, f.ValueLabels,
		"only items with a label are labelled")
	assert.Equal(t, "历史遗留问题", f.ValueLabel("historical_legacy"))
	assert.Equal(t, "材料不全", f.ValueLabel("材料不全"), "a Chinese value is its own label")
	assert.Equal(t, "历史遗留与政策瓶颈", p.Rules().Rules()[0].Label, "a rule's label: key")

	d, err := p.Classify(map[string]any{"cause": "historical_legacy"}, at(2025, 3, 3, 9, 0))
	require.NoError(t, err)
	assert.Equal(t, "T10", d.Tier, "the ids, not the labels, are what the rules compare")
}

func TestPolicyFileRefusesMalformedValueItems(t *testing.T) {
	for _, tc := range []struct{ name, values, want string }{
		{"an item without an id is reported at the item",
			`[{label: 历史遗留问题}]`, `labels.yaml:10:8: input.cause.values[0]: missing required key "id"`},
		{"a key other than id and label is reported",
			`[{id: complex, lable: 复杂}]`, "input.cause.values[0]"},
		{"a nested list is not a value",
			`[[complex]]`, "input.cause.values: expected a value, or {id: value, label: text}, found"},
		{"a label for a value listed twice is still a duplicate value",
			`[complex, {id: complex, label: 复杂}]`, `duplicate value "complex"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `format: shixian/v1
id: labels
version: "1"
effective: {from: 2025-01-01}
input:
  cause:
    type: string
    label: 办不成的原因
    values:
      ` + tc.values + `
tiers:
  - {id: T1, limit: 1 workday}
default: {tier: T1, reason: 默认}
`
			_, err := sla.ParsePolicy("labels.yaml", []byte(src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestDefaultPolicyLabelsEveryFieldAndValue(t *testing.T) {
	for _, f := range sla.Default().Rules().Fields() {
		assert.NotEmpty(t, f.Label, "field %s has a label", f.Name)
		for _, v := range f.Values {
			assert.NotEqual(t, v, f.ValueLabel(v), "value %s of field %s has a label", v, f.Name)
		}
	}
	cause := sla.Default().Rules().Fields()[0]
	require.Equal(t, "cause", cause.Name, "ids are kept, so stored decisions stay valid")
	assert.Equal(t, "历史遗留问题", cause.ValueLabel("historical_legacy"))
}

func TestCaretsLineUpUnderChineseText(t *testing.T) {
	base, err := readFile(chinesePolicyPath)
	require.NoError(t, err)
	src := strings.Replace(base, `原因 == "无"`, `原因 == "无其"`, 1)
	_, err = sla.ParsePolicy("policy.yaml", []byte(src))
	require.Error(t, err)
	var ps sla.Problems
	require.ErrorAs(t, err, &ps)
	require.Len(t, ps, 1)
	p := ps[0]
	// Column 33 counts characters: 4 spaces, "when: ", 诉求类型, ` == "咨询" && 原因 == ` and
	// then the quote of the unknown value.
	// The line is the rule's in the example policy, wherever that file puts it.
	pos := "policy.yaml:" + strconv.Itoa(strings.Count(src[:strings.Index(src, `原因 == "无其"`)], "\n")+1) + ":33"
	assert.Equal(t, pos, p.Pos.String())
	assert.Equal(t, `rule 咨询即办: unknown value "无其" for field 原因 (declared values: 无, 材料不全, 问题复杂, 历史遗留, 政策瓶颈)`, p.Error()[len(pos+": "):strings.Index(p.Error(), "\n")])
	line, caret := p.Line, p.Caret
	// On a terminal the 8 Chinese characters before the fault take two columns each: the
	// caret is 8 columns further right than the character count says.
	assert.Equal(t, strings.Repeat(" ", 32+8)+"^", caret, "line %q", line)
}
