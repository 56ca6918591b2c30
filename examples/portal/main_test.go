package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, config{addr: "127.0.0.1:8080", db: "portal.db", timeout: DefaultTimeout, readers: 4, policyPoll: DefaultPolicyPoll}, cfg, "loopback by default")

	cfg, err = parseFlags([]string{"--addr", "127.0.0.1:9000", "--db", "x.db", "--policy", "p.yaml", "--suite", "a.yaml", "--suite", "b.yaml", "--tokens", "t.txt", "--timeout", "2s", "--readers", "8",
		"--webhook", "https://hooks.example.gov.cn/shixian", "--policy-poll", "500ms"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, config{addr: "127.0.0.1:9000", db: "x.db", policy: "p.yaml", tokens: "t.txt", suites: []string{"a.yaml", "b.yaml"}, timeout: 2 * time.Second, readers: 8,
		webhook: "https://hooks.example.gov.cn/shixian", policyPoll: 500 * time.Millisecond}, cfg)

	_, err = parseFlags([]string{"--webhook", "file:///etc/passwd"}, io.Discard)
	assert.ErrorContains(t, err, "--webhook", "a webhook that is not http(s) is refused at start")
	_, err = parseFlags([]string{"--policy-poll", "-1s"}, io.Discard)
	assert.ErrorContains(t, err, "--policy-poll")

	_, err = parseFlags([]string{"--timeout", "0s"}, io.Discard)
	assert.ErrorContains(t, err, "--timeout")
	_, err = parseFlags([]string{"--readers", "0"}, io.Discard)
	assert.ErrorContains(t, err, "--readers")

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

// TestRunServesAndShutsDown starts the command on a free loopback port with the default suite
// and no token file: it prints one admin token on stderr, answers /healthz without a token,
// GET /policy with that token only, and shuts down cleanly when its context ends (as on
// SIGINT).
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

	tokenRE := regexp.MustCompile(`Authorization: Bearer (\S+)`)
	m := tokenRE.FindStringSubmatch(logs.String())
	require.NotNil(t, m, "no token printed: %s", logs.String())
	assert.Len(t, m[1], 43, "32 random bytes, base64url")
	assert.Equal(t, 1, strings.Count(logs.String(), m[1]), "the token is printed once")

	get := func(path, token string) int {
		req, err := http.NewRequest("GET", url+path, nil)
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, get("/healthz", ""))
	assert.Equal(t, http.StatusUnauthorized, get("/policy", ""))
	assert.Equal(t, http.StatusUnauthorized, get("/policy", strings.Repeat("x", 43)))
	assert.Equal(t, http.StatusOK, get("/policy", m[1]))

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not shut down")
	}
	assert.Contains(t, logs.String(), "shutting down")
}

// TestRunWarnsBeyondLoopback: told to listen on every interface, the portal says at start that
// tokens would cross the network in clear text without a TLS proxy; on loopback it does not.
func TestRunWarnsBeyondLoopback(t *testing.T) {
	for _, tt := range []struct {
		addr string
		warn bool
	}{{"127.0.0.1:0", false}, {"0.0.0.0:0", true}} {
		t.Run(tt.addr, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var logs syncBuffer
			done := make(chan error, 1)
			db := filepath.Join(t.TempDir(), "p.db")
			go func() {
				done <- run(ctx, []string{"--addr", tt.addr, "--db", db}, &logs)
			}()
			require.Eventually(t, func() bool { return strings.Contains(logs.String(), "listening on") }, 5*time.Second, 10*time.Millisecond, "%s", logs.String())
			cancel()
			require.NoError(t, <-done)
			if tt.warn {
				assert.Contains(t, logs.String(), "without TLS")
			} else {
				assert.NotContains(t, logs.String(), "without TLS")
			}
		})
	}
}

// TestDatabaseFlag: --db names PostgreSQL by its URL scheme and anything else is an SQLite
// file; a PostgreSQL URL is logged without its password.
func TestDatabaseFlag(t *testing.T) {
	for _, tc := range []struct {
		db     string
		pg     bool
		logged string
	}{
		{"portal.db", false, "portal.db"},
		{"/var/lib/portal/postgres.db", false, "/var/lib/portal/postgres.db"},
		{"postgres://portal:s3cret@db.internal:5432/portal?sslmode=verify-full", true, "postgres://portal:xxxxx@db.internal:5432/portal?sslmode=verify-full"},
		{"postgresql://portal@127.0.0.1/portal", true, "postgresql://portal@127.0.0.1/portal"},
	} {
		assert.Equal(t, tc.pg, IsPostgresURL(tc.db), tc.db)
		assert.Equal(t, tc.logged, dbName(tc.db), tc.db)
		assert.NotContains(t, dbName(tc.db), "s3cret")
	}
}
