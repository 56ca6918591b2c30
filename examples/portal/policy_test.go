package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// activeHash returns the hash of the active version named version, via GET /policy.
func (e *env) activeVersions() map[string]string {
	e.t.Helper()
	code, out := e.callJSON("GET", "/policy", nil)
	require.Equal(e.t, http.StatusOK, code)
	versions := map[string]string{}
	for _, v := range out["versions"].([]any) {
		m := v.(map[string]any)
		versions[m["version"].(string)] = m["hash"].(string)
	}
	return versions
}

// TestPolicyHotReload: POST /policy parses, tests against the suite, and only then swaps.
func TestPolicyHotReload(t *testing.T) {
	e := newEnv(t, tempDB(t), nil, WithChecks(slatest.Check(suitePath)))
	defaultHash := sla.Default().Hash()
	require.Equal(t, map[string]string{"2025.1": defaultHash}, e.activeVersions())

	t.Run("YAML that does not parse → 422 with positions", func(t *testing.T) {
		code, body := e.call("POST", "/policy", "format: shixian/v1\nid: [unclosed\n", "application/yaml")
		require.Equal(t, http.StatusUnprocessableEntity, code, "%s", body)
		var out apiError
		require.NoError(t, json.Unmarshal(body, &out))
		require.NotEmpty(t, out.Problems)
		assert.Positive(t, out.Problems[0].Line, "%+v", out.Problems)
		assert.Equal(t, "policy", out.Field)
	})

	t.Run("a policy with several problems → 422 listing each with its position", func(t *testing.T) {
		bad := policyYAML(t, "limit: 3 workdays", "limit: 3 fortnights", "tier: T10\n    reason: 历史遗留", "tier: T99\n    reason: 历史遗留")
		code, body := e.call("POST", "/policy", bad, "text/plain")
		require.Equal(t, http.StatusUnprocessableEntity, code, "%s", body)
		var out apiError
		require.NoError(t, json.Unmarshal(body, &out))
		require.GreaterOrEqual(t, len(out.Problems), 2, "%s", body)
		for _, p := range out.Problems {
			assert.Positive(t, p.Line, "%+v", p)
			assert.Contains(t, p.Position, "policy:")
		}
		assert.Equal(t, map[string]string{"2025.1": defaultHash}, e.activeVersions())
	})

	t.Run("a valid policy that fails the suite → 422 and the old version stays active", func(t *testing.T) {
		// T1 lengthened to 2 working days under a new version string: the suite's T1 due
		// dates no longer hold.
		failing := policyYAML(t, "limit: 1 workday", "limit: 2 workdays", `version: "2025.1"`, `version: "2025.2"`)
		code, body := e.call("POST", "/policy", failing, "application/yaml")
		require.Equal(t, http.StatusUnprocessableEntity, code, "%s", body)
		var out apiError
		require.NoError(t, json.Unmarshal(body, &out))
		assert.NotEmpty(t, out.Failures)
		assert.Contains(t, out.Error, "not activated")
		assert.Equal(t, map[string]string{"2025.1": defaultHash}, e.activeVersions())
		var stored, audited int
		require.NoError(t, e.queryRow(`SELECT COUNT(*) FROM policies`).Scan(&stored))
		assert.Zero(t, stored, "a rejected policy is not stored")
		require.NoError(t, e.queryRow(`SELECT COUNT(*) FROM policy_audit WHERE who <> '(start-up)'`).Scan(&audited))
		assert.Zero(t, audited, "nor audited")
		created := e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "unclear_request"})
		assert.Equal(t, "2025-10-09", get(created, "deadline", "last_day"), "T1 is still 1 working day")
	})

	t.Run("a policy of another id → 422", func(t *testing.T) {
		other := policyYAML(t, "id: xinyu-1310", "id: other-office")
		code, body := e.call("POST", "/policy", other, "application/yaml")
		require.Equal(t, http.StatusUnprocessableEntity, code, "%s", body)
		assert.Equal(t, map[string]string{"2025.1": defaultHash}, e.activeVersions())
	})

	t.Run("the active version with other rules → 409 and the old version stays active", func(t *testing.T) {
		changed := policyYAML(t, "诉求不清、材料不全等客观原因，1个工作日内办结", "诉求不清、材料不全等客观原因，1个工作日内办结（2025年10月修订）")
		code, out := e.callJSON("POST", "/policy", string(changed))
		require.Equal(t, http.StatusConflict, code, "%v", out)
		assert.Equal(t, "version", out["field"])
		assert.Contains(t, out["error"], "cannot change")
		assert.Equal(t, map[string]string{"2025.1": defaultHash}, e.activeVersions())
	})

	t.Run("the active version's own text again → 200, unchanged, nothing audited", func(t *testing.T) {
		code, out := e.callJSON("POST", "/policy", string(sla.DefaultPolicyYAML()))
		require.Equal(t, http.StatusOK, code, "%v", out)
		assert.Equal(t, true, out["unchanged"])
		assert.Equal(t, defaultHash, out["hash"])
		var audited int
		require.NoError(t, e.queryRow(`SELECT COUNT(*) FROM policy_audit WHERE who <> '(start-up)'`).Scan(&audited))
		assert.Zero(t, audited)
	})

	t.Run("the active version with its range ended and passing the suite → 200 and new cases use it", func(t *testing.T) {
		passing := policyYAML(t, "  from: 2025-01-01", "  from: 2025-01-01\n  until: 2030-12-31")
		want := parsePolicy(t, passing)
		code, out := e.callJSON("POST", "/policy", string(passing))
		require.Equal(t, http.StatusOK, code, "%v", out)
		assert.Equal(t, "xinyu-1310", out["id"])
		assert.Equal(t, "2025.1", out["version"])
		assert.Equal(t, "2030-12-31", out["until"])
		assert.Equal(t, false, out["unchanged"])
		assert.Equal(t, want.Hash(), out["hash"])
		assert.Equal(t, map[string]string{"2025.1": want.Hash()}, e.activeVersions())

		created := e.mustCreate("C-2", "2025-10-20T10:00:00+08:00", map[string]any{"cause": "unclear_request"})
		assert.Equal(t, want.Hash(), get(created, "decision", "policy_hash"))
	})
}

// TestPolicyNewVersionAndRestart: a new version effective from 2026 is added to the history;
// cases are judged by the version in effect at their acceptance, and a restart restores both
// versions and every case's status.
func TestPolicyNewVersionAndRestart(t *testing.T) {
	path := tempDB(t)
	// The policy the server is started with ends on 2025-12-31, so that 2026.1 can follow it.
	base := parsePolicy(t, policyYAML(t, "  from: 2025-01-01", "  from: 2025-01-01\n  until: 2025-12-31"))
	v2026 := policyYAML(t, `version: "2025.1"`, `version: "2026.1"`, "  from: 2025-01-01", "  from: 2026-01-01", "limit: 1 workday", "limit: 2 workdays")
	e := newEnv(t, path, base)

	code, out := e.callJSON("POST", "/policy", string(v2026))
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, "2026.1", out["version"])
	versions := e.activeVersions()
	require.Len(t, versions, 2)

	// Accepted Friday 2026-02-13 before the Spring Festival (02-15..02-23 off, 02-14 a makeup
	// Saturday): under 2026.1 T1 is 2 working days, 02-14 and 02-24.
	created := e.mustCreate("N-1", "2026-02-13T10:00:00+08:00", map[string]any{"cause": "unclear_request"})
	assert.Equal(t, "2026.1", get(created, "decision", "policy_version"))
	assert.Equal(t, "2026-02-24", get(created, "deadline", "last_day"))
	// Accepted in 2025: still governed by 2025.1, 1 working day.
	created = e.mustCreate("O-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "unclear_request"})
	assert.Equal(t, "2025.1", get(created, "decision", "policy_version"))
	assert.Equal(t, "2025-10-09", get(created, "deadline", "last_day"))
	e.mustEvent("O-1", map[string]any{"type": "closed", "at": "2025-10-10T09:00:00+08:00"})
	e.mustEvent("N-1", map[string]any{"type": "transferred", "at": "2026-02-14T09:00:00+08:00", "unit": "社保中心"})

	now := "2026-02-25T10:00:00%2B08:00"
	before := map[string]string{}
	for _, id := range []string{"N-1", "O-1"} {
		_, body := e.call("GET", "/cases/"+id+"?now="+now, nil, "")
		before[id] = string(body)
	}
	e.close()

	// Restart: a new server on the same file, started with the same base policy.
	e2 := newEnv(t, path, base)
	assert.Equal(t, versions, e2.activeVersions(), "both versions are active again")
	for id, want := range before {
		_, body := e2.call("GET", "/cases/"+id+"?now="+now, nil, "")
		assert.JSONEq(t, want, string(body), "case %s", id)
	}
	created = e2.mustCreate("N-2", "2026-02-13T10:00:00+08:00", map[string]any{"cause": "unclear_request"})
	assert.Equal(t, "2026.1", get(created, "decision", "policy_version"), "the restored version governs new cases")
}

// TestRestartWithAnotherPolicy: a database holding policy A cannot be served with policy B.
func TestRestartWithAnotherPolicy(t *testing.T) {
	path := tempDB(t)
	e := newEnv(t, path, nil)
	passing := policyYAML(t, "  from: 2025-01-01", "  from: 2025-01-01\n  until: 2030-12-31")
	code, out := e.callJSON("POST", "/policy", string(passing))
	require.Equal(t, http.StatusOK, code, "%v", out)
	e.close()

	db, driver := openTestDB(t, path)
	defer db.Close()
	other := parsePolicy(t, policyYAML(t, "id: xinyu-1310", "id: other-office"))
	h, err := sla.NewHistory(other)
	require.NoError(t, err)
	holder, err := sla.NewHolder(h)
	require.NoError(t, err)
	_, err = NewServer(db, holder, WithDriverName(driver), WithTokens(testTokens(t)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "other-office")
}

// TestCaseOutsideEveryVersion: when the portal is restarted with a policy whose only version
// starts later, a case accepted before it has no governing version: its status and events are
// refused with a 422 that says so, and nothing is stored. (POST /policy cannot do this: it
// refuses to change an active version's start.)
func TestCaseOutsideEveryVersion(t *testing.T) {
	path := tempDB(t)
	e := newEnv(t, path, nil)
	e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "complex"})
	later := policyYAML(t, "  from: 2025-01-01", "  from: 2025-10-01")
	code, out := e.callJSON("POST", "/policy", string(later))
	require.Equal(t, http.StatusConflict, code, "%v", out)
	e.close()

	e = newEnv(t, path, parsePolicy(t, later))
	code, out = e.callJSON("GET", "/cases/C-1?now=2025-10-09T10:00:00%2B08:00", nil)
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, out["error"], "no version in effect")
	code, out = e.callJSON("POST", "/cases/C-1/events", map[string]any{"type": "closed", "at": "2025-10-09T10:00:00+08:00"})
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, out["error"], "nothing was stored")
	assert.Equal(t, 2, e.eventCount("C-1"))
	var action string
	require.NoError(t, e.queryRow(`SELECT action FROM policy_audit ORDER BY seq DESC LIMIT 1`).Scan(&action))
	assert.Equal(t, "changed_at_start", action, "the changed start-up policy is in the audit trail")
}

// TestPolicyThatIgnoresExtraInput: a portal that passes whole records may post a version with
// `input_extra: ignore`; the created case's decision then lists what it left out, so that a
// clerk can see that "tag" was not read as "tags".
func TestPolicyThatIgnoresExtraInput(t *testing.T) {
	base := parsePolicy(t, policyYAML(t, "  from: 2025-01-01", "  from: 2025-01-01\n  until: 2025-12-31"))
	e := newEnv(t, tempDB(t), base)
	input := map[string]any{"cause": "improper_method", "tag": []string{"cross_department"}, "applicant_name": "王某"}

	code, out := e.callJSON("POST", "/cases", map[string]any{"id": "S-1", "accepted": "2025-09-30T17:00:00+08:00", "input": input})
	require.Equal(t, http.StatusBadRequest, code, "the default policy is strict: %v", out)
	assert.Equal(t, "input.applicant_name", out["field"], "the first undeclared key, sorted")

	lenient := policyYAML(t, `version: "2025.1"`, `version: "2026.1"`, "  from: 2025-01-01", "  from: 2026-01-01\ninput_extra: ignore")
	code, out = e.callJSON("POST", "/policy", string(lenient))
	require.Equal(t, http.StatusOK, code, "%v", out)

	created := e.mustCreate("S-2", "2026-03-03T10:00:00+08:00", input)
	assert.Equal(t, "2026.1", get(created, "decision", "policy_version"))
	assert.Equal(t, "T3", get(created, "decision", "tier"), "tag is not tags: the staff-caused rule decides")
	assert.Equal(t, []any{"applicant_name", "tag"}, get(created, "decision", "ignored"))
}
