package sla_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

func benchRequests() map[string]sla.Request {
	return map[string]sla.Request{
		"workdays=10":          {Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(10)},
		"workdays=10/pauses=3": {Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(10), Pauses: []sla.Pause{corePause(coreAt(2025, 10, 9, 10, 0), coreAt(2025, 10, 10, 10, 0)), corePause(coreAt(2025, 10, 14, 10, 0), coreAt(2025, 10, 16, 10, 0)), corePause(coreAt(2025, 10, 15, 10, 0), coreAt(2025, 10, 17, 10, 0))}},
		"workdays=3+ext=10":    {Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(3), Extensions: []sla.Period{coreWD(10)}},
		"days=60":              {Start: coreAt(2025, 9, 30, 17, 0), Period: sla.Period{Count: 60, Unit: sla.Days}},
		"workhours=36":         {Start: coreAt(2025, 9, 30, 17, 0), Period: sla.Period{Count: 36, Unit: sla.Workhours}},
	}
}

// TestComputeDueAllocatesNothing pins the zero-allocation promise of the fast
// path for day-based periods with at most 8 pauses.
func TestComputeDueAllocatesNothing(t *testing.T) {
	cal := calendar.Default()
	c := sla.DefaultCounting()
	for name, r := range benchRequests() {
		if r.Period.Unit == sla.Workhours {
			continue
		}
		_, _, _, err := sla.ComputeDue(cal, c, r)
		require.NoError(t, err)
		n := testing.AllocsPerRun(50, func() { _, _, _, _ = sla.ComputeDue(cal, c, r) })
		assert.Zero(t, n, name)
	}
}

func BenchmarkComputeDue(b *testing.B) {
	cal := calendar.Default()
	c := sla.DefaultCounting()
	for _, name := range []string{"workdays=10", "workdays=10/pauses=3", "workdays=3+ext=10", "days=60", "workhours=36"} {
		r := benchRequests()[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, _, err := sla.ComputeDue(cal, c, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkComputeDeadline(b *testing.B) {
	cal := calendar.Default()
	c := sla.DefaultCounting()
	for _, name := range []string{"workdays=10", "workdays=10/pauses=3", "workdays=3+ext=10", "days=60", "workhours=36"} {
		r := benchRequests()[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sla.ComputeDeadline(cal, c, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRickarWorkdaysFrom is the peer: rickar/cal's WorkdaysFrom with the
// same calendar data, for the 10-working-day case without pauses (what
// ComputeDue/workdays=10 computes, minus conventions and Due).
func BenchmarkRickarWorkdaysFrom(b *testing.B) {
	bc := calendar.Default().BusinessCalendar()
	start := coreAt(2025, 9, 30, 17, 0)
	b.ReportAllocs()
	for b.Loop() {
		_ = bc.WorkdaysFrom(start, 10)
	}
}
