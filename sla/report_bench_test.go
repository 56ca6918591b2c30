package sla

import (
	"fmt"
	"math/rand"
	"runtime"
	"testing"
	"time"

	"github.com/shixian-go/shixian/calendar"
)

// benchReportCases generates n cases of the default policy accepted during
// 2025, with a mix of tiers (60% T1, 30% T3, 10% T10), transfers (30%),
// closes on time and late (about 75% closed), visits, reopenings and open
// cases, 2–7 events each. The events are built directly (valid by
// construction; a sample is checked with Validate) so that generating a
// million cases takes seconds. Attribute maps are shared between cases to
// keep the corpus near 1 GB; the Reporter only reads them.
func benchReportCases(n int) []Case {
	rng := rand.New(rand.NewSource(20251001))
	cst := calendar.CST()
	yes, no := true, false
	depts := []string{"社保科", "劳动关系科", "就业科", "人才科", "工伤科", "医保科", "办公室", ""}
	handlers := make([]string, 50)
	for i := range handlers {
		handlers[i] = fmt.Sprintf("经办人%02d", i)
	}
	units := []string{"区社保中心", "劳动监察大队", "就业服务中心", "仲裁院"}
	var attrs []map[string]string
	for _, ch := range []string{"window", "hotline_12333", "hotline_12345", "online", "letter"} {
		attrs = append(attrs, map[string]string{"channel": ch})
	}
	start := time.Date(2025, 1, 2, 8, 0, 0, 0, cst)
	cases := make([]Case, n)
	for i := range cases {
		tier := "T1"
		switch r := rng.Intn(10); {
		case r >= 9:
			tier = "T10"
		case r >= 6:
			tier = "T3"
		}
		at := start.Add(time.Duration(rng.Intn(355*24*60)) * time.Minute)
		evs := make([]Event, 0, 7)
		evs = append(evs, Event{Type: EventAccepted, At: at}, Event{Type: EventClassified, At: at, Tier: tier, Rule: "bench"})
		if rng.Intn(10) < 3 {
			at = at.Add(time.Duration(rng.Intn(120)+1) * time.Minute)
			evs = append(evs, Event{Type: EventTransferred, At: at, Unit: units[rng.Intn(len(units))]})
		}
		if rng.Intn(4) > 0 {
			// Closed after 1 hour to ~16 days: mostly on time, some late.
			at = at.Add(time.Duration(rng.Intn(16*24)+1) * time.Hour)
			evs = append(evs, Event{Type: EventClosed, At: at})
			if rng.Intn(5) == 0 {
				at = at.Add(time.Duration(rng.Intn(48)+1) * time.Hour)
				sat := &yes
				if rng.Intn(5) == 0 {
					sat = &no
				}
				evs = append(evs, Event{Type: EventVisited, At: at, Satisfied: sat})
				if sat == &no && rng.Intn(2) == 0 {
					at = at.Add(time.Hour)
					evs = append(evs, Event{Type: EventReopened, At: at, Reason: "回访不满意"})
					if rng.Intn(2) == 0 {
						at = at.Add(time.Duration(rng.Intn(72)+1) * time.Hour)
						evs = append(evs, Event{Type: EventClosed, At: at})
					}
				}
			}
		}
		cases[i] = Case{
			ID:         fmt.Sprintf("B%07d", i),
			PolicyID:   "xinyu-1310",
			Department: depts[rng.Intn(len(depts))],
			Handler:    handlers[rng.Intn(len(handlers))],
			Attributes: attrs[rng.Intn(len(attrs))],
			Events:     evs,
		}
	}
	return cases
}

func TestBenchReportCasesAreValid(t *testing.T) {
	p := Default()
	for _, c := range benchReportCases(2000) {
		if err := p.Validate(c); err != nil {
			t.Fatalf("generated case is not a valid history: %v", err)
		}
	}
}

// BenchmarkReport1M streams a million cases through a Reporter. The period is
// the whole of 2025 so that every case is counted (StatusAt, grouping,
// histogram, overdue list): the worst case for a period report. One op is
// the whole million; ns/case is the figure to read. Run with
//
//	go test -run '^$' -bench BenchmarkReport1M -benchmem -cpu 1 ./sla
func BenchmarkReport1M(b *testing.B) {
	// A benchmark with sub-benchmarks runs its body once, so the corpus is
	// built once, before any sub-benchmark's timer starts.
	cases := benchReportCases(1_000_000)
	// Collect the garbage of the generation now, so that the first timed run
	// does not pay for it.
	runtime.GC()
	p := Default()
	cst := calendar.CST()
	now := time.Date(2026, 1, 5, 12, 0, 0, 0, cst)
	// Baseline: StatusAt alone over the same corpus, so that the Reporter's
	// own cost is the difference.
	b.Run("baseline/StatusAt-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i := range cases {
				if _, err := p.StatusAt(cases[i], now); err != nil {
					b.Fatal(err)
				}
			}
		}
		perCase := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(len(cases))
		b.ReportMetric(perCase, "ns/case")
		b.ReportMetric(perCase*1e6/1e9, "s/1M-cases")
	})
	for _, tc := range []struct {
		name   string
		bucket BucketBy
		group  string
		from   time.Time
		to     time.Time
	}{
		{"accepted/by=department/year", BucketAccepted, GroupByDepartment, time.Date(2025, 1, 1, 0, 0, 0, 0, cst), time.Date(2025, 12, 31, 0, 0, 0, 0, cst)},
		{"due/by=tier/year", BucketDue, GroupByTier, time.Date(2025, 1, 1, 0, 0, 0, 0, cst), time.Date(2026, 1, 31, 0, 0, 0, 0, cst)},
		{"closed/by=handler/year", BucketClosed, GroupByHandler, time.Date(2025, 1, 1, 0, 0, 0, 0, cst), time.Date(2026, 1, 31, 0, 0, 0, 0, cst)},
		// A weekly report over the same corpus: most cases fall outside the
		// week and are skipped before StatusAt.
		{"accepted/by=unit/week", BucketAccepted, GroupByUnit, time.Date(2025, 9, 29, 0, 0, 0, 0, cst), time.Date(2025, 10, 5, 0, 0, 0, 0, cst)},
	} {
		opts := ReportOptions{From: tc.from, To: tc.to, GroupBy: tc.group, Bucket: tc.bucket, Now: now, OverdueLimit: 1000}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var rep Report
			for b.Loop() {
				r, err := p.NewReporter(opts)
				if err != nil {
					b.Fatal(err)
				}
				for i := range cases {
					if err := r.Add(cases[i]); err != nil {
						b.Fatal(err)
					}
				}
				rep = r.Report()
			}
			if rep.Total.Accepted+rep.Skipped != len(cases) {
				b.Fatalf("counted %d + skipped %d != %d", rep.Total.Accepted, rep.Skipped, len(cases))
			}
			perCase := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(len(cases))
			b.ReportMetric(perCase, "ns/case")
			b.ReportMetric(perCase*1e6/1e9, "s/1M-cases")
			b.ReportMetric(float64(rep.Total.Accepted), "counted")
		})
	}
}
