package sla

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zh is n Chinese characters, 3 bytes each in UTF-8.
func zh(n int) string { return strings.Repeat("延", n) }

func TestTextBoundsLeaveRoomForRealText(t *testing.T) {
	assert.Equal(t, 900, len(zh(300)), "a 300-character Chinese reason is 900 bytes")
	assert.Less(t, len(zh(600)), MaxTextBytes, "a reason of 600 Chinese characters fits")
	assert.Less(t, len("C-2025-0001-社保-12345-区人力资源和社会保障局"), MaxIDBytes, "a long work-order number fits")
}

// TestApplyBoundsEventText: each text field of an event beyond its bound, or
// not valid UTF-8, is refused by Apply with an *EventError naming the field;
// the case passed in is unchanged; the same event at the bound is accepted.
func TestApplyBoundsEventText(t *testing.T) {
	p := lcPolicy(t)
	base := lcCase(t, p, "C-1", lcAccepted("2025-10-09 09:00"), lcClassified("2025-10-09 09:00", "T10"))
	tests := []struct {
		name  string
		edit  func(e *Event, s string) // sets the field to s
		start Event
		field string
		limit int
	}{
		{"a pause reason", func(e *Event, s string) { e.Reason = s }, lcPaused("2025-10-09 10:00"), "reason", MaxTextBytes},
		{"a pause note", func(e *Event, s string) { e.Note = s }, lcPaused("2025-10-09 10:00"), "note", MaxTextBytes},
		{"a pause's actor", func(e *Event, s string) { e.Actor = s }, lcPaused("2025-10-09 10:00"), "actor", MaxTextBytes},
		{"a transfer's unit", func(e *Event, s string) { e.Unit = s }, lcTransferred("2025-10-09 10:00", "x"), "unit", MaxTextBytes},
		{"an extension's approver", func(e *Event, s string) { e.Approver = s }, lcExtended("2025-10-09 10:00", 2), "approver", MaxTextBytes},
		{"an extension's reason", func(e *Event, s string) { e.Reason = s }, lcExtended("2025-10-09 10:00", 2), "reason", MaxTextBytes},
		{"a reclassification's rule", func(e *Event, s string) { e.Rule = s }, lcReclassified("2025-10-09 10:00", "T3"), "rule", MaxIDBytes},
	}
	for _, tt := range tests {
		for _, bad := range []struct{ what, s, msg string }{
			{fmt.Sprintf("one byte over its bound of %d", tt.limit), strings.Repeat("x", tt.limit+1), fmt.Sprintf("%s is %d bytes long (at most %d)", tt.field, tt.limit+1, tt.limit)},
			{"1 MiB long", strings.Repeat("x", 1<<20), fmt.Sprintf("%s is %d bytes long (at most %d)", tt.field, 1<<20, tt.limit)},
			{"not valid UTF-8 (a GBK byte pair)", "社保\xc9\xe7", tt.field + " is not valid UTF-8"},
		} {
			t.Run(tt.name+" "+bad.what+" is refused naming "+tt.field+"; at the bound it is accepted", func(t *testing.T) {
				before := lcJSON(t, base)
				e := tt.start
				tt.edit(&e, bad.s)
				got, err := p.Apply(base, e)
				require.Error(t, err)
				var ee *EventError
				require.ErrorAs(t, err, &ee)
				assert.Equal(t, tt.field, ee.Field)
				assert.Equal(t, 3, ee.Index)
				assert.ErrorIs(t, err, ErrEventField)
				assert.Contains(t, err.Error(), "event 3 ("+string(e.Type)+" at 2025-10-09 10:00 CST): "+bad.msg)
				assert.Equal(t, before, lcJSON(t, got), "the case returned is the case passed in")
				assert.Equal(t, before, lcJSON(t, base), "the case passed in is unchanged")

				at := strings.Repeat("x", tt.limit)
				if tt.limit == MaxTextBytes {
					at = zh(tt.limit/3) + strings.Repeat("x", tt.limit%3) // multi-byte text exactly at the bound
				}
				require.Len(t, at, tt.limit)
				tt.edit(&e, at)
				_, err = p.Apply(base, e)
				assert.NoError(t, err)
			})
		}
	}
	t.Run("a classification tier of 129 bytes is refused naming tier before it is looked up", func(t *testing.T) {
		c := lcCase(t, p, "C-2", lcAccepted("2025-10-09 09:00"))
		_, err := p.Apply(c, lcClassified("2025-10-09 09:00", strings.Repeat("T", MaxIDBytes+1)))
		var ee *EventError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, "tier", ee.Field)
		assert.Contains(t, err.Error(), "tier is 129 bytes long (at most 128)")
	})
}

// TestApplyBoundsCaseText: the case's own fields beyond their bounds are
// refused by Apply and Validate, naming the field and never printing an
// over-long id.
func TestApplyBoundsCaseText(t *testing.T) {
	p := lcPolicy(t)
	good := lcCase(t, p, "C-1", lcAccepted("2025-10-09 09:00"))
	many := map[string]string{}
	for i := range MaxAttributes + 1 {
		many[fmt.Sprintf("k%02d", i)] = "v"
	}
	longID := strings.Repeat("9", MaxIDBytes+1)
	tests := []struct {
		name string
		edit func(c *Case)
		want string
	}{
		{"an id of 129 bytes is refused without printing it", func(c *Case) { c.ID = longID }, "sla: case id is 129 bytes long (at most 128)"},
		{"an id with a byte that is not UTF-8 is refused", func(c *Case) { c.ID = "C-\xff" }, "sla: case id is not valid UTF-8"},
		{"a handler of 1 MiB is refused naming handler", func(c *Case) { c.Handler = strings.Repeat("张", 1<<20/3) }, "sla: case C-1: handler is 1048575 bytes long (at most 2048)"},
		{"a department not valid UTF-8 is refused naming department", func(c *Case) { c.Department = "\xd5\xc5" }, "sla: case C-1: department is not valid UTF-8"},
		{"65 attributes are refused", func(c *Case) { c.Attributes = many }, "sla: case C-1 has 65 attributes (at most 64)"},
		{"an attribute value of 2,049 bytes is refused naming the attribute", func(c *Case) {
			c.Attributes = map[string]string{"a": "ok", "channel": strings.Repeat("x", MaxTextBytes+1)}
		}, `sla: case C-1: attribute "channel" is 2049 bytes long (at most 2048)`},
		{"an attribute key of 129 bytes is refused without printing it", func(c *Case) {
			c.Attributes = map[string]string{strings.Repeat("k", MaxIDBytes+1): "v"}
		}, "sla: case C-1: an attribute key is 129 bytes long (at most 128)"},
		{"an attribute key not valid UTF-8 is refused, quoted", func(c *Case) {
			c.Attributes = map[string]string{"k\xff": "v"}
		}, `sla: case C-1: attribute key "k\xff" is not valid UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good.Clone()
			tt.edit(&c)
			before := lcJSON(t, c)
			got, err := p.Apply(c, lcClassified("2025-10-09 09:00", "T3"))
			require.EqualError(t, err, tt.want)
			assert.Equal(t, before, lcJSON(t, got))
			assert.EqualError(t, p.Validate(c), tt.want)
		})
	}
}

func TestAcceptBoundsID(t *testing.T) {
	p := lcPolicy(t)
	for _, tt := range []struct{ name, id, want string }{
		{"an id of 129 bytes is refused before classification", strings.Repeat("A", MaxIDBytes+1), "sla: accept: case id is 129 bytes long (at most 128)"},
		{"an id that is not valid UTF-8 is refused, not replaced", "C-\xe4\xb8", "sla: accept: case id is not valid UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := p.Accept(tt.id, map[string]any{"cause": "complex"}, lcT("2025-10-09 09:00"))
			assert.EqualError(t, err, tt.want)
		})
	}
	_, _, err := p.Accept(strings.Repeat("A", MaxIDBytes), map[string]any{"cause": "complex"}, lcT("2025-10-09 09:00"))
	assert.NoError(t, err, "an id of exactly 128 bytes is accepted")
}

// textCaseJSON is a valid case in JSON with the given replacements made.
func textCaseJSON(repl ...string) string {
	s := `{"schema":1,"id":"C-1","department":"D","handler":"H","attributes":{"channel":"web"},"events":[` +
		`{"type":"accepted","at":"2025-10-09T09:00:00+08:00"},` +
		`{"type":"classified","at":"2025-10-09T09:00:00+08:00","tier":"T10","rule":"R","reason":"r"},` +
		`{"type":"paused","at":"2025-10-09T10:00:00+08:00","reason":"检验检测","note":"N","actor":"A"}]}`
	return strings.NewReplacer(repl...).Replace(s)
}

// TestUnmarshalJSONBoundsText: text beyond its bound or not valid UTF-8 is
// refused at decoding, event fields with an *EventError naming the field;
// the case decoded into is unchanged.
func TestUnmarshalJSONBoundsText(t *testing.T) {
	long := strings.Repeat("x", MaxTextBytes+1)
	longID := strings.Repeat("x", MaxIDBytes+1)
	var attrs []string
	for i := range MaxAttributes + 1 {
		attrs = append(attrs, fmt.Sprintf(`"k%d":"v"`, i))
	}
	tests := []struct {
		name  string
		json  string
		want  string
		field string // the *EventError's Field, "" for an error of the case
	}{
		{"an id of 129 bytes", textCaseJSON(`"id":"C-1"`, `"id":"`+longID+`"`), "sla: case id is 129 bytes long (at most 128)", ""},
		{"a policy id of 129 bytes", textCaseJSON(`"schema":1,`, `"schema":1,"policy":"`+longID+`",`), "sla: case C-1: policy is 129 bytes long (at most 128)", ""},
		{"a department of 2,049 bytes", textCaseJSON(`"department":"D"`, `"department":"`+long+`"`), "sla: case C-1: department is 2049 bytes long (at most 2048)", ""},
		{"a handler of 2,049 bytes", textCaseJSON(`"handler":"H"`, `"handler":"`+long+`"`), "sla: case C-1: handler is 2049 bytes long (at most 2048)", ""},
		{"an attribute value of 2,049 bytes", textCaseJSON(`"web"`, `"`+long+`"`), `sla: case C-1: attribute "channel" is 2049 bytes long (at most 2048)`, ""},
		{"65 attributes", textCaseJSON(`"channel":"web"`, strings.Join(attrs, ",")), "sla: case C-1 has 65 attributes (at most 64)", ""},
		{"a raw byte that is not UTF-8 in the handler (encoding/json would make it U+FFFD)", textCaseJSON(`"handler":"H`, "\"handler\":\"H\xff"), "sla: case JSON is not valid UTF-8 (at byte 52)", ""},
		{"a raw byte that is not UTF-8 in a reason", textCaseJSON(`检验检测`, "检验\xe6\xa3"), "sla: case JSON is not valid UTF-8", ""},
		{"an event reason of 2,049 bytes", textCaseJSON(`"reason":"检验检测"`, `"reason":"`+long+`"`), "sla: case C-1: event 3 (paused at 2025-10-09 10:00 +0800): reason is 2049 bytes long (at most 2048)", "reason"},
		{"an event note of 2,049 bytes", textCaseJSON(`"note":"N"`, `"note":"`+long+`"`), "event 3 (paused at 2025-10-09 10:00 +0800): note is 2049 bytes long", "note"},
		{"an event actor of 2,049 bytes", textCaseJSON(`"actor":"A"`, `"actor":"`+long+`"`), "actor is 2049 bytes long", "actor"},
		{"an event rule of 129 bytes", textCaseJSON(`"rule":"R"`, `"rule":"`+longID+`"`), "event 2 (classified at 2025-10-09 09:00 +0800): rule is 129 bytes long (at most 128)", "rule"},
		{"an event tier of 129 bytes", textCaseJSON(`"tier":"T10"`, `"tier":"`+longID+`"`), "tier is 129 bytes long (at most 128)", "tier"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused at decoding", func(t *testing.T) {
			keep := Case{ID: "keep", Handler: "h"}
			c := keep
			err := json.Unmarshal([]byte(tt.json), &c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Equal(t, keep, c, "unchanged on error")
			var ee *EventError
			if tt.field != "" {
				require.True(t, errors.As(err, &ee), "an *EventError: %v", err)
				assert.Equal(t, tt.field, ee.Field)
				assert.ErrorIs(t, err, ErrEventField)
			} else {
				assert.False(t, errors.As(err, &ee))
			}
		})
	}
	t.Run("the unedited case and text exactly at the bounds decode", func(t *testing.T) {
		var c Case
		require.NoError(t, json.Unmarshal([]byte(textCaseJSON()), &c))
		at := zh(MaxTextBytes/3) + strings.Repeat("x", MaxTextBytes%3)
		require.NoError(t, json.Unmarshal([]byte(textCaseJSON(`"handler":"H"`, `"handler":"`+at+`"`, `"reason":"检验检测"`, `"reason":"`+at+`"`, `"id":"C-1"`, `"id":"`+strings.Repeat("x", MaxIDBytes)+`"`)), &c))
		assert.Equal(t, at, c.Handler)
		assert.Equal(t, at, c.Events[2].Reason)
	})
}

// TestReporterRefusesUnboundedText: a report grouped by handler over 300
// cases with 1 MiB handler names does not hold 300 MiB: each case is refused
// and the Reporter is left as it was.
func TestReporterRefusesUnboundedText(t *testing.T) {
	p := Default()
	r, err := p.NewReporter(weekOpts(GroupByHandler, BucketAccepted))
	require.NoError(t, err)
	empty := r.Report()
	for i := range 300 {
		c := mkCase(fmt.Sprintf("C%03d", i), "社保科", strings.Repeat("李", 1<<20/3), "window",
			evAccepted("2025-09-30 17:00"), evClassified("T1", "2025-09-30 17:00"))
		err := r.Add(c)
		require.EqualError(t, err, fmt.Sprintf("sla: report: case C%03d: handler is 1048575 bytes long (at most 2048)", i))
	}
	assert.Equal(t, empty, r.Report(), "nothing was counted or kept")

	for _, tt := range []struct {
		name string
		c    Case
		want string
	}{
		{"a case whose latest transfer names a unit of 2,049 bytes is refused", mkCase("U1", "社保科", "李强", "window",
			evAccepted("2025-09-30 17:00"), evClassified("T1", "2025-09-30 17:00"), evTransferred(strings.Repeat("x", MaxTextBytes+1), "2025-09-30 17:30")),
			"sla: report: case U1: unit is 2049 bytes long (at most 2048)"},
		{"a case with an id of 1 MiB is refused without printing the id", mkCase(strings.Repeat("9", 1<<20), "社保科", "李强", "window",
			evAccepted("2025-09-30 17:00"), evClassified("T1", "2025-09-30 17:00")),
			"sla: report: case id is 1048576 bytes long (at most 128)"},
		{"a case whose attribute is not valid UTF-8 is refused", mkCase("U2", "社保科", "李强", "\xff",
			evAccepted("2025-09-30 17:00"), evClassified("T1", "2025-09-30 17:00")),
			`sla: report: case U2: attribute "channel" is not valid UTF-8`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.EqualError(t, r.Add(tt.c), tt.want)
			assert.Equal(t, empty, r.Report())
		})
	}
	t.Run("a case outside the period is skipped, not checked", func(t *testing.T) {
		c := mkCase("OUT", "社保科", strings.Repeat("李", 1<<20/3), "window",
			evAccepted("2025-09-20 17:00"), evClassified("T1", "2025-09-20 17:00"))
		require.NoError(t, r.Add(c))
		assert.Equal(t, 1, r.Report().Skipped)
	})
}

func TestAnUnknownEventTypeIsQuotedShortInErrors(t *testing.T) {
	p := Default()
	accepted := time.Date(2025, 9, 30, 10, 0, 0, 0, p.Calendar().Location())
	c, _, err := p.Accept("C-type", map[string]any{"cause": "complex"}, accepted)
	require.NoError(t, err)

	// A client that sends a megabyte of garbage as the event type gets an
	// error of a line, not a megabyte of message.
	garbage := strings.Repeat("垃", 400_000)
	_, err = p.Apply(c, Event{Type: EventType(garbage), At: accepted.Add(time.Hour)})
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 400)
	assert.Contains(t, err.Error(), "… (1200000 bytes)")

	var back Case
	data := []byte(`{"schema":1,"id":"C-json","events":[{"type":"` + garbage + `","at":"2025-09-30T10:00:00+08:00"}]}`)
	err = json.Unmarshal(data, &back)
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 400)
}
