package sla

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestErrorsNamePackageOnce: every error that went through more than one layer of the library
// says "sla: " once, at the front, and names the case once; nothing in between repeats a
// package name.
func TestErrorsNamePackageOnce(t *testing.T) {
	p := lcPolicy(t)
	long := strings.Repeat("x", MaxIDBytes+1)
	rep, err := p.NewReporter(ReportOptions{From: lcT("2025-01-01 00:00"), To: lcT("2025-12-31 00:00"), Now: lcT("2025-06-01 00:00")})
	require.NoError(t, err)
	var c Case

	tests := []struct {
		name string
		err  error
		want string // the whole message, or its start when it ends with "…"
	}{
		{"Accept refuses an over-long case id under its own context, naming sla once",
			func() error { _, _, err := p.Accept(long, nil, lcT("2025-01-03 10:00")); return err }(),
			"sla: accept: case id is 129 bytes long (at most 128)"},
		{"Accept reports a classification error under the case, naming sla once and the rule engine once",
			func() error {
				_, _, err := p.Accept("C1", map[string]any{"cause": 7}, lcT("2025-01-03 10:00"))
				return err
			}(),
			"sla: accept case C1: policy …"},
		{"Reporter.Add refuses an over-long case id, naming sla once",
			rep.Add(Case{ID: long}), "sla: report: case id is 129 bytes long (at most 128)"},
		{"Reporter.Add refuses an over-long department of a counted case, naming sla once",
			rep.Add(Case{ID: "C2", Department: long + strings.Repeat("y", MaxTextBytes),
				Events: []Event{lcAccepted("2025-01-03 10:00"), lcClassified("2025-01-03 10:00", "T3")}}),
			"sla: report: case C2: department is 2177 bytes long (at most 2048)"},
		{"Reporter.Add reports a case whose log does not replay as the case's own error, naming sla and the case once",
			rep.Add(Case{ID: "C3", Events: []Event{lcAccepted("2025-01-03 10:00"), {Type: EventClassified, At: lcT("2025-01-03 10:00"), Tier: "T9"}}}),
			"sla: report: case C3: event 2 (classified at 2025-01-03 10:00 CST): policy xinyu-1310 has no tier \"T9\" …"},
		{"a case whose extension has a bad period is refused by UnmarshalJSON naming sla once (the period's own error is written as its reason)",
			json.Unmarshal([]byte(`{"schema":1,"id":"C4","events":[{"type":"extended","at":"2025-01-03T10:00:00+08:00","length":"3 fortnights"}]}`), &c),
			`sla: case JSON: invalid period "3 fortnights": …`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Error(t, tt.err)
			msg := tt.err.Error()
			if prefix, ok := strings.CutSuffix(tt.want, "…"); ok {
				assert.True(t, strings.HasPrefix(msg, prefix), "got %q", msg)
			} else {
				assert.Equal(t, tt.want, msg)
			}
			assert.Equal(t, 1, strings.Count(msg, "sla: "), "sla named once in %q", msg)
			assert.LessOrEqual(t, strings.Count(msg, "rules: "), 1, "rules named at most once in %q", msg)
			assert.NotContains(t, msg, "calendar: ", "the calendar's reason is written without its name in %q", msg)
		})
	}
}

// TestEventErrorNamesPackageOnce: an event whose deadline falls outside the calendar is
// refused with one "sla: " and the calendar's reason without "calendar: ", and the reason stays
// reachable with errors.As.
func TestEventErrorNamesPackageOnce(t *testing.T) {
	p := lcPolicy(t)
	c := lcCase(t, p, "C-1", lcAccepted("2050-12-26 10:00"), lcClassified("2050-12-26 10:00", "T3"))
	_, err := p.Apply(c, lcTransferred("2050-12-29 10:00", "社保中心"))
	require.Error(t, err)
	assert.Equal(t, "sla: case C-1: event 3 (transferred at 2050-12-29 10:00 CST): no status can be computed at the event's instant: "+
		"target unit_reply from 2050-12-29 10:00 CST: 2 workdays from 2050-12-29 10:00 CST: 2050-12-29: adding 2 working days lands after 2050-12-31, outside the calendar's range",
		err.Error())
	_, err = p.StatusAt(Case{ID: "C-9"}, lcT("2025-01-03 10:00"))
	require.Error(t, err)
	assert.Equal(t, "sla: case C-9 has no events", err.Error())
}
