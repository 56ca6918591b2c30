package slatest_test

import (
	"bytes"
	"flag"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
	"github.com/shixian-go/shixian/sla/slatest/internal/corpusgen"
)

var diffBenchCases = flag.Int("diffcases", 1_000_000, "corpus size for BenchmarkDiff1M")

// BenchmarkDiff1M diffs the default policy against an edited copy (2025.2, see candidateYAML)
// over a generated corpus of -diffcases lines (default 1 million), built once in memory before
// the timer starts. Reports ns/case and MB/s of corpus JSON.
//
//	go test -run '^$' -bench Diff1M -benchtime 3x ./sla/slatest
func BenchmarkDiff1M(b *testing.B) {
	var corpus bytes.Buffer
	t0 := time.Now()
	require.NoError(b, corpusgen.Write(&corpus, *diffBenchCases, 1, "B"))
	b.Logf("generated %d cases (%.1f MB) in %v", *diffBenchCases, float64(corpus.Len())/1e6, time.Since(t0).Round(time.Millisecond))
	old, cand := sla.Default(), candidatePolicy(b)
	data := corpus.Bytes()
	for _, workers := range []int{1, 0} {
		name := "workers=all"
		if workers == 1 {
			name = "workers=1"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU()
			var r *slatest.DiffResult
			for i := 0; i < b.N; i++ {
				var err error
				r, err = slatest.Diff(old, cand, bytes.NewReader(data), slatest.DiffOptions{Workers: workers, MaxChanged: 1000})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cpu := processCPU() - cpu0
			if r.Cases != *diffBenchCases || r.ErrorCount != 0 {
				b.Fatalf("diffed %d cases with %d errors, want %d and 0", r.Cases, r.ErrorCount, *diffBenchCases)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(r.Cases), "ns/case")
			if cpu > 0 {
				// CPU time of the whole process (all workers, GC) per case: stable when the
				// machine is shared, where wall time is not.
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(r.Cases), "cpu-ns/case")
			}
		})
	}
}
