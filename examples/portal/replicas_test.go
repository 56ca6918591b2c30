package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

// replica is one portal process started by a test.
type replica struct {
	url  string
	cmd  *exec.Cmd
	logs *syncBuffer
}

// buildPortal builds the portal binary into a temporary directory.
func buildPortal(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "portal")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "building the portal: %s", out)
	return bin
}

// startReplica starts the portal binary on a free loopback port with the test tokens, on the
// database db (an SQLite file or a PostgreSQL DSN); it is stopped (SIGTERM, then killed) when
// the test ends.
func startReplica(t *testing.T, bin, db string, extra ...string) *replica {
	t.Helper()
	tokens := filepath.Join(t.TempDir(), "tokens")
	require.NoError(t, os.WriteFile(tokens, []byte(fmt.Sprintf("clerk clerk-wang %s\nsupervisor supervisor-li %s\nadmin admin-zhao %s\n",
		clerkToken, supervisorToken, adminToken)), 0o600))
	args := append([]string{"--addr", "127.0.0.1:0", "--db", db, "--tokens", tokens, "--timeout", "20s"}, extra...)
	cmd := exec.Command(bin, args...)
	logs := &syncBuffer{}
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`listening on (http://\S+),`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.Write(append(sc.Bytes(), '\n')) //nolint:errcheck // a buffer
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr) //nolint:errcheck // drained so the process never blocks
	}()
	r := &replica{cmd: cmd, logs: logs}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	select {
	case r.url = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatalf("the portal did not start: %s", logs.String())
	}
	return r
}

// do sends one request to the replica as the admin and returns the status and body.
func (r *replica) do(t *testing.T, client *http.Client, method, path string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Error(err)
			return 0, nil
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, r.url+path, rd)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// TestTwoReplicasOneDatabase: two portal processes on one database (PostgreSQL when the tests
// run on it, else one SQLite file). Twelve clients, six on each, append 20 events each to the
// SAME case at the same time — transfers, sign-fors and supervisions, so that some are refused
// by the lifecycle (a second sign-for of one transfer) depending on what the other replica
// stored first. Afterwards: every event answered 200 is stored, with no gap and no duplicate
// sequence number, no event answered otherwise is, and the stored log replays through the
// library from intake without an error — no update was lost and the lifecycle held. Then a
// policy version activated on one replica is in force on the other within the poll interval
// (200 ms here) plus slack.
func TestTwoReplicasOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts two portal processes")
	}
	path := tempDB(t)
	e := newEnv(t, path, nil) // creates the database (and, on PostgreSQL, its schema) and migrates it
	e.mustCreate("SHARED", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})
	e.close()

	bin := buildPortal(t)
	a := startReplica(t, bin, testDBArg(t, path), "--policy-poll", "200ms")
	b := startReplica(t, bin, testDBArg(t, path), "--policy-poll", "200ms")

	events := []map[string]any{
		{"type": "transferred", "at": "2025-10-21T10:00:00+08:00", "unit": "社保中心"},
		{"type": "signed_for", "at": "2025-10-21T10:00:00+08:00", "unit": "社保中心"},
		{"type": "supervised", "at": "2025-10-21T10:00:00+08:00", "actor": "督查室"},
	}
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := range 12 {
		r := a
		if i%2 == 1 {
			r = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 30 * time.Second}
			for j := range 20 {
				code, body := r.do(t, client, "POST", "/cases/SHARED/events", events[(i+j)%len(events)])
				mu.Lock()
				codes[code]++
				mu.Unlock()
				if code != http.StatusOK && code != http.StatusConflict {
					t.Errorf("replica %s: %d %s", r.url, code, body)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("answers: %v", codes)
	require.Positive(t, codes[http.StatusOK], "some events were stored")
	require.Positive(t, codes[http.StatusConflict], "some were refused by the lifecycle (a sign-for with no unsigned transfer before it)")

	db, driver := openTestDB(t, path)
	defer db.Close()
	var count, rows, maxSeq int
	require.NoError(t, db.QueryRow(Rebind(DialectFor(driver), `SELECT event_count FROM cases WHERE id = ?`), "SHARED").Scan(&count))
	require.NoError(t, db.QueryRow(Rebind(DialectFor(driver), `SELECT COUNT(*), MAX(seq) FROM events WHERE case_id = ?`), "SHARED").Scan(&rows, &maxSeq))
	assert.Equal(t, 2+codes[http.StatusOK], count, "intake's two events and every event answered 200")
	assert.Equal(t, count, rows)
	assert.Equal(t, count, maxSeq, "sequence numbers have no gap")

	// The stored log replays through the library from intake.
	var body string
	require.NoError(t, db.QueryRow(Rebind(DialectFor(driver), `SELECT body FROM cases WHERE id = ?`), "SHARED").Scan(&body))
	var stored sla.Case
	require.NoError(t, json.Unmarshal([]byte(body), &stored))
	require.Len(t, stored.Events, count)
	p := sla.Default()
	replay := stored
	replay.Events = stored.Events[:2]
	for i, ev := range stored.Events[2:] {
		var err error
		replay, err = p.Apply(replay, ev)
		require.NoError(t, err, "stored event %d does not follow from the ones before it", i+3)
	}
	code, out := a.do(t, http.DefaultClient, "GET", "/cases/SHARED", nil)
	assert.Equal(t, http.StatusOK, code, "%s", out)

	// A policy version activated on A is in force on B within one poll interval.
	v2026 := policyYAML(t, `version: "2025.1"`, `version: "2026.1"`, "  from: 2025-01-01", "  from: 2026-01-01")
	req, err := http.NewRequest("POST", a.url+"/policy", bytes.NewReader(v2026))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Content-Type", "application/yaml")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", data)
	activated := time.Now()
	require.Eventually(t, func() bool {
		_, out := b.do(t, http.DefaultClient, "GET", "/policy", nil)
		return strings.Contains(string(out), `"2026.1"`)
	}, 5*time.Second, 10*time.Millisecond, "replica B never saw the version A activated: %s", b.logs.String())
	t.Logf("replica B had the new version %v after A answered (poll interval 200ms)", time.Since(activated).Round(time.Millisecond))
}

// TestReplicasStartTogether: four portals started at the same moment on one fresh database all
// start: the migrations run once (schema_migrations has each version once), and the start-up
// audit entries are written once, whichever replica wins.
func TestReplicasStartTogether(t *testing.T) {
	path := tempDB(t)
	const n = 4
	dbs := make([]*sql.DB, n)
	var driver string
	for i := range dbs {
		dbs[i], driver = openTestDB(t, path)
		defer dbs[i].Close()
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, err := sla.NewHistory(sla.Default())
			if err == nil {
				var holder *sla.Holder
				if holder, err = sla.NewHolder(h); err == nil {
					_, err = NewServer(dbs[i], holder, WithDriverName(driver), WithClock(testClock), WithTokens(testTokens(t)))
				}
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "replica %d", i)
	}
	var versions, audits int
	require.NoError(t, dbs[0].QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&versions))
	require.NoError(t, dbs[0].QueryRow(`SELECT COUNT(*) FROM policy_audit`).Scan(&audits))
	assert.Equal(t, len(migrations), versions, "each migration recorded once")
	assert.Equal(t, 1, audits, "the start-up policy audited once")
}
