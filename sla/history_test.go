package sla_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

const (
	shipped2025 = "../examples/policies/xinyu-1310.yaml"
	shipped2026 = "../examples/policychange/xinyu-1310-2026.yaml"
)

// TestShippedPairLoadsAsIs: the shipped 2025 policy (no `until`) and the 2026 one (from
// 2026-01-01) load together as they are: the 2025 version ends where 2026 begins, and its
// bytes and hash are the file's.
func TestShippedPairLoadsAsIs(t *testing.T) {
	h, err := sla.LoadHistory(shipped2025, shipped2026)
	require.NoError(t, err)
	vs := h.Versions()
	require.Len(t, vs, 2)
	assert.Equal(t, []string{"2025.1", "2026.1"}, []string{vs[0].Version(), vs[1].Version()})

	from, until := vs[0].Effective()
	assert.Equal(t, at(2025, 1, 1, 0, 0), from)
	assert.True(t, until.Equal(at(2026, 1, 1, 0, 0)), "the 2025 version ends at 00:00 of 2026-01-01, got %v", until)
	_, until26 := vs[1].Effective()
	assert.True(t, until26.IsZero(), "the last version stays open-ended")

	for i, path := range []string{shipped2025, shipped2026} {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		sum := sha256.Sum256(data)
		assert.Equal(t, hex.EncodeToString(sum[:]), vs[i].Hash(), "%s: the hash is the file's", path)
		assert.Equal(t, data, vs[i].Bytes(), "%s: the bytes are the file's", path)
	}

	for _, tc := range []struct {
		name    string
		at      time.Time
		version string
	}{
		{"the last minute of 2025 is governed by 2025.1", at(2025, 12, 31, 23, 59), "2025.1"},
		{"midnight of 2026-01-01 is governed by 2026.1", at(2026, 1, 1, 0, 0), "2026.1"},
		{"a case of 2027 is governed by 2026.1", at(2027, 3, 1, 9, 0), "2026.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := h.At(tc.at)
			require.NoError(t, err)
			assert.Equal(t, tc.version, p.Version())
			d, err := h.Classify(map[string]any{"cause": "complex"}, tc.at)
			require.NoError(t, err)
			assert.Equal(t, tc.version, d.PolicyVersion)
		})
	}

	// Inside the history the derived end counts: the 2025 version refuses a 2027 acceptance.
	_, err = vs[0].Deadline("T3", at(2027, 3, 1, 9, 0))
	var ne *sla.NotEffectiveError
	require.ErrorAs(t, err, &ne)
	assert.ErrorIs(t, err, sla.ErrInvalid)
	_, err = vs[0].Classify(map[string]any{"cause": "complex"}, at(2026, 1, 1, 0, 0))
	require.ErrorAs(t, err, &ne)
	// The file alone is still open-ended.
	alone, err := sla.LoadPolicy(shipped2025)
	require.NoError(t, err)
	_, err = alone.Deadline("T3", at(2027, 3, 1, 9, 0))
	require.NoError(t, err)
}

// TestPolicyDeadlineRefusesOutsideItsRange: a version's Deadline counts only acceptances in
// its effective range; outside it is a *NotEffectiveError, and a zero instant or an unknown
// tier are errors of the caller too.
func TestPolicyDeadlineRefusesOutsideItsRange(t *testing.T) {
	p := mustParse(t, "v.yaml", policyVersion("2025.1", "2025-01-01", "2025-12-31", "T1"))
	for _, tc := range []struct {
		name         string
		tier         string
		at           time.Time
		notEffective bool
	}{
		{"an acceptance the day before the range starts", "T3", at(2024, 12, 31, 12, 0), true},
		{"an acceptance at 00:00 of the day after `until`", "T3", at(2026, 1, 1, 0, 0), true},
		{"an acceptance in 2027", "T3", at(2027, 3, 1, 9, 0), true},
		{"a zero acceptance instant", "T3", time.Time{}, false},
		{"a tier the policy does not have", "T9", at(2025, 3, 1, 9, 0), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Deadline(tc.tier, tc.at)
			require.Error(t, err)
			assert.ErrorIs(t, err, sla.ErrInvalid)
			var ne *sla.NotEffectiveError
			assert.Equal(t, tc.notEffective, errors.As(err, &ne), "%v", err)
		})
	}
	d, err := p.Deadline("T3", at(2025, 12, 31, 23, 0))
	require.NoError(t, err, "the last evening of the range counts")
	assert.False(t, d.Due.IsZero())
}

// TestHolderActivatesNextYearInOneCall: one Activate adds 2026 beside an open-ended 2025,
// running the 2025 checks against 2025 as it now ends and the 2026 checks against 2026.
func TestHolderActivatesNextYearInOneCall(t *testing.T) {
	p25, h, holder := holderOf2025(t)

	var mu sync.Mutex
	seen := map[string][]time.Time{} // version → the `until` each check saw
	record := func(version string) sla.Check {
		return func(p *sla.Policy) error {
			mu.Lock()
			defer mu.Unlock()
			if p.Version() != version {
				return errors.New("check of " + version + " ran against " + p.Version())
			}
			_, until := p.Effective()
			seen[version] = append(seen[version], until)
			return nil
		}
	}

	// Binding checks to the active version is no swap.
	require.NoError(t, holder.Activate(p25, record("2025.1")))
	assert.Equal(t, int64(0), holder.Swaps(), "the same content with checks is not a swap")
	assert.Same(t, h, holder.Current())
	require.Len(t, seen["2025.1"], 1)
	assert.True(t, seen["2025.1"][0].IsZero(), "2025 alone is open-ended")

	p26, err := sla.LoadPolicy(shipped2026)
	require.NoError(t, err)
	require.NoError(t, holder.Activate(p26, record("2026.1")))
	assert.Equal(t, int64(1), holder.Swaps())
	require.Len(t, seen["2025.1"], 2, "the 2025 checks ran again: its range changed")
	assert.True(t, seen["2025.1"][1].Equal(at(2026, 1, 1, 0, 0)), "the 2025 check saw 2025 ending where 2026 begins")
	require.Len(t, seen["2026.1"], 1)
	assert.Len(t, holder.Current().Versions(), 2)

	// The same content again, from a fresh load: idempotent, nothing is rerun or counted.
	again, err := sla.LoadPolicy(shipped2026)
	require.NoError(t, err)
	cur := holder.Current()
	for i := 0; i < 4; i++ {
		require.NoError(t, holder.Activate(again))
	}
	assert.Equal(t, int64(1), holder.Swaps(), "four activations of identical content count no swap")
	assert.Same(t, cur, holder.Current())
	assert.Len(t, seen["2026.1"], 1)
}

// TestHolderRefusesWhenAnEarlierVersionsChecksFail: a 2025 suite that cannot pass once 2025
// ends keeps 2026 out, and the active history is unchanged.
func TestHolderRefusesWhenAnEarlierVersionsChecksFail(t *testing.T) {
	p25, h, holder := holderOf2025(t)
	// A 2025 suite with a case accepted in 2026: it passes while 2025 is open-ended only.
	suite25 := func(p *sla.Policy) error {
		_, err := p.Deadline("T3", at(2026, 2, 2, 9, 0))
		return err
	}
	require.NoError(t, holder.ActivateVersions(sla.Version{Policy: p25, Checks: []sla.Check{suite25}}))

	p26, err := sla.LoadPolicy(shipped2026)
	require.NoError(t, err)
	err = holder.Activate(p26)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "policy xinyu-1310 2026.1 was not activated")
	assert.ErrorIs(t, err, sla.ErrInvalid)
	var ne *sla.NotEffectiveError
	assert.ErrorAs(t, err, &ne, "the 2025 check's own error is reachable")
	assert.Same(t, h, holder.Current())
	assert.Equal(t, int64(0), holder.Swaps())

	// The caller fixes the 2025 suite and adds 2026 in the same activation.
	fixed := func(p *sla.Policy) error {
		_, err := p.Deadline("T3", at(2025, 12, 1, 9, 0))
		return err
	}
	require.NoError(t, holder.ActivateVersions(
		sla.Version{Policy: p25, Checks: []sla.Check{fixed}},
		sla.Version{Policy: p26},
	))
	assert.Equal(t, int64(1), holder.Swaps())
	assert.Len(t, holder.Current().Versions(), 2)
}

// TestHolderActivatesSeveralVersionsAtomically: two versions go in with one swap, or neither.
func TestHolderActivatesSeveralVersionsAtomically(t *testing.T) {
	v24 := mustParse(t, "v24.yaml", policyVersion("2024.1", "2024-01-01", "", "T3"))
	h, err := sla.NewHistory(v24)
	require.NoError(t, err)
	holder, err := sla.NewHolder(h)
	require.NoError(t, err)
	v25 := mustParse(t, "v25.yaml", policyVersion("2025.1", "2025-01-01", "", "T1"))
	v26 := mustParse(t, "v26.yaml", policyVersion("2026.1", "2026-01-01", "", "T3"))

	fail := errors.New("suite of 2026 fails")
	err = holder.ActivateVersions(sla.Version{Policy: v25}, sla.Version{Policy: v26, Checks: []sla.Check{func(*sla.Policy) error { return fail }}})
	require.ErrorIs(t, err, fail)
	assert.False(t, errors.Is(err, sla.ErrInvalid), "a check's plain error is not classified as the caller's: %v", err)
	assert.Same(t, h, holder.Current(), "neither version went in")

	require.NoError(t, holder.ActivateVersions(sla.Version{Policy: v25}, sla.Version{Policy: v26}))
	assert.Equal(t, int64(1), holder.Swaps())
	vs := holder.Current().Versions()
	require.Len(t, vs, 3)
	_, until24 := vs[0].Effective()
	_, until25 := vs[1].Effective()
	assert.True(t, until24.Equal(at(2025, 1, 1, 0, 0)))
	assert.True(t, until25.Equal(at(2026, 1, 1, 0, 0)))

	err = holder.ActivateVersions(sla.Version{Policy: v25}, sla.Version{Policy: v25})
	assert.ErrorContains(t, err, "given twice")
	assert.ErrorIs(t, err, sla.ErrInvalid)
}

// TestHistoryReportSpansAVersionSwitch: one report over cases accepted before and after a
// version switch judges each case by its own version, and its averages, P90 and overdue order
// are over the whole set — which reports per version merged by hand cannot give.
func TestHistoryReportSpansAVersionSwitch(t *testing.T) {
	v25 := mustParse(t, "v25.yaml", policyVersion("2025.1", "2025-01-01", "", "T1"))
	v26 := mustParse(t, "v26.yaml", policyVersion("2026.1", "2026-01-01", "", "T3"))
	h, err := sla.NewHistory(v25, v26)
	require.NoError(t, err)

	input := map[string]any{"cause": "complex"}
	open := func(id string, accepted time.Time) sla.Case {
		c, d, err := h.Accept(id, input, accepted)
		require.NoError(t, err)
		assert.False(t, d.Due.IsZero(), "the decision carries the deadline")
		return c
	}
	closeAt := func(c sla.Case, at time.Time) sla.Case {
		out, err := h.Apply(c, sla.Event{Type: sla.EventClosed, At: at})
		require.NoError(t, err)
		return out
	}
	dec1 := at(2025, 12, 1, 10, 0) // Monday; 2025.1 puts the case in T1 (1 working day)
	jan5 := at(2026, 1, 5, 10, 0)  // Monday; 2026.1 puts it in T3
	cases := []sla.Case{
		closeAt(open("A", dec1), at(2025, 12, 1, 15, 0)), // 0 working days, on time
		closeAt(open("B", dec1), at(2025, 12, 4, 15, 0)), // 3 working days, late under T1
		open("C", dec1), // open, overdue since 2025-12-03
		closeAt(open("D", jan5), at(2026, 1, 6, 15, 0)), // 1 working day, on time under T3
		closeAt(open("E", jan5), at(2026, 1, 7, 15, 0)), // 2 working days, on time under T3
		open("F", jan5), // open, overdue since 2026-01-09
	}
	opts := sla.ReportOptions{From: at(2025, 12, 1, 0, 0), To: at(2026, 1, 31, 0, 0), Now: at(2026, 1, 20, 12, 0)}

	// One version alone cannot judge the other's cases.
	_, err = h.Versions()[0].Report(cases, opts)
	var ne *sla.NotEffectiveError
	require.ErrorAs(t, err, &ne, "the 2025 version refuses a 2026 case")

	rep, err := h.Report(cases, opts)
	require.NoError(t, err)
	assert.Equal(t, "2025.1, 2026.1", rep.PolicyVersion)
	assert.Equal(t, 6, rep.Total.Accepted)
	assert.Equal(t, 3, rep.Total.ClosedOnTime, "A under T1, D and E under T3")
	assert.Equal(t, 1, rep.Total.ClosedLate, "B under T1 (it would be on time under T3)")
	assert.InDelta(t, 1.5, rep.Total.AvgWorkdaysToClose, 1e-9, "(0+3+1+2)/4 over both versions")
	assert.Equal(t, 3, rep.Total.P90WorkdaysToClose, "nearest rank 4 of 0,1,2,3")
	ids := []string{}
	for _, it := range rep.Overdue {
		ids = append(ids, it.CaseID)
	}
	assert.Equal(t, []string{"C", "F", "B"}, ids, "the most overdue first, across versions")
	for i := 1; i < len(rep.Overdue); i++ {
		assert.GreaterOrEqual(t, rep.Overdue[i-1].OverdueDays, rep.Overdue[i].OverdueDays)
	}

	// The streaming form gives the same report, and a case in no version's range is refused
	// as the caller's fault without changing the reporter.
	r, err := h.NewReporter(opts)
	require.NoError(t, err)
	for _, c := range cases {
		require.NoError(t, r.Add(c))
	}
	assert.Equal(t, rep, r.Report())

	wide := opts
	wide.From = at(2024, 1, 1, 0, 0)
	r, err = h.NewReporter(wide)
	require.NoError(t, err)
	require.NoError(t, r.Add(cases[0]))
	before := r.Report()
	early := sla.Case{ID: "X", Events: []sla.Event{{Type: sla.EventAccepted, At: at(2024, 6, 3, 9, 0)}}}
	err = r.Add(early)
	require.Error(t, err)
	assert.ErrorIs(t, err, sla.ErrInvalid)
	assert.Equal(t, "sla: report: case X: policy history-test has no version in effect for a case accepted 2024-06-03 09:00 CST (2025.1 effective from 2025-01-01 until 2025-12-31; 2026.1 effective from 2026-01-01, open-ended)", err.Error())
	assert.Equal(t, before, r.Report(), "a refused case changes nothing")
}

// TestZeroHolderDoesNotPanic: a Holder not made by NewHolder has no history and refuses
// activations with an error, never a panic.
func TestZeroHolderDoesNotPanic(t *testing.T) {
	var holder sla.Holder
	assert.Nil(t, holder.Current())
	err := holder.Activate(sla.Default())
	require.ErrorContains(t, err, "not made by NewHolder")
	assert.False(t, errors.Is(err, sla.ErrInvalid), "a program's mistake, not a request's")
	require.ErrorContains(t, holder.Activate(nil), "nil")
}

// holderOf2025 is a Holder whose history is the shipped 2025 policy alone (open-ended).
func holderOf2025(t *testing.T) (*sla.Policy, *sla.History, *sla.Holder) {
	t.Helper()
	p25, err := sla.LoadPolicy(shipped2025)
	require.NoError(t, err)
	h, err := sla.NewHistory(p25)
	require.NoError(t, err)
	holder, err := sla.NewHolder(h)
	require.NoError(t, err)
	return p25, h, holder
}
