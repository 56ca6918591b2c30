package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/internal/golden"
)

func TestOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(testArgs, &out))
	golden.Assert(t, "testdata/policychange.golden", out.Bytes())
}

var testArgs = []string{"--old", "../policies/xinyu-1310.yaml", "--new", "xinyu-1310-2026.yaml",
	"--cases", "../policies/corpus-2025.jsonl", "--expect", "expected.yaml"}

// Without the expectation for group cases, the same change must fail the review.
func TestUnexpectedMovesFail(t *testing.T) {
	expect := t.TempDir() + "/expect.yaml"
	require.NoError(t, os.WriteFile(expect, []byte("format: shixian-expect/v1\nallow:\n  - {from: T1, to: T3, rule: enterprise-complex}\n"), 0o644))
	var out bytes.Buffer
	err := run([]string{"--old", "../policies/xinyu-1310.yaml", "--new", "xinyu-1310-2026.yaml",
		"--cases", "../policies/corpus-2025.jsonl", "--expect", expect}, &out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not allow")
	assert.Contains(t, out.String(), "group-case")
}
