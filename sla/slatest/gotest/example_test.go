package gotest_test

import (
	"testing"

	"github.com/shixian-go/shixian/sla/slatest/gotest"
)

// A policy team keeps its suite next to its policy and runs it with go test; each case of the
// suite is a subtest (go test -run 'TestPolicySuite/历史遗留' runs one).
func TestPolicySuite(t *testing.T) {
	gotest.Run(t, "../../../examples/policies/xinyu-1310.suite.yaml")
}
