package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/internal/golden"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

// TestEmbedOutput: the script's answers are the golden file, and the facts that make the
// example worth reading hold in it.
func TestEmbedOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out, "../.."))
	golden.Assert(t, "testdata/embed.golden", out.Bytes())
	for _, fact := range []string{
		`"policy_version":"2025.1","rule":"complex-case","tier":"T3"`, // the 2025 case by 2025.1
		`"policy_version":"2026.1","rule":"group-case","tier":"T10"`,  // the 2026 case by 2026.1
		`"field":"intake.cause"`, // the form field to correct
		"POST /cases/W-1/events → 400\n{\"error\":\"sla: case W-1: event 3 (paused at 2025-12-31 10:00 CST): a paused event needs a reason\",\"field\":\"reason\"}",
		"POST /cases/W-1/events → 409", // resume without a pause
		`"state":"closed_late"`,        // W-1 judged by its T3 of 2025.1
		`"policy_version":"2025.1, 2026.1","total":{"group":"TOTAL","accepted":2`, // one report, both versions
		"GET /cases/W-9?now=2026-01-12T09:00:00%2B08:00 → 500\n{\"error\":\"internal error\"}",
	} {
		assert.Contains(t, out.String(), fact)
	}
	assert.NotContains(t, out.String(), "sla: sla:")
}

// TestFailMapsErrorsByTypeAlone: what the clerk sent is a 4xx naming the field; anything else
// is a 500 that shows no detail.
func TestFailMapsErrorsByTypeAlone(t *testing.T) {
	p := sla.Default()
	accepted := mustTime(t, "2025-03-03T10:00:00+08:00")
	c, _, err := p.Accept("C-1", Intake{Cause: "complex"}, accepted)
	require.NoError(t, err)
	_, resumeErr := p.Apply(c, sla.Event{Type: sla.EventResumed, At: accepted})
	_, pauseErr := p.Apply(c, sla.Event{Type: sla.EventPaused, At: accepted})
	_, inputErr := p.Classify(Intake{Cause: "weather"}, accepted)
	_, rangeErr := p.Classify(Intake{Cause: "complex"}, mustTime(t, "2024-03-01T10:00:00+08:00"))
	for _, tc := range []struct {
		name  string
		err   error
		code  int
		field string
	}{
		{"an input value the policy does not declare", inputErr, http.StatusBadRequest, "intake.cause"},
		{"an event missing a field", pauseErr, http.StatusBadRequest, "reason"},
		{"an event that does not fit the case", resumeErr, http.StatusConflict, "event"},
		{"an acceptance before the policy's range", rangeErr, http.StatusBadRequest, ""},
		{"a case that is not stored", fmt.Errorf("%w: C-9", errNotFound), http.StatusNotFound, "id"},
		{"a fault of the server", errors.New("disk full"), http.StatusInternalServerError, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Error(t, tc.err)
			rec := httptest.NewRecorder()
			fail(rec, tc.err)
			assert.Equal(t, tc.code, rec.Code, "%v", tc.err)
			if tc.field != "" {
				assert.Contains(t, rec.Body.String(), `"field":"`+tc.field+`"`)
			}
			if tc.code == http.StatusInternalServerError {
				assert.NotContains(t, rec.Body.String(), "disk")
			}
		})
	}
	var fe *rules.FieldError
	assert.ErrorAs(t, inputErr, &fe)
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return at
}
