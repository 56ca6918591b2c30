package sla

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoadPolicyBoundsTheRead: LoadPolicy and LoadHistory refuse an input
// larger than MaxPolicyBytes while reading it: a huge regular file by its
// size, a device that never ends after MaxPolicyBytes+1 bytes (the exact
// boundary is tested in internal/boundedio).
func TestLoadPolicyBoundsTheRead(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	require.NoError(t, os.WriteFile(good, DefaultPolicyYAML(), 0o600))
	huge := filepath.Join(dir, "huge.log")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(8<<30)) // sparse: 8 GiB on paper, nothing on disk
	require.NoError(t, f.Close())

	limit := "the 1 MiB limit"
	tests := []struct {
		name, path, want string
	}{
		{"an 8 GiB file is refused by its size, unread", huge, "sla: policy file " + huge + " is larger than " + limit},
		{"a good policy loads", good, ""},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		tests = append(tests, struct{ name, path, want string }{
			"/dev/zero stops at the limit", "/dev/zero", "sla: policy file /dev/zero is larger than " + limit})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			p, err := LoadPolicy(tc.path)
			assert.Less(t, time.Since(start), 5*time.Second)
			if tc.want == "" {
				require.NoError(t, err)
				assert.Equal(t, "xinyu-1310", p.ID())
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
	_, err = LoadHistory(good, huge)
	assert.ErrorContains(t, err, "sla: policy file "+huge+" is larger than "+limit)
	assert.Equal(t, 1<<20, MaxPolicyBytes)
}
