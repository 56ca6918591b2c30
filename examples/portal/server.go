package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

// DefaultMaxBody is the default limit on a request body, in bytes (1 MiB): far more than any
// case, event or policy file, small enough that a runaway client cannot exhaust memory.
const DefaultMaxBody = 1 << 20

// MaxIDLength bounds a case id, in bytes.
const MaxIDLength = 200

// Server is the portal's HTTP JSON service over a database/sql store and a hot-reloadable
// policy history. Create it with NewServer; it is safe for concurrent use by any number of
// requests.
//
// Time: every instant that affects a deadline comes from the request (acceptance time, event
// time, `now`). The wall clock is read in one place, the HTTP layer (Server.clock): as the
// default `now` of GET /cases/{id} and GET /report when the query omits it, and for the
// bookkeeping columns updated_at and activated_at, which no deadline depends on.
type Server struct {
	store    *store
	holder   *sla.Holder
	checks   []sla.Check
	clock    func() time.Time
	maxBody  int64
	logger   *log.Logger
	tokens   *Tokens
	readDB   *sql.DB
	timeout  time.Duration
	policyMu sync.Mutex // serialises POST /policy so that the database and the holder agree
	shadow   shadowSlot // the shadow run of a candidate policy (shadow.go)

	// reminders is nil when the portal keeps no reminder schedule (reminders.go).
	reminders *Reminders
}

// DefaultTimeout is how long a request may take by default before the portal gives up waiting
// for the database (the write slot or a read connection) and answers 503 with Retry-After.
const DefaultTimeout = 5 * time.Second

// DefaultReportTimeout bounds GET /report, which reads every case and may legitimately take
// longer than one case's request.
const DefaultReportTimeout = 2 * time.Minute

// Option configures a Server.
type Option func(*Server) error

// WithDriverName sets the driver name the *sql.DB was opened with (as given to sql.Open), which
// picks the placeholder style (see DialectFor). The default is "sqlite".
func WithDriverName(name string) Option {
	return func(s *Server) error {
		s.store.dialect = DialectFor(name)
		return nil
	}
}

// WithChecks adds checks that a policy posted to POST /policy must pass before it is swapped
// in, typically slatest.Check(suitePaths...) or slatest.CheckData(name, data).
func WithChecks(checks ...sla.Check) Option {
	return func(s *Server) error {
		s.checks = append(s.checks, checks...)
		return nil
	}
}

// WithClock replaces the wall clock (time.Now) the HTTP layer reads for default `now` values
// and bookkeeping timestamps; tests use it to be deterministic.
func WithClock(clock func() time.Time) Option {
	return func(s *Server) error {
		if clock == nil {
			return errors.New("portal: WithClock: nil clock")
		}
		s.clock = clock
		return nil
	}
}

// WithMaxBody sets the request body limit in bytes (default DefaultMaxBody).
func WithMaxBody(n int64) Option {
	return func(s *Server) error {
		if n <= 0 {
			return fmt.Errorf("portal: WithMaxBody(%d): the limit must be positive", n)
		}
		s.maxBody = n
		return nil
	}
}

// WithTokens sets the bearer tokens the server accepts (see LoadTokens, ParseTokens,
// NewTokens). It is required: a server without tokens would be open to anyone.
func WithTokens(t *Tokens) Option {
	return func(s *Server) error {
		if t == nil || len(t.entries) == 0 {
			return errors.New("portal: WithTokens: no tokens")
		}
		s.tokens = t
		return nil
	}
}

// WithReadDB gives the server a separate pool for reads (GET /cases/{id}, GET /report,
// GET /policy/history, and the first read of an append), so that readers never queue behind
// the writer for a connection. For SQLite open it with OpenSQLiteReader on the same file. The
// default is the database given to NewServer.
func WithReadDB(db *sql.DB) Option {
	return func(s *Server) error {
		if db == nil {
			return errors.New("portal: WithReadDB: nil database")
		}
		s.readDB = db
		return nil
	}
}

// WithTimeout sets how long a request may wait for the database before it is answered 503
// with Retry-After (default DefaultTimeout; GET /report gets DefaultReportTimeout or d,
// whichever is longer).
func WithTimeout(d time.Duration) Option {
	return func(s *Server) error {
		if d <= 0 {
			return fmt.Errorf("portal: WithTimeout(%v): the timeout must be positive", d)
		}
		s.timeout = d
		return nil
	}
}

// WithLogger sets where server faults (500s) are logged; the default discards them.
func WithLogger(l *log.Logger) Option {
	return func(s *Server) error {
		s.logger = l
		return nil
	}
}

// NewServer creates the schema if it is missing, restores the policies activated through
// POST /policy in earlier runs into holder (so that a restart keeps the active history), and
// returns the server. db and holder are shared, not copied: the caller closes db after the
// server is done. Errors: nil db or holder, a schema or database error, a stored policy that
// no longer parses or does not fit the holder's history (e.g. the server was started with a
// policy of another id than the database's).
func NewServer(db *sql.DB, holder *sla.Holder, opts ...Option) (*Server, error) {
	if db == nil {
		return nil, errors.New("portal: NewServer: nil database")
	}
	if holder == nil {
		return nil, errors.New("portal: NewServer: nil policy holder")
	}
	s := &Server{
		store:   newStore(db, nil, DialectQuestion),
		holder:  holder,
		clock:   time.Now,
		maxBody: DefaultMaxBody,
		logger:  log.New(io.Discard, "", 0),
		timeout: DefaultTimeout,
	}
	for _, opt := range opts {
		if err := opt(s); err != nil {
			return nil, err
		}
	}
	if s.tokens == nil {
		return nil, errors.New("portal: NewServer: no tokens (WithTokens): every request but GET /healthz needs one")
	}
	if s.readDB != nil {
		s.store.read = s.readDB
	}
	ctx := context.Background()
	applied, err := s.store.migrate(ctx)
	if err != nil {
		return nil, err
	}
	s.store.next = s.nextLookNow
	if err := s.store.prepare(ctx); err != nil {
		return nil, err
	}
	if err := s.restorePolicies(ctx); err != nil {
		return nil, err
	}
	if err := s.auditStart(ctx); err != nil {
		return nil, err
	}
	if slices.Contains(applied, 2) { // cases.next_change is new: fill it (reminders.go)
		if err := s.refreshNextChanges(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// restorePolicies activates the stored policies into the holder. Each stored row is the latest
// activation of its version, so the result is the same set of versions the holder had before
// the restart. Activation order can matter (a version that ends an open-ended one must be in
// before the one that follows it), so versions that do not fit yet are retried until no more
// fit.
func (s *Server) restorePolicies(ctx context.Context) error {
	stored, err := s.store.policies(ctx)
	if err != nil {
		return fmt.Errorf("portal: reading stored policies: %w", err)
	}
	pending := make([]*sla.Policy, 0, len(stored))
	for _, sp := range stored {
		p, err := sla.ParsePolicy(fmt.Sprintf("policy %s %s (database)", sp.ID, sp.Version), sp.Body)
		if err != nil {
			return fmt.Errorf("portal: stored policy %s %s no longer parses: %w", sp.ID, sp.Version, err)
		}
		if p.Hash() != sp.Hash {
			return fmt.Errorf("portal: stored policy %s %s: body hash %s does not match the stored hash %s", sp.ID, sp.Version, p.Hash(), sp.Hash)
		}
		if cur := s.holder.Current(); p.ID() != cur.ID() {
			return fmt.Errorf("portal: the database holds policy %q, but the server was started with policy %q", p.ID(), cur.ID())
		}
		pending = append(pending, p)
	}
	for len(pending) > 0 {
		var failed []*sla.Policy
		var errs []error
		for _, p := range pending {
			if err := s.holder.Activate(p); err != nil {
				failed = append(failed, p)
				errs = append(errs, err)
			}
		}
		if len(failed) == len(pending) {
			return fmt.Errorf("portal: restoring stored policies: %w", errors.Join(errs...))
		}
		pending = failed
	}
	return nil
}

// auditStart records in the audit trail every active version whose content differs from the
// last the trail knows for it (who: "(start-up)"): the policy the server was started with on a
// first start, and a policy file edited between two runs under the same version string, which
// the trail would otherwise never show.
func (s *Server) auditStart(ctx context.Context) error {
	// The trail is read and written in one write transaction, so that replicas starting
	// together do not both record the same start (lockPolicies).
	return s.store.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.store.lockPolicies(ctx, tx); err != nil {
			return err
		}
		entries, err := s.store.auditLogFrom(ctx, tx)
		if err != nil {
			return fmt.Errorf("portal: reading the policy audit: %w", err)
		}
		last := map[string]string{}
		for _, e := range entries {
			last[e.Version] = e.NewHash
		}
		now := dbTime(s.clock())
		for _, p := range s.holder.Current().Versions() {
			old, seen := last[p.Version()]
			if seen && old == p.Hash() {
				continue
			}
			action := "loaded_at_start"
			if seen {
				action = "changed_at_start"
			}
			if err := s.store.audit(ctx, tx, auditEntry{At: now, Who: "(start-up)", Role: "", PolicyID: p.ID(), Version: p.Version(), OldHash: old, NewHash: p.Hash(), Action: action}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Handler returns the HTTP handler. Every route but GET /healthz needs
// `Authorization: Bearer <token>` (401 without a known token, 403 for a role the route does
// not admit):
//
//	route                       clerk  supervisor  admin
//	GET  /healthz               (no token needed)
//	POST /cases                   ✓                  ✓     accept and classify a case
//	POST /cases/{id}/events       ✓                  ✓     append an event
//	GET  /cases/{id}              ✓        ✓         ✓     status with explanation
//	GET  /report                           ✓         ✓     weekly/monthly report (json, csv, md)
//	GET  /policy                  ✓        ✓         ✓     the active policy versions
//	GET  /policy/history                   ✓         ✓     who activated which policy, when
//	POST /policy                                     ✓     hot reload of a policy version
//	POST /policy?mode=shadow                         ✓     shadow a candidate (shadow.go)
//	GET  /policy/shadow                    ✓         ✓     the shadow run's counts and disagreements
//	DELETE /policy/shadow                            ✓     stop the shadow run
//	GET  /board                            ✓         ✓     the supervision board, HTML (board.go)
//	GET  /calendar/{handler}.ics  (own)    ✓         ✓     a handler's deadlines, iCalendar (ics.go)
//
// Every answer that is not a success is JSON of one shape (apiError), unknown routes and
// methods included.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	clerk := []Role{RoleClerk, RoleAdmin}
	reader := []Role{RoleClerk, RoleSupervisor, RoleAdmin}
	overseer := []Role{RoleSupervisor, RoleAdmin}
	admin := []Role{RoleAdmin}
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("POST /cases", s.guard(clerk, s.timeout, s.createCase))
	mux.Handle("POST /cases/{id}/events", s.guard(clerk, s.timeout, s.appendEvent))
	mux.Handle("GET /cases/{id}", s.guard(reader, s.timeout, s.getCase))
	mux.Handle("GET /report", s.guard(overseer, max(s.timeout, DefaultReportTimeout), s.report))
	mux.Handle("GET /policy", s.guard(reader, s.timeout, s.getPolicy))
	mux.Handle("GET /policy/history", s.guard(overseer, s.timeout, s.policyHistory))
	mux.Handle("POST /policy", s.guard(admin, s.timeout, s.postPolicy))
	s.shadowRoutes(mux, overseer, admin)
	mux.Handle("GET /reminders", s.guard(overseer, s.timeout, s.listReminders))
	mux.Handle("GET /board", s.guard(overseer, max(s.timeout, DefaultReportTimeout), s.board))
	mux.Handle("GET /calendar/{file}", s.guard(reader, max(s.timeout, DefaultReportTimeout), s.staffCalendar))
	// The same paths without a method answer 405 in JSON (a method pattern is more specific,
	// so these only catch the methods not served); "/" answers 404 in JSON.
	for path, allow := range map[string]string{
		"/healthz": "GET, HEAD", "/cases": "POST", "/cases/{id}/events": "POST", "/cases/{id}": "GET, HEAD",
		"/report": "GET, HEAD", "/policy": "GET, HEAD, POST", "/policy/history": "GET, HEAD",
		"/reminders": "GET, HEAD", "/board": "GET, HEAD", "/calendar/{file}": "GET, HEAD",
	} {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			fail(w, http.StatusMethodNotAllowed, "", "method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, allow)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusNotFound, "", "no route %s %s", r.Method, r.URL.Path)
	})
	return mux
}

// identityKey is the context key of the request's identity.
type identityKey struct{}

// guard authenticates the request, checks its role against roles, and runs h with a deadline
// of timeout: a request that cannot have the database before then is answered 503.
func (s *Server) guard(roles []Role, timeout time.Duration, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret := bearer(r.Header.Get("Authorization"))
		if secret == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="portal"`)
			fail(w, http.StatusUnauthorized, "authorization", "authentication required: send Authorization: Bearer <token>")
			return
		}
		id, ok := s.tokens.lookup(secret)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="portal", error="invalid_token"`)
			fail(w, http.StatusUnauthorized, "authorization", "the bearer token is not valid")
			return
		}
		if !slices.Contains(roles, id.role) {
			names := make([]string, len(roles))
			for i, r := range roles {
				names[i] = string(r)
			}
			fail(w, http.StatusForbidden, "authorization", "%s (role %s) may not %s %s; roles allowed: %s", id.name, id.role, r.Method, r.Pattern, strings.Join(names, ", "))
			return
		}
		ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), identityKey{}, id), timeout)
		defer cancel()
		h(w, r.WithContext(ctx))
	})
}

func identityOf(r *http.Request) identity {
	id, _ := r.Context().Value(identityKey{}).(identity)
	return id
}

// healthz answers 200 when the database answers, 503 otherwise; it needs no token and tells
// nothing about cases or policies.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	if err := s.store.read.PingContext(ctx); err != nil {
		s.logger.Printf("healthz: %v", err)
		w.Header().Set("Retry-After", "1")
		fail(w, http.StatusServiceUnavailable, "", "the database does not answer")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// apiError is the JSON body of every error response.
type apiError struct {
	Error string `json:"error"`
	// Field names the request field at fault, as a dotted path ("input.cause"), or a query
	// parameter; empty when the fault is not one field's.
	Field string `json:"field,omitempty"`
	// Problems lists every problem of an invalid policy, each with its position.
	Problems []problemJSON `json:"problems,omitempty"`
	// Failures lists why a policy was not activated (failing suite cases, history conflicts).
	Failures []string `json:"failures,omitempty"`
}

type problemJSON struct {
	Position string `json:"position"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Message  string `json:"message"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":"internal error: encoding the response"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

func fail(w http.ResponseWriter, code int, field, format string, args ...any) {
	writeJSON(w, code, apiError{Error: fmt.Sprintf(format, args...), Field: field})
}

// fault answers 503 with Retry-After when err means the database was busy past the request's
// deadline, and 500 for a real server fault, logging the cause; the client gets no internals.
// Either way nothing was stored.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, err error) {
	if isBusy(err) {
		w.Header().Set("Retry-After", "1")
		fail(w, http.StatusServiceUnavailable, "", "the service is busy; nothing was stored; retry later")
		return
	}
	s.logger.Printf("%s %s: %v", r.Method, r.URL.Path, err)
	fail(w, http.StatusInternalServerError, "", "internal server error")
}

// decodeBody decodes one JSON object from the limited body into v, rejecting unknown fields,
// trailing data and invalid UTF-8. On failure it has written the 400/413 answer and returns
// false.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	data, ok := s.readBody(w, r)
	if !ok {
		return false
	}
	if e := checkUTF8(data); e != nil {
		writeJSON(w, http.StatusBadRequest, e)
		return false
	}
	if err := decodeStrict(data, v); err != nil {
		writeJSON(w, http.StatusBadRequest, *err)
		return false
	}
	return true
}

// checkUTF8 refuses a body that is not valid UTF-8, naming the field that holds the bad bytes
// when the body is a JSON object. It runs on the raw bytes because encoding/json replaces
// invalid bytes with U+FFFD without a word, and a stored id or reason would then differ from
// what the client sent.
func checkUTF8(data []byte) *apiError {
	if utf8.Valid(data) {
		return nil
	}
	field := invalidUTF8Field(data, "")
	msg := "the request body is not valid UTF-8"
	if field != "" {
		msg = "field " + field + " is not valid UTF-8"
	}
	return &apiError{Error: msg, Field: field}
}

// invalidUTF8Field finds the dotted path of the first (in key order) member of a JSON object
// whose raw bytes are not valid UTF-8; "" when data is not an object or a key itself is bad.
func invalidUTF8Field(data []byte, prefix string) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return ""
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if raw := obj[k]; !utf8.Valid(raw) {
			if !utf8.ValidString(k) || strings.ContainsRune(k, utf8.RuneError) {
				return ""
			}
			if inner := invalidUTF8Field(raw, prefix+k+"."); inner != "" {
				return inner
			}
			return prefix + k
		}
	}
	return ""
}

// readBody reads the whole body up to the limit; over it → 413.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, "", "request body is larger than %d bytes", tooBig.Limit)
			return nil, false
		}
		fail(w, http.StatusBadRequest, "", "reading the request body: %v", err)
		return nil, false
	}
	return data, true
}

// decodeStrict decodes exactly one JSON value into v, numbers kept as json.Number so that
// classification inputs keep their precision. The error names the field when json says it.
func decodeStrict(data []byte, v any) *apiError {
	if len(bytes.TrimSpace(data)) == 0 {
		return &apiError{Error: "the request body is empty; a JSON object is required"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field == "":
			return &apiError{Error: fmt.Sprintf("the request body must be a JSON object, got JSON %s", typeErr.Value)}
		case errors.As(err, &typeErr):
			return &apiError{Error: fmt.Sprintf("field %s: expected %s, got JSON %s", typeErr.Field, typeErr.Type, typeErr.Value), Field: typeErr.Field}
		case errors.As(err, &syntaxErr):
			return &apiError{Error: fmt.Sprintf("malformed JSON at byte %d: %v", syntaxErr.Offset, err)}
		}
		if name, ok := unknownField(data, reflect.TypeOf(v)); ok {
			return &apiError{Error: fmt.Sprintf("unknown field %q", name), Field: name}
		}
		return &apiError{Error: fmt.Sprintf("malformed JSON: %v", err)}
	}
	if dec.More() {
		return &apiError{Error: "malformed JSON: more than one value in the body"}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &apiError{Error: "malformed JSON: trailing data after the object"}
	}
	return nil
}

// unknownField finds a key of the JSON document data that type t does not declare, the
// fault of a body refused by DisallowUnknownFields (whose error carries no field to read). It
// walks structs (by their json names, matched without regard to case as encoding/json does),
// slices and maps; a type that decodes itself (json.Unmarshaler) reports its own errors. Keys
// of one object are tried in sorted order, so the answer is the same on every call.
func unknownField(data []byte, t reflect.Type) (string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return "", false
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) != nil {
			return "", false
		}
		fields := map[string]reflect.Type{}
		jsonFieldsOf(t, fields)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ft, ok := fields[strings.ToLower(k)]
			if !ok {
				return k, true
			}
			if name, ok := unknownField(obj[k], ft); ok {
				return name, true
			}
		}
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if json.Unmarshal(data, &items) != nil {
			return "", false
		}
		for _, it := range items {
			if name, ok := unknownField(it, t.Elem()); ok {
				return name, true
			}
		}
	case reflect.Map:
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) != nil {
			return "", false
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys) // the same body names the same field every time
		for _, k := range keys {
			if name, ok := unknownField(obj[k], t.Elem()); ok {
				return name, true
			}
		}
	}
	return "", false
}

// jsonFieldsOf adds the JSON names (lower-cased) of struct type t's fields to out, with their
// types, flattening embedded structs as encoding/json does.
func jsonFieldsOf(t reflect.Type, out map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				jsonFieldsOf(ft, out)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[strings.ToLower(name)] = f.Type
	}
}

// parseInstant parses an RFC 3339 instant that must carry its UTC offset.
func parseInstant(field, s string) (time.Time, *apiError) {
	if s == "" {
		return time.Time{}, &apiError{Error: field + " is required (RFC 3339, e.g. 2025-09-30T17:00:00+08:00)", Field: field}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, &apiError{Error: fmt.Sprintf("%s %q is not an RFC 3339 instant with an offset (e.g. 2025-09-30T17:00:00+08:00)", field, s), Field: field}
	}
	return t, nil
}

// checkID refuses an id that could not be fetched back by its URL, /cases/{id}: empty, too
// long, not UTF-8 (or holding U+FFFD, the mark of bytes already lost), "." or ".." (path
// cleaning turns /cases/.. into another path), or holding / ? # %, spaces or control
// characters. It is applied to the id of POST /cases and to the raw {id} of every path.
func checkID(id string) *apiError {
	switch {
	case id == "":
		return &apiError{Error: "id is required", Field: "id"}
	case len(id) > MaxIDLength:
		return &apiError{Error: fmt.Sprintf("id is longer than %d bytes", MaxIDLength), Field: "id"}
	case !utf8.ValidString(id):
		return &apiError{Error: "id is not valid UTF-8", Field: "id"}
	case strings.ContainsRune(id, utf8.RuneError):
		return &apiError{Error: "id contains U+FFFD, the replacement character: its text was mangled before it got here", Field: "id"}
	case id == "." || id == "..":
		return &apiError{Error: fmt.Sprintf("id %q is a path segment of its own and cannot be fetched by /cases/{id}", id), Field: "id"}
	case strings.ContainsAny(id, "/?#%"):
		return &apiError{Error: fmt.Sprintf("id %q contains one of / ? # %% (it must fit in a URL path segment)", id), Field: "id"}
	case strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return &apiError{Error: fmt.Sprintf("id %q contains spaces or control characters", id), Field: "id"}
	}
	return nil
}

// caseRequest is the body of POST /cases.
type caseRequest struct {
	ID         string            `json:"id"`
	Accepted   string            `json:"accepted"` // RFC 3339 with offset
	Input      map[string]any    `json:"input"`
	Department string            `json:"department"`
	Handler    string            `json:"handler"`
	Attributes map[string]string `json:"attributes"`
}

// decisionJSON is a classification decision.
type decisionJSON struct {
	Tier          string   `json:"tier"`
	Rule          string   `json:"rule"` // "default" when no rule matched
	Reason        string   `json:"reason"`
	Default       bool     `json:"default"`
	Shadowed      []string `json:"shadowed,omitempty"`
	PolicyID      string   `json:"policy_id"`
	PolicyVersion string   `json:"policy_version"`
	PolicyHash    string   `json:"policy_hash"`
	// Ignored lists the input keys that a policy with `input_extra: ignore` left out of the
	// decision (absent under the default, strict, policy: there such keys are a 400).
	Ignored []string `json:"ignored,omitempty"`
}

// createdJSON is the answer to POST /cases. The case and the deadline are in the library's
// wire format (sla/schema/shixian-v1.schema.json).
type createdJSON struct {
	Case     sla.Case          `json:"case"`
	Decision decisionJSON      `json:"decision"`
	Deadline deadline.Deadline `json:"deadline"`
}

func (s *Server) createCase(w http.ResponseWriter, r *http.Request) {
	var req caseRequest
	if !s.decodeBody(w, r, &req) {
		return
	}
	if e := checkID(req.ID); e != nil {
		writeJSON(w, http.StatusBadRequest, e)
		return
	}
	accepted, e := parseInstant("accepted", req.Accepted)
	if e != nil {
		writeJSON(w, http.StatusBadRequest, e)
		return
	}
	if req.Input == nil {
		req.Input = map[string]any{}
	}
	// The history chooses the version by the acceptance time, never by the wall clock; the
	// decision names it and carries the deadline.
	hist := s.holder.Current()
	c, d, err := hist.Accept(req.ID, req.Input, accepted)
	if err != nil {
		s.classifyError(w, r, err)
		return
	}
	c.Department, c.Handler = req.Department, req.Handler
	if len(req.Attributes) > 0 {
		c.Attributes = req.Attributes
	}
	// The deadline with its explanation, for the answer.
	dl, err := hist.Deadline(d.Tier, accepted)
	if err != nil {
		s.classifyError(w, r, err)
		return
	}
	// A case is stored only if its status can be computed: one that could not be judged would
	// sit in the database answering 422 to every request.
	if _, err := hist.StatusAt(c, accepted); err != nil {
		fail(w, http.StatusUnprocessableEntity, "accepted", "the status of a case accepted %s cannot be computed: %v; nothing was stored", req.Accepted, err)
		return
	}
	// Checked again under the write slot, where POST /policy swaps versions: a case is never
	// stored under a version that stopped governing its acceptance time meanwhile.
	stillGoverns := func() error {
		if q, err := s.holder.Current().Governing(c); err != nil || q.Hash() != d.PolicyHash {
			return errPolicyChanged
		}
		return nil
	}
	switch err := s.store.insertCase(r.Context(), c, d.PolicyVersion, accepted, s.clock(), stillGoverns); {
	case errors.Is(err, errDuplicate):
		fail(w, http.StatusConflict, "id", "case %q exists already", req.ID)
		return
	case errors.Is(err, errPolicyChanged):
		w.Header().Set("Retry-After", "1")
		fail(w, http.StatusServiceUnavailable, "", "the policy changed while the case was being classified; nothing was stored; send it again")
		return
	case err != nil:
		s.fault(w, r, err)
		return
	}
	s.observeShadow(req.ID, req.Input, accepted, d, dl.Due)
	s.remind(hist, c)
	w.Header().Set("Location", "/cases/"+url.PathEscape(req.ID))
	writeJSON(w, http.StatusCreated, createdJSON{Case: c, Decision: decisionOf(d), Deadline: dl})
}

// classifyError maps an Accept error by its type, never by its text: an input problem → 400
// naming "input.<field>"; a rule that failed to evaluate is the portal's own policy's fault →
// 500; any other error of the request (sla.ErrInvalid: no version in effect, a date outside
// the calendar, an id) → 400 on "accepted" or "id"; anything else → 500.
func (s *Server) classifyError(w http.ResponseWriter, r *http.Request, err error) {
	var fieldErr *rules.FieldError
	var ruleErr *rules.RuleError
	switch {
	case errors.As(err, &ruleErr):
		s.fault(w, r, err)
	case errors.As(err, &fieldErr):
		fail(w, http.StatusBadRequest, "input."+fieldErr.Field, "%s", fieldErr.Error())
	case errors.Is(err, sla.ErrInvalid):
		// The id was checked before; what is left of the request is the acceptance time.
		fail(w, http.StatusBadRequest, "accepted", "%v", err)
	default:
		s.fault(w, r, err)
	}
}

func decisionOf(d rules.Decision) decisionJSON {
	rule := d.RuleID
	if d.Default {
		rule = "default"
	}
	return decisionJSON{Tier: d.Tier, Rule: rule, Reason: d.Reason, Default: d.Default, Shadowed: d.Shadowed(),
		PolicyID: d.PolicyID, PolicyVersion: d.PolicyVersion, PolicyHash: d.PolicyHash, Ignored: d.Ignored}
}

// policyFor returns the policy version that governs a stored case, as the active history
// chooses it (the version in effect at its acceptance), for the answer's explanation.
func (s *Server) policyFor(sc storedCase) (*sla.Policy, error) {
	return s.holder.Current().Governing(sc.Case)
}

// checkEvent checks the shape of a raw event — the type, the instant, the period, and that
// every other known field has its JSON type (a string for pause, rating, level, unit, …, a
// boolean for satisfied) — so that a 400 names the field, which the library's decoder places
// at body:line:column but does not name. Whether a well-formed field fits the case (a pause
// that is not open, a rating outside the scale, a level not reached, a unit that does not hold
// the case) is the library's question alone: Apply answers it with EventError.Field, which
// eventError passes on. So the portal holds no second copy of the lifecycle's rules, and a
// field the library adds is checked here by its Go type without a change.
func checkEvent(data []byte) *apiError {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return decodeStrict(data, &raw)
	}
	var typ string
	if err := json.Unmarshal(raw["type"], &typ); raw["type"] == nil || err != nil || typ == "" {
		return &apiError{Error: "type is required: one of " + eventTypeNames(), Field: "type"}
	}
	if !sla.EventType(typ).Valid() {
		return &apiError{Error: fmt.Sprintf("type %q is not an event type: one of %s", typ, eventTypeNames()), Field: "type"}
	}
	var at string
	if err := json.Unmarshal(raw["at"], &at); raw["at"] == nil || err != nil {
		return &apiError{Error: "at is required (RFC 3339, e.g. 2025-10-09T10:00:00+08:00)", Field: "at"}
	}
	if _, e := parseInstant("at", at); e != nil {
		return e
	}
	if l, ok := raw["length"]; ok {
		var text string
		if err := json.Unmarshal(l, &text); err != nil {
			return &apiError{Error: `length must be a string such as "10 workdays"`, Field: "length"}
		}
		if _, err := deadline.ParsePeriod(text); err != nil {
			return &apiError{Error: err.Error(), Field: "length"}
		}
	}
	fields := map[string]reflect.Type{}
	jsonFieldsOf(reflect.TypeFor[sla.Event](), fields)
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same body names the same field every time
	for _, k := range keys {
		ft, known := fields[strings.ToLower(k)]
		if !known || slices.Contains([]string{"type", "at", "length", "input"}, strings.ToLower(k)) {
			continue // unknown keys and the input map: the library's strict decoder names them
		}
		if err := json.Unmarshal(raw[k], reflect.New(ft).Interface()); err != nil {
			return &apiError{Error: fmt.Sprintf("%s must be %s", k, jsonKind(ft)), Field: k}
		}
	}
	return nil
}

// jsonKind says in words which JSON value decodes into t.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a JSON string"
	case reflect.Bool:
		return "true or false"
	case reflect.Map, reflect.Struct:
		return "a JSON object"
	}
	return "a JSON " + t.Kind().String()
}

func eventTypeNames() string {
	var names []string
	for _, t := range sla.EventTypes() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}

// caseStatusJSON is the answer of GET /cases/{id} and POST /cases/{id}/events: the case and
// its status in the library's wire format (sla/schema/shixian-v1.schema.json), with the
// policy version that computed the status and the explanation in words — the envelope the
// CLI's status --format json writes too.
type caseStatusJSON struct {
	Case        sla.Case     `json:"case"`
	Policy      policyIDJSON `json:"policy"`
	Status      sla.Status   `json:"status"`
	Explanation []string     `json:"explanation"`
}

// policyIDJSON names the policy version a status was computed by.
type policyIDJSON struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Hash    string `json:"hash"`
}

// caseStatusOf builds the answer about case c at status st under policy p. The explanation is
// in the policy's own language (Policy.Language: Chinese for a policy written in Chinese), the
// language the office that wrote it reads.
func caseStatusOf(p *sla.Policy, c sla.Case, st sla.Status) caseStatusJSON {
	expl := st.ExplainIn(p, c, p.Language())
	if expl == nil {
		expl = []string{}
	}
	return caseStatusJSON{Case: c, Policy: policyIDJSON{ID: p.ID(), Version: p.Version(), Hash: p.Hash()}, Status: st, Explanation: expl}
}

// appendEvent answers POST /cases/{id}/events. The event is validated and applied, and the
// answer is computed — the status at the event's own instant and at the request's `now` —
// before anything is written; only then is the event committed, in one transaction that also
// updates the case's snapshot. Any answer but 200 means nothing was stored.
func (s *Server) appendEvent(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if e := checkID(id); e != nil {
		writeJSON(w, http.StatusBadRequest, e)
		return
	}
	data, ok := s.readBody(w, r)
	if !ok {
		return
	}
	if e := checkUTF8(data); e != nil {
		writeJSON(w, http.StatusBadRequest, e)
		return
	}
	if e := checkEvent(data); e != nil {
		writeJSON(w, http.StatusBadRequest, e)
		return
	}
	// The library's decoder places a fault at body:line:column, as the CLI does in a case
	// file; the field at fault is named as in every other 400.
	ev, err := sla.DecodeEvent("body", data)
	if err != nil {
		e := &apiError{Error: err.Error()}
		if strict := decodeStrict(data, &sla.Event{}); strict != nil {
			e.Field = strict.Field
		}
		writeJSON(w, http.StatusBadRequest, e)
		return
	}
	// The status answered is at the query's `now` if given, else at the event's own instant:
	// "the case right after this event", which needs no wall clock.
	now := ev.At
	if q := r.URL.Query().Get("now"); q != "" {
		t, e := parseInstant("now", q)
		if e != nil {
			writeJSON(w, http.StatusBadRequest, e)
			return
		}
		now = t
	}
	var (
		answer caseStatusJSON
		refuse *apiError // the 4xx answer when the event or now does not fit
		code   int
	)
	refused := errors.New("refused")
	_, err = s.store.appendEvent(r.Context(), id, func(sc storedCase) (sla.Case, error) {
		refuse, code = nil, 0
		hist := s.holder.Current()
		p, err := hist.Governing(sc.Case)
		if err != nil {
			refuse, code = &apiError{Error: fmt.Sprintf("case %s: %v; nothing was stored", id, err)}, http.StatusUnprocessableEntity
			return sla.Case{}, refused
		}
		next, err := hist.Apply(sc.Case, ev)
		if err != nil {
			if refuse, code = eventError(err); refuse == nil {
				return sla.Case{}, err // not the request's fault: a 500
			}
			return sla.Case{}, refused
		}
		// The library's Apply may accept an event its calendar cannot count from (a date
		// past the last year with a schedule): computing the status at the event's instant
		// finds it, and the event is refused before it is stored — once stored it would lock
		// the case, since a correct event dated earlier would be out of order.
		st, err := hist.StatusAt(next, ev.At)
		if err != nil {
			refuse, code = &apiError{Error: fmt.Sprintf("the case's status after this event cannot be computed: %v; nothing was stored", err), Field: "at"}, http.StatusUnprocessableEntity
			return sla.Case{}, refused
		}
		if !now.Equal(ev.At) {
			st, err = hist.StatusAt(next, now)
		}
		if err != nil {
			refuse, code = &apiError{Error: fmt.Sprintf("the case's status at now cannot be computed: %v; nothing was stored", err), Field: "now"}, http.StatusUnprocessableEntity
			return sla.Case{}, refused
		}
		answer = caseStatusOf(p, next, st)
		return next, nil
	}, s.clock())
	switch {
	case errors.Is(err, refused):
		writeJSON(w, code, refuse)
		return
	case errors.Is(err, errNotFound):
		fail(w, http.StatusNotFound, "id", "no case %q", id)
		return
	case err != nil:
		s.fault(w, r, err)
		return
	}
	s.remindStored(r.Context(), id)
	writeJSON(w, http.StatusOK, answer)
}

// eventError maps an Apply error by its type and sentinels, never by its text: a field problem
// → 400, a date the calendar cannot count → 422 on "at", every other misfit (order, state,
// extension cap, late extension, a case at sla.MaxEvents) → 409. The field is the event's own
// field (EventError.Field), else "event". An error that is not the request's (not
// sla.ErrInvalid) gives nil: the caller answers 500. Nothing was stored.
func eventError(err error) (*apiError, int) {
	if !errors.Is(err, sla.ErrInvalid) {
		return nil, 0
	}
	field := eventErrorField(err)
	var dateErr *calendar.DateError
	switch {
	case errors.As(err, &dateErr), errors.Is(err, sla.ErrEventField) && field == "at":
		// Checked first: however the library classifies it, an instant its calendar cannot
		// count is the same answer as the portal's own check after Apply (checkEvent has
		// made sure that `at` is present and well-formed, so a field error on it is about
		// the instant itself).
		return &apiError{Error: err.Error() + "; nothing was stored", Field: "at"}, http.StatusUnprocessableEntity
	case errors.Is(err, sla.ErrEventField):
		return &apiError{Error: err.Error(), Field: field}, http.StatusBadRequest
	}
	return &apiError{Error: err.Error() + "; nothing was stored", Field: field}, http.StatusConflict
}

// eventErrorField names the event field an Apply error is about: the Field of the
// *sla.EventError, or "event" when the event as a whole does not fit.
func eventErrorField(err error) string {
	var ee *sla.EventError
	if errors.As(err, &ee) && ee.Field != "" {
		return ee.Field
	}
	return "event"
}

func (s *Server) answerStatus(w http.ResponseWriter, code int, p *sla.Policy, c sla.Case, now time.Time) {
	st, err := p.StatusAt(c, now)
	if err != nil {
		// A stored case always replays (it was validated on the way in); what remains is an
		// instant the case cannot be judged at, e.g. before its acceptance.
		fail(w, http.StatusUnprocessableEntity, "now", "%v", err)
		return
	}
	writeJSON(w, code, caseStatusOf(p, c, st))
}

// nowParam reads the optional `now` query parameter; absent, it is the wall clock — the one
// place the portal reads it (the library never does).
func (s *Server) nowParam(r *http.Request) (time.Time, *apiError) {
	q := r.URL.Query().Get("now")
	if q == "" {
		return s.clock(), nil
	}
	return parseInstant("now", q)
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if e := checkID(id); e != nil {
		writeJSON(w, http.StatusBadRequest, e)
		return
	}
	now, e := s.nowParam(r)
	if e != nil {
		writeJSON(w, http.StatusBadRequest, e)
		return
	}
	sc, err := s.store.getCase(r.Context(), s.store.read, id)
	if errors.Is(err, errNotFound) {
		fail(w, http.StatusNotFound, "id", "no case %q", id)
		return
	}
	if err != nil {
		s.fault(w, r, err)
		return
	}
	p, err := s.policyFor(sc)
	if err != nil {
		// The history was changed so that no version covers this case's acceptance: a
		// policy-administration problem the client should hear about, not a server fault.
		fail(w, http.StatusUnprocessableEntity, "", "case %s: %v", id, err)
		return
	}
	s.answerStatus(w, http.StatusOK, p, sc.Case, now)
}

// report answers GET /report?from=DATE&to=DATE&by=GROUP&bucket=RULE&now=INSTANT&format=FMT, and
// with period=week|month the weekly analysis or monthly dispatch (runAnalysis).
// Cases stream from the database one row at a time into the Reporter (memory O(groups), not
// O(cases)); the output is written only when the whole report is known, so an error is still a
// clean JSON answer. Each case is judged by the version it was accepted under (one report
// across a version switch); periods and the order of tiers follow the latest version.
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// Dates are civil dates where the policy counts (UTC+8 for every shipped calendar).
	loc := s.holder.Current().Latest().Calendar().Location()
	date := func(name string) (time.Time, *apiError) {
		v := q.Get(name)
		if v == "" {
			return time.Time{}, &apiError{Error: name + " is required (a date, YYYY-MM-DD, inclusive)", Field: name}
		}
		t, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil {
			return time.Time{}, &apiError{Error: fmt.Sprintf("%s %q is not a date YYYY-MM-DD", name, v), Field: name}
		}
		return t, nil
	}
	from, e := date("from")
	if e == nil && q.Has("period") {
		e = s.runAnalysis(w, r, from) // report_period.go
	} else if e == nil {
		var to time.Time
		if to, e = date("to"); e == nil {
			e = s.runReport(w, r, from, to)
		}
	}
	if e != nil {
		writeJSON(w, http.StatusBadRequest, e)
	}
}

func (s *Server) runReport(w http.ResponseWriter, r *http.Request, from, to time.Time) *apiError {
	q := r.URL.Query()
	if to.Before(from) {
		return &apiError{Error: fmt.Sprintf("to %s is before from %s", to.Format(time.DateOnly), from.Format(time.DateOnly)), Field: "to"}
	}
	now, e := s.nowParam(r)
	if e != nil {
		return e
	}
	opts := sla.ReportOptions{From: from, To: to, GroupBy: q.Get("by"), Now: now}
	if b := q.Get("bucket"); b != "" {
		bucket, err := sla.ParseBucketBy(b)
		if err != nil {
			return &apiError{Error: err.Error(), Field: "bucket"}
		}
		opts.Bucket = bucket
	}
	format := q.Get("format")
	switch format {
	case "":
		format = "json"
	case "json", "csv", "md":
	default:
		return &apiError{Error: fmt.Sprintf("format %q is not json, csv or md", format), Field: "format"}
	}
	// One report over the cases of every version, each judged by the version it was
	// accepted under.
	hist := s.holder.Current()
	rep, err := hist.NewReporter(opts)
	if err != nil {
		if !errors.Is(err, sla.ErrInvalid) {
			s.fault(w, r, err)
			return nil
		}
		// from, to, now and bucket were checked above: what is left of the query is `by`.
		return &apiError{Error: err.Error(), Field: "by"}
	}
	if !s.feedCases(w, r, hist, rep.Add) {
		return nil
	}
	report := rep.Report()
	s.writeReport(w, r, format, reportBody{value: report, csv: report.WriteCSV, md: report.WriteMarkdown})
	return nil
}

// feedCases streams every stored case into add (a Reporter's or an Analyzer's). It answers
// the request itself and returns false when it could not: 422 for a stored case the history
// cannot judge (its version was removed — said, rather than hidden behind a 500), else the
// fault.
func (s *Server) feedCases(w http.ResponseWriter, r *http.Request, hist *sla.History, add func(sla.Case) error) bool {
	var addErr error
	err := s.store.eachCase(r.Context(), func(sc storedCase) error {
		addErr = add(sc.Case)
		return addErr
	})
	switch {
	case err == nil:
		return true
	case addErr != nil && errors.Is(addErr, sla.ErrInvalid):
		fail(w, http.StatusUnprocessableEntity, "", "the report cannot be computed with policy %s: %v", hist.ID(), addErr)
	default:
		s.fault(w, r, err)
	}
	return false
}

// reportBody is a computed report or analysis: its JSON value and its other forms.
type reportBody struct {
	value        any
	csv, md, svg func(io.Writer) error // svg nil when the body has no chart
}

// writeReport answers with body in format (json, csv, md or svg, checked by the caller). The
// body is written whole into memory first, so a failure is still a clean error answer.
func (s *Server) writeReport(w http.ResponseWriter, r *http.Request, format string, body reportBody) {
	var buf bytes.Buffer
	var err error
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = body.csv(&buf)
	case "md":
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		err = body.md(&buf)
	case "svg":
		w.Header().Set("Content-Type", "image/svg+xml")
		err = body.svg(&buf)
	default:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		err = enc.Encode(body.value)
	}
	if err != nil {
		w.Header().Del("Content-Type")
		s.fault(w, r, err)
		return
	}
	_, _ = w.Write(buf.Bytes())
}

// policyJSON identifies one policy version.
type policyJSON struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Hash    string `json:"hash"`
	From    string `json:"from,omitempty"`  // first day in effect, YYYY-MM-DD
	Until   string `json:"until,omitempty"` // last day in effect, inclusive; empty when open-ended
}

func policyRef(p *sla.Policy) policyJSON {
	out := policyJSON{ID: p.ID(), Version: p.Version(), Hash: p.Hash()}
	from, until := p.Effective()
	if !from.IsZero() {
		out.From = from.Format(time.DateOnly)
	}
	if !until.IsZero() {
		out.Until = until.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return out
}

// getPolicy answers GET /policy: {"id": …, "versions": [{id, version, hash, from, until}, …]}
// in order of their effective start.
func (s *Server) getPolicy(w http.ResponseWriter, _ *http.Request) {
	h := s.holder.Current()
	out := struct {
		ID       string       `json:"id"`
		Versions []policyJSON `json:"versions"`
	}{ID: h.ID()}
	for _, p := range h.Versions() {
		out.Versions = append(out.Versions, policyRef(p))
	}
	writeJSON(w, http.StatusOK, out)
}

// readPolicyUpload reads and parses the policy file of a POST /policy (to activate or to
// shadow): its Content-Type must be YAML or plain text (415), the body non-empty UTF-8 within
// the size limit (400, 413), the policy valid (422 with every problem and its position). It
// answers the request itself when it returns false.
func (s *Server) readPolicyUpload(w http.ResponseWriter, r *http.Request) (*sla.Policy, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		switch {
		case err != nil:
			fail(w, http.StatusUnsupportedMediaType, "", "Content-Type %q cannot be parsed", ct)
			return nil, false
		case mt != "application/yaml" && mt != "application/x-yaml" && mt != "text/yaml" && mt != "text/x-yaml" && mt != "text/plain":
			fail(w, http.StatusUnsupportedMediaType, "", "Content-Type %s is not a policy file; send application/yaml or text/plain", mt)
			return nil, false
		}
	}
	data, ok := s.readBody(w, r)
	if !ok {
		return nil, false
	}
	if len(bytes.TrimSpace(data)) == 0 {
		fail(w, http.StatusBadRequest, "policy", "the request body is empty; send the policy file (YAML)")
		return nil, false
	}
	if !utf8.Valid(data) {
		fail(w, http.StatusBadRequest, "policy", "the policy file is not valid UTF-8; nothing was changed")
		return nil, false
	}
	p, err := sla.ParsePolicy("policy", data)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Error: "the policy is invalid; nothing was changed", Field: "policy", Problems: problemsOf(err)})
		return nil, false
	}
	return p, true
}

// postPolicy answers POST /policy (admin only): the body is a policy file (YAML). It is parsed
// (422 with every problem and its position when invalid); a version string that is active
// already is idempotent with the same content (200, "unchanged": true, no audit entry) and
// refused with other content (409, field "version"), but for ending its effective range;
// checked by the configured suites (422 with the failures; the active policy stays); then
// stored, audited (who, when, old and new hash) and swapped in within one database
// transaction, so that the stored policies, the audit trail and the holder agree.
func (s *Server) postPolicy(w http.ResponseWriter, r *http.Request) {
	if s.policyMode(w, r) {
		return
	}
	candidate, ok := s.readPolicyUpload(w, r)
	if !ok {
		return
	}
	s.policyMu.Lock()
	defer s.policyMu.Unlock()
	// Checked here as well as by Holder.Activate: stored cases name their policy id, so a
	// portal must never switch to another policy, even by replacing its only version.
	if cur := s.holder.Current(); candidate.ID() != cur.ID() {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{
			Error: fmt.Sprintf("policy id %q is not the active policy's id %q; nothing was changed", candidate.ID(), cur.ID()),
			Field: "policy",
		})
		return
	}
	// Versions are immutable once active: the cases they govern were classified and judged by
	// their text. The same content again changes nothing; other content under an active
	// version string is refused, except ending its effective range (see endsRangeOnly).
	var old *sla.Policy
	for _, v := range s.holder.Current().Versions() {
		if v.Version() == candidate.Version() {
			old = v
		}
	}
	action := "added"
	if old != nil {
		if old.Hash() == candidate.Hash() {
			writeJSON(w, http.StatusOK, policyChangeJSON{policyJSON: policyRef(candidate), Unchanged: true})
			return
		}
		if !endsRangeOnly(old, candidate) {
			writeJSON(w, http.StatusConflict, apiError{
				Error: fmt.Sprintf("policy %s version %s is active with hash %s and the body has hash %s: an active version cannot change (cases were judged by it); publish the change as a new version, or send the same text with only effective.until added or moved earlier; the active policy is unchanged",
					candidate.ID(), candidate.Version(), old.Hash(), candidate.Hash()),
				Field: "version",
			})
			return
		}
		action = "range_ended"
	}
	var failures []string
	for _, check := range s.checks {
		if err := check(candidate); err != nil {
			failures = append(failures, splitErrors(err)...)
		}
	}
	if len(failures) > 0 {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{
			Error:    fmt.Sprintf("policy %s %s failed its checks and was not activated; the active policy is unchanged", candidate.ID(), candidate.Version()),
			Field:    "policy",
			Failures: failures,
		})
		return
	}
	ctx := r.Context()
	who := identityOf(r)
	var refuse *apiError
	var code int
	errRefused := errors.New("refused")
	err := s.store.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.store.lockPolicies(ctx, tx); err != nil { // replicas activate one at a time
			return err
		}
		if old == nil {
			// A new version after an open-ended one ends it where the new one begins (the
			// library derives the end; the file is untouched). That must not move a case:
			// every case the earlier version governs must still fall before the new start.
			if prev := openEndedBefore(s.holder.Current(), candidate); prev != nil {
				from, _ := candidate.Effective()
				n, err := s.store.casesAcceptedFrom(ctx, tx, prev.Version(), from)
				if err != nil {
					return err
				}
				if n > 0 {
					refuse, code = &apiError{
						Error: fmt.Sprintf("%d case(s) governed by version %s were accepted on or after %s, where version %s would begin; they would change version; the active policy is unchanged",
							n, prev.Version(), from.Format(time.DateOnly), candidate.Version()),
						Field: "policy",
					}, http.StatusConflict
					return errRefused
				}
			}
		}
		if old != nil {
			// Ending a range must not strand a case: every case this version governs must
			// still fall inside it.
			_, until := candidate.Effective()
			n, err := s.store.casesAcceptedFrom(ctx, tx, candidate.Version(), until)
			if err != nil {
				return err
			}
			if n > 0 {
				refuse, code = &apiError{
					Error: fmt.Sprintf("%d case(s) governed by version %s were accepted on or after %s, which the shortened range would leave without a version; the active policy is unchanged",
						n, candidate.Version(), until.Format(time.DateOnly)),
					Field: "policy",
				}, http.StatusConflict
				return errRefused
			}
		}
		now := s.clock()
		if err := s.store.savePolicy(ctx, tx, candidate, now); err != nil {
			return err
		}
		oldHash := ""
		if old != nil {
			oldHash = old.Hash()
		}
		if err := s.store.audit(ctx, tx, auditEntry{At: dbTime(now), Who: who.name, Role: string(who.role),
			PolicyID: candidate.ID(), Version: candidate.Version(), OldHash: oldHash, NewHash: candidate.Hash(), Action: action}); err != nil {
			return err
		}
		// Activated while the write slot is held, so that no case is stored between the check
		// above and the swap; after the last statement, so that only the commit can fail.
		if err := s.holder.Activate(candidate); err != nil {
			refuse, code = &apiError{
				Error:    fmt.Sprintf("policy %s %s does not fit the active history and was not activated; the active policy is unchanged", candidate.ID(), candidate.Version()),
				Field:    "policy",
				Failures: splitErrors(err),
			}, http.StatusUnprocessableEntity
			return errRefused
		}
		return nil
	})
	switch {
	case errors.Is(err, errRefused):
		writeJSON(w, code, refuse)
		return
	case err != nil:
		if cur := s.activeHash(candidate.Version()); cur == candidate.Hash() {
			// The holder has the new version but the database does not: after a restart the
			// previous version would be back. Say so plainly; the client may post again.
			err = fmt.Errorf("policy %s %s is active but could not be stored: %w", candidate.ID(), candidate.Version(), err)
		}
		s.fault(w, r, err)
		return
	}
	s.policyChanged(r.Context())
	writeJSON(w, http.StatusOK, policyChangeJSON{policyJSON: policyRef(candidate)})
}

// openEndedBefore is the active version that a new candidate would end: the last version
// starting before the candidate, when it has no end of its own (nil otherwise).
func openEndedBefore(h *sla.History, candidate *sla.Policy) *sla.Policy {
	from, _ := candidate.Effective()
	var prev *sla.Policy
	for _, v := range h.Versions() {
		if vf, _ := v.Effective(); vf.Before(from) {
			prev = v
		}
	}
	if prev == nil {
		return nil
	}
	// Versions() gives the ranges as they govern; an open-ended version is one whose range
	// the history does not end, or ends at a later version's start.
	if _, until := prev.Effective(); until.IsZero() || !until.Before(from) {
		return prev
	}
	return nil
}

// policyChangeJSON answers POST /policy: the version now active, and whether it was so
// already (the same content posted again).
type policyChangeJSON struct {
	policyJSON
	Unchanged bool `json:"unchanged"`
}

// activeHash is the hash of the active version named version, "" if none.
func (s *Server) activeHash(version string) string {
	for _, v := range s.holder.Current().Versions() {
		if v.Version() == version {
			return v.Hash()
		}
	}
	return ""
}

// untilLine matches the effective.until line of a policy file, the one line a new text of an
// active version may add or change.
var untilLine = regexp.MustCompile(`^[ \t]+until:[ \t]*[0-9]{4}-[0-9]{2}-[0-9]{2}[ \t]*$`)

// endsRangeOnly says whether candidate is old's text with effective.until added or moved
// earlier and nothing else changed, line for line: ending a version so that the next can
// follow is the one change the cases it governs cannot notice (the stored cases are checked
// separately, in postPolicy).
func endsRangeOnly(old, candidate *sla.Policy) bool {
	oldFrom, oldUntil := old.Effective()
	from, until := candidate.Effective()
	if !from.Equal(oldFrom) || until.IsZero() || (!oldUntil.IsZero() && !until.Before(oldUntil)) {
		return false
	}
	strip := func(data []byte) ([]string, int) {
		var out []string
		n := 0
		for _, line := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
			if untilLine.MatchString(line) {
				n++
				continue
			}
			out = append(out, line)
		}
		return out, n
	}
	ol, on := strip(old.Bytes())
	cl, cn := strip(candidate.Bytes())
	return cn == 1 && on <= 1 && slices.Equal(ol, cl)
}

// policyHistory answers GET /policy/history: every policy activation, oldest first, with who
// (the token's name), when (the server's clock), the version, and the hash before and after.
func (s *Server) policyHistory(w http.ResponseWriter, r *http.Request) {
	entries, err := s.store.auditLog(r.Context())
	if err != nil {
		s.fault(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": entries})
}

// problemsOf lists a policy's problems with their positions; an error that is not a list of
// problems becomes one problem without a position.
func problemsOf(err error) []problemJSON {
	var ps sla.Problems
	if errors.As(err, &ps) && len(ps) > 0 {
		out := make([]problemJSON, 0, len(ps))
		for _, p := range ps {
			msg := p.Message
			switch {
			case p.Rule != "":
				msg = "rule " + p.Rule + ": " + msg
			case p.Field != "":
				msg = "field " + p.Field + ": " + msg
			}
			out = append(out, problemJSON{Position: p.Pos.String(), Line: p.Pos.Line, Column: p.Pos.Column, Message: msg})
		}
		return out
	}
	var p sla.Problem
	if errors.As(err, &p) {
		return []problemJSON{{Position: p.Pos.String(), Line: p.Pos.Line, Column: p.Pos.Column, Message: p.Message}}
	}
	return []problemJSON{{Message: err.Error()}}
}

// splitErrors lists the lines of an error: errors.Join puts one error on each line, and the
// suite runner joins one line per failing case.
func splitErrors(err error) []string {
	var out []string
	for _, line := range strings.Split(err.Error(), "\n") {
		if strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	}
	return out
}
