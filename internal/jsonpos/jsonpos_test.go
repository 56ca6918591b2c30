package jsonpos

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSkipSpace(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		off  int
		seps string
		want int
	}{
		{"nothing to skip", `{"a":1}`, 0, "", 0},
		{"spaces, tabs, CR and LF are skipped", " \t\r\n{", 0, "", 4},
		{"separators named are skipped with the space around them", ` , :"b"`, 0, ",:", 4},
		{"separators not named are not skipped", ` ,"b"`, 0, ":", 1},
		{"other Unicode space is not JSON white space", "\u00a0{", 0, "", 0},
		{"skipping from the middle", `{"a": 1}`, 5, "", 6},
		{"all space: the end of the document", "   ", 0, "", 3},
		{"an offset at the end stays there", "{}", 2, "", 2},
		{"an offset past the end stays there", "{}", 9, "", 9},
		{"the empty document", "", 0, ",", 0},
		{"a negative offset counts from the start instead of panicking", "  {}", -3, "", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, SkipSpace([]byte(tc.doc), tc.off, tc.seps))
		})
	}
}

func TestMembers(t *testing.T) {
	type m struct {
		key            string
		keyOff, valOff int
		raw            string
	}
	tests := []struct {
		name   string
		doc    string
		start  int
		want   []m
		wantOK bool
	}{
		{"an object's members with the offsets of their keys and values",
			`{"a":1,"bb":"x"}`, 0, []m{{"a", 1, 5, "1"}, {"bb", 7, 12, `"x"`}}, true},
		{"white space around keys, colons and commas is skipped",
			"{ \"a\" :\n 1 ,\t\"b\": [ 2 ] }", 0, []m{{"a", 2, 9, "1"}, {"b", 13, 18, "[ 2 ]"}}, true},
		{"an object nested at an offset: offsets are into the whole document",
			`{"x":{"k":true}}`, 5, []m{{"k", 6, 10, "true"}}, true},
		{"keys in Chinese, values keep their raw text",
			`{"事项":"受理","n":1.50}`, 0, []m{{"事项", 1, 10, `"受理"`}, {"n", 19, 23, "1.50"}}, true},
		{"a key with escapes is decoded", `{"\u0061":null}`, 0, []m{{"a", 1, 10, "null"}}, true},
		{"an empty object has no members", `{}`, 0, nil, true},
		{"a truncated object returns the members before the fault",
			`{"a":1,"b":`, 0, []m{{"a", 1, 5, "1"}}, false},
		{"a bad value returns the members before it", `{"a":1,"b":tru}`, 0, []m{{"a", 1, 5, "1"}}, false},
		{"a missing colon is a fault", `{"a" 1}`, 0, nil, false},
		{"an array is not an object", `[1]`, 0, nil, false},
		{"white space before the object is not skipped", ` {}`, 0, nil, false},
		{"a negative start is no object", `{}`, -1, nil, false},
		{"a start at the end is no object", `{}`, 2, nil, false},
		{"the empty document has no object", ``, 0, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := []byte(tc.doc)
			ms, ok := Members(doc, tc.start)
			assert.Equal(t, tc.wantOK, ok)
			var got []m
			for _, x := range ms {
				got = append(got, m{x.Key, x.KeyOff, x.ValOff, string(x.Raw)})
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestElements(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		start  int
		want   []int
		wantOK bool
	}{
		{"the offsets of an array's elements", `[1,"a",{}]`, 0, []int{1, 3, 7}, true},
		{"white space and commas are skipped", "[ 1 ,\n [2] ]", 0, []int{2, 7}, true},
		{"an array nested at an offset", `{"p":[true,null]}`, 5, []int{6, 11}, true},
		{"an empty array", `[ ]`, 0, nil, true},
		{"a truncated array places its missing element at the end", `[1,`, 0, []int{1, 3}, false},
		{"a bad element is a fault after its offset", `[1,x]`, 0, []int{1, 3}, false},
		{"an object is not an array", `{}`, 0, nil, false},
		{"a negative start is no array", `[]`, -3, nil, false},
		{"a start past the end is no array", `[]`, 5, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			offs, ok := Elements([]byte(tc.doc), tc.start)
			assert.Equal(t, tc.wantOK, ok)
			assert.Equal(t, tc.want, offs)
		})
	}
}

func TestMemberOffset(t *testing.T) {
	doc := []byte(`{"accepted":"2025-10-16","input":{"amount":5}}`)
	tests := []struct {
		name  string
		start int
		key   string
		want  int
	}{
		{"the offset of a member's value", 0, "accepted", 12},
		{"the offset of an object-valued member", 0, "input", 33},
		{"a member of a nested object", 33, "amount", 43},
		{"keys match exactly: another case is not the key", 0, "Accepted", -1},
		{"a missing key", 0, "closed", -1},
		{"no object at start", 1, "accepted", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, MemberOffset(doc, tc.start, tc.key))
		})
	}
}

type record struct {
	ID       string            `json:"id"`
	Accepted time.Time         `json:"accepted,omitempty"`
	Input    map[string]any    `json:"Input"`
	Skip     string            `json:"-"`
	Plain    int               // untagged: its Go name
	Named    []json.RawMessage `json:",omitempty"` // empty name: its Go name
	hidden   int
}

func TestFields(t *testing.T) {
	got := Fields(reflect.TypeFor[record]())
	want := map[string]reflect.Type{
		"id":       reflect.TypeFor[string](),
		"accepted": reflect.TypeFor[time.Time](),
		"input":    reflect.TypeFor[map[string]any](),
		"plain":    reflect.TypeFor[int](),
		"named":    reflect.TypeFor[[]json.RawMessage](),
	}
	assert.Equal(t, want, got, `names are lower-cased, options dropped, "-" and unexported fields left out`)
	_ = record{}.hidden
}

func TestDecodeAs(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		typ     reflect.Type
		want    any
		wantErr string
	}{
		{"a string", `"受理"`, reflect.TypeFor[string](), "受理", ""},
		{"numbers in an any are json.Number, not float64", `{"n":12345678901234567890}`, reflect.TypeFor[map[string]any](),
			map[string]any{"n": json.Number("12345678901234567890")}, ""},
		{"a value's own UnmarshalJSON runs", `"2025-10-16T00:00:00Z"`, reflect.TypeFor[time.Time](),
			time.Date(2025, 10, 16, 0, 0, 0, 0, time.UTC), ""},
		{"an unknown key of a struct is refused", `{"id":"a","colour":1}`, reflect.TypeFor[record](), nil, `unknown field "colour"`},
		{"a value of the wrong type is refused", `"x"`, reflect.TypeFor[int](), nil, "cannot unmarshal string"},
		{"a time that is not RFC 3339 is refused", `"tomorrow"`, reflect.TypeFor[time.Time](), nil, "cannot parse"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := DecodeAs([]byte(tc.raw), tc.typ)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.typ, v.Type())
			assert.Equal(t, tc.want, v.Interface())
		})
	}
}

func TestMemberFault(t *testing.T) {
	fields := Fields(reflect.TypeFor[record]())
	noEmptyID := func(key string, v reflect.Value) bool { return key != "id" || v.String() != "" }
	tests := []struct {
		name  string
		doc   string
		start int
		check func(string, reflect.Value) bool
		want  int
	}{
		{"a document without a fault", `{"id":"a","plain":1}`, 0, nil, -1},
		{"keys match fields case-insensitively, as encoding/json does", `{"ID":"a","PLAIN":1}`, 0, nil, -1},
		{"an unknown key is placed at the key", `{"id":"a","colour":1}`, 0, nil, 10},
		{"a value that does not decode is placed at the value", `{"id":"a","plain":"one"}`, 0, nil, 18},
		{"a time that does not parse is placed at the value", `{"accepted":"tomorrow"}`, 0, nil, 12},
		{"an unknown key inside a member's struct is that member's fault", `{"input":{"x":1},"plain":true}`, 0, nil, 25},
		{"the first fault is the one placed", `{"colour":1,"plain":"x"}`, 0, nil, 1},
		{"a value the check refuses is placed at the value", `{"plain":1,"id":""}`, 0, noEmptyID, 16},
		{"a value the check accepts is no fault", `{"id":"a"}`, 0, noEmptyID, -1},
		{"a malformed object is placed at its start", `{"id":"a",`, 0, nil, 0},
		{"a nested object at an offset", ` {"id":1}`, 1, nil, 7},
		{"no object at start: start itself", `[]`, 0, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, MemberFault([]byte(tc.doc), tc.start, fields, tc.check))
		})
	}
}

func TestClamp(t *testing.T) {
	doc := []byte("abc")
	for _, tc := range []struct {
		name    string
		in, out int
	}{
		{"an offset inside the document is kept", 1, 1},
		{"the end of the document is kept", 3, 3},
		{"an offset past the end is the end", 99, 3},
		{"a negative offset is the start", -5, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.out, Clamp(doc, tc.in))
		})
	}
}

func TestLineCol(t *testing.T) {
	tests := []struct {
		name      string
		doc       string
		off       int
		line, col int
	}{
		{"the first byte is line 1, column 1", `{"a":1}`, 0, 1, 1},
		{"columns count from 1 on the first line", `{"a":1}`, 5, 1, 6},
		{"a byte after a newline starts line 2 at column 1", "{\n\"a\":1}", 2, 2, 1},
		{"columns count characters, not bytes", `{"事项":x}`, 10, 1, 7},
		{"an emoji is one column", "{\"😀\":x}", 8, 1, 6},
		{"CRLF counts one line; the CR is a character of the line before", "{\r\n\"a\"}", 3, 2, 1},
		{"the end of the document", "{\n}", 3, 2, 2},
		{"an offset past the end is clamped to the end", "{\n}", 100, 2, 2},
		{"a negative offset is clamped to the start", "{}", -4, 1, 1},
		{"the empty document", "", 0, 1, 1},
		{"invalid UTF-8 counts one column per bad byte", "\xff\xfex", 2, 1, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line, col := LineCol([]byte(tc.doc), tc.off)
			assert.Equal(t, []int{tc.line, tc.col}, []int{line, col})
		})
	}
}

var fuzzDocs = []string{
	`{"a":1,"bb":"x"}`, "{ \"a\" :\n 1 ,\t\"b\": [ 2 ] }", `{"x":{"k":true}}`, `{"事项":"受理","n":1.50}`,
	`{"a":1,"b":`, `{"a" 1}`, `[1,"a",{}]`, `[1,`, `{"id":"a","colour":1}`, `{"accepted":"tomorrow"}`,
	"{\"\xff\":1}", `{"a":"\ud800"}`, `{"a":1}{"b":2}`, `{"a":[[[[[[[[[[1]]]]]]]]]]}`, ``, ` `, `{`, `"`,
}

// fuzzStart maps any int to an offset in [0, len(doc)]: the walkers are
// given offsets into the document they walk.
func fuzzStart(doc []byte, start int) int {
	if start < 0 {
		start = -(start + 1)
	}
	return start % (len(doc) + 1)
}

// FuzzMembers: on any bytes and any start in the document, Members and
// Elements never panic; every offset they return is inside the document,
// in increasing order, at the member's key (an opening quote) or at its
// value, whose raw text is the document's text at that offset.
func FuzzMembers(f *testing.F) {
	for i, d := range fuzzDocs {
		f.Add([]byte(d), i%3)
	}
	f.Fuzz(func(t *testing.T, doc []byte, start int) {
		start = fuzzStart(doc, start)
		ms, ok := Members(doc, start)
		prev := start
		for _, m := range ms {
			require.True(t, prev < m.KeyOff && m.KeyOff < m.ValOff && m.ValOff < len(doc), "offsets %d %d after %d in %d bytes", m.KeyOff, m.ValOff, prev, len(doc))
			require.Equal(t, byte('"'), doc[m.KeyOff])
			require.True(t, bytes.HasPrefix(doc[m.ValOff:], m.Raw), "raw %q is not the text at %d of %q", m.Raw, m.ValOff, doc)
			require.True(t, json.Valid(m.Raw), "%q", m.Raw)
			prev = m.ValOff + len(m.Raw) - 1
		}
		if ok {
			require.Equal(t, byte('{'), doc[start])
		}
		offs, ok := Elements(doc, start)
		prev = start
		for _, off := range offs {
			require.True(t, prev < off && off <= len(doc), "offset %d after %d in %d bytes", off, prev, len(doc))
			prev = off
		}
		if ok {
			require.Equal(t, byte('['), doc[start])
			for _, off := range offs {
				require.Less(t, off, len(doc))
			}
		}
	})
}

// FuzzMemberFault: on any bytes and any start in the document, MemberFault
// never panics and places a fault inside the document (or at its end for a
// document that ends too soon), or reports none with -1 only when every
// member decodes; MemberOffset returns -1 or a value offset inside it.
func FuzzMemberFault(f *testing.F) {
	for i, d := range fuzzDocs {
		f.Add([]byte(d), i%2)
	}
	fields := Fields(reflect.TypeFor[record]())
	f.Fuzz(func(t *testing.T, doc []byte, start int) {
		start = fuzzStart(doc, start)
		off := MemberFault(doc, start, fields, nil)
		require.True(t, off == -1 || (start <= off && off <= len(doc)), "fault at %d, start %d, %d bytes", off, start, len(doc))
		if off == -1 {
			ms, ok := Members(doc, start)
			require.True(t, ok)
			for _, m := range ms {
				_, known := fields[strings.ToLower(m.Key)]
				require.True(t, known, "%q", m.Key)
			}
		}
		for _, key := range []string{"id", "accepted", "Input", ""} {
			v := MemberOffset(doc, start, key)
			require.True(t, v == -1 || (start < v && v < len(doc)), "value of %q at %d in %d bytes", key, v, len(doc))
		}
	})
}

// FuzzLineCol: any offset in or out of any document gives a line within
// the document's lines and a column within that line's characters.
func FuzzLineCol(f *testing.F) {
	for i, d := range fuzzDocs {
		f.Add([]byte(d), i-3)
	}
	f.Fuzz(func(t *testing.T, doc []byte, off int) {
		line, col := LineCol(doc, off)
		require.GreaterOrEqual(t, line, 1)
		require.LessOrEqual(t, line, bytes.Count(doc, []byte{'\n'})+1)
		require.GreaterOrEqual(t, col, 1)
		require.LessOrEqual(t, col, len(doc)+1)
		c := Clamp(doc, off)
		require.True(t, 0 <= c && c <= len(doc))
		s := SkipSpace(doc, c, ",:")
		require.True(t, c <= s && s <= len(doc))
	})
}
