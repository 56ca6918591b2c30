package sla

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/internal/yamltree"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla/deadline"
)

// maxPolicyBytes bounds the size of a policy file so that a mistaken path (a log file, a
// corpus) fails fast instead of being parsed, and so that loading even the largest policy
// stays well under a second and a hundred megabytes: the YAML node tree of a file holds many
// times its size in memory.
const maxPolicyBytes = 1 << 20

// policyDecoder walks the YAML node tree of a policy file and collects every problem with its
// position, so that a policy analyst sees all mistakes in one run.
type policyDecoder struct {
	*yamltree.Decoder
	// lines are the source lines, for the verbatim text of block-scalar expressions.
	lines []string
	// brokenFields are declared input fields whose declaration has a problem.
	brokenFields map[string]bool
	// targetConds are the targets' `when` conditions, index-aligned with Policy.targets.
	targetConds []rules.Rule
	// tiersIncomplete is set when a declared tier was dropped for a problem with its id, so
	// that rules naming a tier the policy then lacks are not reported again (see followOn).
	tiersIncomplete bool
}

// str returns a pair's text; see yamltree.Decoder.Text.
func (d *policyDecoder) str(f yamltree.Pair, what string) (string, bool) {
	return d.Text(f.Value, what)
}

// nonEmpty reads an id (or the version): not empty, and at most MaxIDBytes, the bound a case
// holds its tier, rule and policy ids to, so that no policy can load whose every acceptance
// would then be refused.
func (d *policyDecoder) nonEmpty(f yamltree.Pair, what string) (string, bool) {
	s, ok := d.str(f, what)
	if ok && strings.TrimSpace(s) == "" {
		d.Problem(f.Value, "%s: must not be empty", what)
		return "", false
	}
	if ok && len(s) > MaxIDBytes {
		d.Problem(f.Value, "%s: is %d bytes long, more than the %d an id may have", what, len(s), MaxIDBytes)
		return "", false
	}
	return s, ok
}

// text reads a reason: at most MaxTextBytes, the bound of a case's event text, for the same
// reason as nonEmpty.
func (d *policyDecoder) text(f yamltree.Pair, what string) (string, bool) {
	s, ok := d.str(f, what)
	if ok && len(s) > MaxTextBytes {
		d.Problem(f.Value, "%s: is %d bytes long, more than the %d a reason may have", what, len(s), MaxTextBytes)
		return "", false
	}
	return s, ok
}

// strings reads a list of texts; a single scalar is accepted as a one-element list.
func (d *policyDecoder) strings(n *yaml.Node, what string) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}
	}
	var out []string
	for _, item := range d.Sequence(n, what) {
		if item.Kind != yaml.ScalarNode || item.Tag == "!!null" {
			d.Problem(item, "%s: expected text, found %s", what, yamltree.Describe(item))
			continue
		}
		out = append(out, item.Value)
	}
	return out
}

func (d *policyDecoder) period(f yamltree.Pair, what string) (deadline.Period, bool) {
	s, ok := d.str(f, what)
	if !ok {
		return deadline.Period{}, false
	}
	p, err := deadline.ParsePeriod(s)
	if err != nil {
		d.Problem(f.Value, "%s: %s", what, diag.Text(err))
		return deadline.Period{}, false
	}
	return p, true
}

func (d *policyDecoder) integer(f yamltree.Pair, what string, min, max int) (int, bool) {
	s, ok := d.str(f, what)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < min || v > max {
		d.Problem(f.Value, "%s: expected a whole number from %d to %d, found %q", what, min, max, s)
		return 0, false
	}
	return v, true
}

func parsePolicy(name string, data []byte) (*Policy, error) {
	if len(data) > maxPolicyBytes {
		return nil, fmt.Errorf("sla: %s: policy file is %d bytes, more than the %d allowed", name, len(data), maxPolicyBytes)
	}
	td, root, err := yamltree.Parse(name, data, fmt.Sprintf("empty policy file (expected `format: %s` and the policy keys)", Format))
	if err != nil {
		return nil, err
	}
	td.MappingHint, td.TerseKeys = "key: value lines", true
	d := &policyDecoder{Decoder: td, lines: strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")}
	p := &Policy{source: name, hash: policyContentHash(data), data: append([]byte(nil), data...), cal: calendar.Default()}
	spec := d.decode(root, p)
	if spec == nil {
		// Do not compile rules against a broken skeleton: report what we have, but still run
		// the rule checks when the parts they need are sound so that one run shows everything.
		if len(d.Problems) == 0 { // decode reports why whenever it gives up; stay safe if not
			d.ProblemAt(Position{File: name}, "policy declares no usable tier")
		}
		return nil, d.Err()
	}
	set, err := rules.Compile(*spec)
	if err != nil {
		var ps *Problems
		if errors.As(err, &ps) {
			for _, problem := range *ps {
				if problem.Field != "" && d.brokenFields[problem.Field] {
					continue // already reported at the field's declaration
				}
				if d.followOn(problem) {
					continue
				}
				d.Problems.Add(problem)
			}
		} else {
			d.ProblemAt(Position{File: name}, "%v", err)
		}
	}
	d.compileTargetConditions(spec, p, d.targetConds)
	if err := d.Err(); err != nil {
		return nil, err
	}
	p.set = set
	for _, w := range p.warnings {
		p.warnThresholds = append(p.warnThresholds, w.threshold())
	}
	// The counting conventions passed decodeCounting's Validate, and the
	// calendar is not nil, so New cannot fail; the check keeps that true.
	if p.counter, err = deadline.New(p.cal, p.counting); err != nil {
		return nil, fmt.Errorf("sla: %s: %w", name, err)
	}
	return p, nil
}

// decode fills p from the root mapping and returns the rule spec to compile, or nil when the
// parts the rules depend on (input schema, tiers, default) are unusable.
func (d *policyDecoder) decode(root *yaml.Node, p *Policy) *rules.Spec {
	top := d.Mapping(root, "policy", "format!", "id!", "version!", "title", "basis", "effective!",
		"input", "input_extra", "tiers!", "counting", "warnings", "extensions", "targets", "default!", "rules",
		"reasons", "reasons_required", "supervision", "rating", "ranking")
	if top == nil {
		return nil
	}
	if f, ok := top["format"]; ok {
		if s, ok := d.str(f, "format"); ok && s != Format {
			d.Problem(f.Value, "format: %q is not supported (expected %q)", s, Format)
		}
	}
	if f, ok := top["id"]; ok {
		if s, ok := d.nonEmpty(f, "id"); ok {
			if !rules.IsID(s) {
				d.Problem(f.Value, "id: %q may use only letters and digits (of any script), '-', '_' and '.'", s)
			}
			p.id = s
		}
	}
	if f, ok := top["version"]; ok {
		p.version, _ = d.nonEmpty(f, "version")
	}
	if f, ok := top["title"]; ok {
		p.title, _ = d.str(f, "title")
	}
	if f, ok := top["basis"]; ok {
		p.basis = d.strings(f.Value, "basis")
	}
	if f, ok := top["effective"]; ok {
		d.decodeEffective(f.Value, p)
	}

	var fields []rules.Field
	var broken map[string]bool
	if f, ok := top["input"]; ok {
		fields, broken = d.decodeInput(f.Value)
	}
	extra := rules.RejectExtra
	if f, ok := top["input_extra"]; ok {
		if s, ok := d.str(f, "input_extra"); ok {
			e, err := rules.ParseExtraInput(s)
			if err != nil {
				d.Problem(f.Value, "input_extra: %q is not a treatment of undeclared input fields (expected reject, the default, or ignore)", s)
			}
			extra = e
		}
	}
	var tierIDs []string
	if f, ok := top["tiers"]; ok {
		tierIDs = d.decodeTiers(f.Value, p)
		d.tiersIncomplete = tierWithoutID(f.Value, tierIDs)
	}
	p.counting = deadline.DefaultCounting()
	if f, ok := top["counting"]; ok {
		d.decodeCounting(f.Value, p)
	}
	if f, ok := top["warnings"]; ok {
		d.decodeWarnings(f.Value, p)
	}
	if f, ok := top["extensions"]; ok {
		d.decodeExtensions(f.Value, p)
	}
	if f, ok := top["targets"]; ok {
		d.decodeTargets(f.Value, p)
	}
	if f, ok := top["ranking"]; ok {
		d.decodeRanking(f.Value, p)
	}
	d.decodeLoop(top, p) // reasons, reasons_required, supervision, rating (loop.go)
	// Without a `default` key (already reported as missing) the rules' own complaint about the
	// default points at the policy's first line.
	def := rules.Default{Pos: d.Pos(root)}
	if f, ok := top["default"]; ok {
		m := d.Mapping(f.Value, "default", "tier!", "reason!")
		def.Pos = d.Pos(f.Value)
		if g, ok := m["tier"]; ok {
			def.Tier, _ = d.str(g, "default.tier")
			def.Pos = d.Pos(g.Value)
		}
		if g, ok := m["reason"]; ok {
			def.Reason, _ = d.text(g, "default.reason")
		}
	}
	var rs []rules.Rule
	if f, ok := top["rules"]; ok {
		rs = d.decodeRules(f.Value)
	}
	if len(tierIDs) == 0 {
		return nil
	}
	d.brokenFields = broken
	return &rules.Spec{
		File:          d.File,
		Source:        d.Src,
		PolicyID:      p.id,
		PolicyVersion: p.version,
		PolicyHash:    p.hash,
		Fields:        fields,
		Tiers:         tierIDs,
		Rules:         rs,
		Default:       def,
		ExtraInput:    extra,
	}
}

func (d *policyDecoder) decodeEffective(n *yaml.Node, p *Policy) {
	m := d.Mapping(n, "effective", "from!", "until")
	if f, ok := m["from"]; ok {
		p.from, _ = d.Date(f.Value, "effective.from", calendar.CST())
	}
	if f, ok := m["until"]; ok {
		if until, ok := d.Date(f.Value, "effective.until", calendar.CST()); ok {
			// `until` names the last day the policy applies; store the exclusive end.
			p.until = until.AddDate(0, 0, 1)
			if !p.from.IsZero() && !p.until.After(p.from) {
				d.Problem(f.Value, "effective.until: %s is before effective.from %s", until.Format(time.DateOnly), p.from.Format(time.DateOnly))
			}
		}
	}
}

// decodeInput returns the usable field declarations and the names of declared fields that are
// unusable, so that rules reading those are not also reported as reading unknown fields.
func (d *policyDecoder) decodeInput(n *yaml.Node) ([]rules.Field, map[string]bool) {
	broken := map[string]bool{}
	if n.Kind != yaml.MappingNode {
		d.Problem(n, "input: expected a mapping of field name to its declaration, found %s", yamltree.Describe(n))
		return nil, broken
	}
	var fields []rules.Field
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			d.Problem(k, "input: field %q is declared twice", k.Value)
			continue
		}
		seen[k.Value] = true
		what := "input." + k.Value
		before := len(d.Problems)
		m := d.Mapping(v, what, "type!", "label", "description", "values", "default")
		if m == nil {
			broken[k.Value] = true
			continue
		}
		fd := rules.Field{Name: k.Value, Pos: d.Pos(k)}
		if f, ok := m["type"]; ok {
			if s, ok := d.str(f, what+".type"); ok {
				t, err := rules.ParseType(s)
				if err != nil {
					d.Problem(f.Value, "%s.type: unknown type %q (expected string, int, float, bool, time or []string)", what, s)
				}
				fd.Type = t
			}
		}
		if f, ok := m["description"]; ok {
			fd.Description, _ = d.str(f, what+".description")
		}
		if f, ok := m["label"]; ok {
			fd.Label, _ = d.str(f, what+".label")
		}
		if f, ok := m["values"]; ok {
			fd.Values, fd.ValueLabels = d.fieldValues(f.Value, what+".values")
		}
		if f, ok := m["default"]; ok && fd.Type != 0 {
			fd.Default = d.fieldDefault(f.Value, fd.Type, what+".default")
		}
		if len(d.Problems) > before || fd.Type == 0 {
			broken[k.Value] = true
			continue
		}
		fields = append(fields, fd)
	}
	return fields, broken
}

// fieldDefault converts a YAML default to the Go type of the field.
func (d *policyDecoder) fieldDefault(n *yaml.Node, t rules.Type, what string) any {
	if t == rules.StringList {
		if n.Kind != yaml.SequenceNode {
			d.Problem(n, "%s: expected a list of texts for a []string field, found %s", what, yamltree.Describe(n))
			return nil
		}
		out := []string{}
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				d.Problem(item, "%s: expected text, found %s", what, yamltree.Describe(item))
				return nil
			}
			out = append(out, item.Value)
		}
		return out
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.Problem(n, "%s: expected a %s value, found %s", what, t, yamltree.Describe(n))
		return nil
	}
	switch t {
	case rules.String:
		return n.Value
	case rules.Int:
		v, err := strconv.Atoi(n.Value)
		if err != nil {
			d.Problem(n, "%s: %q is not an int", what, n.Value)
			return nil
		}
		return v
	case rules.Float:
		v, err := strconv.ParseFloat(n.Value, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			d.Problem(n, "%s: %q is not a finite float", what, n.Value)
			return nil
		}
		return v
	case rules.Bool:
		v, err := strconv.ParseBool(n.Value)
		if err != nil {
			d.Problem(n, "%s: %q is not a bool (expected true or false)", what, n.Value)
			return nil
		}
		return v
	case rules.Time:
		if v, err := time.Parse(time.RFC3339, n.Value); err == nil {
			return v.In(calendar.CST())
		}
		if v, err := time.ParseInLocation(time.DateOnly, n.Value, calendar.CST()); err == nil {
			return v
		}
		d.Problem(n, "%s: %q is not a time (expected RFC 3339, e.g. 2025-01-01T09:00:00+08:00, or YYYY-MM-DD)", what, n.Value)
		return nil
	}
	return nil
}

func (d *policyDecoder) decodeTiers(n *yaml.Node, p *Policy) []string {
	items := d.Sequence(n, "tiers")
	if n != nil && n.Kind == yaml.SequenceNode && len(items) == 0 {
		d.Problem(n, "tiers: at least one tier is required")
	}
	p.tierIndex = map[string]int{}
	var ids []string
	for i, item := range items {
		what := fmt.Sprintf("tiers[%d]", i)
		item = d.withoutMisplaced(item, what, tierMisplaced)
		m := d.Mapping(item, what, "id!", "limit!", "label", "label_en", "description")
		if m == nil {
			continue
		}
		var t Tier
		if f, ok := m["id"]; ok {
			if s, ok := d.nonEmpty(f, what+".id"); ok {
				if _, dup := p.tierIndex[s]; dup {
					d.Problem(f.Value, "%s.id: tier %q is declared twice", what, s)
					continue
				}
				t.ID = s
			}
		}
		if f, ok := m["limit"]; ok {
			t.Limit, _ = d.period(f, what+".limit")
		}
		if f, ok := m["label"]; ok {
			t.Label, _ = d.str(f, what+".label")
		}
		if f, ok := m["label_en"]; ok {
			t.LabelEn, _ = d.str(f, what+".label_en")
		}
		if f, ok := m["description"]; ok {
			t.Description, _ = d.str(f, what+".description")
		}
		if t.ID == "" {
			continue
		}
		p.tierIndex[t.ID] = len(p.tiers)
		p.tiers = append(p.tiers, t)
		ids = append(ids, t.ID)
	}
	return ids
}

func (d *policyDecoder) decodeCounting(n *yaml.Node, p *Policy) {
	m := d.Mapping(n, "counting", "end_of_day", "receipt", "same_day_cutoff", "business_hours", "resume_day", "late_extension", "reclassify",
		"late_reclassify", "late_restart")
	if m == nil {
		return
	}
	c := &p.counting
	parse := func(key string, set func(string) error) {
		f, ok := m[key]
		if !ok {
			return
		}
		if s, ok := d.str(f, "counting."+key); ok {
			if err := set(s); err != nil {
				d.Problem(f.Value, "counting.%s: %v", key, err)
			}
		}
	}
	parse("end_of_day", func(s string) (err error) { c.EndOfDay, err = deadline.ParseEndOfDay(s); return })
	parse("receipt", func(s string) (err error) { c.Receipt, err = deadline.ParseReceipt(s); return })
	parse("same_day_cutoff", func(s string) (err error) { c.SameDayCutoff, err = deadline.ParseClockTime(s); return })
	parse("resume_day", func(s string) (err error) { c.ResumeDay, err = deadline.ParseResumeDay(s); return })
	parse("late_extension", func(s string) (err error) { p.lifecycle.LateExtension, err = lateExtensionNames.Parse(s); return })
	parse("reclassify", func(s string) (err error) { p.lifecycle.Reclassify, err = reclassifyNames.Parse(s); return })
	parse("late_reclassify", func(s string) (err error) { p.lifecycle.LateReclassify, err = lateReclassifyName.Parse(s); return })
	parse("late_restart", func(s string) (err error) { p.lifecycle.LateRestart, err = lateRestartNames.Parse(s); return })
	if f, ok := m["business_hours"]; ok {
		var spans []deadline.Span
		for _, item := range d.Sequence(f.Value, "counting.business_hours") {
			if item.Kind != yaml.ScalarNode {
				d.Problem(item, "counting.business_hours: expected a span such as \"09:00-12:00\", found %s", yamltree.Describe(item))
				continue
			}
			span, err := parseSpan(item.Value)
			if err != nil {
				d.Problem(item, "counting.business_hours: %v", err)
				continue
			}
			spans = append(spans, span)
		}
		c.BusinessHours = spans
	}
	if err := c.Validate(); err != nil {
		d.Problem(n, "counting: %v", err)
	}
}

func parseSpan(s string) (deadline.Span, error) {
	a, b, ok := strings.Cut(strings.ReplaceAll(s, "–", "-"), "-")
	if !ok {
		return deadline.Span{}, fmt.Errorf("%q is not a span (expected HH:MM-HH:MM, e.g. 09:00-12:00)", s)
	}
	start, err := deadline.ParseClockTime(strings.TrimSpace(a))
	if err != nil {
		return deadline.Span{}, fmt.Errorf("%q: %v", s, err)
	}
	end, err := deadline.ParseClockTime(strings.TrimSpace(b))
	if err != nil {
		return deadline.Span{}, fmt.Errorf("%q: %v", s, err)
	}
	return deadline.Span{Start: start, End: end}, nil
}

// idAndLabel reads the id and label of a warning or target (kind), reporting an empty id and
// one that an earlier item of the list (seen) declared.
func (d *policyDecoder) idAndLabel(m map[string]yamltree.Pair, what, kind string, seen map[string]bool) (id, label string) {
	id = d.unique(m, "id", what, kind, seen)
	if f, ok := m["label"]; ok {
		label, _ = d.str(f, what+".label")
	}
	return id, label
}

// unique is the non-empty string under key of the item what, a kind of thing whose
// identifier (an id, a reason code, a grade) must not repeat across the items: seen holds
// those already declared, and a repeat is a problem. "" when the key is absent or not a
// non-empty string.
func (d *policyDecoder) unique(m map[string]yamltree.Pair, key, what, kind string, seen map[string]bool) string {
	f, ok := m[key]
	if !ok {
		return ""
	}
	s, ok := d.nonEmpty(f, what+"."+key)
	if !ok {
		return ""
	}
	if seen[s] {
		d.Problem(f.Value, "%s.%s: %s %q is declared twice", what, key, kind, s)
	}
	seen[s] = true
	return s
}

func (d *policyDecoder) decodeWarnings(n *yaml.Node, p *Policy) {
	seen := map[string]bool{}
	for i, item := range d.Sequence(n, "warnings") {
		what := fmt.Sprintf("warnings[%d]", i)
		m := d.Mapping(item, what, "id!", "label", "at", "remaining")
		if m == nil {
			continue
		}
		var w Warning
		w.ID, w.Label = d.idAndLabel(m, what, "warning", seen)
		fa, fr, hasAt, hasRemaining := d.eitherKey(item, m, what, "at", "remaining",
			"give either at (a share of the period) or remaining (working days left), not both",
			"missing at (a share of the period, e.g. 80%) or remaining (working days left, e.g. 1 workday)")
		if hasRemaining && !hasAt {
			if per, ok := d.period(fr, what+".remaining"); ok {
				if per.Unit != deadline.Workdays || per.Count < 1 {
					d.Problem(fr.Value, "%s.remaining: %s is not a number of working days left (e.g. 1 workday, 2个工作日; for the last day use at: last_workday)", what, per)
				} else {
					w.DaysLeft = per.Count
				}
			}
		}
		if f, ok := fa, hasAt; ok {
			if s, ok := d.str(f, what+".at"); ok {
				frac, last, err := parseThreshold(s)
				if err != nil {
					d.Problem(f.Value, "%s.at: %v", what, err)
				}
				w.Fraction, w.LastWorkday = frac, last
			}
		}
		p.warnings = append(p.warnings, w)
	}
}

// eitherKey reads a pair of keys of which the item what gives exactly one: both (said by
// both, at b) and neither (said by missing, at the item) are problems. The pairs and whether
// each is present are returned either way, for a caller that still reads a key given beside
// its rival.
func (d *policyDecoder) eitherKey(item *yaml.Node, m map[string]yamltree.Pair, what, a, b, both, missing string) (fa, fb yamltree.Pair, hasA, hasB bool) {
	fa, hasA = m[a]
	fb, hasB = m[b]
	switch {
	case hasA && hasB:
		d.Problem(fb.Key, "%s: %s", what, both)
	case !hasA && !hasB:
		d.Problem(item, "%s: %s", what, missing)
	}
	return fa, fb, hasA, hasB
}

// parseThreshold reads "50%", "0.5" or "last_workday".
func parseThreshold(s string) (fraction float64, lastWorkday bool, err error) {
	s = strings.TrimSpace(s)
	if s == "last_workday" {
		return 0, true, nil
	}
	var v float64
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		v, err = strconv.ParseFloat(strings.TrimSpace(pct), 64)
		v /= 100
	} else {
		v, err = strconv.ParseFloat(s, 64)
	}
	if err != nil || !(v > 0 && v <= 1) {
		return 0, false, fmt.Errorf("%q is not a threshold (expected a percentage of working time such as 50%%, a fraction such as 0.8, or last_workday)", s)
	}
	return v, false, nil
}

func (d *policyDecoder) decodeExtensions(n *yaml.Node, p *Policy) {
	m := d.Mapping(n, "extensions", "max_count!", "max_total", "basis", "tiers")
	if f, ok := m["max_count"]; ok {
		p.extensions.MaxCount, _ = d.integer(f, "extensions.max_count", 0, 100)
	}
	if f, ok := m["max_total"]; ok {
		if per, ok := d.period(f, "extensions.max_total"); ok {
			if per.Unit != deadline.Workdays && per.Unit != deadline.Days && per.Unit != deadline.Workhours && per.Unit != deadline.Hours {
				d.Problem(f.Value, "extensions.max_total: %s cannot cap extensions (use workdays, days, workhours or hours)", per)
			}
			p.extensions.MaxTotal = per
		}
	}
	if f, ok := m["basis"]; ok {
		p.extensions.Basis, _ = d.str(f, "extensions.basis")
	}
	if f, ok := m["tiers"]; ok {
		d.extensionTiers(f.Value, p)
	}
}

func (d *policyDecoder) decodeTargets(n *yaml.Node, p *Policy) {
	seen := map[string]bool{}
	for i, item := range d.Sequence(n, "targets") {
		what := fmt.Sprintf("targets[%d]", i)
		m := d.Mapping(item, what, "id!", "label", "after!", "limit!", "when", "kind")
		if m == nil {
			continue
		}
		d.targetConds = append(d.targetConds, d.targetWhen(m, what))
		var t Target
		t.ID, t.Label = d.idAndLabel(m, what, "target", seen)
		afterOK := false
		if f, ok := m["after"]; ok {
			if s, ok := d.str(f, what+".after"); ok {
				tr, err := parseTrigger(s)
				if err != nil {
					d.Problem(f.Value, "%s.after: %s", what, diag.Text(err))
				}
				t.After, afterOK = tr, err == nil
			}
		}
		t.Kind = d.targetKind(m, what, &t, afterOK)
		if f, ok := m["limit"]; ok {
			t.Limit, _ = d.period(f, what+".limit")
		}
		p.targets = append(p.targets, t)
	}
}

func (d *policyDecoder) decodeRules(n *yaml.Node) []rules.Rule {
	var out []rules.Rule
	for i, item := range d.Sequence(n, "rules") {
		what := fmt.Sprintf("rules[%d]", i)
		m := d.Mapping(item, what, "id!", "label", "when!", "tier!", "reason!", "basis")
		if m == nil {
			continue
		}
		r := rules.Rule{Pos: d.Pos(item)}
		if f, ok := m["id"]; ok {
			r.ID, _ = d.str(f, what+".id")
			r.Pos = d.Pos(f.Value)
			if len(r.ID) > MaxIDBytes {
				d.Problem(f.Value, "%s.id: is %d bytes long, more than the %d an id may have", what, len(r.ID), MaxIDBytes)
			} else {
				what = fmt.Sprintf("rule %q", r.ID)
			}
		}
		whenOK := false
		if f, ok := m["when"]; ok {
			if _, ok := d.str(f, what+".when"); ok {
				r.When, r.WhenPos = d.expression(f.Value)
				whenOK = true
			}
		}
		if f, ok := m["tier"]; ok {
			r.Tier, _ = d.str(f, what+".tier")
		}
		if f, ok := m["reason"]; ok {
			r.Reason, _ = d.text(f, what+".reason")
		}
		if f, ok := m["basis"]; ok {
			r.Basis, _ = d.str(f, what+".basis")
		}
		if f, ok := m["label"]; ok {
			r.Label, _ = d.str(f, what+".label")
		}
		if !whenOK {
			// Already reported (a missing key, or a value that is not text); compiling an
			// empty condition would only repeat it without a position.
			continue
		}
		out = append(out, r)
	}
	return out
}

// expression returns the text of a `when` value and the file position of its first character,
// arranged so that expression line k, column c is file line WhenPos.Line+k-1, column
// WhenPos.Column+c-1. For block scalars (| and >) the source lines are taken verbatim, minus
// their indentation, so that a folded expression keeps its line structure and an error in its
// third line points at the third line; expr treats the newlines as spaces.
func (d *policyDecoder) expression(n *yaml.Node) (string, Position) {
	pos := d.Pos(n)
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		pos.Column++
		return n.Value, pos
	case yaml.LiteralStyle, yaml.FoldedStyle:
		first := n.Line // the line of the indicator; content starts below it
		var lines []string
		indent := -1
		for ln := first + 1; ln <= len(d.lines); ln++ {
			text := d.lines[ln-1]
			trimmed := strings.TrimLeft(text, " ")
			if trimmed == "" {
				lines = append(lines, "")
				continue
			}
			width := len([]rune(text)) - len([]rune(trimmed))
			if indent < 0 {
				indent = width
			}
			if width < indent || strings.HasPrefix(trimmed, "#") && width < indent {
				break
			}
			lines = append(lines, string([]rune(text)[indent:]))
		}
		for len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if indent < 0 || len(lines) == 0 {
			return n.Value, pos
		}
		return strings.Join(lines, "\n"), Position{File: d.File, Line: first + 1, Column: indent + 1}
	}
	return n.Value, pos
}
