package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

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

// schema creates the tables. It runs at every start (IF NOT EXISTS) and is portable between
// SQLite and PostgreSQL: TEXT and INTEGER columns only, times as RFC 3339 text in UTC with a
// fixed width (timeLayout) so that text order is time order.
var schema = []string{
	`CREATE TABLE IF NOT EXISTS cases (
		id TEXT PRIMARY KEY,
		policy_id TEXT NOT NULL,
		policy_version TEXT NOT NULL,
		accepted_at TEXT NOT NULL,
		department TEXT,
		body TEXT NOT NULL,
		updated_at TEXT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS events (
		case_id TEXT NOT NULL REFERENCES cases(id),
		seq INTEGER NOT NULL,
		type TEXT NOT NULL,
		at TEXT NOT NULL,
		body TEXT NOT NULL,
		PRIMARY KEY (case_id, seq)
	)`,
	`CREATE TABLE IF NOT EXISTS policies (
		id TEXT,
		version TEXT,
		hash TEXT,
		body TEXT,
		activated_at TEXT,
		PRIMARY KEY (id, version)
	)`,
}

// timeLayout stores instants as UTC text of fixed width, so that comparing the text compares
// the instants in every database.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func dbTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// errNotFound: no case with the id.
var errNotFound = errors.New("no such case")

// errDuplicate: a case with the id exists already.
var errDuplicate = errors.New("a case with this id exists already")

// store is the portal's persistence: cases (the JSON of sla.Case, the source of truth), their
// events one row each (the append-only log, keyed by case and sequence number so that two
// concurrent appends cannot both take the same place), and the policies activated through
// POST /policy. Safe for concurrent use (database/sql is).
type store struct {
	db      *sql.DB
	dialect Dialect
}

func (s *store) q(query string) string { return Rebind(s.dialect, query) }

func (s *store) migrate(ctx context.Context) error {
	for _, stmt := range schema {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("portal: creating the schema: %w", err)
		}
	}
	return nil
}

// storedCase is one row of cases with its decoded body.
type storedCase struct {
	Case          sla.Case
	PolicyVersion string
	Accepted      time.Time
}

// insertCase stores a new case and its events (seq 1…n) in one transaction. A case with the
// same id → errDuplicate, nothing stored.
func (s *store) insertCase(ctx context.Context, c sla.Case, policyVersion string, accepted, now time.Time) error {
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("portal: encoding case %s: %w", c.ID, err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var one int
	switch err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM cases WHERE id = ?`), c.ID).Scan(&one); {
	case err == nil:
		return errDuplicate
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO cases (id, policy_id, policy_version, accepted_at, department, body, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		c.ID, c.PolicyID, policyVersion, dbTime(accepted), c.Department, string(body), dbTime(now)); err != nil {
		// Another request may have inserted the same id between the SELECT and the INSERT;
		// the primary key refused it. Report that as the duplicate it is.
		if s.exists(ctx, c.ID) {
			return errDuplicate
		}
		return err
	}
	for i, e := range c.Events {
		if err := insertEvent(ctx, tx, s, c.ID, i+1, e); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func insertEvent(ctx context.Context, tx *sql.Tx, s *store, caseID string, seq int, e sla.Event) error {
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("portal: encoding event %d of case %s: %w", seq, caseID, err)
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO events (case_id, seq, type, at, body) VALUES (?, ?, ?, ?, ?)`),
		caseID, seq, string(e.Type), dbTime(e.At), string(body))
	return err
}

func (s *store) exists(ctx context.Context, id string) bool {
	var one int
	return s.db.QueryRowContext(ctx, s.q(`SELECT 1 FROM cases WHERE id = ?`), id).Scan(&one) == nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *store) getCase(ctx context.Context, q queryer, id string) (storedCase, error) {
	var body, version, accepted string
	err := q.QueryRowContext(ctx, s.q(`SELECT body, policy_version, accepted_at FROM cases WHERE id = ?`), id).Scan(&body, &version, &accepted)
	if errors.Is(err, sql.ErrNoRows) {
		return storedCase{}, errNotFound
	}
	if err != nil {
		return storedCase{}, err
	}
	return decodeCase(id, body, version, accepted)
}

func decodeCase(id, body, version, accepted string) (storedCase, error) {
	var sc storedCase
	if err := json.Unmarshal([]byte(body), &sc.Case); err != nil {
		return storedCase{}, fmt.Errorf("portal: case %s in the database cannot be read: %w", id, err)
	}
	t, err := time.Parse(time.RFC3339Nano, accepted)
	if err != nil {
		return storedCase{}, fmt.Errorf("portal: case %s in the database has a bad accepted_at %q: %w", id, accepted, err)
	}
	sc.PolicyVersion, sc.Accepted = version, t
	return sc, nil
}

// errConflict is a lost race on an event's sequence number; appendEvent retries.
var errConflict = errors.New("concurrent update")

// appendEvent applies an event to a stored case in one transaction: it re-reads the case,
// lets apply validate the event and build the new case, inserts the event with the next
// sequence number and rewrites the case body. When apply fails nothing is written. When
// another request appended to the same case in the meantime (the (case_id, seq) key or the
// body's update count says so) the whole transaction is retried against the newer case.
func (s *store) appendEvent(ctx context.Context, id string, apply func(storedCase) (sla.Case, error), now time.Time) (storedCase, error) {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		sc, err := s.tryAppend(ctx, id, apply, now)
		if !errors.Is(err, errConflict) {
			return sc, err
		}
		lastErr = err
	}
	return storedCase{}, lastErr
}

func (s *store) tryAppend(ctx context.Context, id string, apply func(storedCase) (sla.Case, error), now time.Time) (storedCase, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return storedCase{}, err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	sc, err := s.getCase(ctx, tx, id)
	if err != nil {
		return storedCase{}, err
	}
	before := len(sc.Case.Events)
	next, err := apply(sc)
	if err != nil {
		return storedCase{}, err
	}
	if len(next.Events) != before+1 {
		return storedCase{}, fmt.Errorf("portal: applying an event to case %s gave %d events, want %d", id, len(next.Events), before+1)
	}
	if err := insertEvent(ctx, tx, s, id, before+1, next.Events[before]); err != nil {
		// Asked outside tx: after a failed statement PostgreSQL refuses further statements in
		// the same transaction, and the winner of the race has committed by now.
		var seqTaken int
		if s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM events WHERE case_id = ? AND seq = ?`), id, before+1).Scan(&seqTaken) == nil && seqTaken > 0 {
			return storedCase{}, errConflict
		}
		return storedCase{}, err
	}
	body, err := json.Marshal(next)
	if err != nil {
		return storedCase{}, fmt.Errorf("portal: encoding case %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET body = ?, updated_at = ? WHERE id = ?`), string(body), dbTime(now), id); err != nil {
		return storedCase{}, err
	}
	if err := tx.Commit(); err != nil {
		return storedCase{}, err
	}
	sc.Case = next
	return sc, nil
}

// eachCase streams every case in id order to fn, one row at a time: memory stays flat however
// many cases there are. fn's error stops the scan and is returned.
func (s *store) eachCase(ctx context.Context, fn func(storedCase) error) error {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, body, policy_version, accepted_at FROM cases ORDER BY id`))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, body, version, accepted string
		if err := rows.Scan(&id, &body, &version, &accepted); err != nil {
			return err
		}
		sc, err := decodeCase(id, body, version, accepted)
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
