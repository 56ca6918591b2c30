package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"runtime"
	"sort"
	"time"

	"github.com/shixian-go/shixian/sla"
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

// diffChunkBytes is how much of the corpus is handed to slatest.Diff at a time. Diff batches
// lines by count, not size; feeding it bounded chunks keeps memory flat whatever the lines
// hold, while each chunk still keeps every worker busy.
const diffChunkBytes = 4 << 20

// maxWorkersPerCore caps --workers: more goroutines than a few per core add memory (each keeps
// its own caches), not speed.
const maxWorkersPerCore = 4

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
	if limit := maxWorkersPerCore * runtime.GOMAXPROCS(0); o.workers > limit {
		// The result does not depend on the worker count, so a script written for a larger
		// machine still runs here, as fast as this one allows.
		fmt.Fprintf(e.stderr, "shixian diff: --workers %d is more than %d per core; using %d\n", o.workers, maxWorkersPerCore, limit)
		o.workers = limit
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
		if exp, err = readExpectations(o.expect); err != nil {
			return fail(e, "diff", err)
		}
	}
	r, name, closer, err := openInput(e, o.cases)
	if err != nil {
		return fail(e, "diff", err)
	}
	defer closer()
	d := &differ{e: e, name: name, old: oldP, new: newP, opts: slatest.DiffOptions{Workers: o.workers, MaxChanged: o.maxChanged},
		bad: newBadLines(e, "diff", name), next: 1}
	prog := newProgress(e.rawStderr, "diff")
	last := 0
	// The lines are checked by the CLI (size, UTF-8, JSON, id and accepted) on every core, so
	// that a bad one is reported with its column like in classify and report; slatest.Diff
	// then classifies the good ones, chunk by chunk.
	err = pipeline(newLineReader(name, r), runtime.GOMAXPROCS(0), func(it lineItem) diffLine {
		return checkDiffLine(name, it)
	}, func(it lineItem, dl diffLine) error {
		last = it.no
		prog.tick(it.no)
		return d.add(it, dl)
	})
	if err == nil {
		err = d.flush()
	}
	if err != nil && !errors.Is(err, errStopReading) {
		return fail(e, "diff", err)
	}
	prog.done(last)
	if d.bad.stopped() {
		return d.bad.finish() // a diff over part of the corpus would read as the whole
	}
	res := d.total
	res.Errors, res.ErrorCount = d.errors, len(d.errors)
	if exp != nil {
		res.Apply(exp)
	}
	if o.format.value == "json" {
		err = res.WriteJSON(e.stdout)
	} else {
		err = res.WriteText(e.text)
	}
	if err != nil {
		return fail(e, "diff", err)
	}
	if code := d.bad.finish(); code != exitOK {
		return code // an incomplete diff outranks unexpected changes
	}
	if exp != nil && len(res.Unexpected) > 0 {
		fmt.Fprintf(e.stderr, "shixian diff: %d change(s) not allowed by %s\n", len(res.Unexpected), o.expect)
		return exitUnexpected
	}
	return exitOK
}

// diffLine is the CLI's verdict on one corpus line: "" msg for a good line.
type diffLine struct {
	msg     string // file:line:column: message
	text    string // the message alone, for the diff's list of bad lines
	id      string
	tooLong bool
}

// checkDiffLine checks one corpus line the way classify does, and also that it has the "id"
// and "accepted" a diff needs. It is safe for concurrent use.
func checkDiffLine(name string, it lineItem) diffLine {
	bad := func(off int, id string, err error) diffLine {
		return diffLine{msg: lineError(name, it.no, lineColumn(it.data, off), err), text: err.Error(), id: id}
	}
	if col, tooLong, err := lineProblem(it); err != nil {
		return diffLine{msg: lineError(name, it.no, col, err), text: err.Error(), tooLong: tooLong}
	}
	var cl corpusLine
	if err := decodeObject(it.data, &cl); err != nil {
		return bad(corpusLineOffset(it.data, err, false), "", err)
	}
	start := skipJSONSpace(it.data, 0, "")
	switch {
	case cl.ID == "":
		return bad(start, "", errors.New(`missing "id" (a diff names every changed case)`))
	case cl.Accepted == "":
		return bad(start, cl.ID, fmt.Errorf("case %q: missing \"accepted\"", cl.ID))
	}
	if _, err := time.Parse(time.RFC3339, cl.Accepted); err != nil {
		return bad(corpusLineOffset(it.data, err, true), cl.ID, fmt.Errorf("case %q: accepted %q is not an RFC 3339 instant", cl.ID, cl.Accepted))
	}
	return diffLine{}
}

// differ feeds checked corpus lines to slatest.Diff in chunks and adds up the results. Bad
// lines are replaced by empty lines in the chunk, which Diff skips but counts, so that its
// line numbers stay those of the file.
type differ struct {
	e        *env
	name     string
	old, new *sla.Policy
	opts     slatest.DiffOptions
	bad      *badLines

	chunk   bytes.Buffer
	first   int // the file's line number of the chunk's first line
	next    int // the file's line number the chunk's next line has
	pending []pendingBad
	total   *slatest.DiffResult
	errors  []slatest.LineError
}

// pendingBad is a bad line found by the CLI, reported in line order with Diff's own.
type pendingBad struct {
	line    int
	msg     string
	err     slatest.LineError
	tooLong bool
}

func (d *differ) add(it lineItem, dl diffLine) error {
	if d.chunk.Len() == 0 {
		d.first = d.next
	}
	for ; d.next < it.no; d.next++ {
		d.chunk.WriteByte('\n') // a blank line the pipeline skipped
	}
	d.next++
	if dl.msg != "" {
		d.chunk.WriteByte('\n')
		d.pending = append(d.pending, pendingBad{it.no, dl.msg, slatest.LineError{Line: it.no, ID: dl.id, Err: dl.text}, dl.tooLong})
		if dl.tooLong || d.bad.count+len(d.pending) >= maxBadLines {
			return d.flush() // report in order and stop
		}
		return nil
	}
	d.chunk.Write(it.data)
	d.chunk.WriteByte('\n')
	if d.chunk.Len() >= diffChunkBytes {
		return d.flush()
	}
	return nil
}

// flush diffs the chunk, reports its bad lines in line order and adds its counts to the total.
func (d *differ) flush() error {
	if d.chunk.Len() == 0 && d.total != nil {
		return nil
	}
	chunk := d.chunk.Bytes()
	r, err := slatest.Diff(d.old, d.new, bytes.NewReader(chunk), d.opts)
	if err != nil {
		return err
	}
	offset := d.first - 1
	if d.chunk.Len() == 0 {
		offset = 0
	}
	// Diff's own bad lines (an input a policy rejects, a date off the calendar) get the CLI's
	// position too: the line is found in the chunk and checked again for the column.
	var theirs []pendingBad
	lines := chunk
	at := 1
	for _, le := range r.Errors {
		for at < le.Line && len(lines) > 0 {
			i := bytes.IndexByte(lines, '\n')
			lines = lines[i+1:]
			at++
		}
		text, _, _ := bytes.Cut(lines, []byte{'\n'})
		le.Line += offset
		msg := le.Err
		if le.ID != "" {
			msg = fmt.Sprintf("case %q: %s", le.ID, le.Err)
		}
		col := lineColumn(text, d.faultOffset(text))
		theirs = append(theirs, pendingBad{le.Line, lineError(d.name, le.Line, col, errors.New(msg)), le, false})
	}
	all := append(d.pending, theirs...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].line < all[j].line })
	d.pending = d.pending[:0]
	d.chunk.Reset()
	d.merge(r, offset)
	for _, b := range all {
		d.errors = append(d.errors, b.err)
		if err := d.bad.add(b.line, b.msg, b.tooLong); err != nil {
			return err
		}
	}
	return nil
}

// faultOffset finds what in a corpus line slatest.Diff rejected: the input field a policy's
// rules refuse, else the "accepted" value (the due date could not be counted from it).
func (d *differ) faultOffset(text []byte) int {
	var cl corpusLine
	if err := decodeObject(text, &cl); err != nil {
		return corpusLineOffset(text, err, false)
	}
	if cl.Input == nil {
		cl.Input = map[string]any{}
	}
	for _, p := range []*sla.Policy{d.old, d.new} {
		if _, err := p.Rules().Classify(cl.Input); err != nil {
			return corpusLineOffset(text, err, false)
		}
	}
	return corpusLineOffset(text, errors.New("due"), false)
}

// merge adds a chunk's result to the total; line numbers are shifted by offset.
func (d *differ) merge(r *slatest.DiffResult, offset int) {
	for i := range r.Changed {
		r.Changed[i].Line += offset
	}
	t := d.total
	if t == nil {
		d.total = r
		return
	}
	t.Cases += r.Cases
	for k, v := range r.Matrix {
		t.Matrix[k] += v
	}
	for k, v := range r.OldRuleHits {
		t.OldRuleHits[k] += v
	}
	for k, v := range r.NewRuleHits {
		t.NewRuleHits[k] += v
	}
	t.Changed = append(t.Changed, r.Changed...)
	if m := d.opts.MaxChanged; m > 0 && len(t.Changed) > m {
		t.Changed = t.Changed[:m] // chunks come in line order: the first ones are the lowest
	}
	t.ChangedCount += r.ChangedCount
	t.TierChanged += r.TierChanged
	t.RuleChanged += r.RuleChanged
	t.DueChanged += r.DueChanged
}
