package slatest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// miniPolicy is a policy with the fields e (declared values a–d, required), s (free text), n
// (int), m (int), b (bool), l (list), t (time), tiers A B C (default C) and the given rules,
// each "id: condition → tier".
func miniPolicy(tb testing.TB, ruleLines ...string) *sla.Policy {
	tb.Helper()
	src := miniPolicyText(ruleLines...)
	p, err := sla.ParsePolicy("mini.yaml", []byte(src))
	require.NoError(tb, err, src)
	return p
}

func miniPolicyText(ruleLines ...string) string {
	var b strings.Builder
	b.WriteString(`format: shixian/v1
id: mini
version: "1"
effective: {from: 2025-01-01}
input:
  e: {type: string, values: [a, b, c, d]}
  s: {type: string, default: ""}
  n: {type: int, default: 0}
  m: {type: int, default: 0}
  b: {type: bool, default: false}
  l: {type: "[]string", default: []}
  t: {type: time, default: "2025-01-01T00:00:00+08:00"}
tiers:
  - {id: A, limit: 1 workday}
  - {id: B, limit: 3 workdays}
  - {id: C, limit: 10 workdays}
default: {tier: C, reason: default}
rules:
`)
	for _, line := range ruleLines {
		id, rest, _ := strings.Cut(line, ": ")
		cond, tier, _ := strings.Cut(rest, " → ")
		fmt.Fprintf(&b, "  - id: %s\n    when: '%s'\n    tier: %s\n    reason: why\n", id, cond, tier)
	}
	return b.String()
}

func ids(ss []slatest.Shadowing) []string {
	out := []string{}
	for _, s := range ss {
		out = append(out, s.Rule+" by "+strings.Join(s.ShadowedBy, ","))
	}
	return out
}

func TestAnalyze(t *testing.T) {
	t.Run("the default policy: exact over 108 classes, no dead rule, only cause other falls to the default", func(t *testing.T) {
		a, err := slatest.Analyze(sla.Default())
		require.NoError(t, err)
		assert.True(t, a.Exact)
		assert.True(t, a.Exhaustive)
		assert.Equal(t, 108, a.Classes, "9 causes × 3 categories × cross_department or not × 2 applicants")
		assert.Equal(t, 108, a.Evaluated)
		assert.Empty(t, a.Unreachable)
		assert.Empty(t, a.Inexact)
		assert.Equal(t, 6, a.DefaultClasses)
		for _, in := range a.ReachesDefault {
			assert.Equal(t, "other", in["cause"], "only the undecided cause falls to the default: %v", in)
		}
		assert.Equal(t, map[string]int{"T1": 22, "T3": 26, "T10": 60}, a.Tiers)
		assert.Equal(t, []string{
			"cross-department by legacy-or-bottleneck",
			"complex-case by cross-department",
			"staff-caused by cross-department",
			"enterprise-complex by cross-department",
			"objective-simple by cross-department,enterprise-complex",
		}, ids(a.PartlyShadowed))
	})

	cases := []struct {
		name            string
		rules           []string
		unreachable     []string
		partly          []string
		exact           bool
		defaultsReached bool
		inexactWhy      string // part of the reason given for an inexact rule
	}{
		{name: "a rule after one that covers all it matches can never decide, shadowed by that rule",
			rules:       []string{`wide: e in ["a", "b"] → A`, `narrow: e == "a" → B`},
			unreachable: []string{"narrow by wide"}, partly: []string{}, exact: true, defaultsReached: true},
		{name: "a rule covered by two earlier rules between them names both",
			rules:       []string{`high: n > 2 → A`, `low: n < 1 → B`, `some: n == 0 || n == 5 → C`},
			unreachable: []string{"some by high,low"}, partly: []string{}, exact: true, defaultsReached: true},
		{name: "a condition false for every input can never decide and is shadowed by nothing",
			rules:       []string{`never: n > 3 && n < 2 → A`},
			unreachable: []string{"never by "}, partly: []string{}, exact: true, defaultsReached: true},
		{name: "a rule that decides some classes and loses others is partly shadowed",
			rules:       []string{`flag: b → A`, `many: n >= 3 → B`},
			unreachable: []string{}, partly: []string{"many by flag"}, exact: true, defaultsReached: true},
		{name: "rules covering every input leave nothing to the default",
			rules:       []string{`yes: b → A`, `no: !b → B`},
			unreachable: []string{}, partly: []string{}, exact: true, defaultsReached: false},
		{name: "a list literal present or absent: the rule testing its absence after its presence is not shadowed",
			rules:       []string{`with: "x" in l → A`, `without: "x" not in l → B`},
			unreachable: []string{}, partly: []string{}, exact: true, defaultsReached: false},
		{name: "date thresholds cut a time field: before, at and after each",
			rules:       []string{`late: t >= date("2025-10-01") → A`, `early: t < date("2025-10-01") → B`, `at: t == date("2025-10-01") → C`},
			unreachable: []string{"at by late"}, partly: []string{}, exact: true, defaultsReached: false},
		{name: "a free-text field gets a class for any other text, which here falls to the default",
			rules:       []string{`named: s in ["x", "y"] → A`},
			unreachable: []string{}, partly: []string{}, exact: true, defaultsReached: true},
		{name: "startsWith is a text function the classes do not decide: inexact, said per rule",
			rules:       []string{`prefix: s startsWith "lab" → A`},
			unreachable: []string{}, partly: []string{}, exact: false, defaultsReached: true, inexactWhy: "startsWith is a text function"},
		{name: "arithmetic on a field is not decided by the classes: inexact",
			rules:       []string{`sum: n + 1 > 3 → A`},
			unreachable: []string{}, partly: []string{}, exact: false, defaultsReached: true, inexactWhy: "computed value"},
		{name: "two fields compared with each other: inexact",
			rules:       []string{`bigger: n > m → A`},
			unreachable: []string{}, partly: []string{}, exact: false, defaultsReached: true, inexactWhy: "compares two fields"},
		{name: "the length of a list is cut at its thresholds: a rule for short lists after one for empty ones is partly shadowed",
			rules:       []string{`empty: len(l) == 0 → A`, `short: len(l) < 3 && !("x" in l) → B`, `long: len(l) >= 3 → C`},
			unreachable: []string{}, partly: []string{"short by empty"}, exact: true, defaultsReached: true},
		{name: "the length of a text is not modelled: inexact, and the rule its examples never match is listed unproven",
			rules:       []string{`wordy: len(s) > 3 → A`},
			unreachable: []string{"wordy by "}, partly: []string{}, exact: false, defaultsReached: true, inexactWhy: "computed value"},
		{name: "a method of a time field (Hour) is not modelled: inexact, listed unproven",
			rules:       []string{`evening: t.Hour() >= 16 → A`},
			unreachable: []string{"evening by "}, partly: []string{}, exact: false, defaultsReached: true, inexactWhy: "computed value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := miniPolicy(t, c.rules...)
			a, err := slatest.Analyze(p)
			require.NoError(t, err)
			assert.Equal(t, c.unreachable, ids(a.Unreachable), "unreachable")
			assert.Equal(t, c.partly, ids(a.PartlyShadowed), "partly shadowed")
			assert.Equal(t, c.exact, a.Exact, "exact")
			assert.True(t, a.Exhaustive)
			assert.Equal(t, c.defaultsReached, a.DefaultClasses > 0, "some class falls to the default")
			assert.Empty(t, a.Errors, "every example input is one the policy accepts")
			if c.inexactWhy != "" {
				require.Len(t, a.Inexact, 1)
				assert.Equal(t, p.Rules().Rules()[0].ID, a.Inexact[0].Rule)
				assert.Contains(t, a.Inexact[0].Why, c.inexactWhy)
				assert.Empty(t, a.UnreachableProblems(nil), "an inexact analysis proves no rule dead")
				for _, u := range a.Unreachable {
					assert.False(t, u.Proven)
				}
			} else {
				assert.Empty(t, a.Inexact)
				assert.Len(t, a.UnreachableProblems(nil), len(c.unreachable), "every finding of an exact analysis is proven")
			}
			for _, in := range a.ReachesDefault {
				d, err := p.Rules().Classify(in)
				require.NoError(t, err)
				assert.True(t, d.Default, "the example %v falls to the default", in)
			}
		})
	}

	t.Run("past MaxClasses a fixed random sample is evaluated and the result says it is not exhaustive", func(t *testing.T) {
		p := miniPolicy(t, `r1: n in [1, 2, 3, 4, 5, 6, 7, 8] && m in [1, 2, 3, 4, 5, 6, 7, 8] → A`, `r2: e == "a" && s == "x" → B`)
		a, err := slatest.AnalyzeWith(p, slatest.AnalyzeOptions{MaxClasses: 100})
		require.NoError(t, err)
		assert.False(t, a.Exhaustive)
		assert.False(t, a.Exact, "a sample is no proof")
		assert.Equal(t, 100, a.Evaluated)
		assert.Equal(t, 10*10*2*2, a.Classes, "n and m: below 1, 1 to 8, above 8; e: a or the rest; s: x or other")
		assert.Contains(t, a.Sampling, "100 of 400 input classes, drawn uniformly at random with a fixed seed")
		b, err := slatest.AnalyzeWith(p, slatest.AnalyzeOptions{MaxClasses: 100})
		require.NoError(t, err)
		assert.Equal(t, a, b, "the same sample on every run")
		assert.Empty(t, a.UnreachableProblems(nil))
	})
	t.Run("a rule proven dead before an inexact one is still proven; one after it is not", func(t *testing.T) {
		a, err := slatest.Analyze(miniPolicy(t, `wide: e in ["a", "b"] → A`, `narrow: e == "a" → B`,
			`prefix: s startsWith "x" → A`, `late: e == "b" → C`))
		require.NoError(t, err)
		assert.False(t, a.Exact)
		require.Equal(t, []string{"narrow by wide", "late by wide"}, ids(a.Unreachable))
		assert.True(t, a.Unreachable[0].Proven, "only exact conditions come before narrow")
		assert.False(t, a.Unreachable[1].Proven, "prefix, before late, might match inputs its example does not")
		ps := a.UnreachableProblems(nil)
		require.Len(t, ps, 1)
		assert.Equal(t, "narrow", ps[0].Rule)
	})
	t.Run("MaxClasses below zero or above MaxClassesLimit is an error", func(t *testing.T) {
		p := miniPolicy(t, `r: b → A`)
		for _, n := range []int{-1, slatest.MaxClassesLimit + 1} {
			_, err := slatest.AnalyzeWith(p, slatest.AnalyzeOptions{MaxClasses: n})
			assert.ErrorContains(t, err, "MaxClasses")
		}
	})
	t.Run("a nil policy is an error, not a panic", func(t *testing.T) {
		_, err := slatest.Analyze(nil)
		assert.Error(t, err)
	})
	t.Run("a required field no rule reads still gets a valid value in every example", func(t *testing.T) {
		a, err := slatest.Analyze(miniPolicy(t, `r: b → A`))
		require.NoError(t, err)
		require.NotEmpty(t, a.ReachesDefault)
		assert.Equal(t, "a", a.ReachesDefault[0]["e"], "e is required: its first declared value")
		assert.Zero(t, a.ErrorCount)
	})
	t.Run("the problems of unreachable rules point at each rule, with its line quoted", func(t *testing.T) {
		src := miniPolicyText(`wide: e in ["a", "b"] → A`, `narrow: e == "a" → B`)
		p, err := sla.ParsePolicy("mini.yaml", []byte(src))
		require.NoError(t, err)
		a, err := slatest.Analyze(p)
		require.NoError(t, err)
		ps := a.UnreachableProblems([]byte(src))
		require.Len(t, ps, 1)
		line := strings.Count(src[:strings.Index(src, "id: narrow")], "\n") + 1
		assert.Equal(t, rules.Position{File: "mini.yaml", Line: line, Column: 9}, ps[0].Pos, "at the rule's id")
		assert.Equal(t, "narrow", ps[0].Rule)
		assert.Contains(t, ps[0].Error(), `rule can never decide: every input it matches is decided first by rule "wide"`)
		assert.Contains(t, ps[0].Error(), "  - id: narrow\n")
	})
	t.Run("Chinese field names, values, tiers and rule ids are cut like any other", func(t *testing.T) {
		src := `format: shixian/v1
id: zh-example
version: "1"
effective: {from: 2025-01-01}
input:
  原因: {type: string, values: [历史遗留, 政策瓶颈, 材料不全]}
  标签: {type: "[]string", default: []}
tiers:
  - {id: 一日, limit: 1 workday}
  - {id: 十日, limit: 10 workdays}
default: {tier: 一日, reason: 其他}
rules:
  - {id: 复杂, when: '原因 in ["历史遗留", "政策瓶颈"]', tier: 十日, reason: 复杂原因}
  - {id: 历史, when: '原因 == "历史遗留" && "跨部门" in 标签', tier: 一日, reason: 不会决定}
`
		p, err := sla.ParsePolicy("示例.yaml", []byte(src))
		require.NoError(t, err)
		a, err := slatest.Analyze(p)
		require.NoError(t, err)
		assert.True(t, a.Exact)
		assert.Equal(t, []string{"历史 by 复杂"}, ids(a.Unreachable))
		assert.Equal(t, map[string]int{"一日": 2, "十日": 4}, a.Tiers)
		var b bytes.Buffer
		require.NoError(t, a.WriteText(&b))
		assert.Contains(t, b.String(), "原因: \"历史遗留\" | \"政策瓶颈\" | \"材料不全\"")
	})
}

func TestAnalyzeOutput(t *testing.T) {
	a, err := slatest.Analyze(sla.Default())
	require.NoError(t, err)
	t.Run("text", func(t *testing.T) {
		golden(t, "analyze.txt", text(t, func(b *bytes.Buffer) error { return a.WriteText(b) }))
	})
	t.Run("json carries the contract keys", func(t *testing.T) {
		out := text(t, func(b *bytes.Buffer) error { return a.WriteJSON(b) })
		golden(t, "analyze.json", out)
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(out, &m))
		for _, k := range []string{"unreachable", "partly_shadowed", "reaches_default", "tiers", "exact"} {
			assert.Contains(t, m, k)
		}
		assert.NotContains(t, string(out), `\u003c`, "comparisons stay readable")
	})
}

func TestDiffExhaustive(t *testing.T) {
	load := func(t *testing.T, path string) *sla.Policy {
		p, err := sla.LoadPolicy(path)
		require.NoError(t, err)
		return p
	}
	oldPath, newPath := "../../cmd/shixian/testdata/policy-2025.1.yaml", "../../cmd/shixian/testdata/policy-2025.2.yaml"
	t.Run("2025.1 → 2025.2: the 30 cross-department classes move from T10 to T3, nothing else", func(t *testing.T) {
		r, err := slatest.DiffExhaustive(load(t, oldPath), load(t, newPath))
		require.NoError(t, err)
		assert.True(t, r.Exact)
		require.Len(t, r.Transitions, 1)
		assert.Equal(t, slatest.ClassTransition{Old: slatest.Outcome{Tier: "T10", Rule: "cross-department"},
			New: slatest.Outcome{Tier: "T3", Rule: "cross-department"}, Classes: 30}, r.Transitions[0])
		assert.Len(t, r.Changes, 30)
		assert.Equal(t, 96-30, r.Unchanged)
		for _, c := range r.Changes {
			assert.Equal(t, []string{"cross_department"}, c.Input["tags"])
		}
		golden(t, "diff-exhaustive.txt", text(t, func(b *bytes.Buffer) error { return r.WriteText(b) }))
		golden(t, "diff-exhaustive.json", text(t, func(b *bytes.Buffer) error { return r.WriteJSON(b) }))
	})
	t.Run("a policy against itself changes nothing", func(t *testing.T) {
		r, err := slatest.DiffExhaustive(sla.Default(), sla.Default())
		require.NoError(t, err)
		assert.Empty(t, r.Changes)
		assert.Empty(t, r.Transitions)
		assert.Equal(t, 108, r.Unchanged)
	})
	t.Run("a field only the new version has is left out of the old version's input", func(t *testing.T) {
		oldP := miniPolicy(t, `r: b → A`)
		src := strings.Replace(miniPolicyText(`r: b → A`, `urgent: u → B`), "  b: {type: bool, default: false}\n",
			"  b: {type: bool, default: false}\n  u: {type: bool, default: false}\n", 1)
		src = strings.Replace(src, `version: "1"`, `version: "2"`, 1)
		newP, err := sla.ParsePolicy("new.yaml", []byte(src))
		require.NoError(t, err)
		r, err := slatest.DiffExhaustive(oldP, newP)
		require.NoError(t, err)
		require.Len(t, r.Changes, 1, "only b false, u true moves")
		c := r.Changes[0]
		assert.Equal(t, map[string]any{"b": false, "u": true, "e": "a"}, c.Input)
		assert.Equal(t, slatest.Outcome{Tier: "C", Rule: "default"}, c.Old)
		assert.Equal(t, slatest.Outcome{Tier: "B", Rule: "urgent"}, c.New)
	})
	t.Run("a value only the new version declares shows as refused by the old one", func(t *testing.T) {
		oldP := miniPolicy(t, `r: e == "a" → A`)
		src := strings.Replace(miniPolicyText(`r: e == "a" → A`, `new: e == "z" → B`), "values: [a, b, c, d]", "values: [a, b, c, d, z]", 1)
		newP, err := sla.ParsePolicy("new.yaml", []byte(src))
		require.NoError(t, err)
		r, err := slatest.DiffExhaustive(oldP, newP)
		require.NoError(t, err)
		require.Len(t, r.Changes, 1)
		assert.Equal(t, "z", r.Changes[0].Input["e"])
		assert.Contains(t, r.Changes[0].Old.Error, `value "z" is not one of the declared values`)
		assert.Equal(t, slatest.Outcome{Tier: "B", Rule: "new"}, r.Changes[0].New)
		assert.Equal(t, "refused", r.Transitions[0].Old.String())
	})
	t.Run("a field with two types cannot be cut into common classes: an error naming it", func(t *testing.T) {
		oldP := miniPolicy(t, `r: n > 1 → A`)
		src := strings.Replace(miniPolicyText(`r: n == "x" → A`), "n: {type: int, default: 0}", `n: {type: string, default: ""}`, 1)
		newP, err := sla.ParsePolicy("new.yaml", []byte(src))
		require.NoError(t, err)
		_, err = slatest.DiffExhaustive(oldP, newP)
		assert.ErrorContains(t, err, "field n is int in old and string in new")
	})
	t.Run("expectations allow changes by tier and new rule; max counts classes", func(t *testing.T) {
		r, err := slatest.DiffExhaustive(load(t, oldPath), load(t, newPath))
		require.NoError(t, err)
		e, err := slatest.ParseExpectations("e.yaml", []byte("format: shixian-expect/v1\nallow:\n  - {from: T10, to: T3, rule: cross-department, max: 5}\n"))
		require.NoError(t, err)
		r.Apply(e)
		assert.Len(t, r.Unexpected, 25)
		r.Apply(&slatest.Expectations{Allow: []slatest.Allowed{{From: "*", To: "T3"}}})
		assert.Empty(t, r.Unexpected)
		r.Apply(nil)
		assert.Len(t, r.Unexpected, 30, "no expectations allow nothing")
	})
	t.Run("past MaxListedChanges changed classes the list stops; the counts cover every change", func(t *testing.T) {
		var nums []string
		for i := 1; i <= 50; i++ {
			nums = append(nums, fmt.Sprint(i))
		}
		many := fmt.Sprintf(`n in [%s] && m in [%s]`, strings.Join(nums, ", "), strings.Join(nums, ", "))
		oldP := miniPolicy(t, `all: e in ["a", "b", "c", "d"] → A`, "many: "+many+" → B")
		src := strings.Replace(miniPolicyText(`all: e in ["a", "b", "c", "d"] → C`, "many: "+many+" → B"), `version: "1"`, `version: "2"`, 1)
		newP, err := sla.ParsePolicy("new.yaml", []byte(src))
		require.NoError(t, err)
		r, err := slatest.DiffExhaustive(oldP, newP)
		require.NoError(t, err)
		assert.True(t, r.Exact)
		assert.Equal(t, 4*52*52, r.ChangeCount, "every class moves from A to C")
		assert.Len(t, r.Changes, slatest.MaxListedChanges)
		require.Len(t, r.Transitions, 1)
		assert.Equal(t, 4*52*52, r.Transitions[0].Classes)
		var b bytes.Buffer
		require.NoError(t, r.WriteText(&b))
		assert.Contains(t, b.String(), "10000 of the 10816 changed classes are listed")
		assert.Contains(t, b.String(), "… 10796 more")
	})
	t.Run("a nil policy is an error", func(t *testing.T) {
		_, err := slatest.DiffExhaustive(nil, sla.Default())
		assert.Error(t, err)
	})
}

func TestAnalyzeExamplePolicies(t *testing.T) {
	for _, path := range []string{"../policies/xinyu-1310.yaml", "../../examples/policies/xinyu-1310.yaml", "../../examples/policies/workorder-3class.yaml"} {
		t.Run(path+" has no rule that can never decide and the analysis is a proof", func(t *testing.T) {
			if _, err := os.Stat(path); err != nil {
				t.Skip(path + " is not there")
			}
			p, err := sla.LoadPolicy(path)
			require.NoError(t, err)
			a, err := slatest.Analyze(p)
			require.NoError(t, err)
			assert.True(t, a.Exact)
			assert.Empty(t, a.Unreachable)
		})
	}
}

func TestAnalyzeMaxTime(t *testing.T) {
	t.Run("a time limit already past stops after the first class and says so; nothing is proven", func(t *testing.T) {
		p := miniPolicy(t, `wide: e in ["a", "b"] → A`, `narrow: e == "a" → B`)
		a, err := slatest.AnalyzeWith(p, slatest.AnalyzeOptions{MaxTime: time.Nanosecond})
		require.NoError(t, err)
		assert.False(t, a.Exhaustive)
		assert.False(t, a.Exact)
		assert.Equal(t, 1, a.Evaluated, "the first class is always evaluated")
		assert.Contains(t, a.Sampling, "the first 1 of 3 input classes in order, then the time limit (1ns) stopped the analysis")
		assert.Empty(t, a.UnreachableProblems(nil))
	})
	t.Run("a generous time limit changes nothing", func(t *testing.T) {
		a, err := slatest.AnalyzeWith(sla.Default(), slatest.AnalyzeOptions{MaxTime: time.Minute})
		require.NoError(t, err)
		assert.True(t, a.Exact)
		assert.Empty(t, a.Sampling)
	})
	t.Run("the exhaustive diff stops at its time limit too", func(t *testing.T) {
		r, err := slatest.DiffExhaustiveWith(sla.Default(), candidatePolicy(t), slatest.AnalyzeOptions{MaxTime: time.Nanosecond})
		require.NoError(t, err)
		assert.False(t, r.Exact)
		assert.Equal(t, 1, r.Evaluated)
		assert.Contains(t, r.Sampling, "time limit")
	})
}
