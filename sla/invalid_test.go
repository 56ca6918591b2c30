package sla_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

// TestErrInvalidClassifiesCallerFaults: every error a caller's input causes satisfies
// errors.Is(err, sla.ErrInvalid), so a portal answers 4xx; errors of the environment (an
// unreadable file, a check that could not run, a failing writer) do not, so it answers 5xx.
// Each message names a package once.
func TestErrInvalidClassifiesCallerFaults(t *testing.T) {
	p := sla.Default()
	h, err := sla.NewHistory(mustParse(t, "v.yaml", policyVersion("2025.1", "2025-01-01", "2025-12-31", "T1")))
	require.NoError(t, err)
	accepted := at(2025, 3, 3, 10, 0)
	c, _, err := p.Accept("C1", map[string]any{"cause": "complex"}, accepted)
	require.NoError(t, err)
	rep, err := p.NewReporter(sla.ReportOptions{From: at(2025, 1, 1, 0, 0), To: at(2025, 12, 31, 0, 0), Now: at(2025, 6, 1, 0, 0)})
	require.NoError(t, err)
	type typed struct {
		Cause int `shixian:"cause"`
	}
	type misspelt struct {
		Cause string `shixian:"casue"`
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("format: shixian/v1\nid: x\n"), 0o600))
	tooBig := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(tooBig, make([]byte, sla.MaxPolicyBytes+1), 0o600))

	call := func(f func() error) error { return f() }
	faults := []struct {
		name string
		err  error
	}{
		{"an input field with a value the policy does not declare",
			call(func() error { _, err := p.Classify(map[string]any{"cause": "weather"}, accepted); return err })},
		{"an input key the policy does not declare",
			call(func() error { _, err := p.Classify(map[string]any{"caus": "complex"}, accepted); return err })},
		{"a struct whose tagged field has the wrong Go type",
			call(func() error { _, err := p.Classify(typed{Cause: 1}, accepted); return err })},
		{"a struct whose tag names no declared field",
			call(func() error { _, err := p.Classify(misspelt{Cause: "complex"}, accepted); return err })},
		{"an input that is neither a map nor a struct",
			call(func() error { _, err := p.Classify(42, accepted); return err })},
		{"a zero acceptance instant",
			call(func() error { _, err := p.Classify(map[string]any{"cause": "complex"}, time.Time{}); return err })},
		{"an acceptance before the policy's range",
			call(func() error {
				_, err := p.Classify(map[string]any{"cause": "complex"}, at(2024, 3, 1, 9, 0))
				return err
			})},
		{"an unknown tier in Deadline", call(func() error { _, err := p.Deadline("T9", accepted); return err })},
		{"a zero instant in Deadline", call(func() error { _, err := p.Deadline("T3", time.Time{}); return err })},
		{"an acceptance the calendar cannot count",
			call(func() error {
				_, _, err := p.Accept("C2", map[string]any{"cause": "complex"}, at(2055, 3, 1, 9, 0))
				return err
			})},
		{"an empty case id in Accept", call(func() error { _, _, err := p.Accept("", nil, accepted); return err })},
		{"an over-long case id in Accept",
			call(func() error { _, _, err := p.Accept(strings.Repeat("x", 200), nil, accepted); return err })},
		{"an event out of order",
			call(func() error {
				_, err := p.Apply(c, sla.Event{Type: sla.EventClosed, At: accepted.Add(-time.Hour)})
				return err
			})},
		{"an event missing its field",
			call(func() error { _, err := p.Apply(c, sla.Event{Type: sla.EventPaused, At: accepted}); return err })},
		{"an event that does not fit the case",
			call(func() error { _, err := p.Apply(c, sla.Event{Type: sla.EventResumed, At: accepted}); return err })},
		{"a case with no id in Apply", call(func() error {
			_, err := p.Apply(sla.Case{}, sla.Event{Type: sla.EventAccepted, At: accepted})
			return err
		})},
		{"a case with no events in Validate", call(func() error { return p.Validate(sla.Case{ID: "C3"}) })},
		{"a zero now in StatusAt", call(func() error { _, err := p.StatusAt(c, time.Time{}); return err })},
		{"a now before the case in StatusAt", call(func() error { _, err := p.StatusAt(c, at(2025, 1, 1, 0, 0)); return err })},
		{"History.At with no version in effect", call(func() error { _, err := h.At(at(2030, 1, 1, 0, 0)); return err })},
		{"History.At with a zero instant", call(func() error { _, err := h.At(time.Time{}); return err })},
		{"History.Accept outside every version",
			call(func() error {
				_, _, err := h.Accept("C4", map[string]any{"cause": "complex"}, at(2030, 1, 1, 0, 0))
				return err
			})},
		{"History.Apply opening a case outside every version",
			call(func() error {
				_, err := h.Apply(sla.Case{ID: "C5"}, sla.Event{Type: sla.EventAccepted, At: at(2030, 1, 1, 0, 0)})
				return err
			})},
		{"an empty history", call(func() error { _, err := sla.NewHistory(); return err })},
		{"case JSON that does not parse", call(func() error { var c sla.Case; return c.UnmarshalJSON([]byte(`{"schema":1,"id":`)) })},
		{"a case document that does not parse", call(func() error { _, err := sla.DecodeCase("c.json", []byte(`{"schema":1,"id":`)); return err })},
		{"case JSON with an unknown field", call(func() error { var c sla.Case; return json.Unmarshal([]byte(`{"schema":1,"id":"C","colour":1}`), &c) })},
		{"a case document with a bad event", call(func() error {
			_, err := sla.DecodeCase("c.json", []byte(`{"schema":1,"id":"C","events":[{"type":"flew","at":"2025-03-03T10:00:00+08:00"}]}`))
			return err
		})},
		{"status JSON without a case id", call(func() error { var s sla.Status; return json.Unmarshal([]byte(`{}`), &s) })},
		{"a policy file with problems", call(func() error { _, err := sla.ParsePolicy("p.yaml", []byte("format: shixian/v1\n")); return err })},
		{"a policy file loaded with problems", call(func() error { _, err := sla.LoadPolicy(bad); return err })},
		{"a policy file larger than MaxPolicyBytes", call(func() error { _, err := sla.LoadPolicy(tooBig); return err })},
		{"a report without dates", call(func() error { _, err := p.NewReporter(sla.ReportOptions{}); return err })},
		{"a report case with an empty id", call(func() error { return rep.Add(sla.Case{}) })},
		{"a moved-deadline run at a zero instant", call(func() error { _, err := sla.MovedDeadlines(nil, p, p, time.Time{}); return err })},
	}
	for _, tc := range faults {
		t.Run("caller fault: "+tc.name, func(t *testing.T) {
			require.Error(t, tc.err)
			assert.ErrorIs(t, tc.err, sla.ErrInvalid, "%v", tc.err)
			assert.ErrorIs(t, tc.err, rules.ErrInvalid, "one sentinel for both packages")
			msg := tc.err.Error()
			for _, prefix := range []string{"sla: ", "rules: ", "calendar: "} {
				assert.LessOrEqual(t, strings.Count(msg, prefix), 1, "%q named at most once in %q", prefix, msg)
			}
		})
	}

	failingWriter := errors.New("disk full")
	notFaults := []struct {
		name string
		err  error
	}{
		{"a policy file that does not exist", call(func() error { _, err := sla.LoadPolicy(filepath.Join(dir, "missing.yaml")); return err })},
		{"a check that could not run", call(func() error {
			holder, err := sla.NewHolder(h)
			require.NoError(t, err)
			return holder.Activate(mustParse(t, "v26.yaml", policyVersion("2026.1", "2026-01-01", "", "T3")),
				func(*sla.Policy) error { return errors.New("suite store unreachable") })
		})},
		{"a writer that fails while a report is written", call(func() error {
			r, err := p.Report([]sla.Case{c}, sla.ReportOptions{From: at(2025, 1, 1, 0, 0), To: at(2025, 12, 31, 0, 0), Now: at(2025, 6, 1, 0, 0)})
			require.NoError(t, err)
			return r.WriteCSV(errWriter{failingWriter})
		})},
	}
	for _, tc := range notFaults {
		t.Run("not the caller's: "+tc.name, func(t *testing.T) {
			require.Error(t, tc.err)
			assert.False(t, errors.Is(tc.err, sla.ErrInvalid), "%v", tc.err)
		})
	}
	var pe *fs.PathError
	assert.ErrorAs(t, notFaults[0].err, &pe)
}

type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

// TestEventErrorNamesTheField: a portal points at the field to correct from EventError.Field,
// never from the message.
func TestEventErrorNamesTheField(t *testing.T) {
	p := sla.Default()
	accepted := at(2025, 3, 3, 10, 0)
	c, _, err := p.Accept("C1", map[string]any{"cause": "complex"}, accepted)
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		event sla.Event
		field string
	}{
		{"a pause without a reason names reason", sla.Event{Type: sla.EventPaused, At: accepted}, "reason"},
		{"a transfer without a unit names unit", sla.Event{Type: sla.EventTransferred, At: accepted}, "unit"},
		{"an event dated before the previous one names at", sla.Event{Type: sla.EventClosed, At: accepted.Add(-time.Hour)}, "at"},
		{"a tier on a close names tier", sla.Event{Type: sla.EventClosed, At: accepted, Tier: "T1"}, "tier"},
		{"an unknown type names type", sla.Event{Type: "flew", At: accepted}, "type"},
		{"a resume without a pause names no field", sla.Event{Type: sla.EventResumed, At: accepted}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Apply(c, tc.event)
			var ee *sla.EventError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tc.field, ee.Field)
			assert.Equal(t, 3, ee.Index, "the event the caller sent")
			assert.ErrorIs(t, err, sla.ErrInvalid)
		})
	}
}

// TestApplySharesNothingWithItsInput: the case Apply returns and the case and event given are
// independent: changing one afterwards changes neither of the others.
func TestApplySharesNothingWithItsInput(t *testing.T) {
	p := sla.Default()
	accepted := at(2025, 3, 3, 10, 0)
	input := map[string]any{"cause": "complex", "tags": []string{"group_case"}}
	c, _, err := p.Accept("C1", input, accepted)
	require.NoError(t, err)
	c.Attributes = map[string]string{"channel": "window"}
	before := c.Clone()
	length := mustPeriod(t, "2 workdays")
	ext := sla.Event{Type: sla.EventExtended, At: accepted.Add(time.Hour), Length: &length, Approver: "负责人", Reason: "复杂"}

	next, err := p.Apply(c, ext)
	require.NoError(t, err)

	// Change everything mutable in the result…
	next.Attributes["channel"] = "hotline_12345"
	next.Events[0].Input["cause"] = "other"
	next.Events[0].Input["tags"].([]string)[0] = "changed"
	next.Events[2].Length.Count = 99
	// …and in what was passed in.
	length.Count = 3
	input["cause"] = "policy_bottleneck"

	assert.Equal(t, before, c, "the case passed in is untouched by changes to the result")
	again, err := p.Apply(c, ext)
	require.NoError(t, err)
	assert.Equal(t, "window", again.Attributes["channel"])
	assert.Equal(t, "complex", again.Events[0].Input["cause"], "the accepted event kept its own copy of the input")
	assert.Equal(t, []string{"group_case"}, again.Events[0].Input["tags"])
	assert.Equal(t, 3, again.Events[2].Length.Count, "the event given is copied when applied, not before")
	assert.Equal(t, 99, next.Events[2].Length.Count)
}

// TestTypedInput: a struct with `shixian` tags classifies as the map of the same values, its
// type is checked once against the schema, and an error names both the Go field and the input
// field.
func TestTypedInput(t *testing.T) {
	p := sla.Default()
	accepted := at(2025, 3, 3, 10, 0)
	type Intake struct {
		Cause     string   `shixian:"cause"`
		Tags      []string `shixian:"tags"`
		Applicant *string  `shixian:"applicant"` // nil: the declared default
		Clerk     string   // no tag: not an input
	}
	enterprise := "enterprise"
	for _, tc := range []struct {
		name  string
		input any
		want  map[string]any
	}{
		{"a struct value", Intake{Cause: "complex", Tags: []string{"cross_department"}, Clerk: "王"},
			map[string]any{"cause": "complex", "tags": []string{"cross_department"}}},
		{"a pointer to a struct, with an optional field set", &Intake{Cause: "policy_bottleneck", Applicant: &enterprise},
			map[string]any{"cause": "policy_bottleneck", "tags": []string{}, "applicant": "enterprise"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := p.Classify(tc.input, accepted)
			require.NoError(t, err)
			want, err := p.Classify(tc.want, accepted)
			require.NoError(t, err)
			assert.Equal(t, want.Tier, d.Tier)
			assert.Equal(t, want.RuleID, d.RuleID)

			c, ad, err := p.Accept("C1", tc.input, accepted)
			require.NoError(t, err)
			assert.Equal(t, d.Tier, ad.Tier)
			assert.Equal(t, tc.want, c.Events[0].Input, "the accepted event records the input as the rules read it")
			st, err := p.StatusAt(c, accepted)
			require.NoError(t, err)
			assert.True(t, st.Due.Equal(ad.Due), "the decision carries the case's deadline")
			assert.True(t, st.LastDay.Equal(ad.LastDay))
		})
	}

	type WrongType struct {
		Cause int `shixian:"cause"`
	}
	type Unknown struct {
		Cause string `shixian:"casue"`
	}
	type Twice struct {
		A string `shixian:"cause"`
		B string `shixian:"cause"`
	}
	type None struct {
		Cause string `expr:"cause"`
	}
	for _, tc := range []struct {
		name  string
		input any
		want  []string
	}{
		{"a Go field of the wrong type names the Go field, its type and the declared type",
			WrongType{}, []string{`field "cause"`, "sla_test.WrongType.Cause", "int", "string"}},
		{"a tag naming no declared field names the Go field, the tag and the nearest field",
			Unknown{}, []string{"sla_test.Unknown.Cause", `"casue"`, `did you mean "cause"`}},
		{"two Go fields with one tag name both", Twice{}, []string{"sla_test.Twice.A", "sla_test.Twice.B"}},
		{"a struct with no shixian tag (expr tags are ClassifyStruct's) says so", None{}, []string{"sla_test.None", "no field tagged"}},
		{"a nil pointer", (*Intake)(nil), []string{"nil"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i < 2; i++ { // the second time from the cache, the same error
				_, err := p.Classify(tc.input, accepted)
				require.Error(t, err)
				for _, w := range tc.want {
					assert.Contains(t, err.Error(), w)
				}
				assert.ErrorIs(t, err, sla.ErrInvalid)
				var fe *rules.FieldError
				assert.ErrorAs(t, err, &fe)
				assert.Equal(t, 1, strings.Count(err.Error(), "rules: "), "%v", err)
			}
		})
	}
}

func mustPeriod(t *testing.T, s string) deadline.Period {
	t.Helper()
	p, err := deadline.ParsePeriod(s)
	require.NoError(t, err)
	return p
}
