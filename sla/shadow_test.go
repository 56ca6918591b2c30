package sla_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

// shadowCandidate is the default policy as version 2026.1 from 2026-01-01, with the text
// replacements given (pairs of old and new).
func shadowCandidate(t *testing.T, replace ...string) *sla.Policy {
	t.Helper()
	return shadowCandidateAs(t, "2026.1", "2026-01-01", replace...)
}

// shadowCandidateAs is the default policy as version, effective from the date from, with the
// text replacements given.
func shadowCandidateAs(t *testing.T, version, from string, replace ...string) *sla.Policy {
	t.Helper()
	y := string(sla.DefaultPolicyYAML())
	pairs := append([]string{`version: "2025.1"`, `version: "` + version + `"`, "from: 2025-01-01", "from: " + from}, replace...)
	for i := 0; i+1 < len(pairs); i += 2 {
		require.Contains(t, y, pairs[i], "policy text to replace")
		y = strings.Replace(y, pairs[i], pairs[i+1], 1)
	}
	p, err := sla.ParsePolicy("candidate.yaml", []byte(y))
	require.NoError(t, err)
	return p
}

// complexToT10 moves "complex" cases from T3 to T10.
var complexToT10 = []string{"when: cause == \"complex\"\n    tier: T3", "when: cause == \"complex\"\n    tier: T10"}

func shadowHolder(t *testing.T) *sla.Holder {
	t.Helper()
	h, err := sla.NewHistory(sla.Default())
	require.NoError(t, err)
	holder, err := sla.NewHolder(h)
	require.NoError(t, err)
	return holder
}

// observeLive classifies input with the live policy and reports it to s, as a portal does.
func observeLive(t *testing.T, s *sla.Shadow, id string, input map[string]any, accepted time.Time) {
	t.Helper()
	p := sla.Default()
	d, err := p.Classify(input, accepted)
	require.NoError(t, err)
	dl, err := p.Deadline(d.Tier, accepted)
	require.NoError(t, err)
	s.Observe(id, input, accepted, d, dl.Due)
}

var shadowAccepted = time.Date(2025, 9, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func TestShadowReportsEveryDisagreementAndCountsTheRest(t *testing.T) {
	var mu sync.Mutex
	var got []sla.Disagreement
	s, err := sla.NewShadow(shadowHolder(t), shadowCandidate(t, complexToT10...), sla.ShadowOptions{Sink: func(d sla.Disagreement) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, d)
	}})
	require.NoError(t, err)
	observeLive(t, s, "same-1", map[string]any{"cause": "unclear_request"}, shadowAccepted)
	observeLive(t, s, "moved", map[string]any{"cause": "complex"}, shadowAccepted)
	observeLive(t, s, "same-2", map[string]any{"cause": "policy_bottleneck"}, shadowAccepted)
	s.Close()

	assert.Equal(t, sla.ShadowCounts{Observed: 3, Agreed: 2, Disagreed: 1, TierChanged: 1, DueChanged: 1}, s.Counts(),
		"a tier change with the same rule is a tier and due disagreement, not a rule one")
	require.Len(t, got, 1, "only the moved case reaches the sink")
	d := got[0]
	assert.Equal(t, "moved", d.CaseID)
	assert.Equal(t, "2025.1", d.Live.Version)
	assert.Equal(t, "T3", d.Live.Tier)
	assert.Equal(t, "complex-case", d.Live.Rule)
	assert.True(t, d.Live.Due.Equal(time.Date(2025, 10, 12, 0, 0, 0, 0, shadowAccepted.Location())),
		"3 working days from 2025-09-30 are 10-09, 10-10 and the makeup Saturday 10-11, not %s", d.Live.Due)
	assert.Equal(t, "2026.1", d.Shadow.Version, "the candidate decides although its range starts in 2026")
	assert.Equal(t, "T10", d.Shadow.Tier)
	assert.Equal(t, "complex-case", d.Shadow.Rule)
	assert.True(t, d.Shadow.Due.After(d.Live.Due), "10 working days end later than 3")
	assert.Empty(t, d.Error)
	assert.Equal(t, got, s.Recent(0), "Recent keeps the same disagreement")
}

func TestShadowCountsARuleChangeAndACandidateThatCannotDecide(t *testing.T) {
	tests := []struct {
		name    string
		replace []string
		input   map[string]any
		want    sla.ShadowCounts
		wantErr string
	}{
		{
			name: "a candidate that decides the same tier by another rule differs in the rule only",
			replace: []string{"  - id: complex-case\n    when: cause == \"complex\"\n    tier: T3",
				"  - id: complex-renamed\n    when: cause == \"complex\"\n    tier: T3"},
			input: map[string]any{"cause": "complex"},
			want:  sla.ShadowCounts{Observed: 1, Disagreed: 1, RuleChanged: 1},
		},
		{
			name:    "a candidate that requires a field the live input lacks is a candidate error naming the field",
			replace: []string{"input:\n", "input:\n  priority:\n    type: string\n"},
			input:   map[string]any{"cause": "other"},
			// The live default decided (no rule), and so did nothing in the candidate: no rule change.
			want:    sla.ShadowCounts{Observed: 1, Disagreed: 1, CandidateErrors: 1, TierChanged: 1, DueChanged: 1},
			wantErr: "priority",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sla.NewShadow(shadowHolder(t), shadowCandidate(t, tc.replace...), sla.ShadowOptions{})
			require.NoError(t, err)
			defer s.Close()
			observeLive(t, s, "c", tc.input, shadowAccepted)
			assert.Equal(t, tc.want, s.Counts())
			recent := s.Recent(0)
			require.Len(t, recent, 1)
			if tc.wantErr == "" {
				assert.Empty(t, recent[0].Error)
			} else {
				assert.Contains(t, recent[0].Error, tc.wantErr)
			}
		})
	}
}

func TestShadowSinkFaultsNeverReachTheLivePath(t *testing.T) {
	t.Run("a sink that panics is counted and still called for the next disagreement", func(t *testing.T) {
		var mu sync.Mutex
		calls := 0
		s, err := sla.NewShadow(shadowHolder(t), shadowCandidate(t, complexToT10...), sla.ShadowOptions{Sink: func(sla.Disagreement) {
			mu.Lock()
			calls++
			mu.Unlock()
			panic("sink broke")
		}})
		require.NoError(t, err)
		for i := range 3 {
			observeLive(t, s, fmt.Sprint("c", i), map[string]any{"cause": "complex"}, shadowAccepted)
		}
		s.Close()
		assert.Equal(t, 3, calls)
		assert.Equal(t, int64(3), s.Counts().SinkPanics)
		assert.Equal(t, int64(3), s.Counts().Disagreed)
	})
	t.Run("a sink that blocks does not delay Observe; what the queue cannot hold is dropped and counted", func(t *testing.T) {
		release := make(chan struct{})
		s, err := sla.NewShadow(shadowHolder(t), shadowCandidate(t, complexToT10...), sla.ShadowOptions{Sink: func(sla.Disagreement) { <-release }})
		require.NoError(t, err)
		n := sla.ShadowQueue + 50
		start := time.Now()
		for i := range n {
			observeLive(t, s, fmt.Sprint("c", i), map[string]any{"cause": "complex"}, shadowAccepted)
		}
		assert.Less(t, time.Since(start), 20*time.Second, "Observe must not wait for the sink")
		c := s.Counts()
		assert.Equal(t, int64(n), c.Disagreed)
		// One disagreement may be in the sink's hands, the queue holds ShadowQueue.
		assert.GreaterOrEqual(t, c.Dropped, int64(n-sla.ShadowQueue-1))
		assert.LessOrEqual(t, c.Dropped, int64(n-sla.ShadowQueue))
		close(release)
		s.Close()
	})
}

func TestShadowKeepsABoundedNumberOfRecentDisagreementsNewestFirst(t *testing.T) {
	s, err := sla.NewShadow(shadowHolder(t), shadowCandidate(t, complexToT10...), sla.ShadowOptions{Recent: 3})
	require.NoError(t, err)
	defer s.Close()
	assert.Empty(t, s.Recent(0), "nothing observed yet")
	for i := range 5 {
		observeLive(t, s, fmt.Sprint("c", i), map[string]any{"cause": "complex"}, shadowAccepted)
	}
	var ids []string
	for _, d := range s.Recent(0) {
		ids = append(ids, d.CaseID)
	}
	assert.Equal(t, []string{"c4", "c3", "c2"}, ids)
	assert.Len(t, s.Recent(2), 2)
	assert.Equal(t, int64(5), s.Counts().Disagreed, "counts go on past what is kept")
}

func TestShadowPromotesThroughTheHolder(t *testing.T) {
	holder := shadowHolder(t)
	// The same version string with other rules replaces the active version when activated.
	candidate := shadowCandidateAs(t, "2025.1", "2025-01-01", complexToT10...)
	s, err := sla.NewShadow(holder, candidate, sla.ShadowOptions{})
	require.NoError(t, err)
	defer s.Close()

	refuse := func(*sla.Policy) error { return fmt.Errorf("suite failed") }
	require.ErrorContains(t, s.Promote(refuse), "suite failed", "a failing check keeps the candidate out")
	assert.False(t, s.Promoted())
	assert.Equal(t, sla.Default(), holder.Current().Latest(), "the live version stays")

	require.NoError(t, s.Promote())
	assert.True(t, s.Promoted())
	assert.Equal(t, candidate, holder.Current().Latest(), "the candidate is now the latest version")
	observeLive(t, s, "after", map[string]any{"cause": "complex"}, shadowAccepted)
	assert.Equal(t, int64(0), s.Counts().Observed, "a promoted shadow observes nothing")
}

func TestNewShadowRefusesMissingPartsAndUnboundedMemory(t *testing.T) {
	holder, candidate := shadowHolder(t), shadowCandidate(t)
	tests := []struct {
		name   string
		holder *sla.Holder
		cand   *sla.Policy
		opts   sla.ShadowOptions
		want   string
	}{
		{"a nil holder", nil, candidate, sla.ShadowOptions{}, "holder is nil"},
		{"a nil candidate", holder, nil, sla.ShadowOptions{}, "candidate policy is nil"},
		{"more recent disagreements than MaxShadowRecent", holder, candidate, sla.ShadowOptions{Recent: sla.MaxShadowRecent + 1}, "outside 0..10000"},
		{"a negative number of recent disagreements", holder, candidate, sla.ShadowOptions{Recent: -1}, "outside"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sla.NewShadow(tc.holder, tc.cand, tc.opts)
			require.ErrorContains(t, err, tc.want)
			assert.Nil(t, s)
			assert.ErrorIs(t, err, sla.ErrInvalid, "what the caller passed")
		})
	}
}

func TestShadowIsSafeForConcurrentUse(t *testing.T) {
	var mu sync.Mutex
	seen := 0
	s, err := sla.NewShadow(shadowHolder(t), shadowCandidate(t, complexToT10...), sla.ShadowOptions{Recent: 7, Sink: func(sla.Disagreement) {
		mu.Lock()
		seen++
		mu.Unlock()
	}})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				cause := "complex"
				if i%2 == 1 {
					cause = "unclear_request"
				}
				observeLive(t, s, fmt.Sprint(g, "-", i), map[string]any{"cause": cause}, shadowAccepted)
				_ = s.Counts()
				_ = s.Recent(3)
			}
		}()
	}
	wg.Wait()
	s.Close()
	s.Close() // a second Close is harmless
	c := s.Counts()
	assert.Equal(t, sla.ShadowCounts{Observed: 200, Agreed: 100, Disagreed: 100, TierChanged: 100, DueChanged: 100}, c)
	assert.Equal(t, 100, seen, "the sink saw every disagreement once")
	assert.Len(t, s.Recent(0), 7)
}
