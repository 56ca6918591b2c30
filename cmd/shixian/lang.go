package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

// --lang: the language of explanations (due, status, classify --explain). Left out, the policy
// decides (sla.Policy.Language: Chinese for a policy whose title or tier labels are Chinese);
// without a policy (due --limit) it is English.

const langHelp = "language of the explanation: `zh` (plain Chinese) or en (English with the Chinese terms);\ndefault: zh for a policy whose title or tier labels are Chinese, else en"

func addLangFlag(fs *flag.FlagSet) *enumFlag {
	f := newEnum("", "zh", "en")
	fs.Var(f, "lang", langHelp)
	return f
}

// explainLang is the language --lang asks for, or p's own (English when p is nil).
func explainLang(f *enumFlag, p *sla.Policy) deadline.Lang {
	if f != nil && f.value != "" {
		if l, err := deadline.ParseLang(f.value); err == nil {
			return l
		}
	}
	if p == nil {
		return deadline.English
	}
	return p.Language()
}

var zhWeekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// zhWhen renders an instant for people as "2025年9月30日（星期二）17:00".
func zhWhen(t time.Time) string {
	t = t.In(cst)
	return fmt.Sprintf("%d年%d月%d日（%s）%s", t.Year(), int(t.Month()), t.Day(), zhWeekdays[t.Weekday()], t.Format("15:04"))
}

// zhDue renders a due instant as "2025年10月11日（星期六）24:00" (midnight is the end of the day
// before, 民法典第二百零三条).
func zhDue(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(cst)
	if h, m, s := t.Clock(); h == 0 && m == 0 && s == 0 && t.Nanosecond() == 0 {
		d := t.AddDate(0, 0, -1)
		return fmt.Sprintf("%d年%d月%d日（%s）24:00", d.Year(), int(d.Month()), d.Day(), zhWeekdays[d.Weekday()])
	}
	return zhWhen(t)
}

// zhStates are the states in words for the Chinese status text.
var zhStates = map[sla.State]string{
	sla.StateOnTrack: "正常办理中", sla.StateWarning: "已预警", sla.StateOverdue: "已超期", sla.StatePaused: "中止中",
	sla.StateClosedOnTime: "按期办结", sla.StateClosedLate: "超期办结", sla.StateUnclassified: "尚未分类",
}

func zhState(s sla.State) string {
	if w, ok := zhStates[s]; ok {
		return w
	}
	return string(s)
}

// writeDueTextZh is due's text output in Chinese.
func writeDueTextZh(w io.Writer, accepted time.Time, period deadline.Period, tier string, d deadline.Deadline) error {
	ew := &errWriter{w: w}
	ew.printf("受理：%s\n", zhWhen(accepted))
	if tier != "" {
		ew.printf("分类：%s（%s）\n", tier, period.Chinese())
	} else {
		ew.printf("时限：%s\n", period.Chinese())
	}
	if d.Suspended {
		ew.printf("期限：中止中，暂停计算\n")
	} else {
		ew.printf("期限：%s前办结\n", zhDue(d.Due))
	}
	if d.Provisional {
		ew.printf("暂定：是（部分日子的安排尚未由国务院正式公布，期限可能变化）\n")
	}
	ew.printf("说明：\n")
	for _, s := range d.Explanation {
		ew.printf("  %s\n", s)
	}
	return ew.err
}

// zhFieldValue renders what a rule read, in the policy's words: the field's label and the
// value's label ("办不成的原因：问题比较复杂", "标签：跨部门、群体性"); ids where the policy gives none.
func zhFieldValue(fields []rules.Field, fv rules.FieldValue) string {
	f := rules.Field{Name: fv.Name}
	for _, g := range fields {
		if g.Name == fv.Name {
			f = g
		}
	}
	var v string
	switch x := fv.Value.(type) {
	case string:
		v = f.ValueLabel(x)
	case []string:
		labels := make([]string, len(x))
		for i, s := range x {
			labels[i] = f.ValueLabel(s)
		}
		v = strings.Join(labels, "、")
		if v == "" {
			v = "（无）"
		}
	case bool:
		v = "否"
		if x {
			v = "是"
		}
	default:
		data, err := json.Marshal(x)
		if err != nil {
			data = []byte(fmt.Sprint(x))
		}
		v = string(data)
	}
	return f.DisplayName() + "：" + v
}

// writeDecisionTextZh is classify --explain's block in Chinese.
func writeDecisionTextZh(w io.Writer, p *sla.Policy, id string, line int, accepted time.Time, d rules.Decision, tier sla.Tier, dl deadline.Deadline) error {
	ew := &errWriter{w: w}
	switch {
	case id != "" && line > 0:
		ew.printf("案件：%s（第%d行）\n", id, line)
	case id != "":
		ew.printf("案件：%s\n", id)
	case line > 0:
		ew.printf("案件：第%d行\n", line)
	}
	ew.printf("受理：%s\n", zhWhen(accepted))
	label := tier.Label
	if label == "" {
		label = tier.Limit.Chinese()
	}
	ew.printf("分类：%s（%s）\n", d.Tier, label)
	if d.Default {
		ew.printf("依据：默认分类（没有规则适用）\n")
	} else {
		ew.printf("依据：规则“%s”\n", d.RuleID)
	}
	ew.printf("理由：%s\n", d.Reason)
	if d.Basis != "" {
		ew.printf("法规依据：%s\n", d.Basis)
	}
	if len(d.Fields) > 0 {
		fields := p.Rules().Fields()
		parts := make([]string, len(d.Fields))
		for i, f := range d.Fields {
			parts[i] = zhFieldValue(fields, f)
		}
		ew.printf("所依据的信息：%s\n", strings.Join(parts, "；"))
	}
	if len(d.Ignored) > 0 {
		ew.printf("未使用的信息：%s\n", strings.Join(d.Ignored, "，"))
	}
	ew.printf("政策：%s（%s版）\n", d.PolicyID, d.PolicyVersion)
	ew.printf("期限：%s前办结\n", zhDue(dl.Due))
	if dl.Provisional {
		ew.printf("暂定：是（部分日子的安排尚未由国务院正式公布，期限可能变化）\n")
	}
	ew.printf("说明：\n")
	for _, s := range dl.Explanation {
		ew.printf("  %s\n", s)
	}
	ew.printf("\n")
	return ew.err
}

// writeStatusTextZh is status's text output in Chinese.
func writeStatusTextZh(w io.Writer, p *sla.Policy, st sla.Status, expl []string) error {
	ew := &errWriter{w: w}
	ew.printf("案件：%s\n", st.CaseID)
	ew.printf("时点：%s\n", zhWhen(st.At))
	state := zhState(st.State)
	if st.Warning != "" {
		label := st.Warning
		for _, w := range p.Warnings() {
			if w.ID == st.Warning && w.Label != "" {
				label = w.Label
			}
		}
		state += "，" + label
	}
	ew.printf("状态：%s\n", state)
	if st.Tier != "" {
		label := st.Tier
		if t, ok := p.Tier(st.Tier); ok && t.Label != "" {
			label += "（" + t.Label + "）"
		}
		if st.Cycle > 1 {
			label += fmt.Sprintf("，第%d轮办理", st.Cycle)
		}
		ew.printf("分类：%s\n", label)
	}
	ew.printf("政策：%s（%s版）\n", p.ID(), p.Version())
	switch {
	case !st.Due.IsZero():
		ew.printf("期限：%s前办结\n", zhDue(st.Due))
		if !st.JudgedDue.Equal(st.Due) && !st.JudgedDue.IsZero() {
			ew.printf("考核期限：%s（逾期提出的延期不改变考核）\n", zhDue(st.JudgedDue))
		}
	case st.Paused:
		ew.printf("期限：中止中，自%s起暂停计算\n", zhWhen(st.PausedSince))
	default:
		ew.printf("期限：—\n")
	}
	if st.Provisional {
		ew.printf("暂定：是（部分日子的安排尚未由国务院正式公布，期限可能变化）\n")
	}
	switch {
	case st.OverdueDays > 0 || st.OverdueDuration > 0:
		ew.printf("超期：%d个工作日\n", st.OverdueDays)
	case st.Closed.IsZero():
		ew.printf("剩余：%d个工作日\n", st.RemainingDays)
	}
	if !st.Closed.IsZero() {
		ew.printf("办结：%s\n", zhWhen(st.Closed))
	}
	if st.Extensions > 0 {
		ew.printf("延期：%d次\n", st.Extensions)
	}
	if st.EverLate && !st.CycleLate {
		ew.printf("曾超期：是（此前一轮办理）\n")
	}
	ew.printf("下次变化：%s\n", nextChangeTextZh(st))
	ew.printf("说明：\n")
	for _, s := range expl {
		ew.printf("  %s\n", s)
	}
	return ew.err
}
