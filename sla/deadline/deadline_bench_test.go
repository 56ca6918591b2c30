package deadline_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla/deadline"
)

func benchRequests() map[string]deadline.Request {
	return map[string]deadline.Request{
		"workdays=10":          {Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(10)},
		"workdays=10/pauses=3": {Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(10), Pauses: []deadline.Pause{corePause(coreAt(2025, 10, 9, 10, 0), coreAt(2025, 10, 10, 10, 0)), corePause(coreAt(2025, 10, 14, 10, 0), coreAt(2025, 10, 16, 10, 0)), corePause(coreAt(2025, 10, 15, 10, 0), coreAt(2025, 10, 17, 10, 0))}},
		"workdays=3+ext=10":    {Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(3), Extensions: []deadline.Period{coreWD(10)}},
		"days=60":              {Start: coreAt(2025, 9, 30, 17, 0), Period: deadline.Period{Count: 60, Unit: deadline.Days}},
		"workhours=36":         {Start: coreAt(2025, 9, 30, 17, 0), Period: deadline.Period{Count: 36, Unit: deadline.Workhours}},
	}
}

// TestDeadlineAllocatesNothing pins the zero-allocation promise of a
// deadline without explanation for day-based periods with at most 8 pauses.
func TestDeadlineAllocatesNothing(t *testing.T) {
	k, err := deadline.New(calendar.Default(), deadline.DefaultCounting())
	require.NoError(t, err)
	for name, r := range benchRequests() {
		if r.Period.Unit == deadline.Workhours {
			continue
		}
		_, err := k.Deadline(r)
		require.NoError(t, err)
		n := testing.AllocsPerRun(50, func() { _, _ = k.Deadline(r) })
		assert.Zero(t, n, name)
	}
}

// BenchmarkDeadline is a deadline without explanation (Counter built once).
func BenchmarkDeadline(b *testing.B) {
	k, err := deadline.New(calendar.Default(), deadline.DefaultCounting())
	require.NoError(b, err)
	for _, name := range []string{"workdays=10", "workdays=10/pauses=3", "workdays=3+ext=10", "days=60", "workhours=36"} {
		r := benchRequests()[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Deadline(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDeadlineExplained is a deadline with its explanation.
func BenchmarkDeadlineExplained(b *testing.B) {
	k, err := deadline.New(calendar.Default(), deadline.DefaultCounting())
	require.NoError(b, err)
	for _, name := range []string{"workdays=10", "workdays=10/pauses=3", "workdays=3+ext=10", "days=60", "workhours=36"} {
		r := benchRequests()[name]
		r.Explain = true
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Deadline(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRickarWorkdaysFrom is the peer: rickar/cal's WorkdaysFrom with the
// same calendar data, for the 10-working-day case without pauses (what
// Deadline/workdays=10 computes, minus conventions and Due).
func BenchmarkRickarWorkdaysFrom(b *testing.B) {
	bc := calendar.Default().BusinessCalendar()
	start := coreAt(2025, 9, 30, 17, 0)
	b.ReportAllocs()
	for b.Loop() {
		_ = bc.WorkdaysFrom(start, 10)
	}
}
