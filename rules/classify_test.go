package rules

import (
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testSet(t testing.TB) *Set {
	t.Helper()
	set, err := Compile(doc(testFields(), testRules()))
	require.NoError(t, err)
	return set
}

func TestClassify(t *testing.T) {
	set := testSet(t)
	tests := []struct {
		name     string
		input    map[string]any
		tier     string
		rule     string
		shadowed []string
		fields   []FieldValue
	}{
		{"first match wins: legacy before the big-file rule", map[string]any{"cause": "historical_legacy", "pages": 500},
			"T10", "legacy", []string{"big-file"}, []FieldValue{{"cause", "historical_legacy"}}},
		{"complex case", map[string]any{"cause": "complex"},
			"T3", "complex", nil, []FieldValue{{"cause", "complex"}}},
		{"big file reads tags and pages, defaults applied", map[string]any{"cause": "unclear_request", "pages": 101},
			"T3", "big-file", []string{"simple"}, []FieldValue{{"tags", []string{}}, {"pages", 101}}},
		{"a tag in a list field", map[string]any{"cause": "unclear_request", "tags": []any{"big"}},
			"T3", "big-file", []string{"simple"}, []FieldValue{{"tags", []string{"big"}}, {"pages", 0}}},
		{"simple objective cause", map[string]any{"cause": "incomplete_materials"},
			"T1", "simple", nil, []FieldValue{{"cause", "incomplete_materials"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := set.Classify(tt.input)
			require.NoError(t, err)
			assert.Equal(t, tt.tier, d.Tier)
			assert.Equal(t, tt.rule, d.RuleID)
			assert.False(t, d.Default)
			assert.Equal(t, tt.shadowed, d.Shadowed())
			assert.Equal(t, tt.fields, d.Fields)
			assert.Equal(t, "test", d.PolicyID)
			assert.Equal(t, set.PolicyHash(), d.PolicyHash)
		})
	}
}

func TestClassifyDefaultAndEvaluations(t *testing.T) {
	set, err := Compile(doc(testFields(), testRules()[:3]))
	require.NoError(t, err)
	d, err := set.Classify(map[string]any{"cause": "unclear_request"})
	require.NoError(t, err)
	assert.True(t, d.Default)
	assert.Equal(t, "T3", d.Tier)
	assert.Equal(t, "", d.RuleID)
	assert.Equal(t, "未能归类的诉求按3个工作日办理", d.Reason)
	assert.Nil(t, d.Fields)
	assert.Nil(t, d.Shadowed())
	assert.Equal(t, []Evaluation{{"legacy", false}, {"complex", false}, {"big-file", false}}, d.Evaluations())
	assert.Equal(t, "T3 by default (未能归类的诉求按3个工作日办理) — policy test v1", d.String())

	d, err = set.Classify(map[string]any{"cause": "policy_bottleneck", "tags": []string{"big"}})
	require.NoError(t, err)
	assert.Equal(t, []Evaluation{{"legacy", true}, {"complex", false}, {"big-file", true}}, d.Evaluations())
	assert.Equal(t, 2, d.Matches())
	assert.Equal(t, "T10 by rule legacy (历史遗留、政策瓶颈) — policy test v1", d.String())
	var zero Decision
	assert.Nil(t, zero.Evaluations())
}

func TestDecisionJSON(t *testing.T) {
	set := testSet(t)
	d, err := set.Classify(map[string]any{"cause": "complex", "accepted_at": "2025-03-06T16:30:00Z"})
	require.NoError(t, err)
	out, err := json.Marshal(d)
	require.NoError(t, err)
	assert.JSONEq(t, `{"tier":"T3","rule":"complex","reason":"问题比较复杂","basis":"","default":false,
		"policy":{"id":"test","version":"1","hash":"`+set.PolicyHash()+`"},
		"fields":{"cause":"complex"},
		"evaluated":[{"rule":"legacy","matched":false},{"rule":"complex","matched":true},{"rule":"big-file","matched":false},{"rule":"simple","matched":false}],
		"shadowed":[]}`, string(out))
}

func TestClassifyInputErrors(t *testing.T) {
	set := testSet(t)
	tests := []struct {
		name  string
		input map[string]any
		want  string
	}{
		{"missing required field", map[string]any{"pages": 1}, `rules: field "cause": is required (string) but missing from the input`},
		{"null required field", map[string]any{"cause": nil}, `rules: field "cause": is null; a string is required`},
		{"wrong type", map[string]any{"cause": 3}, `rules: field "cause": expected string, got int`},
		{"value outside Values", map[string]any{"cause": "bored"}, `rules: field "cause": value "bored" is not one of the declared values (unclear_request, incomplete_materials, complex, historical_legacy, policy_bottleneck)`},
		{"int field given a fraction", map[string]any{"cause": "complex", "pages": 1.5}, `rules: field "pages": expected int, got non-integral or out-of-range number 1.5`},
		{"int field out of range", map[string]any{"cause": "complex", "pages": uint64(1 << 63)}, `rules: field "pages": value 9223372036854775808 out of range for int`},
		{"bool field given a string", map[string]any{"cause": "complex", "urgent": "yes"}, `rules: field "urgent": expected bool, got string`},
		{"time field given bad text", map[string]any{"cause": "complex", "accepted_at": "yesterday"}, `rules: field "accepted_at": expected time (time.Time or RFC 3339 text), got "yesterday"`},
		{"list with a non-string", map[string]any{"cause": "complex", "tags": []any{"a", 1}}, `rules: field "tags": element 1: expected string, got int`},
		{"first bad field in schema order is named", map[string]any{"cause": "complex", "pages": "x", "urgent": "x", "score": "x"}, `rules: field "pages": expected int, got string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := set.Classify(tt.input)
			require.Error(t, err)
			assert.EqualError(t, err, tt.want)
			var fe *FieldError
			assert.True(t, errors.As(err, &fe))
		})
	}
}

func TestClassifyConversions(t *testing.T) {
	set, err := Compile(doc(testFields(), []Rule{
		{ID: "late", When: `accepted_at >= date("2025-03-07") && pages == 3 && score > 2`, Tier: "T1", Reason: "x"},
	}))
	require.NoError(t, err)
	for _, pages := range []any{3, int8(3), int64(3), uint(3), uint32(3), 3.0, json.Number("3")} {
		// 2025-03-06T16:30Z is Friday 2025-03-07 00:30 in Beijing: date()
		// and time fields both read UTC+8.
		d, err := set.Classify(map[string]any{"cause": "complex", "pages": pages, "score": json.Number("2.5"), "accepted_at": "2025-03-06T16:30:00Z"})
		require.NoError(t, err, "%T", pages)
		assert.Equal(t, "late", d.RuleID, "%T", pages)
		at := d.Fields[2].Value.(time.Time)
		assert.Equal(t, "2025-03-07 00:30:00 +0800 CST", at.String())
	}
	d, err := set.Classify(map[string]any{"cause": "complex", "pages": 3, "score": 3, "accepted_at": time.Date(2025, 3, 6, 15, 59, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.True(t, d.Default, "2025-03-06 23:59 in Beijing is before 2025-03-07")
}

func TestClassifyStruct(t *testing.T) {
	type cause string
	type input struct {
		Cause    cause    `expr:"cause"`
		Pages    int64    `expr:"pages"`
		Tags     []string `expr:"tags"`
		Ignored  string   `expr:"-"`
		Category string   `expr:"category"`
	}
	fields, err := SchemaFromStruct(&input{})
	require.NoError(t, err)
	assert.Equal(t, []Field{{Name: "cause", Type: String}, {Name: "pages", Type: Int}, {Name: "tags", Type: StringList}, {Name: "category", Type: String}}, fields)
	set := testSet(t)
	d, err := set.ClassifyStruct(input{Cause: "complex", Pages: 500})
	require.NoError(t, err)
	assert.Equal(t, "complex", d.RuleID)
	assert.Equal(t, []string{"big-file"}, d.Shadowed())
	_, err = set.ClassifyStruct(3)
	assert.EqualError(t, err, "rules: ClassifyStruct needs a struct or pointer to struct, got int")
	_, err = SchemaFromStruct(struct{ M map[string]int }{})
	assert.EqualError(t, err, "rules: struct struct { M map[string]int } field M: unsupported type map[string]int (want string, integer, float, bool, time.Time or []string)")
}

func TestClassifyDoesNotMutateInput(t *testing.T) {
	set := testSet(t)
	in := map[string]any{"cause": "unclear_request", "tags": []string{"big"}}
	d, err := set.Classify(in)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"cause": "unclear_request", "tags": []string{"big"}}, in)
	assert.Equal(t, "big-file", d.RuleID)
}

func TestFallbackPath(t *testing.T) {
	set, err := Compile(doc(testFields(), []Rule{
		{ID: "modulo", When: `pages % 2 == 1`, Tier: "T1", Reason: "odd"},
		{ID: "any", When: `any(tags, # startsWith "x")`, Tier: "T3", Reason: "x-tag"},
	}))
	require.NoError(t, err)
	fast, why := set.FastPath("modulo")
	assert.False(t, fast)
	assert.Equal(t, "operator % on int and int", why)
	d, err := set.Classify(map[string]any{"cause": "complex", "pages": 3, "tags": []string{"xy"}})
	require.NoError(t, err)
	assert.Equal(t, "modulo", d.RuleID)
	assert.Equal(t, []string{"any"}, d.Shadowed())
	assert.Equal(t, []FieldValue{{"pages", 3}}, d.Fields)

	// A run-time failure names the rule and is never "no match".
	set, err = Compile(doc(testFields(), []Rule{{ID: "div", When: `10 % pages == 0`, Tier: "T1", Reason: "x"}}))
	require.NoError(t, err)
	_, err = set.Classify(map[string]any{"cause": "complex", "pages": 0})
	require.Error(t, err)
	var re *RuleError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, "div", re.Rule)
	assert.Contains(t, err.Error(), "rules: policy.yaml:12:5: rule div: ")
}

func TestClassifyConcurrent(t *testing.T) {
	set := testSet(t)
	inputs := []map[string]any{
		{"cause": "historical_legacy"}, {"cause": "complex"}, {"cause": "unclear_request", "pages": 200}, {"cause": "incomplete_materials"},
	}
	want := []string{"legacy", "complex", "big-file", "simple"}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				d, err := set.Classify(inputs[(i+g)%len(inputs)])
				if !assert.NoError(t, err) || !assert.Equal(t, want[(i+g)%len(inputs)], d.RuleID) {
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestClassifyAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	set, err := Compile(benchSpec())
	require.NoError(t, err)
	for _, in := range benchInputs() {
		n := testing.AllocsPerRun(50, func() { _, _ = set.Classify(in) })
		assert.LessOrEqual(t, n, 1.0, "input %v", in)
	}
}

func TestManyRules(t *testing.T) {
	var rules []Rule
	for i := 0; i < 70; i++ {
		rules = append(rules, Rule{ID: "r" + strconv.Itoa(i), When: `pages >= ` + strconv.Itoa(i%10) + ` && score >= ` + strconv.Itoa(i), Tier: "T1", Reason: "x"})
	}
	set, err := Compile(doc(testFields(), rules))
	require.NoError(t, err)
	d, err := set.Classify(map[string]any{"cause": "complex", "pages": 9, "score": 100.0})
	require.NoError(t, err)
	assert.Equal(t, "r0", d.RuleID)
	assert.Len(t, d.Shadowed(), 69)
	evs := d.Evaluations()
	assert.True(t, evs[69].Matched)
	d, err = set.Classify(map[string]any{"cause": "complex", "pages": 9, "score": 66.5})
	require.NoError(t, err)
	assert.Equal(t, []string{"r1", "r2"}, d.Shadowed()[:2])
	assert.False(t, d.Evaluations()[67].Matched)
}

// Decision.Fields is the same whether it comes from the precomputed table
// (rules reading only fields with declared Values) or is built per call.
func TestDecisionFieldsTable(t *testing.T) {
	set, err := Compile(benchSpec())
	require.NoError(t, err)
	tabled := 0
	for _, in := range benchInputs() {
		d, err := set.Classify(in)
		require.NoError(t, err)
		r := set.rules[set.byID[d.RuleID]]
		if r.fieldsTab != nil {
			tabled++
		}
		var want []FieldValue
		for _, name := range set.FieldsRead(d.RuleID) {
			want = append(want, FieldValue{name, in[name]})
		}
		assert.Equal(t, want, d.Fields, "rule %s", d.RuleID)
	}
	assert.Equal(t, 8, tabled, "decisions whose Fields come from the table")
	applicant := set.rules[set.byID["enterprise-complex"]]
	assert.Nil(t, applicant.fieldsTab, "category has no declared values")
}
