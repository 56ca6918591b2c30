package main

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

func TestStatusErrorsNameFileLineColumn(t *testing.T) {
	now := "2025-10-14T12:00:00+08:00"
	tests := []struct {
		name, file, want string
	}{
		{"a resume without a pause points at the event's brace (line 9, indented 6)", "case-bad-resume.json",
			"case-bad-resume.json:9:7: event 4 (resumed at 2025-10-09 10:00 CST): resume without a pause"},
		{"an extension after the close points at the extension", "case-bad-extension.json",
			"case-bad-extension.json:8:5: event 4 (extended at 2025-10-10 15:00 CST): the case was closed"},
		{"an unknown top-level field points at its key", "case-bad-colour.json",
			`case-bad-colour.json:4:3: sla: case JSON: json: unknown field "colour"`},
		{"an unknown event field points at its key", "case-bad-event-field.json",
			`case-bad-event-field.json:6:77: sla: case JSON: json: unknown field "teir"`},
		{"a value of the wrong type points at the value", "case-bad-types.json",
			"case-bad-types.json:8:73: sla: case JSON: json: cannot unmarshal string"},
		{"a time that is not RFC 3339 points at the value", "case-bad-time.json",
			`case-bad-time.json:2:30: sla: case JSON: parsing time "2025-09-30 17:00"`},
		{"a case of another policy points at the policy value", "case-bad-policy.json",
			`case-bad-policy.json:1:43: sla: case C-BAD-07 is governed by policy "district-12345"`},
		{"an unknown event type points at the type value", "case-bad-type.json",
			`case-bad-type.json:1:110: sla: case C-BAD-08: event 2: unknown type "escalated"`},
	}
	var all strings.Builder
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			r := cli(t, "", "status", "--policy", defaultPolicy, "--case", path, "--now", now)
			assert.Equal(t, exitInvalid, r.code)
			assert.Empty(t, r.stdout)
			assert.Contains(t, r.stderr, "shixian status: testdata/"+tc.want)
			all.WriteString(r.stderr)
		})
	}
	golden(t, "status-errors.stderr", all.String())
}

func TestStatusErrorFromStdinHasAPosition(t *testing.T) {
	in := "{\"schema\":1,\"id\":\"C-9\",\"events\":[{\"type\":\"accepted\",\"at\":\"2025-09-30T17:00:00+08:00\"},\n  {\"type\":\"resumed\",\"at\":\"2025-10-09T10:00:00+08:00\"}]}"
	r := cli(t, in, "status", "--policy", defaultPolicy, "--case", "-", "--now", "2025-10-14T12:00:00+08:00")
	assert.Equal(t, exitInvalid, r.code)
	assert.Equal(t, "shixian status: <stdin>:2:3: event 2 (resumed at 2025-10-09 10:00 CST): resume without a pause\n", r.stderr)
}

func TestReportLineErrorsHaveColumns(t *testing.T) {
	r := cli(t, "", "report", "--policy", defaultPolicy, "--cases", "testdata/cases-faults.jsonl",
		"--from", "2025-09-01", "--to", "2025-10-31", "--format", "csv")
	assert.Equal(t, exitInvalid, r.code)
	golden(t, "report-faults.stderr", r.stderr)
	assert.Contains(t, r.stdout, "TOTAL,1,1,", "the one good line is counted")
	for _, want := range []string{
		"cases-faults.jsonl:2:177: case F-02: event 3 (resumed at 2025-10-09 10:00 CST): resume without a pause",
		`cases-faults.jsonl:3:25: sla: case JSON: json: unknown field "colour"`,
		"cases-faults.jsonl:4:94: ",                              // "unit": 5
		"cases-faults.jsonl:5:206: case F-05: event 4 (extended", // after the close
		`cases-faults.jsonl:6:34: sla: report: case F-06 is governed by policy "district-12345"`,
		`cases-faults.jsonl:7:149: sla: case JSON: invalid period "3 fortnights"`,
		"cases-faults.jsonl:8:90: ",  // a second object on the line
		"cases-faults.jsonl:9:153: ", // truncated
		"cases-faults.jsonl:10:1: sla: case JSON has no id",
	} {
		assert.Contains(t, r.stderr, want)
	}
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		if strings.HasPrefix(line, "shixian report:") {
			continue
		}
		parts := strings.SplitN(line, ":", 4)
		require.Len(t, parts, 4, line)
		assert.NotEmpty(t, parts[2], "every bad line has a column: %s", line)
	}
}

func TestClassifyLineErrorsHaveColumns(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"a value outside the declared values points at that input field", `{"id":"X","accepted":"2025-10-10T10:00:00+08:00","input":{"cause":"nonsense"}}`, "x.jsonl:1:67: "},
		{"an accepted that is not RFC 3339 points at its value", `{"id":"X","accepted":"2025-10-10 10:00","input":{"cause":"complex"}}`, "x.jsonl:1:22: "},
		{"a wrongly typed id points at its value", `{"id":7,"input":{}}`, "x.jsonl:1:7: "},
		{"no accepted and no --accepted points at the line", `{"id":"X","input":{"cause":"complex"}}`, "x.jsonl:1:1: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lo := (&classifier{p: sla.Default()}).line("x.jsonl", lineItem{no: 1, data: []byte(tc.line)}, time.Time{})
			assert.True(t, strings.HasPrefix(lo.msg, tc.want), "got %q", lo.msg)
		})
	}
}

func TestLineCol(t *testing.T) {
	doc := []byte("{\n  \"处理\": 1,\n\t\"x\": [1,2]\n}")
	tests := []struct {
		off       int
		line, col int
	}{
		{0, 1, 1},
		{2, 2, 1},
		{4, 2, 3}, // the key's quote, after two spaces
		{strings.Index(string(doc), ": 1"), 2, 7},   // columns count characters, not bytes
		{strings.Index(string(doc), "\"x\""), 3, 2}, // a tab is one column
		{len(doc), 4, 2},     // the end
		{len(doc) + 5, 4, 2}, // clamped
		{-1, 1, 1},           // clamped
	}
	for _, tc := range tests {
		line, col := lineCol(doc, tc.off)
		assert.Equal(t, []int{tc.line, tc.col}, []int{line, col}, "offset %d", tc.off)
	}
}

func FuzzCaseErrorOffset(f *testing.F) {
	f.Add([]byte(`{"schema":1,"id":"A","events":[{"type":"accepted","at":"2025-09-30T17:00:00+08:00"}]}`))
	f.Add([]byte(`{"schema":1,"id":"A","colour":1}`))
	f.Add([]byte(`{"schema":1,"id":"A","events":[{"type":"x","at":"y"}]} z`))
	f.Add([]byte(`[`))
	f.Add([]byte(" \n{\"events\":[[{}]]}"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var c sla.Case
		err := json.Unmarshal(doc, &c)
		if err == nil {
			err = errors.New("other")
		}
		off := caseErrorOffset(doc, err, nil, "p")
		if off < 0 || off > len(doc) {
			t.Fatalf("offset %d outside [0, %d]", off, len(doc))
		}
		line, col := lineCol(doc, off)
		if line < 1 || col < 1 {
			t.Fatalf("line %d col %d", line, col)
		}
		off = corpusLineOffset(doc, err, true)
		if off < 0 || off > len(doc) {
			t.Fatalf("corpus offset %d outside [0, %d]", off, len(doc))
		}
	})
}
