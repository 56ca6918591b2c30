package rules

import (
	"github.com/expr-lang/expr/ast"
)

// The term program: the common shape of a tier rule is a conjunction of
// simple tests on single fields — `cause in ["a", "b"]`, `cause != "a"`,
// `"x" in tags`, `name == "x"`, `flag`, `!flag`. When every rule of a set has
// that shape (and the schema is small, see buildProg), Classify runs the
// rules as a flat list of such terms evaluated in one switch, over a scratch
// frame that lives on the goroutine's stack: no closure calls, no sync.Pool,
// and no pointer writes to the heap while validating. Every other set uses
// the closure tree of fast.go (and expr's VM for what that cannot express).
// Terms cannot fail at run time, so evaluation order cannot change a result.

// Term operations.
const (
	opEnum = iota + 1 // bit test of an enum field's position in Values against mask
	opStr             // a plain String field equals one of strs (neg: none of them)
	opList            // str is an element of a StringList field (neg: is not)
	opBool            // a Bool field is true (neg: is false)
)

// term is one test of a rule's conjunction.
type term struct {
	op    uint8
	neg   bool
	field int    // schema index; resolved to slot by buildProg
	slot  uint8  // index in progFrame.ens (opEnum) or progFrame.vals (others)
	mask  uint64 // opEnum: the set of matching positions in Values
	str   string
	strs  []string
}

// Limits of the stack frame; sets beyond them use the closure tree.
const (
	progEnums = 16 // enum fields (String fields with at most 64 Values)
	progVals  = 8  // other fields that rules read (String, StringList, Bool)
)

// progFrame is one classification's scratch space on the term-program path.
// It is small and fixed-size so that it stays on the caller's stack.
type progFrame struct {
	ens  [progEnums]uint8 // position in Values of each enum field
	vals [progVals]any    // value of each other field read (canonical Go type)
	// defaulted marks vals taken from the field's default, so that
	// Decision.Fields shows the Set's separate copy (defaultBox) and a
	// caller changing it cannot reach evaluation.
	defaulted uint8
	// ignored are the input's undeclared keys, when the policy ignores them.
	ignored []string
}

// Field kinds on the term-program path (fieldInfo.pk).
const (
	pkCheck = iota // validated only: no rule reads it, and it is not an enum
	pkEnum         // stored as its position in Values
	pkStr          // read plain String, stored in vals
	pkList         // read StringList, stored in vals
	pkBool         // read Bool, stored in vals
)

// termsOf flattens a checked condition into a conjunction of terms; ok is
// false when the condition has another shape.
func (s *Set) termsOf(n ast.Node) (ts []term, ok bool) {
	switch n := n.(type) {
	case *ast.BinaryNode:
		if n.Operator == "&&" || n.Operator == "and" {
			l, ok1 := s.termsOf(n.Left)
			r, ok2 := s.termsOf(n.Right)
			return append(l, r...), ok1 && ok2
		}
	}
	t, ok := s.termOf(n)
	if !ok {
		return nil, false
	}
	return []term{t}, true
}

// fieldOf returns the schema index of a bare field identifier.
func (s *Set) fieldOf(n ast.Node) (int, bool) {
	id, ok := n.(*ast.IdentifierNode)
	if !ok {
		return 0, false
	}
	i, ok := s.index[id.Value]
	return i, ok
}

func (s *Set) isEnum(i int) bool {
	return s.fields[i].Type == String && s.valueSet[i] != nil && len(s.fields[i].Values) <= 64
}

func strLit(n ast.Node) (string, bool) {
	str, ok := n.(*ast.StringNode)
	if !ok {
		return "", false
	}
	return str.Value, true
}

// termOf translates one test, following expr's runtime semantics: string
// equality for ==, !=, and `in` over an array of string literals or a
// []string.
func (s *Set) termOf(n ast.Node) (term, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		if i, ok := s.fieldOf(n); ok && s.fields[i].Type == Bool {
			return term{op: opBool, field: i}, true
		}
	case *ast.UnaryNode:
		if n.Operator != "!" && n.Operator != "not" {
			break
		}
		t, ok := s.termOf(n.Node)
		if !ok {
			break
		}
		if t.op == opEnum {
			t.mask ^= s.allValues(t.field)
		} else {
			t.neg = !t.neg
		}
		return t, true
	case *ast.BinaryNode:
		switch n.Operator {
		case "==", "!=":
			l, r := n.Left, n.Right
			if _, ok := strLit(l); ok {
				l, r = r, l
			}
			i, ok1 := s.fieldOf(l)
			c, ok2 := strLit(r)
			if !ok1 || !ok2 || s.fields[i].Type != String {
				break
			}
			var t term
			if s.isEnum(i) {
				t = term{op: opEnum, field: i}
				if e := s.valueIndex(i, c); e >= 0 {
					t.mask = 1 << uint(e)
				}
			} else {
				t = term{op: opStr, field: i, strs: []string{c}}
			}
			if n.Operator == "!=" {
				if t.op == opEnum {
					t.mask ^= s.allValues(i)
				} else {
					t.neg = true
				}
			}
			return t, true
		case "in":
			if arr, ok := n.Right.(*ast.ArrayNode); ok {
				i, ok := s.fieldOf(n.Left)
				if !ok || s.fields[i].Type != String {
					break
				}
				var lits []string
				for _, e := range arr.Nodes {
					c, ok := strLit(e)
					if !ok {
						return term{}, false
					}
					lits = append(lits, c)
				}
				if !s.isEnum(i) {
					return term{op: opStr, field: i, strs: lits}, true
				}
				t := term{op: opEnum, field: i}
				for _, c := range lits {
					if e := s.valueIndex(i, c); e >= 0 {
						t.mask |= 1 << uint(e)
					}
				}
				return t, true
			}
			c, ok1 := strLit(n.Left)
			i, ok2 := s.fieldOf(n.Right)
			if ok1 && ok2 && s.fields[i].Type == StringList {
				return term{op: opList, field: i, str: c}, true
			}
		}
	}
	return term{}, false
}

// allValues is the mask of every position in field i's Values.
func (s *Set) allValues(i int) uint64 {
	n := len(s.fields[i].Values)
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<uint(n) - 1
}

// buildProg sets up the term program when every rule has the term shape
// and the fields fit the stack frame; otherwise Classify keeps the closure
// path. It runs from prepare, after s.info is built.
func (s *Set) buildProg() {
	if len(s.rules) == 0 || len(s.rules) > 64 {
		return
	}
	for _, r := range s.rules {
		if !r.termsOK {
			return
		}
	}
	read := make([]bool, len(s.fields))
	for _, r := range s.rules {
		for _, i := range r.reads {
			read[i] = true
		}
	}
	pk := make([]uint8, len(s.fields))
	slot := make([]uint8, len(s.fields))
	nEnum, nVal := 0, 0
	for i, f := range s.fields {
		switch {
		case s.isEnum(i):
			pk[i], slot[i] = pkEnum, uint8(nEnum)
			nEnum++
		case f.Type == String && s.valueSet[i] != nil:
			return // more than 64 Values: not a bit set
		case !read[i]:
			pk[i] = pkCheck
		case f.Type == String || f.Type == StringList || f.Type == Bool:
			pk[i], slot[i] = map[Type]uint8{String: pkStr, StringList: pkList, Bool: pkBool}[f.Type], uint8(nVal)
			nVal++
		default:
			return
		}
	}
	if nEnum > progEnums || nVal > progVals {
		return
	}
	// Enum terms become one table per enum field: for each value position,
	// the set of rules whose tests on that field it passes (rules without a
	// test on the field pass). A rule matches when every table admits it
	// and its other terms hold.
	all := uint64(1)<<uint(len(s.rules)) - 1
	if len(s.rules) == 64 {
		all = ^uint64(0)
	}
	var enumTab [][]uint64
	for i := range s.fields {
		if pk[i] != pkEnum {
			continue
		}
		tab := make([]uint64, len(s.fields[i].Values))
		for e := range tab {
			tab[e] = all
			for k, r := range s.rules {
				for _, t := range r.terms {
					if t.op == opEnum && t.field == i && t.mask>>uint(e)&1 == 0 {
						tab[e] &^= 1 << uint(k)
					}
				}
			}
		}
		enumTab = append(enumTab, tab)
	}
	var terms []term
	var ends []int
	var rest []int
	for k, r := range s.rules {
		n := len(terms)
		for _, t := range r.terms {
			if t.op != opEnum {
				t.slot = slot[t.field]
				terms = append(terms, t)
			}
		}
		if len(terms) > n {
			rest = append(rest, k)
			ends = append(ends, len(terms))
		}
	}
	for i := range s.info {
		s.info[i].pk, s.info[i].pslot = pk[i], slot[i]
	}
	s.prog = &program{enumTab: enumTab, all: all, terms: terms, termEnds: ends, rest: rest}
}

// progFill validates input into pf on the term-program path, in schema
// order, exactly as fill does on the closure path.
//
// Every error goes through inputError, so that an undeclared key is named first.
func (s *Set) progFill(pf *progFrame, input map[string]any) error {
	seen := 0
	for i := range s.info {
		info := &s.info[i]
		v, ok := input[info.name]
		if ok {
			seen++
		}
		defaulted := false
		if !ok || v == nil {
			if s.defaults[i] == nil {
				return s.inputError(input, s.missing(i, ok))
			}
			v, defaulted = s.defaults[i], true
		}
		switch info.pk {
		case pkEnum:
			if str, ok := v.(string); ok {
				// valueIndex, by hand: the perfect-hash probe inlined.
				if p := info.ph; p != nil {
					b := &p.tab[p.bucket(str)&uint32(len(p.tab)-1)]
					if b.s == str && b.e >= 0 {
						pf.ens[info.pslot%progEnums] = uint8(b.e)
						continue
					}
				} else if e := s.valueIndex(i, str); e >= 0 {
					pf.ens[info.pslot%progEnums] = uint8(e)
					continue
				}
			}
			val, err := s.accept(i, v)
			if err != nil {
				return s.inputError(input, err)
			}
			pf.ens[info.pslot%progEnums] = uint8(val.e)
			continue
		case pkStr:
			if str, ok := v.(string); !ok || !stringBounded(str) {
				val, err := s.accept(i, v)
				if err != nil {
					return s.inputError(input, err)
				}
				v = val.s // a named string type: converted (and boxed) once
			}
		case pkList:
			l, ok := v.([]string)
			if !ok || s.valueSet[i] != nil || !listBounded(l) {
				val, err := s.accept(i, v)
				if err != nil {
					return s.inputError(input, err)
				}
				if !ok {
					v = val.l // a []any of strings: converted once
				}
			}
			_ = l
		case pkBool:
			if _, ok := v.(bool); !ok {
				return s.inputError(input, typeError(&s.fields[i], v))
			}
		default:
			if str, ok := v.(string); ok && info.typ == String && s.valueSet[i] == nil && stringBounded(str) {
				continue
			}
			if l, ok := v.([]string); ok && info.typ == StringList && s.valueSet[i] == nil && listBounded(l) {
				continue
			}
			if _, err := s.accept(i, v); err != nil {
				return s.inputError(input, err)
			}
			continue
		}
		pf.vals[info.pslot%progVals] = v
		if defaulted {
			pf.defaulted |= 1 << info.pslot
		}
	}
	var err error
	pf.ignored, err = s.extraKeys(input, seen)
	return err
}

// program is a compiled term program.
type program struct {
	// enumTab[j][e] is the set of rules (bit k = rule k) whose tests on
	// the j-th enum field pass when that field holds Values[e].
	enumTab [][]uint64
	all     uint64 // every rule
	// rest[j] is the index of the j-th rule with tests on other fields;
	// they are terms[termEnds[j-1]:termEnds[j]].
	rest     []int
	terms    []term
	termEnds []int
}

// eval evaluates the term on a filled frame.
func (t *term) eval(pf *progFrame) bool {
	switch t.op {
	case opEnum:
		return t.mask>>(pf.ens[t.slot%progEnums]&63)&1 != 0
	case opStr:
		x, _ := pf.vals[t.slot%progVals].(string)
		for _, c := range t.strs {
			if c == x {
				return !t.neg
			}
		}
		return t.neg
	case opList:
		l, _ := pf.vals[t.slot%progVals].([]string)
		for _, e := range l {
			if e == t.str {
				return !t.neg
			}
		}
		return t.neg
	case opBool:
		b, _ := pf.vals[t.slot%progVals].(bool)
		return b != t.neg
	}
	return false
}
