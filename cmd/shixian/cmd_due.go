package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

type dueOpts struct {
	accepted, limit, policy, tier string
	format, lang                  *enumFlag
	cal                           *calFlags
}

func dueCommand() *command {
	return &command{
		name:     "due",
		synopsis: `shixian due --accepted RFC3339|DATE (--limit "3 workdays" | --policy FILE --tier ID) [--format text|json] [--lang zh|en] [--schedule FILE]… [--strict]`,
		summary:  "compute a deadline on the working-day calendar and explain it",
		details: `--limit takes a period: "1 workday", "3 workdays", "0 workdays" (same day, 即办), "10 days",
"1 month", "2 workhours", "24 hours", or Chinese as offices write it: "3个工作日", "三个工作日",
"十五日", "一个月", "5个工作日内", "当日" or "即日" (same day). With --limit alone
the default counting conventions apply (民法典 arts. 201–203, 行政许可法 art. 82: the acceptance
day does not count, the last day ends at 24:00). With --policy the policy's conventions apply,
and --tier picks the tier's limit (or --limit gives one explicitly).

--accepted takes an instant (2025-09-30T17:00:00+08:00) or a date alone (2025-09-30), which an
office writes when only the day of acceptance matters. A date stands for the start of business
that day in China Standard Time: the start of the policy's first business-hours span, or 09:00
without business hours; the explanation's first line says so. The day of acceptance does not
count for day limits whatever the hour, so a date gives the same deadline as any instant of that
day, except for a same-day (即办) limit, where 09:00 is before the cutoff (the case is due that
day), and for hour limits, which count from that instant.

text (default): the due date and the explanation a case officer would read.
json: one object {policy {id, version, hash}, tier, deadline}: deadline is the library's wire
format (sla/schema/shixian-v1.schema.json, #/$defs/Deadline), the object a portal answers
with: {start, count_from, period, extensions, due, last_day, ends, suspended, …, provisional,
certainty, end_of_day, calendar, counted [{date, kind, …}], skipped, explanation}. due is the
exclusive instant (RFC 3339 with the calendar's offset), last_day YYYY-MM-DD. policy is
present only with --policy (whose conventions counted), tier only with --tier.

--lang zh explains in plain Chinese (every day counted or skipped, each makeup working day
调休上班 named, the same-day rule applied, the statutes cited; no convention names or calendar
hash), --lang en in English with the Chinese terms. Default: zh with a --policy whose title or
tier labels are Chinese, else en. It changes the words only, never the deadline.`,
		examples: []string{
			`shixian due --accepted 2025-09-30T17:00:00+08:00 --limit "3 workdays"`,
			`shixian due --accepted 2026-09-30 --limit 三个工作日`,
			`shixian due --accepted 2025-09-30T17:00:00+08:00 --policy examples/policies/xinyu-1310.yaml --tier T10 --format json`,
			`shixian due --accepted 2027-12-28T10:00:00+08:00 --limit "10 workdays" --strict   # exit 2: 2028 is projected`,
		},
		setup: func(fs *flag.FlagSet) any {
			o := &dueOpts{format: newEnum("text", "text", "json")}
			fs.StringVar(&o.accepted, "accepted", "", "acceptance `instant` (RFC 3339) or date (YYYY-MM-DD: the start of business that day), required")
			fs.StringVar(&o.limit, "limit", "", "the time limit, e.g. \"3 workdays\" or \"3个工作日\"")
			fs.StringVar(&o.policy, "policy", "", "policy `FILE` (shixian/v1 YAML) whose counting conventions and tiers apply")
			fs.StringVar(&o.tier, "tier", "", "tier `ID` of --policy whose limit applies, e.g. T10")
			fs.Var(o.format, "format", "output `FORMAT`: text or json")
			o.lang = addLangFlag(fs)
			o.cal = addCalFlags(fs)
			return o
		},
		run: runDue,
	}
}

// dueOutput is the JSON of due --format json: the library's Deadline (its wire format, see
// package sla/deadline) in the envelope status --format json uses, with what the command adds:
// the policy whose conventions counted and the tier whose limit it counted. The envelope is
// written with --limit alone too (then only "deadline"), so that a script reads one shape
// whatever the flags. The deadline carries its own explanation, so the envelope does not
// repeat it.
type dueOutput struct {
	Policy   *policyRef        `json:"policy,omitempty"`
	Tier     string            `json:"tier,omitempty"`
	Deadline deadline.Deadline `json:"deadline"`
}

func runDue(e *env, opts any, _ []string) int {
	o := opts.(*dueOpts)
	accepted, dateOnly, err := parseAccepted(o.accepted)
	if err != nil {
		return fail(e, "due", err)
	}
	switch {
	case o.tier != "" && o.policy == "":
		return fail(e, "due", usagef("--tier needs --policy FILE"))
	case o.limit == "" && o.policy == "":
		return fail(e, "due", usagef("give --limit PERIOD, or --policy FILE with --tier ID"))
	case o.tier != "" && o.limit != "":
		return fail(e, "due", usagef("give --tier or --limit, not both"))
	case o.policy != "" && o.tier == "" && o.limit == "":
		return fail(e, "due", usagef("--policy needs --tier ID (or --limit PERIOD)"))
	}
	var period deadline.Period
	if o.limit != "" {
		if period, err = deadline.ParsePeriod(o.limit); err != nil {
			return fail(e, "due", usagef("--limit: %v", err))
		}
	}
	var d deadline.Deadline
	var pref *policyRef
	lang := explainLang(o.lang, nil)
	if o.policy != "" {
		p, err := loadPolicy(o.policy, o.cal)
		if err != nil {
			return fail(e, "due", err)
		}
		pref = &policyRef{ID: p.ID(), Version: p.Version(), Hash: p.Hash()}
		lang = explainLang(o.lang, p)
		if dateOnly {
			accepted = startOfBusiness(accepted, p.Counting())
		}
		if o.tier != "" {
			t, ok := p.Tier(o.tier)
			if !ok {
				return fail(e, "due", fmt.Errorf("%s: policy %s v%s has no tier %q (tiers: %s)", o.policy, p.ID(), p.Version(), o.tier, tierIDs(p)))
			}
			period = t.Limit
		}
		d, err = p.Counter().Deadline(deadline.Request{Start: accepted, Period: period, Explain: true, Lang: lang})
		if err != nil {
			return fail(e, "due", err)
		}
	} else {
		cal, err := o.cal.build()
		if err != nil {
			return fail(e, "due", err)
		}
		k, err := deadline.New(cal, deadline.DefaultCounting())
		if err != nil {
			return fail(e, "due", err)
		}
		if dateOnly {
			accepted = startOfBusiness(accepted, deadline.DefaultCounting())
		}
		d, err = k.Deadline(deadline.Request{Start: accepted, Period: period, Explain: true, Lang: lang})
		if err != nil {
			return fail(e, "due", err)
		}
	}
	if dateOnly {
		note := dateOnlyNote(accepted)
		if lang == deadline.Chinese {
			note = "只给了受理日期，按当日开始办公的时刻" + zhWhen(accepted) + "计算。"
		}
		d.Explanation = append([]string{note}, d.Explanation...)
	}
	if o.format.value == "json" {
		err = newJSONEncoder(e.stdout).Encode(dueOutput{Policy: pref, Tier: o.tier, Deadline: d})
	} else if lang == deadline.Chinese {
		err = writeDueTextZh(e.text, accepted, period, o.tier, d)
	} else {
		err = writeDueText(e.text, accepted, period, o.tier, d)
	}
	if err != nil {
		return fail(e, "due", err)
	}
	return exitOK
}

func tierIDs(p *sla.Policy) string {
	var s string
	for i, t := range p.Tiers() {
		if i > 0 {
			s += ", "
		}
		s += t.ID
	}
	return s
}

func writeDueText(w io.Writer, accepted time.Time, period deadline.Period, tier string, d deadline.Deadline) error {
	ew := &errWriter{w: w}
	ew.printf("受理 Accepted: %s\n", accepted.In(cst).Format("2006-01-02 15:04 MST (Monday)"))
	if tier != "" {
		ew.printf("分类 Tier: %s (%s)\n", tier, period)
	} else {
		ew.printf("时限 Limit: %s\n", period)
	}
	ew.printf("期限 Due: %s (exclusive instant %s)\n", d.LastDayString(), rfc3339(d.Due))
	ew.printf("最后一日 Last day: %s\n", dateString(d.LastDay))
	if d.Provisional {
		ew.printf("暂定 Provisional: yes — counts %s days; the date may move when the official notice is published\n", d.Certainty)
	} else {
		ew.printf("暂定 Provisional: no\n")
	}
	ew.printf("日历 Calendar: %s\n", d.Calendar)
	ew.printf("说明 Explanation:\n")
	for _, s := range d.Explanation {
		ew.printf("  %s\n", s)
	}
	return ew.err
}

// errWriter remembers the first write error so that text output needs one check at the end.
type errWriter struct {
	w   io.Writer
	err error
}

func (ew *errWriter) printf(format string, args ...any) {
	if ew.err == nil {
		_, ew.err = fmt.Fprintf(ew.w, format, args...)
	}
}

// parseAccepted reads --accepted: an RFC 3339 instant, or a date alone (dateOnly), returned at
// 00:00 CST for startOfBusiness to place once the counting conventions are known.
func parseAccepted(s string) (t time.Time, dateOnly bool, err error) {
	if len(s) == len(time.DateOnly) {
		if d, err := time.ParseInLocation(time.DateOnly, s, cst); err == nil {
			return d, true, nil
		}
	}
	t, err = parseInstant("accepted", s)
	if err != nil && s != "" {
		err = usagef("--accepted %q is neither an RFC 3339 instant (e.g. 2025-09-30T17:00:00+08:00) nor a date (2025-09-30)", s)
	}
	return t, false, err
}

// startOfBusiness is the instant a date of acceptance stands for: the start of the first
// business-hours span of the counting conventions on that day, or 09:00 when they have none —
// the moment an office opens, so that a case "accepted on" a day was accepted while it was
// open, and a same-day case is due that day.
func startOfBusiness(day time.Time, c deadline.Counting) time.Time {
	h, m := 9, 0
	if len(c.BusinessHours) > 0 {
		h, m = c.BusinessHours[0].Start.Hour, c.BusinessHours[0].Start.Minute
	}
	y, mo, d := day.Date()
	return time.Date(y, mo, d, h, m, 0, 0, cst)
}

// dateOnlyNote is the explanation's first line when --accepted was a date alone.
func dateOnlyNote(at time.Time) string {
	return fmt.Sprintf("只给了受理日期，按当日开始办公时刻 %s 计 (Only a date was given: taken as the start of business that day, %s.)",
		at.Format("2006-01-02 15:04 MST"), at.Format("2006-01-02 15:04 MST"))
}
