package sla

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/clip"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla/deadline"
)

// CaseSchemaVersion is the version of the JSON form of a Case written by
// MarshalJSON. UnmarshalJSON accepts this version and refuses newer ones.
const CaseSchemaVersion = 1

// MaxEvents bounds the log of one case, so that every replay (each Apply,
// Validate and StatusAt reads the whole log) stays cheap. A real case needs a
// few dozen events: accepted and classified, a few transfers and sign-fors,
// pause/resume pairs, an extension or two, a reclassification, and a
// close/visit/reopen round per complaint. 1,000 leaves more than ten times
// that headroom, while a log grown without limit by a faulty client (one
// test case pushed to 10,000 events made every append slow) is refused.
const MaxEvents = 1000

// Bounds on the text a case carries. A case is stored, listed and grouped
// (a Reporter keeps one row per department, handler or attribute value, and
// the id, department, unit and handler of every overdue case it lists), so
// text without a bound is memory without a bound: 300 cases with 1 MiB
// handler names would make a 300 MiB report. Every text must also be valid
// UTF-8; invalid bytes are refused rather than replaced, so that what is
// stored is what was sent. The bounds are checked where text enters: Accept,
// Apply and Validate (the case's fields and every event's), UnmarshalJSON,
// and Reporter.Add. They are generous for real data and checked in bytes,
// which is what memory costs (a Chinese character is 3 bytes in UTF-8).
const (
	// MaxIDBytes bounds identifiers: the case id and policy id, attribute
	// keys, and the tier and rule of an event. 128 bytes holds any work
	// order number scheme (a 工单号 is some 20 characters) and any id a
	// policy file uses; ids are keys, not prose.
	MaxIDBytes = 128
	// MaxTextBytes bounds every other text: department, handler, attribute
	// values, and an event's unit, actor, approver, reason and note. 2,048
	// bytes is 682 Chinese characters: a reason or note of two full
	// paragraphs (a 300-character reason is 900 bytes) and any unit's full
	// name fit, while a report or a store holds at most 2 KiB per field.
	MaxTextBytes = 2048
	// MaxAttributes bounds how many attributes (grouping keys) a case has.
	// A portal groups by a handful (channel, category, district); 64 leaves
	// room, and keeps a case's attributes within 64 × (128 + 2,048) bytes.
	MaxAttributes = 64
)

// textProblem says what is wrong with s as a text of at most limit bytes,
// "" if nothing. It allocates only when s is refused.
func textProblem(s string, limit int) string {
	if len(s) > limit {
		return fmt.Sprintf("is %d bytes long (at most %d)", len(s), limit)
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	return ""
}

// checkID refuses an empty, over-long or invalid case id. The id is named in
// the messages of every later error, so it is checked first and never
// printed when refused.
func checkID(id string) error {
	if id == "" {
		return diag.Errorf("sla", "case has no id")
	}
	if msg := textProblem(id, MaxIDBytes); msg != "" {
		return diag.Errorf("sla", "case id %s", msg)
	}
	return nil
}

// checkCaseText checks the text of the case's own fields against MaxIDBytes,
// MaxTextBytes and MaxAttributes; an error names the field. The events are
// checked by the replay (checkEventText).
func checkCaseText(c *Case) error {
	if err := checkID(c.ID); err != nil {
		return err
	}
	for _, f := range [...]struct {
		name, s string
		limit   int
	}{{"policy", c.PolicyID, MaxIDBytes}, {"department", c.Department, MaxTextBytes}, {"handler", c.Handler, MaxTextBytes}} {
		if msg := textProblem(f.s, f.limit); msg != "" {
			return diag.Errorf("sla", "case %s: %s %s", c.ID, f.name, msg)
		}
	}
	if len(c.Attributes) > MaxAttributes {
		return diag.Errorf("sla", "case %s has %d attributes (at most %d)", c.ID, len(c.Attributes), MaxAttributes)
	}
	bad := false
	for k, v := range c.Attributes {
		if textProblem(k, MaxIDBytes) != "" || textProblem(v, MaxTextBytes) != "" {
			bad = true
			break
		}
	}
	if !bad {
		return nil
	}
	// Report the first bad attribute in key order, the same on every call.
	for _, k := range slices.Sorted(maps.Keys(c.Attributes)) {
		if msg := textProblem(k, MaxIDBytes); msg != "" {
			if len(k) > MaxIDBytes {
				return diag.Errorf("sla", "case %s: an attribute key %s", c.ID, msg)
			}
			return diag.Errorf("sla", "case %s: attribute key %q %s", c.ID, k, msg)
		}
		if msg := textProblem(c.Attributes[k], MaxTextBytes); msg != "" {
			return diag.Errorf("sla", "case %s: attribute %q %s", c.ID, k, msg)
		}
	}
	return nil
}

// Case is one case (诉求/工单): identity, grouping keys for reports and its
// append-only event log. A Case is a plain value: the methods of this package
// never modify one that is passed in, and Apply and Accept return a Case that
// shares nothing mutable with their arguments (its attributes, events and
// every event's Length, Satisfied and Input are its own), so the caller may
// change either afterwards. A Case the caller builds or decodes itself is the
// caller's; Clone gives an independent copy.
//
// Events are in non-decreasing order of At (equal instants keep their log
// order). The first event is EventAccepted.
type Case struct {
	ID         string            // required, non-empty
	PolicyID   string            // the policy that governs the case; set from the policy by Accept and Apply
	Department string            // 承办科室, for grouping in reports
	Handler    string            // 经办人, for grouping in reports
	Attributes map[string]string // other grouping keys, e.g. "channel", "category"
	Events     []Event           // the log, append-only
}

// caseWire is the JSON form of a Case.
type caseWire struct {
	Schema     *int              `json:"schema"`
	ID         string            `json:"id"`
	Policy     string            `json:"policy,omitempty"`
	Department string            `json:"department,omitempty"`
	Handler    string            `json:"handler,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Events     []Event           `json:"events"`
}

// MarshalJSON writes the case as
//
//	{"schema":1,"id":…,"policy":…,"department":…,"handler":…,"attributes":{…},"events":[…]}
//
// with event times in RFC 3339 with nanoseconds and their own UTC offset
// (time.Time's JSON form), map keys sorted: the output is deterministic.
// Empty optional fields are left out; "events" is always present.
func (c Case) MarshalJSON() ([]byte, error) {
	v := CaseSchemaVersion
	w := caseWire{Schema: &v, ID: c.ID, Policy: c.PolicyID, Department: c.Department, Handler: c.Handler,
		Attributes: c.Attributes, Events: c.Events}
	if len(w.Attributes) == 0 {
		w.Attributes = nil
	}
	if w.Events == nil {
		w.Events = []Event{}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes. It is strict: a missing
// schema, a schema newer than CaseSchemaVersion ("case schema 2 is newer than
// this library understands (1)"), unknown fields, a missing id, an event of
// an unknown type or without a time, a malformed period and trailing data are
// errors. It checks the shape only; use (*Policy).Validate to check the
// history against a policy. Numbers inside an event's Input are decoded as
// json.Number so that they round-trip exactly. Empty attributes and events
// decode as nil. More than MaxEvents events is an error: no case Apply
// builds has them, and StatusAt would refuse the case. Text beyond
// MaxIDBytes or MaxTextBytes, more than MaxAttributes attributes, and
// invalid UTF-8 anywhere in data (which encoding/json would silently
// replace by U+FFFD) are refused; an event's text is refused with an
// *EventError whose Field names it. data is in memory
// already, so the caller bounds its size (the CLI reads at most 16 MiB a
// line, the portal bounds request bodies); decoding is linear in len(data)
// and encoding/json bounds the nesting of Input. On error *c is unchanged.
//
// Every error is the caller's (ErrInvalid).
func (c *Case) UnmarshalJSON(data []byte) error {
	return invalid(c.unmarshalJSON(data))
}

func (c *Case) unmarshalJSON(data []byte) error {
	if !utf8.Valid(data) {
		return diag.Errorf("sla", "case JSON is not valid UTF-8 (at byte %d)", invalidUTF8At(data))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var w caseWire
	if err := dec.Decode(&w); err != nil {
		return diag.Errorf("sla", "case JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return diag.Errorf("sla", "case JSON: unexpected data after the case object")
	}
	switch {
	case w.Schema == nil:
		return errors.New("sla: case JSON has no schema field (want \"schema\": 1)")
	case *w.Schema > CaseSchemaVersion:
		return diag.Errorf("sla", "case schema %d is newer than this library understands (%d)", *w.Schema, CaseSchemaVersion)
	case *w.Schema < 1:
		return diag.Errorf("sla", "case schema %d is not a valid schema version (want %d)", *w.Schema, CaseSchemaVersion)
	}
	if w.ID == "" {
		return diag.Errorf("sla", "case JSON has no id")
	}
	wc := Case{ID: w.ID, PolicyID: w.Policy, Department: w.Department, Handler: w.Handler, Attributes: w.Attributes}
	if err := checkCaseText(&wc); err != nil {
		return err
	}
	if len(w.Events) > MaxEvents {
		return diag.Errorf("sla", "case %s has %d events (at most %d)", w.ID, len(w.Events), MaxEvents)
	}
	for i := range w.Events {
		e := &w.Events[i]
		if !e.Type.Valid() {
			return diag.Errorf("sla", "case %s: event %d: unknown type %s", w.ID, i+1, clip.Quote(string(e.Type)))
		}
		if e.At.IsZero() {
			return diag.Errorf("sla", "case %s: event %d (%s): no time (at)", w.ID, i+1, e.Type)
		}
		if err := checkEventText(e); err != nil {
			return &EventError{CaseID: w.ID, Index: i + 1, Event: *e, Field: fieldOf(err), Err: err}
		}
	}
	*c = Case{ID: w.ID, PolicyID: w.Policy, Department: w.Department, Handler: w.Handler, Attributes: w.Attributes}
	if len(w.Attributes) == 0 {
		c.Attributes = nil
	}
	if len(w.Events) > 0 {
		c.Events = w.Events
	}
	return nil
}

// Clone returns a deep copy of c: its attributes, events and every event's
// Length, Satisfied and Input (maps and slices inside Input included).
func (c Case) Clone() Case {
	out := c
	if c.Attributes != nil {
		out.Attributes = make(map[string]string, len(c.Attributes))
		for k, v := range c.Attributes {
			out.Attributes[k] = v
		}
	}
	if c.Events != nil {
		out.Events = make([]Event, len(c.Events))
		for i, e := range c.Events {
			out.Events[i] = e.clone()
		}
	}
	return out
}

// Unit returns the unit of the latest transfer in the log, "" if the case was
// never transferred or that unit returned it (退回) since.
func (c Case) Unit() string {
	for i := len(c.Events) - 1; i >= 0; i-- {
		switch c.Events[i].Type {
		case EventTransferred:
			return c.Events[i].Unit
		case EventReturned:
			return ""
		}
	}
	return ""
}

// Tier returns the tier of the latest classified or reclassified event in the
// log, "" if the case has not been classified.
func (c Case) Tier() string {
	for i := len(c.Events) - 1; i >= 0; i-- {
		if t := c.Events[i].Type; t == EventClassified || t == EventReclassified {
			return c.Events[i].Tier
		}
	}
	return ""
}

// Accept starts a case: it classifies input by the policy's rules at the
// acceptance instant (see Classify; input is a map[string]any or a struct with
// `shixian` tags), computes the tier's deadline from that instant, and returns
// a Case with the accepted event (carrying the input as the map the rules
// read) and the classified event (tier, rule id and reason of the decision),
// both at accepted, with PolicyID set. The decision carries the deadline
// (Decision.Due and LastDay), so a portal can show it without a StatusAt.
// input is not modified, and the case shares nothing mutable with it.
//
// Every error is the caller's (errors.Is(err, ErrInvalid)) and speaks of what
// the caller sent — the id, the input, the acceptance instant — never of the
// events Accept builds itself: an empty id, an id longer than MaxIDBytes or
// not valid UTF-8 (refused before anything is classified), a policy not
// effective at accepted (*NotEffectiveError), a classification error
// (*rules.FieldError, *rules.RuleError), an acceptance instant the policy's
// calendar cannot count or whose deadline falls past the calendar's last year.
// The tier, rule id and reason come from the policy and are bounded like an
// event's (MaxIDBytes, MaxTextBytes).
func (p *Policy) Accept(id string, input any, accepted time.Time) (Case, rules.Decision, error) {
	if id == "" {
		return Case{}, rules.Decision{}, diag.Errorf("sla", "accept: the case needs an id")
	}
	if err := checkID(id); err != nil {
		return Case{}, rules.Decision{}, diag.Errorf("sla", "accept: %w", err)
	}
	d, m, err := p.classify(input, accepted)
	if err != nil {
		return Case{}, rules.Decision{}, diag.Errorf("sla", "accept case %s: %w", id, err)
	}
	// Counted before the events are built: an instant the calendar cannot
	// count is then reported as the acceptance it is, not as an error of an
	// event the caller never sent.
	dl, err := p.Deadline(d.Tier, accepted)
	if err != nil {
		return Case{}, rules.Decision{}, diag.Errorf("sla", "accept case %s: %w", id, err)
	}
	acc := Event{Type: EventAccepted, At: accepted}
	if len(m) > 0 {
		acc.Input = m // Apply deep-copies it
	}
	c, err := p.Apply(Case{ID: id, PolicyID: p.id}, acc)
	if err == nil {
		c, err = p.Apply(c, Event{Type: EventClassified, At: accepted, Tier: d.Tier, Rule: d.RuleID, Reason: d.Reason})
	}
	if err != nil {
		return Case{}, rules.Decision{}, acceptError(id, accepted, p.cal.Location(), err)
	}
	d.Due, d.LastDay = dl.Due, dl.LastDay
	return c, d, nil
}

// acceptError is an error of the events Accept builds, said as an error of the
// acceptance the caller asked for: the reason without the event's number and
// type, which the caller never sent.
func acceptError(id string, accepted time.Time, loc *time.Location, err error) error {
	var ee *EventError
	if errors.As(err, &ee) {
		return diag.Invalidf("sla", "accept case %s at %s: %w", id, accepted.In(loc).Format("2006-01-02 15:04 MST"), ee.Err)
	}
	return diag.Errorf("sla", "accept case %s: %w", id, err)
}

// Apply validates e against the case's history and the policy and returns a
// new Case with a copy of e appended (its time stripped of any monotonic clock
// reading). c is never modified, and the result shares nothing mutable with c
// or e (attributes, events and their Length, Satisfied and Input are copied). On error Apply returns c itself, unchanged,
// and an *EventError naming the event (its 1-based index, type and time in
// the calendar's location) and the field at fault (Field), and wrapping one
// of ErrEventOrder, ErrEventField, ErrEventState, ErrExtensionCap,
// ErrLateExtension, ErrLateChange or a counting/calendar error; nothing is
// half-applied.
// Apply refuses exactly what would leave a case unusable, so that a portal
// validates before it stores: an event the caller sent that is refused can
// be corrected and sent again, and the corrected one is judged afresh.
//
// Checks: a non-empty case id, a case governed by this policy (PolicyID empty
// or equal to ID()); the case's text and every event's within MaxIDBytes,
// MaxTextBytes and MaxAttributes and valid UTF-8 (an event's refused text is
// an *EventError naming the field: "reason", "unit", …); At non-zero and not
// before the previous event; the first
// event is accepted (and the policy is effective at it); the fields of the
// event type (see the EventXxx constants); the state machine: accepted and
// classified once, nothing but visited or reopened after closing, paused
// twice, resume without a pause, sign-for without a pending transfer or by
// another unit, extension or close before classification, extension caps
// (MaxCount, MaxTotal in the cap's unit, counted per clock: a restart or a
// reopening starts a new clock), late extensions (行政许可法 art. 42, policy
// LateExtension), reclassification to an unknown or the same tier, visit
// before close or twice, reopen while open; the closed loop (see "The closed
// loop" in the package documentation): late reclassifications and restarts
// (LateReclassify, LateRestart), pause names (a resume of a pause that is not
// open, two open pauses of one name, more than MaxOpenPauses), reason codes
// (a code on an event type it is not for; free text where the policy
// requires codes), returns (by a unit that does not hold the case, after the
// window of a return target), supervision (no level reached, a level not
// reached) and ratings (outside the scale, contradicting satisfied); and
// that the deadline can be
// computed after every event that sets it (classification, reclassification,
// restart, reopening, extension). Every event's instant must be one the
// policy's calendar can count (Field "at": inside its range, 2004–2050 for
// the national calendar, and in a year with an official schedule when the
// calendar refuses provisional results), and the resulting case must have a status at the new event's
// own instant (StatusAt(result, e.At) succeeds): otherwise a portal would
// store the event, fail to show the case, and refuse every later event as
// "dated before the previous event".
//
// The whole log is replayed, so an invalid c is reported too (naming its bad
// event); the status check is made for the new event only. At most
// MaxEvents events. Safe for concurrent use.
func (p *Policy) Apply(c Case, e Event) (Case, error) {
	if err := p.checkCase(&c); err != nil {
		return c, err
	}
	if err := checkCaseText(&c); err != nil {
		return c, err
	}
	if len(c.Events) >= MaxEvents {
		return c, diag.Errorf("sla", "case %s has %d events, the most a case may have", c.ID, len(c.Events))
	}
	events := make([]Event, len(c.Events)+1)
	for i := range c.Events {
		events[i] = c.Events[i].clone()
	}
	ne := e.clone()
	ne.At = ne.At.Round(0)
	events[len(c.Events)] = ne
	r := replayer{p: p, id: c.ID, events: events, check: true}
	if err := r.run(); err != nil {
		return c, err
	}
	// The replay has just reached the new event: the status of the result
	// at the event's own instant is computed from this state, without a
	// second replay. A case that has no status there is never handed out to
	// be stored.
	if err := r.statusCheck(len(events) - 1); err != nil {
		return c, err
	}
	out := c
	out.Events = events
	out.Attributes = maps.Clone(c.Attributes)
	if out.PolicyID == "" {
		out.PolicyID = p.id
	}
	return out, nil
}

// Validate replays every event of c as Apply would, from an empty case; use
// it after loading a case from storage (it checks the text bounds too, see
// MaxTextBytes). It returns the first problem, an
// *EventError for a problem of an event. Like Apply when it appended the
// last event, it checks that the case has a status at that event's instant;
// for earlier events it checks what Apply checks on every replay (their
// instants on the calendar, their deadlines computable), not the status at
// each one, which would make it quadratic in the log.
//
// When Validate is needed: a case built only by Accept and Apply and stored as
// they returned it needs none — Apply has replayed and checked the whole log.
// StatusAt and Reporter.Add replay the events up to their instant and refuse
// a log that breaks the state machine, but they ignore later events and do
// not check every earlier deadline. So Validate a case that comes from
// anywhere else — decoded from a store others write, imported, edited by hand,
// received in a request — before storing it or answering with its status.
func (p *Policy) Validate(c Case) error {
	if err := p.checkCase(&c); err != nil {
		return err
	}
	if err := checkCaseText(&c); err != nil {
		return err
	}
	if len(c.Events) > MaxEvents {
		return diag.Errorf("sla", "case %s has %d events (at most %d)", c.ID, len(c.Events), MaxEvents)
	}
	if len(c.Events) == 0 {
		return diag.Errorf("sla", "case %s has no events (the first must be accepted)", c.ID)
	}
	r := replayer{p: p, id: c.ID, events: c.Events, check: true}
	if err := r.run(); err != nil {
		return err
	}
	return r.statusCheck(len(c.Events) - 1)
}

// statusCheck computes the status at the instant of event i, the last one
// replayed, as StatusAt of the log up to i would, and reports a failure as
// the *EventError of event i.
func (r *replayer) statusCheck(i int) error {
	var st Status
	if err := r.status(&st, r.events[i].At); err != nil {
		cause := err
		if se, ok := err.(*statusError); ok {
			cause = se.err // the EventError names the case already
		}
		return r.fail(i, causeFail(cause, "at", "no status can be computed at the event's instant"))
	}
	return nil
}

func (p *Policy) checkCase(c *Case) error {
	if c.ID == "" {
		return diag.Errorf("sla", "case has no id")
	}
	if len(c.ID) > MaxIDBytes {
		// Not printed: the messages below name the case by its id.
		return diag.Errorf("sla", "case id is %d bytes long (at most %d)", len(c.ID), MaxIDBytes)
	}
	if c.PolicyID != "" && c.PolicyID != p.id {
		return diag.Errorf("sla", "case %s is governed by policy %q, not %q", c.ID, c.PolicyID, p.id)
	}
	return nil
}

// isSignForTarget is the id convention for targets without a `kind:` key: the
// target whose id is "sign_for" or starts with "sign_for_" is met by the unit's
// sign-for (TargetSignFor). Every other AfterTransferred target is a reply
// target, met by the next transfer or by closing. A policy written in Chinese
// gives its 签收 target `kind: sign_for` instead (see Target.Kind).
func isSignForTarget(id string) bool {
	return id == "sign_for" || strings.HasPrefix(id, "sign_for_")
}

// replayer replays a case's events through the state machine. It lives on
// the stack of one call and allocates nothing unless it fails.
type replayer struct {
	p      *Policy
	id     string
	events []Event
	// check: verify after every event that sets the deadline that it can be
	// computed (Apply, Validate). StatusAt leaves it off: it computes anyway.
	check bool

	n      int // events replayed
	lastAt time.Time
	// kinds packs kindOf of the first 64 events replayed, 4 bits each, so
	// that the passes over the log (request, targets) switch on integers.
	kinds [4]uint64

	accepted bool
	hasTier  bool
	tier     string
	period   deadline.Period

	cycle      int
	cycleFrom  int       // index of the event that started the current clock
	cycleStart time.Time // its instant: acceptance, restart or reopening
	tierStart  time.Time // Request.Start of the current tier
	paused     bool      // a pause is open (open.n > 0)
	pauseAt    time.Time // the start of the earliest open pause
	open       openPauses
	cycleIdx   int // index of the event that began the cycle: acceptance or reopening

	// The request the warnings were computed on by state (the one the cycle
	// is judged by), for supervisionInstants.
	sreq deadline.Request
	// wat[:nwat] are the crossing instants of every warning state computed
	// (warningInstants); nwat is -1 when they did not fit.
	wat  [8]time.Time
	nwat int

	// frozen: a reclassification or restart came at or after the deadline
	// in force under LateChangeOverdue; the cycle is judged by that
	// deadline, frozenDue and frozenLast, whatever the change did.
	frozen                bool
	frozenDue, frozenLast time.Time

	extCount int
	extTotal int
	lateMask [2]uint64 // bit i: the i-th extension of the clock was late
	anyLate  bool

	closed        bool
	closedAt      time.Time
	visited       bool
	cycleLate     bool // the closed cycle was late
	prevLate      bool // an earlier cycle was late
	closeDue      time.Time
	closeLast     time.Time
	closeProv     bool
	closeJDue     time.Time
	closeJLast    time.Time
	unit          string
	transferOpen  bool
	transferSigns bool // the pending transfer was signed for
	signedAt      time.Time
	transferAt    time.Time // the latest transfer
	held          bool      // the unit of the latest transfer holds the case: not returned since
	grade         int8      // the grade (index in the rating scale) of the latest visit, -1 before any
}

func (r *replayer) loc() *time.Location { return r.p.cal.Location() }

// kind is the kind of event i, which must have been replayed.
func (r *replayer) kind(i int) eventKind {
	if i < 64 {
		return eventKind(r.kinds[i/16] >> (4 * (i % 16)) & 15)
	}
	return kindOf(r.events[i].Type)
}

// run replays every event.
func (r *replayer) run() error {
	for i := range r.events {
		if err := r.step(i); err != nil {
			return r.fail(i, err)
		}
	}
	return nil
}

// fail is the *EventError of event i for err.
func (r *replayer) fail(i int, err error) *EventError {
	return &EventError{CaseID: r.id, Index: i + 1, Event: r.events[i], Field: fieldOf(err), Err: err, loc: r.loc()}
}

// countable refuses an instant whose civil date the policy's calendar cannot
// count: outside its range, or, for a calendar that refuses provisional
// results, in a year without an official schedule. A case holding such an
// event would be stored and then have no status at the event's own instant.
func (r *replayer) countable(at time.Time) error {
	if _, err := r.p.cal.Day(at); err != nil {
		var de *calendar.DateError
		if errors.As(err, &de) {
			return &reasonError{sentinel: err, field: "at", msg: fmt.Sprintf("calendar %s cannot count %s (%s)",
				r.p.cal.Name(), de.Date.Format(time.DateOnly), de.Reason)}
		}
		return causeFail(err, "at", "the calendar cannot count this instant")
	}
	return nil
}

func (r *replayer) when(t time.Time) string { return t.In(r.loc()).Format("2006-01-02 15:04 MST") }

// step applies event i (all events before it are replayed).
func (r *replayer) step(i int) error {
	e := &r.events[i]
	k := kindOf(e.Type)
	if err := checkFields(e, k); err != nil {
		return err
	}
	if r.check {
		// Apply and Validate bound what is stored; StatusAt reads what was.
		if err := checkEventText(e); err != nil {
			return err
		}
	}
	if i < 64 {
		// Set, not or-ed: right even if event i were stepped twice.
		sh := 4 * (i % 16)
		r.kinds[i/16] = r.kinds[i/16]&^(15<<sh) | uint64(k)<<sh
	}
	if i == 0 {
		if k != kindAccepted {
			return eventFail(ErrEventOrder, "type", "the first event must be accepted, not %s", e.Type)
		}
	} else if e.At.Before(r.lastAt) {
		return eventFail(ErrEventOrder, "at", "dated before the previous event (%s)", r.when(r.lastAt))
	}
	if r.closed && k != kindVisited && k != kindReopened {
		return eventFail(ErrEventState, "", "the case was closed at %s; only visited or reopened may follow", r.when(r.closedAt))
	}
	if r.check && k != kindAccepted {
		// The acceptance is checked after the policy's effective range,
		// whose message says more.
		if err := r.countable(e.At); err != nil {
			return err
		}
	}
	if err := r.apply(i, e, k); err != nil {
		return err
	}
	r.n = i + 1
	r.lastAt = e.At
	if r.check && r.hasTier && !r.closed {
		switch k {
		case kindClassified, kindReclassified, kindRestarted, kindReopened, kindExtended:
			if _, _, _, err := r.p.due(r.request(e.At, false)); err != nil {
				field := "at"
				switch k {
				case kindClassified, kindReclassified:
					field = "tier"
				case kindExtended:
					field = "length"
				}
				return causeFail(err, field, "the deadline cannot be computed")
			}
		}
	}
	return nil
}

// apply applies event i, e, of kind k to the state.
func (r *replayer) apply(i int, e *Event, k eventKind) error {
	p := r.p
	switch k {
	case kindAccepted:
		if r.accepted {
			return eventFail(ErrEventState, "", "the case was already accepted")
		}
		if !p.Covers(e.At) {
			return &NotEffectiveError{PolicyID: p.id, Version: p.version, Accepted: e.At, From: p.from, Until: p.until}
		}
		if r.check {
			if err := r.countable(e.At); err != nil {
				return err
			}
		}
		r.accepted = true
		r.cycle, r.grade, r.cycleIdx = 1, -1, i
		r.startClock(i, e.At)

	case kindClassified:
		if r.hasTier {
			return eventFail(ErrEventState, "", "the case is already classified as %s (use reclassified to change the tier)", r.tier)
		}
		t, err := r.lookupTier(e.Tier)
		if err != nil {
			return err
		}
		// The tier counts from the cycle's start: classification is part of
		// acceptance, not a new start.
		r.hasTier, r.tier, r.period, r.tierStart = true, t.ID, t.Limit, r.cycleStart

	case kindReclassified:
		if !r.hasTier {
			return eventFail(ErrEventState, "", "reclassification before classification")
		}
		if e.Tier == r.tier {
			return eventFail(ErrEventState, "tier", "the case is already in tier %s", r.tier)
		}
		if r.check {
			if err := p.checkReason(e); err != nil {
				return err
			}
		}
		t, err := r.lookupTier(e.Tier)
		if err != nil {
			return err
		}
		if err := r.lateChange(e, p.lifecycle.LateReclassify, "reclassification", "late_reclassify"); err != nil {
			return err
		}
		r.tier, r.period = t.ID, t.Limit
		// Convention 11 of package deadline: the new tier counts from the cycle's start (the
		// original acceptance, or the restart / reopening that began this
		// clock) unless the policy counts from the reclassification.
		if p.lifecycle.Reclassify == FromReclassification {
			r.tierStart = e.At
		} else {
			r.tierStart = r.cycleStart
		}

	case kindTransferred:
		r.unit, r.transferOpen, r.transferSigns = e.Unit, true, false
		r.transferAt, r.held = e.At, true

	case kindSignedFor:
		switch {
		case !r.transferOpen:
			return eventFail(ErrEventState, "", "sign-for without a pending transfer")
		case e.Unit != r.unit:
			return eventFail(ErrEventState, "unit", "unit %q signs for a transfer to %q", e.Unit, r.unit)
		case r.transferSigns:
			return eventFail(ErrEventState, "", "the transfer to %q was already signed for at %s", r.unit, r.when(r.signedAt))
		}
		r.transferSigns, r.signedAt = true, e.At

	case kindPaused:
		return r.pause(i, e)

	case kindResumed:
		return r.resume(i, e)

	case kindRestarted:
		// 行政许可法 art. 32: the application is accepted when the materials
		// are complete; the clock starts again and earlier elapsed time,
		// pauses and extensions no longer count (they stay in the log).
		if r.check {
			if err := p.checkReason(e); err != nil {
				return err
			}
		}
		if r.hasTier {
			if err := r.lateChange(e, p.lifecycle.LateRestart, "restart", "late_restart"); err != nil {
				return err
			}
		}
		r.startClock(i, e.At)

	case kindReturned:
		return r.returned(e)

	case kindSupervised:
		return r.supervised(e)

	case kindExtended:
		return r.extend(e)

	case kindClosed:
		if !r.hasTier {
			return eventFail(ErrEventState, "", "close before classification (the case has no tier)")
		}
		if err := r.close(e.At); err != nil {
			return err
		}

	case kindVisited:
		switch {
		case !r.closed:
			return eventFail(ErrEventState, "", "visit before the case is closed")
		case r.visited:
			return eventFail(ErrEventState, "", "the close at %s was already visited", r.when(r.closedAt))
		}
		g, err := r.p.gradeOf(e)
		if err != nil {
			return err
		}
		r.visited, r.grade = true, int8(g)

	case kindReopened:
		if !r.closed {
			return eventFail(ErrEventState, "", "reopen while the case is open")
		}
		if r.check {
			if err := p.checkReason(e); err != nil {
				return err
			}
		}
		r.prevLate = r.prevLate || r.cycleLate
		r.closed, r.visited, r.cycleLate = false, false, false
		r.frozen, r.grade, r.cycleIdx = false, -1, i
		r.cycle++
		r.startClock(i, e.At)
		r.tierStart = e.At
	}
	return nil
}

// startClock begins a clock at event i: acceptance, restart or reopening.
// Pauses and extensions of the previous clock no longer count.
func (r *replayer) startClock(i int, at time.Time) {
	r.cycleFrom, r.cycleStart, r.tierStart = i, at, at
	r.paused, r.pauseAt, r.open.n = false, time.Time{}, 0
	r.extCount, r.extTotal, r.lateMask, r.anyLate = 0, 0, [2]uint64{}, false
}

func (r *replayer) lookupTier(id string) (*Tier, error) {
	if ts := r.p.tiers; len(ts) <= 8 {
		// Tier ids are unique: for a few tiers a scan beats hashing.
		for i := range ts {
			if ts[i].ID == id {
				return &ts[i], nil
			}
		}
	}
	i, ok := r.p.tierIndex[id]
	if !ok {
		ids := make([]string, len(r.p.tiers))
		for i, t := range r.p.tiers {
			ids[i] = t.ID
		}
		return nil, eventFail(ErrEventField, "tier", "policy %s has no tier %q (tiers: %s)", r.p.id, id, strings.Join(ids, ", "))
	}
	return &r.p.tiers[i], nil
}

// extend applies an extension (行政许可法 art. 42): counted from the deadline
// in force, granted strictly before it.
func (r *replayer) extend(e *Event) error {
	if !r.hasTier {
		return eventFail(ErrEventState, "", "extension before classification (the case has no deadline)")
	}
	if r.check {
		if err := r.p.checkReason(e); err != nil {
			return err
		}
	}
	x, err := r.p.extensionsFor(r.tier)
	if err != nil {
		return err
	}
	if x.MaxCount <= 0 {
		return eventFail(ErrExtensionCap, "", "policy %s allows no extensions", r.p.id)
	}
	if r.extCount >= x.MaxCount {
		return eventFail(ErrExtensionCap, "", "the case already has %d extension(s); policy %s allows %d", r.extCount, r.p.id, x.MaxCount)
	}
	l := *e.Length
	if !x.MaxTotal.IsZero() {
		if l.Unit != x.MaxTotal.Unit {
			return eventFail(ErrEventField, "length", "length %s is not in the unit of policy %s's cap (%s)", l, r.p.id, x.MaxTotal)
		}
		if r.extTotal+l.Count > x.MaxTotal.Count {
			return eventFail(ErrExtensionCap, "length", "%s more would make %d %s of extensions; policy %s allows %s in total",
				l, r.extTotal+l.Count, l.Unit, r.p.id, x.MaxTotal)
		}
	}
	if l.Unit.DayBased() != r.period.Unit.DayBased() {
		return eventFail(ErrEventField, "length", "length %s cannot extend the %s limit of tier %s", l, r.period, r.tier)
	}
	if r.extCount >= 128 {
		return eventFail(ErrExtensionCap, "", "more than 128 extensions")
	}
	// The extension is judged against the deadline the cycle is judged by
	// (without earlier late extensions), with an open pause taken to end now.
	due, _, err := r.inForce(e.At)
	if err != nil {
		return err
	}
	if !e.At.Before(due) {
		if r.p.lifecycle.LateExtension != LateExtensionOverdue {
			return eventFail(ErrLateExtension, "at", "requested at or after the deadline %s; policy %s rejects late extensions (行政许可法 art. 42: the extension is approved within the period)",
				r.when(due), r.p.id)
		}
		// 限时办结 practice: an extension requested after the deadline counts as
		// overdue (超时办结). It is recorded and extends the deadline shown, but
		// the cycle stays judged by the deadline without it.
		r.lateMask[r.extCount/64] |= 1 << (r.extCount % 64)
		r.anyLate = true
	}
	r.extCount++
	r.extTotal += l.Count
	return nil
}

// close records the end of the current cycle and whether it was on time:
// closed strictly before the (judged) Due.
func (r *replayer) close(at time.Time) error {
	due, last, prov, err := r.p.due(r.request(at, false))
	if err != nil {
		return causeFail(err, "at", "the deadline cannot be computed")
	}
	jdue, jlast := due, last
	if r.anyLate {
		if jdue, jlast, _, err = r.p.due(r.request(at, true)); err != nil {
			return causeFail(err, "at", "the deadline cannot be computed")
		}
	}
	jdue, jlast = r.judge(jdue, jlast)
	r.closed, r.closedAt, r.visited, r.grade = true, at, false, -1
	r.closeDue, r.closeLast, r.closeProv, r.closeJDue, r.closeJLast = due, last, prov, jdue, jlast
	r.cycleLate = !at.Before(jdue)
	r.paused, r.pauseAt, r.open.n = false, time.Time{}, 0
	r.transferOpen = false
	return nil
}

// request builds the counting request of the current clock from the events
// replayed so far: the tier's period from tierStart, the pauses of the clock
// (an open one taken to end at upTo, or left open when upTo is zero), clipped
// to start no earlier than tierStart, and its extensions (only the timely
// ones when judged). The slices are allocated only when there are pauses or
// extensions, exactly sized: ComputeDue keeps its Request's memory alive
// (escape analysis), so stack buffers would be moved to the heap anyway.
func (r *replayer) request(upTo time.Time, judged bool) deadline.Request {
	req := deadline.Request{Start: r.tierStart, Period: r.period}
	np, nx := 0, 0
	for i := r.cycleFrom; i < r.n; i++ {
		switch r.kind(i) {
		case kindPaused:
			np++
		case kindExtended:
			nx++
		}
	}
	if np == 0 && nx == 0 {
		return req
	}
	if np > 0 {
		req.Pauses = make([]deadline.Pause, 0, np)
	}
	if nx > 0 {
		req.Extensions = make([]deadline.Period, 0, nx)
	}
	add := func(from *Event, end time.Time) {
		st := from.At
		if !end.After(r.tierStart) {
			return // entirely before the period's start: excludes nothing
		}
		if st.Before(r.tierStart) {
			st = r.tierStart
		}
		req.Pauses = append(req.Pauses, deadline.Pause{Start: st, End: end, Reason: from.Reason})
	}
	// The pauses still open as the log is read, as in pause and resume:
	// each resume ends the pause it names (resolve), a close all of them.
	var open openPauses
	ext := 0
	for i := r.cycleFrom; i < r.n; i++ {
		e := &r.events[i]
		switch r.kind(i) {
		case kindPaused:
			open.push(i)
		case kindResumed:
			if k := open.resolve(r.events, e.Pause); k >= 0 {
				add(&r.events[open.idx[k]], e.At)
				open.remove(k)
			}
		case kindClosed:
			for k := 0; k < open.n; k++ {
				add(&r.events[open.idx[k]], e.At)
			}
			open.n = 0
		case kindExtended:
			late := ext < 128 && r.lateMask[ext/64]&(1<<(ext%64)) != 0
			if !judged || !late {
				req.Extensions = append(req.Extensions, *e.Length)
			}
			ext++
		}
	}
	for k := 0; k < open.n; k++ {
		o := &r.events[open.idx[k]]
		switch {
		case upTo.IsZero():
			// Left open: ComputeDue then reports a suspended deadline.
			req.Pauses = append(req.Pauses, deadline.Pause{Start: maxTime(o.At, r.tierStart), Reason: o.Reason})
		case upTo.Before(o.At):
			add(o, o.At)
		default:
			add(o, upTo)
		}
	}
	return req
}

// invalidUTF8At is the offset of the first byte of data that is not part of
// a valid UTF-8 sequence, len(data) if there is none.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
}
