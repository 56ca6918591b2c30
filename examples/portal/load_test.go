//go:build loadtest

package main

// The load test is not part of `go test`: it takes a minute and both cores. Run it with
//
//	cd examples/portal && go test -tags loadtest -run TestLoad -v -timeout 10m .
//
// SHIXIAN_LOAD_DURATION (a Go duration, default 20s) sets how long each client count runs;
// SHIXIAN_LOAD_CLIENTS (comma-separated, default "50,400") which client counts run;
// SHIXIAN_PORTAL_PG (a PostgreSQL DSN, see pg_test.go and scripts/with-postgres.sh) runs the
// portal on PostgreSQL instead of SQLite; SHIXIAN_LOAD_REPLICAS (default 1, at most 4) starts
// that many portals on the one database, in this process (each with its own pools and write
// slot, as separate processes would have), and spreads the clients over them.
//
// Besides the clients, one more client appends, one request after the other, to a "heavy"
// case that starts with 90 % of sla.MaxEvents events: every such append replays the whole case
// and rewrites its snapshot. When a heavy case is full (sla.MaxEvents), the client moves on to
// the next of heavyCases prefilled ones. Its figures are reported apart; the point is that the
// others' figures do not suffer from it.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

const loadToken = "load-test-clerk-secret-0123456789abcdefgh"

func TestLoad(t *testing.T) {
	duration := 20 * time.Second
	if v := os.Getenv("SHIXIAN_LOAD_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(t, err)
		require.True(t, d > 0 && d <= 5*time.Minute, "SHIXIAN_LOAD_DURATION must be in (0, 5m]")
		duration = d
	}
	counts := []int{50, 400}
	if v := os.Getenv("SHIXIAN_LOAD_CLIENTS"); v != "" {
		counts = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			require.NoError(t, err)
			require.True(t, n > 0 && n <= 2000, "client counts must be in 1..2000")
			counts = append(counts, n)
		}
	}
	replicas := 1
	if v := os.Getenv("SHIXIAN_LOAD_REPLICAS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err)
		require.True(t, n >= 1 && n <= 4, "SHIXIAN_LOAD_REPLICAS must be 1 to 4")
		replicas = n
	}
	database := "SQLite"
	if testDSN() != "" {
		database = "PostgreSQL"
	}
	fmt.Printf("portal load test: %s, %d replica(s), %s, GOMAXPROCS %d, %d CPUs, %s per run, loopback, client in the same process\n\n",
		database, replicas, runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), duration)
	fmt.Println("| clients | requests | req/s | reads | read p50 | read p99 | writes | write p50 | write p99 | answers by status | heavy-case appends: count, p50, p99, answers |")
	fmt.Println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
	for _, n := range counts {
		r := runLoad(t, n, replicas, duration)
		fmt.Println(r.row())
		assert.Zero(t, r.codes[http.StatusInternalServerError], "%d clients: no 500s", n)
		assert.Zero(t, r.transport, "%d clients: no transport errors", n)
	}
}

// loadResult is one run's figures.
type loadResult struct {
	clients           int
	elapsed           time.Duration
	reads, writes     []time.Duration
	codes             map[int]int
	transport         int
	ackCases, ackEvts int
	heavy             []time.Duration
	heavyCodes        map[int]int
}

func (r loadResult) row() string {
	pct := func(d []time.Duration, p float64) string {
		if len(d) == 0 {
			return "—"
		}
		slices.Sort(d)
		i := int(float64(len(d)-1) * p)
		return fmt.Sprintf("%.1f ms", float64(d[i].Microseconds())/1000)
	}
	total := len(r.reads) + len(r.writes)
	byCode := func(m map[int]int) string {
		var codes []string
		keys := make([]int, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			codes = append(codes, fmt.Sprintf("%d: %d", k, m[k]))
		}
		return strings.Join(codes, ", ")
	}
	codes := byCode(r.codes)
	if r.transport > 0 {
		codes += fmt.Sprintf(", transport errors: %d", r.transport)
	}
	return fmt.Sprintf("| %d | %d | %.0f | %d | %s | %s | %d | %s | %s | %s | %d, %s, %s, %s |", r.clients, total, float64(total)/r.elapsed.Seconds(),
		len(r.reads), pct(r.reads, .5), pct(r.reads, .99), len(r.writes), pct(r.writes, .5), pct(r.writes, .99), codes,
		len(r.heavy), pct(r.heavy, .5), pct(r.heavy, .99), byCode(r.heavyCodes))
}

// ack is one acknowledged write: a case (unit "") or an event with its unique unit.
type ack struct{ caseID, unit string }

func runLoad(t *testing.T, clients, replicas int, duration time.Duration) loadResult {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "load.db")
	tokPath := filepath.Join(dir, "tokens.txt")
	require.NoError(t, os.WriteFile(tokPath, []byte("clerk load "+loadToken+"\n"), 0o600))
	heavyIDs := make([]string, heavyCases)
	for i := range heavyIDs {
		heavyIDs[i] = fmt.Sprintf("H%d-%d", clients, i)
	}
	prefillHeavyCases(t, dbPath, heavyIDs)

	ctx, cancel := context.WithCancel(context.Background())
	dones := make([]chan error, replicas)
	bases := make([]string, replicas)
	for i := range replicas {
		var logs syncBuffer
		done := make(chan error, 1)
		dones[i] = done
		go func() {
			done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--db", testDBArg(t, dbPath), "--tokens", tokPath, "--timeout", "5s"}, &logs)
		}()
		addrRE := regexp.MustCompile(`listening on (http://\S+),`)
		require.Eventually(t, func() bool {
			if m := addrRE.FindStringSubmatch(logs.String()); m != nil {
				bases[i] = m[1]
				return true
			}
			return false
		}, 10*time.Second, 10*time.Millisecond, "the server did not start: %s", logs.String())
		require.True(t, strings.HasPrefix(bases[i], "http://127.0.0.1:"), bases[i])
	}
	base := bases[0]

	client := &http.Client{
		Transport: &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, IdleConnTimeout: time.Minute},
		Timeout:   30 * time.Second,
	}
	do := func(base, method, path string, body []byte) (int, error) {
		req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+loadToken)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	newCase := func(id string) []byte {
		data, _ := json.Marshal(map[string]any{"id": id, "accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{"cause": "historical_legacy"}})
		return data
	}
	event := func(unit string) []byte {
		data, _ := json.Marshal(map[string]any{"type": "transferred", "at": "2025-10-09T09:00:00+08:00", "unit": unit})
		return data
	}

	// Shared cases every client appends to now and then: contention on one row.
	const shared = 20
	for i := 0; i < shared; i++ {
		code, err := do(base, "POST", "/cases", newCase(fmt.Sprintf("S%d-%02d", clients, i)))
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, code)
	}

	var mu sync.Mutex
	res := loadResult{clients: clients, codes: map[int]int{}, heavyCodes: map[int]int{}}
	var acks []ack
	start := time.Now()
	deadline := start.Add(duration)
	var wg sync.WaitGroup
	var heavyAcks []ack
	wg.Add(1)
	go func() {
		defer wg.Done()
		room := sla.MaxEvents - heavyPrefill // appends each heavy case takes before it is full
		for seq := 0; time.Now().Before(deadline) && seq < room*len(heavyIDs); seq++ {
			heavyID := heavyIDs[seq/room]
			unit := fmt.Sprintf("heavy-%d", seq)
			t0 := time.Now()
			code, err := do(base, "POST", "/cases/"+heavyID+"/events", event(unit))
			d := time.Since(t0)
			if err != nil {
				mu.Lock()
				res.transport++
				mu.Unlock()
				continue
			}
			mu.Lock()
			res.heavy = append(res.heavy, d)
			res.heavyCodes[code]++
			mu.Unlock()
			if code == http.StatusOK {
				heavyAcks = append(heavyAcks, ack{caseID: heavyID, unit: unit})
			}
		}
	}()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(clients), uint64(c)))
			var reads, writes []time.Duration
			codes := map[int]int{}
			transport := 0
			var mine []ack
			var own []string // this client's cases
			ownEvents := 0   // events appended to the latest
			seq := 0
			for time.Now().Before(deadline) {
				seq++
				op := rng.IntN(100)
				var method, path string
				var body []byte
				var a ack
				write := true
				switch {
				case op < 15 || len(own) == 0 || (op < 55 && ownEvents >= 100):
					id := fmt.Sprintf("L%d-%d-%d", clients, c, seq)
					method, path, body, a = "POST", "/cases", newCase(id), ack{caseID: id}
				case op < 50:
					id := own[len(own)-1]
					unit := fmt.Sprintf("u%d-%d", c, seq)
					method, path, body, a = "POST", "/cases/"+id+"/events", event(unit), ack{caseID: id, unit: unit}
				case op < 55:
					id := fmt.Sprintf("S%d-%02d", clients, rng.IntN(shared))
					unit := fmt.Sprintf("u%d-%d", c, seq)
					method, path, body, a = "POST", "/cases/"+id+"/events", event(unit), ack{caseID: id, unit: unit}
				default:
					write = false
					id := own[rng.IntN(len(own))]
					if rng.IntN(5) == 0 {
						id = fmt.Sprintf("S%d-%02d", clients, rng.IntN(shared))
					}
					method, path = "GET", "/cases/"+id+"?now=2025-10-15T12:00:00%2B08:00"
				}
				t0 := time.Now()
				code, err := do(bases[c%replicas], method, path, body)
				d := time.Since(t0)
				if err != nil {
					transport++
					continue
				}
				codes[code]++
				if write {
					writes = append(writes, d)
				} else {
					reads = append(reads, d)
				}
				if code == http.StatusCreated {
					own = append(own, a.caseID)
					ownEvents = 0
					mine = append(mine, a)
				} else if code == http.StatusOK && write {
					mine = append(mine, a)
					if a.caseID == own[len(own)-1] {
						ownEvents++
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.reads = append(res.reads, reads...)
			res.writes = append(res.writes, writes...)
			for k, v := range codes {
				res.codes[k] += v
			}
			res.transport += transport
			acks = append(acks, mine...)
		}(c)
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	acks = append(acks, heavyAcks...)
	client.CloseIdleConnections()

	cancel()
	for _, done := range dones {
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Fatal("the server did not shut down")
		}
	}

	// Every acknowledged write is in the database, read back after the server closed it.
	db, _ := openTestDB(t, dbPath)
	defer db.Close()
	cases := map[string]bool{}
	rows, err := db.Query(`SELECT id FROM cases`)
	require.NoError(t, err)
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		cases[id] = true
	}
	require.NoError(t, rows.Err())
	rows.Close()
	units := map[ack]bool{}
	rows, err = db.Query(`SELECT case_id, body FROM events WHERE type = 'transferred'`)
	require.NoError(t, err)
	for rows.Next() {
		var id, body string
		require.NoError(t, rows.Scan(&id, &body))
		var ev struct{ Unit string }
		require.NoError(t, json.Unmarshal([]byte(body), &ev))
		units[ack{caseID: id, unit: ev.Unit}] = true
	}
	require.NoError(t, rows.Err())
	rows.Close()
	missing := 0
	for _, a := range acks {
		if a.unit == "" {
			res.ackCases++
			if !cases[a.caseID] {
				missing++
			}
			continue
		}
		res.ackEvts++
		if !units[a] {
			missing++
		}
	}
	assert.Zero(t, missing, "%d clients: acknowledged writes missing from the database", clients)
	// Snapshots agree with the log.
	var mismatched int
	require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM cases c WHERE c.event_count <> (SELECT COUNT(*) FROM events e WHERE e.case_id = c.id)`).Scan(&mismatched))
	assert.Zero(t, mismatched, "event_count matches the log")
	fmt.Fprintf(os.Stderr, "%d clients: %d acknowledged cases and %d acknowledged events, all in the database (missing: %d)\n", clients, res.ackCases, res.ackEvts, missing)
	return res
}

// prefillHeavyCase creates the database at path with one case, id, holding 90 % of
// sla.MaxEvents events (transfers, each fitting after the one before), written directly so
// that the run does not spend its time building it.
// heavyCases heavy cases are prefilled with heavyPrefill events each (90 % of sla.MaxEvents).
const (
	heavyCases   = 20
	heavyPrefill = sla.MaxEvents * 9 / 10
)

func prefillHeavyCases(t *testing.T, path string, ids []string) {
	db, driver := openTestDB(t, path)
	defer db.Close()
	s := newStore(db, nil, DialectFor(driver))
	ctx := context.Background()
	_, err := s.migrate(ctx)
	require.NoError(t, err)
	require.NoError(t, s.prepare(ctx))
	p := sla.Default()
	accepted := time.Date(2025, 9, 30, 17, 0, 0, 0, calendar.CST())
	at := time.Date(2025, 10, 9, 9, 0, 0, 0, calendar.CST())
	for _, id := range ids {
		c, _, err := p.Accept(id, map[string]any{"cause": "historical_legacy"}, accepted)
		require.NoError(t, err)
		for len(c.Events) < heavyPrefill {
			c.Events = append(c.Events, sla.Event{Type: sla.EventTransferred, At: at, Unit: fmt.Sprintf("prefill-%d", len(c.Events))})
		}
		require.NoError(t, p.Validate(c))
		require.NoError(t, s.insertCase(ctx, c, p.Version(), accepted, accepted, nil))
	}
}
