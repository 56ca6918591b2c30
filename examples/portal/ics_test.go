package main

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
)

// createFor creates a case with its unit and handler and requires 201.
func (e *env) createFor(id, accepted, cause, department, handler string) {
	e.t.Helper()
	code, out := e.callJSON("POST", "/cases", map[string]any{"id": id, "accepted": accepted,
		"input": map[string]any{"cause": cause}, "department": department, "handler": handler})
	require.Equal(e.t, http.StatusCreated, code, "%v", out)
}

// calendarCases fills a portal with the cases of the calendar tests: for 王芳 a T1 case and a
// T3 case whose id holds the characters iCalendar text must escape, both open; a closed case
// and a paused one; and one case of another handler.
func calendarCases(t *testing.T) *env {
	e := newEnv(t, tempDB(t), nil)
	e.createFor("C-1", "2025-09-30T17:00:00+08:00", "incomplete_materials", "劳动监察科", "王芳")
	e.createFor(`C-2,甲;乙\丙`, "2025-09-30T17:00:00+08:00", "complex", "劳动监察科", "王芳")
	e.createFor("C-3", "2025-09-30T17:00:00+08:00", "complex", "劳动监察科", "王芳")
	e.mustEvent("C-3", map[string]any{"type": "closed", "at": "2025-10-09T07:00:00+08:00"})
	e.createFor("C-5", "2025-09-30T17:00:00+08:00", "historical_legacy", "社保科", "王芳")
	e.mustEvent("C-5", map[string]any{"type": "paused", "at": "2025-10-09T07:00:00+08:00", "reason": "专家评审"})
	e.createFor("C-4", "2025-09-30T17:00:00+08:00", "complex", "社保科", "李强")
	return e
}

// fetchICS gets a calendar and requires 200 with the iCalendar media type.
func (e *env) fetchICS(path string) []byte {
	e.t.Helper()
	code, body := e.call("GET", path, nil, "")
	require.Equal(e.t, http.StatusOK, code, "%s", body)
	return body
}

// parseICS decodes a calendar with a real iCalendar parser and re-encodes it, which checks the
// properties each component must carry exactly once (PRODID, VERSION, UID, DTSTAMP) and at
// most once; it returns the events by UID.
func parseICS(t *testing.T, data []byte) (*ical.Calendar, map[string]ical.Event) {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	require.NoError(t, err, "the calendar parses")
	require.NoError(t, ical.NewEncoder(io.Discard).Encode(cal), "and has what RFC 5545 requires of each component")
	events := map[string]ical.Event{}
	for _, ev := range cal.Events() {
		uid, err := ev.Props.Text(ical.PropUID)
		require.NoError(t, err)
		_, dup := events[uid]
		require.False(t, dup, "UID %s is given once", uid)
		events[uid] = ev
	}
	return cal, events
}

func text(t *testing.T, ev ical.Event, name string) string {
	t.Helper()
	p := ev.Props.Get(name)
	require.NotNil(t, p, "%s is present", name)
	v, err := p.Text()
	require.NoError(t, err)
	return v
}

// TestStaffCalendar: a handler's calendar lists each open case's deadline as an all-day event
// on its last day and each warning instant of its cycle as a timed event, checked with an
// iCalendar parser; closed and paused cases and other handlers' cases are not in it.
func TestStaffCalendar(t *testing.T) {
	e := calendarCases(t)
	body := e.fetchICS("/calendar/" + url.PathEscape("王芳") + ".ics?now=2025-10-09T08:00:00%2B08:00")

	// The wire form: CRLF line ends, lines folded at 75 octets, never inside a character.
	require.True(t, bytes.HasSuffix(body, []byte("\r\n")))
	lines := strings.Split(strings.TrimSuffix(string(body), "\r\n"), "\r\n")
	folded := 0
	for i, l := range lines {
		assert.NotContains(t, l, "\n", "line %d: no bare LF", i+1)
		assert.LessOrEqual(t, len(l), 75, "line %d is at most 75 octets: %q", i+1, l)
		assert.True(t, utf8.ValidString(l), "line %d is not cut inside a UTF-8 character", i+1)
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	assert.Positive(t, folded, "the long Chinese descriptions are folded")

	cal, events := parseICS(t, body)
	version, err := cal.Props.Text(ical.PropVersion)
	require.NoError(t, err)
	assert.Equal(t, "2.0", version)
	name, err := cal.Props.Text("X-WR-CALNAME")
	require.NoError(t, err)
	assert.Equal(t, "王芳的办理期限", name)

	cst := calendar.CST()
	tests := []struct {
		name     string
		uid      string
		allDay   bool
		start    time.Time
		summary  []string
		describe []string
	}{
		{"the T1 case's deadline is all-day on its last day, the first working day after the National Day break",
			icsUID("deadline", "C-1"), true, time.Date(2025, 10, 9, 0, 0, 0, 0, time.UTC),
			[]string{"C-1", "T1"}, []string{"案件编号：C-1", "T1，1个工作日内办结", "承办单位：劳动监察科", "2025年10月9日 24:00前办结"}},
		{"its last_day warning is at 00:00 of the last day, Beijing time",
			icsUID("warning-last_day", "C-1"), false, time.Date(2025, 10, 9, 0, 0, 0, 0, cst),
			[]string{"C-1", "最后一个工作日"}, []string{"2025-10-09 00:00"}},
		{"its 50% warning, still to come at now, is at noon of the last day",
			icsUID("warning-yellow", "C-1"), false, time.Date(2025, 10, 9, 12, 0, 0, 0, cst),
			[]string{"黄灯预警"}, nil},
		{"its 80% warning is at 19:12 of the last day",
			icsUID("warning-orange", "C-1"), false, time.Date(2025, 10, 9, 19, 12, 0, 0, cst),
			[]string{"橙灯预警"}, nil},
		{"a case id with , ; and \\ comes back exactly from the escaped text, and its UID stays plain",
			icsUID("deadline", `C-2,甲;乙\丙`), true, time.Date(2025, 10, 11, 0, 0, 0, 0, time.UTC),
			[]string{`C-2,甲;乙\丙`, "T3"}, []string{"案件编号：C-2,甲;乙\\丙\n分类：T3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, ok := events[tt.uid]
			require.True(t, ok, "event %s is in the calendar; have %v", tt.uid, keys(events))
			start := ev.Props.Get(ical.PropDateTimeStart)
			require.NotNil(t, start)
			if tt.allDay {
				assert.Equal(t, ical.ValueDate, start.ValueType(), "a deadline is a date, not a time")
				got, err := ev.DateTimeStart(time.UTC)
				require.NoError(t, err)
				assert.Equal(t, tt.start, got)
				end, err := ev.DateTimeEnd(time.UTC)
				require.NoError(t, err)
				assert.Equal(t, tt.start.AddDate(0, 0, 1), end, "one whole day")
			} else {
				assert.Equal(t, ical.ValueDateTime, start.ValueType())
				assert.True(t, strings.HasSuffix(start.Value, "Z"), "warning instants are in UTC: %s", start.Value)
				got, err := ev.DateTimeStart(time.UTC)
				require.NoError(t, err)
				assert.True(t, tt.start.Equal(got), "at %v, got %v", tt.start, got)
			}
			for _, s := range tt.summary {
				assert.Contains(t, text(t, ev, ical.PropSummary), s)
			}
			for _, s := range tt.describe {
				assert.Contains(t, text(t, ev, ical.PropDescription), s)
			}
			stamp, err := ev.Props.DateTime(ical.PropDateTimeStamp, time.UTC)
			require.NoError(t, err)
			assert.False(t, stamp.IsZero())
		})
	}
	assert.Len(t, events, 8, "C-1 and C-2: a deadline and three warnings each; the closed C-3, the paused C-5 and 李强's C-4 are not listed: %v", keys(events))

	// Nothing depends on the wall clock: later the same day the same cases give the same
	// bytes, so a client that polls sees no change until a case does.
	again := e.fetchICS("/calendar/" + url.PathEscape("王芳") + ".ics?now=2025-10-09T18:00:00%2B08:00")
	assert.Equal(t, string(body), string(again))

	// Closing C-1 removes its events; C-2's keep their UIDs.
	e.mustEvent("C-1", map[string]any{"type": "closed", "at": "2025-10-09T09:00:00+08:00"})
	_, after := parseICS(t, e.fetchICS("/calendar/"+url.PathEscape("王芳")+".ics?now=2025-10-09T10:00:00%2B08:00"))
	assert.Len(t, after, 4)
	assert.Contains(t, after, icsUID("deadline", `C-2,甲;乙\丙`))
	assert.NotContains(t, after, icsUID("deadline", "C-1"))

	// A handler with no open case still gets a valid calendar (its time-zone component).
	cal, none := parseICS(t, e.fetchICS("/calendar/nobody.ics?now=2025-10-09T10:00:00%2B08:00"))
	assert.Empty(t, none)
	assert.NotEmpty(t, cal.Children)
}

func keys(m map[string]ical.Event) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestStaffCalendarAccess: the calendar is behind the same tokens; supervisors and admins may
// fetch anyone's, a clerk only their own (the handler named as the clerk's token).
func TestStaffCalendarAccess(t *testing.T) {
	e := calendarCases(t)
	wang := "/calendar/" + url.PathEscape("王芳") + ".ics"
	tests := []struct {
		name  string
		token string
		path  string
		code  int
	}{
		{"without a token it is 401", "", wang, http.StatusUnauthorized},
		{"a supervisor may read any handler's calendar", supervisorToken, wang, http.StatusOK},
		{"an admin too", adminToken, wang, http.StatusOK},
		{"a clerk may not read another handler's calendar", clerkToken, wang, http.StatusForbidden},
		{"a clerk may read their own", clerkToken, "/calendar/clerk-wang.ics", http.StatusOK},
		{"a path without .ics is not a calendar", adminToken, "/calendar/" + url.PathEscape("王芳"), http.StatusNotFound},
		{"a bare .ics names no handler", adminToken, "/calendar/.ics", http.StatusNotFound},
		{"a handler name with a control character is refused", adminToken, "/calendar/a%01b.ics", http.StatusBadRequest},
		{"a bad now is refused", adminToken, wang + "?now=tomorrow", http.StatusBadRequest},
		{"POST is not allowed", adminToken, wang, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := "GET"
			if tt.code == http.StatusMethodNotAllowed {
				method = "POST"
			}
			code, body := e.as(tt.token).call(method, tt.path, nil, "")
			assert.Equal(t, tt.code, code, "%s", body)
			if code == http.StatusOK {
				parseICS(t, body)
			}
		})
	}
}

// TestICSText: iCalendar TEXT escaping and folding, case by case.
func TestICSText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"comma, semicolon and backslash are escaped", `a,b;c\d`, `a\,b\;c\\d`},
		{"a newline becomes \\n", "一\n二", `一\n二`},
		{"other control characters are dropped, a tab kept", "a\x00b\x1bc\td\r", "abc\td"},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb", "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, icsText(tt.in)) })
	}
	var w icsWriter
	long := "DESCRIPTION:" + strings.Repeat("时限", 60)
	w.line(long)
	out := w.String()
	for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		assert.LessOrEqual(t, len(l), 75)
		assert.True(t, utf8.ValidString(l))
	}
	assert.Equal(t, long, strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n ", ""), "unfolding gives the line back")
}

// FuzzICSText: whatever text a case carries (ids, units, handlers, labels), its property is
// written as lines of at most 75 octets ending in CRLF, never cut inside a character, and a
// real parser reads back the text itself — less the control characters TEXT cannot hold.
func FuzzICSText(f *testing.F) {
	for _, s := range []string{"", "C-1", `a,b;c\d`, "一\n二\r\n三", strings.Repeat("时限", 80), "a\x00b\xffc", strings.Repeat("x", 74) + "é", "\\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var w icsWriter
		w.line("BEGIN:VCALENDAR")
		w.prop("X-TEXT", s)
		w.line("END:VCALENDAR")
		out := w.String()
		require.True(t, strings.HasSuffix(out, "\r\n"))
		for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			require.LessOrEqual(t, len(l), 75)
			require.True(t, utf8.ValidString(l))
			require.NotContains(t, l, "\n")
		}
		cal, err := ical.NewDecoder(strings.NewReader(out)).Decode()
		require.NoError(t, err)
		got, err := cal.Props.Text("X-TEXT")
		require.NoError(t, err)
		want := strings.Map(func(r rune) rune {
			if r == '\n' || r == '\t' || !unicode.IsControl(r) {
				return r
			}
			return -1
		}, strings.ToValidUTF8(s, "\uFFFD"))
		require.Equal(t, want, got)
	})
}
