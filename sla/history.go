package sla

import (
	"errors"
	"sort"
	"sync/atomic"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla/deadline"
)

// History holds the versions of one policy, each with its effective range, and picks the
// version that governs a case by the case's acceptance time — never by the wall clock — so that
// a rule change on 1 July does not reclassify a case accepted on 30 June.
//
// A History is immutable and safe for concurrent use.
type History struct {
	id       string
	versions []*Policy // sorted by effective start; ranges do not overlap
}

// NewHistory builds a history from versions of one policy. It is an error when the versions
// have different ids, repeat a version string, or have overlapping effective ranges (a case
// would then be governed by two versions). Gaps are allowed: a case accepted in a gap is an
// error at classification time.
func NewHistory(versions ...*Policy) (*History, error) {
	if len(versions) == 0 {
		return nil, diag.Errorf("sla", "a policy history needs at least one version")
	}
	sorted := make([]*Policy, 0, len(versions))
	for i, p := range versions {
		if p == nil {
			return nil, diag.Errorf("sla", "policy history: version %d is nil", i)
		}
		sorted = append(sorted, p)
	}
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].from.Before(sorted[j].from) })
	id := sorted[0].id
	seen := map[string]*Policy{}
	var errs []error
	for i, p := range sorted {
		if p.id != id {
			errs = append(errs, diag.Errorf("sla", "policy history: %s has id %q, but %s has id %q; a history holds versions of one policy", p.source, p.id, sorted[0].source, id))
		}
		if q, dup := seen[p.version]; dup {
			errs = append(errs, diag.Errorf("sla", "policy history: version %q appears twice (%s and %s)", p.version, q.source, p.source))
		}
		seen[p.version] = p
		if i > 0 {
			prev := sorted[i-1]
			if prev.until.IsZero() || prev.until.After(p.from) {
				errs = append(errs, diag.Errorf("sla", "policy history: %s (version %s, %s) overlaps %s (version %s, %s)",
					prev.source, prev.version, describeRange(prev), p.source, p.version, describeRange(p)))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &History{id: id, versions: sorted}, nil
}

// LoadHistory loads every policy file given and builds a History from them. Each file is read
// as LoadPolicy reads it: one larger than MaxPolicyBytes is refused while it is read. Every
// file's problems are reported together.
func LoadHistory(paths ...string) (*History, error) {
	var versions []*Policy
	var errs []error
	for _, path := range paths {
		p, err := LoadPolicy(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		versions = append(versions, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return NewHistory(versions...)
}

func describeRange(p *Policy) string {
	s := "effective from " + p.from.Format(time.DateOnly)
	if p.until.IsZero() {
		return s + ", open-ended"
	}
	return s + " until " + p.until.AddDate(0, 0, -1).Format(time.DateOnly)
}

// ID returns the id shared by every version.
func (h *History) ID() string { return h.id }

// Versions returns the versions in order of their effective start.
func (h *History) Versions() []*Policy { return append([]*Policy(nil), h.versions...) }

// Latest returns the version with the latest effective start.
func (h *History) Latest() *Policy { return h.versions[len(h.versions)-1] }

// At returns the version that governs a case accepted at t.
func (h *History) At(t time.Time) (*Policy, error) {
	i := sort.Search(len(h.versions), func(i int) bool { return h.versions[i].from.After(t) })
	if i > 0 && h.versions[i-1].Covers(t) {
		return h.versions[i-1], nil
	}
	return nil, diag.Errorf("sla", "policy %s has no version in effect for a case accepted %s", h.id, t.In(calendar.CST()).Format("2006-01-02 15:04 MST"))
}

// Classify classifies with the version in effect at accepted; the decision names the version.
func (h *History) Classify(input map[string]any, accepted time.Time) (rules.Decision, error) {
	p, err := h.At(accepted)
	if err != nil {
		return rules.Decision{}, err
	}
	return p.Classify(input, accepted)
}

// Deadline is the deadline of tier for a case accepted at accepted, counted by the version in
// effect at that instant (see Policy.Deadline).
func (h *History) Deadline(tier string, accepted time.Time) (deadline.Deadline, error) {
	p, err := h.At(accepted)
	if err != nil {
		return deadline.Deadline{}, err
	}
	return p.Deadline(tier, accepted)
}

// Accept classifies input and opens a case with the version in effect at accepted (see
// Policy.Accept); the decision names that version.
func (h *History) Accept(id string, input map[string]any, accepted time.Time) (Case, rules.Decision, error) {
	p, err := h.At(accepted)
	if err != nil {
		return Case{}, rules.Decision{}, err
	}
	return p.Accept(id, input, accepted)
}

// Apply appends e to c with the version that governs c: the one in effect when c was accepted
// (the instant of its first event, or of e when c has no events yet). A case therefore stays with
// the version it was accepted under for its whole life, whatever versions come later.
func (h *History) Apply(c Case, e Event) (Case, error) {
	p, err := h.governing(c, e.At)
	if err != nil {
		return c, err
	}
	return p.Apply(c, e)
}

// StatusAt is the status of c at now, judged by the version that governs c (the one in effect
// when c was accepted; see Policy.StatusAt).
func (h *History) StatusAt(c Case, now time.Time) (Status, error) {
	p, err := h.governing(c, time.Time{})
	if err != nil {
		return Status{}, err
	}
	return p.StatusAt(c, now)
}

// Validate replays c with the version that governs it (see Policy.Validate).
func (h *History) Validate(c Case) error {
	p, err := h.governing(c, time.Time{})
	if err != nil {
		return err
	}
	return p.Validate(c)
}

// governing is the version in effect at c's acceptance, the instant of its first event; for a
// case without events, at the instant of the event about to open it (zero: there is none, and
// the case's own policy reports the empty log).
func (h *History) governing(c Case, opening time.Time) (*Policy, error) {
	accepted := opening
	if len(c.Events) > 0 {
		accepted = c.Events[0].At
	}
	if accepted.IsZero() {
		return h.Latest(), nil
	}
	return h.At(accepted)
}

// with returns a history in which candidate replaces the version with the same version string,
// or is added.
func (h *History) with(candidate *Policy) (*History, error) {
	// Checked here because replacing the only version would otherwise leave NewHistory nothing
	// to compare the candidate's id with.
	if candidate.id != h.id {
		return nil, diag.Errorf("sla", "policy history %q cannot take %s with id %q; a history holds versions of one policy", h.id, candidate.source, candidate.id)
	}
	versions := make([]*Policy, 0, len(h.versions)+1)
	for _, p := range h.versions {
		if p.version != candidate.version {
			versions = append(versions, p)
		}
	}
	return NewHistory(append(versions, candidate)...)
}

// Check validates a candidate policy before it is activated, typically by running its test
// suites (see slatest.Check). A non-nil error keeps the candidate out.
type Check func(*Policy) error

// Holder holds the active policy history of a running portal and swaps in new versions
// atomically (hot reload). Readers never block: Current is one atomic load. A candidate is
// activated only if it fits the history and every check passes; otherwise the active history
// stays as it was.
//
// A Holder is safe for concurrent use. The zero value is not usable; use NewHolder.
type Holder struct {
	current atomic.Pointer[History]
	swaps   atomic.Int64
}

// NewHolder returns a holder whose active history is h.
func NewHolder(h *History) (*Holder, error) {
	if h == nil {
		return nil, diag.Errorf("sla", "NewHolder: history is nil")
	}
	var holder Holder
	holder.current.Store(h)
	return &holder, nil
}

// Current returns the active history.
func (h *Holder) Current() *History { return h.current.Load() }

// Swaps returns how many candidates have been activated since the holder was created.
func (h *Holder) Swaps() int64 { return h.swaps.Load() }

// Activate validates candidate against the active history (same policy id, no overlapping
// range; a candidate with an existing version string replaces that version), runs checks, and
// swaps the new history in atomically if everything passes. On any failure the active history
// is unchanged and the error says why. Concurrent Activate calls are serialised by
// compare-and-swap: one that lost the race is retried against the newer history.
//
// Activate runs exactly the checks it is given: with none, only the history's own constraints
// are verified. A portal that must never activate a policy failing its suite passes
// slatest.Check(suitePaths...) (package sla/slatest) on every call.
func (h *Holder) Activate(candidate *Policy, checks ...Check) error {
	if candidate == nil {
		return diag.Errorf("sla", "Activate: candidate policy is nil")
	}
	var errs []error
	for _, check := range checks {
		if check == nil {
			continue
		}
		if err := check(candidate); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return diag.Errorf("sla", "policy %s %s was not activated: %w", candidate.id, candidate.version, errors.Join(errs...))
	}
	for attempt := 0; attempt < 100; attempt++ {
		old := h.current.Load()
		next, err := old.with(candidate)
		if err != nil {
			return diag.Errorf("sla", "policy %s %s was not activated: %w", candidate.id, candidate.version, err)
		}
		if h.current.CompareAndSwap(old, next) {
			h.swaps.Add(1)
			return nil
		}
	}
	return diag.Errorf("sla", "policy %s %s was not activated: the history kept changing under concurrent activations", candidate.id, candidate.version)
}
