package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migration is one numbered step of the schema. Steps run in order, each in its own
// transaction together with the row of schema_migrations that records it, so a step is applied
// whole or not at all, and exactly once per database. Once released, a step is never edited:
// a change of the schema is a new step.
type migration struct {
	version int
	name    string
	up      func(ctx context.Context, s *store, tx *sql.Tx) error
}

// migrations is the schema's history. The SQL is portable between SQLite and PostgreSQL: TEXT
// and INTEGER columns only, times as RFC 3339 text in UTC of fixed width (timeLayout) so that
// text order is time order and an index on a time column serves range queries on both.
var migrations = []migration{
	{1, "cases, events, policies, policy_audit", migrateBase},
	{2, "cases.next_change (indexed) and reminders", migrateReminders},
}

// migrationLock is the key of the PostgreSQL advisory lock that serialises the migrations of
// replicas starting at the same time (SQLite's write transaction is exclusive already).
const migrationLock = 1310_0008

// migrate brings the schema up to date and returns the versions it applied (none when the
// database was current). It is safe to run from several processes at once.
func (s *store) migrate(ctx context.Context) ([]int, error) {
	var applied []int
	for _, m := range migrations {
		done, err := s.migrateOne(ctx, m)
		if err != nil {
			return applied, fmt.Errorf("portal: schema migration %d (%s): %w", m.version, m.name, err)
		}
		if done {
			applied = append(applied, m.version)
		}
	}
	return applied, nil
}

// migrateOne applies m unless schema_migrations says it is in; true when it applied it.
func (s *store) migrateOne(ctx context.Context, m migration) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if s.dialect == DialectDollar {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return false, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if err := m.up(ctx, s, tx); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		m.version, m.name, dbTime(time.Now())); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// migrateBase is the schema the portal had before migrations were numbered. Its tables are
// created IF NOT EXISTS, so that a database made by an earlier portal (which has them but no
// schema_migrations) is adopted rather than refused; one made before cases had event_count
// gets the column, filled from the event log.
func migrateBase(ctx context.Context, s *store, tx *sql.Tx) error {
	for _, stmt := range []string{
		`CREATE TABLE IF NOT EXISTS cases (
			id TEXT PRIMARY KEY,
			policy_id TEXT NOT NULL,
			policy_version TEXT NOT NULL,
			accepted_at TEXT NOT NULL,
			department TEXT,
			body TEXT NOT NULL,
			updated_at TEXT NOT NULL,
			event_count INTEGER NOT NULL DEFAULT 0
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
		`CREATE TABLE IF NOT EXISTS policy_audit (
			seq INTEGER PRIMARY KEY,
			at TEXT NOT NULL,
			who TEXT NOT NULL,
			role TEXT NOT NULL,
			policy_id TEXT NOT NULL,
			version TEXT NOT NULL,
			old_hash TEXT NOT NULL,
			new_hash TEXT NOT NULL,
			action TEXT NOT NULL
		)`,
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	has, err := hasColumn(ctx, tx, "cases", "event_count")
	if err != nil || has {
		return err
	}
	for _, stmt := range []string{
		`ALTER TABLE cases ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0`,
		`UPDATE cases SET event_count = (SELECT COUNT(*) FROM events WHERE events.case_id = cases.id)`,
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("adding cases.event_count: %w", err)
		}
	}
	return nil
}

// migrateReminders adds what the persisted reminders need (reminders.go): each case's next
// change, indexed so that the scheduler finds the earliest without a scan, and the reminders
// table, whose primary key makes recording a reminder idempotent across restarts and
// replicas. Existing cases get their next_change from the server after the migration
// (Server.refreshNextChanges): it needs the policy.
func migrateReminders(ctx context.Context, s *store, tx *sql.Tx) error {
	for _, stmt := range []string{
		`ALTER TABLE cases ADD COLUMN next_change TEXT`,
		`CREATE INDEX cases_next_change ON cases (next_change)`,
		`CREATE TABLE reminders (
			case_id TEXT NOT NULL REFERENCES cases(id),
			kind TEXT NOT NULL,
			ref TEXT NOT NULL,
			at TEXT NOT NULL,
			label TEXT NOT NULL,
			recorded_at TEXT NOT NULL,
			notified_at TEXT,
			attempts INTEGER NOT NULL DEFAULT 0,
			claimed_until TEXT NOT NULL,
			PRIMARY KEY (case_id, kind, ref, at)
		)`,
		`CREATE INDEX reminders_at ON reminders (at)`,
		`CREATE INDEX reminders_pending ON reminders (claimed_until) WHERE notified_at IS NULL`,
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// hasColumn says whether table has column: the query is prepared against the live schema, so
// a missing column is an error in both databases. On PostgreSQL the failed statement would
// abort the transaction, so it runs inside a savepoint.
func hasColumn(ctx context.Context, tx *sql.Tx, table, column string) (bool, error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT has_column`); err != nil {
		return false, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+column+` FROM `+table+` WHERE 1 = 0`)
	if err == nil {
		rows.Close()
		_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT has_column`)
		return true, err
	}
	if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT has_column`); rerr != nil {
		return false, rerr
	}
	return false, nil
}
