package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
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
	exhaustive    bool
	maxClasses    int
	maxTime       time.Duration
}

func diffCommand() *command {
	return &command{
		name:       "diff",
		synopsis:   "shixian diff OLD NEW (--cases FILE.jsonl [--max-changed N] [--workers N] | --exhaustive [--max-classes N] [--max-time DURATION]) [--expect FILE] [--format text|json]",
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
exit 4 when a change is not allowed by it. Bad corpus lines make the exit code 2, which
outranks 4 because the diff is incomplete. --workers is clamped to 4 per core (with a note).

--exhaustive compares the two versions over every kind of input instead of a corpus: the fields
are cut into classes by the union of both versions' comparisons (as shixian analyze does) and
every class whose tier or rule changes is listed with an example input, grouped by transition
(json: {changes: [{input, old: {tier, rule}, new: {tier, rule}}], transitions, exact, …}; a
version that refuses an input, such as a value it does not declare, shows as "refused" with its
error). --expect works as with a corpus, its max counting classes. Past --max-classes classes
(default 65536) a fixed random sample is compared and the report says it is not exhaustive;
--max-time (default 10s) stops versions whose conditions are costly to evaluate, and the report
says where it stopped.

` + badLinesHelp,
		examples: []string{
			"shixian diff policy-2025.1.yaml policy-2025.2.yaml --cases corpus-2025.jsonl",
			"shixian diff old.yaml new.yaml --cases corpus.jsonl --expect expected-moves.yaml --format json",
			"shixian diff policy-2025.1.yaml policy-2025.2.yaml --exhaustive",
		},
		setup: func(fs *flag.FlagSet) any {
			o := &diffOpts{format: newEnum("text", "text", "json")}
			fs.StringVar(&o.cases, "cases", "", "JSON-lines corpus `FILE` (\"-\" = stdin), required")
			fs.StringVar(&o.expect, "expect", "", "expected transitions `FILE` (shixian-expect/v1); unexpected changes exit 4")
			fs.Var(o.format, "format", "output `FORMAT`: text or json")
			fs.IntVar(&o.maxChanged, "max-changed", 0, "keep at most `N` changed cases in the listing (0 = all)")
			fs.IntVar(&o.workers, "workers", 0, "classify with `N` goroutines (0 = one per core)")
			fs.BoolVar(&o.exhaustive, "exhaustive", false, "compare over every kind of input instead of a corpus")
			fs.IntVar(&o.maxClasses, "max-classes", 0, "with --exhaustive: compare at most `N` input classes (0 = 65536)")
			fs.DurationVar(&o.maxTime, "max-time", defaultMaxTime, "with --exhaustive: stop comparing after `DURATION` (0 = no limit)")
			return o
		},
		run: runDiff,
	}
}

// diffChunkBytes is how much of the corpus is handed to slatest.Diff at a time. Diff batches
// lines by count, not size; feeding it bounded chunks keeps memory flat whatever the lines
// hold, while each chunk still keeps every worker busy.
const diffChunkBytes = 2 << 20

// maxWorkersPerCore caps --workers: more goroutines than a few per core add memory (each keeps
// its own caches), not speed.
const maxWorkersPerCore = 4

func runDiff(e *env, opts any, args []string) int {
	o := opts.(*diffOpts)
	if len(args) != 2 {
		return fail(e, "diff", usagef("want two policy files OLD NEW, got %d argument(s)", len(args)))
	}
	if o.exhaustive {
		return runDiffExhaustive(e, o, args)
	}
	if o.maxClasses != 0 {
		return fail(e, "diff", usagef("--max-classes goes with --exhaustive"))
	}
	if o.cases == "" {
		return fail(e, "diff", usagef("--cases FILE.jsonl is required (or --exhaustive)"))
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
	oldP, newP, exp, err := o.inputs(args)
	if err != nil {
		return fail(e, "diff", err)
	}
	r, name, closer, err := openInput(e, o.cases)
	if err != nil {
		return fail(e, "diff", err)
	}
	defer closer()
	d := &differ{e: e, name: name, old: oldP, new: newP, opts: slatest.DiffOptions{Workers: o.workers, MaxChanged: o.maxChanged},
		bad: newBadLines(e, "diff", name)}
	prog := newProgress(e.rawStderr, "diff")
	last := 0
	// slatest.Diff decodes and classifies the lines on every core; this goroutine reads them,
	// refuses over-long and non-UTF-8 ones, and hands the rest over chunk by chunk while the
	// previous chunk is being diffed.
	lr := newLineReader(name, r)
	for err == nil {
		var line []byte
		line, err = lr.next()
		switch {
		case errors.Is(err, io.EOF):
			err = nil
		case errors.Is(err, errLineTooLong):
			err = d.add(lineItem{no: lr.line, tooLong: true, col: lr.tooLongColumn()})
			if err == nil {
				err = errStopReading
			}
		case err == nil:
			last = lr.line
			prog.tick(lr.line)
			err = d.add(lineItem{no: lr.line, data: line})
			continue
		}
		break
	}
	if err == nil || errors.Is(err, errStopReading) && !d.bad.stopped() {
		err = d.finish()
	}
	d.wait()
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

// diffLineProblem is the CLI's verdict on a corpus line slatest.Diff refused, in the words and
// with the column classify would give: the size, UTF-8, JSON, the "id" and "accepted" a diff
// needs. It returns a nil error when the CLI sees no fault (the policies refused the input).
func diffLineProblem(it lineItem) (col int, tooLong bool, id string, err error) {
	if col, tooLong, err := lineProblem(it); err != nil {
		return col, tooLong, "", err
	}
	var cl corpusLine
	if err := decodeObject(it.data, &cl); err != nil {
		return lineColumn(it.data, corpusLineOffset(it.data, err, false)), false, "", err
	}
	start := lineColumn(it.data, skipJSONSpace(it.data, 0, ""))
	switch {
	case cl.ID == "":
		return start, false, "", errors.New(`missing "id" (a diff names every changed case)`)
	case cl.Accepted == "":
		return start, false, cl.ID, fmt.Errorf("case %q: missing \"accepted\"", cl.ID)
	}
	if _, err := time.Parse(time.RFC3339, cl.Accepted); err != nil {
		return lineColumn(it.data, corpusLineOffset(it.data, err, true)), false, cl.ID, fmt.Errorf("case %q: accepted %q is not an RFC 3339 instant", cl.ID, cl.Accepted)
	}
	return 0, false, cl.ID, nil
}

// skipLine stands for a refused line in a chunk: Diff skips an empty line but counts it.
const skipLine = "\n"

// differ feeds corpus lines to slatest.Diff in chunks of about diffChunkBytes and adds up the
// results; one chunk is diffed while the next is read. Lines the CLI refuses itself (over
// long, not UTF-8) are replaced by empty lines in the chunk, which Diff skips but counts, so
// that its line numbers stay those of the file; blank lines go to Diff as they are.
type differ struct {
	e        *env
	name     string
	old, new *sla.Policy
	opts     slatest.DiffOptions
	bad      *badLines

	cur     *diffChunk
	running *diffChunk // being diffed, or nil
	spare   []byte     // the buffer of the last chunk, for reuse
	total   *slatest.DiffResult
	errors  []slatest.LineError
}

// diffChunk is a run of corpus lines and, once diffed, its result.
type diffChunk struct {
	data    []byte
	first   int // the file's line number of the chunk's first line
	lines   int
	pending []pendingBad // lines the CLI refused, in order
	done    chan struct{}
	res     *slatest.DiffResult
	err     error
}

// pendingBad is a bad line, reported in line order.
type pendingBad struct {
	line    int
	msg     string
	err     slatest.LineError
	tooLong bool
}

func (d *differ) add(it lineItem) error {
	if d.cur == nil {
		d.cur = &diffChunk{data: d.spare[:0], first: it.no}
		d.spare = nil
	}
	c := d.cur
	for ; c.first+c.lines < it.no; c.lines++ {
		c.data = append(c.data, skipLine...) // keep the numbering (not expected: the reader skips none)
	}
	c.lines++
	if col, tooLong, err := lineProblem(it); err != nil {
		c.data = append(c.data, skipLine...)
		c.pending = append(c.pending, pendingBad{it.no, lineError(d.name, it.no, col, err), slatest.LineError{Line: it.no, Err: err.Error()}, tooLong})
		if tooLong || d.bad.count+len(c.pending) >= maxBadLines {
			return d.finish() // report in order up to here, and stop
		}
		return nil
	}
	c.data = append(c.data, it.data...)
	c.data = append(c.data, '\n')
	if len(c.data) >= diffChunkBytes {
		return d.start()
	}
	return nil
}

// start waits for the chunk being diffed, reports and merges it, and starts diffing the
// current one.
func (d *differ) start() error {
	if err := d.collect(); err != nil {
		return err
	}
	c := d.cur
	if c == nil {
		c = &diffChunk{first: 1}
	}
	d.cur = nil
	c.done = make(chan struct{})
	d.running = c
	go func() {
		defer close(c.done)
		defer func() {
			if r := recover(); r != nil {
				c.err = &internalError{fmt.Sprint(r)}
			}
		}()
		c.res, c.err = slatest.Diff(d.old, d.new, bytes.NewReader(c.data), d.opts)
	}()
	return nil
}

// finish diffs what is left and collects every result.
func (d *differ) finish() error {
	if d.cur != nil || d.total == nil && d.running == nil {
		if err := d.start(); err != nil {
			return err
		}
	}
	return d.collect()
}

// wait lets a chunk still being diffed end (after an error), so that no goroutine outlives
// the command.
func (d *differ) wait() {
	if d.running != nil {
		<-d.running.done
		d.running = nil
	}
}

// collect waits for the running chunk, reports its bad lines (the CLI's and Diff's) in line
// order with file:line:column and adds its result to the total.
func (d *differ) collect() error {
	c := d.running
	if c == nil {
		return nil
	}
	<-c.done
	d.running = nil
	if c.err != nil {
		return c.err
	}
	r := c.res
	offset := c.first - 1
	// Diff's own bad lines get the CLI's wording and position: the line is found in the
	// chunk and checked again.
	all := c.pending
	rest := c.data
	at := 1
	for _, le := range r.Errors {
		for at < le.Line && len(rest) > 0 {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				i = len(rest) - 1
			}
			rest = rest[i+1:]
			at++
		}
		text, _, _ := bytes.Cut(rest, []byte{'\n'})
		le.Line += offset
		col, _, id, err := diffLineProblem(lineItem{no: le.Line, data: text})
		if err == nil {
			err = errors.New(le.Err)
			if le.ID != "" {
				err = fmt.Errorf("case %q: %s", le.ID, le.Err)
			}
			col = lineColumn(text, d.faultOffset(text))
		} else {
			le.Err = err.Error()
			if id != "" {
				le.ID = id
			}
		}
		all = append(all, pendingBad{le.Line, lineError(d.name, le.Line, col, err), le, false})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].line < all[j].line })
	d.merge(r, offset)
	d.spare = c.data
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

// runDiffExhaustive is diff --exhaustive: the two versions over every input class.
func runDiffExhaustive(e *env, o *diffOpts, args []string) int {
	switch {
	case o.cases != "":
		return fail(e, "diff", usagef("--exhaustive compares every kind of input: leave out --cases"))
	case o.maxChanged != 0 || o.workers != 0:
		return fail(e, "diff", usagef("--max-changed and --workers go with --cases, not --exhaustive"))
	case o.maxClasses < 0 || o.maxClasses > slatest.MaxClassesLimit:
		return fail(e, "diff", usagef("--max-classes must be between 0 and %d", slatest.MaxClassesLimit))
	case o.maxTime < 0:
		return fail(e, "diff", usagef("--max-time must not be negative"))
	}
	oldP, newP, exp, err := o.inputs(args)
	if err != nil {
		return fail(e, "diff", err)
	}
	r, err := slatest.DiffExhaustiveWith(oldP, newP, slatest.AnalyzeOptions{MaxClasses: o.maxClasses, MaxTime: o.maxTime})
	if err != nil {
		return fail(e, "diff", err)
	}
	if exp != nil {
		r.Apply(exp)
	}
	if o.format.value == "json" {
		err = r.WriteJSON(e.stdout)
	} else {
		err = r.WriteText(e.text)
	}
	if err != nil {
		return fail(e, "diff", err)
	}
	if exp != nil && len(r.Unexpected) > 0 {
		fmt.Fprintf(e.stderr, "shixian diff: %d changed input class(es) not allowed by %s\n", len(r.Unexpected), o.expect)
		return exitUnexpected
	}
	return exitOK
}

// inputs loads what both forms of diff compare: the old and the new policy, and the
// expectations of --expect (nil without it).
func (o *diffOpts) inputs(args []string) (oldP, newP *sla.Policy, exp *slatest.Expectations, err error) {
	if oldP, err = loadPolicy(args[0], nil); err != nil {
		return nil, nil, nil, err
	}
	if newP, err = loadPolicy(args[1], nil); err != nil {
		return nil, nil, nil, err
	}
	if o.expect != "" {
		if exp, err = readExpectations(o.expect); err != nil {
			return nil, nil, nil, err
		}
	}
	return oldP, newP, exp, nil
}
