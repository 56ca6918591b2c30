package sla

import (
	"errors"
	"math"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// FuzzRankingFormula: any text given as a ranking formula is either refused with a placed
// *scoreError (its offset within the text) or compiles to a program that scores any row
// without panicking, to a finite number or NaN.
func FuzzRankingFormula(f *testing.F) {
	for _, s := range []string{
		"on_time_rate * 100 + satisfaction_rate * 20 - overdue_workdays",
		"closed_on_time / rated",
		"max(on_time_rate, 0.5) ? 1 : 0",
		"on_time_rate > 0.5 ? accepted : -accepted",
		"((((1))))",
		"len(\"x\")",
		"on_time_rate.x",
		"[1, 2][0]",
		"1 +",
		"",
		"2 ** 2000",
		"abs(-open) + floor(avg_workdays_to_close) + ceil(0.5) + round(1.5) + min(1, 2)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		prog, err := compileScore(src)
		if err != nil {
			var se *scoreError
			require.True(t, errors.As(err, &se), "%T %v", err, err)
			require.GreaterOrEqual(t, se.offset, 0)
			require.LessOrEqual(t, se.offset, utf8.RuneCountInString(src)+1)
			require.Nil(t, prog)
			return
		}
		require.LessOrEqual(t, len(src), MaxScoreBytes)
		k := Ranking{Score: src, prog: prog}
		for _, row := range []ReportRow{{}, {Accepted: 3, ClosedOnTime: 1, ClosedLate: 1, Rated: 2, OnTimeRate: 0.5, Visited: 1, Satisfied: 1, SatisfactionRate: 1}} {
			v := k.score(&row)
			require.False(t, math.IsInf(v, 0), "a score is finite or NaN")
		}
	})
}
