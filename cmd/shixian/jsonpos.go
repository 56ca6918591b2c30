package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"

	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

// This file finds where in a JSON document an error is, so that every rejected case file or
// line is reported as file:line:column (the CLI contract). encoding/json gives an offset only
// for syntax errors and (loosely) for type errors; unknown fields, errors from a value's own
// UnmarshalJSON (times, periods) and errors found after decoding (sla.EventError from the
// replay of a case's events) carry none. For those the document is walked again, on the error
// path only, with json.Decoder tokens and InputOffset, and the offending key or value is
// located by decoding each member on its own.

// jsonMember is one member of a JSON object: offsets are into the whole document.
type jsonMember struct {
	key    string
	keyOff int // the key's opening quote
	valOff int // the value's first byte
	raw    json.RawMessage
}

// skipJSONSpace returns the offset of the first byte at or after off that is neither JSON
// white space nor one of the separators in seps.
func skipJSONSpace(doc []byte, off int, seps string) int {
	for off < len(doc) {
		switch c := doc[off]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		case strings.IndexByte(seps, c) >= 0:
		default:
			return off
		}
		off++
	}
	return off
}

// objectMembers lists the members of the JSON object that starts at doc[start]. ok is false
// when there is no well-formed object there.
func objectMembers(doc []byte, start int) (members []jsonMember, ok bool) {
	if start >= len(doc) || doc[start] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(doc[start:]))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	for dec.More() {
		keyOff := skipJSONSpace(doc, start+int(dec.InputOffset()), ",")
		tok, err := dec.Token()
		if err != nil {
			return members, false
		}
		key, _ := tok.(string)
		valOff := skipJSONSpace(doc, start+int(dec.InputOffset()), ":")
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return members, false
		}
		members = append(members, jsonMember{key: key, keyOff: keyOff, valOff: valOff, raw: raw})
	}
	return members, true
}

// arrayElements returns the offsets of the elements of the JSON array that starts at
// doc[start].
func arrayElements(doc []byte, start int) (offs []int, ok bool) {
	if start >= len(doc) || doc[start] != '[' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(doc[start:]))
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	for dec.More() {
		offs = append(offs, skipJSONSpace(doc, start+int(dec.InputOffset()), ","))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return offs, false
		}
	}
	return offs, true
}

// memberOffset returns the offset of the value of key in the object at doc[start], or -1.
func memberOffset(doc []byte, start int, key string) int {
	ms, _ := objectMembers(doc, start)
	for _, m := range ms {
		if m.key == key {
			return m.valOff
		}
	}
	return -1
}

// jsonFields maps the JSON names of a struct's fields (lower-cased, since encoding/json
// matches keys case-insensitively) to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[strings.ToLower(name)] = f.Type
	}
	return out
}

// decodeAs decodes raw into a new value of type t the way the strict case decoder does.
func decodeAs(raw []byte, t reflect.Type) (reflect.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	v := reflect.New(t)
	err := dec.Decode(v.Interface())
	return v.Elem(), err
}

// memberFault returns the offset of the first member of the object at doc[start] that is not
// a field of fields (its key) or whose value does not decode as the field's type (its value),
// or -1. check, when not nil, looks at a decoded value and says whether it is acceptable.
func memberFault(doc []byte, start int, fields map[string]reflect.Type, check func(key string, v reflect.Value) bool) int {
	ms, ok := objectMembers(doc, start)
	if !ok {
		return start
	}
	for _, m := range ms {
		t, known := fields[strings.ToLower(m.key)]
		if !known {
			return m.keyOff
		}
		v, err := decodeAs(m.raw, t)
		if err != nil || (check != nil && !check(strings.ToLower(m.key), v)) {
			return m.valOff
		}
	}
	return -1
}

// caseShape mirrors the JSON form of sla.Case (written by sla.Case.MarshalJSON); events are
// checked one by one against sla.Event. TestCaseShapeKnowsEveryKey keeps it in step.
type caseShape struct {
	Schema     *int              `json:"schema"`
	ID         string            `json:"id"`
	Policy     string            `json:"policy"`
	Department string            `json:"department"`
	Handler    string            `json:"handler"`
	Attributes map[string]string `json:"attributes"`
	Events     []json.RawMessage `json:"events"`
}

var (
	caseFields  = jsonFields(reflect.TypeFor[caseShape]())
	eventFields = jsonFields(reflect.TypeFor[sla.Event]())
)

// caseFault returns the offset of the first fault the strict sla.Case decoder rejects in the
// case document doc: an unknown key, a value of the wrong type or that its own decoder refuses,
// an unsupported schema, an empty id, an event of an unknown type or without a time, trailing
// data; the object's opening brace for a missing schema or id. -1 if none is found.
func caseFault(doc []byte) int {
	start := skipJSONSpace(doc, 0, "")
	if start < len(doc) && doc[start] != '{' {
		return start
	}
	dec := json.NewDecoder(bytes.NewReader(doc[start:]))
	var whole json.RawMessage
	if err := dec.Decode(&whole); err != nil {
		return -1 // a syntax error; its own offset says where
	}
	if off := caseFaultInside(doc, start); off >= 0 {
		return off // a fault inside the object comes first in the text
	}
	if end := skipJSONSpace(doc, start+int(dec.InputOffset()), ""); end < len(doc) {
		return end // trailing data after the case's closing brace
	}
	return -1
}

func caseFaultInside(doc []byte, start int) int {
	check := func(key string, v reflect.Value) bool {
		switch key {
		case "schema":
			p := v.Interface().(*int)
			return p != nil && *p >= 1 && *p <= sla.CaseSchemaVersion
		case "id":
			return v.String() != ""
		}
		return true
	}
	if off := memberFault(doc, start, caseFields, check); off >= 0 {
		return off
	}
	ms, _ := objectMembers(doc, start)
	has := map[string]bool{}
	for _, m := range ms {
		has[strings.ToLower(m.key)] = true
		if strings.ToLower(m.key) != "events" {
			continue
		}
		elems, _ := arrayElements(doc, m.valOff)
		for _, off := range elems {
			if f := eventFault(doc, off); f >= 0 {
				return f
			}
		}
	}
	if !has["schema"] || !has["id"] {
		return start
	}
	return -1
}

// eventFault is caseFault for the event object at doc[start].
func eventFault(doc []byte, start int) int {
	check := func(key string, v reflect.Value) bool {
		switch key {
		case "type":
			return sla.EventType(v.String()).Valid()
		case "at":
			return !v.Interface().(interface{ IsZero() bool }).IsZero()
		}
		return true
	}
	if off := memberFault(doc, start, eventFields, check); off >= 0 {
		return off
	}
	if memberOffset(doc, start, "type") < 0 || memberOffset(doc, start, "at") < 0 {
		return start
	}
	return -1
}

// eventOffset returns the offset of the index-th (1-based, as in sla.EventError) element of
// the "events" array of the case document doc, or -1.
func eventOffset(doc []byte, index int) int {
	ms, _ := objectMembers(doc, skipJSONSpace(doc, 0, ""))
	for _, m := range ms {
		if strings.ToLower(m.key) == "events" {
			elems, _ := arrayElements(doc, m.valOff)
			if index >= 1 && index <= len(elems) {
				return elems[index-1]
			}
			return m.valOff
		}
	}
	return -1
}

// caseErrorOffset returns the offset in the case document doc that err, an error from decoding
// doc as an sla.Case or from checking that case against a policy, is about. c is the decoded
// case (zero when decoding failed) and policyID the policy's id. It never fails: when nothing
// more precise is known it points at the document's first byte.
func caseErrorOffset(doc []byte, err error, c *sla.Case, policyID string) int {
	start := skipJSONSpace(doc, 0, "")
	var se *json.SyntaxError
	var ee *sla.EventError
	switch {
	case errors.As(err, &se):
		return clampOffset(doc, int(se.Offset)-1)
	case errors.As(err, &ee):
		if off := eventOffset(doc, ee.Index); off >= 0 {
			return off
		}
		return start
	case c != nil && c.ID != "":
		// A decoded case the policy rejects as a whole.
		switch {
		case c.PolicyID != "" && c.PolicyID != policyID:
			if off := memberOffset(doc, start, "policy"); off >= 0 {
				return off
			}
		case len(c.Events) == 0 || len(c.Events) > sla.MaxEvents:
			if off := memberOffset(doc, start, "events"); off >= 0 {
				return off
			}
		}
		return start
	}
	if off := caseFault(doc); off >= 0 {
		return off
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return clampOffset(doc, int(te.Offset)-1)
	}
	return start
}

func clampOffset(doc []byte, off int) int {
	return max(0, min(off, len(doc)))
}

// filePos formats the position of byte offset off in the file name as "name:line:column".
func filePos(name string, doc []byte, off int) string {
	return diag.PositionAt(name, doc, off).String()
}

// caseErrorText is the message for an error about a case: an sla.EventError reads
// "event 4 (resumed at 2025-10-09 10:00 CST): resume without a pause", prefixed with
// "case ID: " when withID (a JSON-lines file holds many cases); other errors keep their text.
func caseErrorText(err error, withID bool) string {
	var ee *sla.EventError
	if !errors.As(err, &ee) {
		return strings.TrimRight(err.Error(), "\n")
	}
	if withID {
		return ee.Text()
	}
	return ee.Detail()
}

// corpusFields are the keys of a classify --cases line (corpusLine).
var corpusFields = jsonFields(reflect.TypeFor[corpusLine]())

// corpusLineOffset returns the offset in a classify --cases line that err is about: the
// offending key or value for decoding errors, the "accepted" value for a bad or unusable
// acceptance instant, the input field a rules.FieldError names (else the "input" value). It
// never fails: when nothing more precise is known it points at the line's first byte.
func corpusLineOffset(doc []byte, err error, badAccepted bool) int {
	start := skipJSONSpace(doc, 0, "")
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return clampOffset(doc, int(se.Offset)-1)
	}
	if badAccepted {
		if off := memberOffset(doc, start, "accepted"); off >= 0 {
			return off
		}
		return start
	}
	var fe *rules.FieldError
	if errors.As(err, &fe) {
		if in := memberOffset(doc, start, "input"); in >= 0 {
			if off := memberOffset(doc, in, fe.Field); off >= 0 {
				return off
			}
			return in
		}
		return start
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// Unknown keys are allowed in corpus lines (other tools add their own): only the
		// known ones are decoded.
		ms, _ := objectMembers(doc, start)
		for _, m := range ms {
			if t, ok := corpusFields[strings.ToLower(m.key)]; ok {
				if _, err := decodeAs(m.raw, t); err != nil {
					return m.valOff
				}
			}
		}
		return clampOffset(doc, int(te.Offset)-1)
	}
	if off := memberOffset(doc, start, "accepted"); off >= 0 {
		return off // the policy is not in force, or the calendar ends, at that instant
	}
	return start
}

// lineColumn is the 1-based column, in characters, of byte offset off in one line of a
// JSON-lines file.
func lineColumn(line []byte, off int) int {
	_, col := diag.LineColumn(line, off)
	return col
}
