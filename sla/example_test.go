package sla_test

import (
	"fmt"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

// The 80% use: classify a case with the embedded 1310 policy and compute its deadline.
func Example() {
	beijing := calendar.CST()
	policy := sla.Default()
	// Accepted Tuesday 30 September 2025 at 17:00, the eve of the National Day and Mid-Autumn
	// break (1–8 October off).
	accepted := time.Date(2025, 9, 30, 17, 0, 0, 0, beijing)

	decision, err := policy.Classify(map[string]any{"cause": "incomplete_materials", "category": "wage_arrears"}, accepted)
	if err != nil {
		fmt.Println(err)
		return
	}
	deadline, err := policy.Deadline(decision.Tier, accepted)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(decision.Tier, decision.RuleID)
	fmt.Println(decision.Reason)
	fmt.Println("due", deadline.LastDayString(), "provisional:", deadline.Provisional)
	// Output:
	// T1 objective-simple
	// 诉求不清、材料不全等客观原因，1个工作日内办结
	// due 2025-10-09 24:00 provisional: false
}

// A policy with mistakes reports all of them at once, each with file:line:column and a caret.
func ExampleParsePolicy_errors() {
	_, err := sla.ParsePolicy("policy.yaml", []byte(`format: shixian/v1
id: demo
version: "1"
effective: {from: 2025-01-01}
input:
  cause: {type: string}
tiers:
  - {id: T1, limit: 1 workday}
default: {tier: T1, reason: 默认一个工作日}
rules:
  - id: complex
    when: casue == "complex"
    tier: T3
    reason: 复杂问题
`))
	fmt.Println(err)
	// Output:
	// policy.yaml:11:9: rule complex: unknown tier "T3" (declared: T1)
	//       - id: complex
	//             ^
	// policy.yaml:12:11: rule complex: unknown field "casue" (did you mean "cause"?)
	//         when: casue == "complex"
	//               ^
}

// Versions of one policy form a History; the version is chosen by the acceptance time.
func ExampleHistory() {
	version := func(v, from, until string) *sla.Policy {
		p, err := sla.ParsePolicy(v+".yaml", []byte(`format: shixian/v1
id: demo
version: "`+v+`"
effective: {from: `+from+until+`}
tiers: [{id: T1, limit: 1 workday}, {id: T3, limit: 3 workdays}]
default: {tier: T3, reason: 默认三个工作日}
`))
		if err != nil {
			panic(err)
		}
		return p
	}
	history, err := sla.NewHistory(version("2024", "2024-01-01", ", until: 2024-12-31"), version("2025", "2025-01-01", ""))
	if err != nil {
		fmt.Println(err)
		return
	}
	beijing := calendar.CST()
	p, _ := history.At(time.Date(2024, 12, 31, 23, 30, 0, 0, beijing))
	fmt.Println(p.Version())
	p, _ = history.At(time.Date(2025, 1, 1, 8, 0, 0, 0, beijing))
	fmt.Println(p.Version())
	// Output:
	// 2024
	// 2025
}
