package deadline

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/shixian-go/shixian/internal/textform"
)

// MaxPeriodCount is the largest Count a Period may have. It bounds every
// computation (10000 working days is about 40 years, beyond the calendar's
// range anyway) and keeps hour arithmetic far from time.Duration overflow.
const MaxPeriodCount = 10000

// Unit is the unit a Period is counted in. The zero value is not a valid unit.
type Unit uint8

// The units of a Period. Day-based units (Workdays, Days, Months) count whole
// civil dates in the calendar's location; hour-based units count time.
const (
	// Workdays is "N个工作日": working days of the calendar (makeup weekend days
	// count, holidays and ordinary weekends do not; 行政许可法 art. 82).
	Workdays Unit = iota + 1
	// Days is "N日": calendar days (民法典 arts. 201, 203): holidays inside the
	// period are not deducted, a last day that is not a working day rolls forward.
	Days
	// Months is "N个月": the corresponding date N months later, or the last day
	// of that month when it has no such date (民法典 arts. 202, 203).
	Months
	// Workhours is working hours on the configured business hours of working days.
	Workhours
	// Hours is calendar hours (民法典 art. 201(2)).
	Hours
)

var unitNames = [...]string{"", "workdays", "days", "months", "workhours", "hours"}

// String returns "workdays", "days", "months", "workhours" or "hours", or
// "unit(N)" for an invalid value.
func (u Unit) String() string {
	if u >= Workdays && u <= Hours {
		return unitNames[u]
	}
	return "unit(" + strconv.Itoa(int(u)) + ")"
}

// valid reports whether u is one of the declared units.
func (u Unit) valid() bool { return u >= Workdays && u <= Hours }

// DayBased reports whether u counts civil dates (as opposed to time).
func (u Unit) DayBased() bool { return u == Workdays || u == Days || u == Months }

// Period is a time limit such as "3 workdays" or "10日". Count >= 0; a Count
// of 0 is allowed only with Workdays and means same-day handling (即办). The
// zero value (Count 0, Unit 0) is "no period" and is not valid for computing
// a deadline. Period is a plain value and safe for concurrent use.
type Period struct {
	Count int
	Unit  Unit
}

// Validate reports whether p can be used to compute a deadline: a known unit,
// 0 <= Count <= MaxPeriodCount, and Count 0 only with Workdays.
func (p Period) Validate() error {
	if !p.Unit.valid() {
		if p.IsZero() {
			return fmt.Errorf("empty period (want e.g. \"3 workdays\")")
		}
		return fmt.Errorf("period has unknown unit %d (want workdays, days, months, workhours or hours)", p.Unit)
	}
	if p.Count < 0 {
		return fmt.Errorf("period %d %s is negative", p.Count, p.Unit)
	}
	if p.Count > MaxPeriodCount {
		return fmt.Errorf("period %d %s exceeds the maximum %d", p.Count, p.Unit, MaxPeriodCount)
	}
	if p.Count == 0 && p.Unit != Workdays {
		return fmt.Errorf("period 0 %s is not allowed (only \"0 workdays\", same-day handling, may be zero)", p.Unit)
	}
	return nil
}

// String returns the canonical English form: "1 workday", "3 workdays",
// "0 workdays", "10 days", "1 month", "2 workhours", "24 hours". ParsePeriod
// accepts it back. The zero Period prints as "".
func (p Period) String() string {
	if p.IsZero() {
		return ""
	}
	name := p.Unit.String()
	if p.Count == 1 && p.Unit.valid() {
		name = strings.TrimSuffix(name, "s")
	}
	return strconv.Itoa(p.Count) + " " + name
}

// IsZero reports whether p is the zero Period (no period at all). Note that
// "0 workdays" is not zero: it is the same-day period.
func (p Period) IsZero() bool { return p == Period{} }

// MarshalText encodes p as String does; an invalid period is an error.
func (p Period) MarshalText() ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return []byte(p.String()), nil
}

// UnmarshalText decodes what ParsePeriod accepts. On error *p is unchanged.
func (p *Period) UnmarshalText(b []byte) error { return textform.Unmarshal(p, b, ParsePeriod) }

// periodUnitWords maps every accepted unit spelling to its unit. English words
// are matched case-insensitively; singular and plural are both accepted
// whatever the count, because policy authors write "1 workdays" too.
var periodUnitWords = map[string]Unit{
	"workday": Workdays, "workdays": Workdays, "working day": Workdays, "working days": Workdays,
	"个工作日": Workdays, "工作日": Workdays,
	"day": Days, "days": Days, "日": Days, "天": Days,
	"month": Months, "months": Months, "个月": Months, "月": Months,
	"workhour": Workhours, "workhours": Workhours, "working hour": Workhours, "working hours": Workhours,
	"个工作小时": Workhours, "工作小时": Workhours,
	"hour": Hours, "hours": Hours, "小时": Hours, "个小时": Hours,
}

// ParsePeriod parses a period written in English ("1 workday", "3 workdays",
// "0 workdays", "10 days", "1 month", "2 workhours", "24 hours") or Chinese
// ("3个工作日", "10日", "10天", "1个月", "2个工作小时", "24小时") as offices
// write it: the count may be Chinese numerals (三个工作日, 十五日, 一个月, 两个月,
// 二十个工作日) or full-width digits (３个工作日), and a trailing 内 or 以内
// ("within": 5个工作日内) is dropped. 当日, 即日 and 当天 are the same-day period,
// "0 workdays", which Counting.SameDayCutoff ends. Surrounding spaces are
// ignored; the count is a non-negative integer of at most MaxPeriodCount.
// Malformed numerals (三三, 一百五, which readers take as 150 and a strict
// reading as 105) are refused rather than guessed. Errors quote the input and
// say what was expected, e.g.
//
//	sla: invalid period "3 wrkdays": unknown unit "wrkdays" (want workdays, days, months, workhours or hours)
func ParsePeriod(s string) (Period, error) {
	in := strings.TrimSpace(s)
	fail := func(format string, args ...any) (Period, error) {
		return Period{}, fmt.Errorf("invalid period %q: %s", s, fmt.Sprintf(format, args...))
	}
	if in == "" {
		return fail("empty (want a count and a unit, e.g. \"3 workdays\" or \"3个工作日\")")
	}
	if sameDayWords[cutWithin(in)] {
		return Period{Count: 0, Unit: Workdays}, nil
	}
	i := 0
	neg := false
	if in[0] == '-' || in[0] == '+' {
		neg = in[0] == '-'
		i = 1
	}
	digits, rest, bad, ok := leadingCount(in[i:])
	if !ok {
		return fail("missing count (want a count and a unit, e.g. \"3 workdays\", \"3个工作日\" or \"三个工作日\")")
	}
	if bad != "" {
		return fail("%s", bad)
	}
	unitText := cutWithin(strings.TrimSpace(rest))
	if neg {
		return fail("negative count")
	}
	trimmed := strings.TrimLeft(digits, "0")
	if len(trimmed) > 6 {
		return fail("count %s exceeds the maximum %d", digits, MaxPeriodCount)
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return fail("bad count %q", digits)
	}
	if n > MaxPeriodCount {
		return fail("count %d exceeds the maximum %d", n, MaxPeriodCount)
	}
	if unitText == "" {
		return fail("missing unit (want workdays, days, months, workhours or hours)")
	}
	key := strings.ToLower(strings.Join(strings.FieldsFunc(unitText, unicode.IsSpace), " "))
	u, ok := periodUnitWords[key]
	if !ok {
		return fail("unknown unit %q (want workdays, days, months, workhours or hours)", unitText)
	}
	p := Period{Count: n, Unit: u}
	if n == 0 && u != Workdays {
		return fail("0 %s is not allowed (only \"0 workdays\", same-day handling, may be zero)", u)
	}
	return p, nil
}
