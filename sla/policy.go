package sla

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/boundedio"
	"github.com/shixian-go/shixian/internal/clip"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla/deadline"
)

// Format is the value a policy file's `format` key must have.
const Format = "shixian/v1"

// Tier is one time-limit class of a policy, such as the 1310 mechanism's T1, T3 and T10.
type Tier struct {
	ID          string          // stable identifier used by rules and suites, e.g. "T3"
	Limit       deadline.Period // the time limit, e.g. 3 workdays
	Label       string          // label for citizens and staff, usually Chinese: "3个工作日内办结"
	LabelEn     string          // optional English label
	Description string          // the causes this tier is for, in the policy's words
}

// Warning is a threshold of working time used at which a case is flagged before it is late.
// Thresholds are measured in working time, never in wall-clock percentages.
// Red, the overdue state, needs no declaration: every case past its Due is overdue.
type Warning struct {
	ID    string // e.g. "yellow"
	Label string // e.g. "黄灯预警"
	// Fraction of the period elapsed (0 < Fraction ≤ 1) at which the warning is crossed,
	// counted in the period's own unit (`at: 80%`): for a working-day tier, when that many
	// working days have elapsed, each counted day elapsing from its 00:00 to its end, so 100%
	// is Due (see deadline.Counter.WarningsAt). Zero for the other two forms.
	Fraction float64
	// LastWorkday (`at: last_workday`): the warning is crossed at 00:00 of the last working
	// day of the period — the same instant as DaysLeft 0.
	LastWorkday bool
	// DaysLeft (`remaining: 1 workday`, `remaining: 2个工作日`), when Fraction is zero and
	// LastWorkday false: the warning is crossed at 00:00 of the DaysLeft-th counted working
	// day before the period's last day (到期前N个工作日) — from then on at most DaysLeft
	// working days remain after today. Paused days are not counted; a DaysLeft at or above
	// the tier's working days is crossed at acceptance. For an hour tier the working days
	// are counted back on the calendar from its last day.
	DaysLeft int
}

// threshold is w as the counting engine takes it.
func (w Warning) threshold() deadline.Threshold {
	if w.Fraction > 0 {
		return deadline.Threshold{Fraction: w.Fraction}
	}
	if w.LastWorkday {
		return deadline.Threshold{}
	}
	return deadline.Threshold{DaysLeft: w.DaysLeft}
}

// Extensions are the limits on deadline extensions (延期, 行政许可法 art. 42). A zero MaxCount
// means extensions are not allowed.
type Extensions struct {
	MaxCount int             // how many extensions a case may receive
	MaxTotal deadline.Period // their summed length; zero Period means no cap beyond MaxCount
	Basis    string          // the legal or policy basis, quoted in explanations
	// Tiers, when not empty, lists the only tiers whose cases may be extended, each with its
	// own limits (policy key extensions.tiers); a case of any other tier cannot be extended.
	// See ForTier.
	Tiers []TierExtensions
}

// Trigger is the event that starts a target's clock.
type Trigger uint8

// Triggers of targets.
const (
	AfterAccepted    Trigger = iota + 1 // from the case's acceptance
	AfterTransferred                    // from each transfer to a unit (转办)
	AfterSignedFor                      // from the unit's sign-for (签收)
	AfterClosed                         // from closing (办结), e.g. the follow-up visit (回访)
)

var triggerNames = [...]string{AfterAccepted: "accepted", AfterTransferred: "transferred", AfterSignedFor: "signed_for", AfterClosed: "closed"}

// String returns the name used in policy files: "accepted", "transferred", "signed_for" or "closed".
func (t Trigger) String() string {
	if int(t) < len(triggerNames) && triggerNames[t] != "" {
		return triggerNames[t]
	}
	return fmt.Sprintf("Trigger(%d)", uint8(t))
}

// parseTrigger parses a trigger name as written in policy files.
func parseTrigger(s string) (Trigger, error) {
	for i, name := range triggerNames {
		if name != "" && name == s {
			return Trigger(i), nil
		}
	}
	return 0, diag.Errorf("sla", "unknown trigger %q (want accepted, transferred, signed_for or closed)", s)
}

// Target is a time limit that runs beside the citizen-facing deadline: a unit's sign-for and
// reply after a transfer, or the follow-up visit after closing.
type Target struct {
	ID    string
	Label string
	After Trigger
	Limit deadline.Period
	// When, if not empty, is the condition (an expr expression over the policy's input fields,
	// as a tier rule's) under which the target runs for a case, judged on the input of the
	// case's accepted event: a follow-up visit for conduct complaints only. Empty: every case.
	When string
	// Kind is what meets the target: the target's `kind:` key (TargetSignFor for a 签收 limit
	// with an id in any language), or, without one, its id's convention: "sign_for" or
	// "sign_for_…" is TargetSignFor, "return" or "return_…" TargetReturnWindow, any other
	// TargetOrdinary. Always set on a loaded policy's targets.
	Kind TargetKind
}

// Policy is one version of an office's time-limit policy: its tiers, counting conventions,
// warnings, extension limits, targets and ordered tier rules, loaded from a `shixian/v1` file.
//
// A Policy is immutable after loading and safe for concurrent use by any number of goroutines.
// It never reads the wall clock: every method that depends on time takes the instant from the
// caller.
type Policy struct {
	id, version, title string
	basis              []string
	from, until        time.Time // until is exclusive; zero means open-ended
	source             string
	hash               string
	data               []byte

	tiers     []Tier
	tierIndex map[string]int
	counting  deadline.Counting
	lifecycle Lifecycle
	counter   *deadline.Counter // counting on cal; rebuilt by WithCalendar
	warnings  []Warning
	// The thresholds asked of Counter.ThresholdsAt for a status, one per warning, in order.
	warnThresholds []deadline.Threshold
	ranking        *Ranking // the `ranking` score formula; nil when none is declared
	extensions     Extensions
	targets        []Target
	loop           loopPolicy         // reasons, supervision, rating (loop.go)
	targetWhen     []*targetCondition // index-aligned with targets; nil when no target has a condition
	set            *rules.Set
	cal            *calendar.Calendar
}

//go:embed policies/xinyu-1310.yaml
var defaultPolicyYAML []byte

var defaultPolicy = sync.OnceValue(func() *Policy {
	p, err := ParsePolicy("xinyu-1310.yaml", defaultPolicyYAML)
	if err != nil {
		// The embedded policy is tested on every build; reaching this is a build defect.
		panic("sla: embedded default policy is invalid: " + err.Error())
	}
	return p
})

// Default returns the embedded 1310 policy (xinyu-1310): tiers T1, T3 and T10 of 1, 3 and 10
// working days, on calendar.Default(). It is shared and immutable.
func Default() *Policy { return defaultPolicy() }

// DefaultPolicyYAML returns a copy of the embedded default policy file, as a starting point for
// an office's own policy.
func DefaultPolicyYAML() []byte { return append([]byte(nil), defaultPolicyYAML...) }

// MaxPolicyBytes is the largest policy file LoadPolicy and ParsePolicy accept (1 MiB). A real
// policy is a few kilobytes; a larger input is a mistaken path (a log, a corpus, a device) and
// LoadPolicy refuses it while reading, after at most MaxPolicyBytes+1 bytes. Portals that take
// policy uploads can bound request bodies by the same number.
const MaxPolicyBytes = maxPolicyBytes

// LoadPolicy reads and parses a policy file. Errors list every problem found, each with
// file:line:column (see ParsePolicy). A file larger than MaxPolicyBytes is refused ("sla:
// policy file x.yaml is larger than 4194304 bytes") without being read whole, also when it is
// not a regular file and never ends (/dev/zero, a pipe).
func LoadPolicy(path string) (*Policy, error) {
	data, err := boundedio.ReadFile(path, MaxPolicyBytes, "policy file")
	if err != nil {
		return nil, invalid(diag.Errorf("sla", "%w", err)) // an unreadable file is no fault of its content
	}
	return ParsePolicy(path, data)
}

// ParsePolicy parses a `shixian/v1` policy from data; name is used in error positions (usually
// the file path). Decoding is strict: unknown keys, wrong types, unknown tiers, unknown input
// fields in rules, non-boolean rules and every lint of package rules are errors. All problems
// are reported at once as a *Problems (the same type as rules.Problems), each with file:line:column and, for expressions,
// a caret under the fault. The policy uses calendar.Default(); see WithCalendar.
func ParsePolicy(name string, data []byte) (*Policy, error) {
	p, err := parsePolicy(name, data)
	if err != nil {
		return nil, invalid(err) // every fault of a policy's bytes is the caller's
	}
	return p, nil
}

// WithCalendar returns a copy of p that counts on c (a regional or unit calendar, or one with a
// newly loaded schedule). p is unchanged. Recomputing a case's status with the copy is how a
// changed notice reaches open cases.
func (p *Policy) WithCalendar(c *calendar.Calendar) *Policy {
	if c == nil {
		c = calendar.Default()
	}
	q := *p
	q.cal = c
	// p's conventions are valid and c is not nil: New cannot fail. Should it
	// ever, q keeps p's counter on p's calendar rather than a nil one.
	if k, err := deadline.New(c, p.counting); err == nil {
		q.counter = k
	} else {
		q.cal = p.cal
	}
	return &q
}

// ID returns the policy's stable identifier, e.g. "xinyu-1310".
func (p *Policy) ID() string { return p.id }

// Version returns the policy version string, e.g. "2025.1".
func (p *Policy) Version() string { return p.version }

// Title returns the policy's title.
func (p *Policy) Title() string { return p.title }

// Basis returns the legal and policy documents the policy cites.
func (p *Policy) Basis() []string { return append([]string(nil), p.basis...) }

// Effective returns the first instant the policy applies to (00:00 UTC+8 of its `from` date)
// and the first instant it no longer applies to (00:00 of the day after `until`), zero when
// open-ended.
func (p *Policy) Effective() (from, until time.Time) { return p.from, p.until }

// Covers reports whether a case accepted at t falls in the policy's effective range.
func (p *Policy) Covers(t time.Time) bool {
	return !t.Before(p.from) && (p.until.IsZero() || t.Before(p.until))
}

// Source returns the name the policy was parsed from.
func (p *Policy) Source() string { return p.source }

// Hash returns the hex SHA-256 of the policy file's bytes; every decision carries it.
func (p *Policy) Hash() string { return p.hash }

// Bytes returns a copy of the policy file's contents.
func (p *Policy) Bytes() []byte { return append([]byte(nil), p.data...) }

// Tiers returns the tiers in file order.
func (p *Policy) Tiers() []Tier { return append([]Tier(nil), p.tiers...) }

// Tier returns the tier with the given id.
func (p *Policy) Tier(id string) (Tier, bool) {
	i, ok := p.tierIndex[id]
	if !ok {
		return Tier{}, false
	}
	return p.tiers[i], true
}

// Counting returns the counting conventions in force.
func (p *Policy) Counting() deadline.Counting { return p.counter.Counting() }

// Lifecycle returns the lifecycle settings in force (late extensions,
// reclassification).
func (p *Policy) Lifecycle() Lifecycle { return p.lifecycle }

// Counter returns the policy's counting engine: its conventions on its
// calendar. It is shared, immutable and safe for concurrent use; counting a
// request with it is what Deadline and StatusAt do.
func (p *Policy) Counter() *deadline.Counter { return p.counter }

// Warnings returns the warning thresholds in file order.
func (p *Policy) Warnings() []Warning { return append([]Warning(nil), p.warnings...) }

// Extensions returns the extension limits.
func (p *Policy) Extensions() Extensions {
	x := p.extensions
	x.Tiers = slices.Clone(x.Tiers)
	return x
}

// Targets returns the targets that run beside the deadline.
func (p *Policy) Targets() []Target { return append([]Target(nil), p.targets...) }

// Rules returns the compiled tier rules.
func (p *Policy) Rules() *rules.Set { return p.set }

// Calendar returns the calendar the policy counts on.
func (p *Policy) Calendar() *calendar.Calendar { return p.cal }

// Classify sorts a case into a tier by the policy's rules (first match wins, else the default).
// accepted must lie in the policy's effective range: version selection is by acceptance time,
// never by the wall clock (use a History to hold several versions).
//
// input is a map[string]any keyed by the declared field names, or a struct (or pointer to
// struct) whose exported fields carry `shixian:"name"` tags; a struct type is checked against
// the schema once (see rules.Set.Input). input is not modified. Every error is the caller's
// (errors.Is(err, ErrInvalid)): a zero or out-of-range acceptance (*NotEffectiveError), an
// input that does not fit the schema (*rules.FieldError), a rule that fails on it
// (*rules.RuleError).
func (p *Policy) Classify(input any, accepted time.Time) (rules.Decision, error) {
	d, _, err := p.classify(input, accepted)
	return d, err
}

// classify is Classify that also returns the input map the rules read (input itself for a
// map), for the accepted event's record.
func (p *Policy) classify(input any, accepted time.Time) (rules.Decision, map[string]any, error) {
	if accepted.IsZero() {
		return rules.Decision{}, nil, diag.Errorf("sla", "policy %s %s: acceptance time is required", p.id, p.version)
	}
	if !p.Covers(accepted) {
		return rules.Decision{}, nil, p.notEffective(accepted)
	}
	m, err := p.set.Input(input)
	if err == nil {
		var d rules.Decision
		if d, err = p.set.Classify(m); err == nil {
			return d, m, nil
		}
	}
	return rules.Decision{}, nil, diag.Errorf("sla", "policy %s %s: %w", p.id, p.version, err)
}

func (p *Policy) notEffective(accepted time.Time) *NotEffectiveError {
	return &NotEffectiveError{PolicyID: p.id, Version: p.version, Accepted: accepted, From: p.from, Until: p.until}
}

// Deadline computes the deadline of a case of the given tier accepted at accepted, by the
// policy's counting conventions on its calendar, with its explanation (see
// deadline.Counter.Deadline). accepted must lie in the policy's effective range — inside a
// History, the range the history gives the version (an open-ended version ends where the next
// one begins): otherwise the error is a *NotEffectiveError, so that the 2025 version never
// quietly counts a 2027 acceptance. Every error is the caller's (ErrInvalid): a zero or
// out-of-range instant, an unknown tier, an instant the calendar cannot count.
func (p *Policy) Deadline(tier string, accepted time.Time) (deadline.Deadline, error) {
	t, ok := p.Tier(tier)
	if !ok {
		return deadline.Deadline{}, diag.Errorf("sla", "policy %s %s has no tier %s", p.id, p.version, clip.Quote(tier))
	}
	if accepted.IsZero() {
		return deadline.Deadline{}, diag.Errorf("sla", "policy %s %s: acceptance time is required", p.id, p.version)
	}
	if !p.Covers(accepted) {
		return deadline.Deadline{}, p.notEffective(accepted)
	}
	d, err := p.counter.Deadline(deadline.Request{Start: accepted, Period: t.Limit, Explain: true})
	if err != nil {
		return deadline.Deadline{}, diag.Invalidf("sla", "policy %s %s: deadline of tier %s: %w", p.id, p.version, tier, err)
	}
	return d, nil
}

// NotEffectiveError reports a case accepted outside a policy's effective range.
type NotEffectiveError struct {
	PolicyID, Version string
	Accepted          time.Time
	From, Until       time.Time
}

// Is makes a NotEffectiveError satisfy errors.Is(err, ErrInvalid): the acceptance instant is
// the caller's.
func (e *NotEffectiveError) Is(target error) bool { return target == ErrInvalid }

// Text is the message without the package name.
func (e *NotEffectiveError) Text() string { return strings.TrimPrefix(e.Error(), "sla: ") }

func (e *NotEffectiveError) Error() string {
	rng := "from " + e.From.Format(time.DateOnly)
	if !e.Until.IsZero() {
		rng += " until " + e.Until.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return fmt.Sprintf("sla: policy %s %s is effective %s; a case accepted %s needs another version",
		e.PolicyID, e.Version, rng, e.Accepted.In(calendar.CST()).Format("2006-01-02 15:04 MST"))
}

func policyContentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
