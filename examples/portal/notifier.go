package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Notifier receives each reminder the scheduler records (reminders.go), once per reminder
// across restarts and replicas. Notify is called from the scheduler's goroutine, one reminder
// at a time; its error is logged and the reminder stays recorded as not notified.
type Notifier interface {
	Notify(ctx context.Context, r Reminder) error
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, r Reminder) error

// Notify calls f.
func (f NotifierFunc) Notify(ctx context.Context, r Reminder) error { return f(ctx, r) }

// LogNotifier writes one log line per reminder: the case, the instant, what changed, and the
// state a clerk acts on.
type LogNotifier struct {
	Logger interface{ Printf(string, ...any) }
}

// Notify logs r.
func (n LogNotifier) Notify(_ context.Context, r Reminder) error {
	n.Logger.Printf("reminder: case %s at %s: %s %s %s; state %s", r.CaseID, r.At.Format("2006-01-02 15:04 MST"), r.Kind, r.Ref, r.Label, r.Status.State)
	return nil
}

// WebhookNotifier POSTs each reminder as JSON (webhookPayload) to a URL. An attempt that
// fails — no answer within Timeout, a network error, a 5xx or a 429 — is retried after a
// pause that doubles from Backoff, up to Attempts attempts in all; any other answer that is not
// 2xx (a 4xx: the receiver refuses the payload, a 3xx: redirects are not followed) fails at
// once, since sending it again would be refused again.
type WebhookNotifier struct {
	url      string
	client   *http.Client
	attempts int
	backoff  time.Duration
}

// Webhook defaults.
const (
	DefaultWebhookTimeout  = 10 * time.Second
	DefaultWebhookAttempts = 3
	DefaultWebhookBackoff  = time.Second
)

// NewWebhookNotifier returns a notifier posting to rawURL, which must be an absolute http or
// https URL with a host (anything else — file:, gopher:, a relative path — is refused: the
// portal's reminders must not be turned into reads of local files or other protocols).
// timeout bounds each attempt, attempts (≥ 1) the attempts per reminder, backoff the first
// pause between them; zero values take the defaults.
func NewWebhookNotifier(rawURL string, timeout time.Duration, attempts int, backoff time.Duration) (*WebhookNotifier, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("webhook URL %q: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("webhook URL %q: the scheme must be http or https", rawURL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("webhook URL %q: no host", rawURL)
	}
	if timeout < 0 || attempts < 0 || backoff < 0 || attempts > 20 {
		return nil, fmt.Errorf("webhook: timeout %v, attempts %d, backoff %v: must not be negative, attempts at most 20", timeout, attempts, backoff)
	}
	if timeout == 0 {
		timeout = DefaultWebhookTimeout
	}
	if attempts == 0 {
		attempts = DefaultWebhookAttempts
	}
	if backoff == 0 {
		backoff = DefaultWebhookBackoff
	}
	client := &http.Client{
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return &WebhookNotifier{url: u.String(), client: client, attempts: attempts, backoff: backoff}, nil
}

// webhookPayload is the JSON body a webhook receives.
type webhookPayload struct {
	Reminder
	State         string    `json:"state"`
	Tier          string    `json:"tier,omitempty"`
	Due           time.Time `json:"due,omitzero"`
	RemainingDays int       `json:"remaining_days"`
	OverdueDays   int       `json:"overdue_days"`
}

// errPermanent marks an answer that retrying cannot change.
var errPermanent = errors.New("not retried")

// Notify posts r, retrying as the type's documentation says.
func (n *WebhookNotifier) Notify(ctx context.Context, r Reminder) error {
	body, err := json.Marshal(webhookPayload{Reminder: r, State: string(r.Status.State), Tier: r.Status.Tier,
		Due: r.Status.JudgedDue, RemainingDays: r.Status.RemainingDays, OverdueDays: r.Status.OverdueDays})
	if err != nil {
		return err
	}
	pause := n.backoff
	for attempt := 1; ; attempt++ {
		err = n.post(ctx, body)
		if err == nil || errors.Is(err, errPermanent) || attempt >= n.attempts {
			if err != nil {
				return fmt.Errorf("webhook: attempt %d of %d: %w", attempt, n.attempts, err)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("webhook: attempt %d of %d: %w (then %w)", attempt, n.attempts, err, ctx.Err())
		case <-time.After(pause):
		}
		pause *= 2
	}
}

func (n *WebhookNotifier) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %w", errPermanent, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("the receiver answered %s", resp.Status)
	default:
		return fmt.Errorf("%w: the receiver answered %s", errPermanent, resp.Status)
	}
}
