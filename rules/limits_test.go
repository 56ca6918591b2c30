package rules

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compileOne compiles the test schema with one rule whose condition is when; in doc's layout
// the condition starts at line 13 (after seven fields), column 11.
func compileOne(when string) (*Set, error) {
	return Compile(doc(testFields(), []Rule{{ID: "r", When: when, Tier: "T1", Reason: "x"}}))
}

// onlyProblem returns the single problem of a failed compilation.
func onlyProblem(t *testing.T, err error) Problem {
	t.Helper()
	var ps Problems
	require.True(t, errors.As(err, &ps), "want Problems, got %v", err)
	require.Len(t, ps, 1, "%v", err)
	return ps[0]
}

// nested wraps core in n levels of open…close.
func nested(n int, open, core, close string) string {
	return strings.Repeat(open, n) + core + strings.Repeat(close, n)
}

// The exact attack of the issue: a condition 490,000 parentheses deep ended the process with
// "fatal error: stack overflow" inside expr's parser. It is refused before expr sees it, at the
// first parenthesis past the limit.
func TestDeepParenthesesAreRefusedBeforeParsing(t *testing.T) {
	_, err := compileOne(nested(490000, "(", "pages > 1", ")"))
	p := onlyProblem(t, err)
	assert.Equal(t, Position{File: "policy.yaml", Line: 13, Column: 11 + MaxConditionNesting}, p.Pos)
	assert.Contains(t, p.Message, "nests more than 32 levels deep here (rules.MaxConditionNesting")
	assert.LessOrEqual(t, len([]rune(p.Line)), maxQuoted+2, "a megabyte-long line is quoted as a window around the fault")
	assert.True(t, strings.HasSuffix(p.Caret, "^"))
}

// The exact looping attacks of the issue: a range bound with let and predicates nested three
// deep ran for minutes at load (the rule reads no field, so the always-true lint executed it)
// or, reading a field, on every Classify. Both are refused at load, naming the construct.
func TestLoopingConditionsAreRefusedAtLoad(t *testing.T) {
	tests := []struct {
		name, when string
		column     int // of the refused construct, in the condition
		message    string
	}{
		{"the issue's triple any over a let-bound range", `let r = 1..2000; any(r,{any(r,{any(r,{# < 0})})})`, 1,
			"let is not allowed in tier rules"},
		{"the same, reading a field", `let r = 1..2000; any(r,{any(r,{any(r,{# < pages})})})`, 1,
			"let is not allowed in tier rules"},
		{"the range written out", `any(1..2000, {any(1..2000, {# < pages})})`, 6,
			"ranges (..) are not allowed in tier rules"},
		{"a predicate inside a predicate over a field", `any(tags, {any(tags, {# == "x"})})`, 12,
			"any() inside another predicate is not allowed"},
		{"a count inside an all", `all(tags, count(tags, # == "x") > 1)`, 11,
			"count() inside another predicate is not allowed"},
		{"repeat builds a string as long as its count", `len(repeat(category, 1000000)) > pages`, 5,
			"function repeat is not allowed in tier rules"},
		{"a let doubling a string", `let a = category + category; let b = a + a; len(b) > 1`, 1,
			"let is not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileOne(tt.when)
			p := onlyProblem(t, err)
			assert.Contains(t, p.Message, tt.message)
			assert.Equal(t, Position{File: "policy.yaml", Line: 13, Column: 10 + tt.column}, p.Pos, p.Error())
		})
	}
}

// Each nesting shape is refused on the raw text at the spot that crosses the limit, and one
// level less is accepted by the scanner (whatever expr then says of it).
func TestNestingShapes(t *testing.T) {
	const n = MaxConditionNesting + 1
	tests := []struct {
		name, when string
	}{
		{"parentheses", nested(n, "(", "urgent", ")")},
		{"not", strings.Repeat("!", n) + "urgent"},
		{"not as a word", strings.Repeat("not ", n) + "urgent"},
		{"negations", nested(n, "-(", "pages", ")") + " > 0"},
		{"ternaries", strings.Repeat("urgent ? (", n) + "urgent" + strings.Repeat(") : false", n)},
		{"ternaries without parentheses", strings.Repeat("urgent ? urgent : ", n) + "urgent"},
		{"powers", "pages" + strings.Repeat(" ** pages", n) + " > 0"},
		{"arrays", nested(n, "[", "1", "]") + " == []"},
		{"maps", nested(n, "{a: ", "1", "}") + " == nil"},
		{"calls", nested(n, "abs(", "pages", ")") + " > 0"},
		{"lets", strings.Repeat("let a = 1; ", n) + "urgent"},
		{"if-else chains", strings.Repeat("if urgent { true } else ", n) + "{ false }"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, msg := scanCondition(tt.when)
			require.GreaterOrEqual(t, at, 0, "refused")
			assert.Contains(t, msg, "rules.MaxConditionNesting")
			_, err := compileOne(tt.when)
			p := onlyProblem(t, err)
			assert.Contains(t, p.Message, "nests more than")
			assert.Equal(t, 11+at, p.Pos.Column)
		})
	}
}

// Brackets, quotes and operators inside string literals and comments do not count, and the
// deepest realistic rule is far from the limit.
func TestScanConditionIgnoresLiteralsAndComments(t *testing.T) {
	deep := strings.Repeat("(", 100)
	for _, when := range []string{
		`category == "` + deep + `"`,
		`category == '` + deep + `'`,
		"category == `" + deep + "`",
		`category == "\"` + deep + `"`,
		"// " + deep + "\ncategory == \"x\"",
		"/* '" + deep + " */ category == \"x\"",
		`category == "x" // it's ` + deep,
		`!(cause in ["complex", "historical_legacy"]) && (pages > 10 || ("big" in tags && !urgent)) && -pages < 0`,
	} {
		at, msg := scanCondition(when)
		assert.Equal(t, -1, at, "%s: %s", when, msg)
	}
}

// A condition longer than MaxConditionLen is refused at the character where it crosses the limit.
func TestLongConditionIsRefused(t *testing.T) {
	when := "cause == \"" + strings.Repeat("问", MaxConditionLen) + "\""
	_, err := compileOne(when)
	p := onlyProblem(t, err)
	assert.Contains(t, p.Message, fmt.Sprintf("condition is %d bytes long, more than the 8192 allowed (rules.MaxConditionLen)", len(when)))
	assert.Equal(t, 11+10+(MaxConditionLen-10)/3, p.Pos.Column, "the column counts characters, not bytes")

	at, _ := scanCondition(strings.Repeat("a", MaxConditionLen))
	assert.Equal(t, -1, at, "exactly MaxConditionLen bytes is allowed")
}

// Adversarial conditions of about a megabyte, each shape the issue lists: every one is a
// problem with a position, never a crash, and none is run. The work is bounded structurally:
// the text scan is linear, expr parses at most MaxConditionLen bytes and MaxNodes nodes.
func TestAdversarialConditionsOfAMegabyte(t *testing.T) {
	const mib = 1 << 20
	fill := func(unit string) int { return mib / len(unit) }
	shapes := map[string]string{
		"parentheses":        nested(fill("()"), "(", "urgent", ")"),
		"nots":               strings.Repeat("!", mib) + "urgent",
		"negations":          nested(fill("-()"), "-(", "pages", ")") + " > 0",
		"ternaries":          strings.Repeat("urgent ? (", fill("urgent ? (")) + "urgent",
		"arrays":             nested(fill("[]"), "[", "1", "]") + " == []",
		"maps":               nested(fill("{a:}"), "{a:", "1", "}") + " == nil",
		"and chain":          strings.Repeat("urgent && ", fill("urgent && ")) + "urgent",
		"or chain":           strings.Repeat("urgent||", fill("urgent||")) + "urgent",
		"member chain":       "accepted_at" + strings.Repeat(".a", fill(".a")) + " == 1",
		"call chain":         nested(fill("abs()"), "abs(", "pages", ")") + " > 0",
		"string literal":     `category == "` + strings.Repeat("x", mib) + `"`,
		"nested predicates":  strings.Repeat("any(tags, {", fill("any(tags, {")) + "true",
		"ranges":             strings.Repeat("1..2 == ", fill("1..2 == ")) + "1..2",
		"let chain":          strings.Repeat("let a = 1; ", fill("let a = 1; ")) + "urgent",
		"powers":             "pages" + strings.Repeat("**2", fill("**2")) + " > 0",
		"unclosed string":    `category == "` + strings.Repeat("(", mib),
		"unclosed comment":   "urgent /* " + strings.Repeat("(", mib),
		"brackets in string": `category == "` + strings.Repeat("(", mib) + `" && urgent`,
	}
	for name, when := range shapes {
		t.Run(name, func(t *testing.T) {
			_, err := compileOne(when)
			var ps Problems
			require.True(t, errors.As(err, &ps), "want Problems, got %v", err)
			for _, p := range ps {
				assert.Equal(t, 13, p.Pos.Line, p.Message)
				assert.Positive(t, p.Pos.Column)
				assert.LessOrEqual(t, len([]rune(p.Line)), maxQuoted+2)
			}
		})
	}
}

// Once parsed, a tree is at most MaxTreeDepth deep: a chain of && is as deep as it has terms,
// and a spec that raises MaxNodes to the limit still cannot make expr's checker recurse deeper.
func TestDeepTreesAreRefused(t *testing.T) {
	spec := doc(testFields(), []Rule{{ID: "r", When: strings.Repeat("urgent&&", 1000) + "urgent", Tier: "T1", Reason: "x"}})
	spec.MaxNodes = MaxNodesLimit
	_, err := Compile(spec)
	p := onlyProblem(t, err)
	assert.Contains(t, p.Message, "more than 256 levels deep once parsed (rules.MaxTreeDepth)")

	spec.MaxNodes = 0
	_, err = Compile(spec)
	assert.Contains(t, onlyProblem(t, err).Message, "more than 256 expression nodes (MaxNodes)", "the default node budget refuses it first")

	spec.MaxNodes = MaxNodesLimit + 1
	_, err = Compile(spec)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MaxNodes 4097 is more than the 4096 allowed (rules.MaxNodesLimit)")
}

// The subset: what tier rules need is accepted, on the fast path or expr's VM.
func TestSubsetAccepts(t *testing.T) {
	for _, when := range []string{
		`cause in ["complex", "historical_legacy"] && pages > 10`,
		`"big" in tags || "big" not in tags && urgent`,
		`!urgent and not (pages < 3) or score >= 2.5`,
		`pages % 2 == 0 && pages ** 2 > 4 && -pages < 0 && +score > 0`,
		`urgent ? pages > 1 : score > 1`,
		`if urgent { pages > 1 } else { score > 1 }`,
		`category contains "劳动" && category startsWith "x" && category endsWith "y" && category matches "^[a-z]+$"`,
		`len(trim(lower(upper(category)))) > 2 && hasPrefix(category, "a") && hasSuffix(category, "b")`,
		`indexOf(category, "x") >= 0 && lastIndexOf(category, "x") < 3 && trimPrefix(category, "x") == trimSuffix(category, "y")`,
		`abs(pages) + ceil(score) + floor(score) + round(score) > int(score) + float(pages) && min(pages, 3) < max(pages, 3)`,
		`accepted_at >= date("2025-03-07") && accepted_at.Year() == 2025 && accepted_at.Hour() < 16`,
		`accepted_at.Before(date("2026-01-01")) && accepted_at - date("2025-01-01") > duration("24h")`,
		`any(tags, # startsWith "x") || all(tags, # != "") || none(tags, # == "y") || one(tags, # == "z")`,
		`count(tags, # in ["a", "b"]) >= 2 && len(tags) < 5`,
		`(category ?? "") == "x" && category != nil`,
		`tags | any(# == "x")`,
		`len(["a", "b"]) == pages`,
	} {
		_, err := compileOne(when)
		assert.NoError(t, err, when)
	}
}

// The subset: what could multiply work or size, read fields behind the checks' back, or fail on
// ordinary input is refused at load, with the construct named at its position.
func TestSubsetRefuses(t *testing.T) {
	tests := []struct{ when, message string }{
		{`pages in 1..10`, "ranges (..) are not allowed"},
		{`let n = pages; n > 1`, "let is not allowed"},
		{`urgent; urgent`, "sequences (;) are not allowed"},
		{`$env.pages > 1`, "$env is not allowed"},
		{`$env["pa" + "ges"] > 1`, "$env is not allowed"},
		{`tags[0] == "x"`, "indexing and member access are not allowed"},
		{`category[0:2] == "ab"`, "slicing is not allowed"},
		{`{"a": pages}.a > 1`, "not allowed"},
		{`len(map(tags, # + #)) > 1`, "function map is not allowed"},
		{`len(filter(tags, # == "x")) > 1`, "function filter is not allowed"},
		{`reduce(tags, #acc + #, "") == ""`, "function reduce is not allowed"},
		{`len(sortBy(tags, #)) > 0`, "function sortBy is not allowed"},
		{`len(split(category, "")) > 1`, "function split is not allowed"},
		{`join(tags, category) == ""`, "function join is not allowed"},
		{`repeat(category, 3) == ""`, "function repeat is not allowed"},
		{`category matches category`, "the pattern of matches must be a quoted text"},
		{`accepted_at.Format("2006") == "2025"`, "calling methods is not allowed in tier rules, except these of a time field"},
		{`accepted_at?.Year() == 2025`, "not allowed"},
		{`b"x" == b"x" && urgent`, "byte strings are not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.when, func(t *testing.T) {
			_, err := compileOne(tt.when)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.message)
			var ps Problems
			require.True(t, errors.As(err, &ps))
			for _, p := range ps {
				assert.Equal(t, 13, p.Pos.Line)
				assert.NotEmpty(t, p.Caret)
			}
		})
	}
}

// Every policy shape may have at most MaxRules rules and MaxFields fields; past that the first
// excess one is reported and only the allowed ones are checked, so that loading stays fast.
func TestRuleAndFieldCountsAreBounded(t *testing.T) {
	var rs []Rule
	for i := 0; i <= MaxRules; i++ {
		rs = append(rs, Rule{ID: fmt.Sprintf("r%d", i), When: fmt.Sprintf("pages > %d", i), Tier: "T1", Reason: "x"})
	}
	_, err := Compile(doc(testFields(), rs))
	p := onlyProblem(t, err)
	assert.Equal(t, "r1000", p.Rule)
	assert.Contains(t, p.Message, "the policy has 1001 rules, more than the 1000 allowed (rules.MaxRules)")

	var fs []Field
	for i := 0; i <= MaxFields; i++ {
		fs = append(fs, Field{Name: fmt.Sprintf("f%d", i), Type: Int})
	}
	_, err = Compile(doc(fs, []Rule{{ID: "r", When: "f0 > 1", Tier: "T1", Reason: "x"}}))
	p = onlyProblem(t, err)
	assert.Equal(t, "f256", p.Field)
	assert.Contains(t, p.Message, "declares 257 input fields, more than the 256 allowed (rules.MaxFields)")
}

// editDistance agrees with the textbook dynamic programme up to the cut-off of 3.
func TestEditDistance(t *testing.T) {
	naive := func(a, b string) int {
		ra, rb := []rune(a), []rune(b)
		d := make([][]int, len(ra)+1)
		for i := range d {
			d[i] = make([]int, len(rb)+1)
			d[i][0] = i
		}
		for j := range d[0] {
			d[0][j] = j
		}
		for i := 1; i <= len(ra); i++ {
			for j := 1; j <= len(rb); j++ {
				cost := 1
				if ra[i-1] == rb[j-1] {
					cost = 0
				}
				d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			}
		}
		return min(d[len(ra)][len(rb)], 3)
	}
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []rune("ab问c")
	word := func() string {
		w := make([]rune, r.IntN(7))
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(w)
	}
	for i := 0; i < 5000; i++ {
		a, b := word(), word()
		require.Equal(t, naive(a, b), editDistance(a, b), "%q %q", a, b)
	}
}

// A long line is quoted as a window around the column, with the caret still under the fault.
// A refused let is reported at the keyword, where expr places it at the variable's name.
func TestLetKeyword(t *testing.T) {
	assert.Equal(t, 0, letKeyword("let r = 1", 4))
	assert.Equal(t, 3, letKeyword("x; let\n\t r = 1", 9))
	assert.Equal(t, 4, letKeyword("abc r", 4), "no let before the name: the name")
	assert.Equal(t, 0, letKeyword("", 0))
}

func TestQuoteLongLine(t *testing.T) {
	line := strings.Repeat("a", 1000) + "X" + strings.Repeat("问", 1000)
	shown, car := quote(line, 1001)
	assert.True(t, strings.HasPrefix(shown, "…") && strings.HasSuffix(shown, "…"))
	assert.Equal(t, "X", string([]rune(shown)[len([]rune(car))-1]), "the caret sits under the X")
	shown, car = quote("short", 3)
	assert.Equal(t, "short", shown)
	assert.Equal(t, "  ^", car)
}

// FuzzCompileBounded: whatever the condition — deep, long, looping — Compile returns (no panic,
// no stack overflow) either problems that each have a position, or a Set whose Classify on a
// sample input returns. The seeds are the nesting and looping shapes of the issue.
func FuzzCompileBounded(f *testing.F) {
	for _, seed := range []string{
		nested(40, "(", "urgent", ")"), nested(31, "(", "urgent", ")"),
		strings.Repeat("!", 40) + "urgent", strings.Repeat("-", 40) + "pages > 0",
		nested(40, "-(", "pages", ")") + " > 0",
		strings.Repeat("urgent ? ", 40) + "urgent" + strings.Repeat(" : false", 40),
		nested(40, "[", "1", "]") + " == []", nested(40, "{a: ", "1", "}") + " == nil",
		strings.Repeat("urgent && ", 300) + "urgent", strings.Repeat("urgent || ", 100) + "urgent",
		"accepted_at" + strings.Repeat(".Year()", 40) + " == 1",
		`let r = 1..2000; any(r,{any(r,{any(r,{# < 0})})})`,
		`let r = 1..2000; any(r,{any(r,{any(r,{# < pages})})})`,
		`any(1..1000000, # > pages)`, `any(tags, any(tags, any(tags, # == "x")))`,
		`let s = category + category; let t = s + s; len(t) > pages`,
		`len(repeat(category, 1000000000)) > 1`, `count(1..100000000, true) > pages`,
		`any(tags, # startsWith "x")`, `cause in ["complex"] && pages > 10`,
		`accepted_at.Year() == 2025`, `category matches "(a+)+$"`,
	} {
		f.Add(seed)
	}
	fields := testFields()
	sample := map[string]any{"cause": "complex", "category": strings.Repeat("ab", 1000), "tags": []string{"x", "y", "big"},
		"pages": 7, "score": 2.5, "urgent": true, "accepted_at": "2025-03-06T16:30:00Z"}
	f.Fuzz(func(t *testing.T, when string) {
		set, err := Compile(doc(fields, []Rule{{ID: "r", When: when, Tier: "T1", Reason: "x"}}))
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %v is not Problems", err)
			}
			for _, p := range ps {
				if p.Pos.Line == 0 || p.Pos.Column == 0 || !strings.HasSuffix(p.Caret, "^") {
					t.Fatalf("problem without a position or caret: %#v", p)
				}
			}
			return
		}
		_, _ = set.Classify(sample)
	})
}

// A policy with the same fault on every line (here 300 rules each comparing cause with a value
// it does not declare) used to list every one of them: a 4 MiB file made a report of 600,000
// lines and took seconds and 765 MB to build. The list stops at MaxProblems, in position
// order, and ends with one problem that counts the rest.
func TestProblemsStopAtMaxProblemsAndCountTheRest(t *testing.T) {
	var rs []Rule
	for i := range 300 {
		rs = append(rs, Rule{ID: fmt.Sprintf("r%d", i), When: fmt.Sprintf(`cause == "typo%d"`, i), Tier: "T1", Reason: "x"})
	}
	_, err := Compile(doc(testFields(), rs))
	var ps Problems
	require.True(t, errors.As(err, &ps), "%v", err)
	require.Len(t, ps, MaxProblems+1)
	assert.Contains(t, ps[0].Message, `unknown value "typo0"`, "the first problems found are the ones listed")
	assert.Contains(t, ps[MaxProblems-1].Message, `unknown value "typo99"`)
	last := ps[MaxProblems]
	assert.Equal(t, Position{File: "policy.yaml"}, last.Pos)
	assert.Equal(t, "too many problems: 200 more not listed (only the first 100 are; fix these and run again)", last.Message)
	assert.Equal(t, strings.Count(err.Error(), "\n")/3+1, MaxProblems+1, "every listed problem quotes its line; the closing one has none")
}

func TestProblemsAddCountsAnotherListsClosingProblem(t *testing.T) {
	// What a policy loader does: its own problems first, then the rule engine's list, which
	// may already be cut.
	var rulesList Problems
	for i := range MaxProblems + 7 {
		rulesList.Add(Problem{Pos: Position{File: "p.yaml", Line: i + 10}, Message: "rule fault"})
	}
	var all Problems
	all.Add(Problem{Pos: Position{File: "p.yaml", Line: 1}, Message: "yaml fault"})
	for _, p := range rulesList {
		all.Add(p)
	}
	all.Sort()
	require.Len(t, all, MaxProblems+1)
	assert.Equal(t, "yaml fault", all[0].Message)
	assert.Equal(t, "too many problems: 8 more not listed (only the first 100 are; fix these and run again)", all[MaxProblems].Message,
		"one rule problem did not fit beside the yaml one, and the rule list had left out 7")
	assert.True(t, all.Full())
}
