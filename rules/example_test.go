package rules_test

import (
	"errors"
	"fmt"

	"github.com/shixian-go/shixian/rules"
)

func Example() {
	set, err := rules.Compile(rules.Spec{
		PolicyID:      "xinyu-1310",
		PolicyVersion: "2025.1",
		Fields: []rules.Field{
			{Name: "cause", Type: rules.String, Values: []string{"unclear_request", "complex", "historical_legacy"}},
			{Name: "tags", Type: rules.StringList, Default: []string{}},
		},
		Tiers: []string{"T1", "T3", "T10"},
		Rules: []rules.Rule{
			{ID: "legacy", When: `cause == "historical_legacy" || "cross_department" in tags`, Tier: "T10", Reason: "历史遗留"},
			{ID: "complex-case", When: `cause == "complex"`, Tier: "T3", Reason: "问题比较复杂"},
			{ID: "unclear", When: `cause == "unclear_request"`, Tier: "T1", Reason: "诉求不清"},
		},
		Default: rules.Default{Tier: "T3", Reason: "未能归类的诉求按3个工作日办理"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := set.Classify(map[string]any{"cause": "complex"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d)
	fmt.Println(d.Fields)

	d, _ = set.Classify(map[string]any{"cause": "unclear_request", "tags": []string{"cross_department"}})
	fmt.Println(d.RuleID, d.Shadowed())
	// Output:
	// T3 by rule complex-case (问题比较复杂) — policy xinyu-1310 v2025.1
	// [{cause complex}]
	// legacy [unclear]
}

func ExampleCompile_problems() {
	_, err := rules.Compile(rules.Spec{
		File:    "policy.yaml",
		Source:  []byte("rules:\n  - id: a\n    when: casue == \"问题\"\n    tier: T2\n"),
		Fields:  []rules.Field{{Name: "cause", Type: rules.String}},
		Tiers:   []string{"T1"},
		Default: rules.Default{Tier: "T1", Reason: "默认"},
		Rules: []rules.Rule{{
			ID: "a", When: `casue == "问题"`, Tier: "T2", Reason: "原因",
			Pos: rules.Position{Line: 2, Column: 5}, WhenPos: rules.Position{Line: 3, Column: 11},
		}},
	})
	var ps rules.Problems
	if errors.As(err, &ps) {
		fmt.Println(len(ps), "problems")
	}
	fmt.Println(err)
	// Output:
	// 2 problems
	// policy.yaml:2:5: rule a: unknown tier "T2" (declared: T1)
	//       - id: a
	//         ^
	// policy.yaml:3:11: rule a: unknown field "casue" (did you mean "cause"?)
	//         when: casue == "问题"
	//               ^
}

func ExampleSet_FieldsRead() {
	set, _ := rules.Compile(rules.Spec{
		Fields:  []rules.Field{{Name: "pages", Type: rules.Int}, {Name: "urgent", Type: rules.Bool}},
		Tiers:   []string{"T1", "T3"},
		Rules:   []rules.Rule{{ID: "big", When: `urgent && pages > 100`, Tier: "T3", Reason: "材料很多"}},
		Default: rules.Default{Tier: "T1", Reason: "默认"},
	})
	fmt.Println(set.FieldsRead("big"))
	// Output: [pages urgent]
}
