package main

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEndToEnd follows cases through the whole service against a real SQLite file.
func TestEndToEnd(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)

	// A T1 case accepted Tuesday 2025-09-30 17:00, just before the National Day break
	// (10-01..10-08 off): day 1 is the first working day after acceptance (民法典 art. 201),
	// Thursday 10-09, and the period ends at 24:00 of that day (art. 203), so due is the
	// exclusive instant 2025-10-10 00:00 UTC+8.
	code, out := e.callJSON("POST", "/cases", map[string]any{
		"id": "C-1", "accepted": "2025-09-30T17:00:00+08:00",
		"input":      map[string]any{"cause": "incomplete_materials", "category": "wage_arrears"},
		"department": "劳动监察科", "handler": "王芳", "attributes": map[string]string{"channel": "window"},
	})
	require.Equal(t, http.StatusCreated, code, "%v", out)
	assert.Equal(t, "T1", get(out, "decision", "tier"))
	assert.Equal(t, "objective-simple", get(out, "decision", "rule"))
	assert.Equal(t, "xinyu-1310", get(out, "decision", "policy_id"))
	assert.Equal(t, "2025-10-10T00:00:00+08:00", get(out, "deadline", "due"))
	assert.Equal(t, "2025-10-09", get(out, "deadline", "last_day"))
	assert.Equal(t, "2025-10-09 24:00", get(out, "deadline", "ends"))
	assert.Equal(t, false, get(out, "deadline", "provisional"))
	assert.NotEmpty(t, get(out, "deadline", "explanation"))
	assert.Equal(t, "C-1", get(out, "case", "id"))
	assert.Equal(t, "劳动监察科", get(out, "case", "department"))
	assert.Len(t, get(out, "case", "events"), 2, "accepted and classified")
	assert.Equal(t, 2, e.eventCount("C-1"))

	// Transferred, signed for and closed on Thursday 10-09, the last day: on time.
	e.mustEvent("C-1", map[string]any{"type": "transferred", "at": "2025-10-09T09:00:00+08:00", "unit": "劳动监察大队"})
	e.mustEvent("C-1", map[string]any{"type": "signed_for", "at": "2025-10-09T09:30:00+08:00", "unit": "劳动监察大队"})
	out = e.mustEvent("C-1", map[string]any{"type": "closed", "at": "2025-10-09T15:00:00+08:00", "actor": "王芳"})
	assert.Equal(t, "closed_on_time", get(out, "status", "state"), "the status answered is at the event's instant")
	assert.Equal(t, 5, e.eventCount("C-1"))

	// A T10 case (历史遗留) accepted at the same instant: 10 working days end Tuesday 10-21
	// (10-09, 10-10, makeup Saturday 10-11, 10-13..10-17, 10-20, 10-21).
	out = e.mustCreate("C-2", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "historical_legacy"})
	assert.Equal(t, "2025-10-21", get(out, "deadline", "last_day"))
	// Paused Friday 10-10 10:00 for expert review (行政许可法 art. 45), resumed Tuesday 10-14
	// 09:00. Under resume_day "excluded" the working days from the day after the pause through
	// the resumption day do not count: 10-11 (makeup Saturday), 10-13 and 10-14, three working
	// days, so the last day moves from Tuesday 10-21 to Friday 10-24.
	out = e.mustEvent("C-2", map[string]any{"type": "paused", "at": "2025-10-10T10:00:00+08:00", "reason": "专家评审"})
	assert.Equal(t, "paused", get(out, "status", "state"))
	assert.Nil(t, get(out, "status", "due"), "an open pause suspends the deadline")
	out = e.mustEvent("C-2", map[string]any{"type": "resumed", "at": "2025-10-14T09:00:00+08:00"})
	assert.Equal(t, "2025-10-25T00:00:00+08:00", get(out, "status", "due"))
	assert.Equal(t, "2025-10-24", get(out, "status", "last_day"))

	// Status while open, with the explanation in words.
	st := e.status("C-2", "2025-10-15T10:00:00%2B08:00")
	assert.Contains(t, []any{"on_track", "warning"}, get(st, "status", "state"))
	assert.Equal(t, "T10", get(st, "status", "tier"))
	explanation, ok := get(st, "explanation").([]any)
	require.True(t, ok)
	require.NotEmpty(t, explanation)
	assert.Contains(t, strings.Join(toStrings(explanation), "\n"), "2025年10月10日 10:00中止办理", "the pause is explained, in the policy's language (Chinese)")

	// Closed Thursday 10-23: before the moved deadline, so on time.
	out = e.mustEvent("C-2", map[string]any{"type": "closed", "at": "2025-10-23T11:00:00+08:00"})
	assert.Equal(t, "closed_on_time", get(out, "status", "state"))

	// A T3 case (问题比较复杂) left open: its last day is makeup Saturday 10-11; on Monday
	// 10-20 it is open and overdue by 10-13..10-17 and 10-20 = 6 working days.
	e.mustCreate("C-3", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "complex"})
	st = e.status("C-3", "2025-10-20T12:00:00%2B08:00")
	assert.Equal(t, "overdue", get(st, "status", "state"))
	assert.Equal(t, "2025-10-11", get(st, "status", "last_day"))
	assert.EqualValues(t, 6, get(st, "status", "overdue_days"))

	// Without `now` the server reads its clock (the test clock: 2025-10-20 09:00).
	_, st = e.callJSON("GET", "/cases/C-3", nil)
	assert.Equal(t, "overdue", get(st, "status", "state"))
	assert.Equal(t, "2025-10-20T09:00:00+08:00", get(st, "status", "at"))

	report := "/report?from=2025-09-29&to=2025-10-05&by=tier&bucket=accepted&now=2025-10-24T00:00:00%2B08:00"

	// CSV: one row per tier and TOTAL. C-1 (T1) and C-2 (T10) closed on time, C-3 (T3) open
	// and overdue.
	code, body := e.call("GET", report+"&format=csv", nil, "")
	require.Equal(t, http.StatusOK, code, "%s", body)
	records, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(records), 5, "%s", body)
	header := records[0]
	assert.Equal(t, "group", header[0])
	rows := map[string]map[string]string{}
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, h := range header {
			row[h] = rec[i]
		}
		rows[rec[0]] = row
	}
	assert.Equal(t, "1", rows["T1"]["closed_on_time"])
	assert.Equal(t, "1", rows["T10"]["closed_on_time"])
	assert.Equal(t, "1", rows["T3"]["open_overdue"])
	assert.Equal(t, "3", rows["TOTAL"]["accepted"])

	// Markdown: the table and the overdue list naming C-3.
	code, body = e.call("GET", report+"&format=md", nil, "")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Contains(t, string(body), "C-3")
	assert.Contains(t, string(body), "|")

	// JSON (the default format): sla.Report in its snake_case JSON form.
	code, body = e.call("GET", report, nil, "")
	require.Equal(t, http.StatusOK, code, "%s", body)
	var rep struct {
		Total struct {
			Accepted     int `json:"accepted"`
			ClosedOnTime int `json:"closed_on_time"`
			OpenOverdue  int `json:"open_overdue"`
		} `json:"total"`
		Overdue []struct {
			CaseID string `json:"case_id"`
		} `json:"overdue"`
		PolicyID string `json:"policy_id"`
	}
	require.NoError(t, json.Unmarshal(body, &rep))
	assert.Equal(t, 3, rep.Total.Accepted)
	assert.Equal(t, 2, rep.Total.ClosedOnTime)
	assert.Equal(t, 1, rep.Total.OpenOverdue)
	require.Len(t, rep.Overdue, 1)
	assert.Equal(t, "C-3", rep.Overdue[0].CaseID)
	assert.Equal(t, "xinyu-1310", rep.PolicyID)

	// A period that holds none of the cases: every case is skipped.
	code, body = e.call("GET", "/report?from=2025-11-03&to=2025-11-09&now=2025-11-10T00:00:00%2B08:00", nil, "")
	require.Equal(t, http.StatusOK, code, "%s", body)
	require.NoError(t, json.Unmarshal(body, &rep))
	assert.Equal(t, 0, rep.Total.Accepted)

	// GET /policy names the active version.
	_, pol := e.callJSON("GET", "/policy", nil)
	assert.Equal(t, "xinyu-1310", get(pol, "id"))
	assert.Equal(t, "2025.1", get(pol, "versions").([]any)[0].(map[string]any)["version"])
}

func toStrings(v []any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i], _ = x.(string)
	}
	return out
}
