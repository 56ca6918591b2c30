package main

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shixian-go/shixian/sla"
)

// Staff calendars: GET /calendar/{handler}.ics is one handler's open deadlines and warning
// instants as an iCalendar document (RFC 5545) that calendar clients import or subscribe to.
//
// Choices, and why:
//   - A deadline is an all-day event on its last day (DTSTART;VALUE=DATE, DTEND the next
//     date): a date has no time zone, so every client shows it on the same civil day as the
//     office, wherever the client's own zone is. Due is the end of that day (民法典第二百零三条).
//   - A warning is a timed event at the instant it is crossed, in UTC (…Z), which every client
//     understands and shows in its local time; no time refers to a VTIMEZONE. One for
//     Asia/Shanghai (UTC+8, no daylight saving) is still included, with X-WR-TIMEZONE, as the
//     office's zone for clients that display a calendar in its own zone, and so that a handler
//     with no open case still gets a valid calendar (RFC 5545 wants one component at least).
//     Timed events rather than VALARMs: many clients drop alarms from subscribed calendars,
//     an event is shown by all of them, and staff may add their own alarms.
//   - UID is stable per case and kind ("deadline", "warning-<id>") so that a client replaces
//     an event when the case changes instead of adding a second one; SEQUENCE is the case's
//     event count, which only grows. DTSTAMP is the instant of the case's latest event — the
//     last revision of what the event says (RFC 5545 §3.8.7.2 for a calendar without METHOD)
//     — so the same cases always give the same bytes, and nothing depends on the wall clock.
//   - Text is escaped (\\ \; \, \n), control characters are dropped, lines end in CRLF and
//     are folded at 75 octets without splitting a UTF-8 character.
//
// Who may fetch: supervisors and admins any handler's calendar; a clerk only their own, the
// handler whose name is the clerk's token name (the name the audit shows).

// MaxCalendarCases bounds the open cases one calendar lists (the earliest deadlines are kept;
// the calendar's description says when some were left out).
const MaxCalendarCases = 1000

// icsProdID names the producer of the calendar (PRODID).
const icsProdID = "-//shixian-go//shixian portal example//ZH"

// icsCase is one open case of the handler with what its events need.
type icsCase struct {
	c        sla.Case
	p        *sla.Policy
	st       sla.Status
	warnings []sla.WarningCrossing
}

func (s *Server) staffCalendar(w http.ResponseWriter, r *http.Request) {
	handler, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || handler == "" {
		fail(w, http.StatusNotFound, "handler", "no route %s %s: a staff calendar is /calendar/{handler}.ics", r.Method, r.URL.Path)
		return
	}
	if len(handler) > MaxIDLength || !utf8.ValidString(handler) || strings.IndexFunc(handler, unicode.IsControl) >= 0 {
		fail(w, http.StatusBadRequest, "handler", "the handler's name must be valid UTF-8 without control characters, at most %d bytes", MaxIDLength)
		return
	}
	if id := identityOf(r); id.role == RoleClerk && id.name != handler {
		fail(w, http.StatusForbidden, "authorization", "%s (role clerk) may fetch only their own calendar, /calendar/%s.ics", id.name, url.PathEscape(id.name))
		return
	}
	now, e := s.nowParam(r)
	if e != nil {
		writeJSON(w, http.StatusBadRequest, e)
		return
	}
	hist := s.holder.Current()
	var cases []icsCase
	cut := false
	err := s.store.eachCase(r.Context(), func(sc storedCase) error {
		c := sc.Case
		if c.Handler != handler || c.Events[0].At.After(now) {
			return nil
		}
		p, err := hist.Governing(c)
		if err != nil {
			return nil // a case no version governs any more is on the board's count of unjudged cases
		}
		st, err := p.StatusAt(c, now)
		if err != nil || !st.Closed.IsZero() {
			return nil
		}
		ic := icsCase{c: c, p: p, st: st, warnings: st.Warnings}
		// The warnings still to come in this cycle, if no event intervenes: those crossed by the
		// deadline (a 100% warning is crossed at Due itself).
		if !st.Due.IsZero() && st.Due.After(now) {
			if ahead, err := p.StatusAt(c, st.Due); err == nil {
				ic.warnings = ahead.Warnings
			}
		}
		cases = append(cases, ic)
		if len(cases) >= 2*MaxCalendarCases {
			cases, cut = earliestDue(cases, MaxCalendarCases), true
		}
		return nil
	})
	if err != nil {
		s.fault(w, r, err)
		return
	}
	if len(cases) > MaxCalendarCases {
		cut = true
	}
	cases = earliestDue(cases, MaxCalendarCases)

	var b icsWriter
	b.line("BEGIN:VCALENDAR")
	b.line("VERSION:2.0")
	b.prop("PRODID", icsProdID)
	b.line("CALSCALE:GREGORIAN")
	b.prop("X-WR-CALNAME", handler+"的办理期限")
	desc := "经办人" + handler + "在办案件的办结期限（全天事件，在最后一日）和预警时点。节假日与调休上班日可另行订阅 shixian calendar --format ics 生成的日历。"
	if cut {
		desc += fmt.Sprintf("在办案件过多，只列出期限最早的%d件。", MaxCalendarCases)
	}
	b.prop("X-WR-CALDESC", desc)
	// RFC 7986 (and its common predecessor): how often a subscribing client should look again.
	b.line("REFRESH-INTERVAL;VALUE=DURATION:PT1H")
	b.line("X-PUBLISHED-TTL:PT1H")
	// The office's zone, for clients that show a calendar in its own zone. Every time below is
	// UTC or a date, so nothing refers to it; it is also what keeps a calendar without open
	// cases valid, since RFC 5545 wants at least one component. China has kept UTC+8 without
	// daylight saving since 1991, which is the only rule the library's calendar years need.
	b.line("X-WR-TIMEZONE:Asia/Shanghai")
	b.line("BEGIN:VTIMEZONE")
	b.line("TZID:Asia/Shanghai")
	b.line("BEGIN:STANDARD")
	b.line("DTSTART:19910915T000000")
	b.line("TZOFFSETFROM:+0800")
	b.line("TZOFFSETTO:+0800")
	b.line("TZNAME:CST")
	b.line("END:STANDARD")
	b.line("END:VTIMEZONE")
	for _, ic := range cases {
		writeCaseEvents(&b, ic)
	}
	b.line("END:VCALENDAR")

	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(b.String()))
}

// earliestDue keeps the n cases with the earliest deadlines (a case without one — paused or
// unclassified — last), then by id.
func earliestDue(cs []icsCase, n int) []icsCase {
	slices.SortStableFunc(cs, func(a, b icsCase) int {
		if a.st.Due.IsZero() != b.st.Due.IsZero() {
			if a.st.Due.IsZero() {
				return 1
			}
			return -1
		}
		if c := a.st.Due.Compare(b.st.Due); c != 0 {
			return c
		}
		return strings.Compare(a.c.ID, b.c.ID)
	})
	if len(cs) > n {
		cs = cs[:n:n]
	}
	return cs
}

// writeCaseEvents writes the deadline event of an open case (when it has a deadline: not
// while unclassified or suspended by a pause) and one event per warning instant of its cycle.
func writeCaseEvents(b *icsWriter, ic icsCase) {
	c, st := ic.c, ic.st
	stamp := c.Events[len(c.Events)-1].At
	tier := st.Tier
	if t, ok := ic.p.Tier(st.Tier); ok && t.Label != "" {
		tier = st.Tier + "，" + t.Label
	}
	unit := c.Unit()
	if unit == "" {
		unit = c.Department
	}
	about := fmt.Sprintf("案件编号：%s\n分类：%s\n依据：%s（%s %s）", c.ID, tier, ic.p.Title(), ic.p.ID(), ic.p.Version())
	if unit != "" {
		about += "\n承办单位：" + unit
	}
	if !st.LastDay.IsZero() {
		last := st.LastDay
		y, m, d := last.Date()
		next := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
		b.line("BEGIN:VEVENT")
		b.prop("UID", icsUID("deadline", c.ID))
		b.line("DTSTAMP:" + icsUTC(stamp))
		b.line(fmt.Sprintf("SEQUENCE:%d", len(c.Events)))
		b.line("DTSTART;VALUE=DATE:" + last.Format("20060102"))
		b.line("DTEND;VALUE=DATE:" + next.Format("20060102"))
		b.prop("SUMMARY", fmt.Sprintf("办结期限 %s（%s）", c.ID, st.Tier))
		text := fmt.Sprintf("%s\n最后一日：%s，应于%s 24:00前办结（民法典第二百零三条）。", about, last.Format("2006-01-02"), last.Format("2006年1月2日"))
		if !st.JudgedLastDay.IsZero() && !st.JudgedLastDay.Equal(st.LastDay) {
			text += fmt.Sprintf("\n期限届满后申请的延期不改变考核期限：按%s计是否超期。", st.JudgedLastDay.Format("2006-01-02"))
		}
		b.prop("DESCRIPTION", text)
		b.prop("CATEGORIES", "办结期限")
		b.line("TRANSP:TRANSPARENT")
		b.line("END:VEVENT")
	}
	for _, wc := range ic.warnings {
		b.line("BEGIN:VEVENT")
		b.prop("UID", icsUID("warning-"+wc.ID, c.ID))
		b.line("DTSTAMP:" + icsUTC(stamp))
		b.line(fmt.Sprintf("SEQUENCE:%d", len(c.Events)))
		b.line("DTSTART:" + icsUTC(wc.At))
		b.prop("SUMMARY", fmt.Sprintf("预警 %s：%s", c.ID, wc.Label))
		b.prop("DESCRIPTION", fmt.Sprintf("%s\n预警“%s”于%s（北京时间）触发。", about, wc.Label, wc.At.Format("2006-01-02 15:04")))
		b.prop("CATEGORIES", "预警")
		b.line("TRANSP:TRANSPARENT")
		b.line("END:VEVENT")
	}
}

// icsUID is the stable UID of one kind of event of a case. The case id and the kind are
// percent-escaped as a URL path segment, which leaves no character that TEXT must escape.
func icsUID(kind, caseID string) string {
	return url.PathEscape(kind) + "." + url.PathEscape(caseID) + "@shixian-portal"
}

// icsUTC formats an instant as an RFC 5545 UTC date-time.
func icsUTC(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsText escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline;
// other control characters are not allowed in TEXT and are dropped.
func icsText(s string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\\', r == ';', r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// icsWriter accumulates content lines, each ended by CRLF and folded at 75 octets.
type icsWriter struct{ b strings.Builder }

// prop writes NAME:VALUE with the value escaped as TEXT.
func (w *icsWriter) prop(name, value string) { w.line(name + ":" + icsText(value)) }

// line writes one content line, folded (RFC 5545 §3.1): no line longer than 75 octets, each
// continuation starting with a space, never inside a UTF-8 sequence.
func (w *icsWriter) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.b.WriteString(s[:cut])
		w.b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.b.WriteString(s)
	w.b.WriteString("\r\n")
}

func (w *icsWriter) String() string { return w.b.String() }
