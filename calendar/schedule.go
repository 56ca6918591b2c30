package calendar

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
)

// Schedule is one loaded holiday schedule, e.g. next year's notice once it is
// published, or an amendment such as the 2020 extension.
//
// Applying a schedule (WithSchedule): for each year in Years, every day of
// that calendar year is reset to ordinary (Workday/RestDay by weekday) with
// the schedule's certainty, then its Entries are applied. Entries dated
// outside Years (late-December days set by the next year's notice, e.g.
// 2005-12-31 belongs to the 2006 notice) are applied to those dates
// individually, on top of what the calendar has for that year. Because a
// whole year is reset, load schedules in chronological order: loading the
// 2018 notice after the 2019 one would erase 2018-12-29..31, which the 2019
// notice set.
//
// The parsers put such days outside Years: ParseHolidayCN by the file's
// year, ParseCSV by the rule it documents (a year with rows only after
// December 20, in a file that also has rows of the next year, is not
// determined), and (*Notice).Schedule by the notice's year. So the CSV of
// the 2019 notice (which sets 2018-12-29 as a makeup working day and
// 2018-12-30..31 off) determines 2019 only and keeps 2018's holidays.
//
// A Schedule is plain data; the calendar copies what it needs, so the
// caller may reuse or modify it after New/Derive returns.
type Schedule struct {
	// Name is the file name or URL it came from (used in errors, and as the
	// Notice of ordinary days when the certainty is not Official).
	Name string
	// Years are the calendar years this schedule fully determines (sorted).
	Years []int
	// Certainty is given to every day the schedule touches.
	Certainty Certainty
	// Entries are the non-ordinary days, sorted by date.
	Entries []Entry
}

// Entry is one non-ordinary date of a Schedule.
type Entry struct {
	// Date is the civil date; only its Y-M-D in its own location is used
	// (00:00 UTC+8 is the convention of the parsers).
	Date time.Time
	// Kind is Holiday or MakeupWorkday.
	Kind DayKind
	// Holiday is the English key, e.g. spring_festival.
	Holiday string
	// HolidayZh is the Chinese name, e.g. 春节.
	HolidayZh string
	// Notice is the document that set this date.
	Notice string
}

// lateDecember is the last December day that makes a CSV row count for its
// own year: rows after it, in a file that has rows of the next year, are the
// next year's 元旦 days (see ParseCSV). A 元旦 break and its makeup days reach
// back at most to the last days of December.
const lateDecember = 20

// csvHeader is the exact header of the reference CSV format.
const csvHeader = "date,kind,holiday,name_zh,notice"

// ParseCSV parses the schedule CSV format (the embedded calendar/data/cn-holidays.csv): header
// exactly `date,kind,holiday,name_zh,notice`, RFC 4180 quoting, one row per
// date, kind `off` (→ Holiday) or `makeup` (→ MakeupWorkday), date
// YYYY-MM-DD. Every day gets the given certainty. Errors name `name:line`.
// data is not retained or modified.
//
// Years (the years the file fully determines, see Schedule) is every
// calendar year with at least one row, except a year whose rows all fall
// after December 20 while the file also has rows of the next year: those
// rows are the next year's 元旦 days, set by the next year's notice (the
// 2019 notice sets 2018-12-29..31), and apply on top of that year instead of
// resetting it. Without this rule the CSV of one notice, as printed by
// `shixian calendar import-notice --format csv`, would silently erase the
// holidays of the year before. A file of whole years (the embedded one) has
// rows from January in every year and determines them all; a year whose
// only rows are in late December and that is the last year of the file is
// determined as before.
func ParseCSV(name string, data []byte, certainty Certainty) (*Schedule, error) {
	if !certainty.valid() {
		return nil, fmt.Errorf("calendar: %s: invalid certainty %d", name, uint8(certainty))
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // checked below with a better message
	r.ReuseRecord = false
	loc := CST()
	s := &Schedule{Name: name, Certainty: certainty}
	seen := map[int64]int{} // day number → line
	// years: true when the year has a row before December 21 (see above),
	// false when all its rows so far are later.
	years := map[int]bool{}
	first := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("calendar: %s:%d: %v", name, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("calendar: %s: %v", name, err)
		}
		line, _ := r.FieldPos(0) // only valid after a successful Read
		if first {
			first = false
			got := strings.Join(rec, ",")
			if got != csvHeader && strings.TrimPrefix(got, "\ufeff") != csvHeader {
				return nil, fmt.Errorf("calendar: %s:%d: header is %q, want %q", name, line, got, csvHeader)
			}
			continue
		}
		if len(rec) != 5 {
			return nil, fmt.Errorf("calendar: %s:%d: %d fields, want 5 (%s)", name, line, len(rec), csvHeader)
		}
		y, m, d, err := parseYMD(rec[0])
		if err != nil {
			return nil, fmt.Errorf("calendar: %s:%d: field date: %v", name, line, err)
		}
		var kind DayKind
		switch rec[1] {
		case "off":
			kind = Holiday
		case "makeup":
			kind = MakeupWorkday
		default:
			return nil, fmt.Errorf("calendar: %s:%d: field kind: %q is not off or makeup", name, line, rec[1])
		}
		dn := daysFromCivil(int64(y), m, d)
		if kind == MakeupWorkday && !isWeekend(dn) {
			return nil, fmt.Errorf("calendar: %s:%d: %s is a makeup working day but falls on a %s (a makeup day must be a Saturday or Sunday)",
				name, line, rec[0], weekdayOf(dn))
		}
		if prev, dup := seen[dn]; dup {
			return nil, fmt.Errorf("calendar: %s:%d: duplicate date %s (first on line %d)", name, line, rec[0], prev)
		}
		seen[dn] = line
		years[y] = years[y] || m < 12 || d <= lateDecember
		s.Entries = append(s.Entries, Entry{
			Date:      time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc),
			Kind:      kind,
			Holiday:   rec[2],
			HolidayZh: rec[3],
			Notice:    rec[4],
		})
	}
	if first {
		return nil, fmt.Errorf("calendar: %s: empty file (want header %q)", name, csvHeader)
	}
	if len(s.Entries) == 0 {
		return nil, fmt.Errorf("calendar: %s: no rows after the header", name)
	}
	for y, early := range years {
		if _, next := years[y+1]; early || !next {
			s.Years = append(s.Years, y)
		}
	}
	slices.Sort(s.Years)
	slices.SortStableFunc(s.Entries, func(a, b Entry) int { return a.Date.Compare(b.Date) })
	return s, nil
}

// holidayCNFile is the JSON layout of NateScarlet/holiday-cn.
type holidayCNFile struct {
	Year   *int     `json:"year"`
	Papers []string `json:"papers"`
	Days   []struct {
		Name     string `json:"name"`
		Date     string `json:"date"`
		IsOffDay *bool  `json:"isOffDay"`
	} `json:"days"`
}

// holidayKey derives the English key of a Chinese holiday name: the known
// names map to the fixed keys; an ASCII name becomes a lowercase slug; any
// other name is kept as is.
func holidayKey(zh string) string {
	// A switch rather than a map keeps the table immutable.
	switch zh {
	case "元旦":
		return "new_year"
	case "春节":
		return "spring_festival"
	case "清明节", "清明":
		return "tomb_sweeping"
	case "劳动节", "五一":
		return "labour_day"
	case "端午节", "端午":
		return "dragon_boat"
	case "中秋节", "中秋":
		return "mid_autumn"
	case "国庆节", "十一":
		return "national_day"
	case "国庆节、中秋节", "中秋节、国庆节":
		return "national_day_mid_autumn"
	case "抗日战争暨世界反法西斯战争胜利70周年纪念日":
		return "anti_fascist_70th"
	}
	ascii := true
	for i := 0; i < len(zh); i++ {
		if zh[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		return zh
	}
	var b strings.Builder
	lastUnderscore := false
	for _, r := range strings.ToLower(zh) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			lastUnderscore = false
		} else if !lastUnderscore && b.Len() > 0 {
			b.WriteByte('_')
			lastUnderscore = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// ParseHolidayCN parses one NateScarlet/holiday-cn JSON file
// ({"year":2026,"papers":["https://…"],"days":[{"name":"元旦","date":"2026-01-01","isOffDay":true},…]}).
// The result has Certainty Official, Years = [year], and every entry's
// Notice = the papers joined by " ". isOffDay:true → Holiday;
// isOffDay:false on a Saturday/Sunday → MakeupWorkday. isOffDay:false on a
// Monday–Friday is skipped silently: such a day is a working day anyway, and
// holiday-cn publishes one (2020-02-03, from "2月3日起正常上班").
//
// It rejects the empty placeholder that holiday-cn publishes for next year
// before the notice exists (papers or days empty), malformed JSON (naming
// the line and column), bad dates and duplicate dates.
func ParseHolidayCN(name string, data []byte) (*Schedule, error) {
	var f holidayCNFile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			// Offset is just past the offending byte; point at the byte itself.
			l, c := diag.LineColumn(data, int(se.Offset-1))
			return nil, fmt.Errorf("calendar: %s:%d:%d: malformed JSON (offset %d): %v", name, l, c, se.Offset, err)
		case errors.As(err, &te):
			l, c := diag.LineColumn(data, int(te.Offset))
			return nil, fmt.Errorf("calendar: %s:%d:%d: malformed holiday-cn JSON (offset %d): %v", name, l, c, te.Offset, err)
		}
		return nil, fmt.Errorf("calendar: %s: malformed holiday-cn JSON: %v", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("calendar: %s: trailing data after the JSON object", name)
	}
	if f.Year == nil {
		return nil, fmt.Errorf("calendar: %s: field year is missing", name)
	}
	year := *f.Year
	if year < firstYear || year > lastYear {
		return nil, fmt.Errorf("calendar: %s: field year: %d is outside %d..%d", name, year, firstYear, lastYear)
	}
	if len(f.Papers) == 0 || len(f.Days) == 0 {
		return nil, fmt.Errorf("calendar: %s: year %d is the empty placeholder holiday-cn publishes before the State Council notice (papers: %d, days: %d); no schedule is known yet",
			name, year, len(f.Papers), len(f.Days))
	}
	notice := strings.Join(f.Papers, " ")
	loc := CST()
	s := &Schedule{Name: name, Years: []int{year}, Certainty: Official}
	seen := map[int64]int{}
	for i, d := range f.Days {
		y, m, dd, err := parseYMD(d.Date)
		if err != nil {
			return nil, fmt.Errorf("calendar: %s: days[%d] (%q): field date: %v", name, i, d.Name, err)
		}
		if d.IsOffDay == nil {
			return nil, fmt.Errorf("calendar: %s: days[%d] (%s): field isOffDay is missing", name, i, d.Date)
		}
		dn := daysFromCivil(int64(y), m, dd)
		if prev, dup := seen[dn]; dup {
			return nil, fmt.Errorf("calendar: %s: days[%d]: duplicate date %s (first at days[%d])", name, i, d.Date, prev)
		}
		seen[dn] = i
		kind := Holiday
		if !*d.IsOffDay {
			if !isWeekend(dn) {
				continue // a weekday is a working day anyway (holiday-cn 2020-02-03 artefact)
			}
			kind = MakeupWorkday
		}
		s.Entries = append(s.Entries, Entry{
			Date:      time.Date(y, time.Month(m), dd, 0, 0, 0, 0, loc),
			Kind:      kind,
			Holiday:   holidayKey(d.Name),
			HolidayZh: d.Name,
			Notice:    notice,
		})
	}
	slices.SortStableFunc(s.Entries, func(a, b Entry) int { return a.Date.Compare(b.Date) })
	return s, nil
}

// parseYMD parses a strict YYYY-MM-DD date and checks it is a real date.
func parseYMD(s string) (y, m, d int, err error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, fmt.Errorf("%q is not a YYYY-MM-DD date", s)
	}
	num := func(p string) (int, bool) {
		n := 0
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return 0, false
			}
			n = n*10 + int(p[i]-'0')
		}
		return n, true
	}
	var ok1, ok2, ok3 bool
	y, ok1 = num(s[0:4])
	m, ok2 = num(s[5:7])
	d, ok3 = num(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, 0, fmt.Errorf("%q is not a YYYY-MM-DD date", s)
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, fmt.Errorf("%q is not a valid date", s)
	}
	return y, m, d, nil
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
