package boundedio

import (
	"errors"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("disk gone") }

func TestReadAll(t *testing.T) {
	const limit = 1000
	tests := []struct {
		name    string
		r       io.Reader
		want    int    // bytes returned, when no error
		wantErr string // part of the error, "" for none
		maxRead int64  // at most this many bytes read from r
	}{
		{"an endless stream of zeros is refused after limit+1 bytes", zeros{}, 0, "test file z is larger than the 1000 bytes limit", limit + 1},
		{"an endless stream of random bytes is refused after limit+1 bytes", rand.New(rand.NewSource(1)), 0, "larger than the 1000 bytes limit", limit + 1},
		{"exactly limit bytes are read whole", strings.NewReader(strings.Repeat("x", limit)), limit, "", limit},
		{"limit+1 bytes are refused", strings.NewReader(strings.Repeat("x", limit+1)), 0, "larger than the 1000 bytes limit", limit + 1},
		{"an empty input is read as empty", strings.NewReader(""), 0, "", 0},
		{"a read error is passed on", failing{}, 0, "disk gone", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &counter{r: tc.r}
			data, err := ReadAll(c, "z", limit, "test file")
			assert.LessOrEqual(t, c.n, tc.maxRead)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.Nil(t, data)
				return
			}
			require.NoError(t, err)
			assert.Len(t, data, tc.want)
		})
	}
	var tl *TooLargeError
	_, err := ReadAll(zeros{}, "z", 10, "policy file")
	require.ErrorAs(t, err, &tl)
	assert.Equal(t, TooLargeError{What: "policy file", Name: "z", Limit: 10}, *tl)
	_, err = ReadAll(nil, "z", 10, "policy file")
	assert.ErrorContains(t, err, "nil reader")
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	require.NoError(t, os.WriteFile(small, []byte("format: x\n"), 0o600))
	// A sparse 1 GiB file: refused by its size, before any byte is read
	// (reading it would take seconds and a gigabyte).
	huge := filepath.Join(dir, "huge.log")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<30))
	require.NoError(t, f.Close())

	tests := []struct {
		name, path, wantErr string
	}{
		{"a small regular file is read whole", small, ""},
		{"a regular file larger than the limit is refused by its size", huge, "policy file " + huge + " is larger than the 4 KiB limit"},
		{"a directory is refused", dir, "is a directory"},
		{"a missing file is the os error", filepath.Join(dir, "missing"), "no such file"},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		tests = append(tests, struct{ name, path, wantErr string }{
			"/dev/zero, a device that never ends, stops at the limit", "/dev/zero", "policy file /dev/zero is larger than the 4 KiB limit"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := ReadFile(tc.path, 4096, "policy file")
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "format: x\n", string(data))
		})
	}
}
