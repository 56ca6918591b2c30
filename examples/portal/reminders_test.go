package main

import (
	"bytes"
	"context"
	"log"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
)

func remAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.CST())
	if err != nil {
		panic(err)
	}
	return t
}

// testWallClock is a wall clock a test moves.
type testWallClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testWallClock) get() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testWallClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// collected gathers the reminders a scheduler hands its notifier.
type collected struct {
	mu  sync.Mutex
	got []Reminder
}

func (c *collected) Notify(_ context.Context, m Reminder) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, m)
	return nil
}

// lines renders the reminders as "case at kind ref state".
func (c *collected) lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.got {
		out = append(out, m.CaseID+" "+m.At.In(calendar.CST()).Format("01-02 15:04")+" "+m.Kind+" "+m.Ref+" "+string(m.Status.State))
	}
	return out
}

// upcoming is GET /reminders' list of cases due for a look, as "case at".
func upcoming(t *testing.T, e *env) []string {
	t.Helper()
	code, out := e.as(supervisorToken).callJSON("GET", "/reminders", nil)
	require.Equal(t, http.StatusOK, code, "%v", out)
	var lines []string
	for _, r := range out["reminders"].([]any) {
		m := r.(map[string]any)
		lines = append(lines, m["case_id"].(string)+" "+m["at"].(string))
	}
	return lines
}

// TestRemindersFromNextChange: a portal is told each change of a case's status when it
// happens, from Status.NextChange stored in cases.next_change, with no scan. A T3 case accepted
// Monday 2025-10-20 08:00 counts 10-21, 10-22 and 10-23: yellow (50%) at 10-22 12:00, the last
// day 10-23 00:00, orange (80%) 10-23 09:36 (催办 reached with it), overdue at Due 10-24 00:00
// (督办 reached with it).
// The portal's clock starts at 10-20 09:00 and moves as the test says.
func TestRemindersFromNextChange(t *testing.T) {
	var seen collected
	clock := &testWallClock{now: remAt("2025-10-20 09:00")}
	e := newEnv(t, tempDB(t), nil, WithReminders(NewReminders(&seen)), WithClock(clock.get))
	e.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})

	assert.Equal(t, []string{"C-1 2025-10-22T12:00:00+08:00"}, upcoming(t, e), "after intake the case is due for a look when it turns yellow")
	code, _ := e.as(clerkToken).callJSON("GET", "/reminders", nil)
	assert.Equal(t, http.StatusForbidden, code, "the schedule is for supervisors")
	code, out := e.as(supervisorToken).callJSON("GET", "/reminders?limit=0", nil)
	assert.Equal(t, http.StatusBadRequest, code, "%v", out)
	assert.Equal(t, "limit", out["field"])

	n, err := e.srv.FireReminders(context.Background(), remAt("2025-10-22 11:59"))
	require.NoError(t, err)
	assert.Zero(t, n, "nothing changes before yellow")
	n, err = e.srv.FireReminders(context.Background(), remAt("2025-10-25 00:00"))
	require.NoError(t, err)
	want := []string{
		"C-1 10-22 12:00 warning yellow warning",
		"C-1 10-23 00:00 warning last_day warning",
		"C-1 10-23 09:36 warning orange warning",
		"C-1 10-23 09:36 supervision remind warning",
		"C-1 10-24 00:00 overdue case overdue",
		"C-1 10-24 00:00 supervision supervise overdue",
	}
	assert.Equal(t, want, seen.lines(), "one reminder per change, at its instant, in order")
	assert.Equal(t, len(want), n)
	assert.Equal(t, []string{"C-1 2025-10-28T00:00:00+08:00"}, upcoming(t, e),
		"an overdue case is next looked at when it reaches 挂牌督办, 3 working days after its last day")

	n, err = e.srv.FireReminders(context.Background(), remAt("2025-10-25 00:00"))
	require.NoError(t, err)
	assert.Zero(t, n, "firing again at the same instant records nothing")
	code, out = e.as(supervisorToken).callJSON("GET", "/reminders", nil)
	require.Equal(t, http.StatusOK, code)
	recorded := out["recorded"].([]any)
	require.Len(t, recorded, len(want), "GET /reminders lists what was recorded")
	assert.Equal(t, map[string]any{"case_id": "C-1", "kind": "warning", "ref": "yellow", "label": "黄灯预警（已用时限过半）",
		"at": "2025-10-22T12:00:00+08:00", "notified": true}, recorded[len(recorded)-1], "latest first, in the calendar's zone")

	// An event reschedules its case: transferred on the 24th at 09:00 (the clock says so too),
	// the unit's sign-for target is due the same day at 14:30 (4 working hours, lunch excluded).
	clock.set(remAt("2025-10-24 09:00"))
	e.mustEvent("C-1", map[string]any{"type": "transferred", "at": "2025-10-24T09:00:00+08:00", "unit": "社保中心"})
	assert.Equal(t, []string{"C-1 2025-10-24T14:30:00+08:00"}, upcoming(t, e), "the next look is the sign-for target's due instant")

	// An event recorded ahead of the clock (the sign-for at 10:00 entered at 09:00) takes effect
	// at its own instant: that is the next look, before 14:30.
	e.mustEvent("C-1", map[string]any{"type": "signed_for", "at": "2025-10-24T10:00:00+08:00", "unit": "社保中心"})
	assert.Equal(t, []string{"C-1 2025-10-24T10:00:00+08:00"}, upcoming(t, e))
}

// TestRemindersOnceAcrossReplicasAndRestarts: two portals on one database fire the same due
// cases at the same time; each reminder is recorded and notified once in all, and a portal
// restarted afterwards records nothing again.
func TestRemindersOnceAcrossReplicasAndRestarts(t *testing.T) {
	path := tempDB(t)
	var seenA, seenB collected
	a := newEnv(t, path, nil, WithReminders(NewReminders(&seenA)))
	b := newEnv(t, path, nil, WithReminders(NewReminders(&seenB)))
	for _, id := range []string{"C-1", "C-2", "C-3", "C-4"} {
		a.mustCreate(id, "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})
	}
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, e := range []*env{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := e.srv.FireReminders(context.Background(), remAt("2025-10-25 00:00"))
			assert.NoError(t, err)
			counts[i] = n
		}()
	}
	wg.Wait()
	all := append(seenA.lines(), seenB.lines()...)
	assert.Len(t, all, 4*6, "six changes per case, each notified once by one of the two")
	assert.ElementsMatch(t, uniq(all), all, "no reminder was notified twice")
	assert.Equal(t, 4*6, counts[0]+counts[1])
	var rows int
	require.NoError(t, a.queryRow(`SELECT COUNT(*) FROM reminders`).Scan(&rows))
	assert.Equal(t, 4*6, rows)

	a.close()
	b.close()
	var seenC collected
	c := newEnv(t, path, nil, WithReminders(NewReminders(&seenC)))
	// Moved back by hand, as if the portal had crashed between recording and moving on.
	_, err := c.exec(`UPDATE cases SET next_change = ?`, dbTime(remAt("2025-10-22 12:00")))
	require.NoError(t, err)
	n, err := c.srv.FireReminders(context.Background(), remAt("2025-10-25 00:00"))
	require.NoError(t, err)
	assert.Zero(t, n, "a restarted portal records and notifies nothing twice")
	assert.Empty(t, seenC.lines())
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// TestRemindersSurviveRestart: next_change is stored with the case, so a restarted portal
// needs no rebuilding pass: what it lists is what the writes stored.
func TestRemindersSurviveRestart(t *testing.T) {
	path := tempDB(t)
	e := newEnv(t, path, nil)
	e.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})
	e.close()
	e2 := newEnv(t, path, nil, WithReminders(NewReminders(nil)))
	assert.Equal(t, []string{"C-1 2025-10-22T12:00:00+08:00"}, upcoming(t, e2),
		"a portal without a scheduler keeps next_change too, for one that has one")
}

// TestRunReminders: RunReminders sleeps until the earliest next_change by the server's
// (fake) clock, and when the clock reaches it sends the change and moves on to the next.
func TestRunReminders(t *testing.T) {
	var seen collected
	rem := NewReminders(&seen)
	clock := &testWallClock{now: remAt("2025-10-20 09:00")}
	e := newEnv(t, tempDB(t), nil, WithReminders(rem), WithClock(clock.get))
	e.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.RunReminders(ctx) }()
	time.Sleep(50 * time.Millisecond)
	assert.Empty(t, seen.lines(), "nothing is due at 10-20 09:00")
	clock.set(remAt("2025-10-22 12:00"))
	e.srv.wakeReminders() // the test's stand-in for the timer: time has jumped
	require.Eventually(t, func() bool { return len(seen.lines()) == 1 }, 5*time.Second, 5*time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	assert.Equal(t, []string{"C-1 10-22 12:00 warning yellow warning"}, seen.lines())
	assert.Equal(t, []string{"C-1 2025-10-23T00:00:00+08:00"}, upcoming(t, e), "then the last day")
}

// TestLogNotifier: the log line says what changed at the instant.
func TestLogNotifier(t *testing.T) {
	var seen collected
	e := newEnv(t, tempDB(t), nil, WithReminders(NewReminders(&seen)))
	e.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})
	_, err := e.srv.FireReminders(context.Background(), remAt("2025-10-23 09:36"))
	require.NoError(t, err)
	var buf bytes.Buffer
	n := LogNotifier{Logger: log.New(&buf, "", 0)}
	for _, m := range seen.got {
		require.NoError(t, n.Notify(context.Background(), m))
	}
	assert.Equal(t, "reminder: case C-1 at 2025-10-22 12:00 CST: warning yellow 黄灯预警（已用时限过半）; state warning\n"+
		"reminder: case C-1 at 2025-10-23 00:00 CST: warning last_day 最后一个工作日; state warning\n"+
		"reminder: case C-1 at 2025-10-23 09:36 CST: warning orange 橙灯预警（已用时限80%）; state warning\n"+
		"reminder: case C-1 at 2025-10-23 09:36 CST: supervision remind 催办（科室负责人）; state warning\n", buf.String())
}

// TestRemindersAfterPolicyChange: activating a policy version recomputes every case's
// next_change (a new version can move warnings and deadlines).
func TestRemindersAfterPolicyChange(t *testing.T) {
	base := parsePolicy(t, policyYAML(t, "  from: 2025-01-01\n", "  from: 2025-01-01\n  until: 2025-12-31\n"))
	e := newEnv(t, tempDB(t), base, WithReminders(NewReminders(nil)))
	e.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})
	_, err := e.exec(`UPDATE cases SET next_change = NULL`) // forget it: the recomputation must find it again
	require.NoError(t, err)
	v2026 := policyYAML(t, `version: "2025.1"`, `version: "2026.1"`, "  from: 2025-01-01", "  from: 2026-01-01")
	code, out := e.callJSON("POST", "/policy", string(v2026))
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, []string{"C-1 2025-10-22T12:00:00+08:00"}, upcoming(t, e))
}

// TestNextChangeIsIndexed: the scheduler's queries use the index on next_change rather than
// scanning the cases (SQLite's and PostgreSQL's plans both name it).
func TestNextChangeIsIndexed(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	q := `SELECT id, next_change FROM cases WHERE next_change IS NOT NULL AND next_change <= ? ORDER BY next_change, id LIMIT 100`
	var plan string
	if e.driver == "pgx" {
		conn, err := e.db.Conn(context.Background())
		require.NoError(t, err)
		defer conn.Close()
		_, err = conn.ExecContext(context.Background(), `SET enable_seqscan = off`) // a tiny table would be scanned anyway
		require.NoError(t, err)
		rows, err := conn.QueryContext(context.Background(), `EXPLAIN `+Rebind(DialectDollar, q), dbTime(remAt("2025-10-25 00:00")))
		require.NoError(t, err)
		defer rows.Close()
		for rows.Next() {
			var line string
			require.NoError(t, rows.Scan(&line))
			plan += line + "\n"
		}
	} else {
		rows, err := e.db.Query(`EXPLAIN QUERY PLAN `+q, dbTime(remAt("2025-10-25 00:00")))
		require.NoError(t, err)
		defer rows.Close()
		for rows.Next() {
			var id, parent, notused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &notused, &detail))
			plan += detail + "\n"
		}
	}
	assert.Contains(t, plan, "cases_next_change", "the plan:\n%s", plan)
}
