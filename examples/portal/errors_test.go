package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadRequests: every bad request gets a 4xx with a JSON error naming the field, and an
// event that does not fit the case is rejected with nothing stored.
func TestBadRequests(t *testing.T) {
	e := newEnv(t, tempDB(t), nil, WithMaxBody(4096))
	e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "complex"})

	tests := []struct {
		name        string
		method, url string
		body        any
		code        int
		field       string
		contains    string
	}{
		{"malformed JSON", "POST", "/cases", `{"id": "C-2", "accepted": `, 400, "", "malformed JSON"},
		{"an empty body", "POST", "/cases", ``, 400, "", "empty"},
		{"two JSON values", "POST", "/cases", `{"id":"C-2"} {}`, 400, "", "more than one"},
		{"a JSON array instead of an object", "POST", "/cases", `[1]`, 400, "", "must be a JSON object"},
		{"an unknown field", "POST", "/cases", `{"id":"C-2","accepted":"2025-09-30T17:00:00+08:00","colour":"red"}`, 400, "colour", "unknown field"},
		{"an id of the wrong type", "POST", "/cases", `{"id":7,"accepted":"2025-09-30T17:00:00+08:00"}`, 400, "id", ""},
		{"missing id", "POST", "/cases", map[string]any{"accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{"cause": "complex"}}, 400, "id", "required"},
		{"an id with a slash", "POST", "/cases", map[string]any{"id": "a/b", "accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{"cause": "complex"}}, 400, "id", ""},
		{"an id that is too long", "POST", "/cases", map[string]any{"id": strings.Repeat("x", MaxIDLength+1), "accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{"cause": "complex"}}, 400, "id", ""},
		{"missing accepted", "POST", "/cases", map[string]any{"id": "C-2", "input": map[string]any{"cause": "complex"}}, 400, "accepted", "required"},
		{"accepted without an offset", "POST", "/cases", map[string]any{"id": "C-2", "accepted": "2025-09-30 17:00", "input": map[string]any{"cause": "complex"}}, 400, "accepted", "RFC 3339"},
		{"accepted before the policy is in effect", "POST", "/cases", map[string]any{"id": "C-2", "accepted": "2024-06-03T10:00:00+08:00", "input": map[string]any{"cause": "complex"}}, 400, "accepted", ""},
		{"accepted in a year the calendar does not cover", "POST", "/cases", map[string]any{"id": "C-2", "accepted": "2099-09-30T17:00:00+08:00", "input": map[string]any{"cause": "complex"}}, 400, "accepted", "2099"},
		{"an unknown input value", "POST", "/cases", map[string]any{"id": "C-2", "accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{"cause": "nonsense"}}, 400, "input.cause", "nonsense"},
		{"a required input missing", "POST", "/cases", map[string]any{"id": "C-2", "accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{}}, 400, "input.cause", ""},
		{"an input of the wrong type", "POST", "/cases", map[string]any{"id": "C-2", "accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{"cause": "complex", "tags": 3}}, 400, "input.tags", ""},
		{"a misspelt input field (tag for tags)", "POST", "/cases", map[string]any{"id": "C-2", "accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{"cause": "improper_method", "tag": []string{"cross_department"}}}, 400, "input.tag", `did you mean "tags"`},
		{"a duplicate id", "POST", "/cases", map[string]any{"id": "C-1", "accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{"cause": "complex"}}, 409, "id", "exists"},
		{"a body over the limit", "POST", "/cases", `{"id":"` + strings.Repeat("x", 5000) + `"}`, 413, "", "larger than"},
		{"an unknown case", "GET", "/cases/NOPE?now=2025-10-09T10:00:00%2B08:00", nil, 404, "id", "NOPE"},
		{"an event for an unknown case", "POST", "/cases/NOPE/events", map[string]any{"type": "closed", "at": "2025-10-09T10:00:00+08:00"}, 404, "id", ""},
		{"a bad now", "GET", "/cases/C-1?now=yesterday", nil, 400, "now", ""},
		{"now before the acceptance", "GET", "/cases/C-1?now=2025-01-02T10:00:00%2B08:00", nil, 422, "now", ""},
		{"an event without a type", "POST", "/cases/C-1/events", map[string]any{"at": "2025-10-09T10:00:00+08:00"}, 400, "type", "required"},
		{"an unknown event type", "POST", "/cases/C-1/events", map[string]any{"type": "teleported", "at": "2025-10-09T10:00:00+08:00"}, 400, "type", "teleported"},
		{"an event without a time", "POST", "/cases/C-1/events", map[string]any{"type": "closed"}, 400, "at", "required"},
		{"an event with a bad time", "POST", "/cases/C-1/events", map[string]any{"type": "closed", "at": "09/10/2025"}, 400, "at", ""},
		{"an extension with a bad length", "POST", "/cases/C-1/events", map[string]any{"type": "extended", "at": "2025-10-09T10:00:00+08:00", "length": "ten days", "approver": "李", "reason": "x"}, 400, "length", ""},
		{"a visit with satisfied not a boolean", "POST", "/cases/C-1/events", map[string]any{"type": "visited", "at": "2025-10-09T10:00:00+08:00", "satisfied": "yes"}, 400, "satisfied", ""},
		{"a pause named by a number, not a string", "POST", "/cases/C-1/events", `{"type":"paused","at":"2025-10-09T10:00:00+08:00","reason":"专家评审","pause":3}`, 400, "pause", "must be a JSON string"},
		{"a rating that is not a string", "POST", "/cases/C-1/events", `{"type":"visited","at":"2025-10-09T10:00:00+08:00","rating":true}`, 400, "rating", "must be a JSON string"},
		{"a supervision level given as a list", "POST", "/cases/C-1/events", `{"type":"supervised","at":"2025-10-09T10:00:00+08:00","actor":"李科长","level":["listed"]}`, 400, "level", "must be a JSON string"},
		{"a return whose unit is an object", "POST", "/cases/C-1/events", `{"type":"returned","at":"2025-10-09T10:00:00+08:00","reason":"不属本单位职责","unit":{}}`, 400, "unit", "must be a JSON string"},
		{"a resume of a pause that is not open: the library names the pause (EventError.Field)", "POST", "/cases/C-1/events", map[string]any{"type": "resumed", "at": "2025-10-09T10:00:00+08:00", "pause": "听证"}, 409, "pause", "nothing was stored"},
		{"a supervision of a case that reached no level: the event as a whole does not fit, as the library says", "POST", "/cases/C-1/events", map[string]any{"type": "supervised", "at": "2025-10-01T10:00:00+08:00", "actor": "李科长", "level": "listed"}, 409, "event", "reached no supervision level"},
		{"a return by a unit that does not hold the case: the library names the unit", "POST", "/cases/C-1/events", map[string]any{"type": "returned", "at": "2025-10-09T10:00:00+08:00", "reason": "不属本单位职责", "unit": "劳动监察大队"}, 409, "unit", "nothing was stored"},
		{"an event with an unknown field", "POST", "/cases/C-1/events", map[string]any{"type": "closed", "at": "2025-10-09T10:00:00+08:00", "colour": "red"}, 400, "colour", ""},
		{"an unknown event field is placed at body:line:column, as the CLI places faults in a case file", "POST", "/cases/C-1/events", "{\"type\":\"closed\",\n \"at\":\"2025-10-09T10:00:00+08:00\", \"colour\":\"red\"}", 400, "colour", "body:2:36: sla: event JSON: json: unknown field \"colour\""},
		{"a pause without its reason", "POST", "/cases/C-1/events", map[string]any{"type": "paused", "at": "2025-10-09T10:00:00+08:00"}, 400, "reason", "needs a reason"},
		{"resume without a pause", "POST", "/cases/C-1/events", map[string]any{"type": "resumed", "at": "2025-10-09T10:00:00+08:00"}, 409, "event", "nothing was stored"},
		{"an event before the previous one", "POST", "/cases/C-1/events", map[string]any{"type": "closed", "at": "2025-09-01T10:00:00+08:00"}, 409, "at", "dated before the previous event"},
		{"a second acceptance", "POST", "/cases/C-1/events", map[string]any{"type": "accepted", "at": "2025-10-09T10:00:00+08:00"}, 409, "event", ""},
		{"a visit before closing", "POST", "/cases/C-1/events", map[string]any{"type": "visited", "at": "2025-10-09T10:00:00+08:00", "satisfied": true}, 409, "event", ""},
		{"a report without from", "GET", "/report?to=2025-10-05", nil, 400, "from", "required"},
		{"a report with a bad to", "GET", "/report?from=2025-09-29&to=next-week", nil, 400, "to", ""},
		{"a report with to before from", "GET", "/report?from=2025-10-05&to=2025-09-29", nil, 400, "to", "before"},
		{"a report with an unknown bucket", "GET", "/report?from=2025-09-29&to=2025-10-05&bucket=weekly", nil, 400, "bucket", ""},
		{"a report with an unknown grouping", "GET", "/report?from=2025-09-29&to=2025-10-05&by=colour", nil, 400, "by", ""},
		{"a report in an unknown format", "GET", "/report?from=2025-09-29&to=2025-10-05&format=pdf", nil, 400, "format", "pdf"},
		{"a report with a bad now", "GET", "/report?from=2025-09-29&to=2025-10-05&now=soon", nil, 400, "now", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, body := e.eventCount("C-1"), e.caseBody("C-1")
			code, out := e.callJSON(tt.method, tt.url, tt.body)
			assert.Equal(t, tt.code, code, "%v", out)
			msg, _ := out["error"].(string)
			assert.NotEmpty(t, msg)
			field, _ := out["field"].(string)
			assert.Equal(t, tt.field, field, "%v", out)
			assert.Contains(t, msg, tt.contains)
			// Nothing a rejected request sent is stored.
			assert.Equal(t, before, e.eventCount("C-1"))
			assert.Equal(t, body, e.caseBody("C-1"))
		})
	}
	var n int
	require.NoError(t, e.queryRow(`SELECT COUNT(*) FROM cases`).Scan(&n))
	assert.Equal(t, 1, n, "no rejected case was stored")
}

// TestEventThatDoesNotFitStoresNothing: after a pause and a close, a resume does not fit; the
// case and its events are exactly as before.
func TestEventThatDoesNotFitStoresNothing(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "historical_legacy"})
	e.mustEvent("C-1", map[string]any{"type": "paused", "at": "2025-10-10T10:00:00+08:00", "reason": "专家评审"})
	e.mustEvent("C-1", map[string]any{"type": "resumed", "at": "2025-10-14T09:00:00+08:00"})
	before, body := e.eventCount("C-1"), e.caseBody("C-1")
	require.Equal(t, 4, before)

	code, out := e.callJSON("POST", "/cases/C-1/events", map[string]any{"type": "resumed", "at": "2025-10-15T09:00:00+08:00"})
	assert.Equal(t, http.StatusConflict, code)
	assert.Contains(t, out["error"], "event 5 (resumed")
	assert.Equal(t, before, e.eventCount("C-1"))
	assert.Equal(t, body, e.caseBody("C-1"))

	// Extension beyond the policy's cap (max_count 1): the first is granted, the second refused.
	e.mustEvent("C-1", map[string]any{"type": "extended", "at": "2025-10-15T09:00:00+08:00", "length": "5 workdays", "approver": "李主任", "reason": "需补充调查"})
	before, body = e.eventCount("C-1"), e.caseBody("C-1")
	code, out = e.callJSON("POST", "/cases/C-1/events", map[string]any{"type": "extended", "at": "2025-10-16T09:00:00+08:00", "length": "1 workday", "approver": "李主任", "reason": "再延"})
	assert.Equal(t, http.StatusConflict, code, "%v", out)
	assert.Equal(t, before, e.eventCount("C-1"))
	assert.Equal(t, body, e.caseBody("C-1"))
}

// TestPolicyContentType: POST /policy takes YAML or plain text only, non-empty and valid UTF-8.
func TestPolicyContentType(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	code, _ := e.call("POST", "/policy", "format: shixian/v1", "application/json")
	assert.Equal(t, http.StatusUnsupportedMediaType, code)
	code, _ = e.call("POST", "/policy", "", "application/yaml")
	assert.Equal(t, http.StatusBadRequest, code)
	// A policy file with a raw 0xFF byte in a reason is refused on its bytes, before parsing.
	bad := policyYAML(t, "诉求不清", "诉求\xff不清")
	code, out := e.call("POST", "/policy", bad, "application/yaml")
	assert.Equal(t, http.StatusBadRequest, code, "%s", out)
	assert.Contains(t, string(out), `"field":"policy"`)
	assert.Contains(t, string(out), "not valid UTF-8")
}
