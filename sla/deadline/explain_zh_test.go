package deadline_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/golden"
	"github.com/shixian-go/shixian/sla/deadline"
)

// zhCase is one request explained in Chinese, with the words its explanation must contain.
type zhCase struct {
	name string
	c    deadline.Counting
	r    deadline.Request
	want []string
}

func zhCases() []zhCase {
	cob := deadline.DefaultCounting()
	cob.EndOfDay = deadline.CloseOfBusiness
	next := deadline.DefaultCounting()
	next.Receipt = deadline.ReceiptNextWorkday
	counted := deadline.DefaultCounting()
	counted.ResumeDay = deadline.ResumeDayCounted
	return []zhCase{
		{"3 working days from the eve of National Day 2025 name the makeup Saturday they count",
			deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(3)},
			[]string{"第3日2025年10月11日（星期六，国庆节、中秋节调休上班日）", "其中2025年10月11日（星期六）是调休上班日", "2025年10月1日至10月8日（国庆节、中秋节假期）",
				"民法典第二百零一条，行政许可法第八十二条", "应在2025年10月11日（星期六）24:00前办结", "民法典第二百零三条"}},
		{"10 working days from 2025-09-26 count both makeup days of the holiday, paused over it and extended",
			deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 26, 10, 0), Period: coreWD(10),
				Pauses: []deadline.Pause{{Start: coreAt(2025, 9, 29, 10, 0), End: coreAt(2025, 10, 10, 10, 0), Reason: "专家评审"}}, Extensions: []deadline.Period{coreWD(5)}},
			[]string{"其中2025年9月28日（星期日）、2025年10月11日（星期六）是调休上班日", "第1次中止（行政许可法第四十五条", "原因：专家评审", "扣除3个工作日",
				"从中止次日至恢复当日不计入", "第1次延期（延长5个工作日，行政许可法第四十二条）", "而不是从批准延期之日起算"}},
		{"a pause under resume_day counted says the resume day counts", counted,
			deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{corePause(coreAt(2025, 3, 11, 10, 0), coreAt(2025, 3, 13, 10, 0))}},
			[]string{"从中止次日至恢复前一日不计入，恢复当日计入"}},
		{"same-day before the cutoff is due the same day, by the same-day rule",
			deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 30, 10, 0), Period: coreWD(0)},
			[]string{"本事项为当日办结（即办）", "本案在工作日16:00前受理，适用当日办结的规定", "应在2025年9月30日（星期二）24:00前办结"}},
		{"same-day after the cutoff under close of business moves to the next working day and ends at 17:30",
			cob, deadline.Request{Start: coreAt(2025, 9, 30, 16, 30), Period: coreWD(0)},
			[]string{"本案在16:00及以后受理，适用顺延至下一个工作日办结的规定", "应在2025年10月9日（星期四）17:30前办结", "停止业务活动的时间为截止时间"}},
		{"same-day on a holiday, deemed received on the next working day",
			next, deadline.Request{Start: coreAt(2025, 10, 3, 11, 0), Period: coreWD(0)},
			[]string{"受理当天不是工作日，按本单位规定视为在其后第一个工作日2025年10月9日（星期四）受理", "本案在非工作日受理"}},
		{"7日 whose last day is a holiday rolls to the next working day",
			deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 25, 10, 0), Period: deadline.Period{Count: 7, Unit: deadline.Days}},
			[]string{"按自然日计算", "期间届满之日2025年10月2日（星期四，国庆节、中秋节假期）不是工作日，顺延至其后第一个工作日2025年10月9日", "民法典第二百零一条、第二百零三条"}},
		{"1个月 from 31 January ends on the last day of February",
			deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 1, 31, 10, 0), Period: deadline.Period{Count: 1, Unit: deadline.Months}},
			[]string{"没有对应日，以该月最后一日为期间的最后一日（民法典第二百零二条）", "民法典第二百零一条至第二百零三条"}},
		{"4 workhours across National Day list the business hours counted",
			deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 30, 16, 0), Period: deadline.Period{Count: 4, Unit: deadline.Workhours}},
			[]string{"计入2025年9月30日的办公时间16:00–17:30，共1小时30分", "应在2025年10月9日 11:30前办结"}},
		{"an open pause begun on day 1 suspends the deadline with 2 of 3 working days left",
			deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 3, 10, 10, 0), Period: coreWD(3), Pauses: []deadline.Pause{{Start: coreAt(2025, 3, 11, 10, 0), Reason: "专家评审"}}},
			[]string{"期限暂停计算", "尚余2个工作日", "至今未恢复"}},
		{"10 working days into projected 2028 say the schedule is not yet official",
			deadline.DefaultCounting(), deadline.Request{Start: coreAt(2027, 12, 28, 10, 0), Period: coreWD(10)},
			[]string{"提示：2027年、2028年的节假日安排尚未由国务院正式公布"}},
		{"1 working day paused on its last day is due at the end of the resume day",
			deadline.DefaultCounting(), deadline.Request{Start: coreAt(2025, 9, 29, 10, 0), Period: coreWD(1),
				Pauses: []deadline.Pause{corePause(coreAt(2025, 9, 30, 10, 0), coreAt(2025, 10, 9, 10, 0))}},
			[]string{"第1个工作日在2025年9月30日（星期二，工作日）已经用到", "行政许可法第四十五条"}},
	}
}

// TestChineseExplanationGolden pins the Chinese explanation of representative cases and checks
// in words what each must say.
func TestChineseExplanationGolden(t *testing.T) {
	var b strings.Builder
	for _, tc := range zhCases() {
		r := tc.r
		r.Lang = deadline.Chinese
		d, err := computeDeadline(calendar.Default(), tc.c, r)
		require.NoError(t, err, tc.name)
		text := strings.Join(d.Explanation, "\n")
		for _, w := range tc.want {
			assert.Contains(t, text, w, tc.name)
		}
		fmt.Fprintf(&b, "## %s\n%s\n\n", tc.name, text)
	}
	golden.AssertString(t, filepath.Join("testdata", "explanations-zh.golden"), b.String())
}

// TestChineseExplanationIsPlain: nothing a director would not understand — no convention
// names, no calendar hash, no RFC 3339 instant, no English words.
func TestChineseExplanationIsPlain(t *testing.T) {
	latin := regexp.MustCompile(`[A-Za-z]{2,}`)
	for _, tc := range zhCases() {
		r := tc.r
		r.Lang = deadline.Chinese
		d, err := computeDeadline(calendar.Default(), tc.c, r)
		require.NoError(t, err, tc.name)
		for _, s := range d.Explanation {
			assert.False(t, latin.MatchString(s), "%s: %q has Latin words", tc.name, s)
			assert.NotContains(t, s, "+08:00", tc.name)
		}
	}
}

// TestExplanationLanguageChangesNothingElse: the same request in English and in Chinese gives
// the same deadline, days counted and skipped.
func TestExplanationLanguageChangesNothingElse(t *testing.T) {
	for _, tc := range zhCases() {
		en, err := computeDeadline(calendar.Default(), tc.c, tc.r)
		require.NoError(t, err, tc.name)
		r := tc.r
		r.Lang = deadline.Chinese
		zh, err := computeDeadline(calendar.Default(), tc.c, r)
		require.NoError(t, err, tc.name)
		assert.NotEqual(t, en.Explanation, zh.Explanation, tc.name)
		en.Explanation, zh.Explanation = nil, nil
		assert.Equal(t, en, zh, tc.name)
	}
}

func TestParseLang(t *testing.T) {
	tests := []struct {
		in      string
		want    deadline.Lang
		wantErr string
	}{
		{"zh", deadline.Chinese, ""},
		{"en", deadline.English, ""},
		{"ZH", deadline.English, `unknown language "ZH" (want zh or en)`},
		{"", deadline.English, `unknown language ""`},
		{"zh-CN", deadline.English, "unknown language"},
	}
	for _, tc := range tests {
		got, err := deadline.ParseLang(tc.in)
		if tc.wantErr != "" {
			assert.ErrorContains(t, err, tc.wantErr, "%q", tc.in)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.want, got)
		assert.Equal(t, tc.in, got.String(), "String gives back the name")
	}
}

// A request naming a language that does not exist is refused, not explained in English.
func TestUnknownLanguageIsRefused(t *testing.T) {
	_, err := computeDeadline(calendar.Default(), deadline.DefaultCounting(),
		deadline.Request{Start: coreAt(2025, 9, 30, 17, 0), Period: coreWD(3), Lang: deadline.Lang(7)})
	require.ErrorContains(t, err, "explanation language Lang(7)")
}
