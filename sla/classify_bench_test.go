package sla_test

import (
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/shixian-go/shixian/sla"
)

// classifyInputs is a realistic mix for the 1310 policy: mostly simple objective causes, some
// complex and staff-caused, a few legacy, cross-department and enterprise cases. Every
// declared field is present so that plain expr, which has no defaults, can run them too.
func classifyInputs() []map[string]any {
	mk := func(cause, category, applicant string, tags ...string) map[string]any {
		if tags == nil {
			tags = []string{}
		}
		return map[string]any{"cause": cause, "category": category, "channel": "hotline_12345",
			"department": "劳动监察", "tags": tags, "applicant": applicant}
	}
	return []map[string]any{
		mk("unclear_request", "pension", "person"),
		mk("incomplete_materials", "wage_arrears", "person"),
		mk("other_objective", "labour_dispute", "enterprise"),
		mk("complex", "labour_dispute", "person"),
		mk("staff_capability", "pension", "person"),
		mk("incomplete_materials", "unemployment_benefit", "person", "urgent"),
		mk("historical_legacy", "pension", "person"),
		mk("other_objective", "pension", "person", "cross_department"),
		mk("unclear_request", "labour_dispute", "enterprise", "cross_department"),
		mk("improper_method", "social_insurance_transfer", "enterprise"),
	}
}

// BenchmarkClassify measures the embedded default policy (sla.Default) against plain expr usage
// in the same run: each rule precompiled once, then per classification expr.Run with the input
// map as env, stopping at the first rule that is true. Run with
//
//	go test -run '^$' -bench Classify -benchmem ./rules ./sla
func BenchmarkClassify(b *testing.B) {
	policy := sla.Default()
	inputs := classifyInputs()
	accepted := at(2025, 9, 30, 17, 0)
	b.Run("shixian", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := policy.Classify(inputs[i%len(inputs)], accepted); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("expr-baseline", func(b *testing.B) {
		env := map[string]any{"cause": "", "category": "", "channel": "", "department": "", "tags": []string{}, "applicant": ""}
		ruleSet := policy.Rules().Rules()
		programs := make([]*vm.Program, len(ruleSet))
		for i, r := range ruleSet {
			p, err := expr.Compile(r.When, expr.Env(env), expr.AsBool())
			if err != nil {
				b.Fatal(err)
			}
			programs[i] = p
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			input := inputs[i%len(inputs)]
			tier := policy.Rules().Default().Tier
			for j, p := range programs {
				out, err := expr.Run(p, input)
				if err != nil {
					b.Fatal(err)
				}
				if out.(bool) {
					tier = ruleSet[j].Tier
					break
				}
			}
			sinkTier = tier
		}
	})
}

var sinkTier string

// The baseline must decide like the engine, or the comparison means nothing.
func TestClassifyBaselineAgrees(t *testing.T) {
	policy := sla.Default()
	env := map[string]any{"cause": "", "category": "", "channel": "", "department": "", "tags": []string{}, "applicant": ""}
	for _, input := range classifyInputs() {
		want, err := policy.Classify(input, at(2025, 9, 30, 17, 0))
		if err != nil {
			t.Fatal(err)
		}
		got := policy.Rules().Default().Tier
		for _, r := range policy.Rules().Rules() {
			out, err := expr.Eval(r.When, mergeEnv(env, input))
			if err != nil {
				t.Fatal(err)
			}
			if out.(bool) {
				got = r.Tier
				break
			}
		}
		if got != want.Tier {
			t.Fatalf("input %v: expr decides %s, shixian %s", input, got, want.Tier)
		}
	}
}

func mergeEnv(base, input map[string]any) map[string]any {
	out := make(map[string]any, len(base))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range input {
		out[k] = v
	}
	return out
}
