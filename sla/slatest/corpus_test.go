package slatest_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla/slatest/internal/corpusgen"
)

var update = flag.Bool("update", false, "rewrite golden files and the example corpus")

const (
	exampleCorpus     = "../../examples/policies/corpus-2025.jsonl"
	exampleCorpusSize = 300
	exampleCorpusSeed = 2025
)

// TestExampleCorpusUpToDate pins the committed example corpus to its generator: rerun with
// -update after changing corpusgen.
func TestExampleCorpusUpToDate(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, corpusgen.Write(&buf, exampleCorpusSize, exampleCorpusSeed, "C2025"))
	if *update {
		require.NoError(t, os.WriteFile(exampleCorpus, buf.Bytes(), 0o644))
	}
	data, err := os.ReadFile(exampleCorpus)
	require.NoError(t, err)
	require.Equal(t, buf.String(), string(data), "examples/policies/corpus-2025.jsonl is stale; run go test ./sla/slatest -run TestExampleCorpusUpToDate -update")
	require.Equal(t, exampleCorpusSize, bytes.Count(data, []byte("\n")))
}
