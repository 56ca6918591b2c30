package diag

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

// An error wrapped through three layers of the library names its package once, at the front,
// and errors.Is still reaches the innermost cause.
func TestErrorfNamesPackageOnce(t *testing.T) {
	cause := errors.New("plain cause")
	inner := Errorf("sla", "3 workdays from 2025-01-03: %w", cause)
	ctx := Errorf("", "target reply: %w", inner)
	outer := Errorf("sla", "accept case C1: %w", ctx)
	assert.Equal(t, "sla: 3 workdays from 2025-01-03: plain cause", inner.Error())
	assert.Equal(t, "target reply: 3 workdays from 2025-01-03: plain cause", ctx.Error(), "context alone has no package name")
	assert.Equal(t, "sla: accept case C1: target reply: 3 workdays from 2025-01-03: plain cause", outer.Error())
	assert.Equal(t, "accept case C1: target reply: 3 workdays from 2025-01-03: plain cause", Text(outer))
	assert.ErrorIs(t, outer, cause)
	assert.ErrorIs(t, outer, inner)
	var e *Error
	assert.ErrorAs(t, outer, &e)

	assert.Equal(t, "plain cause", Text(cause), "an error without Text is written whole")
	other := errors.New("rules: field x")
	assert.Equal(t, "sla: policy p: rules: field x", Errorf("sla", "policy p: %v", other).Error(),
		"another package's error keeps its own name, once")
	args := []any{inner}
	_ = Errorf("sla", "%w", args...)
	assert.Same(t, inner, args[0], "the caller's arguments are not changed")
}
