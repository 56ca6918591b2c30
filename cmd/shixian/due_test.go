package main

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla/deadline"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dueOut is due --format json, read back with the library's own strict decoder for the
// deadline (unknown or missing keys are errors), so a second shape cannot pass.
type dueOut struct {
	Policy   *policyRef        `json:"policy"`
	Tier     string            `json:"tier"`
	Deadline deadline.Deadline `json:"deadline"`
}

// decodeDue decodes due --format json strictly: an envelope key the test does not know fails.
func decodeDue(t *testing.T, s string) dueOut {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var out dueOut
	require.NoError(t, dec.Decode(&out), s)
	return out
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
		got := decodeDue(t, r.stdout)
		assert.Equal(t, "2025-10-12T00:00:00+08:00", rfc3339(got.Deadline.Due))
		assert.Equal(t, "2025-10-11", dateString(got.Deadline.LastDay))
		assert.Equal(t, "2025-10-11 24:00", got.Deadline.LastDayString())
		assert.False(t, got.Deadline.Provisional)
		assert.Equal(t, "3 workdays", got.Deadline.Period.String())
		assert.Equal(t, "2025-09-30T17:00:00+08:00", rfc3339(got.Deadline.Start))
		assert.NotEmpty(t, got.Deadline.Explanation)
		assert.Len(t, got.Deadline.Counted, 3, "10-09, 10-10 and the makeup Saturday 10-11")

		var keys map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &keys))
		assert.Equal(t, []string{"deadline"}, slices.Sorted(maps.Keys(keys)),
			"with --limit alone the envelope holds only the deadline: no policy counted, no tier chosen")
	})
	t.Run("the same in text, with the Chinese period syntax", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", "2025-09-30T17:00:00+08:00", "--limit", "3个工作日")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "due-3workdays.txt", r.stdout)
		assert.Contains(t, r.stdout, "期限 Due: 2025-10-11 24:00 (exclusive instant 2025-10-12T00:00:00+08:00)")
	})
	t.Run("policy tier T10 from the same acceptance → last day Tuesday 10-21", func(t *testing.T) {
		// counted: 10-09, 10-10, 10-11 (makeup), 10-13..10-17, 10-20, 10-21.
		r := cli(t, "", "due", "--accepted", "2025-09-30T17:00:00+08:00", "--policy", defaultPolicy, "--tier", "T10", "--format", "json", "--lang", "en")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "due-policy-T10.json", r.stdout)
		got := decodeDue(t, r.stdout)
		assert.Equal(t, "2025-10-22T00:00:00+08:00", rfc3339(got.Deadline.Due))
		assert.Equal(t, "2025-10-21", dateString(got.Deadline.LastDay))
		assert.Equal(t, "T10", got.Tier)
		assert.Equal(t, "10 workdays", got.Deadline.Period.String())
		require.NotNil(t, got.Policy, "the policy whose conventions counted is named")
		assert.Equal(t, "xinyu-1310", got.Policy.ID)
		assert.Equal(t, "2025.1", got.Policy.Version)
		assert.Len(t, got.Policy.Hash, 64)
	})
	t.Run("accepted 2027-12-28, 10 workdays crosses into projected 2028: provisional", func(t *testing.T) {
		r := cli(t, "", "due", "--accepted", "2027-12-28T10:00:00+08:00", "--limit", "10 workdays", "--format", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		got := decodeDue(t, r.stdout)
		assert.True(t, got.Deadline.Provisional)
		assert.NotEqual(t, calendar.Official, got.Deadline.Certainty)
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
		{"not RFC 3339", []string{"due", "--accepted", "2025-09-30 17:00", "--limit", "1 workday"}, exitUsage, "neither an RFC 3339 instant (e.g. 2025-09-30T17:00:00+08:00) nor a date (2025-09-30)"},
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
