package deadline

import (
	"fmt"
	"strings"
	"time"

	"github.com/shixian-go/shixian/calendar"
)

// The Chinese explanation (Request.Lang == Chinese) says the same things as the English one in
// plain words: which days counted and which did not and why, every makeup working day counted,
// the same-day rule that applied, where the period ends and until when the case is on time,
// citing the statute wherever one of its rules is applied. It leaves out what only staff
// configuring the library need (convention names, the calendar's version hash, the exclusive
// instant): a director or a citizen reads "应在2025年10月11日（星期六）24:00前办结".

var zhWeekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// zhDate renders a date as "2025年10月9日".
func zhDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// zhDateW renders a date as "2025年10月9日（星期四）".
func zhDateW(t time.Time) string { return zhDate(t) + "（" + zhWeekdays[t.Weekday()] + "）" }

// zhInstant renders an instant as "2025年9月30日 17:00", 00:00 as 24:00 of the day before.
func zhInstant(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return zhDate(t.AddDate(0, 0, -1)) + " 24:00"
	}
	return zhDate(t) + " " + t.Format("15:04")
}

// zhKind says what kind of day it is: "工作日", "国庆节、中秋节假期", "周末休息日" or
// "国庆节、中秋节调休上班日", with a note when the day is not from an official notice.
func zhKind(day calendar.Day) string {
	var s string
	switch day.Kind {
	case calendar.Holiday:
		s = "法定节假日"
		if day.HolidayZh != "" {
			s = day.HolidayZh + "假期"
		}
	case calendar.MakeupWorkday:
		s = "调休上班日"
		if day.HolidayZh != "" {
			s = day.HolidayZh + "调休上班日"
		}
	case calendar.RestDay:
		s = "周末休息日"
	default:
		s = "工作日"
	}
	if day.Certainty != calendar.Official {
		s += "，该日安排尚未由国务院正式公布"
	}
	return s
}

// zhDay renders "2025年10月11日（星期六，国庆节、中秋节调休上班日）".
func zhDay(day calendar.Day) string {
	return zhDate(day.Date) + "（" + zhWeekdays[day.Date.Weekday()] + "，" + zhKind(day) + "）"
}

// zhListDay renders a day in a list: "2025年10月9日（星期四）", and for a day that is not an
// ordinary working day its kind: "2025年10月11日（星期六，国庆节、中秋节调休上班日）". Whether the
// day is official is said once for the whole period (provisionalZh).
func zhListDay(day calendar.Day) string {
	w := zhWeekdays[day.Date.Weekday()]
	if day.Kind == calendar.Workday {
		return zhDate(day.Date) + "（" + w + "）"
	}
	d := day
	d.Certainty = calendar.Official
	return zhDate(day.Date) + "（" + w + "，" + zhKind(d) + "）"
}

// zhPeriod renders a period as offices write it (Period.Chinese).
func zhPeriod(p Period) string { return p.Chinese() }

// zhDur renders a duration as "1小时30分", "2小时" or "45分".
func zhDur(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%d小时%d分", h, m)
	case h > 0:
		return fmt.Sprintf("%d小时", h)
	default:
		return fmt.Sprintf("%d分", m)
	}
}

// maxListedCountedZh bounds the counted days named one by one; a longer period names its first
// and last day and, always, every makeup working day counted.
const maxListedCountedZh = 31

func (x *explainer) explainZh() error {
	e, o, r, d := x.e, x.o, x.r, x.d
	acc, err := x.day(o.accept)
	if err != nil {
		return err
	}
	x.say("受理时间：%s，当天是%s。", zhDate(o.start)+"（"+zhWeekdays[o.start.Weekday()]+"）"+o.start.Format("15:04"), zhKind(acc))
	if o.countFrom != o.accept {
		cf, err := x.day(o.countFrom)
		if err != nil {
			return err
		}
		if o.sameDay {
			x.say("受理当天不是工作日，按本单位规定视为在其后第一个工作日%s受理，当日办结的事项在该日结束时到期。", zhDateW(cf.Date))
		} else {
			x.say("受理当天不是工作日，按本单位规定视为在其后第一个工作日%s受理，从其次日起计算期限。", zhDateW(cf.Date))
		}
	}
	switch p := r.Period; {
	case p.Unit == Workdays && p.Count == 0:
		cutoff := e.c.SameDayCutoff
		rule := fmt.Sprintf("在工作日%s前受理的，当日办结；%s及以后或在非工作日受理的，在下一个工作日办结", cutoff, cutoff)
		if cutoff == (ClockTime{24, 0}) {
			rule = "在工作日受理的，当日办结；在非工作日受理的，在下一个工作日办结"
		}
		switch {
		case o.sameDayEarly:
			x.say("本事项为当日办结（即办）：%s。本案在工作日%s前受理，适用当日办结的规定。", rule, cutoff)
		case acc.IsWorking():
			x.say("本事项为当日办结（即办）：%s。本案在%s及以后受理，适用顺延至下一个工作日办结的规定。", rule, cutoff)
		default:
			x.say("本事项为当日办结（即办）：%s。本案在非工作日受理，适用顺延至下一个工作日办结的规定。", rule)
		}
	case p.Unit == Workdays:
		x.say("办理时限为%s：受理当天不计入，从下一个工作日起算为第1日；法定节假日和周末不计入，调休上班日照常计入（民法典第二百零一条，行政许可法第八十二条）。", zhPeriod(p))
	case p.Unit == Days:
		x.say("办理时限为%s（按自然日计算）：受理当天不计入，从次日起算；期间内的节假日不扣除；最后一日不是工作日的，顺延至其后第一个工作日（民法典第二百零一条、第二百零三条）。", zhPeriod(p))
	case p.Unit == Months:
		x.say("办理时限为%s：从受理次日起算，到期日为相应月份的对应日，没有对应日的为该月最后一日；最后一日不是工作日的，顺延至其后第一个工作日（民法典第二百零一条至第二百零三条）。", zhPeriod(p))
	case p.Unit == Workhours:
		spans := make([]string, len(e.c.BusinessHours))
		for i, s := range e.c.BusinessHours {
			spans[i] = s.String()
		}
		x.say("办理时限为%s：只计算工作日的办公时间（%s），从受理时起算，受理时不在办公时间的从其后最近的办公时间起算（民法典第二百零一条）。", zhPeriod(p), strings.Join(spans, "、"))
	case p.Unit == Hours:
		x.say("办理时限为%s：自受理时起连续计算（民法典第二百零一条）。", zhPeriod(p))
	}
	if r.Period.Unit.DayBased() {
		if err := x.dayDetailsZh(); err != nil {
			return err
		}
	} else if r.Period.Unit == Workhours {
		if err := x.hourDetailsZh(); err != nil {
			return err
		}
	}
	for i, p := range r.Pauses {
		end := "至今未恢复"
		if !p.End.IsZero() {
			end = "至" + zhInstant(p.End.In(e.loc)) + "恢复"
		}
		reason := ""
		if p.Reason != "" {
			reason = "，原因：" + p.Reason
		}
		what, err := x.pauseExcludedZh(p)
		if err != nil {
			return err
		}
		x.say("第%d次中止（行政许可法第四十五条，中止期间不计入办理时限）：自%s起%s%s%s。", i+1, zhInstant(p.Start.In(e.loc)), end, reason, what)
	}
	if len(r.Pauses) > 0 && !o.suspended {
		resume := "从中止次日至恢复当日不计入"
		if e.c.ResumeDay == ResumeDayCounted {
			resume = "从中止次日至恢复前一日不计入，恢复当日计入"
		}
		switch {
		case r.Period.Unit == Workdays:
			x.say("中止共扣除%d个工作日：中止当天照常计算，%s；几次中止时间重叠的，重叠部分只扣除一次。", o.excluded, resume)
		case r.Period.Unit.DayBased():
			x.say("中止共扣除%d日：中止当天照常计算，%s；几次中止时间重叠的，重叠部分只扣除一次。", o.excluded, resume)
		default:
			x.say("中止共扣除%s；几次中止时间重叠的，重叠部分只扣除一次。", zhDur(o.excludedDur))
		}
	}
	if o.suspended {
		rem := fmt.Sprintf("%d个工作日", o.remaining)
		switch {
		case !r.Period.Unit.DayBased():
			rem = zhDur(o.remainingDur)
		case r.Period.Unit != Workdays:
			rem = fmt.Sprintf("%d日", o.remaining)
		}
		x.say("案件自%s起中止，期限暂停计算；恢复办理后继续计算，尚余%s。", zhInstant(o.since.In(e.loc)), rem)
	} else {
		last, err := x.day(o.last)
		if err != nil {
			return err
		}
		switch {
		case !r.Period.Unit.DayBased():
			x.say("应在%s前办结。", zhInstant(d.Due))
		case e.c.EndOfDay == CloseOfBusiness:
			x.say("应在%s%s前办结，即最后一日办公时间结束前（民法典第二百零三条：有业务时间的，停止业务活动的时间为截止时间）。", zhDateW(last.Date), d.Due.Format("15:04"))
		default:
			x.say("应在%s24:00前办结，即最后一日结束前办结的均为按期（民法典第二百零三条）。", zhDateW(last.Date))
		}
	}
	if d.Provisional {
		return x.provisionalZh()
	}
	return nil
}

// provisionalZh names the years whose days are not yet official.
func (x *explainer) provisionalZh() error {
	e, o := x.e, x.o
	last := o.last
	if o.suspended {
		last = max(o.accept, e.dayOf(o.since))
	}
	y0, _, _ := calendar.Date(o.accept).YMD()
	y1, _, _ := calendar.Date(last).YMD()
	var years []string
	for y := y0; y <= y1; y++ {
		a := max(o.accept, int(calendar.DateOf(y, time.January, 1)))
		b := min(last, int(calendar.DateOf(y, time.December, 31)))
		cert, err := e.cal.Certainty(e.date(a), e.date(b))
		if err != nil {
			return err
		}
		if cert != calendar.Official {
			years = append(years, fmt.Sprintf("%d年", y))
		}
	}
	x.say("提示：%s的节假日安排尚未由国务院正式公布，本期限按预计的安排计算，正式公布后可能变化。", strings.Join(years, "、"))
	return nil
}

// dayDetailsZh names the days counted (each makeup working day among them), the days skipped
// and why, the roll of a last day that is not a working day, and the extensions.
func (x *explainer) dayDetailsZh() error {
	e, o, r, d := x.e, x.o, x.r, x.d
	if o.suspended || o.sameDayEarly {
		return nil
	}
	working := r.Period.Unit == Workdays
	counted := d.Counted
	switch {
	case len(counted) == 0 && o.last > o.countFrom && o.last-o.countFrom > MaxListedDays:
		x.say("期间超过%d日，不逐日列出。", MaxListedDays)
	case len(counted) == 0:
	case working && !o.sameDay && len(counted) <= maxListedCountedZh:
		parts := make([]string, len(counted))
		for i, day := range counted {
			parts[i] = fmt.Sprintf("第%d日%s", i+1, zhListDay(day))
		}
		x.say("计入的工作日：%s。", strings.Join(parts, "，"))
	case working && !o.sameDay:
		x.say("共计入%d个工作日，第1日为%s，最后一日为%s。", len(counted), zhListDay(counted[0]), zhListDay(counted[len(counted)-1]))
	case !working:
		x.say("第1日为%s。", zhListDay(counted[0]))
	}
	if working {
		var makeup []string
		for _, day := range counted {
			if day.Kind == calendar.MakeupWorkday {
				makeup = append(makeup, zhDateW(day.Date))
			}
		}
		if len(makeup) > 0 {
			x.say("其中%s是调休上班日，按国务院放假安排上班，作为工作日计入。", strings.Join(makeup, "、"))
		}
	}
	x.runsZh(d.Skipped, func(day calendar.Day) string {
		n := e.dayOf(day.Date)
		return x.dayLabelZh(day, x.paused(n), o.tail >= 0 && n > o.tail)
	})
	for i, s := range o.segs {
		if i > 0 {
			x.say("第%d次延期（延长%s，行政许可法第四十二条）从原期限的最后一日%s之后接续计算，而不是从批准延期之日起算。", i, zhPeriod(s.period), zhDate(e.date(s.from)))
		}
		if s.period.Unit == Days || s.period.Unit == Months {
			raw, err := x.day(s.raw)
			if err != nil {
				return err
			}
			if s.clamped {
				x.say("%s之后%d个月没有对应日，以该月最后一日为期间的最后一日（民法典第二百零二条）。", zhDate(e.date(s.from)), s.period.Count)
			}
			switch {
			case s.raw != s.last:
				last, err := x.day(s.last)
				if err != nil {
					return err
				}
				x.say("期间届满之日%s不是工作日，顺延至其后第一个工作日%s（民法典第二百零三条）。", zhDay(raw), zhDay(last))
			case raw.Kind == calendar.MakeupWorkday:
				x.say("期间届满之日%s是调休上班日，属于工作日，不顺延。", zhDay(raw))
			default:
				x.say("期间的最后一日为%s。", zhDay(raw))
			}
			continue
		}
		last, err := x.day(s.last)
		if err != nil {
			return err
		}
		if s.tail > 0 && s.tail != s.last {
			used, err := x.day(s.tail)
			if err != nil {
				return err
			}
			n := "当日办结的期限"
			if s.period.Count > 0 {
				n = fmt.Sprintf("第%d个工作日", s.period.Count)
			}
			x.say("%s在%s已经用到，但案件当天在到期前中止，中止后的时间不计入（行政许可法第四十五条），因此在恢复之日（或其后第一个工作日）结束时到期：最后一日为%s。",
				n, zhDay(used), zhDay(last))
			continue
		}
		if i > 0 {
			x.say("延期后的最后一日为%s。", zhDay(last))
		}
	}
	return nil
}

// dayLabelZh is why a day did not count, in words.
func (x *explainer) dayLabelZh(day calendar.Day, paused, afterPeriod bool) string {
	var s string
	switch day.Kind {
	case calendar.Holiday:
		s = "法定节假日"
		if day.HolidayZh != "" {
			s = day.HolidayZh + "假期"
		}
	case calendar.RestDay:
		s = "周末休息"
	default:
		switch {
		case paused:
			return "案件中止，依行政许可法第四十五条不计入"
		case afterPeriod:
			return fmt.Sprintf("期限已在%s用到，案件恢复前依行政许可法第四十五条不计入", zhDate(x.e.date(x.o.tail)))
		default:
			return "期间届满后顺延，依民法典第二百零三条"
		}
	}
	if paused {
		s += "，且在案件中止期间"
	}
	return s
}

// runsZh says "不计入：2025年10月1日至10月8日（国庆节、中秋节假期）；…。", grouping consecutive
// days with the same reason.
func (x *explainer) runsZh(sk []calendar.Day, label func(calendar.Day) string) {
	var parts []string
	for i := 0; i < len(sk); {
		j := i
		l := label(sk[i])
		for j+1 < len(sk) && x.e.dayOf(sk[j+1].Date) == x.e.dayOf(sk[j].Date)+1 && label(sk[j+1]) == l {
			j++
		}
		if i == j {
			parts = append(parts, fmt.Sprintf("%s（%s）", zhDate(sk[i].Date), l))
		} else {
			parts = append(parts, fmt.Sprintf("%s至%s（%s）", zhDate(sk[i].Date), zhShortAfter(sk[i].Date, sk[j].Date), l))
		}
		i = j + 1
	}
	if len(parts) > 0 {
		x.say("不计入的日子：%s。", strings.Join(parts, "；"))
	}
}

// zhShortAfter renders b after a as "10月8日" when they share the year, else in full.
func zhShortAfter(a, b time.Time) string {
	if a.Year() == b.Year() {
		return fmt.Sprintf("%d月%d日", int(b.Month()), b.Day())
	}
	return zhDate(b)
}

// pauseExcludedZh says what pause p excluded (see pauseExcluded).
func (x *explainer) pauseExcludedZh(p Pause) (string, error) {
	e, o, r := x.e, x.o, x.r
	if o.suspended {
		return "", nil
	}
	if !r.Period.Unit.DayBased() {
		a, b := p.Start.In(e.loc), p.End.In(e.loc)
		if a.Before(o.start) {
			a = o.start
		}
		if b.After(o.due) {
			b = o.due
		}
		if !b.After(a) || !p.Start.Before(o.due) {
			return "；中止开始时已经到期，未扣除时间", nil
		}
		dur, err := e.tmeasure(a, b, r.Period.Unit == Workhours)
		if err != nil {
			return "", err
		}
		if r.Period.Unit == Workhours {
			return "；扣除办公时间" + zhDur(dur), nil
		}
		return "；扣除" + zhDur(dur), nil
	}
	lo, hi := e.dayOf(p.Start), e.dayOf(p.End)
	if e.c.ResumeDay == ResumeDayCounted {
		hi--
	}
	lo, hi = max(lo, o.countFrom), min(hi, o.last)
	if !p.Start.Before(o.due) {
		return "；中止开始时已经到期，不改变期限（超期后中止不能补救）", nil
	}
	if hi <= lo {
		return "；未扣除任何一日", nil
	}
	days, err := e.cal.Days(e.date(lo+1), e.date(hi))
	if err != nil {
		return "", err
	}
	working := r.Period.Unit == Workdays
	var names []string
	n := 0
	for _, d := range days {
		if working && !d.IsWorking() {
			continue
		}
		n++
		if len(names) < maxListedPauseDays {
			names = append(names, zhDate(d.Date))
		}
	}
	unit := "个工作日"
	if !working {
		unit = "日"
	}
	switch {
	case n == 0:
		return fmt.Sprintf("；%s至%s都不是工作日，未扣除工作日", zhDate(e.date(lo+1)), zhDate(e.date(hi))), nil
	case n > len(names):
		return fmt.Sprintf("；扣除%d%s：%s等", n, unit, strings.Join(names, "、")), nil
	default:
		return fmt.Sprintf("；扣除%d%s：%s", n, unit, strings.Join(names, "、")), nil
	}
}

// hourDetailsZh lists the business hours counted on each day and the days skipped between them.
func (x *explainer) hourDetailsZh() error {
	e, o := x.e, x.o
	if o.suspended {
		return nil
	}
	first, last := o.accept, e.dayOf(o.due)
	if last-first > maxListedHourDays {
		x.say("期间超过%d日，不逐日列出。", maxListedHourDays)
		return nil
	}
	days, err := e.cal.Days(e.date(first), e.date(last))
	if err != nil {
		return err
	}
	var skipped []calendar.Day
	flush := func() {
		x.runsZh(skipped, func(d calendar.Day) string { return x.dayLabelZh(d, false, false) })
		skipped = skipped[:0]
	}
	for i, day := range days {
		n := first + i
		if !day.IsWorking() {
			skipped = append(skipped, day)
			continue
		}
		var parts []string
		var total time.Duration
		for _, sp := range e.c.BusinessHours {
			a, b := e.instant(n, sp.Start.offset()), e.instant(n, sp.End.offset())
			if a.Before(o.start) {
				a = o.start
			}
			if b.After(o.due) {
				b = o.due
			}
			for _, piece := range cutPauses(a, b, o.tivs) {
				parts = append(parts, piece[0].Format("15:04")+"–"+clockOf(piece[1], n, e))
				total += piece[1].Sub(piece[0])
			}
		}
		if total == 0 {
			if n != first && n != last {
				skipped = append(skipped, day)
			}
			continue
		}
		flush()
		kind := ""
		if day.Kind == calendar.MakeupWorkday {
			kind = "（" + zhKind(day) + "，作为工作日计入）"
		}
		x.say("计入%s%s的办公时间%s，共%s。", zhDate(day.Date), kind, strings.Join(parts, "、"), zhDur(total))
	}
	return nil
}
