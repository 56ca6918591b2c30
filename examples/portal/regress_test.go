package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

// TestRefusedEventStoresNothing: an event the portal cannot compute a status for is refused
// with a 4xx before anything is written, so the case stays open to the correct event. Before,
// the event was stored and only then failed, which locked the case for good (every correct
// event was "dated before the previous event").
func TestRefusedEventStoresNothing(t *testing.T) {
	tests := []struct {
		name  string
		path  string
		event map[string]any
		code  int
		field string
	}{
		{"a closing dated 2051, past the calendar's last year, is refused on at",
			"/cases/C-1/events", map[string]any{"type": "closed", "at": "2051-01-05T10:00:00+08:00"}, http.StatusUnprocessableEntity, "at"},
		{"a closing dated 2205 is refused on at",
			"/cases/C-1/events", map[string]any{"type": "closed", "at": "2205-01-05T10:00:00+08:00"}, http.StatusUnprocessableEntity, "at"},
		{"a transfer dated 2051 is refused on at",
			"/cases/C-1/events", map[string]any{"type": "transferred", "at": "2051-06-01T10:00:00+08:00", "unit": "仲裁院"}, http.StatusUnprocessableEntity, "at"},
		{"a valid transfer asked about at a now before the acceptance is refused on now",
			"/cases/C-1/events?now=2025-01-01T00:00:00%2B08:00", map[string]any{"type": "transferred", "at": "2025-10-09T10:00:00+08:00", "unit": "仲裁院"}, http.StatusUnprocessableEntity, "now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tempDB(t), nil)
			e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "complex"})
			before, body := e.eventCount("C-1"), e.caseBody("C-1")

			code, out := e.callJSON("POST", tt.path, tt.event)
			assert.Equal(t, tt.code, code, "%v", out)
			assert.Equal(t, tt.field, out["field"], "%v", out)
			assert.Contains(t, out["error"], "nothing was stored")
			assert.Equal(t, before, e.eventCount("C-1"), "no event row")
			assert.Equal(t, body, e.caseBody("C-1"), "the case snapshot is unchanged")

			// The correct event is accepted afterwards: the case is not locked.
			out = e.mustEvent("C-1", map[string]any{"type": "closed", "at": "2025-10-10T10:00:00+08:00"})
			assert.Equal(t, "closed_on_time", get(out, "status", "state"))
			assert.Equal(t, before+1, e.eventCount("C-1"))
		})
	}
}

// TestIDsThatCannotBeFetchedBack: an id is refused when /cases/{id} could not return it, and a
// path whose {id} is not valid UTF-8 is refused rather than looked up; invalid UTF-8 in a body
// is refused on its raw bytes, naming the field, instead of being replaced by U+FFFD.
func TestIDsThatCannotBeFetchedBack(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "complex"})
	create := func(id string) []byte {
		return []byte(`{"id":"` + id + `","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex"}}`)
	}
	tests := []struct {
		name        string
		method, url string
		body        []byte
		field       string
		contains    string
	}{
		{"the id . is refused", "POST", "/cases", create("."), "id", "path segment"},
		{"the id .. is refused", "POST", "/cases", create(".."), "id", "path segment"},
		{"an id with a raw 0xFF byte in the body is refused", "POST", "/cases", create("A\xff"), "id", "not valid UTF-8"},
		{"an id holding U+FFFD (bytes already lost) is refused", "POST", "/cases", create("A\ufffd"), "id", "U+FFFD"},
		{"an id written as an escaped lone surrogate (decoded to U+FFFD) is refused", "POST", "/cases", create(`A\ud800`), "id", "U+FFFD"},
		{"a raw 0xFF inside input.cause is refused naming input.cause", "POST", "/cases", []byte("{\"id\":\"C-2\",\"accepted\":\"2025-09-30T17:00:00+08:00\",\"input\":{\"cause\":\"compl\xffex\"}}"), "input.cause", "not valid UTF-8"},
		{"a raw 0xFF in an event's reason is refused naming reason", "POST", "/cases/C-1/events", []byte("{\"type\":\"paused\",\"at\":\"2025-10-09T10:00:00+08:00\",\"reason\":\"\xff\"}"), "reason", "not valid UTF-8"},
		{"GET of a percent-encoded 0xFF id is refused", "GET", "/cases/%FF?now=2025-10-09T10:00:00%2B08:00", nil, "id", "not valid UTF-8"},
		{"an event for a percent-encoded 0xFF id is refused", "POST", "/cases/A%FF/events", []byte(`{"type":"closed","at":"2025-10-09T10:00:00+08:00"}`), "id", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := e.callJSON(tt.method, tt.url, tt.body)
			assert.Equal(t, http.StatusBadRequest, code, "%v", out)
			assert.Equal(t, tt.field, out["field"], "%v", out)
			assert.Contains(t, out["error"], tt.contains)
		})
	}
	var n int
	require.NoError(t, e.queryRow(`SELECT COUNT(*) FROM cases`).Scan(&n))
	assert.Equal(t, 1, n, "no refused case was stored")
	assert.Equal(t, 2, e.eventCount("C-1"))

	// A raw (not percent-encoded) 0xFF in the request line reaches the handler unescaped.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/cases/A-1", nil)
	req.URL.Path = "/cases/A\xff"
	req.Header.Set("Authorization", "Bearer "+adminToken)
	e.srv.Handler().ServeHTTP(rec, req)
	assert.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), `"field":"id"`)

	// An id with non-ASCII text is fine, and comes back by its percent-encoded URL.
	created := e.mustCreate("受理-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "complex"})
	assert.Equal(t, "受理-1", get(created, "case", "id"))
	st := e.status("%E5%8F%97%E7%90%86-1", "2025-10-09T10:00:00%2B08:00")
	assert.Equal(t, "受理-1", get(st, "case", "id"))
}

// TestErrorShape: every answer that is not a success, from every layer (router, auth, body
// limits, validation, busy), is a JSON object with "error", and "field" when one is at fault.
func TestErrorShape(t *testing.T) {
	e := newEnv(t, tempDB(t), nil, WithMaxBody(64))
	tests := []struct {
		name        string
		method, url string
		body        any
		token       string
		code        int
		field       string
	}{
		{"an unknown route", "GET", "/nope", nil, adminToken, http.StatusNotFound, ""},
		{"a method a route does not serve", "DELETE", "/cases/C-1", nil, adminToken, http.StatusMethodNotAllowed, ""},
		{"no token", "GET", "/policy", nil, "", http.StatusUnauthorized, "authorization"},
		{"a role the route does not admit", "GET", "/report?from=2025-09-29&to=2025-10-05", nil, clerkToken, http.StatusForbidden, "authorization"},
		{"a body over the limit", "POST", "/cases", `{"id":"` + strings.Repeat("x", 100) + `"}`, adminToken, http.StatusRequestEntityTooLarge, ""},
		{"a bad query parameter", "GET", "/cases/C-1?now=soon", nil, adminToken, http.StatusBadRequest, "now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := e.as(tt.token).callJSON(tt.method, tt.url, tt.body)
			assert.Equal(t, tt.code, code, "%v", out)
			assert.NotEmpty(t, out["error"])
			field, _ := out["field"].(string)
			assert.Equal(t, tt.field, field)
		})
	}
	code, data := e.call("DELETE", "/cases/C-1", nil, "")
	require.Equal(t, http.StatusMethodNotAllowed, code, "%s", data)
}

// TestBusyWriterIs503: while another writer holds the write slot past a request's deadline,
// the request is answered 503 with Retry-After and stores nothing; reads do not wait for the
// slot; once it is free the same request succeeds. The slot is held by the test itself, so
// the outcome does not depend on timing.
func TestBusyWriterIs503(t *testing.T) {
	e := newEnv(t, tempDB(t), nil, WithTimeout(50*time.Millisecond))
	e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "complex"})
	before, body := e.eventCount("C-1"), e.caseBody("C-1")

	e.srv.store.slot <- struct{}{} // another writer holds the slot
	released := false
	release := func() {
		if !released {
			<-e.srv.store.slot
			released = true
		}
	}
	defer release()

	post := func(path string, v any) (int, http.Header, map[string]any) {
		req, err := http.NewRequest("POST", e.http.URL+path, strings.NewReader(mustJSON(t, v)))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+clerkToken)
		resp, err := e.http.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, decodeJSON(resp.Body, &out))
		return resp.StatusCode, resp.Header, out
	}
	event := map[string]any{"type": "transferred", "at": "2025-10-09T10:00:00+08:00", "unit": "仲裁院"}
	code, hdr, out := post("/cases/C-1/events", event)
	assert.Equal(t, http.StatusServiceUnavailable, code, "%v", out)
	assert.Equal(t, "1", hdr.Get("Retry-After"))
	assert.Contains(t, out["error"], "nothing was stored")

	code, hdr, out = post("/cases", map[string]any{"id": "C-2", "accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{"cause": "complex"}})
	assert.Equal(t, http.StatusServiceUnavailable, code, "%v", out)
	assert.Equal(t, "1", hdr.Get("Retry-After"))

	code, out = e.as(adminToken).callJSON("POST", "/policy", string(policyYAML(t, "  from: 2025-01-01", "  from: 2025-01-01\n  until: 2030-12-31")))
	assert.Equal(t, http.StatusServiceUnavailable, code, "%v", out)
	assert.Equal(t, sla.Default().Hash(), e.activeVersions()["2025.1"], "the policy was not swapped")

	// Reads go on while the slot is held.
	st := e.status("C-1", "2025-10-09T12:00:00%2B08:00")
	assert.Equal(t, "C-1", get(st, "case", "id"))

	assert.Equal(t, before, e.eventCount("C-1"))
	assert.Equal(t, body, e.caseBody("C-1"))
	var n int
	require.NoError(t, e.queryRow(`SELECT COUNT(*) FROM cases`).Scan(&n))
	assert.Equal(t, 1, n)

	release()
	code, _, out = post("/cases/C-1/events", event)
	assert.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, before+1, e.eventCount("C-1"))
}

// TestAppendDoesNotReplayUnderTheSlot: the first attempt of an append reads and replays the
// case without the write slot: while another writer holds the slot, the append's compute
// (Apply, statuses, explanation) runs all the same, and only its short conditional write
// waits. Once the slot is free the event is stored with the row's event count.
func TestAppendDoesNotReplayUnderTheSlot(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "historical_legacy"})
	p := sla.Default()
	ev := sla.Event{Type: sla.EventTransferred, At: time.Date(2025, 10, 9, 10, 0, 0, 0, calendar.CST()), Unit: "U"}

	e.srv.store.slot <- struct{}{} // another writer holds the slot
	computed := make(chan struct{}, 2)
	done := make(chan error, 1)
	go func() {
		_, err := e.srv.store.appendEvent(t.Context(), "C-1", func(sc storedCase) (sla.Case, error) {
			computed <- struct{}{}
			return p.Apply(sc.Case, ev)
		}, testClock())
		done <- err
	}()
	select {
	case <-computed: // the replay ran while the slot was held
	case <-time.After(5 * time.Second):
		t.Fatal("the append did not compute while another writer held the slot")
	}
	select {
	case err := <-done:
		t.Fatalf("the append finished (%v) while the slot was held", err)
	default:
	}
	<-e.srv.store.slot
	require.NoError(t, <-done)
	assert.Len(t, computed, 0, "computed once: no retry was needed")
	var count int
	require.NoError(t, e.queryRow(`SELECT event_count FROM cases WHERE id = 'C-1'`).Scan(&count))
	assert.Equal(t, 3, count)
	assert.Equal(t, 3, e.eventCount("C-1"))
}

// TestCaseAtMaxEvents: a case that holds sla.MaxEvents events takes no more; the refusal is a
// 409 and stores nothing.
func TestCaseAtMaxEvents(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "historical_legacy"})
	// Fill the case directly in the database (through HTTP it would take MaxEvents requests)
	// with transfers, each of which fits after the one before.
	sc, err := e.srv.store.getCase(t.Context(), e.db, "C-1")
	require.NoError(t, err)
	c := sc.Case
	at := time.Date(2025, 10, 9, 9, 0, 0, 0, calendar.CST())
	for len(c.Events) < sla.MaxEvents {
		c.Events = append(c.Events, sla.Event{Type: sla.EventTransferred, At: at, Unit: "U"})
	}
	require.NoError(t, sla.Default().Validate(c))
	_, err = e.exec(`DELETE FROM events WHERE case_id = 'C-1'`)
	require.NoError(t, err)
	_, err = e.exec(`UPDATE cases SET body = ?, event_count = ? WHERE id = 'C-1'`, mustJSON(t, c), len(c.Events))
	require.NoError(t, err)
	body := e.caseBody("C-1")

	code, out := e.callJSON("POST", "/cases/C-1/events", map[string]any{"type": "closed", "at": "2025-10-10T10:00:00+08:00"})
	assert.Equal(t, http.StatusConflict, code, "%v", out)
	assert.Contains(t, out["error"], "nothing was stored")
	assert.Equal(t, body, e.caseBody("C-1"))
}
