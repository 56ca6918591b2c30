package sla

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
)

// PeriodKind is the length of an analysis period: the office's weekly analysis (每周一分析) or
// monthly dispatch (每月一调度).
type PeriodKind string

// Period kinds.
const (
	PeriodWeek  PeriodKind = "week"  // an ISO 8601 week, Monday to Sunday, named 2025-W41
	PeriodMonth PeriodKind = "month" // a calendar month, named 2025-10
)

// ParsePeriodKind parses "week" or "month" (surrounding spaces and letter case are ignored).
func ParsePeriodKind(s string) (PeriodKind, error) {
	switch k := PeriodKind(strings.ToLower(strings.TrimSpace(s))); k {
	case PeriodWeek, PeriodMonth:
		return k, nil
	}
	return "", diag.Errorf("sla", "invalid period %q (want week or month)", s)
}

// Period is one analysis period: civil dates From and To, both inclusive, at 00:00 in the
// calendar's location.
type Period struct {
	Kind     PeriodKind `json:"kind"`
	Name     string     `json:"name"` // "2025-W41" (ISO week) or "2025-10"
	From, To time.Time
}

// PeriodContaining returns the period of kind that contains day's civil date in loc.
func PeriodContaining(kind PeriodKind, day time.Time, loc *time.Location) Period {
	y, m, d := day.In(loc).Date()
	if kind == PeriodMonth {
		from := time.Date(y, m, 1, 0, 0, 0, 0, loc)
		to := time.Date(y, m+1, 0, 0, 0, 0, 0, loc)
		return Period{Kind: kind, Name: fmt.Sprintf("%04d-%02d", y, int(m)), From: from, To: to}
	}
	date := time.Date(y, m, d, 0, 0, 0, 0, loc)
	back := (int(date.Weekday()) + 6) % 7 // days since Monday
	from := time.Date(y, m, d-back, 0, 0, 0, 0, loc)
	to := time.Date(y, m, d-back+6, 0, 0, 0, 0, loc)
	iy, iw := date.ISOWeek()
	return Period{Kind: PeriodWeek, Name: fmt.Sprintf("%04d-W%02d", iy, iw), From: from, To: to}
}

// Previous returns the period before p, of the same kind.
func (p Period) Previous() Period {
	return PeriodContaining(p.Kind, p.From.AddDate(0, 0, -1), p.From.Location())
}

// end is 00:00 of the day after To.
func (p Period) end() time.Time {
	y, m, d := p.To.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, p.To.Location())
}

// AnalysisOptions select a weekly or monthly analysis.
type AnalysisOptions struct {
	Kind PeriodKind // week or month
	// Day is any instant whose civil date (in the calendar's location) is in the period.
	Day time.Time
	// Now is the analysis's as-of instant (截至); zero means the end of the period (00:00 of
	// the day after it). Earlier periods are each taken as they stood at their own end (or at
	// Now, if earlier), so last week's figures do not move when this week is analysed.
	Now time.Time
	// Bucket is the 统计口径 (which date puts a case in a period); zero means BucketAccepted.
	Bucket BucketBy
	// GroupBy groups the period's rows as ReportOptions.GroupBy; zero means GroupByTier.
	GroupBy string
	// Top lists the keys of the top tables (ReportOptions.GroupBy syntax): which causes and
	// categories recur (举一反三). Nil means tier, input:cause and input:category.
	Top []string
	// TopN is how many values each top table lists (the most frequent); 0 means 10, at most 100.
	TopN int
	// Rank is "", "handler" or "unit": rank them by the policy's ranking formula.
	Rank string
	// Trend is how many periods the trend covers, the current one included; 0 means 8, at
	// most 53.
	Trend int
	// OverdueLimit bounds the current period's overdue list as ReportOptions.OverdueLimit.
	OverdueLimit int
}

// TopEntry is one value of a top table: the cases in the period with it, how many of them are
// late in their current cycle (closed late or open and overdue), and the same count for the
// previous period.
type TopEntry struct {
	Value     string  `json:"value"`
	Cases     int     `json:"cases"`
	Late      int     `json:"late"`
	LateShare float64 `json:"late_share"` // Late / Cases
	Previous  int     `json:"previous"`   // cases with the value in the previous period
	// Row is the value's full report row in the period.
	Row ReportRow `json:"row"`
}

// TopTable lists the most frequent values of one key, most cases first (ties by value).
type TopTable struct {
	By      string     `json:"by"`
	Entries []TopEntry `json:"entries"`
	Others  int        `json:"others"` // cases whose value is not listed
}

// RankEntry is one handler or unit in a ranking.
type RankEntry struct {
	Rank  int       `json:"rank"` // 1-based; equal scores share a rank
	Group string    `json:"group"`
	Score float64   `json:"score"` // NaN when the formula gives no finite number (listed last)
	Row   ReportRow `json:"row"`
}

// RankingResult is the ranking of an analysis: by handler or unit, with the formula used.
type RankingResult struct {
	By      string      `json:"by"`
	Label   string      `json:"label"`
	Formula string      `json:"formula"`
	Entries []RankEntry `json:"entries"`
}

// TrendPoint is the on-time rate of one period of the trend.
type TrendPoint struct {
	Period       Period  `json:"period"`
	Rated        int     `json:"rated"`
	ClosedOnTime int     `json:"closed_on_time"`
	OnTimeRate   float64 `json:"on_time_rate"` // 0 when Rated is 0
	// Row is the period's total row.
	Row ReportRow `json:"row"`
}

// Analysis is a weekly analysis or monthly dispatch: the period's report beside the previous
// period's, the top causes and categories, the trend of the on-time rate and, when asked, a
// ranking.
type Analysis struct {
	Period   Period `json:"period"`
	Previous Period `json:"previous"`
	// Basis says in words which cases count in a period (统计口径) and as of when.
	Basis    string         `json:"basis"`
	Current  Report         `json:"current"`
	Before   Report         `json:"before"`
	Top      []TopTable     `json:"top"`
	Trend    []TrendPoint   `json:"trend"`
	Ranking  *RankingResult `json:"ranking,omitempty"`
	PolicyID string         `json:"policy_id"`
}

// Analyzer accumulates cases into an analysis one at a time, like Reporter (streaming; memory
// O(groups), not O(cases)). Each case's status is computed once per instant it is judged at —
// the current period's as-of instant, and the end of each earlier period it falls in — and
// shared by every table judged at that instant. NOT safe for concurrent use.
type Analyzer struct {
	p       *Policy  // the policy, or a History's latest version
	h       *History // set for History.NewAnalyzer
	opts    AnalysisOptions
	period  Period
	cur     *Reporter
	prev    *Reporter
	tops    []*Reporter
	topPrev []*Reporter
	trend   []*Reporter
	rank    *Reporter
	// The statuses of the case being added, by instant: the reports judged at one instant
	// share one StatusAt.
	cache []cachedStatus
}

type cachedStatus struct {
	now time.Time
	st  Status
	err error
}

// statusOf is StatusAt through the cache of the case being added.
// Every report of the analysis judges a case by the same version (p), so the instant is the
// whole key.
func (a *Analyzer) statusOf(p *Policy, c *Case, now time.Time) (Status, error) {
	for i := range a.cache {
		if a.cache[i].now.Equal(now) {
			return a.cache[i].st, a.cache[i].err
		}
	}
	st, err := p.StatusAt(*c, now)
	a.cache = append(a.cache, cachedStatus{now: now, st: st, err: err})
	return st, err
}

// NewAnalyzer returns an empty Analyzer. Errors: an unknown Kind, a zero Day, a Rank other than
// handler or unit (or a Rank when the policy declares no ranking), TopN or Trend out of range,
// and the errors of NewReporter.
func (p *Policy) NewAnalyzer(opts AnalysisOptions) (*Analyzer, error) {
	if p == nil {
		return nil, diag.Errorf("sla", "analysis: nil policy")
	}
	return newAnalyzer(p, nil, opts)
}

// NewAnalyzer returns an empty Analyzer over cases of any versions of the history: each case
// is judged by the version in effect at its acceptance (as History.NewReporter does), and
// every table — the period, the previous one, the top tables, the trend and the ranking — has
// one set of totals over all of them, so a week that spans a version switch is one analysis.
// Periods, the order of tier rows, the supervision levels and rating grades listed first,
// and the ranking formula are the latest version's: the ranking is the office's current
// yardstick, applied to every handler or unit alike (a Rank when the latest version declares
// no ranking is an error, even if an earlier one did). Errors are Policy.NewAnalyzer's.
func (h *History) NewAnalyzer(opts AnalysisOptions) (*Analyzer, error) {
	if h == nil || len(h.versions) == 0 {
		return nil, diag.Errorf("sla", "analysis: nil history")
	}
	return newAnalyzer(h.Latest(), h, opts)
}

func newAnalyzer(p *Policy, h *History, opts AnalysisOptions) (*Analyzer, error) {
	kind, err := ParsePeriodKind(string(opts.Kind))
	if err != nil {
		return nil, diag.Errorf("sla", "analysis: %w", err)
	}
	opts.Kind = kind
	if opts.Day.IsZero() {
		return nil, diag.Errorf("sla", "analysis: Day is required (any date in the period)")
	}
	switch {
	case opts.TopN == 0:
		opts.TopN = 10
	case opts.TopN < 0 || opts.TopN > 100:
		return nil, diag.Errorf("sla", "analysis: TopN %d is outside 1..100", opts.TopN)
	}
	switch {
	case opts.Trend == 0:
		opts.Trend = 8
	case opts.Trend < 2 || opts.Trend > 53:
		return nil, diag.Errorf("sla", "analysis: Trend %d is outside 2..53", opts.Trend)
	}
	if opts.Top == nil {
		opts.Top = []string{GroupByTier, GroupByInputPrefix + "cause", GroupByInputPrefix + "category"}
	}
	if len(opts.Top) > 8 {
		return nil, diag.Errorf("sla", "analysis: %d top tables (at most 8)", len(opts.Top))
	}
	if opts.GroupBy == "" {
		opts.GroupBy = GroupByTier
	}
	loc := p.Calendar().Location()
	a := &Analyzer{p: p, h: h, opts: opts, period: PeriodContaining(kind, opts.Day, loc)}
	if opts.Now.IsZero() {
		a.opts.Now = a.period.end()
	}
	now := a.opts.Now
	// The current period is taken at Now; an earlier one at its own end, or at Now if that is
	// earlier.
	asOf := func(q Period) time.Time {
		if e := q.end(); e.Before(now) && q.From.Before(a.period.From) {
			return e
		}
		return now
	}
	newRep := func(q Period, group string, limit int) (*Reporter, error) {
		ro := ReportOptions{From: q.From, To: q.To, GroupBy: group, Bucket: opts.Bucket, Now: asOf(q), OverdueLimit: limit}
		if h != nil {
			return h.NewReporter(ro)
		}
		return p.NewReporter(ro)
	}
	if a.cur, err = newRep(a.period, opts.GroupBy, opts.OverdueLimit); err != nil {
		return nil, diag.Errorf("sla", "analysis: %w", err)
	}
	prev := a.period.Previous()
	if a.prev, err = newRep(prev, opts.GroupBy, 1); err != nil {
		return nil, diag.Errorf("sla", "analysis: %w", err)
	}
	for _, key := range opts.Top {
		r, err := newRep(a.period, key, 1)
		if err != nil {
			return nil, diag.Errorf("sla", "analysis: top %q: %w", key, err)
		}
		rp, _ := newRep(prev, key, 1)
		a.tops, a.topPrev = append(a.tops, r), append(a.topPrev, rp)
	}
	q := a.period
	for i := 1; i < opts.Trend; i++ {
		q = q.Previous()
	}
	for i := 0; i < opts.Trend; i++ {
		r, err := newRep(q, "", 1)
		if err != nil {
			return nil, diag.Errorf("sla", "analysis: %w", err)
		}
		a.trend = append(a.trend, r)
		q = PeriodContaining(kind, q.end(), loc)
	}
	switch opts.Rank {
	case "":
	case GroupByHandler, GroupByUnit:
		if p.ranking == nil {
			return nil, diag.Errorf("sla", "analysis: ranking by %s needs the policy's ranking formula (ranking: {score: …}), and policy %s %s declares none", opts.Rank, p.ID(), p.Version())
		}
		if a.rank, err = newRep(a.period, opts.Rank, 1); err != nil {
			return nil, diag.Errorf("sla", "analysis: %w", err)
		}
	default:
		return nil, diag.Errorf("sla", "analysis: invalid Rank %q (want handler or unit)", opts.Rank)
	}
	for _, r := range a.reporters() {
		r.statusOf = a.statusOf
	}
	return a, nil
}

// reporters lists every report the analysis feeds.
func (a *Analyzer) reporters() []*Reporter {
	reps := make([]*Reporter, 0, 3+2*len(a.tops)+len(a.trend))
	reps = append(reps, a.cur, a.prev)
	reps = append(reps, a.tops...)
	reps = append(reps, a.topPrev...)
	reps = append(reps, a.trend...)
	if a.rank != nil {
		reps = append(reps, a.rank)
	}
	return reps
}

// Add counts one case in every period and table it belongs to. Errors are Reporter.Add's
// (errors.Is(err, ErrInvalid)); a
// case refused anywhere is counted nowhere, so the Analyzer can go on with the next case.
func (a *Analyzer) Add(c Case) error {
	reps := a.reporters()
	a.cache = a.cache[:0]
	defer func() { clear(a.cache); a.cache = a.cache[:0] }()
	pending := make([]pendingAdd, len(reps))
	for i, r := range reps {
		if err := r.prepare(&c, &pending[i]); err != nil {
			return invalid(err) // as Reporter.Add: every error is the caller's
		}
	}
	for i, r := range reps {
		r.commit(&pending[i])
	}
	return nil
}

// basis says which cases count, in words (统计口径).
func (a *Analyzer) basis() string {
	var which string
	switch a.cur.opts.Bucket {
	case BucketDue:
		which = "cases whose deadline's last day falls in the period (按到期日统计)"
	case BucketClosed:
		which = "cases closed in the period (按办结日统计)"
	default:
		which = "cases accepted in the period (按受理日统计)"
	}
	return which + "; each period as it stood at its end (the current one at " +
		a.opts.Now.In(a.p.Calendar().Location()).Format("2006-01-02 15:04 MST") +
		"); a case is late when its current cycle closed late or is open past its deadline; on-time rate = closed on time ÷ (closed + open and late)"
}

// Analysis returns the analysis of the cases added so far.
func (a *Analyzer) Analysis() Analysis {
	out := Analysis{
		Period: a.period, Previous: a.period.Previous(), Basis: a.basis(),
		Current: a.cur.Report(), Before: a.prev.Report(), PolicyID: a.p.ID(),
	}
	for i, r := range a.tops {
		out.Top = append(out.Top, topTable(a.opts.Top[i], r.Report(), a.topPrev[i].Report(), a.opts.TopN))
	}
	for _, r := range a.trend {
		t := r.Report().Total
		q := PeriodContaining(a.period.Kind, r.opts.From, r.opts.From.Location())
		out.Trend = append(out.Trend, TrendPoint{Period: q, Rated: t.Rated, ClosedOnTime: t.ClosedOnTime, OnTimeRate: t.OnTimeRate, Row: t})
	}
	if a.rank != nil {
		out.Ranking = rankRows(a.opts.Rank, a.p.ranking, a.rank.Report().Rows)
	}
	return out
}

func topTable(by string, cur, prev Report, n int) TopTable {
	before := make(map[string]int, len(prev.Rows))
	for _, r := range prev.Rows {
		before[r.Group] = r.Accepted
	}
	t := TopTable{By: by, Entries: []TopEntry{}}
	rows := slices.Clone(cur.Rows)
	slices.SortStableFunc(rows, func(x, y ReportRow) int {
		if x.Accepted != y.Accepted {
			return y.Accepted - x.Accepted
		}
		return strings.Compare(x.Group, y.Group)
	})
	for i, r := range rows {
		if i >= n {
			t.Others += r.Accepted
			continue
		}
		late := r.ClosedLate + r.OpenOverdue
		t.Entries = append(t.Entries, TopEntry{Value: r.Group, Cases: r.Accepted, Late: late, LateShare: ratio(late, r.Accepted), Previous: before[r.Group], Row: r})
	}
	return t
}

func rankRows(by string, k *Ranking, rows []ReportRow) *RankingResult {
	res := &RankingResult{By: by, Label: k.Label, Formula: k.Score, Entries: make([]RankEntry, 0, len(rows))}
	for i := range rows {
		res.Entries = append(res.Entries, RankEntry{Group: rows[i].Group, Score: k.score(&rows[i]), Row: rows[i]})
	}
	slices.SortStableFunc(res.Entries, func(x, y RankEntry) int {
		xn, yn := math.IsNaN(x.Score), math.IsNaN(y.Score)
		switch {
		case xn != yn:
			if xn {
				return 1
			}
			return -1
		case !xn && x.Score != y.Score:
			if x.Score > y.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(x.Group, y.Group)
	})
	for i := range res.Entries {
		e := &res.Entries[i]
		e.Rank = i + 1
		if i > 0 {
			if p := res.Entries[i-1]; p.Score == e.Score || math.IsNaN(p.Score) && math.IsNaN(e.Score) {
				e.Rank = p.Rank
			}
		}
	}
	return res
}

// Analysis computes an analysis in one call (NewAnalyzer, Add, Analysis).
func (p *Policy) Analysis(cases []Case, opts AnalysisOptions) (Analysis, error) {
	a, err := p.NewAnalyzer(opts)
	return analyzeAll(a, err, cases)
}

// Analysis computes an analysis of cases of any versions in one call (History.NewAnalyzer,
// Add, Analysis); the first failing case aborts with its error. cases are read, never
// modified.
func (h *History) Analysis(cases []Case, opts AnalysisOptions) (Analysis, error) {
	a, err := h.NewAnalyzer(opts)
	return analyzeAll(a, err, cases)
}

func analyzeAll(a *Analyzer, err error, cases []Case) (Analysis, error) {
	if err != nil {
		return Analysis{}, err
	}
	for i := range cases {
		if err := a.Add(cases[i]); err != nil {
			return Analysis{}, err
		}
	}
	return a.Analysis(), nil
}
