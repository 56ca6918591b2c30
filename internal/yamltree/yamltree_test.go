package yamltree

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/diag"
)

// short renders problems as "line:col: message", the part the tests pin.
func short(ps diag.Problems) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, strings.TrimPrefix(p.Pos.String(), "f.yaml:")+": "+p.Message)
	}
	return out
}

// problemsOf unwraps the *diag.Problems an error must be.
func problemsOf(t *testing.T, err error) diag.Problems {
	t.Helper()
	var ps *diag.Problems
	require.True(t, errors.As(err, &ps), "error %v is not a *diag.Problems", err)
	return *ps
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the one problem, or "" for a good document
		root yaml.Kind
	}{
		{name: "a mapping document", src: "a: 1\nb: [x]\n", root: yaml.MappingNode},
		{name: "a scalar document is returned for the caller to reject", src: "just text\n", root: yaml.ScalarNode},
		{name: "empty file", src: "", want: "1:1: nothing here"},
		{name: "comments only", src: "# nothing\n\n# still nothing\n", want: "1:1: nothing here"},
		{
			name: "tab in indentation is reported at the tab, not the enclosing line",
			src:  "a:\n  - id: x\n\tlimit: 1\n",
			want: "3:1: YAML syntax: a tab in indentation (YAML indents with spaces only)",
		},
		{
			name: "tab after spaces is reported at its column",
			src:  "a:\n  b: 1\n  \tc: 2\n",
			want: "3:3: YAML syntax: a tab in indentation (YAML indents with spaces only)",
		},
		{
			name: "tab columns count characters, not bytes",
			src:  "标题: \"x\n  \tc: 2\n",
			want: "2:3: YAML syntax: a tab in indentation (YAML indents with spaces only)",
		},
		{
			name: "other syntax errors take yaml.v3's line, column 1, without its prefix",
			src:  "a:\n  b: 1\n c: 2\n",
			want: "2:1: YAML syntax: did not find expected key",
		},
		{
			name: "an unterminated quote is reported where yaml.v3 gives up",
			src:  "a: \"x\nb: 1\n",
			want: "3:1: YAML syntax: found unexpected end of stream",
		},
		{
			name: "CRLF lines are read like LF lines",
			src:  "a:\r\n  - x\r\n\tb: 1\r\n",
			want: "3:1: YAML syntax: a tab in indentation (YAML indents with spaces only)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			before := string(src)
			d, root, err := Parse("f.yaml", src, "nothing here")
			assert.Equal(t, before, string(src), "Parse must not modify its input")
			if tc.want == "" {
				require.NoError(t, err)
				require.NotNil(t, d)
				require.NotNil(t, root)
				assert.Equal(t, tc.root, root.Kind)
				assert.Equal(t, "f.yaml", d.File)
				assert.NoError(t, d.Err())
				return
			}
			require.Error(t, err)
			assert.Nil(t, d)
			assert.Nil(t, root)
			assert.Equal(t, []string{tc.want}, short(problemsOf(t, err)))
		})
	}
}

func TestParseQuotesTheOffendingLine(t *testing.T) {
	_, _, err := Parse("f.yaml", []byte("a:\n\tb: 1\n"), "empty")
	require.Error(t, err)
	assert.Equal(t, "f.yaml:2:1: YAML syntax: a tab in indentation (YAML indents with spaces only)\n    \tb: 1\n    ^", err.Error())
}

// decode parses src, which must be valid, and runs fn on its root.
func decode(t *testing.T, src string, fn func(d *Decoder, root *yaml.Node)) []string {
	t.Helper()
	d, root, err := Parse("f.yaml", []byte(src), "empty")
	require.NoError(t, err)
	fn(d, root)
	if err := d.Err(); err != nil {
		return short(problemsOf(t, err))
	}
	return nil
}

func TestMapping(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		hint    string
		terse   bool
		allowed []string
		keys    []string // keys returned, in any order
		want    []string
	}{
		{
			name: "known keys are returned", src: "id: x\nlabel: y\n",
			allowed: []string{"id!", "label"}, keys: []string{"id", "label"},
		},
		{
			name: "an optional key may be absent", src: "id: x\n",
			allowed: []string{"id!", "label"}, keys: []string{"id"},
		},
		{
			name: "a missing required key is reported at the mapping", src: "label: y\n",
			allowed: []string{"id!", "label"}, keys: []string{"label"},
			want: []string{`1:1: t: missing required key "id"`},
		},
		{
			name: "an unknown key lists the known ones in the given order", src: "id: x\ncolour: red\n",
			allowed: []string{"id!", "label", "basis"}, keys: []string{"id"},
			want: []string{`2:1: t: unknown key "colour" (expected one of: id, label, basis)`},
		},
		{
			name: "a misspelt required key is one problem: the unknown key, with the name meant", src: "typ: int\nlabel: y\n",
			allowed: []string{"type!", "label"}, keys: []string{"label"},
			want: []string{`1:1: t: unknown key "typ" (did you mean "type"? it is required)`},
		},
		{
			name: "an unknown key far from the missing one leaves both problems", src: "colour: red\n",
			allowed: []string{"type!", "label"},
			keys:    []string{}, want: []string{`1:1: t: unknown key "colour" (expected one of: type, label)`, `1:1: t: missing required key "type"`},
		},
		{
			name: "short names take one edit only: xy, two edits from id, is not taken for it", src: "xy: 1\n",
			allowed: []string{"id!"},
			keys:    []string{}, want: []string{`1:1: t: unknown key "xy" (expected one of: id)`, `1:1: t: missing required key "id"`},
		},
		{
			name: "a key given twice: the first counts, the second is reported", src: "id: x\nid: y\n",
			allowed: []string{"id"}, keys: []string{"id"},
			want: []string{`2:1: t: key "id" appears twice`},
		},
		{
			name: "a list is not a mapping", src: "[1, 2]\n", allowed: []string{"id"},
			want: []string{`1:1: t: expected a mapping (key: value), found a list`},
		},
		{
			name: "a scalar is not a mapping; the hint is the format's own", src: "7\n", hint: "key: value lines",
			allowed: []string{"id"},
			want:    []string{`1:1: t: expected a mapping (key: value lines), found "7"`},
		},
		{
			name: "a key that is a list names what it is", src: "[a]: 1\nid: x\n",
			allowed: []string{"id"}, keys: []string{"id"},
			want: []string{`1:1: t: keys must be plain names, found a list`},
		},
		{
			name: "terse keys leave out what was found", src: "{a: 1}: 1\n", terse: true,
			allowed: []string{"id"}, keys: []string{},
			want: []string{`1:1: t: keys must be plain names`},
		},
		{
			name: "every problem of one mapping is reported, by position, then in the order found",
			src:  "colour: red\nlabel: y\nlabel: z\n", allowed: []string{"id!", "label"}, keys: []string{"label"},
			want: []string{
				`1:1: t: unknown key "colour" (expected one of: id, label)`,
				`1:1: t: missing required key "id"`,
				`3:1: t: key "label" appears twice`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got map[string]Pair
			problems := decode(t, tc.src, func(d *Decoder, root *yaml.Node) {
				d.MappingHint, d.TerseKeys = tc.hint, tc.terse
				got = d.Mapping(root, "t", tc.allowed...)
			})
			assert.Equal(t, tc.want, problems)
			if tc.keys == nil {
				assert.Nil(t, got)
				return
			}
			keys := []string{}
			for k, p := range got {
				keys = append(keys, k)
				assert.Equal(t, k, p.Key.Value)
				assert.NotNil(t, p.Value)
			}
			assert.ElementsMatch(t, tc.keys, keys)
		})
	}
}

func TestMappingFirstOfDuplicateKeysCounts(t *testing.T) {
	decode(t, "id: first\nid: second\n", func(d *Decoder, root *yaml.Node) {
		m := d.Mapping(root, "t", "id")
		assert.Equal(t, "first", m["id"].Value.Value)
	})
}

func TestMappingOfAbsentValueIsSilent(t *testing.T) {
	d := &Decoder{File: "f.yaml"}
	assert.Nil(t, d.Mapping(nil, "t", "id!"))
	assert.Nil(t, d.Sequence(nil, "t"))
	_, ok := d.Text(nil, "t")
	assert.False(t, ok)
	assert.NoError(t, d.Err())
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"{a: 1}", "a mapping"},
		{"[1]", "a list"},
		{"~", "nothing (null)"},
		{"null", "nothing (null)"},
		{"abc", `"abc"`},
		{`"say \"hi\""`, `"say \"hi\""`},
		{"'第一'", `"第一"`},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			_, root, err := Parse("f.yaml", []byte(tc.src), "empty")
			require.NoError(t, err)
			assert.Equal(t, tc.want, Describe(root))
		})
	}
	assert.Equal(t, "an alias", Describe(&yaml.Node{Kind: yaml.AliasNode}))
	assert.Equal(t, "a document", Describe(&yaml.Node{Kind: yaml.DocumentNode}))
}

func TestText(t *testing.T) {
	tests := []struct {
		name, src, want string
		ok              bool
		problem         string
	}{
		{name: "plain text", src: "hello", want: "hello", ok: true},
		{name: "a number reads as its text", src: "2025.10", want: "2025.10", ok: true},
		{name: "a bool reads as its text", src: "yes", want: "yes", ok: true},
		{name: "empty quoted text is text", src: `""`, want: "", ok: true},
		{name: "null is not text", src: "~", problem: "1:1: v: expected text, found nothing (null)"},
		{name: "a list is not text", src: "[a]", problem: "1:1: v: expected text, found a list"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			var ok bool
			problems := decode(t, tc.src, func(d *Decoder, root *yaml.Node) { got, ok = d.Text(root, "v") })
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.ok, ok)
			if tc.problem == "" {
				assert.Empty(t, problems)
			} else {
				assert.Equal(t, []string{tc.problem}, problems)
			}
		})
	}
}

func TestSequence(t *testing.T) {
	var items []*yaml.Node
	problems := decode(t, "[a, b]", func(d *Decoder, root *yaml.Node) { items = d.Sequence(root, "v") })
	assert.Empty(t, problems)
	assert.Len(t, items, 2)

	problems = decode(t, "a: 1", func(d *Decoder, root *yaml.Node) { items = d.Sequence(root, "v") })
	assert.Nil(t, items)
	assert.Equal(t, []string{"1:1: v: expected a list, found a mapping"}, problems)
}

func TestDate(t *testing.T) {
	cst := calendar.CST()
	tests := []struct {
		name, src string
		want      time.Time
		problem   string
	}{
		{name: "a day is 00:00 of it in the location", src: "2025-10-01", want: time.Date(2025, 10, 1, 0, 0, 0, 0, cst)},
		{name: "spaces inside quotes are ignored", src: `" 2025-10-08 "`, want: time.Date(2025, 10, 8, 0, 0, 0, 0, cst)},
		{name: "no such day", src: "2025-02-29", problem: `1:1: v: "2025-02-29" is not a date (expected YYYY-MM-DD)`},
		{name: "a time is not a day", src: `"2025-10-01 09:00"`, problem: `1:1: v: "2025-10-01 09:00" is not a date (expected YYYY-MM-DD)`},
		{name: "a list is not a day", src: "[2025-10-01]", problem: "1:1: v: expected text, found a list"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got time.Time
			var ok bool
			problems := decode(t, tc.src, func(d *Decoder, root *yaml.Node) { got, ok = d.Date(root, "v", cst) })
			if tc.problem != "" {
				assert.False(t, ok)
				assert.Equal(t, []string{tc.problem}, problems)
				return
			}
			assert.True(t, ok)
			assert.Empty(t, problems)
			assert.True(t, tc.want.Equal(got), "got %v, want %v", got, tc.want)
			assert.Equal(t, cst, got.Location())
		})
	}
}

func TestErrSortsByPosition(t *testing.T) {
	d := &Decoder{File: "f.yaml", Src: []byte("a\nb\nc\n")}
	d.ProblemAt(diag.Position{File: "f.yaml", Line: 3, Column: 1}, "third %d", 3)
	d.Problem(&yaml.Node{Line: 1, Column: 2}, "first")
	d.Problem(nil, "no line")
	err := d.Err()
	require.Error(t, err)
	assert.Equal(t, []string{"f.yaml: no line", "1:2: first", "3:1: third 3"}, short(problemsOf(t, err)))
	assert.Equal(t, "c", d.Problems[2].Line, "a problem quotes its source line")
}

func TestPos(t *testing.T) {
	d := &Decoder{File: "f.yaml"}
	assert.Equal(t, diag.Position{File: "f.yaml"}, d.Pos(nil))
	assert.Equal(t, diag.Position{File: "f.yaml", Line: 4, Column: 7}, d.Pos(&yaml.Node{Line: 4, Column: 7}))
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"", "# c\n", "a: 1\n", "a:\n\tb: 1\n", "a:\n  - x\n  y: 1\n", "[a]: 1\n", "- 1\n- [2\n",
		"\t\n", "a: |\n  \tx\n", "a: &x 1\nb: *x\n", "\xff\xfe", "a: \"unterminated\n", "标题:\n\t值: 1\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, root, err := Parse("f.yaml", data, "empty")
		if err == nil {
			require.NotNil(t, d)
			require.NotNil(t, root)
			// Walking any valid tree with the checks must not panic.
			d.Mapping(root, "t", "a!", "b")
			d.Sequence(root, "t")
			d.Text(root, "t")
			Describe(root)
			return
		}
		ps := problemsOf(t, err)
		require.Len(t, ps, 1)
		p := ps[0]
		require.Equal(t, "f.yaml", p.Pos.File)
		require.GreaterOrEqual(t, p.Pos.Line, 1)
		require.GreaterOrEqual(t, p.Pos.Column, 1)
		require.NotEmpty(t, p.Message)
	})
}
