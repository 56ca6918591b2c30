// Package corpusgen writes deterministic synthetic corpora of past cases (JSON lines in the
// slatest.CorpusCase shape) for the policy-diff examples, tests and benchmarks. The same seed
// and size always give the same bytes, on every platform.
package corpusgen

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/shixian-go/shixian/calendar"
)

// Write writes n cases with ids prefix-000001… accepted during 2025 (every day of the year,
// weekends and the National Day holiday included, times 00:00–23:59 weighted to office hours).
func Write(w io.Writer, n int, seed uint64, prefix string) error {
	// Rough shares of a hotline's year for the 1310 causes: most cases are simple.
	causes := []struct {
		name   string
		weight int
	}{
		{"unclear_request", 22}, {"incomplete_materials", 25}, {"other_objective", 13},
		{"complex", 14}, {"staff_capability", 5}, {"improper_method", 4},
		{"historical_legacy", 9}, {"policy_bottleneck", 8},
	}
	categories := []string{"wage_arrears", "unemployment_benefit", "pension", "labour_dispute", "social_insurance_transfer", "medical_insurance", "employment_service"}
	channels := []string{"window", "hotline_12333", "hotline_12345", "online", "letter"}
	cst := calendar.CST()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	bw := bufio.NewWriterSize(w, 64<<10)
	total := 0
	for _, c := range causes {
		total += c.weight
	}
	start := time.Date(2025, 1, 2, 0, 0, 0, 0, cst)
	buf := make([]byte, 0, 256)
	for i := 1; i <= n; i++ {
		day := start.AddDate(0, 0, rng.IntN(363))
		var minute int
		if rng.IntN(10) < 8 {
			minute = 8*60 + rng.IntN(10*60) // 08:00–17:59
		} else {
			minute = rng.IntN(24 * 60)
		}
		at := day.Add(time.Duration(minute) * time.Minute)
		k := rng.IntN(total)
		cause := causes[0].name
		for _, c := range causes {
			if k < c.weight {
				cause = c.name
				break
			}
			k -= c.weight
		}
		applicant := "person"
		if rng.IntN(5) == 0 {
			applicant = "enterprise"
		}
		buf = buf[:0]
		buf = append(buf, `{"id":"`...)
		buf = append(buf, prefix...)
		buf = append(buf, '-')
		id := strconv.Itoa(i)
		for j := len(id); j < 6; j++ {
			buf = append(buf, '0')
		}
		buf = append(buf, id...)
		buf = append(buf, `","accepted":"`...)
		buf = at.AppendFormat(buf, time.RFC3339)
		buf = append(buf, `","input":{"cause":"`...)
		buf = append(buf, cause...)
		buf = append(buf, `","category":"`...)
		buf = append(buf, categories[rng.IntN(len(categories))]...)
		buf = append(buf, `","channel":"`...)
		buf = append(buf, channels[rng.IntN(len(channels))]...)
		buf = append(buf, `","applicant":"`...)
		buf = append(buf, applicant...)
		buf = append(buf, `","tags":[`...)
		switch rng.IntN(12) {
		case 0:
			buf = append(buf, `"cross_department"`...)
		case 1:
			buf = append(buf, `"group_case"`...)
		case 2:
			buf = append(buf, `"cross_department","group_case"`...)
		}
		buf = append(buf, "]}}\n"...)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}
