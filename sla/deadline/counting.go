package deadline

import (
	"fmt"
	"strings"

	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/internal/textform"
)

// EndOfDay says when the last day of a day-based period ends.
type EndOfDay uint8

const (
	// Midnight: the last day ends at 24:00 (民法典 art. 203 "期间的最后一日的截止时间为二十四时").
	Midnight EndOfDay = iota
	// CloseOfBusiness: the last day ends when business stops, i.e. at the end of the
	// last business-hours span (民法典 art. 203 "有业务时间的，停止业务活动的时间为截止时间").
	CloseOfBusiness
)

// Receipt says how a case received on a non-working day is counted.
type Receipt uint8

const (
	// ReceiptLiteral counts from the actual receipt date: day 1 is the next working day.
	ReceiptLiteral Receipt = iota
	// ReceiptNextWorkday deems the case received on the next working day; counting starts the day after that.
	ReceiptNextWorkday
)

// ResumeDay says whether the day a pause ends on is counted.
type ResumeDay uint8

const (
	// ResumeDayExcluded: pausing on day P and resuming on day R excludes working days P+1..R.
	ResumeDayExcluded ResumeDay = iota
	// ResumeDayCounted: pausing on day P and resuming on day R excludes working days P+1..R-1.
	ResumeDayCounted
)

// The policy-file spellings of the counting settings; textform.Enum prints, parses and
// checks them.
var (
	endOfDayNames  = textform.Enum[EndOfDay]{Kind: "end_of_day", Words: []string{"24:00", "close_of_business"}}
	receiptNames   = textform.Enum[Receipt]{Kind: "receipt", Words: []string{"literal", "next_workday"}}
	resumeDayNames = textform.Enum[ResumeDay]{Kind: "resume_day", Words: []string{"excluded", "counted"}}
)

// String returns "24:00" or "close_of_business".
func (e EndOfDay) String() string { return endOfDayNames.String(e) }

// String returns "literal" or "next_workday".
func (r Receipt) String() string { return receiptNames.String(r) }

// String returns "excluded" or "counted".
func (r ResumeDay) String() string { return resumeDayNames.String(r) }

// ParseEndOfDay parses "24:00" or "close_of_business".
func ParseEndOfDay(s string) (EndOfDay, error) { return endOfDayNames.Parse(s) }

// ParseReceipt parses "literal" or "next_workday".
func ParseReceipt(s string) (Receipt, error) { return receiptNames.Parse(s) }

// ParseResumeDay parses "excluded" or "counted".
func ParseResumeDay(s string) (ResumeDay, error) { return resumeDayNames.Parse(s) }

// MarshalText encodes e as String does.
func (e EndOfDay) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText decodes what ParseEndOfDay accepts. On error *e is unchanged.
func (e *EndOfDay) UnmarshalText(b []byte) error { return textform.Unmarshal(e, b, ParseEndOfDay) }

// MarshalText encodes r as String does.
func (r Receipt) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes what ParseReceipt accepts. On error *r is unchanged.
func (r *Receipt) UnmarshalText(b []byte) error { return textform.Unmarshal(r, b, ParseReceipt) }

// MarshalText encodes r as String does.
func (r ResumeDay) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes what ParseResumeDay accepts. On error *r is unchanged.
func (r *ResumeDay) UnmarshalText(b []byte) error { return textform.Unmarshal(r, b, ParseResumeDay) }

// MaxSpans bounds Counting.BusinessHours.
const MaxSpans = 48

// Counting holds the counting conventions that a policy may
// choose. The zero value is NOT valid (it has no business hours): start from
// DefaultCounting() and change fields. A Counting is a value; the functions of
// this package never modify it or its BusinessHours slice, so one Counting may
// be shared by concurrent goroutines as long as nobody writes to it.
type Counting struct {
	// EndOfDay (convention 2): when the last day of a day-based period ends. Default Midnight.
	EndOfDay EndOfDay
	// BusinessHours (convention 7, and close of business, convention 2): the business-hours spans of
	// every working day, wall clock in the calendar's location, sorted and
	// non-overlapping. Default 09:00-12:00 and 13:30-17:30.
	BusinessHours []Span
	// Receipt (convention 3): receipt on a non-working day, for day-based periods
	// (hour periods start at the next business hour anyway). Default ReceiptLiteral.
	Receipt Receipt
	// SameDayCutoff (convention 4): a same-day (0 workdays, 即办) case accepted on a
	// working day strictly before this wall-clock time is due at the end of
	// that day; otherwise at the end of the next working day. 24:00 means any
	// time of a working day qualifies. Default 16:00.
	SameDayCutoff ClockTime
	// ResumeDay (convention 8): whether the resume day of a pause counts. Default ResumeDayExcluded.
	ResumeDay ResumeDay
}

// DefaultCounting returns the default conventions: 24:00 end of day (民法典
// art. 203), business hours 09:00-12:00 and 13:30-17:30, literal receipt,
// same-day cutoff 16:00, resume day excluded, late extensions rejected,
// reclassification from acceptance. Each call returns a fresh BusinessHours
// slice.
func DefaultCounting() Counting {
	return Counting{
		EndOfDay: Midnight,
		BusinessHours: []Span{
			{Start: ClockTime{9, 0}, End: ClockTime{12, 0}},
			{Start: ClockTime{13, 30}, End: ClockTime{17, 30}},
		},
		Receipt:       ReceiptLiteral,
		SameDayCutoff: ClockTime{16, 0},
		ResumeDay:     ResumeDayExcluded,
	}
}

// Validate reports the first problem with c: an unknown enum value, no
// business hours (at least one span is always required: close of business,
// working-hour periods and explanations need it), more than MaxSpans spans, a
// span that is empty, reversed, starts at 24:00, or is out of order or
// overlaps the previous one, or an invalid same-day cutoff.
func (c Counting) Validate() error {
	if !endOfDayNames.Known(c.EndOfDay) {
		return fmt.Errorf("invalid end_of_day %d", c.EndOfDay)
	}
	if !receiptNames.Known(c.Receipt) {
		return fmt.Errorf("invalid receipt %d", c.Receipt)
	}
	if !resumeDayNames.Known(c.ResumeDay) {
		return fmt.Errorf("invalid resume_day %d", c.ResumeDay)
	}
	if len(c.BusinessHours) == 0 {
		return fmt.Errorf("business_hours is empty (want at least one span, e.g. 09:00-12:00; the zero Counting is not valid, start from DefaultCounting())")
	}
	if len(c.BusinessHours) > MaxSpans {
		return fmt.Errorf("business_hours has %d spans (at most %d)", len(c.BusinessHours), MaxSpans)
	}
	for i, s := range c.BusinessHours {
		if err := s.validate(); err != nil {
			return diag.Errorf("", "business_hours[%d]: %w", i, err)
		}
		if i > 0 && s.Start.offset() < c.BusinessHours[i-1].End.offset() {
			return fmt.Errorf("business_hours[%d] %s starts before business_hours[%d] %s ends (spans must be sorted and must not overlap)",
				i, s, i-1, c.BusinessHours[i-1])
		}
	}
	if !c.SameDayCutoff.valid() {
		return fmt.Errorf("invalid same_day_cutoff %02d:%02d (want 00:00..24:00)", c.SameDayCutoff.Hour, c.SameDayCutoff.Minute)
	}
	return nil
}

// Conventions lists the conventions in force as sentences naming their legal
// basis, for explanations and reports. The order is stable.
func (c Counting) Conventions() []string {
	out := make([]string, 0, 8)
	out = append(out,
		"Working-day periods (N个工作日): the acceptance day is not counted; day 1 is the first working day after it (民法典 art. 201; 行政许可法 art. 82); makeup working days (调休上班) count, holidays and weekends do not.",
		"Calendar-day and month periods: holidays inside the period are not deducted; a last day that is not a working day moves to the next working day (民法典 arts. 202, 203).")
	switch c.EndOfDay {
	case CloseOfBusiness:
		cob := "close of business"
		if len(c.BusinessHours) > 0 {
			cob = c.BusinessHours[len(c.BusinessHours)-1].End.String()
		}
		out = append(out, "End of day: the last day ends at close of business, "+cob+" (民法典 art. 203: 有业务时间的，停止业务活动的时间为截止时间).")
	default:
		out = append(out, "End of day: the last day ends at 24:00 (民法典 art. 203).")
	}
	switch c.Receipt {
	case ReceiptNextWorkday:
		out = append(out, "Receipt on a non-working day: deemed received on the next working day; counting starts the day after that.")
	default:
		out = append(out, "Receipt on a non-working day: counted from the actual receipt date; day 1 is the next working day.")
	}
	out = append(out, "Same-day (即办) cases: due at the end of the acceptance day when accepted on a working day before "+c.SameDayCutoff.String()+", otherwise at the end of the next working day.")
	spans := make([]string, len(c.BusinessHours))
	for i, s := range c.BusinessHours {
		spans[i] = s.String()
	}
	out = append(out, "Working-hour periods walk the business hours "+strings.Join(spans, ", ")+" of working days only (民法典 art. 201(2): counting starts at the set hour).")
	switch c.ResumeDay {
	case ResumeDayCounted:
		out = append(out, "Pauses (中止, 行政许可法 art. 45): pausing on day P and resuming on day R excludes working days P+1..R-1 (the resume day counts); overlapping pauses exclude their union.")
	default:
		out = append(out, "Pauses (中止, 行政许可法 art. 45): pausing on day P and resuming on day R excludes working days P+1..R (the resume day does not count); overlapping pauses exclude their union.")
	}
	return out
}
