package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/shixian-go/shixian/internal/golden"
)

// Paths used by the tests, relative to this package's directory.
const (
	defaultPolicy = "../../examples/policies/xinyu-1310.yaml"
	defaultSuite  = "../../examples/policies/xinyu-1310.suite.yaml"
	manyProblems  = "../../sla/testdata/policy-errors/many-problems.yaml"
	oldPolicy     = "testdata/policy-2025.1.yaml"
	newPolicy     = "testdata/policy-2025.2.yaml"
)

type result struct {
	code           int
	stdout, stderr string
}

// cli runs the program as `shixian args…` with the given stdin.
func cli(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// golden compares got with testdata/golden/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.AssertString(t, filepath.Join("testdata", "golden", name), got)
}
