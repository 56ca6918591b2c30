package rules

import "github.com/shixian-go/shixian/internal/diag"

// The diagnostics of Compile are the project's one diagnostics type, shared with the policy
// and suite loaders of package sla: rules.Problems, sla.Problems and the type those loaders
// return are one type, so an error caught under one name satisfies the other, and a caller of
// sla.LoadPolicy needs no import of this package to read its problems.
type (
	// Position is a place in a policy source file. Line and Column are 1-based; Column counts
	// Unicode characters (runes), not bytes, so that a position in a line holding Chinese text
	// names the character a person sees. A zero Line means "no position known". It is
	// sla.Position.
	Position = diag.Position
	// Problem is one thing wrong with a Spec, found by Compile: its position, the rule or
	// field it is about, the message, and the offending source line with a caret under the
	// fault. It is sla.Problem.
	Problem = diag.Problem
	// Problems is every problem Compile found, sorted by position (problems with no position
	// first). Compile returns it as a *Problems error; both
	//
	//	var ps rules.Problems;  errors.As(err, &ps)
	//	var pp *rules.Problems; errors.As(err, &pp)
	//
	// work, and errors.As(err, &problem) finds the first single Problem. It is sla.Problems.
	Problems = diag.Problems
)

// MaxProblems is how many problems one Compile (and one policy or suite load) lists. A file
// with a fault repeated on every line would otherwise make a report as large as the file
// times the message (and as slow to build and read): past this many, Problems.Add drops the
// rest and the list ends with one problem that says how many were left out.
const MaxProblems = diag.MaxProblems

// NewProblem returns a problem at pos with the offending line of source (the whole file the
// position refers to; may be nil) and a caret line under pos.Column that lines up in a
// terminal under Chinese text. Loaders of other file formats (policies, suites) use it so that
// every error of the project looks alike.
func NewProblem(source []byte, pos Position, message string) Problem {
	return diag.NewProblem(source, pos, message)
}

// quote is diag.Quote, under the name the compiler uses.
func quote(line string, column int) (shown, caretLine string) { return diag.Quote(line, column) }

// maxQuoted is the longest source line a problem quotes whole (diag.MaxQuoted).
const maxQuoted = diag.MaxQuoted
