package sla

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/internal/golden"
	"github.com/shixian-go/shixian/internal/wireschema"
	"github.com/shixian-go/shixian/sla/deadline"
)

// wireScenario is a case at an instant whose JSON the wire format tests pin.
type wireScenario struct {
	name   string
	policy []string // YAML replacements on top of lcPolicy
	events []Event
	now    string
}

// wireScenarios cover every state and every optional key of a status: targets met and
// overdue, a suspended deadline, a late extension (judged_due before due), a provisional
// deadline, an hour-based tier (durations), a second cycle.
var wireScenarios = []wireScenario{
	{"unclassified: accepted, no tier yet", nil, lcEv(lcAccepted("2025-10-13 10:00")), "2025-10-13 12:00"},
	{"on track across National Day", nil, lcNationalDay, "2025-10-09 10:00"},
	{"warning, transferred and signed for (targets met and overdue)", nil,
		append(lcEv(), append(lcNationalDay, lcTransferred("2025-09-30 17:20", "劳动监察大队"), lcSigned("2025-10-09 09:30", "劳动监察大队"))...), "2025-10-11 10:00"},
	{"overdue by one working day", nil, lcNationalDay, "2025-10-13 09:00"},
	{"paused: the deadline is suspended", nil, append(lcEv(), append(lcNationalDay, lcPaused("2025-10-09 10:00"))...), "2025-10-10 10:00"},
	{"closed on time", nil, append(lcEv(), append(lcNationalDay, lcClosed("2025-10-10 09:00"))...), "2025-10-20 10:00"},
	{"closed late by two working days", nil, append(lcEv(), append(lcNationalDay, lcClosed("2025-10-14 10:00"))...), "2025-10-20 10:00"},
	{"a late extension: judged by the deadline without it", lcOverdueExt,
		append(lcEv(), append(lcNationalDay, lcExtended("2025-10-13 09:00", 5))...), "2025-10-14 10:00"},
	{"provisional: the deadline counts days of an unverified year", []string{"limit: 10 workdays\n", "limit: 20 workdays\n"},
		lcEv(lcAccepted("2026-12-21 10:00"), lcClassified("2026-12-21 10:00", "T10")), "2026-12-22 10:00"},
	{"an hour-based tier, overdue by working hours", []string{"limit: 1 workday\n", "limit: 4 workhours\n"},
		lcEv(lcAccepted("2025-10-13 10:00"), lcClassified("2025-10-13 10:00", "T1")), "2025-10-14 09:30"},
	{"reopened after a late close: cycle 2, ever late", nil,
		append(lcEv(), append(lcNationalDay, lcClosed("2025-10-14 10:00"), lcVisited("2025-10-15 10:00", false), lcReopened("2025-10-15 11:00"))...), "2025-10-16 10:00"},
}

// wireRun builds the case of sc and its status.
func wireRun(t testing.TB, sc wireScenario) (*Policy, Case, Status) {
	t.Helper()
	p := lcPolicy(t, sc.policy...)
	c := lcCase(t, p, "C-1", sc.events...)
	st, err := p.StatusAt(c, lcT(sc.now))
	require.NoError(t, err)
	return p, c, st
}

// wireDeadlines are deadlines whose JSON the tests pin: working days with days listed, a
// suspended one, an hour-based one, a provisional one.
func wireDeadlines(t testing.TB) map[string]deadline.Deadline {
	t.Helper()
	p := lcPolicy(t)
	out := map[string]deadline.Deadline{}
	add := func(name string, r deadline.Request) {
		r.Explain = true // the days counted and skipped are part of the wire format
		d, err := p.Counter().Deadline(r)
		require.NoError(t, err, name)
		out[name] = d
	}
	add("3 workdays across National Day", deadline.Request{Start: lcT("2025-09-30 17:00"), Period: deadline.Period{Count: 3, Unit: deadline.Workdays}})
	add("3 workdays with a closed pause and an extension", deadline.Request{Start: lcT("2025-09-30 17:00"), Period: deadline.Period{Count: 3, Unit: deadline.Workdays},
		Pauses: []deadline.Pause{{Start: lcT("2025-10-09 10:00"), End: lcT("2025-10-13 09:00"), Reason: "专家评审"}}, Extensions: []deadline.Period{{Count: 5, Unit: deadline.Workdays}}})
	add("suspended by an open pause", deadline.Request{Start: lcT("2025-09-30 17:00"), Period: deadline.Period{Count: 3, Unit: deadline.Workdays},
		Pauses: []deadline.Pause{{Start: lcT("2025-10-09 10:00"), Reason: "检验检测"}}})
	add("4 workhours", deadline.Request{Start: lcT("2025-10-13 10:00"), Period: deadline.Period{Count: 4, Unit: deadline.Workhours}})
	add("20 workdays into an unverified year", deadline.Request{Start: lcT("2026-12-21 10:00"), Period: deadline.Period{Count: 20, Unit: deadline.Workdays}})
	return out
}

func TestStatusJSONGolden(t *testing.T) {
	// The wire format of a status is a contract with portals and their clients: these statuses
	// cover every state and every optional key, and any change to their JSON shows here.
	var out bytes.Buffer
	for _, sc := range wireScenarios {
		_, _, st := wireRun(t, sc)
		b, err := json.MarshalIndent(st, "", "  ")
		require.NoError(t, err, sc.name)
		out.WriteString("# " + sc.name + "\n")
		out.Write(b)
		out.WriteString("\n")
	}
	golden.Assert(t, "testdata/wire/statuses.golden", out.Bytes())
}

func TestDeadlineJSONGolden(t *testing.T) {
	ds := wireDeadlines(t)
	var out bytes.Buffer
	for _, name := range []string{"3 workdays across National Day", "3 workdays with a closed pause and an extension",
		"suspended by an open pause", "4 workhours", "20 workdays into an unverified year"} {
		b, err := json.MarshalIndent(ds[name], "", "  ")
		require.NoError(t, err, name)
		out.WriteString("# " + name + "\n")
		out.Write(b)
		out.WriteString("\n")
	}
	golden.Assert(t, "testdata/wire/deadlines.golden", out.Bytes())
}

func TestStatusJSONCoversTheScenarios(t *testing.T) {
	// The scenarios must really show what they are named after, or the golden file and the
	// schema test would pin less than they claim.
	got := map[State]bool{}
	var suspended, late, provisional, hours, cycle2 bool
	for _, sc := range wireScenarios {
		_, _, st := wireRun(t, sc)
		got[st.State] = true
		suspended = suspended || (st.Paused && st.Due.IsZero())
		late = late || (!st.JudgedDue.IsZero() && !st.JudgedDue.Equal(st.Due))
		provisional = provisional || st.Provisional
		hours = hours || st.OverdueDuration > 0
		cycle2 = cycle2 || st.Cycle == 2
	}
	for _, s := range states {
		assert.True(t, got[s], "a scenario in state %s", s)
	}
	assert.True(t, suspended && late && provisional && hours && cycle2, "suspended %v, late extension %v, provisional %v, hours %v, cycle 2 %v",
		suspended, late, provisional, hours, cycle2)
}

func TestStatusJSONRoundTrip(t *testing.T) {
	for _, sc := range wireScenarios {
		t.Run(sc.name, func(t *testing.T) {
			_, _, st := wireRun(t, sc)
			b, err := json.Marshal(st)
			require.NoError(t, err)
			var back Status
			require.NoError(t, json.Unmarshal(b, &back))
			again, err := json.Marshal(back)
			require.NoError(t, err)
			assert.Equal(t, string(b), string(again), "what is read back writes the same JSON")
			// Instants come back in a fixed +08:00 zone rather than the calendar's location:
			// the same instants, compared with Equal.
			assert.True(t, back.At.Equal(st.At) && back.Due.Equal(st.Due) && back.LastDay.Equal(st.LastDay) &&
				back.JudgedDue.Equal(st.JudgedDue) && back.JudgedLastDay.Equal(st.JudgedLastDay) &&
				back.Closed.Equal(st.Closed) && back.PausedSince.Equal(st.PausedSince), "instants and dates read back")
			assert.Equal(t, st.RemainingDuration, back.RemainingDuration)
			assert.Equal(t, st.OverdueDuration, back.OverdueDuration)
			require.Len(t, back.Targets, len(st.Targets))
			for i := range st.Targets {
				assert.True(t, st.Targets[i].LastDay.Equal(back.Targets[i].LastDay), "target %d last day", i)
			}
		})
	}
}

func TestDeadlineJSONRoundTrip(t *testing.T) {
	for name, d := range wireDeadlines(t) {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(d)
			require.NoError(t, err)
			var back deadline.Deadline
			require.NoError(t, json.Unmarshal(b, &back))
			again, err := json.Marshal(back)
			require.NoError(t, err)
			assert.Equal(t, string(b), string(again), "what is read back writes the same JSON")
			assert.True(t, back.Due.Equal(d.Due) && back.LastDay.Equal(d.LastDay) && back.CountFrom.Equal(d.CountFrom), "instants and dates read back")
			assert.Equal(t, d.Period, back.Period)
			assert.Equal(t, len(d.Counted), len(back.Counted))
		})
	}
}

func TestStatusJSONInstantsCarryTheCalendarOffset(t *testing.T) {
	// Statuses are computed in the calendar's location whatever the zone of the events, so a
	// case recorded in UTC still answers in +08:00.
	p := lcPolicy(t)
	c := lcCase(t, p, "C-UTC", Event{Type: EventAccepted, At: lcT("2025-09-30 17:00").UTC()},
		Event{Type: EventClassified, At: lcT("2025-09-30 17:00").UTC(), Tier: "T3"})
	st, err := p.StatusAt(c, lcT("2025-10-09 10:00").UTC())
	require.NoError(t, err)
	b, err := json.Marshal(st)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"at":"2025-10-09T10:00:00+08:00"`)
	assert.Contains(t, string(b), `"due":"2025-10-12T00:00:00+08:00"`)
	assert.NotContains(t, string(b), `Z"`)
}

func TestStatusUnmarshalRefuses(t *testing.T) {
	_, _, st := wireRun(t, wireScenarios[2])
	good, err := json.Marshal(st)
	require.NoError(t, err)
	edit := func(old, new string) string {
		require.Contains(t, string(good), old)
		return strings.Replace(string(good), old, new, 1)
	}
	tests := []struct{ name, in, want string }{
		{"an unknown key is refused, not dropped", edit(`"cycle":1`, `"cycle":1,"remaining":"1h"`), `unknown field "remaining"`},
		{"a second object after the status is refused", string(good) + "{}", "unexpected data after the object"},
		{"a state that is not one of the seven", edit(`"state":"warning"`, `"state":"amber"`), `state "amber" is not a state`},
		{"a target state that is not a state", edit(`"state":"closed_on_time"`, `"state":"done"`), `targets[0].state: "done" is not a state`},
		{"done_by that is not an event type", edit(`"done_by":"signed_for"`, `"done_by":"signed"`), `targets[0].done_by: "signed" is not an event type`},
		{"an instant without an offset", edit(`"at":"2025-10-11T10:00:00+08:00"`, `"at":"2025-10-11T10:00:00"`), `at: "2025-10-11T10:00:00" is not an RFC 3339 instant`},
		{"a date that is not YYYY-MM-DD", edit(`"last_day":"2025-10-11"`, `"last_day":"2025/10/11"`), `last_day: "2025/10/11" is not a date`},
		{"a negative duration", edit(`"overdue_seconds":0`, `"overdue_seconds":-1`), "overdue_seconds: -1 seconds is out of range"},
		{"seconds beyond a time.Duration", edit(`"overdue_seconds":0`, `"overdue_seconds":9223372036854775807`), "out of range"},
		{"a negative count", edit(`"remaining_days":0`, `"remaining_days":-3`), "remaining_days: -3 is negative"},
		{"no case_id", edit(`"case_id":"C-1",`, ``), "no case_id"},
		{"no state", edit(`"state":"warning",`, ``), `state "" is not a state`},
		{"a number where text belongs", edit(`"tier":"T3"`, `"tier":3`), "cannot unmarshal number"},
		{"invalid UTF-8 is refused, not replaced", edit(`"label":"`, "\"label\":\"\xff"), "not valid UTF-8"},
		{"a huge unknown state is quoted cut short", edit(`"state":"warning"`, `"state":"`+strings.Repeat("x", 10000)+`"`), "(10000 bytes)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := st
			got := before
			// Called directly: json.Unmarshal would refuse trailing data before the method ran.
			err := got.UnmarshalJSON([]byte(tc.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "sla: status JSON: "), err.Error())
			assert.Less(t, len(err.Error()), 300, "the error does not echo the input whole")
			assert.Equal(t, before, got, "on error the status is unchanged")
		})
	}
}

func TestDeadlineUnmarshalRefuses(t *testing.T) {
	d := wireDeadlines(t)["3 workdays across National Day"]
	good, err := json.Marshal(d)
	require.NoError(t, err)
	edit := func(old, new string) string {
		require.Contains(t, string(good), old)
		return strings.Replace(string(good), old, new, 1)
	}
	tests := []struct{ name, in, want string }{
		{"an unknown key", edit(`"suspended":false`, `"suspended":false,"x":1`), `unknown field "x"`},
		{"a period that is not one", edit(`"period":"3 workdays"`, `"period":"3 weeks"`), "3 weeks"},
		{"no period", edit(`"period":"3 workdays",`, ``), "no period"},
		{"no start", edit(`"start":"2025-09-30T17:00:00+08:00",`, ``), "no start"},
		{"an unknown certainty", edit(`"certainty":"official","excluded"`, `"certainty":"sure","excluded"`), `certainty: "sure" is not official`},
		{"an unknown day kind", edit(`"kind":"holiday"`, `"kind":"party"`), `skipped[0].kind: "party" is not workday`},
		{"an unknown end of day", edit(`"end_of_day":"24:00"`, `"end_of_day":"noon"`), "noon"},
		{"a negative count", edit(`"excluded":0`, `"excluded":-1`), "excluded: -1 is negative"},
		{"trailing data", string(good) + "[]", "unexpected data after the object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := d
			err := got.UnmarshalJSON([]byte(tc.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, d, got, "on error the deadline is unchanged")
		})
	}
}

// wireSchema returns the validator of one definition of the wire format's JSON Schema.
func wireSchema(t testing.TB, def string) *jsonschema.Schema {
	t.Helper()
	s, err := wireschema.Compile("schema/shixian-v1.schema.json", def)
	require.NoError(t, err)
	return s
}

func TestSchemaAcceptsWhatTheLibraryWrites(t *testing.T) {
	// A portal written in another language validates against the schema file: everything the
	// library writes must pass, cases and events of every scenario, their statuses, deadlines.
	caseSchema, eventSchema, statusSchema, deadlineSchema := wireSchema(t, "Case"), wireSchema(t, "Event"), wireSchema(t, "Status"), wireSchema(t, "Deadline")
	full := lcFullCase(t, lcPolicy(t))
	cases := []Case{full}
	for _, sc := range wireScenarios {
		_, c, st := wireRun(t, sc)
		cases = append(cases, c)
		b, err := json.Marshal(st)
		require.NoError(t, err)
		assert.NoError(t, wireschema.Validate(statusSchema, b), "status of %q: %s", sc.name, b)
	}
	p := lcPolicy(t)
	for _, c := range append(cases, full) {
		for _, at := range []string{"2025-10-13 09:00", "2025-10-30 12:00"} {
			if st, err := p.StatusAt(c, lcT(at)); err == nil {
				b, err := json.Marshal(st)
				require.NoError(t, err)
				assert.NoError(t, wireschema.Validate(statusSchema, b), "status of %s at %s", c.ID, at)
			}
		}
	}
	for _, c := range cases {
		b, err := json.Marshal(c)
		require.NoError(t, err)
		assert.NoError(t, wireschema.Validate(caseSchema, b), "case %s: %s", c.ID, b)
		for i, e := range c.Events {
			b, err := json.Marshal(e)
			require.NoError(t, err)
			assert.NoError(t, wireschema.Validate(eventSchema, b), "event %d of case %s: %s", i+1, c.ID, b)
		}
	}
	for name, d := range wireDeadlines(t) {
		b, err := json.Marshal(d)
		require.NoError(t, err)
		assert.NoError(t, wireschema.Validate(deadlineSchema, b), "deadline %q: %s", name, b)
	}
}

func TestSchemaRefusesWrongDocuments(t *testing.T) {
	// The schema must be able to fail: each document is what the library writes with one
	// fault put in, and each fault is one the library's own decoder refuses too.
	_, c, st := wireRun(t, wireScenarios[2])
	statusJSON, err := json.Marshal(st)
	require.NoError(t, err)
	caseJSON, err := json.Marshal(c)
	require.NoError(t, err)
	deadlineJSON, err := json.Marshal(wireDeadlines(t)["3 workdays across National Day"])
	require.NoError(t, err)
	edit := func(doc []byte, old, new string) []byte {
		require.Contains(t, string(doc), old)
		return []byte(strings.Replace(string(doc), old, new, 1))
	}
	tests := []struct {
		name string
		def  string
		doc  []byte
		into any // the library's decoder, which must refuse it as well (nil: not applicable)
	}{
		{"a status with an unknown state", "Status", edit(statusJSON, `"state":"warning"`, `"state":"amber"`), &Status{}},
		{"a status with an unknown key", "Status", edit(statusJSON, `"cycle":1`, `"cycle":1,"remaining":"1h"`), &Status{}},
		{"a status without case_id", "Status", edit(statusJSON, `"case_id":"C-1",`, ``), &Status{}},
		{"a status whose instant has no offset", "Status", edit(statusJSON, `"at":"2025-10-11T10:00:00+08:00"`, `"at":"2025-10-11 10:00"`), &Status{}},
		{"a status with a negative duration", "Status", edit(statusJSON, `"overdue_seconds":0`, `"overdue_seconds":-5`), &Status{}},
		{"a status with a date that is not a date", "Status", edit(statusJSON, `"last_day":"2025-10-11"`, `"last_day":"2025-13-11"`), &Status{}},
		{"a status with durations as Go text", "Status", edit(statusJSON, `"overdue_seconds":0`, `"overdue_seconds":"1h30m"`), &Status{}},
		{"a case of schema 2", "Case", edit(caseJSON, `"schema":1`, `"schema":2`), &Case{}},
		{"a case with an empty id", "Case", edit(caseJSON, `"id":"C-1"`, `"id":""`), &Case{}},
		{"a case with an event of an unknown type", "Case", edit(caseJSON, `"type":"transferred"`, `"type":"sent"`), &Case{}},
		{"a case whose event has no time", "Case", edit(caseJSON, `"type":"transferred","at":"2025-09-30T17:20:00+08:00"`, `"type":"transferred"`), &Case{}},
		{"a case with an unknown key", "Case", edit(caseJSON, `"schema":1`, `"schema":1,"owner":"x"`), &Case{}},
		{"a classified event without a tier", "Event", []byte(`{"type":"classified","at":"2025-09-30T17:00:00+08:00"}`), nil},
		{"a paused event with a unit (a field of another type)", "Event", []byte(`{"type":"paused","at":"2025-09-30T17:00:00+08:00","reason":"x","unit":"y"}`), nil},
		{"an extension whose length is not a period", "Event", []byte(`{"type":"extended","at":"2025-09-30T17:00:00+08:00","reason":"x","approver":"y","length":"ten days"}`), nil},
		{"a deadline with an unknown certainty", "Deadline", edit(deadlineJSON, `"certainty":"official","excluded"`, `"certainty":"sure","excluded"`), &deadline.Deadline{}},
		{"a deadline with a due but no last day", "Deadline", edit(deadlineJSON, `"last_day":"2025-10-11",`, ``), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Error(t, wireschema.Validate(wireSchema(t, tc.def), tc.doc), "the schema refuses it")
			if tc.into != nil {
				assert.Error(t, json.Unmarshal(tc.doc, tc.into), "the library refuses it too")
			}
		})
	}
}

func FuzzStatusJSON(f *testing.F) {
	// Whatever a status decoder accepts it writes back, and reads again to the same JSON: the
	// reader and the writer agree, and no input panics.
	for _, sc := range wireScenarios {
		_, _, st := wireRun(f, sc)
		b, err := json.Marshal(st)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"case_id":"x","at":"2025-01-01T00:00:00Z","state":"on_track","overdue_seconds":-1}`))
	// The closed loop's fields: open pauses, levels reached, supervisions, a rating; a counts_as
	// that is no word and an instant that is no instant.
	f.Add([]byte(`{"case_id":"x","at":"2025-01-01T00:00:00Z","state":"paused","paused":true,"open_pauses":[{"pause":"a","reason":"专家评审","code":"expert_review","counts_as":"excluded","since":"2025-01-01T00:00:00Z"}],"supervision":[{"id":"s","label":"督办","by":"科长","at":"2025-01-01T00:00:00Z"}],"supervised":[{"level":"s","by":"b","at":"2025-01-01T00:00:00Z","note":"n"}],"rating":"不满意","reopen_required":true}`))
	f.Add([]byte(`{"case_id":"x","at":"2025-01-01T00:00:00Z","state":"paused","open_pauses":[{"reason":"r","counts_as":"later","since":"yesterday"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var st Status
		if json.Unmarshal(data, &st) != nil {
			return
		}
		b, err := json.Marshal(st)
		require.NoError(t, err)
		var back Status
		require.NoError(t, json.Unmarshal(b, &back), "%s", b)
		again, err := json.Marshal(back)
		require.NoError(t, err)
		assert.Equal(t, string(b), string(again))
	})
}

func FuzzDeadlineJSON(f *testing.F) {
	for _, d := range wireDeadlines(f) {
		b, err := json.Marshal(d)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"start":"2025-01-01T00:00:00+08:00","period":"1 workday","certainty":"official","end_of_day":"24:00"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d deadline.Deadline
		if json.Unmarshal(data, &d) != nil {
			return
		}
		b, err := json.Marshal(d)
		require.NoError(t, err)
		var back deadline.Deadline
		require.NoError(t, json.Unmarshal(b, &back), "%s", b)
		again, err := json.Marshal(back)
		require.NoError(t, err)
		assert.Equal(t, string(b), string(again))
	})
}
