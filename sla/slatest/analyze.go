package slatest

import (
	"errors"
	"fmt"
	"time"

	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

// AnalysisFormat and ExhaustiveDiffFormat name the JSON documents of Analysis and
// ExhaustiveDiff (their "format" key); keys are only ever added within a format.
const (
	AnalysisFormat       = "shixian-analysis/v1"
	ExhaustiveDiffFormat = "shixian-diff-exhaustive/v1"
)

// AnalyzeOptions tunes Analyze. The zero value is ready to use.
type AnalyzeOptions struct {
	// MaxClasses is how many input classes to evaluate at most; 0 means DefaultMaxClasses, and
	// more than MaxClassesLimit is an error. Past it the analysis samples (see Analysis.Sampling).
	MaxClasses int
	// MaxTime, when positive, stops the evaluation after about that much wall time: the result
	// is then not exhaustive and Sampling says where it stopped. Conditions that are costly to
	// evaluate (long text built from many pieces, say) can make each class expensive; MaxTime
	// bounds what they cost. Zero means no time limit (MaxClasses still bounds the work).
	MaxTime time.Duration
}

// Analysis is what every kind of input does under one policy: which rules can never decide,
// which are partly shadowed, which inputs fall to the default, and how many input classes each
// tier gets. See Analyze.
type Analysis struct {
	// Format is AnalysisFormat, so that a reader of the JSON knows what it holds.
	Format string    `json:"format"`
	Policy PolicyRef `json:"policy"`
	// Exact is true when the analysis is a proof: every class was evaluated (Exhaustive) and
	// the partition decides every condition exactly (Inexact is empty). Otherwise its findings
	// hold for the classes evaluated, each through the ordinary classifier, but a rule listed
	// as unreachable might still decide some input, and some input might fall to the default
	// without being listed.
	Exact bool `json:"exact"`
	// Exhaustive is true when every input class was evaluated.
	Exhaustive bool `json:"exhaustive"`
	// Classes is the number of input classes (the product of the fields' class counts,
	// saturated at the largest int); Evaluated how many were classified.
	Classes   int `json:"classes"`
	Evaluated int `json:"evaluated"`
	// Sampling says how the classes were chosen when not all were evaluated; "" otherwise.
	Sampling string `json:"sampling,omitempty"`
	// Fields is how each field was cut into classes.
	Fields []FieldClasses `json:"fields"`
	// Inexact lists each construct of a condition that the partition does not decide exactly.
	Inexact []InexactRule `json:"inexact"`
	// Unreachable lists, in rule order, the rules that decide no class: ShadowedBy names the
	// earlier rules that decided the classes where the rule matched (empty when it matched
	// none: its condition is false for every input).
	Unreachable []Shadowing `json:"unreachable"`
	// PartlyShadowed lists, in rule order, the rules that decide some classes and match others
	// that an earlier rule decides.
	PartlyShadowed []Shadowing `json:"partly_shadowed"`
	// ReachesDefault holds an example input of each class that no rule matches (the first
	// 100, in class order); DefaultClasses counts all of them.
	ReachesDefault []map[string]any `json:"reaches_default"`
	DefaultClasses int              `json:"default_classes"`
	// DefaultTier is the policy's default tier.
	DefaultTier string `json:"default_tier"`
	// Tiers counts the classes each tier gets (by a rule or the default); every declared tier
	// is listed.
	Tiers map[string]int `json:"tiers"`
	// Rules counts the classes each rule decides ("default" for the default); every rule is
	// listed.
	Rules map[string]int `json:"rules"`
	// Errors lists classes the classifier refused (the first 100), with ErrorCount counting
	// all; a sound policy has none.
	Errors     []ClassError `json:"errors,omitempty"`
	ErrorCount int          `json:"error_count,omitempty"`

	order []string // rule ids in policy order, then "default"
	tiers []string // declared tiers in order
}

// Shadowing is a rule that earlier rules shadow in some or all of the classes where it matches.
type Shadowing struct {
	Rule string `json:"rule"`
	// Pos is where the rule is in its policy file.
	Pos rules.Position `json:"-"`
	// ShadowedBy lists the earlier rules that decided classes where Rule matched, in rule
	// order.
	ShadowedBy []string `json:"shadowed_by"`
	// Classes is how many classes Rule matched without deciding.
	Classes int `json:"classes"`
	// Example is an input of such a class.
	Example map[string]any `json:"example,omitempty"`
	// Proven is true when the finding holds for every input: every class was evaluated and
	// neither this rule nor any rule before it has a condition the classes do not decide
	// exactly. Otherwise it holds for the example inputs evaluated, and no more is claimed.
	Proven bool `json:"proven"`
}

// ClassError is an input class the classifier refused.
type ClassError struct {
	Input map[string]any `json:"input"`
	Err   string         `json:"error"`
}

// Analyze evaluates every kind of input under a policy: each field's domain is cut into
// classes by what the conditions compare it with (see rules.Set.Partition), and every
// combination is classified through rules.Set.Classify with one representative input, so the
// rules mean exactly what they mean when a case is classified. It reports the rules that can
// never decide and the earlier rules that shadow them, the rules partly shadowed, example
// inputs that fall to the default and the classes each tier gets. With more than
// DefaultMaxClasses classes it evaluates a fixed random sample and says so (see AnalyzeWith).
func Analyze(p *sla.Policy) (*Analysis, error) { return AnalyzeWith(p, AnalyzeOptions{}) }

// AnalyzeWith is Analyze with options.
func AnalyzeWith(p *sla.Policy, o AnalyzeOptions) (*Analysis, error) {
	if p == nil || p.Rules() == nil {
		return nil, errors.New("slatest: analyze: no policy")
	}
	max, err := maxClasses(o.MaxClasses)
	if err != nil {
		return nil, err
	}
	set := p.Rules()
	sp, err := newSpace([]*rules.Set{set}, []string{""})
	if err != nil {
		return nil, fmt.Errorf("slatest: analyze: %w", err)
	}
	rs := set.Rules()
	a := &Analysis{
		Format: AnalysisFormat, Policy: ref(p), Classes: sp.total, Fields: sp.fieldClasses(), Inexact: sp.inexact,
		Unreachable: []Shadowing{}, PartlyShadowed: []Shadowing{}, ReachesDefault: []map[string]any{},
		Tiers: map[string]int{}, Rules: map[string]int{}, tiers: set.Tiers(), DefaultTier: set.Default().Tier,
	}
	if a.Inexact == nil {
		a.Inexact = []InexactRule{}
	}
	pos := map[string]int{}
	for i, r := range rs {
		pos[r.ID] = i
		a.order = append(a.order, r.ID)
		a.Rules[r.ID] = 0
	}
	a.order = append(a.order, DefaultRule)
	a.Rules[DefaultRule] = 0
	for _, t := range a.tiers {
		a.Tiers[t] = 0
	}
	// Per rule: the classes it matched without deciding, by whom, and an example.
	shadowed := make([]int, len(rs))
	by := make([][]bool, len(rs))
	examples := make([]map[string]any, len(rs))
	for i := range by {
		by[i] = make([]bool, len(rs))
	}
	w := sp.walk(limits(max, o), func(ev *evaluation) {
		d, err := ev.decisions[0], ev.errs[0]
		if err != nil {
			a.ErrorCount++
			if len(a.Errors) < maxExamples {
				a.Errors = append(a.Errors, ClassError{Input: copyInput(ev.inputs[0]), Err: err.Error()})
			}
			return
		}
		a.Tiers[d.Tier]++
		a.Rules[ruleOf(&d)]++
		if d.Default {
			a.DefaultClasses++
			if len(a.ReachesDefault) < maxExamples {
				a.ReachesDefault = append(a.ReachesDefault, copyInput(ev.inputs[0]))
			}
			return
		}
		decider := pos[d.RuleID]
		for _, id := range d.Shadowed() {
			i := pos[id]
			shadowed[i]++
			by[i][decider] = true
			if examples[i] == nil {
				examples[i] = copyInput(ev.inputs[0])
			}
		}
	})
	a.Evaluated, a.Exhaustive, a.Sampling = w.evaluated, w.exhaustive, w.note(a.Classes, o.MaxTime)
	a.Exact = a.Exhaustive && len(a.Inexact) == 0
	inexact := map[string]bool{}
	for _, in := range a.Inexact {
		inexact[in.Rule] = true
	}
	proven := a.Exhaustive
	for i, r := range rs {
		proven = proven && !inexact[r.ID]
		if a.Rules[r.ID] > 0 && shadowed[i] == 0 {
			continue
		}
		s := Shadowing{Rule: r.ID, Pos: r.Pos, ShadowedBy: []string{}, Classes: shadowed[i], Example: examples[i], Proven: proven}
		for j, ok := range by[i] {
			if ok {
				s.ShadowedBy = append(s.ShadowedBy, rs[j].ID)
			}
		}
		if a.Rules[r.ID] == 0 {
			a.Unreachable = append(a.Unreachable, s)
		} else {
			a.PartlyShadowed = append(a.PartlyShadowed, s)
		}
	}
	return a, nil
}

func limits(max int, o AnalyzeOptions) walkLimits {
	l := walkLimits{max: max}
	if o.MaxTime > 0 {
		l.deadline = time.Now().Add(o.MaxTime)
	}
	return l
}

func maxClasses(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultMaxClasses, nil
	case n < 0 || n > MaxClassesLimit:
		return 0, fmt.Errorf("slatest: MaxClasses %d is outside 1…%d", n, MaxClassesLimit)
	}
	return n, nil
}

func ref(p *sla.Policy) PolicyRef {
	return PolicyRef{ID: p.ID(), Version: p.Version(), Hash: p.Hash()}
}

// UnreachableProblems returns a problem for each rule the analysis proves can never decide
// (Shadowing.Proven), at the rule's position in its policy file (source is that file, for the
// quoted line; may be nil). A rule found unreachable only on a sample, or behind a condition
// the classes do not decide exactly, gets none: that is not a proof.
func (a *Analysis) UnreachableProblems(source []byte) rules.Problems {
	var ps rules.Problems
	for _, u := range a.Unreachable {
		if !u.Proven {
			continue
		}
		msg := "rule can never decide: its condition is false for every input"
		if len(u.ShadowedBy) > 0 {
			msg = fmt.Sprintf("rule can never decide: every input it matches is decided first by %s", quoteIDs(u.ShadowedBy))
		}
		p := rules.NewProblem(source, u.Pos, msg)
		p.Rule = u.Rule
		ps.Add(p)
	}
	return ps
}

func quoteIDs(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	if len(q) == 1 {
		return "rule " + q[0]
	}
	return "rules " + joinAnd(q)
}

func joinAnd(q []string) string {
	out := ""
	for i, s := range q {
		switch {
		case i == 0:
		case i == len(q)-1:
			out += " and "
		default:
			out += ", "
		}
		out += s
	}
	return out
}
