package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTopLevelUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // substring
		stderr     string // substring
		emptyOut   bool
		emptyError bool
	}{
		{name: "no command is a usage error with the command list on stderr", args: nil, code: exitUsage, stderr: "Commands:", emptyOut: true},
		{name: "unknown command", args: []string{"frobnicate"}, code: exitUsage, stderr: `unknown command "frobnicate"`, emptyOut: true},
		{name: "help", args: []string{"help"}, code: exitOK, stdout: "Exit codes:", emptyError: true},
		{name: "--help", args: []string{"--help"}, code: exitOK, stdout: "Commands:", emptyError: true},
		{name: "-h", args: []string{"-h"}, code: exitOK, stdout: "Commands:", emptyError: true},
		{name: "help for a command", args: []string{"help", "due"}, code: exitOK, stdout: "Usage: shixian due --accepted", emptyError: true},
		{name: "help for an unknown command", args: []string{"help", "nope"}, code: exitUsage, stderr: `unknown command "nope"`, emptyOut: true},
		{name: "version", args: []string{"version"}, code: exitOK, stdout: "calendar CN ", emptyError: true},
		{name: "unknown flag", args: []string{"due", "--nope"}, code: exitUsage, stderr: "flag provided but not defined: -nope", emptyOut: true},
		{name: "flag without its value", args: []string{"due", "--accepted"}, code: exitUsage, stderr: "flag needs an argument", emptyOut: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, "", tt.args...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			assert.Contains(t, r.stdout, tt.stdout)
			assert.Contains(t, r.stderr, tt.stderr)
			if tt.emptyOut {
				assert.Empty(t, r.stdout)
			}
			if tt.emptyError {
				assert.Empty(t, r.stderr)
			}
		})
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		for _, h := range []string{"-h", "--help", "-help"} {
			t.Run(c.name+" "+h, func(t *testing.T) {
				r := cli(t, "", c.name, h)
				require.Equal(t, exitOK, r.code, r.stderr)
				assert.Empty(t, r.stderr)
				assert.True(t, strings.HasPrefix(r.stdout, "Usage: shixian "+c.name), r.stdout)
				assert.Contains(t, r.stdout, "Examples:\n  shixian "+c.name)
				assert.Equal(t, r.stdout, cli(t, "", "help", c.name).stdout, "help CMD equals CMD --help")
			})
		}
		t.Run(c.name+" usage error points at --help", func(t *testing.T) {
			r := cli(t, "", c.name, "--no-such-flag")
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, "shixian "+c.name+" --help")
		})
	}
}

// The package comment is what `go doc` shows: it must document every command's synopsis
// exactly as --help prints it.
func TestDocCoversEveryCommand(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	for _, c := range commands() {
		assert.Contains(t, string(doc), "\t"+c.synopsis+"\n", "doc.go must show the synopsis of %s", c.name)
	}
	for _, code := range []string{"0  success", "1  usage", "2  a policy", "3  shixian test", "4  shixian diff"} {
		assert.Contains(t, string(doc), code)
	}
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		pos   []string
		cases string
	}{
		{"flags after positionals", []string{"old.yaml", "new.yaml", "--cases", "c.jsonl"}, []string{"old.yaml", "new.yaml"}, "c.jsonl"},
		{"flags first", []string{"-cases=c.jsonl", "old.yaml", "new.yaml"}, []string{"old.yaml", "new.yaml"}, "c.jsonl"},
		{"flags between", []string{"old.yaml", "--cases", "c.jsonl", "new.yaml"}, []string{"old.yaml", "new.yaml"}, "c.jsonl"},
		{"-- ends flags", []string{"--cases", "c.jsonl", "--", "--old.yaml"}, []string{"--old.yaml"}, "c.jsonl"},
		{"a lone dash is positional", []string{"-", "--cases", "x"}, []string{"-"}, "x"},
		{"nothing", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			cases := fs.String("cases", "", "")
			pos, err := parseInterspersed(fs, tt.args)
			require.NoError(t, err)
			assert.Equal(t, tt.pos, pos)
			assert.Equal(t, tt.cases, *cases)
		})
	}
}

func TestLineReader(t *testing.T) {
	t.Run("CRLF, a BOM, blank lines and a last line without newline", func(t *testing.T) {
		lr := newLineReader("x", strings.NewReader("\xef\xbb\xbf{\"a\":1}\r\n\n{\"b\":2}"))
		var got []string
		for {
			line, err := lr.next()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			got = append(got, string(line))
		}
		assert.Equal(t, []string{`{"a":1}`, "", `{"b":2}`}, got)
		assert.Equal(t, 3, lr.line)
	})
	t.Run("a line over the limit is refused by number and column as soon as the limit is passed", func(t *testing.T) {
		long := strings.Repeat("x", 200_000) // longer than the 64 KiB read buffer too
		r := &countingReader{r: strings.NewReader("short\n" + long + "\nafter\n")}
		lr := newLineReader("x", r)
		lr.max = 100_000
		line, err := lr.next()
		require.NoError(t, err)
		assert.Equal(t, "short", string(line))
		_, err = lr.next()
		require.ErrorIs(t, err, errLineTooLong)
		assert.Equal(t, 2, lr.line)
		assert.Equal(t, 100_001, lr.tooLongColumn())
		assert.Less(t, r.n, 200_000, "the rest of the long line is not read")
	})
	t.Run("a line of exactly the limit is read; one byte more is refused, CRLF not counted", func(t *testing.T) {
		lr := newLineReader("x", strings.NewReader(strings.Repeat("a", 10)+"\r\n"+strings.Repeat("b", 11)+"\n"))
		lr.max = 10
		line, err := lr.next()
		require.NoError(t, err)
		assert.Len(t, line, 10)
		_, err = lr.next()
		require.ErrorIs(t, err, errLineTooLong)
	})
	t.Run("a line longer than the read buffer but within the limit is read whole", func(t *testing.T) {
		long := strings.Repeat("y", 300_000)
		lr := newLineReader("x", strings.NewReader(long+"\n"))
		line, err := lr.next()
		require.NoError(t, err)
		assert.Len(t, line, 300_000)
	})
}

func TestProgressIsSilentWhenStderrIsNotATerminal(t *testing.T) {
	var b strings.Builder
	p := newProgress(&b, "x")
	for i := 0; i <= 1<<16; i++ {
		p.tick(i)
	}
	p.tickAlways(10)
	p.done(1 << 16)
	assert.Empty(t, b.String())
	assert.False(t, isTerminal(&b))
}

func TestDueDisplay(t *testing.T) {
	assert.Equal(t, "2025-10-11 24:00", dueDisplay(mustTime(t, "2025-10-12T00:00:00+08:00")), "midnight is the end of the previous day (民法典 art. 203)")
	assert.Equal(t, "2025-10-09 14:20", dueDisplay(mustTime(t, "2025-10-09T06:20:00Z")), "shown in UTC+8")
	assert.Equal(t, "—", dueDisplay(mustTime(t, "")))
}

func mustTime(t *testing.T, s string) (tm time.Time) {
	t.Helper()
	if s == "" {
		return tm
	}
	tm, err := parseInstant("x", s)
	require.NoError(t, err)
	return tm
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
