package rules

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"
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

// checkSame evaluates every rule on one input by both paths: the closure tree
// (or the VM fallback, as Classify chooses) and a plain expr.Run of the same
// checked program over a map environment.
func checkSame(t testing.TB, set *Set, in map[string]any) {
	f := set.newFrame()
	require.NoError(t, set.fill(f, in))
	env := make(map[string]any, len(set.fields))
	for i, fd := range set.fields {
		env[fd.Name] = set.box(f, i)
	}
	d, derr := set.Classify(in)
	for k, r := range set.rules {
		want, werr := expr.Run(r.program, env)
		if derr == nil {
			require.Equal(t, want, d.Evaluations()[k].Matched, "Classify: rule %s (%s) on %v", r.ID, r.When, in)
		}
		var got bool
		var gerr error
		if r.fast != nil {
			got = r.fast(f)
		} else {
			got, gerr = set.runSlow(r, f)
		}
		if werr != nil {
			require.Error(t, gerr, "rule %s (%s) on %v: expr failed with %v", r.ID, r.When, in, werr)
			continue
		}
		require.NoError(t, gerr, "rule %s (%s) on %v", r.ID, r.When, in)
		require.Equal(t, want, got, "rule %s (%s) on %v", r.ID, r.When, in)
	}
}

func TestDifferential(t *testing.T) {
	set := diffSet(t)
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
		checkSame(t, set, randomInput(r))
	}
}

func FuzzDifferential(f *testing.F) {
	for i := uint64(0); i < 8; i++ {
		f.Add(i, i*7919)
	}
	set := diffSet(f)
	f.Fuzz(func(t *testing.T, a, b uint64) {
		checkSame(t, set, randomInput(rand.New(rand.NewPCG(a, b))))
	})
}

// FuzzCompile: any `when` text either compiles or yields problems that all
// have a position and a caret line; never a panic.
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
		// A compiled rule must classify without panicking.
		in := randomInput(rand.New(rand.NewPCG(1, uint64(len(when)))))
		_, _ = set.Classify(in)
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
