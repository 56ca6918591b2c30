package rules

import (
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// benchSpec mirrors the default 1310 policy that package sla embeds.
func benchSpec() Spec {
	return Spec{
		File:          "bench.yaml",
		PolicyID:      "xinyu-1310",
		PolicyVersion: "2025.1",
		Fields: []Field{
			{Name: "cause", Type: String, Values: []string{"unclear_request", "incomplete_materials", "other_objective", "complex", "staff_capability", "improper_method", "historical_legacy", "policy_bottleneck"}},
			{Name: "category", Type: String},
			{Name: "channel", Type: String},
			{Name: "department", Type: String},
			{Name: "tags", Type: StringList},
			{Name: "applicant", Type: String, Values: []string{"person", "enterprise"}},
		},
		Tiers: []string{"T1", "T3", "T10"},
		Rules: []Rule{
			{ID: "legacy-or-bottleneck", When: `cause in ["historical_legacy", "policy_bottleneck"]`, Tier: "T10", Reason: "历史遗留、政策瓶颈等复杂原因"},
			{ID: "cross-department", When: `"cross_department" in tags && cause != "unclear_request"`, Tier: "T10", Reason: "跨部门协调"},
			{ID: "complex-case", When: `cause == "complex"`, Tier: "T3", Reason: "问题比较复杂"},
			{ID: "staff-caused", When: `cause in ["staff_capability", "improper_method"]`, Tier: "T3", Reason: "工作人员业务不强、方法不当等主观原因"},
			{ID: "enterprise-complex", When: `applicant == "enterprise" && category in ["labour_dispute", "social_insurance_transfer"] && cause == "other_objective"`, Tier: "T3", Reason: "企业劳动争议、社保转移"},
			{ID: "objective-simple", When: `cause in ["unclear_request", "incomplete_materials", "other_objective"]`, Tier: "T1", Reason: "诉求不清、材料不全等客观原因"},
		},
		Default: Default{Tier: "T3", Reason: "未能归类的诉求按3个工作日办理"},
	}
}

// benchInputs is a realistic mix: mostly simple objective causes, some
// complex and staff-caused, a few legacy and cross-department cases.
func benchInputs() []map[string]any {
	mk := func(cause, category, applicant string, tags ...string) map[string]any {
		if tags == nil {
			tags = []string{}
		}
		return map[string]any{
			"cause": cause, "category": category, "channel": "12345", "department": "人社局",
			"tags": tags, "applicant": applicant,
		}
	}
	return []map[string]any{
		mk("unclear_request", "pension", "person"),
		mk("incomplete_materials", "social_insurance_transfer", "person"),
		mk("other_objective", "labour_dispute", "enterprise"),
		mk("complex", "labour_dispute", "person"),
		mk("staff_capability", "pension", "person"),
		mk("incomplete_materials", "unemployment", "person", "urgent"),
		mk("historical_legacy", "pension", "person"),
		mk("other_objective", "pension", "person", "cross_department"),
		mk("unclear_request", "labour_dispute", "enterprise", "cross_department"),
		mk("improper_method", "social_insurance_transfer", "enterprise"),
	}
}

func BenchmarkClassify(b *testing.B) {
	spec := benchSpec()
	inputs := benchInputs()
	b.Run("shixian", func(b *testing.B) {
		set, err := Compile(spec)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		start, ok := cpuTime()
		for i := 0; i < b.N; i++ {
			if _, err := set.Classify(inputs[i%len(inputs)]); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, start, ok)
	})
	b.Run("expr-baseline", func(b *testing.B) {
		env := map[string]any{"cause": "", "category": "", "channel": "", "department": "", "tags": []string{}, "applicant": ""}
		programs := make([]*vm.Program, len(spec.Rules))
		for i, r := range spec.Rules {
			p, err := expr.Compile(r.When, expr.Env(env), expr.AsBool())
			if err != nil {
				b.Fatal(err)
			}
			programs[i] = p
		}
		b.ReportAllocs()
		b.ResetTimer()
		start, ok := cpuTime()
		for i := 0; i < b.N; i++ {
			in := inputs[i%len(inputs)]
			tier := spec.Default.Tier
			for j, p := range programs {
				out, err := expr.Run(p, in)
				if err != nil {
					b.Fatal(err)
				}
				if out.(bool) {
					tier = spec.Rules[j].Tier
					break
				}
			}
			_ = tier
		}
		reportCPU(b, start, ok)
	})
}

// reportCPU adds a cpu-ns/op metric: process CPU time per operation, which
// stays meaningful when other jobs compete for the CPUs.
func reportCPU(b *testing.B, start time.Duration, ok bool) {
	if end, ok2 := cpuTime(); ok && ok2 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}
