package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/shixian-go/shixian/sla"
)

type reportOpts struct {
	policies                 policyFiles
	cases, from, to, by, now string
	bucket, format           *enumFlag
	overdueLimit             int
	overdue, loop            bool
	cal                      *calFlags
	period, rank             *enumFlag // the weekly analysis / monthly dispatch
	top                      string
	trend                    int
}

func reportCommand() *command {
	return &command{
		name:     "report",
		synopsis: "shixian report --policy FILE [--policy FILE]… --cases FILE.jsonl (--from DATE --to DATE | --period week|month --from DATE [--rank handler|unit] [--top KEYS] [--trend N]) [--by FIELD] [--bucket accepted|due|closed] [--now RFC3339] [--format md|csv|svg] [--overdue | --loop] [--overdue-limit N]",
		summary:  "weekly/monthly figures per tier, department, unit or handler: on-time rate, overdue, days to close",
		details: `--cases is a JSON-lines file ("-" = stdin) with one case per line in the sla.Case JSON format
(schema 1, the same as 'shixian status --case'). It is streamed: memory stays flat however many
cases there are (the overdue list keeps the --overdue-limit most overdue). Progress is shown on
stderr when stderr is a terminal.

--policy may be repeated with the versions of one policy (e.g. this year's and next year's
file): each case is judged by the version in effect at its acceptance, and the report has one
set of totals over all of them, so a week or month that spans a version switch is one report.
The versions must share an id and not overlap; an open-ended version ends where the next
begins. The ranking formula and the order of tiers are the latest version's.

--from/--to are civil dates, both inclusive (a week: Monday..Sunday). --bucket says which date
puts a case in the period (统计口径): accepted (default), due (its last day) or closed. --by groups
rows: tier (default), department, unit, handler, attr:NAME (a case attribute), input:NAME (a
classification input given at acceptance, e.g. input:cause) or "" (one group "all"). --now is the
report's as-of instant; default the end of the --to day (00:00 of the next day).

--period week|month makes the weekly analysis (每周一分析) or monthly dispatch (每月一调度) of the
ISO week (Monday..Sunday) or calendar month that contains --from (--to is not used): the period
beside the previous one with the change, the period's rows, the top values of --top (comma-
separated keys in --by syntax; default tier,input:cause,input:category) with their counts and
late share (举一反三), the on-time rate of the last --trend periods (default 8), and the overdue
list; the report states its 统计口径. Each earlier period is taken as it stood at its own end;
the current one as of --now (default its end). --rank handler|unit adds a ranking ordered by the
policy's score formula (ranking.score, printed in the report); a policy without one is refused.
--format svg (with --period) writes the trend of the on-time rate as an SVG chart.

csv with --period: one table, header section,period,key,value,cases,closed_on_time,
closed_late,open,open_overdue,on_time_rate,late,late_share,satisfaction_rate,rank,score,returned,
supervised,supervision_reached; sections total (this period and the previous), group, top, trend,
formula and rank.

md (default): a Markdown report with Chinese and English column labels, the closed loop (退回,
督办, supervision levels reached, applicant-caused pauses, 回访 ratings) and the overdue list.
csv: header group,accepted,closed_on_time,closed_late,open,open_overdue,on_time_rate,
avg_workdays_to_close,p90_workdays_to_close,overdue_workdays,reopened,visited,satisfied,
satisfaction_rate,ever_late,returned,supervised,supervision_reached and a final TOTAL row.
closed_late and open_overdue count the current cycle only; ever_late counts cases late in this
or an earlier cycle (a reopened case); returned counts cases returned (退回) at least once,
supervised cases with a supervised event (督办), supervision_reached cases whose current cycle
reached a supervision level. New columns are only ever appended, so readers may rely on the
column order.

--loop (with --format csv) writes the report-wide closed-loop figures instead of the group
table: header section,key,label,count; rows supervised, applicant_paused, one level row per
supervision level (key its id, label its label), one returns row per returning unit (most
returns first) and one rating row per grade of the rating scale.

--overdue (with --format csv) writes the overdue list (超期清单) instead of the group table:
header case_id,group,tier,department,unit,handler,due,last_day,overdue_workdays,state, one row
per closed-late or open-overdue case in the period, most overdue first then by case id; due is
the exclusive instant (RFC 3339), last_day its last day (YYYY-MM-DD), state closed_late, overdue
or paused. When --overdue-limit cuts the list, a note on stderr says how many were left out.

` + badLinesHelp,
		examples: []string{
			"shixian report --policy policy.yaml --cases cases.jsonl --from 2025-10-06 --to 2025-10-12",
			"shixian report --policy policy.yaml --cases cases.jsonl --from 2025-10-01 --to 2025-10-31 --by department --bucket closed --format csv",
			"shixian report --policy policy.yaml --cases cases.jsonl --from 2025-10-01 --to 2025-10-31 --format csv --overdue --overdue-limit 0",
			"shixian report --policy policy.yaml --cases cases.jsonl --period week --from 2025-10-08 --rank handler",
			"shixian report --policy policy.yaml --cases cases.jsonl --period month --from 2025-10-01 --format svg > trend.svg",
		},
		setup: func(fs *flag.FlagSet) any {
			o := &reportOpts{
				bucket: newEnum("accepted", "accepted", "due", "closed"),
				format: newEnum("md", "md", "csv", "svg"),
				period: newEnum("", "week", "month"),
				rank:   newEnum("", "handler", "unit"),
			}
			fs.Var(&o.policies, "policy", "policy `FILE` (shixian/v1 YAML), required; repeat it for the versions of one policy (a history: each case judged by the version in effect at its acceptance)")
			fs.StringVar(&o.cases, "cases", "", "JSON-lines `FILE` of cases (sla.Case JSON; \"-\" = stdin), required")
			fs.StringVar(&o.from, "from", "", "first `DATE` of the period (YYYY-MM-DD), required")
			fs.StringVar(&o.to, "to", "", "last `DATE` of the period (YYYY-MM-DD), inclusive, required")
			fs.StringVar(&o.by, "by", "tier", "group rows by `FIELD`: tier, department, unit, handler, attr:NAME or \"\"")
			fs.Var(o.bucket, "bucket", "which `DATE` places a case in the period: accepted, due or closed")
			fs.StringVar(&o.now, "now", "", "as-of `instant` (RFC 3339); default the end of the --to day")
			fs.Var(o.format, "format", "output `FORMAT`: md, csv or svg (svg: the trend chart, with --period)")
			fs.Var(o.period, "period", "analyse the ISO week or month containing --from: `week` or month")
			fs.Var(o.rank, "rank", "with --period: rank `handler` or unit by the policy's ranking.score")
			fs.StringVar(&o.top, "top", "", "with --period: comma-separated `KEYS` of the top tables (default tier,input:cause,input:category)")
			fs.IntVar(&o.trend, "trend", 8, "with --period: `N` periods in the on-time trend, the current one included (2..53)")
			fs.IntVar(&o.overdueLimit, "overdue-limit", 1000, "list at most `N` overdue cases, the most overdue first (0 = all)")
			fs.BoolVar(&o.overdue, "overdue", false, "with --format csv: write the overdue list (one row per case) instead of the group table")
			fs.BoolVar(&o.loop, "loop", false, "with --format csv: write the closed loop's figures (returns per unit, supervision levels, ratings) instead of the group table")
			o.cal = addCalFlags(fs)
			return o
		},
		run: runReport,
	}
}

func runReport(e *env, opts any, _ []string) int {
	o := opts.(*reportOpts)
	if o.cases == "" {
		return fail(e, "report", usagef("--cases FILE.jsonl is required"))
	}
	if o.period.value != "" {
		return runAnalysis(e, o)
	}
	switch {
	case o.rank.value != "":
		return fail(e, "report", usagef("--rank needs --period week|month (a ranking is part of the weekly analysis or monthly dispatch)"))
	case o.format.value == "svg":
		return fail(e, "report", usagef("--format svg draws the on-time trend of --period week|month"))
	case o.top != "":
		return fail(e, "report", usagef("--top needs --period week|month"))
	}
	from, err := parseDate("from", o.from)
	if err != nil {
		return fail(e, "report", err)
	}
	to, err := parseDate("to", o.to)
	if err != nil {
		return fail(e, "report", err)
	}
	if to.Before(from) {
		return fail(e, "report", usagef("--to %s is before --from %s", o.to, o.from))
	}
	now := to.AddDate(0, 0, 1)
	if o.now != "" {
		if now, err = parseInstant("now", o.now); err != nil {
			return fail(e, "report", err)
		}
	}
	if err := o.outputProblem(); err != nil {
		return fail(e, "report", err)
	}
	h, err := o.history()
	if err != nil {
		return fail(e, "report", err)
	}
	rep, err := h.NewReporter(sla.ReportOptions{
		From: from, To: to, GroupBy: o.by, Bucket: sla.BucketBy(o.bucket.value), Now: now,
		OverdueLimit: o.overdueLimit,
	})
	if err != nil {
		return fail(e, "report", usagef("%v", err))
	}
	finish, ok := readCases(e, o, h.ID(), rep.Add)
	if !ok {
		return finish()
	}
	out := rep.Report()
	switch {
	case o.overdue:
		err = out.WriteOverdueCSV(e.stdout)
	case o.loop:
		err = out.WriteLoopCSV(e.stdout)
	case o.format.value == "csv":
		err = out.WriteCSV(e.stdout)
	default:
		err = out.WriteMarkdown(e.text)
	}
	if err != nil {
		return fail(e, "report", err)
	}
	if o.overdue && out.OverdueTotal > len(out.Overdue) {
		// A CSV has no place for "and N more"; a silent cut would read as the whole list.
		fmt.Fprintf(e.stderr, "shixian report: the overdue list has %d cases; the %d most overdue were written (--overdue-limit 0 writes all)\n",
			out.OverdueTotal, len(out.Overdue))
	}
	return finish()
}

// outputProblem checks the flags both forms of report share: the overdue list's limit and
// format, and the policy.
func (o *reportOpts) outputProblem() error {
	switch {
	case o.overdueLimit < 0:
		return usagef("--overdue-limit must not be negative")
	case o.overdue && o.format.value != "csv":
		// The Markdown report already ends with the overdue list; a second, list-only
		// Markdown shape would be one more format to keep stable for no reader.
		return usagef("--overdue needs --format csv (the Markdown report already ends with the overdue list)")
	case o.loop && o.format.value != "csv":
		return usagef("--loop needs --format csv (the Markdown report already shows the closed loop)")
	case o.loop && o.overdue:
		return usagef("--loop and --overdue each write their own table: give one")
	case len(o.policies) == 0:
		return usagef("--policy FILE is required")
	}
	return nil
}

// runAnalysis is report --period: the weekly analysis or monthly dispatch.
func runAnalysis(e *env, o *reportOpts) int {
	if o.to != "" {
		return fail(e, "report", usagef("--to is not used with --period: the period is the ISO week or month containing --from"))
	}
	day, err := parseDate("from", o.from)
	if err != nil {
		return fail(e, "report", err)
	}
	var now time.Time
	if o.now != "" {
		if now, err = parseInstant("now", o.now); err != nil {
			return fail(e, "report", err)
		}
	}
	if err := o.outputProblem(); err != nil {
		return fail(e, "report", err)
	}
	var top []string
	if o.top != "" {
		for _, k := range strings.Split(o.top, ",") {
			top = append(top, strings.TrimSpace(k))
		}
	}
	h, err := o.history()
	if err != nil {
		return fail(e, "report", err)
	}
	an, err := h.NewAnalyzer(sla.AnalysisOptions{
		Kind: sla.PeriodKind(o.period.value), Day: day, Now: now, Bucket: sla.BucketBy(o.bucket.value),
		GroupBy: o.by, Top: top, Rank: o.rank.value, Trend: o.trend, OverdueLimit: o.overdueLimit,
	})
	if err != nil {
		return fail(e, "report", usagef("%v", err))
	}
	finish, ok := readCases(e, o, h.ID(), an.Add)
	if !ok {
		return finish()
	}
	out := an.Analysis()
	switch {
	case o.overdue:
		err = out.Current.WriteOverdueCSV(e.stdout)
	case o.loop:
		err = out.Current.WriteLoopCSV(e.stdout)
	case o.format.value == "csv":
		err = out.WriteCSV(e.stdout)
	case o.format.value == "svg":
		err = out.WriteSVG(e.stdout)
	default:
		err = out.WriteMarkdown(e.text)
	}
	if err != nil {
		return fail(e, "report", err)
	}
	return finish()
}

// readCases streams the --cases file into add, reporting bad lines. ok is false when the
// figures must not be written (reading failed, or the bad lines stopped it). finish reports the
// bad lines' summary and returns the exit code: call it after writing the figures.
func readCases(e *env, o *reportOpts, policyID string, add func(sla.Case) error) (finish func() int, ok bool) {
	r, name, closer, err := openInput(e, o.cases)
	if err != nil {
		code := fail(e, "report", err)
		return func() int { return code }, false
	}
	defer closer()
	lr := newLineReader(name, r)
	prog := newProgress(e.rawStderr, "report")
	bad := newBadLines(e, "report", name)
	last := 0
	// Decoding JSON is most of the work: it runs on every core, while the Reporter, a
	// sequential accumulator, takes the cases in line order on this goroutine.
	err = pipeline(lr, runtime.GOMAXPROCS(0), func(it lineItem) decodedCase {
		return decodeCaseLine(name, it)
	}, func(it lineItem, d decodedCase) error {
		last = it.no
		prog.tick(it.no)
		if d.msg == "" {
			if err := add(d.c); err != nil {
				col := lineColumn(it.data, caseErrorOffset(it.data, err, &d.c, policyID))
				d.msg = lineError(name, it.no, col, errors.New(caseErrorText(err, true)))
			}
		}
		if d.msg != "" {
			return bad.add(it.no, d.msg, d.tooLong)
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStopReading) {
		code := fail(e, "report", err)
		return func() int { return code }, false
	}
	prog.done(last)
	// When the bad lines stopped the reading, no figures: over part of the file they would
	// read as the whole.
	return bad.finish, !bad.stopped()
}

// decodedCase is one decoded line of a cases file, or the message for a bad line.
type decodedCase struct {
	c       sla.Case
	msg     string
	tooLong bool // the line is over the limit: reading stopped there
}

// decodeCaseLine decodes one sla.Case JSON line. It calls the Case's own strict decoder
// directly (one pass over the bytes); only for a bad line does it look for the column of the
// fault: a syntax error's offset (found by encoding/json's full scan), else the offending key
// or value.
func decodeCaseLine(name string, it lineItem) decodedCase {
	if col, tooLong, err := lineProblem(it); err != nil {
		return decodedCase{msg: lineError(name, it.no, col, err), tooLong: tooLong}
	}
	var c sla.Case
	if err := c.UnmarshalJSON(it.data); err != nil {
		var raw json.RawMessage
		if serr := json.Unmarshal(it.data, &raw); serr != nil {
			err = serr // the scanner's syntax error has the offset; the decoder's may not
		}
		return decodedCase{msg: lineError(name, it.no, lineColumn(it.data, caseErrorOffset(it.data, err, nil, "")), err)}
	}
	return decodedCase{c: c}
}

// policyFiles is the repeatable --policy flag of report.
type policyFiles []string

func (f *policyFiles) String() string { return strings.Join(*f, ",") }

func (f *policyFiles) Set(v string) error {
	if len(*f) >= maxReportPolicies {
		return fmt.Errorf("at most %d policy files", maxReportPolicies)
	}
	*f = append(*f, v)
	return nil
}

// maxReportPolicies bounds the versions one report reads: each is a file of up to
// sla.MaxPolicyBytes, parsed and compiled in full.
const maxReportPolicies = 64

// history loads the --policy files as the versions of one policy: one file is a history of
// one version; several must be versions of one policy id whose ranges do not overlap (an
// open-ended version ends where the next begins), as sla.NewHistory requires.
func (o *reportOpts) history() (*sla.History, error) {
	ps := make([]*sla.Policy, 0, len(o.policies))
	for _, path := range o.policies {
		p, err := loadPolicy(path, o.cal)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return sla.NewHistory(ps...)
}
