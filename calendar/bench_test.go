package calendar

import (
	"strconv"
	"testing"
	"time"
)

// Benchmarks compare this package with rickar/cal's BusinessCalendar built
// from the same data (the BusinessCalendar adapter answers through
// WorkdayFunc), measured in the same run. Pairs sort together:
// BenchmarkX/.../shixian and BenchmarkX/.../rickar.
//
//	go test -run '^$' -bench . -benchmem ./calendar

// benchStarts are 1024 instants spread over 2024–2026 (a different date and
// time of day each), the dates a portal computes deadlines for: cases
// accepted recently. Neither side answers the same date over and over.
func benchStarts() []time.Time {
	out := make([]time.Time, 1024)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, CST())
	for i := range out {
		out[i] = base.AddDate(0, 0, (i*397)%(3*365)).Add(time.Duration(i*7919%86400) * time.Second)
	}
	return out
}

func BenchmarkIsWorkday(b *testing.B) {
	c := Default()
	bc := c.BusinessCalendar()
	starts := benchStarts()
	b.Run("shixian", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_, err := c.IsWorkday(starts[i&1023])
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rickar", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = bc.IsWorkday(starts[i&1023])
		}
	})
}

func BenchmarkAddWorkdays(b *testing.B) {
	c := Default()
	bc := c.BusinessCalendar()
	starts := benchStarts()
	for _, n := range []int{1, 3, 10, 250} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			b.Run("shixian", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					_, err := c.AddWorkdays(starts[i&1023], n)
					if err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("rickar", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					_ = bc.WorkdaysFrom(starts[i&1023], n)
				}
			})
		})
	}
}

func BenchmarkWorkdaysBetween(b *testing.B) {
	c := Default()
	bc := c.BusinessCalendar()
	starts := benchStarts()
	for _, span := range []struct {
		name  string
		years int
	}{{"1y", 1}, {"10y", 10}} {
		ends := make([]time.Time, len(starts))
		for i, s := range starts {
			ends[i] = s.AddDate(span.years, 0, 0)
		}
		b.Run(span.name, func(b *testing.B) {
			b.Run("shixian", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					_, err := c.WorkdaysBetween(starts[i&1023], ends[i&1023])
					if err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("rickar", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					_ = bc.WorkdaysInRange(starts[i&1023], ends[i&1023])
				}
			})
		})
	}
}

func BenchmarkCertainty(b *testing.B) {
	c := Default()
	starts := benchStarts()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, err := c.Certainty(starts[i&1023], starts[(i+1)&1023])
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	ov := Override{Date: time.Date(2025, 3, 3, 0, 0, 0, 0, CST()), Kind: Holiday, Source: "bench"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, err := Default().Derive(WithOverrides(ov))
		if err != nil {
			b.Fatal(err)
		}
	}
}
