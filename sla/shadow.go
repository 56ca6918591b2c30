package sla

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla/deadline"
)

// ShadowOutcome is what one policy decided for a case: the tier, the deciding rule ("" for the
// policy's default), the due instant of that tier counted from the acceptance, and the version.
type ShadowOutcome struct {
	Version string    `json:"version"`
	Tier    string    `json:"tier"`
	Rule    string    `json:"rule"` // "" when the default decided
	Due     time.Time `json:"due"`  // zero when no deadline could be counted (see Disagreement.Error)
}

// Disagreement is one case on which the candidate of a Shadow decided otherwise than the live
// policy: another tier, another deciding rule, or another due instant — or the candidate could
// not decide at all (Error says why).
type Disagreement struct {
	CaseID   string        `json:"case_id"`
	Accepted time.Time     `json:"accepted"`
	Live     ShadowOutcome `json:"live"`
	Shadow   ShadowOutcome `json:"shadow"`
	// Error is the candidate's failure (an input its schema refuses, a tier it has no deadline
	// for); empty when it decided.
	Error string `json:"error,omitempty"`
}

// ShadowCounts are the running counts of a Shadow. Observed = Agreed + Disagreed; a
// disagreement counts once in Disagreed and in every one of TierChanged, RuleChanged,
// DueChanged and CandidateErrors that applies.
type ShadowCounts struct {
	Observed        int64 `json:"observed"`
	Agreed          int64 `json:"agreed"`
	Disagreed       int64 `json:"disagreed"`
	TierChanged     int64 `json:"tier_changed"`
	RuleChanged     int64 `json:"rule_changed"`
	DueChanged      int64 `json:"due_changed"`
	CandidateErrors int64 `json:"candidate_errors"`
	// Dropped counts disagreements the sink never saw because its queue was full (a sink
	// slower than the cases arriving); they are still counted above and kept in Recent.
	Dropped int64 `json:"dropped"`
	// SinkPanics counts calls of the sink that panicked; the panic is recovered and delivery
	// goes on with the next disagreement.
	SinkPanics int64 `json:"sink_panics"`
}

// Limits of a Shadow's memory: the recent disagreements it keeps and the disagreements waiting
// for the sink.
const (
	// DefaultShadowRecent is how many recent disagreements a Shadow keeps when ShadowOptions
	// does not say.
	DefaultShadowRecent = 100
	// MaxShadowRecent bounds ShadowOptions.Recent.
	MaxShadowRecent = 10000
	// ShadowQueue is how many disagreements may wait for a slow sink before further ones are
	// dropped (and counted in ShadowCounts.Dropped).
	ShadowQueue = 1024
)

// ShadowOptions configure NewShadow.
type ShadowOptions struct {
	// Sink receives every disagreement, one at a time and in the order observed, on a goroutine
	// of the Shadow's own — never on the caller's — so that a slow sink cannot delay a live
	// decision. A sink that panics is counted (ShadowCounts.SinkPanics) and called again for the
	// next disagreement. Nil: disagreements are only counted and kept in Recent.
	Sink func(Disagreement)
	// Recent is how many of the latest disagreements Recent returns (0: DefaultShadowRecent; at
	// most MaxShadowRecent).
	Recent int
}

// Shadow runs a candidate policy beside the live one without letting it decide anything: the
// portal reports each live classification to Observe, the Shadow classifies the same input
// with the candidate, counts the deadline of the candidate's tier from the same acceptance, and
// reports every difference to the sink. When the caller is satisfied, Promote activates the
// candidate through the Holder.
//
// The candidate decides as if it governed the case: its rules and counting are applied whatever
// its effective range, so that next year's version can be watched on this year's cases. Only
// the decision at acceptance is compared (tier, rule and the initial deadline); later events
// are judged by the live policy alone.
//
// Observe never fails and never changes what the live path does: the candidate's own errors
// are disagreements, and a panic inside the candidate's evaluation is recovered and counted as
// a candidate error. Memory is bounded: Recent keeps at most MaxShadowRecent disagreements and
// at most ShadowQueue wait for the sink.
//
// A Shadow is safe for concurrent use. Close stops its delivery goroutine; a Shadow with a sink
// must be closed when it is no longer wanted.
type Shadow struct {
	holder    *Holder
	candidate *Policy
	sink      func(Disagreement)

	observed, disagreed, tierChanged, ruleChanged, dueChanged atomic.Int64
	candidateErrors, dropped, sinkPanics                      atomic.Int64

	mu       sync.Mutex
	closed   bool
	promoted bool
	recent   []Disagreement // ring of the latest disagreements
	next     int            // where the ring writes next
	full     bool           // the ring has wrapped
	queue    chan Disagreement
	done     chan struct{}
}

// NewShadow starts shadowing candidate beside the active history of holder. A nil holder or
// candidate, or a Recent outside 0..MaxShadowRecent, is refused with an error that satisfies
// ErrInvalid.
func NewShadow(holder *Holder, candidate *Policy, opts ShadowOptions) (*Shadow, error) {
	if holder == nil {
		return nil, diag.Errorf("sla", "NewShadow: holder is nil")
	}
	if candidate == nil {
		return nil, diag.Errorf("sla", "NewShadow: candidate policy is nil")
	}
	n := opts.Recent
	switch {
	case n < 0 || n > MaxShadowRecent:
		return nil, diag.Errorf("sla", "NewShadow: keeping %d recent disagreements is outside 0..%d", n, MaxShadowRecent)
	case n == 0:
		n = DefaultShadowRecent
	}
	s := &Shadow{holder: holder, candidate: candidate, sink: opts.Sink, recent: make([]Disagreement, n)}
	if s.sink != nil {
		s.queue = make(chan Disagreement, ShadowQueue)
		s.done = make(chan struct{})
		go s.deliver()
	}
	return s, nil
}

// Candidate returns the policy being shadowed.
func (s *Shadow) Candidate() *Policy { return s.candidate }

// Observe compares the candidate with a live decision: caseID and input are the case's, accepted
// its acceptance instant, live the decision the live policy took (rules.Decision from Classify
// or Accept) and liveDue the due instant of that decision's deadline. input is a
// map[string]any, or a struct read by rules.Set.ClassifyStruct; it is only read. After Close or
// a successful Promote, Observe does nothing.
func (s *Shadow) Observe(caseID string, input any, accepted time.Time, live rules.Decision, liveDue time.Time) {
	s.mu.Lock()
	stopped := s.closed || s.promoted
	s.mu.Unlock()
	if stopped {
		return
	}
	d := Disagreement{
		CaseID:   caseID,
		Accepted: accepted,
		Live:     ShadowOutcome{Version: live.PolicyVersion, Tier: live.Tier, Rule: live.RuleID, Due: liveDue},
	}
	d.Shadow, d.Error = s.decide(input, accepted)
	s.observed.Add(1)
	tier, rule, due := d.Shadow.Tier != d.Live.Tier, d.Shadow.Rule != d.Live.Rule, !d.Shadow.Due.Equal(d.Live.Due)
	if d.Error == "" && !tier && !rule && !due {
		return
	}
	s.disagreed.Add(1)
	if d.Error != "" {
		s.candidateErrors.Add(1)
	}
	if tier {
		s.tierChanged.Add(1)
	}
	if rule {
		s.ruleChanged.Add(1)
	}
	if due {
		s.dueChanged.Add(1)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recent[s.next] = d
	s.next++
	if s.next == len(s.recent) {
		s.next, s.full = 0, true
	}
	if s.queue != nil && !s.closed {
		select {
		case s.queue <- d:
		default:
			s.dropped.Add(1)
		}
	}
}

// decide is the candidate's outcome for input accepted at accepted; a failure is returned as
// text (it becomes Disagreement.Error), a panic included.
func (s *Shadow) decide(input any, accepted time.Time) (out ShadowOutcome, failure string) {
	out.Version = s.candidate.version
	defer func() {
		if r := recover(); r != nil {
			failure = fmt.Sprintf("the candidate failed: %v", r)
		}
	}()
	var dec rules.Decision
	var err error
	if m, ok := input.(map[string]any); ok {
		dec, err = s.candidate.set.Classify(m)
	} else {
		dec, err = s.candidate.set.ClassifyStruct(input)
	}
	if err != nil {
		return out, err.Error()
	}
	out.Tier, out.Rule = dec.Tier, dec.RuleID
	t, ok := s.candidate.Tier(dec.Tier)
	if !ok {
		return out, fmt.Sprintf("the candidate has no tier %q", dec.Tier)
	}
	dl, err := s.candidate.counter.Deadline(deadline.Request{Start: accepted, Period: t.Limit})
	if err != nil {
		return out, err.Error()
	}
	out.Due = dl.Due
	return out, ""
}

// deliver hands queued disagreements to the sink until Close.
func (s *Shadow) deliver() {
	defer close(s.done)
	for d := range s.queue {
		s.call(d)
	}
}

func (s *Shadow) call(d Disagreement) {
	defer func() {
		if recover() != nil {
			s.sinkPanics.Add(1)
		}
	}()
	s.sink(d)
}

// Counts returns the running counts.
func (s *Shadow) Counts() ShadowCounts {
	c := ShadowCounts{
		Observed:        s.observed.Load(),
		Disagreed:       s.disagreed.Load(),
		TierChanged:     s.tierChanged.Load(),
		RuleChanged:     s.ruleChanged.Load(),
		DueChanged:      s.dueChanged.Load(),
		CandidateErrors: s.candidateErrors.Load(),
		Dropped:         s.dropped.Load(),
		SinkPanics:      s.sinkPanics.Load(),
	}
	// Observed and Disagreed are loaded separately: clamp so that a count read mid-Observe
	// never shows a negative agreement.
	c.Agreed = max(c.Observed-c.Disagreed, 0)
	return c
}

// Recent returns up to n of the latest disagreements, newest first (n ≤ 0: all kept).
func (s *Shadow) Recent(n int) []Disagreement {
	s.mu.Lock()
	defer s.mu.Unlock()
	have := s.next
	if s.full {
		have = len(s.recent)
	}
	if n <= 0 || n > have {
		n = have
	}
	out := make([]Disagreement, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, s.recent[(s.next-i+len(s.recent))%len(s.recent)])
	}
	return out
}

// Promote activates the candidate through the holder (Holder.Activate with checks) and, when
// that succeeds, stops shadowing: the candidate now decides, and Observe does nothing. On
// failure the active history and the shadow are unchanged and the error is Activate's.
func (s *Shadow) Promote(checks ...Check) error {
	if err := s.holder.Activate(s.candidate, checks...); err != nil {
		return err
	}
	s.mu.Lock()
	s.promoted = true
	s.mu.Unlock()
	return nil
}

// Promoted reports whether Promote has activated the candidate.
func (s *Shadow) Promoted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.promoted
}

// Close stops shadowing and waits until the sink has been given every disagreement already
// queued. It is safe to call more than once.
func (s *Shadow) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	if s.queue != nil {
		close(s.queue)
	}
	s.mu.Unlock()
	if s.done != nil {
		<-s.done
	}
}
