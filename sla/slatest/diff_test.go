package slatest_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

func diffExample(t *testing.T, opts slatest.DiffOptions) *slatest.DiffResult {
	t.Helper()
	f, err := os.Open(exampleCorpus)
	require.NoError(t, err)
	defer f.Close()
	r, err := slatest.Diff(sla.Default(), candidatePolicy(t), f, opts)
	require.NoError(t, err)
	return r
}

func TestDiffExampleCorpusGolden(t *testing.T) {
	r := diffExample(t, slatest.DiffOptions{})
	assert.Equal(t, exampleCorpusSize, r.Cases)
	assert.Empty(t, r.Errors)
	// Every T1 case's due moves (1 → 2 working days); tiers move only T3→T10 and T1→T10.
	for tr, n := range r.Matrix {
		if tr.From != tr.To {
			assert.Contains(t, []slatest.Transition{{From: "T3", To: "T10"}, {From: "T1", To: "T10"}}, tr, "count %d", n)
		}
	}
	assert.Positive(t, r.Matrix[slatest.Transition{From: "T3", To: "T10"}])
	assert.Positive(t, r.Matrix[slatest.Transition{From: "T1", To: "T10"}])
	assert.Equal(t, r.Matrix[slatest.Transition{From: "T1", To: "T1"}]+r.TierChanged, r.DueChanged,
		"every case that was T1 gets another due (T1→T1 by the longer limit) and so does every case whose tier changed")
	assert.Equal(t, len(r.Changed), r.ChangedCount)
	total := 0
	for _, n := range r.OldRuleHits {
		total += n
	}
	assert.Equal(t, r.Cases, total)

	exp, err := slatest.LoadExpectations("testdata/expect.yaml")
	require.NoError(t, err)
	r.Apply(exp)
	golden(t, "diff.txt", text(t, func(b *bytes.Buffer) error { return r.WriteText(b) }))
	golden(t, "diff.json", text(t, func(b *bytes.Buffer) error { return r.WriteJSON(b) }))
}

func TestDiffChangedCaseDetails(t *testing.T) {
	corpus := strings.Join([]string{
		`{"id":"same","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex"}}`,
		`{"id":"t1-longer","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"incomplete_materials"}}`,
		`{"id":"enterprise","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"other_objective","applicant":"enterprise","category":"labour_dispute"}}`,
	}, "\n")
	r, err := slatest.Diff(sla.Default(), candidatePolicy(t), strings.NewReader(corpus), slatest.DiffOptions{})
	require.NoError(t, err)
	require.Len(t, r.Changed, 2)
	cst := calendar.CST()
	// T1 accepted Tuesday 09-30 17:00 before National Day: 1 working day ends 10-09 (due 10-10
	// 00:00); 2 working days end Friday 10-10 (due 10-11 00:00).
	assert.Equal(t, slatest.ChangedCase{ID: "t1-longer", Line: 2, OldTier: "T1", OldRule: "objective-simple", NewTier: "T1", NewRule: "objective-simple",
		OldDue: time.Date(2025, 10, 10, 0, 0, 0, 0, cst), NewDue: time.Date(2025, 10, 11, 0, 0, 0, 0, cst)}, withCST(r.Changed[0]))
	// enterprise labour dispute, T3 → T10: 3 working days end makeup Saturday 10-11; 10 end
	// Tuesday 10-21.
	assert.Equal(t, slatest.ChangedCase{ID: "enterprise", Line: 3, OldTier: "T3", OldRule: "enterprise-complex", NewTier: "T10", NewRule: "enterprise-complex",
		OldDue: time.Date(2025, 10, 12, 0, 0, 0, 0, cst), NewDue: time.Date(2025, 10, 22, 0, 0, 0, 0, cst)}, withCST(r.Changed[1]))
	assert.Equal(t, 1, r.TierChanged)
	assert.Equal(t, 0, r.RuleChanged)
	assert.Equal(t, 2, r.DueChanged)
}

func withCST(c slatest.ChangedCase) slatest.ChangedCase {
	cst := calendar.CST()
	c.OldDue, c.NewDue = c.OldDue.In(cst), c.NewDue.In(cst)
	return c
}

func TestDiffDeterministicAcrossWorkers(t *testing.T) {
	var outs []string
	for _, w := range []int{1, 4, 13} {
		r := diffExample(t, slatest.DiffOptions{Workers: w})
		outs = append(outs, string(text(t, func(b *bytes.Buffer) error { return r.WriteJSON(b) })))
	}
	assert.Equal(t, outs[0], outs[1])
	assert.Equal(t, outs[0], outs[2])

	// The cap keeps the lowest lines, whatever the worker count.
	a := diffExample(t, slatest.DiffOptions{Workers: 1, MaxChanged: 7})
	b := diffExample(t, slatest.DiffOptions{Workers: 4, MaxChanged: 7})
	all := diffExample(t, slatest.DiffOptions{Workers: 4})
	require.Len(t, a.Changed, 7)
	assert.Equal(t, a.Changed, b.Changed)
	assert.Equal(t, all.Changed[:7], a.Changed)
	assert.Equal(t, all.ChangedCount, a.ChangedCount)
}

func TestDiffBadLinesReported(t *testing.T) {
	long := `{"id":"long","input":{"x":"` + strings.Repeat("x", 1<<20) + `"}}`
	corpus := strings.Join([]string{
		`{"id":"ok-1","accepted":"2025-03-03T09:00:00+08:00","input":{"cause":"complex"}}`,
		``,
		`not json`,
		`{"id":"bad-cause","accepted":"2025-03-03T09:00:00+08:00","input":{"cause":"nonsense"}}`,
		`{"accepted":"2025-03-03T09:00:00+08:00","input":{"cause":"complex"}}`,
		`{"id":"no-time","input":{"cause":"complex"}}`,
		long,
		`{"id":"bad-time","accepted":"yesterday","input":{"cause":"complex"}}`,
		`{"id":"ok-2","accepted":"2025-03-03T09:00:00+08:00","input":{"cause":"complex"}}`,
	}, "\r\n")
	for _, workers := range []int{1, 3} {
		var seen []int
		r, err := slatest.Diff(sla.Default(), sla.Default(), strings.NewReader(corpus), slatest.DiffOptions{Workers: workers, Progress: func(n int) { seen = append(seen, n) }})
		require.NoError(t, err)
		assert.Equal(t, 2, r.Cases, "two good lines")
		assert.Empty(t, r.Changed, "a policy diffed with itself changes nothing")
		assert.Equal(t, []int{9}, seen, "progress reports the final line count")
		var lines []int
		for _, e := range r.Errors {
			lines = append(lines, e.Line)
		}
		assert.Equal(t, []int{3, 4, 5, 6, 7, 8}, lines)
		assert.Equal(t, 6, r.ErrorCount)
		assert.Contains(t, r.Errors[0].Error(), "line 3: invalid JSON")
		assert.Contains(t, r.Errors[1].Error(), `line 4 (bad-cause): old policy: `)
		assert.Contains(t, r.Errors[1].Error(), `"nonsense"`)
		assert.Contains(t, r.Errors[2].Error(), `line 5: missing "id"`)
		assert.Contains(t, r.Errors[3].Error(), `line 6 (no-time): missing "accepted" time`)
		assert.Contains(t, r.Errors[4].Error(), "line 7: line longer than")
		assert.Contains(t, r.Errors[5].Error(), "line 8: invalid JSON")
	}
}

func TestDiffBlankLines(t *testing.T) {
	good := `{"id":"ok","accepted":"2025-03-03T09:00:00+08:00","input":{"cause":"complex"}}`
	// corpus builds n lines, blank at the given 1-based line numbers and a case elsewhere.
	corpus := func(n int, eol string, blank ...int) (string, int) {
		var b strings.Builder
		cases := 0
		for ln := 1; ln <= n; ln++ {
			if !contains(blank, ln) {
				b.WriteString(good)
				cases++
			}
			b.WriteString(eol)
		}
		return b.String(), cases
	}
	tests := []struct {
		name  string
		n     int
		eol   string
		blank []int
	}{
		{"a corpus whose first line is empty diffs every case and reports no error", 3, "\n", []int{1}},
		{"a corpus whose first line is an empty CRLF line diffs every case and reports no error", 3, "\r\n", []int{1}},
		{"a corpus of nothing but an empty line has no cases and no errors", 1, "\n", []int{1}},
		{"empty lines at the first line of the second and third internal batch (1025, 2049) are skipped, not called over-long", 2100, "\n", []int{1024, 1025, 2049}},
		{"a run of empty lines across a batch boundary is skipped", 1030, "\r\n", []int{1, 2, 1023, 1024, 1025, 1026, 1030}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, cases := corpus(tt.n, tt.eol, tt.blank...)
			for _, workers := range []int{1, 3} {
				var last int
				r, err := slatest.Diff(sla.Default(), sla.Default(), strings.NewReader(text), slatest.DiffOptions{Workers: workers, Progress: func(n int) { last = n }})
				require.NoError(t, err)
				assert.Empty(t, r.Errors, "workers %d", workers)
				assert.Zero(t, r.ErrorCount, "workers %d", workers)
				assert.Equal(t, cases, r.Cases, "workers %d", workers)
				assert.Equal(t, tt.n, last, "every line, blank ones too, is counted: workers %d", workers)
			}
		})
	}
}

func TestDiffArguments(t *testing.T) {
	_, err := slatest.Diff(nil, sla.Default(), strings.NewReader(""), slatest.DiffOptions{})
	assert.Error(t, err)
	_, err = slatest.Diff(sla.Default(), sla.Default(), nil, slatest.DiffOptions{})
	assert.Error(t, err)
	r, err := slatest.Diff(sla.Default(), sla.Default(), strings.NewReader(""), slatest.DiffOptions{})
	require.NoError(t, err)
	assert.Zero(t, r.Cases)
	_, err = slatest.Diff(sla.Default(), sla.Default(), errReader{}, slatest.DiffOptions{})
	assert.ErrorContains(t, err, "reading corpus")
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, os.ErrClosed }

func TestExpectations(t *testing.T) {
	changed := func(line int, from, to, rule string) slatest.ChangedCase {
		return slatest.ChangedCase{ID: "c", Line: line, OldTier: from, NewTier: to, NewRule: rule}
	}
	tests := []struct {
		name       string
		allow      string
		unexpected []int // lines
	}{
		{"nothing allowed: every change is unexpected", "allow: []", []int{1, 2, 3, 4}},
		{"wildcards allow everything", `allow: [{from: "*", to: "*"}]`, nil},
		{"from/to must both match", `allow: [{from: T3, to: T10}]`, []int{3, 4}},
		{"rule is the NEW rule", `allow: [{from: T3, to: T10, rule: cross-department}]`, []int{2, 3, 4}},
		{"max caps an entry in line order; the rest are unexpected", `allow: [{from: T3, to: T10, max: 1}, {from: T1, to: "*"}]`, []int{2}},
		{"a case beyond one entry's max may fall through to a later entry", `allow: [{from: T3, to: T10, max: 1}, {from: "*", to: T10}]`, []int{4}},
		{"due-only changes have from == to", `allow: [{from: T1, to: T1}]`, []int{1, 2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := slatest.ParseExpectations("e.yaml", []byte("format: shixian-expect/v1\n"+tc.allow+"\n"))
			require.NoError(t, err)
			r := &slatest.DiffResult{Changed: []slatest.ChangedCase{
				changed(1, "T3", "T10", "cross-department"),
				changed(2, "T3", "T10", "legacy-or-bottleneck"),
				changed(3, "T1", "T10", "cross-department"),
				changed(4, "T1", "T1", "objective-simple"),
			}}
			r.Apply(e)
			var got []int
			for _, c := range r.Unexpected {
				got = append(got, c.Line)
				assert.False(t, c.Expected)
			}
			assert.Equal(t, tc.unexpected, got)
			for _, c := range r.Changed {
				assert.Equal(t, !contains(tc.unexpected, c.Line), c.Expected, "line %d", c.Line)
			}
		})
	}
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestParseExpectationsErrors(t *testing.T) {
	_, err := slatest.ParseExpectations("e.yaml", []byte("format: shixian-expect/v2\nallow:\n  - {from: T3, too: T10, max: -1}\n  - 7\nextra: 1\n"))
	require.Error(t, err)
	assert.Equal(t, strings.Join([]string{
		`e.yaml:1:9: format: "shixian-expect/v2" is not supported (expected "shixian-expect/v1")`,
		"    format: shixian-expect/v2",
		"            ^",
		`e.yaml:3:16: allow[0]: unknown key "too" (did you mean "to"? it is required)`,
		"      - {from: T3, too: T10, max: -1}",
		"                   ^",
		`e.yaml:3:31: allow[0].max: expected a whole number of cases ≥ 1, found "-1"`,
		"      - {from: T3, too: T10, max: -1}",
		"                                  ^",
		`e.yaml:4:5: allow[1]: expected a mapping (key: value), found "7"`,
		"      - 7",
		"        ^",
		`e.yaml:5:1: expectations: unknown key "extra" (expected one of: format, allow)`,
		"    extra: 1",
		"    ^",
	}, "\n"), err.Error())
	_, err = slatest.LoadExpectations("testdata/does-not-exist.yaml")
	assert.Error(t, err)
}
