package sla

import (
	"errors"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla/deadline"
)

// History holds the versions of one policy, each with its effective range, and picks the
// version that governs a case by the case's acceptance time — never by the wall clock — so that
// a rule change on 1 July does not reclassify a case accepted on 30 June. Accept, Apply,
// Deadline, StatusAt, Validate, Report and NewReporter each choose the version that way, so a
// portal writes against the History alone.
//
// An open-ended version (a file without `until`) followed by a version with a later `from`
// ends where that one begins: the file need not be edited (its bytes, and so its Hash, which
// every stored decision carries, stay as they were). Inside the history the version's
// Effective range, Covers, Classify and Deadline use that derived end.
//
// A History is immutable and safe for concurrent use.
type History struct {
	id string
	// versions are the versions as they govern in this history, sorted by effective start,
	// ranges not overlapping: a version whose end is derived is a copy of the one given with
	// that end (same bytes, hash, rules and calendar).
	versions []*Policy
	// given are the versions as they were given, in the same order, from which a Holder
	// builds the next history (a derived end is derived again there).
	given []*Policy
}

// NewHistory builds a history from versions of one policy. It is an error when the versions
// have different ids, repeat a version string, or have overlapping effective ranges (a case
// would then be governed by two versions) — except that an open-ended version followed by one
// with a later start ends where that one begins (see History). Gaps are allowed: a case
// accepted in a gap is an error at classification time. Every error is the caller's
// (ErrInvalid).
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
	effective := make([]*Policy, len(sorted))
	copy(effective, sorted)
	for i, p := range sorted {
		if p.id != id {
			errs = append(errs, diag.Errorf("sla", "policy history: %s has id %q, but %s has id %q; a history holds versions of one policy", p.source, p.id, sorted[0].source, id))
		}
		if q, dup := seen[p.version]; dup {
			errs = append(errs, diag.Errorf("sla", "policy history: version %q appears twice (%s and %s)", p.version, q.source, p.source))
		}
		seen[p.version] = p
		if i == 0 {
			continue
		}
		prev := sorted[i-1]
		switch {
		case prev.until.IsZero() && prev.from.Before(p.from):
			// Open-ended, followed by a later version: it ends where that one begins.
			q := *prev
			q.until = p.from
			effective[i-1] = &q
		case prev.until.IsZero() || prev.until.After(p.from):
			errs = append(errs, diag.Errorf("sla", "policy history: %s (version %s, %s) overlaps %s (version %s, %s)",
				prev.source, prev.version, describeRange(prev), p.source, p.version, describeRange(p)))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &History{id: id, versions: effective, given: sorted}, nil
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
		return nil, errors.Join(errs...) // each file's error keeps its own classification
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

// Versions returns the versions in order of their effective start, as they govern in the
// history: an open-ended version followed by a later one is a copy that ends where the later
// one begins (Effective says so; Bytes and Hash are the file's).
func (h *History) Versions() []*Policy { return append([]*Policy(nil), h.versions...) }

// Latest returns the version with the latest effective start.
func (h *History) Latest() *Policy { return h.versions[len(h.versions)-1] }

// At returns the version that governs a case accepted at t. A zero t, or a t in no version's
// range (before the first, in a gap, after a last version with an end), is an error of the
// caller's (ErrInvalid).
func (h *History) At(t time.Time) (*Policy, error) {
	if t.IsZero() {
		return nil, diag.Errorf("sla", "policy %s: acceptance time is required to choose a version", h.id)
	}
	i := sort.Search(len(h.versions), func(i int) bool { return h.versions[i].from.After(t) })
	if i > 0 && h.versions[i-1].Covers(t) {
		return h.versions[i-1], nil
	}
	return nil, diag.Errorf("sla", "policy %s has no version in effect for a case accepted %s (%s)", h.id,
		t.In(calendar.CST()).Format("2006-01-02 15:04 MST"), h.describe())
}

// describe lists the versions' ranges for a message.
func (h *History) describe() string {
	parts := make([]string, len(h.versions))
	for i, p := range h.versions {
		parts[i] = p.version + " " + describeRange(p)
	}
	return strings.Join(parts, "; ")
}

// Classify classifies input (a map or a struct with `shixian` tags, see Policy.Classify) with
// the version in effect at accepted; the decision names the version.
func (h *History) Classify(input any, accepted time.Time) (rules.Decision, error) {
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
// Policy.Accept); the decision names that version and carries the deadline (Due, LastDay).
func (h *History) Accept(id string, input any, accepted time.Time) (Case, rules.Decision, error) {
	if id == "" {
		return Case{}, rules.Decision{}, diag.Errorf("sla", "accept: the case needs an id")
	}
	if err := checkID(id); err != nil {
		return Case{}, rules.Decision{}, diag.Errorf("sla", "accept: %w", err)
	}
	p, err := h.At(accepted)
	if err != nil {
		return Case{}, rules.Decision{}, diag.Errorf("sla", "accept case %s: %w", id, err)
	}
	return p.Accept(id, input, accepted)
}

// Apply appends e to c with the version that governs c: the one in effect when c was accepted
// (the instant of its first event, or of e when c has no events yet). A case therefore stays with
// the version it was accepted under for its whole life, whatever versions come later. An
// opening event in no version's range is an *EventError with Field "at".
func (h *History) Apply(c Case, e Event) (Case, error) {
	p, err := h.governing(c, e.At)
	if err != nil {
		if len(c.Events) == 0 {
			return c, &EventError{CaseID: c.ID, Index: 1, Event: e, Field: "at", Err: err}
		}
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

// Validate replays c with the version that governs it (see Policy.Validate, which says when
// it is needed).
func (h *History) Validate(c Case) error {
	p, err := h.governing(c, time.Time{})
	if err != nil {
		return err
	}
	return p.Validate(c)
}

// Governing returns the version that governs c: the one in effect at its acceptance (its first
// event). Apply, StatusAt, Validate and reports choose it themselves; Governing is for what
// needs the version by name — a status's explanation (Status.Explain), the version stored
// beside a case. A case with no events, or accepted where no version is in effect, is an
// error of the caller's (ErrInvalid).
func (h *History) Governing(c Case) (*Policy, error) {
	if len(c.Events) == 0 {
		return nil, diag.Errorf("sla", "case %s has no events (the first must be accepted)", c.ID)
	}
	return h.governing(c, time.Time{})
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
	p, err := h.At(accepted)
	if err != nil && len(c.Events) > 0 {
		return nil, diag.Errorf("sla", "case %s: %w", c.ID, err)
	}
	return p, err
}

// with returns a history in which each candidate replaces the version with the same version
// string, or is added. Derived ends are derived afresh from the versions as given.
func (h *History) with(candidates []*Policy) (*History, error) {
	replaced := map[string]bool{}
	for _, c := range candidates {
		// Checked here because replacing the only version would otherwise leave NewHistory
		// nothing to compare the candidate's id with.
		if c.id != h.id {
			return nil, diag.Errorf("sla", "policy history %q cannot take %s with id %q; a history holds versions of one policy", h.id, c.source, c.id)
		}
		replaced[c.version] = true
	}
	versions := make([]*Policy, 0, len(h.given)+len(candidates))
	for _, p := range h.given {
		if !replaced[p.version] {
			versions = append(versions, p)
		}
	}
	return NewHistory(append(versions, candidates...)...)
}

// samePolicy reports whether a and b govern alike: the same file bytes, calendar and range.
func samePolicy(a, b *Policy) bool {
	return a == b || a.hash == b.hash && a.cal == b.cal && a.from.Equal(b.from) && a.until.Equal(b.until) && a.version == b.version
}

// sameHistory reports whether a and b hold the same versions with the same ranges.
func sameHistory(a, b *History) bool {
	if len(a.versions) != len(b.versions) {
		return false
	}
	for i := range a.versions {
		if !samePolicy(a.versions[i], b.versions[i]) {
			return false
		}
	}
	return true
}

// Check validates a policy version before it becomes active, typically by running its test
// suites (see slatest.Check); a non-nil error keeps the activation out. A Check receives the
// version as it would govern in the resulting history — with the end the history derives for
// an open-ended version — so the 2025 suite runs against the 2025 version as it stands beside
// the 2026 one. A Check is bound to a version string (see Version and Holder.ActivateVersions).
type Check func(*Policy) error

// Version is a policy version to activate with the checks bound to it: the checks that must
// pass for this version (its own suites), run whenever an activation adds the version,
// replaces it, or changes its effective range.
type Version struct {
	Policy *Policy
	Checks []Check
}

// Holder holds the active policy history of a running portal and swaps in new versions
// atomically (hot reload). Readers never block: Current is one atomic load. An activation
// succeeds only if the resulting history is valid and every version it changes passes its
// checks; otherwise the active history stays as it was.
//
// The Holder remembers the checks bound to each version string (given to Activate or
// ActivateVersions; a version given without checks keeps the ones it had). A version present
// when the Holder was made has none until an activation gives it some.
//
// A Holder is safe for concurrent use. The zero value is not usable; use NewHolder.
type Holder struct {
	state atomic.Pointer[holderState]
	swaps atomic.Int64
}

// holderState is what one atomic load of a Holder reads: the history and the checks bound to
// its versions (never modified once stored).
type holderState struct {
	hist   *History
	checks map[string][]Check
}

// NewHolder returns a holder whose active history is h.
func NewHolder(h *History) (*Holder, error) {
	if h == nil {
		return nil, diag.Errorf("sla", "NewHolder: history is nil")
	}
	var holder Holder
	holder.state.Store(&holderState{hist: h})
	return &holder, nil
}

// Current returns the active history; nil for a zero Holder (not made by NewHolder).
func (h *Holder) Current() *History {
	if st := h.state.Load(); st != nil {
		return st.hist
	}
	return nil
}

// Swaps returns how many activations have changed the active history since the holder was
// created; an activation of content already active is not counted.
func (h *Holder) Swaps() int64 { return h.swaps.Load() }

// Activate is ActivateVersions with one version: candidate, with checks bound to it. It is
// how a portal puts next year's version beside this year's, in one call:
//
//	err := holder.Activate(p2026, slatest.Check("xinyu-1310-2026.suite.yaml"))
//
// which also ends the open-ended 2025 version where 2026 begins, and reruns the checks bound
// to 2025 (if any) against it as it now stands.
func (h *Holder) Activate(candidate *Policy, checks ...Check) error {
	return h.ActivateVersions(Version{Policy: candidate, Checks: checks})
}

// ActivateVersions adds or replaces several versions in one atomic swap: each candidate
// replaces the active version with the same version string, or is added. The resulting
// history must be valid (same policy id, no overlapping ranges; see NewHistory), and every
// version it adds, replaces or whose effective range it changes must pass the checks bound to
// it — given here, or remembered from an earlier activation — each run against that version
// as it stands in the resulting history. Only then is the new history swapped in; on any
// failure the active history and the remembered checks are unchanged, and the error lists
// every failure.
//
// Activating content identical to what is active (the same bytes, calendar and ranges) is
// idempotent: nothing is swapped and Swaps does not count it; checks given with it are run
// against the active versions and, if they pass, remembered.
//
// Errors: those of the history (overlaps, another policy id, a version given twice) satisfy
// ErrInvalid; a check's error is reported as the check classified it (slatest's suite
// failures satisfy ErrInvalid; a check that could not run, say a suite file that cannot be
// read, does not). Concurrent activations are serialised by compare-and-swap: one that lost
// the race is rebuilt, and its checks run again, against the newer history.
func (h *Holder) ActivateVersions(versions ...Version) error {
	if len(versions) == 0 {
		return diag.Errorf("sla", "Activate: no version given")
	}
	candidates := make([]*Policy, len(versions))
	given := map[string][]Check{}
	for i, v := range versions {
		if v.Policy == nil {
			return diag.Errorf("sla", "Activate: candidate policy %d is nil", i+1)
		}
		if _, dup := given[v.Policy.version]; dup {
			return diag.Errorf("sla", "Activate: version %s is given twice", v.Policy.version)
		}
		candidates[i] = v.Policy
		given[v.Policy.version] = slices.DeleteFunc(slices.Clone(v.Checks), func(c Check) bool { return c == nil })
	}
	what := describeCandidates(candidates)
	if h.state.Load() == nil {
		return diag.Faultf("sla", "%s was not activated: the Holder was not made by NewHolder", what)
	}
	for attempt := 0; attempt < 100; attempt++ {
		old := h.state.Load()
		next, err := old.hist.with(candidates)
		if err != nil {
			// The candidates fit no history; their own checks are run as they were given,
			// so that the error lists every problem at once.
			errs := []error{err}
			for _, p := range candidates {
				for _, check := range given[p.version] {
					if cerr := check(p); cerr != nil {
						errs = append(errs, cerr)
					}
				}
			}
			return diag.Errorf("sla", "%s was not activated: %w", what, errors.Join(errs...))
		}
		same := sameHistory(old.hist, next)
		checks := maps.Clone(old.checks)
		if checks == nil {
			checks = map[string][]Check{}
		}
		for v, cs := range given {
			if len(cs) > 0 {
				checks[v] = cs
			}
		}
		if same && !anyChecks(given) {
			return nil // identical content, nothing new to check: a no-op
		}
		var errs []error
		for _, p := range next.versions {
			if !same && !changed(old.hist, p) && len(given[p.version]) == 0 {
				continue // untouched, and no new checks for it
			}
			toRun := checks[p.version]
			if same {
				toRun = given[p.version]
			}
			for _, check := range toRun {
				if err := check(p); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if len(errs) > 0 {
			return diag.Errorf("sla", "%s was not activated: %w", what, errors.Join(errs...))
		}
		state := &holderState{hist: next, checks: checks}
		if same {
			state.hist = old.hist
		}
		if h.state.CompareAndSwap(old, state) {
			if !same {
				h.swaps.Add(1)
			}
			return nil
		}
	}
	return diag.Faultf("sla", "%s was not activated: the history kept changing under concurrent activations", what)
}

// changed reports whether p is new in a history made from old, or governs differently there
// (other bytes, calendar or range).
func changed(old *History, p *Policy) bool {
	for _, q := range old.versions {
		if q.version == p.version {
			return !samePolicy(q, p)
		}
	}
	return true
}

func anyChecks(given map[string][]Check) bool {
	for _, cs := range given {
		if len(cs) > 0 {
			return true
		}
	}
	return false
}

// describeCandidates names the candidates of an activation: "policy xinyu-1310 2026.1".
func describeCandidates(ps []*Policy) string {
	vs := make([]string, len(ps))
	for i, p := range ps {
		vs[i] = p.version
	}
	return "policy " + ps[0].id + " " + strings.Join(vs, ", ")
}
