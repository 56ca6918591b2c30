package deadline

import (
	"strings"
	"unicode/utf8"
)

// sameDayWords are how a notice says "the same day": 当日办结, 即日办结, 当天办结. They mean
// the same-day period (0 workdays), whose end is set by the counting convention
// Counting.SameDayCutoff: due at the end of the acceptance day when accepted on a working day
// before the cutoff, otherwise at the end of the next working day.
var sameDayWords = map[string]bool{"当日": true, "即日": true, "当天": true}

// hanDigits are the Chinese numerals for 0-9 as offices write counts (两 in 两个月).
var hanDigits = map[rune]int{
	'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

// hanUnits are the numeral multipliers up to 万, enough for MaxPeriodCount.
var hanUnits = map[rune]int{'十': 10, '百': 100, '千': 1000, '万': 10000}

// leadingCount splits s into its count and the rest. The count is ASCII digits, full-width
// digits (３个工作日) or Chinese numerals (三, 十五, 二十, 一百零五, 两); digits are
// returned as they are (for the range check), numerals as their decimal value. ok is false
// when s starts with no count, and bad is set when the numerals are malformed (三三, 十十).
func leadingCount(s string) (digits, rest string, bad string, ok bool) {
	j := 0
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j > 0 {
		return s[:j], s[j:], "", true
	}
	var b strings.Builder
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if r < '０' || r > '９' {
			break
		}
		b.WriteByte(byte('0' + r - '０'))
		j += size
	}
	if j > 0 {
		return b.String(), s[j:], "", true
	}
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if _, d := hanDigits[r]; !d {
			if _, u := hanUnits[r]; !u {
				break
			}
		}
		j += size
	}
	if j == 0 {
		return "", s, "", false
	}
	n, why := hanNumber(s[:j])
	if why != "" {
		return "", s[j:], why, true
	}
	return itoa(n), s[j:], "", true
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

// hanNumber reads a Chinese numeral written the standard way: each digit followed by a
// smaller unit than the last (三百二十), 零 for a skipped place (一百零五), a leading 十 for
// 10-19 (十五), and 万 multiplying all before it. Anything else — two digits in a row
// (三三), units out of order (十百), a digit left after 百 or 千 without 零 (一百五, which
// people read as 150 and a strict reading as 105) — is refused with why, never guessed. The
// value is at most 9999·10000+9999 (one 万, no 亿), so it cannot overflow; the caller's range
// check reports anything above MaxPeriodCount.
func hanNumber(s string) (n int, why string) {
	total, section := 0, 0
	pending := -1 // a digit not yet multiplied by a unit
	lastUnit := 0 // the unit last applied in this section; 0 at its start
	afterZero := false
	first := true
	for _, r := range s {
		if d, ok := hanDigits[r]; ok {
			if pending > 0 {
				return 0, "two numerals in a row in " + quoteHan(s) + " (write e.g. 三十三 rather than 三三)"
			}
			if d == 0 {
				afterZero = true
				pending = -1
				first = false
				continue
			}
			pending = d
			first = false
			continue
		}
		u := hanUnits[r]
		if u == 10000 {
			if pending > 0 {
				section += pending
			}
			if section == 0 {
				return 0, "万 without a count before it in " + quoteHan(s)
			}
			if total > 0 {
				return 0, "万 twice in " + quoteHan(s)
			}
			// After 万 only smaller units follow, and a bare digit (一万五) is as ambiguous
			// as after 百.
			total, section, pending, lastUnit, afterZero = section*10000, 0, -1, 10000, false
			continue
		}
		if pending < 0 {
			if !(u == 10 && first) {
				return 0, "the unit " + string(r) + " needs a numeral before it in " + quoteHan(s)
			}
			pending = 1 // 十五: ten-something needs no 一
		}
		if lastUnit != 0 && u >= lastUnit {
			return 0, "units out of order in " + quoteHan(s)
		}
		section += pending * u
		pending, lastUnit, afterZero, first = -1, u, false, false
	}
	if pending > 0 {
		if lastUnit > 10 && !afterZero {
			return 0, quoteHan(s) + " is ambiguous (write " + quoteHan(s+string(unitName(lastUnit/10))) + " or put 零 before the last numeral)"
		}
		section += pending
	}
	return total + section, ""
}

func unitName(u int) rune {
	for r, v := range hanUnits {
		if v == u {
			return r
		}
	}
	return '十'
}

func quoteHan(s string) string { return "“" + s + "”" }

// cutWithin removes the 内 / 以内 ("within") that offices put after a limit (5个工作日内).
func cutWithin(unit string) string {
	for _, suffix := range []string{"以内", "内"} {
		if u, ok := strings.CutSuffix(unit, suffix); ok && strings.TrimSpace(u) != "" {
			return strings.TrimSpace(u)
		}
	}
	return unit
}
