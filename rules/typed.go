package rules

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"

	"github.com/shixian-go/shixian/internal/clip"
)

// The tag that maps an exported struct field to an input field: `shixian:"cause"`. Fields
// without it are not inputs (a portal's request struct carries more than the rules read), and
// `shixian:"-"` says so explicitly.
const inputTag = "shixian"

// maxTypedPlans bounds the struct types one Set remembers (see typedCache). A program has a
// handful of input structs; past this many the plans of new types are computed on every call
// instead of kept, so that a caller generating types cannot grow the cache.
const maxTypedPlans = 256

// typedCache holds, per struct type, how its fields map to the schema — checked once per type.
// The zero value is ready; it is safe for concurrent use.
type typedCache struct {
	mu    sync.RWMutex
	plans map[reflect.Type]*structPlan
}

// structPlan is how one struct type fills an input map, or why it cannot.
type structPlan struct {
	fields []planField
	err    error
}

type planField struct {
	index []int
	name  string // the input field
	typ   Type   // its declared type
	ptr   bool   // a pointer: nil means "not given" (the field's default)
	omit  bool   // `,omitempty`: the zero value means "not given"
}

// Input returns the input map the rules read for v: v itself when it is a map[string]any (or
// nil), else the fields of a struct or pointer to struct tagged `shixian:"name"`. A struct's
// fields are checked against the schema once per type (the result is cached per Set, for at
// most 256 types): a tag naming no declared field, two fields with one tag, or a Go type that
// cannot hold the declared type is a *FieldError naming both the Go field and the input field,
// and so is a struct without any tagged field. The Go types a field may have: string kinds for
// string; integer kinds for int; integer and float kinds for float; bool for bool; time.Time
// for time; a slice of a string kind for []string; or a pointer to any of these, nil meaning
// "not given" (the field's default applies, or it is an error when it has none). The tag
// option omitempty (`shixian:"channel,omitempty"`) makes the zero value mean "not given" too
// (an empty string, 0, false, a nil or empty list — as encoding/json reads it); without it a
// zero value is a value, checked like any other. Values are checked by Classify as for a map.
//
// The `expr` tag, which SchemaFromStruct and ClassifyStruct read, is not read here: a struct
// passed to a policy says which of its fields are rule inputs, explicitly.
func (s *Set) Input(v any) (map[string]any, error) {
	switch m := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return m, nil
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, &FieldError{Unknown: true, Message: fmt.Sprintf("the input is a nil %s", rv.Type())}
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, &FieldError{Unknown: true, Message: fmt.Sprintf("the input is a %s; want map[string]any or a struct with fields tagged `shixian:\"name\"`", reflect.TypeOf(v))}
	}
	plan := s.plan(rv.Type())
	if plan.err != nil {
		return nil, plan.err
	}
	out := make(map[string]any, len(plan.fields))
	for _, f := range plan.fields {
		fv := rv.FieldByIndex(f.index)
		if f.omit && fv.IsZero() {
			continue
		}
		if f.ptr {
			if fv.IsNil() {
				continue
			}
			fv = fv.Elem()
		}
		out[f.name] = canonical(fv, f.typ)
	}
	return out, nil
}

// ClassifyInput classifies input given as Input takes it: a map[string]any or a struct with
// `shixian` tags. See Classify for what is checked and decided.
func (s *Set) ClassifyInput(input any) (Decision, error) {
	m, err := s.Input(input)
	if err != nil {
		return Decision{}, err
	}
	return s.Classify(m)
}

// canonical is the value of fv as Classify reads it best: a plain string, int (int64 or
// uint64 only beyond an int, for Classify to refuse), float64, bool, time.Time or []string.
func canonical(fv reflect.Value, t Type) any {
	switch k := fv.Kind(); {
	case fv.Type() == timeType:
		return fv.Interface()
	case k == reflect.String:
		return fv.String()
	case k == reflect.Bool:
		return fv.Bool()
	case k >= reflect.Int && k <= reflect.Int64:
		n := fv.Int()
		switch {
		case t == Float:
			return float64(n)
		case n >= math.MinInt && n <= math.MaxInt:
			return int(n)
		}
		return n // Classify refuses what an int cannot hold
	case k >= reflect.Uint && k <= reflect.Uintptr:
		n := fv.Uint()
		switch {
		case t == Float:
			return float64(n)
		case n <= math.MaxInt:
			return int(n)
		}
		return n
	case k == reflect.Float32 || k == reflect.Float64:
		return fv.Float()
	case k == reflect.Slice:
		if fv.IsNil() {
			return []string{}
		}
		l := make([]string, fv.Len())
		for i := range l {
			l[i] = fv.Index(i).String()
		}
		return l
	}
	return fv.Interface() // not reached: plan admits only the kinds above
}

// plan returns the plan of struct type t, from the cache or made and cached.
func (s *Set) plan(t reflect.Type) *structPlan {
	c := &s.typed
	c.mu.RLock()
	p, ok := c.plans[t]
	c.mu.RUnlock()
	if ok {
		return p
	}
	p = s.makePlan(t)
	c.mu.Lock()
	if c.plans == nil {
		c.plans = make(map[reflect.Type]*structPlan)
	}
	if len(c.plans) < maxTypedPlans {
		c.plans[t] = p
	}
	c.mu.Unlock()
	return p
}

func (s *Set) makePlan(t reflect.Type) *structPlan {
	var p structPlan
	by := map[string]string{} // input field → Go field, to refuse a tag used twice
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup(inputTag)
		if !ok || tag == "-" {
			continue
		}
		name, opt, _ := strings.Cut(tag, ",")
		goField := t.String() + "." + sf.Name
		if opt != "" && opt != "omitempty" {
			return &structPlan{err: &FieldError{Field: name, Message: fmt.Sprintf(
				"Go field %s has tag option %s; the one option is omitempty", goField, clip.Quote(opt))}}
		}
		if !sf.IsExported() {
			return &structPlan{err: &FieldError{Field: name, Unknown: true, Message: fmt.Sprintf(
				"Go field %s is tagged %s but not exported, so it cannot be read", goField, clip.Quote(inputTag+":"+tag))}}
		}
		idx, declared := s.index[name]
		if !declared {
			msg := fmt.Sprintf("Go field %s is tagged `shixian:%q`, but the policy declares no input field %s", goField, tag, clip.Quote(name))
			if best := closest(name, s.fields); best != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", best)
			} else {
				msg += fmt.Sprintf(" (declared fields: %s)", strings.Join(s.names, ", "))
			}
			return &structPlan{err: &FieldError{Field: name, Unknown: true, Message: msg}}
		}
		if prev, dup := by[name]; dup {
			return &structPlan{err: &FieldError{Field: name, Message: fmt.Sprintf("Go fields %s and %s are both tagged for it", prev, goField)}}
		}
		by[name] = goField
		typ := s.fields[idx].Type
		ft, ptr := sf.Type, false
		if ft.Kind() == reflect.Pointer {
			ft, ptr = ft.Elem(), true
		}
		if !holds(ft, typ) {
			return &structPlan{err: &FieldError{Field: name, Message: fmt.Sprintf(
				"is declared %s, but Go field %s is %s, which cannot hold it", typ, goField, sf.Type)}}
		}
		p.fields = append(p.fields, planField{index: sf.Index, name: name, typ: typ, ptr: ptr, omit: opt == "omitempty"})
	}
	if len(p.fields) == 0 {
		return &structPlan{err: &FieldError{Unknown: true, Message: fmt.Sprintf(
			"struct %s has no field tagged `shixian:\"name\"`, so it gives the rules no input (declared fields: %s; `expr` tags are read by ClassifyStruct only)", t, strings.Join(s.names, ", "))}}
	}
	return &p
}

// holds reports whether a Go value of type t can carry a value of the declared type.
func holds(t reflect.Type, typ Type) bool {
	if t == timeType {
		return typ == Time
	}
	switch k := t.Kind(); typ {
	case String:
		return k == reflect.String
	case Int:
		return k >= reflect.Int && k <= reflect.Int64 || k >= reflect.Uint && k <= reflect.Uint64
	case Float:
		return k >= reflect.Int && k <= reflect.Int64 || k >= reflect.Uint && k <= reflect.Uint64 ||
			k == reflect.Float32 || k == reflect.Float64
	case Bool:
		return k == reflect.Bool
	case StringList:
		return k == reflect.Slice && t.Elem().Kind() == reflect.String
	}
	return false
}
