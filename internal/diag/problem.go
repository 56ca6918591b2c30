package diag

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxProblems is how many problems one load (a rule set, a policy, a suite) lists. A file
// with a fault repeated on every line would otherwise make a report as large as the file
// times the message (and as slow to build and read): past this many, Problems.Add drops the
// rest and the list ends with one problem that says how many were left out.
const MaxProblems = 100

// Problem is one thing wrong with a file or a rule set, found while loading it.
type Problem struct {
	Pos     Position
	Rule    string // rule id, if the problem is about a rule
	Field   string // field name, if the problem is about a field
	Message string // what is wrong and what was expected
	// Line is the offending source line (for a rule set without a file, the expression text
	// itself); empty when unknown.
	Line string
	// Caret is a line of spaces/tabs ending in '^' under the fault. It is
	// padded so it lines up under Line in a terminal: a tab is copied as a
	// tab, and an East Asian wide character (CJK, full-width forms) is padded
	// with two spaces because it takes two cells.
	Caret string

	// omitted > 0 marks the closing problem of a list cut at MaxProblems: how many more
	// problems were found and not listed. It sorts after every other problem.
	omitted int
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

// Problems is every problem a load found, sorted by position (problems with no position
// first). Loaders return it as a *Problems error (see Err); both
//
//	var ps sla.Problems;  errors.As(err, &ps)
//	var pp *sla.Problems; errors.As(err, &pp)
//
// work (rules.Problems is the same type), and errors.As(err, &problem) finds the first single
// Problem.
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
	if n := len(ps); n > 0 && ps[n-1].omitted > 0 {
		ps[n-1].Message = omittedMessage(ps[n-1].omitted)
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if (ps[i].omitted > 0) != (ps[j].omitted > 0) {
			return ps[j].omitted > 0 // the note of what was left out comes last
		}
		return ps[i].Pos.before(ps[j].Pos)
	})
}

// Add appends p, keeping at most MaxProblems problems: past them it keeps one closing problem
// (at p's file, without a line) that counts the problems left out. Adding such a closing
// problem (from another loader's list) adds its count. Every loader of the project adds its
// problems through Add.
func (ps *Problems) Add(p Problem) {
	switch {
	case p.omitted > 0:
		ps.omit(p.Pos.File, p.omitted)
	case ps.Full():
		ps.omit(p.Pos.File, 1)
	default:
		*ps = append(*ps, p)
	}
}

// Full reports whether the list holds MaxProblems problems (or ends with the closing count),
// so that a loader can skip building a problem that Add would only count.
func (ps Problems) Full() bool {
	n := len(ps)
	return n >= MaxProblems || n > 0 && ps[n-1].omitted > 0
}

// omit counts k more problems left out of the list, at its closing problem.
func (ps *Problems) omit(file string, k int) {
	if n := len(*ps); n > 0 && (*ps)[n-1].omitted > 0 {
		(*ps)[n-1].omitted += k // its Message is brought up to date by sort
		return
	}
	*ps = append(*ps, Problem{Pos: Position{File: file}, Message: omittedMessage(k), omitted: k})
}

func omittedMessage(n int) string {
	return fmt.Sprintf("too many problems: %d more not listed (only the first %d are; fix these and run again)", n, MaxProblems)
}

// Sort orders the problems by file position (line, then column), keeping problems at the same
// position in the order they were found.
func (ps Problems) Sort() { ps.sort() }

// NewProblem returns a problem at pos with the offending line of source (the whole file the
// position refers to; may be nil) and a caret line under pos.Column that lines up in a
// terminal under Chinese text. Every loader of the project builds its problems with it, so
// that every load error looks alike.
func NewProblem(source []byte, pos Position, message string) Problem {
	p := Problem{Pos: pos, Message: message}
	if line, ok := SourceLine(source, pos.Line); ok {
		p.Line, p.Caret = Quote(line, pos.Column)
	}
	return p
}

// Err returns nil when there are no problems, so that no typed nil escapes as a non-nil error;
// else the problems, sorted by position, as a *Problems error (a copy of the slice header, so
// that later Adds to ps do not change the error).
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	ps.sort()
	out := ps
	return &out
}

var _ error = (*Problems)(nil)

// SourceLine returns line n (1-based) of src without its line ending, and false when src has
// no such line. It copies only that line: a policy file may be megabytes long.
func SourceLine(src []byte, n int) (string, bool) {
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

// MaxQuoted is the longest source line, in characters, a problem quotes whole; a longer one is
// cut to a window of this many characters around the fault (plus an ellipsis at each cut end),
// so that a condition a megabyte long yields a readable error.
const MaxQuoted = 160

// Quote returns the line to show in a problem and its caret line under the 1-based rune
// column, cutting a line longer than MaxQuoted characters to a window of that many around the
// column, with "…" where text was left out.
func Quote(line string, column int) (shown, caretLine string) {
	n := utf8.RuneCountInString(line)
	if n <= MaxQuoted {
		return line, caret(line, column)
	}
	if column < 1 {
		column = 1
	}
	start := max(0, min(column-1-MaxQuoted/2, n-MaxQuoted))
	end := min(n, start+MaxQuoted)
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
