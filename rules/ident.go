package rules

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// identRune reports whether expr's lexer keeps r inside an identifier: '_', '$', and any
// Unicode letter or digit, so that 原因, 申请人类型 and cause are all names rules can read.
// It mirrors the lexer of github.com/expr-lang/expr (parser/utils.IsAlphaNumeric); a test
// holds the two to the same answer over every rune class, so an upgrade of expr that changes
// its identifiers fails here rather than in a policy.
func identRune(r rune) bool {
	return r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// identProblem says why s is not a name expr reads as one identifier, or "" when it is.
// expr starts a number at an ASCII digit 0-9 only, so "3日" is refused while "三日" and
// "日3" are names; any other rune a name may not hold is named with its code point, so
// that a full-width space or a hyphen in a Chinese name can be found.
func identProblem(s string) string {
	if s == "" {
		return "it is empty"
	}
	if !utf8.ValidString(s) {
		return "it is not valid UTF-8"
	}
	if s[0] >= '0' && s[0] <= '9' {
		return fmt.Sprintf("it starts with the digit %q, where expr reads a number", s[:1])
	}
	for _, r := range s {
		if !identRune(r) {
			return fmt.Sprintf("%#U is not a letter, a digit, '_' or '$'", r)
		}
	}
	if s == "$env" {
		return "$env is expr's name for the whole input"
	}
	return ""
}

// isIdent reports whether s is a name expr reads as a single identifier.
func isIdent(s string) bool { return identProblem(s) == "" }

// idRune reports whether r may appear in a rule id: what a field name may hold, less '$',
// plus '.' and '-' for ids such as "legacy-or-bottleneck" and "r1.2".
func idRune(r rune) bool {
	return r == '_' || r == '.' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// ruleIDProblem says why s cannot be a rule id, or "" when it can. Rule ids are never read by
// expr, so they may start with a digit ("1日办结") and hold '.' and '-'.
func ruleIDProblem(s string) string {
	if !utf8.ValidString(s) {
		return "it is not valid UTF-8"
	}
	for _, r := range s {
		if !idRune(r) {
			return fmt.Sprintf("%#U is not a letter, a digit, '_', '.' or '-'", r)
		}
	}
	return ""
}

// IsID reports whether s is a valid id for a rule or a policy: not empty, and only letters and
// digits of any script (即办, T1, 十日) with '_', '.' and '-'. Package sla holds policy ids to
// it, so that ids are held to one alphabet.
func IsID(s string) bool { return s != "" && ruleIDProblem(s) == "" }
