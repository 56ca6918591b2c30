// Command policychange reviews a policy change before it goes live: it runs the current 1310
// policy (2025.1) and a proposed version (2026.1, xinyu-1310-2026.yaml) over a corpus of past
// cases, prints the tier transition matrix, the per-rule firing counts and every changed case
// with its old and new due dates, and checks the moves against the ones the change is meant to
// make (expected.yaml).
//
// Run it from the repository root:
//
//	go run ./examples/policychange
//
// It exits with status 1 when a case moves in a way expected.yaml does not allow — the check a
// CI job runs before a policy change is deployed.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "policychange:", err)
		os.Exit(1)
	}
}

func run(args []string, w io.Writer) error {
	flags := flag.NewFlagSet("policychange", flag.ContinueOnError)
	oldPath := flags.String("old", "examples/policies/xinyu-1310.yaml", "current policy")
	newPath := flags.String("new", "examples/policychange/xinyu-1310-2026.yaml", "proposed policy")
	casesPath := flags.String("cases", "examples/policies/corpus-2025.jsonl", "past cases, one JSON object per line")
	expectPath := flags.String("expect", "examples/policychange/expected.yaml", "the moves the change is meant to make")
	if err := flags.Parse(args); err != nil {
		return err
	}
	oldPolicy, err := sla.LoadPolicy(*oldPath)
	if err != nil {
		return err
	}
	newPolicy, err := sla.LoadPolicy(*newPath)
	if err != nil {
		return err
	}
	expectations, err := slatest.LoadExpectations(*expectPath)
	if err != nil {
		return err
	}
	corpus, err := os.Open(*casesPath)
	if err != nil {
		return err
	}
	defer corpus.Close()

	diff, err := slatest.Diff(oldPolicy, newPolicy, corpus, slatest.DiffOptions{})
	if err != nil {
		return err
	}
	diff.Apply(expectations)
	if err := diff.WriteText(w); err != nil {
		return err
	}
	if diff.ErrorCount > 0 {
		return fmt.Errorf("%d corpus lines could not be classified", diff.ErrorCount)
	}
	if len(diff.Unexpected) > 0 {
		return fmt.Errorf("%d cases moved in ways %s does not allow", len(diff.Unexpected), *expectPath)
	}
	fmt.Fprintf(w, "\nAll %d changed cases are expected by %s.\n", diff.ChangedCount, *expectPath)
	return nil
}
