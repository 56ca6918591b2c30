package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes: a contract with scripts and CI (see doc.go).
const (
	exitOK         = 0 // success, or help was asked for
	exitUsage      = 1 // bad command line: unknown command or flag, missing or unparsable flag value
	exitInvalid    = 2 // a policy, suite, schedule, case or input was rejected (details on stderr)
	exitFailed     = 3 // a policy test suite failed
	exitUnexpected = 4 // a policy diff found changes the expectations file does not allow
	exitInternal   = 5 // a bug in shixian: a panic caught at the top of the command
)

// env is what a command may touch: the three standard streams. Everything else comes from
// its arguments, so that every command is testable through run.
type env struct {
	stdin io.Reader
	// stdout is for the data formats (csv, json, ics, junit): written as they are, except
	// when stdout is a terminal, where it is text (the same writer as text).
	stdout io.Writer
	// text is for the text formats (text, md, --explain): control characters and bidi
	// overrides from input are shown as escapes (see termWriter).
	text io.Writer
	// stderr is for people: escaped like text.
	stderr io.Writer
	// rawStderr is stderr as it is, for the progress line (which rewrites itself with CR).
	rawStderr io.Writer
}

// command is one subcommand.
type command struct {
	name     string
	synopsis string // one line: the command with its flags
	summary  string // one line: what it does
	details  string // paragraphs printed by --help after the synopsis
	examples []string
	setup    func(fs *flag.FlagSet) any // registers flags and returns the command's options
	run      func(e *env, opts any, args []string) int
	// positional says what positional arguments the command accepts ("" = none).
	positional string
}

// commands returns the subcommands in the order `shixian help` lists them.
func commands() []*command {
	return []*command{
		calendarCommand(), dueCommand(), classifyCommand(), lintCommand(), analyzeCommand(), testCommand(),
		diffCommand(), statusCommand(), reportCommand(), docCommand(),
	}
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run is the whole program: it parses args (without the program name), runs one command and
// returns the exit code. It never calls os.Exit and reads no global state other than the
// files named on the command line.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out := bufio.NewWriter(stdout)
	text := newTermWriter(out)
	errw := newTermWriter(stderr)
	e := &env{stdin: stdin, stdout: out, text: text, stderr: errw, rawStderr: stderr}
	if isTerminal(stdout) {
		e.stdout = text
	}
	code := guard(e, func() int { return dispatch(e, args) })
	err := text.Flush()
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	_ = errw.Flush()
	if err != nil {
		fmt.Fprintf(errw, "shixian: writing output: %v\n", err)
		_ = errw.Flush()
		if code == exitOK {
			code = exitInvalid
		}
	}
	return code
}

// internalError is a bug: a panic caught in a command. It is reported, never hidden: exit 5.
type internalError struct{ msg string }

func (e *internalError) Error() string {
	return "internal error (a bug in shixian; please report it with the command line): " + e.msg
}

// guard runs a command with a last line of defence: a panic becomes a one-line message and
// exit 5 instead of a Go stack trace. Causes are fixed where they are; this only keeps a
// missed one from looking like something else to a script.
func guard(e *env, f func() int) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "shixian: %v\n", &internalError{fmt.Sprint(r)})
			code = exitInternal
		}
	}()
	return f()
}

func dispatch(e *env, args []string) int {
	if len(args) == 0 {
		writeMainUsage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if name == "help" && len(args) > 1 {
			c := findCommand(args[1])
			if c == nil {
				fmt.Fprintf(e.stderr, "shixian help: unknown command %q (want one of: %s)\n", args[1], commandNames())
				return exitUsage
			}
			writeCommandUsage(e.stdout, c)
			return exitOK
		}
		writeMainUsage(e.stdout)
		return exitOK
	case "version", "-version", "--version":
		writeVersion(e.stdout)
		return exitOK
	}
	c := findCommand(name)
	if c == nil {
		fmt.Fprintf(e.stderr, "shixian: unknown command %q (want one of: %s, help, version)\n", name, commandNames())
		fmt.Fprintln(e.stderr, "Run 'shixian help' for usage.")
		return exitUsage
	}
	return runCommand(e, c, args[1:])
}

func commandNames() string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// usageError is a problem with the command line (exit 1).
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func runCommand(e *env, c *command, args []string) int {
	fs := flag.NewFlagSet("shixian "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	opts := c.setup(fs)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		writeCommandUsage(e.stdout, c)
		return exitOK
	}
	if err == nil && c.positional == "" && len(pos) > 0 {
		err = usagef("unexpected argument %q", pos[0])
	}
	if err != nil {
		return usageFail(e, c, err)
	}
	code := c.run(e, opts, pos)
	return code
}

// usageFail prints a command-line error and a pointer to the help, and returns exit 1.
func usageFail(e *env, c *command, err error) int {
	fmt.Fprintf(e.stderr, "shixian %s: %v\n", c.name, err)
	fmt.Fprintf(e.stderr, "usage: %s\nRun 'shixian %s --help' for details.\n", c.synopsis, c.name)
	return exitUsage
}

// parseInterspersed parses flags that may appear before, between and after positional
// arguments (`shixian diff OLD NEW --cases FILE`), which the standard flag package alone does
// not allow. A "--" ends flag parsing: everything after it is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// enumFlag is a string flag restricted to a set of values.
type enumFlag struct {
	value   string
	allowed []string
}

func newEnum(def string, allowed ...string) *enumFlag {
	return &enumFlag{value: def, allowed: allowed}
}

func (f *enumFlag) String() string {
	if f == nil {
		return ""
	}
	return f.value
}

func (f *enumFlag) Set(v string) error {
	for _, a := range f.allowed {
		if v == a {
			f.value = v
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(f.allowed, ", "))
}

func writeMainUsage(w io.Writer) {
	fmt.Fprint(w, `shixian — time limits (时限) for the "1310" mechanism: working-day calendar, deadlines,
tier rules, policy tests, diffs, case status and reports.

Usage:
  shixian <command> [flags] [arguments]
  shixian help [command]
  shixian version

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `  help      print this help, or a command's help
  version   print the version of shixian, its calendar data and its default policy

Flags may be written -flag or --flag, before or after the arguments; "--" ends the flags.
Every command takes -h / --help.

Exit codes:
  0  success (and --help)
  1  usage: unknown command or flag, a missing or unparsable flag value
  2  a policy, suite, schedule, case file or input was rejected; details on stderr, each
     with file:line:column where there is one
  3  shixian test: a suite failed (a case mismatched or coverage is below the minimum)
  4  shixian diff --expect: changes the expectations file does not allow
  5  internal error: a bug in shixian (please report it)

Times are RFC 3339 instants (2025-09-30T17:00:00+08:00); dates are YYYY-MM-DD civil dates in
China Standard Time (UTC+8). A due instant is exclusive: a case is on time if closed strictly
before it.
`)
}

func writeCommandUsage(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", c.synopsis, c.summary)
	if c.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(c.details, "\n"))
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.setup(fs)
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	if len(flags) > 0 {
		sort.Slice(flags, func(i, j int) bool { return flags[i].Name < flags[j].Name })
		fmt.Fprint(w, "\nFlags:\n")
		for _, f := range flags {
			name, usage := flag.UnquoteUsage(f)
			head := "  --" + f.Name
			if name != "" {
				head += " " + name
			}
			fmt.Fprintln(w, head)
			line := "      " + strings.ReplaceAll(usage, "\n", "\n      ")
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				line += fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintln(w, line)
		}
	}
	if len(c.examples) > 0 {
		fmt.Fprint(w, "\nExamples:\n")
		for _, ex := range c.examples {
			fmt.Fprintf(w, "  %s\n", ex)
		}
	}
}

// isTerminal reports whether w is a character device (a terminal), without extra
// dependencies; progress is shown only there so that logs and pipes stay clean.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
