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

// collected gathers the reminders a schedule sends.
type collected struct {
	mu  sync.Mutex
	got []Reminder
}

func (c *collected) notify(m Reminder) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, m)
}

// lines renders the reminders as "case at state warning".
func (c *collected) lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.got {
		out = append(out, m.CaseID+" "+m.At.Format("01-02 15:04")+" "+string(m.Status.State)+" "+m.Status.Warning)
	}
	return out
}

// TestRemindersSchedule: the schedule keeps one instant per case, earliest first.
func TestRemindersSchedule(t *testing.T) {
	r := NewReminders(nil)
	_, ok := r.Next()
	assert.False(t, ok, "an empty schedule has no next instant")

	r.Schedule("B", remAt("2025-10-22 12:00"))
	r.Schedule("A", remAt("2025-10-23 00:00"))
	at, ok := r.Next()
	require.True(t, ok)
	assert.True(t, at.Equal(remAt("2025-10-22 12:00")), "the earliest case comes first: %v", at)

	r.Schedule("B", remAt("2025-10-24 00:00")) // B rescheduled later: its old instant is stale
	at, _ = r.Next()
	assert.True(t, at.Equal(remAt("2025-10-23 00:00")), "a rescheduled case's old instant is forgotten: %v", at)
	assert.Equal(t, []ScheduledReminder{{"A", remAt("2025-10-23 00:00")}, {"B", remAt("2025-10-24 00:00")}}, r.Scheduled(10))
	assert.Len(t, r.Scheduled(1), 1, "the listing is bounded by its limit")

	r.Schedule("A", time.Time{})
	assert.Equal(t, []ScheduledReminder{{"B", remAt("2025-10-24 00:00")}}, r.Scheduled(10), "a zero instant removes the case")

	due := r.takeDue(remAt("2025-10-23 23:59"))
	assert.Empty(t, due, "nothing is due before its instant")
	due = r.takeDue(remAt("2025-10-24 00:00"))
	assert.Equal(t, []reminderEntry{{"B", remAt("2025-10-24 00:00")}}, due, "due at its instant")
	_, ok = r.Next()
	assert.False(t, ok, "taken entries leave the schedule")

	// A case rescheduled a thousand times keeps the queue small.
	for i := 0; i < 1000; i++ {
		r.Schedule("C", remAt("2025-10-24 00:00").Add(time.Duration(i)*time.Minute))
	}
	assert.LessOrEqual(t, len(r.queue), 2*len(r.when)+64+1, "stale entries are dropped")
	at, _ = r.Next()
	assert.True(t, at.Equal(remAt("2025-10-24 00:00").Add(999*time.Minute)), "%v", at)
}

// TestRemindersFromNextChange: a portal with a schedule is told each change of a case's status
// when it happens, from Status.NextChange, with no scan. A T3 case accepted Monday 2025-10-20
// 08:00 counts 10-21, 10-22 and 10-23: yellow (50%) at 10-22 12:00, the last day 10-23 00:00,
// orange (80%) 10-23 09:36, overdue at Due 10-24 00:00. The portal's clock starts at 10-20
// 09:00 and moves as the test says.
func TestRemindersFromNextChange(t *testing.T) {
	var seen collected
	rem := NewReminders(seen.notify)
	clock := &testWallClock{now: remAt("2025-10-20 09:00")}
	e := newEnv(t, tempDB(t), nil, WithReminders(rem), WithClock(clock.get))
	e.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})

	code, out := e.as(supervisorToken).callJSON("GET", "/reminders", nil)
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, []any{map[string]any{"case_id": "C-1", "at": "2025-10-22T12:00:00+08:00"}}, out["reminders"],
		"after intake the case is due for a look when it turns yellow")
	code, _ = e.as(clerkToken).callJSON("GET", "/reminders", nil)
	assert.Equal(t, http.StatusForbidden, code, "the schedule is for supervisors")
	code, out = e.as(supervisorToken).callJSON("GET", "/reminders?limit=0", nil)
	assert.Equal(t, http.StatusBadRequest, code, "%v", out)
	assert.Equal(t, "limit", out["field"])

	n, err := e.srv.FireReminders(context.Background(), remAt("2025-10-22 11:59"))
	require.NoError(t, err)
	assert.Zero(t, n, "nothing changes before yellow")
	n, err = e.srv.FireReminders(context.Background(), remAt("2025-10-25 00:00"))
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.Equal(t, []string{
		"C-1 10-22 12:00 warning yellow",
		"C-1 10-23 00:00 warning last_day",
		"C-1 10-23 09:36 warning orange",
		"C-1 10-24 00:00 overdue orange",
	}, seen.lines(), "one reminder per change, at its instant, in order")
	at, ok := rem.Next()
	require.True(t, ok)
	assert.True(t, at.Equal(remAt("2025-10-28 00:00")), "an overdue case is next looked at when it reaches 挂牌督办, 3 working days after its last day: %v", at)

	// An event reschedules its case: transferred on the 24th at 09:00 (the clock says so too),
	// the unit's sign-for target is due the same day at 14:30 (4 working hours, lunch excluded).
	clock.set(remAt("2025-10-24 09:00"))
	e.mustEvent("C-1", map[string]any{"type": "transferred", "at": "2025-10-24T09:00:00+08:00", "unit": "社保中心"})
	at, ok = rem.Next()
	require.True(t, ok)
	assert.True(t, at.Equal(remAt("2025-10-24 14:30")), "the next look is the sign-for target's due instant: %v", at)

	// An event recorded ahead of the clock (the sign-for at 10:00 entered at 09:00) takes effect
	// at its own instant: that is the next look, before 14:30.
	e.mustEvent("C-1", map[string]any{"type": "signed_for", "at": "2025-10-24T10:00:00+08:00", "unit": "社保中心"})
	at, _ = rem.Next()
	assert.True(t, at.Equal(remAt("2025-10-24 10:00")), "%v", at)
}

// TestRemindersSurviveRestart: a restarted portal rebuilds its schedule from the stored cases
// in one pass, from its clock: each case is due for a look at its next change after the clock
// (what changed while the portal was down is already in the status the clock shows).
func TestRemindersSurviveRestart(t *testing.T) {
	path := tempDB(t)
	e := newEnv(t, path, nil)
	e.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})
	e.mustCreate("C-2", "2025-10-01T08:00:00+08:00", map[string]any{"cause": "complex"})
	e.close()

	rem := NewReminders(nil)
	var logs bytes.Buffer
	e2 := newEnv(t, path, nil, WithReminders(rem), WithLogger(log.New(&logs, "", 0)))
	require.NoError(t, e2.srv.LoadReminders(context.Background()))
	assert.Equal(t, []ScheduledReminder{{"C-1", remAt("2025-10-22 12:00")}}, rem.Scheduled(10),
		"C-1 is due for a look at yellow; C-2, overdue since 10-12 at the portal's clock (10-20), has nothing to come")
	assert.Empty(t, logs.String(), "no case failed to load")
}

// TestRunReminders: RunReminders loads the schedule, sleeps, and when the clock reaches a
// case's next change sends it and schedules the one after.
func TestRunReminders(t *testing.T) {
	var seen collected
	rem := NewReminders(seen.notify)
	clock := &testWallClock{now: remAt("2025-10-20 09:00")}
	path := tempDB(t)
	e := newEnv(t, path, nil)
	e.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})
	e.close()
	e2 := newEnv(t, path, nil, WithReminders(rem), WithClock(clock.get))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e2.srv.RunReminders(ctx) }()
	require.Eventually(t, func() bool { return len(rem.Scheduled(10)) == 1 }, 5*time.Second, 5*time.Millisecond, "the schedule is loaded")
	assert.Empty(t, seen.lines(), "nothing is due at 10-20 09:00")
	clock.set(remAt("2025-10-22 12:00"))
	select {
	case rem.wake <- struct{}{}: // the test's stand-in for the timer: time has jumped
	default:
	}
	require.Eventually(t, func() bool { return len(seen.lines()) == 1 }, 5*time.Second, 5*time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	assert.Equal(t, []string{"C-1 10-22 12:00 warning yellow"}, seen.lines())
	assert.Equal(t, []ScheduledReminder{{"C-1", remAt("2025-10-23 00:00")}}, rem.Scheduled(10), "then the last day")
}

// TestLogReminder: the log line says what changed at the instant.
func TestLogReminder(t *testing.T) {
	var seen collected
	rem := NewReminders(seen.notify)
	e := newEnv(t, tempDB(t), nil, WithReminders(rem))
	e.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})
	_, err := e.srv.FireReminders(context.Background(), remAt("2025-10-23 09:36"))
	require.NoError(t, err)
	var buf bytes.Buffer
	logf := logReminder(log.New(&buf, "", 0))
	for _, m := range seen.got {
		logf(m)
	}
	assert.Equal(t, "reminder: case C-1 at 2025-10-22 12:00 CST: state warning, warning yellow 黄灯预警（已用时限过半）\n"+
		"reminder: case C-1 at 2025-10-23 00:00 CST: state warning, warning last_day 最后一个工作日\n"+
		"reminder: case C-1 at 2025-10-23 09:36 CST: state warning, warning orange 橙灯预警（已用时限80%）\n", buf.String())
}

// TestRemindersAfterPolicyChange: activating a policy version rebuilds the schedule (a new
// version can move warnings and deadlines); the cases it does not govern keep their instants.
func TestRemindersAfterPolicyChange(t *testing.T) {
	rem := NewReminders(nil)
	base := parsePolicy(t, policyYAML(t, "  from: 2025-01-01\n", "  from: 2025-01-01\n  until: 2025-12-31\n"))
	e := newEnv(t, tempDB(t), base, WithReminders(rem))
	e.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})
	rem.Schedule("C-1", time.Time{}) // forget it: the reload must find it again
	v2026 := policyYAML(t, `version: "2025.1"`, `version: "2026.1"`, "  from: 2025-01-01", "  from: 2026-01-01")
	code, out := e.callJSON("POST", "/policy", string(v2026))
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, []ScheduledReminder{{"C-1", remAt("2025-10-22 12:00")}}, rem.Scheduled(10))
}
