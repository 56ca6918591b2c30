package sla

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/golden"
	"github.com/shixian-go/shixian/sla/deadline"
)

var rptCST = calendar.CST()

// rt parses "2025-09-30 17:00" as Beijing time.
func rt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, rptCST)
	if err != nil {
		panic(err)
	}
	return t
}

// rd parses a civil date "2025-09-29".
func rd(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, rptCST)
	if err != nil {
		panic(err)
	}
	return t
}

func evAccepted(at string) Event { return Event{Type: EventAccepted, At: rt(at)} }
func evClassified(tier, at string) Event {
	return Event{Type: EventClassified, At: rt(at), Tier: tier, Reason: "test classification"}
}
func evTransferred(unit, at string) Event {
	return Event{Type: EventTransferred, At: rt(at), Unit: unit}
}
func evClosed(at string) Event { return Event{Type: EventClosed, At: rt(at)} }
func evVisited(at string, satisfied bool) Event {
	return Event{Type: EventVisited, At: rt(at), Satisfied: &satisfied}
}
func evReopened(at string) Event {
	return Event{Type: EventReopened, At: rt(at), Reason: "回访不满意 unsatisfied visit"}
}

// mkCase builds a case of the default policy; attrs are "dept", "handler",
// "channel" in that order (empty strings allowed).
func mkCase(id, dept, handler, channel string, evs ...Event) Case {
	c := Case{ID: id, PolicyID: "xinyu-1310", Department: dept, Handler: handler, Events: evs}
	if channel != "" {
		c.Attributes = map[string]string{"channel": channel}
	}
	return c
}

// reportNow is the as-of instant of the fixture reports: Monday 2025-10-20 10:00 CST.
var reportNow = rt("2025-10-20 10:00")

// reportFixture is a set of cases around the 2025 National Day break
// (2025-10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are makeup working
// days), each described in words.
func reportFixture() []Case {
	return []Case{
		// C01: T1 accepted Tuesday 2025-09-30 17:00; day 1 is Thursday 10-09
		// because the National Day days do not count, so it is due 10-09 24:00;
		// closed 10-09 10:00 → on time, 1 working day to close. Transferred to
		// 区社保中心.
		mkCase("C01", "社保科", "王芳", "hotline_12345",
			evAccepted("2025-09-30 17:00"), evClassified("T1", "2025-09-30 17:00"),
			evTransferred("区社保中心", "2025-09-30 17:30"), evClosed("2025-10-09 10:00")),
		// C02: T1 accepted Monday 2025-09-29 09:00; day 1 is Tuesday 09-30, due
		// 09-30 24:00; closed 10-09 09:00 → late by 1 working day (10-09; the
		// holidays are not counted against it), 2 working days to close.
		mkCase("C02", "社保科", "李强", "window",
			evAccepted("2025-09-29 09:00"), evClassified("T1", "2025-09-29 09:00"),
			evClosed("2025-10-09 09:00")),
		// C03: T3 accepted on the makeup Sunday 2025-09-28 10:00 (before the
		// week); days 1–3 are 09-29, 09-30, 10-09 → due 10-09 24:00; closed
		// 10-10 09:00 → late by 1 working day.
		mkCase("C03", "社保科", "李强", "window",
			evAccepted("2025-09-28 10:00"), evClassified("T3", "2025-09-28 10:00"),
			evClosed("2025-10-10 09:00")),
		// C04: T10 accepted Tuesday 2025-09-30 10:00; days 1–10 are 10-09,
		// 10-10, Saturday 10-11 (makeup), 10-13..10-17, 10-20, 10-21 → due
		// 10-21 24:00; open and on track at Monday 10-20. Transferred to
		// 劳动监察大队.
		mkCase("C04", "劳动关系科", "王芳", "window",
			evAccepted("2025-09-30 10:00"), evClassified("T10", "2025-09-30 10:00"),
			evTransferred("劳动监察大队", "2025-09-30 11:00")),
		// C05: T3 accepted by the hotline on holiday Friday 2025-10-03 11:00;
		// counting is literal, so days 1–3 are 10-09, 10-10 and the makeup
		// Saturday 10-11 → due 10-11 24:00; open at 10-20 10:00 → overdue by 6
		// working days (10-13..10-17 and 10-20).
		mkCase("C05", "劳动关系科", "", "hotline_12333",
			evAccepted("2025-10-03 11:00"), evClassified("T3", "2025-10-03 11:00")),
		// C06: T1 accepted Monday 2025-09-29 14:00, closed 09-30 16:00 (on
		// time), visited 10-09 10:00 unsatisfied, reopened 10-09 11:00 (cycle 2
		// from 10-09: day 1 is 10-10), closed 10-10 15:00 → cycle 2 on time,
		// 1 working day to close; visited again 10-13 satisfied. A second
		// reopening and a transfer dated 10-21, after the report's instant, do
		// not exist yet.
		mkCase("C06", "社保科", "王芳", "window",
			evAccepted("2025-09-29 14:00"), evClassified("T1", "2025-09-29 14:00"),
			evClosed("2025-09-30 16:00"), evVisited("2025-10-09 10:00", false),
			evReopened("2025-10-09 11:00"), evClosed("2025-10-10 15:00"),
			evVisited("2025-10-13 09:00", true), evReopened("2025-10-21 09:00"),
			evTransferred("市人社局", "2025-10-21 09:30")),
		// C07: accepted on holiday Wednesday 2025-10-01 09:30 and never
		// classified → open, no deadline, tier group "(none)".
		mkCase("C07", "", "", "online", evAccepted("2025-10-01 09:30")),
		// C08: T1 accepted and closed the same Monday 2025-09-29 (10:00–16:00)
		// → on time, 0 working days to close; visited 09-30 unsatisfied, not
		// reopened.
		mkCase("C08", "就业科", "李强", "window",
			evAccepted("2025-09-29 10:00"), evClassified("T1", "2025-09-29 10:00"),
			evClosed("2025-09-29 16:00"), evVisited("2025-09-30 09:00", false)),
		// C09: T1 accepted Thursday 2025-10-09 09:00 (after the week), due
		// 10-10 24:00, closed 10-09 15:00 → on time.
		mkCase("C09", "就业科", "王芳", "window",
			evAccepted("2025-10-09 09:00"), evClassified("T1", "2025-10-09 09:00"),
			evClosed("2025-10-09 15:00")),
	}
}

// weekOpts is the report of the week Monday 2025-09-29 .. Sunday 2025-10-05.
func weekOpts(groupBy string, bucket BucketBy) ReportOptions {
	return ReportOptions{From: rd("2025-09-29"), To: rd("2025-10-05"), GroupBy: groupBy, Bucket: bucket, Now: reportNow}
}

func rowByGroup(t *testing.T, r Report, group string) ReportRow {
	t.Helper()
	for _, row := range r.Rows {
		if row.Group == group {
			return row
		}
	}
	t.Fatalf("no row %q in %v", group, groupNames(r))
	return ReportRow{}
}

func groupNames(r Report) []string {
	var names []string
	for _, row := range r.Rows {
		names = append(names, row.Group)
	}
	return names
}

func TestReportFixtureIsValid(t *testing.T) {
	// The fixture must be histories the lifecycle accepts, or the report
	// tests would be about impossible cases.
	p := Default()
	for _, c := range reportFixture() {
		assert.NoError(t, p.Validate(c), c.ID)
	}
}

func TestReportTotalsByTier(t *testing.T) {
	p := Default()
	rep, err := p.Report(reportFixture(), weekOpts(GroupByTier, BucketAccepted))
	require.NoError(t, err)

	// Accepted in the week: C01, C02, C04, C05, C06, C07, C08 (C03 was
	// accepted on Sunday 09-28, C09 on 10-09).
	assert.Equal(t, 2, rep.Skipped)
	assert.Equal(t, 0, rep.Undated)
	// Tiers in the policy's order, then cases without a tier.
	assert.Equal(t, []string{"T1", "T3", "T10", "(none)"}, groupNames(rep))

	tot := rep.Total
	assert.Equal(t, GroupTotal, tot.Group)
	assert.Equal(t, 7, tot.Accepted)
	assert.Equal(t, 3, tot.ClosedOnTime, "C01, C06 (cycle 2) and C08 closed on time")
	assert.Equal(t, 1, tot.ClosedLate, "C02 closed late")
	assert.Equal(t, 3, tot.Open, "C04, C05, C07 open")
	assert.Equal(t, 1, tot.OpenOverdue, "C05 open overdue")
	assert.Equal(t, 5, tot.Rated, "on time + closed late + open overdue")
	assert.InDelta(t, 0.6, tot.OnTimeRate, 1e-12, "3 of 5")
	// Working days to close: C01 1, C02 2, C06 1 (cycle 2), C08 0 → mean 1;
	// p90 of 4 values is the ceil(3.6) = 4th smallest = 2.
	assert.InDelta(t, 1.0, tot.AvgWorkdaysToClose, 1e-12)
	assert.Equal(t, 2, tot.P90WorkdaysToClose)
	assert.Equal(t, 7, tot.OverdueWorkdays, "C02 1 + C05 6")
	assert.Equal(t, 2, tot.EverLate)
	assert.Equal(t, 1, tot.Reopened, "C06")
	assert.Equal(t, 2, tot.Visited, "C06, C08")
	assert.Equal(t, 1, tot.Satisfied, "C06's latest visit was satisfied, C08's not")
	assert.InDelta(t, 0.5, tot.SatisfactionRate, 1e-12)

	t1 := rowByGroup(t, rep, "T1")
	assert.Equal(t, ReportRow{
		Group: "T1", Accepted: 4, ClosedOnTime: 3, ClosedLate: 1, Rated: 4, OnTimeRate: 0.75,
		AvgWorkdaysToClose: 1, P90WorkdaysToClose: 2, OverdueWorkdays: 1, EverLate: 1,
		Reopened: 1, Visited: 2, Satisfied: 1, SatisfactionRate: 0.5,
		SupervisionReached: 1, // one of the four crossed orange (催办: at 80% of the period, 19:12 of a T1's day) before closing
	}, t1)
	t10 := rowByGroup(t, rep, "T10")
	assert.Equal(t, ReportRow{Group: "T10", Accepted: 1, Open: 1, SupervisionReached: 1}, t10, "C04 is on track (orange crossed: 催办): no verdict, no rate")
	t3 := rowByGroup(t, rep, "T3")
	assert.Equal(t, ReportRow{Group: "T3", Accepted: 1, Open: 1, OpenOverdue: 1, Rated: 1, OverdueWorkdays: 6, EverLate: 1, SupervisionReached: 1}, t3)
	assert.Equal(t, []LevelCount{{"remind", "催办", 3}, {"supervise", "督办", 2}, {"listed", "挂牌督办", 1}, {"notice", "通报", 1}}, rep.Loop.Levels,
		"C05, six working days overdue, reached every level; C02 closed late reached 督办")
	none := rowByGroup(t, rep, GroupNone)
	assert.Equal(t, ReportRow{Group: GroupNone, Accepted: 1, Open: 1}, none, "C07 unclassified")

	// Overdue list: C05 (open, 6 working days) before C02 (closed late, 1).
	require.Len(t, rep.Overdue, 2)
	assert.Equal(t, 2, rep.OverdueTotal)
	o := rep.Overdue[0]
	assert.Equal(t, "C05", o.CaseID)
	assert.Equal(t, "T3", o.Group)
	assert.Equal(t, "T3", o.Tier)
	assert.Equal(t, "劳动关系科", o.Department)
	assert.Equal(t, 6, o.OverdueDays)
	assert.Equal(t, StateOverdue, o.State)
	assert.True(t, o.Due.Equal(rt("2025-10-12 00:00")), "due 10-11 24:00, got %v", o.Due)
	assert.True(t, o.LastDay.Equal(rd("2025-10-11")))
	assert.Equal(t, "C02", rep.Overdue[1].CaseID)
	assert.Equal(t, StateClosedLate, rep.Overdue[1].State)
	assert.Equal(t, 1, rep.Overdue[1].OverdueDays)

	assert.Equal(t, "xinyu-1310", rep.PolicyID)
	assert.Equal(t, p.Version(), rep.PolicyVersion)
	assert.Equal(t, p.Calendar().Version(), rep.CalendarVersion)
	assert.Equal(t, BucketAccepted, rep.Options.Bucket)
}

// TestReportEachCaseInWords runs each case alone and checks where it lands.
func TestReportEachCaseInWords(t *testing.T) {
	byID := map[string]Case{}
	for _, c := range reportFixture() {
		byID[c.ID] = c
	}
	p := Default()
	all := ReportOptions{From: rd("2025-09-01"), To: rd("2025-10-31"), Now: reportNow}
	tests := []struct {
		name     string
		id       string
		onTime   int
		late     int
		open     int
		overdue  int
		toClose  int // working days to close (average of one case)
		overDays int
	}{
		{"a T1 case accepted Tuesday 2025-09-30 17:00 and closed 2025-10-09 10:00 is on time because National Day days do not count; 1 working day to close", "C01", 1, 0, 0, 0, 1, 0},
		{"a T1 case accepted Monday 2025-09-29 and closed 2025-10-09 is late by 1 working day (due 09-30 24:00; 10-01..10-08 are holidays)", "C02", 0, 1, 0, 0, 2, 1},
		{"a T3 case accepted on the makeup Sunday 2025-09-28 counts 09-29, 09-30, 10-09 and is late when closed Friday 10-10 (4 working days to close)", "C03", 0, 1, 0, 0, 4, 1},
		{"a T10 case accepted 2025-09-30 is due 10-21 24:00 (the makeup Saturday 10-11 counts) and is on track at 10-20", "C04", 0, 0, 1, 0, 0, 0},
		{"a T3 case accepted on holiday 2025-10-03 is due 10-11 24:00 and 6 working days overdue at Monday 10-20", "C05", 0, 0, 1, 1, 0, 6},
		{"a reopened T1 case counts its second cycle: reopened 10-09 11:00, closed 10-10 15:00 → on time, 1 working day", "C06", 1, 0, 0, 0, 1, 0},
		{"an unclassified case is open and never overdue", "C07", 0, 0, 1, 0, 0, 0},
		{"a T1 case closed on its acceptance day took 0 working days", "C08", 1, 0, 0, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			rep, err := p.Report([]Case{byID[tc.id]}, all)
			require.NoError(t, err, tc.name)
			tot := rep.Total
			assert.Equal(t, 1, tot.Accepted, tc.name)
			assert.Equal(t, tc.onTime, tot.ClosedOnTime, tc.name)
			assert.Equal(t, tc.late, tot.ClosedLate, tc.name)
			assert.Equal(t, tc.open, tot.Open, tc.name)
			assert.Equal(t, tc.overdue, tot.OpenOverdue, tc.name)
			assert.Equal(t, tc.overDays, tot.OverdueWorkdays, tc.name)
			if tot.Closed() > 0 {
				assert.InDelta(t, float64(tc.toClose), tot.AvgWorkdaysToClose, 1e-12, tc.name)
				assert.Equal(t, tc.toClose, tot.P90WorkdaysToClose, tc.name)
			}
			assert.Len(t, rep.Overdue, tc.late+tc.overdue, tc.name)
		})
	}
}

func caseIDsByAttr(cases []Case) []Case {
	out := make([]Case, len(cases))
	for i, c := range cases {
		c.Attributes = map[string]string{"id": c.ID}
		out[i] = c
	}
	return out
}

func TestReportBucketingChangesMembership(t *testing.T) {
	p := Default()
	cases := caseIDsByAttr(reportFixture())
	tests := []struct {
		name     string
		bucket   BucketBy
		from, to string
		want     []string
		skipped  int
		undated  int
	}{
		{"accepted in the week 09-29..10-05: C03 (accepted 09-28) and C09 (10-09) fall outside",
			BucketAccepted, "2025-09-29", "2025-10-05", []string{"C01", "C02", "C04", "C05", "C06", "C07", "C08"}, 2, 0},
		{"the zero bucket means accepted", "", "2025-09-29", "2025-10-05",
			[]string{"C01", "C02", "C04", "C05", "C06", "C07", "C08"}, 2, 0},
		{"due in the week 10-06..10-12: last days C01 10-09, C03 10-09, C05 10-11, C06 cycle 2 10-10, C09 10-10; C07 has no deadline",
			BucketDue, "2025-10-06", "2025-10-12", []string{"C01", "C03", "C05", "C06", "C09"}, 4, 1},
		{"due in the week 09-29..10-05: C02 and C08 (last day 09-30)",
			BucketDue, "2025-09-29", "2025-10-05", []string{"C02", "C08"}, 7, 1},
		{"closed in the week 10-06..10-12: C01, C02 (10-09), C03, C06 (10-10), C09 (10-09); open C04, C05, C07 have no close date",
			BucketClosed, "2025-10-06", "2025-10-12", []string{"C01", "C02", "C03", "C06", "C09"}, 4, 3},
		{"closed in the week 09-29..10-05: only C08 — C06's first close on 09-30 belongs to its earlier cycle",
			BucketClosed, "2025-09-29", "2025-10-05", []string{"C08"}, 8, 3},
		{"a single day period, inclusive: accepted on 2025-09-30", BucketAccepted, "2025-09-30", "2025-09-30",
			[]string{"C01", "C04"}, 7, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := p.Report(cases, ReportOptions{From: rd(tc.from), To: rd(tc.to), GroupBy: "attr:id", Bucket: tc.bucket, Now: reportNow})
			require.NoError(t, err)
			assert.Equal(t, tc.want, groupNames(rep))
			assert.Equal(t, len(tc.want), rep.Total.Accepted)
			assert.Equal(t, tc.skipped, rep.Skipped)
			assert.Equal(t, tc.undated, rep.Undated)
			assert.Equal(t, len(cases), rep.Total.Accepted+rep.Skipped, "every case is counted or skipped")
		})
	}
}

func TestReportPeriodBoundsUseBeijingDates(t *testing.T) {
	p := Default()
	// Accepted 2025-09-28T16:30:00Z, which is Monday 2025-09-29 00:30 in
	// Beijing: inside a week that starts on 09-29, even though its UTC date
	// is the 28th.
	utc := Case{ID: "U1", Events: []Event{
		{Type: EventAccepted, At: time.Date(2025, 9, 28, 16, 30, 0, 0, time.UTC)},
		{Type: EventClassified, At: time.Date(2025, 9, 28, 16, 30, 0, 0, time.UTC), Tier: "T1"},
	}}
	// Sunday 2025-10-05 23:59 is the last minute of the week.
	late := mkCase("U2", "", "", "", evAccepted("2025-10-05 23:59"), evClassified("T1", "2025-10-05 23:59"))
	// Monday 2025-10-06 00:00 is the next week.
	next := mkCase("U3", "", "", "", evAccepted("2025-10-06 00:00"), evClassified("T1", "2025-10-06 00:00"))
	// Period bounds given in UTC at a time of day: only their Beijing dates count.
	opts := ReportOptions{
		From: time.Date(2025, 9, 28, 17, 0, 0, 0, time.UTC), // 2025-09-29 01:00 CST
		To:   time.Date(2025, 10, 5, 3, 0, 0, 0, time.UTC),  // 2025-10-05 11:00 CST
		Now:  reportNow, GroupBy: "attr:id",
	}
	rep, err := p.Report(caseIDsByAttr([]Case{utc, late, next}), opts)
	require.NoError(t, err)
	assert.Equal(t, []string{"U1", "U2"}, groupNames(rep))
	assert.True(t, rep.Options.From.Equal(rd("2025-09-29")), "From normalised to 00:00 CST, got %v", rep.Options.From)
	assert.True(t, rep.Options.To.Equal(rd("2025-10-05")))
}

func TestReportGroupByEachKey(t *testing.T) {
	p := Default()
	tests := []struct {
		groupBy string
		want    map[string]int // group → accepted
	}{
		{"", map[string]int{GroupAll: 7}},
		{GroupByTier, map[string]int{"T1": 4, "T3": 1, "T10": 1, GroupNone: 1}},
		{GroupByDepartment, map[string]int{"社保科": 3, "劳动关系科": 2, "就业科": 1, GroupNone: 1}},
		{GroupByHandler, map[string]int{"王芳": 3, "李强": 2, GroupNone: 2}},
		// C06's transfer to 市人社局 is dated after the report's instant, so it is not its unit yet.
		{GroupByUnit, map[string]int{"区社保中心": 1, "劳动监察大队": 1, GroupNone: 5}},
		{"attr:channel", map[string]int{"window": 4, "hotline_12345": 1, "hotline_12333": 1, "online": 1}},
		{"attr:missing", map[string]int{GroupNone: 7}},
	}
	for _, tc := range tests {
		t.Run("by "+tc.groupBy, func(t *testing.T) {
			rep, err := p.Report(reportFixture(), weekOpts(tc.groupBy, BucketAccepted))
			require.NoError(t, err)
			got := map[string]int{}
			sum := ReportRow{}
			for _, row := range rep.Rows {
				got[row.Group] = row.Accepted
				sum.ClosedOnTime += row.ClosedOnTime
				sum.ClosedLate += row.ClosedLate
				sum.Open += row.Open
				sum.OverdueWorkdays += row.OverdueWorkdays
			}
			assert.Equal(t, tc.want, got)
			// Groups partition the cases: the rows add up to the total.
			assert.Equal(t, rep.Total.ClosedOnTime, sum.ClosedOnTime)
			assert.Equal(t, rep.Total.ClosedLate, sum.ClosedLate)
			assert.Equal(t, rep.Total.Open, sum.Open)
			assert.Equal(t, rep.Total.OverdueWorkdays, sum.OverdueWorkdays)
			if tc.groupBy != GroupByTier { // tiers keep the policy's order (TestReportTotalsByTier)
				for i := 1; i < len(rep.Rows); i++ {
					assert.Less(t, rep.Rows[i-1].Group, rep.Rows[i].Group, "rows sorted by group")
				}
			}
			for _, o := range rep.Overdue {
				assert.Contains(t, got, o.Group)
			}
		})
	}
}

func TestReportEmptyInput(t *testing.T) {
	p := Default()
	for _, cases := range [][]Case{nil, {}} {
		rep, err := p.Report(cases, weekOpts(GroupByTier, BucketDue))
		require.NoError(t, err)
		assert.Empty(t, rep.Rows)
		assert.NotNil(t, rep.Rows, "an empty report has an empty, non-nil row list")
		assert.Empty(t, rep.Overdue)
		assert.Equal(t, ReportRow{Group: GroupTotal}, rep.Total, "no rates without denominators")
		assert.Zero(t, rep.Skipped)
	}
}

func TestReportStreamingEqualsBatch(t *testing.T) {
	p := Default()
	cases := randomReportCases(rand.New(rand.NewSource(1310)), 600)
	for _, bucket := range []BucketBy{BucketAccepted, BucketDue, BucketClosed} {
		for _, group := range []string{"", GroupByTier, GroupByDepartment, GroupByUnit, GroupByHandler, "attr:channel"} {
			opts := ReportOptions{From: rd("2025-09-01"), To: rd("2025-10-31"), Now: reportNow, Bucket: bucket, GroupBy: group}
			batch, err := p.Report(cases, opts)
			require.NoError(t, err)
			require.NotZero(t, batch.Total.Accepted, "the generator must produce cases in the period")

			r, err := p.NewReporter(opts)
			require.NoError(t, err)
			// Add in a different order, and take an intermediate report: it
			// must neither disturb the Reporter nor depend on the order.
			perm := rand.New(rand.NewSource(7)).Perm(len(cases))
			for i, j := range perm {
				require.NoError(t, r.Add(cases[j]))
				if i == len(perm)/2 {
					_ = r.Report()
				}
			}
			assert.Equal(t, batch, r.Report(), "bucket %s group %q", bucket, group)
			assert.Equal(t, batch, r.Report(), "Report is repeatable")
		}
	}
}

func TestReportOverdueLimitKeepsMostOverdue(t *testing.T) {
	p := Default()
	cases := randomReportCases(rand.New(rand.NewSource(42)), 400)
	opts := ReportOptions{From: rd("2025-09-01"), To: rd("2025-10-31"), Now: reportNow}
	full, err := p.Report(cases, opts)
	require.NoError(t, err)
	require.Greater(t, len(full.Overdue), 10)
	for i := 1; i < len(full.Overdue); i++ {
		a, b := full.Overdue[i-1], full.Overdue[i]
		assert.True(t, a.OverdueDays > b.OverdueDays || (a.OverdueDays == b.OverdueDays && a.CaseID < b.CaseID),
			"most overdue first, then by case id: %v before %v", a, b)
	}
	opts.OverdueLimit = 5
	lim, err := p.Report(cases, opts)
	require.NoError(t, err)
	assert.Equal(t, full.Overdue[:5], lim.Overdue)
	assert.Equal(t, len(full.Overdue), lim.OverdueTotal)
	assert.Equal(t, full.Total, lim.Total, "the limit bounds only the list")

	// The fixture week has two overdue items, C05 (6 days) and C02 (1 day):
	// a limit of 1 keeps C05.
	o1 := weekOpts("", BucketAccepted)
	o1.OverdueLimit = 1
	lim1, err := p.Report(reportFixture(), o1)
	require.NoError(t, err)
	require.Len(t, lim1.Overdue, 1)
	assert.Equal(t, "C05", lim1.Overdue[0].CaseID)
	assert.Equal(t, 2, lim1.OverdueTotal)
}

func TestReportP90NearestRank(t *testing.T) {
	// Ten T10 cases accepted Monday 2025-10-13, closed after 1..10 working
	// days: nearest-rank p90 is the 9th smallest (ceil(0.9×10) = 9) = 9; the
	// mean is 5.5. An eleventh closed after 10 days makes ceil(9.9) = 10 → 10.
	p := Default()
	closes := []string{"10-14", "10-15", "10-16", "10-17", "10-20", "10-21", "10-22", "10-23", "10-24", "10-27", "10-27"}
	var cases []Case
	for i, d := range closes {
		cases = append(cases, mkCase(fmt.Sprintf("P%02d", i), "", "", "",
			evAccepted("2025-10-13 09:00"), evClassified("T10", "2025-10-13 09:00"), evClosed("2025-"+d+" 10:00")))
	}
	opts := ReportOptions{From: rd("2025-10-13"), To: rd("2025-10-13"), Now: rt("2025-11-30 12:00")}
	rep, err := p.Report(cases[:10], opts)
	require.NoError(t, err)
	assert.Equal(t, 9, rep.Total.P90WorkdaysToClose)
	assert.InDelta(t, 5.5, rep.Total.AvgWorkdaysToClose, 1e-12)
	assert.Equal(t, 10, rep.Total.ClosedOnTime, "10 working days from Monday 10-13 end on 10-27 24:00")

	rep, err = p.Report(cases, opts)
	require.NoError(t, err)
	assert.Equal(t, 10, rep.Total.P90WorkdaysToClose)
}

func TestReportEventsAfterNowDoNotExist(t *testing.T) {
	p := Default()
	// A T1 case accepted Monday 2025-10-13 09:00 and closed Wednesday 10-15 (late, due
	// 10-14 24:00): reported as of Tuesday 10-14 12:00 it is open and on track, and
	// its close is not counted; as of 10-16 it is closed late by 1 working day.
	c := mkCase("N1", "", "", "", evAccepted("2025-10-13 09:00"), evClassified("T1", "2025-10-13 09:00"), evClosed("2025-10-15 10:00"))
	opts := ReportOptions{From: rd("2025-10-13"), To: rd("2025-10-19"), Now: rt("2025-10-14 12:00")}
	rep, err := p.Report([]Case{c}, opts)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Total.Open)
	assert.Equal(t, 0, rep.Total.OpenOverdue)

	opts.Now = rt("2025-10-16 12:00")
	rep, err = p.Report([]Case{c}, opts)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Total.ClosedLate)
	assert.Equal(t, 1, rep.Total.OverdueWorkdays)

	// A case accepted after the report's instant does not exist yet: skipped.
	opts.Now = rt("2025-10-13 08:00")
	rep, err = p.Report([]Case{c}, opts)
	require.NoError(t, err)
	assert.Equal(t, 0, rep.Total.Accepted)
	assert.Equal(t, 1, rep.Skipped)
}

func TestReportErrors(t *testing.T) {
	p := Default()
	good := weekOpts("", BucketAccepted)
	optErr := []struct {
		name string
		mod  func(*ReportOptions)
		want string
	}{
		{"zero From", func(o *ReportOptions) { o.From = time.Time{} }, "From and To are required"},
		{"zero To", func(o *ReportOptions) { o.To = time.Time{} }, "From and To are required"},
		{"zero Now", func(o *ReportOptions) { o.Now = time.Time{} }, "Now is required"},
		{"To before From", func(o *ReportOptions) { o.From, o.To = o.To, o.From }, "To 2025-09-29 is before From 2025-10-05"},
		{"bad bucket", func(o *ReportOptions) { o.Bucket = "opened" }, `invalid bucket "opened"`},
		{"bad group", func(o *ReportOptions) { o.GroupBy = "unitt" }, `invalid GroupBy "unitt"`},
		{"attr without a name", func(o *ReportOptions) { o.GroupBy = "attr:" }, `invalid GroupBy "attr:"`},
		{"negative limit", func(o *ReportOptions) { o.OverdueLimit = -1 }, "OverdueLimit -1 is negative"},
	}
	for _, tc := range optErr {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.mod(&o)
			_, err := p.NewReporter(o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			_, err = p.Report(reportFixture(), o)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	var nilPolicy *Policy
	_, err := nilPolicy.NewReporter(good)
	assert.ErrorContains(t, err, "nil policy")

	caseErr := []struct {
		name string
		c    Case
		want string
	}{
		{"empty id", Case{Events: []Event{evAccepted("2025-09-30 10:00")}}, "empty id"},
		{"another policy", Case{ID: "X1", PolicyID: "other-policy", Events: []Event{evAccepted("2025-09-30 10:00")}},
			`case X1 is governed by policy "other-policy", not "xinyu-1310"`},
		{"no events", Case{ID: "X2"}, "case X2 has no accepted event"},
		{"first event not accepted", Case{ID: "X3", Events: []Event{evClosed("2025-09-30 10:00")}}, "case X3 has no accepted event"},
	}
	for _, tc := range caseErr {
		t.Run(tc.name, func(t *testing.T) {
			r, err := p.NewReporter(good)
			require.NoError(t, err)
			require.NoError(t, r.Add(reportFixture()[0]))
			before := r.Report()
			err = r.Add(tc.c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, before, r.Report(), "a failed Add leaves the Reporter unchanged")
			_, err = p.Report(append(reportFixture(), tc.c), good)
			assert.ErrorContains(t, err, tc.want, "the batch form stops at the failing case")
		})
	}
}

func TestReportDoesNotMutateCases(t *testing.T) {
	p := Default()
	cases := reportFixture()
	want := reportFixture()
	for _, bucket := range []BucketBy{BucketAccepted, BucketDue, BucketClosed} {
		_, err := p.Report(cases, weekOpts(GroupByUnit, bucket))
		require.NoError(t, err)
	}
	assert.True(t, reflect.DeepEqual(want, cases), "cases changed by Report")
}

func TestReportConcurrentUse(t *testing.T) {
	// The policy is shared; each goroutine has its own Reporter.
	p := Default()
	cases := randomReportCases(rand.New(rand.NewSource(3)), 200)
	opts := ReportOptions{From: rd("2025-09-01"), To: rd("2025-10-31"), Now: reportNow, GroupBy: GroupByTier}
	want, err := p.Report(cases, opts)
	require.NoError(t, err)
	var wg sync.WaitGroup
	got := make([]Report, 4)
	errs := make([]error, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = p.Report(cases, opts)
		}()
	}
	wg.Wait()
	for i := range got {
		require.NoError(t, errs[i])
		assert.Equal(t, want, got[i])
	}
}

func TestParseBucketBy(t *testing.T) {
	tests := []struct {
		in   string
		want BucketBy
		err  bool
	}{
		{"accepted", BucketAccepted, false},
		{" Due ", BucketDue, false},
		{"CLOSED", BucketClosed, false},
		{"", "", true},
		{"opened", "", true},
		{"due,closed", "", true},
	}
	for _, tc := range tests {
		got, err := ParseBucketBy(tc.in)
		if tc.err {
			assert.ErrorContains(t, err, "want accepted, due or closed", tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got)
	}
}

func FuzzParseBucketBy(f *testing.F) {
	for _, s := range []string{"accepted", "due", "closed", " Closed\t", "", "accepted\x00", "受理"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBucketBy(s)
		if err != nil {
			return
		}
		again, err := ParseBucketBy(string(b))
		require.NoError(t, err)
		require.Equal(t, b, again)
	})
}

// FuzzReport builds a handful of cases from bytes (valid or not) and checks
// that the Reporter never panics, errors cleanly, and that its figures are
// consistent.
func FuzzReport(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, int64(0))
	f.Add([]byte{9, 9, 9, 200, 13, 10, 0, 0, 7, 1, 3, 3, 3}, int64(86400*3))
	f.Add([]byte("closed reopened visited"), int64(-86400))
	f.Add([]byte{}, int64(0))
	// accepted, classified T1, closed, visited (satisfied), reopened, closed;
	// then accepted, classified T3 (open): cases that are counted.
	f.Add([]byte{0, 1, 1, 0, 9, 50, 10, 2, 11, 1, 9, 30, 0, 3, 1, 1}, int64(0))
	p := Default()
	types := EventTypes()
	tiers := []string{"T1", "T3", "T10", "T99", ""}
	base := rt("2025-09-26 09:00")
	f.Fuzz(func(t *testing.T, data []byte, shift int64) {
		if len(data) > 200 {
			data = data[:200]
		}
		var cases []Case
		at := base
		for i := 0; i+1 < len(data); i += 2 {
			op, arg := data[i], data[i+1]
			if op%7 == 0 || len(cases) == 0 {
				cases = append(cases, Case{ID: fmt.Sprintf("F%d", len(cases)), Department: fmt.Sprint(arg % 3)})
				at = base
			}
			at = at.Add(time.Duration(arg) * 37 * time.Minute)
			sat := arg%2 == 0
			cur := &cases[len(cases)-1]
			cur.Events = append(cur.Events, Event{
				Type: types[int(op)%len(types)], At: at, Tier: tiers[int(arg)%len(tiers)],
				Unit: fmt.Sprint("U", arg%2), Satisfied: &sat, Reason: "r",
			})
		}
		opts := ReportOptions{From: rd("2025-09-22"), To: rd("2025-10-12"), Now: rt("2025-10-20 10:00").Add(time.Duration(shift%(86400*30)) * time.Second), GroupBy: GroupByDepartment}
		for _, b := range []BucketBy{BucketAccepted, BucketDue, BucketClosed} {
			opts.Bucket = b
			r, err := p.NewReporter(opts)
			require.NoError(t, err)
			added := 0
			for _, c := range cases {
				if r.Add(c) == nil {
					added++
				}
			}
			rep := r.Report()
			tot := rep.Total
			require.Equal(t, added, tot.Accepted+rep.Skipped)
			require.Equal(t, tot.Accepted, tot.ClosedOnTime+tot.ClosedLate+tot.Open)
			require.LessOrEqual(t, tot.OpenOverdue, tot.Open)
			require.Equal(t, tot.ClosedLate+tot.OpenOverdue, len(rep.Overdue))
			require.LessOrEqual(t, tot.Satisfied, tot.Visited)
			require.GreaterOrEqual(t, tot.OnTimeRate, 0.0)
			require.LessOrEqual(t, tot.OnTimeRate, 1.0)
			require.GreaterOrEqual(t, tot.AvgWorkdaysToClose, 0.0)
			require.GreaterOrEqual(t, tot.P90WorkdaysToClose, 0)
			if tot.Closed() == 0 {
				require.Zero(t, tot.AvgWorkdaysToClose)
			}
			var buf bytes.Buffer
			require.NoError(t, rep.WriteCSV(&buf))
			require.NoError(t, rep.WriteMarkdown(&buf))
		}
	})
}

// randomReportCases generates valid histories through Apply, so the figures
// are about cases the lifecycle accepts: acceptance in September–October
// 2025, a tier, maybe a transfer, maybe a close (on time or late), a visit
// and a reopening.
func randomReportCases(rng *rand.Rand, n int) []Case {
	p := Default()
	tiers := []string{"T1", "T3", "T10"}
	depts := []string{"社保科", "劳动关系科", "就业科", ""}
	handlers := []string{"王芳", "李强", "张伟", ""}
	channels := []string{"window", "hotline_12345", "online"}
	start := rt("2025-09-01 08:00")
	var out []Case
	for len(out) < n {
		at := start.Add(time.Duration(rng.Intn(60*24)) * time.Hour).Add(time.Duration(rng.Intn(60)) * time.Minute)
		c := Case{
			ID: fmt.Sprintf("R%05d", len(out)), PolicyID: p.ID(),
			Department: depts[rng.Intn(len(depts))], Handler: handlers[rng.Intn(len(handlers))],
			Attributes: map[string]string{"channel": channels[rng.Intn(len(channels))]},
		}
		apply := func(e Event) bool {
			next, err := p.Apply(c, e)
			if err != nil {
				return false
			}
			c = next
			return true
		}
		if !apply(Event{Type: EventAccepted, At: at}) {
			continue
		}
		if rng.Intn(20) > 0 {
			apply(Event{Type: EventClassified, At: at, Tier: tiers[rng.Intn(len(tiers))], Reason: "generated"})
		}
		if rng.Intn(2) == 0 {
			at = at.Add(time.Duration(rng.Intn(5)+1) * time.Hour)
			apply(Event{Type: EventTransferred, At: at, Unit: fmt.Sprintf("单位%d", rng.Intn(4))})
		}
		for cycle := 0; cycle < 2 && rng.Intn(4) > 0; cycle++ {
			at = at.Add(time.Duration(rng.Intn(24*20)+1) * time.Hour)
			if !apply(Event{Type: EventClosed, At: at}) {
				break
			}
			if rng.Intn(2) == 0 {
				at = at.Add(time.Duration(rng.Intn(48)+1) * time.Hour)
				sat := rng.Intn(3) > 0
				if apply(Event{Type: EventVisited, At: at, Satisfied: &sat}) && !sat && rng.Intn(2) == 0 {
					at = at.Add(time.Hour)
					apply(Event{Type: EventReopened, At: at, Reason: "unsatisfied"})
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// normaliseCalendarVersion keeps the golden files stable when the calendar's
// data (and so its content hash) changes for reasons unrelated to reports.
func normaliseCalendarVersion(s, version string) string {
	if version == "" {
		return s
	}
	return strings.ReplaceAll(s, version, "<calendar-version>")
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Assert(t, filepath.Join("testdata", "report", name), got)
}

func TestReportGolden(t *testing.T) {
	p := Default()
	tests := []struct {
		name  string
		cases []Case
		opts  ReportOptions
	}{
		{"week_by_tier", reportFixture(), weekOpts(GroupByTier, BucketAccepted)},
		{"week_by_department_due", reportFixture(), ReportOptions{From: rd("2025-10-06"), To: rd("2025-10-12"), GroupBy: GroupByDepartment, Bucket: BucketDue, Now: reportNow}},
		{"month_by_handler_closed", reportFixture(), ReportOptions{From: rd("2025-10-01"), To: rd("2025-10-31"), GroupBy: GroupByHandler, Bucket: BucketClosed, Now: reportNow}},
		{"empty", nil, weekOpts("", BucketAccepted)},
		{"week_overdue_limit", reportFixture(), ReportOptions{From: rd("2025-09-29"), To: rd("2025-10-05"), Now: reportNow, OverdueLimit: 1}},
		{"quoting", []Case{mkCase("Q|1", "科室, \"甲\"", "a|b", "", evAccepted("2025-09-29 09:00"), evClassified("T1", "2025-09-29 09:00"))},
			weekOpts(GroupByDepartment, BucketAccepted)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := p.Report(tc.cases, tc.opts)
			require.NoError(t, err)
			var csvBuf, mdBuf, overdueBuf bytes.Buffer
			require.NoError(t, rep.WriteCSV(&csvBuf))
			require.NoError(t, rep.WriteMarkdown(&mdBuf))
			require.NoError(t, rep.WriteOverdueCSV(&overdueBuf))
			checkGolden(t, tc.name+".csv", csvBuf.Bytes())
			checkGolden(t, tc.name+".overdue.csv", overdueBuf.Bytes())
			checkGolden(t, tc.name+".md", []byte(normaliseCalendarVersion(mdBuf.String(), rep.CalendarVersion)))
		})
	}
}

func TestReportCSVShape(t *testing.T) {
	p := Default()
	rep, err := p.Report(reportFixture(), weekOpts(GroupByTier, BucketAccepted))
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	assert.Equal(t, "group,accepted,closed_on_time,closed_late,open,open_overdue,on_time_rate,avg_workdays_to_close,p90_workdays_to_close,overdue_workdays,reopened,visited,satisfied,satisfaction_rate,ever_late,returned,supervised,supervision_reached", lines[0])
	assert.Len(t, lines, 1+len(rep.Rows)+1)
	// ever_late, appended after satisfaction_rate: C02 (closed late) and C05 (open overdue);
	// C06's reopened cycle and its first cycle were both on time. Then the closed loop's
	// columns: no returns or supervised events in this fixture, and three cases whose cycle
	// reached a supervision level of the default policy.
	assert.Equal(t, "TOTAL,7,3,1,3,1,0.6000,1.00,2,7,1,2,1,0.5000,2,0,0,3", lines[len(lines)-1])
	// T10 has only an open, on-track case: no rate, no close time — empty, not 0.
	assert.Contains(t, lines, "T10,1,0,0,1,0,,,,0,0,0,0,,0,0,0,1")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestReportWritersReturnErrors(t *testing.T) {
	rep, err := Default().Report(reportFixture(), weekOpts(GroupByTier, BucketAccepted))
	require.NoError(t, err)
	assert.ErrorContains(t, rep.WriteCSV(failWriter{}), "disk full")
	assert.ErrorContains(t, rep.WriteMarkdown(failWriter{}), "disk full")
	assert.ErrorContains(t, rep.WriteOverdueCSV(failWriter{}), "disk full")
}

func TestReportPausesAndExtensions(t *testing.T) {
	p := Default()
	oneDay := deadline.Period{Count: 1, Unit: deadline.Workdays}
	tenDays := deadline.Period{Count: 10, Unit: deadline.Workdays}
	lateYAML := strings.Replace(string(DefaultPolicyYAML()), "late_extension: reject", "late_extension: overdue", 1)
	require.NotEqual(t, string(DefaultPolicyYAML()), lateYAML, "the default policy file must name late_extension")
	lateP, err := ParsePolicy("late-overdue.yaml", []byte(lateYAML))
	require.NoError(t, err)

	tests := []struct {
		name    string
		p       *Policy
		events  []Event
		bucket  BucketBy
		counted int
		onTime  int
		late    int
		open    int
		overdue int
		days    int    // overdue working days
		due     string // the overdue item's judged last day
	}{
		{
			name: "a T1 case accepted Monday 2025-10-13 09:00 (due 10-14 24:00) and paused Thursday 10-16 is still overdue at 10-20: a pause after the deadline does not rescue it (行政许可法 art. 45 excludes only time inside the period)",
			p:    p,
			events: []Event{evAccepted("2025-10-13 09:00"), evClassified("T1", "2025-10-13 09:00"),
				{Type: EventPaused, At: rt("2025-10-16 10:00"), Reason: "专家评审 expert review"}},
			counted: 1, open: 1, overdue: 1, days: 4, due: "2025-10-14",
		},
		{
			name: "a T1 case accepted 2025-10-13 09:00 and paused the same day is suspended at 10-20: open, not overdue",
			p:    p,
			events: []Event{evAccepted("2025-10-13 09:00"), evClassified("T1", "2025-10-13 09:00"),
				{Type: EventPaused, At: rt("2025-10-13 15:00"), Reason: "听证 hearing"}},
			counted: 1, open: 1,
		},
		{
			name: "the same suspended case has no due date, so a report bucketed by due skips it",
			p:    p,
			events: []Event{evAccepted("2025-10-13 09:00"), evClassified("T1", "2025-10-13 09:00"),
				{Type: EventPaused, At: rt("2025-10-13 15:00"), Reason: "听证 hearing"}},
			bucket: BucketDue,
		},
		{
			name: "a T1 case accepted 2025-10-13 09:00 extended on 10-14 by 10 working days from its old last day 10-14 (行政许可法 art. 42) is due 10-28 24:00 and on time when closed 10-20",
			p:    p,
			events: []Event{evAccepted("2025-10-13 09:00"), evClassified("T1", "2025-10-13 09:00"),
				{Type: EventExtended, At: rt("2025-10-14 10:00"), Length: &tenDays, Approver: "局长", Reason: "需现场核查"},
				evClosed("2025-10-20 09:00")},
			counted: 1, onTime: 1,
		},
		{
			name: "under late_extension: overdue, a T1 case (due 10-14 24:00) extended on 10-15 and closed 10-15 is closed late by 1 working day: an extension requested after the deadline counts as overdue (限时办结)",
			p:    lateP,
			events: []Event{evAccepted("2025-10-13 09:00"), evClassified("T1", "2025-10-13 09:00"),
				{Type: EventExtended, At: rt("2025-10-15 10:00"), Length: &oneDay, Approver: "局长", Reason: "补办延期"},
				evClosed("2025-10-15 15:00")},
			counted: 1, late: 1, days: 1, due: "2025-10-14",
		},
		{
			name: "bucketed by due, the late-extended case falls due on its extended last day 10-15",
			p:    lateP,
			events: []Event{evAccepted("2025-10-13 09:00"), evClassified("T1", "2025-10-13 09:00"),
				{Type: EventExtended, At: rt("2025-10-15 10:00"), Length: &oneDay, Approver: "局长", Reason: "补办延期"},
				evClosed("2025-10-15 15:00")},
			bucket: BucketDue, counted: 1, late: 1, days: 1, due: "2025-10-14",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Case{ID: "E1", Events: tc.events}
			require.NoError(t, tc.p.Validate(c))
			from := "2025-10-13"
			if tc.bucket == BucketDue {
				from = "2025-10-15" // excludes the original last day 10-14
			}
			rep, err := tc.p.Report([]Case{c}, ReportOptions{From: rd(from), To: rd("2025-10-19"), Bucket: tc.bucket, Now: reportNow})
			require.NoError(t, err)
			tot := rep.Total
			assert.Equal(t, tc.counted, tot.Accepted)
			assert.Equal(t, tc.onTime, tot.ClosedOnTime)
			assert.Equal(t, tc.late, tot.ClosedLate)
			assert.Equal(t, tc.open, tot.Open)
			assert.Equal(t, tc.overdue, tot.OpenOverdue)
			assert.Equal(t, tc.days, tot.OverdueWorkdays)
			if tc.due == "" {
				assert.Empty(t, rep.Overdue)
				return
			}
			require.Len(t, rep.Overdue, 1)
			assert.Equal(t, tc.due, rep.Overdue[0].LastDay.Format(time.DateOnly))
			assert.Equal(t, tc.days, rep.Overdue[0].OverdueDays)
		})
	}
}

func TestReportP90BeyondTheDenseHistogram(t *testing.T) {
	// Nine T1 cases accepted Monday 2025-10-13 and closed the next day (1
	// working day) and one closed on Monday 2028-01-03, years later: the
	// nearest-rank p90 of ten values is the 9th smallest, 1; of eleven with a
	// second slow case it is the 10th, the slow one's count. The slow cases
	// lie beyond the dense histogram and are counted exactly all the same.
	p := Default()
	var cases []Case
	for i := 0; i < 9; i++ {
		cases = append(cases, mkCase(fmt.Sprintf("S%d", i), "", "", "",
			evAccepted("2025-10-13 09:00"), evClassified("T1", "2025-10-13 09:00"), evClosed("2025-10-14 10:00")))
	}
	slow := func(id string) Case {
		return mkCase(id, "", "", "", evAccepted("2025-10-13 09:00"), evClassified("T1", "2025-10-13 09:00"), evClosed("2028-01-03 10:00"))
	}
	cases = append(cases, slow("S9"))
	n, err := p.Calendar().WorkdaysBetween(rd("2025-10-13"), rd("2028-01-03"))
	require.NoError(t, err)
	require.Greater(t, n, denseHist)
	opts := ReportOptions{From: rd("2025-10-13"), To: rd("2025-10-13"), Now: rt("2028-02-01 12:00")}
	rep, err := p.Report(cases, opts)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Total.P90WorkdaysToClose)
	assert.InDelta(t, float64(9+n)/10, rep.Total.AvgWorkdaysToClose, 1e-9)
	rep, err = p.Report(append(cases, slow("S10")), opts)
	require.NoError(t, err)
	assert.Equal(t, n, rep.Total.P90WorkdaysToClose)
}

func TestReportZeroValueRenders(t *testing.T) {
	// A zero Report (e.g. returned with an error) renders without panicking.
	var rep Report
	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	assert.Equal(t, strings.Join(csvHeader, ",")+"\nTOTAL,0,0,0,0,0,,,,0,0,0,0,,0,0,0,0\n", buf.String())
	buf.Reset()
	require.NoError(t, rep.WriteOverdueCSV(&buf))
	assert.Equal(t, "case_id,group,tier,department,unit,handler,due,last_day,overdue_workdays,state\n", buf.String(),
		"an empty overdue list is the header alone")
	buf.Reset()
	require.NoError(t, rep.WriteMarkdown(&buf))
	assert.Contains(t, buf.String(), "## 超期清单 Overdue")
}

func TestReportOverdueCSVIsTheOverdueList(t *testing.T) {
	// The week 09-29..10-05 of the fixture as of 10-20: C05 (T3, open, last
	// day 10-11, 6 working days overdue) comes before C02 (T1, closed a
	// working day late on 10-09, last day 09-30): most overdue first. The CSV
	// carries the same items, in the same order, with the Go values' fields.
	rep, err := Default().Report(reportFixture(), weekOpts(GroupByDepartment, BucketAccepted))
	require.NoError(t, err)
	require.Len(t, rep.Overdue, 2)
	var buf bytes.Buffer
	require.NoError(t, rep.WriteOverdueCSV(&buf))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 1+len(rep.Overdue))
	assert.Equal(t, overdueCSVHeader, recs[0])
	assert.Equal(t, []string{"C05", "劳动关系科", "T3", "劳动关系科", "", "", "2025-10-12T00:00:00+08:00", "2025-10-11", "6", "overdue"}, recs[1])
	assert.Equal(t, []string{"C02", "社保科", "T1", "社保科", "", "李强", "2025-10-01T00:00:00+08:00", "2025-09-30", "1", "closed_late"}, recs[2])
	for i, it := range rep.Overdue {
		assert.Equal(t, it.CaseID, recs[i+1][0])
		assert.Equal(t, strconv.Itoa(it.OverdueDays), recs[i+1][8])
	}
}
