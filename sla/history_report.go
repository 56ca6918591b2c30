package sla

import (
	"strings"
)

// history is what a Reporter made by History.NewReporter keeps of the history: the version
// governing each case, and which versions judged the cases counted. The zero value is a
// policy's reporter.
type history struct {
	h    *History
	used map[string]bool // versions that judged a case counted (not skipped)
}

// judged records that version p judged a counted case.
func (hs *history) judged(p *Policy) {
	if hs.h == nil || p == nil {
		return
	}
	if hs.used == nil {
		hs.used = map[string]bool{}
	}
	hs.used[p.version] = true
}

// Add counts one case. The case is read, never modified. Errors name the case and leave the
// Reporter unchanged: an empty id, a case governed by another policy (a non-empty PolicyID
// different from the policy's ID), no acceptance event, a StatusAt error, a calendar error,
// and text the Reporter would keep beyond the bounds Apply enforces (the id, department,
// handler and attributes of the case and the unit of its latest transfer longer than
// MaxIDBytes or MaxTextBytes, more than MaxAttributes attributes, invalid UTF-8), so that a
// report's memory stays bounded whatever the caller built (checked for the cases counted). A
// case whose first event is after Now, or whose bucket date is outside the period, is counted
// in Skipped; under BucketAccepted such cases are not otherwise validated.
//
// For a Reporter of a History, each case is judged by the version in effect at its
// acceptance; a case accepted where no version is in effect is an error.
//
// Every error of Add is the caller's (errors.Is(err, ErrInvalid)): a report fails only on the
// cases it is given.
func (r *Reporter) Add(c Case) error {
	if err := r.add(c); err != nil {
		return invalid(err)
	}
	return nil
}

// policyOf is the version that judges c: the reporter's policy, or for a History's reporter
// the version in effect when c was accepted.
func (r *Reporter) policyOf(c *Case) (*Policy, error) {
	if r.hist.h == nil {
		return r.p, nil
	}
	return r.hist.h.governing(*c, c.Events[0].At) // add reads an accepted first event before this
}

// policyVersion is the version a report names: the policy's, or for a History's reporter the
// versions that judged the cases added, in effective order, joined by ", " (the latest when
// none did).
func (r *Reporter) policyVersion() string {
	if r.hist.h == nil {
		return r.p.Version()
	}
	var vs []string
	for _, p := range r.hist.h.versions {
		if r.hist.used[p.version] {
			vs = append(vs, p.version)
		}
	}
	if len(vs) == 0 {
		return r.p.Version()
	}
	return strings.Join(vs, ", ")
}

// NewReporter returns an empty Reporter for opts (see Policy.NewReporter) that judges each
// case by the version in effect when it was accepted, so one report covers cases of every
// version: its totals, averages, P90 and overdue list are over all of them together. Periods
// and the order of tier rows follow the latest version; Report.PolicyVersion lists the
// versions that judged the cases counted ("2025.1, 2026.1"). Like every Reporter it is not
// safe for concurrent use.
func (h *History) NewReporter(opts ReportOptions) (*Reporter, error) {
	r, err := h.Latest().NewReporter(opts)
	if err != nil {
		return nil, err
	}
	r.hist.h = h
	return r, nil
}

// Report computes the report of cases of any versions in one call (NewReporter, Add for each
// case, Report); the first failing case aborts with its error. cases are read, never modified.
func (h *History) Report(cases []Case, opts ReportOptions) (Report, error) {
	r, err := h.NewReporter(opts)
	return reportAll(r, err, cases)
}

// reportAll adds every case to r, made with error err, and returns the report; the first
// error ends it.
func reportAll(r *Reporter, err error, cases []Case) (Report, error) {
	if err != nil {
		return Report{}, err
	}
	for i := range cases {
		if err := r.Add(cases[i]); err != nil {
			return Report{}, err
		}
	}
	return r.Report(), nil
}
