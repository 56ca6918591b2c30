package slatest

import (
	"testing"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Input values keep their YAML types; unquoted timestamps become times in UTC+8.
func TestSuiteInputValueTypes(t *testing.T) {
	src := `format: shixian-suite/v1
defaults:
  accepted: 2025-09-30 17:00
  input: {n: 3, f: 2.5, b: true, z: ~, list: [a, 1], m: {k: v}}
cases:
  - name: types
    input: {day: 2025-10-01, at: 2025-10-01T09:30:00+08:00, quoted: "2025-10-01", b: false}
    expect: {tier: T1}
`
	s, err := parseSuite("types.suite.yaml", []byte(src))
	require.NoError(t, err)
	require.Len(t, s.cases, 1)
	in := s.cases[0].input
	cst := calendar.CST()
	assert.Equal(t, 3, in["n"])
	assert.Equal(t, 2.5, in["f"])
	assert.Equal(t, false, in["b"], "the case's value wins over the default")
	assert.Nil(t, in["z"])
	assert.Contains(t, in, "z")
	assert.Equal(t, []any{"a", 1}, in["list"])
	assert.Equal(t, map[string]any{"k": "v"}, in["m"])
	assert.True(t, time.Date(2025, 10, 1, 0, 0, 0, 0, cst).Equal(in["day"].(time.Time)))
	assert.True(t, time.Date(2025, 10, 1, 9, 30, 0, 0, cst).Equal(in["at"].(time.Time)))
	assert.Equal(t, "2025-10-01", in["quoted"])
	assert.True(t, time.Date(2025, 9, 30, 17, 0, 0, 0, cst).Equal(s.cases[0].accepted), "\"YYYY-MM-DD HH:MM\" is read in UTC+8")
}

func TestParseInstantForms(t *testing.T) {
	cst := calendar.CST()
	for in, want := range map[string]time.Time{
		"2025-10-09T16:30:00Z":       time.Date(2025, 10, 10, 0, 30, 0, 0, cst),
		"2025-10-09 24:00":           time.Date(2025, 10, 10, 0, 0, 0, 0, cst),
		"2025-10-09 17:30":           time.Date(2025, 10, 9, 17, 30, 0, 0, cst),
		"2025-10-09 17:30:05":        time.Date(2025, 10, 9, 17, 30, 5, 0, cst),
		"2025-10-09":                 time.Date(2025, 10, 9, 0, 0, 0, 0, cst),
		"2025-10-09T17:30":           time.Date(2025, 10, 9, 17, 30, 0, 0, cst),
		" 2025-10-09T17:30:00+08:00": time.Date(2025, 10, 9, 17, 30, 0, 0, cst),
	} {
		got, err := parseInstant(in)
		require.NoError(t, err, in)
		assert.True(t, want.Equal(got), "%s: %s", in, got)
	}
	for _, bad := range []string{"", "tomorrow", "2025-13-01", "2025-10-09 25:00", "10/09/2025"} {
		_, err := parseInstant(bad)
		assert.Error(t, err, bad)
	}
}
