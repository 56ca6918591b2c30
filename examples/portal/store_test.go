package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	require.NoError(t, s.migrate(ctx))
	p := sla.Default()
	accepted := time.Date(2025, 9, 30, 17, 0, 0, 0, time.FixedZone("CST", 8*3600))
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
