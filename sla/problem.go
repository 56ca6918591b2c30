package sla

import "github.com/shixian-go/shixian/internal/diag"

// The load errors of this package (LoadPolicy, ParsePolicy, LoadHistory and the suites of
// package slatest) are the project's one diagnostics type, which package rules returns from
// Compile too: sla.Problems and rules.Problems are one type, so
//
//	var ps sla.Problems
//	if errors.As(err, &ps) { … }
//
// reads every problem of a policy file without importing the rule engine, and a value caught
// under either name satisfies the other.
type (
	// Position is a place in a source file: File, and a 1-based Line and Column, the column
	// counted in characters (runes). A zero Line means "no position known". It is
	// rules.Position.
	Position = diag.Position
	// Problem is one thing wrong with a file: its position, the rule or field it is about (if
	// any), the message, and the offending source line with a caret under the fault. It is
	// rules.Problem.
	Problem = diag.Problem
	// Problems is every problem one load found, sorted by position, returned as a *Problems
	// error; errors.As fills a Problems or a *Problems from it, and a Problem with the first
	// one. It is rules.Problems.
	Problems = diag.Problems
)

// MaxProblems is how many problems one load lists; past them the list ends with one problem
// that counts the rest.
const MaxProblems = diag.MaxProblems
