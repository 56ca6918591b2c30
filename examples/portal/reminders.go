package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/shixian-go/shixian/sla"
)

// Reminders is the portal's reminder scheduler, persisted in the database so that it survives
// restarts and is shared by replicas:
//
//   - every write of a case (intake, event, policy change) stores in cases.next_change the one
//     instant at which the case must be looked at again — its sla.Status.NextChange (a warning
//     crossed, a supervision level reached, the case or one of its unit's targets turning
//     overdue), or its next recorded event if that comes first; NULL when nothing is to come;
//   - RunReminders sleeps until the earliest next_change (an indexed query, never a scan),
//     computes the status of each case due at its instant, records each warning, supervision
//     level and overdue transition of that instant in the reminders table — once: the table's
//     primary key (case, kind, ref, instant) makes a second recording, by a restarted portal
//     or by another replica, a no-op — hands the reminders it recorded to the Notifier, and
//     moves the case's next_change on. A delivery the notifier fails is retried later, with
//     a pause that doubles, a bounded number of times (FireReminders).
//
// Safe for concurrent use.
type Reminders struct {
	notifier Notifier
	// wake is poked by this process's writes: the scheduler recomputes its sleep.
	wake chan struct{}
	// poll is the longest sleep: writes of other replicas do not wake this one, and their
	// own schedulers handle what they wrote, but a bound keeps a stalled peer from hiding a
	// reminder for long.
	poll time.Duration
}

// DefaultReminderPoll is the longest the scheduler sleeps without looking at the database.
const DefaultReminderPoll = time.Minute

// NewReminders returns a scheduler that hands each recorded reminder to n (nil: to nobody; the
// reminders are still recorded and listed by GET /reminders).
func NewReminders(n Notifier) *Reminders {
	if n == nil {
		n = NotifierFunc(func(context.Context, Reminder) error { return nil })
	}
	return &Reminders{notifier: n, wake: make(chan struct{}, 1), poll: DefaultReminderPoll}
}

// WithReminders makes the server run rem (RunReminders) and answer GET /reminders. Without it
// the server still keeps cases.next_change on every write, so that a replica with a scheduler
// can serve the cases written by one without.
func WithReminders(rem *Reminders) Option {
	return func(s *Server) error {
		if rem == nil {
			return errors.New("portal: WithReminders: nil scheduler")
		}
		s.reminders = rem
		return nil
	}
}

// Reminder kinds: what changed at the reminder's instant.
const (
	ReminderWarning     = "warning"     // a warning was crossed; Ref is its id
	ReminderSupervision = "supervision" // a supervision level (督办) was reached; Ref is its id
	ReminderOverdue     = "overdue"     // the case (Ref "case") or a target (Ref its id) turned overdue
)

// Reminder is one change of a case's status that happened with no new event, as recorded in
// the reminders table: the case, what changed (Kind, Ref, Label), the instant, and the
// case's status at that instant (not stored; set for the notifier).
type Reminder struct {
	CaseID string     `json:"case_id"`
	Kind   string     `json:"kind"`
	Ref    string     `json:"ref"`
	Label  string     `json:"label"`
	At     time.Time  `json:"at"`
	Status sla.Status `json:"-"`
}

// transitionsAt lists the changes of st that happen exactly at instant at: the warnings
// crossed, the supervision levels reached, the running targets and the case turning overdue.
func transitionsAt(caseID string, st sla.Status, at time.Time) []Reminder {
	var out []Reminder
	at = at.In(st.At.Location()) // the calendar's zone, as every instant of the status
	add := func(kind, ref, label string) {
		out = append(out, Reminder{CaseID: caseID, Kind: kind, Ref: ref, Label: label, At: at, Status: st})
	}
	for _, w := range st.Warnings {
		if w.At.Equal(at) {
			add(ReminderWarning, w.ID, w.Label)
		}
	}
	if st.State == sla.StateOverdue && st.JudgedDue.Equal(at) {
		add(ReminderOverdue, "case", "超期")
	}
	for _, t := range st.Targets {
		if t.Done.IsZero() && t.Due.Equal(at) {
			label := t.Label
			if t.Unit != "" {
				label += "（" + t.Unit + "）"
			}
			add(ReminderOverdue, t.ID, label)
		}
	}
	for _, l := range st.Supervision {
		if l.At.Equal(at) {
			label := l.Label
			if l.By != "" {
				label += "（" + l.By + "）"
			}
			add(ReminderSupervision, l.ID, label)
		}
	}
	return out
}

// statusSource computes statuses: a policy version, or the history that picks the version.
type statusSource interface {
	StatusAt(c sla.Case, now time.Time) (sla.Status, error)
}

// nextLook is when case c, under p, must be looked at again after now: its status's
// NextChange, or its next recorded event if that is earlier (an event dated after now takes
// effect then); zero when nothing is to come. A case whose status cannot be computed at now
// (now before its first event) is looked at when that event takes effect.
func nextLook(p statusSource, c sla.Case, now time.Time) time.Time {
	var event time.Time
	for _, e := range c.Events {
		if e.At.After(now) {
			event = e.At
			break
		}
	}
	if len(c.Events) > 0 && now.Before(c.Events[0].At) {
		return event
	}
	st, err := p.StatusAt(c, now)
	if err != nil {
		return event
	}
	if !st.NextChange.IsZero() && (event.IsZero() || st.NextChange.Before(event)) {
		return st.NextChange
	}
	return event
}

// nextLookNow is the store's next function (store.next): the next look after the wall clock,
// under the version that governs c.
func (s *Server) nextLookNow(c sla.Case) time.Time {
	return nextLook(s.holder.Current(), c, s.clock())
}

// remind is called after a case was stored: the write stored its next_change, and the
// scheduler is woken to recompute its sleep.
func (s *Server) remind(_ statusSource, _ sla.Case) { s.wakeReminders() }

// remindStored is remind after an event was appended to case id.
func (s *Server) remindStored(_ context.Context, _ string) { s.wakeReminders() }

func (s *Server) wakeReminders() {
	if s.reminders == nil {
		return
	}
	select {
	case s.reminders.wake <- struct{}{}:
	default:
	}
}

// policyChanged recomputes every case's next_change after a policy activation (a new version
// may move the warnings and deadlines of the cases it governs), before POST /policy answers; a
// failure is logged and leaves the earlier instants.
func (s *Server) policyChanged(ctx context.Context) {
	if err := s.refreshNextChanges(ctx); err != nil {
		s.logger.Printf("reminders: recomputing next changes after the policy change: %v", err)
	}
	s.wakeReminders()
}

// refreshNextChanges recomputes cases.next_change of every case from the wall clock: one pass
// over the cases, after a policy change and after the migration that added the column. Each
// update is conditional on the case's event count, so that an event appended meanwhile (whose
// own write set the column) is not overwritten.
func (s *Server) refreshNextChanges(ctx context.Context) error {
	type upd struct {
		id    string
		count int
		next  any
	}
	var batch []upd
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		b := batch
		batch = nil
		return s.store.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			for _, u := range b {
				if _, err := tx.ExecContext(ctx, s.store.q(`UPDATE cases SET next_change = ? WHERE id = ? AND event_count = ?`), u.next, u.id, u.count); err != nil {
					return err
				}
			}
			return nil
		})
	}
	err := s.store.eachCase(ctx, func(sc storedCase) error {
		batch = append(batch, upd{sc.Case.ID, sc.Count, s.store.nextChange(sc.Case)})
		return nil
	})
	if err != nil {
		return err
	}
	for len(batch) > 0 {
		n := min(len(batch), 500)
		rest := batch[n:]
		batch = batch[:n]
		if err := flush(); err != nil {
			return err
		}
		batch = rest
	}
	return nil
}

// maxFireRounds bounds one FireReminders call: a case's next_change only moves forward, so
// the rounds end, but a database that does not keep the conditional updates must not spin.
const maxFireRounds = 100_000

// FireReminders handles every case whose next_change is at or before now, earliest first: at
// that instant it records each transition (transitionsAt) once and notifies the ones this
// call recorded, then moves the case's next_change to its next look after that instant — which
// may be at or before now as well (the clock jumped, or the portal was down) and is then
// handled in order. It returns how many reminders this call recorded. A notifier's error is
// logged and the reminder stays recorded with no notified_at; it is delivered again by a later
// call once a pause is over (a minute after the first failure, doubling, at most an hour), up
// to maxNotifyAttempts deliveries in all, by whichever replica claims it first (redeliver).
// Recording, claims and pauses go by now, the caller's clock.
func (s *Server) FireReminders(ctx context.Context, now time.Time) (int, error) {
	if s.reminders == nil {
		return 0, errors.New("portal: no reminder scheduler (WithReminders)")
	}
	sent := 0
	seen := map[string]bool{}
	for round := 0; round < maxFireRounds; round++ {
		due, err := s.store.dueCases(ctx, now, 100)
		if err != nil {
			return sent, err
		}
		if len(due) == 0 {
			if _, err := s.redeliver(ctx, now); err != nil {
				return sent, err
			}
			return sent, nil
		}
		for _, d := range due {
			if err := ctx.Err(); err != nil {
				return sent, err
			}
			key := d.id + "\x00" + dbTime(d.at)
			if seen[key] {
				return sent, fmt.Errorf("portal: reminders: case %s stays due at %s after it was handled", d.id, dbTime(d.at))
			}
			seen[key] = true
			n, err := s.fireCase(ctx, d.id, d.at, now)
			sent += n
			if err != nil {
				return sent, err
			}
		}
	}
	return sent, errors.New("portal: reminders: too many rounds")
}

// fireCase handles case id, due at instant at, by the clock reading now (see FireReminders).
func (s *Server) fireCase(ctx context.Context, id string, at, now time.Time) (int, error) {
	sc, err := s.store.getCase(ctx, s.store.read, id)
	if err != nil {
		return 0, err
	}
	var next time.Time
	var recorded []Reminder
	if p, err := s.policyFor(sc); err != nil {
		s.logger.Printf("reminders: case %s: %v", id, err) // next stays zero: not looked at again until it changes
	} else {
		if st, err := p.StatusAt(sc.Case, at); err == nil {
			for _, m := range transitionsAt(id, st, at) {
				ok, err := s.store.recordReminder(ctx, m, now)
				if err != nil {
					return len(recorded), err
				}
				if ok {
					recorded = append(recorded, m)
				}
			}
		}
		if next = nextLook(p, sc.Case, at); !next.After(at) {
			next = time.Time{}
		}
	}
	if err := s.store.advanceNextChange(ctx, id, at, sc.Count, next); err != nil {
		return len(recorded), err
	}
	for _, m := range recorded {
		s.deliver(ctx, m, 0, now)
	}
	return len(recorded), nil
}

// deliver hands m to the notifier and records the outcome: notified, or one more failed
// attempt (attempts before this one: done) with the next attempt after a backoff.
func (s *Server) deliver(ctx context.Context, m Reminder, done int, now time.Time) {
	if err := s.reminders.notifier.Notify(ctx, m); err != nil {
		s.logger.Printf("reminders: notifying case %s %s %s at %s (attempt %d of %d): %v", m.CaseID, m.Kind, m.Ref, dbTime(m.At), done+1, maxNotifyAttempts, err)
		if err := s.store.notifyFailed(ctx, m, done+1, now); err != nil {
			s.logger.Printf("reminders: case %s: %v", m.CaseID, err)
		}
		return
	}
	if err := s.store.markNotified(ctx, m, now); err != nil {
		s.logger.Printf("reminders: case %s: %v", m.CaseID, err)
	}
}

// redeliver retries the reminders whose delivery failed before and is due again at now
// (claimPending), with the case's status at the reminder's instant; it returns how many it
// handed to the notifier.
func (s *Server) redeliver(ctx context.Context, now time.Time) (int, error) {
	pending, err := s.store.claimPending(ctx, now, 100)
	if err != nil {
		return 0, err
	}
	for _, p := range pending {
		m := p.Reminder
		if sc, err := s.store.getCase(ctx, s.store.read, m.CaseID); err == nil {
			if pol, err := s.policyFor(sc); err == nil {
				if st, err := pol.StatusAt(sc.Case, m.At); err == nil {
					m.Status = st
					m.At = m.At.In(st.At.Location())
				}
			}
		}
		s.deliver(ctx, m, p.attempts, now)
	}
	return len(pending), nil
}

// RunReminders, until ctx is done, fires what is due by the server's clock (FireReminders),
// then sleeps until the earliest next_change of the cases, or a write of this process wakes
// it, or the scheduler's poll interval passes. It returns ctx's error, or the database's.
func (s *Server) RunReminders(ctx context.Context) error {
	if s.reminders == nil {
		return errors.New("portal: no reminder scheduler (WithReminders)")
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if _, err := s.FireReminders(ctx, s.clock()); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.logger.Printf("reminders: %v", err)
		}
		wait := s.reminders.poll
		at, ok, err := s.store.earliestNextChange(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.logger.Printf("reminders: %v", err)
		case ok:
			wait = min(max(at.Sub(s.clock()), 0), wait)
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.reminders.wake:
			if !timer.Stop() {
				<-timer.C
			}
		case <-timer.C:
		}
	}
}

// ScheduledReminder is one case due for a look, as GET /reminders lists it.
type ScheduledReminder struct {
	CaseID string    `json:"case_id"`
	At     time.Time `json:"at"`
}

// listReminders answers GET /reminders?limit=N (default 100, at most 10000): `reminders`, the
// cases due for a look, earliest first (from cases.next_change), and `recorded`, the latest
// reminders recorded, latest first — the supervision board's "what changes next" and "what
// changed".
func (s *Server) listReminders(w http.ResponseWriter, r *http.Request) {
	if s.reminders == nil {
		fail(w, http.StatusNotFound, "", "this portal keeps no reminder schedule")
		return
	}
	limit := 100
	if q := r.URL.Query().Get("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 10000 {
			fail(w, http.StatusBadRequest, "limit", "limit %q is not a whole number from 1 to 10000", q)
			return
		}
		limit = n
	}
	loc := s.holder.Current().Latest().Calendar().Location()
	upcoming, err := s.store.upcoming(r.Context(), limit, loc)
	if err != nil {
		s.fault(w, r, err)
		return
	}
	recorded, err := s.store.recorded(r.Context(), limit, loc)
	if err != nil {
		s.fault(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reminders": upcoming, "recorded": recorded})
}

// runReminders is RunReminders for main: it logs why the scheduler stopped, unless the portal
// is shutting down.
func (s *Server) runReminders(ctx context.Context) {
	if err := s.RunReminders(ctx); err != nil && ctx.Err() == nil {
		s.logger.Printf("reminders stopped: %v", err)
	}
}

// dueCase is a case whose next_change is due.
type dueCase struct {
	id string
	at time.Time
}

// dueCases lists up to limit cases whose next_change is at or before now, earliest first
// (ties by id): a range scan of the cases_next_change index.
func (s *store) dueCases(ctx context.Context, now time.Time, limit int) ([]dueCase, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, next_change FROM cases WHERE next_change IS NOT NULL AND next_change <= ? ORDER BY next_change, id LIMIT ?`), dbTime(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dueCase
	for rows.Next() {
		var d dueCase
		var at string
		if err := rows.Scan(&d.id, &at); err != nil {
			return nil, err
		}
		if d.at, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("portal: case %s has a bad next_change %q: %w", d.id, at, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// earliestNextChange is the earliest next_change of all cases (the first entry of the
// index); ok is false when no case has one.
func (s *store) earliestNextChange(ctx context.Context) (at time.Time, ok bool, err error) {
	var text sql.NullString
	if err := s.read.QueryRowContext(ctx, `SELECT MIN(next_change) FROM cases`).Scan(&text); err != nil {
		return time.Time{}, false, err
	}
	if !text.Valid {
		return time.Time{}, false, nil
	}
	at, err = time.Parse(time.RFC3339Nano, text.String)
	return at, err == nil, err
}

// advanceNextChange moves case id's next_change from at to next (zero: NULL) unless the case
// changed meanwhile (another event, or another replica moved it first).
func (s *store) advanceNextChange(ctx context.Context, id string, at time.Time, count int, next time.Time) error {
	var v any
	if !next.IsZero() {
		v = dbTime(next)
	}
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET next_change = ? WHERE id = ? AND next_change = ? AND event_count = ?`), v, id, dbTime(at), count)
		return err
	})
}

// recordReminder records m unless it was recorded before; true when this call recorded it,
// and then it holds the reminder's delivery claim for reminderLease. INSERT … ON CONFLICT DO
// NOTHING is the same statement in SQLite (3.24+) and PostgreSQL.
func (s *store) recordReminder(ctx context.Context, m Reminder, now time.Time) (bool, error) {
	inserted := false
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO reminders (case_id, kind, ref, at, label, recorded_at, claimed_until) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (case_id, kind, ref, at) DO NOTHING`), m.CaseID, m.Kind, m.Ref, dbTime(m.At), m.Label, dbTime(now), dbTime(now.Add(reminderLease)))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		inserted = n == 1
		return err
	})
	return inserted, err
}

// Redelivery of reminders the notifier refused (a webhook receiver that was down).
const (
	// reminderLease is how long the replica that recorded (or claimed) a reminder has to
	// deliver it before another replica may: a replica that dies mid-delivery delays a
	// reminder by this much, never loses it.
	reminderLease = 5 * time.Minute
	// maxNotifyAttempts bounds the deliveries of one reminder; after the last failure it stays
	// recorded and not notified, listed by GET /reminders.
	maxNotifyAttempts = 8
	// firstRetry is the pause after the first failed delivery; it doubles after each, up to
	// maxRetryPause.
	firstRetry    = time.Minute
	maxRetryPause = time.Hour
)

// notifyFailed records a failed delivery of m: one more attempt, and the next no sooner than
// the backoff.
func (s *store) notifyFailed(ctx context.Context, m Reminder, attempts int, now time.Time) error {
	pause := firstRetry
	for i := 1; i < attempts && pause < maxRetryPause; i++ {
		pause *= 2
	}
	pause = min(pause, maxRetryPause)
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE reminders SET attempts = ?, claimed_until = ? WHERE case_id = ? AND kind = ? AND ref = ? AND at = ? AND notified_at IS NULL`),
			attempts, dbTime(now.Add(pause)), m.CaseID, m.Kind, m.Ref, dbTime(m.At))
		return err
	})
}

// pendingReminder is a recorded reminder not yet notified, as claimPending returns it.
type pendingReminder struct {
	Reminder
	attempts int
}

// claimPending claims up to limit reminders whose delivery is due again (not notified, fewer
// than maxNotifyAttempts attempts, claim expired at now) for reminderLease: a conditional
// update each, so that of two replicas claiming at once, one gets each reminder.
func (s *store) claimPending(ctx context.Context, now time.Time, limit int) ([]pendingReminder, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT case_id, kind, ref, label, at, attempts, claimed_until FROM reminders
		WHERE notified_at IS NULL AND claimed_until <= ? AND attempts < ? ORDER BY claimed_until, case_id LIMIT ?`), dbTime(now), maxNotifyAttempts, limit)
	if err != nil {
		return nil, err
	}
	type row struct {
		p     pendingReminder
		at    string
		claim string
	}
	var found []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.p.CaseID, &r.p.Kind, &r.p.Ref, &r.p.Label, &r.at, &r.p.attempts, &r.claim); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, r)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	rows.Close()
	var out []pendingReminder
	for _, r := range found {
		at, err := time.Parse(time.RFC3339Nano, r.at)
		if err != nil {
			return out, fmt.Errorf("portal: a reminder of case %s has a bad instant %q: %w", r.p.CaseID, r.at, err)
		}
		r.p.At = at
		claimed := false
		err = s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, s.q(`UPDATE reminders SET claimed_until = ? WHERE case_id = ? AND kind = ? AND ref = ? AND at = ? AND notified_at IS NULL AND claimed_until = ?`),
				dbTime(now.Add(reminderLease)), r.p.CaseID, r.p.Kind, r.p.Ref, r.at, r.claim)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			claimed = n == 1
			return err
		})
		if err != nil {
			return out, err
		}
		if claimed {
			out = append(out, r.p)
		}
	}
	return out, nil
}

// markNotified records that the notifier took m.
func (s *store) markNotified(ctx context.Context, m Reminder, now time.Time) error {
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE reminders SET notified_at = ? WHERE case_id = ? AND kind = ? AND ref = ? AND at = ?`),
			dbTime(now), m.CaseID, m.Kind, m.Ref, dbTime(m.At))
		return err
	})
}

// upcoming lists up to limit cases due for a look, earliest first, with instants in loc.
func (s *store) upcoming(ctx context.Context, limit int, loc *time.Location) ([]ScheduledReminder, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, next_change FROM cases WHERE next_change IS NOT NULL ORDER BY next_change, id LIMIT ?`), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ScheduledReminder{}
	for rows.Next() {
		var r ScheduledReminder
		var at string
		if err := rows.Scan(&r.CaseID, &at); err != nil {
			return nil, err
		}
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			return nil, fmt.Errorf("portal: case %s has a bad next_change %q: %w", r.CaseID, at, err)
		}
		r.At = t.In(loc)
		out = append(out, r)
	}
	return out, rows.Err()
}

// recordedReminder is one row of the reminders table as GET /reminders lists it.
type recordedReminder struct {
	Reminder
	Notified bool `json:"notified"`
}

// recorded lists up to limit recorded reminders, latest first, with instants in loc.
func (s *store) recorded(ctx context.Context, limit int, loc *time.Location) ([]recordedReminder, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT case_id, kind, ref, label, at, notified_at FROM reminders ORDER BY at DESC, case_id, kind, ref LIMIT ?`), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []recordedReminder{}
	for rows.Next() {
		var r recordedReminder
		var at string
		var notified sql.NullString
		if err := rows.Scan(&r.CaseID, &r.Kind, &r.Ref, &r.Label, &at, &notified); err != nil {
			return nil, err
		}
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			return nil, fmt.Errorf("portal: a reminder of case %s has a bad instant %q: %w", r.CaseID, at, err)
		}
		r.At, r.Notified = t.In(loc), notified.Valid
		out = append(out, r)
	}
	return out, rows.Err()
}
