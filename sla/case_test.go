package sla

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla/deadline"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Helpers of the lifecycle tests are prefixed lc so that they cannot collide
// with other test files of the package.

var lcCST = calendar.CST()

// lcT parses "2025-09-30 17:00" (or a date alone, 00:00) as Beijing time.
func lcT(s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) == len(time.DateOnly) {
		layout = time.DateOnly
	}
	t, err := time.ParseInLocation(layout, s, lcCST)
	if err != nil {
		panic(err)
	}
	return t
}

// lcUpdate reports whether golden files are rewritten (-update, defined once
// for the test binary in policy_test.go and only looked up here, or
// SHIXIAN_UPDATE_GOLDEN=1).
func lcUpdate() bool {
	if os.Getenv("SHIXIAN_UPDATE_GOLDEN") == "1" {
		return true
	}
	if f := flag.Lookup("update"); f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			b, _ := g.Get().(bool)
			return b
		}
	}
	return false
}

// lcPolicy is the default 1310 policy made effective from 2004 (so that the
// 2020 cases and the fuzzers can use it), with optional text replacements of
// its YAML (e.g. "late_extension: reject" → "late_extension: overdue").
func lcPolicy(t testing.TB, replace ...string) *Policy {
	t.Helper()
	y := string(DefaultPolicyYAML())
	pairs := append([]string{"from: 2025-01-01", "from: 2004-01-01"}, replace...)
	for i := 0; i+1 < len(pairs); i += 2 {
		require.Contains(t, y, pairs[i], "policy text to replace")
		y = strings.Replace(y, pairs[i], pairs[i+1], 1)
	}
	p, err := ParsePolicy("lc-test.yaml", []byte(y))
	require.NoError(t, err)
	return p
}

var (
	lcOverdueExt   = []string{"late_extension: reject", "late_extension: overdue"}
	lcFromReclass  = []string{"reclassify: from_acceptance", "reclassify: from_reclassification"}
	lcDispatchTgt  = []string{"targets:\n", "targets:\n  - id: dispatch\n    label: 转办\n    after: accepted\n    limit: 2 workhours\n  - id: unit_done\n    label: 签收后办结\n    after: signed_for\n    limit: 1 workday\n"}
	lcNoExtensions = []string{"max_count: 1", "max_count: 0"}
	lcRejectLate   = []string{"late_reclassify: overdue", "late_reclassify: reject", "late_restart: overdue", "late_restart: reject"}
)

// Event constructors.
func lcAccepted(at string) Event { return Event{Type: EventAccepted, At: lcT(at)} }
func lcClassified(at, tier string) Event {
	return Event{Type: EventClassified, At: lcT(at), Tier: tier, Reason: "test"}
}
func lcTransferred(at, unit string) Event {
	return Event{Type: EventTransferred, At: lcT(at), Unit: unit}
}
func lcSigned(at, unit string) Event { return Event{Type: EventSignedFor, At: lcT(at), Unit: unit} }
func lcPaused(at string) Event {
	return Event{Type: EventPaused, At: lcT(at), Reason: "检验检测"}
}
func lcResumed(at string) Event { return Event{Type: EventResumed, At: lcT(at)} }
func lcRestarted(at string) Event {
	return Event{Type: EventRestarted, At: lcT(at), Reason: "材料补正齐全"}
}
func lcExtended(at string, n int) Event {
	return Event{Type: EventExtended, At: lcT(at), Length: &deadline.Period{Count: n, Unit: deadline.Workdays}, Approver: "王科长", Reason: "情况复杂"}
}
func lcReclassified(at, tier string) Event {
	return Event{Type: EventReclassified, At: lcT(at), Tier: tier, Reason: "重新判定"}
}
func lcClosed(at string) Event { return Event{Type: EventClosed, At: lcT(at)} }
func lcVisited(at string, ok bool) Event {
	return Event{Type: EventVisited, At: lcT(at), Satisfied: &ok}
}
func lcReopened(at string) Event {
	return Event{Type: EventReopened, At: lcT(at), Reason: "群众不满意"}
}

// lcCase applies events one by one and fails the test on the first error.
func lcCase(t testing.TB, p *Policy, id string, events ...Event) Case {
	t.Helper()
	c := Case{ID: id}
	for i, e := range events {
		var err error
		c, err = p.Apply(c, e)
		require.NoError(t, err, "event %d (%s)", i+1, e.Type)
	}
	return c
}

func lcJSON(t testing.TB, c Case) string {
	t.Helper()
	b, err := json.Marshal(c)
	require.NoError(t, err)
	return string(b)
}

// lcFullCase is a case that uses every event type once or more.
func lcFullCase(t testing.TB, p *Policy) Case {
	t.Helper()
	c, _, err := p.Accept("C-2025-0001", map[string]any{"cause": "complex", "tags": []string{"cross_department"}, "channel": "hotline_12345"}, lcT("2025-09-30 17:00"))
	require.NoError(t, err)
	c.Department, c.Handler = "养老保险科", "张三"
	c.Attributes = map[string]string{"channel": "hotline_12345", "category": "pension"}
	for _, e := range []Event{
		lcTransferred("2025-09-30 17:10", "社保中心"),
		lcSigned("2025-10-09 09:05", "社保中心"),
		lcPaused("2025-10-09 10:00"),
		lcResumed("2025-10-10 09:00"),
		lcExtended("2025-10-13 10:00", 10),
		{Type: EventClosed, At: lcT("2025-10-20 16:00"), Actor: "A017", Note: "已电话答复"},
		lcVisited("2025-10-21 10:00", false),
		lcReopened("2025-10-21 11:00"),
		lcReclassified("2025-10-22 09:00", "T1"),
		lcClosed("2025-10-22 15:00"),
		lcVisited("2025-10-23 09:00", true),
	} {
		c, err = p.Apply(c, e)
		require.NoError(t, err, "%s", e.Type)
	}
	return c
}

func TestCaseJSONGoldenRoundTrip(t *testing.T) {
	p := Default()
	c := lcFullCase(t, p)
	got, err := json.MarshalIndent(c, "", "  ")
	require.NoError(t, err)
	golden := filepath.Join("testdata", "cases", "full.json")
	if lcUpdate() {
		require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
		require.NoError(t, os.WriteFile(golden, append(got, '\n'), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update to create the golden file")
	assert.Equal(t, strings.TrimSpace(string(want)), string(got), "JSON form of the full case")

	// Round trip: decoding the golden file gives the same case (times equal
	// instants with the same offset), and encoding it again the same bytes.
	var back Case
	require.NoError(t, json.Unmarshal(want, &back))
	require.Len(t, back.Events, len(c.Events))
	for i := range c.Events {
		assert.True(t, c.Events[i].At.Equal(back.Events[i].At), "event %d time", i+1)
		_, o1 := c.Events[i].At.Zone()
		_, o2 := back.Events[i].At.Zone()
		assert.Equal(t, o1, o2, "event %d offset preserved", i+1)
	}
	again, err := json.MarshalIndent(back, "", "  ")
	require.NoError(t, err)
	assert.Equal(t, string(got), string(again))
	require.NoError(t, p.Validate(back), "the decoded case replays")

	// The status is the same on the decoded case.
	now := lcT("2025-10-24 10:00")
	s1, err := p.StatusAt(c, now)
	require.NoError(t, err)
	s2, err := p.StatusAt(back, now)
	require.NoError(t, err)
	assert.Equal(t, s1, s2)
}

func TestCaseJSONUTCOffsetPreserved(t *testing.T) {
	// A case recorded in UTC keeps its offset: 2025-03-06T16:30:00Z is stored
	// as such (it is Friday 2025-03-07 00:30 in Beijing for counting).
	p := lcPolicy(t)
	c := lcCase(t, p, "C-UTC", Event{Type: EventAccepted, At: time.Date(2025, 3, 6, 16, 30, 0, 0, time.UTC)},
		Event{Type: EventClassified, At: time.Date(2025, 3, 6, 16, 30, 0, 0, time.UTC), Tier: "T1"})
	s := lcJSON(t, c)
	assert.Contains(t, s, `"at":"2025-03-06T16:30:00Z"`)
	var back Case
	require.NoError(t, json.Unmarshal([]byte(s), &back))
	assert.Equal(t, s, lcJSON(t, back))
	// Friday 2025-03-07 in Beijing → 1 working day → Monday 2025-03-10.
	st, err := p.StatusAt(back, lcT("2025-03-07 10:00"))
	require.NoError(t, err)
	assert.Equal(t, lcT("2025-03-10"), st.LastDay)
}

func TestCaseJSONErrors(t *testing.T) {
	ev := `{"type":"transferred","at":"2025-10-09T10:00:00+08:00","unit":"u"}`
	events := func(n int) string { return strings.TrimSuffix(strings.Repeat(ev+",", n), ",") }
	tests := []struct {
		name, in, want string
	}{
		{"a future schema is refused with both versions named", `{"schema":2,"id":"C-1","events":[]}`,
			"sla: case schema 2 is newer than this library understands (1)"},
		{"a missing schema is an error", `{"id":"C-1","events":[]}`, "no schema field"},
		{"schema 0 is invalid", `{"schema":0,"id":"C-1","events":[]}`, "not a valid schema version"},
		{"a missing id is an error", `{"schema":1,"events":[]}`, "no id"},
		{"unknown fields are refused (nothing is silently dropped)", `{"schema":1,"id":"C-1","events":[],"colour":"red"}`, "unknown field"},
		{"unknown event fields too", `{"schema":1,"id":"C-1","events":[{"type":"accepted","at":"2025-10-09T10:00:00+08:00","x":1}]}`, "unknown field"},
		{"an unknown event type names the event", `{"schema":1,"id":"C-1","events":[{"type":"accepted","at":"2025-10-09T10:00:00+08:00"},{"type":"escalated","at":"2025-10-09T10:00:00+08:00"}]}`,
			`case C-1: event 2: unknown type "escalated"`},
		{"an event without a time", `{"schema":1,"id":"C-1","events":[{"type":"accepted"}]}`, "event 1 (accepted): no time"},
		{"a bad period names the problem", `{"schema":1,"id":"C-1","events":[{"type":"extended","at":"2025-10-09T10:00:00+08:00","length":"3 wrkdays"}]}`, "wrkdays"},
		{"trailing data", `{"schema":1,"id":"C-1","events":[]} {}`, "after top-level value"},
		{"not JSON", `{"schema":1,`, "unexpected end of JSON input"},
		{"a case of MaxEvents+1 (1,001) events is refused: no case Apply builds has them", `{"schema":1,"id":"C-1","events":[` + events(MaxEvents+1) + `]}`,
			"sla: case C-1 has 1001 events (at most 1000)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Case{ID: "keep"}
			err := json.Unmarshal([]byte(tc.in), &c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, Case{ID: "keep"}, c, "the case is unchanged on error")
		})
	}
	// Called directly (not through json.Unmarshal, which checks the syntax
	// first), the decoder reports its own errors.
	var c Case
	assert.ErrorContains(t, c.UnmarshalJSON([]byte(`{"schema":1,"id":"C-1","events":[]} {}`)), "unexpected data after the case object")
	assert.ErrorContains(t, c.UnmarshalJSON([]byte(`{"schema":1,`)), "sla: case JSON")
	require.NoError(t, json.Unmarshal([]byte(`{"schema":1,"id":"C-1","events":[`+events(MaxEvents)+`]}`), &c), "MaxEvents events decode")
	assert.Len(t, c.Events, MaxEvents)
	require.NoError(t, json.Unmarshal([]byte(`{"schema":1,"id":"C-1","events":[]}`), &c))
	assert.Equal(t, Case{ID: "C-1"}, c, "empty events decode as nil")
}

func TestCaseCloneIsDeep(t *testing.T) {
	c := lcFullCase(t, Default())
	before := lcJSON(t, c)
	d := c.Clone()
	require.Equal(t, c, d)
	d.Attributes["channel"] = "x"
	d.Events[0].Input["cause"] = "x"
	d.Events[0].Input["tags"].([]string)[0] = "x"
	*d.Events[6].Length = deadline.Period{Count: 1, Unit: deadline.Days}
	*d.Events[8].Satisfied = true
	d.Events[1].Tier = "x"
	assert.Equal(t, before, lcJSON(t, c), "changing the clone leaves the original")
}

func TestCaseUnitAndTier(t *testing.T) {
	p := Default()
	c := lcFullCase(t, p)
	assert.Equal(t, "社保中心", c.Unit())
	assert.Equal(t, "T1", c.Tier(), "the latest reclassification")
	assert.Equal(t, "", Case{}.Unit())
	assert.Equal(t, "", Case{}.Tier())
}

func TestAcceptClassifiesAndRecords(t *testing.T) {
	p := Default()
	input := map[string]any{"cause": "historical_legacy"}
	c, d, err := p.Accept("C-9", input, lcT("2025-10-13 09:00"))
	require.NoError(t, err)
	assert.Equal(t, "T10", d.Tier)
	assert.Equal(t, "legacy-or-bottleneck", d.RuleID)
	assert.Equal(t, "xinyu-1310", c.PolicyID)
	require.Len(t, c.Events, 2)
	assert.Equal(t, EventAccepted, c.Events[0].Type)
	assert.Equal(t, "historical_legacy", c.Events[0].Input["cause"])
	assert.Equal(t, Event{Type: EventClassified, At: lcT("2025-10-13 09:00"), Tier: "T10", Rule: "legacy-or-bottleneck", Reason: d.Reason}, c.Events[1])
	input["cause"] = "changed"
	assert.Equal(t, "historical_legacy", c.Events[0].Input["cause"], "the case holds a copy of the input")

	_, _, err = p.Accept("", input, lcT("2025-10-13 09:00"))
	assert.ErrorContains(t, err, "needs an id")
	_, _, err = p.Accept("C-10", map[string]any{"cause": "historical_legacy"}, lcT("2024-12-31 09:00"))
	var ne *NotEffectiveError
	assert.ErrorAs(t, err, &ne, "the default policy is effective from 2025-01-01")
	_, _, err = p.Accept("C-11", map[string]any{"cause": 3}, lcT("2025-10-13 09:00"))
	assert.Error(t, err, "a classification error is returned")
}

// TestApplyRejects states, for each refused event, the case and the reason;
// each error names the event and wraps its sentinel, and the input case is
// returned unchanged (byte-identical JSON, deep-equal value).
func TestApplyRejects(t *testing.T) {
	p := lcPolicy(t)
	base := []Event{lcAccepted("2025-10-13 09:00"), lcClassified("2025-10-13 09:00", "T3")}
	closed := append(append([]Event{}, base...), lcClosed("2025-10-14 10:00"))
	paused := append(append([]Event{}, base...), lcPaused("2025-10-13 10:00"))
	transferred := append(append([]Event{}, base...), lcTransferred("2025-10-13 10:00", "社保中心"))
	extended := append(append([]Event{}, base...), lcExtended("2025-10-14 10:00", 5))
	tests := []struct {
		name     string
		history  []Event
		policy   *Policy
		e        Event
		sentinel error
		want     string
	}{
		{"the first event must be accepted", nil, nil, lcClassified("2025-10-13 09:00", "T3"), ErrEventOrder, "event 1 (classified at 2025-10-13 09:00 CST): the first event must be accepted"},
		{"accepted twice", base, nil, lcAccepted("2025-10-13 10:00"), ErrEventState, "already accepted"},
		{"an event dated before the previous one", base, nil, lcPaused("2025-10-13 08:59"), ErrEventOrder, "event 3 (paused at 2025-10-13 08:59 CST): dated before the previous event (2025-10-13 09:00 CST)"},
		{"an event without a time", base, nil, Event{Type: EventClosed}, ErrEventField, "no time"},
		{"an unknown event type", base, nil, Event{Type: "escalated", At: lcT("2025-10-13 10:00")}, ErrEventField, `unknown event type "escalated"`},
		{"classified twice", base, nil, lcClassified("2025-10-13 10:00", "T1"), ErrEventState, "already classified as T3"},
		{"classified into an unknown tier", base[:1], nil, lcClassified("2025-10-13 10:00", "T5"), ErrEventField, `no tier "T5" (tiers: T1, T3, T10)`},
		{"a field that does not belong to the event", base, nil, Event{Type: EventPaused, At: lcT("2025-10-13 10:00"), Reason: "x", Unit: "社保中心"}, ErrEventField, "field unit does not belong to a paused event"},
		{"a pause needs a reason", base, nil, Event{Type: EventPaused, At: lcT("2025-10-13 10:00")}, ErrEventField, "a paused event needs a reason"},
		{"paused twice", paused, nil, lcPaused("2025-10-13 11:00"), ErrEventState, "already paused since 2025-10-13 10:00 CST"},
		{"resume without a pause", base, nil, lcResumed("2025-10-13 10:00"), ErrEventState, "event 3 (resumed at 2025-10-13 10:00 CST): resume without a pause"},
		{"sign-for without a transfer", base, nil, lcSigned("2025-10-13 10:00", "社保中心"), ErrEventState, "sign-for without a pending transfer"},
		{"sign-for by another unit", transferred, nil, lcSigned("2025-10-13 11:00", "劳动监察"), ErrEventState, `unit "劳动监察" signs for a transfer to "社保中心"`},
		{"a transfer needs a unit", base, nil, Event{Type: EventTransferred, At: lcT("2025-10-13 10:00")}, ErrEventField, "needs a unit"},
		{"an extension needs an approver", base, nil, Event{Type: EventExtended, At: lcT("2025-10-13 10:00"), Length: &deadline.Period{Count: 5, Unit: deadline.Workdays}, Reason: "x"}, ErrEventField, "needs an approver"},
		{"an extension of 0 workdays", base, nil, Event{Type: EventExtended, At: lcT("2025-10-13 10:00"), Length: &deadline.Period{Count: 0, Unit: deadline.Workdays}, Approver: "a", Reason: "x"}, ErrEventField, "adds no time"},
		{"an extension before classification", base[:1], nil, lcExtended("2025-10-13 10:00", 5), ErrEventState, "extension before classification"},
		{"a second extension beyond max_count 1", extended, nil, lcExtended("2025-10-14 11:00", 1), ErrExtensionCap, "already has 1 extension(s); policy xinyu-1310 allows 1"},
		{"an extension beyond max_total 10 workdays", base, nil, lcExtended("2025-10-13 10:00", 11), ErrExtensionCap, "allows 10 workdays in total"},
		{"an extension in another unit than the cap", base, nil, Event{Type: EventExtended, At: lcT("2025-10-13 10:00"), Length: &deadline.Period{Count: 5, Unit: deadline.Days}, Approver: "a", Reason: "x"}, ErrEventField, "not in the unit of policy xinyu-1310's cap (10 workdays)"},
		{"no extensions under max_count 0", base, lcPolicy(t, lcNoExtensions...), lcExtended("2025-10-13 10:00", 1), ErrExtensionCap, "allows no extensions"},
		{"reclassification before classification", base[:1], nil, lcReclassified("2025-10-13 10:00", "T1"), ErrEventState, "reclassification before classification"},
		{"reclassification to the same tier", base, nil, lcReclassified("2025-10-13 10:00", "T3"), ErrEventState, "already in tier T3"},
		{"reclassification to an unknown tier", base, nil, lcReclassified("2025-10-13 10:00", "T7"), ErrEventField, `no tier "T7"`},
		{"reclassification needs a reason", base, nil, Event{Type: EventReclassified, At: lcT("2025-10-13 10:00"), Tier: "T1"}, ErrEventField, "needs a reason"},
		{"close before classification", base[:1], nil, lcClosed("2025-10-13 10:00"), ErrEventState, "close before classification"},
		{"anything but visited or reopened after closing", closed, nil, lcPaused("2025-10-14 11:00"), ErrEventState, "closed at 2025-10-14 10:00 CST; only visited or reopened may follow"},
		{"an extension after closing", closed, nil, lcExtended("2025-10-14 11:00", 1), ErrEventState, "only visited or reopened may follow"},
		{"closed twice", closed, nil, lcClosed("2025-10-14 11:00"), ErrEventState, "only visited or reopened"},
		{"a visit before closing", base, nil, lcVisited("2025-10-13 10:00", true), ErrEventState, "visit before the case is closed"},
		{"a visit needs a rating or satisfied", closed, nil, Event{Type: EventVisited, At: lcT("2025-10-14 11:00")}, ErrEventField, "needs a rating (or satisfied"},
		{"two visits of one close", append(append([]Event{}, closed...), lcVisited("2025-10-14 11:00", true)), nil, lcVisited("2025-10-14 12:00", true), ErrEventState, "already visited"},
		{"reopen while open", base, nil, lcReopened("2025-10-13 10:00"), ErrEventState, "reopen while the case is open"},
		{"reopen needs a reason", closed, nil, Event{Type: EventReopened, At: lcT("2025-10-14 11:00")}, ErrEventField, "needs a reason"},
		{"acceptance outside the policy's effective range", nil, Default(), lcAccepted("2024-12-31 10:00"), nil, "is effective from 2025-01-01"},
		{"acceptance outside the calendar (before 2004)", nil, nil, lcAccepted("2003-12-31 10:00"), nil, "is effective from 2004-01-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pol := p
			if tc.policy != nil {
				pol = tc.policy
			}
			c := lcCase(t, pol, "C-1", tc.history...)
			before := lcJSON(t, c)
			clone := c.Clone()
			got, err := pol.Apply(c, tc.e)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "sla: case C-1: event "), err.Error())
			var ee *EventError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, len(tc.history)+1, ee.Index)
			if tc.sentinel != nil {
				assert.ErrorIs(t, err, tc.sentinel)
			}
			assert.Equal(t, before, lcJSON(t, c), "the input case is unchanged")
			assert.Equal(t, clone, c)
			assert.Equal(t, clone, got, "Apply returns the input case on error")
		})
	}
}

func TestApplyCaseLevelErrors(t *testing.T) {
	p := lcPolicy(t)
	_, err := p.Apply(Case{}, lcAccepted("2025-10-13 09:00"))
	assert.ErrorContains(t, err, "case has no id")
	_, err = p.Apply(Case{ID: "C-1", PolicyID: "other"}, lcAccepted("2025-10-13 09:00"))
	assert.ErrorContains(t, err, `case C-1 is governed by policy "other", not "xinyu-1310"`)
	assert.ErrorContains(t, p.Validate(Case{ID: "C-1"}), "no events")
	// An invalid stored case is reported at its bad event.
	bad := Case{ID: "C-2", Events: []Event{lcAccepted("2025-10-13 09:00"), lcResumed("2025-10-13 10:00")}}
	err = p.Validate(bad)
	assert.ErrorContains(t, err, "event 2 (resumed at 2025-10-13 10:00 CST): resume without a pause")
	_, err = p.Apply(bad, lcClassified("2025-10-13 11:00", "T1"))
	assert.ErrorContains(t, err, "event 2 (resumed", "Apply replays the whole log")
}

// TestApplyNeverMutates applies every event type, accepted and refused, and
// checks that the input case stays byte-identical, and that changing the
// caller's event afterwards does not reach the new case.
func TestApplyNeverMutates(t *testing.T) {
	p := lcPolicy(t, lcOverdueExt...)
	sat := false
	steps := []Event{
		{Type: EventAccepted, At: lcT("2025-09-30 17:00"), Input: map[string]any{"cause": "complex", "tags": []string{"a"}}},
		lcClassified("2025-09-30 17:00", "T3"),
		lcTransferred("2025-09-30 17:10", "社保中心"),
		lcSigned("2025-10-09 09:00", "社保中心"),
		lcPaused("2025-10-09 10:00"),
		lcResumed("2025-10-09 15:00"),
		lcRestarted("2025-10-10 09:00"),
		lcExtended("2025-10-13 09:00", 3),
		lcReclassified("2025-10-13 10:00", "T10"),
		lcClosed("2025-10-20 10:00"),
		{Type: EventVisited, At: lcT("2025-10-21 10:00"), Satisfied: &sat},
		lcReopened("2025-10-21 11:00"),
	}
	c := Case{ID: "C-M"}
	for i, e := range steps {
		before := lcJSON(t, c)
		clone := c.Clone()
		// A refused event first: a pause without a reason.
		_, err := p.Apply(c, Event{Type: EventPaused, At: e.At})
		if i > 0 {
			require.Error(t, err)
		}
		assert.Equal(t, before, lcJSON(t, c), "step %d: refused event", i)
		next, err := p.Apply(c, e)
		require.NoError(t, err, "step %d %s", i, e.Type)
		assert.Equal(t, before, lcJSON(t, c), "step %d (%s): the input case is unchanged", i, e.Type)
		assert.Equal(t, clone, c)
		require.Len(t, next.Events, len(c.Events)+1)
		c = next
	}
	// The caller's values are copied.
	snapshot := lcJSON(t, c)
	steps[0].Input["cause"] = "changed"
	steps[0].Input["tags"].([]string)[0] = "changed"
	*steps[7].Length = deadline.Period{Count: 9, Unit: deadline.Days}
	*steps[10].Satisfied = true
	assert.Equal(t, snapshot, lcJSON(t, c))
}

func TestApplyStripsMonotonicClock(t *testing.T) {
	p := lcPolicy(t)
	now := time.Now() // carries a monotonic reading
	c, err := p.Apply(Case{ID: "C-1"}, Event{Type: EventAccepted, At: now})
	require.NoError(t, err)
	assert.True(t, reflect.DeepEqual(c.Events[0].At, now.Round(0)))
}

func TestEventErrorFormat(t *testing.T) {
	e := &EventError{CaseID: "C-1", Index: 4, Event: lcResumed("2025-10-09 10:00"), Err: errors.New("resume without a pause"), loc: lcCST}
	assert.Equal(t, "sla: case C-1: event 4 (resumed at 2025-10-09 10:00 CST): resume without a pause", e.Error())
	e = &EventError{CaseID: "C-1", Index: 1, Err: errors.New("x")}
	assert.Equal(t, "sla: case C-1: event 1 (untyped event at no time): x", e.Error())
	assert.Len(t, EventTypes(), 14)
	for _, et := range EventTypes() {
		assert.True(t, et.Valid())
	}
	assert.False(t, EventType("x").Valid())
}

// TestLongLogEventKinds: the replay keeps the kinds of the first 64 events
// packed and looks the later ones up again; a case whose transfer, extension
// and pause come after event 64 must be read exactly like a short one.
// "accepted Monday 3 Nov 10:00, T10, 40 same-day pause/resume pairs (a pause
// resumed on its own day excludes nothing, 行政许可法 art. 45 as counted by
// resume_day: excluded), then transferred, extended by 5 working days and
// paused on Wednesday" → at Thursday 10:00 the same status as without the
// pairs: paused since Wednesday, deadline suspended, the transfer's two
// targets for its unit, one extension.
func TestLongLogEventKinds(t *testing.T) {
	p := Default()
	head := []Event{lcAccepted("2025-11-03 10:00"), lcClassified("2025-11-03 10:00", "T10")}
	tail := []Event{
		lcTransferred("2025-11-04 09:00", "社保中心"),
		{Type: EventExtended, At: lcT("2025-11-04 10:00"), Length: &deadline.Period{Count: 5, Unit: deadline.Workdays}, Approver: "王科长", Reason: "情况复杂"},
		lcPaused("2025-11-05 10:00"),
	}
	long := append([]Event(nil), head...)
	at := lcT("2025-11-03 11:00")
	for k := 0; k < 40; k++ {
		long = append(long, Event{Type: EventPaused, At: at, Reason: "检验"}, Event{Type: EventResumed, At: at.Add(time.Minute)})
		at = at.Add(2 * time.Minute)
	}
	require.Greater(t, len(long), 64)
	long = append(long, tail...)
	short := append(append([]Event(nil), head...), tail...)
	now := lcT("2025-11-06 10:00")

	lc := Case{ID: "L", Events: long}
	require.NoError(t, p.Validate(lc))
	got, err := p.StatusAt(lc, now)
	require.NoError(t, err)
	want, err := p.StatusAt(Case{ID: "L", Events: short}, now)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	assert.Equal(t, StatePaused, got.State)
	assert.Equal(t, lcT("2025-11-05 10:00"), got.PausedSince)
	assert.True(t, got.Due.IsZero(), "suspended")
	assert.Equal(t, 1, got.Extensions)
	require.Len(t, got.Targets, 2)
	for _, tg := range got.Targets {
		assert.Equal(t, "社保中心", tg.Unit)
		assert.Equal(t, lcT("2025-11-04 09:00"), tg.Start)
	}
}
