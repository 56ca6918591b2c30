// Command customrules shows a policy analyst's loop: write a custom policy file
// (district-12345.yaml), check it, pin its behaviour with a test suite
// (district-12345.suite.yaml, every rule and the default with due dates worked out by hand),
// and classify new cases with a full explanation.
//
// Run it from the repository root:
//
//	go run ./examples/customrules
//
// or point it at your own files:
//
//	go run ./examples/customrules --policy my-policy.yaml --suite my-policy.suite.yaml
//
// It exits with status 1 when the policy is invalid or its suite fails.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "customrules:", err)
		os.Exit(1)
	}
}

func run(args []string, w io.Writer) error {
	flags := flag.NewFlagSet("customrules", flag.ContinueOnError)
	policyPath := flags.String("policy", "examples/customrules/district-12345.yaml", "policy file")
	suitePath := flags.String("suite", "examples/customrules/district-12345.suite.yaml", "test suite for the policy")
	if err := flags.Parse(args); err != nil {
		return err
	}

	// 1. Load: every mistake in the file is reported at once with file:line:column.
	policy, err := sla.LoadPolicy(*policyPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "policy %s v%s: %d tiers, %d rules, default %s\n\n", policy.ID(), policy.Version(),
		len(policy.Tiers()), len(policy.Rules().Rules()), policy.Rules().Default().Tier)

	// 2. Test: the suite pins tier, rule and due date of each case, and requires every rule
	// to be exercised.
	result, err := slatest.RunSuite(*suitePath, slatest.WithPolicy(policy))
	if err != nil {
		return err
	}
	if err := result.WriteText(w); err != nil {
		return err
	}
	if !result.Passed {
		return fmt.Errorf("suite %s failed", *suitePath)
	}

	// 3. Use: classify a new work order and explain the decision and its deadline.
	beijing := calendar.CST()
	accepted := time.Date(2026, 9, 30, 16, 45, 0, 0, beijing)
	input := map[string]any{"category": "complaint", "repeat_calls": 4}
	decision, err := policy.Classify(input, accepted)
	if err != nil {
		return err
	}
	deadline, err := policy.Deadline(decision.Tier, accepted)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nA fourth complaint call on Wednesday 2026-09-30 16:45:\n  %s\n", decision)
	for _, e := range decision.Evaluations() {
		fmt.Fprintf(w, "  rule %-17s matched=%v\n", e.RuleID, e.Matched)
	}
	fmt.Fprintf(w, "  due %s\n", deadline.LastDayString())
	for _, line := range deadline.Explanation {
		fmt.Fprintf(w, "    %s\n", line)
	}
	return nil
}
