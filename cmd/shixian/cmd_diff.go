package main

import (
	"flag"
	"fmt"

	"github.com/shixian-go/shixian/sla/slatest"
)

type diffOpts struct {
	cases, expect string
	format        *enumFlag
	maxChanged    int
	workers       int
}

func diffCommand() *command {
	return &command{
		name:       "diff",
		synopsis:   "shixian diff OLD NEW --cases FILE.jsonl [--expect FILE] [--format text|json] [--max-changed N] [--workers N]",
		summary:    "compare two policy versions over a corpus of past cases: tier moves, rule counts, changed due dates",
		positional: "OLD NEW",
		details: `OLD and NEW are policy files. --cases is a JSON-lines corpus ("-" = stdin), one case per line:
{"id": "C-1", "accepted": "2025-09-30T17:00:00+08:00", "input": {…}}. The corpus is streamed and
classified in parallel on all cores; memory stays flat except for the list of changed cases
(--max-changed caps it; counts always cover every case). Progress is shown on stderr when
stderr is a terminal.

Output: the tier transition matrix, per-rule firing counts old vs new, and every case whose
tier, rule or due date changed (text, or one JSON object with --format json).

Exit codes: without --expect every change is reported and the exit code is 0; with --expect
FILE (format shixian-expect/v1: allow: [{from: T3, to: T10, rule: cross-department, max: 500}])
exit 4 when a change is not allowed by it. Bad corpus lines are reported (line number) and
skipped; they make the exit code 2, which outranks 4 because the diff is incomplete.`,
		examples: []string{
			"shixian diff policy-2025.1.yaml policy-2025.2.yaml --cases corpus-2025.jsonl",
			"shixian diff old.yaml new.yaml --cases corpus.jsonl --expect expected-moves.yaml --format json",
		},
		setup: func(fs *flag.FlagSet) any {
			o := &diffOpts{format: newEnum("text", "text", "json")}
			fs.StringVar(&o.cases, "cases", "", "JSON-lines corpus `FILE` (\"-\" = stdin), required")
			fs.StringVar(&o.expect, "expect", "", "expected transitions `FILE` (shixian-expect/v1); unexpected changes exit 4")
			fs.Var(o.format, "format", "output `FORMAT`: text or json")
			fs.IntVar(&o.maxChanged, "max-changed", 0, "keep at most `N` changed cases in the listing (0 = all)")
			fs.IntVar(&o.workers, "workers", 0, "classify with `N` goroutines (0 = one per core)")
			return o
		},
		run: runDiff,
	}
}

func runDiff(e *env, opts any, args []string) int {
	o := opts.(*diffOpts)
	if len(args) != 2 {
		return fail(e, "diff", usagef("want two policy files OLD NEW, got %d argument(s)", len(args)))
	}
	if o.cases == "" {
		return fail(e, "diff", usagef("--cases FILE.jsonl is required"))
	}
	if o.maxChanged < 0 || o.workers < 0 {
		return fail(e, "diff", usagef("--max-changed and --workers must not be negative"))
	}
	oldP, err := loadPolicy(args[0], nil)
	if err != nil {
		return fail(e, "diff", err)
	}
	newP, err := loadPolicy(args[1], nil)
	if err != nil {
		return fail(e, "diff", err)
	}
	var exp *slatest.Expectations
	if o.expect != "" {
		if exp, err = slatest.LoadExpectations(o.expect); err != nil {
			return fail(e, "diff", err)
		}
	}
	r, name, closer, err := openInput(e, o.cases)
	if err != nil {
		return fail(e, "diff", err)
	}
	defer closer()
	prog := newProgress(e.stderr, "diff")
	last := 0
	res, err := slatest.Diff(oldP, newP, r, slatest.DiffOptions{
		Workers:    o.workers,
		MaxChanged: o.maxChanged,
		Progress: func(lines int) {
			last = lines
			prog.tickAlways(lines)
		},
	})
	if err != nil {
		return fail(e, "diff", err)
	}
	prog.done(last)
	if exp != nil {
		res.Apply(exp)
	}
	if o.format.value == "json" {
		err = res.WriteJSON(e.stdout)
	} else {
		err = res.WriteText(e.stdout)
	}
	if err != nil {
		return fail(e, "diff", err)
	}
	for _, le := range res.Errors {
		msg := le.Err
		if le.ID != "" {
			msg = fmt.Sprintf("case %q: %s", le.ID, le.Err)
		}
		fmt.Fprintf(e.stderr, "%s:%d: %s\n", name, le.Line, msg)
	}
	if res.ErrorCount > len(res.Errors) {
		fmt.Fprintf(e.stderr, "%s: … and %d more bad lines\n", name, res.ErrorCount-len(res.Errors))
	}
	switch {
	case res.ErrorCount > 0:
		fmt.Fprintf(e.stderr, "shixian diff: %d bad line(s) in %s\n", res.ErrorCount, name)
		return exitInvalid
	case exp != nil && len(res.Unexpected) > 0:
		fmt.Fprintf(e.stderr, "shixian diff: %d change(s) not allowed by %s\n", len(res.Unexpected), o.expect)
		return exitUnexpected
	}
	return exitOK
}
