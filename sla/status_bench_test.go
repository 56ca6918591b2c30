package sla

import (
	"math/rand"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/shixian-go/shixian/sla/deadline"
)

// lcBenchNow is the instant the batch benchmark computes every status at.
var lcBenchNow = lcT("2025-11-17 10:00")

// lcBenchCases generates n open cases with 2–6 events each, valid by
// construction (TestBenchCasesAreValid replays a sample): accepted at a
// random minute between 2025-10-27 and 2025-11-17 09:00 and classified at
// once (T1 30%, T3 50%, T10 20%); 40% transferred 30 minutes later; 20%
// paused 2 hours later and, for three quarters of those, resumed the next
// day; 10% extended by 5 working days 3 hours after acceptance. The events
// of all cases share one backing array.
func lcBenchCases(n int) []Case {
	rng := rand.New(rand.NewSource(1310))
	first := lcT("2025-10-27 00:00")
	span := int(lcT("2025-11-17 09:00").Sub(first) / time.Minute)
	tiers := [10]string{"T1", "T1", "T1", "T3", "T3", "T3", "T3", "T3", "T10", "T10"}
	units := [4]string{"社保中心", "劳动监察", "医保科", "就业中心"}
	ext := &deadline.Period{Count: 5, Unit: deadline.Workdays}
	pool := make([]Event, 0, n*6)
	cases := make([]Case, n)
	for i := range cases {
		at := first.Add(time.Duration(rng.Intn(span)) * time.Minute)
		from := len(pool)
		pool = append(pool,
			Event{Type: EventAccepted, At: at},
			Event{Type: EventClassified, At: at, Tier: tiers[rng.Intn(10)]})
		if rng.Intn(10) < 4 {
			pool = append(pool, Event{Type: EventTransferred, At: at.Add(30 * time.Minute), Unit: units[rng.Intn(4)]})
		}
		paused := rng.Intn(10) < 2
		if paused {
			pool = append(pool, Event{Type: EventPaused, At: at.Add(2 * time.Hour), Reason: "检验检测"})
		}
		if rng.Intn(10) == 0 {
			pool = append(pool, Event{Type: EventExtended, At: at.Add(3 * time.Hour), Length: ext, Approver: "王科长", Reason: "情况复杂"})
		}
		if paused && rng.Intn(4) > 0 {
			pool = append(pool, Event{Type: EventResumed, At: at.Add(24 * time.Hour)})
		}
		cases[i] = Case{ID: "B", PolicyID: "xinyu-1310", Events: pool[from:len(pool):len(pool)]}
	}
	return cases
}

var lcBenchMillion = sync.OnceValue(func() []Case { return lcBenchCases(1_000_000) })

func TestBenchCasesAreValid(t *testing.T) {
	p := Default()
	states := map[State]int{}
	for i, c := range lcBenchCases(3000) {
		if err := p.Validate(c); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		st, err := p.StatusAt(c, lcBenchNow)
		if err != nil {
			t.Fatal(err)
		}
		states[st.State]++
	}
	// The batch is a realistic mix, not one branch.
	for _, s := range []State{StateOnTrack, StateWarning, StateOverdue, StatePaused} {
		if states[s] == 0 {
			t.Errorf("no case in state %s: %v", s, states)
		}
	}
}

// BenchmarkStatusAt1M computes StatusAt for one million generated open cases
// per iteration (generated once, outside the timer). Run it on one core:
//
//	go test ./sla -run '^$' -bench StatusAt1M -benchmem -cpu 1 -count 5
//
// ns/op is per million cases; ns/case and s/1M-cases are reported too.
func BenchmarkStatusAt1M(b *testing.B) {
	p := Default()
	cases := lcBenchMillion()
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range cases {
			if _, err := p.StatusAt(cases[j], lcBenchNow); err != nil {
				b.Fatal(err)
			}
		}
	}
	per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(per/float64(len(cases)), "ns/case")
	b.ReportMetric(per/1e9, "s/1M-cases")

}

// BenchmarkStatusAt measures single cases of each shape.
func BenchmarkStatusAt(b *testing.B) {
	p := Default()
	ext := &deadline.Period{Count: 5, Unit: deadline.Workdays}
	shapes := []struct {
		name   string
		events []Event
	}{
		{"T3-open", []Event{lcAccepted("2025-11-13 10:00"), lcClassified("2025-11-13 10:00", "T3")}},
		{"T10-extended", []Event{lcAccepted("2025-11-03 10:00"), lcClassified("2025-11-03 10:00", "T10"),
			{Type: EventExtended, At: lcT("2025-11-05 10:00"), Length: ext, Approver: "a", Reason: "r"}}},
		{"T3-paused-resumed", []Event{lcAccepted("2025-11-12 10:00"), lcClassified("2025-11-12 10:00", "T3"), lcPaused("2025-11-13 10:00"), lcResumed("2025-11-14 10:00")}},
		{"T3-paused-open", []Event{lcAccepted("2025-11-12 10:00"), lcClassified("2025-11-12 10:00", "T3"), lcPaused("2025-11-13 10:00")}},
		{"T3-transferred-targets", []Event{lcAccepted("2025-11-13 10:00"), lcClassified("2025-11-13 10:00", "T3"), lcTransferred("2025-11-13 10:30", "社保中心")}},
		{"T1-closed", []Event{lcAccepted("2025-11-13 10:00"), lcClassified("2025-11-13 10:00", "T1"), lcClosed("2025-11-14 10:00")}},
	}
	for _, s := range shapes {
		c := Case{ID: "B", Events: s.events}
		if err := p.Validate(c); err != nil {
			b.Fatal(err)
		}
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := p.StatusAt(c, lcBenchNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkApply measures appending one event to a five-event case (the
// whole log is replayed and checked).
func BenchmarkApply(b *testing.B) {
	p := Default()
	c := Case{ID: "B", Events: []Event{lcAccepted("2025-11-12 10:00"), lcClassified("2025-11-12 10:00", "T3"),
		lcTransferred("2025-11-12 10:30", "社保中心"), lcPaused("2025-11-13 10:00"), lcResumed("2025-11-14 10:00")}}
	e := lcClosed("2025-11-17 10:00")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := p.Apply(c, e); err != nil {
			b.Fatal(err)
		}
	}
}
