package deadline_test

import (
	"testing"

	"github.com/shixian-go/shixian/sla/deadline"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseClockTime(t *testing.T) {
	good := map[string]deadline.ClockTime{
		"09:00": {Hour: 9}, "9:00": {Hour: 9}, "17:30": {Hour: 17, Minute: 30}, "00:00": {}, "23:59": {Hour: 23, Minute: 59},
		"24:00": {Hour: 24}, " 16:00 ": {Hour: 16},
	}
	for in, want := range good {
		c, err := deadline.ParseClockTime(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, c, in)
		var back deadline.ClockTime
		require.NoError(t, back.UnmarshalText([]byte(c.String())))
		assert.Equal(t, c, back)
	}
	for _, in := range []string{"", "9", "9:0", "24:01", "25:00", "12:60", "-1:00", "ab:cd", "09:00:00", "123:00"} {
		_, err := deadline.ParseClockTime(in)
		assert.Error(t, err, in)
	}
	assert.Equal(t, "09:05", deadline.ClockTime{Hour: 9, Minute: 5}.String())
	_, err := deadline.ClockTime{Hour: 30}.MarshalText()
	assert.Error(t, err)
}

func TestParseSpan(t *testing.T) {
	s, err := deadline.ParseSpan("09:00-12:00")
	require.NoError(t, err)
	assert.Equal(t, deadline.Span{Start: deadline.ClockTime{Hour: 9}, End: deadline.ClockTime{Hour: 12}}, s)
	assert.Equal(t, "09:00-12:00", s.String())
	s, err = deadline.ParseSpan(" 13:30 – 24:00 ")
	require.NoError(t, err)
	assert.Equal(t, deadline.ClockTime{Hour: 24}, s.End, "24:00 is allowed as a span end")
	for _, in := range []string{"09:00", "12:00-09:00", "09:00-09:00", "24:00-24:00", "9-12", "09:00-25:00"} {
		_, err := deadline.ParseSpan(in)
		assert.Error(t, err, in)
	}
}

func FuzzParseClockTime(f *testing.F) {
	for _, s := range []string{"09:00", "24:00", "23:59", "7:5", "", "99:99", "09:00-12:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := deadline.ParseClockTime(s)
		if err == nil {
			back, err := deadline.ParseClockTime(c.String())
			require.NoError(t, err)
			require.Equal(t, c, back)
		}
		sp, err := deadline.ParseSpan(s)
		if err == nil {
			back, err := deadline.ParseSpan(sp.String())
			require.NoError(t, err)
			require.Equal(t, sp, back)
		}
	})
}
