package main

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shixian-go/shixian/sla"
)

// Bounds of the analysis's query parameters: the library refuses more, and a refusal should
// name the parameter.
const (
	maxReportTopKeys = 8
)

// runAnalysis answers GET /report?period=week|month&from=DATE: the weekly analysis (每周一分析)
// or monthly dispatch (每月一调度) of the ISO week or month containing from, over the cases of
// every version (each judged by its own; periods and the ranking formula are the latest
// version's). Optional: rank=handler|unit, top=KEY,KEY, top_n, trend, by, bucket, now,
// overdue_limit, format=json|csv|md|svg. `to` is refused: the period decides the end.
func (s *Server) runAnalysis(w http.ResponseWriter, r *http.Request, day time.Time) *apiError {
	q := r.URL.Query()
	kind, err := sla.ParsePeriodKind(q.Get("period"))
	if err != nil {
		return &apiError{Error: err.Error(), Field: "period"}
	}
	if q.Has("to") {
		return &apiError{Error: "to is not used with period: the period is the ISO week or month containing from", Field: "to"}
	}
	now, e := s.nowParam(r)
	if e != nil {
		return e
	}
	opts := sla.AnalysisOptions{Kind: kind, Day: day, Now: now, GroupBy: q.Get("by")}
	if b := q.Get("bucket"); b != "" {
		if opts.Bucket, err = sla.ParseBucketBy(b); err != nil {
			return &apiError{Error: err.Error(), Field: "bucket"}
		}
	}
	if v := q.Get("top"); v != "" {
		keys := strings.Split(v, ",")
		if len(keys) > maxReportTopKeys {
			return &apiError{Error: fmt.Sprintf("top lists %d keys (at most %d)", len(keys), maxReportTopKeys), Field: "top"}
		}
		for _, k := range keys {
			opts.Top = append(opts.Top, strings.TrimSpace(k))
		}
	}
	// The ranges the library accepts (0 = its default), checked here so that a refusal names
	// the parameter without reading the library's message.
	for _, p := range []struct {
		name     string
		dst      *int
		min, max int
	}{{"top_n", &opts.TopN, 1, 100}, {"trend", &opts.Trend, 2, 53}, {"overdue_limit", &opts.OverdueLimit, 0, 1 << 20}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < p.min || n > p.max {
				return &apiError{Error: fmt.Sprintf("%s %q is not a whole number from %d to %d", p.name, v, p.min, p.max), Field: p.name}
			}
			*p.dst = n
		}
	}
	hist := s.holder.Current()
	switch rank := q.Get("rank"); rank {
	case "":
	case "handler", "unit":
		if _, ok := hist.Latest().Ranking(); !ok {
			return &apiError{Error: fmt.Sprintf("policy %s %s declares no ranking formula (ranking: {score: …}) to rank by", hist.ID(), hist.Latest().Version()), Field: "rank"}
		}
		opts.Rank = rank
	default:
		return &apiError{Error: fmt.Sprintf("rank %q is not handler or unit", rank), Field: "rank"}
	}
	format := q.Get("format")
	switch format {
	case "":
		format = "json"
	case "json", "csv", "md", "svg":
	default:
		return &apiError{Error: fmt.Sprintf("format %q is not json, csv, md or svg", format), Field: "format"}
	}

	an, err := hist.NewAnalyzer(opts)
	if err != nil {
		if !errors.Is(err, sla.ErrInvalid) {
			s.fault(w, r, err)
			return nil
		}
		// What is left for the library to refuse is a group key, of `by` or of `top`: ask it
		// again without the top keys to tell which.
		field := "by"
		if len(opts.Top) > 0 {
			if _, byErr := hist.NewAnalyzer(sla.AnalysisOptions{Kind: opts.Kind, Day: opts.Day, GroupBy: opts.GroupBy}); byErr == nil {
				field = "top"
			}
		}
		return &apiError{Error: err.Error(), Field: field}
	}
	if !s.feedCases(w, r, hist, an.Add) {
		return nil
	}
	a := an.Analysis()
	s.writeReport(w, r, format, reportBody{value: a, csv: a.WriteCSV, md: a.WriteMarkdown, svg: a.WriteSVG})
	return nil
}
