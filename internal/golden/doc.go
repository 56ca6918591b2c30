// Package golden compares test output with golden files under testdata/ and
// rewrites them when the test binary runs with -update.
//
// It is imported only by _test.go files, so nothing in it reaches a
// program built from this module.
//
// # Usage
//
//	golden.Assert(t, filepath.Join("testdata", "report.txt"), got)
//
// A missing golden file stops the test; a difference is reported (naming the
// file, the first differing line and the command that rewrites it) and the
// test goes on, so one run shows every stale file. Under
//
//	go test ./<pkg> -update
//
// the files are written instead (parent directories created, unchanged files
// left untouched), and the test passes; review `git diff` before committing.
//
// # The -update flag
//
// The flag is registered once, by this package, for every test binary that
// imports it. That is the one piece of package-level state here, and it is
// deliberate: a flag must be registered before flag.Parse, which the testing
// package calls before any test runs, and two test files of one binary that
// each registered "update" would panic at start-up. Registering it here lets
// every package spell it the same way. Code that cannot import this package
// may still read it with flag.Lookup("update").
//
// `go test ./... -update` fails in packages whose tests do not import this
// package (their binaries do not know the flag); SHIXIAN_UPDATE_GOLDEN=1 in
// the environment has the same effect as -update and works across the tree.
//
// # Concurrency
//
// Assert and AssertString may be called from parallel tests, provided that
// no two of them write the same path under -update.
package golden
