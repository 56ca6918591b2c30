package deadline

import (
	"fmt"
	"time"

	"github.com/shixian-go/shixian/calendar"
)

// explainer turns a computed outcome into Deadline.Explanation, Counted and Skipped: the days
// counted, the days skipped with their notices, and every convention applied, in words a case
// officer would accept. Only ComputeDeadline pays for it; ComputeDue and StatusAt do not.
//
// One walk (walk) decides which days counted, which were skipped and why, the business hours of
// each day, what each pause excluded and which years are provisional; a wording (English in this
// file, Chinese in explain_zh.go) only turns those facts into sentences, so both languages always
// say the same thing.
type explainer struct {
	e *engine
	o *outcome
	r *Request
	d *Deadline
}

// wording is the sentences of one language. The walk calls its methods in the order the
// sentences appear; a method may say nothing.
type wording interface {
	accepted(acc calendar.Day)
	deemed(cf calendar.Day)
	period(acc calendar.Day)
	tooLong(days int)
	// sameDayDetails reports whether the days and last day of a same-day period accepted before
	// the cutoff are worth saying.
	sameDayDetails() bool
	// days says what counted and the skipped runs of a day-based period (Counted and Skipped
	// are filled).
	days(runs []skipRun)
	// label words why a skipped day did not count; consecutive days with the same label form a
	// run.
	label(day calendar.Day, why skipWhy, duringPause bool) string
	skipped(runs []skipRun)
	extension(i int, s segment)
	clamped(s segment)
	rolled(raw, last calendar.Day)
	makeupEnd(raw calendar.Day)
	periodEnd(raw calendar.Day)
	usedUp(s segment, used, last calendar.Day)
	lastDay(i int, s segment, last calendar.Day)
	hours(day calendar.Day, parts []string, total time.Duration)
	pause(i int, p Pause, f pauseFact)
	pausesExcluded()
	suspended()
	due() error
	conventions()
	provisional(years []yearCert)
}

func (x *explainer) say(format string, args ...any) {
	x.d.Explanation = append(x.d.Explanation, fmt.Sprintf(format, args...))
}

func (x *explainer) day(n int) (calendar.Day, error) { return x.e.cal.Day(x.e.date(n)) }

// in says everything in lang. It walks copies of the engine, outcome, request and deadline and
// copies the deadline back: the wording holds its explainer and so escapes, and were it to hold
// x's pointers the caller's engine, outcome and deadline would move to the heap on every
// computation, explained or not (TestDeadlineAllocatesNothing).
func (x *explainer) in(lang Lang) error {
	e, o, r, d := *x.e, *x.o, *x.r, *x.d
	y := &explainer{e: &e, o: &o, r: &r, d: &d}
	var w wording = enWording{y}
	if lang == Chinese {
		w = zhWording{y}
	}
	err := y.walk(w)
	*x.d = d
	return err
}

// walk says everything about the outcome in the words of w.
func (x *explainer) walk(w wording) error {
	o, r := x.o, x.r
	acc, err := x.day(o.accept)
	if err != nil {
		return err
	}
	w.accepted(acc)
	if o.countFrom != o.accept {
		cf, err := x.day(o.countFrom)
		if err != nil {
			return err
		}
		w.deemed(cf)
	}
	w.period(acc)
	if r.Period.Unit.DayBased() {
		if err := x.dayDetails(w); err != nil {
			return err
		}
	} else if r.Period.Unit == Workhours {
		if err := x.hourDetails(w); err != nil {
			return err
		}
	}
	for i, p := range r.Pauses {
		f, err := x.pauseExcluded(p)
		if err != nil {
			return err
		}
		w.pause(i+1, p, f)
	}
	if len(r.Pauses) > 0 && !o.suspended {
		w.pausesExcluded()
	}
	if o.suspended {
		w.suspended()
	} else if err := w.due(); err != nil {
		return err
	}
	w.conventions()
	if x.d.Provisional {
		years, err := x.provisionalYears()
		if err != nil {
			return err
		}
		w.provisional(years)
	}
	return nil
}

// yearCert is a year some counted day of which is not official.
type yearCert struct {
	year int
	cert calendar.Certainty
}

// provisionalYears lists the years whose days are not official.
func (x *explainer) provisionalYears() ([]yearCert, error) {
	e, o := x.e, x.o
	last := o.last
	if o.suspended {
		last = max(o.accept, e.dayOf(o.since))
	}
	y0, _, _ := calendar.Date(o.accept).YMD()
	y1, _, _ := calendar.Date(last).YMD()
	var years []yearCert
	for y := y0; y <= y1; y++ {
		a := max(o.accept, int(calendar.DateOf(y, time.January, 1)))
		b := min(last, int(calendar.DateOf(y, time.December, 31)))
		cert, err := e.cal.Certainty(e.date(a), e.date(b))
		if err != nil {
			return nil, err
		}
		if cert != calendar.Official {
			years = append(years, yearCert{y, cert})
		}
	}
	return years, nil
}

// dayDetails fills Counted and Skipped and has w say them, day 1, the last day, the 203 roll
// and the extensions.
func (x *explainer) dayDetails(w wording) error {
	e, o, d := x.e, x.o, x.d
	if o.suspended {
		return nil
	}
	d.Counted, d.Skipped = nil, nil
	if o.sameDayEarly {
		day, err := x.day(o.accept)
		if err != nil {
			return err
		}
		d.Counted = []calendar.Day{day}
	}
	listed := o.last > o.countFrom && o.last-o.countFrom <= MaxListedDays
	if listed {
		days, err := e.cal.Days(e.date(o.countFrom+1), e.date(o.last))
		if err != nil {
			return err
		}
		for i, day := range days {
			n := o.countFrom + 1 + i
			if x.counted(n, day) {
				d.Counted = append(d.Counted, day)
			} else {
				d.Skipped = append(d.Skipped, day)
			}
		}
	}
	if o.sameDayEarly && !w.sameDayDetails() {
		return nil
	}
	if o.last > o.countFrom && !listed {
		w.tooLong(MaxListedDays)
	}
	w.days(x.groupRuns(d.Skipped, func(day calendar.Day) string {
		n := e.dayOf(day.Date)
		why, during := skipReason(day, x.paused(n), o.tail >= 0 && n > o.tail)
		return w.label(day, why, during)
	}))
	for i, s := range o.segs {
		if i > 0 {
			w.extension(i, s)
		}
		if s.period.Unit == Days || s.period.Unit == Months {
			raw, err := x.day(s.raw)
			if err != nil {
				return err
			}
			if s.clamped {
				w.clamped(s)
			}
			switch {
			case s.raw != s.last:
				last, err := x.day(s.last)
				if err != nil {
					return err
				}
				w.rolled(raw, last)
			case raw.Kind == calendar.MakeupWorkday:
				w.makeupEnd(raw)
			default:
				w.periodEnd(raw)
			}
			continue
		}
		last, err := x.day(s.last)
		if err != nil {
			return err
		}
		if s.tail > 0 && s.tail != s.last {
			used, err := x.day(s.tail)
			if err != nil {
				return err
			}
			w.usedUp(s, used, last)
			continue
		}
		w.lastDay(i, s, last)
	}
	return nil
}

// maxListedPauseDays bounds the days named per pause in an explanation.
const maxListedPauseDays = 10

// pauseWhat is what kind of thing a pause excluded.
type pauseWhat uint8

const (
	pauseUnsaid   pauseWhat = iota // the case is suspended: the pauses are not weighed yet
	pauseLateTime                  // an hour period's pause began at or after Due
	pauseTime                      // an hour period's pause excluded dur
	pauseLateDays                  // a day period's pause began at or after Due
	pauseNoDay                     // no day lies inside P+1..R (or R−1) and the counted span
	pauseDays                      // n days from..to, the first of them named
)

// pauseFact is what one pause excluded.
type pauseFact struct {
	what     pauseWhat
	dur      time.Duration
	working  bool        // the days are working days (Workdays), else calendar days
	n        int         // days excluded
	names    []time.Time // the first maxListedPauseDays of them
	from, to time.Time   // the span searched
}

// pauseExcluded finds what pause p excluded: for day-based periods the working days (Workdays)
// or calendar days (Days, Months) from P+1 to R (or R−1) that lie inside the counted span, for
// hour periods the counted time. Overlapping pauses name their shared days under each pause.
func (x *explainer) pauseExcluded(p Pause) (pauseFact, error) {
	e, o, r := x.e, x.o, x.r
	if o.suspended {
		return pauseFact{what: pauseUnsaid}, nil
	}
	if !r.Period.Unit.DayBased() {
		a, b := p.Start.In(e.loc), p.End.In(e.loc)
		if a.Before(o.start) {
			a = o.start
		}
		if b.After(o.due) {
			b = o.due
		}
		if !b.After(a) || !p.Start.Before(o.due) {
			return pauseFact{what: pauseLateTime}, nil
		}
		dur, err := e.tmeasure(a, b, r.Period.Unit == Workhours)
		if err != nil {
			return pauseFact{}, err
		}
		return pauseFact{what: pauseTime, dur: dur}, nil
	}
	lo, hi := e.dayOf(p.Start), e.dayOf(p.End)
	if e.c.ResumeDay == ResumeDayCounted {
		hi--
	}
	lo, hi = max(lo, o.countFrom), min(hi, o.last)
	if !p.Start.Before(o.due) {
		return pauseFact{what: pauseLateDays}, nil
	}
	if hi <= lo {
		return pauseFact{what: pauseNoDay}, nil
	}
	days, err := e.cal.Days(e.date(lo+1), e.date(hi))
	if err != nil {
		return pauseFact{}, err
	}
	f := pauseFact{what: pauseDays, working: r.Period.Unit == Workdays, from: e.date(lo + 1), to: e.date(hi)}
	for _, d := range days {
		if f.working && !d.IsWorking() {
			continue
		}
		f.n++
		if len(f.names) < maxListedPauseDays {
			f.names = append(f.names, d.Date)
		}
	}
	return f, nil
}

// maxListedHourDays bounds the days a working-hour explanation lists.
const maxListedHourDays = 62

// hourDetails has w say, for a working-hour period, the business-hours segments counted on each
// working day ("16:00–17:30") and the holidays and rest days skipped between them. Pause time is
// left out of the segments.
func (x *explainer) hourDetails(w wording) error {
	e, o := x.e, x.o
	if o.suspended {
		return nil
	}
	first, last := o.accept, e.dayOf(o.due)
	if last-first > maxListedHourDays {
		w.tooLong(maxListedHourDays)
		return nil
	}
	days, err := e.cal.Days(e.date(first), e.date(last))
	if err != nil {
		return err
	}
	var skipped []calendar.Day
	flush := func() {
		w.skipped(x.groupRuns(skipped, func(d calendar.Day) string {
			why, during := skipReason(d, false, false)
			return w.label(d, why, during)
		}))
		skipped = skipped[:0]
	}
	for i, day := range days {
		n := first + i
		if !day.IsWorking() {
			skipped = append(skipped, day)
			continue
		}
		var parts []string
		var total time.Duration
		for _, sp := range e.c.BusinessHours {
			a, b := e.instant(n, sp.Start.offset()), e.instant(n, sp.End.offset())
			if a.Before(o.start) {
				a = o.start
			}
			if b.After(o.due) {
				b = o.due
			}
			for _, piece := range cutPauses(a, b, o.tivs) {
				parts = append(parts, piece[0].Format("15:04")+"–"+clockOf(piece[1], n, e))
				total += piece[1].Sub(piece[0])
			}
		}
		if total == 0 {
			if n != first && n != last {
				skipped = append(skipped, day) // wholly paused
			}
			continue
		}
		flush()
		w.hours(day, parts, total)
	}
	return nil
}

// clockOf renders t as "15:04", or "24:00" when t is 00:00 of the day after n.
func clockOf(t time.Time, n int, e *engine) string {
	if e.dayOf(t) > n {
		return "24:00"
	}
	return t.Format("15:04")
}

// cutPauses is [a, b) minus the (sorted, merged) pause intervals ivs.
func cutPauses(a, b time.Time, ivs []timeIv) [][2]time.Time {
	var out [][2]time.Time
	for _, iv := range ivs {
		if !b.After(a) {
			break
		}
		if !iv.lo.Before(b) {
			break
		}
		if !iv.open && !iv.hi.After(a) {
			continue
		}
		if iv.lo.After(a) {
			out = append(out, [2]time.Time{a, iv.lo})
		}
		if iv.open {
			return out
		}
		if iv.hi.After(a) {
			a = iv.hi
		}
	}
	if b.After(a) {
		out = append(out, [2]time.Time{a, b})
	}
	return out
}

// counted decides whether day n (in (countFrom, last]) counted toward the period.
func (x *explainer) counted(n int, day calendar.Day) bool {
	if x.o.tail >= 0 && n > x.o.tail {
		return false // the period was used up on the tail day (usedUp)
	}
	for _, iv := range x.o.ivs {
		if iv.lo < n && n <= iv.hi {
			return false
		}
	}
	for _, s := range x.o.segs {
		if n <= s.last {
			if s.period.Unit == Workdays {
				return day.IsWorking()
			}
			// The rolled-to last day is the period's last day, not a skipped one.
			return n <= s.raw || n == s.last
		}
	}
	return false
}

func (x *explainer) paused(n int) bool {
	for _, iv := range x.o.ivs {
		if iv.lo < n && n <= iv.hi {
			return true
		}
	}
	return false
}

// skipWhy is why a day in the counted span did not count.
type skipWhy uint8

const (
	skipHoliday     skipWhy = iota // a statutory holiday
	skipRest                       // a weekend rest day
	skipPaused                     // a working day inside a pause (行政许可法第四十五条)
	skipAfterPeriod                // a working day after the period was used up, before the case resumed
	skipRolled                     // a working day after the period's end, passed over by the 203 roll
)

// skipReason is why day did not count, and whether a holiday or rest day also lay inside a
// pause: holidays inside a pause are named as holidays (only working days are excluded by a
// pause in working-day periods).
func skipReason(day calendar.Day, paused, afterPeriod bool) (why skipWhy, duringPause bool) {
	switch {
	case day.Kind == calendar.Holiday:
		return skipHoliday, paused
	case day.Kind == calendar.RestDay:
		return skipRest, paused
	case paused:
		return skipPaused, false
	case afterPeriod:
		return skipAfterPeriod, false
	default:
		return skipRolled, false
	}
}

// dates renders ts with format.
func dates(ts []time.Time, format func(time.Time) string) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = format(t)
	}
	return out
}

// skipRun is a run of consecutive skipped days with the same label.
type skipRun struct {
	first, last calendar.Day
	label       string
}

// groupRuns groups consecutive days of sk with the same label into runs.
func (x *explainer) groupRuns(sk []calendar.Day, label func(calendar.Day) string) []skipRun {
	var runs []skipRun
	for i := 0; i < len(sk); {
		j := i
		l := label(sk[i])
		for j+1 < len(sk) && x.e.dayOf(sk[j+1].Date) == x.e.dayOf(sk[j].Date)+1 && label(sk[j+1]) == l {
			j++
		}
		runs = append(runs, skipRun{sk[i], sk[j], l})
		i = j + 1
	}
	return runs
}

// enWording is the English explanation: sentences with the Chinese terms and the legal basis in
// parentheses, and every convention applied.
type enWording struct{ *explainer }

func ymd(t time.Time) string { return t.Format(time.DateOnly) }

// describe renders "Thursday, workday", "Wednesday, holiday 国庆节、中秋节" or
// "Sunday, makeup working day (调休上班) for 国庆节、中秋节".
func describe(day calendar.Day) string {
	s := day.Date.Weekday().String() + ", "
	switch day.Kind {
	case calendar.Holiday:
		s += "holiday"
		if day.HolidayZh != "" {
			s += " " + day.HolidayZh
		}
	case calendar.MakeupWorkday:
		s += "makeup working day (调休上班)"
		if day.HolidayZh != "" {
			s += " for " + day.HolidayZh
		}
	case calendar.RestDay:
		s += "rest day"
	default:
		s += "workday"
	}
	if day.Certainty != calendar.Official {
		s += ", " + day.Certainty.String()
	}
	return s
}

func (x enWording) accepted(acc calendar.Day) {
	x.say("Accepted %s (%s).", x.o.start.Format("2006-01-02 15:04 MST"), describe(acc))
}

func (x enWording) deemed(cf calendar.Day) {
	if x.o.sameDay {
		// A same-day period counts no day after receipt: it is due on the
		// deemed receipt day itself.
		x.say("Received on a non-working day: deemed received on %s (%s), the next working day (receipt convention next_workday); a same-day period is due at the end of that day.", ymd(cf.Date), describe(cf))
	} else {
		x.say("Received on a non-working day: deemed received on %s (%s), the next working day (receipt convention next_workday); counting starts the day after.", ymd(cf.Date), describe(cf))
	}
}

func (x enWording) period(calendar.Day) {
	e := x.e
	switch p := x.r.Period; {
	case p.Unit == Workdays && p.Count == 0:
		if x.o.sameDayEarly {
			x.say("Same-day period (即办, 0 working days): accepted on a working day before the %s cutoff, so due at the end of the acceptance day.", e.c.SameDayCutoff)
		} else {
			x.say("Same-day period (即办, 0 working days): accepted at or after the %s cutoff or on a non-working day, so due at the end of the next working day.", e.c.SameDayCutoff)
		}
	case p.Unit == Workdays:
		x.say("Working-day period (%d个工作日, 民法典 art. 201; 行政许可法 art. 82): the acceptance day is not counted; day 1 is the next working day; makeup working days (调休上班) count, holidays and weekends do not.", p.Count)
	case p.Unit == Days:
		x.say("Calendar-day period (%d日, 民法典 arts. 201, 203): the acceptance day is not counted; holidays inside the period are not deducted; a last day that is not a working day moves to the next working day.", p.Count)
	case p.Unit == Months:
		x.say("Month period (%d个月, 民法典 arts. 201, 202, 203): the last day is the corresponding date, or the last day of the month when there is none; a last day that is not a working day moves to the next working day.", p.Count)
	case p.Unit == Workhours:
		spans := make([]string, len(e.c.BusinessHours))
		for i, s := range e.c.BusinessHours {
			spans[i] = s.String()
		}
		x.say("Working-hour period (%d个工作小时, 民法典 art. 201(2)): counted on the business hours %s of working days only, starting at the acceptance instant or the next opening.", p.Count, joinComma(spans))
	case p.Unit == Hours:
		x.say("Hour period (%d小时, 民法典 art. 201(2)): counted in elapsed hours from the acceptance instant.", p.Count)
	}
}

func (x enWording) tooLong(days int) {
	x.say("The period spans more than %d days; the days are not listed.", days)
}

func (x enWording) sameDayDetails() bool { return true }

func (x enWording) days(runs []skipRun) {
	o, d := x.o, x.d
	x.skipped(runs)
	// A one-working-day period's day 1 is its last day, which is stated below.
	oneWorkday := len(o.segs) > 0 && o.segs[0].period == Period{Count: 1, Unit: Workdays}
	if len(d.Counted) > 0 && !o.sameDay && !oneWorkday {
		x.say("Day 1 = %s (%s).", ymd(d.Counted[0].Date), describe(d.Counted[0]))
	}
}

// label names the holiday with its notice, or the weekend, or why a working day was passed over.
func (x enWording) label(day calendar.Day, why skipWhy, duringPause bool) string {
	s := ""
	switch why {
	case skipHoliday:
		s = day.HolidayZh + " holiday"
		if day.Notice != "" {
			s += " (" + day.Notice + ")"
		}
	case skipRest:
		s = "weekend (rest days)"
	case skipPaused:
		return "paused working day(s) excluded (中止, 行政许可法 art. 45)"
	case skipAfterPeriod:
		return fmt.Sprintf("working day(s) after the period was used up on %s, before the case resumed (行政许可法 art. 45)", ymd(x.e.date(x.o.tail)))
	default:
		return "after the period's end (rolled over, 民法典 art. 203)"
	}
	if duringPause {
		s += ", during a pause"
	}
	return s
}

// skipped says "Skipped a..b <label>." for each run.
func (x enWording) skipped(runs []skipRun) {
	for _, r := range runs {
		if r.first.Date.Equal(r.last.Date) {
			x.say("Skipped %s %s.", ymd(r.first.Date), r.label)
		} else {
			x.say("Skipped %s..%s %s.", ymd(r.first.Date), ymd(r.last.Date), r.label)
		}
	}
}

func (x enWording) extension(i int, s segment) {
	x.say("Extension %d (+%s, 延期, 行政许可法 art. 42) is counted from the previous last day %s, not from its approval.", i, s.period, ymd(x.e.date(s.from)))
}

func (x enWording) clamped(s segment) {
	x.say("%s has no corresponding date %d month(s) later; the last day of that month is used (民法典 art. 202).", ymd(x.e.date(s.from)), s.period.Count)
}

func (x enWording) rolled(raw, last calendar.Day) {
	x.say("The period's end, %s (%s), is not a working day; the last day moves to the next working day, %s (%s) (民法典 art. 203).", ymd(raw.Date), describe(raw), ymd(last.Date), describe(last))
}

func (x enWording) makeupEnd(raw calendar.Day) {
	x.say("The period's end, %s (%s), is a working day, so it does not move.", ymd(raw.Date), describe(raw))
}

func (x enWording) periodEnd(raw calendar.Day) {
	x.say("Last day = %s (%s).", ymd(raw.Date), describe(raw))
}

func (x enWording) usedUp(s segment, used, last calendar.Day) {
	n := "The same-day period"
	if s.period.Count > 0 {
		n = fmt.Sprintf("Day %d", s.period.Count)
	}
	x.say("%s was used up on %s (%s), but a pause began that day before Due: the time is not counted (行政许可法 art. 45), so the case is due at the end of the day it resumed (or the next working day after it): last day = %s (%s).",
		n, ymd(used.Date), describe(used), ymd(last.Date), describe(last))
}

func (x enWording) lastDay(_ int, s segment, last calendar.Day) {
	if s.period.Count > 0 {
		x.say("Day %d (last day) = %s (%s).", s.period.Count, ymd(last.Date), describe(last))
	} else {
		x.say("Last day = %s (%s).", ymd(last.Date), describe(last))
	}
}

func (x enWording) hours(day calendar.Day, parts []string, total time.Duration) {
	x.say("Counted %s %s (%s).", ymd(day.Date), joinComma(parts), fmtDur(total))
}

func (x enWording) pause(i int, p Pause, f pauseFact) {
	loc := x.e.loc
	end := "still paused"
	if !p.End.IsZero() {
		end = "to " + p.End.In(loc).Format("2006-01-02 15:04")
	}
	reason := ""
	if p.Reason != "" {
		reason = " (" + p.Reason + ")"
	}
	x.say("Pause %d (中止, 行政许可法 art. 45) from %s %s%s%s.", i, p.Start.In(loc).Format("2006-01-02 15:04"), end, reason, x.excluded(f))
}

// excluded says what a pause excluded.
func (x enWording) excluded(f pauseFact) string {
	switch f.what {
	case pauseLateTime:
		return ": excluded nothing (it began at or after Due)"
	case pauseTime:
		if x.r.Period.Unit == Workhours {
			return ": excluded " + fmtDur(f.dur) + " of working time"
		}
		return ": excluded " + fmtDur(f.dur)
	case pauseLateDays:
		return ": excluded nothing (it began at or after Due; a pause does not rescue a late case)"
	case pauseNoDay:
		return ": excluded no day"
	case pauseDays:
	default:
		return ""
	}
	unit := "working day"
	if !f.working {
		unit = "calendar day"
	}
	names := dates(f.names, ymd)
	switch {
	case f.n == 0:
		return fmt.Sprintf(": excluded no %s (%s..%s are not working days)", unit, ymd(f.from), ymd(f.to))
	case f.n > len(names):
		return fmt.Sprintf(": excluded %d %ss: %s, …", f.n, unit, joinComma(names))
	case f.n == 1:
		return fmt.Sprintf(": excluded 1 %s: %s", unit, names[0])
	default:
		return fmt.Sprintf(": excluded %d %ss: %s", f.n, unit, joinComma(names))
	}
}

func (x enWording) pausesExcluded() {
	o, r, e := x.o, x.r, x.e
	switch {
	case r.Period.Unit == Workdays:
		x.say("Pauses excluded %d working day(s) (pause on day P, resume on day R excludes %s; overlapping pauses are counted once).", o.excluded, resumeRange(e.c.ResumeDay))
	case r.Period.Unit.DayBased():
		x.say("Pauses excluded %d calendar day(s) (pause on day P, resume on day R excludes %s; overlapping pauses are counted once).", o.excluded, resumeRange(e.c.ResumeDay))
	default:
		x.say("Pauses excluded %s of counted time (the union of the pauses, not the sum).", fmtDur(o.excludedDur))
	}
}

func (x enWording) suspended() {
	o, r := x.o, x.r
	rem := fmt.Sprintf("%d working day(s)", o.remaining)
	switch {
	case !r.Period.Unit.DayBased():
		rem = o.remainingDur.String()
	case r.Period.Unit != Workdays:
		rem = fmt.Sprintf("%d calendar day(s)", o.remaining)
	}
	x.say("Paused since %s; the deadline is suspended and resumes when the case resumes, with %s of the period remaining.", o.since.Format("2006-01-02 15:04 MST"), rem)
}

func (x enWording) due() error {
	d := x.d
	switch {
	case !x.r.Period.Unit.DayBased():
		x.say("Due %s (exclusive instant %s).", d.LastDayString(), d.Due.Format(time.RFC3339))
	case x.e.c.EndOfDay == CloseOfBusiness:
		x.say("Due %s at close of business (民法典 art. 203; exclusive instant %s).", d.LastDayString(), d.Due.Format(time.RFC3339))
	default:
		x.say("Due %s (民法典 art. 203; exclusive instant %s).", d.LastDayString(), d.Due.Format(time.RFC3339))
	}
	return nil
}

func (x enWording) conventions() {
	c := x.e.c
	x.say("Conventions: end of day %s; receipt %s; same-day cutoff %s; resume day %s; calendar %s.",
		c.EndOfDay, c.Receipt, c.SameDayCutoff, c.ResumeDay, x.d.Calendar)
}

// provisional names the years whose days are not official.
func (x enWording) provisional(years []yearCert) {
	parts := make([]string, len(years))
	for i, y := range years {
		parts[i] = fmt.Sprintf("%d (%s)", y.year, y.cert)
	}
	x.say("Provisional: the days counted in %s are not from an official notice; the deadline may change when the State Council publishes the schedule.", joinComma(parts))
}

func resumeRange(r ResumeDay) string {
	if r == ResumeDayCounted {
		return "P+1..R-1"
	}
	return "P+1..R"
}

func joinComma(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// fmtDur renders a duration as "2h", "1h30m" or "45m" (seconds and below
// rounded down: business hours are whole minutes).
func fmtDur(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	default:
		return fmt.Sprintf("%dm", m)
	}
}
