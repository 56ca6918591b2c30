package rules

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
)

// Limits on conditions. A policy is data that anyone with access to the policy store can write,
// and one condition runs for every case, so the work of loading and of evaluating a condition
// must be bounded before anything runs; see "Limits" in the package documentation for why each
// value does not refuse a realistic tier rule.
const (
	// MaxConditionLen is the longest `when` text, in bytes, that Compile accepts. It is checked
	// before anything parses the text.
	MaxConditionLen = 8 << 10
	// MaxConditionNesting is how deeply a `when` text may nest: every open bracket ( [ {, every
	// unary operator (! not - +) still waiting for its operand, and every conditional (? or
	// if), power (** ^) and let counts as one level. It is checked on the raw text before expr
	// parses it, because expr's parser recurses once per level and has no limit of its own.
	MaxConditionNesting = 32
	// MaxNodesLimit is the largest Spec.MaxNodes Compile accepts.
	MaxNodesLimit = 4096
	// MaxTreeDepth is how deep the parsed expression tree of a condition may be: expr's checker,
	// optimiser and compiler recurse once per level, and a chain a && b && c … is as deep as it
	// has terms.
	MaxTreeDepth = 256
	// MaxRules is the most rules a Spec may have; a tier policy has a few dozen.
	MaxRules = 1000
	// MaxFields is the most input fields a Spec may declare; a tier policy reads a handful.
	MaxFields = 256
	// MaxStringLen is the longest text, in bytes, a string input value or one element of a
	// []string input value may have.
	MaxStringLen = 16 << 10
	// MaxListLen is the most elements a []string input value may have.
	MaxListLen = 256
)

// scanCondition checks a condition's raw text against MaxConditionNesting and MaxConditionLen
// without parsing it (nesting first: it names the more useful spot). It returns the rune offset
// of the first character that breaks a limit and why, or -1. It knows expr's string literals
// ('…' and "…" with backslash escapes, `…` raw) and comments (// and /* */), so that brackets
// inside them do not count; where its reading of a token is rough (a binary minus is counted
// like a unary one until its operand), it errs towards counting a level too many, never too
// few.
func scanCondition(s string) (at int, msg string) {
	if at, msg := scanNesting(s); at >= 0 {
		return at, msg
	}
	if len(s) > MaxConditionLen {
		cut := MaxConditionLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return utf8.RuneCountInString(s[:cut]), fmt.Sprintf(
			"condition is %d bytes long, more than the %d allowed (rules.MaxConditionLen); split it into several rules",
			len(s), MaxConditionLen)
	}
	return -1, ""
}

// scanNesting is the MaxConditionNesting half of scanCondition. It reads the whole text once,
// in linear time, however long it is.
func scanNesting(s string) (at int, msg string) {
	// Each open bracket is a frame; held counts the levels opened inside the frame that stay
	// open until it closes (conditionals, powers, lets), and unary the unary operators waiting
	// for their operand.
	type frame struct{ held, unary int }
	stack := []frame{{}}
	depth := 0
	deep := func(runeAt int) (int, string) {
		return runeAt, fmt.Sprintf(
			"condition nests more than %d levels deep here (rules.MaxConditionNesting: brackets, unary operators, conditionals and powers each count); simplify it or split it into several rules",
			MaxConditionNesting)
	}
	operand := func() {
		// An operand ends the run of unary operators before it.
		top := &stack[len(stack)-1]
		depth -= top.unary
		top.unary = 0
	}
	runeAt := 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		start := runeAt
		next := func() { i += w; runeAt++ }
		switch {
		case r == '"' || r == '\'':
			next()
			for i < len(s) {
				c, cw := utf8.DecodeRuneInString(s[i:])
				i += cw
				runeAt++
				if c == '\\' && i < len(s) {
					_, ew := utf8.DecodeRuneInString(s[i:])
					i += ew
					runeAt++
					continue
				}
				if c == r {
					break
				}
			}
			operand()
			continue
		case r == '`':
			next()
			for i < len(s) {
				c, cw := utf8.DecodeRuneInString(s[i:])
				i += cw
				runeAt++
				if c == '`' {
					break
				}
			}
			operand()
			continue
		case r == '/' && strings.HasPrefix(s[i:], "//"):
			for i < len(s) && s[i] != '\n' {
				_, cw := utf8.DecodeRuneInString(s[i:])
				i += cw
				runeAt++
			}
			continue
		case r == '/' && strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return -1, "" // unclosed: expr reports it
			}
			runeAt += utf8.RuneCountInString(s[i : i+2+end+2])
			i += 2 + end + 2
			continue
		case r == '(' || r == '[' || r == '{':
			stack = append(stack, frame{})
			depth++
			next()
			if depth > MaxConditionNesting {
				return deep(start)
			}
			continue
		case r == ')' || r == ']' || r == '}':
			if len(stack) > 1 {
				top := stack[len(stack)-1]
				depth -= 1 + top.held + top.unary
				stack = stack[:len(stack)-1]
			}
			next()
			operand()
			continue
		case r == '!' && !strings.HasPrefix(s[i:], "!="), r == '-', r == '+':
			stack[len(stack)-1].unary++
			depth++
			next()
			if depth > MaxConditionNesting {
				return deep(start)
			}
			continue
		case r == '?':
			if strings.HasPrefix(s[i:], "??") {
				i, runeAt = i+2, runeAt+2
				continue
			}
			if strings.HasPrefix(s[i:], "?.") {
				next()
				continue
			}
			stack[len(stack)-1].held++
			depth++
			next()
			if depth > MaxConditionNesting {
				return deep(start)
			}
			continue
		case r == '*' && strings.HasPrefix(s[i:], "**"), r == '^':
			stack[len(stack)-1].held++
			depth++
			if r == '*' {
				i, runeAt = i+1, runeAt+1
			}
			next()
			if depth > MaxConditionNesting {
				return deep(start)
			}
			continue
		case r == '_' || r == '$' || r == '#' || unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i
			for j < len(s) {
				c, cw := utf8.DecodeRuneInString(s[j:])
				if c != '_' && c != '$' && c != '#' && c != '.' && !unicode.IsLetter(c) && !unicode.IsDigit(c) {
					break
				}
				j += cw
				runeAt++
			}
			word := s[i:j]
			i = j
			switch word {
			case "not":
				stack[len(stack)-1].unary++
				depth++
			case "if", "let":
				stack[len(stack)-1].held++
				depth++
			default:
				operand()
				continue
			}
			if depth > MaxConditionNesting {
				return deep(start)
			}
			continue
		}
		next()
	}
	return -1, ""
}

// treeSize returns the number of nodes and the depth of an expression tree, and the deepest
// node, stopping early once the depth passes MaxTreeDepth. The parser has already bounded the
// number of nodes (Spec.MaxNodes), so the recursion here is bounded too.
func treeSize(root ast.Node) (nodes, depth int, deepest ast.Node) {
	var visit func(n ast.Node, d int)
	visit = func(n ast.Node, d int) {
		if n == nil || depth > MaxTreeDepth {
			return
		}
		nodes++
		if d > depth {
			depth, deepest = d, n
		}
		for _, c := range children(n) {
			visit(c, d+1)
		}
	}
	visit(root, 1)
	return nodes, depth, deepest
}

// children lists a node's direct sub-expressions.
func children(n ast.Node) []ast.Node {
	switch n := n.(type) {
	case *ast.UnaryNode:
		return []ast.Node{n.Node}
	case *ast.BinaryNode:
		return []ast.Node{n.Left, n.Right}
	case *ast.ChainNode:
		return []ast.Node{n.Node}
	case *ast.MemberNode:
		return []ast.Node{n.Node, n.Property}
	case *ast.SliceNode:
		return []ast.Node{n.Node, n.From, n.To}
	case *ast.CallNode:
		return append([]ast.Node{n.Callee}, n.Arguments...)
	case *ast.BuiltinNode:
		return n.Arguments
	case *ast.PredicateNode:
		return []ast.Node{n.Node}
	case *ast.VariableDeclaratorNode:
		return []ast.Node{n.Value, n.Expr}
	case *ast.SequenceNode:
		return n.Nodes
	case *ast.ConditionalNode:
		return []ast.Node{n.Cond, n.Exp1, n.Exp2}
	case *ast.ArrayNode:
		return n.Nodes
	case *ast.MapNode:
		out := make([]ast.Node, len(n.Pairs))
		copy(out, n.Pairs)
		return out
	case *ast.PairNode:
		return []ast.Node{n.Key, n.Value}
	}
	return nil
}

// The language subset of tier rules. Every construct below costs at most a constant times the
// size of its operands, and no operand grows faster than the sum of the input values and the
// literals: so one evaluation does at most about (nodes × MaxListLen × MaxStringLen) work.
// What is refused either multiplies work or size (ranges, lets, predicates inside predicates,
// string and list builders), reads fields behind the checker's back ($env, maps, members), or
// fails at run time on ordinary input (indexing past the end of a list).
var (
	subsetBuiltins = map[string]bool{
		"len": true, "lower": true, "upper": true, "trim": true, "trimPrefix": true, "trimSuffix": true,
		"hasPrefix": true, "hasSuffix": true, "indexOf": true, "lastIndexOf": true,
		"abs": true, "ceil": true, "floor": true, "round": true, "int": true, "float": true, "min": true, "max": true,
		"date": true, "duration": true,
		"all": true, "any": true, "none": true, "one": true, "count": true,
	}
	predicateBuiltins = map[string]bool{"all": true, "any": true, "none": true, "one": true, "count": true}
	subsetBinary      = map[string]bool{
		"and": true, "&&": true, "or": true, "||": true,
		"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true,
		"in": true, "matches": true, "contains": true, "startsWith": true, "endsWith": true,
		"+": true, "-": true, "*": true, "/": true, "%": true, "**": true, "^": true, "??": true,
	}
	subsetUnary = map[string]bool{"!": true, "not": true, "-": true, "+": true}
	// timeMethods are the methods of a time field a rule may call: each reads a part of the
	// instant or compares two instants.
	timeMethods = map[string]bool{
		"Year": true, "Month": true, "Day": true, "Hour": true, "Minute": true, "Second": true,
		"Weekday": true, "YearDay": true, "Before": true, "After": true, "Equal": true,
	}
)

// sortedKeys lists a set's keys in order, for messages.
func sortedKeys(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

var timeReflect = reflect.TypeOf(time.Time{})

// outsideSubset returns the first node of a checked tree that is not in the tier-rule subset and
// why, or nil.
func outsideSubset(root ast.Node) (ast.Node, string) {
	var bad ast.Node
	var why string
	refuse := func(n ast.Node, format string, args ...any) {
		if bad == nil {
			bad, why = n, fmt.Sprintf(format, args...)
		}
	}
	var visit func(n ast.Node, inPredicate bool)
	visit = func(n ast.Node, inPredicate bool) {
		if n == nil || bad != nil {
			return
		}
		switch n := n.(type) {
		case *ast.NilNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.StringNode, *ast.ConstantNode, *ast.PointerNode:
		case *ast.IdentifierNode:
			if strings.HasPrefix(n.Value, "$") {
				refuse(n, "%s is not allowed in tier rules: name the field instead, so that the policy's checks can see which fields a rule reads", n.Value)
			}
		case *ast.UnaryNode:
			if !subsetUnary[n.Operator] {
				refuse(n, "operator %s is not allowed in tier rules", n.Operator)
			}
			visit(n.Node, inPredicate)
		case *ast.BinaryNode:
			switch {
			case n.Operator == "..":
				refuse(n, "ranges (..) are not allowed in tier rules: a range makes a list as long as its numbers are large; compare instead, e.g. n >= 1 && n <= 9")
			case !subsetBinary[n.Operator]:
				refuse(n, "operator %s is not allowed in tier rules", n.Operator)
			case n.Operator == "matches":
				if _, ok := n.Right.(*ast.StringNode); !ok {
					refuse(n.Right, "the pattern of matches must be a quoted text in the rule, not computed from the input")
				}
			}
			visit(n.Left, inPredicate)
			visit(n.Right, inPredicate)
		case *ast.ConditionalNode:
			visit(n.Cond, inPredicate)
			visit(n.Exp1, inPredicate)
			visit(n.Exp2, inPredicate)
		case *ast.ArrayNode:
			for _, e := range n.Nodes {
				visit(e, inPredicate)
			}
		case *ast.BuiltinNode:
			switch {
			case !subsetBuiltins[n.Name]:
				refuse(n, "function %s is not allowed in tier rules (allowed: %s)", n.Name, sortedKeys(subsetBuiltins))
			case predicateBuiltins[n.Name] && inPredicate:
				refuse(n, "%s() inside another predicate is not allowed in tier rules: the work would multiply with every level", n.Name)
			}
			for _, a := range n.Arguments {
				if p, ok := a.(*ast.PredicateNode); ok {
					visit(p.Node, true)
					continue
				}
				visit(a, inPredicate)
			}
		case *ast.CallNode:
			m, ok := n.Callee.(*ast.MemberNode)
			var name string
			if ok {
				if s, isStr := m.Property.(*ast.StringNode); isStr {
					name = s.Value
				}
			}
			if !ok || !m.Method || m.Node.Type() != timeReflect || !timeMethods[name] {
				refuse(n, "calling methods is not allowed in tier rules, except these of a time field: %s", sortedKeys(timeMethods))
				return
			}
			visit(m.Node, inPredicate)
			for _, a := range n.Arguments {
				visit(a, inPredicate)
			}
		case *ast.MemberNode:
			if id, ok := n.Node.(*ast.IdentifierNode); ok && strings.HasPrefix(id.Value, "$") {
				visit(id, inPredicate)
				return
			}
			refuse(n, "indexing and member access are not allowed in tier rules: test membership with in, e.g. \"x\" in tags")
		case *ast.SliceNode:
			refuse(n, "slicing is not allowed in tier rules: use hasPrefix, hasSuffix or contains")
		case *ast.ChainNode:
			refuse(n, "optional chaining (?.) is not allowed in tier rules")
		case *ast.VariableDeclaratorNode:
			refuse(n, "let is not allowed in tier rules: a variable can double a value's size at every step; write the condition out")
		case *ast.SequenceNode:
			refuse(n, "sequences (;) are not allowed in tier rules: a rule is one boolean expression")
		case *ast.MapNode, *ast.PairNode:
			refuse(n, "maps ({…}) are not allowed in tier rules")
		case *ast.BytesNode:
			refuse(n, "byte strings are not allowed in tier rules")
		case *ast.PredicateNode:
			refuse(n, "a predicate is only allowed as the argument of all, any, none, one or count")
		default:
			refuse(n, "%T is not allowed in tier rules", n)
		}
	}
	visit(root, false)
	return bad, why
}

// stringBounded reports whether a string input value is within MaxStringLen; it is the check
// the validator's inline case makes before trusting a value without calling accept.
func stringBounded(s string) bool { return len(s) <= MaxStringLen }

// listBounded reports whether a []string input value is within MaxListLen elements of at most
// MaxStringLen bytes each: the checks accept makes of a list, which the validator's inline case
// makes before trusting a list of a field without declared Values.
func listBounded(l []string) bool {
	if len(l) > MaxListLen {
		return false
	}
	for _, e := range l {
		if !stringBounded(e) {
			return false
		}
	}
	return true
}
