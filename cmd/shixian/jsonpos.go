package main

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"

	"github.com/shixian-go/shixian/internal/jsonpos"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

// This file places errors in the CLI's own JSON records (classify --cases lines) so that every
// rejected line is reported as file:line:column (the CLI contract). Case documents are placed
// by the library (sla.DecodeCase, Policy.CaseError, sla.CaseErrorOffset), the same way for a
// portal; the JSON walking both use is internal/jsonpos.

// skipJSONSpace is jsonpos.SkipSpace.
func skipJSONSpace(doc []byte, off int, seps string) int { return jsonpos.SkipSpace(doc, off, seps) }

// lineCol is jsonpos.LineCol.
func lineCol(doc []byte, off int) (line, col int) { return jsonpos.LineCol(doc, off) }

// caseErrorOffset is sla.CaseErrorOffset, for the JSON-lines commands.
func caseErrorOffset(doc []byte, err error, c *sla.Case, policyID string) int {
	return sla.CaseErrorOffset(doc, c, policyID, err)
}

// caseErrorText is the message for an error about a case: an sla.EventError reads
// "event 4 (resumed at 2025-10-09 10:00 CST): resume without a pause", prefixed with
// "case ID: " when withID (a JSON-lines file holds many cases); other errors keep their text.
func caseErrorText(err error, withID bool) string {
	var ee *sla.EventError
	if !errors.As(err, &ee) {
		return strings.TrimRight(err.Error(), "\n")
	}
	if withID {
		return ee.Text()
	}
	return ee.Detail()
}

// corpusFields are the keys of a classify --cases line (corpusLine).
var corpusFields = jsonpos.Fields(reflect.TypeFor[corpusLine]())

// corpusLineOffset returns the offset in a classify --cases line that err is about: the
// offending key or value for decoding errors, the "accepted" value for a bad or unusable
// acceptance instant, the input field a rules.FieldError names (else the "input" value). It
// never fails: when nothing more precise is known it points at the line's first byte.
func corpusLineOffset(doc []byte, err error, badAccepted bool) int {
	start := skipJSONSpace(doc, 0, "")
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return jsonpos.Clamp(doc, int(se.Offset)-1)
	}
	if badAccepted {
		if off := jsonpos.MemberOffset(doc, start, "accepted"); off >= 0 {
			return off
		}
		return start
	}
	var fe *rules.FieldError
	if errors.As(err, &fe) {
		if in := jsonpos.MemberOffset(doc, start, "input"); in >= 0 {
			if off := jsonpos.MemberOffset(doc, in, fe.Field); off >= 0 {
				return off
			}
			return in
		}
		return start
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// Unknown keys are allowed in corpus lines (other tools add their own): only the
		// known ones are decoded.
		ms, _ := jsonpos.Members(doc, start)
		for _, m := range ms {
			if t, ok := corpusFields[strings.ToLower(m.Key)]; ok {
				if _, err := jsonpos.DecodeAs(m.Raw, t); err != nil {
					return m.ValOff
				}
			}
		}
		return jsonpos.Clamp(doc, int(te.Offset)-1)
	}
	if off := jsonpos.MemberOffset(doc, start, "accepted"); off >= 0 {
		return off // the policy is not in force, or the calendar ends, at that instant
	}
	return start
}

// lineColumn is the 1-based column, in characters, of byte offset off in one line of a
// JSON-lines file.
func lineColumn(line []byte, off int) int {
	_, col := lineCol(line, off)
	return col
}
