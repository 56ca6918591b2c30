package deadline

import "fmt"

// Lang is the language of an explanation in words (Deadline.Explanation, and the status
// explanations of package sla). The zero value is English, so that existing callers keep the
// explanation they had.
type Lang uint8

// The languages of explanations.
const (
	// English: sentences with the Chinese terms and the legal basis in parentheses, and the
	// counting conventions named as the policy file names them — for staff and auditors.
	English Lang = iota
	// Chinese: plain sentences for a director or a citizen: every day counted or skipped and
	// why, every makeup working day (调休上班) counted, the same-day rule that applied, and the
	// statute where a rule of it is applied; no configuration names or calendar hashes.
	Chinese
)

// String returns "en" or "zh", the names ParseLang and the command-line tool's --lang take.
func (l Lang) String() string {
	switch l {
	case English:
		return "en"
	case Chinese:
		return "zh"
	}
	return fmt.Sprintf("Lang(%d)", uint8(l))
}

// ParseLang parses "en" or "zh".
func ParseLang(s string) (Lang, error) {
	switch s {
	case "en":
		return English, nil
	case "zh":
		return Chinese, nil
	}
	return English, fmt.Errorf("unknown language %q (want zh or en)", s)
}

// Chinese renders the period as offices write it in notices and explanations: "3个工作日",
// "当日" (0 working days, 即办), "15日", "1个月", "4个工作小时", "24小时".
func (p Period) Chinese() string {
	switch p.Unit {
	case Workdays:
		if p.Count == 0 {
			return "当日"
		}
		return fmt.Sprintf("%d个工作日", p.Count)
	case Days:
		return fmt.Sprintf("%d日", p.Count)
	case Months:
		return fmt.Sprintf("%d个月", p.Count)
	case Workhours:
		return fmt.Sprintf("%d个工作小时", p.Count)
	case Hours:
		return fmt.Sprintf("%d小时", p.Count)
	}
	return p.String()
}
