package rules

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// progFields and progWhens cover every shape the term program (prog.go)
// translates; each rule set built from them must run on that path.
func progFields() []Field {
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

var progWhens = []string{
	`cause == "a"`, `cause != "问题"`, `"b" == cause`, `"complex" != cause`, `cause in ["a", "c"]`, `cause not in ["a", "complex"]`,
	`!(cause == "c")`, `name == "x"`, `name != "y"`, `"x" == name`, `name in ["x", "y", "问题"]`, `name not in ["x", ""]`,
	`"x" in tags`, `"x" not in tags`, `"q" in kinds`, `ok`, `!ok`, `not ok`,
	`cause == "b" && grade == "x"`, `"x" in tags && cause != "a" && ok`, `grade in ["x"] and name == "" and "p" in kinds`,
	`cause == "" && note == "n"`,
}

func progSpec() Spec {
	rules := make([]Rule, len(progWhens))
	for i, w := range progWhens {
		rules[i] = Rule{ID: "p" + string(rune('a'+i)), When: w, Tier: "T1", Reason: "x"}
	}
	return doc(progFields(), rules)
}

type namedString string

// randomProgInput draws inputs for progSpec, including bad ones (missing,
// nil, wrong type, value outside Values) and non-canonical ones (a named
// string type, a []any list).
func randomProgInput(r *rand.Rand) map[string]any {
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
	switch r.IntN(15) {
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
	}
	return in
}

// closurePath compiles spec with the term program switched off, so that
// the closure tree of fast.go is the reference.
func closurePath(t testing.TB, spec Spec) *Set {
	set, err := Compile(spec)
	require.NoError(t, err)
	set.prog = nil
	return set
}

// checkProg compares one classification on the term-program path with the
// closure path (same decision, Fields, errors) and each rule with expr.Run.
func checkProg(t testing.TB, prog, ref *Set, in map[string]any) {
	before := len(in)
	d, err := prog.Classify(in)
	want, werr := ref.Classify(in)
	require.Equal(t, before, len(in), "input not mutated")
	if werr != nil {
		require.Error(t, err, "input %v: closure path failed with %v", in, werr)
		assert.Equal(t, werr.Error(), err.Error(), "input %v", in)
		assert.Equal(t, Decision{}, d)
		return
	}
	require.NoError(t, err, "input %v", in)
	assert.Equal(t, want.Tier, d.Tier)
	assert.Equal(t, want.RuleID, d.RuleID)
	assert.Equal(t, want.Default, d.Default)
	assert.Equal(t, want.Evaluations(), d.Evaluations(), "input %v", in)
	assert.Equal(t, want.Shadowed(), d.Shadowed())
	assert.Equal(t, want.Fields, d.Fields, "input %v", in)
	assert.Equal(t, want.Ignored, d.Ignored, "input %v", in)
	// And with plain expr, on the values the rules saw.
	f := ref.newFrame()
	require.NoError(t, ref.fill(f, in))
	env := make(map[string]any, len(ref.fields))
	for i, fd := range ref.fields {
		env[fd.Name] = ref.box(f, i)
	}
	for k, r := range prog.rules {
		out, err := expr.Run(r.program, env)
		require.NoError(t, err)
		require.Equal(t, out, d.Evaluations()[k].Matched, "rule %s (%s) on %v", r.ID, r.When, in)
	}
}

// Both paths, strict and ignoring undeclared keys, give the same decisions and errors, on
// inputs that include undeclared keys and values at and past the input bounds.
func TestProgDifferential(t *testing.T) {
	for _, extra := range []ExtraInput{RejectExtra, IgnoreExtra} {
		t.Run(extra.String(), func(t *testing.T) {
			spec := progSpec()
			spec.ExtraInput = extra
			set, err := Compile(spec)
			require.NoError(t, err)
			require.NotNil(t, set.prog, "every progWhens rule must run on the term program")
			ref := closurePath(t, spec)
			r := rand.New(rand.NewPCG(3, 4))
			for i := 0; i < 1000; i++ {
				checkProg(t, set, ref, randomProgInput(r))
			}
		})
	}
}

func FuzzProgDifferential(f *testing.F) {
	for i := uint64(0); i < 8; i++ {
		f.Add(i, i*104729)
	}
	spec := progSpec()
	set, err := Compile(spec)
	require.NoError(f, err)
	ref := closurePath(f, spec)
	f.Fuzz(func(t *testing.T, a, b uint64) {
		checkProg(t, set, ref, randomProgInput(rand.New(rand.NewPCG(a, b))))
	})
}

// The benchmark's policy, the typical one, must take the term program; a
// rule of another shape sends the whole set to the closure path.
func TestProgChosen(t *testing.T) {
	set, err := Compile(benchSpec())
	require.NoError(t, err)
	assert.NotNil(t, set.prog)
	set, err = Compile(doc(diffFields(), diffRules()))
	require.NoError(t, err)
	assert.Nil(t, set.prog, "rules over int and time fields use closures")
}

// A caller changing a decision's Fields (built per call on this path) must
// not reach another decision or the evaluation of later inputs.
func TestProgFieldsNotShared(t *testing.T) {
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

func TestPhash(t *testing.T) {
	vals := []string{"unclear_request", "incomplete_materials", "other_objective", "complex", "", "问题"}
	p := newPhash(vals)
	require.NotNil(t, p)
	set := &Set{ph: []*phash{p}}
	for i, v := range vals {
		assert.Equal(t, i, set.valueIndex(0, v), v)
	}
	for _, v := range []string{"x", "unclear_requesT", "Complex", "问", "other_objectives"} {
		assert.Equal(t, -1, set.valueIndex(0, v), v)
	}
	assert.Nil(t, newPhash([]string{"ab", "ab"}), "duplicates can have no perfect hash")
}
