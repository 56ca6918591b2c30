package policydoc

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

// Document is a policy as the notice an office publishes, in Chinese, every part generated
// from the policy: a portal may render it with its own template, or use Markdown and HTML.
// Every text is plain (not escaped); the renderers escape it.
type Document struct {
	Title     string   // the policy's title (its id when it has none)
	Basis     []string // the documents the policy cites, as the policy gives them
	ID        string   // the policy id
	Version   string   // the version string
	Effective string   // "自2025年1月1日起施行" or "自2025年1月1日起施行，至2025年12月31日止"
	Tiers     []TierItem
	// RulesIntro says how the rules apply (in order, the first that fits decides).
	RulesIntro string
	Rules      []RuleItem
	Default    RuleItem // the decision when no rule fits; Condition is empty
	Counting   []string // how days are counted, each with the statute it applies
	Warnings   []string
	// Supervision says, for each supervision level (督办) the policy declares, when it is
	// reached and who must act.
	Supervision []string
	Extensions  []string
	Targets     []string // deadlines of the steps (sign-for, unit reply) other than the follow-up visit
	FollowUp    []string // the follow-up visit (回访) after closing, and its rating scale
	Source      string   // "本文件由时限政策文件 xinyu-1310（2025.1版，sha256 …）自动生成。"
}

// TierItem is one tier: its name, its limit in words and what it is for.
type TierItem struct {
	ID          string
	Name        string // the tier's label, or its id
	Limit       string // "1个工作日", "当日", "15日"
	Description string
}

// RuleItem is one rule in words.
type RuleItem struct {
	ID    string
	Label string // the rule's label, if the policy gives one
	// Sentence is the whole rule as a sentence: "办不成的原因为‘历史遗留问题’或‘政策瓶颈’的，
	// 10个工作日内办结。" When the condition cannot be said exactly, Quoted is true and
	// Condition holds the expression as written, which Sentence quotes.
	Sentence  string
	Condition string
	Quoted    bool
	Outcome   string // what the rule decides: "10个工作日内办结"
	Tier      string // the tier's name
	Reason    string
	Basis     string
}

// New builds the document of p. It never fails: a condition that cannot be put in words is
// quoted as written.
func New(p *sla.Policy) *Document {
	d := &Document{Title: p.Title(), Basis: p.Basis(), ID: p.ID(), Version: p.Version()}
	if d.Title == "" {
		d.Title = p.ID()
	}
	from, until := p.Effective()
	d.Effective = "自" + zhDate(from) + "起施行"
	if !until.IsZero() {
		d.Effective += "，至" + zhDate(until.AddDate(0, 0, -1)) + "止"
	}
	names := map[string]TierItem{}
	for _, t := range p.Tiers() {
		item := TierItem{ID: t.ID, Name: t.Label, Limit: t.Limit.Chinese(), Description: t.Description}
		if item.Name == "" {
			item.Name = t.ID
		}
		names[t.ID] = item
		d.Tiers = append(d.Tiers, item)
	}
	set := p.Rules()
	s := newSentencer(set.Fields())
	d.RulesIntro = "受理后，按下列情形确定办理时限。各项按顺序适用：一件事项符合多项情形的，按排在最前的一项办理。"
	for _, r := range set.Rules() {
		tier := names[r.Tier]
		outcome := limitWords(p, r.Tier)
		item := RuleItem{ID: r.ID, Label: r.Label, Tier: tier.Name, Reason: r.Reason, Basis: r.Basis, Outcome: outcome}
		if cond, ok := s.sentence(r.When); ok {
			item.Sentence = cond + "的，" + outcome + "。"
		} else {
			item.Quoted, item.Condition = true, strings.TrimSpace(r.When)
			item.Sentence = "符合条件「" + item.Condition + "」的，" + outcome + "。"
		}
		d.Rules = append(d.Rules, item)
	}
	def := set.Default()
	d.Default = RuleItem{Tier: names[def.Tier].Name, Reason: def.Reason, Outcome: limitWords(p, def.Tier)}
	d.Default.Sentence = "不属于以上情形的，" + d.Default.Outcome + "。"
	if len(d.Rules) == 0 {
		d.Default.Sentence = "所有事项均" + limitWords(p, def.Tier) + "。"
	}
	d.Counting = counting(p)
	d.Warnings = warnings(p)
	d.Supervision = supervision(p)
	d.Extensions = extensions(p, names)
	d.Targets, d.FollowUp = targets(p, s)
	d.FollowUp = append(d.FollowUp, rating(p, len(d.FollowUp) > 0)...)
	d.Source = fmt.Sprintf("本文件由时限政策文件 %s（%s版，sha256 %s）自动生成。", p.ID(), p.Version(), shortHash(p.Hash()))
	return d
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// zhDate renders a date as "2025年1月1日" in China Standard Time.
func zhDate(t time.Time) string {
	t = t.In(cst)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// limitWords says what a tier's limit requires: "10个工作日内办结", "当日办结".
func limitWords(p *sla.Policy, tier string) string {
	t, ok := p.Tier(tier)
	if !ok {
		return "按" + tier + "办理"
	}
	if t.Limit.Unit == deadline.Workdays && t.Limit.Count == 0 {
		return "当日办结"
	}
	return t.Limit.Chinese() + "内办结"
}

// counting says how days are counted, from the policy's counting settings.
func counting(p *sla.Policy) []string {
	c, lc := p.Counting(), p.Lifecycle()
	units := map[deadline.Unit]bool{}
	sameDay := false
	for _, t := range p.Tiers() {
		units[t.Limit.Unit] = true
		if t.Limit.Unit == deadline.Workdays && t.Limit.Count == 0 {
			sameDay = true
		}
	}
	for _, t := range p.Targets() {
		units[t.Limit.Unit] = true
	}
	var out []string
	if units[deadline.Workdays] {
		out = append(out, "以工作日计算的期限，不含法定节假日和周末；按国务院放假安排调休上班的周末计为工作日（行政许可法第八十二条）。")
	}
	if units[deadline.Workdays] || units[deadline.Days] || units[deadline.Months] {
		out = append(out, "按日计算的期限，受理当日不计入，自次日起计算（民法典第二百零一条）。")
		switch c.Receipt {
		case deadline.ReceiptNextWorkday:
			out = append(out, "在非工作日受理的，视为在其后第一个工作日受理，自该日的次日起计算。")
		default:
			out = append(out, "在非工作日受理的，自受理次日起计算，第1日为其后第一个工作日。")
		}
	}
	if units[deadline.Hours] {
		out = append(out, "按小时计算的时限，自受理时起连续计算（民法典第二百零一条）。")
	}
	if units[deadline.Days] || units[deadline.Months] {
		out = append(out, "以日、月计算的期限，期间内的节假日不扣除；按月计算的，到期日为相应月份的对应日，没有对应日的为该月最后一日；期间的最后一日是法定节假日或休息日的，以其后的第一个工作日为期间的最后一日（民法典第二百零二条、第二百零三条）。")
	}
	switch c.EndOfDay {
	case deadline.CloseOfBusiness:
		end := ""
		if n := len(c.BusinessHours); n > 0 {
			end = "（" + c.BusinessHours[n-1].End.String() + "）"
		}
		out = append(out, "期间最后一日的截止时间为办公时间结束时"+end+"（民法典第二百零三条）。")
	default:
		out = append(out, "期间最后一日的截止时间为二十四时（民法典第二百零三条）。")
	}
	if sameDay {
		if c.SameDayCutoff == (deadline.ClockTime{Hour: 24}) {
			out = append(out, "当日办结的事项，在工作日受理的当日办结；在非工作日受理的，于下一个工作日办结。")
		} else {
			out = append(out, fmt.Sprintf("当日办结的事项，在工作日%s前受理的当日办结；%s及以后或在非工作日受理的，于下一个工作日办结。", c.SameDayCutoff, c.SameDayCutoff))
		}
	}
	if units[deadline.Workhours] {
		spans := make([]string, len(c.BusinessHours))
		for i, s := range c.BusinessHours {
			spans[i] = s.String()
		}
		out = append(out, "以工作小时计算的时限，只计算工作日的办公时间（"+strings.Join(spans, "、")+"）。")
	}
	switch c.ResumeDay {
	case deadline.ResumeDayCounted:
		out = append(out, "依法中止办理的，中止期间不计入办理时限：自中止次日至恢复前一日不计入，恢复当日计入（行政许可法第四十五条）。")
	default:
		out = append(out, "依法中止办理的，中止期间不计入办理时限：自中止次日至恢复当日不计入（行政许可法第四十五条）。")
	}
	out = append(out, "申请材料不全、补正后重新受理的，自重新受理时起重新计算（行政许可法第三十二条）。")
	switch lc.Reclassify {
	case sla.FromReclassification:
		out = append(out, "改变分类的，新的时限自改变分类时起计算。")
	default:
		out = append(out, "改变分类的，新的时限自原受理时起计算。")
	}
	out = append(out, "事项转办的，办理时限不因转办而中断或重新计算。")
	return out
}

// warnings lists the warning thresholds, each at the instant it is crossed: a fraction of the
// time limit used, the last working day, or a number of working days left (到期前N个工作日).
func warnings(p *sla.Policy) []string {
	var out []string
	fraction, daysLeft := false, false
	for _, w := range p.Warnings() {
		label := w.Label
		if label == "" {
			label = w.ID
		}
		switch {
		case w.Fraction > 0:
			fraction = true
			out = append(out, fmt.Sprintf("已用办理时限达到%s时，发出“%s”。", percent(w.Fraction), label))
		case w.LastWorkday:
			out = append(out, "进入办理时限的最后一个工作日时，发出“"+label+"”。")
		case w.DaysLeft > 0:
			daysLeft = true
			out = append(out, fmt.Sprintf("距办理期限届满还剩%d个工作日时，发出“%s”。", w.DaysLeft, label))
		default:
			// A form of threshold this renderer does not know: named, never misstated.
			out = append(out, "按政策文件规定的时点发出“"+label+"”。")
		}
	}
	if daysLeft {
		out = append(out, "剩余工作日自办理期限的最后一日往前计算，不含当日，中止期间不计入；受理时剩余工作日已不超过规定天数的，受理时即发出。")
	}
	switch {
	case fraction:
		out = append(out, "已用时限按工作时间计算，不按自然时间；超过期限未办结的，即为超期。")
	case len(out) > 0:
		out = append(out, "超过期限未办结的，即为超期。")
	}
	return out
}

// supervision says when each supervision level (督办) is reached and who must act then.
func supervision(p *sla.Policy) []string {
	labels := map[string]string{}
	for _, w := range p.Warnings() {
		labels[w.ID] = w.Label
		if w.Label == "" {
			labels[w.ID] = w.ID
		}
	}
	var out []string
	for _, l := range p.SupervisionLevels() {
		what := l.Label
		if what == "" {
			what = l.ID
		}
		act := "予以“" + what + "”"
		if l.By != "" {
			act = "由" + l.By + act
		}
		switch {
		case l.Warning != "":
			name := labels[l.Warning]
			if name == "" {
				name = l.Warning
			}
			out = append(out, "事项发出“"+name+"”时，"+act+"。")
		case l.OverdueDays > 0:
			out = append(out, fmt.Sprintf("事项超期%d个工作日时，%s。", l.OverdueDays, act))
		default:
			out = append(out, "事项超期时，"+act+"。")
		}
	}
	return out
}

// rating states the rating scale of the follow-up visit (回访评价): its grades, which count as
// satisfied and which call for handling the case again. It is stated when the policy has a
// follow-up visit or a scale of its own; every policy judges a visit by its scale, the default
// one when it declares none.
func rating(p *sla.Policy, visit bool) []string {
	scale := p.RatingScale()
	if !visit && slices.Equal(scale, sla.DefaultRatingScale()) {
		return nil
	}
	var all, satisfied, reopens []string
	for _, g := range scale {
		name := g.Label
		if name == "" {
			name = g.Grade
		}
		q := "“" + name + "”"
		all = append(all, q)
		if g.Satisfied {
			satisfied = append(satisfied, q)
		}
		if g.Reopens {
			reopens = append(reopens, q)
		}
	}
	s := fmt.Sprintf("回访评价分为%s%d个等次", strings.Join(all, "、"), len(all))
	if len(satisfied) > 0 {
		s += "，其中" + strings.Join(satisfied, "、") + "计为满意"
	} else {
		s += "，均不计为满意"
	}
	s += "。"
	if len(reopens) > 0 {
		s += "评价为" + strings.Join(reopens, "、") + "的，事项重新办理。"
	}
	return []string{s}
}

func percent(f float64) string {
	s := fmt.Sprintf("%.2f", f*100)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// extensions states the extension limits: policy-wide, or per tier when the policy lists the
// tiers that may be extended (the others may not).
func extensions(p *sla.Policy, names map[string]TierItem) []string {
	x := p.Extensions()
	if x.MaxCount == 0 && len(x.Tiers) == 0 {
		return []string{"办理时限不予延长。"}
	}
	limits := func(n int, total deadline.Period) string {
		s := fmt.Sprintf("最多延期%d次", n)
		if !total.IsZero() {
			s += "，累计延长不超过" + total.Chinese()
		}
		return s
	}
	var out []string
	if len(x.Tiers) == 0 {
		out = append(out, "确需延长办理时限的，经批准可以延期，每件事项"+limits(x.MaxCount, x.MaxTotal)+"；延长的时限自原期限届满时起接续计算。")
	} else {
		listed := map[string]bool{}
		for _, t := range x.Tiers {
			listed[t.Tier] = true
			name := names[t.Tier].Name
			if name == "" {
				name = t.Tier
			}
			out = append(out, "“"+name+"”事项确需延长办理时限的，经批准可以延期，每件"+limits(t.MaxCount, t.MaxTotal)+"；延长的时限自原期限届满时起接续计算。")
		}
		var others []string
		for _, t := range p.Tiers() {
			if !listed[t.ID] {
				others = append(others, "“"+names[t.ID].Name+"”")
			}
		}
		if len(others) > 0 {
			out = append(out, strings.Join(others, "、")+"事项不予延期。")
		}
	}
	switch p.Lifecycle().LateExtension {
	case sla.LateExtensionOverdue:
		out = append(out, "期限届满后才提出的延期予以记录，但该事项仍按原期限考核，计为超期。")
	default:
		out = append(out, "延期须在期限届满前提出；期限届满后提出的，不予批准。")
	}
	if x.Basis != "" {
		out = append(out, "依据："+x.Basis+"。")
	}
	return out
}

// targets states the step deadlines and the follow-up visit; a target for some cases only
// says for which (its condition as a sentence, or quoted as written). A return window (a
// target whose id is "return" or starts with "return_") is stated as the time within which a
// unit may return the case.
func targets(p *sla.Policy, s *sentencer) (steps, followUp []string) {
	for _, t := range p.Targets() {
		label := t.Label
		if label == "" {
			label = t.ID
		}
		limit := t.Limit.Chinese() + "内"
		if t.Limit.Unit == deadline.Workdays && t.Limit.Count == 0 {
			limit = "当日"
		}
		only := ""
		if w := strings.TrimSpace(t.When); w != "" {
			if cond, ok := s.sentence(w); ok {
				only = "（仅限" + cond + "的事项）"
			} else {
				only = "（仅限符合条件「" + w + "」的事项）"
			}
		}
		switch {
		case t.Kind == sla.TargetReturnWindow:
			// A window for an action, not a step anyone must complete: a return after it is
			// refused. The library enforces it after a transfer or a sign-for.
			from := "转办后"
			if t.After == sla.AfterSignedFor {
				from = "签收后"
			}
			steps = append(steps, "承办单位认为事项不属于本单位办理、需要退回的，应在"+from+limit+"退回（“"+label+"”）"+only+"；逾期不得退回。")
		case t.After == sla.AfterClosed:
			followUp = append(followUp, "事项办结后"+limit+"完成“"+label+"”"+only+"。")
		case t.After == sla.AfterTransferred:
			steps = append(steps, "事项转办后，承办单位应在"+limit+"完成“"+label+"”"+only+"。")
		case t.After == sla.AfterSignedFor:
			steps = append(steps, "承办单位签收后，应在"+limit+"完成“"+label+"”"+only+"。")
		default:
			steps = append(steps, "受理后"+limit+"完成“"+label+"”"+only+"。")
		}
	}
	return steps, followUp
}
