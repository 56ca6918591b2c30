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
	golden.Assert(t, "testdata/customrules.golden", out.Bytes())
}

var testArgs = []string{"--policy", "district-12345.yaml", "--suite", "district-12345.suite.yaml"}

func TestFailingSuiteFails(t *testing.T) {
	suite := t.TempDir() + "/wrong.suite.yaml"
	require.NoError(t, os.WriteFile(suite, []byte(`format: shixian-suite/v1
name: wrong expectation
cases:
  - name: danger is urgent, not fast
    accepted: 2026-02-13T16:00:00+08:00
    input: {category: help, danger: true}
    expect: {tier: fast}
`), 0o644))
	var out bytes.Buffer
	err := run([]string{"--policy", "district-12345.yaml", "--suite", suite}, &out)
	require.Error(t, err)
	assert.Contains(t, out.String(), "urgent")
}
