package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records failures instead of failing the
// test that uses it. Fatalf ends the goroutine, as testing.T does, so check
// must run in a goroutine of its own (see run).
type recorder struct {
	testing.TB
	name   string
	errors []string
	fatal  bool
	logs   []string
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return r.name }
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
	r.fatal = true
	runtime.Goexit()
}
func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

// run calls check with a recorder named "TestX/sub" and returns it.
func run(path string, got []byte, update bool) *recorder {
	r := &recorder{name: "TestX/sub"}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r, path, got, update)
	}()
	<-done
	return r
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "out.golden")
	require.NoError(t, os.WriteFile(existing, []byte("one\ntwo\nthree\n"), 0o644))
	module, err := os.Getwd()
	require.NoError(t, err)
	wantCmd := "`go test ./internal/golden -run '^TestX$' -update`"
	require.True(t, strings.HasSuffix(filepath.ToSlash(module), "/internal/golden"))

	tests := []struct {
		name      string
		path      string
		got       string
		update    bool
		fatal     bool
		errs      []string // substrings of the one failure message, none if empty
		wantFile  string   // content of path afterwards, "" to skip
		wantWrote bool
	}{
		{name: "equal output passes", path: existing, got: "one\ntwo\nthree\n", wantFile: "one\ntwo\nthree\n"},
		{name: "a difference is reported with the path, the line and the command, and the file is kept",
			path: existing, got: "one\nTWO\nthree\n",
			errs:     []string{existing, "line 2", `golden: "two\n"`, `got:    "TWO\n"`, wantCmd},
			wantFile: "one\ntwo\nthree\n"},
		{name: "a shorter output is reported at its end",
			path: existing, got: "one\n",
			errs: []string{"line 2", `golden: "two\n"`, "got:    (end of text)"}},
		{name: "a missing file stops the test and says how to create it",
			path: filepath.Join(dir, "missing.golden"), got: "x",
			fatal: true, errs: []string{filepath.Join(dir, "missing.golden"), "does not exist", wantCmd}},
		{name: "update writes the file, creating directories",
			path: filepath.Join(dir, "a", "b", "new.golden"), got: "new\n", update: true,
			wantFile: "new\n", wantWrote: true},
		{name: "update rewrites a stale file",
			path: existing, got: "one\n2\nthree\n", update: true, wantFile: "one\n2\nthree\n", wantWrote: true},
		{name: "update leaves an up-to-date file alone",
			path: existing, got: "one\n2\nthree\n", update: true, wantFile: "one\n2\nthree\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []byte(tt.got)
			r := run(tt.path, got, tt.update)
			assert.Equal(t, tt.got, string(got), "got is not modified")
			assert.Equal(t, tt.fatal, r.fatal, "fatal")
			if len(tt.errs) == 0 {
				assert.Empty(t, r.errors)
			} else if assert.Len(t, r.errors, 1) {
				for _, s := range tt.errs {
					assert.Contains(t, r.errors[0], s)
				}
			}
			if tt.wantFile != "" {
				data, err := os.ReadFile(tt.path)
				require.NoError(t, err)
				assert.Equal(t, tt.wantFile, string(data))
			}
			assert.Equal(t, tt.wantWrote, len(r.logs) == 1, "logged a write: %v", r.logs)
		})
	}
}

func TestPackagePath(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module m\n"), 0o644))
	sub := filepath.Join(root, "a", "b")
	require.NoError(t, os.MkdirAll(sub, 0o755))
	assert.Equal(t, "./a/b", packagePath(sub))
	assert.Equal(t, ".", packagePath(root))
}

// The flag is registered under the name that tests which cannot import this
// package look up (flag.Lookup("update")), and the environment variable turns
// updating on without it.
func TestUpdate(t *testing.T) {
	f := flag.Lookup("update")
	require.NotNil(t, f)
	assert.Equal(t, "false", f.DefValue)
	t.Setenv("SHIXIAN_UPDATE_GOLDEN", "")
	assert.Equal(t, *updateFlag, Update())
	t.Setenv("SHIXIAN_UPDATE_GOLDEN", "1")
	assert.True(t, Update())
}
