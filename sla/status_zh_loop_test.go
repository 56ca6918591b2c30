package sla

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla/deadline"
)

// zhLoopCase is a complex case (T3) accepted Monday 2026-03-02 10:00 that runs the closed
// loop: an expert review and a hearing that overlap (due moves to 03-11 00:00), a return,
// a second transfer, overdue and supervised, closed late and rated 不满意.
func zhLoopCase(t *testing.T, p *Policy) Case {
	return lcCase(t, p, "C-LOOP",
		lcAccepted("2026-03-02 10:00"), Event{Type: EventClassified, At: lcT("2026-03-02 10:00"), Tier: "T3", Rule: "complex-case"},
		lcPause("2026-03-03 10:00", "评审", "expert_review"),
		lcPause("2026-03-04 10:00", "听证", "听证"),
		lcResume("2026-03-05 09:00", "评审"),
		lcResume("2026-03-06 09:00", "听证"),
		lcTransferred("2026-03-06 10:00", "社保科"),
		Event{Type: EventReturned, At: lcT("2026-03-06 11:00"), Unit: "社保科", Reason: "not_our_duty"},
		lcTransferred("2026-03-06 14:00", "劳动监察科"),
		lcSigned("2026-03-06 15:00", "劳动监察科"),
		Event{Type: EventSupervised, At: lcT("2026-03-11 09:00"), Actor: "王科长", Level: "supervise", Note: "督办单〔2026〕3号"},
		lcClosed("2026-03-11 15:00"),
		Event{Type: EventVisited, At: lcT("2026-03-12 10:00"), Rating: "不满意"},
	)
}

// TestExplainInChineseClosedLoopGolden keeps the Chinese explanation of the closed-loop case
// in testdata/cases/loop.explain.zh.txt.
func TestExplainInChineseClosedLoopGolden(t *testing.T) {
	p := Default()
	c := zhLoopCase(t, p)
	st, err := p.StatusAt(c, lcT("2026-03-12 11:00"))
	require.NoError(t, err)
	got := strings.Join(st.ExplainIn(p, c, deadline.Chinese), "\n") + "\n"
	golden := filepath.Join("testdata", "cases", "loop.explain.zh.txt")
	if lcUpdate() {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update to create the golden file")
	assert.Equal(t, string(want), got)
}

func TestExplainInChineseSaysTheClosedLoop(t *testing.T) {
	p := Default()
	complexCase := func(events ...Event) Case {
		return lcCase(t, p, "C-1", append([]Event{lcAccepted("2026-03-02 10:00"),
			{Type: EventClassified, At: lcT("2026-03-02 10:00"), Tier: "T3", Rule: "complex-case"}}, events...)...)
	}
	t1Case := func(events ...Event) Case {
		return lcCase(t, p, "C-2", append([]Event{lcAccepted("2026-03-02 10:00"),
			{Type: EventClassified, At: lcT("2026-03-02 10:00"), Tier: "T1", Rule: "objective-simple"}}, events...)...)
	}
	for _, tc := range []struct {
		name      string
		c         Case
		now       string
		want      []string
		wantNot   []string
		wantState State
	}{
		{
			name: "two open pauses are each said with their name, reason and how their time counts",
			c: complexCase(lcPause("2026-03-03 10:00", "评审", "expert_review"),
				Event{Type: EventPaused, At: lcT("2026-03-04 10:00"), Reason: "联系不上申请人"}),
			now: "2026-03-04 12:00",
			want: []string{
				"2026年3月3日 10:00中止办理“评审”，原因：专家评审（行政许可法第四十五条，中止期间不计入办理时限）。",
				"中止“评审”自2026年3月3日 10:00起尚未恢复，原因：专家评审；行政许可法第四十五条，中止期间不计入办理时限。",
				"中止自2026年3月4日 10:00起尚未恢复，原因：联系不上申请人；属申请人原因，中止期间不计入办理时限，并单独统计。",
			},
			wantNot:   []string{"expert_review", "applicant"},
			wantState: StatePaused,
		},
		{
			name: "a pause for corrected materials says that the deadline is counted again when it ends",
			c: complexCase(Event{Type: EventPaused, At: lcT("2026-03-03 10:00"), Reason: "applicant_supplement"},
				lcResumed("2026-03-05 09:00")),
			now: "2026-03-05 10:00",
			want: []string{
				"2026年3月3日 10:00中止办理，原因：申请人补正材料（属补正材料，恢复办理时期限重新计算（行政许可法第三十二条））。",
				"2026年3月5日 09:00恢复办理；该中止为补正材料（行政许可法第三十二条），期限从此时重新起算。",
			},
			wantState: StateOnTrack,
		},
		{
			name: "a reclassification after the deadline says it still counts as overdue",
			c:    t1Case(Event{Type: EventReclassified, At: lcT("2026-03-04 10:00"), Tier: "T3", Reason: "cross_department"}),
			now:  "2026-03-04 11:00",
			want: []string{
				"改变分类：由T1改为T3（3个工作日内办结，时限3个工作日），原因：需跨部门协调",
				"  改变分类时已超过期限（2026年3月3日 24:00），仍按超期计：予以记录，本轮办理按超期考核。",
			},
			wantState: StateOverdue,
		},
		{
			name: "a reclassification before the deadline says nothing of lateness",
			c:    t1Case(Event{Type: EventReclassified, At: lcT("2026-03-03 10:00"), Tier: "T3", Reason: "cross_department"}),
			now:  "2026-03-03 11:00",
			want: []string{"改变分类：由T1改为T3"}, wantNot: []string{"仍按超期计"},
			wantState: StateOnTrack,
		},
		{
			name: "a restart after the deadline says it still counts as overdue",
			c:    t1Case(Event{Type: EventRestarted, At: lcT("2026-03-04 10:00"), Reason: "补正材料"}),
			now:  "2026-03-04 11:00",
			want: []string{
				"2026年3月4日 10:00补正材料后重新受理，原因：补正材料（行政许可法第三十二条）",
				"  重新受理时已超过期限（2026年3月3日 24:00），仍按超期计：予以记录，本轮办理按超期考核。",
			},
			wantState: StateOverdue,
		},
		{
			name: "a return says which unit sent the case back, why, and that the citizen's clock runs on",
			c: complexCase(lcTransferred("2026-03-02 11:00", "社保科"),
				Event{Type: EventReturned, At: lcT("2026-03-03 09:00"), Unit: "社保科", Actor: "张三", Reason: "not_our_duty"}),
			now:       "2026-03-03 10:00",
			want:      []string{"2026年3月3日 09:00由社保科退回（经办人：张三），原因：不属本单位职责；该单位的办理时限随之结束，对群众的办理时限继续计算。"},
			wantState: StateOnTrack,
		},
		{
			name:      "a supervision level reached with no one acting yet says who must act",
			c:         complexCase(),
			now:       "2026-03-06 10:00",
			want:      []string{"2026年3月6日 00:00达到督办级别“督办”：应由科室负责人督办；尚未记录督办。"},
			wantState: StateOverdue,
		},
		{
			name: "a supervised event naming no level is credited to the latest level reached before it",
			c:    complexCase(Event{Type: EventSupervised, At: lcT("2026-03-06 09:00"), Actor: "李主任"}),
			now:  "2026-03-06 10:00",
			want: []string{
				"2026年3月6日 09:00由李主任督办；督办不改变办理期限。",
				"2026年3月6日 00:00达到督办级别“督办”：应由科室负责人督办；已于2026年3月6日 09:00由李主任督办。",
			},
			wantState: StateOverdue,
		},
		{
			name: "a graded visit says its grade and what it counts as; 基本满意 requires no reopening",
			c: complexCase(lcClosed("2026-03-04 15:00"),
				Event{Type: EventVisited, At: lcT("2026-03-05 10:00"), Rating: "基本满意"}),
			now:       "2026-03-05 11:00",
			want:      []string{"2026年3月5日 10:00回访：基本满意（计为满意）。"},
			wantNot:   []string{"需重新办理"},
			wantState: StateClosedOnTime,
		},
		{
			name: "a 不满意 visit says the case is to be redone until it is reopened",
			c: complexCase(lcClosed("2026-03-04 15:00"),
				Event{Type: EventVisited, At: lcT("2026-03-05 10:00"), Rating: "不满意"}),
			now: "2026-03-05 11:00",
			want: []string{
				"2026年3月5日 10:00回访：不满意（计为不满意，需重新办理）。",
				"回访评价为“不满意”，需重新办理（尚未重新办理）。",
			},
			wantState: StateClosedOnTime,
		},
		{
			name: "once reopened, the 不满意 visit no longer asks for it",
			c: complexCase(lcClosed("2026-03-04 15:00"),
				Event{Type: EventVisited, At: lcT("2026-03-05 10:00"), Rating: "不满意"}, lcReopened("2026-03-05 11:00")),
			now:       "2026-03-05 12:00",
			wantNot:   []string{"尚未重新办理"},
			wantState: StateOnTrack,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := p.StatusAt(tc.c, lcT(tc.now))
			require.NoError(t, err)
			assert.Equal(t, tc.wantState, st.State)
			lines := st.ExplainIn(p, tc.c, deadline.Chinese)
			text := strings.Join(lines, "\n")
			for _, w := range tc.want {
				assert.Contains(t, text, w)
			}
			for _, w := range tc.wantNot {
				assert.NotContains(t, text, w)
			}
		})
	}
}
