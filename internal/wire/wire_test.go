package wire

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
)

// cst is the library's one China Standard Time.
var cst = calendar.CST()

func TestInstant(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"the zero instant is written as the empty text, so the key can be left out", time.Time{}, ""},
		{"an instant in China Standard Time keeps its +08:00 offset", time.Date(2025, 10, 16, 0, 0, 0, 0, cst), "2025-10-16T00:00:00+08:00"},
		{"nanoseconds are written, trailing zeros dropped", time.Date(2025, 10, 16, 9, 30, 0, 500_000_000, cst), "2025-10-16T09:30:00.5+08:00"},
		{"an instant in UTC is written with Z", time.Date(2025, 10, 15, 16, 0, 0, 0, time.UTC), "2025-10-15T16:00:00Z"},
		{"an instant west of Greenwich keeps its negative offset", time.Date(2025, 3, 9, 3, 0, 0, 1, time.FixedZone("EDT", -4*3600)), "2025-03-09T03:00:00.000000001-04:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Instant(tc.in))
		})
	}
}

func TestParseInstant(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Time
		wantErr string // a fragment of the error; "" for none
	}{
		{"the empty text is the zero instant", "", time.Time{}, ""},
		{"an instant with a +08:00 offset", "2025-10-16T00:00:00+08:00", time.Date(2025, 10, 16, 0, 0, 0, 0, cst), ""},
		{"an instant in UTC", "2025-10-15T16:00:00Z", time.Date(2025, 10, 15, 16, 0, 0, 0, time.UTC), ""},
		{"an instant with nanoseconds", "2025-10-16T09:30:00.123456789+08:00", time.Date(2025, 10, 16, 9, 30, 0, 123456789, cst), ""},
		{"an instant without an offset is ambiguous and refused", "2025-10-16T00:00:00", time.Time{}, `accepted: "2025-10-16T00:00:00" is not an RFC 3339 instant (e.g. 2025-10-16T00:00:00+08:00)`},
		{"a date alone is refused", "2025-10-16", time.Time{}, `"2025-10-16" is not an RFC 3339 instant`},
		{"a space instead of T is refused", "2025-10-16 00:00:00+08:00", time.Time{}, "is not an RFC 3339 instant"},
		{"a thirteenth month is refused", "2025-13-01T00:00:00+08:00", time.Time{}, "is not an RFC 3339 instant"},
		{"30 February is refused", "2025-02-30T00:00:00+08:00", time.Time{}, "is not an RFC 3339 instant"},
		{"a leap second is refused", "2016-12-31T23:59:60Z", time.Time{}, "is not an RFC 3339 instant"},
		{"a Unix timestamp is refused", "1760544000", time.Time{}, "is not an RFC 3339 instant"},
		{"text in Chinese is quoted back", "明天上午", time.Time{}, `"明天上午" is not an RFC 3339 instant`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseInstant("accepted", tc.in)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.True(t, strings.HasPrefix(err.Error(), "accepted: "), "the error names the key first: %v", err)
				assert.True(t, got.IsZero())
				return
			}
			require.NoError(t, err)
			assert.True(t, tc.want.Equal(got), "got %v", got)
			_, wantOff := tc.want.Zone()
			_, gotOff := got.Zone()
			assert.Equal(t, wantOff, gotOff, "the offset is kept")
		})
	}
	t.Run("a megabyte of text is quoted cut short, not echoed whole", func(t *testing.T) {
		_, err := ParseInstant("accepted", strings.Repeat("9", 1<<20))
		require.Error(t, err)
		assert.Less(t, len(err.Error()), 300)
		assert.Contains(t, err.Error(), "(1048576 bytes)")
	})
}

func TestDate(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"the zero instant is the empty text", time.Time{}, ""},
		{"00:00 of a day is that day", time.Date(2025, 10, 15, 0, 0, 0, 0, cst), "2025-10-15"},
		{"the date is the one in the instant's own location", time.Date(2025, 10, 15, 23, 59, 0, 0, cst), "2025-10-15"},
		{"the same instant in UTC is the day before", time.Date(2025, 10, 15, 0, 0, 0, 0, cst).UTC(), "2025-10-14"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Date(tc.in))
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		loc     *time.Location
		want    time.Time
		wantErr bool
	}{
		{"the empty text is the zero instant", "", cst, time.Time{}, false},
		{"a date is 00:00 of that day in the location given", "2025-10-15", cst, time.Date(2025, 10, 15, 0, 0, 0, 0, cst), false},
		{"a nil location reads the date in UTC", "2025-10-15", nil, time.Date(2025, 10, 15, 0, 0, 0, 0, time.UTC), false},
		{"29 February of a leap year", "2024-02-29", cst, time.Date(2024, 2, 29, 0, 0, 0, 0, cst), false},
		{"29 February of a common year is refused", "2025-02-29", cst, time.Time{}, true},
		{"an instant is not a date", "2025-10-15T00:00:00+08:00", cst, time.Time{}, true},
		{"a date without dashes is refused", "20251015", cst, time.Time{}, true},
		{"a date with one-digit month and day is refused", "2025-1-5", cst, time.Time{}, true},
		{"a date in Chinese is refused", "2025年10月15日", cst, time.Time{}, true},
		{"trailing space is refused", "2025-10-15 ", cst, time.Time{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDate("last_day", tc.in, tc.loc)
			if tc.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "last_day: ")
				assert.Contains(t, err.Error(), "is not a date (YYYY-MM-DD)")
				return
			}
			require.NoError(t, err)
			assert.True(t, tc.want.Equal(got), "got %v", got)
			if !tc.want.IsZero() {
				assert.Equal(t, tc.want.Location().String(), got.Location().String())
			}
		})
	}
}

func TestSeconds(t *testing.T) {
	tests := []struct {
		name string
		in   time.Duration
		want int64
	}{
		{"zero", 0, 0},
		{"whole seconds", 90 * time.Second, 90},
		{"a fraction of a second is truncated", 1999 * time.Millisecond, 1},
		{"a negative duration is truncated toward zero", -1999 * time.Millisecond, -1},
		{"the longest duration", math.MaxInt64, maxSeconds},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Seconds(tc.in))
		})
	}
}

func TestParseSeconds(t *testing.T) {
	tests := []struct {
		name    string
		in      int64
		want    time.Duration
		wantErr bool
	}{
		{"zero seconds", 0, 0, false},
		{"an hour", 3600, time.Hour, false},
		{"the most seconds a duration holds", maxSeconds, time.Duration(maxSeconds) * time.Second, false},
		{"one second more is out of range", maxSeconds + 1, 0, true},
		{"the largest int64 is out of range", math.MaxInt64, 0, true},
		{"a negative count is refused: every duration of the format is a length", -1, 0, true},
		{"the smallest int64 is refused", math.MinInt64, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSeconds("remaining_seconds", tc.in)
			if tc.wantErr {
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrSecondsRange)
				assert.True(t, strings.HasPrefix(err.Error(), "remaining_seconds: "), "%v", err)
				assert.Zero(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.in, Seconds(got), "Seconds writes back what ParseSeconds read")
		})
	}
}

type decoded struct {
	Name  string   `json:"name"`
	Count int      `json:"count"`
	Tags  []string `json:"tags,omitempty"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    decoded
		wantErr string
	}{
		{"an object with known keys", `{"name":"受理","count":3,"tags":["a"]}`, decoded{Name: "受理", Count: 3, Tags: []string{"a"}}, ""},
		{"white space around the object is allowed", " \n{\"name\":\"x\"}\r\n\t", decoded{Name: "x"}, ""},
		{"an unknown key is refused", `{"name":"x","colour":"red"}`, decoded{}, `unknown field "colour"`},
		{"a second object after the first is refused", `{"name":"x"}{"name":"y"}`, decoded{}, "unexpected data after the object"},
		{"text after the object is refused", `{"name":"x"} trailing`, decoded{}, "unexpected data after the object"},
		{"a string holding invalid UTF-8 is refused, not replaced by U+FFFD", "{\"name\":\"\xff\"}", decoded{}, "not valid UTF-8"},
		{"a value of the wrong type is refused", `{"count":"3"}`, decoded{}, "cannot unmarshal string"},
		{"a truncated object is refused", `{"name":"x"`, decoded{}, "unexpected EOF"},
		{"an empty document is refused", ``, decoded{}, "EOF"},
		{"an array is not an object", `[1]`, decoded{}, "cannot unmarshal array"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got decoded
			err := Decode([]byte(tc.in), &got)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParser(t *testing.T) {
	t.Run("values that parse are returned and leave no error", func(t *testing.T) {
		p := Parser{Loc: cst}
		at := p.Instant("at", "2025-10-16T09:00:00+08:00")
		day := p.Date("last_day", "2025-10-15")
		d := p.Seconds("remaining_seconds", 60)
		p.Count("excluded", 0)
		require.NoError(t, p.Err)
		assert.True(t, at.Equal(time.Date(2025, 10, 16, 9, 0, 0, 0, cst)))
		assert.True(t, day.Equal(time.Date(2025, 10, 15, 0, 0, 0, 0, cst)))
		assert.Equal(t, time.Minute, d)
	})
	t.Run("dates are read in the parser's location", func(t *testing.T) {
		p := Parser{Loc: time.UTC}
		assert.True(t, p.Date("d", "2025-10-15").Equal(time.Date(2025, 10, 15, 0, 0, 0, 0, time.UTC)))
	})
	t.Run("the first fault is kept and later ones do not replace it", func(t *testing.T) {
		p := Parser{Loc: cst}
		p.Instant("due", "tomorrow")
		p.Date("last_day", "soon")
		p.Seconds("remaining_seconds", -5)
		p.Count("excluded", -1)
		require.Error(t, p.Err)
		assert.True(t, strings.HasPrefix(p.Err.Error(), "due: "), "%v", p.Err)
	})
	tests := []struct {
		name   string
		parse  func(p *Parser)
		prefix string
	}{
		{"a bad instant is kept", func(p *Parser) { p.Instant("closed", "x") }, "closed: "},
		{"a bad date is kept", func(p *Parser) { p.Date("last_day", "x") }, "last_day: "},
		{"a negative count of seconds is kept", func(p *Parser) { p.Seconds("overdue_seconds", -1) }, "overdue_seconds: "},
		{"a negative count is kept", func(p *Parser) { p.Count("excluded", -3) }, "excluded: -3 is negative"},
		{"an error kept by hand is kept", func(p *Parser) { p.Keep(errors.New("state: unknown")) }, "state: unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Parser{Loc: cst}
			tc.parse(&p)
			require.Error(t, p.Err)
			assert.True(t, strings.HasPrefix(p.Err.Error(), tc.prefix), "%v", p.Err)
		})
	}
	t.Run("keeping nil keeps nothing", func(t *testing.T) {
		var p Parser
		p.Keep(nil)
		assert.NoError(t, p.Err)
	})
}

// FuzzParseInstant: any text either parses to an instant that Instant
// writes back to a text that parses to the same instant and offset, or is
// refused with an error that names the key first and stays short.
func FuzzParseInstant(f *testing.F) {
	for _, s := range []string{"", "2025-10-16T00:00:00+08:00", "2025-10-15T16:00:00Z", "2025-10-16T09:30:00.123456789+08:00",
		"2025-10-16T00:00:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-23:59", "2025-10-16T00:00:00+24:00",
		"2016-12-31T23:59:60Z", "2025-10-16t00:00:00z", "明天上午", "2025-10-16T00:00:00.+08:00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseInstant("k", s)
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "k: "), "%v", err)
			require.Less(t, len(err.Error()), 512, "the error echoes at most a clip of the input")
			require.True(t, got.IsZero())
			return
		}
		if s == "" {
			require.True(t, got.IsZero())
			return
		}
		back, err := ParseInstant("k", Instant(got))
		require.NoError(t, err, "Instant(%v) = %q does not parse", got, Instant(got))
		require.True(t, back.Equal(got), "%q → %v → %q → %v", s, got, Instant(got), back)
		_, o1 := got.Zone()
		_, o2 := back.Zone()
		require.Equal(t, o1, o2)
	})
}

// FuzzParseDate: any text either parses to 00:00 of a date in the location
// given, which Date writes back as the same text, or is refused naming the key.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"", "2025-10-15", "2024-02-29", "2025-02-29", "0000-01-01", "9999-12-31", "2025-1-5", "20251015",
		"2025-10-15T00:00:00+08:00", "2025年10月15日", "+2025-10-15", "2025-10-15\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate("k", s, cst)
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "k: "), "%v", err)
			require.Less(t, len(err.Error()), 512)
			return
		}
		if s == "" {
			require.True(t, got.IsZero())
			return
		}
		require.Equal(t, cst, got.Location())
		h, m, sec := got.Clock()
		require.Zero(t, h*3600+m*60+sec+got.Nanosecond(), "a date is 00:00 of its day: %v", got)
		require.Equal(t, s, Date(got), "Date writes back what ParseDate read")
	})
}

// FuzzParseSeconds: a count parses if and only if a time.Duration can hold
// it as a length, and Seconds writes it back.
func FuzzParseSeconds(f *testing.F) {
	for _, n := range []int64{0, 1, -1, 3600, maxSeconds, maxSeconds + 1, math.MaxInt64, math.MinInt64} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		d, err := ParseSeconds("k", n)
		if n < 0 || n > maxSeconds {
			require.ErrorIs(t, err, ErrSecondsRange)
			require.Zero(t, d)
			return
		}
		require.NoError(t, err)
		require.GreaterOrEqual(t, d, time.Duration(0))
		require.Equal(t, n, Seconds(d))
	})
}

// FuzzDecode: any bytes decode without a panic, and only when they are
// valid UTF-8 and one valid JSON value.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"name":"受理","count":3,"tags":["a"]}`, `{"name":"x"}{}`, "{\"name\":\"\xff\"}", `{"colour":1}`,
		`{"count":1e400}`, `{"count":-9223372036854775809}`, `null`, ``, `{"tags":null}`, `{"name":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v decoded
		if err := Decode(data, &v); err != nil {
			return
		}
		require.True(t, utf8.Valid(data))
		require.True(t, json.Valid(data), "%q", data)
	})
}

// Read decodes strictly and then converts; a decoding fault never reaches the conversion, and
// the conversion's own fault comes back unchanged.
func TestRead(t *testing.T) {
	type form struct {
		N int `json:"n"`
	}
	double := func(f *form) (int, error) {
		if f.N < 0 {
			return 0, errors.New("negative n")
		}
		return 2 * f.N, nil
	}
	got, err := Read([]byte(`{"n":21}`), double)
	require.NoError(t, err)
	assert.Equal(t, 42, got)
	_, err = Read([]byte(`{"n":-1}`), double)
	assert.EqualError(t, err, "negative n")
	_, err = Read([]byte(`{"n":1,"m":2}`), func(*form) (int, error) { t.Fatal("converted a refused document"); return 0, nil })
	assert.ErrorContains(t, err, `unknown field "m"`)
}
