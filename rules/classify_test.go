package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
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

// shapeFields and shapeWhens are the shapes of a typical tier policy's tests — conjunctions of
// ==, != and in on single fields, list membership, bare booleans — over fields with and without
// declared Values and defaults.
func shapeFields() []Field {
	return []Field{
		{Name: "cause", Type: String, Values: []string{"a", "b", "c", "complex", "问题", ""}},
		{Name: "name", Type: String},
		{Name: "tags", Type: StringList},
		{Name: "ok", Type: Bool},
		{Name: "grade", Type: String, Values: []string{"x", "y"}, Default: "y"},
		{Name: "kinds", Type: StringList, Values: []string{"p", "q"}, Default: []string{"p"}},
		{Name: "note", Type: String, Default: "n"},
		{Name: "n", Type: Int},
		{Name: "at", Type: Time},
	}
}

var shapeWhens = []string{
	`cause == "a"`, `cause != "问题"`, `"b" == cause`, `"complex" != cause`, `cause in ["a", "c"]`, `cause not in ["a", "complex"]`,
	`!(cause == "c")`, `name == "x"`, `name != "y"`, `"x" == name`, `name in ["x", "y", "问题"]`, `name not in ["x", ""]`,
	`"x" in tags`, `"x" not in tags`, `"q" in kinds`, `ok`, `!ok`, `not ok`,
	`cause == "b" && grade == "x"`, `"x" in tags && cause != "a" && ok`, `grade in ["x"] and name == "" and "p" in kinds`,
	`cause == "" && note == "n"`,
}

func shapeSpec() Spec {
	rules := make([]Rule, len(shapeWhens))
	for i, w := range shapeWhens {
		rules[i] = Rule{ID: "p" + string(rune('a'+i)), When: w, Tier: "T1", Reason: "x"}
	}
	return doc(shapeFields(), rules)
}

type namedString string

// oddInput draws an input for shapeSpec, often with a fault or a value that is not of the
// canonical Go type; it returns which kind (the case of the switch, -1 for none).
func oddInput(r *rand.Rand) (map[string]any, int) {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	words := []string{"", "x", "y", "问题", "a", "p", "q"}
	tags := make([]string, r.IntN(4))
	for i := range tags {
		tags[i] = pick(words...)
	}
	in := map[string]any{
		"cause": pick("a", "b", "c", "complex", "问题", ""),
		"name":  pick(words...),
		"tags":  tags,
		"ok":    r.IntN(2) == 0,
		"grade": pick("x", "y"),
		"kinds": []string{pick("p", "q")},
		"note":  pick("n", "m"),
		"n":     r.IntN(5),
		"at":    "2025-03-06T16:30:00Z",
	}
	kind := r.IntN(15)
	switch kind {
	case 0:
		delete(in, pick("cause", "name", "grade", "kinds", "note", "n", "at", "ok"))
	case 1:
		in[pick("cause", "name", "grade", "kinds", "note", "tags")] = nil
	case 2:
		in[pick("cause", "name", "grade", "kinds", "note", "tags", "ok", "n", "at")] = 2.5
	case 3:
		in[pick("cause", "grade")] = "zz"
	case 4:
		in["kinds"] = []string{"p", "zz"}
	case 5:
		in[pick("cause", "name")] = namedString(pick("a", "x"))
	case 6:
		in["tags"] = []any{pick(words...), "x"}
	case 7:
		in["tags"] = []any{"x", 3}
	case 8:
		in["at"] = "not a time"
	case 9:
		in[pick("extra", "tag", "Cause")] = 1 // undeclared, and with a close name
	case 10:
		in["tag"] = []string{"x"}
		in["cause"] = "zz" // the undeclared key is named before the bad value
	case 11:
		in["name"] = strings.Repeat("x", MaxStringLen+r.IntN(2)) // at and just past the bound
	case 12:
		in[pick("tags", "kinds")] = make([]string, MaxListLen+r.IntN(2))
	default:
		kind = -1
	}
	return in, kind
}

// On a policy of the typical shape, strict and ignoring undeclared keys, Classify gives the same
// decisions and the same errors whether the rules run as closures or on expr's VM, on inputs
// with every kind of fault, with values not of the canonical Go type (a named string type, a
// []any list) and with values at and past the input bounds; the input is never mutated, a
// refused input is a *FieldError, and an undeclared key is named before a bad value.
func TestClassifyOddInputs(t *testing.T) {
	for _, extra := range []ExtraInput{RejectExtra, IgnoreExtra} {
		t.Run(extra.String(), func(t *testing.T) {
			spec := shapeSpec()
			spec.ExtraInput = extra
			sets := bothPaths(t, spec)
			set, vm := sets["closure tree"], sets["expr VM"]
			r := rand.New(rand.NewPCG(3, 4))
			refused := 0
			for i := 0; i < 1000; i++ {
				in, kind := oddInput(r)
				before := fmt.Sprint(in)
				d, err := set.Classify(in)
				dv, errv := vm.Classify(in)
				require.Equal(t, before, fmt.Sprint(in), "input mutated")
				if errv != nil {
					refused++
					require.EqualError(t, err, errv.Error(), "input %v", in)
					var fe *FieldError
					require.ErrorAs(t, err, &fe)
					assert.Equal(t, Decision{}, d)
					if kind == 10 && extra == RejectExtra {
						assert.Equal(t, "tag", fe.Field)
					}
					continue
				}
				require.NoError(t, err, "input %v", in)
				// Kinds 2, 3, 4, 7, 8 and 10 always make a fault, 9 in a strict policy.
				fault := kind == 2 || kind == 3 || kind == 4 || kind == 7 || kind == 8 || kind == 10 || kind == 9 && extra == RejectExtra
				assert.False(t, fault, "input %v of kind %d has a fault but was accepted", in, kind)
				assert.Equal(t, dv.Tier, d.Tier)
				assert.Equal(t, dv.RuleID, d.RuleID)
				assert.Equal(t, dv.Default, d.Default)
				assert.Equal(t, dv.Evaluations(), d.Evaluations(), "input %v", in)
				assert.Equal(t, dv.Shadowed(), d.Shadowed())
				assert.Equal(t, dv.Fields, d.Fields, "input %v", in)
				assert.Equal(t, dv.Ignored, d.Ignored, "input %v", in)
			}
			assert.Greater(t, refused, 100, "the inputs include faults")
		})
	}
}

// A caller changing a decision's Fields (built per call for a rule that reads a list) must
// not reach another decision or the evaluation of later inputs.
func TestFieldsNotShared(t *testing.T) {
	set, err := Compile(benchSpec())
	require.NoError(t, err)
	in := benchInputs()[7] // cross-department: reads tags and cause
	d1, err := set.Classify(in)
	require.NoError(t, err)
	require.Equal(t, "cross-department", d1.RuleID)
	d1.Fields[0].Value = "changed"
	d2, err := set.Classify(in)
	require.NoError(t, err)
	assert.Equal(t, "other_objective", d2.Fields[0].Value)
}

// valueIndex, the one look-up of a declared value, finds each value at its position and no
// near miss: another case, a prefix, a longer text, or any text for a field without Values.
func TestValueIndex(t *testing.T) {
	vals := []string{"unclear_request", "incomplete_materials", "other_objective", "complex", "", "问题"}
	set, err := Compile(doc([]Field{{Name: "cause", Type: String, Values: vals}, {Name: "name", Type: String}},
		[]Rule{{ID: "r", When: `cause == "complex" && name == "x"`, Tier: "T1", Reason: "x"}}))
	require.NoError(t, err)
	for i, v := range vals {
		assert.Equal(t, i, set.valueIndex(0, v), v)
	}
	for _, v := range []string{"x", "unclear_requesT", "Complex", "问", "other_objectives", " "} {
		assert.Equal(t, -1, set.valueIndex(0, v), v)
	}
	assert.Equal(t, -1, set.valueIndex(1, "x"), "a field without Values declares none")

	// Codes of one length that differ only between their first, middle and last characters
	// all start their search in one place; each is still found, and nothing else is.
	codes := make([]string, 200)
	for i := range codes {
		codes[i] = fmt.Sprintf("C%03dxx%03dZ", i, i)
	}
	set, err = Compile(doc([]Field{{Name: "code", Type: String, Values: codes}},
		[]Rule{{ID: "r", When: `code == "C000xx000Z"`, Tier: "T1", Reason: "x"}}))
	require.NoError(t, err)
	for i, v := range codes {
		require.Equal(t, i, set.valueIndex(0, v), v)
	}
	assert.Equal(t, -1, set.valueIndex(0, "C999xx999Z"))
	assert.Equal(t, -1, set.valueIndex(0, strings.Repeat("C", MaxStringLen)))
}
