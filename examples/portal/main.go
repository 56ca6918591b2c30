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
	addr, db, policy string
	suites           []string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	var suites multiFlag
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", ":8080", "address to listen on")
	fs.StringVar(&c.db, "db", "portal.db", "SQLite database file (created if missing)")
	fs.StringVar(&c.policy, "policy", "", "policy file (YAML); default: the embedded 1310 policy, sla.Default()")
	fs.Var(&suites, "suite", "policy test suite (YAML) a policy posted to POST /policy must pass; repeatable")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	c.suites = suites
	return c, nil
}

// SQLiteDSN returns the modernc.org/sqlite DSN the portal uses for a database file: WAL
// journal (readers do not block the writer), a busy timeout instead of immediate "database is
// locked" errors, foreign keys enforced, and write transactions that take the write lock at
// BEGIN (_txlock=immediate) so that two read-modify-write transactions never deadlock.
func SQLiteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// OpenSQLite opens (creating if missing) the SQLite database file at path.
func OpenSQLite(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", SQLiteDSN(path))
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
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
	db, err := OpenSQLite(cfg.db)
	if err != nil {
		return err
	}
	defer db.Close()
	logger := log.New(stderr, "portal: ", log.LstdFlags)
	var opts []Option
	opts = append(opts, WithDriverName("sqlite"), WithLogger(logger))
	if len(cfg.suites) > 0 {
		opts = append(opts, WithChecks(slatest.Check(cfg.suites...)))
	}
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
	logger.Printf("listening on http://%s, database %s, policy %s", ln.Addr(), cfg.db, holder.Current().ID())
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
