package slatest_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	goldenfile "github.com/shixian-go/shixian/internal/golden"
	"github.com/shixian-go/shixian/sla"
)

// candidateYAML is the default policy edited as a policy team would for version 2025.2:
//   - T1 becomes 2 working days (every T1 case's due moves one working day later);
//   - enterprise labour disputes (enterprise-complex) move from T3 to T10;
//   - cross-department no longer excludes unclear requests (such cases move T1 → T10).
func candidateYAML(tb testing.TB) []byte {
	tb.Helper()
	src := string(sla.DefaultPolicyYAML())
	edits := []struct{ old, new string }{
		{`version: "2025.1"`, `version: "2025.2"`},
		{"    limit: 1 workday\n    label: 1个工作日内办结", "    limit: 2 workdays\n    label: 2个工作日内办结"},
		{"    tier: T3\n    reason: 企业劳动争议", "    tier: T10\n    reason: 企业劳动争议"},
		{`'"cross_department" in tags && cause != "unclear_request"'`, `'"cross_department" in tags'`},
	}
	for _, e := range edits {
		require.Equal(tb, 1, strings.Count(src, e.old), "edit %q no longer applies to the default policy", e.old)
		src = strings.Replace(src, e.old, e.new, 1)
	}
	return []byte(src)
}

func candidatePolicy(tb testing.TB) *sla.Policy {
	tb.Helper()
	p, err := sla.ParsePolicy("xinyu-1310-2025.2.yaml", candidateYAML(tb))
	require.NoError(tb, err)
	return p
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Assert(t, filepath.Join("testdata", name), got)
}

func text(tb testing.TB, write func(*bytes.Buffer) error) []byte {
	tb.Helper()
	var b bytes.Buffer
	require.NoError(tb, write(&b))
	return b.Bytes()
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
