package rules

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/shixian-go/shixian/internal/clip"
	"github.com/shixian-go/shixian/internal/diag"
)

// ErrInvalid is satisfied (errors.Is) by every error caused by what the caller passed: a rule
// set that does not compile (Problems), an input that does not fit the schema (*FieldError), a
// rule whose evaluation fails on the input (*RuleError). It is the same value as
// sla.ErrInvalid, so one test covers both packages.
var ErrInvalid = diag.ErrInvalid

// FieldError is an input problem found by Classify: a required field is
// missing, or a value has the wrong type or is not among the field's Values.
type FieldError struct {
	Field   string // the declared field, or the undeclared input key when Unknown
	Message string // what is wrong and what was expected
	// Unknown is set when Field is an input key the policy does not declare; Message then
	// names it and the declared field it most resembles.
	Unknown bool
}

// Error returns `rules: field "name": message`, or `rules: message` for an undeclared key
// (whose message names it: `unknown input field "tag" (did you mean "tags"?)`).
func (e *FieldError) Error() string {
	if e.Unknown {
		return "rules: " + e.Message
	}
	return fmt.Sprintf("rules: field %s: %s", clip.Quote(e.Field), e.Message)
}

// Is makes every FieldError satisfy errors.Is(err, ErrInvalid): it is the caller's input.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// RuleError is a failure while evaluating one rule's condition. Classify never
// treats such a failure as "no match".
type RuleError struct {
	Rule string // rule id
	Pos  Position
	Err  error
}

// Error names the rule and its position.
func (e *RuleError) Error() string {
	if p := e.Pos.String(); p != "" {
		return fmt.Sprintf("rules: %s: rule %s: %v", p, e.Rule, e.Err)
	}
	return fmt.Sprintf("rules: rule %s: %v", e.Rule, e.Err)
}

// Unwrap returns the underlying error.
func (e *RuleError) Unwrap() error { return e.Err }

// Is makes every RuleError satisfy errors.Is(err, ErrInvalid): a rule fails on the input the
// caller passed under the policy the caller loaded (a list longer than a function allows, a
// division by a field that is zero), never on a fault of the engine.
func (e *RuleError) Is(target error) bool { return target == ErrInvalid }

// frame holds one classification's input values, one typed slot per declared
// field (the slot index is resolved at compile time), so that compiled rule
// closures read a field with one slice index and no type assertion.
type frame struct {
	str []string
	// ens holds, per String slot of a field with declared Values, the
	// position of the value in Values, so that compiled conditions compare
	// small integers instead of strings.
	ens   []int
	ints  []int
	flts  []float64
	bools []bool
	times []time.Time
	lists [][]string
	// input is the map being classified, for rules that run on expr's VM,
	// whose environment reuses the caller's own interface values instead of
	// boxing (allocating); nil when every rule runs as closures, which spares
	// the classifications of such sets two pointer writes with their GC write
	// barriers.
	input map[string]any
	// ignored are the input's undeclared keys, when the policy ignores them.
	ignored []string
}

func (s *Set) newFrame() *frame {
	n := &s.nByType
	return &frame{
		str:   make([]string, n[String]),
		ens:   make([]int, n[String]),
		ints:  make([]int, n[Int]),
		flts:  make([]float64, n[Float]),
		bools: make([]bool, n[Bool]),
		times: make([]time.Time, n[Time]),
		lists: make([][]string, n[StringList]),
	}
}

// release drops the reference to the caller's map before the frame returns
// to the pool. Slots are not cleared: every slot is overwritten by the next
// fill, and the pool itself is emptied by the garbage collector, so stale
// strings are retained only briefly; clearing them costs a write barrier per
// pointer on every classification.
func (f *frame) release() {
	if f.input != nil {
		f.input = nil
	}
	if f.ignored != nil {
		f.ignored = nil
	}
}

// fill validates input into the frame, field by field in schema order, so
// that the field an error names is deterministic (the first bad one). Keys
// the schema does not declare are not looked at one by one: the declared
// fields found are counted, and only when the count falls short of the map's
// size does undeclared range over it. (Ranging over the map for every
// input was measured slower, again after the look-ups of field names went
// through a valueTable: iterating costs more than the look-ups it saves.)
func (s *Set) fill(f *frame, input map[string]any) error {
	if s.allFast == nil {
		f.input = input
	}
	seen := 0
	for i := range s.info {
		info := &s.info[i]
		v, ok := input[info.name]
		if ok {
			seen++
		}
		if !ok || v == nil {
			if info.def == nil {
				return s.inputError(input, s.missing(i, ok))
			}
			v = info.def
		}
		// The common field kinds, with values of their canonical Go types,
		// are placed here without calling set (see placing).
		switch info.place {
		case placeEnum:
			if x, ok := v.(string); ok && stringBounded(x) {
				if e := info.vals.index(x); e >= 0 {
					f.ens[info.slot] = e
					continue
				}
			}
		case placeText:
			if x, ok := v.(string); ok && stringBounded(x) {
				f.str[info.slot] = x
				continue
			}
		case placeUnusedText:
			if x, ok := v.(string); ok && stringBounded(x) {
				continue
			}
		case placeList:
			if x, ok := v.([]string); ok && listBounded(x) {
				f.lists[info.slot] = x
				continue
			}
		case placeUnusedList:
			if x, ok := v.([]string); ok && listBounded(x) {
				continue
			}
		}
		if err := s.set(f, i, v); err != nil {
			return s.inputError(input, err)
		}
	}
	ignored, err := s.extraKeys(input, seen)
	if ignored != nil {
		f.ignored = ignored
	}
	return err
}

// extraKeys is the check of undeclared input keys that fill makes once every declared field has
// been looked up; seen is how many of the input's keys were declared fields. It returns the sorted undeclared keys when the policy ignores them
// (Spec.ExtraInput), or the *FieldError naming the first when it rejects them.
func (s *Set) extraKeys(input map[string]any, seen int) ([]string, error) {
	if seen == len(input) {
		return nil, nil
	}
	return s.undeclared(input)
}

// maxIgnored is how many undeclared keys a policy that ignores them accepts in one input: each
// is listed in the decision.
const maxIgnored = MaxListLen

// undeclared lists the input's undeclared keys, sorted, or returns the error for them. Its work
// is linear in the size of the map however many keys it holds: the keys are sorted only while
// there are at most maxIgnored of them; past that only the few smallest, which a message
// names, are kept.
func (s *Set) undeclared(input map[string]any) ([]string, error) {
	const named = 6 // the first key and the five clipList shows
	var keys []string
	var smallest []string // the smallest undeclared keys, sorted, at most named of them
	n := 0
	for k := range input {
		if _, ok := s.index[k]; ok {
			continue
		}
		n++
		if n <= maxIgnored {
			keys = append(keys, k)
		}
		if len(smallest) < named || k < smallest[named-1] {
			j := sort.SearchStrings(smallest, k)
			if len(smallest) < named {
				smallest = append(smallest, "")
			}
			copy(smallest[j+1:], smallest[j:])
			smallest[j] = k
		}
	}
	if n == 0 {
		return nil, nil
	}
	if n <= maxIgnored {
		sort.Strings(keys)
		if s.extra == IgnoreExtra {
			return keys, nil
		}
	} else if s.extra == IgnoreExtra {
		return nil, &FieldError{Field: smallest[0], Unknown: true, Message: fmt.Sprintf(
			"the input has %d fields the policy does not declare, more than the %d it ignores", n, maxIgnored)}
	}
	msg := fmt.Sprintf("unknown input field %s", clip.Quote(smallest[0]))
	if best := closest(smallest[0], s.fields); best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	} else {
		msg += fmt.Sprintf(" (declared fields: %s)", strings.Join(s.names, ", "))
	}
	if n > 1 {
		msg += fmt.Sprintf("; %d more undeclared: %s", n-1, clipList(smallest[1:], n-1))
	}
	return nil, &FieldError{Field: smallest[0], Message: msg, Unknown: true}
}

// inputError is the error of an input that failed validation with err: an undeclared key, when
// the policy rejects them, is reported first, because a misspelt key is the likeliest cause of
// a missing field.
func (s *Set) inputError(input map[string]any, err error) error {
	if s.extra == RejectExtra && len(input) > 0 {
		if _, uerr := s.undeclared(input); uerr != nil {
			return uerr
		}
	}
	return err
}

// clipList quotes up to five of the first texts of a list of total from a caller's input,
// and counts the rest.
func clipList(vs []string, total int) string {
	var b strings.Builder
	for i, v := range vs {
		if i == 5 {
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(clip.Quote(v))
	}
	if shown := min(len(vs), 5); total > shown {
		fmt.Fprintf(&b, " and %d more", total-shown)
	}
	return b.String()
}

// valueList lists a field's declared values for an error message, up to twenty of them.
func valueList(vals []string) string {
	if len(vals) <= 20 {
		return strings.Join(vals, ", ")
	}
	return strings.Join(vals[:20], ", ") + fmt.Sprintf(", … (%d values)", len(vals))
}

// value is one input value after validation and conversion: the member for
// the field's type is set (e, the position in Values, for enum fields).
type value struct {
	s string
	e int
	l []string
	n int
	x float64
	b bool
	t time.Time
}

// missing is the error for required field i being absent from the input
// (present false) or nil.
func (s *Set) missing(i int, present bool) error {
	fd := &s.fields[i]
	if present {
		return &FieldError{Field: fd.Name, Message: fmt.Sprintf("is null; a %s is required", fd.Type)}
	}
	return &FieldError{Field: fd.Name, Message: fmt.Sprintf("is required (%s) but missing from the input", fd.Type)}
}

// set stores v into field i's slot, converting it as documented on Classify.
func (s *Set) set(f *frame, i int, v any) error {
	val, err := s.accept(i, v)
	if err != nil {
		return err
	}
	info := &s.info[i]
	slot := int(info.slot)
	switch info.typ {
	case String:
		if info.enum {
			// Enum fields live in ens only: their string form, when a
			// condition needs it, is read back from Values (see tr).
			f.ens[slot] = val.e
		} else if info.used {
			f.str[slot] = val.s
		}
	case StringList:
		f.lists[slot] = val.l
	case Int:
		f.ints[slot] = val.n
	case Float:
		f.flts[slot] = val.x
	case Bool:
		f.bools[slot] = val.b
	case Time:
		f.times[slot] = val.t
	}
	return nil
}

// accept validates v for field i and converts it as documented on Classify.
// It is the one place where input values are judged: fill places a bounded
// string or list of a field's canonical type itself (see placing) and calls
// set for everything else, so whether a rule then runs as closures or on
// expr's VM, the same inputs are accepted and refused with the same messages.
func (s *Set) accept(i int, v any) (val value, err error) {
	fd := &s.fields[i]
	switch s.info[i].typ {
	case String:
		str, ok := v.(string)
		if !ok {
			rv := reflect.ValueOf(v)
			if rv.Kind() != reflect.String {
				return val, typeError(fd, v)
			}
			str = rv.String()
		}
		if !stringBounded(str) {
			return val, &FieldError{Field: fd.Name, Message: fmt.Sprintf("text is %d bytes long, more than the %d allowed (rules.MaxStringLen)", len(str), MaxStringLen)}
		}
		if s.info[i].enum {
			e := s.valueIndex(i, str)
			if e < 0 {
				return val, &FieldError{Field: fd.Name, Message: fmt.Sprintf("value %s is not one of the declared values (%s)", clip.Quote(str), valueList(fd.Values))}
			}
			val.e = e
		}
		val.s = str
	case StringList:
		var l []string
		switch x := v.(type) {
		case []string:
			l = x
		case []any:
			if len(x) > MaxListLen {
				return val, listTooLong(fd, len(x))
			}
			l = make([]string, len(x))
			for j, e := range x {
				es, ok := e.(string)
				if !ok {
					return val, &FieldError{Field: fd.Name, Message: fmt.Sprintf("element %d: expected string, got %T", j, e)}
				}
				l[j] = es
			}
		default:
			return val, typeError(fd, v)
		}
		if len(l) > MaxListLen {
			return val, listTooLong(fd, len(l))
		}
		for j, e := range l {
			if !stringBounded(e) {
				return val, &FieldError{Field: fd.Name, Message: fmt.Sprintf("element %d: text is %d bytes long, more than the %d allowed (rules.MaxStringLen)", j, len(e), MaxStringLen)}
			}
		}
		if s.values[i] != nil {
			for _, e := range l {
				if s.valueIndex(i, e) < 0 {
					return val, &FieldError{Field: fd.Name, Message: fmt.Sprintf("value %s is not one of the declared values (%s)", clip.Quote(e), valueList(fd.Values))}
				}
			}
		}
		val.l = l
	case Int:
		if n, ok := v.(int); ok {
			val.n = n
			return val, nil
		}
		n, err := toInt(v)
		if err != nil {
			return val, &FieldError{Field: fd.Name, Message: err.Error()}
		}
		val.n = n
	case Float:
		if x, ok := v.(float64); ok {
			val.x = x
			return val, nil
		}
		x, err := toFloat(v)
		if err != nil {
			return val, &FieldError{Field: fd.Name, Message: err.Error()}
		}
		val.x = x
	case Bool:
		b, ok := v.(bool)
		if !ok {
			return val, typeError(fd, v)
		}
		val.b = b
	case Time:
		var t time.Time
		switch x := v.(type) {
		case time.Time:
			t = x
		case string:
			var err error
			if len(x) > 64 {
				return val, &FieldError{Field: fd.Name, Message: fmt.Sprintf("expected time (time.Time or RFC 3339 text), got %s", clip.Quote(x))}
			}
			t, err = time.Parse(time.RFC3339, x)
			if err != nil {
				return val, &FieldError{Field: fd.Name, Message: fmt.Sprintf("expected time (time.Time or RFC 3339 text), got %q", x)}
			}
		default:
			return val, typeError(fd, v)
		}
		// Every instant is read in UTC+8 so that date parts agree with the
		// Beijing civil date.
		val.t = t.In(cst)
	}
	return val, nil
}

// valueIndex returns the position of v in field i's Values, or -1 when the field declares no
// Values or v is not among them. It is the one look-up of a declared value: the validator, the
// closure compiler and the lints all go through it.
func (s *Set) valueIndex(i int, v string) int {
	if t := s.values[i]; t != nil {
		return t.index(v)
	}
	return -1
}

// valueTable indexes a field's declared Values by position. It is an open-addressing table, at
// least twice as long as the list, keyed by a hash of a text's length and its first, middle and
// last bytes: a look-up costs a few operations and, almost always, one comparison of texts,
// where Go's map hashes the whole text and runs its general machinery; it was measured to be
// most of the cost of validating an input. Values that share all four (a list of same-length
// codes that differ only in between) probe further, so a look-up compares at most every
// declared value, never more, whatever text a caller sends.
type valueTable struct {
	slots []valueSlot
	mask  uint32
	shift uint8 // 32 minus log2(len(slots)): the top bits of the hash pick the first slot
}

type valueSlot struct {
	text string
	pos  int32 // position in Values plus one; 0 marks an empty slot
}

func newValueTable(n int) *valueTable {
	bits := 2
	for 1<<bits < 2*n {
		bits++
	}
	return &valueTable{slots: make([]valueSlot, 1<<bits), mask: 1<<bits - 1, shift: uint8(32 - bits)}
}

// first is the slot where the search for v starts.
func (t *valueTable) first(v string) uint32 {
	x := uint32(len(v))
	if n := len(v); n > 0 {
		x ^= uint32(v[0])<<8 | uint32(v[n-1])<<16 | uint32(v[n/2])<<24
	}
	return (x * 2654435761) >> t.shift
}

// add records v at position pos; false when v is already there.
func (t *valueTable) add(v string, pos int) bool {
	for i := t.first(v); ; i++ {
		sl := &t.slots[i&t.mask]
		if sl.pos == 0 {
			*sl = valueSlot{text: v, pos: int32(pos) + 1}
			return true
		}
		if sl.text == v {
			return false
		}
	}
}

// index returns v's position in Values, or -1: an empty slot, whose pos is 0, ends the search.
func (t *valueTable) index(v string) int {
	for i := t.first(v); ; i++ {
		if sl := &t.slots[i&t.mask]; sl.pos == 0 || sl.text == v {
			return int(sl.pos) - 1
		}
	}
}

func listTooLong(fd *Field, n int) error {
	return &FieldError{Field: fd.Name, Message: fmt.Sprintf("list has %d elements, more than the %d allowed (rules.MaxListLen)", n, MaxListLen)}
}

func typeError(fd *Field, v any) error {
	return &FieldError{Field: fd.Name, Message: fmt.Sprintf("expected %s, got %T", fd.Type, v)}
}

func toInt(v any) (int, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case int8:
		return int(x), nil
	case int16:
		return int(x), nil
	case int32:
		return int(x), nil
	case int64:
		if x < math.MinInt || x > math.MaxInt {
			return 0, fmt.Errorf("value %d out of range for int", x)
		}
		return int(x), nil
	case uint:
		if uint64(x) > math.MaxInt {
			return 0, fmt.Errorf("value %d out of range for int", x)
		}
		return int(x), nil
	case uint8:
		return int(x), nil
	case uint16:
		return int(x), nil
	case uint32:
		if uint64(x) > math.MaxInt {
			return 0, fmt.Errorf("value %d out of range for int", x)
		}
		return int(x), nil
	case uint64:
		if x > math.MaxInt {
			return 0, fmt.Errorf("value %d out of range for int", x)
		}
		return int(x), nil
	case float64:
		return floatToInt(x)
	case float32:
		return floatToInt(float64(x))
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return toInt(n)
		}
		f, err := x.Float64()
		if err != nil {
			return 0, fmt.Errorf("expected int, got json.Number %s", clip.Quote(string(x)))
		}
		return floatToInt(f)
	}
	return 0, fmt.Errorf("expected int, got %T", v)
}

func floatToInt(f float64) (int, error) {
	// 2^63 is exactly representable; anything at or above it overflows int64.
	if f != math.Trunc(f) || f >= 1<<63 || f < -(1<<63) {
		return 0, fmt.Errorf("expected int, got non-integral or out-of-range number %v", f)
	}
	return int(f), nil
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int:
		return float64(x), nil
	case int8:
		return float64(x), nil
	case int16:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case uint:
		return float64(x), nil
	case uint8:
		return float64(x), nil
	case uint16:
		return float64(x), nil
	case uint32:
		return float64(x), nil
	case uint64:
		return float64(x), nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, fmt.Errorf("expected float, got json.Number %s", clip.Quote(string(x)))
		}
		return f, nil
	}
	return 0, fmt.Errorf("expected float, got %T", v)
}

// convert turns v into the canonical Go value of type t (used for defaults,
// which must already have that type; see sameGoType).
func convert(t Type, v any) (any, error) {
	switch t {
	case String:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case Int:
		if n, ok := v.(int); ok {
			return n, nil
		}
	case Float:
		if x, ok := v.(float64); ok {
			return x, nil
		}
	case Bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case Time:
		if x, ok := v.(time.Time); ok {
			return x.In(cst), nil
		}
	case StringList:
		if l, ok := v.([]string); ok {
			return append([]string{}, l...), nil
		}
	}
	return nil, fmt.Errorf("expected %s, got %T", t, v)
}

// valuesDeclared reports whether a default (a string or []string) holds only declared values.
func valuesDeclared(v any, vt *valueTable) bool {
	switch x := v.(type) {
	case string:
		return vt.index(x) >= 0
	case []string:
		for _, e := range x {
			if vt.index(e) < 0 {
				return false
			}
		}
	}
	return true
}

// box returns field i's value as an interface for Decision.Fields and the VM
// fallback. It avoids allocating where it can: enum values are boxed once at
// compile time, and a caller's value that already has the canonical Go type
// is reused as is; only converted values are boxed afresh.
func (s *Set) box(f *frame, input map[string]any, i int) any {
	info := &s.info[i]
	slot := int(info.slot)
	if info.enum {
		return s.enumBox[i][f.ens[slot]]
	}
	v, ok := input[info.name]
	if !ok || v == nil {
		return s.defaultBox[i]
	}
	switch info.typ {
	case String:
		if _, ok := v.(string); ok {
			return v
		}
		return f.str[slot]
	case Int:
		if _, ok := v.(int); ok {
			return v
		}
		return f.ints[slot]
	case Float:
		if _, ok := v.(float64); ok {
			return v
		}
		return f.flts[slot]
	case Bool:
		return f.bools[slot]
	case Time:
		if t, ok := v.(time.Time); ok && t.Location() == cst {
			return v
		}
		return f.times[slot]
	case StringList:
		if _, ok := v.([]string); ok {
			return v
		}
		return f.lists[slot]
	}
	return nil
}
