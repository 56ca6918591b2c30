package sla

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/shixian-go/shixian/internal/boundedio"
	"github.com/shixian-go/shixian/internal/clip"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/internal/jsonpos"
	"github.com/shixian-go/shixian/rules"
)

// This file reads a case document — one Case in its JSON form, from a file, a request body
// or a line of an export — so that every fault is reported at its place, name:line:column,
// the same way for the CLI and a portal: the key or value the decoder refuses, the event the
// policy rejects, the "policy" value of a case of another policy. Positions are looked for
// only on the error path; a good document costs one decoding.

// MaxCaseBytes bounds a case document for DecodeCaseReader: MaxEvents events of a few
// hundred bytes each, with room for inputs and notes, fit in well under 4 MiB.
const MaxCaseBytes = 4 << 20

// caseProblem is a positioned error about a case document: errors.As finds its
// rules.Problem (position and message) and its cause (an *EventError, a *json.SyntaxError,
// ErrEventState, …), so a caller can both print it and act on what went wrong.
type caseProblem struct {
	problem rules.Problem
	cause   error
}

func (e *caseProblem) Error() string   { return e.problem.Error() }
func (e *caseProblem) Unwrap() []error { return []error{e.problem, e.cause} }

// DecodeCase decodes the case document data, named name in positions ("case.json",
// "<stdin>", "body"), with Case.UnmarshalJSON's strict rules. Invalid UTF-8 is refused at its
// place rather than replaced. An error is positioned: it reads
//
//	case.json:4:3: sla: case JSON: json: unknown field "colour"
//
// and errors.As finds a rules.Problem (Pos, Message) and the cause. data is not modified;
// the caller bounds its size (see DecodeCaseReader).
func DecodeCase(name string, data []byte) (Case, error) {
	var c Case
	if !utf8.Valid(data) {
		err := errors.New("invalid UTF-8 (the document must be UTF-8 text)")
		return Case{}, caseError(name, data, invalidUTF8At(data), err.Error(), err)
	}
	if err := c.UnmarshalJSON(data); err != nil {
		// encoding/json's scanner gives a syntax error its offset; the strict decoder may not.
		var raw json.RawMessage
		var se *json.SyntaxError
		if serr := json.Unmarshal(data, &raw); errors.As(serr, &se) {
			return Case{}, caseError(name, data, caseErrorOffset(data, serr, nil, ""), caseErrorMessage(err), err)
		}
		return Case{}, caseError(name, data, caseErrorOffset(data, err, nil, ""), caseErrorMessage(err), err)
	}
	return c, nil
}

// DecodeCaseReader is DecodeCase for a reader, reading at most MaxCaseBytes: a larger
// document is refused without reading the rest ("sla: case body is larger than the 4 MiB
// limit"; errors.As finds the size limit's error).
func DecodeCaseReader(name string, r io.Reader) (Case, error) {
	data, err := boundedio.ReadAll(r, name, MaxCaseBytes, "case")
	if err != nil {
		var tl *boundedio.TooLargeError
		if errors.As(err, &tl) {
			return Case{}, diag.Invalidf("sla", "%w", err) // the document sent is too large
		}
		return Case{}, diag.Errorf("sla", "%w", err) // the reader failed: not the document's fault
	}
	return DecodeCase(name, data)
}

// DecodeCase is the package's DecodeCase followed by Validate: the case's events are
// checked against this policy (order, fields, the state machine, extension caps, the
// calendar), and a case the policy rejects is reported at the event that does not fit, or at
// the "policy" value of a case of another policy:
//
//	case.json:9:7: event 4 (resumed at 2025-10-09 10:00 CST): resume without a pause
func (p *Policy) DecodeCase(name string, data []byte) (Case, error) {
	c, err := DecodeCase(name, data)
	if err != nil {
		return Case{}, err
	}
	if err := p.Validate(c); err != nil {
		return Case{}, p.CaseError(name, data, c, err)
	}
	return c, nil
}

// CaseError places err, an error about the case c decoded from the document data (from
// Validate, StatusAt, a Reporter), at its place in data, as DecodeCase does: the event an
// *EventError names, the "policy" value of a case of another policy, the "events" value of a
// case with none or too many, else the case's opening brace. It never fails; a nil err is nil.
func (p *Policy) CaseError(name string, data []byte, c Case, err error) error {
	if err == nil {
		return nil
	}
	return caseError(name, data, caseErrorOffset(data, err, &c, p.id), caseErrorMessage(err), err)
}

// CaseErrorOffset is the byte offset in the case document data that err is about, for a
// caller that reports positions its own way (a line of a JSON-lines file): err is from
// decoding data (c nil) or from checking the decoded case c against the policy policyID. It
// never fails: when nothing more precise is known it is the document's first non-space byte.
func CaseErrorOffset(data []byte, c *Case, policyID string, err error) int {
	return caseErrorOffset(data, err, c, policyID)
}

func caseError(name string, data []byte, off int, msg string, cause error) error {
	line, col := jsonpos.LineCol(data, off)
	return &caseProblem{problem: rules.Problem{Pos: rules.Position{File: name, Line: line, Column: col}, Message: msg}, cause: cause}
}

// caseErrorMessage is the message for an error about a case in a document that holds just
// that case: an *EventError without the case's id ("event 4 (resumed at 2025-10-09 10:00
// CST): resume without a pause"); other errors keep their text.
func caseErrorMessage(err error) string {
	var ee *EventError
	if errors.As(err, &ee) {
		return ee.Detail()
	}
	return strings.TrimRight(err.Error(), "\n")
}

// caseKeys are the keys of a case document and their types; eventKeys those of an event.
// TestCaseKeysKnowEveryKey keeps them in step with what MarshalJSON writes.
var (
	caseKeys = func() map[string]reflect.Type {
		keys := jsonpos.Fields(reflect.TypeFor[caseWire]())
		// Events are checked one by one against eventKeys; as a member of the case they
		// are only required to be an array.
		keys["events"] = reflect.TypeFor[[]json.RawMessage]()
		return keys
	}()
	eventKeys = jsonpos.Fields(reflect.TypeFor[Event]())
)

// caseFault returns the offset of the first fault the strict case decoder rejects in the
// case document doc: an unknown key, a value of the wrong type or that its own decoder
// refuses, an unsupported schema, an empty id, an event of an unknown type or without a time,
// trailing data; the object's opening brace for a missing schema or id. -1 if none is found.
func caseFault(doc []byte) int {
	start := jsonpos.SkipSpace(doc, 0, "")
	if start < len(doc) && doc[start] != '{' {
		return start
	}
	dec := json.NewDecoder(bytes.NewReader(doc[start:]))
	var whole json.RawMessage
	if err := dec.Decode(&whole); err != nil {
		return -1 // a syntax error; its own offset says where
	}
	if off := caseFaultInside(doc, start); off >= 0 {
		return off // a fault inside the object comes first in the text
	}
	if end := jsonpos.SkipSpace(doc, start+int(dec.InputOffset()), ""); end < len(doc) {
		return end // trailing data after the case's closing brace
	}
	return -1
}

func caseFaultInside(doc []byte, start int) int {
	check := func(key string, v reflect.Value) bool {
		switch key {
		case "schema":
			p := v.Interface().(*int)
			return p != nil && *p >= 1 && *p <= CaseSchemaVersion
		case "id":
			return v.String() != ""
		}
		return true
	}
	if off := jsonpos.MemberFault(doc, start, caseKeys, check); off >= 0 {
		return off
	}
	ms, _ := jsonpos.Members(doc, start)
	has := map[string]bool{}
	for _, m := range ms {
		key := strings.ToLower(m.Key)
		has[key] = true
		if key != "events" {
			continue
		}
		elems, _ := jsonpos.Elements(doc, m.ValOff)
		for _, off := range elems {
			if f := eventFault(doc, off); f >= 0 {
				return f
			}
		}
	}
	if !has["schema"] || !has["id"] {
		return start
	}
	return -1
}

// eventFault is caseFault for the event object at doc[start].
func eventFault(doc []byte, start int) int {
	check := func(key string, v reflect.Value) bool {
		switch key {
		case "type":
			return EventType(v.String()).Valid()
		case "at":
			return !v.Interface().(interface{ IsZero() bool }).IsZero()
		}
		return true
	}
	if off := jsonpos.MemberFault(doc, start, eventKeys, check); off >= 0 {
		return off
	}
	if jsonpos.MemberOffset(doc, start, "type") < 0 || jsonpos.MemberOffset(doc, start, "at") < 0 {
		return start
	}
	return -1
}

// eventOffset returns the offset of the index-th (1-based, as in EventError) element of the
// "events" array of the case document doc, the "events" value when there is no such element,
// or -1.
func eventOffset(doc []byte, index int) int {
	ms, _ := jsonpos.Members(doc, jsonpos.SkipSpace(doc, 0, ""))
	for _, m := range ms {
		if strings.ToLower(m.Key) == "events" {
			elems, _ := jsonpos.Elements(doc, m.ValOff)
			if index >= 1 && index <= len(elems) {
				return elems[index-1]
			}
			return m.ValOff
		}
	}
	return -1
}

// caseErrorOffset is CaseErrorOffset.
func caseErrorOffset(doc []byte, err error, c *Case, policyID string) int {
	start := jsonpos.SkipSpace(doc, 0, "")
	var se *json.SyntaxError
	var ee *EventError
	switch {
	case errors.As(err, &se):
		return jsonpos.Clamp(doc, int(se.Offset)-1)
	case errors.As(err, &ee):
		if off := eventOffset(doc, ee.Index); off >= 0 {
			return off
		}
		return start
	case c != nil && c.ID != "":
		// A decoded case the policy rejects as a whole.
		switch {
		case c.PolicyID != "" && c.PolicyID != policyID:
			if off := jsonpos.MemberOffset(doc, start, "policy"); off >= 0 {
				return off
			}
		case len(c.Events) == 0 || len(c.Events) > MaxEvents:
			if off := jsonpos.MemberOffset(doc, start, "events"); off >= 0 {
				return off
			}
		}
		return start
	}
	if off := caseFault(doc); off >= 0 {
		return off
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return jsonpos.Clamp(doc, int(te.Offset)-1)
	}
	return start
}

// DecodeEvent decodes an event document — one Event in the form it has inside a case, e.g.
// the body of a request that appends an event — named name in positions, as strictly as a
// case: unknown keys, trailing data, invalid UTF-8, an unknown type, a missing time and text
// beyond MaxIDBytes or MaxTextBytes are errors, each a rules.Problem at name:line:column with
// the cause kept. Numbers in Input are json.Number. Whether the event fits a case is Apply's
// question.
func DecodeEvent(name string, data []byte) (Event, error) {
	if !utf8.Valid(data) {
		err := errors.New("invalid UTF-8 (the document must be UTF-8 text)")
		return Event{}, caseError(name, data, invalidUTF8At(data), err.Error(), err)
	}
	var e Event
	err := decodeEvent(data, &e)
	if err == nil {
		return e, nil
	}
	var raw json.RawMessage
	var se *json.SyntaxError
	off := -1
	if serr := json.Unmarshal(data, &raw); errors.As(serr, &se) {
		off = jsonpos.Clamp(data, int(se.Offset)-1)
	} else if off = eventFault(data, jsonpos.SkipSpace(data, 0, "")); off < 0 {
		var re *reasonError
		if errors.As(err, &re) && re.field != "" {
			off = jsonpos.MemberOffset(data, jsonpos.SkipSpace(data, 0, ""), re.field)
		}
		if off < 0 {
			off = jsonpos.SkipSpace(data, 0, "")
		}
	}
	return Event{}, caseError(name, data, off, "sla: event JSON: "+strings.TrimRight(err.Error(), "\n"), err)
}

// decodeEvent is DecodeEvent without positions.
func decodeEvent(data []byte, e *Event) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(e); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the event object")
	}
	switch {
	case !e.Type.Valid():
		return eventFail(ErrEventField, "type", "unknown event type %s", clip.Quote(string(e.Type)))
	case e.At.IsZero():
		return eventFail(ErrEventField, "at", "the event has no time (at)")
	}
	return checkEventText(e)
}
