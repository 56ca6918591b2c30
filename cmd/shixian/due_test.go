package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type dueOut struct {
	Accepted    string   `json:"accepted"`
	Period      string   `json:"period"`
	Tier        string   `json:"tier"`
	Due         string   `json:"due"`
	LastDay     string   `json:"last_day"`
	Provisional bool     `json:"provisional"`
	Certainty   string   `json:"certainty"`
	Explanation []string `json:"explanation"`
}

func TestDue(t *testing.T) {
	// 民法典 art. 201 and 行政许可法 art. 82: accepted Tuesday 2025-09-30 17:00 before the
	// National Day break (10-01..10-08 off), 3 working days: day 1 = Thursday 10-09, day 2 =
	// Friday 10-10, day 3 = the makeup Saturday 10-11; 民法典 art. 203: the period ends at 24:00,
	// so the exclusive due instant is 2025-10-12T00:00:00+08:00.
	t.Run("accepted Tuesday 17:00 before National Day, 3 workdays → last day the makeup Saturday 10-11 (json)", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", "2025-09-30T17:00:00+08:00", "--limit", "3 workdays", "--format", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "due-3workdays.json", r.stdout)
		var got dueOut
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
		assert.Equal(t, "2025-10-12T00:00:00+08:00", got.Due)
		assert.Equal(t, "2025-10-11", got.LastDay)
		assert.False(t, got.Provisional)
		assert.Equal(t, "3 workdays", got.Period)
		assert.NotEmpty(t, got.Explanation)

		var keys map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &keys))
		for _, k := range []string{"due", "last_day", "provisional", "explanation"} {
			assert.Contains(t, keys, k, "contract key %s", k)
		}
		assert.NotContains(t, keys, "tier", "tier is only echoed with --tier")
	})
	t.Run("the same in text, with the Chinese period syntax", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", "2025-09-30T17:00:00+08:00", "--limit", "3个工作日")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "due-3workdays.txt", r.stdout)
		assert.Contains(t, r.stdout, "期限 Due: 2025-10-11 24:00 (exclusive instant 2025-10-12T00:00:00+08:00)")
	})
	t.Run("policy tier T10 from the same acceptance → last day Tuesday 10-21", func(t *testing.T) {
		// counted: 10-09, 10-10, 10-11 (makeup), 10-13..10-17, 10-20, 10-21.
		r := cli(t, "", "due", "--accepted", "2025-09-30T17:00:00+08:00", "--policy", defaultPolicy, "--tier", "T10", "--format", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "due-policy-T10.json", r.stdout)
		var got dueOut
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
		assert.Equal(t, "2025-10-22T00:00:00+08:00", got.Due)
		assert.Equal(t, "2025-10-21", got.LastDay)
		assert.Equal(t, "T10", got.Tier)
		assert.Equal(t, "10 workdays", got.Period)
	})
	t.Run("accepted 2027-12-28, 10 workdays crosses into projected 2028: provisional", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", "2027-12-28T10:00:00+08:00", "--limit", "10 workdays", "--format", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		var got dueOut
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
		assert.True(t, got.Provisional)
		assert.NotEqual(t, "official", got.Certainty)
	})
	t.Run("the same in strict mode is refused with exit 2", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", "2027-12-28T10:00:00+08:00", "--limit", "10 workdays", "--strict")
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, "2027")
		assert.Empty(t, r.stdout)
	})
}

func TestDueErrors(t *testing.T) {
	acc := "--accepted=2025-09-30T17:00:00+08:00"
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing --accepted", []string{"due", "--limit", "3 workdays"}, exitUsage, "--accepted is required"},
		{"not RFC 3339", []string{"due", "--accepted", "2025-09-30 17:00", "--limit", "1 workday"}, exitUsage, "not an RFC 3339 instant"},
		{"neither limit nor policy", []string{"due", acc}, exitUsage, "give --limit"},
		{"tier without policy", []string{"due", acc, "--tier", "T1"}, exitUsage, "--tier needs --policy"},
		{"tier and limit", []string{"due", acc, "--policy", defaultPolicy, "--tier", "T1", "--limit", "1 workday"}, exitUsage, "not both"},
		{"policy without tier", []string{"due", acc, "--policy", defaultPolicy}, exitUsage, "--policy needs --tier"},
		{"misspelt unit", []string{"due", acc, "--limit", "3 wrkdays"}, exitUsage, `unknown unit "wrkdays"`},
		{"unknown tier", []string{"due", acc, "--policy", defaultPolicy, "--tier", "T9"}, exitInvalid, `no tier "T9"`},
		{"broken policy", []string{"due", acc, "--policy", manyProblems, "--tier", "T1"}, exitInvalid, "many-problems.yaml:2:5:"},
		{"missing policy file", []string{"due", acc, "--policy", "testdata/nope.yaml", "--tier", "T1"}, exitInvalid, "nope.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, "", tt.args...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout)
		})
	}
}
