package sla_test

// This file must not import package rules: it shows that a caller of LoadPolicy reads every
// problem of a policy file with the names of package sla alone.

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

func TestLoadPolicyProblemsWithoutRules(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		first sla.Position
	}{
		{"a policy whose rules misname a field, are not boolean and repeat an id gives its problems from the rule compiler as sla.Problems",
			"rule-problems.yaml", sla.Position{File: "testdata/policy-errors/rule-problems.yaml", Line: 23, Column: 30}},
		{"a policy with a YAML syntax error gives one problem from the YAML loader as sla.Problems",
			"syntax.yaml", sla.Position{File: "testdata/policy-errors/syntax.yaml"}},
		{"a policy indented with a tab gives a problem at the tab as sla.Problems",
			"tab.yaml", sla.Position{File: "testdata/policy-errors/tab.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sla.LoadPolicy(filepath.Join("testdata", "policy-errors", tt.file))
			require.Error(t, err)
			wrapped := fmt.Errorf("portal: %w", err)

			var ps sla.Problems
			require.True(t, errors.As(wrapped, &ps), "errors.As into sla.Problems: %v", err)
			require.NotEmpty(t, ps)
			var pp *sla.Problems
			require.True(t, errors.As(wrapped, &pp))
			assert.Equal(t, ps, *pp)
			var one sla.Problem
			require.True(t, errors.As(wrapped, &one), "the first problem alone")
			assert.Equal(t, ps[0], one)
			assert.Equal(t, tt.first.File, one.Pos.File)
			if tt.first.Line > 0 {
				assert.Equal(t, tt.first, one.Pos)
			} else {
				assert.Positive(t, one.Pos.Line, "a syntax problem still names a line")
			}
			assert.Equal(t, ps.Error(), err.Error(), "the error's text is the list's")
			assert.LessOrEqual(t, len(ps), sla.MaxProblems+1)
		})
	}
}
