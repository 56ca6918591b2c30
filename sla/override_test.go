package sla_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/internal/wireschema"
	"github.com/shixian-go/shixian/sla"
)

func TestStatusSaysWhenTheClassifiedTierContradictsTheRules(t *testing.T) {
	p := sla.Default()
	accepted := at(2025, 10, 13, 10, 0)
	input := map[string]any{"cause": "historical_legacy"} // the rules give T10 by legacy-or-bottleneck
	byHand := func(tier string) sla.Case {
		c, err := p.Apply(sla.Case{ID: "C-1", PolicyID: p.ID()}, sla.Event{Type: sla.EventAccepted, At: accepted, Input: input})
		require.NoError(t, err)
		c, err = p.Apply(c, sla.Event{Type: sla.EventClassified, At: accepted, Tier: tier, Reason: "科长决定"})
		require.NoError(t, err, "an officer may override the rules: the event is allowed")
		return c
	}
	now := accepted.Add(3600e9)

	st, err := p.StatusAt(byHand("T1"), now)
	require.NoError(t, err)
	assert.Equal(t, "T1", st.Tier, "the case is counted by the tier recorded")
	require.NotNil(t, st.Override, "but the status says the rules decide otherwise")
	assert.Equal(t, sla.ClassificationOverride{Tier: "T1", RulesTier: "T10", Rule: "legacy-or-bottleneck"}, *st.Override)
	assert.Contains(t, st.Explain(p, byHand("T1")),
		"Tier T1 was recorded by the classified event against the rules, which give T10 (rule legacy-or-bottleneck) on the case's input: an override by the officer, counted as recorded.")

	assert.Contains(t, strings.Join(st.Explain(p, byHand("T1")), "\n"), "classified (分类) as T1 (1个工作日内办结, 1 workday) by hand (no rule, and not the default tier): 科长决定",
		"the classified event is not said to be the policy's default")
	b, err := json.Marshal(st)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"override":{"tier":"T1","rules_tier":"T10","rule":"legacy-or-bottleneck"}`)
	schema, err := wireschema.Compile("schema/shixian-v1.schema.json", "Status")
	require.NoError(t, err)
	assert.NoError(t, wireschema.Validate(schema, b), "the schema describes the override")
	var back sla.Status
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, st.Override, back.Override, "the override reads back")

	stored, err := json.Marshal(byHand("T1"))
	require.NoError(t, err)
	var reread sla.Case
	require.NoError(t, json.Unmarshal(stored, &reread))
	st, err = p.StatusAt(reread, now)
	require.NoError(t, err)
	assert.NotNil(t, st.Override, "a case stored as JSON and read back is judged the same")

	st, err = p.StatusAt(byHand("T10"), now)
	require.NoError(t, err)
	assert.Nil(t, st.Override, "a tier the rules agree with is no override")
	b, err = json.Marshal(st)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "override", "and the key is left out")

	c, _, err := p.Accept("C-2", input, accepted)
	require.NoError(t, err)
	st, err = p.StatusAt(c, now)
	require.NoError(t, err)
	assert.Nil(t, st.Override, "a case accepted through the rules is never an override")

	noInput, err := p.Apply(sla.Case{ID: "C-3", PolicyID: p.ID()}, sla.Event{Type: sla.EventAccepted, At: accepted})
	require.NoError(t, err)
	noInput, err = p.Apply(noInput, sla.Event{Type: sla.EventClassified, At: accepted, Tier: "T1"})
	require.NoError(t, err)
	st, err = p.StatusAt(noInput, now)
	require.NoError(t, err)
	assert.Nil(t, st.Override, "without recorded input nothing can be compared")
}
