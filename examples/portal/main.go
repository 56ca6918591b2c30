package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	// SIGINT (Ctrl-C) and SIGTERM shut the server down gracefully.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		stop()
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	addr, db, policy, tokens string
	suites                   []string
	timeout                  time.Duration
	readers                  int
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	var suites multiFlag
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on (loopback by default; put a TLS reverse proxy in front before opening it wider)")
	fs.StringVar(&c.tokens, "tokens", "", "token file: one `ROLE NAME SECRET` per line (roles clerk, supervisor, admin); default: one random admin token, printed once on stderr")
	fs.DurationVar(&c.timeout, "timeout", DefaultTimeout, "how long a request may wait for the database before it is answered 503 with Retry-After")
	fs.IntVar(&c.readers, "readers", 4, "connections of the read pool (the writer has one)")
	fs.StringVar(&c.db, "db", "portal.db", "SQLite database file (created if missing)")
	fs.StringVar(&c.policy, "policy", "", "policy file (YAML); default: the embedded 1310 policy, sla.Default()")
	fs.Var(&suites, "suite", "policy test suite (YAML) a policy posted to POST /policy must pass; repeatable")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if c.timeout <= 0 {
		return config{}, fmt.Errorf("--timeout %v: must be positive", c.timeout)
	}
	if c.readers < 1 || c.readers > 64 {
		return config{}, fmt.Errorf("--readers %d: must be 1 to 64", c.readers)
	}
	c.suites = suites
	return c, nil
}

// SQLiteDSN returns the modernc.org/sqlite DSN the portal writes a database file with: WAL
// journal (readers do not block the writer), a busy timeout for another process holding the
// lock (within the portal writes wait for the in-process write slot instead), foreign keys
// enforced, and write transactions that take the write lock at BEGIN (_txlock=immediate) so
// that two read-modify-write transactions never deadlock.
func SQLiteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// SQLiteReaderDSN returns the DSN of the read pool: the same file, query_only so that a read
// connection can never write, and a busy timeout.
func SQLiteReaderDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "query_only(1)")
	return "file:" + path + "?" + q.Encode()
}

// OpenSQLite opens (creating if missing) the SQLite database file at path for writing, with a
// pool of one connection: SQLite has one writer at a time, and a second connection could only
// wait for the lock (or fail with SQLITE_BUSY).
func OpenSQLite(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", SQLiteDSN(path))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return db, nil
}

// OpenSQLiteReader opens a read-only pool of n connections on the database file at path, which
// OpenSQLite must have opened (created, and switched to WAL) first. Pass it to WithReadDB.
func OpenSQLiteReader(path string, n int) (*sql.DB, error) {
	if n < 1 {
		return nil, fmt.Errorf("OpenSQLiteReader: %d connections: at least 1 is needed", n)
	}
	db, err := sql.Open("sqlite", SQLiteReaderDSN(path))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s for reading: %w", path, err)
	}
	return db, nil
}

// loadHolder builds the policy holder from a policy file, or from sla.Default().
func loadHolder(path string) (*sla.Holder, error) {
	p := sla.Default()
	if path != "" {
		var err error
		if p, err = sla.LoadPolicy(path); err != nil {
			return nil, err
		}
	}
	h, err := sla.NewHistory(p)
	if err != nil {
		return nil, err
	}
	return sla.NewHolder(h)
}

// run serves until ctx is done, then shuts down gracefully: requests in flight get up to 10 s
// to finish, then the database is closed.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	holder, err := loadHolder(cfg.policy)
	if err != nil {
		return err
	}
	// Suites are checked at start-up too: a typo in a suite path should stop the server now,
	// not reject every policy posted later.
	for _, path := range cfg.suites {
		if _, err := slatest.RunSuite(path, slatest.WithPolicy(holder.Current().Latest())); err != nil {
			return fmt.Errorf("suite %s: %w", path, err)
		}
	}
	logger := log.New(stderr, "portal: ", log.LstdFlags)
	var tokens *Tokens
	if cfg.tokens != "" {
		if tokens, err = LoadTokens(cfg.tokens, stderr); err != nil {
			return err
		}
	} else {
		secret, err := GenerateToken()
		if err != nil {
			return err
		}
		if tokens, err = NewTokens(Token{Role: RoleAdmin, Name: "admin", Secret: secret}); err != nil {
			return err
		}
		// Printed once, here, and never logged again: whoever started the portal has it.
		fmt.Fprintf(stderr, "portal: no --tokens file: this run accepts one admin token (name \"admin\"), valid until the portal stops:\n\n    Authorization: Bearer %s\n\n", secret)
	}
	db, err := OpenSQLite(cfg.db)
	if err != nil {
		return err
	}
	defer db.Close()
	readDB, err := OpenSQLiteReader(cfg.db, cfg.readers)
	if err != nil {
		return err
	}
	defer readDB.Close()
	var opts []Option
	opts = append(opts, WithDriverName("sqlite"), WithLogger(logger), WithTokens(tokens), WithReadDB(readDB), WithTimeout(cfg.timeout))
	if len(cfg.suites) > 0 {
		opts = append(opts, WithChecks(slatest.Check(cfg.suites...)))
	}
	opts = append(opts, WithReminders(NewReminders(logReminder(logger))))
	srv, err := NewServer(db, holder, opts...)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Addr:              cfg.addr,
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // a large report may take a while
		IdleTimeout:       2 * time.Minute,
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	go srv.runReminders(ctx) // returns when ctx is done
	logger.Printf("listening on http://%s, database %s, policy %s", ln.Addr(), cfg.db, holder.Current().ID())
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		logger.Printf("warning: listening beyond loopback without TLS: bearer tokens cross the network in clear text unless a TLS reverse proxy is in front")
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Printf("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
