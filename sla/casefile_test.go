package sla

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/internal/boundedio"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla/deadline"
)

func TestCaseErrorOffsetFindsTheFault(t *testing.T) {
	// Each document has exactly one fault, marked by where the at text starts (its last
	// occurrence).
	tests := []struct {
		name, doc, at string
	}{
		{"unknown key", `{"schema":1,"id":"A","Colour":1,"events":[]}`, `"Colour"`},
		{"keys match case-insensitively, as encoding/json does", `{"Schema":1,"ID":"A","events":[{"Type":"accepted","AT":"x"}]}`, `"x"`},
		{"schema too new", `{"schema":3,"id":"A","events":[]}`, `3,`},
		{"schema null", `{"schema":null,"id":"A","events":[]}`, `null`},
		{"empty id", `{"schema":1,"id":"","events":[]}`, `"",`},
		{"no id: the brace", ` {"schema":1,"events":[]}`, `{`},
		{"events not an array", `{"schema":1,"id":"A","events":{}}`, `{}`},
		{"an event that is not an object", `{"schema":1,"id":"A","events":[1]}`, `1]`},
		{"an event without a time: its brace", `{"schema":1,"id":"A","events":[{"type":"accepted"}]}`, `{"type"`},
		{"a zero time", `{"schema":1,"id":"A","events":[{"type":"accepted","at":"0001-01-01T00:00:00Z"}]}`, `"0001`},
		{"a bad period", `{"schema":1,"id":"A","events":[{"type":"extended","at":"2025-10-09T10:00:00+08:00","length":"x"}]}`, `"x"`},
		{"trailing data", `{"schema":1,"id":"A","events":[]}  x`, `x`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c Case
			err := json.Unmarshal([]byte(tc.doc), &c)
			require.Error(t, err, "the document must be rejected")
			want := strings.LastIndex(tc.doc, tc.at)
			require.GreaterOrEqual(t, want, 0)
			assert.Equal(t, want, CaseErrorOffset([]byte(tc.doc), nil, "p", err), "%v", err)
		})
	}
	t.Run("an event error points at the event by its 1-based index", func(t *testing.T) {
		doc := `{"schema":1,"id":"A","events":[{"type":"accepted","at":"2025-09-30T17:00:00+08:00"}, {"type":"resumed","at":"2025-10-09T10:00:00+08:00"}]}`
		err := &EventError{CaseID: "A", Index: 2, Err: errors.New("resume without a pause")}
		assert.Equal(t, strings.Index(doc, `{"type":"resumed"`), CaseErrorOffset([]byte(doc), nil, "p", err))
	})
}

func TestCaseKeysKnowEveryKey(t *testing.T) {
	// caseKeys and eventKeys mirror the JSON form of a case: every key MarshalJSON writes must
	// be known to them, else a good key would be reported as the fault of a rejected case.
	yes := true
	ten := deadline.Period{Count: 10, Unit: deadline.Workdays}
	c := Case{ID: "A", PolicyID: "p", Department: "d", Handler: "h", Attributes: map[string]string{"k": "v"},
		Events: []Event{{Type: EventExtended, At: time.Date(2025, 10, 9, 10, 0, 0, 0, time.UTC), Actor: "a",
			Reason: "r", Tier: "T1", Rule: "x", Unit: "u", Length: &ten, Approver: "b", Satisfied: &yes,
			Input: map[string]any{"k": 1}, Note: "n", Pause: "p", Rating: "满意", Level: "l"}}}
	data, err := json.Marshal(c)
	require.NoError(t, err)
	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(data, &top))
	assert.Len(t, top, len(caseKeys), "every key is written when set")
	for k := range top {
		assert.Contains(t, caseKeys, k)
	}
	var evs []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(top["events"], &evs))
	require.Len(t, evs, 1)
	assert.Len(t, evs[0], len(eventKeys), "every Event field is written when set")
	for k := range evs[0] {
		assert.Contains(t, eventKeys, k)
	}
	assert.Equal(t, -1, caseFault(data), "a good case has no fault")
}

func TestDecodeCase(t *testing.T) {
	p := lcPolicy(t)
	good := lcJSON(t, lcFullCase(t, p))
	indented := func(c Case) string {
		b, err := json.MarshalIndent(c, "", "  ")
		require.NoError(t, err)
		return string(b)
	}
	resumed := indented(Case{ID: "C-9", Events: []Event{lcAccepted("2025-09-30 17:00"), lcResumed("2025-10-09 10:00")}})
	tests := []struct {
		name    string
		doc     string
		policy  bool   // decode with the policy (Policy.DecodeCase)
		want    string // the whole message; "" for a good document
		isEvent bool   // errors.As finds an *EventError
	}{
		{"a good case decodes, alone and against its policy", good, true, "", false},
		{"a syntax error names its line and column", "{\n  \"schema\": 1,\n  \"id\": ,\n}", false,
			"body:3:9: sla: case JSON: invalid character ',' looking for beginning of value", false},
		{"an unknown key is named at the key", "{\"schema\":1,\n \"id\":\"A\", \"colour\":1}", false,
			`body:2:12: sla: case JSON: json: unknown field "colour"`, false},
		{"invalid UTF-8 is refused at its byte, not replaced", "{\"schema\":1,\"id\":\"A\xff\"}", false,
			"body:1:20: invalid UTF-8 (the document must be UTF-8 text)", false},
		{"an event the policy rejects is named at the event, without repeating the case id", resumed, true,
			"body:9:5: event 2 (resumed at 2025-10-09 10:00 CST): resume without a pause", true},
		{"the same event passes the shape check alone", resumed, false, "", false},
		{"a case of another policy is named at its policy value", `{"schema":1,"id":"A","policy":"other","events":[{"type":"accepted","at":"2025-09-30T17:00:00+08:00"}]}`, true,
			`body:1:31: sla: case A is governed by policy "other", not "xinyu-1310"`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c Case
			var err error
			if tc.policy {
				c, err = p.DecodeCase("body", []byte(tc.doc))
			} else {
				c, err = DecodeCase("body", []byte(tc.doc))
			}
			if tc.want == "" {
				require.NoError(t, err)
				assert.NotEmpty(t, c.ID)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.Equal(t, Case{}, c, "a refused document gives no case")
			var prob rules.Problem
			require.True(t, errors.As(err, &prob), "the error is a rules.Problem")
			assert.Equal(t, "body", prob.Pos.File)
			assert.Equal(t, tc.want, prob.Error())
			var ee *EventError
			assert.Equal(t, tc.isEvent, errors.As(err, &ee), "the cause stays reachable")
		})
	}
}

func TestPolicyCaseErrorPlacesLaterErrors(t *testing.T) {
	// StatusAt runs after decoding; its errors are placed in the same document.
	p := lcPolicy(t)
	doc := []byte(lcJSON(t, lcCase(t, p, "C-1", lcNationalDay...)))
	c, err := p.DecodeCase("case.json", doc)
	require.NoError(t, err)
	_, err = p.StatusAt(c, lcT("2025-09-01 10:00"))
	require.Error(t, err)
	placed := p.CaseError("case.json", doc, c, err)
	assert.True(t, strings.HasPrefix(placed.Error(), "case.json:1:1: sla: case C-1 has no event at or before"), placed.Error())
	assert.ErrorIs(t, p.CaseError("case.json", doc, c, ErrEventState), ErrEventState)
	assert.NoError(t, p.CaseError("case.json", doc, c, nil))
}

// A case body one byte over MaxCaseBytes is refused while it is read, with a message in the
// words of every other size limit and a typed cause.
func TestDecodeCaseReaderBoundsTheSize(t *testing.T) {
	big := strings.NewReader(`{"schema":1,"id":"A","note":"` + strings.Repeat("x", MaxCaseBytes) + `"}`)
	_, err := DecodeCaseReader("body", big)
	assert.EqualError(t, err, "sla: case body is larger than the 4 MiB limit")
	var tooLarge *boundedio.TooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, int64(MaxCaseBytes), tooLarge.Limit)
	c, err := DecodeCaseReader("body", strings.NewReader(`{"schema":1,"id":"A"}`))
	require.NoError(t, err)
	assert.Equal(t, "A", c.ID)
}

func FuzzDecodeCase(f *testing.F) {
	// Whatever the document, DecodeCase places its error inside it and never panics; what it
	// accepts is what Case.UnmarshalJSON accepts.
	f.Add([]byte(`{"schema":1,"id":"A","events":[{"type":"accepted","at":"2025-09-30T17:00:00+08:00"}]}`))
	f.Add([]byte(`{"schema":1,"id":"A","colour":1}`))
	f.Add([]byte(`{"schema":1,"id":"A","events":[{"type":"x","at":"y"}]} z`))
	f.Add([]byte(`[`))
	f.Add([]byte(" \n{\"events\":[[{}]]}"))
	f.Add([]byte("{\"schema\":1,\"id\":\"\xff\"}"))
	p := Default()
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := p.DecodeCase("f", doc)
		var direct Case
		derr := direct.UnmarshalJSON(doc)
		if err == nil {
			require.NoError(t, derr)
			return
		}
		var prob rules.Problem
		require.True(t, errors.As(err, &prob), "%v", err)
		require.GreaterOrEqual(t, prob.Pos.Line, 1)
		require.GreaterOrEqual(t, prob.Pos.Column, 1)
		require.LessOrEqual(t, prob.Pos.Line, 1+strings.Count(string(doc), "\n"))
		if derr == nil {
			require.NotEqual(t, Case{}, direct, "only the policy refused it")
		} else {
			require.Equal(t, Case{}, c)
		}
	})
}

func TestDecodeEvent(t *testing.T) {
	tests := []struct {
		name, doc, want string // want: the whole message, "" for a good event
	}{
		{"a good event decodes", `{"type":"paused","at":"2025-10-09T10:00:00+08:00","reason":"专家评审"}`, ""},
		{"an unknown key is named at the key", "{\"type\":\"closed\",\n \"at\":\"2025-10-09T10:00:00+08:00\", \"colour\":\"red\"}",
			`body:2:36: sla: event JSON: json: unknown field "colour"`},
		{"a syntax error is named where it is", `{"type":"closed","at":}`, "body:1:23: sla: event JSON: invalid character '}' looking for beginning of value"},
		{"an unknown type is named at its value", `{"type":"escalated","at":"2025-10-09T10:00:00+08:00"}`, `body:1:9: sla: event JSON: unknown event type "escalated"`},
		{"a missing time is named at the event's brace", `  {"type":"closed"}`, "body:1:3: sla: event JSON: the event has no time (at)"},
		{"a time that is not RFC 3339 is named at its value", `{"type":"closed","at":"2025-10-09 10:00"}`, `body:1:23: sla: event JSON: parsing time "2025-10-09 10:00" as "2006-01-02T15:04:05Z07:00": cannot parse " 10:00" as "T"`},
		{"an over-long reason is named at its value", `{"type":"paused","at":"2025-10-09T10:00:00+08:00","reason":"` + strings.Repeat("长", 700) + `"}`,
			"body:1:60: sla: event JSON: reason is 2100 bytes long (at most 2048)"},
		{"trailing data", `{"type":"closed","at":"2025-10-09T10:00:00+08:00"} {}`, "body:1:52: sla: event JSON: unexpected data after the event object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := DecodeEvent("body", []byte(tc.doc))
			if tc.want == "" {
				require.NoError(t, err)
				assert.Equal(t, EventPaused, e.Type)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.Equal(t, Event{}, e)
			var prob rules.Problem
			assert.True(t, errors.As(err, &prob), "the error is a rules.Problem")
		})
	}
}

func FuzzDecodeEvent(f *testing.F) {
	f.Add([]byte(`{"type":"paused","at":"2025-10-09T10:00:00+08:00","reason":"x"}`))
	f.Add([]byte(`{"type":"closed","at":"2025-10-09T10:00:00+08:00"} {}`))
	f.Add([]byte(`{"type":"extended","at":"2025-10-09T10:00:00+08:00","length":"3 weeks"}`))
	f.Add([]byte(`{"type":"resumed","at":"2025-10-09T10:00:00+08:00","pause":"review"}`))
	f.Add([]byte(`{"type":"returned","at":"2025-10-09T10:00:00+08:00","unit":"u","reason":"not_our_duty"}`))
	f.Add([]byte(`{"type":"supervised","at":"2025-10-09T10:00:00+08:00","actor":"a","level":7}`))
	f.Add([]byte(`{"type":"visited","at":"2025-10-09T10:00:00+08:00","rating":"基本满意","satisfied":"yes"}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		_, err := DecodeEvent("f", doc)
		if err == nil {
			return
		}
		var prob rules.Problem
		require.True(t, errors.As(err, &prob), "%v", err)
		require.GreaterOrEqual(t, prob.Pos.Line, 1)
		require.GreaterOrEqual(t, prob.Pos.Column, 1)
	})
}
