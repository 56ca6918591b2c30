package policydoc

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/internal/golden"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

// testSchema is the schema the sentence tests speak about: labelled fields and values, one
// value without a label.
var testSchema = []rules.Field{
	{Name: "cause", Type: rules.String, Label: "办不成的原因", Values: []string{"historical_legacy", "policy_bottleneck", "unclear_request", "other"},
		ValueLabels: map[string]string{"historical_legacy": "历史遗留问题", "policy_bottleneck": "政策瓶颈", "unclear_request": "诉求不清"}},
	{Name: "category", Type: rules.String},
	{Name: "tags", Type: rules.StringList, Label: "工单标签", Values: []string{"cross_department"}, ValueLabels: map[string]string{"cross_department": "跨部门"}},
	{Name: "units", Type: rules.Int, Label: "需协调的单位数"},
	{Name: "score", Type: rules.Float, Label: "复杂度"},
	{Name: "urgent", Type: rules.Bool, Label: "涉及人身安全"},
	{Name: "received", Type: rules.Time, Label: "受理时间"},
}

func TestConditionsBecomeExactSentencesOrNone(t *testing.T) {
	tests := []struct {
		name, when, want string // want "" = cannot be said, quoted instead
	}{
		{"a field equal to a labelled value names the field and value by their labels",
			`cause == "historical_legacy"`, "办不成的原因为‘历史遗留问题’"},
		{"the literal on the left reads the same", `"historical_legacy" == cause`, "办不成的原因为‘历史遗留问题’"},
		{"a list of values reads as alternatives (the issue's example)",
			`cause in ["historical_legacy", "policy_bottleneck"]`, "办不成的原因为‘历史遗留问题’或‘政策瓶颈’"},
		{"a value without a label is shown as its id", `cause == "other"`, "办不成的原因为‘other’"},
		{"a field without a label is shown by its name", `category == "pension"`, "category为‘pension’"},
		{"not equal", `cause != "unclear_request"`, "办不成的原因不为‘诉求不清’"},
		{"not in one value", `cause not in ["other"]`, "办不成的原因不为‘other’"},
		{"not in several values", `cause not in ["other", "unclear_request"]`, "办不成的原因不为‘other’、‘诉求不清’中的任何一项"},
		{"negated in", `!(cause in ["other"])`, "办不成的原因不为‘other’"},
		{"membership in a list field", `"cross_department" in tags`, "工单标签包含‘跨部门’"},
		{"absence from a list field", `"cross_department" not in tags`, "工单标签不包含‘跨部门’"},
		{"a number threshold", `units >= 3`, "需协调的单位数大于或等于3"},
		{"a threshold written the other way round is turned round", `3 > units`, "需协调的单位数小于3"},
		{"a float threshold", `score <= 2.5`, "复杂度小于或等于2.5"},
		{"a negative number", `units > -1`, "需协调的单位数大于-1"},
		{"a boolean field", `urgent`, "涉及人身安全为“是”"},
		{"a negated boolean field", `!urgent`, "涉及人身安全为“否”"},
		{"a boolean compared with false", `urgent == false`, "涉及人身安全为“否”"},
		{"a boolean unequal to false", `urgent != false`, "涉及人身安全为“是”"},
		{"and", `urgent && units >= 3`, "涉及人身安全为“是”，且需协调的单位数大于或等于3"},
		{"or inside and is bracketed", `urgent && (units >= 3 || "cross_department" in tags)`,
			"涉及人身安全为“是”，且（需协调的单位数大于或等于3，或者工单标签包含‘跨部门’）"},
		{"and inside or is bracketed", `units >= 3 || urgent and cause == "other"`,
			"需协调的单位数大于或等于3，或者（涉及人身安全为“是”，且办不成的原因为‘other’）"},
		{"a chain of one operator is not bracketed", `urgent || units > 1 || score > 2`,
			"涉及人身安全为“是”，或者需协调的单位数大于1，或者复杂度大于2"},

		{"arithmetic cannot be said exactly", `units * 2 > 7`, ""},
		{"a function call cannot", `len(tags) > 0`, ""},
		{"two fields compared cannot", `cause == category`, ""},
		{"ordering text cannot", `category > "m"`, ""},
		{"a regular expression cannot", `category matches "^p"`, ""},
		{"a ternary cannot", `urgent ? true : false`, ""},
		{"membership in a text field (a substring test) cannot", `"x" in category`, ""},
		{"a time comparison cannot", `received > now()`, ""},
		{"an undeclared identifier cannot", `nobody == "x"`, ""},
		{"a string compared with a number field cannot", `units == "3"`, ""},
		{"a text that does not parse cannot", `cause ==`, ""},
		{"one part that cannot be said makes the whole condition quoted", `urgent && len(tags) > 0`, ""},
	}
	s := newSentencer(testSchema)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := s.sentence(tc.when)
			if tc.want == "" {
				assert.False(t, ok, "said %q", got)
				return
			}
			require.True(t, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func loadTestPolicy(t *testing.T) *sla.Policy {
	t.Helper()
	p, err := sla.LoadPolicy(filepath.Join("testdata", "notice-policy.yaml"))
	require.NoError(t, err)
	return p
}

// TestNoticeGolden pins the whole notice of the test policy in both formats. (The default
// policy's notice is checked by its parts in TestDefaultPolicyNotice: its file, and so its
// labels and hash, change with the library.)
func TestNoticeGolden(t *testing.T) {
	p := loadTestPolicy(t)
	golden.Assert(t, filepath.Join("testdata", "notice.md"), Markdown(p))
	golden.Assert(t, filepath.Join("testdata", "notice.html"), HTML(p))
}

func TestDefaultPolicyNotice(t *testing.T) {
	p := sla.Default()
	d := New(p)
	assert.Equal(t, "“办不成事”1310限时办结机制", d.Title)
	assert.Equal(t, "自2025年1月1日起施行", d.Effective)
	require.Len(t, d.Rules, len(p.Rules().Rules()))
	for _, r := range d.Rules {
		assert.False(t, r.Quoted, "every condition of the default policy has an exact sentence: %s", r.Condition)
	}
	assert.Contains(t, d.Rules[0].Sentence, "’或‘", "rule 1 reads as alternatives")
	assert.True(t, strings.HasSuffix(d.Rules[0].Sentence, "的，10个工作日内办结。"))
	assert.Equal(t, "不属于以上情形的，3个工作日内办结。", d.Default.Sentence)
	assert.Equal(t, []string{"事项办结后1个工作日内完成“办结后回访”。",
		"回访评价分为“满意”、“基本满意”、“不满意”3个等次，其中“满意”、“基本满意”计为满意。评价为“不满意”的，事项重新办理。"}, d.FollowUp,
		"the visit, then the scale it is rated on")
	assert.Equal(t, []string{
		"事项发出“橙灯预警（已用时限80%）”时，由科室负责人予以“催办”。",
		"事项超期时，由科室负责人予以“督办”。",
		"事项超期3个工作日时，由分管领导予以“挂牌督办”。",
		"事项超期5个工作日时，由分管领导予以“通报”。",
	}, d.Supervision, "each supervision level: when, who, what")
	assert.Contains(t, d.Targets, "承办单位认为事项不属于本单位办理、需要退回的，应在转办后2个工作日内退回（“承办单位退回时限”）；逾期不得退回。",
		"the return window is a bound on returning, not a step someone must complete")
	md := string(Markdown(p))
	assert.Contains(t, md, "## 六、督办\n\n- 事项发出“橙灯预警（已用时限80%）”时，由科室负责人予以“催办”。\n", "督办 follows 预警")
	assert.Contains(t, md, "| 3个工作日内办结 | 3个工作日 |")
	assert.Contains(t, md, p.Hash()[:12])
}

func TestNoticeSaysEveryPartOfThePolicy(t *testing.T) {
	d := New(loadTestPolicy(t))
	assert.Equal(t, "热线工单“即办、常规、攻坚”分类限时办理规定", d.Title)
	assert.Equal(t, "自2026年1月1日起施行，至2026年12月31日止", d.Effective)
	assert.Equal(t, []TierItem{
		{ID: "immediate", Name: "即办", Limit: "当日", Description: "涉及人身安全的紧急诉求"},
		{ID: "routine", Name: "常规", Limit: "3个工作日", Description: "一般诉求"},
		{ID: "tough", Name: "攻坚", Limit: "10个工作日", Description: "历史遗留、政策瓶颈、跨部门协调等复杂诉求"},
		{ID: "review", Name: "复核", Limit: "15日", Description: "需要专家复核的诉求"},
	}, d.Tiers, "each tier with its limit in words")
	require.Len(t, d.Rules, 6)
	assert.Equal(t, "办不成的原因为‘历史遗留问题’或‘政策瓶颈’的，10个工作日内办结。", d.Rules[1].Sentence)
	assert.Equal(t, "涉及人身安全为“是”的，当日办结。", d.Rules[0].Sentence, "a same-day tier is 当日办结")
	assert.Equal(t, "紧急", d.Rules[0].Label)
	assert.True(t, d.Rules[4].Quoted, "the arithmetic condition is quoted")
	assert.Equal(t, "units * 2 + len(tags) > 7", d.Rules[4].Condition)
	assert.Equal(t, "符合条件「units * 2 + len(tags) > 7」的，15日内办结。", d.Rules[4].Sentence)
	assert.Equal(t, "不属于以上情形的，3个工作日内办结。", d.Default.Sentence)
	all := strings.Join(d.Counting, "\n")
	for _, want := range []string{"行政许可法第八十二条", "民法典第二百零一条", "民法典第二百零二条、第二百零三条", "二十四时（民法典第二百零三条）",
		"在工作日16:00前受理的当日办结", "行政许可法第四十五条", "09:00-12:00、13:30-17:30"} {
		assert.Contains(t, all, want)
	}
	assert.Equal(t, []string{"已用办理时限达到50%时，发出“黄灯预警”。", "进入办理时限的最后一个工作日时，发出“红灯前提醒”。",
		"已用时限按工作时间计算，不按自然时间；超过期限未办结的，即为超期。"}, d.Warnings)
	assert.Contains(t, d.Extensions[0], "每件事项最多延期1次，累计延长不超过10个工作日")
	assert.Equal(t, []string{"事项转办后，承办单位应在2个工作小时内完成“承办单位签收”。"}, d.Targets)
	assert.Equal(t, []string{"事项办结后1个工作日内完成“回访”。",
		"回访评价分为“满意”、“基本满意”、“不满意”3个等次，其中“满意”、“基本满意”计为满意。评价为“不满意”的，事项重新办理。"}, d.FollowUp,
		"a policy with a visit states the scale it is rated on, the default one when it declares none")
	assert.Empty(t, d.Supervision, "no supervision levels declared, no 督办 section")
}

// TestNoticeSaysWarningsInWorkingDaysLeftSupervisionAndRating: the notice states a warning
// given as working days left as offices phrase it (距办理期限届满还剩N个工作日时), each
// supervision level with its trigger and
// who acts, and a declared rating scale with what counts as satisfied and what reopens; the
// sections are numbered in turn with no gap.
func TestNoticeSaysWarningsInWorkingDaysLeftSupervisionAndRating(t *testing.T) {
	y, err := os.ReadFile(filepath.Join("testdata", "notice-policy.yaml"))
	require.NoError(t, err)
	src := strings.Replace(string(y), `warnings:
  - {id: yellow, label: 黄灯预警, at: 50%}
  - {id: last_day, label: 红灯前提醒, at: last_workday}
`, `warnings:
  - {id: yellow, label: 黄灯提醒, remaining: 2个工作日}
  - {id: orange, label: 橙灯提醒, remaining: 1 workday}
  - {id: red, label: 红灯提醒, at: last_workday}
supervision:
  - {id: remind, label: 催办, by: 科室负责人, warning: red}
  - {id: supervise, label: 督办, overdue: 0 workdays}
  - {id: listed, label: 挂牌督办, by: 分管领导, overdue: 2 workdays}
rating:
  - {grade: 非常满意, satisfied: true}
  - {grade: 满意, satisfied: true}
  - {grade: 一般}
  - {grade: 不满意, label: 不满意（须重办）, reopens: true}
`, 1)
	require.NotEqual(t, string(y), src, "the test policy's warnings were found")
	p, err := sla.ParsePolicy("loop.yaml", []byte(src))
	require.NoError(t, err)
	d := New(p)
	assert.Equal(t, []string{
		"距办理期限届满还剩2个工作日时，发出“黄灯提醒”。",
		"距办理期限届满还剩1个工作日时，发出“橙灯提醒”。",
		"进入办理时限的最后一个工作日时，发出“红灯提醒”。",
		"剩余工作日自办理期限的最后一日往前计算，不含当日，中止期间不计入；受理时剩余工作日已不超过规定天数的，受理时即发出。",
		"超过期限未办结的，即为超期。",
	}, d.Warnings, "no percentage threshold, so no sentence about the time used")
	assert.Equal(t, []string{
		"事项发出“红灯提醒”时，由科室负责人予以“催办”。",
		"事项超期时，予以“督办”。",
		"事项超期2个工作日时，由分管领导予以“挂牌督办”。",
	}, d.Supervision, "a level without `by` names no one rather than someone wrong")
	assert.Equal(t, "回访评价分为“非常满意”、“满意”、“一般”、“不满意（须重办）”4个等次，其中“非常满意”、“满意”计为满意。评价为“不满意（须重办）”的，事项重新办理。",
		d.FollowUp[len(d.FollowUp)-1])
	md := string(Markdown(p))
	html := string(HTML(p))
	for i, title := range []string{"四、期限计算", "五、预警", "六、督办", "七、延期", "八、办理环节时限", "九、回访"} {
		assert.Contains(t, md, "## "+title+"\n", "section %d", i)
		assert.Contains(t, html, "<h2>"+title+"</h2>", "section %d", i)
	}
	assert.Less(t, strings.Index(md, "五、预警"), strings.Index(md, "六、督办"))

	// A policy with no visit and the default scale says nothing of ratings, and with no
	// supervision levels and no step deadlines either, the numbering closes up over the
	// sections it leaves out.
	bare := src
	for _, cut := range []string{
		"rating:\n  - {grade: 非常满意, satisfied: true}\n  - {grade: 满意, satisfied: true}\n  - {grade: 一般}\n  - {grade: 不满意, label: 不满意（须重办）, reopens: true}\n",
		"supervision:\n  - {id: remind, label: 催办, by: 科室负责人, warning: red}\n  - {id: supervise, label: 督办, overdue: 0 workdays}\n  - {id: listed, label: 挂牌督办, by: 分管领导, overdue: 2 workdays}\n",
		"targets:\n  - {id: sign_for, label: 承办单位签收, after: transferred, limit: 2 workhours}\n  - {id: visit, label: 回访, after: closed, limit: 1 workday}\n",
	} {
		require.Contains(t, bare, cut)
		bare = strings.Replace(bare, cut, "", 1)
	}
	q, err := sla.ParsePolicy("bare.yaml", []byte(bare))
	require.NoError(t, err)
	dq := New(q)
	assert.Empty(t, dq.FollowUp, "no visit, no scale of its own: nothing about ratings")
	assert.Empty(t, dq.Supervision)
	mdq := string(Markdown(q))
	assert.Contains(t, mdq, "## 六、延期\n", "延期 moves up to 六 when there is no 督办")
	assert.NotContains(t, mdq, "回访")
	assert.NotContains(t, mdq, "七、")
}

func TestNoticeOfTheChinesePolicySaysWhichCasesATargetIsForAndWhichTiersMayBeExtended(t *testing.T) {
	p, err := sla.LoadPolicy(filepath.Join("..", "..", "examples", "policies", "jiban-changgui-gongjian.yaml"))
	require.NoError(t, err)
	d := New(p)
	assert.Equal(t, "事项办结后1个工作日内完成“作风投诉办结后回访”（仅限诉求类型为‘作风投诉’的事项）。", d.FollowUp[0],
		"a visit for conduct complaints only is not published as a visit for every case")
	assert.Equal(t, "“攻坚件（10个工作日内办结）”事项确需延长办理时限的，经批准可以延期，每件最多延期1次，累计延长不超过10个工作日；延长的时限自原期限届满时起接续计算。", d.Extensions[0])
	assert.Equal(t, "“即办件（当日办结）”、“常规件（3个工作日内办结）”事项不予延期。", d.Extensions[1])
	assert.Equal(t, "未能当场办结的原因为‘历史遗留’或‘政策瓶颈’的，10个工作日内办结。", d.Rules[0].Sentence)
	assert.Equal(t, "参与单位数大于或等于3，或者标签包含‘跨部门’的，10个工作日内办结。", d.Rules[1].Sentence)
	golden.Assert(t, filepath.Join("testdata", "jiban-changgui-gongjian.md"), Markdown(p))
}

func TestNoticeCountingFollowsTheSettings(t *testing.T) {
	y, err := os.ReadFile(filepath.Join("testdata", "notice-policy.yaml"))
	require.NoError(t, err)
	src := string(y)
	for _, r := range [][2]string{
		{`end_of_day: "24:00"`, "end_of_day: close_of_business"},
		{"receipt: literal", "receipt: next_workday"},
		{"resume_day: excluded", "resume_day: counted"},
		{"late_extension: reject", "late_extension: overdue"},
		{"reclassify: from_acceptance", "reclassify: from_reclassification"},
		{"max_count: 1", "max_count: 0"},
	} {
		require.Contains(t, src, r[0])
		src = strings.Replace(src, r[0], r[1], 1)
	}
	p, err := sla.ParsePolicy("other.yaml", []byte(src))
	require.NoError(t, err)
	d := New(p)
	all := strings.Join(append(d.Counting, d.Extensions...), "\n")
	for _, want := range []string{"截止时间为办公时间结束时（17:30）", "视为在其后第一个工作日受理", "恢复当日计入",
		"新的时限自改变分类时起计算", "办理时限不予延长。"} {
		assert.Contains(t, all, want)
	}
	assert.NotContains(t, all, "二十四时")
}

func TestHTMLIsSelfContainedEscapedAndForA4(t *testing.T) {
	y, err := os.ReadFile(filepath.Join("testdata", "notice-policy.yaml"))
	require.NoError(t, err)
	src := strings.Replace(string(y), "title: 热线工单“即办、常规、攻坚”分类限时办理规定", `title: "<script>alert(1)</script> & <b>"`, 1)
	src = strings.Replace(src, "reason: 需跨部门协调", `reason: "<img src=x onerror=alert(1)> | *x* _y_"`, 1)
	p, err := sla.ParsePolicy("hostile.yaml", []byte(src))
	require.NoError(t, err)
	out := string(HTML(p))
	assert.NotContains(t, out, "<script")
	assert.NotContains(t, out, "<img")
	assert.Contains(t, out, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;")
	for _, external := range []string{"http://", "https://", "src=", "href=", "@import", "url(", "@font-face"} {
		assert.NotContains(t, strings.ReplaceAll(out, "&lt;img src=x", ""), external, "nothing is fetched")
	}
	assert.Contains(t, out, "@page { size: A4;")
	assert.Contains(t, out, `<html lang="zh-CN">`)

	md := string(Markdown(p))
	assert.Contains(t, md, `\<img src=x onerror=alert(1)\> \| \*x\* \_y\_`, "Markdown escapes what it would read as markup")
	assert.NotContains(t, md, "<script>")
}

func TestMarkdownCodeSpanCannotBeEnded(t *testing.T) {
	assert.Equal(t, "`` a ` b ``", mdCode("a ` b"))
	assert.Equal(t, "` x > 1 `", mdCode("x >\n 1"))
}

func TestParseFormatAndRender(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
		err  string
	}{
		{"md", FormatMarkdown, ""}, {"markdown", FormatMarkdown, ""}, {"html", FormatHTML, ""},
		{"pdf", 0, `unknown format "pdf" (want md or html)`}, {"", 0, "unknown format"},
	} {
		f, err := ParseFormat(tc.in)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.want, f)
		out, err := Render(sla.Default(), f)
		require.NoError(t, err)
		assert.NotEmpty(t, out)
	}
	_, err := Render(sla.Default(), Format(9))
	assert.Error(t, err)
}

// The notice is the same however often it is rendered, and rendering does not touch the policy.
func TestNoticeIsDeterministic(t *testing.T) {
	p := loadTestPolicy(t)
	before := p.Bytes()
	a, b := HTML(p), HTML(p)
	assert.True(t, bytes.Equal(a, b))
	assert.Equal(t, before, p.Bytes())
	assert.Regexp(t, regexp.MustCompile(`sha256 [0-9a-f]{12}`), string(Markdown(p)))
}

// A policy whose tiers have no descriptions gets a two-column table, not an empty third column.
func TestTierTableLeavesOutAnEmptyColumn(t *testing.T) {
	y, err := os.ReadFile(filepath.Join("testdata", "notice-policy.yaml"))
	require.NoError(t, err)
	src := regexp.MustCompile(`(?m)^    description: .*\n`).ReplaceAllString(string(y), "")
	p, err := sla.ParsePolicy("bare.yaml", []byte(src))
	require.NoError(t, err)
	md, page := string(Markdown(p)), string(HTML(p))
	assert.Contains(t, md, "| 类别 | 办理时限 |\n| --- | --- |\n| 即办 | 当日 |\n")
	assert.NotContains(t, md, "适用情形")
	assert.NotContains(t, page, "适用情形")
	assert.Contains(t, string(Markdown(loadTestPolicy(t))), "| 类别 | 办理时限 | 适用情形 |", "with descriptions the column is there")
}
