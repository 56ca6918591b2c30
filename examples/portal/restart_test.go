package main

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRestartLosesNothing: cases in every state, an activated policy; after closing the server
// and the database and reopening the same file, every case has the same status at several
// instants, the same events, the report is identical and the activated policy is active.
func TestRestartLosesNothing(t *testing.T) {
	path := tempDB(t)
	e := newEnv(t, path, nil)
	causes := []string{"incomplete_materials", "complex", "historical_legacy", "staff_capability", "unclear_request"}
	var ids []string
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("R-%02d", i)
		ids = append(ids, id)
		e.mustCreate(id, "2025-09-30T17:00:00+08:00", map[string]any{"cause": causes[i%len(causes)]})
		switch i % 4 {
		case 1: // transferred, signed for, closed
			e.mustEvent(id, map[string]any{"type": "transferred", "at": "2025-10-09T09:00:00+08:00", "unit": "仲裁院"})
			e.mustEvent(id, map[string]any{"type": "signed_for", "at": "2025-10-09T10:00:00+08:00", "unit": "仲裁院"})
			e.mustEvent(id, map[string]any{"type": "closed", "at": "2025-10-10T16:00:00+08:00"})
		case 2: // paused and still paused
			e.mustEvent(id, map[string]any{"type": "paused", "at": "2025-10-09T09:00:00+08:00", "reason": "等待鉴定"})
		case 3: // closed, visited unsatisfied, reopened
			e.mustEvent(id, map[string]any{"type": "closed", "at": "2025-10-09T11:00:00+08:00"})
			e.mustEvent(id, map[string]any{"type": "visited", "at": "2025-10-10T11:00:00+08:00", "satisfied": false})
			e.mustEvent(id, map[string]any{"type": "reopened", "at": "2025-10-10T12:00:00+08:00", "reason": "回访不满意"})
		}
	}
	passing := policyYAML(t, "  from: 2025-01-01", "  from: 2025-01-01\n  until: 2030-12-31")
	code, out := e.callJSON("POST", "/policy", string(passing))
	require.Equal(t, http.StatusOK, code, "%v", out)
	versions := e.activeVersions()

	nows := []string{"2025-10-09T12:00:00%2B08:00", "2025-10-15T12:00:00%2B08:00", "2025-12-01T00:00:00%2B08:00"}
	snapshot := func(e *env) map[string]string {
		out := map[string]string{}
		for _, id := range ids {
			for _, now := range nows {
				code, body := e.call("GET", "/cases/"+id+"?now="+now, nil, "")
				require.Equal(t, http.StatusOK, code, "%s", body)
				out[id+"@"+now] = string(body)
			}
			out[id+"#events"] = fmt.Sprint(e.eventCount(id))
		}
		_, rep := e.call("GET", "/report?from=2025-09-29&to=2025-10-05&by=tier&now=2025-10-15T12:00:00%2B08:00&format=csv", nil, "")
		out["report"] = string(rep)
		return out
	}
	before := snapshot(e)
	e.close()

	e2 := newEnv(t, path, nil)
	assert.Equal(t, versions, e2.activeVersions(), "the activated policy survives the restart")
	after := snapshot(e2)
	require.Equal(t, len(before), len(after))
	for k, v := range before {
		if len(v) > 0 && v[0] == '{' {
			assert.JSONEq(t, v, after[k], k)
		} else {
			assert.Equal(t, v, after[k], k)
		}
	}
}

// TestConcurrentAppends: 20 goroutines append events to 20 different cases at once, and 10
// goroutines transfer one shared case at once; nothing is lost and sequence numbers stay
// contiguous. Run with -race.
func TestConcurrentAppends(t *testing.T) {
	e := newEnv(t, tempDB(t), nil)
	const n = 20
	for i := 0; i < n; i++ {
		e.mustCreate(fmt.Sprintf("P-%02d", i), "2025-09-30T17:00:00+08:00", map[string]any{"cause": "historical_legacy"})
	}
	e.mustCreate("SHARED", "2025-09-30T17:00:00+08:00", map[string]any{"cause": "historical_legacy"})

	client := e.http.Client()
	url := e.http.URL
	post := func(id, body string) (int, error) {
		req, err := http.NewRequest("POST", url+"/cases/"+id+"/events", stringsReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+clerkToken)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			for _, ev := range []string{
				`{"type":"transferred","at":"2025-10-09T09:00:00+08:00","unit":"U"}`,
				`{"type":"signed_for","at":"2025-10-09T10:00:00+08:00","unit":"U"}`,
				`{"type":"paused","at":"2025-10-10T10:00:00+08:00","reason":"专家评审"}`,
				`{"type":"resumed","at":"2025-10-14T09:00:00+08:00"}`,
				`{"type":"closed","at":"2025-10-20T09:00:00+08:00"}`,
			} {
				code, err := post(id, ev)
				if err == nil && code != http.StatusOK {
					err = fmt.Errorf("case %s: %s → %d", id, ev, code)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}(fmt.Sprintf("P-%02d", i))
	}
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			code, err := post("SHARED", fmt.Sprintf(`{"type":"transferred","at":"2025-10-09T09:00:00+08:00","unit":"U%d"}`, i))
			if err == nil && code != http.StatusOK {
				err = fmt.Errorf("shared transfer %d → %d", i, code)
			}
			if err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("P-%02d", i)
		assert.Equal(t, 7, e.eventCount(id), id)
		st := e.status(id, "2025-10-21T00:00:00%2B08:00")
		assert.Equal(t, "closed_on_time", get(st, "status", "state"), id)
	}
	assert.Equal(t, 12, e.eventCount("SHARED"))
	var maxSeq int
	require.NoError(t, e.queryRow(`SELECT MAX(seq) FROM events WHERE case_id = 'SHARED'`).Scan(&maxSeq))
	assert.Equal(t, 12, maxSeq, "sequence numbers are contiguous")
	st := e.status("SHARED", "2025-10-09T12:00:00%2B08:00")
	assert.Len(t, get(st, "case", "events"), 12, "the case body holds every event")
}
