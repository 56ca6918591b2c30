// Package jsonpos finds where in a JSON document an error is, so that a rejected document is
// reported as name:line:column. encoding/json gives an offset only for syntax errors and
// (loosely) for type errors; unknown keys, errors from a value's own UnmarshalJSON (times,
// periods) and errors found after decoding carry none. For those the document is walked
// again, on the error path only, with json.Decoder tokens and InputOffset, and the offending
// key or value is located by decoding each member on its own. Package sla uses it for case
// documents, the CLI for its other JSON-lines records.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Member is one member of a JSON object: offsets are into the whole document.
type Member struct {
	Key    string
	KeyOff int // the key's opening quote
	ValOff int // the value's first byte
	Raw    json.RawMessage
}

// SkipSpace returns the offset of the first byte at or after off that is neither JSON white
// space nor one of the separators in seps. A negative off counts as 0.
func SkipSpace(doc []byte, off int, seps string) int {
	off = max(off, 0)
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

// Members lists the members of the JSON object that starts at doc[start]. ok is false when
// there is no well-formed object there; the members before the fault are returned.
func Members(doc []byte, start int) (members []Member, ok bool) {
	if start < 0 || start >= len(doc) || doc[start] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(doc[start:]))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	for dec.More() {
		keyOff := SkipSpace(doc, start+int(dec.InputOffset()), ",")
		tok, err := dec.Token()
		if err != nil {
			return members, false
		}
		key, _ := tok.(string)
		valOff := SkipSpace(doc, start+int(dec.InputOffset()), ":")
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return members, false
		}
		members = append(members, Member{Key: key, KeyOff: keyOff, ValOff: valOff, Raw: raw})
	}
	return members, true
}

// Elements returns the offsets of the elements of the JSON array that starts at doc[start].
func Elements(doc []byte, start int) (offs []int, ok bool) {
	if start < 0 || start >= len(doc) || doc[start] != '[' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(doc[start:]))
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	for dec.More() {
		offs = append(offs, SkipSpace(doc, start+int(dec.InputOffset()), ","))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return offs, false
		}
	}
	return offs, true
}

// MemberOffset returns the offset of the value of key, matched exactly, in the object at
// doc[start], or -1.
func MemberOffset(doc []byte, start int, key string) int {
	ms, _ := Members(doc, start)
	for _, m := range ms {
		if m.Key == key {
			return m.ValOff
		}
	}
	return -1
}

// Fields maps the JSON names of a struct's fields (lower-cased, since encoding/json matches
// keys case-insensitively) to their types.
func Fields(t reflect.Type) map[string]reflect.Type {
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

// DecodeAs decodes raw into a new value of type t strictly (unknown keys refused, numbers as
// json.Number), as the strict decoders of the library do.
func DecodeAs(raw []byte, t reflect.Type) (reflect.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	v := reflect.New(t)
	err := dec.Decode(v.Interface())
	return v.Elem(), err
}

// MemberFault returns the offset of the first member of the object at doc[start] that is not
// a field of fields (its key) or whose value does not decode as the field's type (its value),
// or -1; start itself when there is no well-formed object there. check, when not nil, looks
// at a decoded value and says whether it is acceptable.
func MemberFault(doc []byte, start int, fields map[string]reflect.Type, check func(key string, v reflect.Value) bool) int {
	ms, ok := Members(doc, start)
	if !ok {
		return start
	}
	for _, m := range ms {
		t, known := fields[strings.ToLower(m.Key)]
		if !known {
			return m.KeyOff
		}
		v, err := DecodeAs(m.Raw, t)
		if err != nil || (check != nil && !check(strings.ToLower(m.Key), v)) {
			return m.ValOff
		}
	}
	return -1
}

// Clamp bounds off to [0, len(doc)].
func Clamp(doc []byte, off int) int {
	return max(0, min(off, len(doc)))
}

// LineCol turns a byte offset in doc into a 1-based line and column; the column counts
// characters (runes), as editors do, not bytes. off is clamped to the document.
func LineCol(doc []byte, off int) (line, col int) {
	off = Clamp(doc, off)
	before := doc[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCount(before) + 1
}
