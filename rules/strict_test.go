package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// typicalSpec is testFields with rules of the typical tier-policy shape: conjunctions of simple
// tests on single fields.
func typicalSpec() Spec {
	return doc(testFields(), []Rule{
		testRules()[0], testRules()[1], testRules()[3],
		{ID: "big", When: `"big" in tags`, Tier: "T3", Reason: "材料很多"},
		{ID: "cat", When: `category == "x" && !urgent`, Tier: "T1", Reason: "x"},
	})
}

// bothPaths compiles spec as Compile does (every rule on the closure tree) and for expr's VM
// alone, so that every check is seen whichever way the rules run.
func bothPaths(t *testing.T, spec Spec) map[string]*Set {
	t.Helper()
	set, err := Compile(spec)
	require.NoError(t, err)
	for _, r := range set.rules {
		require.NotNil(t, r.fast, "rule %s must run on the closure tree: %s", r.ID, r.slow)
	}
	return map[string]*Set{"closure tree": set, "expr VM": compileVMOnly(t, spec)}
}

func TestUndeclaredInputKeys(t *testing.T) {
	tests := []struct {
		name  string
		input map[string]any
		field string // the key the error names
		want  string
	}{
		{"a misspelt list field is named with the declared one it resembles",
			map[string]any{"cause": "complex", "tag": []string{"big"}}, "tag",
			`rules: unknown input field "tag" (did you mean "tags"?)`},
		{"a key like no field lists the declared fields",
			map[string]any{"cause": "complex", "department": "x"}, "department",
			`rules: unknown input field "department" (declared fields: cause, category, tags, pages, score, urgent, accepted_at)`},
		{"a misspelt required field is named instead of the missing field",
			map[string]any{"casue": "complex"}, "casue",
			`rules: unknown input field "casue" (did you mean "cause"?)`},
		{"an undeclared key is named before a bad value",
			map[string]any{"cause": "bored", "Pages": 3}, "Pages",
			`rules: unknown input field "Pages" (did you mean "pages"?)`},
		{"an undeclared key holding nil is still undeclared",
			map[string]any{"cause": "complex", "extra": nil}, "extra",
			`rules: unknown input field "extra" (declared fields: cause, category, tags, pages, score, urgent, accepted_at)`},
		{"several: the first in sorted order is named, the others counted",
			map[string]any{"cause": "complex", "zz": 1, "tag": 1, "b": 1}, "b",
			`rules: unknown input field "b" (declared fields: cause, category, tags, pages, score, urgent, accepted_at); 2 more undeclared: "tag", "zz"`},
		{"a huge key is quoted cut short",
			map[string]any{"cause": "complex", strings.Repeat("k", 1000): 1}, strings.Repeat("k", 1000),
			`rules: unknown input field "` + strings.Repeat("k", 64) + `"… (1000 bytes) (declared fields: cause, category, tags, pages, score, urgent, accepted_at)`},
		{"a flood of keys names the smallest few and counts the rest", flood(10000), "k00000",
			`rules: unknown input field "k00000" (declared fields: cause, category, tags, pages, score, urgent, accepted_at); 9999 more undeclared: "k00001", "k00002", "k00003", "k00004", "k00005" and 9994 more`},
	}
	for name, set := range bothPaths(t, typicalSpec()) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				_, err := set.Classify(tt.input)
				var fe *FieldError
				require.ErrorAs(t, err, &fe)
				assert.True(t, fe.Unknown)
				assert.Equal(t, tt.field, fe.Field)
				assert.EqualError(t, err, tt.want)
			})
		}
	}
}

// flood is a valid input plus n undeclared keys k00000, k00001, ….
func flood(n int) map[string]any {
	in := map[string]any{"cause": "complex"}
	for i := 0; i < n; i++ {
		in[fmt.Sprintf("k%05d", i)] = i
	}
	return in
}

func TestIgnoredInputKeys(t *testing.T) {
	spec := typicalSpec()
	spec.ExtraInput = IgnoreExtra
	for name, set := range bothPaths(t, spec) {
		t.Run(name, func(t *testing.T) {
			d, err := set.Classify(map[string]any{"cause": "complex", "zz": 1, "tag": []string{"big"}})
			require.NoError(t, err)
			assert.Equal(t, "complex", d.RuleID)
			assert.Equal(t, []string{"tag", "zz"}, d.Ignored, "sorted")
			assert.Equal(t, `T3 by rule complex (问题比较复杂) — policy test v1; ignored input fields: "tag", "zz"`, d.String())
			out, err := json.Marshal(d)
			require.NoError(t, err)
			assert.Contains(t, string(out), `"shadowed":[],"ignored":["tag","zz"]}`)

			d, err = set.Classify(map[string]any{"cause": "complex"})
			require.NoError(t, err)
			assert.Nil(t, d.Ignored, "nothing ignored")
			out, err = json.Marshal(d)
			require.NoError(t, err)
			assert.NotContains(t, string(out), "ignored", "the key is left out when nothing was ignored")

			_, err = set.Classify(map[string]any{"cause": 3, "zz": 1})
			assert.EqualError(t, err, `rules: field "cause": expected string, got int`, "ignored keys do not hide a bad value")

			d, err = set.Classify(flood(maxIgnored))
			require.NoError(t, err)
			assert.Len(t, d.Ignored, maxIgnored)
			assert.Contains(t, d.String(), `; ignored input fields: "k00000", "k00001", "k00002", "k00003", "k00004" and 251 more`)
			_, err = set.Classify(flood(maxIgnored + 1))
			assert.EqualError(t, err, "rules: the input has 257 fields the policy does not declare, more than the 256 it ignores")
		})
	}
	strict, err := Compile(doc(testFields(), testRules()))
	require.NoError(t, err)
	ignoring, err := Compile(spec)
	require.NoError(t, err)
	assert.NotEqual(t, strict.PolicyHash(), ignoring.PolicyHash(), "the treatment of extra keys is part of the hash")

	spec.ExtraInput = 7
	_, err = Compile(spec)
	assert.ErrorContains(t, err, "unknown treatment of extra input fields ExtraInput(7) (expected reject or ignore)")
}

func TestParseExtraInput(t *testing.T) {
	for _, e := range []ExtraInput{RejectExtra, IgnoreExtra} {
		got, err := ParseExtraInput(e.String())
		require.NoError(t, err)
		assert.Equal(t, e, got)
	}
	_, err := ParseExtraInput("Ignore")
	assert.EqualError(t, err, `unknown treatment of extra input fields "Ignore" (expected reject or ignore)`)
}

// Struct fields are input keys too: one the schema does not declare is refused (a misspelt tag),
// unless tagged expr:"-" or the policy ignores undeclared keys.
func TestClassifyStructUndeclaredFields(t *testing.T) {
	type input struct {
		Cause string   `expr:"cause"`
		Tags  []string `expr:"tag"` // misspelt
		ID    int      `expr:"-"`
	}
	set := testSet(t)
	_, err := set.ClassifyStruct(input{Cause: "complex", Tags: []string{"big"}})
	assert.EqualError(t, err, `rules: unknown input field "tag" (did you mean "tags"?)`)

	spec := doc(testFields(), testRules())
	spec.ExtraInput = IgnoreExtra
	ignoring, err := Compile(spec)
	require.NoError(t, err)
	d, err := ignoring.ClassifyStruct(&input{Cause: "complex", Tags: []string{"big"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"tag"}, d.Ignored)
}

// Input values are bounded, so that with the language subset the work of one classification
// is bounded: texts by MaxStringLen bytes, lists by MaxListLen elements of such texts. The
// bound itself is allowed; one past it is a *FieldError naming the field, on both paths.
func TestInputValueBounds(t *testing.T) {
	long := strings.Repeat("x", MaxStringLen)
	tests := []struct {
		name  string
		input map[string]any
		want  string // "" when accepted
	}{
		{"a text of MaxStringLen bytes", map[string]any{"cause": "complex", "category": long}, ""},
		{"a text one byte longer", map[string]any{"cause": "complex", "category": long + "x"},
			`rules: field "category": text is 16385 bytes long, more than the 16384 allowed (rules.MaxStringLen)`},
		{"an enum text far too long is refused by length, not quoted whole", map[string]any{"cause": long + long},
			`rules: field "cause": text is 32768 bytes long, more than the 16384 allowed (rules.MaxStringLen)`},
		{"a list of MaxListLen elements", map[string]any{"cause": "complex", "tags": make([]string, MaxListLen)}, ""},
		{"a list one element longer", map[string]any{"cause": "complex", "tags": make([]string, MaxListLen+1)},
			`rules: field "tags": list has 257 elements, more than the 256 allowed (rules.MaxListLen)`},
		{"a []any list one element longer", map[string]any{"cause": "complex", "tags": make([]any, MaxListLen+1)},
			`rules: field "tags": list has 257 elements, more than the 256 allowed (rules.MaxListLen)`},
		{"a list element too long", map[string]any{"cause": "complex", "tags": []string{"a", long + "x"}},
			`rules: field "tags": element 1: text is 16385 bytes long, more than the 16384 allowed (rules.MaxStringLen)`},
		{"a time text far too long", map[string]any{"cause": "complex", "accepted_at": long},
			`rules: field "accepted_at": expected time (time.Time or RFC 3339 text), got "` + strings.Repeat("x", 64) + `"… (16384 bytes)`},
	}
	// Read and unread fields are validated alike.
	specs := map[string]Spec{
		"category is read":     typicalSpec(),
		"category is not read": doc(testFields(), []Rule{testRules()[0], {ID: "big", When: `"big" in tags`, Tier: "T3", Reason: "x"}}),
	}
	for specName, spec := range specs {
		for name, set := range bothPaths(t, spec) {
			for _, tt := range tests {
				t.Run(specName+"/"+name+"/"+tt.name, func(t *testing.T) {
					_, err := set.Classify(tt.input)
					if tt.want == "" {
						assert.NoError(t, err)
						return
					}
					var fe *FieldError
					require.True(t, errors.As(err, &fe), "%v", err)
					assert.EqualError(t, err, tt.want)
				})
			}
		}
	}
}

// FuzzInputKeys: any extra key, with any text value, is on both paths either a declared field
// (accepted or refused by its value) or, when undeclared, refused naming that very key; with
// IgnoreExtra it is listed in Decision.Ignored instead.
func FuzzInputKeys(f *testing.F) {
	for _, k := range []string{"tag", "tags", "cause", "Cause", "", "问题", "$env", strings.Repeat("k", 300)} {
		f.Add(k, "big")
	}
	strict := typicalSpec()
	ignoring := typicalSpec()
	ignoring.ExtraInput = IgnoreExtra
	sets := map[ExtraInput][]*Set{}
	for _, spec := range []Spec{strict, ignoring} {
		set, err := Compile(spec)
		require.NoError(f, err)
		sets[spec.ExtraInput] = []*Set{set, compileVMOnly(f, spec)}
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		in := map[string]any{"cause": "complex", key: value}
		_, declared := sets[RejectExtra][0].index[key]
		for extra, pair := range sets {
			d0, err0 := pair[0].Classify(in)
			d1, err1 := pair[1].Classify(in)
			require.Equal(t, err0 == nil, err1 == nil)
			if err0 != nil {
				require.Equal(t, err0.Error(), err1.Error())
				var fe *FieldError
				require.True(t, errors.As(err0, &fe), "%v", err0)
				if !declared {
					require.Equal(t, RejectExtra, extra, "an ignoring policy refused an undeclared key: %v", err0)
					require.True(t, fe.Unknown)
					require.Equal(t, key, fe.Field)
				}
				continue
			}
			require.Equal(t, d0.Ignored, d1.Ignored)
			require.Equal(t, d0.RuleID, d1.RuleID)
			if declared {
				require.Nil(t, d0.Ignored)
			} else {
				require.Equal(t, IgnoreExtra, extra, "a strict policy accepted undeclared key %q", key)
				require.Equal(t, []string{key}, d0.Ignored)
			}
		}
	})
}

// Messages quote what a caller sent cut to a readable length, and list at most twenty declared
// values: an error must not be as large as the attack that caused it.
func TestMessagesAreBounded(t *testing.T) {
	values := make([]string, 30)
	for i := range values {
		values[i] = fmt.Sprintf("v%02d", i)
	}
	set, err := Compile(doc([]Field{{Name: "kind", Type: String, Values: values}, {Name: "n", Type: Int, Default: 0}},
		[]Rule{{ID: "r", When: `kind == "v01" && n > 1`, Tier: "T1", Reason: "x"}}))
	require.NoError(t, err)
	_, err = set.Classify(map[string]any{"kind": "zz"})
	assert.EqualError(t, err, `rules: field "kind": value "zz" is not one of the declared values (`+
		strings.Join(values[:20], ", ")+`, … (30 values))`)
	_, err = set.Classify(map[string]any{"kind": "v01", "n": json.Number(strings.Repeat("9", 100) + "x")})
	assert.EqualError(t, err, `rules: field "n": expected int, got json.Number "`+strings.Repeat("9", 64)+`"… (101 bytes)`)
}
