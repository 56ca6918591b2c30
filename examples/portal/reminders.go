package main

import (
	"container/heap"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/shixian-go/shixian/sla"
)

// Reminders is the portal's reminder schedule: for every case, the one instant at which it must
// be looked at again — the case's sla.Status.NextChange (a warning crossed, the case or one of
// its unit's targets turning overdue), or its next recorded event if that comes first. Nothing
// polls: the schedule is filled once at start-up from the stored cases and then kept by the
// writes themselves (each new case or event reschedules its case), and RunReminders sleeps
// until the earliest instant, recomputes only the cases due then, tells the notifier, and
// schedules each one's next change. A case with nothing to come (closed with its follow-up
// visit done, paused, already overdue with no target running) has no entry at all.
//
// The schedule lives in memory, one entry per case with something to come; a restart rebuilds
// it with one pass over the cases. Safe for concurrent use.
type Reminders struct {
	mu     sync.Mutex
	queue  reminderQueue        // by instant; entries that disagree with when are stale
	when   map[string]time.Time // the instant each scheduled case is due for a look
	wake   chan struct{}        // a schedule changed: RunReminders recomputes its sleep
	notify func(Reminder)
}

// Reminder is one change of a case's status that happened with no new event: the case, the
// instant, and the status from that instant on.
type Reminder struct {
	CaseID string
	At     time.Time
	Status sla.Status
}

// NewReminders returns an empty schedule that reports each change to notify (nil: to nobody;
// the schedule still answers GET /reminders). notify is called from RunReminders' goroutine,
// one reminder at a time.
func NewReminders(notify func(Reminder)) *Reminders {
	if notify == nil {
		notify = func(Reminder) {}
	}
	return &Reminders{when: map[string]time.Time{}, wake: make(chan struct{}, 1), notify: notify}
}

// WithReminders makes the server keep rem up to date on every write and lets RunReminders and
// GET /reminders use it.
func WithReminders(rem *Reminders) Option {
	return func(s *Server) error {
		if rem == nil {
			return errors.New("portal: WithReminders: nil schedule")
		}
		s.reminders = rem
		return nil
	}
}

type reminderEntry struct {
	id string
	at time.Time
}

type reminderQueue []reminderEntry

func (q reminderQueue) Len() int           { return len(q) }
func (q reminderQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q reminderQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *reminderQueue) Push(x any)        { *q = append(*q, x.(reminderEntry)) }
func (q *reminderQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// Schedule sets the instant case id is next due for a look; zero removes it.
func (r *Reminders) Schedule(id string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if at.IsZero() {
		delete(r.when, id)
	} else {
		if old, ok := r.when[id]; ok && old.Equal(at) {
			return
		}
		r.when[id] = at
		heap.Push(&r.queue, reminderEntry{id: id, at: at})
	}
	r.compact()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// compact drops the stale entries once they outnumber the live ones, so that a case
// rescheduled many times does not grow the queue. r.mu is held.
func (r *Reminders) compact() {
	if len(r.queue) <= 2*len(r.when)+64 {
		return
	}
	live := r.queue[:0]
	for _, e := range r.queue {
		if at, ok := r.when[e.id]; ok && at.Equal(e.at) {
			live = append(live, e)
		}
	}
	clear(r.queue[len(live):])
	r.queue = live
	heap.Init(&r.queue)
}

// next returns the earliest live entry; ok is false when nothing is scheduled. r.mu is held.
func (r *Reminders) next() (e reminderEntry, ok bool) {
	for len(r.queue) > 0 {
		e = r.queue[0]
		if at, live := r.when[e.id]; live && at.Equal(e.at) {
			return e, true
		}
		heap.Pop(&r.queue)
	}
	return reminderEntry{}, false
}

// Next returns the earliest scheduled instant; ok is false when nothing is scheduled.
func (r *Reminders) Next() (at time.Time, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.next()
	return e.at, ok
}

// takeDue removes and returns the entries due at or before now, earliest first.
func (r *Reminders) takeDue(now time.Time) []reminderEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []reminderEntry
	for {
		e, ok := r.next()
		if !ok || e.at.After(now) {
			return out
		}
		heap.Pop(&r.queue)
		delete(r.when, e.id)
		out = append(out, e)
	}
}

// ScheduledReminder is one entry of the schedule, as GET /reminders lists it.
type ScheduledReminder struct {
	CaseID string    `json:"case_id"`
	At     time.Time `json:"at"`
}

// Scheduled returns up to limit entries, earliest first (ties by case id).
func (r *Reminders) Scheduled(limit int) []ScheduledReminder {
	r.mu.Lock()
	out := make([]ScheduledReminder, 0, len(r.when))
	for id, at := range r.when {
		out = append(out, ScheduledReminder{CaseID: id, At: at})
	}
	r.mu.Unlock()
	slices.SortFunc(out, func(a, b ScheduledReminder) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if a.CaseID < b.CaseID {
			return -1
		}
		if a.CaseID > b.CaseID {
			return 1
		}
		return 0
	})
	return out[:min(limit, len(out))]
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

// remind reschedules case c after a write, from the wall clock. A server without a schedule
// does nothing.
func (s *Server) remind(p statusSource, c sla.Case) {
	if s.reminders == nil {
		return
	}
	s.reminders.Schedule(c.ID, nextLook(p, c, s.clock()))
}

// remindStored reschedules the stored case id after a write (see remind).
func (s *Server) remindStored(ctx context.Context, id string) {
	if s.reminders == nil {
		return
	}
	sc, err := s.store.getCase(ctx, s.store.read, id)
	if err != nil {
		s.logger.Printf("reminders: case %s: %v", id, err)
		return
	}
	p, err := s.policyFor(sc)
	if err != nil {
		s.logger.Printf("reminders: case %s: %v", id, err)
		return
	}
	s.remind(p, sc.Case)
}

// policyChanged rebuilds the schedule after a policy activation: a new version may move the
// warnings and deadlines of the cases it governs. It is one pass over the cases, as at start-up,
// done before POST /policy answers; a failure is logged and leaves the earlier instants.
func (s *Server) policyChanged(ctx context.Context) {
	if s.reminders == nil {
		return
	}
	if err := s.LoadReminders(ctx); err != nil {
		s.logger.Printf("reminders: reloading after the policy change: %v", err)
	}
}

// LoadReminders fills the schedule from every stored case, from the wall clock: the one pass
// over the cases, at start-up.
func (s *Server) LoadReminders(ctx context.Context) error {
	if s.reminders == nil {
		return errors.New("portal: no reminder schedule (WithReminders)")
	}
	return s.store.eachCase(ctx, func(sc storedCase) error {
		p, err := s.policyFor(sc)
		if err != nil {
			s.logger.Printf("reminders: case %s: %v", sc.Case.ID, err)
			return nil
		}
		s.remind(p, sc.Case)
		return nil
	})
}

// FireReminders handles every case due for a look at or before now: its status at its due
// instant goes to the notifier and its next look is scheduled. A case due several times
// before now (the clock jumped, or the machine slept) is handled once per change, in order.
// It returns how many reminders went out.
func (s *Server) FireReminders(ctx context.Context, now time.Time) (int, error) {
	if s.reminders == nil {
		return 0, errors.New("portal: no reminder schedule (WithReminders)")
	}
	sent := 0
	for {
		due := s.reminders.takeDue(now)
		if len(due) == 0 {
			return sent, nil
		}
		for _, e := range due {
			if err := ctx.Err(); err != nil {
				s.reminders.Schedule(e.id, e.at) // not handled: keep it
				return sent, err
			}
			sc, err := s.store.getCase(ctx, s.store.read, e.id)
			if err != nil {
				s.logger.Printf("reminders: case %s: %v", e.id, err)
				continue
			}
			p, err := s.policyFor(sc)
			if err != nil {
				s.logger.Printf("reminders: case %s: %v", e.id, err)
				continue
			}
			if st, err := p.StatusAt(sc.Case, e.at); err == nil {
				s.reminders.notify(Reminder{CaseID: e.id, At: e.at, Status: st})
				sent++
			}
			// The next look after this one: it may be at or before now as well, and is then
			// taken by the next round.
			s.reminders.Schedule(e.id, nextLook(p, sc.Case, e.at))
		}
	}
}

// RunReminders fills the schedule (LoadReminders) and then, until ctx is done, sleeps until
// the earliest scheduled instant by the server's clock, fires what is due (FireReminders) and
// sleeps again; a write that schedules an earlier instant wakes it. It returns ctx's error.
func (s *Server) RunReminders(ctx context.Context) error {
	if err := s.LoadReminders(ctx); err != nil {
		return err
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if _, err := s.FireReminders(ctx, s.clock()); err != nil {
			return err
		}
		wait := 24 * time.Hour // nothing scheduled: a write will wake us
		if at, ok := s.reminders.Next(); ok {
			wait = max(at.Sub(s.clock()), 0)
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

// listReminders answers GET /reminders?limit=N (default 100, at most 10000): the cases due for
// a look, earliest first — the supervision board's "what changes next".
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
	writeJSON(w, http.StatusOK, map[string]any{"reminders": s.reminders.Scheduled(limit)})
}

// logReminder is the notifier main uses: one log line per change, saying what changed at that
// instant (the warnings crossed, the targets turned overdue) and the state a clerk acts on.
func logReminder(logger interface{ Printf(string, ...any) }) func(Reminder) {
	return func(m Reminder) {
		what := "state " + string(m.Status.State)
		for _, w := range m.Status.Warnings {
			if w.At.Equal(m.At) {
				what += ", warning " + w.ID + " " + w.Label
			}
		}
		for _, t := range m.Status.Targets {
			if t.Done.IsZero() && t.Due.Equal(m.At) {
				what += ", target " + t.ID + " overdue"
				if t.Unit != "" {
					what += " (" + t.Unit + ")"
				}
			}
		}
		logger.Printf("reminder: case %s at %s: %s", m.CaseID, m.At.Format("2006-01-02 15:04 MST"), what)
	}
}

// runReminders is RunReminders for main: it logs why the schedule stopped, unless the portal is
// shutting down.
func (s *Server) runReminders(ctx context.Context) {
	if err := s.RunReminders(ctx); err != nil && ctx.Err() == nil {
		s.logger.Printf("reminders stopped: %v", err)
	}
}
