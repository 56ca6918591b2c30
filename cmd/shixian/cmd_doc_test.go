package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDoc(t *testing.T) {
	t.Run("md (the default) renders the default policy's notice in Chinese", func(t *testing.T) {
		r := cli(t, "", "doc", defaultPolicy)
		require.Equal(t, exitOK, r.code, r.stderr)
		for _, want := range []string{"# “办不成事”1310限时办结机制", "## 三、分类规则", "不属于以上情形的，3个工作日内办结。",
			"期间最后一日的截止时间为二十四时（民法典第二百零三条）。", "## 六、督办", "## 九、回访",
			"事项超期3个工作日时，由分管领导予以“挂牌督办”。", "应在转办后2个工作日内退回（“承办单位退回时限”）；逾期不得退回。"} {
			assert.Contains(t, r.stdout, want)
		}
	})
	t.Run("html is one self-contained page for A4", func(t *testing.T) {
		r := cli(t, "", "doc", defaultPolicy, "--format", "html")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.True(t, strings.HasPrefix(r.stdout, "<!DOCTYPE html>"))
		assert.Contains(t, r.stdout, "@page { size: A4;")
		assert.NotContains(t, r.stdout, "<script")
		assert.NotContains(t, r.stdout, "http")
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no policy is a usage error", []string{"doc"}, exitUsage, "name exactly one POLICY file"},
		{"two policies are a usage error", []string{"doc", defaultPolicy, defaultPolicy}, exitUsage, "name exactly one POLICY file"},
		{"a format other than md or html is a usage error", []string{"doc", defaultPolicy, "--format", "pdf"}, exitUsage, "want one of md, html"},
		{"a broken policy is exit 2 with its positions", []string{"doc", manyProblems}, exitInvalid, manyProblems + ":"},
		{"a missing file is exit 2", []string{"doc", "testdata/no-such-policy.yaml"}, exitInvalid, "no-such-policy.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cli(t, "", tc.args...)
			assert.Equal(t, tc.code, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			assert.Empty(t, r.stdout, "nothing is written when the notice cannot be made")
		})
	}
}
