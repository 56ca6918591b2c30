// Package gotest runs policy test suites (package slatest) inside go test, one subtest per
// case. It is the one piece of the suite tooling that needs package testing, kept apart so
// that programs using slatest (the shixian CLI, a portal's policy gate) do not link testing
// into their binaries; import it from _test.go files only.
package gotest

import (
	"testing"

	"github.com/shixian-go/shixian/sla/slatest"
)

// Run runs the suite at suitePath inside a Go test: with a *testing.T, one subtest per case
// (t.Run with the case name); with another testing.TB, one error per failing case. A failure
// names the suite file and the case's line, lists expected vs got, and prints the decision and
// the deadline explanation (slatest.Result.CaseReport). A suite or policy that cannot be loaded
// is fatal; coverage below the suite's min_coverage is an error of t itself.
func Run(t testing.TB, suitePath string, opts ...slatest.Option) {
	t.Helper()
	r, err := slatest.RunSuite(suitePath, opts...)
	if err != nil {
		t.Fatalf("%v", err)
		return
	}
	if tt, ok := t.(*testing.T); ok {
		for _, c := range r.Cases {
			tt.Run(c.Name, func(st *testing.T) {
				st.Helper()
				if !c.Passed {
					st.Error(r.CaseReport(c))
				}
			})
		}
	} else {
		for _, c := range r.Cases {
			if !c.Passed {
				t.Error(r.CaseReport(c))
			}
		}
	}
	if msg := r.CoverageReport(); msg != "" {
		t.Error(msg)
	}
}
