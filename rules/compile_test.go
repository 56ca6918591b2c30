package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// headlines returns the first line of each problem: "pos: rule R: message".
func headlines(t *testing.T, err error) []string {
	t.Helper()
	var ps Problems
	require.True(t, errors.As(err, &ps), "error %v is not a Problems", err)
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strings.SplitN(p.Error(), "\n", 2)[0]
	}
	return out
}

func TestCompileValid(t *testing.T) {
	set, err := Compile(doc(testFields(), testRules()))
	require.NoError(t, err)
	assert.Len(t, set.Rules(), 4)
	assert.Equal(t, []string{"T1", "T3", "T10"}, set.Tiers())
	assert.Equal(t, "test", set.PolicyID())
	assert.Equal(t, "1", set.PolicyVersion())
	assert.Len(t, set.PolicyHash(), 64)
	assert.Equal(t, []string{"tags", "pages"}, set.FieldsRead("big-file"), "schema order")
	assert.Nil(t, set.FieldsRead("nope"))
	for _, r := range set.Rules() {
		fast, why := set.FastPath(r.ID)
		assert.True(t, fast, "rule %s: %s", r.ID, why)
	}
}

func TestCompileExpressionErrors(t *testing.T) {
	tests := []struct {
		name, when string
		want       string
	}{
		{"typo in a field name is a load error, not a runtime false", `causee == "complex"`,
			`policy.yaml:13:11: rule r: unknown field "causee" (did you mean "cause"?)`},
		{"unknown name far from every field lists the fields", `zzzzzzzz == 1`,
			`policy.yaml:13:11: rule r: unknown field "zzzzzzzz" (declared fields: cause, category, tags, pages, score, urgent, accepted_at)`},
		{"non-boolean when", `pages + 1`,
			`policy.yaml:13:11: rule r: condition must be a boolean expression: expected bool, but got int`},
		{"now() is disabled", `now() > accepted_at`,
			`policy.yaml:13:11: rule r: now() is disabled: rules must read a time field such as accepted_at`},
		{"position of a later token, counted in runes after Chinese text", `category == "劳动争议" && pagez > 1`,
			`policy.yaml:13:33: rule r: unknown field "pagez" (did you mean "pages"?)`},
		{"syntax error", `pages >`,
			`policy.yaml:13:17: rule r: unexpected token EOF`},
		{"empty condition", ``,
			`policy.yaml:13:11: rule r: empty condition: ` + "`when`" + ` must be a boolean expression over the declared fields`},
		{"type error", `cause > 3`,
			`policy.yaml:13:17: rule r: invalid operation: > (mismatched types string and int)`},
		{"unknown value of a field with declared values", `cause == "complx"`,
			`policy.yaml:13:20: rule r: unknown value "complx" for field cause (declared values: unclear_request, incomplete_materials, complex, historical_legacy, policy_bottleneck)`},
		{"unknown value inside an in-list", `cause in ["complex", "legacy"]`,
			`policy.yaml:13:32: rule r: unknown value "legacy" for field cause (declared values: unclear_request, incomplete_materials, complex, historical_legacy, policy_bottleneck)`},
		{"date() may not name a time zone", `accepted_at > date("2025-01-01", "2006-01-02", "UTC")`,
			`policy.yaml:13:25: rule r: date() with a time zone argument is not allowed: dates are read in UTC+8`},
		{"timezone() is disabled because it reads the tz database", `timezone("Asia/Shanghai") != nil`,
			`policy.yaml:13:11: rule r: unknown field "timezone" (declared fields: cause, category, tags, pages, score, urgent, accepted_at)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(doc(testFields(), []Rule{{ID: "r", When: tt.when, Tier: "T1", Reason: "x"}}))
			require.Error(t, err)
			assert.Equal(t, []string{tt.want}, headlines(t, err))
		})
	}
}

func TestCompileNodeBudget(t *testing.T) {
	when := "pages > 0" + strings.Repeat(" && pages > 0", 20)
	spec := doc(testFields(), []Rule{{ID: "long", When: when, Tier: "T1", Reason: "x"}})
	spec.MaxNodes = 16
	_, err := Compile(spec)
	require.Error(t, err)
	got := headlines(t, err)
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "rule long: condition is too large: more than 16 expression nodes (MaxNodes)")
	spec.MaxNodes = 0 // default budget of 256 is enough
	_, err = Compile(spec)
	require.NoError(t, err)
}

func TestLints(t *testing.T) {
	ok := func(id, when, tier string) Rule { return Rule{ID: id, When: when, Tier: tier, Reason: "原因"} }
	tests := []struct {
		name  string
		rules []Rule
		edit  func(*Spec)
		want  []string
	}{
		{"duplicate id points at the second", []Rule{ok("a", `pages > 1`, "T1"), ok("a", `pages > 2`, "T1")}, nil,
			[]string{`policy.yaml:16:5: rule a: duplicate rule id "a" (first used at policy.yaml:12:5)`}},
		{"empty id", []Rule{ok("", `pages > 1`, "T1")}, nil,
			[]string{`policy.yaml:12:5: rule 1 has no id`}},
		{"malformed id", []Rule{ok("a b", `pages > 1`, "T1")}, nil,
			[]string{`policy.yaml:12:5: rule a b: rule id "a b": U+0020 ' ' is not a letter, a digit, '_', '.' or '-'`}},
		{"unknown tier", []Rule{ok("a", `pages > 1`, "T2")}, nil,
			[]string{`policy.yaml:12:5: rule a: unknown tier "T2" (declared: T1, T3, T10)`}},
		{"missing tier", []Rule{ok("a", `pages > 1`, "")}, nil,
			[]string{`policy.yaml:12:5: rule a: rule has no tier`}},
		{"empty reason", []Rule{{ID: "a", When: `pages > 1`, Tier: "T1", Reason: " "}}, nil,
			[]string{`policy.yaml:12:5: rule a: rule has no reason: say in words why this tier applies`}},
		{"rule after an always-true rule, which also reads no field", []Rule{ok("a", `pages > 1`, "T1"), ok("all", `1 == 1`, "T3"), ok("b", `pages > 2`, "T1")}, nil,
			[]string{
				`policy.yaml:17:11: rule all: condition reads no field, so it is the same for every case`,
				`policy.yaml:20:5: rule b: rule can never match: rule "all" before it always matches`,
			}},
		{"always true though it reads a field (folded by expr)", []Rule{ok("all", `pages > 1 || true`, "T1"), ok("b", `pages > 2`, "T1")}, nil,
			[]string{`policy.yaml:16:5: rule b: rule can never match: rule "all" before it always matches`}},
		{"constant false reads no field", []Rule{ok("never", `false`, "T1")}, nil,
			[]string{`policy.yaml:13:11: rule never: condition reads no field, so it is the same for every case`}},
		{"duplicate condition, up to formatting", []Rule{ok("a", `pages>1`, "T1"), ok("b", `pages  >  1`, "T3")}, nil,
			[]string{`policy.yaml:17:11: rule b: condition is the same as rule "a"'s (at policy.yaml:12:5); the later rule can never decide`}},
		{"no tiers declared", []Rule{ok("a", `pages > 1`, "T1")}, func(s *Spec) { s.Tiers = nil },
			[]string{
				`policy.yaml: no tiers declared`,
				`policy.yaml:10:1: default tier "T3" is not a declared tier (declared: )`,
				`policy.yaml:12:5: rule a: unknown tier "T1" (declared: )`,
			}},
		{"duplicate and empty tiers", []Rule{ok("a", `pages > 1`, "T1")}, func(s *Spec) { s.Tiers = []string{"T1", "T1", "", "T3"} },
			[]string{`policy.yaml: duplicate tier "T1"`, `policy.yaml: empty tier id`}},
		{"default missing", []Rule{ok("a", `pages > 1`, "T1")}, func(s *Spec) { s.Default = Default{} },
			[]string{
				`policy.yaml: default tier is missing: a policy must say which tier applies when no rule matches`,
				`policy.yaml: default reason is empty: say why the default tier applies`,
			}},
		{"default unknown tier", []Rule{ok("a", `pages > 1`, "T1")}, func(s *Spec) { s.Default.Tier = "T5" },
			[]string{`policy.yaml:10:1: default tier "T5" is not a declared tier (declared: T1, T3, T10)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := doc(testFields(), tt.rules)
			if tt.edit != nil {
				tt.edit(&spec)
			}
			_, err := Compile(spec)
			require.Error(t, err)
			assert.Equal(t, tt.want, headlines(t, err))
		})
	}
}

func TestSchemaErrors(t *testing.T) {
	rule := []Rule{{ID: "a", When: `pages > 1`, Tier: "T1", Reason: "x"}}
	pages := Field{Name: "pages", Type: Int}
	tests := []struct {
		name  string
		field Field
		want  string
	}{
		{"empty name", Field{Type: String}, `policy.yaml:3:5: field has no name`},
		{"not an identifier", Field{Name: "1st", Type: String}, `policy.yaml:3:5: field 1st: field name "1st" is not a name rules can read: it starts with the digit "1", where expr reads a number`},
		{"keyword", Field{Name: "matches", Type: String}, `policy.yaml:3:5: field matches: field name "matches" is an expr keyword; choose another name`},
		{"builtin", Field{Name: "len", Type: String}, `policy.yaml:3:5: field len: field name "len" is an expr builtin function; choose another name`},
		{"duplicate", Field{Name: "pages", Type: Int}, `policy.yaml:3:5: field pages: duplicate field "pages" (first declared at policy.yaml:2:5)`},
		{"unknown type", Field{Name: "x", Type: Type(42)}, `policy.yaml:3:5: field x: unknown type type(42) (expected string, int, float, bool, time or []string)`},
		{"default of the wrong type", Field{Name: "x", Type: Int, Default: "3"}, `policy.yaml:3:5: field x: default 3 (string) is not a int (Go type int)`},
		{"float default must be float64", Field{Name: "x", Type: Float, Default: 3}, `policy.yaml:3:5: field x: default 3 (int) is not a float (Go type float64)`},
		{"values on a non-string field", Field{Name: "x", Type: Int, Values: []string{"1"}}, `policy.yaml:3:5: field x: values are only allowed for string and []string fields, not int`},
		{"duplicate value", Field{Name: "x", Type: String, Values: []string{"a", "a"}}, `policy.yaml:3:5: field x: duplicate value "a"`},
		{"default outside values", Field{Name: "x", Type: String, Values: []string{"a"}, Default: "b"}, `policy.yaml:3:5: field x: default b is not one of the declared values (a)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(doc([]Field{pages, tt.field}, rule))
			require.Error(t, err)
			assert.Equal(t, []string{tt.want}, headlines(t, err))
		})
	}
}

func TestProblemsErrorsAs(t *testing.T) {
	_, err := Compile(doc(testFields(), []Rule{{ID: "a", When: `x`, Tier: "T9", Reason: "x"}}))
	require.Error(t, err)
	var pp *Problems
	require.True(t, errors.As(err, &pp))
	assert.Len(t, *pp, 2)
	var ps Problems
	require.True(t, errors.As(err, &ps))
	assert.Len(t, ps, 2)
	var one Problem
	require.True(t, errors.As(err, &one))
	assert.Equal(t, "a", one.Rule)
	assert.Equal(t, pp.Error(), err.Error())
}

func TestCompileDoesNotMutateSpec(t *testing.T) {
	spec := doc(testFields(), testRules())
	before := doc(testFields(), testRules())
	set, err := Compile(spec)
	require.NoError(t, err)
	assert.Equal(t, before, spec)
	fields := set.Fields()
	fields[0].Values[0] = "changed"
	assert.Equal(t, "unclear_request", set.Fields()[0].Values[0])
}

func TestPositionString(t *testing.T) {
	assert.Equal(t, "a.yaml:3:7", Position{File: "a.yaml", Line: 3, Column: 7}.String())
	assert.Equal(t, "a.yaml:3", Position{File: "a.yaml", Line: 3}.String())
	assert.Equal(t, "3:7", Position{Line: 3, Column: 7}.String())
	assert.Equal(t, "a.yaml", Position{File: "a.yaml"}.String())
	assert.Equal(t, "", Position{}.String())
}

func TestParseType(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Type
	}{{"string", String}, {"int", Int}, {"float", Float}, {"bool", Bool}, {"time", Time}, {"[]string", StringList}, {"list<string>", StringList}, {"list of string", StringList}, {"strings", StringList}, {" int ", Int}} {
		got, err := ParseType(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got)
		assert.Equal(t, strings.TrimSpace(typeNames[got]), got.String())
	}
	_, err := ParseType("integer")
	assert.EqualError(t, err, `unknown field type "integer" (expected string, int, float, bool, time or []string)`)
	assert.Equal(t, "type(0)", Type(0).String())
}

func TestHashIgnoresPositionsButNotRules(t *testing.T) {
	a, err := Compile(doc(testFields(), testRules()))
	require.NoError(t, err)
	spec := doc(testFields(), testRules())
	spec.Source = nil
	for i := range spec.Rules {
		spec.Rules[i].Pos.Line += 100
	}
	b, err := Compile(spec)
	require.NoError(t, err)
	assert.Equal(t, a.PolicyHash(), b.PolicyHash())
	spec.Rules[0].Tier = "T3"
	c, err := Compile(spec)
	require.NoError(t, err)
	assert.NotEqual(t, a.PolicyHash(), c.PolicyHash())
	spec.PolicyHash = "given"
	d, err := Compile(spec)
	require.NoError(t, err)
	assert.Equal(t, "given", d.PolicyHash())
}
