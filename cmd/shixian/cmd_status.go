package main

import (
	"flag"
	"io"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

type statusOpts struct {
	policy, caseFile, now string
	format, lang          *enumFlag
	cal                   *calFlags
}

func statusCommand() *command {
	return &command{
		name:     "status",
		synopsis: "shixian status --policy FILE --case FILE.json --now RFC3339 [--format text|json] [--lang zh|en] [--schedule FILE]… [--strict]",
		summary:  "the status of one case at an instant: state, due, working days left or overdue, warnings, targets",
		details: `--case is one case in the sla.Case JSON format (schema 1: {"schema":1, "id", "policy",
"department", "handler", "attributes", "events": [{"type": "accepted", "at": …}, …]}); "-" = stdin.
Its events are validated against the policy first (order, required fields, the state machine,
extension caps); a bad case exits 2 with file:line:column of the fault: the event that does
not fit ("case.json:9:7: event 4 (resumed at 2025-10-09 10:00 CST): resume without a pause"),
an unknown key, a value of the wrong type or format, the "policy" value of a case governed by
another policy. Events dated after --now are ignored.

text (default): the status with Chinese and English labels, when it next changes by itself
(下次变化 Next change: the earliest instant after --now at which a warning, a supervision
level, a target or the state changes with no new event, or "—" when none will; a portal
schedules its reminder there instead of polling) and its explanation.
json: one object {policy {id, version, hash}, status, explanation}: status is the library's
wire format (sla/schema/shixian-v1.schema.json, #/$defs/Status): {case_id, at, next_change,
state, warning, tier, cycle, due, last_day, judged_due, judged_last_day, provisional,
remaining_days, overdue_days, remaining_seconds, overdue_seconds, closed, ever_late,
cycle_late, extensions, late_extensions, paused, paused_since, warnings [{id, label, at}],
targets [{id, label, unit, start, due, last_day, done, done_by, state}], calendar_version,
open_pauses, supervision, supervised, rating, reopen_required, override}. Instants are RFC 3339
with the calendar's offset, dates YYYY-MM-DD, durations whole seconds; unset instants and empty
texts are left out.

--lang zh gives the text and the explanation in plain Chinese (events, every day counted or
skipped, each makeup working day named, the statutes cited; no convention names or calendar
hash), --lang en in English with the Chinese terms. Default: zh for a policy whose title or
tier labels are Chinese, else en.`,
		examples: []string{
			"shixian status --policy examples/policies/xinyu-1310.yaml --case case.json --now 2025-10-09T12:00:00+08:00",
		},
		setup: func(fs *flag.FlagSet) any {
			o := &statusOpts{format: newEnum("text", "text", "json")}
			fs.StringVar(&o.policy, "policy", "", "policy `FILE` (shixian/v1 YAML), required")
			fs.StringVar(&o.caseFile, "case", "", "case `FILE` (sla.Case JSON; \"-\" = stdin), required")
			fs.StringVar(&o.now, "now", "", "the `instant` the status describes (RFC 3339), required")
			fs.Var(o.format, "format", "output `FORMAT`: text or json")
			o.lang = addLangFlag(fs)
			o.cal = addCalFlags(fs)
			return o
		},
		run: runStatus,
	}
}

func runStatus(e *env, opts any, _ []string) int {
	o := opts.(*statusOpts)
	if o.caseFile == "" {
		return fail(e, "status", usagef("--case FILE.json is required"))
	}
	now, err := parseInstant("now", o.now)
	if err != nil {
		return fail(e, "status", err)
	}
	if o.policy == "" {
		return fail(e, "status", usagef("--policy FILE is required"))
	}
	p, err := loadPolicy(o.policy, o.cal)
	if err != nil {
		return fail(e, "status", err)
	}
	// The case file is bounded by the library's sla.MaxCaseBytes, enforced while reading
	// with the reader the library uses for every file (so /dev/zero is refused after 4 MiB),
	// and the bytes are kept: the library places every error about the case in them, the
	// invalid UTF-8, the key or value the decoder refuses, the event that does not fit, the
	// "policy" value of a case governed by another policy, else the case's opening brace.
	data, name, err := readFileLimited(e, o.caseFile, "case file", sla.MaxCaseBytes)
	if err != nil {
		return fail(e, "status", err)
	}
	c, err := p.DecodeCase(name, data)
	if err != nil {
		return fail(e, "status", err)
	}
	st, err := p.StatusAt(c, now)
	if err != nil {
		return fail(e, "status", p.CaseError(name, data, c, err))
	}
	lang := explainLang(o.lang, p)
	expl := st.ExplainIn(p, c, lang)
	if o.format.value == "json" {
		err = newJSONEncoder(e.stdout).Encode(statusToJSON(p, st, expl))
	} else if lang == deadline.Chinese {
		err = writeStatusTextZh(e.text, p, st, expl)
	} else {
		err = writeStatusText(e.text, p, st, expl)
	}
	if err != nil {
		return fail(e, "status", err)
	}
	return exitOK
}

// statusOutput is the JSON of status --format json: the library's Status (its wire format,
// see package sla) in an envelope with what the CLI adds, the policy that computed it and the
// explanation in words, the same envelope the example portal answers with.
type statusOutput struct {
	Policy      policyRef  `json:"policy"`
	Status      sla.Status `json:"status"`
	Explanation []string   `json:"explanation"`
}

func statusToJSON(p *sla.Policy, st sla.Status, expl []string) statusOutput {
	if expl == nil {
		expl = []string{}
	}
	return statusOutput{Policy: policyRef{ID: p.ID(), Version: p.Version(), Hash: p.Hash()}, Status: st, Explanation: expl}
}

// nextChangeText says when the status next changes with no new event (Status.NextChange), for
// people: the instant, or that nothing will change until the next event.
func nextChangeText(st sla.Status) string {
	if st.NextChange.IsZero() {
		return "— (nothing changes until the next event)"
	}
	return st.NextChange.In(cst).Format("2006-01-02 15:04 MST") + " (" + rfc3339(st.NextChange) + ")"
}

// nextChangeTextZh is nextChangeText in Chinese.
func nextChangeTextZh(st sla.Status) string {
	if st.NextChange.IsZero() {
		return "无（在下一事件之前状态不会自行变化）"
	}
	return zhWhen(st.NextChange) + "（届时无需新事件，状态即会变化）"
}

// stateText gives a state with its Chinese label, for people.
func stateText(s sla.State) string {
	zh := ""
	switch s {
	case sla.StateOnTrack:
		zh = "正常"
	case sla.StateWarning:
		zh = "预警"
	case sla.StateOverdue:
		zh = "超期"
	case sla.StatePaused:
		zh = "中止"
	case sla.StateClosedOnTime:
		zh = "按期办结"
	case sla.StateClosedLate:
		zh = "超期办结"
	case sla.StateUnclassified:
		zh = "未分类"
	}
	if zh == "" {
		return string(s)
	}
	return zh + " " + string(s)
}

func writeStatusText(w io.Writer, p *sla.Policy, st sla.Status, expl []string) error {
	ew := &errWriter{w: w}
	ew.printf("案件 Case: %s\n", st.CaseID)
	ew.printf("时点 As of: %s\n", st.At.In(cst).Format("2006-01-02 15:04 MST"))
	state := stateText(st.State)
	if st.Warning != "" {
		state += " (" + st.Warning + ")"
	}
	ew.printf("状态 State: %s\n", state)
	if st.Tier != "" {
		ew.printf("分类 Tier: %s (cycle %d)\n", st.Tier, st.Cycle)
	}
	ew.printf("版本 Version: %s v%s (sha256:%s)\n", p.ID(), p.Version(), shortHash(p.Hash()))
	switch {
	case !st.Due.IsZero():
		ew.printf("期限 Due: %s (exclusive instant %s)\n", dueDisplay(st.Due), rfc3339(st.Due))
		if !st.JudgedDue.Equal(st.Due) && !st.JudgedDue.IsZero() {
			ew.printf("考核期限 Judged due: %s (a late extension does not rescue the case)\n", dueDisplay(st.JudgedDue))
		}
	case st.Paused:
		ew.printf("期限 Due: suspended (paused since %s)\n", st.PausedSince.In(cst).Format("2006-01-02 15:04"))
	default:
		ew.printf("期限 Due: —\n")
	}
	if st.Provisional {
		ew.printf("暂定 Provisional: yes — the deadline counts days not yet set by an official notice\n")
	}
	if st.OverdueDays > 0 || st.OverdueDuration > 0 {
		ew.printf("超期 Overdue: %d working day(s)", st.OverdueDays)
		if st.OverdueDuration > 0 {
			ew.printf(", %s", st.OverdueDuration)
		}
		ew.printf("\n")
	} else if st.Closed.IsZero() {
		ew.printf("剩余 Remaining: %d working day(s)", st.RemainingDays)
		if st.RemainingDuration > 0 {
			ew.printf(", %s", st.RemainingDuration)
		}
		ew.printf("\n")
	}
	if !st.Closed.IsZero() {
		ew.printf("办结 Closed: %s\n", st.Closed.In(cst).Format("2006-01-02 15:04 MST"))
	}
	if st.Extensions > 0 {
		ew.printf("延期 Extensions: %d\n", st.Extensions)
	}
	if st.EverLate && !st.CycleLate {
		ew.printf("曾超期 Ever late: yes (an earlier cycle)\n")
	}
	for i, wc := range st.Warnings {
		if i == 0 {
			ew.printf("预警 Warnings:\n")
		}
		ew.printf("  %s %s — crossed %s\n", wc.ID, wc.Label, wc.At.In(cst).Format("2006-01-02 15:04"))
	}
	for i, t := range st.Targets {
		if i == 0 {
			ew.printf("目标 Targets:\n")
		}
		unit := ""
		if t.Unit != "" {
			unit = " [" + t.Unit + "]"
		}
		done := ""
		if !t.Done.IsZero() {
			done = ", done " + t.Done.In(cst).Format("2006-01-02 15:04")
			if t.DoneBy != "" {
				done += " by " + string(t.DoneBy)
			}
		}
		ew.printf("  %s %s%s: due %s%s — %s\n", t.ID, t.Label, unit, dueDisplay(t.Due), done, stateText(t.State))
	}
	ew.printf("下次变化 Next change: %s\n", nextChangeText(st))
	ew.printf("日历 Calendar: %s\n", st.CalendarVersion)
	ew.printf("说明 Explanation:\n")
	for _, s := range expl {
		ew.printf("  %s\n", s)
	}
	return ew.err
}
