package rules

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf8"
)

// Problem is one thing wrong with a Spec, found by Compile.
type Problem struct {
	Pos     Position
	Rule    string // rule id, if the problem is about a rule
	Field   string // field name, if the problem is about a field
	Message string // what is wrong and what was expected
	// Line is the offending source line (from Spec.Source, or the expression
	// text itself when no source was given); empty when unknown.
	Line string
	// Caret is a line of spaces/tabs ending in '^' under the fault. It is
	// padded so it lines up under Line in a terminal: a tab is copied as a
	// tab, and an East Asian wide character (CJK, full-width forms) is padded
	// with two spaces because it takes two cells.
	Caret string
}

// Error formats the problem as
//
//	file:line:col: rule R: message
//	    <source line>
//	    <caret>
//
// leaving out the parts that are unknown.
func (p Problem) Error() string {
	var b strings.Builder
	if s := p.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	switch {
	case p.Rule != "":
		b.WriteString("rule ")
		b.WriteString(p.Rule)
		b.WriteString(": ")
	case p.Field != "":
		b.WriteString("field ")
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Line != "" && p.Caret != "" {
		b.WriteString("\n    ")
		b.WriteString(p.Line)
		b.WriteString("\n    ")
		b.WriteString(p.Caret)
	}
	return b.String()
}

// Problems is every problem Compile found, sorted by position (problems with
// no position first). Compile returns it as a *Problems error; both
//
//	var ps rules.Problems;  errors.As(err, &ps)
//	var pp *rules.Problems; errors.As(err, &pp)
//
// work, and errors.As(err, &problem) finds the first single Problem.
type Problems []Problem

// Error lists all problems, separated by newlines.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// As lets errors.As fill a Problems value from a *Problems error.
func (ps *Problems) As(target any) bool {
	if t, ok := target.(*Problems); ok && ps != nil {
		*t = append(Problems(nil), (*ps)...)
		return true
	}
	return false
}

// Unwrap exposes each problem to errors.Is and errors.As.
func (ps *Problems) Unwrap() []error {
	if ps == nil {
		return nil
	}
	errs := make([]error, len(*ps))
	for i, p := range *ps {
		errs[i] = p
	}
	return errs
}

func (ps Problems) sort() {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pos.before(ps[j].Pos) })
}

// Sort orders the problems by file position (line, then column), keeping problems at the same
// position in the order they were found.
func (ps Problems) Sort() { ps.sort() }

// NewProblem returns a problem at pos with the offending line of source (the whole file the
// position refers to; may be nil) and a caret line under pos.Column that lines up in a
// terminal under Chinese text. Loaders of other file formats (policies, suites) use it so that
// every error of the project looks alike.
func NewProblem(source []byte, pos Position, message string) Problem {
	p := Problem{Pos: pos, Message: message}
	if line, ok := sourceLine(source, pos.Line); ok {
		p.Line, p.Caret = quote(line, pos.Column)
	}
	return p
}

// asError returns nil when there are no problems, so that no typed nil
// escapes as a non-nil error.
func (ps Problems) asError() error {
	if len(ps) == 0 {
		return nil
	}
	ps.sort()
	out := ps
	return &out
}

var _ error = (*Problems)(nil)

// sourceLine returns line n (1-based) of src without its line ending. It copies only that
// line: a policy file may be megabytes long.
func sourceLine(src []byte, n int) (string, bool) {
	if n < 1 || len(src) == 0 {
		return "", false
	}
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return "", false
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return string(bytes.TrimSuffix(src, []byte("\r"))), true
}

// maxQuoted is the longest source line, in characters, a problem quotes whole; a longer one is
// cut to a window around the fault, so that a condition a megabyte long yields a readable error.
const maxQuoted = 160

// quote returns the line to show under a problem and its caret line, cutting a long line to
// maxQuoted characters around the 1-based rune column, with "…" where text was left out.
func quote(line string, column int) (shown, caretLine string) {
	n := utf8.RuneCountInString(line)
	if n <= maxQuoted {
		return line, caret(line, column)
	}
	if column < 1 {
		column = 1
	}
	start := max(0, min(column-1-maxQuoted/2, n-maxQuoted))
	end := min(n, start+maxQuoted)
	runes := []rune(line)
	shown = string(runes[start:end])
	column -= start
	if start > 0 {
		shown = "…" + shown
		column++
	}
	if end < n {
		shown += "…"
	}
	return shown, caret(shown, column)
}

// caret builds the marker line for a 1-based rune column in line. Columns
// past the end of the line put the caret just after the last character.
func caret(line string, column int) string {
	if column < 1 {
		column = 1
	}
	var b strings.Builder
	i := 1
	for _, r := range line {
		if i >= column {
			break
		}
		switch {
		case r == '\t':
			b.WriteByte('\t')
		case isWide(r):
			b.WriteString("  ")
		default:
			b.WriteByte(' ')
		}
		i++
	}
	for ; i < column; i++ {
		b.WriteByte(' ')
	}
	b.WriteByte('^')
	return b.String()
}

// isWide reports whether r is East Asian Wide or Fullwidth, i.e. takes two
// terminal cells. The ranges cover CJK ideographs and punctuation, kana,
// Hangul, and the full-width forms that Chinese text uses (，。：（）).
func isWide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r <= 0x115F, // Hangul Jamo initials
		r >= 0x2E80 && r <= 0x303E,   // CJK radicals, Kangxi, CJK symbols and punctuation
		r >= 0x3041 && r <= 0x33FF,   // kana, bopomofo, CJK compatibility
		r >= 0x3400 && r <= 0x4DBF,   // CJK extension A
		r >= 0x4E00 && r <= 0x9FFF,   // CJK unified ideographs
		r >= 0xA000 && r <= 0xA4CF,   // Yi
		r >= 0xAC00 && r <= 0xD7A3,   // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF,   // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F,   // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60,   // full-width forms
		r >= 0xFFE0 && r <= 0xFFE6,   // full-width signs
		r >= 0x1F300 && r <= 0x1F64F, // pictographs, emoticons
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions B and later
		return true
	}
	return false
}
