package rules

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	exprcompiler "github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	exprfile "github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/patcher"
	"github.com/expr-lang/expr/vm"
)

// Partition is what a Set's conditions compare each field with: the constants that split a
// field's domain into classes of values on which every comparison the partition models has one
// result. Picking one value per class of every field and classifying each combination then
// evaluates every rule on every kind of input (package slatest's Analyze does this). A
// comparison the partition does not model — arithmetic on a field, a function call, two fields
// compared with each other, text functions such as startsWith — is listed in Inexact with the
// rule it is in: its result may differ between two values of one class, so a conclusion drawn
// from one value per class is not a proof for that rule.
type Partition struct {
	// Fields has one entry per declared field, in schema order.
	Fields []FieldPartition
	// Inexact lists, in rule order, each construct the partition does not decide exactly.
	Inexact []InexactCondition
}

// FieldPartition is one field's part of a Partition.
type FieldPartition struct {
	Name string
	Type Type
	// Values are the field's declared values (a copy); nil when it declares none.
	Values []string
	// Default is the field's default (a copy), nil when the field is required.
	Default any
	// Read is true when some rule's condition reads the field.
	Read bool
	// Strings are the texts compared with a String field (==, !=, in a list of literals) or
	// tested for membership in a StringList field ("x" in tags), in order of first use, each
	// once. The texts of a construct the partition does not model (s startsWith "x",
	// lower(s) == "x") are listed too, as values worth trying, and its rule is in
	// Partition.Inexact.
	Strings []string
	// Numbers are the thresholds an Int or Float field is compared with (==, !=, <, <=, >, >=,
	// in a list of literals), ascending, each once. The numbers of a comparison the partition
	// does not model (n + 1 > 3, n > m) are listed too, or 0 when it has none, as values
	// worth trying, and its rule is in Partition.Inexact.
	Numbers []float64
	// Times are the instants a Time field is compared with, ascending, each once, in UTC+8.
	Times []time.Time
	// Lengths are the thresholds the length of a StringList field is compared with
	// (len(tags) >= 2), ascending, each once.
	Lengths []float64
}

// InexactCondition is a construct of a rule's condition that a Partition does not decide
// exactly, and why.
type InexactCondition struct {
	Rule string
	Pos  Position // the rule's position
	Why  string
}

// maxExactInt is the largest threshold of an Int field the partition models: beyond 2^53 a
// float64 no longer holds every integer, and the classes around it could not be told apart.
const maxExactInt = 1 << 53

// Partition returns the Set's partition: for every field the constants its rules compare it
// with, and every construct that the partition does not decide exactly. It re-reads the
// conditions (already parsed, checked and bounded by Compile), so it costs about as much as
// compiling them again; the result is the caller's.
func (s *Set) Partition() Partition {
	p := Partition{Fields: make([]FieldPartition, len(s.fields))}
	for i, f := range s.fields {
		g := f.clone()
		p.Fields[i] = FieldPartition{Name: g.Name, Type: g.Type, Default: g.Default}
		if len(g.Values) > 0 {
			p.Fields[i].Values = g.Values
		}
	}
	seen := map[int]map[string]bool{}
	for _, r := range s.rules {
		for _, i := range r.reads {
			p.Fields[i].Read = true
		}
		pw := &partitionWalker{s: s, p: &p, rule: r, seen: seen}
		pw.run()
	}
	for i := range p.Fields {
		f := &p.Fields[i]
		slices.Sort(f.Numbers)
		f.Numbers = slices.Compact(f.Numbers)
		slices.SortFunc(f.Times, func(a, b time.Time) int { return a.Compare(b) })
		f.Times = slices.CompactFunc(f.Times, func(a, b time.Time) bool { return a.Equal(b) })
		slices.Sort(f.Lengths)
		f.Lengths = slices.Compact(f.Lengths)
	}
	return p
}

// partitionWalker collects one rule's comparisons.
type partitionWalker struct {
	s    *Set
	p    *Partition
	rule *crule
	cfg  *conf.Config
	src  string
	// seen is, per field, the texts already in its Strings: a policy may compare a field with
	// many thousands of literals.
	seen map[int]map[string]bool
}

func (w *partitionWalker) inexact(format string, args ...any) {
	w.p.Inexact = append(w.p.Inexact, InexactCondition{Rule: w.rule.ID, Pos: w.rule.Pos, Why: fmt.Sprintf(format, args...)})
}

// config is the configuration Compile checks a condition with, less the bool expectation (a
// constant sub-expression is compiled on its own) and the node budget (already enforced).
func (s *Set) partitionConfig() *conf.Config {
	cfg := conf.CreateNew()
	for _, op := range []expr.Option{
		expr.Env(s.env),
		expr.DisableBuiltin("now"),
		expr.DisableBuiltin("timezone"),
		expr.Patch(patcher.WithTimezone{Location: cst}),
	} {
		op(cfg)
	}
	for name := range cfg.Disabled {
		delete(cfg.Builtins, name)
	}
	cfg.Check()
	return cfg
}

func (w *partitionWalker) run() {
	defer func() {
		// The condition compiled once already; a failure here is a fault of this analysis,
		// which then claims nothing about the rule.
		if v := recover(); v != nil {
			w.inexact("the condition could not be analysed: %v", v)
		}
	}()
	w.cfg = w.s.partitionConfig()
	tree, err := parser.ParseWithConfig(w.rule.When, w.cfg)
	if err == nil {
		_, err = new(checker.Checker).PatchAndCheck(tree, w.cfg)
	}
	if err != nil {
		w.inexact("the condition could not be analysed: %v", err)
		return
	}
	w.src = w.rule.When
	w.boolean(tree.Node)
}

// boolean walks a node whose value is a truth: connectives are followed, anything else must
// be a comparison the partition models.
func (w *partitionWalker) boolean(n ast.Node) {
	switch n := n.(type) {
	case *ast.BoolNode:
		return
	case *ast.IdentifierNode:
		if f, ok := w.field(n); ok && f.Type == Bool {
			return
		}
	case *ast.UnaryNode:
		if n.Operator == "!" || n.Operator == "not" {
			w.boolean(n.Node)
			return
		}
	case *ast.ConditionalNode:
		w.boolean(n.Cond)
		w.boolean(n.Exp1)
		w.boolean(n.Exp2)
		return
	case *ast.BinaryNode:
		switch n.Operator {
		case "&&", "||", "and", "or":
			w.boolean(n.Left)
			w.boolean(n.Right)
			return
		case "==", "!=", "<", "<=", ">", ">=":
			w.compare(n)
			return
		case "in":
			w.in(n)
			return
		case "startsWith", "endsWith", "contains":
			w.hint(n)
			w.inexact("%s is a text function, which the partition does not model", n.Operator)
			return
		case "matches":
			w.inexact("matches is a pattern, which the partition does not model")
			return
		}
	}
	if !w.isConstant(n) {
		w.inexact("%s is not a comparison of a field with constants", describeNode(n))
	}
}

// describeNode names a construct for a message.
func describeNode(n ast.Node) string {
	switch n := n.(type) {
	case *ast.BuiltinNode:
		return "function " + n.Name + "()"
	case *ast.CallNode:
		return "a method call"
	case *ast.BinaryNode:
		return "operator " + n.Operator
	case *ast.UnaryNode:
		return "operator " + n.Operator
	case *ast.IdentifierNode:
		return "field " + n.Value
	}
	return "this construct"
}

func (w *partitionWalker) field(n ast.Node) (Field, bool) {
	i, ok := w.fieldIndex(n)
	if !ok {
		return Field{}, false
	}
	return w.s.fields[i], true
}

func (w *partitionWalker) fieldIndex(n ast.Node) (int, bool) {
	id, ok := n.(*ast.IdentifierNode)
	if !ok {
		return 0, false
	}
	i, ok := w.s.index[id.Value]
	return i, ok
}

// isConstant reports whether a node reads no field (nor anything else of the input).
func (w *partitionWalker) isConstant(n ast.Node) bool {
	constant := true
	walk(n, func(m ast.Node) {
		switch m.(type) {
		case *ast.IdentifierNode, *ast.PointerNode, *ast.PredicateNode, *ast.VariableDeclaratorNode:
			constant = false
		}
	})
	return constant
}

// constant evaluates a node that reads no field, with expr itself (so with its semantics);
// false when the node reads a field or its evaluation fails.
func (w *partitionWalker) constant(n ast.Node) (v any, ok bool) {
	if !w.isConstant(n) {
		return nil, false
	}
	switch c := n.(type) {
	case *ast.StringNode:
		return c.Value, true
	case *ast.IntegerNode:
		return c.Value, true
	case *ast.FloatNode:
		return c.Value, true
	case *ast.BoolNode:
		return c.Value, true
	case *ast.NilNode:
		return nil, true
	}
	defer func() {
		if recover() != nil {
			v, ok = nil, false
		}
	}()
	prog, err := exprcompiler.Compile(&parser.Tree{Node: n, Source: exprfile.NewSource(w.src)}, w.cfg)
	if err != nil {
		return nil, false
	}
	out, err := vm.Run(prog, w.s.env)
	if err != nil {
		return nil, false
	}
	return out, true
}

// compare handles field OP constant and len(listField) OP constant (either way round).
func (w *partitionWalker) compare(n *ast.BinaryNode) {
	if i, ok := w.lenOf(n.Left); ok && w.isConstant(n.Right) {
		w.recordLen(i, n.Right)
		return
	}
	if i, ok := w.lenOf(n.Right); ok && w.isConstant(n.Left) {
		w.recordLen(i, n.Left)
		return
	}
	i, ok := w.fieldIndex(n.Left)
	other := n.Right
	if !ok {
		i, ok = w.fieldIndex(n.Right)
		other = n.Left
	}
	if !ok {
		if w.isConstant(n.Left) && w.isConstant(n.Right) {
			return
		}
		w.hint(n)
		if w.readsField(n.Left) && w.readsField(n.Right) {
			w.inexact("operator %s compares two computed values, which the partition does not model", n.Operator)
		} else {
			w.inexact("operator %s compares a computed value (arithmetic or a function of a field), which the partition does not model", n.Operator)
		}
		return
	}
	if _, isField := w.fieldIndex(other); isField {
		w.hint(n)
		w.inexact("operator %s compares two fields, which the partition does not model", n.Operator)
		return
	}
	v, ok := w.constant(other)
	if !ok {
		w.hint(n)
		w.inexact("operator %s compares field %s with a computed value, which the partition does not model", n.Operator, w.s.fields[i].Name)
		return
	}
	w.record(i, n.Operator, v)
}

// lenOf reports whether n is len(f) of a StringList field f, and which.
func (w *partitionWalker) lenOf(n ast.Node) (int, bool) {
	b, ok := n.(*ast.BuiltinNode)
	if !ok || b.Name != "len" || len(b.Arguments) != 1 {
		return 0, false
	}
	i, ok := w.fieldIndex(b.Arguments[0])
	if !ok || w.s.fields[i].Type != StringList {
		return 0, false
	}
	return i, true
}

// recordLen notes that the length of list field i is compared with the constant c.
func (w *partitionWalker) recordLen(i int, c ast.Node) {
	name := w.s.fields[i].Name
	v, ok := w.constant(c)
	var x float64
	switch n := v.(type) {
	case int:
		x = float64(n)
		ok = ok && n <= maxExactInt && n >= -maxExactInt
	case float64:
		x = n
		ok = ok && !math.IsNaN(n) && math.Abs(n) <= maxExactInt
	default:
		ok = false
	}
	if !ok {
		w.inexact("the length of field %s is compared with %v, which the partition does not model", name, v)
		return
	}
	w.p.Fields[i].Lengths = append(w.p.Fields[i].Lengths, x)
}

// readsField reports whether a node reads some field.
func (w *partitionWalker) readsField(n ast.Node) bool { return !w.isConstant(n) }

// record notes that field i is compared by op with the constant v.
func (w *partitionWalker) record(i int, op string, v any) {
	f := w.s.fields[i]
	if v == nil && (op == "==" || op == "!=") && f.Type != StringList {
		// A scalar field's value is never nil once accepted: the comparison is the same for
		// every value of the field. (A list may be a nil slice or an empty one, which expr
		// need not compare alike: that is left inexact.)
		return
	}
	ordered := op != "==" && op != "!="
	switch f.Type {
	case Bool:
		if _, ok := v.(bool); ok && !ordered {
			return
		}
	case String:
		if str, ok := v.(string); ok && !ordered {
			w.addString(i, str)
			return
		}
		if _, ok := v.(string); ok {
			w.inexact("operator %s orders the text of field %s, which the partition does not model", op, f.Name)
			return
		}
	case Int, Float:
		var x float64
		switch c := v.(type) {
		case int:
			if c > maxExactInt || c < -maxExactInt {
				w.inexact("field %s is compared with %v, beyond the numbers the partition models exactly", f.Name, v)
				return
			}
			x = float64(c)
		case float64:
			x = c
		default:
			goto other
		}
		if math.IsNaN(x) || math.IsInf(x, 0) || f.Type == Int && math.Abs(x) > maxExactInt {
			w.inexact("field %s is compared with %v, beyond the numbers the partition models exactly", f.Name, v)
			return
		}
		w.p.Fields[i].Numbers = append(w.p.Fields[i].Numbers, x)
		return
	case Time:
		if t, ok := v.(time.Time); ok {
			w.p.Fields[i].Times = append(w.p.Fields[i].Times, t.In(cst))
			return
		}
	}
other:
	w.inexact("operator %s compares field %s (%s) with %v (%s), which the partition does not model", op, f.Name, f.Type, v, reflect.TypeOf(v))
}

func (w *partitionWalker) addString(i int, str string) {
	seen := w.seen[i]
	if seen == nil {
		seen = map[string]bool{}
		w.seen[i] = seen
	}
	if !seen[str] {
		seen[str] = true
		w.p.Fields[i].Strings = append(w.p.Fields[i].Strings, str)
	}
}

// in handles field in [constants] and constant in listField.
func (w *partitionWalker) in(n *ast.BinaryNode) {
	if i, ok := w.fieldIndex(n.Right); ok && w.s.fields[i].Type == StringList {
		if v, ok := w.constant(n.Left); ok {
			if str, ok := v.(string); ok {
				w.addString(i, str)
				return
			}
		}
		w.inexact("membership of a computed value in field %s is not modelled by the partition", w.s.fields[i].Name)
		return
	}
	i, ok := w.fieldIndex(n.Left)
	arr, isArr := n.Right.(*ast.ArrayNode)
	if !ok || !isArr {
		if w.isConstant(n) {
			return
		}
		w.inexact("operator in over %s is not modelled by the partition", describeNode(n.Right))
		return
	}
	for _, e := range arr.Nodes {
		v, ok := w.constant(e)
		if !ok {
			w.inexact("field %s is tested against a list with a computed element, which the partition does not model", w.s.fields[i].Name)
			return
		}
		w.record(i, "==", v)
	}
}

// hint gives the fields a comparison the partition does not model reads the literals it holds
// as values worth trying (0 for a number field when it holds no number), so that the examples
// have a chance to make the comparison true and false. It claims nothing: the rule is inexact.
func (w *partitionWalker) hint(n ast.Node) {
	var nums []float64
	var strs []string
	var fields []int
	walk(n, func(m ast.Node) {
		switch m := m.(type) {
		case *ast.IntegerNode:
			if m.Value <= maxExactInt && m.Value >= -maxExactInt {
				nums = append(nums, float64(m.Value))
			}
		case *ast.FloatNode:
			nums = append(nums, m.Value)
		case *ast.StringNode:
			strs = append(strs, m.Value)
		case *ast.IdentifierNode:
			if i, ok := w.s.index[m.Value]; ok {
				fields = append(fields, i)
			}
		}
	})
	for _, i := range fields {
		switch w.s.fields[i].Type {
		case Int, Float:
			if len(nums) == 0 {
				nums = []float64{0}
			}
			for _, x := range nums {
				if !math.IsNaN(x) && !math.IsInf(x, 0) && math.Abs(x) <= maxExactInt {
					w.p.Fields[i].Numbers = append(w.p.Fields[i].Numbers, x)
				}
			}
		case String:
			for _, str := range strs {
				if w.s.values[i] == nil || w.s.valueIndex(i, str) >= 0 {
					w.addString(i, str)
				}
			}
		}
	}
}
