package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// pgEnvVar names the environment variable that runs the portal's tests on PostgreSQL: a DSN
// (postgres://user@host:port/dbname?sslmode=disable) of a database the tests may create and
// drop schemas in. Without it every test runs on SQLite. scripts/with-postgres.sh starts a
// throwaway server and sets it:
//
//	scripts/with-postgres.sh go test ./...
const pgEnvVar = "SHIXIAN_PORTAL_PG"

// testDSN is the PostgreSQL DSN of the tests, "" when they run on SQLite.
func testDSN() string { return os.Getenv(pgEnvVar) }

// openTestDB opens the database a test calls path: the SQLite file at path, or, when the tests
// run on PostgreSQL, a schema of that database named after path — created on first use and
// dropped when the test ends, so that a test reopening path (a restart) finds its data, and
// two tests never share tables. It returns the database and its driver name.
func openTestDB(t testing.TB, path string) (*sql.DB, string) {
	t.Helper()
	dsn := testDSN()
	if dsn == "" {
		db, err := OpenSQLite(path)
		require.NoError(t, err)
		return db, "sqlite"
	}
	sum := sha256.Sum256([]byte(path))
	schema := "t_" + hex.EncodeToString(sum[:12])
	admin, err := OpenPostgres(dsn, 1)
	require.NoError(t, err)
	defer admin.Close()
	ctx := context.Background()
	var exists bool
	require.NoError(t, admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, schema).Scan(&exists))
	if !exists {
		_, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema)
		require.NoError(t, err)
		t.Cleanup(func() {
			admin, err := OpenPostgres(dsn, 1)
			if err != nil {
				t.Errorf("dropping schema %s: %v", schema, err)
				return
			}
			defer admin.Close()
			if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
				t.Errorf("dropping schema %s: %v", schema, err)
			}
		})
	}
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema) // pgx sends unknown DSN parameters as run-time settings
	u.RawQuery = q.Encode()
	db, err := OpenPostgres(u.String(), 4)
	require.NoError(t, err)
	return db, "pgx"
}

// testDBArg is what a test passes as --db to a portal process for path: the file, or the
// PostgreSQL DSN of path's schema (openTestDB must have created it).
func testDBArg(t testing.TB, path string) string {
	t.Helper()
	dsn := testDSN()
	if dsn == "" {
		return path
	}
	sum := sha256.Sum256([]byte(path))
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", "t_"+hex.EncodeToString(sum[:12]))
	u.RawQuery = q.Encode()
	return u.String()
}

// queryRow runs a query of one row on the environment's database, with `?` placeholders on
// either database.
func (e *env) queryRow(query string, args ...any) *sql.Row {
	return e.db.QueryRow(Rebind(DialectFor(e.driver), query), args...)
}

// exec runs a statement on the environment's database, with `?` placeholders on either
// database.
func (e *env) exec(query string, args ...any) (sql.Result, error) {
	return e.db.Exec(Rebind(DialectFor(e.driver), query), args...)
}
