package main

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

// shadowBase is the default policy ending on 2025-12-31, so that a 2026 version can follow it.
func shadowBase(t *testing.T) *sla.Policy {
	return parsePolicy(t, policyYAML(t, "  from: 2025-01-01", "  from: 2025-01-01\n  until: 2025-12-31"))
}

// shadowCandidateYAML is next year's version, which moves "complex" cases from T3 to T10.
func shadowCandidateYAML(t *testing.T) []byte {
	return policyYAML(t, `version: "2025.1"`, `version: "2026.1"`, "  from: 2025-01-01", "  from: 2026-01-01",
		"when: cause == \"complex\"\n    tier: T3", "when: cause == \"complex\"\n    tier: T10")
}

func TestShadowRunWatchesACandidateWithoutLettingItDecide(t *testing.T) {
	var mu sync.Mutex
	var sunk []sla.Disagreement
	e := newEnv(t, tempDB(t), shadowBase(t), WithShadowSink(func(d sla.Disagreement) {
		mu.Lock()
		defer mu.Unlock()
		sunk = append(sunk, d)
	}))
	baseVersions := e.activeVersions()

	code, out := e.callJSON("GET", "/policy/shadow", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, map[string]any{"active": false}, out, "no shadow run before an upload")

	code, body := e.call("POST", "/policy?mode=shadow", shadowCandidateYAML(t), "application/yaml")
	require.Equal(t, http.StatusCreated, code, "%s", body)
	var created map[string]any
	require.NoError(t, json.Unmarshal(body, &created))
	assert.Equal(t, "2026.1", get(created, "shadowing", "version"))
	assert.Equal(t, baseVersions, e.activeVersions(), "shadowing activates nothing")

	live := e.mustCreate("C-complex", "2025-09-30T10:00:00+08:00", map[string]any{"cause": "complex"})
	assert.Equal(t, "T3", get(live, "decision", "tier"), "the live policy still decides")
	e.mustCreate("C-same", "2025-09-30T10:00:00+08:00", map[string]any{"cause": "unclear_request"})

	code, out = e.as(supervisorToken).callJSON("GET", "/policy/shadow", nil)
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, true, out["active"])
	assert.Equal(t, "admin-zhao", out["by"])
	assert.Equal(t, map[string]any{"observed": 2.0, "agreed": 1.0, "disagreed": 1.0, "tier_changed": 1.0, "rule_changed": 0.0,
		"due_changed": 1.0, "candidate_errors": 0.0, "dropped": 0.0, "sink_panics": 0.0}, out["counts"])
	recent := out["recent"].([]any)
	require.Len(t, recent, 1)
	assert.Equal(t, "C-complex", get(recent[0], "case_id"))
	assert.Equal(t, "T3", get(recent[0], "live", "tier"))
	assert.Equal(t, "T10", get(recent[0], "shadow", "tier"))
	assert.Equal(t, "complex-case", get(recent[0], "shadow", "rule"))
	assert.Equal(t, "2025-10-12T00:00:00+08:00", get(recent[0], "live", "due"), "T3 from 09-30: 10-09, 10-10 and the makeup Saturday 10-11")
	assert.Equal(t, false, out["promoted"] == true)

	t.Run("activating the same file through POST /policy promotes it", func(t *testing.T) {
		code, body := e.call("POST", "/policy", shadowCandidateYAML(t), "application/yaml")
		require.Equal(t, http.StatusOK, code, "%s", body)
		code, out := e.callJSON("GET", "/policy/shadow", nil)
		require.Equal(t, http.StatusOK, code)
		assert.Equal(t, true, out["promoted"])
	})

	t.Run("DELETE stops the run and answers its final counts; a second DELETE finds none", func(t *testing.T) {
		code, out := e.callJSON("DELETE", "/policy/shadow", nil)
		require.Equal(t, http.StatusOK, code, "%v", out)
		assert.Equal(t, false, out["active"])
		assert.Equal(t, 2.0, get(out, "counts", "observed"))
		code, _ = e.callJSON("DELETE", "/policy/shadow", nil)
		assert.Equal(t, http.StatusNotFound, code)
		code, out = e.callJSON("GET", "/policy/shadow", nil)
		require.Equal(t, http.StatusOK, code)
		assert.Equal(t, map[string]any{"active": false}, out)
	})

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, sunk, 1, "the sink of WithShadowSink saw the disagreement")
	assert.Equal(t, "C-complex", sunk[0].CaseID)
}

func TestShadowRunRefusesBadRequestsAndKeepsTheRunningShadow(t *testing.T) {
	e := newEnv(t, tempDB(t), shadowBase(t))
	code, body := e.call("POST", "/policy?mode=shadow", shadowCandidateYAML(t), "application/yaml")
	require.Equal(t, http.StatusCreated, code, "%s", body)

	tests := []struct {
		name   string
		token  string
		method string
		path   string
		body   any
		ctype  string
		code   int
		field  string
	}{
		{"a clerk may not upload a candidate", clerkToken, "POST", "/policy?mode=shadow", shadowCandidateYAML(t), "application/yaml", http.StatusForbidden, "authorization"},
		{"a clerk may not read the shadow run", clerkToken, "GET", "/policy/shadow", nil, "", http.StatusForbidden, "authorization"},
		{"a supervisor may not stop it", supervisorToken, "DELETE", "/policy/shadow", nil, "", http.StatusForbidden, "authorization"},
		{"an unknown mode is refused, not taken for an activation", adminToken, "POST", "/policy?mode=dry-run", shadowCandidateYAML(t), "application/yaml", http.StatusBadRequest, "mode"},
		{"a candidate that does not parse", adminToken, "POST", "/policy?mode=shadow", "format: shixian/v1\nid: [\n", "application/yaml", http.StatusUnprocessableEntity, "policy"},
		{"a candidate of another policy id", adminToken, "POST", "/policy?mode=shadow", policyYAML(t, "id: xinyu-1310", "id: other"), "application/yaml", http.StatusUnprocessableEntity, "policy"},
		{"a candidate that is not UTF-8", adminToken, "POST", "/policy?mode=shadow", []byte("format: shixian/v1\nid: \xff\n"), "text/plain", http.StatusBadRequest, "policy"},
		{"a body that is not a policy file by its type", adminToken, "POST", "/policy?mode=shadow", shadowCandidateYAML(t), "application/json", http.StatusUnsupportedMediaType, ""},
		{"a recent count out of range", adminToken, "GET", "/policy/shadow?recent=101", nil, "", http.StatusBadRequest, "recent"},
		{"a recent count that is no number", adminToken, "GET", "/policy/shadow?recent=all", nil, "", http.StatusBadRequest, "recent"},
		{"a method the path does not serve", adminToken, "PUT", "/policy/shadow", nil, "", http.StatusMethodNotAllowed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.as(tc.token).call(tc.method, tc.path, tc.body, tc.ctype)
			require.Equal(t, tc.code, code, "%s", body)
			var out apiError
			require.NoError(t, json.Unmarshal(body, &out), "%s", body)
			assert.Equal(t, tc.field, out.Field)
			assert.NotEmpty(t, out.Error)
		})
	}
	code, out := e.callJSON("GET", "/policy/shadow", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, true, out["active"], "every refused request left the running shadow alone")
	assert.Equal(t, "2026.1", get(out, "candidate", "version"))
	assert.Equal(t, map[string]string{"2025.1": shadowBase(t).Hash()}, e.activeVersions(), "and activated nothing")

	t.Run("a second upload replaces the run and reports the one it replaced", func(t *testing.T) {
		e.mustCreate("C-1", "2025-09-30T10:00:00+08:00", map[string]any{"cause": "complex"})
		again := policyYAML(t, `version: "2025.1"`, `version: "2026.2"`, "  from: 2025-01-01", "  from: 2026-01-01")
		code, out := e.callJSON("POST", "/policy?mode=shadow", string(again))
		require.Equal(t, http.StatusCreated, code, "%v", out)
		assert.Equal(t, "2026.1", get(out, "replaced", "version"))
		assert.Equal(t, 1.0, get(out, "replaced", "counts", "disagreed"))
		code, out = e.callJSON("GET", "/policy/shadow?recent=0", nil)
		require.Equal(t, http.StatusOK, code)
		assert.Equal(t, "2026.2", get(out, "candidate", "version"))
		assert.Equal(t, 0.0, get(out, "counts", "observed"), "the new run starts from nothing")
		assert.Equal(t, []any{}, out["recent"])
	})
}
