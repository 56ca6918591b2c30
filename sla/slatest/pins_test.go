package slatest_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

const chinesePolicy = "../../examples/policies/jiban-changgui-gongjian.yaml"

func pinSuite(cases string) []byte {
	return []byte(`format: shixian-suite/v1
name: pins
defaults:
  accepted: 2026-03-02T10:00:00+08:00
  input: {诉求类型: 作风投诉}
cases:
` + cases)
}

func TestSuitePinsTargetsAndExtensions(t *testing.T) {
	p, err := sla.LoadPolicy(chinesePolicy)
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		cases    string
		failures []string
	}{
		{"a visit due as pinned passes", `
  - name: c
    events: [{type: closed, at: 2026-03-03T15:00:00+08:00}]
    expect: {status: {now: 2026-03-03T16:00:00+08:00, targets: {回访: 2026-03-05T00:00:00+08:00}}}
`, nil},
		{"a visit due on another day fails with both instants", `
  - name: c
    events: [{type: closed, at: 2026-03-03T15:00:00+08:00}]
    expect: {status: {now: 2026-03-03T16:00:00+08:00, targets: {回访: 2026-03-06T00:00:00+08:00}}}
`, []string{"status.targets.回访 at 2026-03-03T16:00:00+08:00: expected due 2026-03-06T00:00:00+08:00, got 2026-03-05T00:00:00+08:00"}},
		{"a visit pinned as none fails when the case owes one", `
  - name: c
    events: [{type: closed, at: 2026-03-03T15:00:00+08:00}]
    expect: {status: {now: 2026-03-03T16:00:00+08:00, targets: {回访: none}}}
`, []string{"status.targets.回访 at 2026-03-03T16:00:00+08:00: expected the target not to run, got one due 2026-03-05T00:00:00+08:00"}},
		{"a visit pinned for a case that owes none fails", `
  - name: c
    input: {诉求类型: 咨询}
    events: [{type: closed, at: 2026-03-02T15:00:00+08:00}]
    expect: {status: {now: 2026-03-02T16:00:00+08:00, targets: {回访: 2026-03-04T00:00:00+08:00}}}
`, []string{"status.targets.回访 at 2026-03-02T16:00:00+08:00: expected due 2026-03-04T00:00:00+08:00, got no such target running"}},
		{"the mapping form pins that the unit's sign-for met the 签收 target, and that the reply still runs", `
  - name: c
    events:
      - {type: transferred, at: 2026-03-02T11:00:00+08:00, unit: 社保中心}
      - {type: signed_for, at: 2026-03-02T14:00:00+08:00, unit: 社保中心}
    expect: {status: {now: 2026-03-02T15:00:00+08:00, targets: {
      签收: {due: 2026-03-02T16:30:00+08:00, state: closed_on_time, done_by: signed_for},
      承办回复: {due: 2026-03-05T00:00:00+08:00, state: on_track, done_by: ""}}}}
`, nil},
		{"a sign-for target pinned as met while the unit has not signed fails on state and done_by", `
  - name: c
    events: [{type: transferred, at: 2026-03-02T11:00:00+08:00, unit: 社保中心}]
    expect: {status: {now: 2026-03-02T15:00:00+08:00, targets: {签收: {due: 2026-03-02T16:30:00+08:00, state: closed_on_time, done_by: signed_for}}}}
`, []string{
			"status.targets.签收.state at 2026-03-02T15:00:00+08:00: expected closed_on_time, got on_track",
			`status.targets.签收.done_by at 2026-03-02T15:00:00+08:00: expected "signed_for", got ""`}},
		{"an extension's effect: the due it gives (last day 03-16 plus 3 working days) and its count", `
  - name: c
    input: {原因: 政策瓶颈}
    events: [{type: extended, at: 2026-03-04T15:00:00+08:00, length: 三个工作日, approver: 局长, reason: 需请示}]
    expect: {due: 2026-03-19T00:00:00+08:00, status: {now: 2026-03-05T09:00:00+08:00, extensions: 2, late_extensions: 1}}
`, []string{
			"due: expected 2026-03-19T00:00:00+08:00, got 2026-03-20T00:00:00+08:00",
			"status.extensions at 2026-03-05T09:00:00+08:00: expected 2, got 1",
			"status.late_extensions at 2026-03-05T09:00:00+08:00: expected 1, got 0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := slatest.RunSuiteData("pins.suite.yaml", pinSuite(tc.cases), p)
			require.NoError(t, err)
			require.Len(t, r.Cases, 1)
			assert.Equal(t, tc.failures, r.Cases[0].Failures, "error: %s", r.Cases[0].Error)
		})
	}
}

func TestSuitePinsRefuseUnknownTargetsAndBadValues(t *testing.T) {
	p, err := sla.LoadPolicy(chinesePolicy)
	require.NoError(t, err)
	for _, tc := range []struct{ name, cases, want string }{
		{"a target the policy does not declare", `
  - name: c
    expect: {status: {now: 2026-03-03T16:00:00+08:00, targets: {回电: none}}}
`, `policy 即办常规攻坚-示例 2026.1 declares no target "回电"`},
		{"a pin that is neither an instant nor none", `
  - name: c
    expect: {status: {now: 2026-03-03T16:00:00+08:00, targets: {回访: 明天}}}
`, `case "c".expect.status.targets.回访`},
		{"a target pin mapping without its due", `
  - name: c
    expect: {status: {now: 2026-03-03T16:00:00+08:00, targets: {回访: {state: on_track}}}}
`, `case "c".expect.status.targets.回访: missing required key "due"`},
		{"a target pin naming an event type that does not exist", `
  - name: c
    expect: {status: {now: 2026-03-03T16:00:00+08:00, targets: {回访: {due: 2026-03-05, done_by: called}}}}
`, `case "c".expect.status.targets.回访.done_by: unknown event type "called"`},
		{"targets given as a list", `
  - name: c
    expect: {status: {now: 2026-03-03T16:00:00+08:00, targets: [回访]}}
`, `expected a mapping of target id to its due instant (or none)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := slatest.RunSuiteData("pins.suite.yaml", pinSuite(tc.cases), p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestSuiteEventErrorsAreNumberedAsTheFileListsThem(t *testing.T) {
	p, err := sla.LoadPolicy(chinesePolicy)
	require.NoError(t, err)
	r, err := slatest.RunSuiteData("pins.suite.yaml", pinSuite(`
  - name: c
    input: {诉求类型: 咨询}
    events:
      - {type: transferred, at: 2026-03-02T10:30:00+08:00, unit: 社保中心}
      - {type: extended, at: 2026-03-02T11:00:00+08:00, length: 十个工作日, approver: 科长, reason: 需调查}
    expect: {error: allows no extension}
`), p)
	require.NoError(t, err)
	require.Len(t, r.Cases, 1)
	assert.True(t, r.Cases[0].Passed, "%v", r.Cases[0].Failures)
	assert.Equal(t, "events[1].length (extended at 2026-03-02 11:00 CST): policy 即办常规攻坚-示例 allows no extension of a case in tier 即办 (only in 攻坚)", r.Cases[0].Error,
		"the second event written in the file is events[1], not the case log's event 4")
	var out bytes.Buffer
	require.NoError(t, r.WriteText(&out))
}

func TestCoverageTableAlignsChineseRuleIDs(t *testing.T) {
	r, err := slatest.RunSuite("../../examples/policies/jiban-changgui-gongjian.suite.yaml")
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, r.WriteText(&out))
	lines := strings.Split(out.String(), "\n")
	start := slices.Index(lines, "coverage:")
	require.GreaterOrEqual(t, start, 0)
	var cols []int
	for _, l := range lines[start+1 : start+6] { // the four rules and default
		i := strings.LastIndex(l, " ")
		cols = append(cols, diagWidth(l[:i]))
	}
	for _, c := range cols {
		assert.Equal(t, cols[0], c, "every hit count ends at the same display column:\n%s", out.String())
	}
}

// diagWidth counts display columns the way a terminal does for these tables: two for a CJK
// character, one otherwise (written out here so that the test does not trust the code it checks).
func diagWidth(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}
