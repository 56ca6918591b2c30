package diag

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPositionString(t *testing.T) {
	tests := []struct {
		name string
		pos  Position
		want string
	}{
		{"file, line and column are joined by colons", Position{File: "p.yaml", Line: 3, Column: 7}, "p.yaml:3:7"},
		{"without a column the position ends at the line", Position{File: "p.yaml", Line: 3}, "p.yaml:3"},
		{"without a file the position starts at the line", Position{Line: 3, Column: 7}, "3:7"},
		{"without a line only the file is named, even with a column", Position{File: "p.yaml", Column: 7}, "p.yaml"},
		{"nothing known is the empty text", Position{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.pos.String())
			assert.Equal(t, tt.pos.Line == 0, tt.pos.IsZero())
		})
	}
}

func TestLineColumn(t *testing.T) {
	src := []byte("ab\n问题x\r\n\nz")
	tests := []struct {
		name      string
		off       int
		line, col int
	}{
		{"offset 0 is 1:1", 0, 1, 1},
		{"the newline ending line 1 is its third column", 2, 1, 3},
		{"the first byte after a newline is column 1 of the next line", 3, 2, 1},
		{"a column counts characters: the x after two Chinese characters (6 bytes) is column 3", 9, 2, 3},
		{"a carriage return is a character of its line", 10, 2, 4},
		{"an empty line has column 1", 12, 3, 1},
		{"a negative offset is the start", -5, 1, 1},
		{"an offset past the end is the end", 100, 4, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, col := LineColumn(src, tt.off)
			assert.Equal(t, [2]int{tt.line, tt.col}, [2]int{line, col})
		})
	}
	assert.Equal(t, Position{File: "c.json", Line: 2, Column: 3}, PositionAt("c.json", src, 9))
	l, c := LineColumn(nil, 3)
	assert.Equal(t, [2]int{1, 1}, [2]int{l, c}, "an empty source is all at 1:1")
}

func TestCaretWidth(t *testing.T) {
	tests := []struct {
		line   string
		column int
		want   string
	}{
		{"abc", 3, "  ^"},
		{"问题abc", 3, "    ^"},
		{"\t问题", 3, "\t  ^"},
		{"（全角）x", 5, "        ^"},
		{"ab", 5, "    ^"},
		{"", 0, "^"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, caret(tt.line, tt.column), "%q col %d", tt.line, tt.column)
	}
	// The caret's display width equals the width of the text before it.
	line := "    when: category == \"劳动争议\" && pagez > 1"
	col := len([]rune(line[:strings.Index(line, "pagez")])) + 1
	// 23 narrow characters, 4 wide ones (8 cells), 5 narrow ones.
	assert.Equal(t, strings.Repeat(" ", 36)+"^", caret(line, col))
}

// A long line is quoted as a window around the column, with the caret still under the fault.
func TestQuote(t *testing.T) {
	line := strings.Repeat("a", 1000) + "X" + strings.Repeat("问", 1000)
	shown, car := Quote(line, 1001)
	assert.True(t, strings.HasPrefix(shown, "…") && strings.HasSuffix(shown, "…"))
	assert.LessOrEqual(t, len([]rune(shown)), MaxQuoted+2)
	assert.Equal(t, "X", string([]rune(shown)[len([]rune(car))-1]), "the caret sits under the X")
	shown, car = Quote("short", 3)
	assert.Equal(t, "short", shown)
	assert.Equal(t, "  ^", car)
}

func TestSourceLine(t *testing.T) {
	src := []byte("one\r\ntwo\nthree")
	tests := []struct {
		name string
		n    int
		want string
		ok   bool
	}{
		{"line 1 without its CRLF", 1, "one", true},
		{"a middle line", 2, "two", true},
		{"the last line without a newline", 3, "three", true},
		{"line 0 does not exist", 0, "", false},
		{"a line past the end does not exist", 4, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := SourceLine(src, tt.n)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNewProblemError(t *testing.T) {
	src := []byte("id: x\nwhen: 案由 == 1\n")
	p := NewProblem(src, Position{File: "p.yaml", Line: 2, Column: 10}, "unknown field")
	assert.Equal(t, "p.yaml:2:10: unknown field\n    when: 案由 == 1\n    "+strings.Repeat(" ", 11)+"^", p.Error(),
		"the caret sits under the '=': 7 narrow characters and 2 wide ones (4 cells) before it")
	p.Rule = "r1"
	assert.True(t, strings.HasPrefix(p.Error(), "p.yaml:2:10: rule r1: unknown field"))
	p = NewProblem(nil, Position{File: "p.yaml"}, "no tiers")
	assert.Equal(t, "p.yaml: no tiers", p.Error(), "without source there is no quoted line")
}

func TestProblemsCapAndSort(t *testing.T) {
	var ps Problems
	for i := MaxProblems + 5; i > 0; i-- {
		ps.Add(Problem{Pos: Position{File: "f", Line: i}, Message: fmt.Sprint("p", i)})
	}
	require.True(t, ps.Full())
	require.Len(t, ps, MaxProblems+1, "the cap plus one closing problem")
	err := ps.Err()
	var got Problems
	require.ErrorAs(t, err, &got)
	assert.Equal(t, 6, got[0].Pos.Line, "the first 100 added (lines 105 down to 6) are kept, sorted by line")
	last := got[len(got)-1]
	assert.Equal(t, "too many problems: 5 more not listed (only the first 100 are; fix these and run again)", last.Message)
	assert.Equal(t, Position{File: "f"}, last.Pos)

	// Merging a capped list into another adds its count.
	var all Problems
	for _, p := range got {
		all.Add(p)
	}
	all.Add(Problem{Pos: Position{File: "g", Line: 1}, Message: "one more"})
	require.Error(t, all.Err())
	assert.Contains(t, all[len(all)-1].Message, "6 more not listed")

	var none Problems
	assert.NoError(t, none.Err(), "an empty list is no error, not a typed nil")
}

func TestProblemsErrorsAs(t *testing.T) {
	var ps Problems
	ps.Add(Problem{Pos: Position{File: "f", Line: 2}, Message: "second"})
	ps.Add(Problem{Pos: Position{File: "f", Line: 1}, Message: "first"})
	err := fmt.Errorf("load: %w", ps.Err())
	var pp *Problems
	require.ErrorAs(t, err, &pp)
	var vs Problems
	require.ErrorAs(t, err, &vs)
	vs[0].Message = "changed"
	assert.Equal(t, "first", (*pp)[0].Message, "the value form is a copy")
	var one Problem
	require.ErrorAs(t, err, &one)
	assert.Equal(t, "first", one.Message, "errors.As finds the first problem")
	assert.Equal(t, "f:1: first\nf:2: second", (*pp).Error())
	assert.False(t, errors.As(errors.New("x"), &vs))
}
