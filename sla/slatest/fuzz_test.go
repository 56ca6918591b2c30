package slatest_test

import (
	"errors"
	"os"
	"testing"

	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// FuzzParseSuite: any bytes either load as a suite (and run without panicking) or fail with
// problems that all carry a position.
func FuzzParseSuite(f *testing.F) {
	for _, path := range []string{defaultSuite, "../../examples/policies/workorder-3class.suite.yaml", "../../examples/policies/jiban-changgui-gongjian.suite.yaml", "testdata/pass.suite.yaml", "testdata/fail.suite.yaml"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("format: shixian-suite/v1\ncases:\n  - {name: a, accepted: 2025-01-02, expect: {tier: T1}}\n"))
	f.Add([]byte("format: shixian-suite/v1\ncases:\n  - {name: a, accepted: '2025-01-02 24:00', input: {cause: [1, {x: ~}]}, events: [{type: paused, at: 2025-01-03}], expect: {status: {now: 2025-01-04}}}\n"))
	f.Add([]byte("format: shixian-suite/v1\ncases:\n  - {name: a, accepted: 2026-03-02, input: {cause: complex}, events: [{type: paused, at: 2026-03-03, pause: p, reason: hearing}, {type: visited, at: 2026-03-04, rating: 满意}, {type: supervised, at: 2026-03-05, actor: x, level: remind}], expect: {status: {now: 2026-03-06, open_pauses: [p, ''], supervision: [remind], supervised: 1, rating: '', reopen_required: true, ever_late: false}}}\n"))
	f.Add([]byte("cases: &a [*a]"))
	f.Add([]byte("- - -"))
	f.Add([]byte("format: shixian-suite/v1\nmin_coverage: NaN\ncases: {}\n"))
	f.Add([]byte(""))
	p := sla.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := slatest.RunSuiteData("fuzz.suite.yaml", data, p)
		if err != nil {
			var ps rules.Problems
			if !errors.As(err, &ps) {
				return // size limit: a plain error naming the file
			}
			for _, pr := range ps {
				if pr.Pos.Line <= 0 {
					t.Fatalf("problem without a line: %v", pr)
				}
			}
			return
		}
		for _, c := range r.Cases {
			if c.Passed != (len(c.Failures) == 0) {
				t.Fatalf("case %q: passed=%v with failures %v", c.Name, c.Passed, c.Failures)
			}
		}
	})
}

// FuzzParseExpectations: never a panic; errors are problems with positions.
func FuzzParseExpectations(f *testing.F) {
	data, err := os.ReadFile("testdata/expect.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("format: shixian-expect/v1\nallow: [{from: '*', to: '*', rule: x, max: 3}]\n"))
	f.Add([]byte("format: shixian-expect/v1\nallow: [{from: T1, to: T3, max: 99999999999999999999}]\n"))
	f.Add([]byte("allow: 3"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := slatest.ParseExpectations("fuzz.yaml", data)
		if err != nil {
			var ps rules.Problems
			if !errors.As(err, &ps) {
				return
			}
			for _, pr := range ps {
				if pr.Pos.Line <= 0 {
					t.Fatalf("problem without a line: %v", pr)
				}
			}
			return
		}
		r := &slatest.DiffResult{Changed: []slatest.ChangedCase{{OldTier: "T1", NewTier: "T3", NewRule: "x"}}}
		r.Apply(e)
	})
}

// FuzzDiff: arbitrary corpus bytes never panic, and every line is either a case or an error.
func FuzzDiff(f *testing.F) {
	f.Add([]byte(`{"id":"a","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex"}}` + "\n\nnot json\n"))
	f.Add([]byte(`{"id":"a","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex","tags":[1]}}`))
	f.Add([]byte(`{"id":"a","accepted":"1900-01-01T00:00:00Z","input":{"cause":"complex"}}`))
	f.Add([]byte("\r\n\r\n"))
	old := sla.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := slatest.Diff(old, old, bytesReader(data), slatest.DiffOptions{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		if r.ChangedCount != 0 {
			t.Fatalf("a policy diffed with itself changed %d cases", r.ChangedCount)
		}
	})
}
