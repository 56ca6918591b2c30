package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const deadRulePolicy = "testdata/policy-dead-rule.yaml"

func TestAnalyzeCommand(t *testing.T) {
	t.Run("the default policy in text: exact, no dead rule, the inputs that fall to the default", func(t *testing.T) {
		r := cli(t, "", "analyze", defaultPolicy)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "analyze-default.txt", r.stdout)
		assert.Contains(t, r.stdout, "coverage: 108 input classes, every one evaluated; exact")
		assert.Contains(t, r.stdout, "rules that can never decide (0):\n  none\n")
	})
	t.Run("a rule that can never decide, in JSON with the contract keys; exit 0: analyze informs, lint fails", func(t *testing.T) {
		r := cli(t, "", "analyze", "--format", "json", deadRulePolicy)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "analyze-dead-rule.json", r.stdout)
		var a struct {
			Format      string `json:"format"`
			Unreachable []struct {
				Rule       string   `json:"rule"`
				ShadowedBy []string `json:"shadowed_by"`
			} `json:"unreachable"`
			PartlyShadowed []json.RawMessage `json:"partly_shadowed"`
			ReachesDefault []map[string]any  `json:"reaches_default"`
			Tiers          map[string]int    `json:"tiers"`
			Exact          bool              `json:"exact"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &a))
		assert.Equal(t, "shixian-analysis/v1", a.Format)
		require.Len(t, a.Unreachable, 1)
		assert.Equal(t, "complex-thick", a.Unreachable[0].Rule)
		assert.Equal(t, []string{"legacy", "subjective"}, a.Unreachable[0].ShadowedBy)
		assert.Len(t, a.PartlyShadowed, 1)
		assert.Equal(t, []map[string]any{{"cause": "other", "pages": float64(-1)}}, a.ReachesDefault)
		assert.Equal(t, map[string]int{"T1": 5, "T3": 13, "T10": 10}, a.Tiers)
		assert.True(t, a.Exact)
	})
	t.Run("past --max-classes the report says it is not exhaustive", func(t *testing.T) {
		r := cli(t, "", "analyze", "--max-classes", "10", deadRulePolicy)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "coverage: NOT exhaustive: 10 of 28 input classes, drawn uniformly at random with a fixed seed")
	})
	t.Run("usage errors: no policy, two policies, a negative or too large --max-classes, a negative --max-time", func(t *testing.T) {
		assert.Equal(t, exitUsage, cli(t, "", "analyze").code)
		assert.Equal(t, exitUsage, cli(t, "", "analyze", defaultPolicy, deadRulePolicy).code)
		assert.Equal(t, exitUsage, cli(t, "", "analyze", "--max-classes", "-1", defaultPolicy).code)
		assert.Equal(t, exitUsage, cli(t, "", "analyze", "--max-classes", "99999999", defaultPolicy).code)
		assert.Equal(t, exitUsage, cli(t, "", "analyze", "--max-time", "-1s", defaultPolicy).code)
		assert.Equal(t, exitUsage, cli(t, "", "diff", oldPolicy, newPolicy, "--exhaustive", "--max-time", "-1s").code)
	})
	t.Run("a broken policy is exit 2 with its problems", func(t *testing.T) {
		r := cli(t, "", "analyze", manyProblems)
		assert.Equal(t, exitInvalid, r.code)
		assert.Contains(t, r.stderr, manyProblems+":2:5:")
	})
}

func TestLintUnreachable(t *testing.T) {
	t.Run("a rule that can never decide is a problem at the rule's id, with the line and a caret; exit 2", func(t *testing.T) {
		r := cli(t, "", "lint", deadRulePolicy, defaultPolicy)
		assert.Equal(t, exitInvalid, r.code)
		assert.Equal(t, "ok "+defaultPolicy+" (xinyu-1310 v2025.1, 6 rules)\n", r.stdout)
		assert.Equal(t, deadRulePolicy+`:26:9: rule complex-thick: rule can never decide: every input it matches is decided first by rules "legacy" and "subjective"
      - id: complex-thick
            ^
`, r.stderr)
	})
	t.Run("the example policies have none", func(t *testing.T) {
		r := cli(t, "", "lint", defaultPolicy, "../../examples/policies/workorder-3class.yaml", oldPolicy, newPolicy)
		assert.Equal(t, exitOK, r.code, r.stderr)
		assert.Empty(t, r.stderr)
	})
}

func TestDiffExhaustiveCommand(t *testing.T) {
	base := []string{"diff", oldPolicy, newPolicy, "--exhaustive"}
	t.Run("text: the one transition, its classes with example inputs", func(t *testing.T) {
		r := cli(t, "", base...)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "diff-exhaustive.txt", r.stdout)
		assert.Contains(t, r.stdout, "T10/cross-department → T3/cross-department: 30 classes")
	})
	t.Run("json: changes with input, old and new tier and rule; exact", func(t *testing.T) {
		r := cli(t, "", append(base, "--format", "json")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		var d struct {
			Changes []struct {
				Input map[string]any    `json:"input"`
				Old   map[string]string `json:"old"`
				New   map[string]string `json:"new"`
			} `json:"changes"`
			Exact bool `json:"exact"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &d))
		require.Len(t, d.Changes, 30)
		assert.Equal(t, map[string]string{"tier": "T10", "rule": "cross-department"}, d.Changes[0].Old)
		assert.Equal(t, map[string]string{"tier": "T3", "rule": "cross-department"}, d.Changes[0].New)
		assert.Equal(t, []any{"cross_department"}, d.Changes[0].Input["tags"])
		assert.True(t, d.Exact)
	})
	t.Run("--expect: all moves allowed is exit 0; a capped entry leaves the rest unexpected, exit 4", func(t *testing.T) {
		r := cli(t, "", append(base, "--expect", "testdata/expect-all.yaml")...)
		assert.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "unexpected changes: 0")
		r = cli(t, "", append(base, "--expect", "testdata/expect-partial.yaml", "--format", "json")...)
		assert.Equal(t, exitUnexpected, r.code)
		assert.Contains(t, r.stderr, "25 changed input class(es) not allowed by testdata/expect-partial.yaml")
		var d struct {
			Unexpected []json.RawMessage `json:"unexpected"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &d))
		assert.Len(t, d.Unexpected, 25)
	})
	t.Run("usage errors: --exhaustive with --cases, --workers or --max-changed; --max-classes without --exhaustive", func(t *testing.T) {
		assert.Equal(t, exitUsage, cli(t, "", append(base, "--cases", "testdata/corpus.jsonl")...).code)
		assert.Equal(t, exitUsage, cli(t, "", append(base, "--workers", "2")...).code)
		assert.Equal(t, exitUsage, cli(t, "", append(base, "--max-changed", "2")...).code)
		assert.Equal(t, exitUsage, cli(t, "", "diff", oldPolicy, newPolicy, "--cases", "testdata/corpus.jsonl", "--max-classes", "5").code)
	})
	t.Run("a broken policy is exit 2", func(t *testing.T) {
		assert.Equal(t, exitInvalid, cli(t, "", "diff", oldPolicy, manyProblems, "--exhaustive").code)
	})
}
