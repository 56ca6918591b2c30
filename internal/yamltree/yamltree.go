package yamltree

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/shixian-go/shixian/internal/diag"
)

// Decoder collects the problems found while walking the node tree of one file. The zero
// values of MappingHint and TerseKeys give the default wording; a format sets them only to
// keep the messages its users have already seen.
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	// File is the name used in every position, as the user gave it.
	File string
	// Src is the whole file, from which each problem quotes its line. It is never modified.
	Src []byte
	// Problems is every problem reported so far, in the order found.
	Problems diag.Problems
	// MappingHint is the reminder in "expected a mapping (HINT), found …"; "key: value" when
	// empty.
	MappingHint string
	// TerseKeys leaves ", found …" out of the problem for a key that is not a plain name.
	TerseKeys bool
}

// Parse reads data as one YAML document and returns a Decoder for it and the document's root
// node. A syntax error becomes a single problem: at the first tab in a line's indentation when
// there is one (yaml.v3 points at the enclosing line instead), else at the line yaml.v3 names,
// column 1. A file without a document (empty, or only comments) is a problem at 1:1 whose
// message is empty, which should say what the file was expected to hold. In both cases the
// error is a *diag.Problems and the Decoder and node are nil.
func Parse(file string, data []byte, empty string) (*Decoder, *yaml.Node, error) {
	d := &Decoder{File: file, Src: data}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		if pos, ok := tabIndentation(file, data); ok {
			d.ProblemAt(pos, "YAML syntax: a tab in indentation (YAML indents with spaces only)")
		} else {
			pos, msg := syntaxError(file, err)
			d.ProblemAt(pos, "%s", msg)
		}
		return nil, nil, d.Err()
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		d.ProblemAt(diag.Position{File: file, Line: 1, Column: 1}, "%s", empty)
		return nil, nil, d.Err()
	}
	return d, doc.Content[0], nil
}

// Pos returns the position of n in the file; a nil n gives the file alone.
func (d *Decoder) Pos(n *yaml.Node) diag.Position {
	if n == nil {
		return diag.Position{File: d.File}
	}
	return diag.Position{File: d.File, Line: n.Line, Column: n.Column}
}

// ProblemAt records a problem at p, quoting p's line of the source.
func (d *Decoder) ProblemAt(p diag.Position, format string, args ...any) {
	d.Problems.Add(diag.NewProblem(d.Src, p, fmt.Sprintf(format, args...)))
}

// Problem records a problem at the position of n.
func (d *Decoder) Problem(n *yaml.Node, format string, args ...any) {
	d.ProblemAt(d.Pos(n), format, args...)
}

// Err returns nil when no problem was recorded, else every problem sorted by position as a
// *diag.Problems.
func (d *Decoder) Err() error {
	return d.Problems.Err()
}

// Pair is one key and its value in a YAML mapping.
type Pair struct {
	Key, Value *yaml.Node
}

// Mapping returns the pairs of mapping node n by key. allowed lists the known keys, a trailing
// '!' marking the required ones. It reports, each at its position, a key that is not a plain
// name, a key given twice (the first one counts), an unknown key (listing the known ones in
// the order given) and a missing required key (at n). A node that is not a mapping is reported
// and gives nil, as does a nil n (an absent value, reported by whoever required it).
func (d *Decoder) Mapping(n *yaml.Node, what string, allowed ...string) map[string]Pair {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		hint := d.MappingHint
		if hint == "" {
			hint = "key: value"
		}
		d.Problem(n, "%s: expected a mapping (%s), found %s", what, hint, Describe(n))
		return nil
	}
	known := make(map[string]bool, len(allowed))
	names := make([]string, 0, len(allowed))
	for _, a := range allowed {
		name := strings.TrimSuffix(a, "!")
		known[name] = true
		names = append(names, name)
	}
	// A misspelt required key ("typ" for "type") is one fault: it is reported once, as the
	// unknown key with the name meant, not again as the required key missing.
	var unknown []*yaml.Node
	present := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode {
			if known[k.Value] {
				present[k.Value] = true
			} else {
				unknown = append(unknown, k)
			}
		}
	}
	meant := map[*yaml.Node]string{}
	misspelt := map[string]bool{}
	for _, a := range allowed {
		if name, ok := strings.CutSuffix(a, "!"); ok && !present[name] {
			if k := misspelling(unknown, name, meant); k != nil {
				meant[k], misspelt[name] = name, true
			}
		}
	}
	out := make(map[string]Pair, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode && d.TerseKeys:
			d.Problem(k, "%s: keys must be plain names", what)
		case k.Kind != yaml.ScalarNode:
			d.Problem(k, "%s: keys must be plain names, found %s", what, Describe(k))
		case hasKey(out, k.Value):
			d.Problem(k, "%s: key %q appears twice", what, k.Value)
		case meant[k] != "":
			d.Problem(k, "%s: unknown key %q (did you mean %q? it is required)", what, k.Value, meant[k])
		case !known[k.Value]:
			d.Problem(k, "%s: unknown key %q (expected one of: %s)", what, k.Value, strings.Join(names, ", "))
		default:
			out[k.Value] = Pair{k, v}
		}
	}
	for _, a := range allowed {
		if name, ok := strings.CutSuffix(a, "!"); ok && !hasKey(out, name) && !misspelt[name] {
			d.Problem(n, "%s: missing required key %q", what, name)
		}
	}
	return out
}

// misspelling returns the first of the unknown keys not yet taken that is a likely typo of
// name: one edit away (two for names longer than four characters).
func misspelling(unknown []*yaml.Node, name string, taken map[*yaml.Node]string) *yaml.Node {
	limit := 1
	if len([]rune(name)) > 4 {
		limit = 2
	}
	for _, k := range unknown {
		if _, ok := taken[k]; !ok && editDistance([]rune(k.Value), []rune(name), limit) <= limit {
			return k
		}
	}
	return nil
}

// editDistance is the Levenshtein distance of a and b, or limit+1 once it is known to exceed
// limit (keys are short; the bound keeps a hostile long key cheap).
func editDistance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit || len(a) > 64 || len(b) > 64 {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func hasKey(m map[string]Pair, key string) bool {
	_, ok := m[key]
	return ok
}

// Describe names what a node holds for a "found …" message: "a mapping", "a list",
// "nothing (null)", "an alias", "a document", or a scalar's text quoted as Go quotes it.
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing (null)"
		}
		return strconv.Quote(n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "a document"
}

// Text returns the text of scalar n. Any non-null scalar is text, so `version: 2025.1` reads
// as "2025.1" rather than as a number. Another node is reported; a nil n (absent) is not.
func (d *Decoder) Text(n *yaml.Node, what string) (string, bool) {
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.Problem(n, "%s: expected text, found %s", what, Describe(n))
		return "", false
	}
	return n.Value, true
}

// Sequence returns the items of list node n. Another node is reported and gives nil; a nil n
// (absent) gives nil silently.
func (d *Decoder) Sequence(n *yaml.Node, what string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.Problem(n, "%s: expected a list, found %s", what, Describe(n))
		return nil
	}
	return n.Content
}

// Date reads scalar n as a day written YYYY-MM-DD, surrounding spaces ignored, and returns
// 00:00 of that day in loc.
func (d *Decoder) Date(n *yaml.Node, what string, loc *time.Location) (time.Time, bool) {
	s, ok := d.Text(n, what)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), loc)
	if err != nil {
		d.Problem(n, "%s: %q is not a date (expected YYYY-MM-DD)", what, s)
		return time.Time{}, false
	}
	return t, true
}

// tabIndentation finds the first tab in a line's leading whitespace, which YAML forbids. It
// runs only after yaml.v3 has rejected the file, so a tab inside a block scalar of a valid
// file is never reported.
func tabIndentation(file string, src []byte) (diag.Position, bool) {
	line := 1
	atStart := true // only spaces so far on this line
	col := 0
	for _, r := range string(src) {
		switch {
		case r == '\n':
			line, col, atStart = line+1, 0, true
			continue
		case !atStart:
			continue
		}
		col++
		switch r {
		case '\t':
			return diag.Position{File: file, Line: line, Column: col}, true
		case ' ':
		default:
			atStart = false
		}
	}
	return diag.Position{}, false
}

// syntaxError turns a yaml.v3 syntax error into a position and a message "YAML syntax: …".
//
// This is the one place in the project that reads an error's text: yaml.v3 reports a syntax
// error as a plain error built from "yaml: line N: what", with no type, position or message
// field to read instead. So the line is taken from the "line N" the text names (line 1 when it
// names none; the column is always 1, as yaml.v3 does not say), and the message is the text
// after "yaml: " and "line N: ", since the position already says where.
func syntaxError(file string, err error) (diag.Position, string) {
	pos := diag.Position{File: file, Line: 1, Column: 1}
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i+5:]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if n, convErr := strconv.Atoi(rest[:j]); convErr == nil && n > 0 {
			pos.Line = n
		}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if strings.HasPrefix(msg, "line ") {
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
	}
	return pos, "YAML syntax: " + msg
}
