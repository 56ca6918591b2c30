package rules

import (
	"fmt"
	"strings"
	"time"
)

// doc builds a policy-like source text for rules so that problems have real
// positions, source lines and carets, as a YAML loader would provide them:
//
//	fields:                 (one line per field)
//	  - cause: string
//	tiers: [T1, T3, T10]
//	default: {tier: T3, reason: …}
//	rules:
//	  - id: <id>
//	    when: <when>
//	    tier: <tier>
//	    reason: <reason>
func doc(fields []Field, rules []Rule) Spec {
	var b strings.Builder
	line := 0
	w := func(format string, args ...any) int {
		fmt.Fprintf(&b, format+"\n", args...)
		line++
		return line
	}
	spec := Spec{File: "policy.yaml", PolicyID: "test", PolicyVersion: "1", Tiers: []string{"T1", "T3", "T10"}}
	w("fields:")
	for _, f := range fields {
		f.Pos = Position{Line: w("  - %s: %s", f.Name, f.Type), Column: 5}
		spec.Fields = append(spec.Fields, f)
	}
	w("tiers: [T1, T3, T10]")
	spec.Default = Default{Tier: "T3", Reason: "未能归类的诉求按3个工作日办理", Pos: Position{Line: w("default: {tier: T3, reason: 未能归类的诉求按3个工作日办理}"), Column: 1}}
	w("rules:")
	for _, r := range rules {
		r.Pos = Position{Line: w("  - id: %s", r.ID), Column: 5}
		r.WhenPos = Position{Line: w("    when: %s", r.When), Column: 11}
		w("    tier: %s", r.Tier)
		w("    reason: %s", r.Reason)
		spec.Rules = append(spec.Rules, r)
	}
	spec.Source = []byte(b.String())
	return spec
}

func testFields() []Field {
	return []Field{
		{Name: "cause", Type: String, Values: []string{"unclear_request", "incomplete_materials", "complex", "historical_legacy", "policy_bottleneck"}},
		{Name: "category", Type: String, Default: "general"},
		{Name: "tags", Type: StringList, Default: []string{}},
		{Name: "pages", Type: Int, Default: 0},
		{Name: "score", Type: Float, Default: 0.0},
		{Name: "urgent", Type: Bool, Default: false},
		{Name: "accepted_at", Type: Time, Default: time.Date(2025, 1, 1, 0, 0, 0, 0, cst)},
	}
}

func testRules() []Rule {
	return []Rule{
		{ID: "legacy", When: `cause in ["historical_legacy", "policy_bottleneck"]`, Tier: "T10", Reason: "历史遗留、政策瓶颈"},
		{ID: "complex", When: `cause == "complex"`, Tier: "T3", Reason: "问题比较复杂"},
		{ID: "big-file", When: `pages > 100 || "big" in tags`, Tier: "T3", Reason: "材料很多"},
		{ID: "simple", When: `cause in ["unclear_request", "incomplete_materials"]`, Tier: "T1", Reason: "诉求不清、材料不全"},
	}
}
