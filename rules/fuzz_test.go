package rules

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// diffFields and diffRules exercise every construct the closure compiler
// translates, plus some it leaves to expr's VM.
func diffFields() []Field {
	return []Field{
		{Name: "cause", Type: String, Values: []string{"a", "b", "c", "complex", "问题"}},
		{Name: "name", Type: String},
		{Name: "tags", Type: StringList},
		{Name: "n", Type: Int},
		{Name: "m", Type: Int},
		{Name: "x", Type: Float},
		{Name: "ok", Type: Bool},
		{Name: "at", Type: Time},
		{Name: "due", Type: Time},
	}
}

var diffWhens = []string{
	`cause == "a"`, `cause != "问题"`, `"b" == cause`, `cause in ["a", "c"]`, `cause not in ["a", "complex"]`,
	`name == "x"`, `name in ["x", "y", "问题"]`, `name in ["a","b","c","d","e","f","g","h","i","x"]`,
	`"x" in tags`, `"x" not in tags`, `name in tags`, `len(tags) > 1`, `len(name) == 2`,
	`n > m`, `n >= 3 && m <= 2`, `n < 0 || m == 0`, `n == x`, `x < n`, `n in [1, 2, 3]`,
	`n + m > 3`, `n - m < 0`, `n * m == 6`, `n / 2 > x`, `n ** 2 > 10`, `-n > m`, `+x > 0.5`, `x * 2.5 >= n - 1`,
	`!ok`, `not ok && n > 0`, `ok == (n > 2)`, `ok != true`,
	`at < due`, `at <= due`, `at > due`, `at >= due`, `at == due`, `at >= date("2025-03-07")`,
	`name contains "x"`, `name startsWith "问"`, `name endsWith "y"`, `name matches "^[a-z]+$"`, `name not matches "x"`,
	`lower(name) == "xy"`, `upper(name) == "XY"`, `trim(name) == "x"`, `hasPrefix(name, "x")`, `hasSuffix(name, cause)`,
	`name + cause == "xa"`, `name < cause`, `name >= "m"`,
	`(n > 2 ? x : 1.5) > 1`, `(ok ? name : cause) == "a"`, `ok ? n > 1 : m > 1`,
	`n % 2 == 0`, `any(tags, # == name)`, `(name ?? "") == "x"`, `at.Year() == 2025`,
}

func diffRules() []Rule {
	rules := make([]Rule, len(diffWhens))
	for i, w := range diffWhens {
		rules[i] = Rule{ID: "r" + string(rune('A'+i/26)) + string(rune('a'+i%26)), When: w, Tier: "T1", Reason: "x"}
	}
	return rules
}

func randomInput(r *rand.Rand) map[string]any {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	words := []string{"", "x", "y", "xy", "XY", " x ", "问题", "问", "a", "b", "m", "zz"}
	tags := make([]string, r.IntN(4))
	for i := range tags {
		tags[i] = pick(words...)
	}
	base := time.Date(2025, 3, 6, 16, 0, 0, 0, time.UTC)
	in := map[string]any{
		"cause": pick("a", "b", "c", "complex", "问题"),
		"name":  pick(words...),
		"tags":  tags,
		"n":     r.IntN(7) - 2,
		"m":     r.IntN(5) - 1,
		"x":     float64(r.IntN(9)-2) / 2,
		"ok":    r.IntN(2) == 0,
		"at":    base.Add(time.Duration(r.IntN(5)-2) * time.Hour),
		"due":   base.Add(time.Duration(r.IntN(3)-1) * time.Hour).In(cst),
	}
	if r.IntN(3) == 0 {
		in["at"] = in["at"].(time.Time).Format(time.RFC3339)
	}
	return in
}

func diffSet(t testing.TB) *Set {
	spec := doc(diffFields(), diffRules())
	set, err := Compile(spec)
	require.NoError(t, err)
	return set
}

// compileVMOnly compiles spec with every rule left to expr's VM, none translated to closures:
// the reference the closure tree is held to.
func compileVMOnly(t testing.TB, spec Spec) *Set {
	t.Helper()
	set, err := compileForVM(spec)
	require.NoError(t, err)
	return set
}

// compileForVM is Compile with every rule left to expr's VM.
func compileForVM(spec Spec) (*Set, error) {
	c := &compiler{spec: spec, vmOnly: true}
	set := c.compile()
	if len(c.probs) == 0 {
		return set, nil
	}
	c.probs.Sort()
	return nil, &c.probs
}

// refEnv is the environment a plain expr.Run gets for an input that validates, built here
// without the validator: the input's own values, times read in UTC+8 (RFC 3339 text parsed),
// and each optional field that is absent or nil at its default.
func refEnv(t testing.TB, fields []Field, in map[string]any) map[string]any {
	env := make(map[string]any, len(fields))
	for _, f := range fields {
		v := in[f.Name]
		if v == nil {
			require.NotNil(t, f.Default, "required field %s missing from an input without a fault", f.Name)
			v = f.Default
		}
		if f.Type == Time {
			if s, ok := v.(string); ok {
				at, err := time.Parse(time.RFC3339, s)
				require.NoError(t, err)
				v = at
			}
			v = v.(time.Time).In(cst)
		}
		env[f.Name] = v
	}
	return env
}

// sameValue is equality of two input values where NaN equals NaN (with the same sign) and
// times are the same instant in the same zone.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y) || ok && x == y && x != 0 || ok && x != x && y != y
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y) && x.Location() == y.Location()
	}
	return reflect.DeepEqual(a, b)
}

// sameFields compares Decision.Fields with sameValue; in is the input, for the message.
func sameFields(t testing.TB, want, got []FieldValue, in map[string]any) {
	t.Helper()
	require.Equal(t, len(want), len(got), "input %v", in)
	for i := range want {
		require.Equal(t, want[i].Name, got[i].Name, "input %v", in)
		require.True(t, sameValue(want[i].Value, got[i].Value), "field %s: want %#v, got %#v; input %v", want[i].Name, want[i].Value, got[i].Value, in)
	}
}

// checkDifferential classifies one input with set (as Compile built it, closures where the
// compiler could) and with vm (every rule on expr's VM) and holds both to plain expr.Run of
// each rule's program over refEnv: the same matches, the same deciding rule and Fields, and the
// same error (a *RuleError for the first rule whose evaluation fails, wrapping expr's own
// error; a *FieldError, with the same text both ways, for an input with a fault). Each rule
// that runs as closures is also held to expr.Run on its own. The input is not mutated.
func checkDifferential(t testing.TB, set, vm *Set, in map[string]any, fault bool) {
	t.Helper()
	before := fmt.Sprint(in)
	d, err := set.Classify(in)
	dv, errv := vm.Classify(in)
	require.Equal(t, before, fmt.Sprint(in), "input mutated")
	if fault {
		var fe *FieldError
		require.ErrorAs(t, err, &fe, "input %v has a fault", in)
		require.EqualError(t, errv, err.Error())
		return
	}
	env := refEnv(t, set.fields, in)
	f := set.newFrame()
	require.NoError(t, set.fill(f, in))
	defer f.release()
	var matched []Evaluation
	var firstErr error
	firstErrRule := ""
	decider := -1
	for k, r := range set.rules {
		out, werr := expr.Run(r.program, env)
		if r.fast != nil {
			got := r.fast(f)
			require.NoError(t, werr, "rule %s (%s) on %v: expr failed, the closures did not", r.ID, r.When, in)
			require.Equal(t, out, got, "closures of rule %s (%s) on %v", r.ID, r.When, in)
		}
		if werr != nil {
			if firstErr == nil {
				firstErr, firstErrRule = werr, r.ID
			}
			continue
		}
		m := out.(bool)
		matched = append(matched, Evaluation{RuleID: r.ID, Matched: m})
		if m && decider < 0 {
			decider = k
		}
	}
	if firstErr != nil {
		for _, e := range []error{err, errv} {
			var re *RuleError
			require.ErrorAs(t, e, &re, "input %v: expr failed on rule %s with %v", in, firstErrRule, firstErr)
			require.Equal(t, firstErrRule, re.Rule)
			require.Equal(t, firstErr.Error(), re.Err.Error())
		}
		return
	}
	require.NoError(t, err, "input %v", in)
	require.NoError(t, errv, "input %v", in)
	for _, got := range []Decision{d, dv} {
		require.Equal(t, matched, got.Evaluations(), "input %v", in)
		if decider < 0 {
			require.True(t, got.Default)
			require.Nil(t, got.Fields)
			continue
		}
		r := set.rules[decider]
		require.Equal(t, r.ID, got.RuleID)
		var want []FieldValue
		for _, i := range r.reads {
			want = append(want, FieldValue{Name: set.fields[i].Name, Value: env[set.fields[i].Name]})
		}
		sameFields(t, want, got.Fields, in)
	}
}

// TestDifferential holds the closure tree to expr.Run on a fixed list of conditions covering
// what it translates, and pins which of them it leaves to expr's VM.
func TestDifferential(t *testing.T) {
	set := diffSet(t)
	vm := compileVMOnly(t, doc(diffFields(), diffRules()))
	var slow []string
	for _, r := range set.rules {
		if r.fast == nil {
			slow = append(slow, r.When)
		}
	}
	assert.Equal(t, []string{`at >= date("2025-03-07")`, `n % 2 == 0`, `any(tags, # == name)`, `(name ?? "") == "x"`, `at.Year() == 2025`}, slow,
		"only date(), %, any(), ?? and method calls should use the VM")
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		checkDifferential(t, set, vm, randomInput(r), false)
	}
}

// FuzzDifferential holds the closure tree to expr's own semantics on conditions it writes
// itself: data drives the generator (gen_test.go), which writes one to three conditions over
// genFields — comparisons, in and not in, not and !, && || and or, ternaries, the subset's
// builtins and predicates, texts with Chinese and odd Unicode, ints at their limits, NaN and
// ±Inf, nil and ??, lists empty and with duplicates — and one input for them, with optional
// fields absent or nil and now and then a fault. when, if not empty, is one more condition
// as text, so that the fuzzer also mutates text; the fixed conditions of diffWhens seed it.
// A set that does not compile is skipped once both compilers agree it does not.
func FuzzDifferential(f *testing.F) {
	for _, w := range diffWhens {
		f.Add(w, []byte(nil))
	}
	// One seed per kind of boolean expression: a single rule (0) two levels deep (1), of kind k.
	for k := 0; k < 24; k++ {
		f.Add("", append([]byte{0, 1, byte(k)}, seedBytes(uint64(k), 9, 48)...))
	}
	for i := uint64(0); i < 64; i++ {
		f.Add("", seedBytes(i, 11, 96))
	}
	fields := genFields()
	f.Fuzz(func(t *testing.T, when string, data []byte) {
		c := &choices{data: data}
		g := &gen{c: c}
		rules := make([]Rule, 1+c.pick(3))
		for k := range rules {
			rules[k] = Rule{ID: "g" + strconv.Itoa(k), When: readsField(g.cond(1+c.pick(4)), fields), Tier: "T1", Reason: "x"}
		}
		in, fault := genInput(c)
		checkSpec(t, doc(fields, rules), in, fault)
		if when != "" {
			checkSpec(t, doc(fields, []Rule{{ID: "w", When: when, Tier: "T1", Reason: "x"}}), in, fault)
		}
	})
}

// checkSpec compiles spec both ways and, when it compiles, checks one input (checkDifferential).
func checkSpec(t *testing.T, spec Spec, in map[string]any, fault bool) {
	t.Helper()
	set, err := Compile(spec)
	vm, verr := compileForVM(spec)
	if err != nil {
		require.Error(t, verr, "only the closure compiler refused: %v", err)
		require.Equal(t, err.Error(), verr.Error())
		return
	}
	require.NoError(t, verr)
	checkDifferential(t, set, vm, in, fault)
}

// readsField returns when as it is if it reads a declared field, or a condition of the same
// shape that does (one that reads none is a load error: "condition reads no field").
func readsField(when string, fields []Field) string {
	tree, err := parser.Parse(when)
	if err != nil {
		return when
	}
	reads := false
	walk(tree.Node, func(n ast.Node) {
		if id, ok := n.(*ast.IdentifierNode); ok && slices.ContainsFunc(fields, func(f Field) bool { return f.Name == id.Value }) {
			reads = true
		}
	})
	if reads {
		return when
	}
	return "(" + when + ") != ok"
}

// FuzzCompile: any `when` text either compiles or yields problems that all
// have a position and a caret line; never a panic. What compiles evaluates as
// expr.Run does.
func FuzzCompile(f *testing.F) {
	for _, w := range append(diffWhens,
		``, `(`, `"`, `cause ==`, `now()`, `1 +`, `let x = 1; x > 0`, `cause in [`, `[1,2][5] == 1`,
		`问题 == 1`, "cause == \"a\" &&\n\tcause == \"问\"", `date("x") > at`, `n / 0 > 1`, `"\u0000"`, `cause matches "("`,
		strings.Repeat("(", 300), strings.Repeat("n + ", 300)+"n > 0") {
		f.Add(w)
	}
	fields := diffFields()
	f.Fuzz(func(t *testing.T, when string) {
		spec := doc(fields, []Rule{{ID: "r", When: when, Tier: "T1", Reason: "x"}})
		set, err := Compile(spec)
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %v is not Problems", err)
			}
			for _, p := range ps {
				if p.Pos.Line == 0 || p.Pos.Column == 0 || p.Caret == "" || !strings.HasSuffix(p.Caret, "^") {
					t.Fatalf("problem without position or caret: %#v", p)
				}
			}
			return
		}
		// A rule that compiles gives expr's answer (or its error) both ways, on the zero input
		// and on a random one.
		vm := compileVMOnly(t, spec)
		checkDifferential(t, set, vm, zeroInput(fields), false)
		checkDifferential(t, set, vm, randomInput(rand.New(rand.NewPCG(1, uint64(len(when))))), false)
	})
}

func FuzzClassifyInput(f *testing.F) {
	f.Add("complex", int64(3), 2.5, "2025-03-06T16:30:00Z", "big")
	f.Add("", int64(-1), math.Copysign(0, -1), "", "")
	f.Add("问题", int64(1<<62), 1e308, "2025-13-01T00:00:00Z", "x")
	set := testSet(f)
	f.Fuzz(func(t *testing.T, cause string, pages int64, score float64, at, tag string) {
		d, err := set.Classify(map[string]any{"cause": cause, "pages": pages, "score": score, "accepted_at": at, "tags": []any{tag}})
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field == "" {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if d.Tier == "" {
			t.Fatal("empty tier")
		}
	})
}

// zeroInput gives every field its type's zero value (a field with declared Values its first).
func zeroInput(fields []Field) map[string]any {
	in := make(map[string]any, len(fields))
	for _, f := range fields {
		in[f.Name] = f.Type.zero()
		if f.Type == String && len(f.Values) > 0 {
			in[f.Name] = f.Values[0]
		}
	}
	return in
}

// seedBytes is n pseudo-random bytes from the seed (a, b), for fuzz seeds.
func seedBytes(a, b uint64, n int) []byte {
	r := rand.New(rand.NewPCG(a, b))
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(r.Uint64())
	}
	return out
}
