package rules

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
)

// The fast path: after expr has parsed and type-checked a condition, its
// checked tree is translated into a tree of typed Go closures over the frame's
// slots. Each closure returns a plain Go value (no interface boxing, no map
// look-up), which is what makes Classify several times faster than running
// expr's VM with a map environment and keeps it allocation-free.
//
// Only operations that cannot fail at run time are translated (no %, no
// indexing, no calls that can error), so closures need no error results.
// Anything else makes the whole rule use expr's VM instead. expr's runtime
// (vm/runtime, builtin) defines the meaning of every operation below; the
// closures repeat it, and FuzzDifferential, which writes conditions of its own,
// holds them to expr.Run. A construct the fuzzer finds them to disagree on is
// fixed here or left to the VM, never kept with a meaning of its own.

type (
	boolFn  func(*frame) bool
	intFn   func(*frame) int
	floatFn func(*frame) float64
	strFn   func(*frame) string
	timeFn  func(*frame) time.Time
	listFn  func(*frame) []string
)

// cnode is a translated sub-expression: exactly one of the closures is set,
// matching kind.
type cnode struct {
	kind Type
	b    boolFn
	i    intFn
	f    floatFn
	s    strFn
	t    timeFn
	l    listFn
	// constant value, when the node is a literal
	isConst bool
	cs      string
	// enum is set for a bare String field with declared Values: field is its
	// schema index and slot its slot, so comparisons with literals can use
	// the value's position (frame.ens) instead of string comparison.
	enum        bool
	field, slot int
	isField     bool     // a bare field (StringList, or String without Values): slot is its slot
	and         []boolFn // operands, when the node is a conjunction
}

type unsupported struct{ why string }

func (u unsupported) Error() string { return u.why }

func nope(format string, args ...any) (cnode, error) {
	return cnode{}, unsupported{fmt.Sprintf(format, args...)}
}

// translate returns the closure for a checked boolean tree, or nil and the
// reason the rule must use expr's VM.
func (s *Set) translate(root ast.Node) (fn func(*frame) bool, why string) {
	defer func() {
		if v := recover(); v != nil {
			fn, why = nil, fmt.Sprintf("translation failed: %v", v)
		}
	}()
	c, err := s.tr(root)
	if err != nil {
		return nil, err.Error()
	}
	if c.kind != Bool {
		return nil, "condition is not boolean"
	}
	return c.b, ""
}

func (c cnode) asFloat() (floatFn, bool) {
	switch c.kind {
	case Float:
		return c.f, true
	case Int:
		i := c.i
		return func(f *frame) float64 { return float64(i(f)) }, true
	}
	return nil, false
}

func (s *Set) tr(n ast.Node) (cnode, error) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		i, ok := s.index[n.Value]
		if !ok {
			return nope("identifier %s is not a field", n.Value)
		}
		slot := s.slotOf[i]
		switch s.fields[i].Type {
		case String:
			if s.values[i] != nil {
				// Enum fields are stored as positions in Values (see set).
				vals := s.fields[i].Values
				return cnode{kind: String, s: func(f *frame) string { return vals[f.ens[slot]] },
					enum: true, field: i, slot: slot}, nil
			}
			return cnode{kind: String, s: func(f *frame) string { return f.str[slot] }, isField: true, slot: slot}, nil
		case Int:
			return cnode{kind: Int, i: func(f *frame) int { return f.ints[slot] }}, nil
		case Float:
			return cnode{kind: Float, f: func(f *frame) float64 { return f.flts[slot] }}, nil
		case Bool:
			return cnode{kind: Bool, b: func(f *frame) bool { return f.bools[slot] }}, nil
		case Time:
			return cnode{kind: Time, t: func(f *frame) time.Time { return f.times[slot] }}, nil
		case StringList:
			return cnode{kind: StringList, l: func(f *frame) []string { return f.lists[slot] }, field: i, slot: slot, isField: true}, nil
		}
	case *ast.StringNode:
		v := n.Value
		return cnode{kind: String, s: func(*frame) string { return v }, isConst: true, cs: v}, nil
	case *ast.IntegerNode:
		v := n.Value
		return cnode{kind: Int, i: func(*frame) int { return v }, isConst: true}, nil
	case *ast.FloatNode:
		v := n.Value
		return cnode{kind: Float, f: func(*frame) float64 { return v }, isConst: true}, nil
	case *ast.BoolNode:
		v := n.Value
		return cnode{kind: Bool, b: func(*frame) bool { return v }, isConst: true}, nil
	case *ast.ConstantNode:
		switch v := n.Value.(type) {
		case string:
			return cnode{kind: String, s: func(*frame) string { return v }, isConst: true, cs: v}, nil
		case int:
			return cnode{kind: Int, i: func(*frame) int { return v }, isConst: true}, nil
		case float64:
			return cnode{kind: Float, f: func(*frame) float64 { return v }, isConst: true}, nil
		case bool:
			return cnode{kind: Bool, b: func(*frame) bool { return v }, isConst: true}, nil
		}
		return nope("constant of type %T", n.Value)
	case *ast.UnaryNode:
		return s.unary(n)
	case *ast.BinaryNode:
		return s.binary(n)
	case *ast.ConditionalNode:
		return s.conditional(n)
	case *ast.BuiltinNode:
		return s.builtinCall(n)
	}
	return nope("%T is not compiled to closures", n)
}

func (s *Set) unary(n *ast.UnaryNode) (cnode, error) {
	x, err := s.tr(n.Node)
	if err != nil {
		return x, err
	}
	switch n.Operator {
	case "!", "not":
		if x.kind == Bool {
			b := x.b
			return cnode{kind: Bool, b: func(f *frame) bool { return !b(f) }}, nil
		}
	case "-":
		switch x.kind {
		case Int:
			i := x.i
			return cnode{kind: Int, i: func(f *frame) int { return -i(f) }}, nil
		case Float:
			g := x.f
			return cnode{kind: Float, f: func(f *frame) float64 { return -g(f) }}, nil
		}
	case "+":
		if x.kind == Int || x.kind == Float {
			x.isConst = false
			return x, nil
		}
	}
	return nope("unary %s on %s", n.Operator, x.kind)
}

func (s *Set) binary(n *ast.BinaryNode) (cnode, error) {
	l, err := s.tr(n.Left)
	if err != nil {
		return l, err
	}
	if n.Operator == "in" {
		return s.in(l, n.Right)
	}
	r, err := s.tr(n.Right)
	if err != nil {
		return r, err
	}
	switch n.Operator {
	case "and", "&&":
		if l.kind == Bool && r.kind == Bool {
			// a && b && c is flattened into one closure over its operands,
			// saving a call per level.
			terms := append(append([]boolFn(nil), l.andTerms()...), r.andTerms()...)
			return cnode{kind: Bool, b: allOf(terms), and: terms}, nil
		}
	case "or", "||":
		if l.kind == Bool && r.kind == Bool {
			a, b := l.b, r.b
			return cnode{kind: Bool, b: func(f *frame) bool { return a(f) || b(f) }}, nil
		}
	case "==", "!=":
		if eq, ok := s.enumEqual(l, r, n.Operator == "!="); ok {
			return cnode{kind: Bool, b: eq}, nil
		}
		eq, ok := equal(l, r)
		if !ok {
			break
		}
		if n.Operator == "!=" {
			return cnode{kind: Bool, b: func(f *frame) bool { return !eq(f) }}, nil
		}
		return cnode{kind: Bool, b: eq}, nil
	case "<", "<=", ">", ">=":
		if fn, ok := compare(n.Operator, l, r); ok {
			return cnode{kind: Bool, b: fn}, nil
		}
	case "+", "-", "*":
		if c, ok := arith(n.Operator, l, r); ok {
			return c, nil
		}
	case "/":
		a, ok1 := l.asFloat()
		b, ok2 := r.asFloat()
		if ok1 && ok2 {
			return cnode{kind: Float, f: func(f *frame) float64 { return a(f) / b(f) }}, nil
		}
	case "**", "^":
		a, ok1 := l.asFloat()
		b, ok2 := r.asFloat()
		if ok1 && ok2 {
			return cnode{kind: Float, f: func(f *frame) float64 { return math.Pow(a(f), b(f)) }}, nil
		}
	case "contains", "startsWith", "endsWith":
		if l.kind == String && r.kind == String {
			a, b := l.s, r.s
			var fn boolFn
			switch n.Operator {
			case "contains":
				fn = func(f *frame) bool { return strings.Contains(a(f), b(f)) }
			case "startsWith":
				fn = func(f *frame) bool { return strings.HasPrefix(a(f), b(f)) }
			default:
				fn = func(f *frame) bool { return strings.HasSuffix(a(f), b(f)) }
			}
			return cnode{kind: Bool, b: fn}, nil
		}
	case "matches":
		if l.kind == String && r.kind == String && r.isConst {
			re, err := regexp.Compile(r.cs)
			if err != nil {
				return nope("bad regexp: %v", err)
			}
			a := l.s
			return cnode{kind: Bool, b: func(f *frame) bool { return re.MatchString(a(f)) }}, nil
		}
	}
	return nope("operator %s on %s and %s", n.Operator, l.kind, r.kind)
}

// equal follows runtime.Equal: numbers compare by value across int and
// float, times by instant, strings and bools by value.
func equal(l, r cnode) (boolFn, bool) {
	switch {
	case l.kind == Int && r.kind == Int:
		a, b := l.i, r.i
		return func(f *frame) bool { return a(f) == b(f) }, true
	case (l.kind == Int || l.kind == Float) && (r.kind == Int || r.kind == Float):
		a, _ := l.asFloat()
		b, _ := r.asFloat()
		return func(f *frame) bool { return a(f) == b(f) }, true
	case l.kind == String && r.kind == String:
		a, b := l.s, r.s
		if r.isConst {
			c := r.cs
			return func(f *frame) bool { return a(f) == c }, true
		}
		return func(f *frame) bool { return a(f) == b(f) }, true
	case l.kind == Bool && r.kind == Bool:
		a, b := l.b, r.b
		return func(f *frame) bool { return a(f) == b(f) }, true
	case l.kind == Time && r.kind == Time:
		a, b := l.t, r.t
		return func(f *frame) bool { return a(f).Equal(b(f)) }, true
	}
	return nil, false
}

func compare(op string, l, r cnode) (boolFn, bool) {
	switch {
	case l.kind == Int && r.kind == Int:
		a, b := l.i, r.i
		switch op {
		case "<":
			return func(f *frame) bool { return a(f) < b(f) }, true
		case "<=":
			return func(f *frame) bool { return a(f) <= b(f) }, true
		case ">":
			return func(f *frame) bool { return a(f) > b(f) }, true
		default:
			return func(f *frame) bool { return a(f) >= b(f) }, true
		}
	case (l.kind == Int || l.kind == Float) && (r.kind == Int || r.kind == Float):
		a, _ := l.asFloat()
		b, _ := r.asFloat()
		return ordered(op, a, b), true
	case l.kind == String && r.kind == String:
		return ordered(op, l.s, r.s), true
	case l.kind == Time && r.kind == Time:
		a, b := l.t, r.t
		switch op {
		case "<":
			return func(f *frame) bool { return a(f).Before(b(f)) }, true
		case "<=":
			return func(f *frame) bool { x, y := a(f), b(f); return x.Before(y) || x.Equal(y) }, true
		case ">":
			return func(f *frame) bool { return a(f).After(b(f)) }, true
		default:
			return func(f *frame) bool { x, y := a(f), b(f); return x.After(y) || x.Equal(y) }, true
		}
	}
	return nil, false
}

func arith(op string, l, r cnode) (cnode, bool) {
	if l.kind == Int && r.kind == Int {
		return cnode{kind: Int, i: arithmetic(op, l.i, r.i)}, true
	}
	a, ok1 := l.asFloat()
	b, ok2 := r.asFloat()
	if ok1 && ok2 {
		return cnode{kind: Float, f: arithmetic(op, a, b)}, true
	}
	if op == "+" && l.kind == String && r.kind == String {
		a, b := l.s, r.s
		return cnode{kind: String, s: func(f *frame) string { return a(f) + b(f) }}, true
	}
	return cnode{}, false
}

// in handles `x in [literals]` and `"x" in listField` (runtime.In: element
// equality, numbers by value).
func (s *Set) in(l cnode, right ast.Node) (cnode, error) {
	if arr, ok := right.(*ast.ArrayNode); ok {
		if fn, ok := s.enumIn(l, arr); ok {
			return cnode{kind: Bool, b: fn}, nil
		}
		switch l.kind {
		case String:
			vals, bad := literals(arr, func(n *ast.StringNode) string { return n.Value })
			if bad != nil {
				return nope("in: array element %T", bad)
			}
			a := l.s
			if l.isField && len(vals) <= 8 {
				slot := l.slot
				return cnode{kind: Bool, b: func(f *frame) bool {
					x := f.str[slot]
					for _, v := range vals {
						if v == x {
							return true
						}
					}
					return false
				}}, nil
			}
			if len(vals) > 8 {
				set := make(map[string]struct{}, len(vals))
				for _, v := range vals {
					set[v] = struct{}{}
				}
				return cnode{kind: Bool, b: func(f *frame) bool { _, ok := set[a(f)]; return ok }}, nil
			}
			return cnode{kind: Bool, b: member(a, vals)}, nil
		case Int:
			vals, bad := literals(arr, func(n *ast.IntegerNode) int { return n.Value })
			if bad != nil {
				return nope("in: array element %T", bad)
			}
			return cnode{kind: Bool, b: member(l.i, vals)}, nil
		}
		return nope("in: %s in array", l.kind)
	}
	r, err := s.tr(right)
	if err != nil {
		return r, err
	}
	if l.kind == String && r.kind == StringList && l.isConst && r.isField {
		// The common `"tag" in tags`: no closure calls inside the loop.
		x, slot := l.cs, r.slot
		return cnode{kind: Bool, b: func(f *frame) bool {
			for _, v := range f.lists[slot] {
				if v == x {
					return true
				}
			}
			return false
		}}, nil
	}
	if l.kind == String && r.kind == StringList {
		a, b := l.s, r.l
		return cnode{kind: Bool, b: func(f *frame) bool {
			x := a(f)
			for _, v := range b(f) {
				if v == x {
					return true
				}
			}
			return false
		}}, nil
	}
	return nope("in: %s in %s", l.kind, r.kind)
}

func (s *Set) conditional(n *ast.ConditionalNode) (cnode, error) {
	c, err := s.tr(n.Cond)
	if err != nil {
		return c, err
	}
	x, err := s.tr(n.Exp1)
	if err != nil {
		return x, err
	}
	y, err := s.tr(n.Exp2)
	if err != nil {
		return y, err
	}
	if c.kind != Bool || x.kind != y.kind {
		return nope("conditional with %s and %s branches", x.kind, y.kind)
	}
	cond := c.b
	out := cnode{kind: x.kind}
	switch x.kind {
	case Bool:
		out.b = choose(cond, x.b, y.b)
	case Int:
		out.i = choose(cond, x.i, y.i)
	case Float:
		out.f = choose(cond, x.f, y.f)
	case String:
		out.s = choose(cond, x.s, y.s)
	default:
		return nope("conditional of %s", x.kind)
	}
	return out, nil
}

// literals returns the values of a list whose elements are all literals of node type N, or
// the first element that is not.
func literals[N ast.Node, T any](arr *ast.ArrayNode, value func(N) T) ([]T, ast.Node) {
	vals := make([]T, 0, len(arr.Nodes))
	for _, e := range arr.Nodes {
		n, ok := e.(N)
		if !ok {
			return nil, e
		}
		vals = append(vals, value(n))
	}
	return vals, nil
}

// member is `a in vals` over a closure and a short literal list.
func member[T comparable](a func(*frame) T, vals []T) func(*frame) bool {
	return func(f *frame) bool { return slices.Contains(vals, a(f)) }
}

// ordered is the comparison op ("<", "<=", ">" or ">=") of two closures of an ordered type.
func ordered[T cmp.Ordered](op string, a, b func(*frame) T) func(*frame) bool {
	switch op {
	case "<":
		return func(f *frame) bool { return a(f) < b(f) }
	case "<=":
		return func(f *frame) bool { return a(f) <= b(f) }
	case ">":
		return func(f *frame) bool { return a(f) > b(f) }
	default:
		return func(f *frame) bool { return a(f) >= b(f) }
	}
}

// arithmetic is op ("+", "-" or "*") of two closures of one numeric type.
func arithmetic[T int | float64](op string, a, b func(*frame) T) func(*frame) T {
	switch op {
	case "+":
		return func(f *frame) T { return a(f) + b(f) }
	case "-":
		return func(f *frame) T { return a(f) - b(f) }
	default:
		return func(f *frame) T { return a(f) * b(f) }
	}
}

// choose is the ternary `cond ? a : b` over closures of one result type.
func choose[T any](cond func(*frame) bool, a, b func(*frame) T) func(*frame) T {
	return func(f *frame) T {
		if cond(f) {
			return a(f)
		}
		return b(f)
	}
}

func (s *Set) builtinCall(n *ast.BuiltinNode) (cnode, error) {
	args := make([]cnode, len(n.Arguments))
	for i, a := range n.Arguments {
		c, err := s.tr(a)
		if err != nil {
			return c, err
		}
		args[i] = c
	}
	switch {
	case n.Name == "len" && len(args) == 1 && args[0].kind == String:
		a := args[0].s
		return cnode{kind: Int, i: func(f *frame) int { return utf8.RuneCountInString(a(f)) }}, nil
	case n.Name == "len" && len(args) == 1 && args[0].kind == StringList:
		a := args[0].l
		return cnode{kind: Int, i: func(f *frame) int { return len(a(f)) }}, nil
	case (n.Name == "lower" || n.Name == "upper" || n.Name == "trim") && len(args) == 1 && args[0].kind == String:
		a := args[0].s
		var fn strFn
		switch n.Name {
		case "lower":
			fn = func(f *frame) string { return strings.ToLower(a(f)) }
		case "upper":
			fn = func(f *frame) string { return strings.ToUpper(a(f)) }
		default:
			fn = func(f *frame) string { return strings.TrimSpace(a(f)) }
		}
		return cnode{kind: String, s: fn}, nil
	case (n.Name == "hasPrefix" || n.Name == "hasSuffix") && len(args) == 2 && args[0].kind == String && args[1].kind == String:
		a, b := args[0].s, args[1].s
		if n.Name == "hasPrefix" {
			return cnode{kind: Bool, b: func(f *frame) bool { return strings.HasPrefix(a(f), b(f)) }}, nil
		}
		return cnode{kind: Bool, b: func(f *frame) bool { return strings.HasSuffix(a(f), b(f)) }}, nil
	}
	return nope("builtin %s(%d args)", n.Name, len(args))
}

// enumEqual compiles `field == "literal"` for a field with declared Values
// into an integer comparison of positions in Values.
func (s *Set) enumEqual(l, r cnode, negate bool) (boolFn, bool) {
	if r.enum && l.isConst {
		l, r = r, l
	}
	if !l.enum || !r.isConst || r.kind != String {
		return nil, false
	}
	slot, e := l.slot, s.valueIndex(l.field, r.cs)
	if e < 0 {
		// Unreachable after the Values lint; an input can never hold it.
		return func(*frame) bool { return negate }, true
	}
	if negate {
		return func(f *frame) bool { return f.ens[slot] != e }, true
	}
	return func(f *frame) bool { return f.ens[slot] == e }, true
}

// andTerms returns the operands of a flattened conjunction, or the node itself.
func (c cnode) andTerms() []boolFn {
	if c.and != nil {
		return c.and
	}
	return []boolFn{c.b}
}

// allOf is the conjunction of terms, evaluated left to right with
// short-circuit, as expr does.
func allOf(t []boolFn) boolFn {
	switch len(t) {
	case 2:
		a, b := t[0], t[1]
		return func(f *frame) bool { return a(f) && b(f) }
	case 3:
		a, b, c := t[0], t[1], t[2]
		return func(f *frame) bool { return a(f) && b(f) && c(f) }
	}
	return func(f *frame) bool {
		for _, x := range t {
			if !x(f) {
				return false
			}
		}
		return true
	}
}

// enumIn compiles `field in ["a", "b"]` for a field with at most 64 declared
// Values into a bit test.
func (s *Set) enumIn(l cnode, arr *ast.ArrayNode) (boolFn, bool) {
	if !l.enum || len(s.fields[l.field].Values) > 64 {
		return nil, false
	}
	var mask uint64
	for _, e := range arr.Nodes {
		str, ok := e.(*ast.StringNode)
		if !ok {
			return nil, false
		}
		if i := s.valueIndex(l.field, str.Value); i >= 0 {
			mask |= 1 << uint(i)
		}
	}
	slot := l.slot
	// A position is below 64 here, so masking it spares the shift its overflow check.
	return func(f *frame) bool { return mask&(1<<(uint(f.ens[slot])&63)) != 0 }, true
}
