package sla_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

// TestLifecycleSettings: the lifecycle settings of a policy parse from and
// print to their policy-file spellings, refuse anything else naming the
// accepted ones, and the zero Lifecycle is the default (late extensions
// rejected, reclassification from acceptance).
func TestLifecycleSettings(t *testing.T) {
	for _, s := range []string{"reject", "overdue"} {
		var v sla.LateExtension
		require.NoError(t, v.UnmarshalText([]byte(s)))
		assert.Equal(t, s, v.String())
	}
	for _, s := range []string{"from_acceptance", "from_reclassification"} {
		var v sla.Reclassify
		require.NoError(t, v.UnmarshalText([]byte(s)))
		assert.Equal(t, s, v.String())
	}
	var late sla.LateExtension
	assert.EqualError(t, late.UnmarshalText([]byte("allow")), `invalid late_extension "allow" (want "reject" or "overdue")`)
	var from sla.Reclassify
	assert.EqualError(t, from.UnmarshalText([]byte("x")), `invalid reclassify "x" (want "from_acceptance" or "from_reclassification")`)
	assert.Equal(t, "reclassify(9)", sla.Reclassify(9).String())
	assert.Equal(t, sla.Lifecycle{}, sla.Default().Lifecycle(), "the default policy keeps the defaults")

	all := strings.Join(sla.Lifecycle{}.Conventions(), "\n")
	assert.Contains(t, all, "must be granted before it; a late one is rejected")
	assert.Contains(t, all, "original acceptance")
	all = strings.Join(sla.Lifecycle{LateExtension: sla.LateExtensionOverdue, Reclassify: sla.FromReclassification}.Conventions(), "\n")
	assert.Contains(t, all, "超时办结")
	assert.Contains(t, all, "from the reclassification")
}
