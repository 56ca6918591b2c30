package rules

import (
	"fmt"
	"iter"
	"maps"
	"reflect"
	"strings"
	"time"
)

// Type is the declared type of an input field. The zero Type is invalid.
type Type uint8

// The field types a schema may declare, with the Go type that carries each
// value inside the engine and in Field.Default / Decision.Fields.
const (
	String     Type = iota + 1 // Go string
	Int                        // Go int
	Float                      // Go float64
	Bool                       // Go bool
	Time                       // Go time.Time, always in UTC+8 (CST) once accepted
	StringList                 // Go []string
)

var typeNames = [...]string{"", "string", "int", "float", "bool", "time", "[]string"}

// String returns the schema name of the type: "string", "int", "float",
// "bool", "time" or "[]string"; an invalid Type prints as "type(N)".
func (t Type) String() string {
	if t >= String && t <= StringList {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

func (t Type) valid() bool { return t >= String && t <= StringList }

// ParseType parses a schema type name as printed by Type.String. For
// StringList it also accepts "list<string>", "list of string" and "strings".
// Surrounding spaces are ignored; case matters.
func ParseType(s string) (Type, error) {
	switch strings.TrimSpace(s) {
	case "string":
		return String, nil
	case "int":
		return Int, nil
	case "float":
		return Float, nil
	case "bool":
		return Bool, nil
	case "time":
		return Time, nil
	case "[]string", "list<string>", "list of string", "strings":
		return StringList, nil
	}
	return 0, fmt.Errorf("unknown field type %q (expected string, int, float, bool, time or []string)", s)
}

// zero returns the zero value of the type, used to declare the expr
// environment so that the checker knows each field's static type.
func (t Type) zero() any {
	switch t {
	case String:
		return ""
	case Int:
		return 0
	case Float:
		return 0.0
	case Bool:
		return false
	case Time:
		return time.Time{}
	case StringList:
		return []string{}
	}
	return nil
}

// Field declares one input field that rules may read.
type Field struct {
	// Name is the identifier rules use; it must be a valid expr identifier and
	// not an expr keyword or builtin function name.
	Name string
	// Type is the field's declared type.
	Type Type
	// Default is nil when the field is required. Otherwise it is a value of
	// the field's Go type (string, int, float64, bool, time.Time, []string)
	// used when the input lacks the field (or holds nil for it).
	Default any
	// Values optionally lists the allowed values of a String or StringList
	// field. A string literal compared with the field (==, !=, in) that is not
	// listed is a load error, and an input value outside the list is a
	// Classify error naming the field.
	Values []string
	// Label is the field's name in the words of the office that writes the
	// policy (办不成的原因 for a field named cause), for documents and
	// explanations shown to people. Empty means none; Name is then shown.
	// Like Description it changes neither behaviour nor the computed hash.
	Label string
	// ValueLabels maps a declared value to its label (historical_legacy →
	// 历史遗留问题), so that a policy can keep short stable ids in stored
	// decisions and still be shown in the office's words. Every key must be
	// one of Values (Compile reports a label for an undeclared value); a value
	// without a label is shown as itself. Use ValueLabel to read it.
	ValueLabels map[string]string
	// Description is free text for people; it does not affect behaviour or
	// the policy hash.
	Description string
	// Pos is where the field is declared, for problems about the field.
	Pos Position
}

// ValueLabel returns the label declared for the value v, or v itself when it
// has none — the text to show a person for a value of this field.
func (f Field) ValueLabel(v string) string {
	if l, ok := f.ValueLabels[v]; ok && l != "" {
		return l
	}
	return v
}

// DisplayName returns the field's Label, or its Name when it has none.
func (f Field) DisplayName() string {
	if f.Label != "" {
		return f.Label
	}
	return f.Name
}

func (f Field) clone() Field {
	g := f
	g.Values = append([]string(nil), f.Values...)
	g.ValueLabels = maps.Clone(f.ValueLabels)
	if l, ok := f.Default.([]string); ok {
		g.Default = append([]string{}, l...)
	}
	return g
}

// Rule is one ordered rule: when the expression When holds, the case gets
// Tier for Reason. The first matching rule decides.
type Rule struct {
	ID     string
	When   string // one expr boolean expression over the declared fields
	Tier   string
	Reason string
	Basis  string // optional legal or policy basis, shown with the decision
	// Label optionally names the rule in the office's words (历史遗留与政策瓶颈) for
	// documents and explanations; empty means the ID is shown. It changes
	// neither behaviour nor the computed hash.
	Label string
	// Pos is the position of the rule (its `id` key); used for problems that
	// are not inside the expression.
	Pos Position
	// WhenPos is the position in the file of the first character of the
	// expression text (for YAML block scalars: the first character of the
	// first content line). Expression line k, column c maps to file line
	// WhenPos.Line+k-1, column WhenPos.Column+c-1. If WhenPos is zero,
	// positions are reported relative to the expression itself (line 1,
	// column 1 = its first character).
	WhenPos Position
}

// Default is the decision taken when no rule matches.
type Default struct {
	Tier, Reason string
	Pos          Position
}

// Spec is everything Compile needs. Compile neither keeps nor mutates the
// caller's slices: it copies what it keeps.
type Spec struct {
	File          string   // file name used in positions that have no File
	Source        []byte   // the whole source file, to print the offending line and a caret; may be nil
	PolicyID      string   // carried into every Decision
	PolicyVersion string   // carried into every Decision
	PolicyHash    string   // if empty, Compile computes a SHA-256 hex digest of the spec
	Fields        []Field  // the input schema
	Tiers         []string // known tier ids
	Rules         []Rule   // in order; first match wins
	Default       Default  // required: tier must be known, reason non-empty
	MaxNodes      int      // expression node budget per rule; 0 means 256, at most MaxNodesLimit
	// ExtraInput says what Classify does with an input key the schema does not declare:
	// RejectExtra (the zero value) makes it a *FieldError, IgnoreExtra records it in
	// Decision.Ignored and otherwise ignores it.
	ExtraInput ExtraInput
}

// ExtraInput is a policy's treatment of input keys its schema does not declare.
type ExtraInput uint8

// The treatments of undeclared input keys. Rejecting is the default because a misspelt key
// ("tag" for "tags") would otherwise leave the real field at its default and silently change
// the tier, and with it the legal deadline.
const (
	RejectExtra ExtraInput = iota // an undeclared key is a *FieldError naming it
	IgnoreExtra                   // undeclared keys are listed in Decision.Ignored and otherwise ignored
)

// String returns the policy-file spelling: "reject" or "ignore".
func (e ExtraInput) String() string {
	switch e {
	case RejectExtra:
		return "reject"
	case IgnoreExtra:
		return "ignore"
	}
	return fmt.Sprintf("ExtraInput(%d)", uint8(e))
}

// ParseExtraInput parses "reject" or "ignore", as ExtraInput.String prints them.
func ParseExtraInput(s string) (ExtraInput, error) {
	switch s {
	case "reject":
		return RejectExtra, nil
	case "ignore":
		return IgnoreExtra, nil
	}
	return 0, fmt.Errorf("unknown treatment of extra input fields %q (expected reject or ignore)", s)
}

// DefaultMaxNodes is the node budget per rule expression when Spec.MaxNodes is 0.
const DefaultMaxNodes = 256

// SchemaFromStruct derives fields from the exported fields of a struct (or
// pointer to struct) v. The name is the `expr:"name"` tag, or the Go field
// name when untagged; a tag of "-" skips the field. Go types map to Type:
// string kinds → String, signed and unsigned integer kinds → Int, float32 and
// float64 → Float, bool → Bool, time.Time → Time, slices of a string kind →
// StringList. Any other type is an error naming the Go field. All fields are
// required (Default nil); set defaults on the result if wanted.
func SchemaFromStruct(v any) ([]Field, error) {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("rules: SchemaFromStruct needs a struct or pointer to struct, got %T", v)
	}
	var out []Field
	for sf, name := range ruleFields(t) {
		ft, ok := goType(sf.Type)
		if !ok {
			return nil, fmt.Errorf("rules: struct %s field %s: unsupported type %s (want string, integer, float, bool, time.Time or []string)", t, sf.Name, sf.Type)
		}
		out = append(out, Field{Name: name, Type: ft})
	}
	return out, nil
}

var timeType = reflect.TypeOf(time.Time{})

func goType(t reflect.Type) (Type, bool) {
	if t == timeType {
		return Time, true
	}
	switch t.Kind() {
	case reflect.String:
		return String, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Int, true
	case reflect.Float32, reflect.Float64:
		return Float, true
	case reflect.Bool:
		return Bool, true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return StringList, true
		}
	}
	return 0, false
}

// ruleFields yields the struct fields of t that are rule inputs — exported and not tagged
// `expr:"-"` — with their names in rules, so that SchemaFromStruct and ClassifyStruct read a
// struct the same way.
func ruleFields(t reflect.Type) iter.Seq2[reflect.StructField, string] {
	return func(yield func(reflect.StructField, string) bool) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			if name, ok := exprName(sf); ok && !yield(sf, name) {
				return
			}
		}
	}
}

// exprName is the field name a struct field has in rules: its `expr` tag, else its Go name;
// false for fields tagged "-".
func exprName(sf reflect.StructField) (string, bool) {
	tag, ok := sf.Tag.Lookup("expr")
	switch {
	case !ok || tag == "":
		return sf.Name, true
	case tag == "-":
		return "", false
	}
	return tag, true
}
