package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

// suitePath is the default policy's suite, used as the check of POST /policy.
const suitePath = "../policies/xinyu-1310.suite.yaml"

// testClock is the wall clock the tests give the server, so that bookkeeping is deterministic.
var testClock = func() time.Time { return time.Date(2025, 10, 20, 9, 0, 0, 0, calendar.CST()) }

// Test tokens, one per role; secrets of the minimum length and more.
const (
	clerkToken      = "clerk-secret-0123456789abcdefghijklmnop"
	supervisorToken = "supervisor-secret-0123456789abcdefghij"
	adminToken      = "admin-secret-0123456789abcdefghijklmnop"
)

// testTokens accepts the three test tokens, named after their roles' holders.
func testTokens(t testing.TB) *Tokens {
	t.Helper()
	tokens, err := NewTokens(
		Token{Role: RoleClerk, Name: "clerk-wang", Secret: clerkToken},
		Token{Role: RoleSupervisor, Name: "supervisor-li", Secret: supervisorToken},
		Token{Role: RoleAdmin, Name: "admin-zhao", Secret: adminToken},
	)
	require.NoError(t, err)
	return tokens
}

// env is one running portal over an SQLite file: the database, the server and its httptest
// front end.
type env struct {
	t      *testing.T
	path   string
	db     *sql.DB
	driver string // the database/sql driver of db: "sqlite", or "pgx" (pg_test.go)
	holder *sla.Holder
	srv    *Server
	http   *httptest.Server
	// token is sent as the bearer token of every call (adminToken unless as says otherwise;
	// "" sends no Authorization header).
	token string
}

// as returns a view of the environment whose calls carry token.
func (e *env) as(token string) *env {
	c := *e
	c.token = token
	return &c
}

// newEnv starts a portal on the database file path (created if missing) with base as the
// policy it is started with (nil: sla.Default()).
func newEnv(t *testing.T, path string, base *sla.Policy, opts ...Option) *env {
	t.Helper()
	if base == nil {
		base = sla.Default()
	}
	db, driver := openTestDB(t, path)
	h, err := sla.NewHistory(base)
	require.NoError(t, err)
	holder, err := sla.NewHolder(h)
	require.NoError(t, err)
	srv, err := NewServer(db, holder, append([]Option{WithDriverName(driver), WithClock(testClock), WithTokens(testTokens(t))}, opts...)...)
	require.NoError(t, err)
	e := &env{t: t, path: path, db: db, driver: driver, holder: holder, srv: srv, http: httptest.NewServer(srv.Handler()), token: adminToken}
	t.Cleanup(e.close)
	return e
}

func tempDB(t *testing.T) string { return filepath.Join(t.TempDir(), "portal.db") }

// close stops the HTTP server and closes the database; closing twice is harmless.
func (e *env) close() {
	if e.http != nil {
		e.http.Close()
		e.http = nil
	}
	if e.db != nil {
		require.NoError(e.t, e.db.Close())
		e.db = nil
	}
}

// call sends a request; body may be nil, a string or []byte (sent as is), or any other value
// (sent as JSON). It returns the status code and the response body.
func (e *env) call(method, path string, body any, contentType string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(e.t, err)
		rd = bytes.NewReader(data)
		if contentType == "" {
			contentType = "application/json"
		}
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	require.NoError(e.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	resp, err := e.http.Client().Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp.StatusCode, data
}

// callJSON is call with the response decoded into a generic JSON value.
func (e *env) callJSON(method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	code, data := e.call(method, path, body, "")
	var out map[string]any
	require.NoError(e.t, json.Unmarshal(data, &out), "response %d is not a JSON object: %s", code, data)
	return code, out
}

// mustCreate creates a case and requires 201.
func (e *env) mustCreate(id, accepted string, input map[string]any) map[string]any {
	e.t.Helper()
	code, out := e.callJSON("POST", "/cases", map[string]any{"id": id, "accepted": accepted, "input": input})
	require.Equal(e.t, http.StatusCreated, code, "%v", out)
	return out
}

// mustEvent appends an event and requires 200.
func (e *env) mustEvent(id string, ev map[string]any) map[string]any {
	e.t.Helper()
	code, out := e.callJSON("POST", "/cases/"+id+"/events", ev)
	require.Equal(e.t, http.StatusOK, code, "%v", out)
	return out
}

// status returns GET /cases/{id}?now=… and requires 200.
func (e *env) status(id, now string) map[string]any {
	e.t.Helper()
	code, out := e.callJSON("GET", "/cases/"+id+"?now="+now, nil)
	require.Equal(e.t, http.StatusOK, code, "%v", out)
	return out
}

// eventCount counts the rows of events of a case directly in the database.
func (e *env) eventCount(id string) int {
	e.t.Helper()
	var n int
	require.NoError(e.t, e.queryRow(`SELECT COUNT(*) FROM events WHERE case_id = ?`, id).Scan(&n))
	return n
}

// caseBody returns the stored JSON body of a case.
func (e *env) caseBody(id string) string {
	e.t.Helper()
	var body string
	require.NoError(e.t, e.queryRow(`SELECT body FROM cases WHERE id = ?`, id).Scan(&body))
	return body
}

// get walks a decoded JSON value by keys.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// defaultPolicyWith returns the default policy's YAML with each old string replaced by new
// (each must occur), parsed under name.
func policyYAML(t *testing.T, replacements ...string) []byte {
	t.Helper()
	text := string(sla.DefaultPolicyYAML())
	for i := 0; i+1 < len(replacements); i += 2 {
		require.Contains(t, text, replacements[i])
		text = strings.Replace(text, replacements[i], replacements[i+1], 1)
	}
	return []byte(text)
}

func parsePolicy(t *testing.T, data []byte) *sla.Policy {
	t.Helper()
	p, err := sla.ParsePolicy("test-policy.yaml", data)
	require.NoError(t, err)
	return p
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

// mustJSON encodes v as JSON text.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return string(data)
}

// decodeJSON decodes one JSON value from r into v.
func decodeJSON(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
