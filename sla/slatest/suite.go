package slatest

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/internal/yamltree"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

// SuiteFormat is the value a suite file's `format` key must have.
const SuiteFormat = "shixian-suite/v1"

// MaxSuiteBytes is the largest suite or expectations file accepted (2 MiB, some 20,000 cases):
// they are written by hand, so a larger input is a wrong path (a corpus, a log, a device),
// and running one holds about 75 times its size in memory (its YAML node tree and results);
// split a larger suite into several files. RunSuite and
// LoadExpectations refuse it while reading, after at most MaxSuiteBytes+1 bytes; RunSuiteData,
// CheckData and ParseExpectations refuse larger data.
const MaxSuiteBytes = 2 << 20

// maxCases bounds the number of cases of one suite; suites are hand-written, a corpus belongs
// in Diff. (MaxSuiteBytes allows about 20,000 short cases.)
const maxCases = 100000

// cst is the business location (UTC+8, no DST) in which suite times without an offset are read.
var cst = calendar.CST()

// suite is a decoded suite file. It is never modified after parsing.
type suite struct {
	file        string
	name        string
	policyPath  string // as written, relative to the suite file
	policyPos   diag.Position
	minCoverage float64 // percent, 0..100
	hasMin      bool
	cases       []suiteCase
	// refs are the names the suite uses that only the policy can check (input fields, tier
	// and rule ids); src is the file, for their error lines.
	refs []reference
	src  []byte
}

// reference is a name written in the suite that must exist in the policy it runs against.
type reference struct {
	kind  string // "field", "tier" or "rule"
	name  string
	pos   diag.Position
	where string
}

// suiteCase is one case after the suite's defaults were merged into it.
type suiteCase struct {
	name     string
	line     int
	input    map[string]any
	accepted time.Time
	events   []sla.Event
	expect   expectation
}

// expectation holds what a case asserts; a nil pointer means "not asserted".
type expectation struct {
	tier, rule, reason *string
	due, lastDay       *time.Time
	provisional        *bool
	shadowed           *[]string
	status             *statusExpect
	err                *string
}

type statusExpect struct {
	now            time.Time
	tier           *string
	state          *sla.State
	warning        *string
	overdueDays    *int
	remainingDays  *int
	extensions     *int
	lateExtensions *int
	// targets pins targets by id: the due of the target's latest instance, or none
	// (a nil *time.Time) when the target must not run for the case.
	targets []targetPin
	// The closed loop: the names of the open pauses (earliest first, "" for an unnamed
	// one), the supervision levels reached (in order of reaching), how many supervised
	// events the cycle has, the visit's grade, whether it calls for reopening, and lateness.
	openPauses     *[]string
	supervision    *[]string
	supervised     *int
	rating         *string
	reopenRequired *bool
	everLate       *bool
	cycleLate      *bool
}

// targetPin is one entry of status.targets.
type targetPin struct {
	id  string
	due *time.Time // nil: the target does not run
	// state and doneBy, when pinned (the mapping form), are the latest instance's State and
	// DoneBy ("" for a target still running).
	state  *sla.State
	doneBy *string
}

// partialCase is a case or the defaults block before merging.
type partialCase struct {
	name      string
	line      int
	input     map[string]any
	accepted  *time.Time
	events    []sla.Event
	hasEvents bool
	expect    expectation
	hasExpect bool
}

// decoder walks a suite's YAML node tree collecting every problem with its position.
type decoder struct {
	*yamltree.Decoder
	refs []reference
}

// parseYAML refuses a file of more than MaxSuiteBytes before reading it and parses the rest
// into a decoder of its root. kind names the file in errors ("suite file"); expected says
// what an empty one should hold.
func parseYAML(name string, data []byte, kind, expected string) (*decoder, *yaml.Node, error) {
	if len(data) > MaxSuiteBytes {
		return nil, nil, fmt.Errorf("slatest: %s: %s is %d bytes, more than the %d allowed", name, kind, len(data), MaxSuiteBytes)
	}
	td, root, err := yamltree.Parse(name, data, fmt.Sprintf("empty %s (expected %s)", kind, expected))
	if err != nil {
		return nil, nil, err
	}
	return &decoder{Decoder: td}, root, nil
}

func (d *decoder) str(n *yaml.Node, what string) *string {
	s, ok := d.Text(n, what)
	if !ok {
		return nil
	}
	return &s
}

func (d *decoder) boolean(n *yaml.Node, what string) *bool {
	s, ok := d.Text(n, what)
	if !ok {
		return nil
	}
	switch s {
	case "true":
		b := true
		return &b
	case "false":
		b := false
		return &b
	}
	d.Problem(n, "%s: expected true or false, found %q", what, s)
	return nil
}

func (d *decoder) integer(n *yaml.Node, what string) *int {
	s, ok := d.Text(n, what)
	if !ok {
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < -1000000 || v > 1000000 {
		d.Problem(n, "%s: expected a whole number, found %q", what, s)
		return nil
	}
	return &v
}

// instant reads a time: RFC 3339 with an offset, or "YYYY-MM-DD HH:MM[:SS]" and "YYYY-MM-DD"
// read in UTC+8. "24:00" is accepted as the end of that day, matching how deadlines are shown.
func (d *decoder) instant(n *yaml.Node, what string) *time.Time {
	s, ok := d.Text(n, what)
	if !ok {
		return nil
	}
	t, err := parseInstant(s)
	if err != nil {
		d.Problem(n, "%s: %v", what, err)
		return nil
	}
	return &t
}

func parseInstant(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if day, ok := strings.CutSuffix(s, " 24:00"); ok {
		if t, err := time.ParseInLocation(time.DateOnly, day, cst); err == nil {
			return t.AddDate(0, 0, 1), nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, cst); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (expected RFC 3339 such as 2025-09-30T17:00:00+08:00, or \"2025-09-30 17:00\" in UTC+8)", s)
}

func (d *decoder) date(n *yaml.Node, what string) *time.Time {
	t, ok := d.Date(n, what, cst)
	if !ok {
		return nil
	}
	return &t
}

// value converts a YAML node to the Go value handed to the rules: text, int, float64, bool,
// nil, time.Time, []any or map[string]any. An unquoted timestamp (2025-09-30 or
// 2025-09-30T17:00:00+08:00) becomes a time.Time, a date alone meaning 00:00 UTC+8, for the
// rules' time fields; quote it to pass it as text.
func (d *decoder) value(n *yaml.Node, what string, depth int) (any, bool) {
	if depth > 32 {
		d.Problem(n, "%s: nested too deeply", what)
		return nil, false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil, true
		case "!!bool":
			return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", true
		case "!!int":
			if v, err := strconv.ParseInt(n.Value, 0, 64); err == nil && v >= math.MinInt && v <= math.MaxInt {
				return int(v), true
			}
			d.Problem(n, "%s: %q is not a usable integer", what, n.Value)
			return nil, false
		case "!!float":
			if v, err := strconv.ParseFloat(n.Value, 64); err == nil {
				return v, true
			}
			d.Problem(n, "%s: %q is not a usable number", what, n.Value)
			return nil, false
		case "!!timestamp":
			if t, err := parseInstant(n.Value); err == nil {
				return t, true
			}
			return n.Value, true
		}
		return n.Value, true
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		ok := true
		for i, item := range n.Content {
			v, good := d.value(item, fmt.Sprintf("%s[%d]", what, i), depth+1)
			ok = ok && good
			out = append(out, v)
		}
		return out, ok
	case yaml.MappingNode:
		return d.inputMap(n, what, depth+1)
	}
	d.Problem(n, "%s: aliases and tags are not supported here", what)
	return nil, false
}

func (d *decoder) inputMap(n *yaml.Node, what string, depth int) (map[string]any, bool) {
	if n.Kind != yaml.MappingNode {
		d.Problem(n, "%s: expected a mapping of field: value, found %s", what, yamltree.Describe(n))
		return nil, false
	}
	out := make(map[string]any, len(n.Content)/2)
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.Problem(k, "%s: field names must be plain text", what)
			ok = false
			continue
		}
		if _, dup := out[k.Value]; dup {
			d.Problem(k, "%s: field %q appears twice", what, k.Value)
			ok = false
			continue
		}
		val, good := d.value(v, what+"."+k.Value, depth)
		ok = ok && good
		out[k.Value] = val
		if depth == 0 {
			d.refs = append(d.refs, reference{kind: "field", name: k.Value, pos: d.Pos(k), where: what})
		}
	}
	return out, ok
}

// parseSuite decodes a suite file strictly, reporting every problem at once.
func parseSuite(name string, data []byte) (*suite, error) {
	d, root, err := parseYAML(name, data, "suite file", fmt.Sprintf("`format: %s`, `name` and `cases`", SuiteFormat))
	if err != nil {
		return nil, err
	}
	s := d.decodeSuite(root)
	if err := d.Err(); err != nil {
		return nil, err
	}
	s.refs, s.src = d.refs, data
	return s, nil
}

// checkReferences reports every input field, tier and rule id the suite names that the policy
// does not declare, so that a typo in a suite is an error at its position rather than an input
// silently ignored or a case that can only fail.
func (s *suite) checkReferences(p *sla.Policy) error {
	fields := map[string]bool{}
	for _, f := range p.Rules().Fields() {
		fields[f.Name] = true
	}
	tiers := map[string]bool{}
	for _, t := range p.Tiers() {
		tiers[t.ID] = true
	}
	ruleIDs := map[string]bool{}
	for _, r := range p.Rules().Rules() {
		ruleIDs[r.ID] = true
	}
	var problems diag.Problems
	for _, ref := range s.refs {
		var known bool
		switch ref.kind {
		case "field":
			known = fields[ref.name]
		case "tier":
			known = tiers[ref.name]
		case "rule":
			known = ruleIDs[ref.name]
		case "target":
			known = slices.ContainsFunc(p.Targets(), func(t sla.Target) bool { return t.ID == ref.name })
		case "grade":
			known = slices.ContainsFunc(p.RatingScale(), func(g sla.Grade) bool { return g.Grade == ref.name })
		case "supervision level":
			known = slices.ContainsFunc(p.SupervisionLevels(), func(l sla.SupervisionLevel) bool { return l.ID == ref.name })
		}
		if !known {
			problems.Add(diag.NewProblem(s.src, ref.pos, fmt.Sprintf(
				"%s: policy %s %s declares no %s %q", ref.where, p.ID(), p.Version(), ref.kind, ref.name)))
		}
	}
	return problems.Err()
}

func (d *decoder) decodeSuite(root *yaml.Node) *suite {
	s := &suite{file: d.File}
	top := d.Mapping(root, "suite", "format!", "name", "policy", "min_coverage", "defaults", "cases!")
	if top == nil {
		return s
	}
	if f, ok := top["format"]; ok {
		if v, ok := d.Text(f.Value, "format"); ok && v != SuiteFormat {
			d.Problem(f.Value, "format: %q is not supported (expected %q)", v, SuiteFormat)
		}
	}
	if f, ok := top["name"]; ok {
		if v := d.str(f.Value, "name"); v != nil {
			s.name = *v
		}
	}
	if f, ok := top["policy"]; ok {
		if v := d.str(f.Value, "policy"); v != nil {
			if strings.TrimSpace(*v) == "" {
				d.Problem(f.Value, "policy: must not be empty (leave the key out when the caller passes the policy)")
			}
			s.policyPath = *v
			s.policyPos = d.Pos(f.Value)
		}
	}
	if f, ok := top["min_coverage"]; ok {
		if v, ok := d.Text(f.Value, "min_coverage"); ok {
			pct, err := parsePercent(v)
			if err != nil {
				d.Problem(f.Value, "min_coverage: %v", err)
			} else {
				s.minCoverage, s.hasMin = pct, true
			}
		}
	}
	var defaults partialCase
	if f, ok := top["defaults"]; ok {
		defaults = d.decodeCase(f.Value, "defaults", true)
	}
	if f, ok := top["cases"]; ok {
		if f.Value.Kind != yaml.SequenceNode {
			d.Problem(f.Value, "cases: expected a list of cases, found %s", yamltree.Describe(f.Value))
			return s
		}
		if len(f.Value.Content) == 0 {
			d.Problem(f.Value, "cases: the suite has no cases")
		}
		if len(f.Value.Content) > maxCases {
			d.Problem(f.Value, "cases: %d cases, more than the %d allowed (use a corpus and Diff for bulk data)", len(f.Value.Content), maxCases)
			return s
		}
		seen := map[string]int{}
		for i, item := range f.Value.Content {
			pc := d.decodeCase(item, fmt.Sprintf("cases[%d]", i), false)
			if pc.name != "" {
				if line, dup := seen[pc.name]; dup {
					d.Problem(item, "cases[%d]: name %q is already used by the case on line %d (names must be unique: they name subtests)", i, pc.name, line)
				}
				seen[pc.name] = item.Line
			}
			c, ok := d.merge(defaults, pc, item, i)
			if ok {
				s.cases = append(s.cases, c)
			}
		}
	}
	return s
}

// parsePercent reads "100%", "87.5%" or a bare number, both as percent (0..100).
func parsePercent(v string) (float64, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "%"))
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 100 {
		return 0, fmt.Errorf("%q is not a percentage from 0%% to 100%% (e.g. 100%% or 85.5%%)", v)
	}
	return f, nil
}

// decodeCase decodes a case or, when isDefaults, the defaults block (which has no name).
func (d *decoder) decodeCase(n *yaml.Node, what string, isDefaults bool) partialCase {
	pc := partialCase{line: n.Line}
	var m map[string]yamltree.Pair
	if isDefaults {
		m = d.Mapping(n, what, "input", "accepted", "events", "expect")
	} else {
		m = d.Mapping(n, what, "name!", "input", "accepted", "events", "expect!")
	}
	if m == nil {
		return pc
	}
	if f, ok := m["name"]; ok {
		if v := d.str(f.Value, what+".name"); v != nil {
			if strings.TrimSpace(*v) == "" {
				d.Problem(f.Value, "%s.name: must not be empty", what)
			}
			pc.name = *v
			what = fmt.Sprintf("case %q", *v)
		}
	}
	if f, ok := m["input"]; ok {
		pc.input, _ = d.inputMap(f.Value, what+".input", 0)
	}
	if f, ok := m["accepted"]; ok {
		pc.accepted = d.instant(f.Value, what+".accepted")
	}
	if f, ok := m["events"]; ok {
		pc.hasEvents = true
		pc.events = d.decodeEvents(f.Value, what+".events")
	}
	if f, ok := m["expect"]; ok {
		pc.hasExpect = true
		pc.expect = d.decodeExpect(f.Value, what+".expect")
	}
	return pc
}

func (d *decoder) decodeEvents(n *yaml.Node, what string) []sla.Event {
	if n.Kind != yaml.SequenceNode {
		d.Problem(n, "%s: expected a list of events, found %s", what, yamltree.Describe(n))
		return nil
	}
	out := make([]sla.Event, 0, len(n.Content))
	for i, item := range n.Content {
		w := fmt.Sprintf("%s[%d]", what, i)
		m := d.Mapping(item, w, "type!", "at!", "actor", "reason", "tier", "rule", "unit", "length", "approver", "satisfied", "note",
			"pause", "rating", "level")
		if m == nil {
			continue
		}
		var e sla.Event
		if f, ok := m["type"]; ok {
			if v := d.str(f.Value, w+".type"); v != nil {
				e.Type = sla.EventType(*v)
				if !slices.Contains(eventTypeList(), e.Type) {
					d.Problem(f.Value, "%s.type: unknown event type %q (expected one of: %s)", w, *v, strings.Join(eventTypeNames(), ", "))
				}
			}
		}
		if f, ok := m["at"]; ok {
			if t := d.instant(f.Value, w+".at"); t != nil {
				e.At = *t
			}
		}
		text := func(key string, dst *string) {
			if f, ok := m[key]; ok {
				if v := d.str(f.Value, w+"."+key); v != nil {
					*dst = *v
				}
			}
		}
		text("actor", &e.Actor)
		text("reason", &e.Reason)
		text("tier", &e.Tier)
		text("rule", &e.Rule)
		text("unit", &e.Unit)
		text("approver", &e.Approver)
		text("note", &e.Note)
		text("pause", &e.Pause)
		// A grade or a supervision level the policy does not declare is a typo in the suite,
		// reported at its position once the policy is known (as tier and rule ids are).
		if f, ok := m["rating"]; ok {
			if v := d.str(f.Value, w+".rating"); v != nil {
				e.Rating = *v
				d.refs = append(d.refs, reference{kind: "grade", name: *v, pos: d.Pos(f.Value), where: w + ".rating"})
			}
		}
		if f, ok := m["level"]; ok {
			if v := d.str(f.Value, w+".level"); v != nil {
				e.Level = *v
				d.refs = append(d.refs, reference{kind: "supervision level", name: *v, pos: d.Pos(f.Value), where: w + ".level"})
			}
		}
		if f, ok := m["length"]; ok {
			if v, ok := d.Text(f.Value, w+".length"); ok {
				p, err := deadline.ParsePeriod(v)
				if err != nil {
					d.Problem(f.Value, "%s.length: %s", w, diag.Text(err))
				} else {
					e.Length = &p
				}
			}
		}
		if f, ok := m["satisfied"]; ok {
			e.Satisfied = d.boolean(f.Value, w+".satisfied")
		}
		out = append(out, e)
	}
	return out
}

func (d *decoder) decodeExpect(n *yaml.Node, what string) expectation {
	var e expectation
	m := d.Mapping(n, what, "tier", "rule", "reason", "due", "last_day", "provisional", "shadowed", "status", "error")
	if m == nil {
		return e
	}
	if f, ok := m["tier"]; ok {
		e.tier = d.tier(f.Value, what+".tier")
	}
	if f, ok := m["rule"]; ok {
		if e.rule = d.str(f.Value, what+".rule"); e.rule != nil && *e.rule != DefaultRule {
			d.refs = append(d.refs, reference{kind: "rule", name: *e.rule, pos: d.Pos(f.Value), where: what + ".rule"})
		}
	}
	if f, ok := m["reason"]; ok {
		e.reason = d.str(f.Value, what+".reason")
	}
	if f, ok := m["due"]; ok {
		e.due = d.instant(f.Value, what+".due")
	}
	if f, ok := m["last_day"]; ok {
		e.lastDay = d.date(f.Value, what+".last_day")
	}
	if f, ok := m["provisional"]; ok {
		e.provisional = d.boolean(f.Value, what+".provisional")
	}
	if f, ok := m["shadowed"]; ok {
		if f.Value.Kind != yaml.SequenceNode {
			d.Problem(f.Value, "%s.shadowed: expected a list of rule ids ([] for none), found %s", what, yamltree.Describe(f.Value))
		} else {
			ids := []string{}
			for i, item := range f.Value.Content {
				if v := d.str(item, fmt.Sprintf("%s.shadowed[%d]", what, i)); v != nil {
					ids = append(ids, *v)
				}
			}
			e.shadowed = &ids
		}
	}
	if f, ok := m["error"]; ok {
		if v := d.str(f.Value, what+".error"); v != nil {
			if *v == "" {
				d.Problem(f.Value, "%s.error: must not be empty (give a part of the expected error message)", what)
			}
			e.err = v
		}
		for _, other := range []string{"tier", "rule", "reason", "due", "last_day", "provisional", "shadowed", "status"} {
			if g, ok := m[other]; ok {
				d.Problem(g.Key, "%s: %q cannot be combined with error (a case that fails has no %s)", what, other, other)
			}
		}
	}
	if f, ok := m["status"]; ok {
		e.status = d.decodeStatus(f.Value, what+".status")
	}
	return e
}

// tier reads a tier name an expectation names and records it, so that the policy can be
// asked whether it declares it once the policy is loaded.
func (d *decoder) tier(n *yaml.Node, what string) *string {
	v := d.str(n, what)
	if v != nil {
		d.refs = append(d.refs, reference{kind: "tier", name: *v, pos: d.Pos(n), where: what})
	}
	return v
}

func (d *decoder) decodeStatus(n *yaml.Node, what string) *statusExpect {
	m := d.Mapping(n, what, "now!", "tier", "state", "warning", "overdue_days", "remaining_days", "extensions", "late_extensions", "targets",
		"open_pauses", "supervision", "supervised", "rating", "reopen_required", "ever_late", "cycle_late")
	if m == nil {
		return nil
	}
	st := &statusExpect{}
	if f, ok := m["now"]; ok {
		if t := d.instant(f.Value, what+".now"); t != nil {
			st.now = *t
		}
	}
	if f, ok := m["state"]; ok {
		if v := d.str(f.Value, what+".state"); v != nil {
			s := sla.State(*v)
			if !slices.Contains(stateList(), s) {
				d.Problem(f.Value, "%s.state: unknown state %q (expected one of: %s)", what, *v, strings.Join(stateNames(), ", "))
			}
			st.state = &s
		}
	}
	if f, ok := m["tier"]; ok {
		st.tier = d.tier(f.Value, what+".tier")
	}
	if f, ok := m["warning"]; ok {
		st.warning = d.str(f.Value, what+".warning")
	}
	if f, ok := m["overdue_days"]; ok {
		st.overdueDays = d.integer(f.Value, what+".overdue_days")
	}
	if f, ok := m["remaining_days"]; ok {
		st.remainingDays = d.integer(f.Value, what+".remaining_days")
	}
	if f, ok := m["extensions"]; ok {
		st.extensions = d.integer(f.Value, what+".extensions")
	}
	if f, ok := m["late_extensions"]; ok {
		st.lateExtensions = d.integer(f.Value, what+".late_extensions")
	}
	if f, ok := m["targets"]; ok {
		st.targets = d.targetPins(f.Value, what+".targets")
	}
	if f, ok := m["open_pauses"]; ok {
		st.openPauses = d.textList(f.Value, what+".open_pauses", "pause names")
	}
	if f, ok := m["supervision"]; ok {
		if st.supervision = d.textList(f.Value, what+".supervision", "supervision level ids"); st.supervision != nil {
			for i, id := range *st.supervision {
				d.refs = append(d.refs, reference{kind: "supervision level", name: id, pos: d.Pos(f.Value.Content[i]), where: what + ".supervision"})
			}
		}
	}
	if f, ok := m["supervised"]; ok {
		if st.supervised = d.integer(f.Value, what+".supervised"); st.supervised != nil && *st.supervised < 0 {
			d.Problem(f.Value, "%s.supervised: expected a count of supervised events (0 or more), found %d", what, *st.supervised)
			st.supervised = nil
		}
	}
	if f, ok := m["rating"]; ok {
		// "" pins "no visit yet"; any other text must be a grade of the policy's scale.
		if st.rating = d.str(f.Value, what+".rating"); st.rating != nil && *st.rating != "" {
			d.refs = append(d.refs, reference{kind: "grade", name: *st.rating, pos: d.Pos(f.Value), where: what + ".rating"})
		}
	}
	if f, ok := m["reopen_required"]; ok {
		st.reopenRequired = d.boolean(f.Value, what+".reopen_required")
	}
	if f, ok := m["ever_late"]; ok {
		st.everLate = d.boolean(f.Value, what+".ever_late")
	}
	if f, ok := m["cycle_late"]; ok {
		st.cycleLate = d.boolean(f.Value, what+".cycle_late")
	}
	return st
}

// textList reads a list of plain texts ([] for none); nil when it is not one.
func (d *decoder) textList(n *yaml.Node, what, of string) *[]string {
	if n.Kind != yaml.SequenceNode {
		d.Problem(n, "%s: expected a list of %s ([] for none), found %s", what, of, yamltree.Describe(n))
		return nil
	}
	out := []string{}
	ok := true
	for i, item := range n.Content {
		v := d.str(item, fmt.Sprintf("%s[%d]", what, i))
		if v == nil {
			ok = false
			continue
		}
		out = append(out, *v)
	}
	if !ok {
		return nil
	}
	return &out
}

// merge applies the defaults to a case: case keys win, input maps are merged key by key, events
// are replaced as a whole, and expect is merged key by key.
func (d *decoder) merge(def, pc partialCase, n *yaml.Node, i int) (suiteCase, bool) {
	c := suiteCase{name: pc.name, line: pc.line}
	c.input = make(map[string]any, len(def.input)+len(pc.input))
	for k, v := range def.input {
		c.input[k] = v
	}
	for k, v := range pc.input {
		c.input[k] = v
	}
	switch {
	case pc.accepted != nil:
		c.accepted = *pc.accepted
	case def.accepted != nil:
		c.accepted = *def.accepted
	default:
		d.Problem(n, "cases[%d]: no acceptance time (set `accepted` in the case or in defaults)", i)
		return c, false
	}
	if pc.hasEvents {
		c.events = pc.events
	} else {
		c.events = def.events
	}
	c.expect = mergeExpect(def.expect, pc.expect)
	if pc.name == "" {
		return c, false
	}
	if c.expect == (expectation{}) {
		// A case that asserts nothing always passes; that is a mistake, not a test.
		d.Problem(n, "case %q: expect asserts nothing (give at least one of tier, rule, reason, due, last_day, provisional, shadowed, status or error)", pc.name)
		return c, false
	}
	return c, true
}

func mergeExpect(def, e expectation) expectation {
	if e.err != nil {
		// An error expectation stands alone: defaults such as tier cannot apply to a case
		// that is expected to be rejected.
		return e
	}
	pick := func(a, b *string) *string {
		if b != nil {
			return b
		}
		return a
	}
	out := e
	out.tier = pick(def.tier, e.tier)
	out.rule = pick(def.rule, e.rule)
	out.reason = pick(def.reason, e.reason)
	if out.due == nil {
		out.due = def.due
	}
	if out.lastDay == nil {
		out.lastDay = def.lastDay
	}
	if out.provisional == nil {
		out.provisional = def.provisional
	}
	if out.shadowed == nil {
		out.shadowed = def.shadowed
	}
	if out.status == nil {
		out.status = def.status
	}
	if out.err == nil {
		out.err = def.err
	}
	return out
}

// names spells out a list of event types or states for an error that lists the valid ones.
func names[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, k := range list {
		out[i] = string(k)
	}
	return out
}

func eventTypeNames() []string { return names(eventTypeList()) }

func stateNames() []string { return names(stateList()) }

// targetPins reads status.targets: a mapping of target id to the due instant of the target's
// latest instance, or to `none` when the target must not run for the case (a target whose
// `when` does not hold).
func (d *decoder) targetPins(n *yaml.Node, what string) []targetPin {
	if n.Kind != yaml.MappingNode {
		d.Problem(n, "%s: expected a mapping of target id to its due instant (or none), found %s", what, yamltree.Describe(n))
		return nil
	}
	var out []targetPin
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		at := what + "." + k.Value
		d.refs = append(d.refs, reference{kind: "target", name: k.Value, pos: d.Pos(k), where: at})
		pin := targetPin{id: k.Value}
		if v.Kind == yaml.ScalarNode && v.Value == "none" {
			out = append(out, pin)
			continue
		}
		if v.Kind == yaml.MappingNode {
			if pin, ok := d.targetPinMap(v, at, pin); ok {
				out = append(out, pin)
			}
			continue
		}
		if t := d.instant(v, at); t != nil {
			pin.due = t
			out = append(out, pin)
		}
	}
	return out
}

// targetPinMap reads the mapping form of a target pin, {due: …, state: closed_on_time,
// done_by: signed_for}: the due as in the short form, with the state of the target's latest
// instance and the event that met or ended it ("" while it runs).
func (d *decoder) targetPinMap(n *yaml.Node, at string, pin targetPin) (targetPin, bool) {
	m := d.Mapping(n, at, "due!", "state", "done_by")
	if m == nil {
		return pin, false
	}
	ok := true
	if f, has := m["due"]; has {
		if pin.due = d.instant(f.Value, at+".due"); pin.due == nil {
			ok = false
		}
	} else {
		ok = false
	}
	if f, has := m["state"]; has {
		if v := d.str(f.Value, at+".state"); v != nil {
			s := sla.State(*v)
			if !slices.Contains(stateList(), s) {
				d.Problem(f.Value, "%s.state: unknown state %q (expected one of: %s)", at, *v, strings.Join(stateNames(), ", "))
			}
			pin.state = &s
		}
	}
	if f, has := m["done_by"]; has {
		if v := d.str(f.Value, at+".done_by"); v != nil {
			if *v != "" && !slices.Contains(eventTypeList(), sla.EventType(*v)) {
				d.Problem(f.Value, "%s.done_by: unknown event type %q (expected one of: %s, or \"\" while the target runs)", at, *v, strings.Join(eventTypeNames(), ", "))
			}
			pin.doneBy = v
		}
	}
	return pin, ok
}
