package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

// TestReportAcrossVersions: `report` with the shipped pair of versions (2025, open-ended, and
// 2026 from 2026-01-01) reports the ISO week 2026-W01 (2025-12-29 … 2026-01-04), which spans
// the switch, as one analysis: a case accepted on 2025-12-30 is judged by 2025.1, one accepted
// on 2026-01-02 by 2026.1. With the 2026 file alone the 2025 case is refused on its line.
func TestReportAcrossVersions(t *testing.T) {
	const old, next = "../../examples/policies/xinyu-1310.yaml", "../../examples/policychange/xinyu-1310-2026.yaml"
	h, err := sla.LoadHistory(old, next)
	require.NoError(t, err)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.CST())
		require.NoError(t, err)
		return v
	}
	var lines []string
	for _, c := range []struct{ id, accepted string }{{"W-2025", "2025-12-30 10:00"}, {"W-2026", "2026-01-02 10:00"}} {
		k, _, err := h.Accept(c.id, map[string]any{"cause": "complex"}, at(c.accepted))
		require.NoError(t, err)
		data, err := json.Marshal(k)
		require.NoError(t, err)
		lines = append(lines, string(data))
	}
	cases := filepath.Join(t.TempDir(), "cases.jsonl")
	require.NoError(t, os.WriteFile(cases, []byte(strings.Join(lines, "\n")+"\n"), 0o600))

	r := cli(t, "", "report", "--policy", old, "--policy", next, "--cases", cases, "--period", "week", "--from", "2025-12-31", "--now", "2026-01-05T00:00:00+08:00")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "2026-W01")
	assert.Contains(t, r.stdout, "2025.1, 2026.1", "both versions judged a case of the week")
	assert.Contains(t, r.stdout, "| 件数 cases | 2 |", "one week, two cases, one set of totals")

	r = cli(t, "", "report", "--policy", next, "--cases", cases, "--period", "week", "--from", "2025-12-31", "--now", "2026-01-05T00:00:00+08:00")
	assert.Equal(t, exitInvalid, r.code)
	assert.Contains(t, r.stderr, ":1:", "the refused case is named by its line")
	assert.Contains(t, r.stderr, "2026-01-01")

	r = cli(t, "", "report", "--policy", old, "--policy", "testdata/policy-2025.1.yaml", "--cases", cases, "--from", "2025-12-29", "--to", "2026-01-04")
	assert.Equal(t, exitInvalid, r.code, "two files claiming one version are refused, not merged")
	assert.Contains(t, r.stderr, `version "2025.1" appears twice`)
}
