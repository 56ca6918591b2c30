package slatest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// A misspelled input field would otherwise be ignored by the classifier (unknown fields are
// allowed in inputs) and the case could pass for the wrong reason; a misspelled tier or rule
// could only fail. Both are load errors at their position.
func TestSuiteNamesMustExistInThePolicy(t *testing.T) {
	_, err := slatest.RunSuiteData("typos.suite.yaml", []byte(`format: shixian-suite/v1
name: typos
defaults:
  accepted: 2025-09-30T17:00:00+08:00
cases:
  - name: misspelled field
    input: {cause: complex, categroy: pension}
    expect: {tier: T3}
  - name: misspelled tier and rule
    input: {cause: complex}
    expect: {tier: T9, rule: complex-cas}
  - name: status tier
    input: {cause: complex}
    events: [{type: paused, at: 2025-10-09T10:00:00+08:00, reason: 评审}]
    expect: {status: {now: 2025-10-10T10:00:00+08:00, tier: T4}}
`), sla.Default())
	var problems *rules.Problems
	require.True(t, errors.As(err, &problems), "%v", err)
	msg := err.Error()
	for _, want := range []string{
		`typos.suite.yaml:7:29: case "misspelled field".input: policy xinyu-1310 2025.1 declares no field "categroy"`,
		`typos.suite.yaml:11:20: case "misspelled tier and rule".expect.tier: policy xinyu-1310 2025.1 declares no tier "T9"`,
		`typos.suite.yaml:11:30: case "misspelled tier and rule".expect.rule: policy xinyu-1310 2025.1 declares no rule "complex-cas"`,
		`declares no tier "T4"`,
	} {
		assert.Contains(t, msg, want)
	}
	assert.Len(t, *problems, 4)
}

func TestACaseThatAssertsNothingIsRejected(t *testing.T) {
	_, err := slatest.RunSuiteData("empty.suite.yaml", []byte(`format: shixian-suite/v1
name: empty expectations
cases:
  - name: asserts nothing
    accepted: 2025-09-30T17:00:00+08:00
    input: {cause: complex}
    expect: {}
`), sla.Default())
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "empty.suite.yaml:4:5: "), err.Error())
	assert.Contains(t, err.Error(), "asserts nothing")
}
