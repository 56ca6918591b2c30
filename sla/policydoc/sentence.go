package policydoc

import (
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/shixian-go/shixian/rules"
)

// A condition is rendered as a sentence only where every part of it has one reading that the
// sentence states exactly: a declared field compared with literals (==, !=, in, not in, <, <=,
// >, >=), a literal tested for membership in a list field, a boolean field itself or negated,
// and these joined by &&, || and !. Anything else — arithmetic, function calls, a field
// compared with a field, a ternary — makes the whole condition fall back to its quoted text:
// a published notice may be less elegant, never wrong.

// sentencer renders conditions over one schema.
type sentencer struct {
	fields map[string]rules.Field
}

func newSentencer(fields []rules.Field) *sentencer {
	s := &sentencer{fields: make(map[string]rules.Field, len(fields))}
	for _, f := range fields {
		s.fields[f.Name] = f
	}
	return s
}

// labelOf is the text shown for value v of field f: its declared label, or v itself (a value
// that is Chinese already needs none).
func labelOf(f rules.Field, v string) string { return f.ValueLabel(v) }

// quote renders a value as the notice quotes it: ‘历史遗留问题’.
func quote(s string) string { return "‘" + s + "’" }

// sentence renders the condition src, or reports false when it cannot be said exactly.
func (s *sentencer) sentence(src string) (string, bool) {
	tree, err := parser.Parse(src)
	if err != nil {
		return "", false
	}
	out, ok := s.node(tree.Node, "")
	return out, ok
}

// node renders n; parent is the logical operator ("and", "or", "") n sits under, so that a
// group of another operator is bracketed.
func (s *sentencer) node(n ast.Node, parent string) (string, bool) {
	switch n := n.(type) {
	case *ast.BinaryNode:
		switch n.Operator {
		case "&&", "and", "||", "or":
			op, join := "and", "，且"
			if n.Operator == "||" || n.Operator == "or" {
				op, join = "or", "，或者"
			}
			l, ok := s.node(n.Left, op)
			if !ok {
				return "", false
			}
			r, ok := s.node(n.Right, op)
			if !ok {
				return "", false
			}
			out := l + join + r
			if parent != "" && parent != op {
				out = "（" + out + "）"
			}
			return out, true
		}
		return s.comparison(n, false)
	case *ast.UnaryNode:
		if n.Operator != "!" && n.Operator != "not" {
			return "", false
		}
		switch inner := n.Node.(type) {
		case *ast.BinaryNode:
			if inner.Operator == "in" {
				return s.comparison(inner, true)
			}
		case *ast.IdentifierNode:
			if f, ok := s.fields[inner.Value]; ok && f.Type == rules.Bool {
				return f.DisplayName() + "为“否”", true
			}
		}
		return "", false
	case *ast.IdentifierNode:
		if f, ok := s.fields[n.Value]; ok && f.Type == rules.Bool {
			return f.DisplayName() + "为“是”", true
		}
	}
	return "", false
}

// comparison renders a field compared with literals; negated is a `not in`.
func (s *sentencer) comparison(n *ast.BinaryNode, negated bool) (string, bool) {
	op := n.Operator
	if op == "in" {
		// "literal" in listField
		if lit, ok := n.Left.(*ast.StringNode); ok {
			f, ok := s.field(n.Right)
			if !ok || f.Type != rules.StringList {
				return "", false
			}
			verb := "包含"
			if negated {
				verb = "不包含"
			}
			return f.DisplayName() + verb + quote(labelOf(f, lit.Value)), true
		}
		// field in ["a", "b"]
		f, ok := s.field(n.Left)
		if !ok || (f.Type != rules.String && f.Type != rules.Int && f.Type != rules.Float) {
			return "", false
		}
		arr, ok := n.Right.(*ast.ArrayNode)
		if !ok || len(arr.Nodes) == 0 {
			return "", false
		}
		vals := make([]string, 0, len(arr.Nodes))
		for _, item := range arr.Nodes {
			v, ok := s.literal(f, item)
			if !ok {
				return "", false
			}
			vals = append(vals, v)
		}
		if negated {
			if len(vals) == 1 {
				return f.DisplayName() + "不为" + vals[0], true
			}
			return f.DisplayName() + "不为" + strings.Join(vals, "、") + "中的任何一项", true
		}
		return f.DisplayName() + "为" + strings.Join(vals, "或"), true
	}
	if negated {
		return "", false
	}
	words := map[string]string{"==": "为", "!=": "不为", ">": "大于", ">=": "大于或等于", "<": "小于", "<=": "小于或等于"}
	w, ok := words[op]
	if !ok {
		return "", false
	}
	left, right := n.Left, n.Right
	f, ok := s.field(left)
	if !ok {
		// literal op field: turn it round.
		f, ok = s.field(right)
		if !ok {
			return "", false
		}
		left, right = right, left
		flipped := map[string]string{"==": "==", "!=": "!=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}
		w = words[flipped[op]]
	}
	_ = left
	if f.Type == rules.Bool {
		b, ok := right.(*ast.BoolNode)
		if !ok || (op != "==" && op != "!=") {
			return "", false
		}
		yes := b.Value == (op == "==")
		if yes {
			return f.DisplayName() + "为“是”", true
		}
		return f.DisplayName() + "为“否”", true
	}
	if f.Type == rules.String && op != "==" && op != "!=" {
		return "", false // ordering of text is not something a notice should state
	}
	if f.Type != rules.String && f.Type != rules.Int && f.Type != rules.Float {
		return "", false
	}
	v, ok := s.literal(f, right)
	if !ok {
		return "", false
	}
	return f.DisplayName() + w + v, true
}

// field is the declared field n names.
func (s *sentencer) field(n ast.Node) (rules.Field, bool) {
	id, ok := n.(*ast.IdentifierNode)
	if !ok {
		return rules.Field{}, false
	}
	f, ok := s.fields[id.Value]
	return f, ok
}

// literal renders a literal compared with f: a string as its quoted label, a number as
// itself; anything else cannot be said.
func (s *sentencer) literal(f rules.Field, n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		if f.Type != rules.String {
			return "", false
		}
		return quote(labelOf(f, v.Value)), true
	case *ast.IntegerNode:
		if f.Type != rules.Int && f.Type != rules.Float {
			return "", false
		}
		return strconv.Itoa(v.Value), true
	case *ast.FloatNode:
		if f.Type != rules.Float {
			return "", false
		}
		return strconv.FormatFloat(v.Value, 'f', -1, 64), true
	case *ast.UnaryNode:
		if v.Operator != "-" {
			return "", false
		}
		inner, ok := s.literal(f, v.Node)
		if !ok || strings.HasPrefix(inner, "‘") {
			return "", false
		}
		return "-" + inner, true
	}
	return "", false
}
