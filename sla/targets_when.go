package sla

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/internal/yamltree"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla/deadline"
)

// Tiers of the one-rule sets that decide whether a conditional target applies.
const (
	targetApplies = "applies"
	targetSkipped = "skipped"
)

// targetCondition is the compiled `when` of one target: a rule set whose only rule is the
// condition, so that it reads the input exactly as the tier rules do (same fields, defaults,
// declared values and bounds).
type targetCondition struct {
	set *rules.Set
}

// compileTargetConditions compiles the `when` of every target that has one against the
// policy's input schema, reporting problems at their place in the file as the tier rules' are.
// conds holds the decoded conditions, index-aligned with p.targets (When empty: none).
func (d *policyDecoder) compileTargetConditions(spec *rules.Spec, p *Policy, conds []rules.Rule) {
	for i, c := range conds {
		if c.When == "" || i >= len(p.targets) {
			continue
		}
		id := p.targets[i].ID
		if id == "" {
			id = fmt.Sprintf("targets[%d]", i)
		}
		set, err := rules.Compile(rules.Spec{
			File:          spec.File,
			Source:        spec.Source,
			PolicyID:      spec.PolicyID,
			PolicyVersion: spec.PolicyVersion,
			PolicyHash:    spec.PolicyHash,
			Fields:        spec.Fields,
			Tiers:         []string{targetApplies, targetSkipped},
			Rules:         []rules.Rule{{ID: "when", When: c.When, WhenPos: c.WhenPos, Pos: c.Pos, Tier: targetApplies, Reason: "when"}},
			Default:       rules.Default{Tier: targetSkipped, Reason: "when", Pos: c.Pos},
			ExtraInput:    spec.ExtraInput,
		})
		if err != nil {
			var ps *Problems
			if !errors.As(err, &ps) {
				d.ProblemAt(c.Pos, "target %s: when: %v", id, err)
				continue
			}
			for _, problem := range *ps {
				if problem.Rule != "when" {
					continue // a schema problem, which the tier rules' compilation reported
				}
				if problem.Field != "" && d.brokenFields[problem.Field] {
					continue // already reported at the field's declaration
				}
				problem.Rule, problem.Field = "", ""
				problem.Message = "target " + id + ": when: " + problem.Message
				d.Problems.Add(problem)
			}
			continue
		}
		if p.targetWhen == nil {
			p.targetWhen = make([]*targetCondition, len(p.targets))
		}
		p.targetWhen[i] = &targetCondition{set: set}
		p.targets[i].When = c.When
	}
}

// targetsApplying says, for each target of the policy, whether it applies to the case whose
// accepted event carries input: nil when no target has a condition (every target applies).
// A case without input is judged on the fields' defaults; input that the condition cannot
// read (a required field missing, a value outside the declared ones) is an error naming the
// target, never a silent skip, since a skipped target hides a duty (a follow-up visit).
func (p *Policy) targetsApplying(input map[string]any) ([]bool, error) {
	if p.targetWhen == nil {
		return nil, nil
	}
	out := make([]bool, len(p.targets))
	for k, c := range p.targetWhen {
		if c == nil {
			out[k] = true
			continue
		}
		d, err := c.set.Classify(input)
		if err != nil {
			return nil, diag.Errorf("sla", "target %s: the condition (when) cannot be decided on the case's input: %w", p.targets[k].ID, err)
		}
		out[k] = d.Tier == targetApplies
	}
	return out, nil
}

// TierExtensions are the extension limits of one tier (see Extensions.Tiers).
type TierExtensions struct {
	Tier     string
	MaxCount int             // how many extensions a case of the tier may receive; at least 1
	MaxTotal deadline.Period // their summed length; zero Period means no cap beyond MaxCount
}

// ForTier returns the limits that apply to a case of the tier: Tiers' entry for it, the
// policy-wide MaxCount and MaxTotal when Tiers is empty, or no extensions at all (MaxCount 0)
// when Tiers lists other tiers only.
func (x Extensions) ForTier(tier string) Extensions {
	if len(x.Tiers) == 0 {
		return x
	}
	out := x
	out.MaxCount, out.MaxTotal = 0, deadline.Period{}
	for _, t := range x.Tiers {
		if t.Tier == tier {
			out.MaxCount, out.MaxTotal = t.MaxCount, t.MaxTotal
		}
	}
	return out
}

// extensionsFor is the extension limits of a case in tier, or the refusal of any extension
// for a tier the policy does not let extend: an *EventError naming "length", the field the
// caller asked for, with the tiers that may extend.
func (p *Policy) extensionsFor(tier string) (Extensions, error) {
	x := p.extensions.ForTier(tier)
	if len(p.extensions.Tiers) > 0 && x.MaxCount <= 0 {
		ids := make([]string, 0, len(p.extensions.Tiers))
		for _, t := range p.extensions.Tiers {
			ids = append(ids, t.Tier)
		}
		return x, eventFail(ErrExtensionCap, "length", "policy %s allows no extension of a case in tier %s (only in %s)", p.id, tier, strings.Join(ids, ", "))
	}
	return x, nil
}

// targetWhen reads a target's optional `when`, with the position of its text so that
// problems in it point into the file as a tier rule's do.
func (d *policyDecoder) targetWhen(m map[string]yamltree.Pair, what string) rules.Rule {
	f, ok := m["when"]
	if !ok {
		return rules.Rule{}
	}
	if _, ok := d.str(f, what+".when"); !ok {
		return rules.Rule{}
	}
	r := rules.Rule{Pos: d.Pos(f.Value)}
	r.When, r.WhenPos = d.expression(f.Value)
	if strings.TrimSpace(r.When) == "" {
		d.Problem(f.Value, "%s.when: must not be empty (leave the key out for a target of every case)", what)
		return rules.Rule{}
	}
	return r
}

// extensionTiers reads extensions.tiers: either a list of tier ids, each taking the
// policy-wide max_count and max_total, or a mapping of tier id to its own
// {max_count, max_total} (a key left out takes the policy-wide value). Only the tiers listed
// may then be extended.
func (d *policyDecoder) extensionTiers(n *yaml.Node, p *Policy) {
	const what = "extensions.tiers"
	seen := map[string]bool{}
	add := func(k *yaml.Node, t TierExtensions) {
		switch {
		case seen[t.Tier]:
			d.Problem(k, "%s: tier %q is listed twice", what, t.Tier)
			return
		case !hasTier(p, t.Tier):
			d.Problem(k, "%s: %q is not a declared tier (declared: %s)", what, t.Tier, strings.Join(tierIDs(p), ", "))
			return
		}
		seen[t.Tier] = true
		p.extensions.Tiers = append(p.extensions.Tiers, t)
	}
	if (n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode) && len(n.Content) == 0 {
		d.Problem(n, "%s: lists no tier (leave the key out to let every tier be extended, or set max_count: 0 to let none)", what)
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode || item.Tag == "!!null" {
				d.Problem(item, "%s: expected a tier id, found %s", what, yamltree.Describe(item))
				continue
			}
			add(item, TierExtensions{Tier: item.Value, MaxCount: p.extensions.MaxCount, MaxTotal: p.extensions.MaxTotal})
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			at := what + "." + k.Value
			t := TierExtensions{Tier: k.Value, MaxCount: p.extensions.MaxCount, MaxTotal: p.extensions.MaxTotal}
			m := d.Mapping(v, at, "max_count", "max_total")
			if m == nil {
				continue
			}
			if f, ok := m["max_count"]; ok {
				t.MaxCount, _ = d.integer(f, at+".max_count", 1, 100)
			}
			if f, ok := m["max_total"]; ok {
				if per, ok := d.period(f, at+".max_total"); ok {
					if !capUnit(per.Unit) {
						d.Problem(f.Value, "%s.max_total: %s cannot cap extensions (use workdays, days, workhours or hours)", at, per)
					}
					t.MaxTotal = per
				}
			}
			add(k, t)
		}
	default:
		d.Problem(n, "%s: expected a list of tier ids, or a mapping of tier id to {max_count, max_total}, found %s", what, yamltree.Describe(n))
	}
}

// capUnit reports whether an extension cap may be counted in u (months have no fixed length
// to sum).
func capUnit(u deadline.Unit) bool {
	return u == deadline.Workdays || u == deadline.Days || u == deadline.Workhours || u == deadline.Hours
}

func tierIDs(p *Policy) []string {
	ids := make([]string, len(p.tiers))
	for i, t := range p.tiers {
		ids[i] = t.ID
	}
	return ids
}

func hasTier(p *Policy, id string) bool {
	_, ok := p.tierIndex[id]
	return ok
}

// targetsOn is Policy.targetsApplying for the case replayed, judged on the input of its
// accepted event.
func (r *replayer) targetsOn() ([]bool, error) {
	if r.p.targetWhen == nil {
		return nil, nil
	}
	var input map[string]any
	for i := 0; i < r.n; i++ {
		if r.events[i].Type == EventAccepted {
			input = r.events[i].Input
			break
		}
	}
	return r.p.targetsApplying(input)
}

// followOn reports whether a problem of the rules is a consequence of one the decoder already
// reported: a rule or the default naming a tier when a declared tier was dropped for a broken
// id (the tier the rule names is most likely that one). The messages are package rules' own.
func (d *policyDecoder) followOn(p Problem) bool {
	return d.tiersIncomplete && (strings.HasPrefix(p.Message, "unknown tier ") || strings.HasPrefix(p.Message, "default tier "))
}

// tierWithoutID reports whether an item of the tiers list was dropped for want of a usable id
// (none, empty, too long, not text) — not for repeating one that ids holds.
func tierWithoutID(n *yaml.Node, ids []string) bool {
	if n == nil || n.Kind != yaml.SequenceNode {
		return false
	}
	for _, item := range n.Content {
		id, ok := "", false
		if item.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(item.Content); i += 2 {
				if k, v := item.Content[i], item.Content[i+1]; k.Value == "id" && v.Kind == yaml.ScalarNode {
					id, ok = v.Value, true
				}
			}
		}
		if !ok || !slices.Contains(ids, id) {
			return true
		}
	}
	return false
}

// tierMisplaced are keys a policy writer puts on a tier that belong elsewhere, with where:
// the counting conventions hold for every tier of a policy, and extension limits per tier are
// listed under extensions.
var tierMisplaced = map[string]string{
	"cutoff":          "a same-day cutoff is a counting convention of the whole policy: set counting.same_day_cutoff (e.g. \"16:00\"), which ends every same-day (当日, 0 workdays) tier",
	"same_day_cutoff": "set counting.same_day_cutoff (e.g. \"16:00\"): the counting conventions hold for every tier",
	"end_of_day":      "set counting.end_of_day: the counting conventions hold for every tier",
	"business_hours":  "set counting.business_hours: the counting conventions hold for every tier",
	"receipt":         "set counting.receipt: the counting conventions hold for every tier",
	"extensions":      "list the tier under extensions.tiers (e.g. tiers: [攻坚]) to let only it be extended",
	"max_count":       "list the tier under extensions.tiers with its max_count",
	"max_total":       "list the tier under extensions.tiers with its max_total",
}

// withoutMisplaced reports every key of the mapping n that hints names — a key known to belong
// elsewhere — with where it belongs, and returns n without those keys, so that the mapping's
// own check does not report them a second time as unknown. n itself is not modified.
func (d *policyDecoder) withoutMisplaced(n *yaml.Node, what string, hints map[string]string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return n
	}
	var kept []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if hint, ok := hints[k.Value]; ok && k.Kind == yaml.ScalarNode {
			d.Problem(k, "%s: %q is not a key of a tier: %s", what, k.Value, hint)
			if kept == nil {
				kept = append([]*yaml.Node{}, n.Content[:i]...)
			}
			continue
		}
		if kept != nil {
			kept = append(kept, k, n.Content[i+1])
		}
	}
	if kept == nil {
		return n
	}
	c := *n
	c.Content = kept
	return &c
}
