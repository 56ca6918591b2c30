package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

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
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test ./cmd/shixian -update")
	assert.Equal(t, string(want), got, "output differs from %s (go test ./cmd/shixian -update rewrites it)", path)
}
