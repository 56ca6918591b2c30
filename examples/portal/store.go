package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/shixian-go/shixian/sla"
)

// Dialect is the placeholder style of a database/sql driver. The schema and every query are
// written in portable SQL (TEXT and INTEGER columns only, ON CONFLICT upserts) with `?`
// placeholders; Rebind turns them into `$1, $2, …` for PostgreSQL.
type Dialect int

// Dialects.
const (
	// DialectQuestion is `?` placeholders: SQLite (modernc.org/sqlite, mattn/go-sqlite3), MySQL.
	DialectQuestion Dialect = iota
	// DialectDollar is `$1` placeholders: PostgreSQL (pgx stdlib, lib/pq).
	DialectDollar
)

// DialectFor picks the placeholder style from the driver name given to sql.Open: "pgx",
// "pgx/v5", "postgres" and "postgresql" get DialectDollar, every other name DialectQuestion.
func DialectFor(driverName string) Dialect {
	switch strings.ToLower(driverName) {
	case "pgx", "pgx/v5", "postgres", "postgresql", "cloudsqlpostgres":
		return DialectDollar
	}
	return DialectQuestion
}

// Rebind rewrites the `?` placeholders of query for dialect d. A `?` inside a single-quoted
// SQL string literal or a double-quoted identifier is left alone. The query is not otherwise
// parsed; the portal's queries are fixed strings, never built from input.
func Rebind(d Dialect, query string) string {
	if d != DialectDollar || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte // the open quote character, 0 outside a quoted span
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0 // a doubled quote ('') closes and reopens: the effect is the same
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// timeLayout stores instants as UTC text of fixed width, so that comparing the text compares
// the instants in every database.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func dbTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// errNotFound: no case with the id.
var errNotFound = errors.New("no such case")

// errDuplicate: a case with the id exists already.
var errDuplicate = errors.New("a case with this id exists already")

// errPolicyChanged: the policy version a request computed with was replaced before its write.
var errPolicyChanged = errors.New("the policy changed during the request")

// errBusy: the write slot (or the database) could not be had before the request's deadline.
// The server answers 503 with Retry-After; nothing was stored.
var errBusy = errors.New("the database is busy")

// isBusy says whether err means "try again later" rather than a fault: the write slot or a
// connection was not had in time, or the database itself reported a lock it could not wait out
// (SQLite's SQLITE_BUSY, e.g. another process writing the same file).
func isBusy(err error) bool {
	if errors.Is(err, errBusy) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	if c := pgCode(err); c == pgDeadlock || c == pgSerialization || c == pgLockNotAvailable {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// PostgreSQL error codes (SQLSTATE) the store acts on.
const (
	pgUniqueViolation  = "23505"
	pgDeadlock         = "40P01"
	pgSerialization    = "40001"
	pgLockNotAvailable = "55P03"
)

// pgCode is the SQLSTATE of a PostgreSQL error, "" for any other error.
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// store is the portal's persistence: cases (the JSON of sla.Case: the snapshot every status
// and report is computed from, with its event count), their events one row each (the
// append-only log, keyed by case and sequence number), the policies activated through
// POST /policy and their audit trail.
//
// Writes are serialised in-process through one write slot (SQLite allows one writer at a time;
// waiting here, with the request's deadline, instead of in the database's busy handler turns
// contention into a clean 503 instead of SQLITE_BUSY). Reads go to their own pool and never
// wait for the slot. Safe for concurrent use.
type store struct {
	db      *sql.DB // writes (and start-up reads)
	read    *sql.DB // reads of requests; may be db itself
	dialect Dialect
	slot    chan struct{} // the write slot: full while a group of writes runs

	mu    sync.Mutex
	queue []*writeJob // writes waiting for the slot, oldest first

	// stmts holds the hot write statements, prepared on db by prepare before the first
	// request and only read afterwards.
	stmts map[string]*sql.Stmt
	// readCase is the read of one case on the read pool, prepared by prepare.
	readCase *sql.Stmt
	// next gives the instant a case is next due for a look (reminders.go), stored with every
	// write in cases.next_change; zero (stored as NULL) when nothing is to come. nil: always
	// NULL. Set before the store is shared.
	next func(sla.Case) time.Time
}

// nextChange is the next_change column's value for c: the text of s.next(c), or NULL.
func (s *store) nextChange(c sla.Case) any {
	if s.next == nil {
		return nil
	}
	t := s.next(c)
	if t.IsZero() {
		return nil
	}
	return dbTime(t)
}

const readCaseQuery = `SELECT body, policy_version, accepted_at, event_count FROM cases WHERE id = ?`

// lockCaseQuery reads a case inside a write transaction on PostgreSQL and locks its row until
// the transaction ends: another replica's append to the same case waits for it instead of
// racing it. SQLite has no FOR UPDATE and needs none: its write transaction is exclusive.
const lockCaseQuery = readCaseQuery + ` FOR UPDATE`

// hotStatements are the statements every write runs while holding the write slot.
var hotStatements = []string{
	`SAVEPOINT w`, `RELEASE SAVEPOINT w`, `ROLLBACK TO SAVEPOINT w`,
	`SELECT 1 FROM cases WHERE id = ?`,
	insertCaseQuery,
	`INSERT INTO events (case_id, seq, type, at, body) VALUES (?, ?, ?, ?, ?)`,
	updateCaseQuery,
}

const (
	insertCaseQuery = `INSERT INTO cases (id, policy_id, policy_version, accepted_at, department, body, updated_at, event_count, next_change) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	updateCaseQuery = `UPDATE cases SET body = ?, event_count = ?, updated_at = ?, next_change = ? WHERE id = ? AND event_count = ?`
)

// prepare prepares hotStatements on the write pool; it runs once, after migrate and before
// the store is shared, because the write pool's one connection is taken while a write runs
// and preparing then would wait for it forever.
func (s *store) prepare(ctx context.Context) error {
	stmts := make(map[string]*sql.Stmt, len(hotStatements))
	for _, q := range hotStatements {
		stmt, err := s.db.PrepareContext(ctx, s.q(q))
		if err != nil {
			return fmt.Errorf("portal: preparing %q: %w", q, err)
		}
		stmts[q] = stmt
	}
	readCase, err := s.read.PrepareContext(ctx, s.q(readCaseQuery))
	if err != nil {
		return fmt.Errorf("portal: preparing %q: %w", readCaseQuery, err)
	}
	s.stmts, s.readCase = stmts, readCase
	return nil
}

// txExec runs query in tx through its prepared statement when it is one of hotStatements
// (parsing the SQL on every write would cost about as much as running it, and it happens while
// the write slot is held), else directly.
func (s *store) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if stmt, ok := s.stmts[query]; ok {
		return tx.StmtContext(ctx, stmt).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, s.q(query), args...)
}

// txQueryRow is txExec for a query of one row.
func (s *store) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if stmt, ok := s.stmts[query]; ok {
		return tx.StmtContext(ctx, stmt).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, s.q(query), args...)
}

func newStore(write, read *sql.DB, d Dialect) *store {
	if read == nil {
		read = write
	}
	return &store{db: write, read: read, dialect: d, slot: make(chan struct{}, 1)}
}

func (s *store) q(query string) string { return Rebind(s.dialect, query) }

// maxBatch bounds how many writes share one transaction.
const maxBatch = 64

// writeJob is one request's write, waiting for the write slot.
type writeJob struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error // buffered: the leader that runs the job never blocks on it
}

// write runs fn in a write transaction, under the write slot, and returns fn's error or the
// commit's. It waits for the slot at most until ctx is done; then, if no writer has taken the
// job yet, it returns errBusy and fn never runs. An error from fn rolls back fn's own writes
// only.
//
// Writes are committed in groups: whoever takes the slot becomes the leader and runs every
// write queued at that moment (up to maxBatch), each inside its own savepoint, in one
// transaction with one commit, then wakes their callers. One commit per group instead of per
// write is what keeps write latency flat when many clients write at once, and a caller still
// hears "stored" only after the commit that stored its write.
//
// fn gets a context that is never cancelled, not the request's: SQLite answers an interrupted
// write statement by rolling back the whole transaction, which would take the group's other
// writes with it. The work of one fn is bounded (a few statements), so it needs no deadline.
func (s *store) write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", errBusy, err)
	}
	j := &writeJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.mu.Lock()
	s.queue = append(s.queue, j)
	s.mu.Unlock()
	for {
		select {
		case s.slot <- struct{}{}:
			func() {
				defer func() { <-s.slot }() // released even if a write panics
				s.lead()
			}()
			// This group may not have held our job (more than maxBatch were queued ahead of
			// it); then compete again rather than wait for a leader that may never come.
			select {
			case err := <-j.done:
				return err
			default:
			}
		case err := <-j.done:
			return err
		case <-ctx.Done():
			s.mu.Lock()
			i := slices.Index(s.queue, j)
			if i >= 0 {
				s.queue = slices.Delete(s.queue, i, i+1)
			}
			s.mu.Unlock()
			if i >= 0 {
				return fmt.Errorf("%w: waited for the write slot: %w", errBusy, ctx.Err())
			}
			// A leader has taken the job: its answer, stored or not, is the one that counts.
			return <-j.done
		}
	}
}

// lead runs the queued jobs as one group; the caller holds the slot.
func (s *store) lead() {
	s.mu.Lock()
	n := min(len(s.queue), maxBatch)
	batch := slices.Clone(s.queue[:n])
	s.queue = slices.Delete(s.queue, 0, n)
	s.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	errs := make([]error, len(batch))
	ran := make([]bool, len(batch))
	answered := false
	defer func() {
		// A write that panics must not leave the others of its group waiting forever: they
		// hear an error (the transaction is rolled back), and the panic goes on.
		if p := recover(); p != nil {
			if !answered {
				for _, j := range batch {
					j.done <- fmt.Errorf("portal: a write of the group panicked: %v", p)
				}
			}
			panic(p)
		}
	}()
	// The group's transaction is not tied to one request's context: a caller giving up must
	// not roll back the others' writes.
	bg := context.Background()
	finish := func(err error) {
		answered = true
		for i, j := range batch {
			if err != nil && ran[i] && errs[i] == nil {
				errs[i] = err
			}
			j.done <- errs[i]
		}
	}
	tx, err := s.db.BeginTx(bg, nil)
	if err != nil {
		for i := range batch {
			ran[i] = true
		}
		finish(err)
		return
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			errs[i] = fmt.Errorf("%w: waited for the write slot: %w", errBusy, err)
			continue
		}
		ran[i] = true
		if _, err := s.txExec(bg, tx, `SAVEPOINT w`); err != nil {
			errs[i] = err
			continue
		}
		if err := j.fn(bg, tx); err != nil {
			errs[i] = err
			if _, rerr := s.txExec(bg, tx, `ROLLBACK TO SAVEPOINT w`); rerr != nil {
				// The transaction cannot be trusted any more: fail the whole group.
				finish(fmt.Errorf("portal: rolling back a refused write: %w", rerr))
				return
			}
		}
		if _, err := s.txExec(bg, tx, `RELEASE SAVEPOINT w`); err != nil {
			finish(err)
			return
		}
	}
	finish(tx.Commit())
}

// storedCase is one row of cases with its decoded body.
type storedCase struct {
	Case          sla.Case
	PolicyVersion string
	Accepted      time.Time
	// Count is the number of events of the case as the row says; an append is conditional on
	// it, which makes it the case's version number.
	Count int
}

// insertCase stores a new case and its events (seq 1…n) in one transaction. A case with the
// same id → errDuplicate, nothing stored.
// check runs under the write slot before anything is written; its error is returned as is.
func (s *store) insertCase(ctx context.Context, c sla.Case, policyVersion string, accepted, now time.Time, check func() error) error {
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("portal: encoding case %s: %w", c.ID, err)
	}
	nextChange := s.nextChange(c) // a status computation: outside the write slot
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if check != nil {
			if err := check(); err != nil {
				return err
			}
		}
		var one int
		switch err := s.txQueryRow(ctx, tx, `SELECT 1 FROM cases WHERE id = ?`, c.ID).Scan(&one); {
		case err == nil:
			return errDuplicate
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := s.txExec(ctx, tx, insertCaseQuery,
			c.ID, c.PolicyID, policyVersion, dbTime(accepted), c.Department, string(body), dbTime(now), len(c.Events), nextChange); err != nil {
			if pgCode(err) == pgUniqueViolation {
				// Another replica inserted the id between the check above and this insert.
				return errDuplicate
			}
			return err
		}
		for i, e := range c.Events {
			if err := s.insertEvent(ctx, tx, c.ID, i+1, e); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *store) insertEvent(ctx context.Context, tx *sql.Tx, caseID string, seq int, e sla.Event) error {
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("portal: encoding event %d of case %s: %w", seq, caseID, err)
	}
	_, err = s.txExec(ctx, tx, `INSERT INTO events (case_id, seq, type, at, body) VALUES (?, ?, ?, ?, ?)`,
		caseID, seq, string(e.Type), dbTime(e.At), string(body))
	return err
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *store) getCase(ctx context.Context, q queryer, id string) (storedCase, error) {
	var body, version, accepted string
	var count int
	var row *sql.Row
	if db, ok := q.(*sql.DB); ok && db == s.read && s.readCase != nil {
		row = s.readCase.QueryRowContext(ctx, id)
	} else {
		row = q.QueryRowContext(ctx, s.q(readCaseQuery), id)
	}
	err := row.Scan(&body, &version, &accepted, &count)
	if errors.Is(err, sql.ErrNoRows) {
		return storedCase{}, errNotFound
	}
	if err != nil {
		return storedCase{}, err
	}
	return decodeCase(id, body, version, accepted, count)
}

func decodeCase(id, body, version, accepted string, count int) (storedCase, error) {
	var sc storedCase
	if err := json.Unmarshal([]byte(body), &sc.Case); err != nil {
		return storedCase{}, fmt.Errorf("portal: case %s in the database cannot be read: %w", id, err)
	}
	t, err := time.Parse(time.RFC3339Nano, accepted)
	if err != nil {
		return storedCase{}, fmt.Errorf("portal: case %s in the database has a bad accepted_at %q: %w", id, accepted, err)
	}
	if len(sc.Case.Events) != count {
		return storedCase{}, fmt.Errorf("portal: case %s in the database has %d events in its body but event_count %d", id, len(sc.Case.Events), count)
	}
	sc.PolicyVersion, sc.Accepted, sc.Count = version, t, count
	return sc, nil
}

// appendEvent appends one event to a stored case. compute gets the stored case and returns the
// case with the event appended; it validates the event and builds the answer, and its error
// stores nothing. It may be called more than once.
//
// The first attempt reads the case from the read pool and runs compute outside the write slot,
// so that replaying a long case never holds up other writers; the write is then conditional on
// the case's event count being unchanged (one UPDATE … WHERE event_count = n, then the event
// row with seq n+1): an optimistic version check, with the event count as the version. If
// another request appended in between — in this process or in another replica on the same
// database — the next attempt reads, computes and writes inside the write transaction, with
// the case's row locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's write transaction is
// exclusive already), so it cannot lose again. On PostgreSQL that attempt can still be chosen
// as a deadlock victim (two replicas' write groups locking the same cases in opposite order);
// it is then retried, up to maxAppendAttempts in all, and after that answered as busy (503).
func (s *store) appendEvent(ctx context.Context, id string, compute func(storedCase) (sla.Case, error), now time.Time) (storedCase, error) {
	sc, err := s.getCase(ctx, s.read, id)
	if err != nil {
		return storedCase{}, err
	}
	next, err := compute(sc)
	if err != nil {
		return storedCase{}, err
	}
	body, err := s.encodeNext(sc, next)
	if err != nil {
		return storedCase{}, err
	}
	nextChange := s.nextChange(next) // a status computation: outside the write slot
	won := false
	err = s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		won, err = s.writeAppend(ctx, tx, sc, next, body, nextChange, now)
		return err
	})
	if err != nil && !retryable(err) {
		return storedCase{}, err
	}
	if won && err == nil {
		return storedCase{Case: next, PolicyVersion: sc.PolicyVersion, Accepted: sc.Accepted, Count: sc.Count + 1}, nil
	}
	for attempt := 2; ; attempt++ {
		var out storedCase
		err = s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			sc, err := s.lockCase(ctx, tx, id)
			if err != nil {
				return err
			}
			next, err := compute(sc)
			if err != nil {
				return err
			}
			body, err := s.encodeNext(sc, next)
			if err != nil {
				return err
			}
			won, err := s.writeAppend(ctx, tx, sc, next, body, s.nextChange(next), now)
			if err != nil {
				return err
			}
			if !won {
				return fmt.Errorf("portal: case %s changed while its row was locked", id)
			}
			out = storedCase{Case: next, PolicyVersion: sc.PolicyVersion, Accepted: sc.Accepted, Count: sc.Count + 1}
			return nil
		})
		if err == nil || !retryable(err) {
			return out, err
		}
		if attempt >= maxAppendAttempts {
			return storedCase{}, fmt.Errorf("%w: case %s: %d attempts lost to concurrent writers: %w", errBusy, id, attempt, err)
		}
	}
}

// maxAppendAttempts bounds the attempts of one append (see appendEvent).
const maxAppendAttempts = 5

// retryable says whether a write failed only because a concurrent transaction won: a
// PostgreSQL deadlock victim or serialisation failure. Nothing of the write was stored.
func retryable(err error) bool {
	c := pgCode(err)
	return c == pgDeadlock || c == pgSerialization
}

// lockCase reads case id inside tx, locking its row on PostgreSQL (lockCaseQuery).
func (s *store) lockCase(ctx context.Context, tx *sql.Tx, id string) (storedCase, error) {
	if s.dialect != DialectDollar {
		return s.getCase(ctx, tx, id)
	}
	var body, version, accepted string
	var count int
	err := tx.QueryRowContext(ctx, s.q(lockCaseQuery), id).Scan(&body, &version, &accepted, &count)
	if errors.Is(err, sql.ErrNoRows) {
		return storedCase{}, errNotFound
	}
	if err != nil {
		return storedCase{}, err
	}
	return decodeCase(id, body, version, accepted, count)
}

func (s *store) encodeNext(sc storedCase, next sla.Case) ([]byte, error) {
	if len(next.Events) != sc.Count+1 {
		return nil, fmt.Errorf("portal: applying an event to case %s gave %d events, want %d", sc.Case.ID, len(next.Events), sc.Count+1)
	}
	body, err := json.Marshal(next)
	if err != nil {
		return nil, fmt.Errorf("portal: encoding case %s: %w", sc.Case.ID, err)
	}
	return body, nil
}

// writeAppend writes next over sc if the case still has sc.Count events; false when it has
// not (another request appended first) and nothing was written.
// nextChange is next's cases.next_change value (store.nextChange).
func (s *store) writeAppend(ctx context.Context, tx *sql.Tx, sc storedCase, next sla.Case, body []byte, nextChange any, now time.Time) (bool, error) {
	res, err := s.txExec(ctx, tx, updateCaseQuery,
		string(body), sc.Count+1, dbTime(now), nextChange, sc.Case.ID, sc.Count)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	if n == 0 {
		return false, nil
	}
	return true, s.insertEvent(ctx, tx, sc.Case.ID, sc.Count+1, next.Events[sc.Count])
}

// eachCase streams every case in id order to fn, one row at a time: memory stays flat however
// many cases there are. fn's error stops the scan and is returned.
func (s *store) eachCase(ctx context.Context, fn func(storedCase) error) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, body, policy_version, accepted_at, event_count FROM cases ORDER BY id`))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, body, version, accepted string
		var count int
		if err := rows.Scan(&id, &body, &version, &accepted, &count); err != nil {
			return err
		}
		sc, err := decodeCase(id, body, version, accepted, count)
		if err != nil {
			return err
		}
		if err := fn(sc); err != nil {
			return err
		}
	}
	return rows.Err()
}

// storedPolicy is one row of policies.
type storedPolicy struct {
	ID, Version, Hash string
	Body              []byte
	ActivatedAt       string
}

// savePolicy records an activated policy inside tx; a version activated before is replaced
// (the same replacement Holder.Activate makes). ON CONFLICT … DO UPDATE is understood by
// SQLite (3.24+) and PostgreSQL alike.
func (s *store) savePolicy(ctx context.Context, tx *sql.Tx, p *sla.Policy, now time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO policies (id, version, hash, body, activated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id, version) DO UPDATE SET hash = excluded.hash, body = excluded.body, activated_at = excluded.activated_at`),
		p.ID(), p.Version(), p.Hash(), string(p.Bytes()), dbTime(now))
	return err
}

// policies returns the activated policies in activation order.
func (s *store) policies(ctx context.Context) ([]storedPolicy, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, version, hash, body, activated_at FROM policies ORDER BY activated_at, id, version`))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storedPolicy
	for rows.Next() {
		var p storedPolicy
		var body string
		if err := rows.Scan(&p.ID, &p.Version, &p.Hash, &body, &p.ActivatedAt); err != nil {
			return nil, err
		}
		p.Body = []byte(body)
		out = append(out, p)
	}
	return out, rows.Err()
}

// auditEntry is one row of policy_audit: who activated which policy version when, and the
// hash it replaced ("" for a version that was new).
type auditEntry struct {
	Seq      int    `json:"seq"`
	At       string `json:"at"`
	Who      string `json:"who"`
	Role     string `json:"role"`
	PolicyID string `json:"policy_id"`
	Version  string `json:"version"`
	OldHash  string `json:"old_hash"`
	NewHash  string `json:"new_hash"`
	Action   string `json:"action"`
}

// audit appends an entry inside tx; its seq is the next number (writes are serialised by the
// write slot, and the primary key refuses a duplicate should they not be).
func (s *store) audit(ctx context.Context, tx *sql.Tx, a auditEntry) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO policy_audit (seq, at, who, role, policy_id, version, old_hash, new_hash, action)
		SELECT COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? FROM policy_audit`),
		a.At, a.Who, a.Role, a.PolicyID, a.Version, a.OldHash, a.NewHash, a.Action)
	return err
}

// auditLog returns the audit entries, oldest first.
func (s *store) auditLog(ctx context.Context) ([]auditEntry, error) {
	return s.auditLogFrom(ctx, s.read)
}

// rowsQueryer is a *sql.DB or a *sql.Tx.
type rowsQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *store) auditLogFrom(ctx context.Context, db rowsQueryer) ([]auditEntry, error) {
	rows, err := db.QueryContext(ctx, s.q(`SELECT seq, at, who, role, policy_id, version, old_hash, new_hash, action FROM policy_audit ORDER BY seq`))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []auditEntry{}
	for rows.Next() {
		var a auditEntry
		if err := rows.Scan(&a.Seq, &a.At, &a.Who, &a.Role, &a.PolicyID, &a.Version, &a.OldHash, &a.NewHash, &a.Action); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// casesAcceptedFrom counts the cases governed by a policy version that were accepted at or
// after t: the cases a shortened effective range would strand.
func (s *store) casesAcceptedFrom(ctx context.Context, tx *sql.Tx, version string, t time.Time) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM cases WHERE policy_version = ? AND accepted_at >= ?`), version, dbTime(t)).Scan(&n)
	return n, err
}
