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

// zhWording is the Chinese explanation (see the comment at the top of this file).
type zhWording struct{ *explainer }

func (x zhWording) accepted(acc calendar.Day) {
	o := x.o
	x.say("受理时间：%s，当天是%s。", zhDate(o.start)+"（"+zhWeekdays[o.start.Weekday()]+"）"+o.start.Format("15:04"), zhKind(acc))
}

func (x zhWording) deemed(cf calendar.Day) {
	if x.o.sameDay {
		x.say("受理当天不是工作日，按本单位规定视为在其后第一个工作日%s受理，当日办结的事项在该日结束时到期。", zhDateW(cf.Date))
	} else {
		x.say("受理当天不是工作日，按本单位规定视为在其后第一个工作日%s受理，从其次日起计算期限。", zhDateW(cf.Date))
	}
}

func (x zhWording) period(acc calendar.Day) {
	e := x.e
	switch p := x.r.Period; {
	case p.Unit == Workdays && p.Count == 0:
		cutoff := e.c.SameDayCutoff
		rule := fmt.Sprintf("在工作日%s前受理的，当日办结；%s及以后或在非工作日受理的，在下一个工作日办结", cutoff, cutoff)
		if cutoff == (ClockTime{24, 0}) {
			rule = "在工作日受理的，当日办结；在非工作日受理的，在下一个工作日办结"
		}
		switch {
		case x.o.sameDayEarly:
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
}

func (x zhWording) tooLong(days int) { x.say("期间超过%d日，不逐日列出。", days) }

// sameDayDetails is false: the period sentence has already said that a same-day case accepted
// before the cutoff is due at the end of that day.
func (x zhWording) sameDayDetails() bool { return false }

// days names the days counted (each makeup working day among them) and the days skipped and why.
func (x zhWording) days(runs []skipRun) {
	o := x.o
	working := x.r.Period.Unit == Workdays
	counted := x.d.Counted
	switch {
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
	x.skipped(runs)
}

// label names the holiday, or the weekend, or why a working day was passed over.
func (x zhWording) label(day calendar.Day, why skipWhy, duringPause bool) string {
	var s string
	switch why {
	case skipHoliday:
		s = "法定节假日"
		if day.HolidayZh != "" {
			s = day.HolidayZh + "假期"
		}
	case skipRest:
		s = "周末休息"
	case skipPaused:
		return "案件中止，依行政许可法第四十五条不计入"
	case skipAfterPeriod:
		return fmt.Sprintf("期限已在%s用到，案件恢复前依行政许可法第四十五条不计入", zhDate(x.e.date(x.o.tail)))
	default:
		return "期间届满后顺延，依民法典第二百零三条"
	}
	if duringPause {
		s += "，且在案件中止期间"
	}
	return s
}

// skipped says "不计入的日子：2025年10月1日至10月8日（国庆节、中秋节假期）；…。".
func (x zhWording) skipped(runs []skipRun) {
	var parts []string
	for _, r := range runs {
		if r.first.Date.Equal(r.last.Date) {
			parts = append(parts, fmt.Sprintf("%s（%s）", zhDate(r.first.Date), r.label))
		} else {
			parts = append(parts, fmt.Sprintf("%s至%s（%s）", zhDate(r.first.Date), zhShortAfter(r.first.Date, r.last.Date), r.label))
		}
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

func (x zhWording) extension(i int, s segment) {
	x.say("第%d次延期（延长%s，行政许可法第四十二条）从原期限的最后一日%s之后接续计算，而不是从批准延期之日起算。", i, zhPeriod(s.period), zhDate(x.e.date(s.from)))
}

func (x zhWording) clamped(s segment) {
	x.say("%s之后%d个月没有对应日，以该月最后一日为期间的最后一日（民法典第二百零二条）。", zhDate(x.e.date(s.from)), s.period.Count)
}

func (x zhWording) rolled(raw, last calendar.Day) {
	x.say("期间届满之日%s不是工作日，顺延至其后第一个工作日%s（民法典第二百零三条）。", zhDay(raw), zhDay(last))
}

func (x zhWording) makeupEnd(raw calendar.Day) {
	x.say("期间届满之日%s是调休上班日，属于工作日，不顺延。", zhDay(raw))
}

func (x zhWording) periodEnd(raw calendar.Day) { x.say("期间的最后一日为%s。", zhDay(raw)) }

func (x zhWording) usedUp(s segment, used, last calendar.Day) {
	n := "当日办结的期限"
	if s.period.Count > 0 {
		n = fmt.Sprintf("第%d个工作日", s.period.Count)
	}
	x.say("%s在%s已经用到，但案件当天在到期前中止，中止后的时间不计入（行政许可法第四十五条），因此在恢复之日（或其后第一个工作日）结束时到期：最后一日为%s。",
		n, zhDay(used), zhDay(last))
}

// lastDay says only an extension's last day: the base period's is in the sentence on when the
// case is due.
func (x zhWording) lastDay(i int, _ segment, last calendar.Day) {
	if i > 0 {
		x.say("延期后的最后一日为%s。", zhDay(last))
	}
}

func (x zhWording) hours(day calendar.Day, parts []string, total time.Duration) {
	kind := ""
	if day.Kind == calendar.MakeupWorkday {
		kind = "（" + zhKind(day) + "，作为工作日计入）"
	}
	x.say("计入%s%s的办公时间%s，共%s。", zhDate(day.Date), kind, strings.Join(parts, "、"), zhDur(total))
}

func (x zhWording) pause(i int, p Pause, f pauseFact) {
	loc := x.e.loc
	end := "至今未恢复"
	if !p.End.IsZero() {
		end = "至" + zhInstant(p.End.In(loc)) + "恢复"
	}
	reason := ""
	if p.Reason != "" {
		reason = "，原因：" + p.Reason
	}
	x.say("第%d次中止（行政许可法第四十五条，中止期间不计入办理时限）：自%s起%s%s%s。", i, zhInstant(p.Start.In(loc)), end, reason, x.excluded(f))
}

// excluded says what a pause excluded.
func (x zhWording) excluded(f pauseFact) string {
	switch f.what {
	case pauseLateTime:
		return "；中止开始时已经到期，未扣除时间"
	case pauseTime:
		if x.r.Period.Unit == Workhours {
			return "；扣除办公时间" + zhDur(f.dur)
		}
		return "；扣除" + zhDur(f.dur)
	case pauseLateDays:
		return "；中止开始时已经到期，不改变期限（超期后中止不能补救）"
	case pauseNoDay:
		return "；未扣除任何一日"
	case pauseDays:
	default:
		return ""
	}
	unit := "个工作日"
	if !f.working {
		unit = "日"
	}
	names := dates(f.names, zhDate)
	switch {
	case f.n == 0:
		return fmt.Sprintf("；%s至%s都不是工作日，未扣除工作日", zhDate(f.from), zhDate(f.to))
	case f.n > len(names):
		return fmt.Sprintf("；扣除%d%s：%s等", f.n, unit, strings.Join(names, "、"))
	default:
		return fmt.Sprintf("；扣除%d%s：%s", f.n, unit, strings.Join(names, "、"))
	}
}

func (x zhWording) pausesExcluded() {
	o, r := x.o, x.r
	resume := "从中止次日至恢复当日不计入"
	if x.e.c.ResumeDay == ResumeDayCounted {
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

func (x zhWording) suspended() {
	o, r := x.o, x.r
	rem := fmt.Sprintf("%d个工作日", o.remaining)
	switch {
	case !r.Period.Unit.DayBased():
		rem = zhDur(o.remainingDur)
	case r.Period.Unit != Workdays:
		rem = fmt.Sprintf("%d日", o.remaining)
	}
	x.say("案件自%s起中止，期限暂停计算；恢复办理后继续计算，尚余%s。", zhInstant(o.since.In(x.e.loc)), rem)
}

func (x zhWording) due() error {
	d := x.d
	last, err := x.day(x.o.last)
	if err != nil {
		return err
	}
	switch {
	case !x.r.Period.Unit.DayBased():
		x.say("应在%s前办结。", zhInstant(d.Due))
	case x.e.c.EndOfDay == CloseOfBusiness:
		x.say("应在%s%s前办结，即最后一日办公时间结束前（民法典第二百零三条：有业务时间的，停止业务活动的时间为截止时间）。", zhDateW(last.Date), d.Due.Format("15:04"))
	default:
		x.say("应在%s24:00前办结，即最后一日结束前办结的均为按期（民法典第二百零三条）。", zhDateW(last.Date))
	}
	return nil
}

// conventions says nothing: convention names matter only to the staff configuring the library.
func (x zhWording) conventions() {}

// provisional names the years whose days are not yet official.
func (x zhWording) provisional(years []yearCert) {
	names := make([]string, len(years))
	for i, y := range years {
		names[i] = fmt.Sprintf("%d年", y.year)
	}
	x.say("提示：%s的节假日安排尚未由国务院正式公布，本期限按预计的安排计算，正式公布后可能变化。", strings.Join(names, "、"))
}
