// Command embed is the backend of a service portal in one file, written against the library's
// API alone: the clerk's intake form is a Go struct the rules read through `shixian` tags; the
// policy is a History of versions, next year's added with one activation; each case's event log
// is stored as JSON in the portal's own table; a case's status is answered as JSON; and every
// error becomes an HTTP status by errors.Is and errors.As — a 4xx with the field to correct
// for what the clerk sent, a 500 for the rest — never by reading a message.
//
// It runs a short script of requests against its own handler and prints the answers. Run it
// from the repository root (it reads examples/policychange/xinyu-1310-2026.yaml):
//
//	go run ./examples/embed
//
// No wall clock is read: every request says its instant, so the output is golden-tested.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

// Intake is the clerk's form. Tagged fields are the policy's input fields, checked against the
// policy's schema once, on first use (a misspelt tag or a field of the wrong Go type is an
// error naming both); omitempty lets an empty field take the policy's default. Name, untagged,
// is for the portal, not the rules.
type Intake struct {
	Cause    string   `json:"cause" shixian:"cause"`
	Category string   `json:"category" shixian:"category,omitempty"`
	Channel  string   `json:"channel" shixian:"channel,omitempty"`
	Tags     []string `json:"tags" shixian:"tags,omitempty"`
	Name     string   `json:"name"`
}

// backend is the portal: the active policy history and a table of cases (id → case JSON).
type backend struct {
	policy *sla.Holder
	mu     sync.Mutex
	table  map[string][]byte
}

func main() {
	if err := run(os.Stdout, "."); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

// run starts the backend with the 2025 policy, activates 2026 beside it, and sends the
// script; root is the repository root.
func run(out io.Writer, root string) error {
	h, err := sla.NewHistory(sla.Default()) // 2025.1, open-ended
	if err != nil {
		return err
	}
	holder, err := sla.NewHolder(h)
	if err != nil {
		return err
	}
	// Next year's version, as published: the 2025 file keeps its bytes and hash, and its range
	// now ends where 2026 begins. A real portal passes its suites here (slatest.Check).
	next, err := sla.LoadPolicy(filepath.Join(root, "examples/policychange/xinyu-1310-2026.yaml"))
	if err != nil {
		return err
	}
	if err := holder.Activate(next); err != nil {
		return err
	}
	b := &backend{policy: holder, table: map[string][]byte{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cases", b.accept)
	mux.HandleFunc("POST /cases/{id}/events", b.event)
	mux.HandleFunc("GET /cases/{id}", b.status)
	mux.HandleFunc("GET /report", b.report)

	garble := func() { b.table["W-9"] = []byte(`{"schema":1,"id":"W-9","events":[`) } // a disk fault, a bad migration
	for _, r := range []struct {
		note, method, path, body string
		before                   func()
	}{
		{"a case accepted in 2025 is classified by 2025.1", "POST", "/cases",
			`{"id":"W-1","accepted":"2025-12-30T10:00:00+08:00","intake":{"cause":"complex","name":"李"}}`, nil},
		{"a group case accepted in 2026 goes to T10 under 2026.1", "POST", "/cases",
			`{"id":"W-2","accepted":"2026-01-05T09:30:00+08:00","intake":{"cause":"complex","tags":["group_case"]}}`, nil},
		{"a cause the policy does not declare: 400 naming the form field", "POST", "/cases",
			`{"id":"W-3","accepted":"2026-01-05T09:30:00+08:00","intake":{"cause":"weather"}}`, nil},
		{"an acceptance the calendar cannot count: 400", "POST", "/cases",
			`{"id":"W-4","accepted":"2055-01-05T09:30:00+08:00","intake":{"cause":"complex"}}`, nil},
		{"a pause without a reason: 400 naming the event field", "POST", "/cases/W-1/events",
			`{"type":"paused","at":"2025-12-31T10:00:00+08:00"}`, nil},
		{"a resume without a pause: 409, the event does not fit", "POST", "/cases/W-1/events",
			`{"type":"resumed","at":"2025-12-31T10:00:00+08:00"}`, nil},
		{"closing W-1 on 2026-01-06, judged by 2025.1 (its version for life)", "POST", "/cases/W-1/events",
			`{"type":"closed","at":"2026-01-06T16:00:00+08:00"}`, nil},
		{"W-2's status", "GET", "/cases/W-2?now=2026-01-12T09:00:00%2B08:00", "", nil},
		{"one report over both versions", "GET", "/report?from=2025-12-01&to=2026-01-31&now=2026-01-20T12:00:00%2B08:00", "", nil},
		{"a row the store garbled is the server's fault, not the clerk's: 500", "GET", "/cases/W-9?now=2026-01-12T09:00:00%2B08:00", "", garble},
	} {
		if r.before != nil {
			r.before()
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(r.method, r.path, strings.NewReader(r.body)))
		fmt.Fprintf(out, "# %s\n%s %s → %d\n%s\n", r.note, r.method, r.path, rec.Code, rec.Body.String())
	}
	return nil
}

// accept answers POST /cases: classify the form and open the case with the version in effect
// at its acceptance, and store it.
func (b *backend) accept(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID       string    `json:"id"`
		Accepted time.Time `json:"accepted"`
		Intake   Intake    `json:"intake"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		reply(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	c, d, err := b.policy.Current().Accept(req.ID, req.Intake, req.Accepted)
	if err != nil {
		fail(w, err)
		return
	}
	if err := b.save(c); err != nil {
		fail(w, err)
		return
	}
	reply(w, http.StatusCreated, map[string]any{
		"id": c.ID, "tier": d.Tier, "rule": d.RuleID, "policy_version": d.PolicyVersion, "due": d.Due,
	})
}

// event answers POST /cases/{id}/events: append one event to the stored log.
func (b *backend) event(w http.ResponseWriter, r *http.Request) {
	c, err := b.load(r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		fail(w, err)
		return
	}
	e, err := sla.DecodeEvent("body", body)
	if err != nil {
		fail(w, err)
		return
	}
	hist := b.policy.Current()
	next, err := hist.Apply(c, e)
	if err != nil {
		fail(w, err)
		return
	}
	st, err := hist.StatusAt(next, e.At)
	if err != nil {
		fail(w, err)
		return
	}
	if err := b.save(next); err != nil {
		fail(w, err)
		return
	}
	reply(w, http.StatusOK, map[string]any{"state": st.State, "closed": st.Closed})
}

// status answers GET /cases/{id}?now=…: the status in the library's JSON form.
func (b *backend) status(w http.ResponseWriter, r *http.Request) {
	now, err := time.Parse(time.RFC3339, r.URL.Query().Get("now"))
	if err != nil {
		reply(w, http.StatusBadRequest, map[string]string{"error": "now: " + err.Error(), "field": "now"})
		return
	}
	c, err := b.load(r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	st, err := b.policy.Current().StatusAt(c, now)
	if err != nil {
		fail(w, err)
		return
	}
	reply(w, http.StatusOK, st)
}

// report answers GET /report: every stored case, each judged by its own version.
func (b *backend) report(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var opts sla.ReportOptions
	for _, f := range []struct {
		name string
		to   *time.Time
		fmt  string
	}{{"from", &opts.From, time.DateOnly}, {"to", &opts.To, time.DateOnly}, {"now", &opts.Now, time.RFC3339}} {
		t, err := time.ParseInLocation(f.fmt, q.Get(f.name), sla.Default().Calendar().Location())
		if err != nil {
			reply(w, http.StatusBadRequest, map[string]string{"error": f.name + ": " + err.Error(), "field": f.name})
			return
		}
		*f.to = t
	}
	var cases []sla.Case
	b.mu.Lock()
	ids := slices.Sorted(maps.Keys(b.table))
	b.mu.Unlock()
	for _, id := range ids {
		c, err := b.load(id)
		if err != nil {
			fail(w, err)
			return
		}
		cases = append(cases, c)
	}
	rep, err := b.policy.Current().Report(cases, opts)
	if err != nil {
		fail(w, err)
		return
	}
	reply(w, http.StatusOK, map[string]any{"policy_version": rep.PolicyVersion, "total": rep.Total})
}

// fail maps an error to an answer by its type alone. What the clerk sent is a 4xx naming the
// field to correct; anything else is a 500 whose details stay in the server's log.
func fail(w http.ResponseWriter, err error) {
	var fe *rules.FieldError
	var ee *sla.EventError
	switch {
	case errors.Is(err, errNotFound):
		reply(w, http.StatusNotFound, map[string]string{"error": err.Error(), "field": "id"})
	case errors.As(err, &fe):
		reply(w, http.StatusBadRequest, map[string]string{"error": err.Error(), "field": "intake." + fe.Field})
	case errors.As(err, &ee):
		code, field := http.StatusConflict, ee.Field // the event does not fit the case
		if errors.Is(err, sla.ErrEventField) {
			code = http.StatusBadRequest // a field of the event is wrong
		}
		if field == "" {
			field = "event"
		}
		reply(w, code, map[string]string{"error": err.Error(), "field": field})
	case errors.Is(err, sla.ErrInvalid):
		reply(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	default:
		// A real portal logs err with the request id.
		reply(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
	}
}

var errNotFound = errors.New("no such case")

// save stores c's JSON: the case, with its whole event log, is one row of the portal's table.
func (b *backend) save(c sla.Case) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.table[c.ID] = data
	return nil
}

// load reads a stored case. The row was written by save, so a row that does not decode is
// the store's fault, not the request's: its error is wrapped as a plain error (not
// sla.ErrInvalid), which fail answers with a 500.
func (b *backend) load(id string) (sla.Case, error) {
	b.mu.Lock()
	data, ok := b.table[id]
	b.mu.Unlock()
	if !ok {
		return sla.Case{}, fmt.Errorf("%w: %s", errNotFound, id)
	}
	c, err := decode(data)
	if err != nil {
		return sla.Case{}, fmt.Errorf("stored case %s: %v", id, err) // %v: the store's fault hides the cause's class
	}
	return c, nil
}

func decode(data []byte) (sla.Case, error) {
	var c sla.Case
	err := c.UnmarshalJSON(data)
	return c, err
}

func reply(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		code, buf = http.StatusInternalServerError, *bytes.NewBufferString(`{"error":"internal error"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}
