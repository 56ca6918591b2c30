package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

const goodSecret = "0123456789abcdefghijklmnopqrstuvwxyzABCD" // 40 characters

// TestParseTokens: the token file format, and every way it is refused with file:line.
func TestParseTokens(t *testing.T) {
	tests := []struct {
		name, text string
		err        string // "" → parses
	}{
		{"one token per role, with comments and blank lines", "# portal tokens\n\nclerk wang " + goodSecret + "\nsupervisor li " + goodSecret + "X\n\tadmin  zhao\t" + goodSecret + "Y  \n", ""},
		{"a base64 secret with + / =", "admin ops " + "abcdefghijklmnopqrstuvwxyz012345+/==", ""},
		{"a secret of 31 characters is too short", "clerk wang " + goodSecret[:31], "tokens.txt:1: the secret of wang is 31 characters; at least 32"},
		{"an unknown role", "root wang " + goodSecret, `tokens.txt:1: role "root" is not clerk, supervisor or admin`},
		{"a line with two fields", "\nclerk " + goodSecret, "tokens.txt:2: want `ROLE NAME SECRET`, got 2 fields"},
		{"a name with four fields (a space in the name)", "clerk wang fang " + goodSecret, "got 4 fields"},
		{"a secret with a character outside the token alphabet", "clerk wang " + goodSecret + "!", "outside letters"},
		{"the same name twice", "clerk wang " + goodSecret + "\nadmin wang " + goodSecret + "Z", `the name "wang" is given twice`},
		{"the same secret twice", "clerk wang " + goodSecret + "\nadmin zhao " + goodSecret, "the same secret is given twice"},
		{"no token at all", "# nothing here\n", "holds no token"},
		{"an empty file", "", "holds no token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tokens, err := ParseTokens("tokens.txt", strings.NewReader(tt.text))
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.NotContains(t, err.Error(), goodSecret, "a secret is never echoed")
				return
			}
			require.NoError(t, err)
			assert.NotEmpty(t, tokens.entries)
		})
	}

	t.Run("a file over 1 MiB is refused without reading on", func(t *testing.T) {
		_, err := ParseTokens("big.txt", strings.NewReader("# "+strings.Repeat("x", maxTokenFile)))
		assert.ErrorContains(t, err, "larger than")
	})
}

// TestLookup: each secret maps to its own name and role; a near miss, a prefix, an extension
// and the empty string map to nothing.
func TestLookup(t *testing.T) {
	tokens := testTokens(t)
	for secret, want := range map[string]identity{
		clerkToken: {name: "clerk-wang", role: RoleClerk}, supervisorToken: {name: "supervisor-li", role: RoleSupervisor}, adminToken: {name: "admin-zhao", role: RoleAdmin},
	} {
		got, ok := tokens.lookup(secret)
		assert.True(t, ok, want.name)
		assert.Equal(t, want, got)
	}
	for _, bad := range []string{"", clerkToken[:len(clerkToken)-1], clerkToken + "x", strings.ToUpper(clerkToken)} {
		_, ok := tokens.lookup(bad)
		assert.False(t, ok, bad)
	}
	assert.Equal(t, "abc", bearer("Bearer abc"))
	assert.Equal(t, "abc", bearer("bearer  abc "))
	assert.Equal(t, "", bearer("Basic abc"))
	assert.Equal(t, "", bearer("Bearer"))
}

// TestLoadTokensWarnsAboutReadableFiles: a token file others may read is loaded with a
// warning; one only its owner may read is loaded silently; a missing file is an error.
func TestLoadTokensWarnsAboutReadableFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.txt")
	require.NoError(t, os.WriteFile(path, []byte("admin ops "+goodSecret+"\n"), 0o600))
	require.NoError(t, os.Chmod(path, 0o600))
	var warn bytes.Buffer
	_, err := LoadTokens(path, &warn)
	require.NoError(t, err)
	assert.Empty(t, warn.String())

	require.NoError(t, os.Chmod(path, 0o644))
	_, err = LoadTokens(path, &warn)
	require.NoError(t, err)
	assert.Contains(t, warn.String(), "chmod 600")
	assert.NotContains(t, warn.String(), goodSecret)

	_, err = LoadTokens(filepath.Join(dir, "missing.txt"), &warn)
	assert.Error(t, err)
}

// TestRoles: the role → route table of Server.Handler, request by request: 401 without a
// token (with WWW-Authenticate: Bearer), 403 for a role the route does not admit, and past
// authorisation (any other code) for a role it does.
func TestRoles(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "complex"})
	event := map[string]any{"type": "transferred", "at": "2025-10-09T10:00:00+08:00", "unit": "U"}
	newCase := func(id string) map[string]any {
		return map[string]any{"id": id, "accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{"cause": "complex"}}
	}
	policy := string(sla.DefaultPolicyYAML())
	const passed = 0 // any code but 401 and 403
	tests := []struct {
		method, url              string
		body                     any
		clerk, supervisor, admin int
	}{
		{"POST", "/cases", newCase("R-1"), passed, http.StatusForbidden, passed},
		{"POST", "/cases/C-1/events", event, passed, http.StatusForbidden, passed},
		{"GET", "/cases/C-1?now=2025-10-09T12:00:00%2B08:00", nil, passed, passed, passed},
		{"GET", "/report?from=2025-09-29&to=2025-10-05&now=2025-10-20T00:00:00%2B08:00", nil, http.StatusForbidden, passed, passed},
		{"GET", "/policy", nil, passed, passed, passed},
		{"GET", "/policy/history", nil, http.StatusForbidden, passed, passed},
		{"POST", "/policy", policy, http.StatusForbidden, http.StatusForbidden, passed},
	}
	check := func(t *testing.T, token string, want int, method, url string, body any) {
		code, out := e.as(token).callJSON(method, url, body)
		switch want {
		case passed:
			assert.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, code, "%v", out)
			assert.Less(t, code, 300, "%v", out)
		default:
			assert.Equal(t, want, code, "%v", out)
			assert.Equal(t, "authorization", out["field"])
		}
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.url, func(t *testing.T) {
			check(t, clerkToken, tt.clerk, tt.method, tt.url, tt.body)
			if m, ok := tt.body.(map[string]any); ok && m["id"] != nil {
				m["id"] = "R-2"
			}
			check(t, supervisorToken, tt.supervisor, tt.method, tt.url, tt.body)
			if m, ok := tt.body.(map[string]any); ok && m["id"] != nil {
				m["id"] = "R-3"
			}
			check(t, adminToken, tt.admin, tt.method, tt.url, tt.body)
			for _, token := range []string{"", "not-a-token-but-long-enough-0123456789"} {
				req, err := http.NewRequest(tt.method, e.http.URL+tt.url, strings.NewReader(mustJSON(t, tt.body)))
				require.NoError(t, err)
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				resp, err := e.http.Client().Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
				assert.True(t, strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer"), resp.Header.Get("WWW-Authenticate"))
			}
		})
	}

	t.Run("GET /healthz needs no token", func(t *testing.T) {
		code, out := e.as("").callJSON("GET", "/healthz", nil)
		assert.Equal(t, http.StatusOK, code)
		assert.Equal(t, "ok", out["status"])
	})

	t.Run("a server without tokens is refused at construction", func(t *testing.T) {
		_, err := NewServer(e.db, e.holder)
		assert.ErrorContains(t, err, "no tokens")
	})
}

// TestPolicyTakeover: the finding that made an overdue case on-track. An anonymous POST
// /policy with the same version and T1 raised to 100 working days is 401; a clerk's is 403;
// an admin's is 409 (an active version cannot change). After all three the old policy is
// active, the overdue case is still overdue, and no audit entry was written. A real change
// by the admin (ending the version's range) is audited with who, when, version and hashes.
func TestPolicyTakeover(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "incomplete_materials"})
	const now = "2025-10-20T12:00:00%2B08:00"
	require.Equal(t, "overdue", get(e.status("C-1", now), "status", "state"))
	oldHash := sla.Default().Hash()

	lenient := string(policyYAML(t, "limit: 1 workday", "limit: 100 workdays"))
	code, out := e.as("").callJSON("POST", "/policy", lenient)
	assert.Equal(t, http.StatusUnauthorized, code, "%v", out)
	code, out = e.as(clerkToken).callJSON("POST", "/policy", lenient)
	assert.Equal(t, http.StatusForbidden, code, "%v", out)
	code, out = e.as(adminToken).callJSON("POST", "/policy", lenient)
	assert.Equal(t, http.StatusConflict, code, "%v", out)
	assert.Equal(t, "version", out["field"])

	assert.Equal(t, map[string]string{"2025.1": oldHash}, e.activeVersions())
	assert.Equal(t, "overdue", get(e.status("C-1", now), "status", "state"), "the case is still overdue")
	_, hist := e.as(supervisorToken).callJSON("GET", "/policy/history", nil)
	entries := get(hist, "entries").([]any)
	require.Len(t, entries, 1, "only the start-up entry: %v", hist)
	assert.Equal(t, "(start-up)", get(entries[0], "who"))
	assert.Equal(t, "loaded_at_start", get(entries[0], "action"))
	assert.Equal(t, oldHash, get(entries[0], "new_hash"))

	ended := policyYAML(t, "  from: 2025-01-01", "  from: 2025-01-01\n  until: 2030-12-31")
	newHash := parsePolicy(t, ended).Hash()
	code, out = e.as(adminToken).callJSON("POST", "/policy", string(ended))
	require.Equal(t, http.StatusOK, code, "%v", out)
	_, hist = e.as(supervisorToken).callJSON("GET", "/policy/history", nil)
	entries = get(hist, "entries").([]any)
	require.Len(t, entries, 2, "%v", hist)
	last := entries[1]
	assert.Equal(t, "admin-zhao", get(last, "who"))
	assert.Equal(t, "admin", get(last, "role"))
	assert.Equal(t, "xinyu-1310", get(last, "policy_id"))
	assert.Equal(t, "2025.1", get(last, "version"))
	assert.Equal(t, oldHash, get(last, "old_hash"))
	assert.Equal(t, newHash, get(last, "new_hash"))
	assert.Equal(t, "range_ended", get(last, "action"))
	assert.Equal(t, "2025-10-20T01:00:00.000000000Z", get(last, "at"), "the server's clock, in UTC")

	// The same text again: 200, unchanged, no new entry.
	code, out = e.as(adminToken).callJSON("POST", "/policy", string(ended))
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, true, out["unchanged"])
	_, hist = e.as(supervisorToken).callJSON("GET", "/policy/history", nil)
	assert.Len(t, get(hist, "entries"), 2)
}

// TestEndingARangeMustNotStrandCases: ending a version before a case it governs was accepted
// would leave that case without a version; it is refused with 409 and nothing changes. A
// change that is more than the until line (here also the T1 limit) is refused as a content
// change.
func TestEndingARangeMustNotStrandCases(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "complex"})
	tooEarly := policyYAML(t, "  from: 2025-01-01", "  from: 2025-01-01\n  until: 2025-09-29")
	code, out := e.callJSON("POST", "/policy", string(tooEarly))
	assert.Equal(t, http.StatusConflict, code, "%v", out)
	assert.Contains(t, out["error"], "1 case(s)")
	assert.Equal(t, map[string]string{"2025.1": sla.Default().Hash()}, e.activeVersions())

	sneaky := policyYAML(t, "  from: 2025-01-01", "  from: 2025-01-01\n  until: 2030-12-31", "limit: 1 workday", "limit: 100 workdays")
	code, out = e.callJSON("POST", "/policy", string(sneaky))
	assert.Equal(t, http.StatusConflict, code, "%v", out)
	assert.Equal(t, "version", out["field"])

	// On the day after the case: allowed.
	code, out = e.callJSON("POST", "/policy", string(policyYAML(t, "  from: 2025-01-01", "  from: 2025-01-01\n  until: 2025-09-30")))
	assert.Equal(t, http.StatusOK, code, "%v", out)
}
