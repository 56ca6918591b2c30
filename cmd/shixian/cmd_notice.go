package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

// importNoticeHelp is appended to the calendar command's help.
const importNoticeHelp = `

  shixian calendar import-notice FILE [--format csv|json] [--cases FILE.jsonl --policy FILE --now RFC3339] [--schedule FILE]…

reads the text of a State Council holiday notice as published
(国务院办公厅关于X年部分节假日安排的通知, pasted into a UTF-8 text file; "-" = stdin), checks it
(impossible dates, weekday notes that contradict their dates, 共N天 that does not match, a day
both off and working, a makeup day on a weekday: exit 2 with file:line:column and the item)
and prints the schedule on stdout:
  --format json  holiday-cn's shape {"year","papers","days":[{"name","date","isOffDay"}]},
                 which --schedule loads;
  --format csv   the calendar's schedule format date,kind,holiday,name_zh,notice (default),
                 which --schedule loads too. Either form determines the notice's year only:
                 its days of the December before (the next 元旦) apply on top of that year.
On stderr it reports how the notice differs from the calendar's current data for that year
(the embedded data with any --schedule files): every day confirmed (was unverified or
projected) or changed. A supplementary notice (调整…, 延长…假期) is applied to the current data
and the whole amended year is printed. With --cases FILE.jsonl (sla.Case JSON lines), --policy
FILE and --now RFC3339 it also lists, on stderr, the cases open at --now whose deadline moves
when the notice replaces the current data.`

// noticeOpts are the flags only calendar import-notice uses.
type noticeOpts struct {
	cases, policy, now string
}

func addNoticeFlags(fs *flag.FlagSet) *noticeOpts {
	o := &noticeOpts{}
	fs.StringVar(&o.cases, "cases", "", "import-notice: JSON-lines `FILE` of cases (sla.Case JSON; \"-\" = stdin) whose moved deadlines to list")
	fs.StringVar(&o.policy, "policy", "", "import-notice: policy `FILE` for --cases")
	fs.StringVar(&o.now, "now", "", "import-notice: the `instant` (RFC 3339) at which cases are open, for --cases")
	return o
}

func (o *noticeOpts) set() bool { return o.cases != "" || o.policy != "" || o.now != "" }

// runImportNotice is `shixian calendar import-notice FILE`.
func runImportNotice(e *env, o *noticeOpts, format string, cf *calFlags, args []string) int {
	const cmd = "calendar import-notice"
	if len(args) > 0 && args[0] != "import-notice" {
		return fail(e, "calendar", usagef("unexpected argument %q (the one subcommand is 'calendar import-notice FILE')", args[0]))
	}
	if len(args) == 0 {
		return fail(e, "calendar", usagef("--cases, --policy and --now belong to 'calendar import-notice FILE'"))
	}
	if len(args) != 2 {
		return fail(e, "calendar", usagef("import-notice takes one FILE (the notice's text; \"-\" = stdin), got %d arguments", len(args)-1))
	}
	if format == "ics" {
		return fail(e, "calendar", usagef("import-notice prints json or csv, not ics"))
	}
	if o.cases != "" && (o.policy == "" || o.now == "") {
		return fail(e, "calendar", usagef("--cases needs --policy FILE and --now RFC3339"))
	}
	if o.cases == "" && (o.policy != "" || o.now != "") {
		return fail(e, "calendar", usagef("--policy and --now are for --cases FILE"))
	}
	var now time.Time
	if o.now != "" {
		var err error
		if now, err = parseInstant("now", o.now); err != nil {
			return fail(e, "calendar", err)
		}
	}
	path := args[1]
	data, name, err := readFileLimited(e, path, "notice file", calendar.MaxNoticeBytes)
	if err != nil {
		return fail(e, cmd, err)
	}
	cur, err := cf.build()
	if err != nil {
		return fail(e, cmd, err)
	}
	// The comparison reads unverified and projected days even under --strict.
	if cur, err = cur.Derive(calendar.WithProvisional(true)); err != nil {
		return fail(e, cmd, err)
	}
	// A supplementary notice that extends a festival (延长…假期至2月2日) reads the
	// festival's last day off from the current data.
	first, last := cur.Range()
	all, err := spanSchedule(cur, first, last)
	if err != nil {
		return fail(e, cmd, err)
	}
	n, err := calendar.ParseNotice(name, data, calendar.Extending(all))
	if err != nil {
		return fail(e, cmd, err)
	}
	loc := cur.Location()
	prior, err := spanSchedule(cur, time.Date(n.Year, 1, 1, 0, 0, 0, 0, loc), time.Date(n.Year, 12, 31, 0, 0, 0, 0, loc))
	if err != nil {
		return fail(e, cmd, err)
	}
	prior.Years = []int{n.Year}
	s := n.Schedule()
	if n.Supplementary {
		s = amend(prior, s, name)
	}
	next, err := cur.Derive(calendar.WithSchedule(s))
	if err != nil {
		return fail(e, cmd, err)
	}
	if format == "json" {
		err = writeNoticeJSON(e.stdout, n, s)
	} else {
		err = writeNoticeCSV(e.stdout, s)
	}
	if err != nil {
		return fail(e, cmd, err)
	}
	if err := writeNoticeDiff(e.stderr, n, s, cur, next); err != nil {
		return fail(e, cmd, err)
	}
	if o.cases == "" {
		return exitOK
	}
	return listMovedCases(e, o, cf, next, now)
}

// spanSchedule is the calendar's current data from..to as a Schedule (its
// holidays and makeup working days), so that a supplementary notice can
// extend it and the amended year can be printed whole.
func spanSchedule(c *calendar.Calendar, from, to time.Time) (*calendar.Schedule, error) {
	days, err := c.Days(from, to)
	if err != nil {
		return nil, err
	}
	s := &calendar.Schedule{Name: c.Name(), Certainty: calendar.Official}
	for _, d := range days {
		if d.Kind == calendar.Holiday || d.Kind == calendar.MakeupWorkday {
			s.Entries = append(s.Entries, calendar.Entry{Date: d.Date, Kind: d.Kind, Holiday: d.Holiday, HolidayZh: d.HolidayZh, Notice: d.Notice})
		}
	}
	return s, nil
}

// amend applies a supplementary notice's entries on top of the year they
// amend and returns the whole amended year.
func amend(prior, supp *calendar.Schedule, name string) *calendar.Schedule {
	at := map[string]int{}
	out := &calendar.Schedule{Name: name, Years: prior.Years, Certainty: calendar.Official}
	for _, e := range prior.Entries {
		at[e.Date.Format(time.DateOnly)] = len(out.Entries)
		out.Entries = append(out.Entries, e)
	}
	for _, e := range supp.Entries {
		if i, ok := at[e.Date.Format(time.DateOnly)]; ok {
			out.Entries[i] = e
			continue
		}
		out.Entries = append(out.Entries, e)
	}
	slices.SortStableFunc(out.Entries, func(a, b calendar.Entry) int { return a.Date.Compare(b.Date) })
	return out
}

type holidayCNDay struct {
	Name     string `json:"name"`
	Date     string `json:"date"`
	IsOffDay bool   `json:"isOffDay"`
}

// writeNoticeJSON writes holiday-cn's layout; papers cite the notices by
// document number and date (holiday-cn puts URLs there; the loader keeps any
// text).
func writeNoticeJSON(w io.Writer, n *calendar.Notice, s *calendar.Schedule) error {
	var b bytes.Buffer
	enc := newJSONEncoder(&b)
	b.WriteString("{\n  \"year\": ")
	fmt.Fprintf(&b, "%d,\n  \"papers\": ", n.Year)
	// An amended year cites every notice its days come from.
	papers := []string{}
	for _, e := range s.Entries {
		if !slices.Contains(papers, e.Notice) {
			papers = append(papers, e.Notice)
		}
	}
	if err := enc.Encode(papers); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1)
	b.WriteString(",\n  \"days\": [")
	for i, e := range s.Entries {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    ")
		if err := enc.Encode(holidayCNDay{e.HolidayZh, e.Date.Format(time.DateOnly), e.Kind == calendar.Holiday}); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1)
	}
	b.WriteString("\n  ]\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func writeNoticeCSV(w io.Writer, s *calendar.Schedule) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"date", "kind", "holiday", "name_zh", "notice"}); err != nil {
		return err
	}
	for _, e := range s.Entries {
		kind := "off"
		if e.Kind == calendar.MakeupWorkday {
			kind = "makeup"
		}
		if err := cw.Write([]string{e.Date.Format(time.DateOnly), kind, e.Holiday, e.HolidayZh, e.Notice}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeNoticeDiff reports, day by day, how the notice's year differs from the
// calendar's current data: every changed day, every day it confirms that was
// not official, and a count of the official days it leaves as they were.
func writeNoticeDiff(w io.Writer, n *calendar.Notice, s *calendar.Schedule, cur, next *calendar.Calendar) error {
	var b strings.Builder
	fmt.Fprintf(&b, "shixian calendar import-notice: %s\n", n.Citation())
	fmt.Fprintf(&b, "  %d items, %d days; %d against the current data (%s):\n", len(n.Items), len(s.Entries), n.Year, cur.Name())
	loc := cur.Location()
	from := time.Date(n.Year, 1, 1, 0, 0, 0, 0, loc)
	for _, e := range s.Entries {
		if e.Date.Before(from) {
			from = e.Date
		}
	}
	to := time.Date(n.Year, 12, 31, 0, 0, 0, 0, loc)
	old, err := cur.Days(from, to)
	if err != nil {
		return err
	}
	neu, err := next.Days(from, to)
	if err != nil {
		return err
	}
	changed, confirmed, same := 0, 0, 0
	for i := range old {
		o, x := old[i], neu[i]
		special := o.Kind == calendar.Holiday || o.Kind == calendar.MakeupWorkday || x.Kind == calendar.Holiday || x.Kind == calendar.MakeupWorkday
		switch {
		case o.Kind != x.Kind || o.Holiday != x.Holiday:
			changed++
			fmt.Fprintf(&b, "    %s changed: %s, was %s (%s)\n", x.Date.Format(time.DateOnly), dayLabel(x), dayLabel(o), o.Certainty)
		case o.Certainty != calendar.Official && special:
			confirmed++
			fmt.Fprintf(&b, "    %s confirmed: %s (was %s)\n", x.Date.Format(time.DateOnly), dayLabel(x), o.Certainty)
		case o.Certainty != calendar.Official:
			confirmed++ // an ordinary day that stays ordinary: counted, not listed
		default:
			same++
		}
	}
	fmt.Fprintf(&b, "  %d days changed, %d confirmed (were not official; ordinary days counted, not listed), %d official days unchanged\n", changed, confirmed, same)
	if n.Supplementary {
		fmt.Fprintf(&b, "  %s amends %d: the whole amended year was printed\n", n.Title, n.Year)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func dayLabel(d calendar.Day) string {
	if d.Kind == calendar.Holiday || d.Kind == calendar.MakeupWorkday {
		name := d.HolidayZh
		if name == "" {
			name = d.Holiday
		}
		return d.Kind.String() + " " + name
	}
	return d.Kind.String()
}

// listMovedCases reads the cases and lists on stderr the open ones whose
// deadline moves from the current calendar to the one with the notice.
func listMovedCases(e *env, o *noticeOpts, cf *calFlags, next *calendar.Calendar, now time.Time) int {
	const cmd = "calendar import-notice"
	old, err := loadPolicy(o.policy, cf)
	if err != nil {
		return fail(e, cmd, err)
	}
	neu := old.WithCalendar(next)
	r, name, closer, err := openInput(e, o.cases)
	if err != nil {
		return fail(e, cmd, err)
	}
	defer closer()
	lr := newLineReader(name, r)
	var cases []sla.Case
	bad := 0
	for {
		line, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		it := lineItem{no: lr.line, data: append([]byte(nil), line...), tooLong: errors.Is(err, errLineTooLong)}
		if err != nil && !it.tooLong {
			return fail(e, cmd, err)
		}
		if len(bytes.TrimSpace(it.data)) == 0 && !it.tooLong {
			continue
		}
		d := decodeCaseLine(name, it)
		if d.msg != "" {
			bad++
			fmt.Fprintln(e.stderr, d.msg)
			continue
		}
		cases = append(cases, d.c)
	}
	moves, err := sla.MovedDeadlines(cases, old, neu, now)
	fmt.Fprintf(e.stderr, "  %d of %d cases open at %s move:\n", len(moves), len(cases), rfc3339(now))
	for _, m := range moves {
		fmt.Fprintf(e.stderr, "    %s: last day %s → %s (%+d working days)\n", m.CaseID,
			m.OldLastDay.Format(time.DateOnly), m.NewLastDay.Format(time.DateOnly), m.DeltaWorkdays)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "shixian %s: %v\n", cmd, err)
		return exitInvalid
	}
	if bad > 0 {
		fmt.Fprintf(e.stderr, "shixian %s: %d bad line(s) in %s\n", cmd, bad, name)
		return exitInvalid
	}
	return exitOK
}
