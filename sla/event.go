package sla

import (
	"errors"
	"fmt"
	"time"

	"github.com/shixian-go/shixian/internal/clip"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/sla/deadline"
)

// EventType names what happened to a case. The values are the strings stored
// in JSON; they are a contract and never change.
type EventType string

// The event types of a case's life. Each event is
// validated against the case's history when it is applied (see
// (*Policy).Apply); the comments say what each requires and does.
const (
	// EventAccepted (受理) is the first event of every case, exactly once. At
	// is the acceptance instant, from which the first cycle is counted. It may
	// carry Input, the classification inputs, for the record.
	EventAccepted EventType = "accepted"
	// EventClassified (分类) gives the case its tier (Tier required, Rule and
	// Reason optional). Exactly once, normally at the acceptance instant; the
	// tier is counted from the cycle's start, not from the classification
	// instant. A case has no deadline before it is classified.
	EventClassified EventType = "classified"
	// EventTransferred (转办) hands the case to a unit (Unit required; the unit
	// that holds it may be named again, a re-dispatch). It starts that unit's
	// targets with After == AfterTransferred and ends the previous unit's. The
	// citizen-facing clock keeps running.
	EventTransferred EventType = "transferred"
	// EventSignedFor (签收): the unit of the latest pending transfer signs for it
	// (Unit required and equal to that unit; once per transfer). It meets that
	// transfer's sign-for target and starts the AfterSignedFor targets.
	EventSignedFor EventType = "signed_for"
	// EventPaused (中止, 行政许可法 art. 45: hearings, testing, appraisal, expert
	// review are not counted) suspends the clock (Reason required). Pause
	// optionally names it, so that several pauses may be open at once (an
	// expert review and a hearing that overlap); the excluded time is their
	// union. Two open pauses cannot share a name (the unnamed pause counts as
	// the name ""), and at most MaxOpenPauses are open at once. A Reason that
	// is one of the policy's reason codes follows the code (see Reason).
	EventPaused EventType = "paused"
	// EventResumed ends a pause: the one named by Pause, or, when Pause is
	// empty, the only open pause, or else the open unnamed one; with several
	// named pauses open and no unnamed one, Pause is required. A pause whose
	// reason code counts as CountsRestart (补正, 行政许可法 art. 32) ends with
	// a restart of the clock at the resume, as EventRestarted would.
	EventResumed EventType = "resumed"
	// EventRestarted (补正后重新受理, 行政许可法 art. 32: the application is
	// accepted when the materials are complete): the clock of the current
	// cycle starts again from At; earlier elapsed time, pauses and extensions
	// are discarded from the computation (they stay in the log). An open
	// pause ends with the restart.
	EventRestarted EventType = "restarted"
	// EventExtended (延期, 行政许可法 art. 42) adds Length, counted from the
	// deadline in force (Length, Approver and Reason required). It must come
	// strictly before the current Due unless the policy's LateExtension is
	// LateExtensionOverdue, in which case it is recorded and extends the
	// deadline shown, but the cycle is judged against the deadline without it
	// and stays late (限时办结: 超过办结时限才提出延期申请的，按超时办结). The
	// policy's Extensions().MaxCount and MaxTotal cap the extensions of a clock.
	EventExtended EventType = "extended"
	// EventReclassified (改变分类) moves the case to another tier (Tier and
	// Reason required; the tier must exist and differ from the current one).
	// The new tier is counted from the cycle's start (FromAcceptance) or from
	// At (FromReclassification); earlier pauses and extensions
	// still apply.
	EventReclassified EventType = "reclassified"
	// EventClosed (办结/销号) stops the clock of the current cycle: on time iff
	// At is strictly before the cycle's Due. An open pause ends with it.
	EventClosed EventType = "closed"
	// EventVisited (回访) records the follow-up visit of a closed case (Rating,
	// a grade of the policy's scale, or the yes/no Satisfied of earlier
	// versions, required; once per close). It meets the AfterClosed targets;
	// a grade that calls for reopening sets Status.ReopenRequired.
	EventVisited EventType = "visited"
	// EventReopened (重新办理) starts a new cycle of a closed case from At with
	// the same tier (Reason required), typically after an unsatisfied visit.
	EventReopened EventType = "reopened"
	// EventReturned (退回): the unit holding the case sends it back (Unit
	// required and equal to the unit of the latest transfer, which must not
	// have been returned already; Reason required). It ends that unit's
	// targets: a return target (id "return" or starting "return_") is met
	// by it, every other one ended; the case is then held by no unit until
	// the next transfer. The citizen-facing clock keeps running.
	EventReturned EventType = "returned"
	// EventSupervised (督办/催办) records that a supervisor acted on the case
	// (Actor required: who acted; Note optional; Level optional: the id of
	// the supervision level acted on). The case must have reached a
	// supervision level of the policy in the current cycle by At (Level, if
	// given, must be one of those reached); a policy without supervision
	// levels refuses it. It changes no deadline.
	EventSupervised EventType = "supervised"
)

var eventTypes = [...]EventType{
	EventAccepted, EventClassified, EventTransferred, EventSignedFor, EventPaused, EventResumed,
	EventRestarted, EventExtended, EventReclassified, EventClosed, EventVisited, EventReopened,
	EventReturned, EventSupervised,
}

// EventTypes returns every event type: those of the life of a case in its
// order, then returned and supervised, which may come at several points.
func EventTypes() []EventType { return append([]EventType(nil), eventTypes[:]...) }

// Valid reports whether t is one of the declared event types.
func (t EventType) Valid() bool { return kindOf(t) != kindNone }

// eventKind is an event type as a small integer. The replay maps each
// event's Type once (kindOf) and switches on the integer afterwards: string
// comparisons on every pass over the log were a measurable share of StatusAt.
type eventKind uint8

// The kinds, one per EventType, in the order of eventTypes (offset by one).
const (
	kindNone eventKind = iota // not a declared event type
	kindAccepted
	kindClassified
	kindTransferred
	kindSignedFor
	kindPaused
	kindResumed
	kindRestarted
	kindExtended
	kindReclassified
	kindClosed
	kindVisited
	kindReopened
	kindReturned
	kindSupervised // 14: kinds are packed in 4 bits (replayer.kinds), so 15 is the last there is room for
)

// kindOf maps an event type to its kind, kindNone if it is not declared.
func kindOf(t EventType) eventKind {
	switch t {
	case EventAccepted:
		return kindAccepted
	case EventClassified:
		return kindClassified
	case EventTransferred:
		return kindTransferred
	case EventSignedFor:
		return kindSignedFor
	case EventPaused:
		return kindPaused
	case EventResumed:
		return kindResumed
	case EventRestarted:
		return kindRestarted
	case EventExtended:
		return kindExtended
	case EventReclassified:
		return kindReclassified
	case EventClosed:
		return kindClosed
	case EventVisited:
		return kindVisited
	case EventReopened:
		return kindReopened
	case EventReturned:
		return kindReturned
	case EventSupervised:
		return kindSupervised
	}
	return kindNone
}

// Event is one entry of a case's append-only log. At is an instant in any
// location; its civil date is taken in the policy calendar's location. The
// fields other than Type, At, Actor, Reason and Note belong to particular
// event types (see the EventXxx constants); a field set on an event type it
// does not belong to is an error when the event is applied, so that nothing
// written is silently ignored.
//
// An Event is a value; Apply deep-copies Length, Satisfied and Input, so the
// caller may reuse its own values afterwards.
type Event struct {
	Type      EventType        `json:"type"`
	At        time.Time        `json:"at"`
	Actor     string           `json:"actor,omitempty"`     // who recorded it (工号 or name)
	Reason    string           `json:"reason,omitempty"`    // required for paused, extended, reclassified, reopened
	Tier      string           `json:"tier,omitempty"`      // classified, reclassified
	Rule      string           `json:"rule,omitempty"`      // classified, reclassified: the deciding rule id
	Unit      string           `json:"unit,omitempty"`      // transferred, signed_for: the handling unit (承办单位)
	Length    *deadline.Period `json:"length,omitempty"`    // extended: e.g. "10 workdays"
	Approver  string           `json:"approver,omitempty"`  // extended: who approved (负责人)
	Satisfied *bool            `json:"satisfied,omitempty"` // visited: the citizen's yes/no rating (满意/不满意); see Rating
	Input     map[string]any   `json:"input,omitempty"`     // accepted: the classification inputs
	Note      string           `json:"note,omitempty"`
	Pause     string           `json:"pause,omitempty"` // paused, resumed: the pause's name, when several may be open
	// Rating (visited) is a grade of the policy's rating scale (回访评价,
	// e.g. 满意 / 基本满意 / 不满意; see Policy.RatingScale). A visited event
	// carries Rating, Satisfied, or both when they agree: Satisfied true
	// stands for the scale's first satisfied grade, false for its first
	// grade that is not.
	Rating string `json:"rating,omitempty"`
	Level  string `json:"level,omitempty"` // supervised: the supervision level acted on
}

// clone deep-copies the event's pointers and its Input.
func (e Event) clone() Event {
	if e.Length != nil {
		l := *e.Length
		e.Length = &l
	}
	if e.Satisfied != nil {
		s := *e.Satisfied
		e.Satisfied = &s
	}
	if e.Input != nil {
		e.Input = cloneMap(e.Input)
	}
	return e
}

// cloneMap deep-copies maps and slices of the JSON-like value shapes
// (map[string]any, []any, []string, map[string]string); other values are
// copied as they are (scalars, and pointers the caller owns).
func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return x
		}
		return cloneMap(x)
	case []any:
		if x == nil {
			return x
		}
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = cloneValue(y)
		}
		return out
	case []string:
		if x == nil {
			return x
		}
		return append(make([]string, 0, len(x)), x...) // an empty list stays a list, not null
	case map[string]string:
		if x == nil {
			return x
		}
		out := make(map[string]string, len(x))
		for k, y := range x {
			out[k] = y
		}
		return out
	}
	return v
}

// Sentinel errors of Apply, for errors.Is. Every error Apply returns is an
// *EventError wrapping one of these (or a calendar / counting error).
var (
	// ErrEventOrder: an event dated before the previous one, or a first event
	// that is not "accepted".
	ErrEventOrder = errors.New("event out of order")
	// ErrEventField: a required field is missing, or a field does not belong
	// to the event type.
	ErrEventField = errors.New("invalid event field")
	// ErrEventState: the event does not fit the case's state (resume without a
	// pause, sign-for without a transfer, anything but visited/reopened after
	// closing, …).
	ErrEventState = errors.New("event does not fit the case")
	// ErrExtensionCap: an extension beyond the policy's MaxCount or MaxTotal.
	ErrExtensionCap = errors.New("extension beyond the policy's cap")
	// ErrLateExtension: an extension at or after the deadline under
	// LateExtensionReject.
	ErrLateExtension = errors.New("extension after the deadline")
	// ErrLateChange: a reclassification or restart at or after the deadline
	// in force under LateChangeReject (settings late_reclassify,
	// late_restart).
	ErrLateChange = errors.New("change after the deadline")
)

// EventError reports an event that cannot be applied to a case. Index is the
// event's 1-based position in the case's log (the accepted event is 1); for
// Apply it is the event the caller sent unless the case passed in is itself
// invalid. Field is the JSON name of the offending field of that event ("at",
// "tier", "unit", "length", …), so that a portal can point at the input to
// correct; it is "" when the event as a whole does not fit the case (resume
// without a pause, anything but visited or reopened after closing, …). Its
// message reads, e.g.:
//
//	sla: case C-1: event 4 (resumed at 2025-10-09 10:00 CST): resume without a pause
type EventError struct {
	CaseID string
	Index  int
	Event  Event
	Field  string
	Err    error
	loc    *time.Location
}

func (e *EventError) Error() string { return "sla: " + e.Text() }

// Text is the message without the package name: "case C-1: event 4 (resumed at 2025-10-09
// 10:00 CST): resume without a pause".
func (e *EventError) Text() string { return "case " + e.CaseID + ": " + e.Detail() }

// Detail is the message without the package name and the case: "event 4 (resumed at
// 2025-10-09 10:00 CST): resume without a pause", for a caller that names the case itself
// (the CLI, reading one case per file).
func (e *EventError) Detail() string {
	at := e.Event.At
	if e.loc != nil {
		at = at.In(e.loc)
	}
	typ := string(e.Event.Type)
	switch {
	case typ == "":
		typ = "untyped event"
	case !e.Event.Type.Valid():
		typ = clip.Quote(typ)
	}
	when := "no time"
	if !at.IsZero() {
		when = at.Format("2006-01-02 15:04 MST")
	}
	return fmt.Sprintf("event %d (%s at %s): %s", e.Index, typ, when, diag.Text(e.Err))
}

// Unwrap returns the cause, one of the ErrXxx sentinels or a counting error.
func (e *EventError) Unwrap() error { return e.Err }

// Is makes every EventError satisfy errors.Is(err, ErrInvalid): an event that
// does not fit is always the caller's (the event sent, or the case passed in),
// whatever its cause wraps — a counting or calendar error included.
func (e *EventError) Is(target error) bool { return target == ErrInvalid }

// eventFail wraps a formatted message around a sentinel so that both read
// well; field is the JSON name of the event field at fault, "" for none.
func eventFail(sentinel error, field, format string, args ...any) error {
	return &reasonError{sentinel: sentinel, field: field, msg: fmt.Sprintf(format, args...)}
}

// causeFail is eventFail around an error of the counting or the calendar
// (which stays reachable by errors.Is and errors.As), written as its reason
// (diag.Text): inside an EventError the one "sla: " is the EventError's.
func causeFail(cause error, field, what string) error {
	return &reasonError{sentinel: cause, field: field, msg: what + ": " + diag.Text(cause)}
}

// statusError is an error of the status of case id: "sla: status of case ID:
// reason". The replay that checks an event (statusCheck) reads the reason
// alone from it.
type statusError struct {
	id  string
	err error
}

func (e *statusError) Error() string { return "sla: " + e.Text() }

// Text is the message without the package name.
func (e *statusError) Text() string  { return "status of case " + e.id + ": " + diag.Text(e.err) }
func (e *statusError) Unwrap() error { return e.err }

// Is: the status of a case the caller passed fails only on that case (its
// events, its instants) or on the instant asked, never on a fault of ours.
func (e *statusError) Is(target error) bool { return target == ErrInvalid }

type reasonError struct {
	sentinel error
	field    string
	msg      string
}

func (r *reasonError) Error() string { return r.msg }
func (r *reasonError) Unwrap() error { return r.sentinel }

// Is: a reason of the replay is the reason an event does not fit (see
// EventError.Is), so it satisfies ErrInvalid even where it surfaces alone.
func (r *reasonError) Is(target error) bool { return target == ErrInvalid }

// fieldOf is the event field an error of the replay names, "" for none.
func fieldOf(err error) string {
	var re *reasonError
	if errors.As(err, &re) {
		return re.field
	}
	var ne *NotEffectiveError
	if errors.As(err, &ne) {
		return "at"
	}
	return ""
}

// Fields that belong to particular event types, as bits.
const (
	fieldTier uint16 = 1 << iota
	fieldRule
	fieldUnit
	fieldLength
	fieldApprover
	fieldSatisfied
	fieldInput
	fieldPause
	fieldRating
	fieldLevel
)

var fieldNames = [...]string{"tier", "rule", "unit", "length", "approver", "satisfied", "input", "pause", "rating", "level"}

// allowedFields is the set of type-specific fields an event kind may carry.
func allowedFields(k eventKind) uint16 {
	switch k {
	case kindAccepted:
		return fieldInput
	case kindClassified, kindReclassified:
		return fieldTier | fieldRule
	case kindTransferred, kindSignedFor, kindReturned:
		return fieldUnit
	case kindExtended:
		return fieldLength | fieldApprover
	case kindVisited:
		return fieldSatisfied | fieldRating
	case kindPaused, kindResumed:
		return fieldPause
	case kindSupervised:
		return fieldLevel
	}
	return 0
}

func presentFields(e *Event) uint16 {
	var f uint16
	if e.Tier != "" {
		f |= fieldTier
	}
	if e.Rule != "" {
		f |= fieldRule
	}
	if e.Unit != "" {
		f |= fieldUnit
	}
	if e.Length != nil {
		f |= fieldLength
	}
	if e.Approver != "" {
		f |= fieldApprover
	}
	if e.Satisfied != nil {
		f |= fieldSatisfied
	}
	if e.Input != nil {
		f |= fieldInput
	}
	if e.Pause != "" {
		f |= fieldPause
	}
	if e.Rating != "" {
		f |= fieldRating
	}
	if e.Level != "" {
		f |= fieldLevel
	}
	return f
}

// checkFields enforces the fields of each event type: required ones present,
// foreign ones absent. Generic fields (Actor, Reason, Note) are allowed on
// every event. k is kindOf(e.Type). It allocates only when it fails.
func checkFields(e *Event, k eventKind) error {
	if k == kindNone {
		return eventFail(ErrEventField, "type", "unknown event type %s", clip.Quote(string(e.Type)))
	}
	if e.At.IsZero() {
		return eventFail(ErrEventField, "at", "the event has no time (at)")
	}
	if extra := presentFields(e) &^ allowedFields(k); extra != 0 {
		for i, name := range fieldNames {
			if extra&(1<<i) != 0 {
				return eventFail(ErrEventField, name, "field %s does not belong to a %s event", name, e.Type)
			}
		}
	}
	missing, field := "", ""
	switch k {
	case kindClassified:
		if e.Tier == "" {
			missing, field = "a tier", "tier"
		}
	case kindReclassified:
		switch {
		case e.Tier == "":
			missing, field = "a tier", "tier"
		case e.Reason == "":
			missing, field = "a reason", "reason"
		}
	case kindTransferred, kindSignedFor:
		if e.Unit == "" {
			missing, field = "a unit", "unit"
		}
	case kindReturned:
		switch {
		case e.Unit == "":
			missing, field = "a unit (the unit returning the case)", "unit"
		case e.Reason == "":
			missing, field = "a reason", "reason"
		}
	case kindSupervised:
		if e.Actor == "" {
			missing, field = "an actor (who supervised)", "actor"
		}
	case kindPaused, kindReopened:
		if e.Reason == "" {
			missing, field = "a reason", "reason"
		}
	case kindExtended:
		switch {
		case e.Length == nil:
			missing, field = "a length", "length"
		case e.Approver == "":
			missing, field = "an approver", "approver"
		case e.Reason == "":
			missing, field = "a reason", "reason"
		}
	case kindVisited:
		if e.Satisfied == nil && e.Rating == "" {
			missing, field = "a rating (or satisfied, true or false)", "rating"
		}
	}
	if missing != "" {
		return eventFail(ErrEventField, field, "a %s event needs %s", e.Type, missing)
	}
	if k == kindExtended {
		if err := e.Length.Validate(); err != nil {
			return eventFail(ErrEventField, "length", "length: %s", diag.Text(err))
		}
		if e.Length.Count == 0 {
			return eventFail(ErrEventField, "length", "length 0 workdays adds no time")
		}
	}
	return nil
}

// checkEventText bounds the text of an event (MaxIDBytes for tier and rule,
// MaxTextBytes for the rest; MaxIDBytes for pause, rating and level, which are
// names) and refuses invalid UTF-8, naming the field.
// It allocates only when it fails.
func checkEventText(e *Event) error {
	for _, f := range [...]struct {
		name, s string
		limit   int
	}{
		{"tier", e.Tier, MaxIDBytes}, {"rule", e.Rule, MaxIDBytes}, {"unit", e.Unit, MaxTextBytes},
		{"actor", e.Actor, MaxTextBytes}, {"approver", e.Approver, MaxTextBytes},
		{"reason", e.Reason, MaxTextBytes}, {"note", e.Note, MaxTextBytes},
		{"pause", e.Pause, MaxIDBytes}, {"rating", e.Rating, MaxIDBytes}, {"level", e.Level, MaxIDBytes},
	} {
		if msg := textProblem(f.s, f.limit); msg != "" {
			return eventFail(ErrEventField, f.name, "%s %s", f.name, msg)
		}
	}
	return nil
}
