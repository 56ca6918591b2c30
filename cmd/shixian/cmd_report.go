package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"runtime"

	"github.com/shixian-go/shixian/sla"
)

type reportOpts struct {
	policy, cases, from, to, by, now string
	bucket, format                   *enumFlag
	overdueLimit                     int
	cal                              *calFlags
}

func reportCommand() *command {
	return &command{
		name:     "report",
		synopsis: "shixian report --policy FILE --cases FILE.jsonl --from DATE --to DATE [--by FIELD] [--bucket accepted|due|closed] [--now RFC3339] [--format md|csv]",
		summary:  "weekly/monthly figures per tier, department, unit or handler: on-time rate, overdue, days to close",
		details: `--cases is a JSON-lines file ("-" = stdin) with one case per line in the sla.Case JSON format
(schema 1, the same as 'shixian status --case'). It is streamed: memory stays flat however many
cases there are (the overdue list keeps the --overdue-limit most overdue). Progress is shown on
stderr when stderr is a terminal.

--from/--to are civil dates, both inclusive (a week: Monday..Sunday). --bucket says which date
puts a case in the period: accepted (default), due (its last day) or closed. --by groups rows:
tier (default), department, unit, handler, attr:NAME (a case attribute) or "" (one group "all").
--now is the report's as-of instant; default the end of the --to day (00:00 of the next day).

md (default): a Markdown report with Chinese and English column labels and the overdue list.
csv: header group,accepted,closed_on_time,closed_late,open,open_overdue,on_time_rate,
avg_workdays_to_close,p90_workdays_to_close,overdue_workdays,reopened,visited,satisfied,
satisfaction_rate and a final TOTAL row.

A bad line is reported as file:line:column and skipped; the run exits 2 at the end.`,
		examples: []string{
			"shixian report --policy policy.yaml --cases cases.jsonl --from 2025-10-06 --to 2025-10-12",
			"shixian report --policy policy.yaml --cases cases.jsonl --from 2025-10-01 --to 2025-10-31 --by department --bucket closed --format csv",
		},
		setup: func(fs *flag.FlagSet) any {
			o := &reportOpts{
				bucket: newEnum("accepted", "accepted", "due", "closed"),
				format: newEnum("md", "md", "csv"),
			}
			fs.StringVar(&o.policy, "policy", "", "policy `FILE` (shixian/v1 YAML), required")
			fs.StringVar(&o.cases, "cases", "", "JSON-lines `FILE` of cases (sla.Case JSON; \"-\" = stdin), required")
			fs.StringVar(&o.from, "from", "", "first `DATE` of the period (YYYY-MM-DD), required")
			fs.StringVar(&o.to, "to", "", "last `DATE` of the period (YYYY-MM-DD), inclusive, required")
			fs.StringVar(&o.by, "by", "tier", "group rows by `FIELD`: tier, department, unit, handler, attr:NAME or \"\"")
			fs.Var(o.bucket, "bucket", "which `DATE` places a case in the period: accepted, due or closed")
			fs.StringVar(&o.now, "now", "", "as-of `instant` (RFC 3339); default the end of the --to day")
			fs.Var(o.format, "format", "output `FORMAT`: md or csv")
			fs.IntVar(&o.overdueLimit, "overdue-limit", 1000, "list at most `N` overdue cases, the most overdue first (0 = all)")
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
	if o.overdueLimit < 0 {
		return fail(e, "report", usagef("--overdue-limit must not be negative"))
	}
	if o.policy == "" {
		return fail(e, "report", usagef("--policy FILE is required"))
	}
	p, err := loadPolicy(o.policy, o.cal)
	if err != nil {
		return fail(e, "report", err)
	}
	rep, err := p.NewReporter(sla.ReportOptions{
		From: from, To: to, GroupBy: o.by, Bucket: sla.BucketBy(o.bucket.value), Now: now,
		OverdueLimit: o.overdueLimit,
	})
	if err != nil {
		return fail(e, "report", usagef("%v", err))
	}
	r, name, closer, err := openInput(e, o.cases)
	if err != nil {
		return fail(e, "report", err)
	}
	defer closer()
	lr := newLineReader(name, r)
	prog := newProgress(e.stderr, "report")
	bad, last := 0, 0
	// Decoding JSON is most of the work: it runs on every core, while the Reporter, a
	// sequential accumulator, takes the cases in line order on this goroutine.
	err = pipeline(lr, runtime.GOMAXPROCS(0), func(it lineItem) decodedCase {
		return decodeCaseLine(name, it)
	}, func(it lineItem, d decodedCase) error {
		last = it.no
		prog.tick(it.no)
		if d.msg == "" {
			if err := rep.Add(d.c); err != nil {
				d.msg = lineError(name, it.no, 0, err)
			}
		}
		if d.msg != "" {
			bad++
			fmt.Fprintln(e.stderr, d.msg)
		}
		return nil
	})
	if err != nil {
		return fail(e, "report", err)
	}
	prog.done(last)
	out := rep.Report()
	if o.format.value == "csv" {
		err = out.WriteCSV(e.stdout)
	} else {
		err = out.WriteMarkdown(e.stdout)
	}
	if err != nil {
		return fail(e, "report", err)
	}
	if bad > 0 {
		fmt.Fprintf(e.stderr, "shixian report: %d bad line(s) in %s\n", bad, name)
		return exitInvalid
	}
	return exitOK
}

// decodedCase is one decoded line of a cases file, or the message for a bad line.
type decodedCase struct {
	c   sla.Case
	msg string
}

// decodeCaseLine decodes one sla.Case JSON line. It calls the Case's own strict decoder
// directly (one pass over the bytes); only for a bad line does it look for the column of a
// syntax error.
func decodeCaseLine(name string, it lineItem) decodedCase {
	if it.tooLong {
		return decodedCase{msg: lineError(name, it.no, 0, fmt.Errorf("line longer than %d MiB skipped", maxLine>>20))}
	}
	var c sla.Case
	if err := c.UnmarshalJSON(it.data); err != nil {
		var raw json.RawMessage
		if serr := json.Unmarshal(it.data, &raw); serr != nil {
			return decodedCase{msg: lineError(name, it.no, jsonErrorColumn(it.data, serr), serr)}
		}
		return decodedCase{msg: lineError(name, it.no, 0, err)}
	}
	return decodedCase{c: c}
}
