package sla_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/golden"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

var beijing = calendar.CST()

func at(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, beijing)
}

func TestDefaultPolicyIsThe1310Mechanism(t *testing.T) {
	p := sla.Default()
	assert.Equal(t, "xinyu-1310", p.ID())
	assert.Equal(t, "2025.1", p.Version())
	want := map[string]string{"T1": "1 workday", "T3": "3 workdays", "T10": "10 workdays"}
	require.Len(t, p.Tiers(), 3)
	for _, tier := range p.Tiers() {
		assert.Equal(t, want[tier.ID], tier.Limit.String(), "tier %s", tier.ID)
		assert.NotEmpty(t, tier.Label, "tier %s has a Chinese label", tier.ID)
	}
	assert.Equal(t, "T3", p.Rules().Default().Tier, "the default tier is explicit")
	assert.NotEmpty(t, p.Rules().Default().Reason)
	var visit bool
	for _, target := range p.Targets() {
		if target.ID == "visit" {
			visit = true
			assert.Equal(t, sla.AfterClosed, target.After)
		}
	}
	assert.True(t, visit, "the default policy has a follow-up-visit target")
	assert.Len(t, p.Hash(), 64)
	assert.Same(t, calendar.Default(), p.Calendar())
}

func TestEmbeddedDefaultPolicyEqualsTheExampleCopy(t *testing.T) {
	example, err := os.ReadFile("../examples/policies/xinyu-1310.yaml")
	require.NoError(t, err)
	assert.Equal(t, string(example), string(sla.DefaultPolicyYAML()),
		"examples/policies/xinyu-1310.yaml must stay a byte-identical copy of sla/policies/xinyu-1310.yaml")
}

func TestExamplePoliciesLoad(t *testing.T) {
	files, err := filepath.Glob("../examples/policies/*.yaml")
	require.NoError(t, err)
	var policies int
	for _, file := range files {
		if strings.HasSuffix(file, ".suite.yaml") || strings.HasSuffix(file, ".expect.yaml") {
			continue
		}
		policies++
		_, err := sla.LoadPolicy(file)
		assert.NoError(t, err, file)
	}
	assert.GreaterOrEqual(t, policies, 2)
}

func TestDefaultPolicyClassifies(t *testing.T) {
	accepted := at(2025, 9, 30, 17, 0)
	cases := []struct {
		name  string
		input map[string]any
		tier  string
		rule  string
	}{
		{"unpaid wages, materials incomplete → T1", map[string]any{"cause": "incomplete_materials", "category": "wage_arrears"}, "T1", "objective-simple"},
		{"unclear request → T1", map[string]any{"cause": "unclear_request"}, "T1", "objective-simple"},
		{"complex question → T3", map[string]any{"cause": "complex"}, "T3", "complex-case"},
		{"staff handled it improperly → T3", map[string]any{"cause": "improper_method"}, "T3", "staff-caused"},
		{"pension case stuck on a policy bottleneck → T10", map[string]any{"cause": "policy_bottleneck", "category": "pension"}, "T10", "legacy-or-bottleneck"},
		{"cross-department objective case → T10, not T1", map[string]any{"cause": "other_objective", "tags": []string{"cross_department"}}, "T10", "cross-department"},
		{"enterprise labour dispute → T3", map[string]any{"cause": "other_objective", "applicant": "enterprise", "category": "labour_dispute"}, "T3", "enterprise-complex"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := sla.Default().Classify(tc.input, accepted)
			require.NoError(t, err)
			assert.Equal(t, tc.tier, d.Tier)
			assert.Equal(t, tc.rule, d.RuleID)
			assert.NotEmpty(t, d.Reason)
			assert.Equal(t, "2025.1", d.PolicyVersion)
		})
	}
}

func TestClassifyRejectsBadInputAndTime(t *testing.T) {
	p := sla.Default()
	_, err := p.Classify(map[string]any{"cause": "no_such_cause"}, at(2025, 9, 30, 17, 0))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cause")

	_, err = p.Classify(map[string]any{}, at(2025, 9, 30, 17, 0))
	require.Error(t, err, "cause has no default, so it is required")
	assert.Contains(t, err.Error(), "cause")

	_, err = p.Classify(map[string]any{"cause": "complex"}, time.Time{})
	require.Error(t, err, "the acceptance time is required: version selection needs it")

	_, err = p.Classify(map[string]any{"cause": "complex"}, at(2024, 12, 31, 23, 59))
	var notEffective *sla.NotEffectiveError
	require.ErrorAs(t, err, &notEffective, "accepted the day before the policy took effect")
	assert.Contains(t, err.Error(), "2025-01-01")
}

func TestClassifyDoesNotModifyInput(t *testing.T) {
	input := map[string]any{"cause": "complex", "tags": []string{"a"}}
	_, err := sla.Default().Classify(input, at(2025, 9, 30, 17, 0))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"cause": "complex", "tags": []string{"a"}}, input, "defaults must not be written into the caller's map")
}

func TestDeadlineOfDefaultPolicy(t *testing.T) {
	p := sla.Default()
	// Accepted Tuesday 2025-09-30 17:00, the eve of the National Day + Mid-Autumn break
	// (10-01..10-08 off, 国办发明电〔2024〕12号): day 1 is Thursday 10-09.
	d, err := p.Deadline("T1", at(2025, 9, 30, 17, 0))
	require.NoError(t, err)
	assert.Equal(t, at(2025, 10, 10, 0, 0), d.Due, "1 working day → due 2025-10-09 24:00")
	d, err = p.Deadline("T3", at(2025, 9, 30, 17, 0))
	require.NoError(t, err)
	assert.Equal(t, at(2025, 10, 12, 0, 0), d.Due, "3 working days → 10-09, 10-10 and the makeup Saturday 10-11")
	_, err = p.Deadline("T7", at(2025, 9, 30, 17, 0))
	assert.ErrorContains(t, err, `no tier "T7"`)
}

func TestPolicyErrorsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/policy-errors/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			_, err := sla.LoadPolicy(file)
			require.Error(t, err)
			var problems *rules.Problems
			require.True(t, errors.As(err, &problems), "policy errors are a *rules.Problems: %v", err)
			got := err.Error() + "\n"
			golden.AssertString(t, strings.TrimSuffix(file, ".yaml")+".golden", got)
		})
	}
}

func TestPolicyReportsEveryProblemWithPosition(t *testing.T) {
	_, err := sla.LoadPolicy("testdata/policy-errors/many-problems.yaml")
	var problems *rules.Problems
	require.ErrorAs(t, err, &problems)
	msgs := err.Error()
	for _, want := range []string{
		"many-problems.yaml:2:5: id:",                   // space in the id
		"many-problems.yaml:5:9: effective.from:",       // month 13
		"many-problems.yaml:11:11: input.count.type:",   // unknown type
		"many-problems.yaml:14:12: tiers[0].limit:",     // misspelled unit
		"many-problems.yaml:15:9: tiers[1].id:",         // duplicate tier
		"many-problems.yaml:18:15: counting.end_of_day", // unknown value
		"many-problems.yaml:19:3: counting: unknown key \"receipts\"",
		"many-problems.yaml:22:9: warnings[0].at:",
	} {
		assert.Contains(t, msgs, want)
	}
	for _, p := range *problems {
		assert.NotZero(t, p.Pos.Line, "every problem has a line: %s", p.Message)
		assert.Equal(t, "testdata/policy-errors/many-problems.yaml", p.Pos.File)
	}
}

func TestRuleProblemsPointIntoTheExpression(t *testing.T) {
	_, err := sla.LoadPolicy("testdata/policy-errors/rule-problems.yaml")
	var problems *rules.Problems
	require.ErrorAs(t, err, &problems)
	byRule := map[string][]rules.Problem{}
	for _, p := range *problems {
		byRule[p.Rule] = append(byRule[p.Rule], p)
	}
	// `    when: cause == "历史遗留" && caus == "x"` on line 23: the typo starts at column 30.
	require.NotEmpty(t, byRule["legacy"])
	found := false
	for _, p := range byRule["legacy"] {
		if strings.Contains(p.Message, "caus") && p.Pos.Line == 23 {
			found = true
			assert.Equal(t, 30, p.Pos.Column, "column counts characters, so the Chinese literal does not shift it")
			assert.Equal(t, strings.Repeat(" ", 20)+strings.Repeat("  ", 4)+strings.Repeat(" ", 5)+"^", p.Caret,
				"the caret lines up under the typo in a terminal, where each Chinese character takes two cells")
		}
	}
	assert.True(t, found, "the unknown field in rule legacy is reported at its position: %v", err)
	// The block-scalar rule: `"x" in tag` is on the second line of the expression, file line 33.
	foundTag := false
	for _, p := range *problems {
		if strings.Contains(p.Message, "tag") && p.Pos.Line == 33 {
			foundTag = true
		}
	}
	assert.True(t, foundTag, "an error on the second line of a block expression points at that file line: %v", err)
}

func TestHistoryPicksVersionByAcceptanceTime(t *testing.T) {
	v1 := mustParse(t, "v1.yaml", policyVersion("2024.1", "2024-01-01", "2024-12-31", "T3"))
	v2 := mustParse(t, "v2.yaml", policyVersion("2025.1", "2025-01-01", "", "T1"))
	h, err := sla.NewHistory(v2, v1)
	require.NoError(t, err)
	assert.Equal(t, []*sla.Policy{v1, v2}, h.Versions())

	d, err := h.Classify(map[string]any{"cause": "complex"}, at(2024, 12, 31, 23, 59))
	require.NoError(t, err)
	assert.Equal(t, "2024.1", d.PolicyVersion, "a case accepted on the last evening of 2024 is governed by the 2024 version")
	assert.Equal(t, "T3", d.Tier)
	d, err = h.Classify(map[string]any{"cause": "complex"}, at(2025, 1, 1, 0, 0))
	require.NoError(t, err)
	assert.Equal(t, "2025.1", d.PolicyVersion)
	assert.Equal(t, "T1", d.Tier)
	_, err = h.At(at(2023, 6, 1, 9, 0))
	assert.ErrorContains(t, err, "no version in effect")
}

func TestHistoryRejectsOverlapsAndMixedIDs(t *testing.T) {
	v1 := mustParse(t, "v1.yaml", policyVersion("2024.1", "2024-01-01", "", "T3"))
	sameStart := mustParse(t, "v2.yaml", policyVersion("2025.1", "2024-01-01", "", "T1"))
	_, err := sla.NewHistory(v1, sameStart)
	assert.ErrorContains(t, err, "overlaps", "an open-ended version overlaps one that starts the same day")
	bounded := mustParse(t, "b.yaml", policyVersion("2024.1", "2024-01-01", "2025-06-30", "T3"))
	v2 := mustParse(t, "v2.yaml", policyVersion("2025.1", "2025-01-01", "", "T1"))
	_, err = sla.NewHistory(bounded, v2)
	assert.ErrorContains(t, err, "overlaps", "a version whose declared end is after the next start overlaps it")
	_, err = sla.NewHistory(v1, v1)
	assert.ErrorContains(t, err, "appears twice")
	_, err = sla.NewHistory(v1, sla.Default())
	assert.ErrorContains(t, err, "one policy")
	_, err = sla.NewHistory()
	assert.Error(t, err)
}

func TestHolderActivatesOnlyCheckedCandidates(t *testing.T) {
	v1 := mustParse(t, "v1.yaml", policyVersion("2024.1", "2024-01-01", "2024-12-31", "T3"))
	h, err := sla.NewHistory(v1)
	require.NoError(t, err)
	holder, err := sla.NewHolder(h)
	require.NoError(t, err)

	v2 := mustParse(t, "v2.yaml", policyVersion("2025.1", "2025-01-01", "", "T1"))
	failing := func(*sla.Policy) error { return errors.New("suite 1310-basics: 2 cases failed") }
	err = holder.Activate(v2, failing)
	require.ErrorContains(t, err, "2 cases failed")
	assert.Same(t, h, holder.Current(), "a candidate that fails its checks is never activated")

	overlapping := mustParse(t, "v3.yaml", policyVersion("2024.2", "2024-06-01", "", "T1"))
	require.ErrorContains(t, holder.Activate(overlapping), "overlaps")
	assert.Same(t, h, holder.Current())

	otherID := mustParse(t, "other.yaml", strings.Replace(policyVersion("2024.1", "2024-01-01", "2024-12-31", "T3"), "id: history-test", "id: other-policy", 1))
	require.ErrorContains(t, holder.Activate(otherID), "one policy", "a candidate of another policy never replaces the only version")
	assert.Same(t, h, holder.Current())

	require.NoError(t, holder.Activate(v2, func(*sla.Policy) error { return nil }))
	assert.Len(t, holder.Current().Versions(), 2)
	assert.Equal(t, int64(1), holder.Swaps())
	p, err := holder.Current().At(at(2025, 3, 1, 9, 0))
	require.NoError(t, err)
	assert.Same(t, v2, p)
}

func TestHolderReadersNeverBlock(t *testing.T) {
	v1 := mustParse(t, "v1.yaml", policyVersion("2024.1", "2024-01-01", "2024-12-31", "T3"))
	h, err := sla.NewHistory(v1)
	require.NoError(t, err)
	holder, err := sla.NewHolder(h)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				_, err := holder.Current().Classify(map[string]any{"cause": "complex"}, at(2024, 5, 1, 9, 0))
				assert.NoError(t, err)
			}
		}()
	}
	for i := 0; i < 20; i++ {
		tier := []string{"T1", "T3"}[i%2] // new content on every activation: identical content is no swap
		v := mustParse(t, "v2.yaml", policyVersion("2025.1", "2025-01-01", "", tier))
		require.NoError(t, holder.Activate(v))
	}
	wg.Wait()
	assert.Equal(t, int64(20), holder.Swaps())
}

func TestWithCalendarLeavesThePolicyUnchanged(t *testing.T) {
	hubei, err := calendar.Default().Derive(calendar.WithName("CN-HB"), calendar.WithOverrides(calendar.Override{
		Date: at(2025, 10, 9, 0, 0), Kind: calendar.Holiday, Holiday: "unit_duty_swap", HolidayZh: "单位调休", Source: "test override",
	}))
	require.NoError(t, err)
	p := sla.Default()
	q := p.WithCalendar(hubei)
	assert.Same(t, calendar.Default(), p.Calendar())
	assert.Same(t, hubei, q.Calendar())
	d, err := q.Deadline("T1", at(2025, 9, 30, 17, 0))
	require.NoError(t, err)
	assert.Equal(t, at(2025, 10, 11, 0, 0), d.Due, "with 10-09 made a day off, day 1 is Friday 10-10")
}

func FuzzParsePolicy(f *testing.F) {
	f.Add(sla.DefaultPolicyYAML())
	for _, file := range []string{"testdata/policy-errors/many-problems.yaml", "testdata/policy-errors/rule-problems.yaml", "testdata/policy-errors/syntax.yaml", "testdata/policy-errors/limits.yaml", "../examples/policies/workorder-3class.yaml", "../examples/policies/jiban-changgui-gongjian.yaml"} {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte("format: shixian/v1\nrules: [{id: a, when: '(((('}]"))
	f.Add([]byte("format: shixian/v1\nid: p\nversion: '1'\neffective: {from: 2025-01-01}\ntiers: [{id: T1, limit: 1 workday}]\ndefault: {tier: T1, reason: x}\nrules: [{id: a, tier: T1, reason: x}]\n"))
	f.Add([]byte("format: shixian/v1\nid: p\nversion: '1'\neffective: {from: 2025-01-01}\ntiers: [{id: T1, limit: 1 workday}]\ndefault: {tier: T1, reason: x}\nrules: [{id: a, when: '', tier: T1, reason: x}]\n"))
	f.Add([]byte("- a\n- b"))
	// The closed loop's keys, each wrong: a code without a label that counts as nothing known, a
	// level with two triggers on a missing warning, a grade both satisfied and reopening.
	f.Add([]byte("format: shixian/v1\nid: p\nversion: '1'\neffective: {from: 2025-01-01}\ntiers: [{id: T1, limit: 1 workday}]\ndefault: {tier: T1, reason: x}\n" +
		"counting: {late_reclassify: later, late_restart: reject}\nreasons: [{code: a, counts_as: sometimes, events: [closed]}, {code: a, label: a}]\nreasons_required: maybe\n" +
		"supervision: [{id: s, label: 督办, warning: red, overdue: 2 hours}, {id: s}]\nrating: [{grade: 好, satisfied: true, reopens: true}, {grade: 好}]\n"))
	// Target kinds: unknown, not text, and not fitting the trigger (also a bad trigger).
	f.Add([]byte("format: shixian/v1\nid: p\nversion: '1'\neffective: {from: 2025-01-01}\ntiers: [{id: T1, limit: 1 workday}]\ndefault: {tier: T1, reason: x}\n" +
		"targets: [{id: 签收, kind: sign_for, after: closed, limit: 1 workday}, {id: r, kind: return_window, after: accepted, limit: 1 workday}, {id: x, kind: [a], after: sent, limit: 1 workday}, {id: y, kind: 签收, after: transferred, limit: 1 workday}]\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := sla.ParsePolicy("fuzz.yaml", data)
		if err != nil {
			var problems *rules.Problems
			if errors.As(err, &problems) {
				for _, problem := range *problems {
					if problem.Pos.File != "fuzz.yaml" {
						t.Fatalf("problem without the file name: %+v", problem)
					}
				}
			}
			return
		}
		if p == nil {
			t.Fatal("nil policy without error")
		}
	})
}

func mustParse(t *testing.T, name, yaml string) *sla.Policy {
	t.Helper()
	p, err := sla.ParsePolicy(name, []byte(yaml))
	require.NoError(t, err)
	return p
}

// policyVersion writes a minimal policy whose only rule puts `complex` cases in tier.
func policyVersion(version, from, until, tier string) string {
	effective := "  from: " + from + "\n"
	if until != "" {
		effective += "  until: " + until + "\n"
	}
	return `format: shixian/v1
id: history-test
version: "` + version + `"
effective:
` + effective + `input:
  cause: {type: string}
tiers:
  - {id: T1, limit: 1 workday}
  - {id: T3, limit: 3 workdays}
default: {tier: T3, reason: 默认}
rules:
  - id: complex
    when: cause == "complex"
    tier: ` + tier + `
    reason: 复杂
`
}

// The policy shown in the README must stay a valid policy.
func TestReadmePolicyExampleParses(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "```yaml\n")
	require.True(t, ok, "README has a yaml block")
	block, _, ok := strings.Cut(rest, "```")
	require.True(t, ok)
	p, err := sla.ParsePolicy("README.md", []byte(block))
	require.NoError(t, err)
	d, err := p.Classify(map[string]any{"cause": "policy_bottleneck"}, at(2025, 9, 30, 17, 0))
	require.NoError(t, err)
	assert.Equal(t, "T10", d.Tier)
}

func TestRuleWithoutWhenIsReportedOnceWithItsPosition(t *testing.T) {
	_, err := sla.ParsePolicy("p.yaml", []byte(`format: shixian/v1
id: p
version: "1"
effective: {from: 2025-01-01}
input: {cause: {type: string}}
tiers: [{id: T1, limit: 1 workday}]
default: {tier: T1, reason: 默认}
rules:
  - {id: a, tier: T1, reason: x}
`))
	var problems *rules.Problems
	require.ErrorAs(t, err, &problems)
	require.Len(t, *problems, 1, "%v", err)
	assert.Equal(t, "p.yaml:9:5: rules[0]: missing required key \"when\"", strings.SplitN(err.Error(), "\n", 2)[0])
}

// A portal with several versions works through History alone: each call picks the version that
// was in effect when the case was accepted, for the whole life of the case.
func TestHistoryRunsACaseUnderItsAcceptanceVersion(t *testing.T) {
	v1 := mustParse(t, "v1.yaml", policyVersion("2024.1", "2024-01-01", "2024-12-31", "T3"))
	// The 2025 version gives T3 five working days instead of three.
	v2 := mustParse(t, "v2.yaml", strings.Replace(policyVersion("2025.1", "2025-01-01", "", "T3"),
		"limit: 3 workdays", "limit: 5 workdays", 1))
	h, err := sla.NewHistory(v1, v2)
	require.NoError(t, err)

	// Accepted Tuesday 2024-12-31 17:00 under the 2024 version, 3 working days: New Year's Day is
	// a holiday, so day 1 is Thursday 01-02, day 3 Monday 01-06, due Tuesday 01-07 00:00.
	accepted := at(2024, 12, 31, 17, 0)
	c, d, err := h.Accept("C-2024", map[string]any{"cause": "complex"}, accepted)
	require.NoError(t, err)
	assert.Equal(t, "2024.1", d.PolicyVersion)
	dl, err := h.Deadline("T3", accepted)
	require.NoError(t, err)
	assert.Equal(t, at(2025, 1, 7, 0, 0), dl.Due)

	// Events and statuses after 2025-01-01 still count by the 2024 version, not by the one in
	// effect when they happen (which would give five working days, due 01-09).
	st, err := h.StatusAt(c, at(2025, 1, 6, 12, 0))
	require.NoError(t, err)
	assert.Equal(t, at(2025, 1, 7, 0, 0), st.Due)
	c, err = h.Apply(c, sla.Event{Type: sla.EventClosed, At: at(2025, 1, 8, 9, 0)})
	require.NoError(t, err)
	st, err = h.StatusAt(c, at(2025, 1, 8, 10, 0))
	require.NoError(t, err)
	assert.Equal(t, sla.StateClosedLate, st.State, "closed on 01-08 after the 2024 deadline of 01-07 00:00")
	require.NoError(t, h.Validate(c))

	// A case accepted in 2025 gets the 2025 version: Thursday 01-02 09:00 + 5 working days → due
	// Friday 01-10 00:00 (days 01-03, 01-06, 01-07, 01-08, 01-09).
	dl, err = h.Deadline("T3", at(2025, 1, 2, 9, 0))
	require.NoError(t, err)
	assert.Equal(t, at(2025, 1, 10, 0, 0), dl.Due)
	c2, err := h.Apply(sla.Case{ID: "C-2025"}, sla.Event{Type: sla.EventAccepted, At: at(2025, 1, 2, 9, 0)})
	require.NoError(t, err)
	c2, err = h.Apply(c2, sla.Event{Type: sla.EventClassified, At: at(2025, 1, 2, 9, 0), Tier: "T3"})
	require.NoError(t, err)
	st, err = h.StatusAt(c2, at(2025, 1, 2, 10, 0))
	require.NoError(t, err)
	assert.Equal(t, at(2025, 1, 10, 0, 0), st.Due, "the empty case is opened by the version in effect at its accepted event")

	// Accepted before the first version: no version governs it, and nothing is created.
	_, _, err = h.Accept("C-2023", map[string]any{"cause": "complex"}, at(2023, 6, 1, 9, 0))
	assert.ErrorContains(t, err, "no version in effect")
	_, err = h.Deadline("T3", at(2023, 6, 1, 9, 0))
	assert.ErrorContains(t, err, "no version in effect")
}
