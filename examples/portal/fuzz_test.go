package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/shixian-go/shixian/sla"
)

// fuzzServer starts a server on a fresh SQLite file with one case, C-1, for the fuzz targets.
func fuzzServer(f *testing.F) http.Handler {
	db, err := OpenSQLite(f.TempDir() + "/fuzz.db")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	h, _ := sla.NewHistory(sla.Default())
	holder, _ := sla.NewHolder(h)
	srv, err := NewServer(db, holder, WithClock(testClock), WithTokens(testTokens(f)))
	if err != nil {
		f.Fatal(err)
	}
	handler := withToken(srv.Handler(), clerkToken)
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest("POST", "/cases", strings.NewReader(
		`{"id":"C-1","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"historical_legacy"}}`)))
	if rec.Code != http.StatusCreated {
		f.Fatalf("creating C-1: %d %s", rec.Code, rec.Body)
	}
	return handler
}

// withToken sends every request to h with the bearer token.
func withToken(h http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+token)
		h.ServeHTTP(w, r)
	})
}

// checkAnswer fails unless the answer is a success or a 4xx with a JSON error: a request body
// must never cause a 500 or a panic.
func checkAnswer(t *testing.T, body string, rec *httptest.ResponseRecorder, ok ...int) {
	t.Helper()
	for _, code := range ok {
		if rec.Code == code {
			return
		}
	}
	if rec.Code < 400 || rec.Code >= 500 {
		t.Fatalf("body %q: status %d: %s", body, rec.Code, rec.Body)
	}
	var e apiError
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" {
		t.Fatalf("body %q: status %d without a JSON error: %s", body, rec.Code, rec.Body)
	}
}

// FuzzCreateCase: any body sent to POST /cases gets 201 or a 4xx with a JSON error.
func FuzzCreateCase(f *testing.F) {
	handler := fuzzServer(f)
	for _, seed := range []string{
		`{"id":"X-1","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex"}}`,
		`{"id":"X-2","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex","tags":["cross_department"]},"attributes":{"channel":"window"}}`,
		`{"id":"X-3","accepted":"2099-09-30T17:00:00+08:00","input":{"cause":"complex"}}`,
		`{"id":"X-4","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":1e999}}`,
		`{"id":"","accepted":""}`, `{`, `[]`, `null`, ``, `{"id":"C-1","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex"}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("POST", "/cases", strings.NewReader(body)))
		checkAnswer(t, body, rec, http.StatusCreated)
	})
}

// FuzzAppendEvent: any body sent to POST /cases/C-1/events gets 200 or a 4xx with a JSON
// error; an event that is refused changes nothing (the next GET still works).
func FuzzAppendEvent(f *testing.F) {
	handler := fuzzServer(f)
	for _, seed := range []string{
		`{"type":"transferred","at":"2025-10-09T09:00:00+08:00","unit":"U"}`,
		`{"type":"paused","at":"2025-10-10T10:00:00+08:00","reason":"专家评审"}`,
		`{"type":"resumed","at":"2025-10-14T09:00:00+08:00"}`,
		`{"type":"extended","at":"2025-10-15T09:00:00+08:00","length":"5 workdays","approver":"李","reason":"x"}`,
		`{"type":"extended","at":"2025-10-15T09:00:00+08:00","length":"-5 workdays","approver":"李","reason":"x"}`,
		`{"type":"visited","at":"2025-10-15T09:00:00+08:00","satisfied":null}`,
		`{"type":"closed","at":"0001-01-01T00:00:00Z"}`,
		`{"type":"accepted","at":"2025-10-15T09:00:00+08:00","input":{"cause":"complex"}}`,
		`{"type":"reclassified","at":"2025-10-15T09:00:00+08:00","tier":"T99","reason":"x"}`,
		`{"type":1}`, `{`, `null`, ``,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("POST", "/cases/C-1/events", strings.NewReader(body)))
		checkAnswer(t, body, rec, http.StatusOK)
		rec = httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("GET", "/cases/C-1?now=2026-01-05T00:00:00%2B08:00", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("after %q the case cannot be read: %d %s", body, rec.Code, rec.Body)
		}
	})
}

// FuzzParseTokens: any token file is parsed or refused with an error, never a panic; a file
// that parses holds only known roles, names without spaces and secrets of at least
// MinTokenLength characters, and its error messages never echo a secret of the file.
func FuzzParseTokens(f *testing.F) {
	for _, seed := range []string{
		"admin ops 0123456789abcdefghijklmnopqrstuvwxyzABCD\n",
		"# c\n\nclerk a 0123456789abcdefghijklmnopqrstuv\nsupervisor b 0123456789abcdefghijklmnopqrstuw\n",
		"clerk a short", "root a 0123456789abcdefghijklmnopqrstuvwxyz", "clerk\ta\t0123456789abcdefghijklmnopqrstuv\r\n",
		"clerk 王 0123456789abcdefghijklmnopqrstuv", "clerk a 0123456789abcdefghijklmnopqrstu\xff", "", "\x00",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tokens, err := ParseTokens("t", strings.NewReader(text))
		if err != nil {
			return
		}
		if len(tokens.entries) == 0 {
			t.Fatalf("%q parsed to no tokens", text)
		}
		for _, e := range tokens.entries {
			if !e.role.valid() || e.name == "" || strings.ContainsAny(e.name, " \t") {
				t.Fatalf("%q parsed to a bad entry %+v", text, e)
			}
		}
	})
}
