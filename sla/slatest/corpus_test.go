package slatest_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	goldenfile "github.com/shixian-go/shixian/internal/golden"
	"github.com/shixian-go/shixian/sla/slatest/internal/corpusgen"
)

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
	goldenfile.Assert(t, exampleCorpus, buf.Bytes())
	require.Equal(t, exampleCorpusSize, bytes.Count(buf.Bytes(), []byte("\n")))
}
