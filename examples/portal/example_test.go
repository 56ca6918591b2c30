package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/shixian-go/shixian/sla"
)

// Rebind lets the portal write every query once, with `?`, and run it on PostgreSQL.
func ExampleRebind() {
	q := `UPDATE cases SET body = ?, updated_at = ? WHERE id = ?`
	fmt.Println(Rebind(DialectFor("sqlite"), q))
	fmt.Println(Rebind(DialectFor("pgx"), q))
	// Output:
	// UPDATE cases SET body = ?, updated_at = ? WHERE id = ?
	// UPDATE cases SET body = $1, updated_at = $2 WHERE id = $3
}

// A portal accepts a case the evening before the National Day break: a T1 case's one working
// day is the first working day after the holiday.
func ExampleServer() {
	dir, err := os.MkdirTemp("", "portal-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	db, err := OpenSQLite(filepath.Join(dir, "portal.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	history, _ := sla.NewHistory(sla.Default())
	holder, _ := sla.NewHolder(history)
	// In production the tokens come from a file (LoadTokens, --tokens); a secret is at least
	// 32 characters of the token alphabet.
	const secret = "clerk-example-secret-0123456789abcdef"
	tokens, err := NewTokens(Token{Role: RoleClerk, Name: "window-1", Secret: secret})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := NewServer(db, holder, WithTokens(tokens))
	if err != nil {
		fmt.Println(err)
		return
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	req, err := http.NewRequest("POST", ts.URL+"/cases", strings.NewReader(
		`{"id":"C-1","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"incomplete_materials"}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var out struct {
		Decision struct{ Tier, Rule string }
		Deadline struct {
			Due  string
			Ends string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, out.Decision.Tier, out.Decision.Rule)
	fmt.Println("due", out.Deadline.Due, "=", out.Deadline.Ends)
	// Output:
	// 201 T1 objective-simple
	// due 2025-10-10T00:00:00+08:00 = 2025-10-09 24:00
}
