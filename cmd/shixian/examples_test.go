package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	goldenfile "github.com/shixian-go/shixian/internal/golden"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

// The stored-format example data under examples/cases is generated here, through the
// lifecycle API (Accept, Apply), so that every case in it is one the library accepts. Run
// `go test ./cmd/shixian -run TestExampleCasesUpToDate -update` after changing the generator
// or the default policy; the test fails when the files on disk differ from what it generates.
const (
	exampleCasesDir   = "../../examples/cases"
	examplePausedFile = "case-paused.json"
	exampleCorpusFile = "cases-2025.jsonl"
	exampleCorpusSize = 200
)

// cstAt returns an instant of 2025 in China Standard Time.
func cstAt(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2025, month, day, hour, minute, 0, 0, cst)
}

// examplePausedCase is a T3 complex case (问题比较复杂) accepted Tuesday 2025-09-30 17:00 CST,
// just before the National Day break (10-01..10-08 off), transferred to the labour inspection
// brigade the same evening, signed for on Thursday 10-09, paused on 10-09 for expert review
// (行政许可法 art. 45) and resumed on Monday 10-13, then extended by 3 working days on 10-14
// with the director's approval (行政许可法 art. 42).
func examplePausedCase(p *sla.Policy) (sla.Case, error) {
	c, _, err := p.Accept("C-2025-0930-017", map[string]any{
		"cause": "complex", "category": "wage_arrears", "channel": "window", "applicant": "person",
	}, cstAt(9, 30, 17, 0))
	if err != nil {
		return sla.Case{}, err
	}
	c.Department, c.Handler = "劳动关系科", "王敏"
	c.Attributes = map[string]string{"channel": "window"}
	three := deadline.Period{Count: 3, Unit: deadline.Workdays}
	for _, e := range []sla.Event{
		{Type: sla.EventTransferred, At: cstAt(9, 30, 17, 20), Unit: "劳动监察大队", Actor: "王敏"},
		{Type: sla.EventSignedFor, At: cstAt(10, 9, 9, 30), Unit: "劳动监察大队", Actor: "赵刚"},
		{Type: sla.EventPaused, At: cstAt(10, 9, 10, 0), Reason: "专家评审 expert review of the wage records", Actor: "赵刚"},
		{Type: sla.EventResumed, At: cstAt(10, 13, 9, 0), Note: "专家意见已出具", Actor: "赵刚"},
		{Type: sla.EventExtended, At: cstAt(10, 14, 15, 0), Length: &three, Approver: "局长 李华",
			Reason: "需调取用人单位工资台账 the employer's payroll must be obtained", Actor: "王敏"},
	} {
		if c, err = p.Apply(c, e); err != nil {
			return sla.Case{}, err
		}
	}
	return c, nil
}

// renderCaseFile writes one case as a readable JSON file: the case's fields indented, one
// event per line. It is the same JSON value MarshalJSON writes, with white space added.
func renderCaseFile(c sla.Case) ([]byte, error) {
	head := c
	head.Events = nil
	data, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		return nil, err
	}
	evs := make([]string, len(c.Events))
	for i, e := range c.Events {
		var eb bytes.Buffer
		enc := json.NewEncoder(&eb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(e); err != nil {
			return nil, err
		}
		evs[i] = "    " + strings.TrimSuffix(eb.String(), "\n")
	}
	out := strings.Replace(b.String(), `"events": []`, "\"events\": [\n"+strings.Join(evs, ",\n")+"\n  ]", 1)
	return []byte(out + "\n"), nil
}

// exampleCorpus generates the cases of examples/cases/cases-2025.jsonl from a fixed seed: cases
// accepted through 2025 (the ones still open at the year's end in December),
// classified by the default policy's rules from random inputs, then a mix of histories:
// transferred and signed for, paused and resumed (or still paused), extended before the
// deadline, closed on time or late, left open, visited satisfied or not, reopened after an
// unsatisfied visit and closed again. An event the policy refuses (an extension after the
// deadline, say) is simply not recorded, as a real office's system would refuse it.
func exampleCorpus(p *sla.Policy, n int) ([]sla.Case, error) {
	rng := rand.New(rand.NewPCG(2025, 1310))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	causes := []string{"unclear_request", "incomplete_materials", "incomplete_materials", "other_objective",
		"complex", "complex", "staff_capability", "improper_method", "historical_legacy", "policy_bottleneck", "other"}
	categories := []string{"wage_arrears", "unemployment_benefit", "pension", "medical_insurance",
		"labour_dispute", "social_insurance_transfer", "employment_service"}
	channels := []string{"window", "hotline_12333", "hotline_12345", "online", "letter"}
	departments := []string{"劳动关系科", "社会保险科", "就业促进科", "养老保险科"}
	handlers := []string{"王敏", "李强", "张伟", "刘洋", "陈静", "杨帆"}
	units := []string{"劳动监察大队", "社保中心", "就业服务中心", "医保中心", "街道劳动保障所"}
	hour := func(h int) time.Duration { return time.Duration(h) * time.Hour }

	out := make([]sla.Case, 0, n)
	for i := 0; len(out) < n; i++ {
		// One case in eight is still open at the year's end; those were accepted in December,
		// as an office's backlog is mostly recent.
		open := rng.IntN(8) == 0
		day := rng.IntN(365)
		if open {
			day = 334 + rng.IntN(31)
		}
		at := time.Date(2025, 1, 1+day, 8+rng.IntN(10), rng.IntN(60), 0, 0, cst)
		input := map[string]any{
			"cause": pick(causes), "category": pick(categories), "channel": pick(channels),
			"applicant": "person",
		}
		if rng.IntN(6) == 0 {
			input["applicant"] = "enterprise"
		}
		if rng.IntN(8) == 0 {
			input["tags"] = []string{"cross_department"}
		}
		c, _, err := p.Accept(fmt.Sprintf("C2025-%04d", i+1), input, at)
		if err != nil {
			return nil, err
		}
		c.Department, c.Handler = pick(departments), pick(handlers)
		c.Attributes = map[string]string{"channel": input["channel"].(string)}
		apply := func(e sla.Event) bool {
			next, err := p.Apply(c, e)
			if err != nil {
				return false
			}
			c, at = next, e.At
			return true
		}
		if rng.IntN(2) == 0 {
			unit := pick(units)
			if apply(sla.Event{Type: sla.EventTransferred, At: at.Add(hour(1 + rng.IntN(3))), Unit: unit}) && rng.IntN(5) > 0 {
				apply(sla.Event{Type: sla.EventSignedFor, At: at.Add(hour(1 + rng.IntN(20))), Unit: unit})
			}
		}
		// Pauses (中止): one case in six; an open case is paused more often, and half of
		// those are still waiting for the expert or the hearing at the year's end.
		if rng.IntN(6) == 0 || (open && rng.IntN(3) == 0) {
			if apply(sla.Event{Type: sla.EventPaused, At: at.Add(hour(2 + rng.IntN(30))), Reason: pick([]string{"专家评审", "现场核查", "听证", "鉴定"})}) &&
				(!open || rng.IntN(2) == 0) {
				apply(sla.Event{Type: sla.EventResumed, At: at.Add(hour(24 + rng.IntN(24*6)))})
			}
		}
		if rng.IntN(8) == 0 {
			length := deadline.Period{Count: 1 + rng.IntN(5), Unit: deadline.Workdays}
			apply(sla.Event{Type: sla.EventExtended, At: at.Add(hour(1 + rng.IntN(6))), Length: &length,
				Approver: "局长", Reason: "需协调相关单位"})
		}
		// Most cases close within two days; the rest take up to about three weeks, which
		// makes short tiers late more often than long ones.
		for cycle := 0; cycle < 2 && !open; cycle++ {
			wait := hour(1 + rng.IntN(48))
			if rng.IntN(3) == 0 {
				wait = hour(1 + rng.IntN(24*(2+rng.IntN(20))))
			}
			if !apply(sla.Event{Type: sla.EventClosed, At: at.Add(wait)}) {
				break
			}
			if rng.IntN(5) < 3 {
				sat := rng.IntN(5) > 0
				if apply(sla.Event{Type: sla.EventVisited, At: at.Add(hour(2 + rng.IntN(40))), Satisfied: &sat}) &&
					!sat && rng.IntN(2) == 0 {
					if !apply(sla.Event{Type: sla.EventReopened, At: at.Add(hour(1)), Reason: "申请人不满意，重新办理"}) {
						break
					}
					continue
				}
			}
			break
		}
		out = append(out, c)
	}
	return out, nil
}

// exampleFiles returns the generated contents of examples/cases, by file name.
func exampleFiles(t *testing.T) map[string][]byte {
	t.Helper()
	p := sla.Default()
	paused, err := examplePausedCase(p)
	require.NoError(t, err)
	pausedJSON, err := renderCaseFile(paused)
	require.NoError(t, err)
	cases, err := exampleCorpus(p, exampleCorpusSize)
	require.NoError(t, err)
	var corpus bytes.Buffer
	enc := newJSONEncoder(&corpus)
	for _, c := range cases {
		require.NoError(t, enc.Encode(c))
	}
	return map[string][]byte{examplePausedFile: pausedJSON, exampleCorpusFile: corpus.Bytes()}
}

func TestExampleCasesUpToDate(t *testing.T) {
	for name, generated := range exampleFiles(t) {
		goldenfile.Assert(t, filepath.Join(exampleCasesDir, name), generated)
	}
}

func TestExampleCasesAreValidAndVaried(t *testing.T) {
	p := sla.Default()
	files := exampleFiles(t)

	var paused sla.Case
	require.NoError(t, json.Unmarshal(files[examplePausedFile], &paused))
	require.NoError(t, p.Validate(paused))
	var types []string
	for _, e := range paused.Events {
		types = append(types, string(e.Type))
	}
	assert.Equal(t, "accepted classified transferred signed_for paused resumed extended", strings.Join(types, " "))

	// The corpus as of the end of 2025 has every kind of case the report counts.
	lines := strings.Split(strings.TrimSuffix(string(files[exampleCorpusFile]), "\n"), "\n")
	require.Len(t, lines, exampleCorpusSize)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, cst)
	states := map[sla.State]int{}
	seen := map[sla.EventType]int{}
	everLateOnly := 0
	for i, line := range lines {
		var c sla.Case
		require.NoError(t, json.Unmarshal([]byte(line), &c), "line %d", i+1)
		require.NoError(t, p.Validate(c), "line %d", i+1)
		st, err := p.StatusAt(c, now)
		require.NoError(t, err, "line %d", i+1)
		states[st.State]++
		if st.EverLate && !st.CycleLate {
			everLateOnly++
		}
		for _, e := range c.Events {
			seen[e.Type]++
		}
	}
	for _, s := range []sla.State{sla.StateClosedOnTime, sla.StateClosedLate, sla.StateOverdue, sla.StatePaused} {
		assert.Positive(t, states[s], "some cases are %s at the end of 2025 (%v)", s, states)
	}
	assert.Positive(t, states[sla.StateOnTrack]+states[sla.StateWarning], "some December cases are still running (%v)", states)
	for _, ty := range []sla.EventType{sla.EventTransferred, sla.EventSignedFor, sla.EventPaused, sla.EventResumed,
		sla.EventExtended, sla.EventClosed, sla.EventVisited, sla.EventReopened} {
		assert.Positive(t, seen[ty], "some cases have a %s event", ty)
	}
	t.Logf("states at 2026-01-01: %v; late only in an earlier cycle: %d", states, everLateOnly)
}

func TestExampleCasesThroughTheCLI(t *testing.T) {
	paused := filepath.Join(exampleCasesDir, examplePausedFile)
	corpus := filepath.Join(exampleCasesDir, exampleCorpusFile)
	t.Run("status of the paused and extended case", func(t *testing.T) {
		// T3 from Tuesday 09-30 17:00: day 1 is Thursday 10-09 (National Day does not count);
		// paused 10-09, resumed Monday 10-13, the days from 10-10 to the resume day not counted;
		// day 2 is 10-14, day 3 10-15, due 10-15 24:00; the extension of 3 working days on 10-14
		// runs from that last day: 10-16, 10-17, 10-20 → due 10-20 24:00. On Friday 10-17 at
		// noon one working day (10-20) is left.
		r := cli(t, "", "status", "--policy", defaultPolicy, "--case", paused, "--now", "2025-10-17T12:00:00+08:00", "--lang", "en")
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "examples-status-paused.txt", r.stdout)
		assert.Contains(t, r.stdout, "期限 Due: 2025-10-20 24:00")
		assert.Contains(t, r.stdout, "延期 Extensions: 1")
	})
	t.Run("report of 2025 by tier", func(t *testing.T) {
		r := cli(t, "", "report", "--policy", defaultPolicy, "--cases", corpus, "--from", "2025-01-01", "--to", "2025-12-31", "--by", "tier")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Empty(t, r.stderr)
		golden(t, "examples-report-2025-tier.md", r.stdout)
		assert.Contains(t, r.stdout, "| T1 |")
		assert.Contains(t, r.stdout, "| T10 |")
		assert.Contains(t, r.stdout, "**合计 TOTAL** | **200**", "all 200 cases were accepted in 2025")
	})
	t.Run("the same as CSV, and the overdue list", func(t *testing.T) {
		args := []string{"report", "--policy", defaultPolicy, "--cases", corpus, "--from", "2025-01-01", "--to", "2025-12-31", "--by", "tier", "--format", "csv"}
		r := cli(t, "", args...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "examples-report-2025-tier.csv", r.stdout)
		assert.Contains(t, r.stdout, "\nTOTAL,200,")
		r = cli(t, "", append(args, "--overdue")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "examples-report-2025-overdue.csv", r.stdout)
	})
}
