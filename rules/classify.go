package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"reflect"
	"strings"
	"time"

	"github.com/expr-lang/expr/vm"
)

// FieldValue is the value of one input field as the rules saw it (after
// defaults and conversion; times in UTC+8).
type FieldValue struct {
	Name  string
	Value any
}

// Evaluation is one rule's result for one classification.
type Evaluation struct {
	RuleID  string
	Matched bool
}

// Decision is the result of classifying one case, with what is needed to
// explain it. It is a value; its methods do not allocate more than their
// results.
type Decision struct {
	Tier   string
	RuleID string // "" when the default decided
	Reason string // the rule's reason, or the default's reason
	Basis  string // the rule's basis, if any
	// Default is true when no rule matched and the default tier applies.
	Default bool

	PolicyID, PolicyVersion, PolicyHash string

	// Due and LastDay are the deadline of the decided tier counted from the acceptance, set by
	// the Accept of package sla (sla.Policy.Accept, sla.History.Accept), which computes it to
	// open the case; zero from Classify, which counts nothing. Due is the exclusive instant
	// (on time iff closed strictly before it), LastDay 00:00 of the last day, both in the
	// calendar's location.
	Due, LastDay time.Time

	// Fields holds the values of the fields the deciding rule read, in schema
	// order; nil when the default decided or the rule reads no field.
	//
	// Fields is shared and read-only when the deciding rule reads only
	// fields with declared Values: every possible slice for such a rule is
	// built at compile time and handed to every decision with the same
	// values, so that classifying allocates nothing; changing its elements
	// would change other decisions. For other rules it is a new slice per
	// decision (the one allocation of Classify). The slices have len == cap,
	// so appending always copies. Copy Fields before modifying it.
	Fields []FieldValue

	// Ignored lists, sorted, the input keys the policy does not declare, when the policy
	// ignores such keys (Spec.ExtraInput, the policy file's `input_extra: ignore`); nil
	// otherwise, and always nil for a strict policy, which refuses them. It is a new slice per
	// decision that has any.
	Ignored []string

	// Every rule is evaluated (so that shadowed rules are known); the results
	// are kept as a bitset — inline for the first 64 rules — next to the
	// immutable Set they index into.
	set     *Set
	matched uint64
	more    []uint64 // rules 64 and up, only for sets that large
	decider int      // index of the deciding rule, -1 for the default
}

func (d *Decision) bit(i int) bool {
	if i < 64 {
		return d.matched&(1<<uint(i)) != 0
	}
	j := i/64 - 1
	return j < len(d.more) && d.more[j]&(1<<uint(i%64)) != 0
}

// Evaluations returns every rule in order with its result; nil for a zero
// Decision.
func (d Decision) Evaluations() []Evaluation {
	if d.set == nil {
		return nil
	}
	out := make([]Evaluation, len(d.set.rules))
	for i, r := range d.set.rules {
		out[i] = Evaluation{RuleID: r.ID, Matched: d.bit(i)}
	}
	return out
}

// Shadowed returns the ids of the rules after the deciding rule that also
// matched, in order; nil when there are none or the default decided.
func (d Decision) Shadowed() []string {
	if d.set == nil || d.decider < 0 {
		return nil
	}
	var out []string
	for i := d.decider + 1; i < len(d.set.rules); i++ {
		if d.bit(i) {
			out = append(out, d.set.rules[i].ID)
		}
	}
	return out
}

// Matches returns how many rules matched in total.
func (d Decision) Matches() int {
	n := bits.OnesCount64(d.matched)
	for _, w := range d.more {
		n += bits.OnesCount64(w)
	}
	return n
}

// String returns one line a case officer can read, e.g.
// `T3 by rule complex-case (问题比较复杂) — policy xinyu-1310 v2025.1`, ending in
// `; ignored input fields: a, b` when the policy ignored undeclared input keys.
func (d Decision) String() string {
	var b strings.Builder
	b.WriteString(d.Tier)
	if d.Default {
		b.WriteString(" by default")
	} else {
		b.WriteString(" by rule ")
		b.WriteString(d.RuleID)
	}
	if d.Reason != "" {
		b.WriteString(" (")
		b.WriteString(d.Reason)
		b.WriteString(")")
	}
	if d.PolicyID != "" || d.PolicyVersion != "" {
		b.WriteString(" — policy")
		if d.PolicyID != "" {
			b.WriteString(" ")
			b.WriteString(d.PolicyID)
		}
		if d.PolicyVersion != "" {
			b.WriteString(" v")
			b.WriteString(strings.TrimPrefix(d.PolicyVersion, "v"))
		}
	}
	if len(d.Ignored) > 0 {
		b.WriteString("; ignored input fields: ")
		b.WriteString(clipList(d.Ignored, len(d.Ignored)))
	}
	return b.String()
}

// MarshalJSON encodes the decision as
//
//	{"tier":…, "rule":…, "reason":…, "basis":…, "default":…,
//	 "policy":{"id":…,"version":…,"hash":…},
//	 "fields":{name: value, …}, "evaluated":[{"rule":…,"matched":…}, …],
//	 "shadowed":[ids], "ignored":[keys]}
//
// with fields in schema order and times in RFC 3339 (UTC+8). "ignored" is
// present only when the policy ignored undeclared input keys (see Ignored).
// Due and LastDay are not written: the JSON is the rules' decision, and a
// case's deadline is written with its status (sla.Status).
func (d Decision) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	put := func(v any) error {
		out, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(out)
		return nil
	}
	type policy struct {
		ID      string `json:"id"`
		Version string `json:"version"`
		Hash    string `json:"hash"`
	}
	type eval struct {
		Rule    string `json:"rule"`
		Matched bool   `json:"matched"`
	}
	b.WriteString(`{"tier":`)
	_ = put(d.Tier)
	b.WriteString(`,"rule":`)
	_ = put(d.RuleID)
	b.WriteString(`,"reason":`)
	_ = put(d.Reason)
	b.WriteString(`,"basis":`)
	_ = put(d.Basis)
	b.WriteString(`,"default":`)
	_ = put(d.Default)
	b.WriteString(`,"policy":`)
	_ = put(policy{d.PolicyID, d.PolicyVersion, d.PolicyHash})
	b.WriteString(`,"fields":{`)
	for i, fv := range d.Fields {
		if i > 0 {
			b.WriteByte(',')
		}
		_ = put(fv.Name)
		b.WriteByte(':')
		if err := put(fv.Value); err != nil {
			return nil, fmt.Errorf("rules: field %s: %w", fv.Name, err)
		}
	}
	b.WriteString(`},"evaluated":`)
	evs := d.Evaluations()
	out := make([]eval, len(evs))
	for i, e := range evs {
		out[i] = eval{e.RuleID, e.Matched}
	}
	_ = put(out)
	b.WriteString(`,"shadowed":`)
	sh := d.Shadowed()
	if sh == nil {
		sh = []string{}
	}
	_ = put(sh)
	if len(d.Ignored) > 0 {
		b.WriteString(`,"ignored":`)
		_ = put(d.Ignored)
	}

	b.WriteByte('}')
	return b.Bytes(), nil
}

// Classify evaluates every rule on input and returns the decision of the
// first rule that matches, or the default.
//
// Input keys are the declared field names. A key the policy does not declare
// is an error (*FieldError with Unknown set, naming the key and the declared
// field it most resembles: a misspelt "tag" would otherwise leave "tags" at its
// default and change the tier), unless the policy ignores such keys
// (Spec.ExtraInput), in which case they are listed in Decision.Ignored. An
// undeclared key is reported before any other problem of the input. A
// missing or nil field takes its default, and is an error (*FieldError naming
// the field) when it has none. Values are accepted as follows: string fields
// take a string (or a value of a named string type); int fields take any Go
// integer (range-checked), a float64/float32 with an integral value, or an
// integral json.Number; float fields take any Go number or json.Number; bool
// fields take a bool; time fields take a time.Time or RFC 3339 text and are
// converted to UTC+8; []string fields take a []string or a []any of strings.
// A value outside a field's declared Values is a *FieldError, and so is a
// text longer than MaxStringLen bytes or a list of more than MaxListLen
// elements: these bounds, with the language subset Compile enforces, bound
// the work of one classification. A rule whose evaluation fails is a
// *RuleError naming the rule — never "no match".
//
// Classify does not modify input and is safe for concurrent use. In the
// steady state, for sets of up to 64 rules that all compile to the closure
// tree (see Set.FastPath) and inputs of the canonical Go types (string,
// int, float64, bool, time.Time in UTC+8, []string), it allocates at most
// once: Decision.Fields, and not even that when the deciding rule reads only
// fields with declared Values (see Decision.Fields).
func (s *Set) Classify(input map[string]any) (d Decision, err error) {
	f := s.frames.Get().(*frame)
	var m matches
	if err = s.fill(f, input); err == nil {
		err = s.evaluate(f, &m)
	}
	if err != nil {
		f.release()
		s.frames.Put(f)
		return Decision{}, err
	}
	// The decision is written here, in Classify's own result, which the
	// compiler knows is on the stack: its many string fields are then written
	// without GC write barriers.
	d.set = s
	d.PolicyID, d.PolicyVersion, d.PolicyHash = s.policyID, s.version, s.hash
	d.Ignored = f.ignored
	d.matched, d.more, d.decider = m.first, m.more, m.decider
	if m.decider < 0 {
		d.Default = true
		d.Tier, d.Reason = s.def.Tier, s.def.Reason
	} else {
		r := s.rules[m.decider]
		d.Tier, d.RuleID, d.Reason, d.Basis = r.Tier, r.ID, r.Reason, r.Basis
		d.Fields = s.fieldValues(f, input, r)
	}
	f.release()
	s.frames.Put(f)
	return d, nil
}

// ClassifyStruct classifies a struct (or pointer to struct) whose exported
// fields carry the schema, as described by SchemaFromStruct. It is kept for
// structs written for SchemaFromStruct; a struct written for a policy's
// declared schema is given to ClassifyInput (or sla's Classify and Accept),
// which reads `shixian` tags, fields opting in one by one. Here (`expr` tags,
// untagged fields by Go name). Every exported field not tagged `expr:"-"` is
// an input key: one the schema does not declare is treated as in Classify (an
// error, unless the policy ignores undeclared keys), so that a misspelt tag is
// caught; tag the fields that are not for the rules with `expr:"-"`. Schema
// fields the struct lacks take their defaults or are errors, as in Classify.
func (s *Set) ClassifyStruct(v any) (Decision, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return Decision{}, errors.New("rules: ClassifyStruct: nil pointer")
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return Decision{}, fmt.Errorf("rules: ClassifyStruct needs a struct or pointer to struct, got %T", v)
	}
	t := rv.Type()
	input := make(map[string]any, len(s.fields))
	for sf, name := range ruleFields(t) {
		fv := rv.FieldByIndex(sf.Index)
		if _, ok := s.index[name]; !ok {
			input[name] = nil // undeclared: only its name matters
			continue
		}
		if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.String && fv.Type() != reflect.TypeOf([]string(nil)) {
			l := make([]string, fv.Len())
			for j := range l {
				l[j] = fv.Index(j).String()
			}
			input[name] = l
			continue
		}
		input[name] = fv.Interface()
	}
	return s.Classify(input)
}

// matches is which rules matched one input: a bitset, inline for the first 64
// rules, and the first that matched (-1 for none).
type matches struct {
	first   uint64
	more    []uint64 // rules 64 and up, only for sets that large
	decider int
}

// evaluate evaluates every rule on a filled frame.
func (s *Set) evaluate(f *frame, m *matches) error {
	m.decider = -1
	if s.allFast != nil {
		// The common case: up to 64 rules, all closures; a tight loop over
		// a contiguous slice of them.
		var mask uint64
		for i, fn := range s.allFast {
			// Without a branch on the result, which depends on the input
			// and so is mispredicted; i < 64, and the mask spares the
			// shift its overflow check.
			var hit uint64
			if fn(f) {
				hit = 1
			}
			mask |= hit << (uint(i) & 63)
		}
		m.first = mask
		if mask != 0 {
			m.decider = bits.TrailingZeros64(mask)
		}
		return nil
	}
	for i, r := range s.rules {
		var hit bool
		if r.fast != nil {
			hit = r.fast(f)
		} else {
			var err error
			if hit, err = s.runSlow(r, f); err != nil {
				return &RuleError{Rule: r.ID, Pos: r.Pos, Err: err}
			}
		}
		if !hit {
			continue
		}
		if i < 64 {
			m.first |= 1 << uint(i)
		} else {
			if m.more == nil {
				m.more = make([]uint64, (len(s.rules)-1)/64)
			}
			m.more[i/64-1] |= 1 << uint(i%64)
		}
		if m.decider < 0 {
			m.decider = i
		}
	}
	return nil
}

// fieldValues is Decision.Fields for deciding rule r: the precomputed,
// shared slice when r reads only fields with declared Values, else a new one.
func (s *Set) fieldValues(f *frame, input map[string]any, r *crule) []FieldValue {
	if r.fieldsTab != nil {
		idx := 0
		for _, fi := range r.reads {
			info := &s.info[fi]
			idx = idx*int(info.nvals) + f.ens[info.slot]
		}
		return r.fieldsTab[idx]
	}
	if len(r.reads) == 0 {
		return nil
	}
	fv := make([]FieldValue, len(r.reads))
	for j, fi := range r.reads {
		fv[j] = FieldValue{Name: s.fields[fi].Name, Value: s.box(f, input, fi)}
	}
	return fv
}

// runSlow evaluates a rule with expr's virtual machine on a map environment
// built from the frame. It is used for expressions the closure compiler does
// not translate; any panic inside expr becomes an error.
func (s *Set) runSlow(r *crule, f *frame) (m bool, err error) {
	env := make(map[string]any, len(s.fields))
	for i, fd := range s.fields {
		env[fd.Name] = s.box(f, f.input, i)
	}
	machine := s.vms.Get().(*vm.VM)
	defer func() {
		if v := recover(); v != nil {
			m, err = false, fmt.Errorf("evaluation failed: %v", v)
			return // a VM that panicked is not returned to the pool
		}
		s.vms.Put(machine)
	}()
	out, err := machine.Run(r.program, env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("condition returned %T, not bool", out)
	}
	return b, nil
}
