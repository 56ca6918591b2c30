package golden

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// updateFlag is the -update flag of every test binary that imports this
// package; see the package comment for why it is package-level.
var updateFlag = flag.Bool("update", false, "rewrite golden files (testdata/…) with the output of the tests instead of comparing")

// Update reports whether golden files are rewritten rather than compared:
// the test binary runs with -update, or SHIXIAN_UPDATE_GOLDEN=1 is set in the
// environment. It is meaningful once flag.Parse has run, i.e. inside a test.
func Update() bool {
	return *updateFlag || os.Getenv("SHIXIAN_UPDATE_GOLDEN") == "1"
}

// Assert compares got with the golden file at path (relative to the package
// directory, where `go test` runs the binary). A missing or unreadable file
// fails the test at once; a difference is reported with t.Errorf and the
// test goes on. Both messages name the file and the `go test … -update`
// command that rewrites it. Under Update the file is written instead
// (directories created, mode 0644) unless it already holds got. got is not
// modified.
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	check(t, path, got, Update())
}

// AssertString is Assert for text output.
func AssertString(t testing.TB, path, got string) {
	t.Helper()
	check(t, path, []byte(got), Update())
}

// check is Assert with the update decision passed in, so that the tests of
// this package can exercise both paths without setting the flag.
func check(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	want, err := os.ReadFile(path)
	if update {
		if err == nil && bytes.Equal(want, got) {
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
		t.Logf("golden: wrote %s", path)
		return
	}
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("golden file %s does not exist; run %s to create it", path, command(t))
	}
	if err != nil {
		t.Fatalf("golden: %v", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("output differs from golden file %s\n%s\nif the change is intended, run %s and review the diff",
			path, describe(string(want), string(got)), command(t))
	}
}

// command is the `go test` command line that rewrites the golden files of
// the running test: the package directory relative to the module root (found
// by looking for go.mod above the working directory) and the top-level test.
func command(t testing.TB) string {
	pkg := "."
	if dir, err := os.Getwd(); err == nil {
		pkg = packagePath(dir)
	}
	name, _, _ := strings.Cut(t.Name(), "/")
	return fmt.Sprintf("`go test %s -run '^%s$' -update`", pkg, name)
}

// packagePath returns dir as "./a/b" relative to the nearest ancestor holding
// go.mod, or "." when there is none.
func packagePath(dir string) string {
	for root := dir; ; {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			rel, err := filepath.Rel(root, dir)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "."
		}
		root = parent
	}
}

// describe locates the first difference between want and got by line, which
// is what one needs to start reading a long golden file.
func describe(want, got string) string {
	wl := strings.SplitAfter(want, "\n")
	gl := strings.SplitAfter(got, "\n")
	i := 0
	for i < len(wl) && i < len(gl) && wl[i] == gl[i] {
		i++
	}
	line := func(ls []string) string {
		if i < len(ls) && ls[i] != "" {
			return fmt.Sprintf("%q", ls[i])
		}
		return "(end of text)"
	}
	return fmt.Sprintf("first difference at line %d (golden %d lines/%d bytes, got %d lines/%d bytes):\n  golden: %s\n  got:    %s",
		i+1, strings.Count(want, "\n"), len(want), strings.Count(got, "\n"), len(got), line(wl), line(gl))
}
