package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

// testReminder is a reminder as the scheduler hands it over.
func testReminder() Reminder {
	due := time.Date(2025, 10, 24, 0, 0, 0, 0, calendar.CST())
	return Reminder{CaseID: "C-1", Kind: ReminderOverdue, Ref: "case", Label: "超期", At: due,
		Status: sla.Status{State: sla.StateOverdue, Tier: "T3", JudgedDue: due}}
}

// TestWebhookRefusesURLs: a webhook URL that is not an absolute http(s) URL with a host is
// refused when the notifier is made, before any reminder.
func TestWebhookRefusesURLs(t *testing.T) {
	for _, tc := range []struct{ name, url string }{
		{"a local file", "file:///etc/passwd"},
		{"another protocol", "gopher://example.org/"},
		{"ftp", "ftp://example.org/hook"},
		{"a relative path", "/hooks/shixian"},
		{"no host", "http:///hook"},
		{"no URL at all", ""},
		{"a malformed URL", "http://[::1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewWebhookNotifier(tc.url, 0, 0, 0)
			assert.Error(t, err)
		})
	}
	_, err := NewWebhookNotifier("https://example.org/hook", 0, 21, 0)
	assert.Error(t, err, "more than 20 attempts is refused")
	_, err = NewWebhookNotifier("https://example.org/hook", -time.Second, 0, 0)
	assert.Error(t, err, "a negative timeout is refused")
}

// TestWebhookPosts: the receiver gets one POST of JSON naming the case, what changed, when,
// and the state.
func TestWebhookPosts(t *testing.T) {
	var got map[string]any
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		assert.Equal(t, http.MethodPost, r.Method)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		data, err := io.ReadAll(r.Body)
		assert.NoError(t, err)
		assert.NoError(t, json.Unmarshal(data, &got))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer ts.Close()
	n, err := NewWebhookNotifier(ts.URL+"/hook", time.Second, 3, time.Millisecond)
	require.NoError(t, err)
	require.NoError(t, n.Notify(context.Background(), testReminder()))
	assert.Equal(t, int32(1), calls.Load())
	assert.Equal(t, map[string]any{"case_id": "C-1", "kind": "overdue", "ref": "case", "label": "超期",
		"at": "2025-10-24T00:00:00+08:00", "state": "overdue", "tier": "T3", "due": "2025-10-24T00:00:00+08:00",
		"remaining_days": float64(0), "overdue_days": float64(0)}, got)
}

// TestWebhookRetries: failures the receiver may recover from are retried, up to the attempts
// allowed; answers that retrying cannot change are not.
func TestWebhookRetries(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers []int // the receiver's status codes, in order; then 200
		wantErr bool
		calls   int32
	}{
		{"a 500 then a 200 is delivered on the second attempt", []int{500}, false, 2},
		{"a 429 and a 503 then a 200 is delivered on the third attempt", []int{429, 503}, false, 3},
		{"three 502s exhaust the three attempts", []int{502, 502, 502}, true, 3},
		{"a 400 is not retried: the receiver refuses the payload", []int{400}, true, 1},
		{"a redirect is not followed and not retried", []int{302}, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(calls.Add(1)) - 1
				if i < len(tc.answers) {
					if tc.answers[i] == 302 {
						w.Header().Set("Location", "/elsewhere")
					}
					w.WriteHeader(tc.answers[i])
					return
				}
				w.WriteHeader(http.StatusOK)
			}))
			defer ts.Close()
			n, err := NewWebhookNotifier(ts.URL, time.Second, 3, time.Millisecond)
			require.NoError(t, err)
			err = n.Notify(context.Background(), testReminder())
			if tc.wantErr {
				assert.Error(t, err)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, tc.calls, calls.Load())
		})
	}
}

// TestWebhookTimeout: a receiver that does not answer within the timeout fails the attempt;
// after the last attempt the error says so, well before the receiver would have answered.
func TestWebhookTimeout(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer ts.Close()
	defer close(release)
	n, err := NewWebhookNotifier(ts.URL, 50*time.Millisecond, 2, time.Millisecond)
	require.NoError(t, err)
	start := time.Now()
	err = n.Notify(context.Background(), testReminder())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "attempt 2 of 2")
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, int32(2), calls.Load())
}

// TestWebhookFromTheScheduler: a scheduler with a webhook notifier delivers each recorded
// reminder and marks it notified; one the receiver refuses stays recorded, not notified.
func TestWebhookFromTheScheduler(t *testing.T) {
	var mu sync.Mutex
	var kinds []string
	refuse := "last_day"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		assert.NoError(t, json.NewDecoder(r.Body).Decode(&m))
		mu.Lock()
		kinds = append(kinds, m["ref"].(string))
		refused := m["ref"] == refuse
		mu.Unlock()
		if refused {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer ts.Close()
	n, err := NewWebhookNotifier(ts.URL, time.Second, 2, time.Millisecond)
	require.NoError(t, err)
	e := newEnv(t, tempDB(t), nil, WithReminders(NewReminders(n)))
	e.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})
	sent, err := e.srv.FireReminders(context.Background(), remAt("2025-10-23 00:00"))
	require.NoError(t, err)
	assert.Equal(t, 2, sent)
	mu.Lock()
	assert.Equal(t, []string{"yellow", "last_day"}, kinds)
	mu.Unlock()
	var notified, pending int
	require.NoError(t, e.queryRow(`SELECT COUNT(*) FROM reminders WHERE notified_at IS NOT NULL`).Scan(&notified))
	require.NoError(t, e.queryRow(`SELECT COUNT(*) FROM reminders WHERE notified_at IS NULL`).Scan(&pending))
	assert.Equal(t, 1, notified)
	assert.Equal(t, 1, pending, "the refused one stays recorded, not notified")

	// The receiver takes it now. It is delivered again once its pause (a minute after the
	// failure) is over, not before, and then marked notified.
	mu.Lock()
	refuse = ""
	mu.Unlock()
	_, err = e.srv.FireReminders(context.Background(), remAt("2025-10-23 00:00").Add(59*time.Second))
	require.NoError(t, err)
	mu.Lock()
	assert.Len(t, kinds, 2, "not redelivered during its pause")
	mu.Unlock()
	_, err = e.srv.FireReminders(context.Background(), remAt("2025-10-23 00:01"))
	require.NoError(t, err)
	mu.Lock()
	assert.Equal(t, []string{"yellow", "last_day", "last_day"}, kinds, "redelivered after its pause")
	mu.Unlock()
	require.NoError(t, e.queryRow(`SELECT COUNT(*) FROM reminders WHERE notified_at IS NULL`).Scan(&pending))
	assert.Zero(t, pending)
}

// TestRedeliveryIsBounded: a receiver that refuses every delivery gets a reminder at most
// maxNotifyAttempts times, however often the scheduler runs; the reminder stays listed as not
// notified. Two portals on the database never deliver the same attempt twice.
func TestRedeliveryIsBounded(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadRequest)
	}))
	defer ts.Close()
	n, err := NewWebhookNotifier(ts.URL, time.Second, 1, time.Millisecond)
	require.NoError(t, err)
	path := tempDB(t)
	a := newEnv(t, path, nil, WithReminders(NewReminders(n)))
	b := newEnv(t, path, nil, WithReminders(NewReminders(n)))
	a.mustCreate("C-1", "2025-10-20T08:00:00+08:00", map[string]any{"cause": "complex"})
	now := remAt("2025-10-22 12:00")
	_, err = a.srv.FireReminders(context.Background(), now)
	require.NoError(t, err)
	require.Equal(t, int32(1), calls.Load(), "the yellow warning, once")
	for range 40 { // 40 rounds, two hours apart: far more than the backoff needs
		now = now.Add(2 * time.Hour)
		for _, e := range []*env{a, b} {
			// Only the pending reminder: the case's later changes are moved out of the way.
			_, err := e.exec(`UPDATE cases SET next_change = NULL`)
			require.NoError(t, err)
			_, err = e.srv.FireReminders(context.Background(), now)
			require.NoError(t, err)
		}
	}
	assert.Equal(t, int32(maxNotifyAttempts), calls.Load())
	var attempts int
	require.NoError(t, a.queryRow(`SELECT attempts FROM reminders WHERE ref = 'yellow' AND notified_at IS NULL`).Scan(&attempts))
	assert.Equal(t, maxNotifyAttempts, attempts)
}
