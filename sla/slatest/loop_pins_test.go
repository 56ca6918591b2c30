package slatest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// loopSuite is a suite against the default policy (which declares reason codes, supervision
// levels and the 满意 / 基本满意 / 不满意 scale) with a complex case accepted Monday
// 2026-03-02 10:00: T3, due 03-06 00:00, no holiday in between.
func loopSuite(cases string) []byte {
	return []byte(`format: shixian-suite/v1
name: loop
defaults:
  accepted: 2026-03-02T10:00:00+08:00
  input: {cause: complex}
cases:
` + cases)
}

// overdueLoop is a case that is returned, re-sent, overdue, supervised, closed late and
// rated; its status pins follow it.
const overdueLoop = `
  - name: c
    events:
      - {type: transferred, at: 2026-03-02T11:00:00+08:00, unit: 社保科}
      - {type: returned, at: 2026-03-03T09:00:00+08:00, unit: 社保科, reason: not_our_duty}
      - {type: transferred, at: 2026-03-03T10:00:00+08:00, unit: 劳动监察科}
      - {type: supervised, at: 2026-03-06T09:00:00+08:00, actor: 科室负责人, level: supervise, note: 督办单}
      - {type: closed, at: 2026-03-06T15:00:00+08:00}
      - {type: visited, at: 2026-03-09T10:00:00+08:00, rating: 基本满意}
`

func TestSuitePinsTheClosedLoop(t *testing.T) {
	p := sla.Default()
	for _, tc := range []struct {
		name     string
		cases    string
		failures []string
	}{
		{"two named pauses open at once are pinned earliest first", `
  - name: c
    events:
      - {type: paused, at: 2026-03-03T10:00:00+08:00, pause: 评审, reason: expert_review}
      - {type: paused, at: 2026-03-04T10:00:00+08:00, pause: 听证, reason: 听证}
    expect: {status: {now: 2026-03-04T12:00:00+08:00, open_pauses: [评审, 听证]}}
`, nil},
		{"open pauses pinned in the wrong order fail with both lists", `
  - name: c
    events:
      - {type: paused, at: 2026-03-03T10:00:00+08:00, pause: 评审, reason: expert_review}
      - {type: paused, at: 2026-03-04T10:00:00+08:00, pause: 听证, reason: hearing}
    expect: {status: {now: 2026-03-04T12:00:00+08:00, open_pauses: [听证, 评审]}}
`, []string{`status.open_pauses at 2026-03-04T12:00:00+08:00: expected ["听证", "评审"], got ["评审", "听证"]`}},
		{"an unnamed pause is pinned as the empty name, and [] pins none open", `
  - name: c
    events: [{type: paused, at: 2026-03-03T10:00:00+08:00, reason: 联系不上申请人}]
    expect: {status: {now: 2026-03-03T12:00:00+08:00, open_pauses: []}}
`, []string{`status.open_pauses at 2026-03-03T12:00:00+08:00: expected [], got [""]`}},
		{"the whole loop passes as it happened", overdueLoop + `    expect: {status: {now: 2026-03-09T11:00:00+08:00, state: closed_late,
      supervision: [remind, supervise], supervised: 1, rating: 基本满意, reopen_required: false, ever_late: true, cycle_late: true}}
`, nil},
		{"every closed-loop pin that disagrees is reported, one line each", overdueLoop + `    expect: {status: {now: 2026-03-09T11:00:00+08:00,
      supervision: [supervise], supervised: 2, rating: 满意, reopen_required: true, ever_late: false, cycle_late: false}}
`, []string{
			`status.supervision at 2026-03-09T11:00:00+08:00: expected ["supervise"], got ["remind", "supervise"]`,
			"status.supervised at 2026-03-09T11:00:00+08:00: expected 2, got 1",
			`status.rating at 2026-03-09T11:00:00+08:00: expected "满意", got "基本满意"`,
			"status.reopen_required at 2026-03-09T11:00:00+08:00: expected true, got false",
			"status.ever_late at 2026-03-09T11:00:00+08:00: expected false, got true",
			"status.cycle_late at 2026-03-09T11:00:00+08:00: expected false, got true",
		}},
		{"a rating pinned as empty, meaning no visit yet, passes on a closed case not yet visited", `
  - name: before
    events: [{type: closed, at: 2026-03-04T15:00:00+08:00}]
    expect: {status: {now: 2026-03-04T16:00:00+08:00, rating: "", state: closed_on_time}}
`, nil},
		{"a 不满意 visit requires reopening", `
  - name: c
    events:
      - {type: closed, at: 2026-03-04T15:00:00+08:00}
      - {type: visited, at: 2026-03-05T10:00:00+08:00, rating: 不满意}
    expect: {status: {now: 2026-03-05T11:00:00+08:00, rating: 不满意, reopen_required: true}}
`, nil},
		{"a return by a unit that does not hold the case is the case's error, named by its key", `
  - name: c
    events:
      - {type: transferred, at: 2026-03-02T11:00:00+08:00, unit: 社保科}
      - {type: returned, at: 2026-03-03T09:00:00+08:00, unit: 医保科, reason: not_our_duty}
    expect: {error: "events[1].unit (returned at 2026-03-03 09:00 CST)"}
`, nil},
		{"supervision before any level is reached is refused", `
  - name: c
    events: [{type: supervised, at: 2026-03-03T09:00:00+08:00, actor: 科室负责人}]
    expect: {error: "events[0]"}
`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := slatest.RunSuiteData("loop.suite.yaml", loopSuite(tc.cases), p)
			require.NoError(t, err)
			require.Len(t, r.Cases, 1)
			assert.Equal(t, tc.failures, r.Cases[0].Failures, "error: %s", r.Cases[0].Error)
		})
	}
}

func TestSuiteRefusesClosedLoopKeysItCannotUse(t *testing.T) {
	p := sla.Default()
	for _, tc := range []struct{ name, cases, want string }{
		{"a rating outside the policy's scale, at its position", `
  - name: c
    events: [{type: visited, at: 2026-03-05T10:00:00+08:00, rating: 很满意}]
    expect: {tier: T3}
`, `loop.suite.yaml:9:69: case "c".events[0].rating: policy xinyu-1310 2025.1 declares no grade "很满意"`},
		{"a supervised event naming a level the policy does not declare", `
  - name: c
    events: [{type: supervised, at: 2026-03-06T10:00:00+08:00, actor: 科长, level: 约谈}]
    expect: {tier: T3}
`, `loop.suite.yaml:9:82: case "c".events[0].level: policy xinyu-1310 2025.1 declares no supervision level "约谈"`},
		{"a status pinning a supervision level the policy does not declare", `
  - name: c
    expect: {status: {now: 2026-03-06T10:00:00+08:00, supervision: [supervise, 约谈]}}
`, `loop.suite.yaml:9:80: case "c".expect.status.supervision: policy xinyu-1310 2025.1 declares no supervision level "约谈"`},
		{"a status pinning a grade the policy does not declare", `
  - name: c
    expect: {status: {now: 2026-03-06T10:00:00+08:00, rating: 好评}}
`, `declares no grade "好评"`},
		{"open_pauses given as one text", `
  - name: c
    expect: {status: {now: 2026-03-06T10:00:00+08:00, open_pauses: 评审}}
`, `loop.suite.yaml:9:68: case "c".expect.status.open_pauses: expected a list of pause names ([] for none), found`},
		{"a negative count of supervised events", `
  - name: c
    expect: {status: {now: 2026-03-06T10:00:00+08:00, supervised: -1}}
`, `case "c".expect.status.supervised: expected a count of supervised events (0 or more), found -1`},
		{"reopen_required that is not true or false", `
  - name: c
    expect: {status: {now: 2026-03-06T10:00:00+08:00, reopen_required: yes please}}
`, `case "c".expect.status.reopen_required: expected true or false, found "yes please"`},
		{"a misspelt event key is still unknown", `
  - name: c
    events: [{type: paused, at: 2026-03-03T10:00:00+08:00, pause_id: 评审, reason: hearing}]
    expect: {tier: T3}
`, `pause_id`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := slatest.RunSuiteData("loop.suite.yaml", loopSuite(tc.cases), p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
