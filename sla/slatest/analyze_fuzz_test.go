package slatest_test

import (
	"os"
	"testing"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// FuzzAnalyze: any policy text that loads is analysed without a panic and within its class
// budget; the counts add up (every evaluated class gets a tier or is a refused input); every
// example said to fall to the default does; and the policy compared with itself changes nothing.
func FuzzAnalyze(f *testing.F) {
	for _, path := range []string{"../policies/xinyu-1310.yaml", "../../examples/policies/workorder-3class.yaml",
		"../../cmd/shixian/testdata/policy-2025.2.yaml"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, rules := range [][]string{
		{`r1: e in ["a", "b"] → A`, `r2: e == "a" → B`},
		{`r1: n > 3 && n < 2 → A`, `r2: s startsWith "x" || n + m > 2 → B`},
		{`r1: t >= date("2025-10-01") && t < date("2025-10-01T12:00:00+08:00") → A`, `r2: "x" in l → B`},
		{`r1: b ? n > 1.5 : n in [1, 2, 9007199254740993] → A`, `r2: !b && s not in ["", "x"] → C`},
		{`r1: n == -1 || n > 1e300 → A`, `r2: t.Hour() > 12 → B`},
	} {
		f.Add([]byte(miniPolicyText(rules...)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := sla.ParsePolicy("fuzz.yaml", data)
		if err != nil {
			return
		}
		const budget = 2048
		a, err := slatest.AnalyzeWith(p, slatest.AnalyzeOptions{MaxClasses: budget})
		if err != nil {
			return // a field the classes cannot cut is an error, never a panic
		}
		if a.Evaluated > budget || a.Evaluated > a.Classes || a.Exhaustive != (a.Evaluated == a.Classes) {
			t.Fatalf("evaluated %d of %d classes within %d, exhaustive=%v", a.Evaluated, a.Classes, budget, a.Exhaustive)
		}
		sum := a.ErrorCount
		for _, n := range a.Tiers {
			sum += n
		}
		if sum != a.Evaluated {
			t.Fatalf("tiers and errors count %d classes, %d were evaluated", sum, a.Evaluated)
		}
		for _, in := range a.ReachesDefault {
			d, err := p.Rules().Classify(in)
			if err != nil || !d.Default {
				t.Fatalf("example %v said to fall to the default: %v, %v", in, d, err)
			}
		}
		if a.Exact && len(a.UnreachableProblems(data)) != len(a.Unreachable) {
			t.Fatalf("an exact analysis proves each rule it finds unreachable")
		}
		r, err := slatest.DiffExhaustiveWith(p, p, slatest.AnalyzeOptions{MaxClasses: budget})
		if err != nil {
			t.Fatalf("a policy against itself: %v", err)
		}
		if len(r.Changes) != 0 {
			t.Fatalf("a policy against itself changes %d classes, e.g. %v", len(r.Changes), r.Changes[0])
		}
	})
}
