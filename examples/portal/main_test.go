package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, config{addr: ":8080", db: "portal.db"}, cfg)

	cfg, err = parseFlags([]string{"--addr", "127.0.0.1:9000", "--db", "x.db", "--policy", "p.yaml", "--suite", "a.yaml", "--suite", "b.yaml"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, config{addr: "127.0.0.1:9000", db: "x.db", policy: "p.yaml", suites: []string{"a.yaml", "b.yaml"}}, cfg)

	_, err = parseFlags([]string{"--db", "x.db", "extra"}, io.Discard)
	assert.ErrorContains(t, err, "unexpected arguments: extra")
	_, err = parseFlags([]string{"--colour"}, io.Discard)
	assert.Error(t, err)
}

func TestRunRejectsBadStartup(t *testing.T) {
	dir := t.TempDir()
	err := run(context.Background(), []string{"--db", filepath.Join(dir, "a.db"), "--policy", filepath.Join(dir, "missing.yaml")}, io.Discard)
	assert.ErrorContains(t, err, "missing.yaml")
	err = run(context.Background(), []string{"--db", filepath.Join(dir, "a.db"), "--suite", filepath.Join(dir, "missing.suite.yaml")}, io.Discard)
	assert.ErrorContains(t, err, "missing.suite.yaml")
}

// syncBuffer is a bytes.Buffer safe for the server's logger and the test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRunServesAndShutsDown starts the command on a free port with the default suite, serves
// a request, and shuts down cleanly when its context ends (as on SIGINT).
func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "p.db"), "--suite", suitePath}, &logs)
	}()
	addrRE := regexp.MustCompile(`listening on (http://\S+),`)
	var url string
	require.Eventually(t, func() bool {
		m := addrRE.FindStringSubmatch(logs.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	}, 5*time.Second, 10*time.Millisecond, "the server did not start: %s", logs.String())

	resp, err := http.Get(url + "/policy")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not shut down")
	}
	assert.Contains(t, logs.String(), "shutting down")
}
