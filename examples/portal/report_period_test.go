package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReportAnalysis: GET /report?period=week|month is the weekly analysis (每周一分析) and the
// monthly dispatch (每月一调度) of the library, over every stored case: ISO week 2025-W41
// (10-06 … 10-12) holds two cases, the week before one; the default policy's ranking formula
// ranks handlers; each format answers with its content type; and every refused parameter is
// named.
func TestReportAnalysis(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	e.createFor("P-1", "2025-09-30T09:00:00+08:00", "incomplete_materials", "劳动监察科", "王芳")
	e.createFor("P-2", "2025-10-09T09:00:00+08:00", "complex", "劳动监察科", "王芳")
	e.createFor("P-3", "2025-10-10T09:00:00+08:00", "historical_legacy", "社保科", "李强")
	sup := e.as(supervisorToken)
	const week = "/report?period=week&from=2025-10-08&now=2025-10-13T09:00:00%2B08:00"

	code, out := sup.callJSON("GET", week+"&rank=handler", nil)
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, "2025-W41", get(out, "period", "name"))
	assert.Equal(t, "2025-W40", get(out, "previous", "name"))
	assert.Equal(t, float64(2), get(out, "current", "total", "accepted"), "two cases accepted in W41")
	assert.Equal(t, float64(1), get(out, "before", "total", "accepted"), "one the week before")
	assert.Contains(t, get(out, "basis"), "按受理日统计", "the 统计口径 is stated")
	assert.NotNil(t, get(out, "ranking"), "ranked by the policy's formula")

	for _, f := range []struct{ format, contentType, contains string }{
		{"md", "text/markdown", "2025-W41"},
		{"csv", "text/csv", "section,period,key"},
		{"svg", "image/svg+xml", "<svg"},
	} {
		code, body := sup.call("GET", week+"&format="+f.format, nil, "")
		require.Equal(t, http.StatusOK, code, "%s", body)
		assert.Contains(t, string(body), f.contains, f.format)
	}
	code, _ = e.as(clerkToken).call("GET", week, nil, "")
	assert.Equal(t, http.StatusForbidden, code, "a clerk reads no analysis")

	code, out = sup.callJSON("GET", "/report?period=month&from=2025-10-01&now=2025-10-13T09:00:00%2B08:00&trend=2", nil)
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, "2025-10", get(out, "period", "name"))
	assert.Equal(t, float64(2), get(out, "current", "total", "accepted"))

	for _, tc := range []struct{ name, query, field string }{
		{"to is refused beside period", "&to=2025-10-12", "to"},
		{"a period other than week or month", "&period=fortnight", "period"},
		{"a trend of one period", "&trend=1", "trend"},
		{"top_n of 500", "&top_n=500", "top_n"},
		{"a rank by department", "&rank=department", "rank"},
		{"an unknown top key", "&top=colour", "top"},
		{"an unknown group key", "&by=colour", "by"},
		{"an unknown format", "&format=pdf", "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := strings.Replace(week, "period=week", "period=week"+tc.query, 1)
			if strings.HasPrefix(tc.query, "&period=") {
				q = strings.Replace(week, "period=week", tc.query[1:], 1)
			}
			code, out := sup.callJSON("GET", q, nil)
			assert.Equal(t, http.StatusBadRequest, code, "%v", out)
			assert.Equal(t, tc.field, out["field"], "%v", out)
		})
	}
}

// TestReportAnalysisRankWithoutFormula: a ranking under a policy that declares no formula is
// refused with the parameter named, before any case is read.
func TestReportAnalysisRankWithoutFormula(t *testing.T) {
	unranked := policyYAML(t, "\nranking:\n  label: 综合得分\n  "+defaultScore+"\n", "\n")
	e := newEnv(t, tempDB(t), parsePolicy(t, unranked))
	code, out := e.as(supervisorToken).callJSON("GET", "/report?period=week&from=2025-10-08&rank=unit", nil)
	assert.Equal(t, http.StatusBadRequest, code, "%v", out)
	assert.Equal(t, "rank", out["field"])
	assert.Contains(t, out["error"], "declares no ranking formula")
}
