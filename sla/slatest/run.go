package slatest

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/shixian-go/shixian/internal/boundedio"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

// DefaultRule is the rule id suites, coverage and diffs use for "no rule matched, the policy's
// default decided".
const DefaultRule = "default"

// Option changes how a suite is run.
type Option func(*options)

type options struct {
	policy *sla.Policy
}

// WithPolicy runs the suite against p instead of the policy named by the suite's `policy:` key
// (which then need not exist). This is how a candidate policy is tested before activation.
func WithPolicy(p *sla.Policy) Option {
	return func(o *options) { o.policy = p }
}

// Result is the outcome of running one suite. It is a plain value: safe to read from several
// goroutines, and encoded by WriteJSON for portals and the CLI.
type Result struct {
	Suite         string       // the suite's name
	File          string       // the suite file (the name given to RunSuiteData)
	PolicyID      string       // the policy the suite ran against
	PolicyVersion string       //
	PolicyHash    string       // hex SHA-256 of the policy file
	Cases         []CaseResult // in file order
	Coverage      Coverage     // rules exercised by the cases
	MinCoverage   float64      // percent (0–100) the suite requires; 0 when not set
	// CoverageFailed is true when the suite set min_coverage and Coverage.Percent is below it.
	CoverageFailed bool
	Passed         bool // every case passed and coverage is not below MinCoverage
}

// CaseResult is the outcome of one suite case.
type CaseResult struct {
	Name     string
	Line     int      // line of the case in the suite file (1-based)
	Passed   bool     //
	Failures []string // one per mismatch: "tier: expected T3, got T1"; empty when passed
	// Decision is the classification, nil when the input was rejected.
	Decision *rules.Decision
	// Tier is the case's tier after its events (a reclassification changes it); the decision's
	// tier when the case has no events.
	Tier        string
	Due         time.Time // exclusive instant, UTC+8; zero when unknown (error, open pause)
	LastDay     time.Time // 00:00 UTC+8 of the last day counted
	Provisional bool      // the deadline counted a day of a schedule not yet officially published
	// State is the lifecycle state at status.now; empty when the case asserted no status and
	// had no events.
	State sla.State
	// Error is the error the case produced, if any (expected or not).
	Error string
	// Explanation is the deadline's (or status's) explanation in words, for failure reports.
	Explanation []string
}

// Coverage says which rules a suite's cases were decided by.
type Coverage struct {
	// Rules lists every rule in policy order with how many cases it decided, then an entry
	// "default" for the policy's default.
	Rules   []RuleHits
	Covered int     // entries of Rules with Hits > 0
	Total   int     // len(Rules): the number of rules plus one for the default
	Percent float64 // 100 × Covered / Total
}

// RuleHits is how many cases one rule (or "default") decided.
type RuleHits struct {
	RuleID string
	Hits   int
}

// Unexercised returns the ids of rules (and "default") that decided no case, in policy order.
func (c Coverage) Unexercised() []string {
	var out []string
	for _, r := range c.Rules {
		if r.Hits == 0 {
			out = append(out, r.RuleID)
		}
	}
	return out
}

// RunSuite loads the suite at suitePath and runs every case against the policy named by its
// `policy:` key (a path relative to the suite file) or given by WithPolicy. The error is
// non-nil only when the suite or the policy cannot be loaded (a *sla.Problems listing every
// problem with file:line:column for a malformed suite); failing cases are reported in Result.
// A suite file larger than MaxSuiteBytes is refused while it is read ("slatest: suite file
// x.yaml is larger than 8388608 bytes"), also when it never ends (/dev/zero, a pipe); the
// policy it names is read as sla.LoadPolicy reads it.
func RunSuite(suitePath string, opts ...Option) (*Result, error) {
	data, err := boundedio.ReadFile(suitePath, MaxSuiteBytes, "suite file")
	if err != nil {
		return nil, fmt.Errorf("slatest: %w", err)
	}
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return runSuiteData(suitePath, data, o.policy)
}

// RunSuiteData runs a suite given as bytes, for portals ("preview this change") and for Check.
// name is used in positions and, when policy is nil, as the base for the suite's `policy:`
// path. data is not retained.
func RunSuiteData(name string, data []byte, policy *sla.Policy) (*Result, error) {
	return runSuiteData(name, data, policy)
}

func runSuiteData(name string, data []byte, policy *sla.Policy) (*Result, error) {
	s, err := parseSuite(name, data)
	if err != nil {
		return nil, err
	}
	p := policy
	if p == nil {
		if s.policyPath == "" {
			return nil, fmt.Errorf("slatest: %s: the suite names no policy (add `policy: file.yaml`) and none was given", name)
		}
		path := s.policyPath
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(name), path)
		}
		p, err = sla.LoadPolicy(path)
		if err != nil {
			return nil, fmt.Errorf("slatest: %s: policy %s: %w", s.policyPos, s.policyPath, err)
		}
	}
	if err := s.checkReferences(p); err != nil {
		return nil, err
	}
	return run(s, p), nil
}

func run(s *suite, p *sla.Policy) *Result {
	r := &Result{
		Suite:         s.name,
		File:          s.file,
		PolicyID:      p.ID(),
		PolicyVersion: p.Version(),
		PolicyHash:    p.Hash(),
		Cases:         make([]CaseResult, 0, len(s.cases)),
		Passed:        true,
	}
	if s.hasMin {
		r.MinCoverage = s.minCoverage
	}
	var ruleIDs []string
	if set := p.Rules(); set != nil {
		for _, rule := range set.Rules() {
			ruleIDs = append(ruleIDs, rule.ID)
		}
	}
	hits := make([]int, len(ruleIDs)+1)
	for i, c := range s.cases {
		cr := runCase(p, s, i, c)
		if cr.Decision != nil {
			idx := len(ruleIDs)
			if !cr.Decision.Default {
				if j := slices.Index(ruleIDs, cr.Decision.RuleID); j >= 0 {
					idx = j
				}
			}
			hits[idx]++
		}
		r.Passed = r.Passed && cr.Passed
		r.Cases = append(r.Cases, cr)
	}
	cov := Coverage{Rules: make([]RuleHits, 0, len(hits)), Total: len(hits)}
	for i, h := range hits {
		id := DefaultRule
		if i < len(ruleIDs) {
			id = ruleIDs[i]
		}
		cov.Rules = append(cov.Rules, RuleHits{RuleID: id, Hits: h})
		if h > 0 {
			cov.Covered++
		}
	}
	cov.Percent = 100 * float64(cov.Covered) / float64(cov.Total)
	r.Coverage = cov
	// A tiny tolerance so that "85.7%" accepts 6 of 7 (85.714…%).
	if s.hasMin && cov.Percent+1e-9 < s.minCoverage {
		r.CoverageFailed = true
		r.Passed = false
	}
	return r
}

func ruleOf(d *rules.Decision) string {
	if d.Default {
		return DefaultRule
	}
	return d.RuleID
}

func fmtInstant(t time.Time) string {
	if t.IsZero() {
		return "none"
	}
	return t.In(cst).Format(time.RFC3339)
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return "none"
	}
	return t.In(cst).Format(time.DateOnly)
}

// runCase classifies one case and, when it has events or asserts a status, plays its life
// through package sla; then compares with the expectation. It never panics on a policy error:
// errors become the case's Error.
func runCase(p *sla.Policy, s *suite, i int, c suiteCase) CaseResult {
	cr := CaseResult{Name: c.name, Line: c.line}
	e := c.expect
	var err error
	var warning string
	var overdueDays, remainingDays int
	var life lcOutcome
	lifecycle := len(c.events) > 0 || e.status != nil
	if lifecycle {
		now := c.accepted
		for _, ev := range c.events {
			if ev.At.After(now) {
				now = ev.At
			}
		}
		if e.status != nil {
			now = e.status.now
		}
		var out lcOutcome
		out, err = runLifecycle(p, fmt.Sprintf("%s#%d", s.name, i+1), c.input, c.accepted, c.events, now)
		if out.decision.Tier != "" {
			d := out.decision
			cr.Decision = &d
		}
		if err == nil {
			cr.Tier, cr.Due, cr.LastDay, cr.Provisional, cr.State = out.tier, out.due, out.lastDay, out.provisional, out.state
			cr.Explanation = out.explanation
			warning, overdueDays, remainingDays = out.warning, out.overdueDays, out.remainingDays
			life = out
		}
	} else {
		var d rules.Decision
		d, err = p.Classify(c.input, c.accepted)
		if err == nil {
			cr.Decision = &d
			cr.Tier = d.Tier
			var dl deadline.Deadline
			dl, err = p.Deadline(d.Tier, c.accepted)
			if err == nil {
				cr.Due, cr.LastDay, cr.Provisional, cr.Explanation = dl.Due, dl.LastDay, dl.Provisional, dl.Explanation
			}
		}
	}
	fail := func(format string, args ...any) { cr.Failures = append(cr.Failures, fmt.Sprintf(format, args...)) }
	if err != nil {
		cr.Error = err.Error()
		switch {
		case e.err == nil:
			fail("unexpected error: %v", err)
		case !strings.Contains(cr.Error, *e.err):
			fail("error: expected a message containing %q, got %q", *e.err, cr.Error)
		}
		cr.Passed = len(cr.Failures) == 0
		return cr
	}
	if e.err != nil {
		fail("error: expected a message containing %q, got no error", *e.err)
	}
	d := cr.Decision
	if d != nil {
		if e.tier != nil && *e.tier != d.Tier {
			fail("tier: expected %s, got %s", *e.tier, d.Tier)
		}
		if e.rule != nil && *e.rule != ruleOf(d) {
			fail("rule: expected %s, got %s", *e.rule, ruleOf(d))
		}
		if e.reason != nil && !strings.Contains(d.Reason, *e.reason) {
			fail("reason: expected a reason containing %q, got %q", *e.reason, d.Reason)
		}
		if e.shadowed != nil {
			got := d.Shadowed()
			if !slices.Equal(got, *e.shadowed) && !(len(got) == 0 && len(*e.shadowed) == 0) {
				fail("shadowed: expected [%s], got [%s]", strings.Join(*e.shadowed, ", "), strings.Join(got, ", "))
			}
		}
	}
	if e.due != nil && !e.due.Equal(cr.Due) {
		fail("due: expected %s, got %s", fmtInstant(*e.due), fmtInstant(cr.Due))
	}
	if e.lastDay != nil && fmtDate(*e.lastDay) != fmtDate(cr.LastDay) {
		fail("last_day: expected %s, got %s", fmtDate(*e.lastDay), fmtDate(cr.LastDay))
	}
	if e.provisional != nil && *e.provisional != cr.Provisional {
		fail("provisional: expected %t, got %t", *e.provisional, cr.Provisional)
	}
	if st := e.status; st != nil {
		at := fmtInstant(st.now)
		if st.tier != nil && *st.tier != cr.Tier {
			fail("status.tier at %s: expected %s, got %s", at, *st.tier, cr.Tier)
		}
		if st.state != nil && *st.state != cr.State {
			fail("status.state at %s: expected %s, got %s", at, *st.state, cr.State)
		}
		if st.warning != nil && *st.warning != warning {
			fail("status.warning at %s: expected %q, got %q", at, *st.warning, warning)
		}
		if st.overdueDays != nil && *st.overdueDays != overdueDays {
			fail("status.overdue_days at %s: expected %d, got %d", at, *st.overdueDays, overdueDays)
		}
		if st.remainingDays != nil && *st.remainingDays != remainingDays {
			fail("status.remaining_days at %s: expected %d, got %d", at, *st.remainingDays, remainingDays)
		}
		checkStatusPins(st, life, at, fail)
	}
	cr.Passed = len(cr.Failures) == 0
	return cr
}

// CaseReport is the text of one failed case for a test log: the suite file and the case's
// line, expected vs got, the decision and the deadline explanation.
func (r *Result) CaseReport(c CaseResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: case %q failed:\n", r.File, c.Line, c.Name)
	for _, f := range c.Failures {
		fmt.Fprintf(&b, "    %s\n", f)
	}
	if c.Decision != nil {
		fmt.Fprintf(&b, "  decision: %s\n", c.Decision.String())
	}
	if len(c.Explanation) > 0 {
		b.WriteString("  deadline:\n")
		for _, line := range c.Explanation {
			fmt.Fprintf(&b, "    %s\n", line)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// CoverageReport says why the suite's rule coverage falls short of its min_coverage, naming
// what was not exercised; "" when it does not (CoverageFailed is false).
func (r *Result) CoverageReport() string {
	if !r.CoverageFailed {
		return ""
	}
	return fmt.Sprintf("%s: rule coverage %s is below min_coverage %s; not exercised: %s",
		r.File, percent(r.Coverage.Percent), percent(r.MinCoverage), strings.Join(r.Coverage.Unexercised(), ", "))
}

// Failed lists the cases that failed.
func (r *Result) Failed() []CaseResult {
	var out []CaseResult
	for _, c := range r.Cases {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

// Err returns nil when the suite passed, else an error summarising every failing case and a
// coverage shortfall (used by Check).
func (r *Result) Err() error {
	if r.Passed {
		return nil
	}
	var errs []error
	for _, c := range r.Failed() {
		errs = append(errs, fmt.Errorf("%s:%d: case %q: %s", r.File, c.Line, c.Name, strings.Join(c.Failures, "; ")))
	}
	if r.CoverageFailed {
		errs = append(errs, fmt.Errorf("%s: rule coverage %s is below min_coverage %s (not exercised: %s)",
			r.File, percent(r.Coverage.Percent), percent(r.MinCoverage), strings.Join(r.Coverage.Unexercised(), ", ")))
	}
	// A failing suite is a fault of the policy the caller gave (sla.ErrInvalid: a portal
	// answers 4xx to an upload that fails its suite).
	return diag.MarkInvalid(fmt.Errorf("slatest: suite %q failed against policy %s %s: %w", r.Suite, r.PolicyID, r.PolicyVersion, errors.Join(errs...)))
}

func percent(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	return s + "%"
}

// Check returns an sla.Check that runs every suite against the candidate policy (as with
// WithPolicy; the suites' own `policy:` keys are ignored) and fails if a suite cannot be
// loaded, a case fails, or coverage is below a suite's min_coverage. Suite files are read on
// every call, so an edited suite takes effect at the next activation. Safe for concurrent use.
func Check(suitePaths ...string) sla.Check {
	paths := slices.Clone(suitePaths)
	return func(p *sla.Policy) error {
		if p == nil {
			return errors.New("slatest: Check: policy is nil")
		}
		var errs []error
		for _, path := range paths {
			r, err := RunSuite(path, WithPolicy(p))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if err := r.Err(); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
}

// CheckData is Check for a suite held in memory; name is used in positions. data is copied.
func CheckData(name string, data []byte) sla.Check {
	buf := slices.Clone(data)
	return func(p *sla.Policy) error {
		if p == nil {
			return errors.New("slatest: CheckData: policy is nil")
		}
		r, err := RunSuiteData(name, buf, p)
		if err != nil {
			return err
		}
		return r.Err()
	}
}
