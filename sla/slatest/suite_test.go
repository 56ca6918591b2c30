package slatest_test

import (
	"bytes"
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
	"github.com/shixian-go/shixian/sla/slatest/gotest"
)

const defaultSuite = "../../examples/policies/xinyu-1310.suite.yaml"

// TestDefaultPolicySuite runs the suite of the default policy through Run, as a policy team's
// own go test would, against the embedded policy.
func TestDefaultPolicySuite(t *testing.T) {
	gotest.Run(t, defaultSuite, slatest.WithPolicy(sla.Default()))

	r, err := slatest.RunSuite(defaultSuite, slatest.WithPolicy(sla.Default()))
	require.NoError(t, err)
	// Every rule and the default (reached by cause "other") are exercised.
	assert.Empty(t, r.Coverage.Unexercised())
	for _, h := range r.Coverage.Rules {
		assert.Positive(t, h.Hits, "rule %s", h.RuleID)
	}
	assert.Equal(t, 100.0, r.Coverage.Percent)
}

// TestDefaultPolicySuiteFromFile runs the suite exactly as written, loading the policy copy
// next to it, and checks that the copy is the embedded policy.
func TestDefaultPolicySuiteFromFile(t *testing.T) {
	data, err := os.ReadFile("../../examples/policies/xinyu-1310.yaml")
	require.NoError(t, err)
	assert.Equal(t, string(sla.DefaultPolicyYAML()), string(data), "examples/policies/xinyu-1310.yaml must be a copy of sla/policies/xinyu-1310.yaml")
	gotest.Run(t, defaultSuite)
}

func TestRunSuitePasses(t *testing.T) {
	r, err := slatest.RunSuite("testdata/pass.suite.yaml")
	require.NoError(t, err)
	assert.True(t, r.Passed)
	assert.Equal(t, "passing suite", r.Suite)
	assert.Equal(t, "xinyu-1310", r.PolicyID)
	assert.Equal(t, sla.Default().Hash(), r.PolicyHash)
	require.Len(t, r.Cases, 2)
	c := r.Cases[0]
	assert.True(t, c.Passed)
	assert.Equal(t, 8, c.Line)
	assert.Equal(t, "T3", c.Tier)
	require.NotNil(t, c.Decision)
	assert.Equal(t, "complex-case", c.Decision.RuleID)
	// complex case accepted Tuesday 09-30 17:00: 3 working days are 10-09, 10-10 and makeup
	// Saturday 10-11 (民法典 201/203, 行政许可法 82).
	assert.Equal(t, "2025-10-12T00:00:00+08:00", c.Due.Format(time.RFC3339))
	assert.NotEmpty(t, c.Explanation)
	assert.Equal(t, 2, r.Coverage.Covered)
	assert.Equal(t, 7, r.Coverage.Total)
	assert.InDelta(t, 28.57, r.Coverage.Percent, 0.01)
	assert.False(t, r.CoverageFailed, "no min_coverage set")
	assert.NoError(t, r.Err())
	gotest.Run(t, "testdata/pass.suite.yaml")
}

// TestRunSuiteFailureMessages pins every kind of mismatch message and the coverage failure.
func TestRunSuiteFailureMessages(t *testing.T) {
	r, err := slatest.RunSuite("testdata/fail.suite.yaml")
	require.NoError(t, err)
	assert.False(t, r.Passed)
	assert.True(t, r.CoverageFailed, "3 of 7 rules is below min_coverage 100%")
	assert.Equal(t, []string{"legacy-or-bottleneck", "staff-caused", "enterprise-complex", "default"}, r.Coverage.Unexercised())
	got := map[string][]string{}
	for _, c := range r.Cases {
		got[c.Name] = c.Failures
	}
	const nonsense = `sla: policy xinyu-1310 2025.1: rules: field "cause": value "nonsense" is not one of the declared values (unclear_request, incomplete_materials, other_objective, complex, staff_capability, improper_method, historical_legacy, policy_bottleneck, other)`
	const at = "at 2025-10-13T10:00:00+08:00"
	assert.Equal(t, map[string][]string{
		"passes":                            {},
		"wrong tier and rule":               {"tier: expected T1, got T3", "rule: expected objective-simple, got complex-case"},
		"wrong reason":                      {`reason: expected a reason containing "材料不全", got "问题比较复杂，3个工作日内办结"`},
		"wrong due and last day":            {"due: expected 2025-10-01T00:00:00+08:00, got 2025-10-10T00:00:00+08:00", "last_day: expected 2025-09-30, got 2025-10-09"},
		"wrong provisional":                 {"provisional: expected true, got false"},
		"wrong shadowed":                    {"shadowed: expected [], got [complex-case]"},
		"expected an error, got a decision": {`error: expected a message containing "not one of the declared values", got no error`},
		"error message differs":             {`error: expected a message containing "is required", got "` + strings.ReplaceAll(nonsense, `"`, `\"`) + `"`},
		"unexpected error":                  {"unexpected error: " + nonsense},
		// T1 accepted 09-30 17:00, last day 10-09: on Monday 10-13 it is overdue by 10-10,
		// 10-11 (makeup) and 10-13.
		"wrong status": {
			"status.tier " + at + ": expected T3, got T1",
			"status.state " + at + ": expected on_track, got overdue",
			"status.warning " + at + `: expected "yellow", got "orange"`,
			"status.overdue_days " + at + ": expected 1, got 3",
			"status.remaining_days " + at + ": expected 4, got 0",
		},
		"an event that does not fit": {"unexpected error: events[0] (resumed at 2025-10-09 10:00 CST): resume without a pause"},
	}, normalise(got))
	for _, c := range r.Cases {
		assert.Equal(t, len(c.Failures) == 0, c.Passed, c.Name)
	}
	err = r.Err()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `testdata/fail.suite.yaml:11: case "wrong tier and rule": tier: expected T1, got T3; rule: expected objective-simple, got complex-case`)
	assert.Contains(t, err.Error(), "rule coverage 42.9% is below min_coverage 100%")

	golden(t, "fail.txt", text(t, func(b *bytes.Buffer) error { return r.WriteText(b) }))
	golden(t, "fail.json", text(t, func(b *bytes.Buffer) error { return r.WriteJSON(b) }))
	golden(t, "fail.junit.xml", text(t, func(b *bytes.Buffer) error { return r.WriteJUnit(b) }))

	// Run reports through a testing.TB; a recorder stands in for *testing.T.
	rec := &recorder{}
	gotest.Run(rec, "testdata/fail.suite.yaml")
	assert.Len(t, rec.errors, 11, "10 failing cases and the coverage shortfall")
	assert.Contains(t, rec.errors[0], "testdata/fail.suite.yaml:11: case \"wrong tier and rule\" failed:\n    tier: expected T1, got T3")
	assert.Contains(t, rec.errors[0], "decision: T3 by rule complex-case")
	assert.Contains(t, rec.errors[2], "deadline:\n", "the deadline explanation is printed")
	assert.Contains(t, rec.errors[10], "rule coverage 42.9% is below min_coverage 100%; not exercised: legacy-or-bottleneck, staff-caused, enterprise-complex, default")
}

func normalise(m map[string][]string) map[string][]string {
	for k, v := range m {
		if v == nil {
			m[k] = []string{}
		}
	}
	return m
}

// recorder is a testing.TB that records instead of failing.
type recorder struct {
	testing.TB
	errors []string
	fatal  string
}

func (r *recorder) Helper()           {}
func (r *recorder) Error(args ...any) { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Fatalf(format string, a ...any) { r.fatal = fmt.Sprintf(format, a...) }

func TestRunFatalOnBadSuite(t *testing.T) {
	rec := &recorder{}
	gotest.Run(rec, "testdata/does-not-exist.suite.yaml")
	assert.Contains(t, rec.fatal, "does-not-exist.suite.yaml")
}

func TestSuiteDecodingProblems(t *testing.T) {
	src := strings.Join([]string{
		"format: shixian-suite/v2",
		"name: bad",
		"min_coverage: 120%",
		"colour: blue",
		"defaults:",
		"  input: {cause: complex}",
		"  expect: {tier: T3}",
		"cases:",
		"  - name: 欠薪 typo",
		"    expct: {tier: T3}",
		"  - name: no acceptance time",
		"    expect: {tier: T3, due: tomorrow, provisional: maybe}",
		"  - name: bad events",
		"    accepted: 2025-09-30 17:00",
		"    events:",
		"      - {type: snoozed, at: 2025-10-09T10:00:00+08:00}",
		"      - {type: extended, at: 2025-10-09, length: 3 wrkdays}",
		"    expect: {error: x, tier: T3, status: {state: asleep}}",
		"  - name: 欠薪 typo",
		"    accepted: 2025-09-30",
		"    expect: {}",
	}, "\n")
	_, err := slatest.RunSuiteData("bad.suite.yaml", []byte(src), sla.Default())
	require.Error(t, err)
	var ps rules.Problems
	require.ErrorAs(t, err, &ps)
	var lines []string
	for _, p := range ps {
		lines = append(lines, p.Pos.String()+": "+p.Message)
		assert.NotEmpty(t, p.Caret, "every problem has a caret line")
	}
	assert.Equal(t, []string{
		`bad.suite.yaml:1:9: format: "shixian-suite/v2" is not supported (expected "shixian-suite/v1")`,
		`bad.suite.yaml:3:15: min_coverage: "120%" is not a percentage from 0% to 100% (e.g. 100% or 85.5%)`,
		`bad.suite.yaml:4:1: suite: unknown key "colour" (expected one of: format, name, policy, min_coverage, defaults, cases)`,
		`bad.suite.yaml:9:5: cases[0]: no acceptance time (set ` + "`accepted`" + ` in the case or in defaults)`,
		`bad.suite.yaml:10:5: cases[0]: unknown key "expct" (did you mean "expect"? it is required)`,
		`bad.suite.yaml:11:5: cases[1]: no acceptance time (set ` + "`accepted`" + ` in the case or in defaults)`,
		`bad.suite.yaml:12:29: case "no acceptance time".expect.due: "tomorrow" is not a time (expected RFC 3339 such as 2025-09-30T17:00:00+08:00, or "2025-09-30 17:00" in UTC+8)`,
		`bad.suite.yaml:12:52: case "no acceptance time".expect.provisional: expected true or false, found "maybe"`,
		`bad.suite.yaml:16:16: case "bad events".events[0].type: unknown event type "snoozed" (expected one of: ` + strings.Join(eventTypeNames(), ", ") + `)`,
		`bad.suite.yaml:17:50: case "bad events".events[1].length: invalid period "3 wrkdays": unknown unit "wrkdays" (want workdays, days, months, workhours or hours)`,
		`bad.suite.yaml:18:24: case "bad events".expect: "tier" cannot be combined with error (a case that fails has no tier)`,
		`bad.suite.yaml:18:34: case "bad events".expect: "status" cannot be combined with error (a case that fails has no status)`,
		`bad.suite.yaml:18:42: case "bad events".expect.status: missing required key "now"`,
		`bad.suite.yaml:18:50: case "bad events".expect.status.state: unknown state "asleep" (expected one of: on_track, warning, overdue, paused, closed_on_time, closed_late, unclassified)`,
		`bad.suite.yaml:19:5: cases[3]: name "欠薪 typo" is already used by the case on line 9 (names must be unique: they name subtests)`,
	}, lines)
	// The caret lines up under text after Chinese characters: 欠 and 薪 take two cells each.
	_, err = slatest.RunSuiteData("c.yaml", []byte("format: shixian-suite/v1\ncases:\n  - {name: 欠薪, expct: 1}\n"), sla.Default())
	require.ErrorAs(t, err, &ps)
	require.Len(t, ps, 2, "a misspelt required key is one problem, not also a missing key")
	assert.Equal(t, "c.yaml:3:16", ps[1].Pos.String())
	assert.Equal(t, "  - {name: 欠薪, expct: 1}", ps[1].Line)
	assert.Equal(t, strings.Repeat(" ", 17)+"^", ps[1].Caret)
}

func eventTypeNames() []string {
	var out []string
	for _, e := range sla.EventTypes() {
		out = append(out, string(e))
	}
	return out
}

func TestSuiteSyntaxAndEmpty(t *testing.T) {
	for name, src := range map[string]string{
		"syntax": "format: shixian-suite/v1\ncases: [\n",
		"empty":  "",
		"scalar": "just text",
		"nocase": "format: shixian-suite/v1\ncases: []\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := slatest.RunSuiteData("s.yaml", []byte(src), sla.Default())
			require.Error(t, err)
			var ps rules.Problems
			require.ErrorAs(t, err, &ps)
			for _, p := range ps {
				assert.Positive(t, p.Pos.Line, p.Error())
			}
		})
	}
	_, err := slatest.RunSuiteData("s.yaml", []byte("format: shixian-suite/v1\ncases:\n  - {name: a, accepted: 2025-01-02, expect: {tier: T1}}\n"), nil)
	assert.ErrorContains(t, err, "names no policy")
	_, err = slatest.RunSuiteData("s.yaml", []byte("format: shixian-suite/v1\npolicy: missing.yaml\ncases:\n  - {name: a, accepted: 2025-01-02, expect: {tier: T1}}\n"), nil)
	assert.ErrorContains(t, err, "s.yaml:2:9: policy missing.yaml")
}

// TestDefaultsMerging: case keys win over defaults, input maps merge key by key, events and
// expectations inherit when the case leaves them out.
func TestDefaultsMerging(t *testing.T) {
	src := `format: shixian-suite/v1
defaults:
  accepted: 2025-09-30T17:00:00+08:00
  input: {cause: complex, applicant: enterprise, category: labour_dispute}
  expect: {tier: T3, provisional: false}
cases:
  - name: inherits everything
    expect: {rule: complex-case}
  - name: input merged key by key (cause overridden, applicant and category kept) → enterprise-complex
    input: {cause: other_objective}
    expect: {rule: enterprise-complex}
  - name: case accepted wins (Friday before the Spring Festival → 3rd working day is 02-24)
    accepted: 2026-02-12T09:00:00+08:00
    expect: {last_day: 2026-02-24}
  - name: case expect key wins
    input: {cause: unclear_request}
    expect: {tier: T1}
  - name: an error expectation stands alone (the default tier is not asserted)
    input: {cause: nonsense}
    expect: {error: nonsense}
`
	r, err := slatest.RunSuiteData("merge.suite.yaml", []byte(src), sla.Default())
	require.NoError(t, err)
	for _, c := range r.Cases {
		assert.True(t, c.Passed, "%s: %v", c.Name, c.Failures)
	}
	assert.True(t, r.Passed)
	// Inherited expectations are really asserted: a default tier that does not match fails.
	r, err = slatest.RunSuiteData("merge.suite.yaml", []byte(strings.Replace(src, "expect: {tier: T3, provisional: false}", "expect: {tier: T10}", 1)), sla.Default())
	require.NoError(t, err)
	assert.Equal(t, []string{"tier: expected T10, got T3"}, r.Cases[0].Failures)
	assert.Empty(t, r.Cases[3].Failures, "the case's own tier wins")
}

// TestEventsAndStatus plays case histories through the lifecycle and asserts status at a
// given instant.
func TestEventsAndStatus(t *testing.T) {
	src := `format: shixian-suite/v1
defaults:
  accepted: 2025-09-30T17:00:00+08:00
  input: {cause: complex}
cases:
  - name: paused on 10-09 for expert review and still paused on 10-13
    events:
      - {type: paused, at: 2025-10-09T10:00:00+08:00, reason: 专家评审}
    expect:
      tier: T3
      status: {now: 2025-10-13T12:00:00+08:00, state: paused}
  - name: reclassified T3 → T10 on 10-10, counted from the original acceptance → last day 10-21
    events:
      - {type: reclassified, at: 2025-10-10T09:00:00+08:00, tier: T10, reason: 需协调历史遗留问题}
    expect:
      tier: T3
      last_day: 2025-10-21
      status: {now: 2025-10-13T09:00:00+08:00, tier: T10, state: on_track}
  - name: T3 closed Monday 10-13, after its last day (makeup Saturday 10-11), is closed late by one working day
    events:
      - {type: closed, at: 2025-10-13T10:00:00+08:00}
    expect:
      status: {now: 2025-10-14T09:00:00+08:00, state: closed_late, overdue_days: 1}
  - name: an extension after the deadline is refused (行政许可法 42, late_extension reject)
    events:
      - {type: extended, at: 2025-10-13T09:00:00+08:00, length: 10 workdays, approver: 局长, reason: 迟到}
    expect: {error: extended}
`
	r, err := slatest.RunSuiteData("events.suite.yaml", []byte(src), sla.Default())
	require.NoError(t, err)
	for _, c := range r.Cases {
		assert.True(t, c.Passed, "%s: %v %s", c.Name, c.Failures, c.Error)
	}
	assert.Equal(t, sla.StatePaused, r.Cases[0].State)
	assert.Equal(t, "T10", r.Cases[1].Tier)
	assert.Equal(t, "T3", r.Cases[1].Decision.Tier)
}

// TestCheckWithHolder: a candidate that fails its suite is not activated; one that passes is.
func TestCheckWithHolder(t *testing.T) {
	h, err := sla.NewHistory(sla.Default())
	require.NoError(t, err)
	holder, err := sla.NewHolder(h)
	require.NoError(t, err)

	// 2025.2 makes enterprise labour disputes T10, which the suite says are T3.
	candidate := candidatePolicy(t)
	err = holder.Activate(candidate, slatest.Check(defaultSuite))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "was not activated")
	assert.Contains(t, err.Error(), "tier: expected T3, got T10")
	assert.Equal(t, int64(0), holder.Swaps())
	assert.Equal(t, "2025.1", holder.Current().Latest().Version())

	// A candidate that keeps the rules but changes only wording passes and is activated.
	src := strings.Replace(string(sla.DefaultPolicyYAML()), `version: "2025.1"`, `version: "2025.1"`+"\n# reworded", 1)
	ok, err := sla.ParsePolicy("xinyu-1310-reworded.yaml", []byte(src))
	require.NoError(t, err)
	require.NoError(t, holder.Activate(ok, slatest.Check(defaultSuite)))
	assert.Equal(t, int64(1), holder.Swaps())
	assert.Equal(t, ok.Hash(), holder.Current().Latest().Hash())

	data, err := os.ReadFile("testdata/pass.suite.yaml")
	require.NoError(t, err)
	assert.NoError(t, slatest.CheckData("pass.suite.yaml", data)(sla.Default()))
	assert.Error(t, slatest.CheckData("bad.suite.yaml", []byte("nope"))(sla.Default()))
	assert.Error(t, slatest.Check("testdata/missing.suite.yaml")(sla.Default()))
	assert.Error(t, slatest.Check(defaultSuite)(nil))
}

// TestWorkorderSuite runs the example work-order policy's suite: same-day tier with a cutoff,
// close-of-business deadlines, receipt on the next working day, 100% coverage.
func TestWorkorderSuite(t *testing.T) {
	gotest.Run(t, "../../examples/policies/workorder-3class.suite.yaml")
	r, err := slatest.RunSuite("../../examples/policies/workorder-3class.suite.yaml")
	require.NoError(t, err)
	assert.Empty(t, r.Coverage.Unexercised())
	assert.Equal(t, 100.0, r.Coverage.Percent)
}
