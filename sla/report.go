package sla

import (
	"container/heap"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shixian-go/shixian/internal/clip"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/sla/deadline"
)

// BucketBy is the date that places a case in a report's period (统计口径).
type BucketBy string

// Bucketing rules.
const (
	// BucketAccepted places a case by the civil date of its first acceptance
	// (受理): "cases received this week".
	BucketAccepted BucketBy = "accepted"
	// BucketDue places a case by the civil date of the last day of its current
	// cycle's deadline as shown, extensions included (Status.LastDay): "cases
	// falling due this week". Cases without a deadline at Now (unclassified,
	// or suspended by an open pause) have no bucket date.
	BucketDue BucketBy = "due"
	// BucketClosed places a case by the civil date its current cycle was
	// closed (办结): "cases closed this week". Open cases (including reopened
	// ones) have no bucket date.
	BucketClosed BucketBy = "closed"
)

// ParseBucketBy parses "accepted", "due" or "closed" (surrounding spaces and
// letter case are ignored).
func ParseBucketBy(s string) (BucketBy, error) {
	switch b := BucketBy(strings.ToLower(strings.TrimSpace(s))); b {
	case BucketAccepted, BucketDue, BucketClosed:
		return b, nil
	}
	return "", diag.Errorf("sla", "invalid bucket %q (want accepted, due or closed)", s)
}

// Group keys accepted by ReportOptions.GroupBy. Besides these, "attr:NAME"
// groups by Case.Attributes[NAME], and "" puts every case in one group named
// GroupAll.
const (
	GroupByTier       = "tier"       // the current tier at Now (Status.Tier)
	GroupByDepartment = "department" // Case.Department (承办科室)
	GroupByUnit       = "unit"       // the unit of the latest transfer at or before Now (承办单位)
	GroupByHandler    = "handler"    // Case.Handler (经办人)
	GroupByAttrPrefix = "attr:"      // prefix of an attribute key, e.g. "attr:channel"
	// GroupByInputPrefix is the prefix of a classification input field, e.g. "input:cause":
	// the value given at acceptance (the first accepted event's input); a list's items are
	// joined with ", " in their order.
	GroupByInputPrefix = "input:"
)

// Group names with a special meaning.
const (
	GroupAll   = "all"    // the single group when GroupBy is ""
	GroupNone  = "(none)" // the group of cases whose grouping value is empty
	GroupTotal = "TOTAL"  // the name of the total row (Report.Total)
)

// ReportOptions select the cases of a report and how they are grouped.
type ReportOptions struct {
	// From and To are civil dates in the policy calendar's location, both
	// INCLUSIVE (a week is Monday..Sunday). Only their dates are used; the
	// time of day is ignored. A case is in the period when its bucket date
	// falls in [From, To].
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// GroupBy is "tier", "department", "unit", "handler", "attr:NAME", "input:NAME" or ""
	// (one group, GroupAll). Cases with an empty value go to GroupNone.
	GroupBy string `json:"group_by"`
	// Bucket is the bucketing rule; the zero value means BucketAccepted.
	Bucket BucketBy `json:"bucket"`
	// Now is the report's instant ("as of", 截至): the status of every case is
	// computed at Now and events after Now are ignored. Required: the library
	// never reads the wall clock.
	Now time.Time `json:"now"`
	// OverdueLimit bounds Report.Overdue to the OverdueLimit most overdue
	// items (ties broken by case id), keeping a streaming report's memory
	// bounded; 0 means no limit. Report.OverdueTotal still counts them all.
	OverdueLimit int `json:"overdue_limit"`
}

// ReportRow holds the figures of one group. Counts are numbers of cases in
// the period; working days are measured on the policy calendar.
//
// A case's counting is by its current cycle at Now (a reopened case counts as
// the cycle it is in): it is exactly one of ClosedOnTime, ClosedLate and
// Open, so Accepted == ClosedOnTime + ClosedLate + Open.
type ReportRow struct {
	Group string `json:"group"`
	// Accepted is the number of cases in the period (bucketed by the
	// report's rule, so under BucketDue it counts cases falling due).
	Accepted int `json:"accepted"`
	// ClosedOnTime: the current cycle was closed strictly before its Due (按期办结).
	ClosedOnTime int `json:"closed_on_time"`
	// ClosedLate: the current cycle was closed at or after its Due (超期办结).
	ClosedLate int `json:"closed_late"`
	// Open: the current cycle is not closed at Now (在办), paused and
	// unclassified cases included.
	Open int `json:"open"`
	// OpenOverdue: open cases whose current cycle is late at Now (在办超期).
	OpenOverdue int `json:"open_overdue"`
	// Rated is the denominator of OnTimeRate: ClosedOnTime + ClosedLate +
	// OpenOverdue. Open cases that are not yet late have no verdict and are
	// left out.
	Rated int `json:"rated"`
	// OnTimeRate (按期办结率) is ClosedOnTime / Rated, in [0, 1]; 0 when Rated
	// is 0 (renderers show "—" then, never a rate).
	OnTimeRate float64 `json:"on_time_rate"`
	// AvgWorkdaysToClose is the mean, over closed cases, of the working days
	// from the start of the current cycle (the acceptance, or the latest
	// reopening) exclusive to the close date inclusive (calendar
	// WorkdaysBetween, the same counting as 民法典 art. 201: the start day
	// does not count). 0 when no case is closed.
	AvgWorkdaysToClose float64 `json:"avg_workdays_to_close"`
	// P90WorkdaysToClose is the nearest-rank 90th percentile of the same
	// values: the smallest v such that at least 90% of closed cases took v
	// working days or fewer. 0 when no case is closed.
	P90WorkdaysToClose int `json:"p90_workdays_to_close"`
	// OverdueWorkdays is the sum of Status.OverdueDays over the late cases
	// (closed late: up to the close; open overdue: up to Now).
	OverdueWorkdays int `json:"overdue_workdays"`
	// EverLate counts cases late in this or an earlier cycle (Status.EverLate);
	// ClosedLate+OpenOverdue count this cycle only.
	EverLate int `json:"ever_late"`
	// Reopened counts cases with at least one reopening (重新办理) at or before Now.
	Reopened int `json:"reopened"`
	// Visited counts cases with at least one follow-up visit (回访) at or before Now.
	Visited int `json:"visited"`
	// Satisfied counts visited cases whose latest visit was satisfied.
	Satisfied int `json:"satisfied"`
	// SatisfactionRate (满意率) is Satisfied / Visited; 0 when Visited is 0.
	SatisfactionRate float64 `json:"satisfaction_rate"`
	// The closed loop (report_loop.go): cases returned (退回) at least once,
	// cases with a supervised event (督办), and cases whose current cycle
	// reached a supervision level.
	Returned           int `json:"returned"`
	Supervised         int `json:"supervised"`
	SupervisionReached int `json:"supervision_reached"`
}

// Closed returns ClosedOnTime + ClosedLate.
func (r ReportRow) Closed() int { return r.ClosedOnTime + r.ClosedLate }

// OverdueItem is one entry of the overdue list (超期清单).
type OverdueItem struct {
	CaseID     string `json:"case_id"`
	Group      string `json:"group"`
	Tier       string `json:"tier"`
	Department string `json:"department"`
	Unit       string `json:"unit"`
	Handler    string `json:"handler"`
	// Due is the exclusive instant of the deadline the current cycle is
	// judged by (Status.JudgedDue: without a late extension, which leaves a
	// case late), in the calendar's location; LastDay (Status.JudgedLastDay)
	// is 00:00 of its last day, from which OverdueDays is counted.
	Due     time.Time `json:"due,omitzero"`
	LastDay time.Time `json:"last_day,omitzero"`
	// OverdueDays is Status.OverdueDays: working days overdue (closed late:
	// up to the close; open: up to Now).
	OverdueDays int `json:"overdue_workdays"`
	// State is StateClosedLate for a closed case, else the open state at Now
	// (normally StateOverdue; StatePaused when paused after falling due).
	State State `json:"state"`
}

// Report is the result of a report run. It is a value: its slices belong to
// the caller.
type Report struct {
	// Options are the options used, with defaults filled in and From/To at
	// 00:00 of their civil dates in the calendar's location.
	Options         ReportOptions `json:"options"`
	PolicyID        string        `json:"policy_id"`
	PolicyVersion   string        `json:"policy_version"`
	CalendarVersion string        `json:"calendar_version"`
	// Calendar is the calendar's name, e.g. "CN".
	Calendar string `json:"calendar"`
	// Rows are the groups that have at least one case in the period: tiers
	// in the policy's order when grouped by tier, otherwise by Group (byte
	// order); groups without a value ("(none)") and tiers the policy does not
	// declare come after the declared tiers.
	Rows []ReportRow `json:"rows"`
	// Total is the row over all cases in the period; its Group is GroupTotal.
	Total ReportRow `json:"total"`
	// Overdue lists the closed-late and open-overdue cases in the period, most
	// overdue first, then by case id; at most Options.OverdueLimit items when
	// that is set.
	Overdue []OverdueItem `json:"overdue"`
	// OverdueTotal is the number of overdue items before OverdueLimit.
	OverdueTotal int `json:"overdue_total"`
	// Skipped counts the cases added but outside the period: bucket date
	// outside [From, To], no bucket date, or accepted after Now.
	Skipped int `json:"skipped"`
	// Undated is the part of Skipped that had no bucket date (open cases
	// under BucketClosed; unclassified or suspended cases under BucketDue).
	Undated int `json:"undated"`
	// Loop are the closed-loop figures: returns per unit, supervision, applicant-caused
	// pauses and ratings.
	Loop LoopCounts `json:"loop"`
}

// denseHist is how many working days to close a group's histogram keeps in
// a slice; the rare longer values (years) go to a map, so that one stray case
// cannot make every group's histogram large.
const denseHist = 512

// groupAcc accumulates one group. Percentiles come from an exact histogram of
// working days to close, so memory is O(distinct close times), not O(cases).
type groupAcc struct {
	row      ReportRow
	closeSum int64
	hist     []int64       // hist[d]: closed cases that took d < denseHist working days
	tail     map[int]int64 // the same for d >= denseHist
}

// MaxReportGroups bounds the rows of one report, and with them a Reporter's
// memory: a report is read by people, and grouping a year of cases by a
// field that is unique per case (a free-text attribute, say) would otherwise
// hold every case. A case that would open one group more is an error.
const MaxReportGroups = 10000

// Reporter accumulates cases into a report one at a time (streaming). Memory
// is O(groups + overdue list), not O(cases), with at most MaxReportGroups
// groups (each key at most MaxTextBytes). A Reporter is NOT safe for
// concurrent use: feed it from one goroutine (or merge several reports'
// inputs upstream). The Policy it was made from is shared and not modified.
type Reporter struct {
	p        *Policy
	hist     history // set for a History's reporter (history_report.go)
	opts     ReportOptions
	attr     string // attribute name when grouping by attribute
	key      string // GroupBy without the attribute name
	start    time.Time
	end      time.Time // exclusive: 00:00 of the day after To
	groups   map[string]*groupAcc
	total    groupAcc
	overdue  overdueHeap
	nOverdue int
	skipped  int
	undated  int
	loop     loopAcc // report_loop.go
	// statusOf, when set, computes the statuses in place of Policy.StatusAt: an Analyzer
	// shares one status per case and instant among its reports.
	// It is given the version that judges the case.
	statusOf func(p *Policy, c *Case, now time.Time) (Status, error)
}

// NewReporter returns an empty Reporter for opts. Errors: nil policy; zero
// From, To or Now; To before From; an unknown Bucket or GroupBy; a negative
// OverdueLimit.
func (p *Policy) NewReporter(opts ReportOptions) (*Reporter, error) {
	if p == nil {
		return nil, diag.Errorf("sla", "report: nil policy")
	}
	if opts.From.IsZero() || opts.To.IsZero() {
		return nil, diag.Errorf("sla", "report: From and To are required (civil dates, both inclusive)")
	}
	if opts.Now.IsZero() {
		return nil, diag.Errorf("sla", "report: Now is required (the report's as-of instant; the wall clock is never read)")
	}
	if opts.Bucket == "" {
		opts.Bucket = BucketAccepted
	} else {
		b, err := ParseBucketBy(string(opts.Bucket))
		if err != nil {
			return nil, diag.Errorf("sla", "report: Bucket: %w", err)
		}
		opts.Bucket = b
	}
	if opts.OverdueLimit < 0 {
		return nil, diag.Errorf("sla", "report: OverdueLimit %d is negative (0 means no limit)", opts.OverdueLimit)
	}
	r := &Reporter{p: p, groups: make(map[string]*groupAcc)}
	switch g := opts.GroupBy; {
	case g == "", g == GroupByTier, g == GroupByDepartment, g == GroupByUnit, g == GroupByHandler:
		r.key = g
	case strings.HasPrefix(g, GroupByAttrPrefix) && len(g) > len(GroupByAttrPrefix):
		r.key, r.attr = GroupByAttrPrefix, g[len(GroupByAttrPrefix):]
	case strings.HasPrefix(g, GroupByInputPrefix) && len(g) > len(GroupByInputPrefix):
		r.key, r.attr = GroupByInputPrefix, g[len(GroupByInputPrefix):]
	default:
		return nil, diag.Errorf("sla", "report: invalid GroupBy %q (want tier, department, unit, handler, attr:NAME, input:NAME or empty)", g)
	}
	cal := p.Calendar()
	opts.From = cal.StartOfDay(opts.From)
	opts.To = cal.StartOfDay(opts.To)
	if opts.To.Before(opts.From) {
		return nil, diag.Errorf("sla", "report: To %s is before From %s", opts.To.Format(time.DateOnly), opts.From.Format(time.DateOnly))
	}
	r.start = opts.From
	// The next civil day, computed from the date so that a zone with DST
	// would still land on its midnight.
	y, m, d := opts.To.Date()
	r.end = cal.StartOfDay(time.Date(y, m, d+1, 12, 0, 0, 0, opts.To.Location()))
	r.opts = opts
	return r, nil
}

// caseFacts is what Add reads from a case's events up to Now, in one pass.
type caseFacts struct {
	accepted   time.Time // first acceptance
	cycleStart time.Time // latest acceptance or reopening
	closed     time.Time // latest close of the current cycle
	unit       string
	reopened   bool
	visited    bool
	satisfied  bool // of the latest visit
}

func scanEvents(c *Case, now time.Time) (caseFacts, bool) {
	var f caseFacts
	for i := range c.Events {
		e := &c.Events[i]
		if e.At.After(now) {
			break // events are in non-decreasing order; later ones do not exist yet at Now
		}
		switch e.Type {
		case EventAccepted:
			if f.accepted.IsZero() {
				f.accepted = e.At
			}
			f.cycleStart = e.At
		case EventReopened:
			f.reopened = true
			f.cycleStart = e.At
			f.closed = time.Time{}
		case EventClosed:
			f.closed = e.At
		case EventTransferred:
			f.unit = e.Unit
		case EventVisited:
			f.visited = true
			f.satisfied = e.Satisfied != nil && *e.Satisfied
		}
	}
	return f, !f.accepted.IsZero()
}

// add counts one case for Add (history_report.go, which marks every error as
// the caller's). The case is read, never modified. Errors name the
// case and leave the Reporter unchanged: an empty id, a case governed by
// another policy (a non-empty PolicyID different from the policy's ID), no
// acceptance event, a StatusAt error, a calendar error, and text the
// Reporter would keep beyond the bounds Apply enforces (the id, department,
// handler and attributes of the case and the unit of its latest transfer
// longer than MaxIDBytes or MaxTextBytes, more than MaxAttributes
// attributes, invalid UTF-8), so that a report's memory stays bounded
// whatever the caller built (checked for the cases counted). A case whose first
// event is after Now, or whose bucket date is outside the period, is counted
// in Skipped; under BucketAccepted such cases are not otherwise validated.
func (r *Reporter) add(c Case) error {
	var a pendingAdd
	if err := r.prepare(&c, &a); err != nil {
		return err
	}
	r.commit(&a)
	return nil
}

// pendingAdd is what prepare found about a case and commit counts.
type pendingAdd struct {
	c             *Case
	p             *Policy // the version judging the case
	skip, undated bool
	group         string
	st            Status
	f             caseFacts
	closed, late  bool
	toClose       int
	lf            loopFacts
}

// prepare does all of Add that can fail, changing nothing; commit counts the case. An
// Analyzer prepares a case in each of its reporters before committing it to any, so that a
// case refused by one is counted by none.
func (r *Reporter) prepare(cp *Case, a *pendingAdd) error {
	c := *cp
	a.c = cp
	if c.ID == "" {
		return diag.Errorf("sla", "report: case with an empty id")
	}
	if err := checkID(c.ID); err != nil {
		// Checked first: the errors below name the case by its id.
		return diag.Errorf("sla", "report: %w", err)
	}
	if c.PolicyID != "" && c.PolicyID != r.p.ID() {
		return diag.Errorf("sla", "report: case %s is governed by policy %q, not %q", c.ID, c.PolicyID, r.p.ID())
	}
	now := r.opts.Now
	// A weekly report over a large store skips most cases: decide those from
	// the first event alone, before reading the rest of the log.
	if r.opts.Bucket == BucketAccepted && len(c.Events) > 0 && c.Events[0].Type == EventAccepted {
		if at := c.Events[0].At; at.After(now) || !r.inPeriod(at) {
			a.skip = true
			return nil
		}
	}
	f, ok := scanEvents(&c, now)
	if !ok {
		if len(c.Events) > 0 && c.Events[0].Type == EventAccepted && c.Events[0].At.After(now) {
			a.skip = true // accepted after the report's instant: it does not exist yet
			return nil
		}
		return diag.Errorf("sla", "report: case %s has no accepted event", c.ID)
	}

	if r.opts.Bucket == BucketAccepted && !r.inPeriod(f.accepted) {
		a.skip = true
		return nil
	}
	p, err := r.policyOf(&c)
	if err != nil {
		return diag.Errorf("sla", "report: %w", err)
	}
	var st Status
	if r.statusOf != nil {
		st, err = r.statusOf(p, cp, now)
	} else {
		st, err = p.StatusAt(c, now)
	}
	if err != nil {
		return diag.Errorf("sla", "report: %w", err) // StatusAt's errors name the case
	}
	closed := st.State == StateClosedOnTime || st.State == StateClosedLate
	if closed && !st.Closed.IsZero() {
		f.closed = st.Closed
	}
	var bucket time.Time
	switch r.opts.Bucket {
	case BucketDue:
		bucket = st.LastDay
	case BucketClosed:
		if closed {
			bucket = f.closed
		}
	default:
		bucket = f.accepted
	}
	if bucket.IsZero() {
		a.skip, a.undated = true, true
		return nil
	}
	if !r.inPeriod(bucket) {
		a.skip = true
		return nil
	}
	// Only the text of a counted case is kept, so only a counted case is
	// checked.
	if err := checkCaseText(&c); err != nil {
		return diag.Errorf("sla", "report: %w", err)
	}
	if msg := textProblem(f.unit, MaxTextBytes); msg != "" {
		return diag.Errorf("sla", "report: case %s: unit %s", c.ID, msg)
	}
	toClose := -1
	if closed {
		n, err := p.Calendar().WorkdaysBetween(f.cycleStart, f.closed)
		if err != nil {
			return diag.Errorf("sla", "report: case %s: working days to close: %w", c.ID, err)
		}
		toClose = max(n, 0)
	}

	lf, err := r.scanLoop(p, &c, now)
	if err != nil {
		return err
	}
	f.satisfied = lf.satisfied(p) // on the rating scale of the version judging the case

	group := r.groupOf(&c, &st, &f)
	if msg := textProblem(group, MaxTextBytes); msg != "" {
		return diag.Errorf("sla", "report: case %s: group %s", c.ID, msg)
	}
	g := r.groups[group]
	if g == nil && len(r.groups) >= MaxReportGroups {
		return diag.Errorf("sla", "report: case %s would open group %d (%s), more than the %d a report holds: group by something coarser",
			c.ID, len(r.groups)+1, clip.Quote(group), MaxReportGroups)
	}
	// On time iff closed strictly before the judged Due (the
	// end of the last day at 24:00, 民法典 art. 203); StatusAt decides it, and
	// an extension requested after the deadline leaves the cycle late
	// (行政许可法 art. 42 with the 限时办结 rule, LateExtensionOverdue).
	late := false
	switch {
	case st.State == StateClosedLate:
		late = true
	case closed:
	default:
		// An open case is late when it has passed its Due in this cycle, even
		// if it has since been paused (a pause after the deadline does not
		// rescue it) or got a late extension under LateExtensionOverdue.
		late = st.State == StateOverdue || st.CycleLate
	}
	a.p, a.group, a.st, a.f, a.closed, a.late, a.toClose, a.lf = p, group, st, f, closed, late, toClose, lf
	return nil
}

// commit counts a prepared case. Nothing here fails: the Reporter changes
// only for a case that is counted (or skipped).
func (r *Reporter) commit(a *pendingAdd) {
	if a.skip {
		r.skipped++
		if a.undated {
			r.undated++
		}
		return
	}
	c, st, f, group := a.c, &a.st, &a.f, a.group
	r.hist.judged(a.p)
	g := r.groups[group]
	if g == nil {
		g = &groupAcc{row: ReportRow{Group: group}}
		r.groups[group] = g
	}
	for _, acc := range [2]*groupAcc{g, &r.total} {
		acc.count(st, f, a.closed, a.late, a.toClose)
	}
	r.countLoop(a.p, c, st, &a.lf, &g.row, &r.total.row)
	if a.late {
		r.nOverdue++
		r.pushOverdue(OverdueItem{
			CaseID:      c.ID,
			Group:       group,
			Tier:        st.Tier,
			Department:  c.Department,
			Unit:        f.unit,
			Handler:     c.Handler,
			Due:         st.JudgedDue,
			LastDay:     st.JudgedLastDay,
			OverdueDays: st.OverdueDays,
			State:       st.State,
		})
	}
}

func (a *groupAcc) count(st *Status, f *caseFacts, closed, late bool, toClose int) {
	row := &a.row
	row.Accepted++
	switch {
	case closed && late:
		row.ClosedLate++
	case closed:
		row.ClosedOnTime++
	default:
		row.Open++
		if late {
			row.OpenOverdue++
		}
	}
	if late {
		row.OverdueWorkdays += st.OverdueDays
	}
	if st.EverLate || late {
		row.EverLate++
	}
	if f.reopened {
		row.Reopened++
	}
	if f.visited {
		row.Visited++
		if f.satisfied {
			row.Satisfied++
		}
	}
	switch {
	case toClose < 0:
	case toClose < denseHist:
		a.closeSum += int64(toClose)
		if toClose >= len(a.hist) {
			a.hist = append(a.hist, make([]int64, toClose+1-len(a.hist))...)
		}
		a.hist[toClose]++
	default:
		a.closeSum += int64(toClose)
		if a.tail == nil {
			a.tail = make(map[int]int64)
		}
		a.tail[toClose]++
	}
}

func (r *Reporter) inPeriod(t time.Time) bool {
	return !t.Before(r.start) && t.Before(r.end)
}

func (r *Reporter) groupOf(c *Case, st *Status, f *caseFacts) string {
	var v string
	switch r.key {
	case "":
		return GroupAll
	case GroupByTier:
		v = st.Tier
	case GroupByDepartment:
		v = c.Department
	case GroupByUnit:
		v = f.unit
	case GroupByHandler:
		v = c.Handler
	case GroupByInputPrefix:
		v = inputValue(c, r.attr)
	default:
		v = c.Attributes[r.attr]
	}
	if v == "" {
		return GroupNone
	}
	return v
}

// inputValue is the classification input field name of c's first acceptance, as text.
func inputValue(c *Case, name string) string {
	for i := range c.Events {
		e := &c.Events[i]
		if e.Type != EventAccepted {
			continue
		}
		switch v := e.Input[name].(type) {
		case nil:
			return ""
		case string:
			return v
		case []any:
			parts := make([]string, 0, len(v))
			for _, x := range v {
				parts = append(parts, fmt.Sprint(x))
			}
			return strings.Join(parts, ", ")
		default:
			return fmt.Sprint(v)
		}
	}
	return ""
}

// moreOverdue orders the overdue list: most overdue first, then by case id.
func moreOverdue(a, b *OverdueItem) bool {
	if a.OverdueDays != b.OverdueDays {
		return a.OverdueDays > b.OverdueDays
	}
	return a.CaseID < b.CaseID
}

// overdueHeap keeps the least overdue item at the root so that, under an
// OverdueLimit, it is the one evicted.
type overdueHeap []OverdueItem

func (h overdueHeap) Len() int           { return len(h) }
func (h overdueHeap) Less(i, j int) bool { return moreOverdue(&h[j], &h[i]) }
func (h overdueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *overdueHeap) Push(x any)        { *h = append(*h, x.(OverdueItem)) }
func (h *overdueHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

func (r *Reporter) pushOverdue(it OverdueItem) {
	limit := r.opts.OverdueLimit
	switch {
	case limit == 0:
		r.overdue = append(r.overdue, it) // unbounded: sorted once in Report
	case len(r.overdue) < limit:
		heap.Push(&r.overdue, it)
	case moreOverdue(&it, &r.overdue[0]):
		r.overdue[0] = it
		heap.Fix(&r.overdue, 0)
	}
}

// Report returns the report of the cases added so far. It does not change the
// Reporter: more cases may be added and Report called again.
func (r *Reporter) Report() Report {
	cal := r.p.Calendar()
	rep := Report{
		Options:         r.opts,
		PolicyID:        r.p.ID(),
		PolicyVersion:   r.policyVersion(),
		CalendarVersion: cal.Version(),
		Calendar:        cal.Name(),
		Rows:            make([]ReportRow, 0, len(r.groups)),
		Total:           r.total.finish(),
		Overdue:         append(make([]OverdueItem, 0, len(r.overdue)), r.overdue...), // [] in JSON, not null
		OverdueTotal:    r.nOverdue,
		Skipped:         r.skipped,
		Undated:         r.undated,
		Loop:            r.loopCounts(),
	}
	rep.Total.Group = GroupTotal
	for _, g := range r.groups {
		rep.Rows = append(rep.Rows, g.finish())
	}
	// Tiers are listed in the policy's order (T1, T3, T10 rather than T1, T10, T3), as the
	// office reads them; other groups, and tiers the policy no longer has, by name.
	rank := func(group string) int { return len(r.p.tiers) }
	if r.key == GroupByTier {
		rank = func(group string) int {
			if i, ok := r.p.tierIndex[group]; ok {
				return i
			}
			return len(r.p.tiers)
		}
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		a, b := rank(rep.Rows[i].Group), rank(rep.Rows[j].Group)
		if a != b {
			return a < b
		}
		return rep.Rows[i].Group < rep.Rows[j].Group
	})
	sort.Slice(rep.Overdue, func(i, j int) bool { return moreOverdue(&rep.Overdue[i], &rep.Overdue[j]) })
	return rep
}

func (a *groupAcc) finish() ReportRow {
	row := a.row
	row.Rated = row.ClosedOnTime + row.ClosedLate + row.OpenOverdue
	row.OnTimeRate = ratio(row.ClosedOnTime, row.Rated)
	row.SatisfactionRate = ratio(row.Satisfied, row.Visited)
	if n := row.Closed(); n > 0 {
		row.AvgWorkdaysToClose = float64(a.closeSum) / float64(n)
		// Nearest rank: the ceil(0.9·n)-th smallest value.
		row.P90WorkdaysToClose = a.nearestRank(int64((9*n + 9) / 10))
	}
	return row
}

// nearestRank returns the rank-th smallest working days to close (1-based).
func (a *groupAcc) nearestRank(rank int64) int {
	seen := int64(0)
	for d, k := range a.hist {
		seen += k
		if seen >= rank {
			return d
		}
	}
	for _, d := range slices.Sorted(maps.Keys(a.tail)) {
		seen += a.tail[d]
		if seen >= rank {
			return d
		}
	}
	return 0
}

func ratio(num, den int) float64 {
	if den == 0 {
		return 0
	}
	return float64(num) / float64(den)
}

// Report computes the report of cases in one call (the batch form of
// NewReporter, Add and Report). The first failing case aborts with its error.
// cases are read, never modified.
func (p *Policy) Report(cases []Case, opts ReportOptions) (Report, error) {
	r, err := p.NewReporter(opts)
	return reportAll(r, err, cases)
}

// csvHeader is the contract of WriteCSV's first line.
var csvHeader = []string{
	"group", "accepted", "closed_on_time", "closed_late", "open", "open_overdue",
	"on_time_rate", "avg_workdays_to_close", "p90_workdays_to_close", "overdue_workdays",
	"reopened", "visited", "satisfied", "satisfaction_rate", "ever_late",
	"returned", "supervised", "supervision_reached",
}

// WriteCSV writes the rows and a final TOTAL row as RFC 4180 CSV with the
// header
//
//	group,accepted,closed_on_time,closed_late,open,open_overdue,on_time_rate,avg_workdays_to_close,p90_workdays_to_close,overdue_workdays,reopened,visited,satisfied,satisfaction_rate,ever_late,returned,supervised,supervision_reached
//
// The columns are a contract read by position, so new columns are only ever
// appended: ever_late (ReportRow.EverLate, late in this or an earlier cycle)
// came after satisfaction_rate for that reason, and the closed loop's
// returned, supervised and supervision_reached (ReportRow.Returned,
// Supervised, SupervisionReached) after it. The report-wide closed-loop
// figures (returns per unit, cases per supervision level and rating grade)
// are not per group: WriteLoopCSV writes them.
// closed_late and open_overdue count this cycle only. The overdue list is a
// separate table (WriteOverdueCSV), since its rows are cases, not groups.
// Rates are fractions with 4 decimals ("0.8750"); the average has 2 decimals.
// A rate whose denominator is 0, and the average and p90 when no case is
// closed, are empty fields (not applicable), never 0. The last row is always
// named TOTAL (GroupTotal); a group that is itself named "TOTAL" is not
// renamed, so read the total from the last row. A group name a spreadsheet
// would run as a formula (starting with = + - @, a tab or a carriage return)
// is written with a leading single quote; the figures never are.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	total := r.Total
	total.Group = GroupTotal // also for a zero Report
	rec := make([]string, len(csvHeader))
	for _, row := range append(append([]ReportRow(nil), r.Rows...), total) {
		closed := row.Closed()
		rec = rec[:0]
		rec = append(rec,
			csvText(row.Group),
			strconv.Itoa(row.Accepted),
			strconv.Itoa(row.ClosedOnTime),
			strconv.Itoa(row.ClosedLate),
			strconv.Itoa(row.Open),
			strconv.Itoa(row.OpenOverdue),
			fixedOrEmpty(row.OnTimeRate, 4, row.Rated > 0),
			fixedOrEmpty(row.AvgWorkdaysToClose, 2, closed > 0),
			intOrEmpty(row.P90WorkdaysToClose, closed > 0),
			strconv.Itoa(row.OverdueWorkdays),
			strconv.Itoa(row.Reopened),
			strconv.Itoa(row.Visited),
			strconv.Itoa(row.Satisfied),
			fixedOrEmpty(row.SatisfactionRate, 4, row.Visited > 0),
			strconv.Itoa(row.EverLate),
			strconv.Itoa(row.Returned),
			strconv.Itoa(row.Supervised),
			strconv.Itoa(row.SupervisionReached),
		)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// overdueCSVHeader is the contract of WriteOverdueCSV's first line.
var overdueCSVHeader = []string{
	"case_id", "group", "tier", "department", "unit", "handler", "due", "last_day", "overdue_workdays", "state",
}

// WriteOverdueCSV writes the overdue list (超期清单, Report.Overdue) as RFC
// 4180 CSV with the header
//
//	case_id,group,tier,department,unit,handler,due,last_day,overdue_workdays,state
//
// one row per item in the report's order (most overdue first, then by case
// id). due is the exclusive instant of the judged deadline in RFC 3339 in the
// calendar's location (a last day ending at 24:00 is written as 00:00 of the
// next day, 民法典 art. 203); last_day is its last day, YYYY-MM-DD;
// overdue_workdays is OverdueItem.OverdueDays; state is the State string
// (closed_late, overdue, paused). Both date fields are empty when not set.
// Text cells that a spreadsheet would run as a formula (starting with = + -
// @, a tab or a carriage return) are written with a leading single quote, as
// in WriteCSV.
// Only the header is written for an empty list. When Options.OverdueLimit cut
// the list, only the kept items are written; compare len(Overdue) with
// OverdueTotal to tell.
func (r Report) WriteOverdueCSV(w io.Writer) error {
	loc := r.Options.From.Location()
	cw := csv.NewWriter(w)
	if err := cw.Write(overdueCSVHeader); err != nil {
		return err
	}
	rec := make([]string, 0, len(overdueCSVHeader))
	for _, it := range r.Overdue {
		due, lastDay := "", ""
		if !it.Due.IsZero() {
			due = it.Due.In(loc).Format(time.RFC3339)
		}
		if !it.LastDay.IsZero() {
			lastDay = it.LastDay.In(loc).Format(time.DateOnly)
		}
		rec = append(rec[:0], csvText(it.CaseID), csvText(it.Group), csvText(it.Tier), csvText(it.Department),
			csvText(it.Unit), csvText(it.Handler), due, lastDay, strconv.Itoa(it.OverdueDays), csvText(string(it.State)))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvText neutralises a text cell that a spreadsheet would run as a formula
// (CSV injection): a cell starting with '=', '+', '-', '@', a tab or a
// carriage return gets a single quote in front, which spreadsheets show as
// text and hide (the OWASP recommendation). The full-width forms ＝ ＋ － ＠
// are treated the same: no real id or name starts with one, and a Chinese
// input method types them easily. Only text from the cases (ids, groups,
// tiers, departments, units, handlers) and names pass through here; numbers
// the library computes are written as they are, so that a spreadsheet reads
// them as numbers (a negative figure stays -3, not '-3). A program reading
// the CSV back drops one leading quote before any of these characters.
func csvText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	for _, p := range [...]string{"＝", "＋", "－", "＠"} {
		if strings.HasPrefix(s, p) {
			return "'" + s
		}
	}
	return s
}

func fixedOrEmpty(v float64, prec int, ok bool) string {
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

func intOrEmpty(v int, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.Itoa(v)
}

// dash is what Markdown shows for a figure without a denominator.
const dash = "—"

var bucketWords = map[BucketBy]string{
	BucketAccepted: "受理日期 acceptance date",
	BucketDue:      "到期日 last day of the deadline",
	BucketClosed:   "办结日期 close date",
}

// WriteMarkdown writes the report for people: a title with the period and the
// as-of instant (in the calendar's location), the report's provenance, a table
// with Chinese and English column labels (rates as percentages with one
// decimal, "—" where not applicable) ending in a bold total row, then
// "## 闭环 Closed loop" (Report.Loop: returns per unit, supervised cases,
// cases per supervision level, applicant-caused pauses, visits per grade),
// then "## 超期清单 Overdue", a table of the overdue list.
func (r Report) WriteMarkdown(w io.Writer) error {
	loc := r.Options.From.Location()
	var b strings.Builder
	fmt.Fprintf(&b, "# 时限办结报表 SLA report %s – %s\n\n",
		r.Options.From.Format(time.DateOnly), r.Options.To.Format(time.DateOnly))
	fmt.Fprintf(&b, "- 截至 As of: %s\n", r.Options.Now.In(loc).Format("2006-01-02 15:04 MST"))
	bucket := r.Options.Bucket
	if bucket == "" {
		bucket = BucketAccepted
	}
	words := bucketWords[bucket]
	if words == "" {
		words = string(bucket)
	}
	fmt.Fprintf(&b, "- 统计口径 Bucketed by: %s\n", mdCell(words))
	group := r.Options.GroupBy
	if group == "" {
		group = "(all cases)"
	}
	fmt.Fprintf(&b, "- 分组 Grouped by: %s\n", mdCell(group))
	fmt.Fprintf(&b, "- 政策 Policy: %s %s; 日历 Calendar: %s %s\n",
		mdCell(r.PolicyID), mdCell(r.PolicyVersion), mdCell(r.Calendar), mdCell(r.CalendarVersion))
	fmt.Fprintf(&b, "- 未计入 Skipped: %d (无统计日期 without a bucket date: %d)\n\n", r.Skipped, r.Undated)

	writeMDTable(&b, r.Rows, r.Total)
	writeMDLoop(&b, r.Loop)

	b.WriteString("\n## 超期清单 Overdue\n\n")
	writeMDOverdue(&b, r, loc)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMDOverdue writes the overdue list of a report, with a note when the list was cut.
func writeMDOverdue(b *strings.Builder, r Report, loc *time.Location) {
	if len(r.Overdue) == 0 {
		b.WriteString("无 None.\n")
		return
	}
	if r.OverdueTotal > len(r.Overdue) {
		fmt.Fprintf(b, "最超期的 %d 件，共 %d 件 The %d most overdue of %d.\n\n",
			len(r.Overdue), r.OverdueTotal, len(r.Overdue), r.OverdueTotal)
	}
	b.WriteString("| 案件 case | 分组 group | 类别 tier | 科室 department | 承办单位 unit | 经办人 handler " +
		"| 期限 due | 超期工作日 overdue days | 状态 state |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | ---: | --- |\n")
	for _, it := range r.Overdue {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %d | %s |\n",
			mdCell(it.CaseID), mdCell(it.Group), mdCell(it.Tier), mdCell(it.Department),
			mdCell(it.Unit), mdCell(it.Handler), dueString(it, loc), it.OverdueDays, mdCell(string(it.State)))
	}
}

// writeMDTable writes the group table of a report: a row per group and a bold total row.
func writeMDTable(b *strings.Builder, rows []ReportRow, total ReportRow) {
	b.WriteString("| 分组 group | 件数 cases | 按期办结 on time | 超期办结 late | 在办 open | 在办超期 open overdue " +
		"| 按期办结率 on-time | 平均办结工作日 avg days | P90办结工作日 p90 days | 超期工作日 overdue days " +
		"| 曾超期 ever late | 重新办理 reopened | 回访 visited | 满意 satisfied | 满意率 satisfaction " +
		"| 退回 returned | 督办 supervised | 达督办级别 supervision reached |\n")
	b.WriteString("| --- |" + strings.Repeat(" ---: |", 17) + "\n")
	for _, row := range rows {
		writeMDRow(b, mdCell(row.Group), row, false)
	}
	writeMDRow(b, "合计 TOTAL", total, true)
}

func writeMDRow(b *strings.Builder, label string, row ReportRow, bold bool) {
	cells := []string{
		strconv.Itoa(row.Accepted),
		strconv.Itoa(row.ClosedOnTime),
		strconv.Itoa(row.ClosedLate),
		strconv.Itoa(row.Open),
		strconv.Itoa(row.OpenOverdue),
		percentOrDash(row.OnTimeRate, row.Rated > 0),
		dashIfEmpty(fixedOrEmpty(row.AvgWorkdaysToClose, 2, row.Closed() > 0)),
		dashIfEmpty(intOrEmpty(row.P90WorkdaysToClose, row.Closed() > 0)),
		strconv.Itoa(row.OverdueWorkdays),
		strconv.Itoa(row.EverLate),
		strconv.Itoa(row.Reopened),
		strconv.Itoa(row.Visited),
		strconv.Itoa(row.Satisfied),
		percentOrDash(row.SatisfactionRate, row.Visited > 0),
		strconv.Itoa(row.Returned),
		strconv.Itoa(row.Supervised),
		strconv.Itoa(row.SupervisionReached),
	}
	if bold {
		label = "**" + label + "**"
		for i, c := range cells {
			cells[i] = "**" + c + "**"
		}
	}
	b.WriteString("| " + label + " | " + strings.Join(cells, " | ") + " |\n")
}

func percentOrDash(v float64, ok bool) string {
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return dash
	}
	return strconv.FormatFloat(100*v, 'f', 1, 64) + "%"
}

func dashIfEmpty(s string) string {
	if s == "" {
		return dash
	}
	return s
}

// mdCell makes a value safe inside a Markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("\\", "\\\\", "|", "\\|", "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// dueString renders the end of the last day as Deadline.LastDayString does
// ("2025-10-10 24:00"), in the calendar's location.
func dueString(it OverdueItem, loc *time.Location) string {
	if it.Due.IsZero() {
		return dash
	}
	return deadline.Deadline{Due: it.Due.In(loc), LastDay: it.LastDay.In(loc)}.LastDayString()
}
