package slatest_test

import (
	"fmt"
	"strings"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// Run a suite file and print a summary, as a CLI or a portal's "preview this change" would.
func ExampleRunSuite() {
	r, err := slatest.RunSuite("testdata/pass.suite.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range r.Cases {
		mark := "✓"
		if !c.Passed {
			mark = "✗"
		}
		fmt.Printf("%s %s: %s by %s, last day %s\n", mark, c.Name, c.Tier, c.Decision.RuleID, c.LastDay.Format("2006-01-02"))
	}
	fmt.Printf("coverage %d/%d, not exercised: %s\n", r.Coverage.Covered, r.Coverage.Total, strings.Join(r.Coverage.Unexercised(), ", "))
	fmt.Println("passed:", r.Passed)
	// Output:
	// ✓ complex → T3 over National Day: T3 by complex-case, last day 2025-10-11
	// ✓ legacy → T10: T10 by legacy-or-bottleneck, last day 2025-10-21
	// coverage 2/7, not exercised: cross-department, staff-caused, enterprise-complex, objective-simple, default
	// passed: true
}

// Preview a suite held in memory against a policy (no files involved).
func ExampleRunSuiteData() {
	suite := `format: shixian-suite/v1
name: preview
cases:
  - name: 材料不全 accepted Tuesday before National Day
    accepted: 2025-09-30T17:00:00+08:00
    input: {cause: incomplete_materials}
    expect: {tier: T1, due: "2025-10-09 24:00"}
  - name: wrong on purpose
    accepted: 2025-09-30T17:00:00+08:00
    input: {cause: complex}
    expect: {tier: T1}
`
	r, err := slatest.RunSuiteData("preview.suite.yaml", []byte(suite), sla.Default())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range r.Cases {
		fmt.Println(c.Name, c.Passed, c.Failures)
	}
	// Output:
	// 材料不全 accepted Tuesday before National Day true []
	// wrong on purpose false [tier: expected T1, got T3]
}

// Diff two policy versions over past cases and check the moves against expectations.
func ExampleDiff() {
	// Version 2025.2 makes T1 two working days.
	src := strings.Replace(string(sla.DefaultPolicyYAML()), "    limit: 1 workday\n    label: 1个工作日内办结", "    limit: 2 workdays\n    label: 2个工作日内办结", 1)
	src = strings.Replace(src, `version: "2025.1"`, `version: "2025.2"`, 1)
	candidate, err := sla.ParsePolicy("xinyu-1310-2025.2.yaml", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	corpus := `{"id":"C-1","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"incomplete_materials"}}
{"id":"C-2","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex"}}
not json
`
	r, err := slatest.Diff(sla.Default(), candidate, strings.NewReader(corpus), slatest.DiffOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range r.Transitions() {
		fmt.Printf("%s→%s: %d\n", t.From, t.To, t.Count)
	}
	for _, c := range r.Changed {
		fmt.Printf("line %d %s: %s/%s, due %s → %s\n", c.Line, c.ID, c.NewTier, c.NewRule,
			c.OldDue.Format("2006-01-02 15:04"), c.NewDue.Format("2006-01-02 15:04"))
	}
	for _, e := range r.Errors {
		fmt.Println(e.Line, strings.SplitN(e.Err, ":", 2)[0])
	}
	exp, _ := slatest.ParseExpectations("expect.yaml", []byte("format: shixian-expect/v1\nallow: [{from: T1, to: T1}]\n"))
	r.Apply(exp)
	fmt.Println("unexpected:", len(r.Unexpected))
	// Output:
	// T1→T1: 1
	// T3→T3: 1
	// line 1 C-1: T1/objective-simple, due 2025-10-10 00:00 → 2025-10-11 00:00
	// 3 invalid JSON
	// unexpected: 0
}
