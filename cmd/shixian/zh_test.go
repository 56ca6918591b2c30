package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	chinesePolicy = "../../examples/policies/jiban-changgui-gongjian.yaml"
	chineseSuite  = "../../examples/policies/jiban-changgui-gongjian.suite.yaml"
)

func TestChinesePolicyLintsAndPassesItsSuite(t *testing.T) {
	r := cli(t, "", "lint", chinesePolicy)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "即办常规攻坚-示例 v2026.1, 4 rules")

	r = cli(t, "", "test", chineseSuite)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "PASS: 16 passed, 0 failed")
	assert.Contains(t, r.stdout, "5 of 5 exercised (100%)")
}

func TestDueAcceptsAPlainDate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		start time.Time
		due   time.Time
	}{
		{"a date alone with a limit stands for 09:00 that day; three working days from Wednesday 09-30 run past National Day",
			[]string{"--limit", "三个工作日"}, time.Date(2026, 9, 30, 9, 0, 0, 0, cst), time.Date(2026, 10, 11, 0, 0, 0, 0, cst)},
		{"a same-day tier accepted on a date is due that day: 09:00 is before the 16:00 cutoff",
			[]string{"--policy", chinesePolicy, "--tier", "即办"}, time.Date(2026, 9, 30, 9, 0, 0, 0, cst), time.Date(2026, 10, 1, 0, 0, 0, 0, cst)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cli(t, "", append([]string{"due", "--accepted", "2026-09-30", "--format", "json", "--lang", "en"}, tc.args...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			out := decodeDue(t, r.stdout)
			assert.True(t, tc.start.Equal(out.Deadline.Start), "start %s", out.Deadline.Start)
			assert.True(t, tc.due.Equal(out.Deadline.Due), "due %s", out.Deadline.Due)
			require.NotEmpty(t, out.Deadline.Explanation)
			assert.Contains(t, out.Deadline.Explanation[0], "taken as the start of business that day, 2026-09-30 09:00 CST",
				"the explanation says which instant the date stood for")
		})
	}
	r := cli(t, "", "due", "--accepted", "2026-09-30", "--limit", "1 workday")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "受理 Accepted: 2026-09-30 09:00 CST (Wednesday)")
	assert.Contains(t, r.stdout, "只给了受理日期，按当日开始办公时刻 2026-09-30 09:00 CST 计")

	r = cli(t, "", "due", "--accepted", "2026-02-30", "--limit", "1 workday")
	assert.Equal(t, exitUsage, r.code)
	assert.True(t, strings.Contains(r.stderr, `--accepted "2026-02-30" is neither`), r.stderr)
}
