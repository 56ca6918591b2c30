package sla

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/golden"
)

// TestPeriodContaining: ISO weeks run Monday to Sunday and belong to the year of their
// Thursday; months are calendar months.
func TestPeriodContaining(t *testing.T) {
	cst := calendar.CST()
	d := func(s string) time.Time { return lcT(s + " 10:00") }
	cases := []struct {
		name     string
		kind     PeriodKind
		day      time.Time
		want     string
		from, to string
		previous string
	}{
		{"Wednesday 2025-10-08 is in ISO week 2025-W41, Monday 10-06 to Sunday 10-12", PeriodWeek, d("2025-10-08"), "2025-W41", "2025-10-06", "2025-10-12", "2025-W40"},
		{"Thursday 2026-01-01 is in 2026-W01, which starts Monday 2025-12-29", PeriodWeek, d("2026-01-01"), "2026-W01", "2025-12-29", "2026-01-04", "2025-W52"},
		{"Sunday 2025-10-12 ends its week", PeriodWeek, d("2025-10-12"), "2025-W41", "2025-10-06", "2025-10-12", "2025-W40"},
		{"an instant in UTC is placed by its Beijing date: 2025-10-12 17:00Z is Monday 10-13 in CST", PeriodWeek, time.Date(2025, 10, 12, 17, 0, 0, 0, time.UTC), "2025-W42", "2025-10-13", "2025-10-19", "2025-W41"},
		{"October 2025 runs 10-01 to 10-31, after September", PeriodMonth, d("2025-10-15"), "2025-10", "2025-10-01", "2025-10-31", "2025-09"},
		{"January 2026 follows December 2025", PeriodMonth, d("2026-01-31"), "2026-01", "2026-01-01", "2026-01-31", "2025-12"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := PeriodContaining(tc.kind, tc.day, cst)
			assert.Equal(t, tc.want, p.Name)
			assert.Equal(t, tc.from, p.From.Format(time.DateOnly))
			assert.Equal(t, tc.to, p.To.Format(time.DateOnly))
			assert.Equal(t, tc.previous, p.Previous().Name)
			assert.Equal(t, cst, p.From.Location())
		})
	}
	_, err := ParsePeriodKind("fortnight")
	assert.ErrorContains(t, err, `invalid period "fortnight" (want week or month)`)
}

// defaultScore is the ranking formula the default policy declares.
const defaultScore = "score: on_time_rate * 70 + satisfaction_rate * 30 - supervised * 5 - overdue_workdays"

// rankPolicy is the default policy with another ranking formula.
func rankPolicy(t *testing.T, formula string) *Policy {
	t.Helper()
	return lcPolicy(t, defaultScore, "score: "+formula)
}

// noRankPolicy is the default policy without its ranking formula.
func noRankPolicy(t *testing.T) *Policy {
	t.Helper()
	return lcPolicy(t, "\nranking:\n  label: 综合得分\n  "+defaultScore+"\n", "\n")
}

func acceptedWith(at, cause, category string) Event {
	return Event{Type: EventAccepted, At: lcT(at), Input: map[string]any{"cause": cause, "category": category}}
}

// analysisCases: ISO week 2025-W44 is Monday 10-27 to Sunday 11-02, the previous week W43 is
// 10-20 to 10-26. By handler:
//   - 王敏: W44 two T1 cases, one closed on time, one closed late; W43 one closed on time.
//   - 李强: W44 one T3 closed on time, visited and satisfied.
//   - 张伟: W44 one T1 still open and overdue at the week's end.
func analysisCases(t *testing.T, p *Policy) []Case {
	mk := func(id, handler string, events ...Event) Case {
		c := lcCase(t, p, id, events...)
		c.Handler = handler
		return c
	}
	return []Case{
		mk("W44-1", "王敏", acceptedWith("2025-10-27 09:00", "incomplete_materials", "pension"), lcClassified("2025-10-27 09:00", "T1"), lcClosed("2025-10-28 10:00")),
		mk("W44-2", "王敏", acceptedWith("2025-10-27 10:00", "incomplete_materials", "pension"), lcClassified("2025-10-27 10:00", "T1"), lcClosed("2025-10-30 10:00")),
		mk("W44-3", "李强", acceptedWith("2025-10-28 10:00", "complex", "wage_arrears"), lcClassified("2025-10-28 10:00", "T3"), lcClosed("2025-10-30 16:00"), lcVisited("2025-10-31 10:00", true)),
		mk("W44-4", "张伟", acceptedWith("2025-10-29 10:00", "incomplete_materials", "medical_insurance"), lcClassified("2025-10-29 10:00", "T1")),
		mk("W43-1", "王敏", acceptedWith("2025-10-21 10:00", "complex", "pension"), lcClassified("2025-10-21 10:00", "T3"), lcClosed("2025-10-22 10:00")),
	}
}

// TestAnalysisWeekly: a weekly analysis of the cases above, stated in words.
func TestAnalysisWeekly(t *testing.T) {
	p := rankPolicy(t, "on_time_rate * 100 + satisfaction_rate * 20 - overdue_workdays")
	a, err := p.Analysis(analysisCases(t, p), AnalysisOptions{Kind: PeriodWeek, Day: lcT("2025-10-29 12:00"), Rank: GroupByHandler, Trend: 3})
	require.NoError(t, err)

	assert.Equal(t, "2025-W44", a.Period.Name)
	assert.Equal(t, "2025-W43", a.Previous.Name)
	assert.Equal(t, "2025-11-03 00:00", a.Current.Options.Now.Format("2006-01-02 15:04"), "as of the end of the week")
	assert.Equal(t, "2025-10-27 00:00", a.Before.Options.Now.Format("2006-01-02 15:04"), "the previous week as it stood at its own end")
	assert.Contains(t, a.Basis, "cases accepted in the period (按受理日统计)", "the 统计口径 is stated")

	assert.Equal(t, 4, a.Current.Total.Accepted, "four cases accepted in W44")
	assert.Equal(t, 2, a.Current.Total.ClosedOnTime)
	assert.Equal(t, 1, a.Current.Total.ClosedLate)
	assert.Equal(t, 1, a.Current.Total.OpenOverdue)
	assert.InDelta(t, 0.5, a.Current.Total.OnTimeRate, 1e-9, "2 on time of 4 with a verdict")
	assert.Equal(t, 1, a.Before.Total.Accepted, "one case in W43")
	assert.InDelta(t, 1.0, a.Before.Total.OnTimeRate, 1e-9)

	require.Len(t, a.Top, 3, "tier, input:cause and input:category by default")
	cause := a.Top[1]
	assert.Equal(t, "input:cause", cause.By)
	require.Len(t, cause.Entries, 2)
	for i, want := range []TopEntry{
		{Value: "incomplete_materials", Cases: 3, Late: 2, LateShare: 2.0 / 3, Previous: 0},
		{Value: "complex", Cases: 1, Late: 0, LateShare: 0, Previous: 1},
	} {
		got := cause.Entries[i]
		assert.Equal(t, want.Value, got.Value, "the most frequent cause first")
		assert.Equal(t, want.Cases, got.Cases)
		assert.Equal(t, want.Late, got.Late, "with its late cases")
		assert.InDelta(t, want.LateShare, got.LateShare, 1e-9, "and their share")
		assert.Equal(t, want.Previous, got.Previous, "and last week's count")
		assert.Equal(t, want.Cases, got.Row.Accepted)
	}

	require.Len(t, a.Trend, 3)
	assert.Equal(t, []string{"2025-W42", "2025-W43", "2025-W44"}, []string{a.Trend[0].Period.Name, a.Trend[1].Period.Name, a.Trend[2].Period.Name})
	assert.Equal(t, 0, a.Trend[0].Rated, "no case in W42: no verdict")
	assert.InDelta(t, 0.5, a.Trend[2].OnTimeRate, 1e-9)

	require.NotNil(t, a.Ranking)
	assert.Equal(t, "on_time_rate * 100 + satisfaction_rate * 20 - overdue_workdays", a.Ranking.Formula)
	var order []string
	for _, e := range a.Ranking.Entries {
		order = append(order, e.Group)
	}
	assert.Equal(t, []string{"李强", "王敏", "张伟"}, order)
	assert.InDelta(t, 120, a.Ranking.Entries[0].Score, 1e-9, "李强: all on time (100) and satisfied (20)")
	assert.InDelta(t, 48, a.Ranking.Entries[1].Score, 1e-9, "王敏: half on time (50), W44-2 closed Thursday, 2 working days after its Tuesday")
	assert.InDelta(t, -2, a.Ranking.Entries[2].Score, 1e-9, "张伟: none on time (0); W44-4, due Thursday 24:00, is 2 working days overdue as of Monday 11-03 00:00 (Friday and Monday)")
	assert.Equal(t, 3, a.Ranking.Entries[2].Rank)

	var md bytes.Buffer
	require.NoError(t, a.WriteMarkdown(&md))
	golden.Assert(t, filepath.Join("testdata", "report", "analysis-week.md"), md.Bytes())
	var cs bytes.Buffer
	require.NoError(t, a.WriteCSV(&cs))
	recs, err := csv.NewReader(bytes.NewReader(cs.Bytes())).ReadAll()
	require.NoError(t, err, "the CSV is well-formed")
	assert.Equal(t, analysisCSVHeader, recs[0])
	golden.Assert(t, filepath.Join("testdata", "report", "analysis-week.csv"), cs.Bytes())
}

// TestAnalysisSVG: the trend chart is well-formed XML, an <svg> root in the SVG namespace,
// one point per period with a verdict and a gap for a period without one.
func TestAnalysisSVG(t *testing.T) {
	p := lcPolicy(t)
	a, err := p.Analysis(analysisCases(t, p), AnalysisOptions{Kind: PeriodWeek, Day: lcT("2025-10-29 12:00"), Trend: 4})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, a.WriteSVG(&b))
	dec := xml.NewDecoder(bytes.NewReader(b.Bytes()))
	circles, paths := 0, 0
	var root xml.StartElement
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "well-formed XML:\n%s", b.String())
		if se, ok := tok.(xml.StartElement); ok {
			if root.Name.Local == "" {
				root = se
			}
			switch se.Name.Local {
			case "circle":
				circles++
			case "path":
				paths++
			}
		}
	}
	assert.Equal(t, "svg", root.Name.Local)
	assert.Equal(t, "http://www.w3.org/2000/svg", root.Name.Space)
	assert.Equal(t, 2, circles, "W43 and W44 have a verdict; W41 and W42 none")
	assert.Equal(t, 1, paths)
	assert.Contains(t, b.String(), "2025-W41", "every period is labelled")
	golden.Assert(t, filepath.Join("testdata", "report", "analysis-trend.svg"), b.Bytes())

	// Hostile text stays text: a period name cannot be injected, but labels can; the title
	// escapes them.
	assert.NotContains(t, b.String(), "<script")
}

// TestAnalysisRefused: what an analysis refuses, with the reason.
func TestAnalysisRefused(t *testing.T) {
	p := noRankPolicy(t)
	day := lcT("2025-10-29 12:00")
	cases := []struct {
		name string
		opts AnalysisOptions
		want string
	}{
		{"no period kind", AnalysisOptions{Day: day}, `invalid period "" (want week or month)`},
		{"no day", AnalysisOptions{Kind: PeriodMonth}, "Day is required"},
		{"a ranking under a policy that declares no formula", AnalysisOptions{Kind: PeriodWeek, Day: day, Rank: GroupByHandler}, "declares none"},
		{"a ranking by department", AnalysisOptions{Kind: PeriodWeek, Day: day, Rank: GroupByDepartment}, `invalid Rank "department"`},
		{"TopN 500", AnalysisOptions{Kind: PeriodWeek, Day: day, TopN: 500}, "TopN 500 is outside 1..100"},
		{"a trend of one period", AnalysisOptions{Kind: PeriodWeek, Day: day, Trend: 1}, "Trend 1 is outside 2..53"},
		{"a top table by an unknown key", AnalysisOptions{Kind: PeriodWeek, Day: day, Top: []string{"colour"}}, `invalid GroupBy "colour"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.NewAnalyzer(tc.opts)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// TestAnalysisAddIsAtomic: a case refused by one of the analysis's reports is counted by none.
func TestAnalysisAddIsAtomic(t *testing.T) {
	p := lcPolicy(t)
	a, err := p.NewAnalyzer(AnalysisOptions{Kind: PeriodWeek, Day: lcT("2025-10-29 12:00")})
	require.NoError(t, err)
	good := analysisCases(t, p)[0]
	bad := good
	bad.ID = "BAD"
	bad.Department = strings.Repeat("科", MaxTextBytes) // over the text bound: refused where counted
	require.Error(t, a.Add(bad))
	require.NoError(t, a.Add(good))
	an := a.Analysis()
	assert.Equal(t, 1, an.Current.Total.Accepted, "only the good case")
	for _, tr := range an.Trend {
		assert.LessOrEqual(t, tr.Rated, 1)
	}
	for _, top := range an.Top {
		n := top.Others
		for _, e := range top.Entries {
			n += e.Cases
		}
		assert.Equal(t, 1, n, "top %s counts only the good case", top.By)
	}
}

// TestRankingFormulaRefused: a ranking formula is checked when the policy is loaded, and each
// fault is reported at its file:line:column.
func TestRankingFormulaRefused(t *testing.T) {
	cases := []struct {
		name, formula, want string
	}{
		{"an unknown metric", "on_time_rate * 100 - complaints", "unknown name complaints"},
		{"a string", `on_time_rate + "1"`, "ranking.score"},
		{"a call of something else", "len(on_time_rate)", "ranking.score"},
		{"a member access", "on_time_rate.x", "ranking.score"},
		{"an empty formula", `""`, "the score formula is empty"},
		{"nesting 40 deep", strings.Repeat("(", 40) + "1" + strings.Repeat(")", 40), "nests more than 32 deep"},
		{"a formula over 1024 bytes", "'" + strings.Repeat("1 + ", 300) + "1'", "at most 1024"},
		{"a boolean, not a number", "on_time_rate > 0.5", "ranking.score"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			y := strings.Replace(string(DefaultPolicyYAML()), defaultScore, "score: "+tc.formula, 1)
			_, err := ParsePolicy("rank.yaml", []byte(y))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Regexp(t, `rank\.yaml:\d+:\d+`, err.Error())
		})
	}
	// The column points into the formula: the value starts at column 10 ("  score: "), and
	// "complaints" 21 runes into it.
	y := strings.Replace(string(DefaultPolicyYAML()), defaultScore, "score: on_time_rate * 100 - complaints", 1)
	line := strings.Count(y[:strings.Index(y, "  score: on_time")], "\n") + 1
	_, err := ParsePolicy("rank.yaml", []byte(y))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rank.yaml:"+strconv.Itoa(line)+":"+strconv.Itoa(10+21))
	// The closed loop's counts are metrics too (十佳服务明星 weighs returns and supervision).
	pl := rankPolicy(t, "on_time_rate * 100 - returned * 5 - supervised * 2 - supervision_reached")
	kl, ok := pl.Ranking()
	require.True(t, ok)
	assert.InDelta(t, 100-5-4-3, kl.score(&ReportRow{Rated: 1, ClosedOnTime: 1, OnTimeRate: 1, Returned: 1, Supervised: 2, SupervisionReached: 3}), 1e-9)
	p := rankPolicy(t, "closed_on_time / rated")
	k, ok := p.Ranking()
	require.True(t, ok)
	assert.True(t, math.IsNaN(k.score(&ReportRow{})), "0/0 is no score: it ranks last")
	_, ok = noRankPolicy(t).Ranking()
	assert.False(t, ok, "a policy without ranking: has no formula")
	d, ok := Default().Ranking()
	require.True(t, ok, "the default policy declares the formula offices start from")
	assert.InDelta(t, 0.9*70+0.5*30-1*5-2, d.score(&ReportRow{OnTimeRate: 0.9, SatisfactionRate: 0.5, Supervised: 1, OverdueWorkdays: 2}), 1e-9)
}
