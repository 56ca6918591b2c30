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
