package slatest_test

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// zeroReader yields zero bytes for ever and counts them.
type zeroReader struct{ n int64 }

func (z *zeroReader) Read(p []byte) (int, error) {
	clear(p)
	z.n += int64(len(p))
	return len(p), nil
}

// TestLoadersBoundTheRead: the suite and expectations loaders refuse an
// input larger than MaxSuiteBytes while reading it: a huge regular file by
// its size (unread), a device that never ends after MaxSuiteBytes+1 bytes.
func TestLoadersBoundTheRead(t *testing.T) {
	huge := filepath.Join(t.TempDir(), "corpus.jsonl")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(4<<30)) // sparse: 4 GiB on paper
	require.NoError(t, f.Close())
	paths := []string{huge}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	limit := "the 2 MiB limit"
	for _, path := range paths {
		t.Run("a suite at "+path+" is refused", func(t *testing.T) {
			_, err := slatest.RunSuite(path, slatest.WithPolicy(sla.Default()))
			require.Error(t, err)
			assert.Equal(t, "slatest: suite file "+path+" is larger than "+limit, err.Error())
			err = slatest.Check(path)(sla.Default())
			assert.ErrorContains(t, err, "is larger than "+limit)
		})
		t.Run("expectations at "+path+" are refused", func(t *testing.T) {
			_, err := slatest.LoadExpectations(path)
			require.Error(t, err)
			assert.Equal(t, "slatest: expectations file "+path+" is larger than "+limit, err.Error())
		})
	}
}

// TestDiffStopsOnAnEndlessLine: a corpus that is one line without end
// (/dev/zero, a binary file) stops Diff with an error after about
// MaxCorpusSkipBytes, instead of reading for ever; an over-long line that
// does end is still skipped and reported, and the diff goes on.
func TestDiffStopsOnAnEndlessLine(t *testing.T) {
	z := &zeroReader{}
	_, err := slatest.Diff(sla.Default(), sla.Default(), z, slatest.DiffOptions{Workers: 1})
	require.Error(t, err)
	assert.Equal(t, "slatest: reading corpus: line 1 runs past "+strconv.Itoa(slatest.MaxCorpusSkipBytes)+
		" bytes without a newline: not a JSON-lines corpus", err.Error())
	assert.LessOrEqual(t, z.n, int64(slatest.MaxCorpusSkipBytes+512<<10), "read stops near the bound")

	good := `{"id":"ok","accepted":"2025-03-03T09:00:00+08:00","input":{"cause":"complex"}}` + "\n"
	corpus := io.MultiReader(strings.NewReader(good), strings.NewReader(strings.Repeat("x", 2*slatest.MaxCorpusLineBytes)+"\n"), strings.NewReader(good))
	r, err := slatest.Diff(sla.Default(), sla.Default(), corpus, slatest.DiffOptions{Workers: 1})
	require.NoError(t, err)
	assert.Equal(t, 2, r.Cases)
	require.Len(t, r.Errors, 1)
	assert.Equal(t, 2, r.Errors[0].Line)
}
