package diag

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Position is a place in a source file. Line and Column are 1-based; Column counts Unicode
// characters (runes), not bytes, so that a position in a line holding Chinese text names the
// character a person sees. A zero Line means "no position known".
type Position struct {
	File         string
	Line, Column int
}

// String formats the position as "file:line:column", leaving out the parts that are unknown:
// "file:line" without a column, "line:column" without a file, "file" alone without a line, and
// "" when nothing is known.
func (p Position) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strconv.Itoa(p.Line))
		if p.Column > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(p.Column))
		}
	}
	return b.String()
}

// IsZero reports whether no line is known.
func (p Position) IsZero() bool { return p.Line == 0 }

// before orders positions by file, line, column; unknown lines sort first.
func (p Position) before(q Position) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Column < q.Column
}

// LineColumn returns the 1-based line and column of byte offset off in src, the column counted
// in characters (runes) as editors count them. An offset before the start is the start; one past
// the end is the end. It is the one conversion of the project: decoders that know only a byte
// offset (encoding/json, encoding/csv) name the same column as the YAML loaders.
func LineColumn(src []byte, off int) (line, column int) {
	off = max(0, min(off, len(src)))
	before := src[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCount(before) + 1
}

// PositionAt is the Position of byte offset off in src, a file called file.
func PositionAt(file string, src []byte, off int) Position {
	line, col := LineColumn(src, off)
	return Position{File: file, Line: line, Column: col}
}
