package deadline_test

import (
	"encoding"
	"testing"

	"github.com/shixian-go/shixian/sla/deadline"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	_ encoding.TextMarshaler   = deadline.Period{}
	_ encoding.TextUnmarshaler = (*deadline.Period)(nil)
)

func TestParsePeriod(t *testing.T) {
	good := []struct {
		in    string
		want  deadline.Period
		canon string
	}{
		{"1 workday", coreWD(1), "1 workday"},
		{"3 workdays", coreWD(3), "3 workdays"},
		{"0 workdays", coreWD(0), "0 workdays"},
		{"  10 workdays  ", coreWD(10), "10 workdays"},
		{"1 workdays", coreWD(1), "1 workday"},
		{"3 Workdays", coreWD(3), "3 workdays"},
		{"3 working days", coreWD(3), "3 workdays"},
		{"10 days", deadline.Period{Count: 10, Unit: deadline.Days}, "10 days"},
		{"1 day", deadline.Period{Count: 1, Unit: deadline.Days}, "1 day"},
		{"1 month", deadline.Period{Count: 1, Unit: deadline.Months}, "1 month"},
		{"2 months", deadline.Period{Count: 2, Unit: deadline.Months}, "2 months"},
		{"2 workhours", deadline.Period{Count: 2, Unit: deadline.Workhours}, "2 workhours"},
		{"1 workhour", deadline.Period{Count: 1, Unit: deadline.Workhours}, "1 workhour"},
		{"24 hours", deadline.Period{Count: 24, Unit: deadline.Hours}, "24 hours"},
		{"1 hour", deadline.Period{Count: 1, Unit: deadline.Hours}, "1 hour"},
		{"3个工作日", coreWD(3), "3 workdays"},
		{"0个工作日", coreWD(0), "0 workdays"},
		{"10日", deadline.Period{Count: 10, Unit: deadline.Days}, "10 days"},
		{"10天", deadline.Period{Count: 10, Unit: deadline.Days}, "10 days"},
		{"1个月", deadline.Period{Count: 1, Unit: deadline.Months}, "1 month"},
		{"2个工作小时", deadline.Period{Count: 2, Unit: deadline.Workhours}, "2 workhours"},
		{"24小时", deadline.Period{Count: 24, Unit: deadline.Hours}, "24 hours"},
		{"10000 workdays", coreWD(10000), "10000 workdays"},
		{"003 workdays", coreWD(3), "3 workdays"},
	}
	for _, tc := range good {
		t.Run(tc.in, func(t *testing.T) {
			p, err := deadline.ParsePeriod(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p)
			assert.Equal(t, tc.canon, p.String())
			assert.NoError(t, p.Validate())
			b, err := p.MarshalText()
			require.NoError(t, err)
			var q deadline.Period
			require.NoError(t, q.UnmarshalText(b))
			assert.Equal(t, p, q)
		})
	}
	bad := []struct{ in, want string }{
		{"3 wrkdays", `invalid period "3 wrkdays": unknown unit "wrkdays" (want workdays, days, months, workhours or hours)`},
		{"", `invalid period "": empty`},
		{"workdays", `missing count`},
		{"3", `missing unit`},
		{"-3 workdays", `negative count`},
		{"10001 workdays", `count 10001 exceeds the maximum 10000`},
		{"99999999999999999999999 days", `exceeds the maximum 10000`},
		{"0 days", `0 days is not allowed`},
		{"0 hours", `0 hours is not allowed`},
		{"0个月", `0 months is not allowed`},
		{"3.5 days", `unknown unit ".5 days"`},
		{"3 工作周", `unknown unit "工作周"`},
	}
	for _, tc := range bad {
		t.Run("bad "+tc.in, func(t *testing.T) {
			_, err := deadline.ParsePeriod(tc.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	var p deadline.Period
	require.Error(t, p.UnmarshalText([]byte("3 wrkdays")))
	assert.True(t, p.IsZero(), "a failed UnmarshalText leaves the value unchanged")
	_, err := deadline.Period{Count: 0, Unit: deadline.Days}.MarshalText()
	assert.Error(t, err)
	assert.False(t, coreWD(0).IsZero(), "0 workdays (same-day) is a period, not the zero value")
	assert.Equal(t, "", deadline.Period{}.String())
}

func TestUnitString(t *testing.T) {
	assert.Equal(t, "workdays", deadline.Workdays.String())
	assert.Equal(t, "days", deadline.Days.String())
	assert.Equal(t, "months", deadline.Months.String())
	assert.Equal(t, "workhours", deadline.Workhours.String())
	assert.Equal(t, "hours", deadline.Hours.String())
	assert.Equal(t, "unit(9)", deadline.Unit(9).String())
	assert.Error(t, deadline.Period{Count: 1, Unit: 9}.Validate())
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"1 workday", "3 workdays", "0 workdays", "10日", "10天", "1个月", "2个工作小时", "24小时", "3 wrkdays", "-1 days", "", " 7 hours ", "99999999999999999999 days", "0 days", "3个工作日",
		"三个工作日", "十个工作日", "一个月", "十五日", "5个工作日内", "当日", "即日", "一百零五日", "一百五日", "三三日", "１５日", "两万日", "一万五日", "零"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := deadline.ParsePeriod(s)
		if err != nil {
			return
		}
		// Everything accepted is valid and round-trips through its canonical form.
		require.NoError(t, p.Validate())
		q, err := deadline.ParsePeriod(p.String())
		require.NoError(t, err)
		require.Equal(t, p, q)
	})
}
