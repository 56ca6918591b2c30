package slatest_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// The property tests hold Analyze and DiffExhaustive to brute force: small random policies over
// a small domain, every combination of the domain's values classified through the ordinary
// classifier, and the conclusions compared. The random conditions use only the comparisons the
// partition models, so every analysis must be exact; the domain holds at least one value of
// every class (each literal, a text that is none of them, each side of every threshold and the
// threshold itself), so the brute force sees every behaviour the classes can show, and the
// classes must show every behaviour the brute force sees.

// propField is a field of the random policies with its brute-force domain.
type propField struct {
	name, decl string
	domain     []any
	atoms      []string // comparisons of the field that the partition models
}

var (
	propT1 = time.Date(2025, 3, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	propT2 = time.Date(2025, 6, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
)

func propFields() []propField {
	// Every set of the literals a, b, c with 0 to 3 copies of a text that is none of them: every
	// membership with every length up to 6.
	var lists []any
	for mask := 0; mask < 8; mask++ {
		for extra := 0; extra <= 3; extra++ {
			l := []string{}
			for i, v := range []string{"a", "b", "c"} {
				if mask&(1<<i) != 0 {
					l = append(l, v)
				}
			}
			for k := 0; k < extra; k++ {
				l = append(l, "zz")
			}
			lists = append(lists, l)
		}
	}
	return []propField{
		{name: "s", decl: `{type: string, default: ""}`, domain: []any{"a", "b", "c", "zz", ""},
			atoms: []string{`s == "a"`, `s != "b"`, `s in ["a", "c"]`, `"c" == s`, `s == ""`}},
		{name: "e", decl: `{type: string, values: [a, b, c, d]}`, domain: []any{"a", "b", "c", "d"},
			atoms: []string{`e == "a"`, `e != "c"`, `e in ["b", "c"]`, `e not in ["a"]`}},
		{name: "n", decl: `{type: int, default: 0}`, domain: []any{-1, 0, 1, 2, 3, 4},
			atoms: []string{`n > 2`, `n >= 1`, `n < 1.5`, `n == 3`, `n != 0`, `n <= 0`, `n in [1, 3]`, `2 < n`}},
		{name: "f", decl: `{type: float, default: 0.0}`, domain: []any{-1.0, 0.0, 0.25, 0.5, 0.75, 1.0, 2.0},
			atoms: []string{`f > 0.5`, `f <= 1`, `f == 0.5`, `f < 0`}},
		{name: "b", decl: `{type: bool, default: false}`, domain: []any{false, true},
			atoms: []string{`b`, `!b`, `b == true`, `b != true`}},
		{name: "l", decl: `{type: "[]string", default: []}`, domain: lists,
			atoms: []string{`"a" in l`, `"b" not in l`, `"c" in l`, `len(l) > 1`, `len(l) == 0`, `2 >= len(l)`}},
		{name: "t", decl: `{type: time, default: "2025-01-01T00:00:00+08:00"}`,
			domain: []any{propT1.Add(-time.Second), propT1, propT1.Add(time.Second), propT1.AddDate(0, 2, 0), propT2, propT2.AddDate(0, 1, 0)},
			atoms:  []string{`t >= date("2025-03-01")`, `t < date("2025-06-01")`, `t == date("2025-03-01")`}},
	}
}

// propPolicy writes a random policy: 1–4 rules of 1–3 atoms joined by && or ||, sometimes
// negated, over a random subset of the fields; tiers A, B, C, default C.
func propPolicy(rng *rand.Rand, fields []propField, version string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format: shixian/v1\nid: prop\nversion: %q\neffective: {from: 2025-01-01}\ninput:\n", version)
	for _, f := range fields {
		fmt.Fprintf(&b, "  %s: %s\n", f.name, f.decl)
	}
	b.WriteString("tiers:\n  - {id: A, limit: 1 workday}\n  - {id: B, limit: 3 workdays}\n  - {id: C, limit: 10 workdays}\n")
	b.WriteString("default: {tier: C, reason: default}\nrules:\n")
	used := fields
	if len(fields) > 3 {
		perm := rng.Perm(len(fields))[:1+rng.IntN(3)]
		used = nil
		for _, i := range perm {
			used = append(used, fields[i])
		}
	}
	nrules := 1 + rng.IntN(4)
	for r := 0; r < nrules; r++ {
		natoms := 1 + rng.IntN(3)
		var cond string
		for a := 0; a < natoms; a++ {
			f := used[rng.IntN(len(used))]
			atom := f.atoms[rng.IntN(len(f.atoms))]
			if rng.IntN(4) == 0 {
				atom = "!(" + atom + ")"
			}
			switch {
			case a == 0:
				cond = atom
			case rng.IntN(2) == 0:
				cond = "(" + cond + ") && " + atom
			default:
				cond = "(" + cond + ") || " + atom
			}
		}
		fmt.Fprintf(&b, "  - {id: r%d, when: '%s', tier: %s, reason: why}\n", r+1, cond, []string{"A", "B", "C"}[rng.IntN(3)])
	}
	return b.String()
}

// bruteInputs yields every combination of the domains of the named fields.
func bruteInputs(fields []propField, names map[string]bool, fn func(map[string]any)) {
	var fs []propField
	for _, f := range fields {
		if names[f.name] {
			fs = append(fs, f)
		}
	}
	idx := make([]int, len(fs))
	for {
		in := map[string]any{"e": "a"} // e is required: a value for the policies that do not read it
		for i, f := range fs {
			in[f.name] = f.domain[idx[i]]
		}
		fn(in)
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(fs[i].domain) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

func readFields(p *sla.Policy) map[string]bool {
	out := map[string]bool{}
	for _, r := range p.Rules().Rules() {
		for _, f := range p.Rules().FieldsRead(r.ID) {
			out[f] = true
		}
	}
	return out
}

func sortedSet(m map[string]bool) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestAnalyzeAgreesWithBruteForce(t *testing.T) {
	fields := propFields()
	rng := rand.New(rand.NewPCG(11, 2))
	checked := 0
	for iter := 0; checked < 150 && iter < 1000; iter++ {
		src := propPolicy(rng, fields, "1")
		p, err := sla.ParsePolicy("prop.yaml", []byte(src))
		if err != nil {
			continue // a duplicate or constant condition the loader refuses
		}
		checked++
		a, err := slatest.Analyze(p)
		require.NoError(t, err, src)
		require.True(t, a.Exact, "every random condition is one the partition models:\n%s\n%v", src, a.Inexact)

		// Brute force: who decides, who matches without deciding and under whom.
		decides := map[string]bool{}
		matched := map[string]bool{}
		shadowers := map[string]map[string]bool{}
		tiers := map[string]bool{}
		reachesDefault := false
		bruteInputs(fields, readFields(p), func(in map[string]any) {
			d, err := p.Rules().Classify(in)
			require.NoError(t, err, "%v", in)
			tiers[d.Tier] = true
			if d.Default {
				reachesDefault = true
				return
			}
			decides[d.RuleID] = true
			for _, id := range d.Shadowed() {
				matched[id] = true
				if shadowers[id] == nil {
					shadowers[id] = map[string]bool{}
				}
				shadowers[id][d.RuleID] = true
			}
		})
		var wantUnreachable, wantPartly []string
		for _, r := range p.Rules().Rules() {
			switch {
			case !decides[r.ID]:
				wantUnreachable = append(wantUnreachable, r.ID+" by "+strings.Join(sortedSet(shadowers[r.ID]), ","))
			case matched[r.ID]:
				wantPartly = append(wantPartly, r.ID+" by "+strings.Join(sortedSet(shadowers[r.ID]), ","))
			}
		}
		var gotUnreachable, gotPartly []string
		for _, u := range a.Unreachable {
			gotUnreachable = append(gotUnreachable, u.Rule+" by "+strings.Join(slices.Sorted(slices.Values(u.ShadowedBy)), ","))
		}
		for _, u := range a.PartlyShadowed {
			gotPartly = append(gotPartly, u.Rule+" by "+strings.Join(slices.Sorted(slices.Values(u.ShadowedBy)), ","))
		}
		assert.Equal(t, wantUnreachable, gotUnreachable, "unreachable rules of\n%s", src)
		assert.Equal(t, wantPartly, gotPartly, "partly shadowed rules of\n%s", src)
		assert.Equal(t, reachesDefault, a.DefaultClasses > 0, "whether some input falls to the default, for\n%s", src)
		gotTiers := map[string]bool{}
		for tier, n := range a.Tiers {
			if n > 0 {
				gotTiers[tier] = true
			}
		}
		assert.Equal(t, tiers, gotTiers, "tiers some input gets, for\n%s", src)
		for _, in := range a.ReachesDefault {
			d, err := p.Rules().Classify(in)
			require.NoError(t, err)
			assert.True(t, d.Default, "the example %v falls to the default", in)
		}
		if t.Failed() {
			return
		}
	}
	require.GreaterOrEqual(t, checked, 100, "the generator makes too few loadable policies to mean anything")
}

func TestDiffExhaustiveAgreesWithBruteForce(t *testing.T) {
	fields := propFields()
	rng := rand.New(rand.NewPCG(13, 10))
	checked := 0
	for iter := 0; checked < 100 && iter < 1000; iter++ {
		oldSrc, newSrc := propPolicy(rng, fields, "1"), propPolicy(rng, fields, "2")
		if rng.IntN(4) == 0 {
			newSrc = strings.Replace(oldSrc, `version: "1"`, `version: "2"`, 1) // no change at all
		}
		oldP, err1 := sla.ParsePolicy("old.yaml", []byte(oldSrc))
		newP, err2 := sla.ParsePolicy("new.yaml", []byte(newSrc))
		if err1 != nil || err2 != nil {
			continue
		}
		checked++
		r, err := slatest.DiffExhaustive(oldP, newP)
		require.NoError(t, err)
		require.True(t, r.Exact)

		outcome := func(p *sla.Policy, in map[string]any) string {
			d, err := p.Rules().Classify(in)
			require.NoError(t, err)
			rule := d.RuleID
			if d.Default {
				rule = "default"
			}
			return d.Tier + "/" + rule
		}
		names := readFields(oldP)
		for f := range readFields(newP) {
			names[f] = true
		}
		want := map[string]bool{}
		bruteInputs(fields, names, func(in map[string]any) {
			if o, n := outcome(oldP, in), outcome(newP, in); o != n {
				want[o+" → "+n] = true
			}
		})
		got := map[string]bool{}
		for _, c := range r.Changes {
			o, n := c.Old.Tier+"/"+c.Old.Rule, c.New.Tier+"/"+c.New.Rule
			got[o+" → "+n] = true
			// Each example input really moves as reported.
			require.Equal(t, o, outcome(oldP, c.Input))
			require.Equal(t, n, outcome(newP, c.Input))
		}
		assert.Equal(t, sortedSet(want), sortedSet(got), "transitions between\n%s\nand\n%s", oldSrc, newSrc)
		total := 0
		for _, tr := range r.Transitions {
			total += tr.Classes
		}
		assert.Equal(t, len(r.Changes), total, "the transitions count every change once")
		if t.Failed() {
			return
		}
	}
	require.GreaterOrEqual(t, checked, 60)
}
