package main

import (
	"encoding/json"
	"errors"
	"fmt"
)

// The bad-line policy, the same for every command that reads JSON lines (classify, diff and
// report --cases). An office's export of a million cases may hold a few broken records; the
// run should not be lost for them, nor should they pass unnoticed. So:
//
//   - a bad line (malformed or truncated JSON, invalid UTF-8, a NUL byte, a value of the
//     wrong type, a case the policy rejects) is reported on stderr as file:line:column:
//     message, the column counted in characters of that line, and skipped; reading goes on;
//   - after maxBadLines bad lines reading stops: the file is most likely not what the
//     command expects, and a screenful of errors says so well enough;
//   - a line longer than maxLine stops reading at once, at that line: its end may never
//     come (/dev/zero, a binary file, a whole export on one line);
//   - any bad line makes the exit code 2. A run that read the whole file still writes its
//     result (over the good lines; report and diff say how many lines were skipped); a run
//     that stopped early writes no report or diff, since figures over part of a file would
//     read as the whole. classify has already written the lines before the stop.
//
// Blank lines are skipped silently but counted, a UTF-8 byte order mark on the first line is
// dropped, and CRLF line endings are accepted, so that files saved on Windows work as they are.

// badLinesHelp is the bad-line policy as the --help of each JSON-lines command states it.
const badLinesHelp = `Bad lines (the same rule in classify, diff and report): a line of malformed or truncated JSON,
invalid UTF-8, a NUL byte, a value that is not one JSON object, or a case that is rejected is
reported on stderr as file:line:column: message and skipped, and the exit code is 2. After 100
bad lines reading stops; a line longer than 1 MiB stops it at once. A run that read the whole
file writes its result over the good lines; one that stopped early writes no report or diff.
Blank lines, a byte order mark at the start and CRLF line endings are accepted.`

// errStopReading stops a JSON-lines run under the bad-line policy.
var errStopReading = errors.New("stopped reading")

// badLines counts and reports the bad lines of one JSON-lines run.
type badLines struct {
	e        *env
	cmd      string
	name     string
	count    int
	stopLine int  // the line reading stopped at; 0 when it did not stop
	tooLong  bool // it stopped at a line over the limit
}

func newBadLines(e *env, cmd, name string) *badLines {
	return &badLines{e: e, cmd: cmd, name: name}
}

// add reports one bad line (msg is its file:line:column: message) and returns errStopReading
// when reading must stop there.
func (b *badLines) add(line int, msg string, tooLong bool) error {
	fmt.Fprintln(b.e.stderr, msg)
	b.count++
	if tooLong || b.count >= maxBadLines {
		b.stopLine, b.tooLong = line, tooLong
		return errStopReading
	}
	return nil
}

// stopped reports whether reading stopped before the end of the file.
func (b *badLines) stopped() bool { return b.stopLine > 0 }

// finish prints the summary line of a run with bad lines and returns its exit code: 0 when
// there were none, else 2.
func (b *badLines) finish() int {
	switch {
	case b.tooLong:
		fmt.Fprintf(b.e.stderr, "shixian %s: stopped reading %s at line %d, a line longer than %s (%d bad line(s)); nothing more was read\n",
			b.cmd, b.name, b.stopLine, sizeText(maxLine), b.count)
	case b.stopped():
		fmt.Fprintf(b.e.stderr, "shixian %s: stopped reading %s at line %d after %d bad lines; nothing more was read\n",
			b.cmd, b.name, b.stopLine, b.count)
	case b.count > 0:
		fmt.Fprintf(b.e.stderr, "shixian %s: %d bad line(s) in %s skipped\n", b.cmd, b.count, b.name)
	default:
		return exitOK
	}
	return exitInvalid
}

// lineProblem checks what every JSON-lines command requires of a line before decoding it: that
// it is within the size limit and valid UTF-8. For a bad line it returns the column and the
// error, and whether reading must stop; err is nil for a good line.
func lineProblem(it lineItem) (col int, tooLong bool, err error) {
	if it.tooLong {
		return it.col, true, fmt.Errorf("line longer than %s (a JSON-lines file has one JSON object per line)", sizeText(maxLine))
	}
	if off := invalidUTF8(it.data); off >= 0 {
		return lineColumn(it.data, off), false, errInvalidUTF8
	}
	// Valid JSON that is not an object (an array, a string, null) would otherwise be reported
	// in terms of Go types, differently by each command.
	if start := skipJSONSpace(it.data, 0, ""); start < len(it.data) && it.data[start] != '{' && json.Valid(it.data) {
		return lineColumn(it.data, start), false, fmt.Errorf("want one JSON object per line, not %s", jsonKind(it.data[start]))
	}
	return 0, false, nil
}

// jsonKind names the JSON value that starts with c.
func jsonKind(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
