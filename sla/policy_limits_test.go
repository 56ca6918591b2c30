package sla_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

// The misspelling: with the default policy, an improper-method case that needs
// cross-department coordination is T10; spelt "tag" instead of "tags" it used to become T3
// silently (tags took its default []), a wrong legal deadline. Now the key is refused, named,
// with the declared field it resembles.
func TestDefaultPolicyRefusesAMisspeltInputField(t *testing.T) {
	accepted := at(2025, 9, 30, 17, 0)
	d, err := sla.Default().Classify(map[string]any{"cause": "improper_method", "tags": []string{"cross_department"}}, accepted)
	require.NoError(t, err)
	assert.Equal(t, "T10", d.Tier, "spelt right: cross-department")

	_, err = sla.Default().Classify(map[string]any{"cause": "improper_method", "tag": []string{"cross_department"}}, accepted)
	var fe *rules.FieldError
	require.ErrorAs(t, err, &fe)
	assert.True(t, fe.Unknown)
	assert.Equal(t, "tag", fe.Field)
	assert.EqualError(t, err, `sla: policy xinyu-1310 2025.1: rules: unknown input field "tag" (did you mean "tags"?)`)

	_, err = sla.Default().Classify(map[string]any{"casue": "complex"}, accepted)
	assert.EqualError(t, err, `sla: policy xinyu-1310 2025.1: rules: unknown input field "casue" (did you mean "cause"?)`,
		"a misspelt required field is named as undeclared, not reported as the missing field it hides")
}

// strictPolicy is a small policy with the given input_extra line (empty: none).
func strictPolicy(extra string) string {
	return `format: shixian/v1
id: extra-test
version: "1"
effective: {from: 2025-01-01}
` + extra + `input:
  cause: {type: string}
  tags: {type: "[]string", default: []}
tiers:
  - {id: T1, limit: 1 workday}
  - {id: T10, limit: 10 workdays}
default: {tier: T1, reason: 默认}
rules:
  - id: cross
    when: '"cross_department" in tags'
    tier: T10
    reason: 跨部门
`
}

func TestInputExtra(t *testing.T) {
	accepted := at(2025, 9, 30, 17, 0)
	input := map[string]any{"cause": "x", "tag": []string{"cross_department"}, "channel": "window"}
	for _, tc := range []struct {
		name, line string
	}{
		{"strict by default", ""},
		{"reject said explicitly", "input_extra: reject\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, "p.yaml", strictPolicy(tc.line))
			_, err := p.Classify(input, accepted)
			assert.EqualError(t, err, `sla: policy extra-test 1: rules: unknown input field "channel" (declared fields: cause, tags); 1 more undeclared: "tag"`)
		})
	}
	t.Run("ignore lists the ignored keys in the decision", func(t *testing.T) {
		p := mustParse(t, "p.yaml", strictPolicy("input_extra: ignore\n"))
		d, err := p.Classify(input, accepted)
		require.NoError(t, err)
		assert.Equal(t, "T1", d.Tier, "the misspelt tag is ignored, as the policy asked")
		assert.Equal(t, []string{"channel", "tag"}, d.Ignored)
		assert.Contains(t, d.String(), "; ignored input fields: \"channel\", \"tag\"")
		out, err := d.MarshalJSON()
		require.NoError(t, err)
		assert.Contains(t, string(out), `"ignored":["channel","tag"]`)
		strict := mustParse(t, "p.yaml", strictPolicy(""))
		assert.NotEqual(t, strict.Rules().PolicyHash(), p.Rules().PolicyHash(), "the treatment is part of what decides")
	})
	t.Run("an unknown treatment is a positioned problem", func(t *testing.T) {
		_, err := sla.ParsePolicy("p.yaml", []byte(strictPolicy("input_extra: sometimes\n")))
		var ps *rules.Problems
		require.ErrorAs(t, err, &ps)
		require.Len(t, *ps, 1, "%v", err)
		assert.Equal(t, `p.yaml:5:14: input_extra: "sometimes" is not a treatment of undeclared input fields (expected reject, the default, or ignore)`,
			strings.SplitN(err.Error(), "\n", 2)[0])
	})
}

// Every policy in the repository is strict: none says input_extra: ignore.
func TestRepositoryPoliciesAreStrict(t *testing.T) {
	for _, p := range []*sla.Policy{sla.Default()} {
		d, err := p.Classify(map[string]any{"cause": "complex", "note": "x"}, at(2025, 9, 30, 17, 0))
		assert.Error(t, err, "%s", d)
	}
}

// A policy file of about a megabyte whose rules take each adversarial shape is refused with a
// positioned problem for each, not a crash or a hang: the conditions are bounded before expr
// parses them (rules.MaxConditionNesting, rules.MaxConditionLen), their trees before expr
// checks them, and nothing outside the bounded subset is ever run.
func TestAdversarialPolicyOfAMegabyte(t *testing.T) {
	const mib = 1<<20 - 4<<10 // just under sla.MaxPolicyBytes with the rest of the file
	head := `format: shixian/v1
id: attack
version: "1"
effective: {from: 2025-01-01}
input:
  cause: {type: string}
  n: {type: int, default: 0}
  tags: {type: "[]string", default: []}
tiers: [{id: T1, limit: 1 workday}]
default: {tier: T1, reason: 默认}
rules:
`
	rule := func(id, when string) string {
		return fmt.Sprintf("  - id: %s\n    when: '%s'\n    tier: T1\n    reason: x\n", id, when)
	}
	nested := func(n int, open, core, close string) string {
		return strings.Repeat(open, n) + core + strings.Repeat(close, n)
	}
	big := map[string]string{
		"the issue's 490,000 parentheses": nested(490000, "(", "n > 1", ")"),
		"nots":                            strings.Repeat("!", mib) + "(n > 1)",
		"negations":                       nested(mib/3, "-(", "n", ")") + " > 0",
		"ternaries":                       strings.Repeat("n > 1 ? (", mib/9) + "true",
		"arrays":                          nested(mib/2, "[", "1", "]") + " == []",
		"maps":                            nested(mib/4, "{a:", "1", "}") + " == nil",
		"and chain":                       strings.Repeat("n > 1 && ", mib/9) + "true",
		"member chain":                    "n" + strings.Repeat(".a", mib/2) + " > 0",
	}
	for name, when := range big {
		t.Run(name, func(t *testing.T) {
			_, err := sla.ParsePolicy("attack.yaml", []byte(head+rule("r", when)))
			var ps *rules.Problems
			require.ErrorAs(t, err, &ps)
			for _, p := range *ps {
				assert.Equal(t, 13, p.Pos.Line, "%s", p.Message)
				assert.Positive(t, p.Pos.Column)
			}
		})
	}
	t.Run("a megabyte of looping rules", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(head)
		for i := 0; b.Len() < mib; i++ {
			b.WriteString(rule(fmt.Sprintf("r%d", i), fmt.Sprintf("let r = 1..2000; any(r,{any(r,{any(r,{# < n + %d})})})", i)))
		}
		_, err := sla.ParsePolicy("attack.yaml", []byte(b.String()))
		var ps *rules.Problems
		require.ErrorAs(t, err, &ps)
		require.Len(t, *ps, rules.MaxProblems+1, "the first rules.MaxProblems problems, and one that counts the rest")
		assert.Regexp(t, `^too many problems: \d+ more not listed`, (*ps)[rules.MaxProblems].Message)
	})
	t.Run("four megabytes of rules that each compare with 200 undeclared values", func(t *testing.T) {
		// The shape that made a report of 600,000 lines (765 MB, 7 s) before the list was cut.
		enum := strings.Replace(head, "cause: {type: string}", "cause: {type: string, values: [a, b]}", 1)
		var b strings.Builder
		b.WriteString(enum)
		for i := 0; ; i++ {
			values := make([]string, 200)
			for k := range values {
				values[k] = fmt.Sprintf(`"v%016d"`, i*1000+k)
			}
			r := rule(fmt.Sprintf("r%d", i), "cause in ["+strings.Join(values, ",")+"]")
			if b.Len()+len(r) > sla.MaxPolicyBytes {
				break
			}
			b.WriteString(r)
		}
		_, err := sla.ParsePolicy("attack.yaml", []byte(b.String()))
		var ps *rules.Problems
		require.ErrorAs(t, err, &ps)
		require.Len(t, *ps, rules.MaxProblems+1)
		assert.Contains(t, (*ps)[0].Message, `unknown value "v0000000000000000" for field cause`)
		assert.Regexp(t, `^too many problems: \d{5,} more not listed`, (*ps)[rules.MaxProblems].Message)
		assert.Less(t, len(err.Error()), 64<<10, "the report stays readable")
	})
}

// BenchmarkParseLargestPolicies measures loading policy files at the size limit whose rules
// are as costly as the limits allow: rules.MaxRules conditions of about 240 nodes each, and
// tens of thousands of small rules past rules.MaxRules. Run with
//
//	go test -run '^$' -bench ParseLargestPolicies ./sla
func BenchmarkParseLargestPolicies(b *testing.B) {
	head := "format: shixian/v1\nid: big\nversion: \"1\"\neffective: {from: 2025-01-01}\n" +
		"input:\n  n: {type: int, default: 0}\n  tags: {type: \"[]string\", default: []}\n" +
		"  cause: {type: string, values: [a, b], default: a}\n" +
		"tiers: [{id: T1, limit: 1 workday}]\ndefault: {tier: T1, reason: x}\nrules:\n"
	build := func(when func(i int) string) []byte {
		var sb strings.Builder
		sb.WriteString(head)
		for i := 0; ; i++ {
			r := fmt.Sprintf("  - id: r%d\n    when: '%s'\n    tier: T1\n    reason: x\n", i, when(i))
			if sb.Len()+len(r) > sla.MaxPolicyBytes-1024 {
				break
			}
			sb.WriteString(r)
		}
		return []byte(sb.String())
	}
	long := strings.TrimSuffix(strings.Repeat(`"`+strings.Repeat("y", 30)+`" + `, 120), " + ")
	policies := map[string][]byte{
		"long chains":      build(func(i int) string { return fmt.Sprintf("len(%s) > n + %d", long, i) }),
		"many small rules": build(func(i int) string { return fmt.Sprintf(`n > %d && "x%d" in tags`, i, i) }),
		"refused loops":    build(func(i int) string { return fmt.Sprintf("let r = 1..2000; any(r,{any(r,{# < n + %d})})", i) }),
		"undeclared values": build(func(i int) string {
			values := make([]string, 200)
			for k := range values {
				values[k] = fmt.Sprintf(`"v%016d"`, i*1000+k)
			}
			return "cause in [" + strings.Join(values, ",") + "]"
		}),
	}
	for name, data := range policies {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := sla.ParsePolicy("big.yaml", data); err == nil && name != "long chains" {
					b.Fatal("want problems")
				}
			}
		})
	}
}

// A case holds its tier and rule ids to sla.MaxIDBytes and its reasons to sla.MaxTextBytes
// (Apply refuses more), so a policy whose ids or reasons are longer would load and then
// refuse every acceptance. The loader refuses it instead, at the offending key.
func TestPolicyIDsAndReasonsAreBoundedLikeTheCasesTheyDecide(t *testing.T) {
	long := strings.Repeat("x", sla.MaxIDBytes+1)
	longReason := strings.Repeat("理", sla.MaxTextBytes/3+1)
	cases := []struct {
		name, from, to, want string
	}{
		{"a tier id of 129 bytes", "- {id: T10, limit: 10 workdays}", "- {id: " + long + ", limit: 10 workdays}", "tiers[1].id: is 129 bytes long, more than the 128 an id may have"},
		{"a rule id of 129 bytes", "- id: cross\n", "- id: " + long + "\n", "rules[0].id: is 129 bytes long, more than the 128 an id may have"},
		{"a rule reason of 2,049 bytes", "reason: 跨部门", "reason: " + longReason, `rule "cross".reason: is 2049 bytes long, more than the 2048 a reason may have`},
		{"a default reason of 2,049 bytes", "reason: 默认}", "reason: " + longReason + "}", "default.reason: is 2049 bytes long, more than the 2048 a reason may have"},
		{"a policy id of 129 bytes", "id: extra-test", "id: " + long, "id: is 129 bytes long, more than the 128 an id may have"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strictPolicy("")
			require.Contains(t, src, c.from)
			_, err := sla.ParsePolicy("p.yaml", []byte(strings.Replace(src, c.from, c.to, 1)))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	t.Run("ids and reasons at the limit load", func(t *testing.T) {
		src := strings.Replace(strictPolicy(""), "- id: cross\n", "- id: "+long[:sla.MaxIDBytes]+"\n", 1)
		src = strings.Replace(src, "reason: 跨部门", "reason: "+strings.Repeat("理", sla.MaxTextBytes/3), 1)
		_, err := sla.ParsePolicy("p.yaml", []byte(src))
		require.NoError(t, err)
	})
}
