package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

// cst is China Standard Time, the zone dates on the command line are read in.
var cst = calendar.CST()

func writeVersion(w io.Writer) {
	version := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	fmt.Fprintf(w, "shixian %s %s %s/%s\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	c := calendar.Default()
	fmt.Fprintf(w, "calendar %s %s\n", c.Name(), c.Version())
	p := sla.Default()
	fmt.Fprintf(w, "default policy %s v%s sha256:%s\n", p.ID(), p.Version(), shortHash(p.Hash()))
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// parseInstant parses an RFC 3339 instant given on the command line.
func parseInstant(flagName, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, usagef("--%s is required (an RFC 3339 instant such as 2025-09-30T17:00:00+08:00)", flagName)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usagef("--%s %q is not an RFC 3339 instant (want e.g. 2025-09-30T17:00:00+08:00)", flagName, s)
	}
	return t, nil
}

// parseDate parses a YYYY-MM-DD civil date, at 00:00 UTC+8.
func parseDate(flagName, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, usagef("--%s is required (a date YYYY-MM-DD)", flagName)
	}
	t, err := time.ParseInLocation(time.DateOnly, s, cst)
	if err != nil {
		return time.Time{}, usagef("--%s %q is not a date (want YYYY-MM-DD)", flagName, s)
	}
	return t, nil
}

// calFlags are the calendar options shared by the commands that count days.
type calFlags struct {
	schedules stringList
	certainty *enumFlag
	strict    bool
}

func addCalFlags(fs *flag.FlagSet) *calFlags {
	c := &calFlags{certainty: newEnum("official", "official", "unverified", "projected")}
	fs.Var(&c.schedules, "schedule", "load a holiday `FILE` on top of the embedded calendar (repeatable, applied in order):\n.json = holiday-cn format, .csv = date,kind,holiday,name_zh,notice")
	fs.Var(c.certainty, "schedule-certainty", "`CERTAINTY` given to the days of --schedule files: official, unverified or projected")
	fs.BoolVar(&c.strict, "strict", false, "strict mode: refuse any day that is not from an official notice\n(no unverified or projected years)")
	return c
}

// set reports whether any calendar flag was given.
func (c *calFlags) set() bool { return len(c.schedules) > 0 || c.strict }

// build returns the calendar the flags describe: calendar.Default() when none was given.
func (c *calFlags) build() (*calendar.Calendar, error) {
	if !c.set() {
		return calendar.Default(), nil
	}
	cert, err := calendar.ParseCertainty(c.certainty.value)
	if err != nil {
		return nil, err
	}
	opts := []calendar.Option{calendar.WithProvisional(!c.strict)}
	for _, path := range c.schedules {
		data, _, err := readFileLimited(nil, path, "schedule file", calendar.MaxScheduleBytes)
		if err != nil {
			return nil, err
		}
		var s *calendar.Schedule
		switch strings.ToLower(filepath.Ext(path)) {
		case ".json":
			s, err = calendar.ParseHolidayCN(path, data)
		case ".csv":
			s, err = calendar.ParseCSV(path, data, cert)
		default:
			return nil, fmt.Errorf("%s: unknown schedule format (want a .json file in holiday-cn format or a .csv file)", path)
		}
		if err != nil {
			return nil, err
		}
		// holiday-cn files are official notices; --schedule-certainty lets a staff member
		// mark a draft as unverified.
		s.Certainty = cert
		opts = append(opts, calendar.WithSchedule(s))
	}
	if len(c.schedules) > 0 {
		opts = append(opts, calendar.WithName(calendar.Default().Name()+"+"+strings.Join(baseNames(c.schedules), "+")))
	}
	return calendar.New(opts...)
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

// loadPolicy loads a policy file and puts it on the calendar the flags describe.
func loadPolicy(path string, cf *calFlags) (*sla.Policy, error) {
	if path == "" {
		return nil, usagef("--policy FILE is required")
	}
	p, err := readPolicy(path)
	if err != nil {
		return nil, err
	}
	if cf != nil && cf.set() {
		c, err := cf.build()
		if err != nil {
			return nil, err
		}
		p = p.WithCalendar(c)
	}
	return p, nil
}

// fail prints err to stderr and returns the exit code it calls for: 1 for usage errors, 5 for
// internal errors, 2 for everything else (rejected policies, files, inputs).
func fail(e *env, cmd string, err error) int {
	var u *usageError
	var ie *internalError
	if errors.As(err, &ie) {
		fmt.Fprintf(e.stderr, "shixian %s: %v\n", cmd, err)
		return exitInternal
	}
	if errors.As(err, &u) {
		fmt.Fprintf(e.stderr, "shixian %s: %v\nRun 'shixian %s --help' for usage.\n", cmd, err, cmd)
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "shixian %s: %s\n", cmd, strings.TrimRight(err.Error(), "\n"))
	return exitInvalid
}

// lineReader reads a JSON-lines stream one line at a time with a bounded buffer, so that
// memory stays flat on files of any length. A line longer than max is an error as soon as the
// limit is passed: the rest of it is not read, since it may never end (/dev/zero, a binary
// file, a whole export on one line).
type lineReader struct {
	r    *bufio.Reader
	name string
	line int
	buf  []byte
	max  int
}

// errLineTooLong is returned by lineReader.next for a line over the limit.
var errLineTooLong = errors.New("line too long")

func newLineReader(name string, r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), name: name, max: maxLine}
}

// next returns the next line without its line ending (the slice is reused by the next call),
// io.EOF at the end, or errLineTooLong for a line over the limit (its number is lr.line;
// reading must stop there). A UTF-8 byte order mark at the start of the first line is
// dropped; so is the CR of a CRLF ending.
func (lr *lineReader) next() ([]byte, error) {
	lr.buf = lr.buf[:0]
	read := 0
	for {
		chunk, err := lr.r.ReadSlice('\n')
		read += len(chunk)
		if len(lr.buf)+len(chunk) > lr.max+2 { // +2: the line ending does not count
			lr.line++
			lr.buf = append(lr.buf, chunk[:lr.max+2-len(lr.buf)]...)
			return nil, errLineTooLong
		}
		lr.buf = append(lr.buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if read == 0 {
				return nil, io.EOF
			}
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", lr.name, err)
		}
		break
	}
	lr.line++
	b := bytes.TrimSuffix(lr.buf, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if lr.line == 1 {
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	}
	if len(b) > lr.max {
		lr.buf = b
		return nil, errLineTooLong
	}
	return b, nil
}

// tooLongColumn is the column, in characters, of the first character past the limit of the
// line next just refused.
func (lr *lineReader) tooLongColumn() int {
	return utf8.RuneCount(lr.buf[:min(len(lr.buf), lr.max)]) + 1
}

// openInput opens a named input file, "-" meaning stdin.
func openInput(e *env, path string) (io.Reader, string, func(), error) {
	if path == "-" {
		return e.stdin, "<stdin>", func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", nil, err
	}
	return f, path, func() { f.Close() }, nil
}

// jsonErrorColumn returns the 1-based column (in characters) a JSON decoding error points
// at, or 0 when the error carries no offset.
func jsonErrorColumn(line []byte, err error) int {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset - 1
	case errors.As(err, &te):
		off = te.Offset - 1
	}
	if off < 0 {
		return 0
	}
	if off > int64(len(line)) {
		off = int64(len(line))
	}
	return utf8.RuneCount(line[:off]) + 1
}

// lineError formats an error about one line of a JSON-lines file as file:line[:column]: msg.
func lineError(name string, line int, col int, err error) string {
	pos := fmt.Sprintf("%s:%d", name, line)
	if col > 0 {
		pos += fmt.Sprintf(":%d", col)
	}
	return pos + ": " + strings.TrimRight(err.Error(), "\n")
}

// progress reports how many lines a long run has read, on stderr, only when stderr is a
// terminal; it overwrites one line and is rate-limited to a few updates a second.
type progress struct {
	w     io.Writer
	label string
	on    bool
	last  time.Time
	shown bool
}

func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, label: label, on: isTerminal(w)}
}

func (p *progress) tick(n int) {
	if !p.on || n%1024 != 0 {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	p.shown = true
	fmt.Fprintf(p.w, "\r%s: %d lines", p.label, n)
}

// tickAlways is tick for callers that already report at a coarse interval.
func (p *progress) tickAlways(n int) {
	if !p.on {
		return
	}
	p.shown = true
	fmt.Fprintf(p.w, "\r%s: %d lines", p.label, n)
}

func (p *progress) done(n int) {
	if p.on && p.shown {
		fmt.Fprintf(p.w, "\r%s: %d lines, done\n", p.label, n)
	}
}

// dueDisplay renders a due instant for people: "2025-10-11 24:00" when it is midnight (the
// end of the last day, 民法典 art. 203), else "2025-10-11 17:30".
func dueDisplay(due time.Time) string {
	if due.IsZero() {
		return "—"
	}
	d := due.In(cst)
	if h, m, s := d.Clock(); h == 0 && m == 0 && s == 0 && d.Nanosecond() == 0 {
		return d.AddDate(0, 0, -1).Format(time.DateOnly) + " 24:00"
	}
	return d.Format("2006-01-02 15:04")
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// newJSONEncoder returns an encoder that writes one compact JSON value per line and leaves
// Chinese text and <> & readable.
func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
