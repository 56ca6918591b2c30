package sla_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

const chinesePolicyPath = "../examples/policies/jiban-changgui-gongjian.yaml"

func loadChinese(t *testing.T) *sla.Policy {
	t.Helper()
	p, err := sla.LoadPolicy(chinesePolicyPath)
	require.NoError(t, err)
	return p
}

func workdays(n int) *deadline.Period { return &deadline.Period{Count: n, Unit: deadline.Workdays} }

func TestExtensionLimitsPerTier(t *testing.T) {
	p := loadChinese(t)
	accepted := at(2026, 3, 2, 10, 0)
	for _, tc := range []struct {
		name   string
		input  map[string]any
		length *deadline.Period
		field  string // "" when the extension is granted
		want   string
	}{
		{"a 10-working-day extension of a same-day (即办) case is refused, naming the length",
			map[string]any{"诉求类型": "咨询"}, workdays(10), "length", "allows no extension of a case in tier 即办 (only in 攻坚)"},
		{"a routine (常规) case may not be extended either",
			map[string]any{"诉求类型": "投诉"}, workdays(1), "length", "tier 常规"},
		{"a tough (攻坚) case may be extended by 10 working days",
			map[string]any{"原因": "政策瓶颈", "诉求类型": "投诉"}, workdays(10), "", ""},
		{"but not by 11: the tier's cap is 10 working days",
			map[string]any{"原因": "政策瓶颈", "诉求类型": "投诉"}, workdays(11), "length", "allows 10 workdays in total"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := p.Accept("C-1", tc.input, accepted)
			require.NoError(t, err)
			before := len(c.Events)
			got, err := p.Apply(c, sla.Event{Type: sla.EventExtended, At: accepted.Add(3600e9), Length: tc.length, Approver: "局长", Reason: "需要调查"})
			if tc.field == "" {
				require.NoError(t, err)
				assert.Len(t, got.Events, before+1)
				return
			}
			require.Error(t, err)
			var ee *sla.EventError
			require.True(t, errors.As(err, &ee), "%v", err)
			assert.Equal(t, tc.field, ee.Field)
			assert.True(t, errors.Is(err, sla.ErrExtensionCap))
			assert.True(t, errors.Is(err, sla.ErrInvalid), "the caller's fault")
			assert.Contains(t, err.Error(), tc.want)
			assert.Len(t, c.Events, before, "a refused event stores nothing")
		})
	}
}

func TestExtensionsForTier(t *testing.T) {
	x := sla.Extensions{MaxCount: 2, MaxTotal: *workdays(5),
		Tiers: []sla.TierExtensions{{Tier: "攻坚", MaxCount: 1, MaxTotal: *workdays(10)}}}
	assert.Equal(t, 1, x.ForTier("攻坚").MaxCount, "a listed tier has its own limits")
	assert.Equal(t, *workdays(10), x.ForTier("攻坚").MaxTotal)
	assert.Equal(t, 0, x.ForTier("即办").MaxCount, "a tier not listed may not be extended")
	assert.Equal(t, 2, sla.Extensions{MaxCount: 2}.ForTier("即办").MaxCount, "without a list every tier has the policy-wide limits")

	p := loadChinese(t)
	got := p.Extensions()
	require.Len(t, got.Tiers, 1)
	got.Tiers[0].MaxCount = 99
	assert.Equal(t, 1, p.Extensions().Tiers[0].MaxCount, "Extensions returns a copy")
}

func TestTargetWithACondition(t *testing.T) {
	p := loadChinese(t)
	accepted := at(2026, 3, 2, 10, 0)
	closeAt := at(2026, 3, 3, 15, 0)
	visits := func(input map[string]any) []sla.TargetStatus {
		c, _, err := p.Accept("C-1", input, accepted)
		require.NoError(t, err)
		c, err = p.Apply(c, sla.Event{Type: sla.EventClosed, At: closeAt})
		require.NoError(t, err)
		st, err := p.StatusAt(c, closeAt.Add(3600e9))
		require.NoError(t, err)
		var out []sla.TargetStatus
		for _, ts := range st.Targets {
			if ts.ID == "回访" {
				out = append(out, ts)
			}
		}
		return out
	}
	got := visits(map[string]any{"诉求类型": "作风投诉"})
	require.Len(t, got, 1, "a conduct complaint gets its follow-up visit")
	assert.Equal(t, at(2026, 3, 5, 0, 0), got[0].Due.In(beijing))
	assert.Empty(t, visits(map[string]any{"诉求类型": "投诉"}), "another complaint gets none")

	// A case recorded without the input the condition reads cannot be closed: the visit it
	// may owe cannot be decided, and a silently skipped visit would hide a duty.
	c := sla.Case{ID: "C-2", PolicyID: p.ID()}
	c, err := p.Apply(c, sla.Event{Type: sla.EventAccepted, At: accepted})
	require.NoError(t, err)
	c, err = p.Apply(c, sla.Event{Type: sla.EventClassified, At: accepted, Tier: "常规"})
	require.NoError(t, err)
	_, err = p.Apply(c, sla.Event{Type: sla.EventClosed, At: closeAt})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "target 回访: the condition (when) cannot be decided on the case's input")
	assert.True(t, errors.Is(err, sla.ErrInvalid), "the caller's fault: the case lacks the input")
	assert.Contains(t, err.Error(), "诉求类型")
}

func TestTargetConditionAndExtensionTierProblems(t *testing.T) {
	base, err := readFile(chinesePolicyPath)
	require.NoError(t, err)
	for _, tc := range []struct{ name, from, to, want string }{
		{"a condition reading an undeclared field is reported in the file, under the field",
			`when: 诉求类型 == "作风投诉"`, `when: 类型 == "作风投诉"`, "policy.yaml:76:11: target 回访: when: unknown field \"类型\" (did you mean \"诉求类型\"?)\n        when: 类型 == \"作风投诉\"\n              ^"},
		{"a condition comparing with an undeclared value is reported",
			`when: 诉求类型 == "作风投诉"`, `when: 诉求类型 == "作风问题"`, `target 回访: when:`},
		{"an empty condition is refused",
			`when: 诉求类型 == "作风投诉"`, `when: " "`, `targets[1].when: must not be empty`},
		{"an extension list naming an undeclared tier",
			`tiers: [攻坚]`, `tiers: [攻关]`, `extensions.tiers: "攻关" is not a declared tier (declared: 即办, 常规, 攻坚)`},
		{"a tier listed twice",
			`tiers: [攻坚]`, `tiers: [攻坚, 攻坚]`, `extensions.tiers: tier "攻坚" is listed twice`},
		{"per-tier limits as a mapping, with an unknown key",
			`tiers: [攻坚]`, `tiers: {攻坚: {max_count: 1, max_totl: 十个工作日}}`, `extensions.tiers.攻坚`},
		{"an empty list is refused rather than read as every tier or none",
			`tiers: [攻坚]`, `tiers: []`, `extensions.tiers: lists no tier (leave the key out to let every tier be extended, or set max_count: 0 to let none)`},
		{"per-tier cap in months is refused",
			`tiers: [攻坚]`, `tiers: {攻坚: {max_total: 一个月}}`, `extensions.tiers.攻坚.max_total: 1 month cannot cap extensions`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Contains(t, base, tc.from)
			_, err := sla.ParsePolicy("policy.yaml", []byte(strings.Replace(base, tc.from, tc.to, 1)))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestPerTierLimitsAsAMapping(t *testing.T) {
	base, err := readFile(chinesePolicyPath)
	require.NoError(t, err)
	p, err := sla.ParsePolicy("policy.yaml", []byte(strings.Replace(base, `tiers: [攻坚]`, `tiers: {攻坚: {}, 常规: {max_count: 2, max_total: 三个工作日}}`, 1)))
	require.NoError(t, err)
	x := p.Extensions()
	assert.Equal(t, []sla.TierExtensions{
		{Tier: "攻坚", MaxCount: 1, MaxTotal: *workdays(10)},
		{Tier: "常规", MaxCount: 2, MaxTotal: *workdays(3)},
	}, x.Tiers, "a key left out takes the policy-wide value")
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

// Each fault of a policy is reported once, where it is, and not again by what it breaks.
func TestOneProblemPerFault(t *testing.T) {
	base, err := readFile(chinesePolicyPath)
	require.NoError(t, err)
	for _, tc := range []struct{ name, from, to, want string }{
		{"a cutoff on a tier points to counting.same_day_cutoff instead of only \"unknown key\"",
			"    label: 即办件（当日办结）\n", "    label: 即办件（当日办结）\n    cutoff: \"16:00\"\n",
			`policy.yaml:39:5: tiers[0]: "cutoff" is not a key of a tier: a same-day cutoff is a counting convention of the whole policy: set counting.same_day_cutoff`},
		{"a field whose name expr cannot read is reported at its declaration, not at every rule and target reading it",
			"原因", "原因-1", `policy.yaml:22:3: field 原因-1: field name "原因-1" is not a name rules can read: U+002D '-' is not a letter, a digit, '_' or '$'`},
		{"a misspelt required key of a field is one problem, and rules reading the field say nothing more",
			"  参与单位数:\n    type: int\n", "  参与单位数:\n    typ: int\n",
			`policy.yaml:28:5: input.参与单位数: unknown key "typ" (did you mean "type"? it is required)`},
		{"a tier without an id is reported; rules naming the tier it was are not",
			"  - id: 即办\n", "  - id: \"\"\n", `policy.yaml:36:9: tiers[0].id: must not be empty`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Contains(t, base, tc.from)
			_, err := sla.ParsePolicy("policy.yaml", []byte(strings.ReplaceAll(base, tc.from, tc.to)))
			require.Error(t, err)
			var ps sla.Problems
			require.True(t, errors.As(err, &ps))
			require.Len(t, ps, 1, "one fault, one problem:\n%v", err)
			assert.Contains(t, ps[0].Error(), tc.want)
		})
	}
}
