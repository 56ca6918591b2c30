package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/checker"
	exprcompiler "github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/patcher"
	"github.com/expr-lang/expr/vm"
	"github.com/shixian-go/shixian/calendar"
)

// cst is China Standard Time, UTC+8 without DST. A fixed zone is used so
// that nothing depends on the host's tz database or time.Local. It is never
// modified after initialisation.
var cst = calendar.CST()

// Set is a compiled, immutable rule set. It is safe for concurrent use by
// any number of goroutines; Classify keeps its scratch space in a sync.Pool.
type Set struct {
	file    string
	fields  []Field
	names   []string       // the fields' names, in schema order, for messages
	index   map[string]int // field name → schema index
	slotOf  []int          // schema index → index in the frame's array for its type
	nByType [StringList + 1]int
	// values: schema index → the field's declared Values, indexed; nil when the field declares
	// none. valueIndex is the one way to look a value up.
	values   []*valueTable
	defaults []any // schema index → canonical default value, nil if required
	// defaultBox holds a separate copy of each default for Decision.Fields,
	// so that what a caller does with a decision cannot reach evaluation.
	defaultBox []any
	info       []fieldInfo
	allFast    []func(*frame) bool // every rule's closure, when there are at most 64 and all have one
	enumBox    [][]any             // schema index → Values boxed once, for enum fields
	rules      []*crule
	byID       map[string]int
	def        Default
	tiers      []string
	policyID   string
	version    string
	hash       string
	extra      ExtraInput
	env        map[string]any // zero values of every field: the expr type environment
	frames     sync.Pool      // *frame
	vms        sync.Pool      // *vm.VM for the fallback path
	typed      typedCache     // struct types' input plans (Input)
}

// fieldInfo is the part of a field that Classify reads for every input,
// kept small and contiguous.
type fieldInfo struct {
	name  string
	typ   Type
	enum  bool // a String field with declared Values
	used  bool // read by some rule; unused fields are validated but not stored
	slot  int32
	place placing     // how fill places a value of the field's canonical Go type
	nvals int32       // len(Values), the radix of the field in a rule's fieldsTab index
	vals  *valueTable // the field's declared Values (s.values[i]); nil when it declares none
	def   any         // the canonical default (s.defaults[i]); nil when the field is required
}

// placing is how fill places a value of a field's canonical Go type without calling set; a
// value it cannot place at once goes to set, whose accept judges it and words the error.
type placing uint8

const (
	placeBySet      placing = iota // every value goes through set
	placeEnum                      // a bounded declared string: its position in Values, in ens
	placeText                      // a bounded string, read by some rule: in str
	placeUnusedText                // a bounded string that no rule reads: checked, not stored
	placeList                      // a bounded []string of a field without Values, read by some rule: in lists
	placeUnusedList                // a bounded []string of a field without Values that no rule reads
)

// placingOf is the placing of a field of type t; enum and used as in fieldInfo, hasValues when
// the field declares Values.
func placingOf(t Type, enum, used, hasValues bool) placing {
	var read, unread placing
	switch {
	case t == String && enum:
		return placeEnum
	case t == String:
		read, unread = placeText, placeUnusedText
	case t == StringList && !hasValues:
		read, unread = placeList, placeUnusedList
	default:
		return placeBySet
	}
	if used {
		return read
	}
	return unread
}

// crule is one compiled rule.
type crule struct {
	Rule
	program   *vm.Program       // checked and compiled by expr; used by the fallback path
	fast      func(*frame) bool // closure tree; nil when the rule uses the fallback path
	slow      string            // why the fast path is not used (for tests and diagnostics)
	reads     []int             // schema indices of the fields the expression reads, schema order
	readNames []string
	key       string // normalised condition text, for the duplicate-condition lint
	// fieldsTab, when the rule reads only fields with declared Values (and
	// few combinations), holds every possible Decision.Fields, indexed by
	// the mixed-radix number of the fields' value positions; see decide.
	fieldsTab [][]FieldValue
}

// maxFieldsTab bounds the number of precomputed Decision.Fields per rule.
const maxFieldsTab = 256

// Compile checks spec and compiles it into a Set. Every `when` is parsed and
// type-checked by expr against the declared fields (so a misspelt field is an
// error here, not a silent false at run time), with now() disabled and date()
// fixed to UTC+8. On failure it returns a *Problems error listing every
// problem found — schema, tiers, default, each rule and the lints — each with
// its position and, for expressions, a caret under the fault. Compile does
// not modify spec.
func Compile(spec Spec) (*Set, error) {
	c := &compiler{spec: spec}
	set := c.compile()
	if err := c.probs.Err(); err != nil {
		return nil, err
	}
	return set, nil
}

type compiler struct {
	spec  Spec
	probs Problems
	// vmOnly leaves every rule to expr's VM, translating none to closures: the tests' reference
	// for the closure tree (see compileVMOnly).
	vmOnly bool
	// lineStarts are the byte offsets of the source's lines, built on the first problem, so
	// that quoting many problems of a large file does not rescan it from the top each time.
	lineStarts []int
	// rejected are declared fields refused by the schema checks (a name expr cannot read, a
	// keyword, an unknown type): already reported at the declaration, so a rule reading one
	// is not reported again as reading an unknown field.
	rejected map[string]bool
}

// sourceLine returns line n (1-based) of the spec's source without its line ending.
func (c *compiler) sourceLine(n int) (string, bool) {
	src := c.spec.Source
	if n < 1 || len(src) == 0 {
		return "", false
	}
	if c.lineStarts == nil {
		c.lineStarts = []int{0}
		for i, b := range src {
			if b == '\n' {
				c.lineStarts = append(c.lineStarts, i+1)
			}
		}
	}
	if n > len(c.lineStarts) {
		return "", false
	}
	line := src[c.lineStarts[n-1]:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	return string(bytes.TrimSuffix(line, []byte("\r"))), true
}

// pos names the spec's file in a position that has none: a problem with no line (a missing
// default, say) still belongs to that file.
func (c *compiler) pos(p Position) Position {
	if p.File == "" {
		p.File = c.spec.File
	}
	return p
}

// add records a problem at a position in the file, quoting the source line
// when the source is known.
func (c *compiler) add(p Position, rule, field, format string, args ...any) {
	p = c.pos(p)
	if c.probs.Full() {
		c.probs.Add(Problem{Pos: p}) // only counted: skip formatting and quoting
		return
	}
	pr := Problem{Pos: p, Rule: rule, Field: field, Message: fmt.Sprintf(format, args...)}
	if p.Line > 0 {
		if line, ok := c.sourceLine(p.Line); ok {
			pr.Line, pr.Caret = quote(line, p.Column)
		}
	}
	c.probs.Add(pr)
}

// addExpr records a problem inside rule r's expression at expression line k
// (1-based) and rune column col (1-based).
func (c *compiler) addExpr(r *Rule, k, col int, format string, args ...any) {
	c.addExprField(r, k, col, "", format, args...)
}

// addExprField is addExpr for a problem about the field named field as well as the rule (an
// unknown field), so that a loader can drop it when it reported that field's declaration.
func (c *compiler) addExprField(r *Rule, k, col int, field, format string, args ...any) {
	if c.probs.Full() {
		c.probs.Add(Problem{Pos: c.pos(Position{File: r.WhenPos.File})})
		return
	}
	lines := strings.Split(r.When, "\n")
	if k < 1 {
		k = 1
	}
	if k > len(lines) {
		k = len(lines)
	}
	if col < 1 {
		col = 1
	}
	wp := r.WhenPos
	var p Position
	if wp.Line > 0 {
		base := wp.Column
		if base < 1 {
			base = 1
		}
		p = c.pos(Position{File: wp.File, Line: wp.Line + k - 1, Column: base + col - 1})
	} else {
		p = Position{File: wp.File, Line: k, Column: col}
	}
	pr := Problem{Pos: p, Rule: r.ID, Field: field, Message: fmt.Sprintf(format, args...)}
	if line, ok := c.sourceLine(p.Line); ok && wp.Line > 0 {
		pr.Line, pr.Caret = quote(line, p.Column)
	} else {
		pr.Line, pr.Caret = quote(strings.TrimSuffix(lines[k-1], "\r"), col)
	}
	c.probs.Add(pr)
}

// addAt records a problem at a rune offset of the expression (expr's
// file.Location.From).
func (c *compiler) addAt(r *Rule, from int, format string, args ...any) {
	if c.probs.Full() {
		c.probs.Add(Problem{Pos: c.pos(Position{File: r.WhenPos.File})}) // counted, not located
		return
	}
	k, col := 1, 1
	i := 0
	for _, ch := range r.When {
		if i == from {
			break
		}
		if ch == '\n' {
			k, col = k+1, 1
		} else {
			col++
		}
		i++
	}
	c.addExpr(r, k, col, format, args...)
}

// keywords are words the expr language reserves; a field may not be named
// after one of them or after a builtin function.
var keywords = map[string]bool{
	"true": true, "false": true, "nil": true, "and": true, "or": true, "not": true,
	"in": true, "matches": true, "contains": true, "startsWith": true, "endsWith": true,
	"let": true, "if": true, "else": true,
}

// reject records a declared field the schema refused (see compiler.rejected).
func (c *compiler) reject(name string) {
	if c.rejected == nil {
		c.rejected = map[string]bool{}
	}
	c.rejected[name] = true
}

// readsRejected reports whether a rule reading the unknown name reads a field the schema
// refused: the name itself, or the part of a refused name that expr reads before the
// character that made it refused (a rule writing 原因-1 reads 原因, then minus 1).
func (c *compiler) readsRejected(name string) bool {
	if c.rejected[name] {
		return true
	}
	for r := range c.rejected {
		if rest, ok := strings.CutPrefix(r, name); ok && rest != "" {
			if first, _ := utf8.DecodeRuneInString(rest); !identRune(first) {
				return true
			}
		}
	}
	return false
}

func (c *compiler) compile() *Set {
	spec := c.spec
	s := &Set{
		file:     spec.File,
		index:    make(map[string]int, len(spec.Fields)),
		env:      make(map[string]any, len(spec.Fields)),
		byID:     make(map[string]int, len(spec.Rules)),
		policyID: spec.PolicyID,
		version:  spec.PolicyVersion,
		def:      spec.Default,
		extra:    spec.ExtraInput,
	}
	s.def.Pos = c.pos(s.def.Pos)
	if spec.ExtraInput > IgnoreExtra {
		c.add(Position{}, "", "", "unknown treatment of extra input fields %s (expected reject or ignore)", spec.ExtraInput)
	}
	// Bounded work: a policy file of a few megabytes could otherwise declare tens of thousands
	// of rules and fields, and loading it would take seconds.
	fieldSpecs, ruleSpecs := spec.Fields, spec.Rules
	if len(fieldSpecs) > MaxFields {
		c.add(fieldSpecs[MaxFields].Pos, "", fieldSpecs[MaxFields].Name, "the policy declares %d input fields, more than the %d allowed (rules.MaxFields)", len(fieldSpecs), MaxFields)
		fieldSpecs = fieldSpecs[:MaxFields]
	}
	if len(ruleSpecs) > MaxRules {
		c.add(ruleSpecs[MaxRules].Pos, ruleSpecs[MaxRules].ID, "", "the policy has %d rules, more than the %d allowed (rules.MaxRules); only the first %d were checked", len(ruleSpecs), MaxRules, MaxRules)
		ruleSpecs = ruleSpecs[:MaxRules]
	}

	// Schema.
	for _, f := range fieldSpecs {
		f = f.clone()
		f.Pos = c.pos(f.Pos)
		switch {
		case f.Name == "":
			c.add(f.Pos, "", "", "field has no name")
			continue
		case !isIdent(f.Name):
			c.add(f.Pos, "", f.Name, "field name %q is not a name rules can read: %s", f.Name, identProblem(f.Name))
			c.reject(f.Name)
			continue
		case keywords[f.Name]:
			c.add(f.Pos, "", f.Name, "field name %q is an expr keyword; choose another name", f.Name)
			c.reject(f.Name)
			continue
		}
		if _, ok := builtin.Index[f.Name]; ok {
			c.add(f.Pos, "", f.Name, "field name %q is an expr builtin function; choose another name", f.Name)
			c.reject(f.Name)
			continue
		}
		if _, dup := s.index[f.Name]; dup {
			c.add(f.Pos, "", f.Name, "duplicate field %q (first declared at %s)", f.Name, s.fields[s.index[f.Name]].Pos)
			continue
		}
		if !f.Type.valid() {
			c.add(f.Pos, "", f.Name, "unknown type %s (expected string, int, float, bool, time or []string)", f.Type)
			c.reject(f.Name)
			continue
		}
		var vt *valueTable
		if len(f.Values) > 0 {
			if f.Type != String && f.Type != StringList {
				c.add(f.Pos, "", f.Name, "values are only allowed for string and []string fields, not %s", f.Type)
			} else {
				vt = newValueTable(len(f.Values))
				for j, v := range f.Values {
					if !vt.add(v, j) {
						c.add(f.Pos, "", f.Name, "duplicate value %q", v)
					}
				}
			}
		}
		// A label for a value the field does not declare is a typo in one of the two lists;
		// sorted so that the problems come out in the same order on every run.
		for _, v := range slices.Sorted(maps.Keys(f.ValueLabels)) {
			switch {
			case len(f.Values) == 0:
				c.add(f.Pos, "", f.Name, "label for the value %q, but the field declares no values to label", v)
			case !slices.Contains(f.Values, v):
				c.add(f.Pos, "", f.Name, "label for %q, which is not one of the declared values (%s)", v, valueList(f.Values))
			}
		}
		var def any
		if f.Default != nil {
			v, err := convert(f.Type, f.Default)
			if err != nil || !sameGoType(f.Type, f.Default) {
				c.add(f.Pos, "", f.Name, "default %v (%T) is not a %s (Go type %s)", f.Default, f.Default, f.Type, goTypeName(f.Type))
			} else if vt != nil && !valuesDeclared(v, vt) {
				c.add(f.Pos, "", f.Name, "default %v is not one of the declared values (%s)", f.Default, valueList(f.Values))
			} else {
				def = v
				f.Default = v
			}
		}
		s.index[f.Name] = len(s.fields)
		s.fields = append(s.fields, f)
		s.names = append(s.names, f.Name)
		s.slotOf = append(s.slotOf, s.nByType[f.Type])
		s.nByType[f.Type]++
		s.values = append(s.values, vt)
		s.defaults = append(s.defaults, def)
		if l, ok := def.([]string); ok {
			s.defaultBox = append(s.defaultBox, append([]string{}, l...))
		} else {
			s.defaultBox = append(s.defaultBox, def)
		}
		s.env[f.Name] = f.Type.zero()
	}

	// Tiers and default.
	tierSet := make(map[string]bool, len(spec.Tiers))
	if len(spec.Tiers) == 0 {
		c.add(Position{}, "", "", "no tiers declared")
	}
	for _, t := range spec.Tiers {
		switch {
		case strings.TrimSpace(t) == "":
			c.add(Position{}, "", "", "empty tier id")
		case tierSet[t]:
			c.add(Position{}, "", "", "duplicate tier %q", t)
		}
		tierSet[t] = true
		s.tiers = append(s.tiers, t)
	}
	known := strings.Join(spec.Tiers, ", ")
	switch {
	case spec.Default.Tier == "":
		c.add(s.def.Pos, "", "", "default tier is missing: a policy must say which tier applies when no rule matches")
	case !tierSet[spec.Default.Tier]:
		c.add(s.def.Pos, "", "", "default tier %q is not a declared tier (declared: %s)", spec.Default.Tier, known)
	}
	if strings.TrimSpace(spec.Default.Reason) == "" {
		c.add(s.def.Pos, "", "", "default reason is empty: say why the default tier applies")
	}

	maxNodes := spec.MaxNodes
	if maxNodes <= 0 {
		maxNodes = DefaultMaxNodes
	}
	if maxNodes > MaxNodesLimit {
		c.add(Position{}, "", "", "MaxNodes %d is more than the %d allowed (rules.MaxNodesLimit)", maxNodes, MaxNodesLimit)
		maxNodes = MaxNodesLimit
	}
	opts := []expr.Option{
		expr.Env(s.env),
		expr.AsBool(),
		// Rules must be reproducible from their inputs: no wall clock, and no
		// time zones from the host's tz database.
		expr.DisableBuiltin("now"),
		expr.DisableBuiltin("timezone"),
		expr.MaxNodes(uint(maxNodes)),
		expr.Patch(patcher.WithTimezone{Location: cst}),
	}

	// Rules.
	var alwaysTrue *crule
	conds := map[string]*crule{}
	firstID := map[string]Position{}
	for i := range ruleSpecs {
		r := ruleSpecs[i]
		r.Pos = c.pos(r.Pos)
		if r.WhenPos.Line > 0 {
			r.WhenPos = c.pos(r.WhenPos)
		}
		switch {
		case r.ID == "":
			c.add(r.Pos, "", "", "rule %d has no id", i+1)
		case ruleIDProblem(r.ID) != "":
			c.add(r.Pos, r.ID, "", "rule id %q: %s", r.ID, ruleIDProblem(r.ID))
		}
		if r.ID != "" {
			if p, dup := firstID[r.ID]; dup {
				c.add(r.Pos, r.ID, "", "duplicate rule id %q (first used at %s)", r.ID, p)
			} else {
				firstID[r.ID] = r.Pos
			}
		}
		switch {
		case r.Tier == "":
			c.add(r.Pos, r.ID, "", "rule has no tier")
		case !tierSet[r.Tier]:
			c.add(r.Pos, r.ID, "", "unknown tier %q (declared: %s)", r.Tier, known)
		}
		if strings.TrimSpace(r.Reason) == "" {
			c.add(r.Pos, r.ID, "", "rule has no reason: say in words why this tier applies")
		}
		if alwaysTrue != nil {
			c.add(r.Pos, r.ID, "", "rule can never match: rule %q before it always matches", alwaysTrue.ID)
		}
		cr := c.compileRule(s, &r, opts, maxNodes)
		if cr == nil {
			continue
		}
		if prev, dup := conds[cr.key]; dup {
			c.addExpr(&r, 1, 1, "condition is the same as rule %q's (at %s); the later rule can never decide", prev.ID, prev.Pos)
		} else {
			conds[cr.key] = cr
		}
		if len(cr.reads) == 0 {
			c.addExpr(&r, 1, 1, "condition reads no field, so it is the same for every case")
		}
		if alwaysTrue == nil && c.isAlwaysTrue(s, cr) {
			alwaysTrue = cr
		}
		if _, dup := s.byID[r.ID]; !dup {
			s.byID[r.ID] = len(s.rules)
		}
		s.rules = append(s.rules, cr)
	}
	if len(c.probs) > 0 {
		return nil
	}
	s.prepare(spec.PolicyHash, maxNodes)
	return s
}

// prepare builds, once the spec is known to be valid, the tables Classify
// works from: per-field slot info, boxed enum values, precomputed Fields,
// the closure list, the hash and the pools.
func (s *Set) prepare(hash string, maxNodes int) {
	used := make([]bool, len(s.fields))
	for _, r := range s.rules {
		for _, i := range r.reads {
			used[i] = true
		}
		if r.fast == nil {
			// The VM sees every field (e.g. through $env), so store all.
			for i := range used {
				used[i] = true
			}
		}
	}
	for i, f := range s.fields {
		enum := s.values[i] != nil && f.Type == String
		s.info = append(s.info, fieldInfo{name: f.Name, typ: f.Type, slot: int32(s.slotOf[i]), enum: enum, used: used[i],
			place: placingOf(f.Type, enum, used[i], s.values[i] != nil),
			nvals: int32(len(f.Values)), vals: s.values[i], def: s.defaults[i]})
		var boxes []any
		if enum {
			boxes = make([]any, len(f.Values))
			for j, v := range f.Values {
				boxes[j] = v
			}
		}
		s.enumBox = append(s.enumBox, boxes)
	}
	for _, r := range s.rules {
		s.buildFieldsTab(r)
	}
	if len(s.rules) <= 64 {
		for _, r := range s.rules {
			if r.fast == nil {
				s.allFast = nil
				break
			}
			s.allFast = append(s.allFast, r.fast)
		}
	}
	s.hash = hash
	if s.hash == "" {
		s.hash = hashSpec(s, maxNodes)
	}
	s.frames.New = func() any { return s.newFrame() }
	s.vms.New = func() any { return new(vm.VM) }
}

// compileRule parses, type-checks and compiles one rule, recording problems;
// it returns nil if the expression is unusable.
func (c *compiler) compileRule(s *Set, r *Rule, opts []expr.Option, maxNodes int) (cr *crule) {
	if strings.TrimSpace(r.When) == "" {
		c.addExpr(r, 1, 1, "empty condition: `when` must be a boolean expression over the declared fields")
		return nil
	}
	defer func() {
		// expr must not be able to take the process down on odd input.
		if v := recover(); v != nil {
			c.addExpr(r, 1, 1, "internal error compiling the condition: %v", v)
			cr = nil
		}
	}()
	// Bounds first, on the raw text: expr's parser recurses once per nesting level and has no
	// limit of its own, so a deep enough condition would end the process.
	if at, msg := scanCondition(r.When); at >= 0 {
		c.addAt(r, at, "%s", msg)
		return nil
	}
	cfg := conf.CreateNew()
	for _, op := range opts {
		op(cfg)
	}
	for name := range cfg.Disabled {
		delete(cfg.Builtins, name)
	}
	cfg.Check()
	tree, err := parser.ParseWithConfig(r.When, cfg)
	if err == nil {
		// The checker, optimiser and compiler recurse over the tree: bound its depth before
		// they see it.
		if _, depth, deepest := treeSize(tree.Node); depth > MaxTreeDepth {
			c.addAt(r, deepest.Location().From, "condition is more than %d levels deep once parsed (rules.MaxTreeDepth); a long chain of && or || counts one level per term: split it into several rules", MaxTreeDepth)
			return nil
		}
		_, err = new(checker.Checker).PatchAndCheck(tree, cfg)
	}
	if err == nil {
		// Only the language subset whose work is bounded (see outsideSubset) goes on to be
		// compiled and, for the lints, run.
		if bad, why := outsideSubset(tree.Node); bad != nil {
			from := bad.Location().From
			if _, ok := bad.(*ast.VariableDeclaratorNode); ok {
				from = letKeyword(r.When, from)
			}
			c.addAt(r, from, "%s", why)
			return nil
		}
	}
	if err == nil && tree.Node.Type().Kind() != reflect.Bool {
		// expr.AsBool lets an expression of unknown type through (e.g. a
		// conditional with a bool and a string branch); a rule must be
		// boolean for every input, so demand it statically.
		c.addExpr(r, 1, 1, "condition must be a boolean expression: its type is %s, which is not always bool", tree.Node.Type())
		return nil
	}
	if err != nil {
		c.exprError(s, r, err, maxNodes)
		return nil
	}
	cr = &crule{Rule: *r, key: conditionKey(tree.Node)}
	// Which fields does the condition read? Identifiers that name a field.
	read := make([]bool, len(s.fields))
	walk(tree.Node, func(n ast.Node) {
		if id, ok := n.(*ast.IdentifierNode); ok {
			if i, ok := s.index[id.Value]; ok {
				read[i] = true
			}
		}
	})
	for i, ok := range read {
		if ok {
			cr.reads = append(cr.reads, i)
			cr.readNames = append(cr.readNames, s.fields[i].Name)
		}
	}
	c.checkValues(s, r, tree.Node)
	bad := false
	walk(tree.Node, func(n ast.Node) {
		// The patcher put the UTC+8 location first; a third argument of
		// the rule's own would be a zone name looked up in the host's tz
		// database.
		if b, ok := n.(*ast.BuiltinNode); ok && b.Name == "date" && len(b.Arguments) > 3 && !bad {
			bad = true
			c.addAt(r, b.Location().From, "date() with a time zone argument is not allowed: dates are read in UTC+8")
		}
	})
	if bad {
		return nil
	}
	if c.vmOnly {
		cr.slow = "compiled for expr's VM only"
	} else {
		cr.fast, cr.slow = s.translate(tree.Node)
	}
	// Last, optimise and compile the same checked tree, as expr.Compile would after parsing and
	// checking the text again: the analyses above have read the tree as written, and the
	// optimiser rewrites it in place.
	if cfg.Optimize {
		if err := optimizer.Optimize(&tree.Node, cfg); err != nil {
			var fe *file.Error
			if errors.As(err, &fe) {
				err = fe.Bind(tree.Source)
			}
			c.exprError(s, r, err, maxNodes)
			return nil
		}
	}
	if cr.program, err = exprcompiler.Compile(tree, cfg); err != nil {
		c.exprError(s, r, err, maxNodes)
		return nil
	}
	return cr
}

// conditionKey is a canonical text of a checked condition for the duplicate-condition lint. It
// is written in one pass, where ast.Node.String copies each subtree's text once per level
// (quadratic in the depth of a long chain).
func conditionKey(root ast.Node) string {
	var b strings.Builder
	var put func(n ast.Node)
	list := func(open string, nodes []ast.Node, close string) {
		b.WriteString(open)
		for i, e := range nodes {
			if i > 0 {
				b.WriteString(", ")
			}
			put(e)
		}
		b.WriteString(close)
	}
	put = func(n ast.Node) {
		switch n := n.(type) {
		case nil:
			b.WriteString("_")
		case *ast.IdentifierNode:
			b.WriteString(n.Value)
		case *ast.StringNode:
			b.WriteString(strconv.Quote(n.Value))
		case *ast.UnaryNode:
			b.WriteString("(" + n.Operator + " ")
			put(n.Node)
			b.WriteString(")")
		case *ast.BinaryNode:
			b.WriteString("(")
			put(n.Left)
			b.WriteString(" " + n.Operator + " ")
			put(n.Right)
			b.WriteString(")")
		case *ast.ConditionalNode:
			b.WriteString("(")
			put(n.Cond)
			b.WriteString(" ? ")
			put(n.Exp1)
			b.WriteString(" : ")
			put(n.Exp2)
			b.WriteString(")")
		case *ast.ArrayNode:
			list("[", n.Nodes, "]")
		case *ast.BuiltinNode:
			list(n.Name+"(", n.Arguments, ")")
		case *ast.PredicateNode:
			b.WriteString("{")
			put(n.Node)
			b.WriteString("}")
		case *ast.CallNode:
			put(n.Callee)
			list("(", n.Arguments, ")")
		case *ast.MemberNode:
			put(n.Node)
			b.WriteString(".")
			put(n.Property)
		default:
			// Literals and the rest of the subset print in constant size.
			b.WriteString(n.String())
		}
	}
	put(root)
	return b.String()
}

// letKeyword returns the rune offset of the `let` before the variable name at rune offset name
// (expr places a let at its name), or name when the text does not have it there.
func letKeyword(text string, name int) int {
	runes := []rune(text)
	j := min(name, len(runes)) - 1
	for j >= 0 && (runes[j] == ' ' || runes[j] == '\t' || runes[j] == '\n' || runes[j] == '\r') {
		j--
	}
	if j >= 2 && string(runes[j-2:j+1]) == "let" {
		return j - 2
	}
	return name
}

// exprError turns an expr error into a problem at the right place in the file. expr's checker
// reports an unknown name, a disabled function and the node limit only as message text (its
// file.Error has a position but no kind), so this is the one place that reads expr's wording; a
// test per case (unknown field, now(), too large) fails if a new expr release changes it.
func (c *compiler) exprError(s *Set, r *Rule, err error, maxNodes int) {
	var fe *file.Error
	if !errors.As(err, &fe) {
		msg := err.Error()
		if strings.HasPrefix(msg, "expected bool") {
			msg = "condition must be a boolean expression: " + msg
		}
		c.addExpr(r, 1, 1, "%s", msg)
		return
	}
	msg := fe.Message
	switch {
	case strings.Contains(msg, "exceeds maximum allowed nodes"):
		msg = fmt.Sprintf("condition is too large: more than %d expression nodes (MaxNodes)", maxNodes)
	case msg == "unknown name now" || (strings.HasPrefix(msg, "unknown func") && strings.Contains(msg, "now")):
		msg = "now() is disabled: rules must read a time field such as accepted_at"
	case strings.HasPrefix(msg, "unknown name "):
		name := strings.TrimPrefix(msg, "unknown name ")
		if c.readsRejected(name) {
			return // the declaration's problem says it all
		}
		msg = fmt.Sprintf("unknown field %q", name)
		if best := closest(name, s.fields); best != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", best)
		} else if len(s.names) > 0 {
			msg += fmt.Sprintf(" (declared fields: %s)", strings.Join(s.names, ", "))
		}
		line := max(fe.Line, 1)
		c.addExprField(r, line, fe.Column+1, name, "%s", msg)
		return
	}
	line := fe.Line
	if line < 1 {
		line = 1
	}
	c.addExpr(r, line, fe.Column+1, "%s", msg)
}

// closest returns the declared field nearest to name by edit distance, if it
// is close enough to be a plausible typo (at most two edits). The name may come
// from a caller's input, so anything longer than a field name can be is not
// compared at all.
func closest(name string, fields []Field) string {
	if len(name) > 256 {
		return ""
	}
	best, bestD := "", 3
	for _, f := range fields {
		if abs(utf8.RuneCountInString(name)-utf8.RuneCountInString(f.Name)) >= bestD {
			continue // the distance is at least the difference in length
		}
		if d := editDistance(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the Levenshtein distance of a and b when it is at most 2, and 3 otherwise
// (all closest needs). Only the cells within two of the diagonal are computed, so a comparison
// costs a few operations per character however many fields and names are compared.
func editDistance(a, b string) int {
	const far = 3
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 || abs(len(ra)-len(rb)) >= far {
		return far
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = min(j, far)
	}
	for i := 1; i <= len(ra); i++ {
		lo, hi := max(1, i-far+1), min(len(rb), i+far-1)
		for j := range cur {
			cur[j] = far
		}
		if i < far {
			cur[0] = i
		}
		for j := lo; j <= hi; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost, far)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// checkValues reports string literals compared with a field that declares
// Values but are not among them: a misspelt value would otherwise silently
// never match.
func (c *compiler) checkValues(s *Set, r *Rule, root ast.Node) {
	fieldOf := func(n ast.Node) (int, bool) {
		id, ok := n.(*ast.IdentifierNode)
		if !ok {
			return 0, false
		}
		i, ok := s.index[id.Value]
		if !ok || s.values[i] == nil {
			return 0, false
		}
		return i, true
	}
	check := func(i int, lit ast.Node) {
		str, ok := lit.(*ast.StringNode)
		if !ok {
			return
		}
		if s.valueIndex(i, str.Value) < 0 {
			f := s.fields[i]
			c.addAt(r, str.Location().From, "unknown value %q for field %s (declared values: %s)", str.Value, f.Name, valueList(f.Values))
		}
	}
	walk(root, func(n ast.Node) {
		b, ok := n.(*ast.BinaryNode)
		if !ok {
			return
		}
		switch b.Operator {
		case "==", "!=":
			if i, ok := fieldOf(b.Left); ok {
				check(i, b.Right)
			} else if i, ok := fieldOf(b.Right); ok {
				check(i, b.Left)
			}
		case "in":
			if i, ok := fieldOf(b.Right); ok && s.fields[i].Type == StringList {
				check(i, b.Left)
			} else if i, ok := fieldOf(b.Left); ok {
				if arr, ok := b.Right.(*ast.ArrayNode); ok {
					for _, e := range arr.Nodes {
						check(i, e)
					}
				}
			}
		}
	})
}

// isAlwaysTrue reports whether a rule matches every case: its condition reads
// no field and is true, or expr's optimizer folded it to the constant true.
func (c *compiler) isAlwaysTrue(s *Set, cr *crule) (yes bool) {
	switch n := cr.program.Node().(type) {
	case *ast.BoolNode:
		if n.Value {
			return true
		}
	case *ast.ConstantNode:
		if b, ok := n.Value.(bool); ok && b {
			return true
		}
	}
	if len(cr.reads) > 0 {
		return false
	}
	defer func() {
		if recover() != nil {
			yes = false
		}
	}()
	out, err := expr.Run(cr.program, s.env)
	b, _ := out.(bool)
	return err == nil && b
}

// walk calls fn for every node of the tree, parents first.
func walk(root ast.Node, fn func(ast.Node)) {
	if root == nil {
		return
	}
	ast.Walk(&root, visitor(fn))
}

type visitor func(ast.Node)

func (v visitor) Visit(n *ast.Node) { v(*n) }

// hashSpec is a SHA-256 over a canonical, length-prefixed encoding of what
// decides classification: fields (name, type, default, values), tiers, rules
// (id, when, tier, reason, basis), the default, policy id/version and the
// node budget. Positions and descriptions are left out so that reformatting
// a file does not change its hash.
func hashSpec(s *Set, maxNodes int) string {
	h := sha256.New()
	put := func(parts ...string) {
		for _, p := range parts {
			h.Write([]byte(strconv.Itoa(len(p))))
			h.Write([]byte{':'})
			h.Write([]byte(p))
		}
	}
	put("shixian-rules/1", s.policyID, s.version, strconv.Itoa(maxNodes))
	put("fields", strconv.Itoa(len(s.fields)))
	for _, f := range s.fields {
		put(f.Name, f.Type.String(), formatValue(f.Default), strconv.Itoa(len(f.Values)))
		put(f.Values...)
	}
	put("tiers", strconv.Itoa(len(s.tiers)))
	put(s.tiers...)
	put("rules", strconv.Itoa(len(s.rules)))
	for _, r := range s.rules {
		put(r.ID, r.When, r.Tier, r.Reason, r.Basis)
	}
	put("default", s.def.Tier, s.def.Reason)
	if s.extra != RejectExtra {
		// Only when set, so that the hashes of existing (strict) policies do not change.
		put("extra", s.extra.String())
	}
	return hex.EncodeToString(h.Sum(nil))
}

func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "<required>"
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case []string:
		return strconv.Quote(strings.Join(x, "\x00"))
	case string:
		return strconv.Quote(x)
	}
	return fmt.Sprint(v)
}

func goTypeName(t Type) string {
	switch t {
	case String:
		return "string"
	case Int:
		return "int"
	case Float:
		return "float64"
	case Bool:
		return "bool"
	case Time:
		return "time.Time"
	case StringList:
		return "[]string"
	}
	return "?"
}

// sameGoType reports whether v is exactly of the Go type that carries t; a
// default must be written in the field's own type.
func sameGoType(t Type, v any) bool {
	return reflect.TypeOf(v) == reflect.TypeOf(t.zero())
}

// Fields returns a copy of the schema, in declaration order.
func (s *Set) Fields() []Field {
	out := make([]Field, len(s.fields))
	for i, f := range s.fields {
		out[i] = f.clone()
	}
	return out
}

// Rules returns a copy of the rules, in order.
func (s *Set) Rules() []Rule {
	out := make([]Rule, len(s.rules))
	for i, r := range s.rules {
		out[i] = r.Rule
	}
	return out
}

// Default returns the decision taken when no rule matches.
func (s *Set) Default() Default { return s.def }

// Tiers returns a copy of the declared tier ids.
func (s *Set) Tiers() []string { return slices.Clone(s.tiers) }

// PolicyID returns the policy id given in the Spec.
func (s *Set) PolicyID() string { return s.policyID }

// PolicyVersion returns the policy version given in the Spec.
func (s *Set) PolicyVersion() string { return s.version }

// PolicyHash returns Spec.PolicyHash, or the SHA-256 (hex) Compile computed.
func (s *Set) PolicyHash() string { return s.hash }

// FieldsRead returns the declared fields the rule's expression reads, in
// schema order; nil for an unknown rule id.
func (s *Set) FieldsRead(ruleID string) []string {
	i, ok := s.byID[ruleID]
	if !ok {
		return nil
	}
	return slices.Clone(s.rules[i].readNames)
}

// FastPath reports whether the rule is evaluated by the compiled closure tree
// (true) or by expr's virtual machine (false, with the reason). Both give the
// same results; the closure tree is faster and does not allocate.
func (s *Set) FastPath(ruleID string) (bool, string) {
	i, ok := s.byID[ruleID]
	if !ok {
		return false, "unknown rule"
	}
	r := s.rules[i]
	return r.fast != nil, r.slow
}

// buildFieldsTab precomputes Decision.Fields for a rule that reads only enum
// fields, so that such decisions share an immutable slice instead of
// allocating one. Digit k of the index is the position in Values of the k-th
// field read, the first field being the most significant.
func (s *Set) buildFieldsTab(r *crule) {
	if len(r.reads) == 0 {
		return
	}
	n := 1
	for _, i := range r.reads {
		if !s.info[i].enum {
			return
		}
		n *= len(s.fields[i].Values)
		if n > maxFieldsTab {
			return
		}
	}
	r.fieldsTab = make([][]FieldValue, n)
	for idx := range r.fieldsTab {
		fv := make([]FieldValue, len(r.reads))
		rest := idx
		for k := len(r.reads) - 1; k >= 0; k-- {
			i := r.reads[k]
			radix := len(s.fields[i].Values)
			fv[k] = FieldValue{Name: s.fields[i].Name, Value: s.enumBox[i][rest%radix]}
			rest /= radix
		}
		r.fieldsTab[idx] = fv[:len(fv):len(fv)]
	}
}
