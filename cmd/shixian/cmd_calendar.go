package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shixian-go/shixian/calendar"
)

// maxCalendarDays bounds one listing (50 years; the calendar itself covers 2004–2050).
const maxCalendarDays = 50*366 + 1

type calendarOpts struct {
	from, to string
	format   *enumFlag
	cal      *calFlags
	notice   *noticeOpts // calendar import-notice (cmd_notice.go)
}

func calendarCommand() *command {
	return &command{
		name:     "calendar",
		synopsis: "shixian calendar --from DATE [--to DATE] [--format csv|json|ics] [--schedule FILE]… [--schedule-certainty CERTAINTY] [--strict]",
		summary:  "list the days of the working-day calendar: workday, rest, holiday or makeup (调休上班)",
		details: `One row per civil date from --from to --to inclusive (--to defaults to --from; at most 50 years).

csv:  header exactly date,kind,holiday,notice,certainty (RFC 4180 quoting). kind is
      workday|rest|holiday|makeup; holiday is the English key (national_day, spring_festival, …);
      certainty is official|unverified|projected.
json: an array of objects {date, kind, holiday, holiday_zh, notice, certainty}.
ics:  an RFC 5545 calendar for staff calendars: each holiday and makeup working day as an
      all-day event (SUMMARY "春节 (holiday)" or "春节 调休上班 (makeup working day)",
      UID YYYYMMDD@shixian, DESCRIPTION the notice). Ordinary days are not exported. DTSTAMP is
      the event's date at 00:00 UTC so that the output is reproducible.

The embedded calendar is official 2004–2026 (State Council notices), unverified 2027 and
projected 2028–2050; --strict refuses anything that is not official (exit 2).` + importNoticeHelp,
		examples: []string{
			"shixian calendar --from 2025-09-27 --to 2025-10-12",
			"shixian calendar --from 2026-01-01 --to 2026-12-31 --format ics > holidays-2026.ics",
			"shixian calendar --from 2027-01-01 --to 2027-12-31 --schedule 2027.json --format json",
		},
		setup: func(fs *flag.FlagSet) any {
			o := &calendarOpts{format: newEnum("csv", "csv", "json", "ics")}
			fs.StringVar(&o.from, "from", "", "first `DATE` (YYYY-MM-DD), required")
			fs.StringVar(&o.to, "to", "", "last `DATE` (YYYY-MM-DD), inclusive; default --from")
			fs.Var(o.format, "format", "output `FORMAT`: csv, json or ics")
			o.cal = addCalFlags(fs)
			o.notice = addNoticeFlags(fs)
			return o
		},
		run:        runCalendar,
		positional: "import-notice FILE",
	}
}

func runCalendar(e *env, opts any, args []string) int {
	o := opts.(*calendarOpts)
	if len(args) > 0 || o.notice.set() {
		return runImportNotice(e, o.notice, o.format.value, o.cal, args)
	}
	from, err := parseDate("from", o.from)
	if err != nil {
		return fail(e, "calendar", err)
	}
	to := from
	if o.to != "" {
		if to, err = parseDate("to", o.to); err != nil {
			return fail(e, "calendar", err)
		}
	}
	if to.Before(from) {
		return fail(e, "calendar", usagef("--to %s is before --from %s", o.to, o.from))
	}
	if to.Sub(from) > maxCalendarDays*24*time.Hour {
		return fail(e, "calendar", usagef("--from %s --to %s spans more than 50 years", o.from, o.to))
	}
	cal, err := o.cal.build()
	if err != nil {
		return fail(e, "calendar", err)
	}
	days, err := cal.Days(from, to)
	if err != nil {
		return fail(e, "calendar", err)
	}
	switch o.format.value {
	case "json":
		err = writeDaysJSON(e.stdout, days)
	case "ics":
		err = writeDaysICS(e.stdout, days, cal)
	default:
		err = writeDaysCSV(e.stdout, days)
	}
	if err != nil {
		return fail(e, "calendar", err)
	}
	return exitOK
}

func writeDaysCSV(w io.Writer, days []calendar.Day) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"date", "kind", "holiday", "notice", "certainty"}); err != nil {
		return err
	}
	for _, d := range days {
		if err := cw.Write([]string{d.Date.Format(time.DateOnly), d.Kind.String(), d.Holiday, d.Notice, d.Certainty.String()}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

type jsonDay struct {
	Date      string `json:"date"`
	Kind      string `json:"kind"`
	Holiday   string `json:"holiday"`
	HolidayZh string `json:"holiday_zh"`
	Notice    string `json:"notice"`
	Certainty string `json:"certainty"`
}

// writeDaysJSON writes the array one object per line, so that a year stays diffable.
func writeDaysJSON(w io.Writer, days []calendar.Day) error {
	var b bytes.Buffer
	enc := newJSONEncoder(&b)
	b.WriteString("[")
	for i, d := range days {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  ")
		if err := enc.Encode(jsonDay{d.Date.Format(time.DateOnly), d.Kind.String(), d.Holiday, d.HolidayZh, d.Notice, d.Certainty.String()}); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		if b.Len() > 32<<10 {
			if _, err := w.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	if len(days) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// writeDaysICS writes holidays and makeup working days as RFC 5545 all-day events: CRLF line
// endings, lines folded at 75 octets without splitting a UTF-8 character.
func writeDaysICS(w io.Writer, days []calendar.Day, cal *calendar.Calendar) error {
	iw := &icsWriter{w: w}
	iw.line("BEGIN:VCALENDAR")
	iw.line("VERSION:2.0")
	iw.line("PRODID:-//shixian//shixian calendar//EN")
	iw.line("CALSCALE:GREGORIAN")
	iw.line("METHOD:PUBLISH")
	iw.line("X-WR-CALNAME:" + icsText("中国法定节假日与调休 China public holidays and makeup working days ("+cal.Name()+")"))
	for _, d := range days {
		if d.Kind != calendar.Holiday && d.Kind != calendar.MakeupWorkday {
			continue
		}
		name := d.HolidayZh
		if name == "" {
			name = d.Holiday
		}
		summary := strings.TrimSpace(name + " (holiday)")
		if d.Kind == calendar.MakeupWorkday {
			summary = strings.TrimSpace(name + " 调休上班 (makeup working day)")
		}
		date := d.Date.Format("20060102")
		next := d.Date.AddDate(0, 0, 1).Format("20060102")
		desc := d.Notice
		if d.Certainty != calendar.Official {
			if desc != "" {
				desc += "\n"
			}
			desc += "certainty: " + d.Certainty.String()
		}
		iw.line("BEGIN:VEVENT")
		iw.line("UID:" + date + "@shixian")
		iw.line("DTSTAMP:" + date + "T000000Z")
		iw.line("DTSTART;VALUE=DATE:" + date)
		iw.line("DTEND;VALUE=DATE:" + next)
		iw.line("SUMMARY:" + icsText(summary))
		if desc != "" {
			iw.line("DESCRIPTION:" + icsText(desc))
		}
		if d.Kind == calendar.Holiday {
			iw.line("CATEGORIES:HOLIDAY")
		} else {
			iw.line("CATEGORIES:MAKEUP WORKDAY")
		}
		iw.line("TRANSP:TRANSPARENT")
		iw.line("END:VEVENT")
	}
	iw.line("END:VCALENDAR")
	return iw.err
}

// icsText escapes a TEXT value (RFC 5545 §3.3.11).
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

type icsWriter struct {
	w   io.Writer
	err error
}

// line writes one content line, folded (RFC 5545 §3.1): no physical line longer than 75
// octets excluding CRLF; continuation lines start with one space; folds fall between UTF-8
// characters, never inside one.
func (iw *icsWriter) line(s string) {
	if iw.err != nil {
		return
	}
	_, iw.err = io.WriteString(iw.w, foldICS(s))
}

func foldICS(s string) string {
	const limit = 75
	var b strings.Builder
	width := 0 // octets on the current physical line
	for len(s) > 0 {
		_, size := utf8.DecodeRuneInString(s)
		if width+size > limit {
			b.WriteString("\r\n ")
			width = 1
		}
		b.WriteString(s[:size])
		width += size
		s = s[size:]
	}
	b.WriteString("\r\n")
	return b.String()
}
