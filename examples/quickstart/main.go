// Command quickstart is the main job of shixian in one run: it classifies sample hotline cases
// with the embedded 1310 policy and prints each case's tier, rule, reason and due date, then
// shows — for acceptance times around the Spring Festival and National Day — the 1, 3 and 10
// working-day due dates with the kind of every day crossed, and finally one case through the
// whole closed loop (闭环): transfer and return, two overlapping pauses, supervision (督办), the
// follow-up visit with its rating and the close (销号).
//
// Run it from the repository root:
//
//	go run ./examples/quickstart
//
// The output is deterministic (no wall clock is read) and golden-tested.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

var beijing = calendar.CST()

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// sampleCase is a case modelled on the hotline cases the 1310 mechanism was made for, with what
// happened to it afterwards.
type sampleCase struct {
	title    string
	accepted time.Time
	input    map[string]any
	events   []sla.Event
}

// now is the fixed instant at which every sample's status is shown: the quickstart never reads
// the wall clock, so its output is the same on every run.
var now = time.Date(2026, 2, 26, 9, 0, 0, 0, beijing)

func at(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, beijing)
}

var samples = []sampleCase{
	{
		title:    "欠薪追讨：农民工反映工资被拖欠，缺少劳动合同和考勤记录 (unpaid wages reclaimed; materials incomplete)",
		accepted: time.Date(2025, 9, 30, 17, 0, 0, 0, beijing),
		input:    map[string]any{"cause": "incomplete_materials", "category": "wage_arrears", "channel": "hotline_12333"},
		events: []sla.Event{
			{Type: sla.EventTransferred, At: at(2025, 9, 30, 17, 20), Unit: "劳动保障监察大队"},
			{Type: sla.EventSignedFor, At: at(2025, 10, 9, 9, 5), Unit: "劳动保障监察大队"},
			{Type: sla.EventClosed, At: at(2025, 10, 9, 16, 40), Note: "补齐考勤记录后责令企业支付工资"},
			{Type: sla.EventVisited, At: at(2025, 10, 10, 10, 0), Satisfied: ptr(true)},
		},
	},
	{
		title:    "失业保险金：申领条件涉及多段参保经历，需要核实 (an unemployment-benefit question that is complex)",
		accepted: time.Date(2026, 2, 13, 10, 30, 0, 0, beijing),
		input:    map[string]any{"cause": "complex", "category": "unemployment_benefit", "channel": "window"},
		events: []sla.Event{
			{Type: sla.EventPaused, At: at(2026, 2, 24, 10, 0), Reason: "向原参保地发函核实参保记录"},
			{Type: sla.EventResumed, At: at(2026, 2, 25, 15, 0)},
		},
	},
	{
		title:    "养老保险：企业改制前的工龄认定无政策依据 (a pension case stuck on a policy bottleneck)",
		accepted: time.Date(2025, 12, 26, 15, 0, 0, 0, beijing),
		input:    map[string]any{"cause": "policy_bottleneck", "category": "pension", "tags": []string{"cross_department"}},
		events: []sla.Event{
			{Type: sla.EventExtended, At: at(2026, 1, 12, 11, 0), Length: &deadline.Period{Count: 10, Unit: deadline.Workdays}, Approver: "分管副局长", Reason: "需提请市政府专题会议研究"},
		},
	},
	{
		title: "社保关系转移：企业经办人材料齐全但跨省系统未对接 (an enterprise's social-insurance transfer)",
		// Stored in UTC by the portal: 16:30 UTC on Thursday is 00:30 on Friday in Beijing.
		accepted: time.Date(2025, 3, 6, 16, 30, 0, 0, time.UTC),
		input:    map[string]any{"cause": "other_objective", "category": "social_insurance_transfer", "applicant": "enterprise"},
		events: []sla.Event{
			{Type: sla.EventClosed, At: at(2025, 3, 14, 10, 0), Note: "跨省转移接续办结"},
			{Type: sla.EventVisited, At: at(2025, 3, 17, 9, 30), Satisfied: ptr(false), Note: "认为办理超时"},
		},
	},
}

// moment is an acceptance time whose due dates are shown day by day.
type moment struct {
	accepted time.Time
	note     string
}

var moments = []moment{
	{time.Date(2026, 2, 13, 17, 0, 0, 0, beijing), "the Friday before the 9-day Spring Festival (02-15..02-23 off; 02-14 and 02-28 are makeup Saturdays)"},
	{time.Date(2025, 9, 30, 17, 0, 0, 0, beijing), "the eve of the 8-day National Day + Mid-Autumn break (10-01..10-08 off; 10-11 is a makeup Saturday)"},
	{time.Date(2025, 9, 28, 11, 0, 0, 0, beijing), "a makeup Sunday before National Day: it is a working day, but the acceptance day never counts"},
}

func run(w io.Writer) error {
	policy := sla.Default()
	cal := policy.Calendar()
	fmt.Fprintf(w, "shixian quickstart — policy %s v%s (%s)\n", policy.ID(), policy.Version(), policy.Title())
	fmt.Fprintf(w, "calendar %s, version %s; counting: acceptance day not counted, day 1 = next working day, due at 24:00 of the last day\n\n", cal.Name(), cal.Version())

	fmt.Fprintf(w, "== Sample cases, with their status at %s\n", now.Format("2006-01-02 15:04 MST"))
	for i, s := range samples {
		d, err := policy.Classify(s.input, s.accepted)
		if err != nil {
			return fmt.Errorf("sample %d: %w", i+1, err)
		}
		deadline, err := policy.Deadline(d.Tier, s.accepted)
		if err != nil {
			return fmt.Errorf("sample %d: %w", i+1, err)
		}
		tier, _ := policy.Tier(d.Tier)
		fmt.Fprintf(w, "\n%d. %s\n", i+1, s.title)
		fmt.Fprintf(w, "   accepted  %s\n", describeInstant(cal, s.accepted))
		fmt.Fprintf(w, "   tier      %s — %s (%s)\n", d.Tier, tier.Label, tier.Limit)
		fmt.Fprintf(w, "   rule      %s: %s\n", d.RuleID, d.Reason)
		fmt.Fprintf(w, "   due       %s  (on time if closed before %s)\n", deadline.LastDayString(), deadline.Due.Format(time.RFC3339))
		fmt.Fprintf(w, "   crossed   %s\n", crossed(cal, s.accepted, deadline.LastDay))
		if deadline.Provisional {
			fmt.Fprintf(w, "   note      provisional: counted through days that are not yet official\n")
		}
		if err := printStatus(w, policy, s, i+1); err != nil {
			return fmt.Errorf("sample %d: %w", i+1, err)
		}
	}

	fmt.Fprintln(w, "\n== Due dates by tier, with the kind of every day crossed")
	for _, m := range moments {
		if err := printMoment(w, policy, m); err != nil {
			return err
		}
	}
	return printLoop(w, policy)
}

// loopEvents take a case from intake to 销号: transferred to a unit that returns it (退回), then
// to the right one; an expert review and a hearing that overlap (行政许可法 art. 45: their union
// is not counted); the case falls overdue and is supervised (督办); it is closed, visited and
// rated 基本满意.
var loopEvents = []sla.Event{
	{Type: sla.EventTransferred, At: at(2026, 3, 2, 10, 0), Unit: "医保科"},
	{Type: sla.EventReturned, At: at(2026, 3, 2, 11, 0), Unit: "医保科", Reason: "not_our_duty"},
	{Type: sla.EventTransferred, At: at(2026, 3, 2, 11, 30), Unit: "劳动保障监察大队"},
	{Type: sla.EventSignedFor, At: at(2026, 3, 2, 14, 0), Unit: "劳动保障监察大队"},
	{Type: sla.EventPaused, At: at(2026, 3, 3, 9, 0), Pause: "review", Reason: "专家评审"},
	{Type: sla.EventPaused, At: at(2026, 3, 3, 14, 0), Pause: "hearing", Reason: "听证"},
	{Type: sla.EventResumed, At: at(2026, 3, 4, 10, 0), Pause: "review"},
	{Type: sla.EventResumed, At: at(2026, 3, 5, 16, 0), Pause: "hearing"},
	{Type: sla.EventSupervised, At: at(2026, 3, 10, 9, 30), Actor: "分管领导", Level: "supervise", Note: "督办单〔2026〕3号"},
	{Type: sla.EventClosed, At: at(2026, 3, 10, 15, 0), Note: "责令补发工资"},
	{Type: sla.EventVisited, At: at(2026, 3, 11, 10, 0), Rating: "基本满意"},
}

// loopLooks are the instants at which the loop's case is looked at.
var loopLooks = []time.Time{at(2026, 3, 3, 15, 0), at(2026, 3, 10, 9, 0), at(2026, 3, 11, 12, 0)}

// printLoop follows one case through the closed loop and prints its status at each look.
func printLoop(w io.Writer, policy *sla.Policy) error {
	fmt.Fprintln(w, "\n== The closed loop (闭环): intake, transfer, pauses, supervision, visit and rating, 销号")
	c, d, err := policy.Accept("QS-LOOP", map[string]any{"cause": "complex", "category": "wage_arrears"}, at(2026, 3, 2, 9, 30))
	if err != nil {
		return err
	}
	cal := policy.Calendar()
	fmt.Fprintf(w, "\naccepted  %s, tier %s by rule %s\n", describeInstant(cal, at(2026, 3, 2, 9, 30)), d.Tier, d.RuleID)
	look := 0
	show := func(upTo time.Time) error {
		for look < len(loopLooks) && !loopLooks[look].After(upTo) {
			if err := printLoopStatus(w, policy, c, loopLooks[look]); err != nil {
				return err
			}
			look++
		}
		return nil
	}
	for _, e := range loopEvents {
		if err := show(e.At.Add(-time.Nanosecond)); err != nil {
			return err
		}
		if c, err = policy.Apply(c, e); err != nil {
			return err
		}
		detail := eventDetail(e)
		if e.Pause != "" {
			detail = " [" + e.Pause + "]" + detail
		}
		fmt.Fprintf(w, "event     %s %s%s\n", e.At.In(cal.Location()).Format("2006-01-02 15:04"), e.Type, detail)
	}
	return show(loopLooks[len(loopLooks)-1])
}

func printLoopStatus(w io.Writer, policy *sla.Policy, c sla.Case, t time.Time) error {
	st, err := policy.StatusAt(c, t)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  status at %s: %s", t.Format("2006-01-02 15:04"), st.State)
	if !st.JudgedDue.IsZero() {
		fmt.Fprintf(w, ", due %s 24:00", st.JudgedLastDay.Format(time.DateOnly))
	}
	if st.OverdueDays > 0 {
		fmt.Fprintf(w, ", %d working day(s) overdue", st.OverdueDays)
	}
	fmt.Fprintln(w)
	for _, o := range st.OpenPauses {
		fmt.Fprintf(w, "    open pause  %s since %s: %s (%s, counts as %s)\n", o.Pause, o.Since.Format("01-02 15:04"), o.Reason, o.Code, o.CountsAs)
	}
	for _, l := range st.Supervision {
		fmt.Fprintf(w, "    supervision %s %s since %s: %s must act\n", l.ID, l.Label, l.At.Format("01-02 15:04"), l.By)
	}
	for _, a := range st.Supervised {
		fmt.Fprintf(w, "    supervised  by %s at %s: %s\n", a.By, a.At.Format("01-02 15:04"), a.Note)
	}
	if st.Rating != "" {
		fmt.Fprintf(w, "    rating      %s (reopen required: %t) — the case is struck off (销号)\n", st.Rating, st.ReopenRequired)
	}
	return nil
}

func printMoment(w io.Writer, policy *sla.Policy, m moment) error {
	cal := policy.Calendar()
	fmt.Fprintf(w, "\nAccepted %s — %s\n", describeInstant(cal, m.accepted), m.note)
	due := map[string]string{}
	var last time.Time
	for _, tier := range policy.Tiers() {
		d, err := policy.Deadline(tier.ID, m.accepted)
		if err != nil {
			return err
		}
		due[d.LastDay.Format(time.DateOnly)] = fmt.Sprintf("← %s due %s", tier.Limit, d.LastDayString())
		if d.LastDay.After(last) {
			last = d.LastDay
		}
	}
	days, err := cal.Days(m.accepted.AddDate(0, 0, 1), last)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  %-10s  %-3s  %-7s  %-4s  %s\n", "date", "day", "kind", "n", "holiday")
	n := 0
	for _, day := range days {
		count := "-"
		if day.IsWorking() {
			n++
			count = fmt.Sprint(n)
		}
		name := day.HolidayZh
		if day.Kind == calendar.MakeupWorkday {
			name += " 调休上班"
		}
		line := fmt.Sprintf("  %-10s  %-3s  %-7s  %-4s  %s", day.Date.Format(time.DateOnly), day.Date.Format("Mon"), day.Kind, count, padCells(name, 24))
		if mark, ok := due[day.Date.Format(time.DateOnly)]; ok {
			line += mark
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	return nil
}

// printStatus follows a sample through its events and prints its status at the fixed now.
func printStatus(w io.Writer, policy *sla.Policy, s sampleCase, n int) error {
	c, _, err := policy.Accept(fmt.Sprintf("QS-%d", n), s.input, s.accepted)
	if err != nil {
		return err
	}
	for _, e := range s.events {
		if c, err = policy.Apply(c, e); err != nil {
			return err
		}
		fmt.Fprintf(w, "   event     %s %s%s\n", e.At.In(policy.Calendar().Location()).Format("2006-01-02 15:04"), e.Type, eventDetail(e))
	}
	st, err := policy.StatusAt(c, now)
	if err != nil {
		return err
	}
	line := string(st.State)
	if st.State == sla.StateWarning {
		line += " (" + st.Warning + ")"
	}
	switch {
	case st.State == sla.StateOverdue || st.State == sla.StateClosedLate:
		line += fmt.Sprintf(", %d working day(s) overdue", st.OverdueDays)
	case st.Due.IsZero():
	case st.Closed.IsZero():
		line += fmt.Sprintf(", due %s 24:00, %d working day(s) left after today", st.LastDay.Format(time.DateOnly), st.RemainingDays)
	}
	if !st.Closed.IsZero() {
		line += ", closed " + st.Closed.Format("2006-01-02 15:04")
	}
	fmt.Fprintf(w, "   status    %s\n", line)
	for _, target := range st.Targets {
		fmt.Fprintf(w, "   target    %s %s: %s\n", target.ID, target.Label, target.State)
	}
	return nil
}

func eventDetail(e sla.Event) string {
	switch {
	case e.Type == sla.EventReturned:
		return " by " + e.Unit + ": " + e.Reason
	case e.Unit != "":
		return " → " + e.Unit
	case e.Length != nil:
		return fmt.Sprintf(" +%s approved by %s: %s", e.Length, e.Approver, e.Reason)
	case e.Rating != "":
		return " (" + e.Rating + ")"
	case e.Type == sla.EventSupervised:
		return fmt.Sprintf(" by %s at level %s: %s", e.Actor, e.Level, e.Note)
	case e.Satisfied != nil && *e.Satisfied:
		return " (满意 satisfied)"
	case e.Satisfied != nil:
		return " (不满意 not satisfied)"
	case e.Reason != "":
		return ": " + e.Reason
	}
	return ""
}

func ptr[T any](v T) *T { return &v }

// padCells pads s with spaces to width terminal cells; Chinese characters take two cells.
func padCells(s string, width int) string {
	cells := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) || (r >= 0xf900 && r <= 0xfaff) || (r >= 0xff00 && r <= 0xff60)) {
			cells += 2
		} else {
			cells++
		}
	}
	if cells >= width {
		return s + " "
	}
	return s + strings.Repeat(" ", width-cells)
}

// describeInstant prints an instant in Beijing time with its weekday and kind of day.
func describeInstant(cal *calendar.Calendar, t time.Time) string {
	local := t.In(cal.Location())
	s := local.Format("2006-01-02 15:04 MST (Monday")
	if day, err := cal.Day(t); err == nil {
		s += ", " + day.Kind.String()
		if day.HolidayZh != "" {
			s += " " + day.HolidayZh
		}
	}
	s += ")"
	if t.Location() != cal.Location() && t.Location().String() != cal.Location().String() {
		s += " — given as " + t.Format(time.RFC3339)
	}
	return s
}

// crossed summarises the days between acceptance and the last day: runs of days of one kind.
func crossed(cal *calendar.Calendar, accepted, lastDay time.Time) string {
	days, err := cal.Days(accepted.AddDate(0, 0, 1), lastDay)
	if err != nil {
		return err.Error()
	}
	var parts []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && days[j+1].Kind == days[i].Kind && days[j+1].Holiday == days[i].Holiday {
			j++
		}
		span := days[i].Date.Format("01-02")
		if j > i {
			span += ".." + days[j].Date.Format("01-02")
		}
		label := days[i].Kind.String()
		if days[i].HolidayZh != "" {
			label += " " + days[i].HolidayZh
		}
		parts = append(parts, span+" "+label)
		i = j + 1
	}
	return strings.Join(parts, "; ")
}
