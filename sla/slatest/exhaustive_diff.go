package slatest

import (
	"errors"
	"fmt"
	"sort"

	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

// Outcome is what one policy decided for an input class: a tier and the rule that decided it
// ("default" for the default), or the classifier's refusal of the input (a value the policy
// does not declare, say), with Tier and Rule empty.
type Outcome struct {
	Tier  string `json:"tier"`
	Rule  string `json:"rule"`
	Error string `json:"error,omitempty"`
}

// String is "tier/rule", or "refused".
func (o Outcome) String() string {
	if o.Error != "" {
		return "refused"
	}
	return o.Tier + "/" + o.Rule
}

// ClassChange is an input class that the new policy decides differently from the old: another
// tier or another rule (or one policy refuses it), with an example input of the class.
type ClassChange struct {
	// Input is the class's example: every field either policy reads, and each required field
	// that neither reads. Each policy was given the fields it declares.
	Input map[string]any `json:"input"`
	Old   Outcome        `json:"old"`
	New   Outcome        `json:"new"`
	// Expected is set by Apply when an expectation allows the change.
	Expected bool `json:"expected,omitempty"`
}

// ClassTransition counts the changed classes of one old→new outcome pair.
type ClassTransition struct {
	Old     Outcome `json:"old"`
	New     Outcome `json:"new"`
	Classes int     `json:"classes"`
}

// ExhaustiveDiff is every kind of input that two policy versions decide differently. See
// DiffExhaustive.
type ExhaustiveDiff struct {
	// Format is ExhaustiveDiffFormat.
	Format string    `json:"format"`
	Old    PolicyRef `json:"old"`
	New    PolicyRef `json:"new"`
	// Exact, Exhaustive, Classes, Evaluated, Sampling, Fields and Inexact are as in Analysis,
	// over the union of both policies' comparisons; Inexact names the policy of each rule.
	Exact      bool           `json:"exact"`
	Exhaustive bool           `json:"exhaustive"`
	Classes    int            `json:"classes"`
	Evaluated  int            `json:"evaluated"`
	Sampling   string         `json:"sampling,omitempty"`
	Fields     []FieldClasses `json:"fields"`
	Inexact    []InexactRule  `json:"inexact"`
	// Changes lists every changed class, grouped by transition (in the order of Transitions),
	// in class order within a group — up to MaxListedChanges of them (and MaxListedValues
	// values in their inputs), the first ones in class order; ChangeCount and Transitions count
	// all.
	Changes     []ClassChange `json:"changes"`
	ChangeCount int           `json:"change_count"`
	// Transitions counts the changed classes per old→new outcome pair, sorted by old tier,
	// new tier, old rule and new rule, each in the order the policies declare them (the old
	// one's, then what only the new one has; the default after the rules; refusals last).
	Transitions []ClassTransition `json:"transitions"`
	// Unchanged counts the classes both policies decide alike.
	Unchanged int `json:"unchanged"`
	// Unexpected lists the changes no expectation allows; filled by Apply.
	Unexpected []ClassChange `json:"unexpected,omitempty"`
	applied    bool
}

// MaxListedChanges and MaxListedValues bound the changes an ExhaustiveDiff lists (and so its
// memory): at most 10,000 changed classes, whose example inputs hold at most 2^20 values in
// all (a list's elements each count). Ordinary policies stay far below both; the counts cover
// every change.
const (
	MaxListedChanges = 10000
	MaxListedValues  = 1 << 20
)

// DiffExhaustive compares two policy versions over every kind of input: the union of both
// policies' fields is cut into classes by the union of their comparisons (as in Analyze), and
// every class whose representative input the two decide differently — another tier or another
// rule — is listed with that input, grouped by transition. Each policy is given the fields it
// declares, so a field only one version has leaves the other as it was. A field declared with
// two different types cannot be cut into common classes: that is an error. With more than
// DefaultMaxClasses classes it evaluates a fixed random sample and says so.
func DiffExhaustive(oldP, newP *sla.Policy) (*ExhaustiveDiff, error) {
	return DiffExhaustiveWith(oldP, newP, AnalyzeOptions{})
}

// DiffExhaustiveWith is DiffExhaustive with options.
func DiffExhaustiveWith(oldP, newP *sla.Policy, o AnalyzeOptions) (*ExhaustiveDiff, error) {
	if oldP == nil || newP == nil || oldP.Rules() == nil || newP.Rules() == nil {
		return nil, errors.New("slatest: exhaustive diff: no policy")
	}
	max, err := maxClasses(o.MaxClasses)
	if err != nil {
		return nil, err
	}
	sp, err := newSpace([]*rules.Set{oldP.Rules(), newP.Rules()}, []string{"old", "new"})
	if err != nil {
		return nil, fmt.Errorf("slatest: exhaustive diff: %w", err)
	}
	r := &ExhaustiveDiff{Format: ExhaustiveDiffFormat, Old: ref(oldP), New: ref(newP), Classes: sp.total, Fields: sp.fieldClasses(),
		Inexact: sp.inexact, Changes: []ClassChange{}, Transitions: []ClassTransition{}}
	if r.Inexact == nil {
		r.Inexact = []InexactRule{}
	}
	outcome := func(d *rules.Decision, err error) Outcome {
		if err != nil {
			return Outcome{Error: err.Error()}
		}
		return Outcome{Tier: d.Tier, Rule: ruleOf(d)}
	}
	counts := map[transitionKey]int{}
	var order []transitionKey
	listed := 0
	w := sp.walk(limits(max, o), func(ev *evaluation) {
		a, b := outcome(&ev.decisions[0], ev.errs[0]), outcome(&ev.decisions[1], ev.errs[1])
		if a.Tier == b.Tier && a.Rule == b.Rule && (a.Error == "") == (b.Error == "") {
			r.Unchanged++
			return
		}
		r.ChangeCount++
		tr := transitionKey{a.Tier, a.Rule, a.Error != "", b.Tier, b.Rule, b.Error != ""}
		if counts[tr] == 0 {
			order = append(order, tr)
		}
		counts[tr]++
		if n := inputSize(ev.union); len(r.Changes) < MaxListedChanges && listed+n <= MaxListedValues {
			listed += n
			r.Changes = append(r.Changes, ClassChange{Input: copyInput(ev.union), Old: a, New: b})
		}
	})
	r.Evaluated, r.Exhaustive, r.Sampling = w.evaluated, w.exhaustive, w.note(r.Classes, o.MaxTime)
	r.Exact = r.Exhaustive && len(r.Inexact) == 0
	// Tiers and rules sort as the policies declare them (the old one's first, then what only
	// the new one has); a refusal, which has neither, sorts last.
	tierRank, ruleRank := map[string]int{}, map[string]int{}
	for _, p := range []*sla.Policy{oldP, newP} {
		for _, t := range p.Rules().Tiers() {
			if _, ok := tierRank[t]; !ok {
				tierRank[t] = len(tierRank)
			}
		}
		for _, r := range p.Rules().Rules() {
			if _, ok := ruleRank[r.ID]; !ok {
				ruleRank[r.ID] = len(ruleRank)
			}
		}
	}
	ruleRank[DefaultRule] = len(ruleRank) // the default after every rule
	rankOf := func(m map[string]int, id string, refused bool) int {
		if r, ok := m[id]; ok && !refused {
			return r
		}
		return len(m) + 1
	}
	less := func(x, y transitionKey) bool {
		a := [4]int{rankOf(tierRank, x.oldTier, x.oldRefused), rankOf(tierRank, x.newTier, x.newRefused),
			rankOf(ruleRank, x.oldRule, x.oldRefused), rankOf(ruleRank, x.newRule, x.newRefused)}
		b := [4]int{rankOf(tierRank, y.oldTier, y.oldRefused), rankOf(tierRank, y.newTier, y.newRefused),
			rankOf(ruleRank, y.oldRule, y.oldRefused), rankOf(ruleRank, y.newRule, y.newRefused)}
		for i := range a {
			if a[i] != b[i] {
				return a[i] < b[i]
			}
		}
		return false
	}
	sort.SliceStable(order, func(i, j int) bool { return less(order[i], order[j]) })
	rank := map[transitionKey]int{}
	for i, k := range order {
		rank[k] = i
		r.Transitions = append(r.Transitions, ClassTransition{
			Old:     Outcome{Tier: k.oldTier, Rule: k.oldRule, Error: refusedNote(k.oldRefused)},
			New:     Outcome{Tier: k.newTier, Rule: k.newRule, Error: refusedNote(k.newRefused)},
			Classes: counts[k],
		})
	}
	keyOf := func(c ClassChange) transitionKey {
		return transitionKey{c.Old.Tier, c.Old.Rule, c.Old.Error != "", c.New.Tier, c.New.Rule, c.New.Error != ""}
	}
	sort.SliceStable(r.Changes, func(i, j int) bool { return rank[keyOf(r.Changes[i])] < rank[keyOf(r.Changes[j])] })
	return r, nil
}

// transitionKey identifies a transition: the old and new tier and rule, and whether each
// policy refused the input.
type transitionKey struct {
	oldTier, oldRule string
	oldRefused       bool
	newTier, newRule string
	newRefused       bool
}

// refusedNote stands for the refusals of a group, whose messages differ from class to class.
func refusedNote(refused bool) string {
	if refused {
		return "the policy refuses the input"
	}
	return ""
}

// Apply marks each change Expected when an entry of e allows it, and fills Unexpected with the
// others, as DiffResult.Apply does for a corpus diff: entries match the old and new tier and
// the new rule, and an entry's max counts classes, in the order of Changes. A refusal has no
// tier: only "*" matches it. A nil e allows nothing.
func (r *ExhaustiveDiff) Apply(e *Expectations) {
	r.applied = true
	r.Unexpected = nil
	var allow []Allowed
	if e != nil {
		allow = e.Allow
	}
	used := make([]int, len(allow))
	for i := range r.Changes {
		c := &r.Changes[i]
		c.Expected = false
		cc := ChangedCase{OldTier: c.Old.Tier, OldRule: c.Old.Rule, NewTier: c.New.Tier, NewRule: c.New.Rule}
		for j, a := range allow {
			if !a.matches(cc) || a.Max > 0 && used[j] >= a.Max {
				continue
			}
			used[j]++
			c.Expected = true
			break
		}
		if !c.Expected {
			r.Unexpected = append(r.Unexpected, *c)
		}
	}
}
