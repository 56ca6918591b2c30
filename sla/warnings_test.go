package sla

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lcYellowLeft replaces the default policy's 50% yellow with "1 working day left".
var lcYellowLeft = []string{"    at: 50%\n", "    remaining: 1 workday\n"}

// TestStatusWarningDaysLeft: warnings stated as offices state them, in
// working days left (到期前1个工作日黄灯提醒). A T3 case accepted Monday
// 2025-11-03 10:00 counts Tuesday 11-04, Wednesday 11-05 and Thursday 11-06;
// "1 workday left" is Wednesday 00:00, the last day Thursday 00:00, 80%
// (2.4 days) Thursday 09:36, and Due Friday 00:00.
func TestStatusWarningDaysLeft(t *testing.T) {
	mon := lcEv(lcAccepted("2025-11-03 10:00"), lcClassified("2025-11-03 10:00", "T3"))
	lcRun(t, []lcScenario{
		{"Tuesday 23:59: two working days left after today, on track", lcYellowLeft, mon, "2025-11-04 23:59",
			lcWant{state: StateOnTrack, due: "2025-11-07 00:00", lastDay: "2025-11-06", remaining: 2}},
		{"Wednesday 00:00: 1 working day left → yellow", lcYellowLeft, mon, "2025-11-05 00:00",
			lcWant{state: StateWarning, due: "2025-11-07 00:00", lastDay: "2025-11-06", remaining: 1, warning: "yellow", warnings: []string{"yellow"}}},
		{"Thursday 09:35: the last day has begun, 80% not yet", lcYellowLeft, mon, "2025-11-06 09:35",
			lcWant{state: StateWarning, due: "2025-11-07 00:00", lastDay: "2025-11-06", remaining: 0, warning: "last_day", warnings: []string{"yellow", "last_day"}}},
		{"Thursday 09:36: 2.4 of 3 days elapsed → orange", lcYellowLeft, mon, "2025-11-06 09:36",
			lcWant{state: StateWarning, due: "2025-11-07 00:00", lastDay: "2025-11-06", remaining: 0, warning: "orange", warnings: []string{"yellow", "last_day", "orange"}}},
		{"a T3 case paused all Tuesday (11-04 09:00 → 11-05 09:00): the paused day is not counted, 1 workday left is Thursday 00:00", lcYellowLeft,
			lcEv(lcAccepted("2025-11-03 10:00"), lcClassified("2025-11-03 10:00", "T3"), lcPaused("2025-11-04 09:00"), lcResumed("2025-11-05 09:00")), "2025-11-05 23:59",
			lcWant{state: StateOnTrack, due: "2025-11-08 00:00", lastDay: "2025-11-07", remaining: 2}},
		{"the same paused case on Thursday 00:00: yellow", lcYellowLeft,
			lcEv(lcAccepted("2025-11-03 10:00"), lcClassified("2025-11-03 10:00", "T3"), lcPaused("2025-11-04 09:00"), lcResumed("2025-11-05 09:00")), "2025-11-06 00:00",
			lcWant{state: StateWarning, due: "2025-11-08 00:00", lastDay: "2025-11-07", remaining: 1, warning: "yellow", warnings: []string{"yellow"}}},
		{"a T1 case: 1 workday left is crossed at acceptance (the period has only its last day)", lcYellowLeft,
			lcEv(lcAccepted("2025-11-03 10:00"), lcClassified("2025-11-03 10:00", "T1")), "2025-11-03 10:00",
			lcWant{state: StateWarning, due: "2025-11-05 00:00", lastDay: "2025-11-04", remaining: 1, warning: "yellow", warnings: []string{"yellow"}}},
		{"in Chinese: remaining: 2个工作日 on a T3 case is Tuesday 00:00", []string{"    at: 50%\n", "    remaining: 2个工作日\n"}, mon, "2025-11-04 00:00",
			lcWant{state: StateWarning, due: "2025-11-07 00:00", lastDay: "2025-11-06", remaining: 2, warning: "yellow", warnings: []string{"yellow"}}},
	})
	p := lcPolicy(t, lcYellowLeft...)
	c := lcCase(t, p, "C-1", mon...)
	st, err := p.StatusAt(c, lcT("2025-11-05 10:00"))
	require.NoError(t, err)
	assert.Contains(t, strings.Join(st.Explain(p, c), "\n"),
		"Warning yellow (黄灯预警（已用时限过半）) crossed at 2025-11-05 00:00 CST: 00:00 of the working day 1 working day(s) before the last day of the period",
		"the explanation says which rule the instant follows")
	w := p.Warnings()[0]
	assert.Equal(t, Warning{ID: "yellow", Label: "黄灯预警（已用时限过半）", DaysLeft: 1}, w)
}

// TestWarningRemainingRefused: a warning threshold that is not one of the two
// forms is refused at load, at its position.
func TestWarningRemainingRefused(t *testing.T) {
	cases := []struct {
		name, old, new, want string
	}{
		{"a warning with both at and remaining", "    at: 50%\n", "    at: 50%\n    remaining: 1 workday\n", "warnings[0]: give either at (a share of the period) or remaining (working days left), not both"},
		{"a warning with neither", "    at: 50%\n", "", "warnings[0]: missing at (a share of the period, e.g. 80%) or remaining (working days left, e.g. 1 workday)"},
		{"remaining in calendar days", "    at: 50%\n", "    remaining: 2 days\n", "warnings[0].remaining: 2 days is not a number of working days left"},
		{"remaining in hours", "    at: 50%\n", "    remaining: 4 workhours\n", "warnings[0].remaining: 4 workhours is not a number of working days left"},
		{"zero working days left (that is at: last_workday)", "    at: 50%\n", "    remaining: 0 workdays\n", "for the last day use at: last_workday"},
		{"no count", "    at: 50%\n", "    remaining: workdays\n", "warnings[0].remaining: invalid period"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			y := strings.Replace(string(DefaultPolicyYAML()), tc.old, tc.new, 1)
			_, err := ParsePolicy("w.yaml", []byte(y))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Regexp(t, `w\.yaml:\d+:\d+`, err.Error(), "the problem is at file:line:column")
		})
	}
}
