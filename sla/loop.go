package sla

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/shixian-go/shixian/internal/yamltree"
	"github.com/shixian-go/shixian/sla/deadline"
)

// loopPolicy holds the settings of the closed loop (闭环) beyond deadlines:
// reason codes, supervision levels and the rating scale of the follow-up
// visit. Immutable after loading.
type loopPolicy struct {
	reasons         []ReasonCode
	reasonsRequired bool
	supervision     []SupervisionLevel
	rating          []Grade // never empty after loading: DefaultRatingScale when the file has none
}

// CountsAs says what the time of a coded reason counts as.
type CountsAs uint8

const (
	// CountsExcluded (the default): a pause with this code is excluded time
	// (中止, 行政许可法第四十五条), as every pause is.
	CountsExcluded CountsAs = iota
	// CountsRestart: 补正 (行政许可法第三十二条). A pause with this code ends,
	// at its resume, with a restart of the clock (the application counts as
	// accepted when the corrected materials arrive); a restarted event may
	// carry it too.
	CountsRestart
	// CountsApplicant: the applicant caused the delay (联系不上申请人,
	// 申请人未到场). A pause with this code is excluded time like
	// CountsExcluded, and reports count it apart.
	CountsApplicant
)

var countsAsWords = [...]string{"excluded", "restart", "applicant"}

// String returns "excluded", "restart" or "applicant".
func (c CountsAs) String() string {
	if int(c) < len(countsAsWords) {
		return countsAsWords[c]
	}
	return "counts_as(" + strconv.Itoa(int(c)) + ")"
}

// MarshalText encodes c as String does.
func (c CountsAs) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes "excluded", "restart" or "applicant". On error *c is
// unchanged.
func (c *CountsAs) UnmarshalText(b []byte) error {
	for k, w := range countsAsWords {
		if string(b) == w {
			*c = CountsAs(k)
			return nil
		}
	}
	return fmt.Errorf("invalid counts_as %q (want \"excluded\", \"restart\" or \"applicant\")", b)
}

// ReasonCode is a reason code a policy declares (`reasons:`), for the reason of
// the events listed in Events. An event whose Reason equals the code or
// its label follows the code; any other reason is free text with the
// event's ordinary meaning, unless the policy requires codes
// (ReasonsRequired).
type ReasonCode struct {
	Code     string      // e.g. "expert_review"
	Label    string      // e.g. "专家评审"
	CountsAs CountsAs    // what the time counts as; see CountsAs
	Events   []EventType // the event types that may carry it
	Basis    string      // optional: the legal or policy basis
}

// reasonEvents are the event types that carry a reason a code can stand for,
// and the default of a code's `events`.
var reasonEvents = []EventType{EventPaused, EventRestarted, EventExtended, EventReclassified, EventReturned, EventReopened}

// appliesTo reports whether the code may be used on an event of type t.
func (r *ReasonCode) appliesTo(t EventType) bool {
	for _, e := range r.Events {
		if e == t {
			return true
		}
	}
	return false
}

// Reasons returns the reason codes the policy declares, in file order.
func (p *Policy) Reasons() []ReasonCode {
	out := make([]ReasonCode, len(p.loop.reasons))
	for i, r := range p.loop.reasons {
		out[i] = r
		out[i].Events = append([]EventType(nil), r.Events...)
	}
	return out
}

// ReasonsRequired reports whether the policy makes its reason codes
// mandatory (`reasons_required: true`): an event of a type that some code
// applies to must then carry one of those codes as its reason.
func (p *Policy) ReasonsRequired() bool { return p.loop.reasonsRequired }

// reasonCode is the declared code that the reason of an event of type t
// stands for (its code or its label), nil for free text.
func (p *Policy) reasonCode(t EventType, reason string) *ReasonCode {
	if reason == "" {
		return nil
	}
	rs := p.loop.reasons
	for i := range rs {
		if (rs[i].Code == reason || rs[i].Label != "" && rs[i].Label == reason) && rs[i].appliesTo(t) {
			return &rs[i]
		}
	}
	return nil
}

// checkReason refuses, when the policy requires codes, an event of a type
// that some code applies to whose reason is not one of them (Field
// "reason"); it also refuses a code used on an event type it is not
// declared for, which would otherwise silently read as free text.
func (p *Policy) checkReason(e *Event) error {
	rs := p.loop.reasons
	if len(rs) == 0 {
		return nil
	}
	var codes []string
	for i := range rs {
		r := &rs[i]
		if r.appliesTo(e.Type) {
			if r.Code == e.Reason || r.Label != "" && r.Label == e.Reason {
				return nil
			}
			codes = append(codes, r.Code)
			continue
		}
		if e.Reason != "" && r.Code == e.Reason {
			return eventFail(ErrEventField, "reason", "reason code %s of policy %s is not for %s events (it is for %s)",
				r.Code, p.id, e.Type, eventTypeList(r.Events))
		}
	}
	if p.loop.reasonsRequired && len(codes) > 0 {
		if e.Reason == "" {
			return eventFail(ErrEventField, "reason", "policy %s requires a reason code for %s events (one of %s)", p.id, e.Type, strings.Join(codes, ", "))
		}
		return eventFail(ErrEventField, "reason", "%q is not a reason code of policy %s for %s events (one of %s)", e.Reason, p.id, e.Type, strings.Join(codes, ", "))
	}
	return nil
}

func eventTypeList(ts []EventType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// SupervisionLevel is one level of supervision (督办) a policy declares:
// when a case reaches it, By must act. A level is reached when the warning
// it names is crossed (Warning), or when the case is overdue (Overdue with
// OverdueDays 0), or when it is OverdueDays working days overdue (00:00 of
// the OverdueDays-th working day after the last day of the deadline the
// case is judged by: the instant Status.OverdueDays reaches OverdueDays).
type SupervisionLevel struct {
	ID    string // e.g. "supervise"
	Label string // e.g. "督办", "挂牌督办", "通报"
	By    string // who must act, e.g. "科室负责人", "分管领导"
	// Warning is the id of the warning that triggers the level; "" when the
	// level is triggered by lateness.
	Warning string
	// Overdue: the level is triggered by lateness, OverdueDays working days
	// after the case became overdue (0: when it becomes overdue).
	Overdue     bool
	OverdueDays int
}

// SupervisionLevels returns the supervision levels the policy declares, in
// file order.
func (p *Policy) SupervisionLevels() []SupervisionLevel {
	return append([]SupervisionLevel(nil), p.loop.supervision...)
}

// Grade is one grade of the rating scale of the follow-up visit (回访评价).
type Grade struct {
	Grade     string // the value a visited event's Rating carries, e.g. "满意"
	Label     string // optional text to show; the grade itself when empty
	Satisfied bool   // counts as satisfied in reports (满意率)
	Reopens   bool   // a visit with this grade calls for reopening the case (Status.ReopenRequired)
}

// DefaultRatingScale is the scale of a policy without `rating:`: 满意 and
// 基本满意 count as satisfied; 不满意 does not and calls for reopening.
func DefaultRatingScale() []Grade {
	return []Grade{
		{Grade: "满意", Label: "满意", Satisfied: true},
		{Grade: "基本满意", Label: "基本满意", Satisfied: true},
		{Grade: "不满意", Label: "不满意", Reopens: true},
	}
}

// RatingScale returns the grades of the policy's rating scale, in file
// order (DefaultRatingScale when the policy declares none).
func (p *Policy) RatingScale() []Grade {
	if len(p.loop.rating) == 0 {
		return DefaultRatingScale()
	}
	return append([]Grade(nil), p.loop.rating...)
}

// MaxReasons, MaxSupervisionLevels and MaxGrades bound what a policy may
// declare, so that checking an event against them stays cheap.
const (
	MaxReasons           = 200
	MaxSupervisionLevels = 16
	MaxGrades            = 16
)

// decodeLoop reads the keys reasons, reasons_required, supervision and
// rating of the top-level mapping top.
func (d *policyDecoder) decodeLoop(top map[string]yamltree.Pair, p *Policy) {
	if f, ok := top["reasons"]; ok {
		d.decodeReasons(f.Value, p)
	}
	if f, ok := top["reasons_required"]; ok {
		p.loop.reasonsRequired, _ = d.boolean(f, "reasons_required")
	}
	if f, ok := top["supervision"]; ok {
		d.decodeSupervision(f.Value, p)
	}
	if f, ok := top["rating"]; ok {
		d.decodeRating(f.Value, p)
	}
	if len(p.loop.rating) == 0 {
		p.loop.rating = DefaultRatingScale()
	}
}

func (d *policyDecoder) boolean(f yamltree.Pair, what string) (bool, bool) {
	s, ok := d.str(f, what)
	if !ok {
		return false, false
	}
	switch s {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	d.Problem(f.Value, "%s: expected true or false, found %q", what, s)
	return false, false
}

func (d *policyDecoder) decodeReasons(n *yaml.Node, p *Policy) {
	items := d.Sequence(n, "reasons")
	if len(items) > MaxReasons {
		d.Problem(n, "reasons: %d codes, more than the %d a policy may declare", len(items), MaxReasons)
		return
	}
	seen := map[string]bool{}
	labels := map[string]string{}
	for i, item := range items {
		what := fmt.Sprintf("reasons[%d]", i)
		m := d.Mapping(item, what, "code!", "label!", "counts_as", "events", "basis")
		if m == nil {
			continue
		}
		var r ReasonCode
		r.Code = d.unique(m, "code", what, "reason code", seen)
		if f, ok := m["label"]; ok {
			if s, ok := d.text(f, what+".label"); ok {
				if strings.TrimSpace(s) == "" {
					d.Problem(f.Value, "%s.label: must not be empty", what)
				} else if other, dup := labels[s]; dup && other != r.Code {
					d.Problem(f.Value, "%s.label: %q is already the label of reason code %q", what, s, other)
				} else if seen[s] && s != r.Code {
					d.Problem(f.Value, "%s.label: %q is already a reason code", what, s)
				}
				labels[s] = r.Code
				r.Label = s
			}
		}
		if f, ok := m["counts_as"]; ok {
			if s, ok := d.str(f, what+".counts_as"); ok {
				found := false
				for k, w := range countsAsWords {
					if s == w {
						r.CountsAs, found = CountsAs(k), true
					}
				}
				if !found {
					d.Problem(f.Value, "%s.counts_as: %q is not what time can count as (expected excluded, restart or applicant)", what, s)
				}
			}
		}
		if f, ok := m["basis"]; ok {
			r.Basis, _ = d.text(f, what+".basis")
		}
		r.Events = reasonEvents
		if r.CountsAs == CountsRestart {
			r.Events = []EventType{EventPaused, EventRestarted}
		}
		if f, ok := m["events"]; ok {
			if f.Value.Kind == yaml.SequenceNode && len(f.Value.Content) == 0 {
				d.Problem(f.Value, "%s.events: at least one event type (or leave events out for all of %s)", what, eventTypeList(reasonEvents))
			}
			r.Events = nil
			for _, item := range d.Sequence(f.Value, what+".events") {
				s, ok := d.Text(item, what+".events")
				if !ok {
					continue
				}
				t := EventType(s)
				switch {
				case !isReasonEvent(t):
					d.Problem(item, "%s.events: %q is not an event type with a reason code (expected %s)", what, s, eventTypeList(reasonEvents))
				case r.CountsAs == CountsRestart && t != EventPaused && t != EventRestarted:
					d.Problem(item, "%s.events: a code that counts as restart is for paused and restarted events, not %s", what, s)
				default:
					r.Events = append(r.Events, t)
				}
			}
		}
		p.loop.reasons = append(p.loop.reasons, r)
	}
	// A code must not be another code's label: the reason of an event would
	// stand for both.
	for i := range p.loop.reasons {
		for j := range p.loop.reasons[:i] {
			a, b := &p.loop.reasons[i], &p.loop.reasons[j]
			if a.Code != "" && a.Code == b.Label {
				d.Problem(items[i], "reasons[%d].code: %q is the label of reason code %q", i, a.Code, b.Code)
			}
		}
	}
}

func isReasonEvent(t EventType) bool {
	for _, e := range reasonEvents {
		if e == t {
			return true
		}
	}
	return false
}

func (d *policyDecoder) decodeSupervision(n *yaml.Node, p *Policy) {
	items := d.Sequence(n, "supervision")
	if len(items) > MaxSupervisionLevels {
		d.Problem(n, "supervision: %d levels, more than the %d a policy may declare", len(items), MaxSupervisionLevels)
		return
	}
	seen := map[string]bool{}
	for i, item := range items {
		what := fmt.Sprintf("supervision[%d]", i)
		m := d.Mapping(item, what, "id!", "label!", "by", "warning", "overdue")
		if m == nil {
			continue
		}
		var l SupervisionLevel
		l.ID, l.Label = d.idAndLabel(m, what, "supervision level", seen)
		if f, ok := m["by"]; ok {
			l.By, _ = d.text(f, what+".by")
		}
		w, o, hasW, hasO := d.eitherKey(item, m, what, "warning", "overdue", "give warning or overdue, not both",
			"missing the trigger (warning: a warning id, or overdue: 0 workdays for when the case becomes overdue, N workdays for N working days after)")
		switch {
		case hasW == hasO: // both or neither: said by eitherKey
		case hasW:
			if s, ok := d.nonEmpty(w, what+".warning"); ok {
				found := false
				for _, x := range p.warnings {
					found = found || x.ID == s
				}
				if !found {
					ids := make([]string, len(p.warnings))
					for k, x := range p.warnings {
						ids[k] = x.ID
					}
					d.Problem(w.Value, "%s.warning: policy declares no warning %q (warnings: %s)", what, s, strings.Join(ids, ", "))
				}
				l.Warning = s
			}
		default:
			if per, ok := d.period(o, what+".overdue"); ok {
				if per.Unit != deadline.Workdays || per.Count > 366 {
					d.Problem(o.Value, "%s.overdue: %s is not a count of working days overdue (expected 0 to 366 workdays)", what, per)
				} else {
					l.Overdue, l.OverdueDays = true, per.Count
				}
			}
		}
		p.loop.supervision = append(p.loop.supervision, l)
	}
}

func (d *policyDecoder) decodeRating(n *yaml.Node, p *Policy) {
	items := d.Sequence(n, "rating")
	if n != nil && n.Kind == yaml.SequenceNode && len(items) == 0 {
		d.Problem(n, "rating: at least one grade is required (or leave rating out for 满意 / 基本满意 / 不满意)")
	}
	if len(items) > MaxGrades {
		d.Problem(n, "rating: %d grades, more than the %d a scale may have", len(items), MaxGrades)
		return
	}
	seen := map[string]bool{}
	for i, item := range items {
		what := fmt.Sprintf("rating[%d]", i)
		m := d.Mapping(item, what, "grade!", "label", "satisfied", "reopens")
		if m == nil {
			continue
		}
		var g Grade
		g.Grade = d.unique(m, "grade", what, "grade", seen)
		if f, ok := m["label"]; ok {
			g.Label, _ = d.text(f, what+".label")
		}
		if f, ok := m["satisfied"]; ok {
			g.Satisfied, _ = d.boolean(f, what+".satisfied")
		}
		if f, ok := m["reopens"]; ok {
			g.Reopens, _ = d.boolean(f, what+".reopens")
			if g.Reopens && g.Satisfied {
				d.Problem(f.Value, "%s.reopens: a grade that counts as satisfied cannot call for reopening", what)
			}
		}
		if g.Label == "" {
			g.Label = g.Grade
		}
		if g.Grade != "" {
			p.loop.rating = append(p.loop.rating, g)
		}
	}
}

// reasonWords is what the reason code of e says, for explanations:
// " (code expert_review, 专家评审: excluded)", "" for free text.
func (p *Policy) reasonWords(e *Event) string {
	rc := p.reasonCode(e.Type, e.Reason)
	if rc == nil {
		return ""
	}
	return " (reason code " + rc.Code + ", " + rc.Label + ": " + rc.CountsAs.String() + ")"
}
