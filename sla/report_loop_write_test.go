package sla

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loopReport is a March 2026 report of two cases that run the closed loop:
//   - A (T1) is returned by 社保中心 twice and by 医保科 once, supervised by 分管领导 on 03-05,
//     and is open and overdue at 03-09 12:00 (reaching 催办, 督办 and 挂牌督办);
//   - B (T3) is paused for the applicant (联系不上申请人), closed on time, and visited 基本满意.
func loopReport(t *testing.T) Report {
	t.Helper()
	p := lcPolicy(t)
	ret := func(at, unit string) Event {
		return Event{Type: EventReturned, At: lcT(at), Unit: unit, Reason: "not_our_duty"}
	}
	a := lcCase(t, p, "A", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T1"),
		lcTransferred("2026-03-03 11:00", "社保中心"), ret("2026-03-03 15:00", "社保中心"),
		lcTransferred("2026-03-03 16:00", "医保科"), ret("2026-03-04 09:00", "医保科"),
		lcTransferred("2026-03-04 10:00", "社保中心"), ret("2026-03-04 11:00", "社保中心"),
		Event{Type: EventSupervised, At: lcT("2026-03-05 10:00"), Actor: "分管领导"})
	b := lcCase(t, p, "B", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T3"),
		lcPause("2026-03-04 09:00", "", "联系不上申请人"), lcResume("2026-03-05 09:00", ""),
		lcClosed("2026-03-05 10:00"), Event{Type: EventVisited, At: lcT("2026-03-05 15:00"), Rating: "基本满意"})
	rep, err := p.Report([]Case{a, b}, ReportOptions{From: lcT("2026-03-01"), To: lcT("2026-03-31"), Now: lcT("2026-03-09 12:00"), GroupBy: GroupByTier})
	require.NoError(t, err)
	return rep
}

// TestReportWritersShowTheClosedLoop: the Markdown report has the loop's columns in its group
// table and a "闭环 Closed loop" section with returns per unit, supervised cases, cases per
// supervision level, applicant-caused pauses and visits per grade; the group CSV appends
// returned, supervised and supervision_reached after every earlier column, so a reader by
// position still finds ever_late where it was; WriteLoopCSV writes the report-wide figures.
func TestReportWritersShowTheClosedLoop(t *testing.T) {
	rep := loopReport(t)

	var md bytes.Buffer
	require.NoError(t, rep.WriteMarkdown(&md))
	checkGolden(t, "loop.md", []byte(normaliseCalendarVersion(md.String(), rep.CalendarVersion)))
	for _, want := range []string{
		"| 退回 returned | 督办 supervised | 达督办级别 supervision reached |",
		"| T1 | 1 | 0 | 0 | 1 | 1 |",
		"- 督办件数 Supervised cases (督办、催办 recorded): 1\n",
		"- 申请人原因暂停件数 Cases paused for the applicant: 1\n",
		"| 挂牌督办 (listed) | 1 |\n",
		"| 社保中心 | 2 |\n| 医保科 | 1 |\n",
		"| 基本满意 | 1 |\n",
	} {
		assert.Contains(t, md.String(), want)
	}

	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	checkGolden(t, "loop.csv", buf.Bytes())
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	header := recs[0]
	require.Equal(t, []string{"ever_late", "returned", "supervised", "supervision_reached"}, header[14:], "the loop's columns come after every earlier column")
	total := recs[len(recs)-1]
	assert.Equal(t, []string{"TOTAL", "1", "1", "1"}, []string{total[0], total[15], total[16], total[17]},
		"A was returned, supervised and reached a level; B none of these")

	buf.Reset()
	require.NoError(t, rep.WriteLoopCSV(&buf))
	checkGolden(t, "loop-counts.csv", buf.Bytes())
	assert.Equal(t, "section,key,label,count\nsupervised,,,1\napplicant_paused,,,1\n"+
		"level,remind,催办,1\nlevel,supervise,督办,1\nlevel,listed,挂牌督办,1\nlevel,notice,通报,0\n"+
		"returns,社保中心,,2\nreturns,医保科,,1\n"+
		"rating,满意,,0\nrating,基本满意,,1\nrating,不满意,,0\n", buf.String())

	assert.ErrorContains(t, rep.WriteLoopCSV(failWriter{}), "disk full")
}

// TestLoopCSVQuotesFormulas: a returning unit that a spreadsheet would run as a formula is
// written with a leading quote, as every text cell of the report's CSVs.
func TestLoopCSVQuotesFormulas(t *testing.T) {
	rep := Report{Loop: LoopCounts{Returns: []UnitCount{{Unit: "=HYPERLINK(1)", Count: 1}}}}
	var buf bytes.Buffer
	require.NoError(t, rep.WriteLoopCSV(&buf))
	assert.Contains(t, buf.String(), "returns,'=HYPERLINK(1),,1\n")
	var md bytes.Buffer
	require.NoError(t, rep.WriteMarkdown(&md))
	assert.True(t, strings.Contains(md.String(), "督办级别 Supervision levels: 政策未设定 none declared."), "a report without levels says so")
}
