package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

// switchHistory is a history whose 2025.2 version takes over on Wednesday 2025-10-29, in the
// middle of ISO week 2025-W44 (Monday 10-27 to Sunday 11-02): 2025.1 puts a "complex" case in
// T1 and rates on the default scale; 2025.2 puts it in T3, rates 非常满意 / 满意 / 不满意 and,
// when ranked, declares the formula given (none when empty).
func switchHistory(t *testing.T, rank25, rank26 string) *sla.History {
	t.Helper()
	ranking := func(formula string) string {
		if formula == "" {
			return ""
		}
		return "ranking:\n  label: 综合得分\n  score: " + formula + "\n"
	}
	v1 := mustParse(t, "v1.yaml", policyVersion("2025.1", "2025-01-01", "", "T1")+ranking(rank25))
	v2 := mustParse(t, "v2.yaml", policyVersion("2025.2", "2025-10-29", "", "T3")+ranking(rank26)+
		"rating:\n  - {grade: 非常满意, satisfied: true}\n  - {grade: 满意, satisfied: true}\n  - {grade: 不满意, reopens: true}\n")
	h, err := sla.NewHistory(v1, v2)
	require.NoError(t, err)
	return h
}

// switchWeekCases are W44's cases across the switch, plus one of the week before:
//   - A (王敏), accepted Monday 10-27 under 2025.1 (T1), closed Wednesday 10-29: late, though
//     2025.2 would have it on time; visited, 基本满意 (a grade only 2025.1 has).
//   - B (李强), accepted Thursday 10-30 under 2025.2 (T3), closed Friday 10-31: on time;
//     visited, 非常满意 (a grade only 2025.2 has).
//   - C (李强), accepted Thursday 10-30 under 2025.2, open, due 11-04: not late at the week's end.
//   - P (王敏), accepted Monday 10-20 (W43) under 2025.1, closed the same day: on time.
func switchWeekCases(t *testing.T, h *sla.History) []sla.Case {
	t.Helper()
	input := map[string]any{"cause": "complex"}
	open := func(id, handler string, accepted time.Time) sla.Case {
		c, _, err := h.Accept(id, input, accepted)
		require.NoError(t, err)
		c.Handler = handler
		return c
	}
	apply := func(c sla.Case, events ...sla.Event) sla.Case {
		for _, e := range events {
			var err error
			c, err = h.Apply(c, e)
			require.NoError(t, err)
		}
		return c
	}
	closed := func(at time.Time) sla.Event { return sla.Event{Type: sla.EventClosed, At: at} }
	visited := func(at time.Time, rating string) sla.Event {
		return sla.Event{Type: sla.EventVisited, At: at, Rating: rating}
	}
	return []sla.Case{
		apply(open("A", "王敏", at(2025, 10, 27, 10, 0)), closed(at(2025, 10, 29, 15, 0)), visited(at(2025, 10, 30, 9, 0), "基本满意")),
		apply(open("B", "李强", at(2025, 10, 30, 10, 0)), closed(at(2025, 10, 31, 15, 0)), visited(at(2025, 10, 31, 16, 0), "非常满意")),
		open("C", "李强", at(2025, 10, 30, 11, 0)),
		apply(open("P", "王敏", at(2025, 10, 20, 10, 0)), closed(at(2025, 10, 20, 15, 0))),
	}
}

// TestHistoryAnalysisSpansAVersionSwitch: a weekly analysis of a week in which the policy
// changed judges each case by the version in effect at its acceptance, with one set of
// totals for the week, and matches History.Report over the same week; a single version
// cannot give it.
func TestHistoryAnalysisSpansAVersionSwitch(t *testing.T) {
	h := switchHistory(t, "", "on_time_rate * 100")
	cases := switchWeekCases(t, h)
	opts := sla.AnalysisOptions{Kind: sla.PeriodWeek, Day: at(2025, 10, 29, 12, 0), Top: []string{sla.GroupByTier}, Trend: 2, Rank: sla.GroupByHandler}

	_, err := h.Versions()[0].Analysis(cases, sla.AnalysisOptions{Kind: sla.PeriodWeek, Day: opts.Day})
	var ne *sla.NotEffectiveError
	require.ErrorAs(t, err, &ne, "the earlier version alone refuses a case of the later one")

	an, err := h.Analysis(cases, opts)
	require.NoError(t, err)
	assert.Equal(t, "2025-W44", an.Period.Name)
	assert.Equal(t, "history-test", an.PolicyID)
	cur := an.Current
	assert.Equal(t, "2025.1, 2025.2", cur.PolicyVersion, "both versions judged a case of the week")
	assert.Equal(t, 3, cur.Total.Accepted)
	assert.Equal(t, 1, cur.Total.ClosedLate, "A, late under its own T1")
	assert.Equal(t, 1, cur.Total.ClosedOnTime, "B under T3")
	assert.Equal(t, 1, cur.Total.Open, "C")
	assert.Equal(t, 0, cur.Total.OpenOverdue, "C is due 11-04, after the week")
	assert.Equal(t, 2, cur.Total.Satisfied, "基本满意 on 2025.1's scale and 非常满意 on 2025.2's both count")
	assert.Equal(t, []sla.GradeCount{{Grade: "非常满意", Cases: 1}, {Grade: "满意", Cases: 0}, {Grade: "不满意", Cases: 0}, {Grade: "基本满意", Cases: 1}},
		cur.Loop.Ratings, "the latest scale first, then the grades of the earlier version that judged a case")
	assert.Equal(t, "2025.1", an.Before.PolicyVersion, "W43 had cases of 2025.1 only")
	assert.Equal(t, 1, an.Before.Total.ClosedOnTime)

	rep, err := h.Report(cases, sla.ReportOptions{From: an.Period.From, To: an.Period.To, Now: at(2025, 11, 3, 0, 0), GroupBy: sla.GroupByTier})
	require.NoError(t, err)
	assert.Equal(t, rep.Total, cur.Total, "the analysis's week is History.Report's week")
	assert.Equal(t, rep.Rows, cur.Rows)

	require.Len(t, an.Top, 1)
	tiers := map[string]int{}
	for _, e := range an.Top[0].Entries {
		tiers[e.Value] = e.Cases
	}
	assert.Equal(t, map[string]int{"T1": 1, "T3": 2}, tiers, "each case in the tier its own version gave it")
	require.Len(t, an.Trend, 2)
	assert.Equal(t, "2025-W43", an.Trend[0].Period.Name)
	assert.InDelta(t, 0.5, an.Trend[1].OnTimeRate, 1e-9, "W44: B on time, A late")

	require.NotNil(t, an.Ranking)
	assert.Equal(t, "on_time_rate * 100", an.Ranking.Formula, "the latest version's formula")
	require.Len(t, an.Ranking.Entries, 2)
	assert.Equal(t, "李强", an.Ranking.Entries[0].Group)
	assert.InDelta(t, 100, an.Ranking.Entries[0].Score, 1e-9)
	assert.Equal(t, "王敏", an.Ranking.Entries[1].Group)
	assert.InDelta(t, 0, an.Ranking.Entries[1].Score, 1e-9)

	// The streaming form gives the same analysis.
	a, err := h.NewAnalyzer(opts)
	require.NoError(t, err)
	for _, c := range cases {
		require.NoError(t, a.Add(c))
	}
	assert.Equal(t, an, a.Analysis())
}

// TestHistoryAnalysisRefusals: what History.NewAnalyzer and Add refuse, each as the caller's
// fault, and a refused case changes nothing.
func TestHistoryAnalysisRefusals(t *testing.T) {
	day := at(2025, 10, 29, 12, 0)
	t.Run("a ranking when only an earlier version declares a formula: the latest version's formula is the yardstick", func(t *testing.T) {
		h := switchHistory(t, "on_time_rate", "")
		_, err := h.NewAnalyzer(sla.AnalysisOptions{Kind: sla.PeriodWeek, Day: day, Rank: sla.GroupByUnit})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "policy history-test 2025.2 declares none")
	})
	t.Run("a period kind that is neither week nor month is the caller's error, as for a policy", func(t *testing.T) {
		h := switchHistory(t, "", "")
		_, err := h.NewAnalyzer(sla.AnalysisOptions{Kind: "fortnight", Day: day})
		require.Error(t, err)
		assert.ErrorIs(t, err, sla.ErrInvalid)
		assert.Contains(t, err.Error(), `invalid period "fortnight"`)
	})
	t.Run("a nil history", func(t *testing.T) {
		var h *sla.History
		_, err := h.NewAnalyzer(sla.AnalysisOptions{Kind: sla.PeriodWeek, Day: day})
		require.ErrorContains(t, err, "nil history")
	})
	t.Run("a case accepted where no version is in effect is refused, counted nowhere", func(t *testing.T) {
		h := switchHistory(t, "", "")
		a, err := h.NewAnalyzer(sla.AnalysisOptions{Kind: sla.PeriodMonth, Day: at(2024, 6, 3, 9, 0)})
		require.NoError(t, err)
		before := a.Analysis()
		err = a.Add(sla.Case{ID: "X", Events: []sla.Event{{Type: sla.EventAccepted, At: at(2024, 6, 3, 9, 0)}}})
		require.Error(t, err)
		assert.ErrorIs(t, err, sla.ErrInvalid)
		assert.Contains(t, err.Error(), "case X: policy history-test has no version in effect")
		assert.Equal(t, before, a.Analysis())
	})
}
