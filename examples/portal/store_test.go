package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
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

func TestRebind(t *testing.T) {
	tests := []struct {
		name, in string
		d        Dialect
		want     string
	}{
		{"SQLite keeps question marks", `SELECT 1 FROM cases WHERE id = ? AND seq = ?`, DialectQuestion, `SELECT 1 FROM cases WHERE id = ? AND seq = ?`},
		{"PostgreSQL numbers them in order", `INSERT INTO t (a, b, c) VALUES (?, ?, ?)`, DialectDollar, `INSERT INTO t (a, b, c) VALUES ($1, $2, $3)`},
		{"a question mark in a string literal is left alone", `SELECT '?' || a FROM t WHERE b = ?`, DialectDollar, `SELECT '?' || a FROM t WHERE b = $1`},
		{"a doubled quote inside a literal does not end it", `SELECT 'it''s ?' FROM t WHERE b = ?`, DialectDollar, `SELECT 'it''s ?' FROM t WHERE b = $1`},
		{"a question mark in a quoted identifier is left alone", `SELECT "odd?" FROM t WHERE b = ?`, DialectDollar, `SELECT "odd?" FROM t WHERE b = $1`},
		{"no placeholders", `SELECT COUNT(*) FROM cases`, DialectDollar, `SELECT COUNT(*) FROM cases`},
		{"ten and more placeholders", strings.Repeat("?,", 10) + "?", DialectDollar, "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Rebind(tt.d, tt.in))
		})
	}
}

func TestDialectFor(t *testing.T) {
	for name, want := range map[string]Dialect{
		"sqlite": DialectQuestion, "sqlite3": DialectQuestion, "mysql": DialectQuestion,
		"pgx": DialectDollar, "pgx/v5": DialectDollar, "postgres": DialectDollar, "PostgreSQL": DialectDollar,
	} {
		assert.Equal(t, want, DialectFor(name), name)
	}
}

var dollarN = regexp.MustCompile(`\$[0-9]+`)

// FuzzRebind: Rebind never panics; DialectQuestion changes nothing; for DialectDollar, turning
// the numbered placeholders back into `?` gives the query back, and they are numbered 1..n in
// order.
func FuzzRebind(f *testing.F) {
	for _, seed := range []string{
		`SELECT 1 FROM cases WHERE id = ?`, `'?' ?`, `"?" ? '` + "unterminated ?", `??`, ``, `'it''s' ?`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if got := Rebind(DialectQuestion, q); got != q {
			t.Fatalf("DialectQuestion changed %q to %q", q, got)
		}
		if strings.Contains(q, "$") {
			return // the inverse below cannot tell our $n from the query's own
		}
		got := Rebind(DialectDollar, q)
		if back := dollarN.ReplaceAllString(got, "?"); back != q {
			t.Fatalf("Rebind(%q) = %q, which does not map back", q, got)
		}
		for i, m := range dollarN.FindAllString(got, -1) {
			if m != fmt.Sprintf("$%d", i+1) {
				t.Fatalf("Rebind(%q) = %q: placeholder %d is %s", q, got, i+1, m)
			}
		}
	})
}

// TestAppendRetriesALostRace: when another writer appends to the same case between this
// transaction's read and its write, the (case_id, seq) key refuses the second row with the same
// seq, and appendEvent retries against the newer case instead of losing either event.
func TestAppendRetriesALostRace(t *testing.T) {
	// Deferred transactions (no _txlock=immediate), so that the competing writer is not
	// blocked by this transaction's lock and the race really happens.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "race.db")+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	require.NoError(t, err)
	defer db.Close()
	s := newStore(db, nil, DialectQuestion)
	ctx := context.Background()
	_, err = s.migrate(ctx)
	require.NoError(t, err)
	p := sla.Default()
	accepted := time.Date(2025, 9, 30, 17, 0, 0, 0, calendar.CST())
	c, _, err := p.Accept("C-1", map[string]any{"cause": "complex"}, accepted)
	require.NoError(t, err)
	require.NoError(t, s.insertCase(ctx, c, p.Version(), accepted, accepted, nil))

	transfer := func(unit string) sla.Event {
		return sla.Event{Type: sla.EventTransferred, At: accepted.Add(time.Hour), Unit: unit}
	}
	calls := 0
	sc, err := s.appendEvent(ctx, "C-1", func(sc storedCase) (sla.Case, error) {
		calls++
		if calls == 1 {
			// The competing request: it appends "A" and commits while we are between our read
			// and our write.
			_, err := s.appendEvent(ctx, "C-1", func(sc storedCase) (sla.Case, error) { return p.Apply(sc.Case, transfer("A")) }, accepted)
			require.NoError(t, err)
		}
		return p.Apply(sc.Case, transfer("B"))
	}, accepted)
	require.NoError(t, err)
	assert.Equal(t, 2, calls, "one retry")
	require.Len(t, sc.Case.Events, 4)
	assert.Equal(t, "A", sc.Case.Events[2].Unit)
	assert.Equal(t, "B", sc.Case.Events[3].Unit)

	stored, err := s.getCase(ctx, db, "C-1")
	require.NoError(t, err)
	assert.Len(t, stored.Case.Events, 4)
	var n, maxSeq int
	require.NoError(t, db.QueryRow(`SELECT COUNT(*), MAX(seq) FROM events WHERE case_id = 'C-1'`).Scan(&n, &maxSeq))
	assert.Equal(t, 4, n)
	assert.Equal(t, 4, maxSeq)
}

// TestGroupCommit: writes queued while the slot is busy run as one group, in one transaction;
// a write that fails leaves no trace while the others of its group are stored; a write whose
// deadline passes while it is queued never runs and is errBusy.
func TestGroupCommit(t *testing.T) {
	db, err := OpenSQLite(filepath.Join(t.TempDir(), "group.db"))
	require.NoError(t, err)
	defer db.Close()
	s := newStore(db, nil, DialectQuestion)
	_, err = db.Exec(`CREATE TABLE t (n INTEGER PRIMARY KEY)`)
	require.NoError(t, err)

	s.slot <- struct{}{} // hold the slot until every write is queued
	const n = 10
	errs := make([]error, n)
	txs := make([]*sql.Tx, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = s.write(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
				txs[i] = tx
				if _, err := tx.ExecContext(ctx, `INSERT INTO t (n) VALUES (?)`, i); err != nil {
					return err
				}
				if i%2 == 1 {
					return fmt.Errorf("write %d refused after its insert", i)
				}
				return nil
			})
		}(i)
	}
	// One more write whose deadline passes while it waits.
	expired, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	ranExpired := false
	errExpired := s.write(expired, func(ctx context.Context, tx *sql.Tx) error { ranExpired = true; return nil })
	assert.ErrorIs(t, errExpired, errBusy)
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.queue) == n
	}, 5*time.Second, time.Millisecond)
	<-s.slot
	wg.Wait()

	assert.False(t, ranExpired, "an expired write never runs")
	for i := 0; i < n; i++ {
		if i%2 == 1 {
			assert.ErrorContains(t, errs[i], "refused", i)
		} else {
			assert.NoError(t, errs[i], i)
		}
		assert.Same(t, txs[0], txs[i], "write %d ran in the group's transaction", i)
	}
	rows, err := db.Query(`SELECT n FROM t ORDER BY n`)
	require.NoError(t, err)
	defer rows.Close()
	var got []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		got = append(got, v)
	}
	assert.Equal(t, []int{0, 2, 4, 6, 8}, got, "the refused writes left nothing")
}

// TestMigrateAddsEventCount: a database made before cases had event_count (and before
// migrations were numbered) is adopted at start: the column is added and filled from the event
// log, the later migrations run and are recorded in schema_migrations, the case's next_change
// is filled, and its cases take appends as before. On both databases.
func TestMigrateAddsEventCount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, driver := openTestDB(t, path)
	exec := func(q string, args ...any) (sql.Result, error) {
		return db.Exec(Rebind(DialectFor(driver), q), args...)
	}
	p := sla.Default()
	accepted := time.Date(2025, 9, 30, 17, 0, 0, 0, calendar.CST())
	c, _, err := p.Accept("OLD-1", map[string]any{"cause": "complex"}, accepted)
	require.NoError(t, err)
	body, err := json.Marshal(c)
	require.NoError(t, err)
	for _, stmt := range []string{
		`CREATE TABLE cases (id TEXT PRIMARY KEY, policy_id TEXT NOT NULL, policy_version TEXT NOT NULL, accepted_at TEXT NOT NULL, department TEXT, body TEXT NOT NULL, updated_at TEXT NOT NULL)`,
		`CREATE TABLE events (case_id TEXT NOT NULL REFERENCES cases(id), seq INTEGER NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (case_id, seq))`,
	} {
		_, err := db.Exec(stmt)
		require.NoError(t, err)
	}
	_, err = exec(`INSERT INTO cases VALUES ('OLD-1', 'xinyu-1310', '2025.1', ?, '', ?, ?)`, dbTime(accepted), string(body), dbTime(accepted))
	require.NoError(t, err)
	for i, ev := range c.Events {
		evBody, err := json.Marshal(ev)
		require.NoError(t, err)
		_, err = exec(`INSERT INTO events VALUES ('OLD-1', ?, ?, ?, ?)`, i+1, string(ev.Type), dbTime(ev.At), string(evBody))
		require.NoError(t, err)
	}
	// OLD-2, accepted at the test clock's day, turns yellow on 10-22 at 12:00.
	accepted2 := time.Date(2025, 10, 20, 8, 0, 0, 0, calendar.CST())
	c2, _, err := p.Accept("OLD-2", map[string]any{"cause": "complex"}, accepted2)
	require.NoError(t, err)
	body2, err := json.Marshal(c2)
	require.NoError(t, err)
	_, err = exec(`INSERT INTO cases VALUES ('OLD-2', 'xinyu-1310', '2025.1', ?, '', ?, ?)`, dbTime(accepted2), string(body2), dbTime(accepted2))
	require.NoError(t, err)
	for i, ev := range c2.Events {
		evBody, err := json.Marshal(ev)
		require.NoError(t, err)
		_, err = exec(`INSERT INTO events VALUES ('OLD-2', ?, ?, ?, ?)`, i+1, string(ev.Type), dbTime(ev.At), string(evBody))
		require.NoError(t, err)
	}
	require.NoError(t, db.Close())

	e := newEnv(t, path, nil)
	var count int
	require.NoError(t, e.queryRow(`SELECT event_count FROM cases WHERE id = 'OLD-1'`).Scan(&count))
	assert.Equal(t, 2, count)
	var versions string
	require.NoError(t, e.queryRow(`SELECT CAST(MIN(version) AS TEXT) || ',' || CAST(MAX(version) AS TEXT) || ',' || CAST(COUNT(*) AS TEXT) FROM schema_migrations`).Scan(&versions))
	assert.Equal(t, "1,"+strconv.Itoa(len(migrations))+","+strconv.Itoa(len(migrations)), versions, "every migration ran once and is recorded")
	var next sql.NullString
	require.NoError(t, e.queryRow(`SELECT next_change FROM cases WHERE id = 'OLD-2'`).Scan(&next))
	assert.Equal(t, dbTime(time.Date(2025, 10, 22, 12, 0, 0, 0, calendar.CST())), next.String, "the new next_change column is filled for the existing cases")
	e.mustEvent("OLD-1", map[string]any{"type": "closed", "at": "2025-10-09T10:00:00+08:00"})
	assert.Equal(t, 3, e.eventCount("OLD-1"))

	// A second start applies nothing.
	e.close()
	s := newStore(e.db, nil, DialectFor(driver))
	db2, _ := openTestDB(t, path)
	defer db2.Close()
	s.db, s.read = db2, db2
	applied, err := s.migrate(context.Background())
	require.NoError(t, err)
	assert.Empty(t, applied)
}

// TestGroupSurvivesAPanic: a write that panics releases the slot, and the other write of its
// group hears an error instead of waiting forever; the next write goes through.
func TestGroupSurvivesAPanic(t *testing.T) {
	db, err := OpenSQLite(filepath.Join(t.TempDir(), "panic.db"))
	require.NoError(t, err)
	defer db.Close()
	s := newStore(db, nil, DialectQuestion)
	_, err = db.Exec(`CREATE TABLE t (n INTEGER PRIMARY KEY)`)
	require.NoError(t, err)

	s.slot <- struct{}{}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	panicked := make(chan any, 2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					panicked <- p
				}
			}()
			err := s.write(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
				if i == 0 {
					panic("boom")
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO t (n) VALUES (1)`)
				return err
			})
			errs <- err
		}(i)
		require.Eventually(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return len(s.queue) == i+1 }, 5*time.Second, time.Millisecond)
	}
	<-s.slot
	wg.Wait()
	close(panicked)
	close(errs)
	var ps []any
	for p := range panicked {
		ps = append(ps, p)
	}
	require.Len(t, ps, 1, "the panic went on, in whichever caller led the group")
	var es []error
	for err := range errs {
		es = append(es, err)
	}
	require.Len(t, es, 1, "the other caller returned")
	assert.ErrorContains(t, es[0], "panicked")
	var n int
	require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM t`).Scan(&n))
	assert.Zero(t, n, "the group was rolled back")
	require.NoError(t, s.write(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO t (n) VALUES (2)`)
		return err
	}), "the slot is free again")
}

// TestHotStatementsArePrepared: a server prepares every statement a write runs under the slot,
// so that no write parses SQL while others wait for it.
func TestHotStatementsArePrepared(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	require.Len(t, e.srv.store.stmts, len(hotStatements))
	for _, q := range hotStatements {
		assert.NotNil(t, e.srv.store.stmts[q], q)
	}
	// And the writes that use them work: a case, an event, a refused duplicate.
	e.mustCreate("C-1", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "complex"})
	e.mustEvent("C-1", map[string]any{"type": "transferred", "at": "2025-10-09T10:00:00+08:00", "unit": "U"})
	code, _ := e.callJSON("POST", "/cases", map[string]any{"id": "C-1", "accepted": "2025-09-30T17:00:00+08:00", "input": map[string]any{"cause": "complex"}})
	assert.Equal(t, 409, code)
	assert.Equal(t, 3, e.eventCount("C-1"))
}
