package main

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/shixian-go/shixian/internal/wireschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// schemaFile is the library's JSON Schema of the wire format, the file a portal written in
// another language validates against.
const schemaFile = "../../sla/schema/shixian-v1.schema.json"

// wireValidator compiles one definition ("Deadline", "Status") of the wire format's schema.
func wireValidator(t *testing.T, def string) *jsonschema.Schema {
	t.Helper()
	s, err := wireschema.Compile(schemaFile, def)
	require.NoError(t, err)
	return s
}

// TestJSONOutputIsTheWireFormat runs every command that writes a Deadline or a Status as JSON
// and validates the object against the library's schema, which refuses any key it does not
// define: the CLI writes the library's wire format, never a shape of its own.
func TestJSONOutputIsTheWireFormat(t *testing.T) {
	deadlineSchema, statusSchema := wireValidator(t, "Deadline"), wireValidator(t, "Status")
	acc := "--accepted=2025-09-30T17:00:00+08:00"
	tests := []struct {
		name   string
		args   []string
		member string // the key of the wire object in each output line
		schema *jsonschema.Schema
		lines  int
	}{
		{"due --limit: 3 workdays over National Day, with its counted and skipped days",
			[]string{"due", acc, "--limit", "3 workdays", "--format", "json"}, "deadline", deadlineSchema, 1},
		{"due --policy --tier T10: the tier's limit by the policy's conventions",
			[]string{"due", acc, "--policy", defaultPolicy, "--tier", "T10", "--format", "json"}, "deadline", deadlineSchema, 1},
		{"due --limit 0 workdays: same day (即办)",
			[]string{"due", acc, "--limit", "0 workdays", "--format", "json"}, "deadline", deadlineSchema, 1},
		{"due --limit 2 workhours: an hour period lists no days",
			[]string{"due", acc, "--limit", "2 workhours", "--format", "json"}, "deadline", deadlineSchema, 1},
		{"due --limit 1 month: a calendar-month period",
			[]string{"due", acc, "--limit", "1 month", "--format", "json"}, "deadline", deadlineSchema, 1},
		{"due into projected 2028: provisional, certainty projected",
			[]string{"due", "--accepted", "2027-12-28T10:00:00+08:00", "--limit", "10 workdays", "--format", "json"}, "deadline", deadlineSchema, 1},
		{"classify --input: the deadline of the decision, without explanation",
			[]string{"classify", "--policy", defaultPolicy, "--input", `{"cause":"complex"}`, acc}, "deadline", deadlineSchema, 1},
		{"classify --cases: the deadline of every corpus line",
			[]string{"classify", "--policy", defaultPolicy, "--cases", "testdata/corpus.jsonl"}, "deadline", deadlineSchema, 8},
		{"status --format json: an open case in its warning window",
			[]string{"status", "--policy", defaultPolicy, "--case", "testdata/case-open.json", "--now", "2025-10-14T12:00:00+08:00", "--format", "json"}, "status", statusSchema, 1},
		{"status --format json: the same case overdue",
			[]string{"status", "--policy", defaultPolicy, "--case", "testdata/case-open.json", "--now", "2025-10-17T09:00:00+08:00", "--format", "json"}, "status", statusSchema, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, "", tt.args...)
			require.Equal(t, exitOK, r.code, r.stderr)
			sc := bufio.NewScanner(strings.NewReader(r.stdout))
			n := 0
			for sc.Scan() {
				n++
				var m map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
				require.Contains(t, m, tt.member)
				assert.NoError(t, wireschema.Validate(tt.schema, m[tt.member]), "line %d: %s", n, m[tt.member])
			}
			assert.Equal(t, tt.lines, n)
		})
	}
	t.Run("the schema check fails on the CLI's former due shape, so it can tell", func(t *testing.T) {
		old := `{"accepted":"2025-09-30T17:00:00+08:00","period":"3 workdays","due":"2025-10-12T00:00:00+08:00","last_day":"2025-10-11","provisional":false,"certainty":"official","calendar":"CN 12ccebf8eefe0252","explanation":[]}`
		assert.Error(t, wireschema.Validate(deadlineSchema, []byte(old)))
	})
}
