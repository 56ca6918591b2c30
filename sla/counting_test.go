package sla_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

func TestDefaultCounting(t *testing.T) {
	c := sla.DefaultCounting()
	require.NoError(t, c.Validate())
	assert.Equal(t, sla.Midnight, c.EndOfDay)
	assert.Equal(t, sla.ReceiptLiteral, c.Receipt)
	assert.Equal(t, sla.ClockTime{Hour: 16}, c.SameDayCutoff)
	assert.Equal(t, sla.ResumeDayExcluded, c.ResumeDay)
	assert.Equal(t, sla.LateExtensionReject, c.LateExtension)
	assert.Equal(t, sla.FromAcceptance, c.Reclassify)
	assert.Equal(t, "09:00-12:00", c.BusinessHours[0].String())
	assert.Equal(t, "13:30-17:30", c.BusinessHours[1].String())
	// Each call returns its own slice: changing one Counting never changes another.
	c.BusinessHours[0].Start.Hour = 8
	assert.Equal(t, 9, sla.DefaultCounting().BusinessHours[0].Start.Hour)
	assert.Error(t, sla.Counting{}.Validate(), "the zero Counting is not valid")
}

func TestCountingValidate(t *testing.T) {
	span := func(s string) sla.Span {
		sp, err := sla.ParseSpan(s)
		require.NoError(t, err)
		return sp
	}
	cases := []struct {
		name string
		mod  func(*sla.Counting)
		want string
	}{
		{"overlapping spans", func(c *sla.Counting) { c.BusinessHours = []sla.Span{span("09:00-12:00"), span("11:00-17:00")} }, "business_hours[1] 11:00-17:00 starts before"},
		{"unsorted spans", func(c *sla.Counting) { c.BusinessHours = []sla.Span{span("13:00-17:00"), span("09:00-12:00")} }, "sorted"},
		{"empty span", func(c *sla.Counting) {
			c.BusinessHours = []sla.Span{{Start: sla.ClockTime{Hour: 9}, End: sla.ClockTime{Hour: 9}}}
		}, "business_hours[0]"},
		{"no spans", func(c *sla.Counting) { c.BusinessHours = nil }, "empty"},
		{"bad cutoff", func(c *sla.Counting) { c.SameDayCutoff = sla.ClockTime{Hour: 25} }, "same_day_cutoff"},
		{"bad end of day", func(c *sla.Counting) { c.EndOfDay = 7 }, "end_of_day"},
		{"bad receipt", func(c *sla.Counting) { c.Receipt = 7 }, "receipt"},
		{"bad resume day", func(c *sla.Counting) { c.ResumeDay = 7 }, "resume_day"},
		{"bad late extension", func(c *sla.Counting) { c.LateExtension = 7 }, "late_extension"},
		{"bad reclassify", func(c *sla.Counting) { c.Reclassify = 7 }, "reclassify"},
		{"too many spans", func(c *sla.Counting) { c.BusinessHours = make([]sla.Span, sla.MaxSpans+1) }, "at most"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := sla.DefaultCounting()
			tc.mod(&c)
			err := c.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	c := sla.DefaultCounting()
	c.BusinessHours = []sla.Span{span("09:00-12:00"), span("12:00-24:00")}
	c.SameDayCutoff = sla.ClockTime{Hour: 24}
	assert.NoError(t, c.Validate(), "adjacent spans, a 24:00 end and a 24:00 cutoff are valid")
}

func TestEnums(t *testing.T) {
	for _, s := range []string{"24:00", "close_of_business"} {
		v, err := sla.ParseEndOfDay(s)
		require.NoError(t, err)
		assert.Equal(t, s, v.String())
		b, _ := v.MarshalText()
		var w sla.EndOfDay
		require.NoError(t, w.UnmarshalText(b))
		assert.Equal(t, v, w)
	}
	for _, s := range []string{"literal", "next_workday"} {
		v, err := sla.ParseReceipt(s)
		require.NoError(t, err)
		assert.Equal(t, s, v.String())
		var w sla.Receipt
		require.NoError(t, w.UnmarshalText([]byte(s)))
		assert.Equal(t, v, w)
	}
	for _, s := range []string{"excluded", "counted"} {
		v, err := sla.ParseResumeDay(s)
		require.NoError(t, err)
		assert.Equal(t, s, v.String())
		var w sla.ResumeDay
		require.NoError(t, w.UnmarshalText([]byte(s)))
		assert.Equal(t, v, w)
	}
	for _, s := range []string{"reject", "overdue"} {
		v, err := sla.ParseLateExtension(s)
		require.NoError(t, err)
		assert.Equal(t, s, v.String())
		var w sla.LateExtension
		require.NoError(t, w.UnmarshalText([]byte(s)))
		assert.Equal(t, v, w)
	}
	for _, s := range []string{"from_acceptance", "from_reclassification"} {
		v, err := sla.ParseReclassify(s)
		require.NoError(t, err)
		assert.Equal(t, s, v.String())
		var w sla.Reclassify
		require.NoError(t, w.UnmarshalText([]byte(s)))
		assert.Equal(t, v, w)
	}
	assert.Equal(t, sla.CloseOfBusiness, coreMust(sla.ParseEndOfDay(" close_of_business ")))
	_, err := sla.ParseEndOfDay("midnight")
	assert.EqualError(t, err, `sla: invalid end_of_day "midnight" (want "24:00" or "close_of_business")`)
	_, err = sla.ParseReceipt("next")
	assert.ErrorContains(t, err, `"literal" or "next_workday"`)
	_, err = sla.ParseResumeDay("")
	assert.Error(t, err)
	_, err = sla.ParseLateExtension("allow")
	assert.Error(t, err)
	_, err = sla.ParseReclassify("x")
	assert.Error(t, err)
	var e sla.EndOfDay = sla.CloseOfBusiness
	assert.Error(t, e.UnmarshalText([]byte("noon")))
	assert.Equal(t, sla.CloseOfBusiness, e, "a failed UnmarshalText leaves the value unchanged")
	assert.Equal(t, "end_of_day(9)", sla.EndOfDay(9).String())
}

func coreMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestConventions(t *testing.T) {
	c := sla.DefaultCounting()
	all := strings.Join(c.Conventions(), "\n")
	for _, want := range []string{"民法典 art. 201", "行政许可法 art. 82", "24:00 (民法典 art. 203)", "actual receipt date", "16:00", "P+1..R (the resume day does not count)", "行政许可法 art. 42", "original acceptance", "09:00-12:00, 13:30-17:30"} {
		assert.Contains(t, all, want)
	}
	c.EndOfDay, c.Receipt, c.ResumeDay, c.LateExtension, c.Reclassify = sla.CloseOfBusiness, sla.ReceiptNextWorkday, sla.ResumeDayCounted, sla.LateExtensionOverdue, sla.FromReclassification
	all = strings.Join(c.Conventions(), "\n")
	for _, want := range []string{"close of business, 17:30", "停止业务活动的时间为截止时间", "deemed received on the next working day", "P+1..R-1", "超时办结", "from the reclassification"} {
		assert.Contains(t, all, want)
	}
}
