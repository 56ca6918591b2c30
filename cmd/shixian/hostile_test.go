package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endless is a stdin that never ends: the byte b forever. It counts what was read from it.
type endless struct {
	b byte
	n atomic.Int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.b
	}
	e.n.Add(int64(len(p)))
	return len(p), nil
}

// cliReader is cli with any reader as stdin.
func cliReader(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, stdin, &out, &errb)
	return result{code, out.String(), errb.String()}
}

func TestEndlessStdinIsRefusedAfterTheLimit(t *testing.T) {
	report := []string{"report", "--policy", defaultPolicy, "--from", "2025-09-28", "--to", "2025-10-12", "--cases", "-"}
	tests := []struct {
		name  string
		b     byte
		args  []string
		want  string
		limit int64 // at most this much may be read from stdin
	}{
		{"classify --cases - on endless zeros stops at line 1, column 1048577", 0,
			[]string{"classify", "--policy", defaultPolicy, "--cases", "-"},
			"<stdin>:1:1048577: line longer than 1 MiB", 2 * maxLine},
		{"report --cases - on endless zeros stops at line 1", 0, report,
			"<stdin>:1:1048577: line longer than 1 MiB", 2 * maxLine},
		{"diff --cases - on endless zeros stops at line 1", 0,
			[]string{"diff", oldPolicy, newPolicy, "--cases", "-"},
			"<stdin>:1:1048577: line longer than 1 MiB", 2 * maxLine},
		{"status --case - on endless zeros is refused at 4 MiB", 0,
			[]string{"status", "--policy", defaultPolicy, "--now", "2025-10-14T12:00:00+08:00", "--case", "-"},
			"case file <stdin> is larger than the 4 MiB limit", sla.MaxCaseBytes + 64<<10},
		{"classify --cases - on an endless '{' line is refused like zeros", '{',
			[]string{"classify", "--policy", defaultPolicy, "--cases", "-"},
			"<stdin>:1:1048577: line longer than 1 MiB", 2 * maxLine},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &endless{b: tc.b}
			start := time.Now()
			r := cliReader(t, in, tc.args...)
			assert.Equal(t, exitInvalid, r.code)
			assert.Contains(t, r.stderr, tc.want)
			assert.Empty(t, r.stdout, "nothing is reported over a stream that was cut")
			assert.LessOrEqual(t, in.n.Load(), tc.limit, "read no further than the limit")
			assert.Less(t, time.Since(start), 10*time.Second)
		})
	}
}

func TestHugeFilesAreRefusedWhileReading(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"lint /dev/zero", []string{"lint", "/dev/zero"}, "policy file /dev/zero is larger than the 1 MiB limit"},
		{"classify --policy /dev/zero", []string{"classify", "--policy", "/dev/zero", "--input", "{}", "--accepted", "2025-10-09T09:00:00+08:00"}, "policy file /dev/zero is larger than the 1 MiB limit"},
		{"due --policy /dev/zero", []string{"due", "--policy", "/dev/zero", "--tier", "T1", "--accepted", "2025-10-09T09:00:00+08:00"}, "policy file /dev/zero is larger than the 1 MiB limit"},
		{"status --case /dev/zero", []string{"status", "--policy", defaultPolicy, "--case", "/dev/zero", "--now", "2025-10-14T12:00:00+08:00"}, "case file /dev/zero is larger than the 4 MiB limit"},
		{"calendar --schedule /dev/zero", []string{"calendar", "--from", "2025-10-01", "--schedule", "/dev/zero"}, "schedule file /dev/zero is larger than the 1 MiB limit"},
		{"calendar --schedule /dev/urandom", []string{"calendar", "--from", "2025-10-01", "--schedule", "/dev/urandom"}, "schedule file /dev/urandom is larger than the 1 MiB limit"},
		{"test /dev/zero", []string{"test", "/dev/zero"}, "suite file /dev/zero is larger than the 2 MiB limit"},
		{"diff --expect /dev/zero", []string{"diff", oldPolicy, newPolicy, "--cases", "testdata/corpus.jsonl", "--expect", "/dev/zero"}, "expectations file /dev/zero is larger than the 2 MiB limit"},
		{"diff with /dev/zero as the old policy", []string{"diff", "/dev/zero", newPolicy, "--cases", "testdata/corpus.jsonl"}, "policy file /dev/zero is larger than the 1 MiB limit"},
		{"classify --cases /dev/zero", []string{"classify", "--policy", defaultPolicy, "--cases", "/dev/zero"}, "/dev/zero:1:1048577: line longer than 1 MiB"},
		{"report --cases /dev/zero", []string{"report", "--policy", defaultPolicy, "--cases", "/dev/zero", "--from", "2025-09-28", "--to", "2025-10-12"}, "/dev/zero:1:1048577: line longer than 1 MiB"},
		{"diff --cases /dev/zero", []string{"diff", oldPolicy, newPolicy, "--cases", "/dev/zero"}, "/dev/zero:1:1048577: line longer than 1 MiB"},
		{"a directory as a policy", []string{"lint", "testdata"}, "policy file testdata is a directory, not a file"},
	}
	for _, tc := range tests {
		t.Run(tc.name+" is exit 2 with the file and the limit named", func(t *testing.T) {
			r := cli(t, "", tc.args...)
			assert.Equal(t, exitInvalid, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			assert.NotContains(t, r.stderr, "goroutine", "no stack trace")
		})
	}
}

func TestDiffWorkersAreClampedWithANote(t *testing.T) {
	base := []string{"diff", oldPolicy, newPolicy, "--cases", "testdata/corpus.jsonl"}
	want := cli(t, "", base...)
	require.Equal(t, exitOK, want.code, want.stderr)
	r := cli(t, "", append(base, "--workers", "100000")...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, want.stdout, r.stdout, "the result does not depend on the worker count")
	limit := maxWorkersPerCore * runtime.GOMAXPROCS(0)
	assert.Equal(t, fmt.Sprintf("shixian diff: --workers 100000 is more than %d per core; using %d\n", maxWorkersPerCore, limit), r.stderr)
}

// peakHeap runs f and returns the largest heap in use seen while it ran, sampled every
// millisecond, above what was in use before.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base && m.HeapAlloc-base > peak.Load() {
				peak.Store(m.HeapAlloc - base)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// bigLines yields n corpus lines of about size bytes each, generated as they are read.
type bigLines struct {
	n, size int
	i       int
	buf     []byte
}

func (b *bigLines) Read(p []byte) (int, error) {
	if len(b.buf) == 0 {
		if b.i == b.n {
			return 0, io.EOF
		}
		b.i++
		pad := strings.Repeat("x", b.size)
		b.buf = fmt.Appendf(nil, `{"id":"B-%d","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex","note":"%s"}}`+"\n", b.i, pad)
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	return n, nil
}

func TestLongLinesKeepMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 150 MB")
	}
	// 150 lines of 1,000,000 bytes: before the bounds, diff held 1,024 lines per batch and
	// classify 256, i.e. the whole 150 MB (diff's decoder also interns the long values).
	const lines, size = 150, 1_000_000
	const budget = 128 << 20
	for _, args := range [][]string{
		{"diff", oldPolicy, newPolicy, "--cases", "-"},
		{"classify", "--policy", oldPolicy, "--cases", "-"},
	} {
		t.Run(args[0]+" holds less than 128 MiB while streaming 150 MB of long lines", func(t *testing.T) {
			var r result
			peak := peakHeap(func() {
				var errb bytes.Buffer
				code := run(args, &bigLines{n: lines, size: size}, io.Discard, &errb)
				r = result{code: code, stderr: errb.String()}
			})
			// Whether the rules accept the "note" field or not, every line is read.
			t.Logf("peak heap %d MiB, exit %d", peak>>20, r.code)
			assert.NotEqual(t, exitInternal, r.code, r.stderr)
			assert.Less(t, peak, uint64(budget))
		})
	}
}

// hostile is a case id full of what a terminal would obey: ESC sequences (clear screen, set
// the title), CR, BEL, a C1 CSI, and a right-to-left override.
const hostile = "A\x1b[2J\x1b]0;pwned\a\rB\u009b31m\u202eC\u2028D"

// assertTerminalSafe checks that s holds none of hostile's controls raw, and shows them.
func assertTerminalSafe(t *testing.T, s string) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\r", "\a", "\u009b", "\u202e", "\u2028"} {
		assert.NotContains(t, s, bad, "raw %q in output", bad)
	}
	// (Markdown cells turn the CR into a space before it gets here.)
	assert.Contains(t, s, `A\x1b[2J\x1b]0;pwned\a`)
	assert.Contains(t, s, `B\u009b31m\u202eC\u2028D`)
}

func TestInputTextCannotDriveTheTerminal(t *testing.T) {
	dir := t.TempDir()
	idJSON := strings.ReplaceAll(strings.ReplaceAll(fmt.Sprintf("%q", hostile), `\x1b`, `\u001b`), `\a`, `\u0007`)
	idJSON = strings.ReplaceAll(strings.ReplaceAll(idJSON, `\r`, `\u000d`), `\x9b`, `\u009b`)
	caseDoc := strings.Replace(string(mustRead(t, "testdata/case-open.json")), `"C-2025-0930-01"`, idJSON, 1)
	require.Contains(t, caseDoc, `\u001b[2J`)
	caseFile := filepath.Join(dir, "case.json")
	require.NoError(t, os.WriteFile(caseFile, []byte(caseDoc), 0o600))
	corpus := `{"id":` + idJSON + `,"accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex","tags":["cross_department"]}}` + "\n"
	casesLine := strings.Replace(strings.SplitN(string(mustRead(t, "testdata/cases.jsonl")), "\n", 2)[0], `"R-01"`, idJSON, 1)
	casesLine = strings.Replace(casesLine, `"王敏"`, idJSON, 1) // the handler too
	policyName := filepath.Join(dir, hostile+".yaml")
	require.NoError(t, os.WriteFile(policyName, mustRead(t, defaultPolicy), 0o600))

	tests := []struct {
		name  string
		stdin string
		args  []string
		out   bool // the id is on stdout (else on stderr)
	}{
		{"status, text", "", []string{"status", "--policy", defaultPolicy, "--case", caseFile, "--now", "2025-10-14T12:00:00+08:00"}, true},
		{"classify --explain", corpus, []string{"classify", "--policy", defaultPolicy, "--cases", "-", "--explain"}, true},
		{"diff, text", corpus, []string{"diff", oldPolicy, newPolicy, "--cases", "-"}, true},
		{"report, Markdown, grouped by handler", casesLine + "\n", []string{"report", "--policy", defaultPolicy, "--cases", "-", "--from", "2025-09-28", "--to", "2025-10-12", "--by", "handler"}, true},
		{"lint of a file whose name holds escapes", "", []string{"lint", policyName}, true},
		{"an error about a case with that id", strings.Replace(casesLine, `"closed"`, `"resumed"`, 1) + "\n", []string{"report", "--policy", defaultPolicy, "--cases", "-", "--from", "2025-09-28", "--to", "2025-10-12"}, false},
		{"an error about a file with that name", "", []string{"lint", filepath.Join(dir, "missing", hostile+".yaml")}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name+" shows the controls as escapes", func(t *testing.T) {
			r := cli(t, tc.stdin, tc.args...)
			assertTerminalSafe(t, r.stdout+r.stderr)
			if tc.out {
				assert.Contains(t, r.stdout, `A\x1b[2J`, r.stderr)
			} else {
				assert.Contains(t, r.stderr, `A\x1b[2J`)
			}
		})
	}
	t.Run("test, text: a suite case named with escapes", func(t *testing.T) {
		suite := strings.Replace(string(mustRead(t, "testdata/mini.suite.yaml")), "name: 问题复杂 → T3, last day the makeup Saturday 10-11", `name: "A\e[2J\e]0;pwned\a\rB\x9b31m\u202eC\u2028D 问题复杂"`, 1)
		suite = strings.Replace(suite, "policy: policy-2025.1.yaml", "policy: "+filepath.Join(mustAbs(t, "testdata"), "policy-2025.1.yaml"), 1)
		path := filepath.Join(dir, "suite.yaml")
		require.NoError(t, os.WriteFile(path, []byte(suite), 0o600))
		r := cli(t, "", "test", path)
		assert.Empty(t, r.stderr)
		assertTerminalSafe(t, r.stdout)
		assert.Contains(t, r.stdout, "问题复杂")
	})
	t.Run("Chinese text is untouched", func(t *testing.T) {
		r := cli(t, "", "status", "--policy", defaultPolicy, "--case", caseFile, "--now", "2025-10-14T12:00:00+08:00")
		assert.Contains(t, r.stdout, "劳动监察大队")
	})
	t.Run("status JSON escapes the id by encoding/json, U+2028 included", func(t *testing.T) {
		r := cli(t, "", "status", "--policy", defaultPolicy, "--case", caseFile, "--now", "2025-10-14T12:00:00+08:00", "--format", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, `"case_id":"A\u001b[2J\u001b]0;pwned\u0007\rB`+"\u009b"+`31m`+"\u202e"+`C\u2028D"`)
		assert.NotContains(t, r.stdout, "\x1b")
	})
	t.Run("a case file with invalid UTF-8 is refused at its position, not silently changed", func(t *testing.T) {
		bad := strings.Replace(string(mustRead(t, "testdata/case-open.json")), "C-2025", "C-\xff2025", 1)
		r := cli(t, bad, "status", "--policy", defaultPolicy, "--case", "-", "--now", "2025-10-14T12:00:00+08:00")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "<stdin>:3:12: invalid UTF-8")
	})
}

func TestTermSafe(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain ASCII and Chinese are untouched", "C-01 劳动关系科 王敏", "C-01 劳动关系科 王敏"},
		{"tab and newline are layout and stay", "a\tb\nc", "a\tb\nc"},
		{"ESC, CR, BEL, BS, VT, FF, DEL", "\x1b\r\a\b\v\f\x7f", `\x1b\r\a\b\v\f\x7f`},
		{"C1 controls (U+0085 NEL, U+009B CSI)", "\u0085\u009b", `\u0085\u009b`},
		{"bidi overrides, isolates and marks", "\u202a\u202e\u2066\u2069\u200e\u200f\u061c", `\u202a\u202e\u2066\u2069\u200e\u200f\u061c`},
		{"line and paragraph separators, BOM", "\u2028\u2029\ufeff", `\u2028\u2029\ufeff`},
		{"invalid UTF-8 bytes", "a\xffb\xc3", `a\xffb\xc3`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, termSafe(tc.in))
			var b bytes.Buffer
			w := newTermWriter(&b)
			// Byte by byte: a character split between writes is still one character.
			for i := range len(tc.in) {
				_, err := w.Write([]byte{tc.in[i]})
				require.NoError(t, err)
			}
			require.NoError(t, w.Flush())
			assert.Equal(t, tc.want, b.String())
		})
	}
}

func TestAPanicIsAnInternalErrorNotAStackTrace(t *testing.T) {
	var errb bytes.Buffer
	e := &env{stderr: &errb}
	code := guard(e, func() int { panic("index out of range [3] with length 2") })
	assert.Equal(t, exitInternal, code)
	assert.Equal(t, "shixian: internal error (a bug in shixian; please report it with the command line): index out of range [3] with length 2\n", errb.String())
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// jsonLinesCommands are the commands that read JSON lines, each with a good line of its format.
var jsonLinesCommands = []struct {
	name string
	args []string
	good func(id string) string
}{
	{"classify", []string{"classify", "--policy", oldPolicy, "--cases", "-"}, func(id string) string {
		return `{"id":"` + id + `","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex"}}`
	}},
	{"diff", []string{"diff", oldPolicy, newPolicy, "--cases", "-"}, func(id string) string {
		return `{"id":"` + id + `","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex"}}`
	}},
	{"report", []string{"report", "--policy", defaultPolicy, "--cases", "-", "--from", "2025-09-28", "--to", "2025-10-12", "--format", "csv"}, func(id string) string {
		return `{"schema":1,"id":"` + id + `","policy":"xinyu-1310","events":[{"type":"accepted","at":"2025-09-30T17:00:00+08:00","input":{"cause":"incomplete_materials"}},{"type":"classified","at":"2025-09-30T17:00:00+08:00","tier":"T1","rule":"objective-simple"},{"type":"closed","at":"2025-10-09T10:00:00+08:00"}]}`
	}},
}

func TestEveryJSONLinesCommandHasTheSameBadLinePolicy(t *testing.T) {
	tooLong := strings.Repeat("x", maxLine+1)
	bad := []struct {
		name, line string
		want       string // the message on stderr for line 2
		stops      bool   // reading stops at line 2
	}{
		{"truncated JSON", `{"id":"X-2","accepted":`, "<stdin>:2:23: unexpected end of JSON input", false},
		{"invalid UTF-8", "{\"id\":\"X\xff-2\"}", "<stdin>:2:9: invalid UTF-8 (the file must be UTF-8 text)", false},
		{"a NUL byte", "{\"id\":\"X\x00\"}", `<stdin>:2:9: invalid character '\x00' in string literal`, false},
		{"a byte order mark on a line other than the first", "\ufeff{}", "<stdin>:2:1: invalid character 'ï' looking for beginning of value", false},
		{"an array, not an object", ` [1,2]`, "<stdin>:2:2: want one JSON object per line, not an array", false},
		{"null", `null`, "<stdin>:2:1: want one JSON object per line, not null", false},
		{"a line over the limit", tooLong, "<stdin>:2:1048577: line longer than 1 MiB (a JSON-lines file has one JSON object per line)", true},
	}
	for _, c := range jsonLinesCommands {
		clean := c.good("X-1") + "\n" + c.good("X-3") + "\n"
		want := cli(t, clean, c.args...)
		require.Equal(t, exitOK, want.code, "%s: %s", c.name, want.stderr)
		// Accepted as they are, with the same result as the clean file.
		for _, v := range []struct{ name, input string }{
			{"blank and white-space lines", "\n" + c.good("X-1") + "\n  \t\n\n" + c.good("X-3") + "\n\n"},
			{"a byte order mark at the start", "\ufeff" + clean},
			{"CRLF line endings", c.good("X-1") + "\r\n" + c.good("X-3") + "\r\n"},
			{"no newline at the end", c.good("X-1") + "\n" + c.good("X-3")},
		} {
			t.Run(c.name+": "+v.name+" are accepted", func(t *testing.T) {
				r := cli(t, v.input, c.args...)
				require.Equal(t, exitOK, r.code, r.stderr)
				if c.name != "classify" { // classify's output carries no line numbers
					assert.Equal(t, strings.Count(want.stdout, "\n"), strings.Count(r.stdout, "\n"))
				} else {
					assert.Equal(t, want.stdout, r.stdout)
				}
				assert.Empty(t, r.stderr)
			})
		}
		for _, b := range bad {
			t.Run(c.name+": "+b.name+" on line 2", func(t *testing.T) {
				r := cli(t, c.good("X-1")+"\n"+b.line+"\n"+c.good("X-3")+"\n", c.args...)
				assert.Equal(t, exitInvalid, r.code)
				require.NotEmpty(t, r.stderr)
				first, _, _ := strings.Cut(r.stderr, "\n")
				assert.True(t, strings.HasPrefix(first, b.want), "got %q\nwant %q", first, b.want)
				if b.stops {
					assert.Contains(t, r.stderr, "shixian "+c.name+": stopped reading <stdin> at line 2, a line longer than 1 MiB (1 bad line(s)); nothing more was read\n")
					if c.name == "classify" {
						assert.Contains(t, r.stdout, `"X-1"`)
						assert.NotContains(t, r.stdout, `"X-3"`, "nothing after the long line is read")
					} else {
						assert.Empty(t, r.stdout, "no report over part of the file")
					}
					return
				}
				assert.Contains(t, r.stderr, "shixian "+c.name+": 1 bad line(s) in <stdin> skipped\n")
				assert.Equal(t, 2, strings.Count(r.stderr, "\n"), "one message and the summary")
				assert.NotEmpty(t, r.stdout, "the good lines are still reported")
			})
		}
		t.Run(c.name+": reading stops after 100 bad lines", func(t *testing.T) {
			input := c.good("X-1") + "\n" + strings.Repeat("{\n", 150) + c.good("X-3") + "\n"
			r := cli(t, input, c.args...)
			assert.Equal(t, exitInvalid, r.code)
			assert.Equal(t, 100, strings.Count(r.stderr, ": unexpected end of JSON input\n"))
			assert.Contains(t, r.stderr, "<stdin>:101:1: unexpected end of JSON input\n")
			assert.Contains(t, r.stderr, "shixian "+c.name+": stopped reading <stdin> at line 101 after 100 bad lines; nothing more was read\n")
			if c.name != "classify" {
				assert.Empty(t, r.stdout)
			}
		})
	}
}

func TestDiffOverManyChunksEqualsOneLibraryDiff(t *testing.T) {
	// A corpus of several chunks: the CLI's sums, line numbers and kept changes must be those
	// of one slatest.Diff over the whole file.
	var good []string
	for _, l := range strings.Split(string(mustRead(t, "testdata/corpus.jsonl")), "\n") {
		if strings.HasPrefix(l, `{"id":"D-`) {
			good = append(good, l)
		}
	}
	require.NotEmpty(t, good)
	var b strings.Builder
	for i := 0; b.Len() < 3*diffChunkBytes; i++ {
		l := good[i%len(good)]
		b.WriteString(strings.Replace(l, `"id":"D-`, fmt.Sprintf(`"id":"N%d-`, i), 1))
		b.WriteString("\n")
		if i%1000 == 999 {
			b.WriteString("\n") // blank lines count in the numbering
		}
	}
	corpus := b.String()
	oldP, err := readPolicy(oldPolicy)
	require.NoError(t, err)
	newP, err := readPolicy(newPolicy)
	require.NoError(t, err)
	for _, maxChanged := range []int{0, 7} {
		t.Run(fmt.Sprintf("--max-changed %d", maxChanged), func(t *testing.T) {
			res, err := slatest.Diff(oldP, newP, strings.NewReader(corpus), slatest.DiffOptions{MaxChanged: maxChanged})
			require.NoError(t, err)
			require.Greater(t, res.ChangedCount, 7, "the corpus has changes to keep or cut")
			var want bytes.Buffer
			require.NoError(t, res.WriteJSON(&want))
			r := cli(t, corpus, "diff", oldPolicy, newPolicy, "--cases", "-", "--format", "json", "--max-changed", fmt.Sprint(maxChanged))
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.JSONEq(t, want.String(), r.stdout)
		})
	}
	t.Run("a bad line in the third chunk is reported at its line", func(t *testing.T) {
		lines := strings.Split(corpus, "\n")
		n := len(lines) - 100
		lines[n] = `{"id":"X","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"nonsense"}}`
		r := cli(t, strings.Join(lines, "\n"), "diff", oldPolicy, newPolicy, "--cases", "-")
		assert.Equal(t, exitInvalid, r.code)
		// Column 67 is the value "nonsense", as classify reports it.
		assert.Contains(t, r.stderr, fmt.Sprintf("<stdin>:%d:67: case \"X\": old policy: rules: field \"cause\"", n+1))
		assert.Contains(t, r.stdout, fmt.Sprintf("line %d (X): old policy:", n+1))
	})
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	require.NoError(t, err)
	return abs
}
