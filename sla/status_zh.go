package sla

import (
	"fmt"
	"time"
	"unicode"

	"github.com/shixian-go/shixian/sla/deadline"
)

// Language is the language a policy's explanations default to: Chinese when its title or any
// tier label contains a Han character (a policy written for a Chinese office, such as the
// default 1310 policy), English otherwise. A caller with its own preference passes it to
// Status.ExplainIn and deadline.Request.Lang instead.
func (p *Policy) Language() deadline.Lang {
	if hasHan(p.title) {
		return deadline.Chinese
	}
	for _, t := range p.tiers {
		if hasHan(t.Label) {
			return deadline.Chinese
		}
	}
	return deadline.English
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// DeadlineIn is Deadline with its explanation in the language given (Policy.Deadline explains
// in English).
func (p *Policy) DeadlineIn(tier string, accepted time.Time, lang deadline.Lang) (deadline.Deadline, error) {
	t, ok := p.Tier(tier)
	if !ok {
		return p.Deadline(tier, accepted) // the same error
	}
	return p.counter.Deadline(deadline.Request{Start: accepted, Period: t.Limit, Explain: true, Lang: lang})
}

// ExplainIn is Explain in the language given: deadline.English is Explain itself;
// deadline.Chinese says the same in plain Chinese for a director or a citizen — the events in
// words, the deadline with every day counted and skipped (each makeup working day named) and
// the statute of each rule applied, the state, warnings and targets, and the closed loop (open
// pauses and how their time counts, returns, supervision levels reached and who acted, late
// changes that stay late, the visit's grade) — without the counting conventions' names or the
// calendar's version hash.
func (s Status) ExplainIn(p *Policy, c Case, lang deadline.Lang) []string {
	if lang != deadline.Chinese {
		return s.Explain(p, c)
	}
	return s.explainZh(p, c)
}

// zhWhen renders an instant as "2025年9月30日 17:00" in loc.
func zhWhen(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), int(t.Month()), t.Day(), t.Format("15:04"))
}

// zhDue renders a due instant; 00:00 is shown as 24:00 of the day before, as offices write
// the end of the last day.
func zhDue(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return zhDay(t.AddDate(0, 0, -1)) + " 24:00"
	}
	return zhWhen(t, loc)
}

// zhEvent names an event type in words: "签收", "办结", "回访", ….
func zhEvent(t EventType) string {
	switch t {
	case EventAccepted:
		return "受理"
	case EventClassified:
		return "分类"
	case EventTransferred:
		return "转办"
	case EventSignedFor:
		return "签收"
	case EventPaused:
		return "中止"
	case EventResumed:
		return "恢复"
	case EventRestarted:
		return "重新受理"
	case EventExtended:
		return "延期"
	case EventReclassified:
		return "改变分类"
	case EventClosed:
		return "办结"
	case EventVisited:
		return "回访"
	case EventReopened:
		return "重新办理"
	case "returned":
		return "退回"
	case "supervised":
		return "督办"
	}
	return string(t)
}

// zhDay renders a date as "2025年10月9日".
func zhDay(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// zhState renders a state for a case or, with target, for a target.
func zhState(s State, target bool) string {
	switch s {
	case StateOnTrack:
		return "正常办理中"
	case StateWarning:
		return "已预警"
	case StateOverdue:
		return "已超期"
	case StatePaused:
		return "中止中"
	case StateClosedOnTime:
		if target {
			return "按时完成"
		}
		return "按期办结"
	case StateClosedLate:
		if target {
			return "超时完成"
		}
		return "超期办结"
	case StateUnclassified:
		return "尚未分类"
	}
	return string(s)
}

func (s Status) explainZh(p *Policy, c Case) []string {
	if p == nil {
		return []string{"没有可用于说明状态的政策。"}
	}
	return s.explain(p, c, zhWords{p: p, loc: p.cal.Location()})
}

// zhWords is the Chinese wording of ExplainIn.
type zhWords struct {
	p   *Policy
	loc *time.Location
}

func (w zhWords) when(t time.Time) string { return zhWhen(t, w.loc) }
func (w zhWords) due(t time.Time) string  { return zhDue(t, w.loc) }

func (w zhWords) tierLabel(id string) string {
	t, ok := w.p.Tier(id)
	switch {
	case ok && t.Label != "":
		return id + "（" + t.Label + "，时限" + t.Limit.Chinese() + "）"
	case ok:
		return id + "（时限" + t.Limit.Chinese() + "）"
	}
	return id
}

func zhBy(e *Event) string {
	if e.Actor != "" {
		return "（经办人：" + e.Actor + "）"
	}
	return ""
}

func (w zhWords) head(s Status) string {
	p := w.p
	head := fmt.Sprintf("案件%s截至%s：%s", s.CaseID, w.when(s.At), zhState(s.State, false))
	if s.Tier != "" {
		head += "；分类为" + w.tierLabel(s.Tier)
	}
	if s.Cycle > 1 {
		head += fmt.Sprintf("；第%d轮办理", s.Cycle)
	}
	title := p.title
	if title == "" {
		title = p.id
	}
	return fmt.Sprintf("%s；依据《%s》（%s版）。", head, title, p.version)
}

func (w zhWords) override(o *ClassificationOverride) string {
	by := "默认分类"
	if o.Rule != "" {
		by = "规则“" + o.Rule + "”"
	}
	return fmt.Sprintf("本案登记的分类%s与政策规则不一致：按受理时登记的信息，规则给出的分类是%s（%s）。这是工作人员的人工改定，按登记的分类计算时限。", w.tierLabel(o.Tier), w.tierLabel(o.RulesTier), by)
}

func (w zhWords) misfit(i int, e *Event, err error) string {
	return fmt.Sprintf("第%d个事件（%s，%s）与案件不符：%v。", i+1, e.Type, w.when(e.At), err)
}

func (w zhWords) accepted(e *Event) string {
	return fmt.Sprintf("%s受理%s。", w.when(e.At), zhBy(e))
}

func (w zhWords) classified(e *Event, how classifiedBy, tierStart time.Time) string {
	rule := "按默认分类"
	switch how {
	case byRule:
		rule = "按规则“" + e.Rule + "”"
	case byHand:
		rule = "由工作人员直接"
	}
	return fmt.Sprintf("%s%s分类为%s%s；时限从%s起算。", w.when(e.At), rule, w.tierLabel(e.Tier), zhReason(w.p, e), w.when(tierStart))
}

func (w zhWords) transferred(e *Event) string {
	return fmt.Sprintf("%s转办至%s%s；转办不停止计时，办理时限仍从受理时起算。", w.when(e.At), e.Unit, zhBy(e))
}

func (w zhWords) signedFor(e *Event) string {
	return fmt.Sprintf("%s由%s签收。", w.when(e.At), e.Unit)
}

func (w zhWords) paused(e *Event) string {
	return fmt.Sprintf("%s中止办理%s%s（%s）。", w.when(e.At), zhPauseName(e.Pause), zhReason(w.p, e), zhCounts(w.p.reasonCode(EventPaused, e.Reason)))
}

func (w zhWords) resumed(e *Event, restartsClock bool) string {
	if restartsClock {
		return fmt.Sprintf("%s恢复办理%s；该中止为补正材料（行政许可法第三十二条），期限从此时重新起算。", w.when(e.At), zhPauseName(e.Pause))
	}
	return fmt.Sprintf("%s恢复办理%s。", w.when(e.At), zhPauseName(e.Pause))
}

func (w zhWords) returned(e *Event) string {
	return fmt.Sprintf("%s由%s退回%s%s；该单位的办理时限随之结束，对群众的办理时限继续计算。", w.when(e.At), e.Unit, zhBy(e), zhReason(w.p, e))
}

func (w zhWords) supervised(e *Event) string {
	level := ""
	if e.Level != "" {
		level = "（督办级别：" + zhLevel(w.p, e.Level) + "）"
	}
	return fmt.Sprintf("%s由%s督办%s；督办不改变办理期限。", w.when(e.At), e.Actor, level)
}

func (w zhWords) restarted(e *Event) string {
	return fmt.Sprintf("%s补正材料后重新受理%s（行政许可法第三十二条）：期限从此时重新起算，此前的用时、中止和延期不再计算。", w.when(e.At), zhReason(w.p, e))
}

func (w zhWords) lateRestart(frozenDue time.Time) string {
	return fmt.Sprintf("  重新受理时已超过期限（%s），仍按超期计：予以记录，本轮办理按超期考核。", w.due(frozenDue))
}

func (w zhWords) extended(e *Event, late bool) string {
	lateWords := ""
	if late {
		lateWords = "该延期在期限届满时或之后才提出：予以记录，但仍按延期前的期限考核，本案为超期办结。"
	}
	length := ""
	if e.Length != nil {
		length = e.Length.Chinese()
	}
	return fmt.Sprintf("%s延期%s（行政许可法第四十二条），从当时的期限接续计算，批准人：%s%s。%s", w.when(e.At), length, e.Approver, zhReason(w.p, e), lateWords)
}

func (w zhWords) reclassified(e *Event, prevTier string, tierStart time.Time) string {
	from := "自原受理时起算"
	if w.p.lifecycle.Reclassify == FromReclassification {
		from = "自改变分类时起算"
	}
	return fmt.Sprintf("%s改变分类：由%s改为%s%s；新的时限从%s起算（%s）。", w.when(e.At), prevTier, w.tierLabel(e.Tier), zhReason(w.p, e), w.when(tierStart), from)
}

func (w zhWords) lateReclassify(frozenDue time.Time) string {
	return fmt.Sprintf("  改变分类时已超过期限（%s），仍按超期计：予以记录，本轮办理按超期考核。", w.due(frozenDue))
}

func (w zhWords) closed(e *Event, due time.Time, late bool) string {
	verdict := "按期（在期限" + w.due(due) + "之前）"
	if late {
		verdict = "超期（在期限" + w.due(due) + "或之后）"
	}
	return fmt.Sprintf("%s办结，%s。", w.when(e.At), verdict)
}

func (w zhWords) visited(e *Event, g *Grade) string {
	return fmt.Sprintf("%s回访：%s。", w.when(e.At), zhGrade(g))
}

func (w zhWords) reopened(e *Event, cycle int, tier string) string {
	return fmt.Sprintf("%s重新办理%s；第%d轮按%s从此时起算。", w.when(e.At), zhReason(w.p, e), cycle, tier)
}

// otherEvent says an event type without its own sentence in words all the same, with who,
// which unit and why.
func (w zhWords) otherEvent(e *Event) string {
	unit := ""
	if e.Unit != "" {
		unit = "（单位：" + e.Unit + "）"
	}
	return fmt.Sprintf("%s%s%s%s%s。", w.when(e.At), zhEvent(e.Type), unit, zhBy(e), zhReason(w.p, e))
}

func (zhWords) note(text string) string { return "  备注：" + text }

// deadlineRequest asks for the explanation in Chinese, with a pause's reason code said by its
// label (专家评审, not expert_review); the request's pauses are copied, not changed.
func (w zhWords) deadlineRequest(req *deadline.Request) {
	req.Lang = deadline.Chinese
	req.Pauses = append([]deadline.Pause(nil), req.Pauses...)
	for i := range req.Pauses {
		if rc := w.p.reasonCode(EventPaused, req.Pauses[i].Reason); rc != nil && rc.Label != "" {
			req.Pauses[i].Reason = rc.Label
		}
	}
}

func (zhWords) noDeadline(err error) string { return fmt.Sprintf("无法说明期限：%v。", err) }

func (w zhWords) pausedAssumption(pausedAt, resumeAt time.Time) string {
	return fmt.Sprintf("案件自%s起中止；以下期限按在%s恢复办理计算。", w.when(pausedAt), w.when(resumeAt))
}

func (w zhWords) overdue(s Status) string {
	return fmt.Sprintf("自%s起超期，已超过最后一日%s共%d个工作日。", w.due(s.JudgedDue), zhDay(s.JudgedLastDay), s.OverdueDays)
}

func (zhWords) closedLate(s Status) string {
	return fmt.Sprintf("超期办结：比最后一日%s晚%d个工作日。", zhDay(s.JudgedLastDay), s.OverdueDays)
}

func (w zhWords) pausedState(s Status) string {
	if s.Due.IsZero() {
		return fmt.Sprintf("自%s起中止，期限暂停计算；如现在恢复办理，尚余%d个工作日。", w.when(s.PausedSince), s.RemainingDays)
	}
	return fmt.Sprintf("自%s起中止，但期限在中止前已经届满，中止不改变期限。", w.when(s.PausedSince))
}

func (w zhWords) remaining(s Status) string {
	return fmt.Sprintf("距期限%s，除今天外还剩%d个工作日。", w.due(s.JudgedDue), s.RemainingDays)
}

func (w zhWords) lateExtensions(s Status) string {
	return fmt.Sprintf("记录了%d次在期限届满时或之后提出的延期：显示的期限为%s，但按%s考核。", s.LateExtensions, w.due(s.Due), w.due(s.JudgedDue))
}

func (w zhWords) warning(x WarningCrossing) string {
	return fmt.Sprintf("预警“%s”于%s触发：%s。", x.Label, w.when(x.At), w.p.warningRule(x.ID, true))
}

func (w zhWords) openPause(o OpenPause) string {
	rc := w.p.reasonCode(EventPaused, o.Reason)
	reason := o.Reason
	if rc != nil && rc.Label != "" {
		reason = rc.Label
	}
	return fmt.Sprintf("中止%s自%s起尚未恢复，原因：%s；%s。", zhPauseName(o.Pause), w.when(o.Since), reason, zhCounts(rc))
}

func (w zhWords) supervision(s Status, l SupervisionReached, a *SupervisionAction) string {
	acted := "尚未记录督办"
	switch {
	case a != nil:
		acted = "已于" + w.when(a.At) + "由" + a.By + "督办"
	case s.State == StateClosedOnTime || s.State == StateClosedLate:
		acted = "办结前未记录督办"
	}
	label := l.Label
	if label == "" {
		label = l.ID
	}
	return fmt.Sprintf("%s达到督办级别“%s”：应由%s督办；%s。", w.when(l.At), label, l.By, acted)
}

func (zhWords) reopenRequired(s Status) string {
	return fmt.Sprintf("回访评价为“%s”，需重新办理（尚未重新办理）。", s.Rating)
}

func (w zhWords) target(t TargetStatus) string {
	unit := ""
	if t.Unit != "" {
		unit = "（" + t.Unit + "）"
	}
	switch {
	case t.DoneBy == EventReturned:
		// A return ends the unit's targets; it does not complete them.
		return fmt.Sprintf("“%s”%s自%s起，应于%s前完成；%s该单位退回，时限随之结束。", t.Label, unit, w.when(t.Start), w.due(t.Due), w.when(t.Done))
	case t.Done.IsZero():
		return fmt.Sprintf("“%s”%s自%s起，应于%s前完成，%s。", t.Label, unit, w.when(t.Start), w.due(t.Due), zhState(t.State, true))
	}
	return fmt.Sprintf("“%s”%s自%s起，应于%s前完成，%s：%s于%s完成。", t.Label, unit, w.when(t.Start), w.due(t.Due), zhState(t.State, true), zhEvent(t.DoneBy), w.when(t.Done))
}

// zhPauseName names a pause in a sentence: "“听证”", or nothing for an unnamed one.
func zhPauseName(name string) string {
	if name == "" {
		return ""
	}
	return "“" + name + "”"
}

// zhReason says an event's reason: "，原因：专家评审" — a reason code by its label, free text
// as written; "" without a reason.
func zhReason(p *Policy, e *Event) string {
	if e.Reason == "" {
		return ""
	}
	if rc := p.reasonCode(e.Type, e.Reason); rc != nil && rc.Label != "" {
		return "，原因：" + rc.Label
	}
	return "，原因：" + e.Reason
}

// zhCounts says how the time of a pause counts, from its reason code (nil: free text, which
// is excluded time as a pause always was).
func zhCounts(rc *ReasonCode) string {
	basis := func(def string) string {
		if rc != nil && rc.Basis != "" {
			return rc.Basis
		}
		return def
	}
	switch {
	case rc != nil && rc.CountsAs == CountsApplicant:
		if rc.Basis != "" {
			return "属申请人原因，中止期间不计入办理时限，并单独统计（" + rc.Basis + "）"
		}
		return "属申请人原因，中止期间不计入办理时限，并单独统计"
	case rc != nil && rc.CountsAs == CountsRestart:
		return "属补正材料，恢复办理时期限重新计算（" + basis("行政许可法第三十二条") + "）"
	}
	return basis("行政许可法第四十五条") + "，中止期间不计入办理时限"
}

// zhLevel names a supervision level by its label ("挂牌督办"); a level without one, or an id
// the policy does not declare, as written.
func zhLevel(p *Policy, id string) string {
	for _, l := range p.SupervisionLevels() {
		if l.ID == id && l.Label != "" {
			return l.Label
		}
	}
	return id
}

// zhGrade says a visit's grade and what it counts as: "基本满意（计为满意）",
// "不满意（计为不满意，需重新办理）".
func zhGrade(g *Grade) string {
	if g == nil {
		return "评价不在评价等级中"
	}
	name := g.Grade
	if g.Label != "" && g.Label != g.Grade {
		name = g.Label
	}
	counts := "计为满意"
	if !g.Satisfied {
		counts = "计为不满意"
	}
	if g.Reopens {
		counts += "，需重新办理"
	}
	return name + "（" + counts + "）"
}

// actedOn is the index of the level a supervised event that names none acted on: the latest
// level reached at or before it (-1 when none was).
func actedOn(levels []SupervisionReached, at time.Time) int {
	k := -1
	for i, l := range levels {
		if !l.At.After(at) {
			k = i
		}
	}
	return k
}
