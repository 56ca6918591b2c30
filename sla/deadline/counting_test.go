package deadline_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla/deadline"
)

func TestDefaultCounting(t *testing.T) {
	c := deadline.DefaultCounting()
	require.NoError(t, c.Validate())
	assert.Equal(t, deadline.Midnight, c.EndOfDay)
	assert.Equal(t, deadline.ReceiptLiteral, c.Receipt)
	assert.Equal(t, deadline.ClockTime{Hour: 16}, c.SameDayCutoff)
	assert.Equal(t, deadline.ResumeDayExcluded, c.ResumeDay)
	assert.Equal(t, "09:00-12:00", c.BusinessHours[0].String())
	assert.Equal(t, "13:30-17:30", c.BusinessHours[1].String())
	// Each call returns its own slice: changing one Counting never changes another.
	c.BusinessHours[0].Start.Hour = 8
	assert.Equal(t, 9, deadline.DefaultCounting().BusinessHours[0].Start.Hour)
	assert.Error(t, deadline.Counting{}.Validate(), "the zero Counting is not valid")
}

func TestCountingValidate(t *testing.T) {
	span := func(s string) deadline.Span {
		sp, err := deadline.ParseSpan(s)
		require.NoError(t, err)
		return sp
	}
	cases := []struct {
		name string
		mod  func(*deadline.Counting)
		want string
	}{
		{"overlapping spans", func(c *deadline.Counting) {
			c.BusinessHours = []deadline.Span{span("09:00-12:00"), span("11:00-17:00")}
		}, "business_hours[1] 11:00-17:00 starts before"},
		{"unsorted spans", func(c *deadline.Counting) {
			c.BusinessHours = []deadline.Span{span("13:00-17:00"), span("09:00-12:00")}
		}, "sorted"},
		{"empty span", func(c *deadline.Counting) {
			c.BusinessHours = []deadline.Span{{Start: deadline.ClockTime{Hour: 9}, End: deadline.ClockTime{Hour: 9}}}
		}, "business_hours[0]"},
		{"no spans", func(c *deadline.Counting) { c.BusinessHours = nil }, "empty"},
		{"bad cutoff", func(c *deadline.Counting) { c.SameDayCutoff = deadline.ClockTime{Hour: 25} }, "same_day_cutoff"},
		{"bad end of day", func(c *deadline.Counting) { c.EndOfDay = 7 }, "end_of_day"},
		{"bad receipt", func(c *deadline.Counting) { c.Receipt = 7 }, "receipt"},
		{"bad resume day", func(c *deadline.Counting) { c.ResumeDay = 7 }, "resume_day"},
		{"too many spans", func(c *deadline.Counting) { c.BusinessHours = make([]deadline.Span, deadline.MaxSpans+1) }, "at most"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := deadline.DefaultCounting()
			tc.mod(&c)
			err := c.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	c := deadline.DefaultCounting()
	c.BusinessHours = []deadline.Span{span("09:00-12:00"), span("12:00-24:00")}
	c.SameDayCutoff = deadline.ClockTime{Hour: 24}
	assert.NoError(t, c.Validate(), "adjacent spans, a 24:00 end and a 24:00 cutoff are valid")
}

func TestEnums(t *testing.T) {
	for _, s := range []string{"24:00", "close_of_business"} {
		v, err := deadline.ParseEndOfDay(s)
		require.NoError(t, err)
		assert.Equal(t, s, v.String())
		b, _ := v.MarshalText()
		var w deadline.EndOfDay
		require.NoError(t, w.UnmarshalText(b))
		assert.Equal(t, v, w)
	}
	for _, s := range []string{"literal", "next_workday"} {
		v, err := deadline.ParseReceipt(s)
		require.NoError(t, err)
		assert.Equal(t, s, v.String())
		var w deadline.Receipt
		require.NoError(t, w.UnmarshalText([]byte(s)))
		assert.Equal(t, v, w)
	}
	for _, s := range []string{"excluded", "counted"} {
		v, err := deadline.ParseResumeDay(s)
		require.NoError(t, err)
		assert.Equal(t, s, v.String())
		var w deadline.ResumeDay
		require.NoError(t, w.UnmarshalText([]byte(s)))
		assert.Equal(t, v, w)
	}
	assert.Equal(t, deadline.CloseOfBusiness, coreMust(deadline.ParseEndOfDay(" close_of_business ")))
	_, err := deadline.ParseEndOfDay("midnight")
	assert.EqualError(t, err, `invalid end_of_day "midnight" (want "24:00" or "close_of_business")`)
	_, err = deadline.ParseReceipt("next")
	assert.ErrorContains(t, err, `"literal" or "next_workday"`)
	_, err = deadline.ParseResumeDay("")
	assert.Error(t, err)
	var e deadline.EndOfDay = deadline.CloseOfBusiness
	assert.Error(t, e.UnmarshalText([]byte("noon")))
	assert.Equal(t, deadline.CloseOfBusiness, e, "a failed UnmarshalText leaves the value unchanged")
	assert.Equal(t, "end_of_day(9)", deadline.EndOfDay(9).String())
}

func coreMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestConventions(t *testing.T) {
	c := deadline.DefaultCounting()
	all := strings.Join(c.Conventions(), "\n")
	for _, want := range []string{"民法典 art. 201", "行政许可法 art. 82", "24:00 (民法典 art. 203)", "actual receipt date", "16:00", "P+1..R (the resume day does not count)", "09:00-12:00, 13:30-17:30"} {
		assert.Contains(t, all, want)
	}
	c.EndOfDay, c.Receipt, c.ResumeDay = deadline.CloseOfBusiness, deadline.ReceiptNextWorkday, deadline.ResumeDayCounted
	all = strings.Join(c.Conventions(), "\n")
	for _, want := range []string{"close of business, 17:30", "停止业务活动的时间为截止时间", "deemed received on the next working day", "P+1..R-1"} {
		assert.Contains(t, all, want)
	}
}
