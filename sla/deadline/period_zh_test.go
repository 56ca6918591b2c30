package deadline_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla/deadline"
)

func TestParsePeriodAsOfficesWriteIt(t *testing.T) {
	days := func(n int) deadline.Period { return deadline.Period{Count: n, Unit: deadline.Days} }
	months := func(n int) deadline.Period { return deadline.Period{Count: n, Unit: deadline.Months} }
	for _, tc := range []struct {
		name, in string
		want     deadline.Period
	}{
		{"three working days in Chinese numerals", "三个工作日", coreWD(3)},
		{"ten working days", "十个工作日", coreWD(10)},
		{"one month", "一个月", months(1)},
		{"fifteen days: a leading 十 needs no 一", "十五日", days(15)},
		{"two months with 两", "两个月", months(2)},
		{"twenty working days", "二十个工作日", coreWD(20)},
		{"a hundred and five days with 零 for the skipped place", "一百零五日", days(105)},
		{"a hundred and ten days", "一百一十日", days(110)},
		{"ten thousand working days, the largest count", "一万个工作日", coreWD(10000)},
		{"arabic count with 内 (within)", "5个工作日内", coreWD(5)},
		{"Chinese count with 以内", "三个工作日以内", coreWD(3)},
		{"a space between count and unit", "3 个工作日内", coreWD(3)},
		{"full-width digits", "３个工作日", coreWD(3)},
		{"full-width digits, two of them", "１５日", days(15)},
		{"当日 is the same-day period", "当日", coreWD(0)},
		{"即日 is the same-day period", "即日", coreWD(0)},
		{"当天 is the same-day period", "当天", coreWD(0)},
		{"当日内 is the same-day period too", "当日内", coreWD(0)},
		{"零个工作日 is the same-day period", "零个工作日", coreWD(0)},
		{"seven days with 天", "七天", days(7)},
		{"working hours", "四个工作小时", deadline.Period{Count: 4, Unit: deadline.Workhours}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := deadline.ParsePeriod(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p)
			q, err := deadline.ParsePeriod(p.String())
			require.NoError(t, err)
			assert.Equal(t, p, q, "the canonical form reads back the same")
		})
	}
}

func TestParsePeriodRefusesMalformedChineseCounts(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"two numerals in a row are not a number", "三三个工作日", "two numerals in a row"},
		{"units out of order", "二十三百日", "units out of order"},
		{"a unit twice", "十十日", "the unit 十 needs a numeral before it"},
		{"一百五 is read as 150 by people and 105 by rule: refused, not guessed", "一百五日", "is ambiguous (write “一百五十”"},
		{"一万五 likewise", "一万五日", "is ambiguous (write “一万五千”"},
		{"a unit with nothing before it", "百日", "needs a numeral before it"},
		{"above the maximum", "两万日", "count 20000 exceeds the maximum 10000"},
		{"a limit without a count", "个工作日", "missing count"},
		{"内 alone is no unit", "三内", `unknown unit "内"`},
		{"0 days in numerals", "零日", "0 days is not allowed"},
		{"an unknown unit after numerals", "三周", `unknown unit "周"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := deadline.ParsePeriod(tc.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), tc.in, "the error quotes the input")
		})
	}
}
