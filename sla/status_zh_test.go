package sla

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla/deadline"
)

// TestExplainInChineseGolden keeps the Chinese explanation of the full case (every event type)
// in testdata/cases/full.explain.zh.txt, beside the English one.
func TestExplainInChineseGolden(t *testing.T) {
	p := Default()
	c := lcFullCase(t, p)
	st, err := p.StatusAt(c, lcT("2025-10-24 10:00"))
	require.NoError(t, err)
	got := strings.Join(st.ExplainIn(p, c, deadline.Chinese), "\n") + "\n"
	golden := filepath.Join("testdata", "cases", "full.explain.zh.txt")
	if lcUpdate() {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update to create the golden file")
	assert.Equal(t, string(want), got)
}

func TestExplainInChineseSaysWhatHappenedPlainly(t *testing.T) {
	p := lcPolicy(t)
	c := lcCase(t, p, "C-E", append(lcEv(), append(lcNationalDay,
		lcTransferred("2025-09-30 17:30", "社保中心"), lcPaused("2025-10-09 10:00"), lcResumed("2025-10-10 09:00"),
		lcExtended("2025-10-10 10:00", 10), lcClosed("2025-10-20 10:00"))...)...)
	st, err := p.StatusAt(c, lcT("2025-10-21 10:00"))
	require.NoError(t, err)
	lines := st.ExplainIn(p, c, deadline.Chinese)
	text := strings.Join(lines, "\n")
	for _, want := range []string{
		"案件C-E截至2025年10月21日 10:00：按期办结；分类为T3（3个工作日内办结，时限3个工作日）",
		"2025年9月30日 17:00受理。",
		"转办至社保中心",
		"2025年10月9日 10:00中止办理，原因：检验检测（行政许可法第四十五条",
		"延期10个工作日（行政许可法第四十二条），从当时的期限接续计算，批准人：王科长，原因：情况复杂。",
		"办结，按期",
		"其中2025年10月11日（星期六）是调休上班日",
		"“承办单位签收”（社保中心）",
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, "calendar", "no calendar hash")
	// Ids (case, rule, tier) and reasons stay as written; everything else is Chinese.
	words := regexp.MustCompile(`C-E|“[^”]*”|T[0-9]+|原因：[^；，。]*`).ReplaceAllString(text, "")
	assert.False(t, regexp.MustCompile(`[A-Za-z]{3,}`).MatchString(words), "no English words beyond ids in:\n%s", words)

	// The deadline's own Chinese explanation is included whole.
	d, err := p.Counter().Deadline(deadline.Request{Start: lcT("2025-09-30 17:00"), Period: deadline.Period{Count: 3, Unit: deadline.Workdays},
		Pauses:     []deadline.Pause{{Start: lcT("2025-10-09 10:00"), End: lcT("2025-10-10 09:00"), Reason: "检验检测"}},
		Extensions: []deadline.Period{{Count: 10, Unit: deadline.Workdays}}, Explain: true, Lang: deadline.Chinese})
	require.NoError(t, err)
	for _, l := range d.Explanation {
		assert.Contains(t, lines, l)
	}
	assert.Equal(t, st.Explain(p, c), st.ExplainIn(p, c, deadline.English), "English is Explain itself")
}

func TestPolicyLanguageFollowsItsLabels(t *testing.T) {
	assert.Equal(t, deadline.Chinese, Default().Language(), "the default policy's title and labels are Chinese")
	en := lcPolicy(t, `title: "“办不成事”1310限时办结机制"`, `title: "Time limits"`,
		"label: 1个工作日内办结", "label: within 1 working day",
		"label: 3个工作日内办结", "label: within 3 working days",
		"label: 10个工作日内办结", "label: within 10 working days")
	assert.Equal(t, deadline.English, en.Language(), "a policy whose title and tier labels have no Han character explains in English")
	tierOnly := lcPolicy(t, `title: "“办不成事”1310限时办结机制"`, `title: "Time limits"`)
	assert.Equal(t, deadline.Chinese, tierOnly.Language(), "a Chinese tier label is enough")
}

func TestDeadlineInExplainsInTheLanguageAsked(t *testing.T) {
	p := Default()
	zh, err := p.DeadlineIn("T3", lcT("2025-09-30 17:00"), deadline.Chinese)
	require.NoError(t, err)
	en, err := p.Deadline("T3", lcT("2025-09-30 17:00"))
	require.NoError(t, err)
	assert.Equal(t, en.Due, zh.Due)
	assert.Contains(t, zh.Explanation[0], "受理时间")
	_, err = p.DeadlineIn("T99", lcT("2025-09-30 17:00"), deadline.Chinese)
	assert.ErrorContains(t, err, `no tier "T99"`)
}

// Every event type is named in words, also those that have no sentence of their own.
func TestZhEventNamesEveryType(t *testing.T) {
	for _, tc := range []struct {
		t    EventType
		want string
	}{
		{EventAccepted, "受理"}, {EventTransferred, "转办"}, {EventSignedFor, "签收"}, {EventPaused, "中止"},
		{EventResumed, "恢复"}, {EventRestarted, "重新受理"}, {EventExtended, "延期"}, {EventReclassified, "改变分类"},
		{EventClosed, "办结"}, {EventVisited, "回访"}, {EventReopened, "重新办理"}, {EventClassified, "分类"},
		{"returned", "退回"}, {"supervised", "督办"}, {"something_new", "something_new"},
	} {
		assert.Equal(t, tc.want, zhEvent(tc.t), string(tc.t))
	}
}

// An officer's override of the rules is said in Chinese too, and the classified event is not
// called the policy's default.
func TestExplainInChineseSaysWhenTheOfficerOverrodeTheRules(t *testing.T) {
	p := Default()
	accepted := lcT("2025-10-13 10:00")
	c, err := p.Apply(Case{ID: "C-1", PolicyID: p.ID()}, Event{Type: EventAccepted, At: accepted, Input: map[string]any{"cause": "historical_legacy"}})
	require.NoError(t, err)
	c, err = p.Apply(c, Event{Type: EventClassified, At: accepted, Tier: "T1", Reason: "科长决定"})
	require.NoError(t, err)
	st, err := p.StatusAt(c, lcT("2025-10-13 11:00"))
	require.NoError(t, err)
	text := strings.Join(st.ExplainIn(p, c, deadline.Chinese), "\n")
	assert.Contains(t, text, "本案登记的分类T1（1个工作日内办结，时限1个工作日）与政策规则不一致：按受理时登记的信息，规则给出的分类是T10（10个工作日内办结，时限10个工作日）（规则“legacy-or-bottleneck”）。这是工作人员的人工改定，按登记的分类计算时限。")
	assert.Contains(t, text, "2025年10月13日 10:00由工作人员直接分类为T1（1个工作日内办结，时限1个工作日），原因：科长决定")
	assert.NotContains(t, text, "按默认分类")
}
