package sla_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

// The problems of a policy file and those of a rule set are one type under two names: an
// error caught as rules.Problems is an sla.Problems and the other way round, and a Problem
// built by rules.NewProblem is an sla.Problem.
func TestProblemsAreOneTypeUnderTwoNames(t *testing.T) {
	_, loadErr := sla.LoadPolicy(filepath.Join("testdata", "policy-errors", "rule-problems.yaml"))
	require.Error(t, loadErr)
	_, compileErr := rules.Compile(rules.Spec{})
	require.Error(t, compileErr)

	for name, err := range map[string]error{"sla.LoadPolicy": loadErr, "rules.Compile": compileErr} {
		var asSLA sla.Problems
		var asRules rules.Problems
		require.True(t, errors.As(err, &asSLA), "%s error as sla.Problems", name)
		require.True(t, errors.As(err, &asRules), "%s error as rules.Problems", name)
		assert.Equal(t, asSLA, asRules, name)

		var ptr *sla.Problems
		require.True(t, errors.As(err, &ptr))
		var rp *rules.Problems = ptr // compiles only because the two names are one type
		assert.Equal(t, asRules, *rp)
	}

	var p sla.Problem = rules.NewProblem([]byte("a\nb"), sla.Position{File: "f", Line: 2, Column: 1}, "m")
	assert.Equal(t, "f:2:1: m\n    b\n    ^", p.Error())
	assert.Equal(t, rules.MaxProblems, sla.MaxProblems)
}
