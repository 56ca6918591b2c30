package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/shixian-go/shixian/sla"
)

// Several portal processes (replicas behind a load balancer) can share one PostgreSQL
// database. What keeps them consistent:
//
//   - Events: an append is an optimistic version check on the case's event count, and the
//     retry reads the case with its row locked (store.appendEvent): two replicas appending to
//     one case both land, in some order, each checked against the other's result — no update
//     is lost and the lifecycle is checked on the real predecessor.
//   - Intake: the primary key refuses a second case with the same id; the loser answers 409.
//   - Policies: POST /policy activates on the replica that received it and stores the
//     version (replicas' activations and audit entries are serialised by lockPolicies); every
//     replica polls the policies table (WatchPolicies, every --policy-poll, 2 s by default)
//     and activates what it does not have yet, so a version activated on one is in force on
//     the others within one poll interval plus one query. Within that window another replica
//     still classifies new cases under the version it holds: activate versions ahead of the
//     date they take effect from, as offices do.
//   - Reminders: recorded once per (case, kind, ref, instant) by a primary key, so whichever
//     replica's scheduler gets there first notifies and the others record nothing.

// lockPolicies serialises, across replicas, the writes of the policies and their audit trail
// (whose seq is MAX(seq) + 1): on PostgreSQL it takes a transaction-level advisory lock,
// released when tx ends; SQLite's write transaction is exclusive already.
func (s *store) lockPolicies(ctx context.Context, tx *sql.Tx) error {
	if s.dialect != DialectDollar {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, policyLock)
	return err
}

// policyLock is the key of lockPolicies' advisory lock.
const policyLock = 1310_0009

// DefaultPolicyPoll is how often a replica looks for policies activated by another.
const DefaultPolicyPoll = 2 * time.Second

// SyncPolicies activates into the server's holder every stored policy version it does not
// hold with the same content (activated by another replica since this one started or last
// synced) and returns how many it activated. It holds the policy lock, as POST /policy does.
func (s *Server) SyncPolicies(ctx context.Context) (int, error) {
	stored, err := s.store.policies(ctx)
	if err != nil {
		return 0, fmt.Errorf("portal: reading stored policies: %w", err)
	}
	s.policyMu.Lock()
	defer s.policyMu.Unlock()
	var pending []*sla.Policy
	for _, sp := range stored {
		if s.activeHash(sp.Version) == sp.Hash {
			continue
		}
		p, err := sla.ParsePolicy(fmt.Sprintf("policy %s %s (database)", sp.ID, sp.Version), sp.Body)
		if err != nil {
			return 0, fmt.Errorf("portal: stored policy %s %s no longer parses: %w", sp.ID, sp.Version, err)
		}
		if p.Hash() != sp.Hash {
			return 0, fmt.Errorf("portal: stored policy %s %s: body hash %s does not match the stored hash %s", sp.ID, sp.Version, p.Hash(), sp.Hash)
		}
		pending = append(pending, p)
	}
	activated := 0
	for len(pending) > 0 {
		var failed []*sla.Policy
		var errs []error
		// Activated under the write slot, as POST /policy does, so that no case is stored
		// between a version check and the swap.
		err := s.store.write(ctx, func(context.Context, *sql.Tx) error {
			for _, p := range pending {
				if err := s.holder.Activate(p); err != nil {
					failed = append(failed, p)
					errs = append(errs, err)
				} else {
					activated++
				}
			}
			return nil
		})
		if err != nil {
			return activated, err
		}
		if len(failed) == len(pending) {
			return activated, fmt.Errorf("portal: activating stored policies: %w", errors.Join(errs...))
		}
		pending = failed
	}
	return activated, nil
}

// WatchPolicies runs SyncPolicies every interval until ctx is done; an error is logged and
// the next poll tries again. It returns ctx's error.
func (s *Server) WatchPolicies(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		return fmt.Errorf("portal: WatchPolicies: interval %v must be positive", every)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		n, err := s.SyncPolicies(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.logger.Printf("policies: %v", err)
			continue
		}
		if n > 0 {
			s.logger.Printf("policies: %d version(s) activated by another replica are now in force here", n)
			s.wakeReminders()
		}
	}
}
