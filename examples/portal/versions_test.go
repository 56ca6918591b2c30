package main

import (
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

// TestNextYearsVersionAndAReportAcrossIt: the shipped 2026 version is posted as it is beside
// the open-ended 2025 one (no `until` added to 2025, whose hash stays); cases are classified by
// the version of their acceptance without the portal picking one; and one report covers cases
// of both versions.
func TestNextYearsVersionAndAReportAcrossIt(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	next, err := os.ReadFile("../policychange/xinyu-1310-2026.yaml")
	require.NoError(t, err)

	a := e.mustCreate("A", "2025-12-01T10:00:00+08:00", map[string]any{"cause": "complex"})
	assert.Equal(t, "2025.1", get(a, "decision", "policy_version"))

	code, body := e.call("POST", "/policy", string(next), "application/yaml")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Equal(t, map[string]string{"2025.1": sla.Default().Hash(), "2026.1": parsePolicy(t, next).Hash()}, e.activeVersions(),
		"the 2025 version keeps its hash: its file was not edited")
	_, out := e.callJSON("GET", "/policy", nil)
	assert.Equal(t, "2025-12-31", get(out["versions"].([]any)[0], "until"), "2025 ends where 2026 begins")

	b := e.mustCreate("B", "2026-01-05T10:00:00+08:00", map[string]any{"cause": "complex"})
	assert.Equal(t, "2026.1", get(b, "decision", "policy_version"))
	assert.Equal(t, "2025.1", get(e.status("A", "2026-01-06T10:00:00%2B08:00"), "policy", "version"), "A stays with 2025")

	code, rep := e.callJSON("GET", "/report?from=2025-12-01&to=2026-01-31&now=2026-01-20T12:00:00%2B08:00", nil)
	require.Equal(t, http.StatusOK, code, "%v", rep)
	assert.Equal(t, float64(2), get(rep, "total", "accepted"))
	assert.Equal(t, "2025.1, 2026.1", rep["policy_version"])
}

// TestNextYearsVersionRefusedWhenItWouldMoveCases: a case accepted on 2026-01-05 while 2025
// was still open-ended is governed by 2025; a 2026 version starting on 2026-01-01 would move
// it, so it is refused (409) and nothing changes.
func TestNextYearsVersionRefusedWhenItWouldMoveCases(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	next, err := os.ReadFile("../policychange/xinyu-1310-2026.yaml")
	require.NoError(t, err)
	c := e.mustCreate("C", "2026-01-05T10:00:00+08:00", map[string]any{"cause": "complex"})
	assert.Equal(t, "2025.1", get(c, "decision", "policy_version"))

	code, body := e.call("POST", "/policy", string(next), "application/yaml")
	require.Equal(t, http.StatusConflict, code, "%s", body)
	assert.Contains(t, string(body), "would change version")
	assert.Equal(t, map[string]string{"2025.1": sla.Default().Hash()}, e.activeVersions())
}

// TestBoardAcrossNextYearsVersion: in the first week of 2026 the board's weekly analysis and
// monthly ranking count a case accepted under 2025 beside one accepted under 2026, each judged
// by its own version; judging both by the latest version alone would refuse the 2025 case
// (accepted before 2026 took effect) and the board would say some cases could not be counted.
func TestBoardAcrossNextYearsVersion(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	next, err := os.ReadFile("../policychange/xinyu-1310-2026.yaml")
	require.NoError(t, err)
	e.mustCreate("A", "2025-12-29T10:00:00+08:00", map[string]any{"cause": "complex"})
	code, body := e.call("POST", "/policy", string(next), "application/yaml")
	require.Equal(t, http.StatusOK, code, "%s", body)
	e.mustCreate("B", "2026-01-05T10:00:00+08:00", map[string]any{"cause": "complex"})

	code, page := e.as(supervisorToken).call("GET", "/board?now=2026-01-06T10:00:00%2B08:00", nil, "")
	require.Equal(t, http.StatusOK, code, "%s", page)
	assert.NotContains(t, string(page), "部分案件无法按现行政策统计", "every case is counted under its own version")
	assert.Contains(t, string(page), "在办 2 件")
}
