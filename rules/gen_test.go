package rules

import (
	"encoding/binary"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The generator behind FuzzDifferential: the fuzzer's bytes are read as a stream of choices
// that build, deterministically, a few conditions over genFields (text, as a policy author
// would write it) and one input for them. Every byte string is a complete program: past the
// end of the bytes every choice is 0, and choice 0 is always the smallest one, so that
// generation ends however the bytes were mutated.

// choices reads the fuzzer's bytes as choices.
type choices struct {
	data []byte
	at   int
}

// pick returns a choice in [0, n).
func (c *choices) pick(n int) int {
	if c.at >= len(c.data) {
		return 0
	}
	b := c.data[c.at]
	c.at++
	return int(b) % n
}

// u64 returns the next eight bytes as a number (missing bytes are 0).
func (c *choices) u64() uint64 {
	var buf [8]byte
	n := copy(buf[:], c.data[min(c.at, len(c.data)):])
	c.at += n
	return binary.LittleEndian.Uint64(buf[:])
}

// genFields is the schema the generated conditions read: every type, required and optional
// fields, declared Values with Chinese and odd Unicode, and defaults at the limits.
func genFields() []Field {
	return []Field{
		{Name: "cause", Type: String, Values: causeValues},
		{Name: "name", Type: String, Default: "默认"},
		{Name: "tags", Type: StringList, Default: []string{}},
		{Name: "kinds", Type: StringList, Values: kindValues, Default: []string{"p"}},
		{Name: "n", Type: Int},
		{Name: "m", Type: Int, Default: math.MaxInt64},
		{Name: "x", Type: Float},
		{Name: "y", Type: Float, Default: math.Inf(-1)},
		{Name: "ok", Type: Bool, Default: false},
		{Name: "at", Type: Time},
		{Name: "due", Type: Time, Default: time.Date(2025, 3, 7, 0, 0, 0, 0, cst)},
	}
}

var (
	// causeValues include those of diffFields, so that the fixed conditions of diffWhens compile
	// over genFields too.
	causeValues = []string{"a", "b", "c", "complex", "问题", "e\u0301", "", "👍🏽", "İ"}
	kindValues  = []string{"p", "q", "问"}
	// genStrings are texts for literals and input values: ASCII, Chinese, a combining mark,
	// right-to-left text and an override, an emoji with a modifier, NUL, quotes and backslashes
	// that look like escapes, invalid UTF-8, and letters whose case mapping changes their
	// length (İ, ß, ﬃ) or that Unicode trims (NBSP).
	genStrings = []string{
		"", "a", "b", "x", "X", "xy", " x ", "问题", "问", "e\u0301", "שלום", "\u202eabc", "👍🏽",
		"\x00", `a"b`, `\q`, `\u12`, "\xff\xfe", "İ", "ß", "ﬃ", "\u00a0x\u00a0", "a\nb", "p", "默认",
	}
	genInts = []int{
		0, 1, -1, 2, 3, 7, -7, 100, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1,
		1 << 31, -(1 << 53) - 1, 1 << 62,
	}
	genFloats = []float64{
		0, math.Copysign(0, -1), 0.5, -1.5, 1, 2, math.NaN(), math.Inf(1), math.Inf(-1),
		math.MaxFloat64, math.SmallestNonzeroFloat64, 1e16, 1 << 63, -(1 << 63), 9007199254740993,
	}
)

// genInput builds one input for genFields: every value from the pools above, an optional field
// sometimes absent or nil, and now and then a fault the validator must refuse (a required field
// missing or nil, a value outside the declared ones, an undeclared key). fault says whether
// one was made.
func genInput(c *choices) (in map[string]any, fault bool) {
	in = map[string]any{}
	base := time.Date(2025, 3, 6, 16, 0, 0, 0, time.UTC)
	zones := []*time.Location{time.UTC, cst, time.FixedZone("X", -5*3600-1800)}
	for _, f := range genFields() {
		// An optional field is absent or nil one time in three; a required one, which is then
		// a fault, one time in 64.
		odds := 6
		if f.Default == nil {
			odds = 128
		}
		switch c.pick(odds) {
		case 1:
			fault = fault || f.Default == nil
			continue // absent
		case 2:
			fault = fault || f.Default == nil
			in[f.Name] = nil
			continue
		}
		var v any
		switch f.Type {
		case String:
			if f.Values != nil {
				if c.pick(16) == 15 {
					v, fault = "not declared", true
				} else {
					v = f.Values[c.pick(len(f.Values))]
				}
			} else {
				v = genStrings[c.pick(len(genStrings))]
			}
		case StringList:
			pool := genStrings
			if f.Values != nil {
				pool = f.Values
			}
			var l []string
			if c.pick(4) != 0 {
				l = []string{}
			}
			for k := c.pick(4); k > 0; k-- {
				l = append(l, pool[c.pick(len(pool))])
			}
			if len(l) > 0 && c.pick(3) == 0 {
				l = append(l, l[0]) // a duplicate
			}
			v = l
		case Int:
			if c.pick(4) == 0 {
				v = int(c.u64())
			} else {
				v = genInts[c.pick(len(genInts))]
			}
		case Float:
			if c.pick(4) == 0 {
				v = math.Float64frombits(c.u64())
			} else {
				v = genFloats[c.pick(len(genFloats))]
			}
		case Bool:
			v = c.pick(2) == 1
		case Time:
			switch c.pick(6) {
			case 0:
				v = base.Add(time.Duration(c.pick(9)-4) * 8 * time.Hour).In(zones[c.pick(len(zones))])
			case 1:
				v = time.Time{}
			case 2:
				v = time.Date(9999, 12, 31, 23, 59, 59, 999999999, cst)
			default:
				v = base.Add(time.Duration(c.pick(5)-2) * time.Hour)
			}
		}
		in[f.Name] = v
	}
	if c.pick(32) == 31 {
		in["tag"], fault = "x", true
	}
	return in, fault
}

// The kinds of generated sub-expressions.
const (
	gBool = iota
	gInt
	gFloat
	gStr
	gTime
	gList
)

// gen writes conditions in the rule subset (see Limits in the package documentation). The
// expressions are typed so that most of them pass the checker, but nothing forces it: a
// condition that does not compile is skipped by the fuzz target, since both ways of running
// a rule start from the same compiled program.
type gen struct {
	c *choices
	// inPred is set inside the predicate of all, any, none, one or count: # is then a text, and
	// another predicate is not allowed.
	inPred bool
}

// cond generates one condition; depth bounds its nesting.
func (g *gen) cond(depth int) string { return g.expr(gBool, depth) }

func (g *gen) expr(kind, depth int) string {
	if depth <= 0 {
		return g.leaf(kind)
	}
	d := depth - 1
	switch kind {
	case gBool:
		return g.boolExpr(d)
	case gInt:
		return g.intExpr(d)
	case gFloat:
		return g.floatExpr(d)
	case gStr:
		return g.strExpr(d)
	case gTime:
		switch g.c.pick(4) {
		case 1:
			return g.dateLit()
		case 2:
			return "(" + g.expr(gBool, d) + " ? " + g.expr(gTime, d) + " : " + g.expr(gTime, d) + ")"
		}
		return g.leaf(gTime)
	case gList:
		switch g.c.pick(3) {
		case 1:
			return g.strList()
		}
		return g.leaf(gList)
	}
	return g.leaf(kind)
}

func (g *gen) leaf(kind int) string {
	c := g.c
	switch kind {
	case gBool:
		return []string{"ok", "true", "false", "!ok"}[c.pick(4)]
	case gInt:
		switch c.pick(4) {
		case 1:
			return g.intLit()
		case 2:
			return "m"
		case 3:
			if g.inPred {
				return "len(#)"
			}
		}
		return "n"
	case gFloat:
		switch c.pick(3) {
		case 1:
			return g.floatLit()
		case 2:
			return "y"
		}
		return "x"
	case gStr:
		switch c.pick(4) {
		case 1:
			return g.strLit(genStrings)
		case 2:
			return "cause"
		case 3:
			if g.inPred {
				return "#"
			}
		}
		return "name"
	case gTime:
		if c.pick(2) == 1 {
			return "due"
		}
		return "at"
	case gList:
		if c.pick(2) == 1 {
			return "kinds"
		}
		return "tags"
	}
	return "ok"
}

var (
	cmpOps   = []string{"==", "!=", "<", "<=", ">", ">="}
	eqOps    = []string{"==", "!="}
	andOps   = []string{"&&", "and"}
	orOps    = []string{"||", "or"}
	notOps   = []string{"!", "not "}
	strOps   = []string{"contains", "startsWith", "endsWith", "not contains", "not startsWith", "not endsWith"}
	patterns = []string{"^[a-z]+$", "x", "问", "^$", `\p{Han}`, "(?i)x", "e\u0301", "^.$"}
	inOps    = []string{"in", "not in"}
	preds    = []string{"all", "any", "none", "one"}
	methods  = []string{"Before", "After", "Equal"}
	parts    = []string{"Year", "Month", "Day", "Hour", "Minute", "Second", "Weekday", "YearDay"}
)

func one(c *choices, xs []string) string { return xs[c.pick(len(xs))] }

func (g *gen) boolExpr(d int) string {
	c := g.c
	switch c.pick(24) {
	case 0:
		return g.leaf(gBool)
	case 1:
		return g.expr(gInt, d) + " " + one(c, cmpOps) + " " + g.expr(gInt, d)
	case 2:
		return g.expr(gFloat, d) + " " + one(c, cmpOps) + " " + g.expr([]int{gInt, gFloat}[c.pick(2)], d)
	case 3:
		return g.expr(gStr, d) + " " + one(c, cmpOps) + " " + g.expr(gStr, d)
	case 4:
		// A field with declared Values against declared values (another literal is a load
		// error), either way round.
		v := g.strLit(causeValues)
		if c.pick(2) == 1 {
			return v + " " + one(c, eqOps) + " cause"
		}
		return "cause " + one(c, eqOps) + " " + v
	case 5:
		return "cause " + one(c, inOps) + " " + g.litList(causeValues)
	case 6:
		return g.expr(gStr, d) + " " + one(c, inOps) + " " + g.litList(genStrings)
	case 7:
		if c.pick(2) == 1 {
			return g.strLit(kindValues) + " " + one(c, inOps) + " kinds"
		}
		return g.expr(gStr, d) + " " + one(c, inOps) + " " + g.expr(gList, d)
	case 8:
		// Numbers in a list of numbers: ints at their limits, and now and then a float.
		var els []string
		for k := c.pick(5); k > 0; k-- {
			if c.pick(5) == 0 {
				els = append(els, g.floatLit())
			} else {
				els = append(els, g.intLit())
			}
		}
		return g.expr([]int{gInt, gFloat}[c.pick(2)], d) + " " + one(c, inOps) + " [" + strings.Join(els, ", ") + "]"
	case 9:
		return one(c, notOps) + "(" + g.expr(gBool, d) + ")"
	case 10:
		return "(" + g.expr(gBool, d) + " " + one(c, andOps) + " " + g.expr(gBool, d) + ")"
	case 11:
		return "(" + g.expr(gBool, d) + " " + one(c, orOps) + " " + g.expr(gBool, d) + ")"
	case 12:
		return "(" + g.expr(gBool, d) + " ? " + g.expr(gBool, d) + " : " + g.expr(gBool, d) + ")"
	case 13:
		return g.expr(gStr, d) + " " + one(c, strOps) + " " + g.expr(gStr, d)
	case 14:
		return g.expr(gStr, d) + " " + []string{"matches", "not matches"}[c.pick(2)] + " " + g.strLit(patterns)
	case 15:
		return []string{"hasPrefix", "hasSuffix"}[c.pick(2)] + "(" + g.expr(gStr, d) + ", " + g.expr(gStr, d) + ")"
	case 16:
		return g.expr(gTime, d) + " " + one(c, cmpOps) + " " + g.expr(gTime, d)
	case 17:
		return g.expr(gTime, d) + "." + one(c, methods) + "(" + g.expr(gTime, d) + ")"
	case 18:
		if g.inPred {
			return "# " + one(c, eqOps) + " " + g.expr(gStr, d)
		}
		return one(c, preds) + "(" + g.expr(gList, d) + ", " + g.pred(d) + ")"
	case 19:
		return "(" + g.expr(gBool, d) + ") " + one(c, eqOps) + " (" + g.expr(gBool, d) + ")"
	case 20:
		// nil and ??: a declared field is never nil once validated, but the checker allows both.
		switch c.pick(3) {
		case 1:
			return "(" + g.leaf(gStr) + " ?? " + g.strLit(genStrings) + ") " + one(c, eqOps) + " " + g.expr(gStr, d)
		case 2:
			return g.leaf([]int{gStr, gList, gTime, gInt}[c.pick(4)]) + " " + one(c, eqOps) + " nil"
		}
		return "nil " + one(c, eqOps) + " " + g.leaf(gStr)
	case 21:
		// Durations: the difference of two times against duration().
		return "(" + g.expr(gTime, d) + " - " + g.expr(gTime, d) + ") " + one(c, cmpOps) + " duration(" + g.strLit([]string{"1h", "-30m", "0s", "2562047h", "1h1m1.5s"}) + ")"
	case 22:
		return g.expr(gTime, d) + "." + one(c, parts) + "() " + one(c, cmpOps) + " " + g.expr(gInt, d)
	}
	// len of a text or a list against a number.
	return "len(" + g.expr([]int{gStr, gList}[c.pick(2)], d) + ") " + one(c, cmpOps) + " " + g.expr(gInt, d)
}

// pred is the predicate argument of all, any, none, one or count: a condition on #.
func (g *gen) pred(d int) string {
	g.inPred = true
	defer func() { g.inPred = false }()
	return "# " + one(g.c, eqOps) + " " + g.expr(gStr, d) + " " + one(g.c, orOps) + " " + g.expr(gBool, d)
}

func (g *gen) intExpr(d int) string {
	c := g.c
	switch c.pick(14) {
	case 1:
		return "(" + g.expr(gInt, d) + " " + []string{"+", "-", "*", "%"}[c.pick(4)] + " " + g.expr(gInt, d) + ")"
	case 2:
		return "-" + g.expr(gInt, d)
	case 3:
		return "len(" + g.expr([]int{gStr, gList}[c.pick(2)], d) + ")"
	case 4:
		return "abs(" + g.expr(gInt, d) + ")"
	case 5:
		return []string{"min", "max"}[c.pick(2)] + "(" + g.expr(gInt, d) + ", " + g.expr(gInt, d) + ")"
	case 6:
		return []string{"indexOf", "lastIndexOf"}[c.pick(2)] + "(" + g.expr(gStr, d) + ", " + g.expr(gStr, d) + ")"
	case 7:
		if !g.inPred {
			return "count(" + g.expr(gList, d) + ", " + g.pred(d) + ")"
		}
	case 8:
		return "int(" + g.expr(gFloat, d) + ")"
	case 9:
		return "(" + g.expr(gBool, d) + " ? " + g.expr(gInt, d) + " : " + g.expr(gInt, d) + ")"
	case 10:
		return "+" + g.expr(gInt, d)
	case 11:
		return g.expr(gTime, d) + "." + one(c, parts) + "()"
	}
	return g.leaf(gInt)
}

func (g *gen) floatExpr(d int) string {
	c := g.c
	num := func() string { return g.expr([]int{gInt, gFloat}[c.pick(2)], d) }
	switch c.pick(12) {
	case 1:
		return "(" + num() + " " + []string{"+", "-", "*", "/", "**", "^"}[c.pick(6)] + " " + num() + ")"
	case 2:
		return "-" + g.expr(gFloat, d)
	case 3:
		return []string{"abs", "ceil", "floor", "round"}[c.pick(4)] + "(" + g.expr(gFloat, d) + ")"
	case 4:
		return "float(" + g.expr(gInt, d) + ")"
	case 5:
		return []string{"min", "max"}[c.pick(2)] + "(" + g.expr(gFloat, d) + ", " + num() + ")"
	case 6:
		return "(" + g.expr(gBool, d) + " ? " + g.expr(gFloat, d) + " : " + g.expr(gFloat, d) + ")"
	case 7:
		return "(" + g.expr(gInt, d) + " / " + g.expr(gInt, d) + ")"
	}
	return g.leaf(gFloat)
}

func (g *gen) strExpr(d int) string {
	c := g.c
	switch c.pick(10) {
	case 1:
		return "(" + g.expr(gStr, d) + " + " + g.expr(gStr, d) + ")"
	case 2:
		return []string{"lower", "upper", "trim"}[c.pick(3)] + "(" + g.expr(gStr, d) + ")"
	case 3:
		return []string{"trim", "trimPrefix", "trimSuffix"}[c.pick(3)] + "(" + g.expr(gStr, d) + ", " + g.expr(gStr, d) + ")"
	case 4:
		return "(" + g.expr(gBool, d) + " ? " + g.expr(gStr, d) + " : " + g.expr(gStr, d) + ")"
	case 5:
		return "(" + g.leaf(gStr) + " ?? " + g.expr(gStr, d) + ")"
	}
	return g.leaf(gStr)
}

// intLit writes an int literal: a small one, one at the limits (MinInt64 as an expression,
// since its magnitude is not an int), in hexadecimal or with underscores, or any number.
func (g *gen) intLit() string {
	c := g.c
	switch c.pick(8) {
	case 1:
		return "9223372036854775807"
	case 2:
		return "(-9223372036854775807 - 1)"
	case 3:
		return "0x7fffffffffffffff"
	case 4:
		return "1_000"
	case 5:
		return strconv.FormatInt(int64(c.u64()), 10)
	case 6:
		return "-" + strconv.Itoa(c.pick(10))
	}
	return strconv.Itoa(c.pick(10))
}

// floatLit writes a float literal; NaN and the infinities have none in expr, so they come from
// the input or from arithmetic (0.0 / 0.0, 1e308 * 10).
func (g *gen) floatLit() string {
	c := g.c
	switch c.pick(8) {
	case 1:
		return "1.7976931348623157e308"
	case 2:
		return "5e-324"
	case 3:
		return "(0.0 / 0.0)"
	case 4:
		return "(1e308 * 10)"
	case 5:
		return "-(1e308 * 10)"
	case 6:
		return strconv.FormatFloat(math.Float64frombits(c.u64()), 'g', -1, 64)
	}
	return []string{"0.5", "0.0", "1.5", "-2.5", ".5", "1e3"}[c.pick(6)]
}

// strLit writes one of texts as a literal, quoted as a policy author might: Go-style double
// quotes (with \x, \u and \U escapes), single quotes, or a raw `…` text when it can be.
func (g *gen) strLit(texts []string) string {
	s := texts[g.c.pick(len(texts))]
	switch g.c.pick(4) {
	case 1:
		q := strconv.Quote(s)
		return "'" + strings.ReplaceAll(strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`), "'", `\'`) + "'"
	case 2:
		if !strings.ContainsRune(s, '`') {
			return "`" + s + "`"
		}
	case 3:
		return strconv.QuoteToASCII(s)
	}
	return strconv.Quote(s)
}

// litList writes a list of literal texts from texts: empty, with duplicates, or many.
func (g *gen) litList(texts []string) string {
	var els []string
	for k := g.c.pick(6); k > 0; k-- {
		els = append(els, g.strLit(texts))
	}
	if len(els) > 0 && g.c.pick(3) == 0 {
		els = append(els, els[0])
	}
	if g.c.pick(8) == 7 {
		for len(els) < 10 { // past the short-list cases of the closure compiler
			els = append(els, g.strLit(texts))
		}
	}
	return "[" + strings.Join(els, ", ") + "]"
}

func (g *gen) strList() string {
	pool := genStrings
	if g.c.pick(2) == 1 {
		pool = kindValues
	}
	return g.litList(pool)
}

func (g *gen) dateLit() string {
	return "date(" + g.strLit([]string{"2025-03-07", "2025-03-06T16:00:00Z", "2025-03-06 16:00", "0001-01-01", "9999-12-31"}) + ")"
}

// TestGenerator keeps the generator honest: over a few hundred seeds, most of the conditions it
// writes compile, some run as closures and some on expr's VM, and every construct the
// differential fuzzer is meant to cover appears in a condition that compiles; the inputs hold
// every kind of awkward value.
func TestGenerator(t *testing.T) {
	fields := genFields()
	constructs := []string{`==`, `!=`, ` < `, `<=`, ` > `, `>=`, ` in `, ` not in `, `!(`, `not (`,
		`&&`, `||`, ` and `, ` or `, ` ? `, `??`, `nil`, `问`, `e\u0301`, `9223372036854775807`, `[]`,
		` contains `, ` startsWith `, ` endsWith `, ` matches `, `#`, ` ** `, ` % `, ` / `}
	for name := range subsetBuiltins {
		constructs = append(constructs, name+"(")
	}
	seen := map[string]bool{}
	compiled, total, fast, slow := 0, 0, 0, 0
	values := map[string]bool{}
	for i := uint64(0); i < 600; i++ {
		c := &choices{data: seedBytes(i, 5, 192)}
		g := &gen{c: c}
		for k := 0; k < 2; k++ {
			when := readsField(g.cond(1+c.pick(4)), fields)
			total++
			set, err := Compile(doc(fields, []Rule{{ID: "g", When: when, Tier: "T1", Reason: "x"}}))
			if err != nil {
				continue
			}
			compiled++
			if set.rules[0].fast != nil {
				fast++
			} else {
				slow++
			}
			for _, con := range constructs {
				if con == "int(" || con == "one(" || con == "float(" {
					// Not the tail of another name (count(, none().
					if regexp.MustCompile(`(^|[^A-Za-z])` + regexp.QuoteMeta(con)).MatchString(when) {
						seen[con] = true
					}
				} else if strings.Contains(when, con) {
					seen[con] = true
				}
			}
		}
		in, _ := genInput(c)
		for _, f := range fields {
			v, ok := in[f.Name]
			switch {
			case !ok:
				values["absent"] = true
			case v == nil:
				values["nil"] = true
			}
			switch x := v.(type) {
			case float64:
				values["NaN"] = values["NaN"] || math.IsNaN(x)
				values["+Inf"] = values["+Inf"] || math.IsInf(x, 1)
				values["-Inf"] = values["-Inf"] || math.IsInf(x, -1)
			case int:
				values["MinInt64"] = values["MinInt64"] || x == math.MinInt64
				values["MaxInt64"] = values["MaxInt64"] || x == math.MaxInt64
			case []string:
				values["empty list"] = values["empty list"] || len(x) == 0
				values["duplicates"] = values["duplicates"] || len(x) > 1 && x[0] == x[len(x)-1]
			}
		}
	}
	assert.Greater(t, compiled*10, total*8, "at least 80%% of generated conditions compile (%d of %d)", compiled, total)
	assert.Greater(t, fast*4, compiled, "at least a quarter run as closures (%d of %d)", fast, compiled)
	assert.Greater(t, slow*10, compiled, "at least a tenth run on the VM (%d of %d)", slow, compiled)
	for _, k := range constructs {
		assert.True(t, seen[k], "no compiled condition has %q", k)
	}
	for _, v := range []string{"absent", "nil", "NaN", "+Inf", "-Inf", "MinInt64", "MaxInt64", "empty list", "duplicates"} {
		assert.True(t, values[v], "no input has %s", v)
	}
}
