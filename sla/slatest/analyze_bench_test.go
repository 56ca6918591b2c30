package slatest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// growthPolicy is a policy of f enum fields with v declared values each, and r rules, each
// comparing two neighbouring fields with values (no two rules alike): a field is cut into as
// many classes as it has compared values, plus one for the rest, so the classes multiply with
// the fields.
func growthPolicy(tb testing.TB, fields, values, nrules int) *sla.Policy {
	tb.Helper()
	var b strings.Builder
	b.WriteString("format: shixian/v1\nid: growth\nversion: \"1\"\neffective: {from: 2025-01-01}\ninput:\n")
	for f := 0; f < fields; f++ {
		fmt.Fprintf(&b, "  f%d: {type: string, values: [", f)
		for v := 0; v < values; v++ {
			if v > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "v%d", v)
		}
		b.WriteString("]}\n")
	}
	b.WriteString("tiers:\n  - {id: A, limit: 1 workday}\n  - {id: B, limit: 3 workdays}\ndefault: {tier: B, reason: d}\nrules:\n")
	for r := 0; r < nrules; r++ {
		f1, f2 := r%fields, (r+1)%fields
		fmt.Fprintf(&b, "  - {id: r%d, when: 'f%d == \"v%d\" && f%d != \"v%d\"', tier: A, reason: x}\n", r, f1, (r/fields)%values, f2, (r/(fields*values))%values)
	}
	p, err := sla.ParsePolicy("growth.yaml", []byte(b.String()))
	require.NoError(tb, err)
	return p
}

// BenchmarkAnalyze measures Analyze on the shipped policies and on generated ones that show how
// the cost grows: linearly with the classes (each is one Classify) and the rules (each
// Classify evaluates every rule), the classes being the product of the fields' class counts,
// up to DefaultMaxClasses, past which the analysis samples and its cost stops growing.
func BenchmarkAnalyze(b *testing.B) {
	for _, path := range []string{"../policies/xinyu-1310.yaml", "../../examples/policies/workorder-3class.yaml"} {
		p, err := sla.LoadPolicy(path)
		require.NoError(b, err)
		b.Run("policy="+path[strings.LastIndex(path, "/")+1:], func(b *testing.B) { benchAnalyze(b, p) })
	}
	for _, g := range []struct{ fields, values, rules int }{
		{2, 4, 4}, {4, 4, 8}, {6, 4, 12}, {8, 4, 16}, {10, 4, 20}, {12, 4, 24}, {4, 4, 32}, {4, 4, 64},
	} {
		p := growthPolicy(b, g.fields, g.values, g.rules)
		b.Run(fmt.Sprintf("fields=%d/rules=%d", g.fields, g.rules), func(b *testing.B) { benchAnalyze(b, p) })
	}
}

func benchAnalyze(b *testing.B, p *sla.Policy) {
	b.ReportAllocs()
	var a *slatest.Analysis
	start, cpu0 := time.Now(), processCPU()
	for i := 0; i < b.N; i++ {
		var err error
		if a, err = slatest.Analyze(p); err != nil {
			b.Fatal(err)
		}
	}
	wall, cpu := time.Since(start), processCPU()-cpu0
	b.ReportMetric(float64(a.Evaluated), "classes")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
	if a.Exhaustive {
		b.ReportMetric(1, "exhaustive")
	} else {
		b.ReportMetric(0, "exhaustive")
	}
	_ = wall
}

// BenchmarkDiffExhaustive measures the exhaustive diff of the default policy and its 2025.2
// candidate (the union of both policies' classes, each classified twice).
func BenchmarkDiffExhaustive(b *testing.B) {
	oldP, newP := sla.Default(), candidatePolicy(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := slatest.DiffExhaustive(oldP, newP); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAnalyzeDefaultPolicyIsFast holds the analysis of the default policy to a CPU budget far
// above its cost (about a millisecond), so that a change that makes lint slow on every save is
// caught; CPU time, not wall time, so that a loaded machine does not fail it.
func TestAnalyzeDefaultPolicyIsFast(t *testing.T) {
	p := sla.Default()
	_, err := slatest.Analyze(p) // warm the pools
	require.NoError(t, err)
	const runs = 10
	cpu0 := processCPU()
	for i := 0; i < runs; i++ {
		_, err := slatest.Analyze(p)
		require.NoError(t, err)
	}
	per := (processCPU() - cpu0) / runs
	if processCPU() == 0 {
		t.Skip("no process CPU clock on this platform")
	}
	require.Less(t, per, 100*time.Millisecond, "the default policy is analysed in well under 100 ms")
}
