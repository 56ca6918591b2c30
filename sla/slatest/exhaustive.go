package slatest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shixian-go/shixian/rules"
)

// The input space of one or more rule sets, cut into classes. Each field a rule reads is cut
// by what the conditions compare it with (rules.Set.Partition): a declared value or a text
// literal is a class of its own, the other declared values are one more class (several when
// the policies of a diff declare different values: one per set of policies that accept them),
// any other text is one more; numbers and instants are cut at every threshold, which is a class
// of its own, with one class on either side and between each two; a boolean has two; a list
// has, for each text tested in it, a class with it and one without, and its length is cut like
// a number when a condition compares it (the example list is lengthened with a text that is
// none of those tested, or with copies of one present). A class's representative
// is one value of it. Every combination of classes of every field is one input class, and its
// representative input is what the rules are run on, through rules.Set.Classify.

// DefaultMaxClasses is how many input classes Analyze and DiffExhaustive evaluate when their
// options leave MaxClasses at zero (65,536: about a tenth of a second for a policy of a dozen
// rules). Past it the result is not exhaustive: that many classes are drawn at random, with a
// fixed seed so that the result is reproducible, and the report says so.
const DefaultMaxClasses = 1 << 16

// MaxClassesLimit is the most classes an analysis may be asked to evaluate.
const MaxClassesLimit = 1 << 22

// maxExamples bounds the example inputs a report lists per list (the counts cover all).
const maxExamples = 100

// FieldClasses is how one field (for a list field: one text tested in it) was cut into
// classes, in words, in the order of the classes.
type FieldClasses struct {
	Field   string   `json:"field"`
	Classes []string `json:"classes"`
}

// InexactRule is a rule whose condition the partition does not decide exactly, and why.
type InexactRule struct {
	Policy string `json:"policy,omitempty"` // "old" or "new" in an exhaustive diff
	Rule   string `json:"rule"`
	Why    string `json:"why"`
}

// dim is one axis of the space: a field (or one text tested in a list field) and its classes.
type dim struct {
	field  int      // index in space.fields
	lit    string   // for a list field: the text whose presence this axis decides
	isLit  bool     // the axis is a text's presence in a list (reps: false, true)
	isLen  bool     // the axis is a list's length (reps: ints, the length at least)
	reps   []any    // one representative per class (for a list axis: false, true)
	labels []string // the classes in words
}

// spaceField is a field of the union of the sets' schemas.
type spaceField struct {
	name     string
	typ      rules.Type
	declared []bool // per set: the set declares the field
	filler   []any  // per set: the value sent when no axis covers the field; nil = leave it out
	active   bool   // some axis covers it
	lits     []string
	// pad is the element a list is lengthened with to reach a length class: a text that is
	// none of lits and that every set declaring the field accepts; "" with ok false when there
	// is none (then only present texts are repeated).
	pad    string
	padOK  bool
	hasLen bool // an axis cuts the list's length
}

// space is the input classes of one or more sets.
type space struct {
	sets    []*rules.Set
	fields  []spaceField
	dims    []dim
	total   int // product of the class counts, saturated at math.MaxInt
	inexact []InexactRule
}

// fillerTime is the instant sent for a required time field no rule reads.
var fillerTime = time.Date(2025, 1, 2, 9, 0, 0, 0, cst)

// newSpace cuts the union of the sets' inputs into classes. names are the sets' names in
// InexactRule.Policy ("" for a single set).
func newSpace(sets []*rules.Set, names []string) (*space, error) {
	sp := &space{sets: sets}
	byName := map[string]int{}
	parts := make([]rules.Partition, len(sets))
	for k, s := range sets {
		parts[k] = s.Partition()
		for _, in := range parts[k].Inexact {
			sp.inexact = append(sp.inexact, InexactRule{Policy: names[k], Rule: in.Rule, Why: in.Why})
		}
	}
	// The union of the fields, in the order of the first set, then the others' new ones.
	type agg struct {
		values [][]string // per set, nil when the set declares none (or not the field)
		strs   []string
		seen   map[string]bool // strs as a set
		nums   []float64
		times  []time.Time
		lens   []float64
		read   bool
		defs   []any
	}
	var aggs []*agg
	for k, p := range parts {
		for _, f := range p.Fields {
			i, ok := byName[f.Name]
			if !ok {
				i = len(sp.fields)
				byName[f.Name] = i
				sp.fields = append(sp.fields, spaceField{name: f.Name, typ: f.Type,
					declared: make([]bool, len(sets)), filler: make([]any, len(sets))})
				aggs = append(aggs, &agg{values: make([][]string, len(sets)), defs: make([]any, len(sets))})
			}
			sf, a := &sp.fields[i], aggs[i]
			if sf.typ != f.Type {
				return nil, fmt.Errorf("field %s is %s in %s and %s in %s: the classes of one field need one type", f.Name, sf.typ, firstDeclaring(sf, names), f.Type, names[k])
			}
			sf.declared[k] = true
			a.values[k] = f.Values
			a.defs[k] = f.Default
			a.read = a.read || f.Read
			if a.seen == nil {
				a.seen = map[string]bool{}
			}
			for _, s := range f.Strings {
				if !a.seen[s] {
					a.seen[s] = true
					a.strs = append(a.strs, s)
				}
			}
			a.nums = append(a.nums, f.Numbers...)
			a.times = append(a.times, f.Times...)
			a.lens = append(a.lens, f.Lengths...)
		}
	}
	for i := range sp.fields {
		sf, a := &sp.fields[i], aggs[i]
		for k := range sets {
			if sf.declared[k] && a.defs[k] == nil {
				sf.filler[k] = fillerValue(sf.typ, a.values[k])
			}
		}
		if !a.read {
			continue
		}
		sf.active = true
		sf.lits = a.strs
		slices.Sort(a.nums)
		a.nums = slices.Compact(a.nums)
		slices.SortFunc(a.times, func(x, y time.Time) int { return x.Compare(y) })
		a.times = slices.CompactFunc(a.times, func(x, y time.Time) bool { return x.Equal(y) })
		def := firstDefault(a.defs)
		switch sf.typ {
		case rules.String:
			sp.dims = append(sp.dims, textDim(i, a.strs, a.values, sf.declared, def))
		case rules.StringList:
			if len(a.strs) == 0 && len(a.lens) == 0 {
				sp.dims = append(sp.dims, dim{field: i, reps: []any{[]string{}}, labels: []string{"any list"}})
			}
			if len(a.lens) > 0 {
				slices.Sort(a.lens)
				a.lens = slices.Compact(a.lens)
				sp.dims = append(sp.dims, lenDim(i, a.lens))
				sf.hasLen = true
				sf.pad, sf.padOK = listPad(a.values, sf.declared, a.seen)
			}
			for _, s := range a.strs {
				sp.dims = append(sp.dims, dim{field: i, lit: s, isLit: true, reps: []any{false, true},
					labels: []string{"without " + strconv.Quote(s), "with " + strconv.Quote(s)}})
			}
		case rules.Bool:
			sp.dims = append(sp.dims, dim{field: i, reps: []any{false, true}, labels: []string{"false", "true"}})
		case rules.Int:
			sp.dims = append(sp.dims, intDim(i, a.nums, def))
		case rules.Float:
			sp.dims = append(sp.dims, floatDim(i, a.nums, def))
		case rules.Time:
			sp.dims = append(sp.dims, timeDim(i, a.times, def))
		}
	}
	sp.total = 1
	for _, d := range sp.dims {
		if sp.total > math.MaxInt/len(d.reps) {
			sp.total = math.MaxInt
			break
		}
		sp.total *= len(d.reps)
	}
	return sp, nil
}

func firstDeclaring(sf *spaceField, names []string) string {
	for k, ok := range sf.declared {
		if ok {
			return names[k]
		}
	}
	return "?"
}

func firstDefault(defs []any) any {
	for _, d := range defs {
		if d != nil {
			return d
		}
	}
	return nil
}

// fillerValue is a valid value of a required field that no rule reads.
func fillerValue(t rules.Type, values []string) any {
	switch t {
	case rules.String:
		if len(values) > 0 {
			return values[0]
		}
		return ""
	case rules.StringList:
		return []string{}
	case rules.Int:
		return 0
	case rules.Float:
		return 0.0
	case rules.Bool:
		return false
	case rules.Time:
		return fillerTime
	}
	return nil
}

// textDim cuts a String field: each literal; the declared values no condition names, one class
// per set of sets declaring them; and, when some set takes any text, any other text.
func textDim(i int, lits []string, values [][]string, declared []bool, def any) dim {
	d := dim{field: i}
	for _, s := range lits {
		d.reps = append(d.reps, s)
		d.labels = append(d.labels, strconv.Quote(s))
	}
	free := false
	for k, ok := range declared {
		if ok && values[k] == nil {
			free = true
		}
	}
	// The other declared values, grouped by which sets declare them.
	type group struct {
		mask string
		vals []string
	}
	var groups []*group
	seen := map[string]bool{}
	for _, s := range lits {
		seen[s] = true
	}
	valueSets := make([]map[string]bool, len(values))
	for k, vs := range values {
		if vs != nil {
			valueSets[k] = make(map[string]bool, len(vs))
			for _, v := range vs {
				valueSets[k][v] = true
			}
		}
	}
	for _, vs := range values {
		for _, v := range vs {
			if seen[v] {
				continue
			}
			seen[v] = true
			var mask strings.Builder
			for k := range values {
				if valueSets[k][v] || declared[k] && values[k] == nil {
					mask.WriteByte('1')
				} else {
					mask.WriteByte('0')
				}
			}
			j := slices.IndexFunc(groups, func(g *group) bool { return g.mask == mask.String() })
			if j < 0 {
				groups = append(groups, &group{mask: mask.String()})
				j = len(groups) - 1
			}
			groups[j].vals = append(groups[j].vals, v)
		}
	}
	for _, g := range groups {
		d.reps = append(d.reps, g.vals[0])
		if len(g.vals) == 1 {
			d.labels = append(d.labels, strconv.Quote(g.vals[0]))
		} else if len(lits) == 0 && len(groups) == 1 {
			d.labels = append(d.labels, fmt.Sprintf("any of its %d declared values (%s)", len(g.vals), quoteList(g.vals, 5)))
		} else {
			d.labels = append(d.labels, fmt.Sprintf("any of %d other declared values (%s)", len(g.vals), quoteList(g.vals, 5)))
		}
	}
	if free {
		other, _ := def.(string)
		if def == nil || seen[other] {
			other = "other"
			for n := 2; seen[other]; n++ {
				other = "other-" + strconv.Itoa(n)
			}
		}
		d.reps = append(d.reps, other)
		if len(d.reps) == 1 {
			d.labels = append(d.labels, "any text")
		} else {
			d.labels = append(d.labels, "any other text")
		}
	}
	if len(d.reps) == 0 { // no set declares the field free and none has values: cannot happen
		d.reps, d.labels = []any{""}, []string{"any text"}
	}
	return d
}

func quoteList(vs []string, n int) string {
	var parts []string
	for j, v := range vs {
		if j == n {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, strconv.Quote(v))
	}
	return strings.Join(parts, ", ")
}

// intDim cuts an Int field at its thresholds: every integer threshold is a class; below the
// first, between two and above the last, one integer of each non-empty gap.
func intDim(i int, ts []float64, def any) dim {
	d := dim{field: i}
	if len(ts) == 0 {
		v, ok := def.(int)
		if !ok {
			v = 0
		}
		return dim{field: i, reps: []any{v}, labels: []string{"any number"}}
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	below := math.Floor(ts[0])
	if below == ts[0] {
		below--
	}
	d.reps = append(d.reps, int(below))
	d.labels = append(d.labels, "< "+num(ts[0]))
	for j, t := range ts {
		if t == math.Trunc(t) {
			d.reps = append(d.reps, int(t))
			d.labels = append(d.labels, "= "+num(t))
		}
		n := math.Floor(t) + 1
		switch {
		case j+1 < len(ts) && n < ts[j+1]:
			d.reps = append(d.reps, int(n))
			d.labels = append(d.labels, num(t)+" < n < "+num(ts[j+1]))
		case j+1 == len(ts):
			d.reps = append(d.reps, int(n))
			d.labels = append(d.labels, "> "+num(t))
		}
	}
	return d
}

// floatDim cuts a Float field as intDim does, with a middle value in each gap.
func floatDim(i int, ts []float64, def any) dim {
	if len(ts) == 0 {
		v, ok := def.(float64)
		if !ok {
			v = 0
		}
		return dim{field: i, reps: []any{v}, labels: []string{"any number"}}
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	d := dim{field: i}
	step := func(x float64) float64 { return max(1, math.Abs(x)) }
	if b := ts[0] - step(ts[0]); b < ts[0] && !math.IsInf(b, 0) {
		d.reps = append(d.reps, b)
		d.labels = append(d.labels, "< "+num(ts[0]))
	}
	for j, t := range ts {
		d.reps = append(d.reps, t)
		d.labels = append(d.labels, "= "+num(t))
		if j+1 < len(ts) {
			m := t/2 + ts[j+1]/2
			if m > t && m < ts[j+1] {
				d.reps = append(d.reps, m)
				d.labels = append(d.labels, num(t)+" < x < "+num(ts[j+1]))
			}
		} else if a := t + step(t); a > t && !math.IsInf(a, 0) {
			d.reps = append(d.reps, a)
			d.labels = append(d.labels, "> "+num(t))
		}
	}
	return d
}

// timeDim cuts a Time field at its instants: each instant, a day before the first, a day after
// the last, the middle of each gap.
func timeDim(i int, ts []time.Time, def any) dim {
	if len(ts) == 0 {
		v, ok := def.(time.Time)
		if !ok {
			v = fillerTime
		}
		return dim{field: i, reps: []any{v}, labels: []string{"any instant"}}
	}
	str := func(t time.Time) string { return t.In(cst).Format(time.RFC3339Nano) }
	d := dim{field: i}
	d.reps = append(d.reps, ts[0].Add(-24*time.Hour).In(cst))
	d.labels = append(d.labels, "before "+str(ts[0]))
	for j, t := range ts {
		d.reps = append(d.reps, t.In(cst))
		d.labels = append(d.labels, "at "+str(t))
		if j+1 < len(ts) {
			if gap := ts[j+1].Sub(t); gap > 1 {
				d.reps = append(d.reps, t.Add(gap/2).In(cst))
				d.labels = append(d.labels, "between "+str(t)+" and "+str(ts[j+1]))
			}
		} else {
			d.reps = append(d.reps, t.Add(24*time.Hour).In(cst))
			d.labels = append(d.labels, "after "+str(t))
		}
	}
	return d
}

// lenDim cuts the length of a list field at its thresholds, as intDim cuts a number, within
// 0…rules.MaxListLen (a longer list is refused by the classifier, so no class lies there).
func lenDim(i int, ts []float64) dim {
	d := intDim(i, ts, 0)
	out := dim{field: i, isLen: true}
	for j, r := range d.reps {
		n := r.(int)
		if n < 0 || n > rules.MaxListLen {
			continue
		}
		out.reps = append(out.reps, n)
		out.labels = append(out.labels, "length "+d.labels[j])
	}
	if len(out.reps) == 0 {
		out.reps, out.labels = []any{0}, []string{"any length"}
	}
	return out
}

// listPad is a text that lengthens a list without changing which literals it holds: one that
// is no literal and that every set declaring the field accepts.
func listPad(values [][]string, declared []bool, lits map[string]bool) (string, bool) {
	sets := make([]map[string]bool, len(values))
	for k, vs := range values {
		if vs != nil {
			sets[k] = make(map[string]bool, len(vs))
			for _, v := range vs {
				sets[k][v] = true
			}
		}
	}
	accepted := func(v string) bool {
		for k, ok := range declared {
			if ok && sets[k] != nil && !sets[k][v] {
				return false
			}
		}
		return !lits[v]
	}
	for _, vs := range values {
		for _, v := range vs {
			if accepted(v) {
				return v, true
			}
		}
	}
	for k, ok := range declared {
		if ok && values[k] != nil {
			return "", false // some set declares values, none of which will do
		}
	}
	pad := "other"
	for n := 2; lits[pad]; n++ {
		pad = "other-" + strconv.Itoa(n)
	}
	return pad, true
}

// fieldClasses describes the axes for a report.
func (sp *space) fieldClasses() []FieldClasses {
	out := make([]FieldClasses, 0, len(sp.dims))
	for _, d := range sp.dims {
		out = append(out, FieldClasses{Field: sp.fields[d.field].name, Classes: slices.Clone(d.labels)})
	}
	return out
}

// walkLimits bound a walk: at most max classes, and none started after deadline (zero: no
// deadline).
type walkLimits struct {
	max      int
	deadline time.Time
}

// walkResult is what a walk covered.
type walkResult struct {
	evaluated  int
	exhaustive bool
	sampled    bool // classes were drawn at random (there were more than max)
	timedOut   bool // the deadline stopped the walk
}

// note says how a walk that was not exhaustive chose its classes; "" when it was exhaustive.
func (w walkResult) note(total int, limit time.Duration) string {
	if w.exhaustive {
		return ""
	}
	of := strconv.Itoa(total)
	if total == math.MaxInt {
		of = "more than 2^63"
	}
	switch {
	case w.timedOut && w.sampled:
		return fmt.Sprintf("%d of %s input classes, drawn uniformly at random with a fixed seed, then the time limit (%s) stopped the analysis", w.evaluated, of, limit)
	case w.timedOut:
		return fmt.Sprintf("the first %d of %s input classes in order, then the time limit (%s) stopped the analysis", w.evaluated, of, limit)
	}
	return fmt.Sprintf("%d of %s input classes, drawn uniformly at random with a fixed seed (the same classes on every run)", w.evaluated, of)
}

// evaluation is one input class, as each set decided it.
type evaluation struct {
	inputs    []map[string]any // per set: the input it was given (reused between calls)
	union     map[string]any   // every field's value, for reports (reused between calls)
	decisions []rules.Decision
	errs      []error
}

// walk classifies every class (or, past lim.max, lim.max classes drawn at random with a fixed
// seed) and calls fn with each; fn must copy what it keeps. It stops early at lim.deadline. It
// returns what it covered.
func (sp *space) walk(lim walkLimits, fn func(*evaluation)) walkResult {
	ev := &evaluation{union: map[string]any{}, decisions: make([]rules.Decision, len(sp.sets)), errs: make([]error, len(sp.sets))}
	for k := range sp.sets {
		in := map[string]any{}
		for _, f := range sp.fields {
			if !f.active && f.declared[k] && f.filler[k] != nil {
				in[f.name] = f.filler[k]
			}
		}
		ev.inputs = append(ev.inputs, in)
	}
	for _, f := range sp.fields {
		if !f.active {
			if v := firstNonNil(f.filler); v != nil {
				ev.union[f.name] = v
			}
		}
	}
	idx := make([]int, len(sp.dims))
	lists := make([][]string, len(sp.fields))
	lengths := make([]int, len(sp.fields))
	one := func() {
		for fi := range lists {
			lists[fi], lengths[fi] = nil, 0
		}
		for j, d := range sp.dims {
			f := &sp.fields[d.field]
			v := d.reps[idx[j]]
			switch {
			case d.isLit:
				if v == true {
					lists[d.field] = append(lists[d.field], d.lit)
				}
				continue
			case d.isLen:
				lengths[d.field] = v.(int)
				continue
			}
			ev.union[f.name] = v
		}
		for fi, f := range sp.fields {
			if f.typ == rules.StringList && f.active && (len(f.lits) > 0 || f.hasLen) {
				l := lists[fi]
				if l == nil {
					l = []string{}
				}
				// Lengthen to the class's length: with the pad, or else by repeating a text
				// already there (which changes no membership); a list that can be neither has
				// no input of that length.
				for len(l) < lengths[fi] && (f.padOK || len(l) > 0) {
					if f.padOK {
						l = append(l, f.pad)
					} else {
						l = append(l, l[0])
					}
				}
				ev.union[f.name] = l
			}
		}
		for k, s := range sp.sets {
			for _, f := range sp.fields {
				if f.active && f.declared[k] {
					ev.inputs[k][f.name] = ev.union[f.name]
				}
			}
			ev.decisions[k], ev.errs[k] = s.Classify(ev.inputs[k])
		}
		fn(ev)
	}
	late := func(n int) bool {
		// The clock is read before every class but the first: a class can cost milliseconds
		// (conditions that build long texts), and reading it costs a few percent of the
		// cheapest class.
		return !lim.deadline.IsZero() && n > 0 && time.Now().After(lim.deadline)
	}
	if sp.total <= lim.max {
		for n := 0; n < sp.total; n++ {
			if late(n) {
				return walkResult{evaluated: n, timedOut: true}
			}
			rest := n
			for j := len(sp.dims) - 1; j >= 0; j-- {
				r := len(sp.dims[j].reps)
				idx[j] = rest % r
				rest /= r
			}
			one()
		}
		return walkResult{evaluated: sp.total, exhaustive: true}
	}
	rng := rand.New(rand.NewPCG(1310, 2025))
	for n := 0; n < lim.max; n++ {
		if late(n) {
			return walkResult{evaluated: n, sampled: true, timedOut: true}
		}
		for j := range sp.dims {
			idx[j] = rng.IntN(len(sp.dims[j].reps))
		}
		one()
	}
	return walkResult{evaluated: lim.max, sampled: true}
}

func firstNonNil(vs []any) any {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

// inputSize is how many values an input holds (a list's elements each count), for bounding
// what a report keeps.
func inputSize(in map[string]any) int {
	n := 0
	for _, v := range in {
		n++
		if l, ok := v.([]string); ok {
			n += len(l)
		}
	}
	return n
}

// copyInput is a deep copy of an input map, for a report to keep.
func copyInput(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		if l, ok := v.([]string); ok {
			v = slices.Clone(l)
			if v.([]string) == nil {
				v = []string{}
			}
		}
		out[k] = v
	}
	return out
}
