package slatest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

// CorpusCase is one past case of a diff corpus: one JSON object per line,
// {"id": "C-1", "accepted": "2025-09-30T17:00:00+08:00", "input": {"cause": "complex"}}.
// accepted is RFC 3339; input holds the classification inputs (JSON numbers arrive as float64,
// which the rules accept for int fields when integral).
type CorpusCase struct {
	ID       string         `json:"id"`
	Accepted time.Time      `json:"accepted"`
	Input    map[string]any `json:"input"`
}

// DiffOptions tunes Diff. The zero value is ready to use.
type DiffOptions struct {
	// Workers is the number of goroutines classifying cases; 0 means runtime.GOMAXPROCS(0).
	// The result does not depend on it.
	Workers int
	// MaxChanged caps how many changed cases are kept in DiffResult.Changed (the ones with the
	// lowest line numbers are kept, whatever the worker count); 0 keeps all. Counts and the
	// matrix always cover every case.
	MaxChanged int
	// Progress, if set, is called from Diff's reading goroutine with the number of lines read
	// so far, about every 64k lines and once at the end. It must not block for long.
	Progress func(lines int)
}

// PolicyRef names one policy version in a diff.
type PolicyRef struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Hash    string `json:"hash"`
}

// Transition is a move of a case from tier From (old policy) to tier To (new policy).
type Transition struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// ChangedCase is a corpus case that the new policy decides differently: another tier, another
// rule, or another due instant.
type ChangedCase struct {
	ID               string
	Line             int // 1-based line in the corpus
	OldTier, OldRule string
	NewTier, NewRule string
	OldDue, NewDue   time.Time // exclusive instants, UTC+8
	// Expected is set by Apply when an expectation allows the change.
	Expected bool
}

// LineError is a corpus line that could not be diffed: bad JSON, a missing field, or an input
// that one of the policies rejects.
type LineError struct {
	Line int    `json:"line"`
	ID   string `json:"id,omitempty"`
	Err  string `json:"error"`
}

// Error returns "line N (id): message", without the id when the line had none.
func (e LineError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("line %d (%s): %s", e.Line, e.ID, e.Err)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Err)
}

// MaxLineErrors is how many LineErrors a DiffResult keeps (the first ones by line); ErrorCount
// counts all of them.
const MaxLineErrors = 1000

// MaxCorpusLineBytes is the longest corpus line Diff decodes (1 MiB); a longer line is
// reported in DiffResult.Errors and skipped, and the diff goes on.
const MaxCorpusLineBytes = 1 << 20

// MaxCorpusSkipBytes bounds how far Diff reads into one over-long line looking for its end
// (64 MiB). A "line" that runs on further is not a JSON-lines corpus (a binary file, a device
// such as /dev/zero that never ends): Diff stops with an error instead of reading for ever.
// Memory stays flat either way: an over-long line is skipped, not kept.
const MaxCorpusSkipBytes = 64 << 20

// DiffResult is what changed between two policy versions over a corpus. Every field is
// deterministic for a given corpus and pair of policies, whatever DiffOptions.Workers is.
type DiffResult struct {
	Old, New PolicyRef
	Cases    int // cases diffed (lines with errors are not counted)
	// Matrix counts tier transitions old→new, including unchanged ones (From == To).
	Matrix map[Transition]int
	// OldRuleHits and NewRuleHits count the cases each rule decided ("default" for the
	// default).
	OldRuleHits, NewRuleHits map[string]int
	// Changed lists the cases whose tier, rule or due changed, sorted by line, capped by
	// DiffOptions.MaxChanged.
	Changed      []ChangedCase
	ChangedCount int // all changed cases, also those beyond the cap
	TierChanged  int // cases whose tier changed
	RuleChanged  int // cases whose rule changed
	DueChanged   int // cases whose due instant changed
	// Errors lists bad lines by line number (at most MaxLineErrors); ErrorCount counts all.
	Errors     []LineError
	ErrorCount int
	// Unexpected lists the changed cases no expectation allows; filled by Apply.
	Unexpected []ChangedCase
	// applied records that Apply ran, so that reports can tell "none unexpected" from "not
	// checked".
	applied bool
	// rules is the display order of rule ids (see ruleOrder).
	rules []string
}

// diffPolicy caches what a worker needs of one policy, so that the per-case path does no map
// copies: the rule set, the calendar, the counter and each tier's limit.
type diffPolicy struct {
	set     *rules.Set
	cal     *calendar.Calendar
	counter *deadline.Counter
	limits  map[string]deadline.Period
}

func newDiffPolicy(p *sla.Policy) diffPolicy {
	dp := diffPolicy{set: p.Rules(), cal: p.Calendar(), counter: p.Counter(), limits: map[string]deadline.Period{}}
	for _, t := range p.Tiers() {
		dp.limits[t.ID] = t.Limit
	}
	return dp
}

// dueKey identifies a due computation whose result depends only on the acceptance date.
type dueKey struct {
	limit   deadline.Period
	y, m, d int
}

// dueCache remembers dues per worker. With a period of one or more working days, calendar
// days or months, the due depends only on the civil date of acceptance in the calendar's
// location (民法典 art. 201: counting starts the day after; the time of day plays no part), so
// a year of cases needs a few hundred computations. Same-day (0 workdays) and hour periods
// depend on the time of day and are never cached. Bounded: cleared when it grows large.
type dueCache map[dueKey]time.Time

const maxDueCache = 1 << 16

func dateOnly(p deadline.Period) bool {
	switch p.Unit {
	case deadline.Workdays:
		return p.Count >= 1
	case deadline.Days, deadline.Months:
		return true
	}
	return false
}

// decide classifies with the rules directly and computes the due instant. The diff asks what
// each version *would* decide for past cases, so the versions' effective ranges are
// deliberately not applied (a new version usually starts after the corpus ends).
func (dp *diffPolicy) decide(c *CorpusCase, cache dueCache) (tier, rule string, due time.Time, err error) {
	d, err := dp.set.Classify(c.Input)
	if err != nil {
		return "", "", time.Time{}, err
	}
	rule = d.RuleID
	if d.Default {
		rule = DefaultRule
	}
	limit, ok := dp.limits[d.Tier]
	if !ok {
		return "", "", time.Time{}, fmt.Errorf("tier %q has no limit", d.Tier)
	}
	var key dueKey
	cacheable := cache != nil && dateOnly(limit)
	if cacheable {
		y, m, day := c.Accepted.In(dp.cal.Location()).Date()
		key = dueKey{limit, y, int(m), day}
		if due, ok := cache[key]; ok {
			return d.Tier, rule, due, nil
		}
	}
	dl, err := dp.counter.Deadline(deadline.Request{Start: c.Accepted, Period: limit})
	if err != nil {
		return "", "", time.Time{}, err
	}
	due = dl.Due
	if cacheable {
		if len(cache) >= maxDueCache {
			clear(cache)
		}
		cache[key] = due
	}
	return d.Tier, rule, due, nil
}

// batch is a run of corpus lines handed to one worker. Lines are kept as offsets into buf,
// with over-long lines marked explicitly: an empty line must stay distinguishable from a
// refused one whatever buf holds (a slice of an empty, nil buffer is itself nil).
type batch struct {
	first int        // line number of lines[0]
	lines []lineSpan // without the newline
	buf   []byte
}

// lineSpan is one line of a batch: buf[off:off+n], or an over-long line when tooLong.
type lineSpan struct {
	off, n  int
	tooLong bool
}

// partial is one batch's contribution; everything in it is merged commutatively except
// changed and errors, which are sorted by line at the end.
type partial struct {
	cases                    int
	matrix                   map[Transition]int
	oldHits, newHits         map[string]int
	changed                  []ChangedCase
	changedCount             int
	tierChanged, ruleChanged int
	dueChanged               int
	errors                   []LineError
	errorCount               int
}

const batchLines = 1024

// Diff classifies every corpus case (one JSON object per line, see CorpusCase) with both
// policies and reports the tier transition matrix, per-rule firing counts, and every case
// whose tier, rule or due changed. The due is that of the old decision under the old policy
// vs the new decision under the new policy, each counted by its policy's conventions and
// calendar (deadline.ComputeDue). Blank lines are skipped; bad lines are reported in Errors and the
// diff goes on. The corpus is streamed in batches to Workers goroutines, so memory stays flat
// except for Changed (see MaxChanged). The error is non-nil only for a nil policy, a read
// error of corpus, or a line running past MaxCorpusSkipBytes without a newline.
func Diff(old, new *sla.Policy, corpus io.Reader, opts DiffOptions) (*DiffResult, error) {
	if old == nil || new == nil {
		return nil, errors.New("slatest: Diff: both policies are required")
	}
	if corpus == nil {
		return nil, errors.New("slatest: Diff: corpus is nil")
	}
	if old.Rules() == nil || new.Rules() == nil {
		return nil, errors.New("slatest: Diff: a policy has no compiled rules")
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	oldP, newP := newDiffPolicy(old), newDiffPolicy(new)
	res := &DiffResult{
		Old:         PolicyRef{old.ID(), old.Version(), old.Hash()},
		New:         PolicyRef{new.ID(), new.Version(), new.Hash()},
		Matrix:      map[Transition]int{},
		OldRuleHits: map[string]int{},
		NewRuleHits: map[string]int{},
	}
	for _, r := range old.Rules().Rules() {
		res.OldRuleHits[r.ID] = 0
		res.rules = append(res.rules, r.ID)
	}
	res.OldRuleHits[DefaultRule] = 0
	for _, r := range new.Rules().Rules() {
		res.NewRuleHits[r.ID] = 0
		if !slices.Contains(res.rules, r.ID) {
			res.rules = append(res.rules, r.ID)
		}
	}
	res.NewRuleHits[DefaultRule] = 0
	res.rules = append(res.rules, DefaultRule)

	batches := make(chan *batch, workers*2)
	results := make(chan *partial, workers*2)
	free := sync.Pool{New: func() any { return &batch{} }}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dec := newCaseDecoder()
			// Counts accumulate per worker and are sent once at the end; only the changed
			// cases and errors of each batch travel to the collector as the diff runs.
			acc := newPartial()
			oldDues, newDues := dueCache{}, dueCache{}
			for b := range batches {
				out := &partial{}
				diffBatch(&oldP, &newP, dec, oldDues, newDues, b, opts.MaxChanged, acc, out)
				results <- out
				b.lines = b.lines[:0]
				b.buf = b.buf[:0]
				free.Put(b)
			}
			results <- acc
		}()
	}
	var readErr error
	go func() {
		readErr = readCorpus(corpus, batches, &free, opts.Progress)
		close(batches)
		wg.Wait()
		close(results)
	}()
	for p := range results {
		res.merge(p, opts.MaxChanged)
	}
	if readErr != nil {
		return nil, fmt.Errorf("slatest: reading corpus: %w", readErr)
	}
	sortChanged(res.Changed)
	if opts.MaxChanged > 0 && len(res.Changed) > opts.MaxChanged {
		res.Changed = res.Changed[:opts.MaxChanged]
	}
	sort.Slice(res.Errors, func(i, j int) bool { return res.Errors[i].Line < res.Errors[j].Line })
	if len(res.Errors) > MaxLineErrors {
		res.Errors = res.Errors[:MaxLineErrors]
	}
	return res, nil
}

func sortChanged(cs []ChangedCase) {
	sort.Slice(cs, func(i, j int) bool { return cs[i].Line < cs[j].Line })
}

// readCorpus splits the corpus into batches of lines. Lines longer than MaxCorpusLineBytes are
// passed marked tooLong, without their bytes, so that the worker reports them; the read goes
// on after them.
func readCorpus(r io.Reader, out chan<- *batch, free *sync.Pool, progress func(int)) error {
	br := bufio.NewReaderSize(r, 256<<10)
	line := 0
	b := free.Get().(*batch)
	b.first = 1
	var long []byte
	tooLong := false
	run := 0 // bytes of the current line read so far, while it has no end in the buffer
	flush := func() {
		if len(b.lines) > 0 {
			out <- b
			b = free.Get().(*batch)
		}
		b.first = line + 1
	}
	for {
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if run += len(chunk); run > MaxCorpusSkipBytes {
				return fmt.Errorf("line %d runs past %d bytes without a newline: not a JSON-lines corpus", line+1, MaxCorpusSkipBytes)
			}
			if !tooLong {
				long = append(long, chunk...)
				if len(long) > MaxCorpusLineBytes {
					tooLong, long = true, long[:0]
				}
			}
			continue
		}
		if len(chunk) > 0 || long != nil || tooLong {
			line++
			if !tooLong {
				if long != nil {
					chunk = append(long, chunk...)
				}
				text := bytes.TrimRight(chunk, "\r\n")
				tooLong = len(text) > MaxCorpusLineBytes
				if !tooLong {
					b.lines = append(b.lines, lineSpan{off: len(b.buf), n: len(text)})
					b.buf = append(b.buf, text...)
				}
			}
			if tooLong {
				b.lines = append(b.lines, lineSpan{tooLong: true})
			}
			long, tooLong, run = nil, false, 0
			if len(b.lines) == batchLines {
				flush()
			}
			if progress != nil && line%65536 == 0 {
				progress(line)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	flush()
	free.Put(b)
	if progress != nil {
		progress(line)
	}
	return nil
}

func newPartial() *partial {
	return &partial{matrix: map[Transition]int{}, oldHits: map[string]int{}, newHits: map[string]int{}}
}

// diffBatch diffs one batch: counts go to acc (the worker's running totals), the batch's
// changed cases and bad lines to out.
func diffBatch(oldP, newP *diffPolicy, dec *caseDecoder, oldDues, newDues dueCache, b *batch, maxChanged int, acc, out *partial) {
	p := acc
	for i, span := range b.lines {
		ln := b.first + i
		if span.tooLong {
			p.addError(out, LineError{Line: ln, Err: fmt.Sprintf("line longer than %d bytes", MaxCorpusLineBytes)})
			continue
		}
		text := b.buf[span.off : span.off+span.n : span.off+span.n]
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		var c CorpusCase
		if err := dec.decode(text, &c); err != nil {
			p.addError(out, LineError{Line: ln, Err: "invalid JSON: " + err.Error()})
			continue
		}
		if c.ID == "" {
			p.addError(out, LineError{Line: ln, Err: `missing "id"`})
			continue
		}
		if c.Accepted.IsZero() {
			p.addError(out, LineError{Line: ln, ID: c.ID, Err: `missing "accepted" time`})
			continue
		}
		if c.Input == nil {
			c.Input = map[string]any{}
		}
		ot, or, od, err := oldP.decide(&c, oldDues)
		if err != nil {
			p.addError(out, LineError{Line: ln, ID: c.ID, Err: "old policy: " + err.Error()})
			continue
		}
		nt, nr, nd, err := newP.decide(&c, newDues)
		if err != nil {
			p.addError(out, LineError{Line: ln, ID: c.ID, Err: "new policy: " + err.Error()})
			continue
		}
		p.cases++
		p.matrix[Transition{ot, nt}]++
		p.oldHits[or]++
		p.newHits[nr]++
		tierCh, ruleCh, dueCh := ot != nt, or != nr, !od.Equal(nd)
		if !tierCh && !ruleCh && !dueCh {
			continue
		}
		p.changedCount++
		if tierCh {
			p.tierChanged++
		}
		if ruleCh {
			p.ruleChanged++
		}
		if dueCh {
			p.dueChanged++
		}
		// Within a batch lines are in order, so the first maxChanged are the ones any run
		// could keep.
		if maxChanged <= 0 || len(out.changed) < maxChanged {
			out.changed = append(out.changed, ChangedCase{ID: c.ID, Line: ln, OldTier: ot, OldRule: or, NewTier: nt, NewRule: nr, OldDue: od, NewDue: nd})
		}
	}
}

// addError counts a bad line in p and keeps it in out.
func (p *partial) addError(out *partial, e LineError) {
	p.errorCount++
	if len(out.errors) < MaxLineErrors {
		out.errors = append(out.errors, e)
	}
}

func (r *DiffResult) merge(p *partial, maxChanged int) {
	r.Cases += p.cases
	for k, v := range p.matrix {
		r.Matrix[k] += v
	}
	for k, v := range p.oldHits {
		r.OldRuleHits[k] += v
	}
	for k, v := range p.newHits {
		r.NewRuleHits[k] += v
	}
	r.ChangedCount += p.changedCount
	r.TierChanged += p.tierChanged
	r.RuleChanged += p.ruleChanged
	r.DueChanged += p.dueChanged
	r.ErrorCount += p.errorCount
	r.Changed = append(r.Changed, p.changed...)
	// Keep memory bounded: batches arrive out of order, so keep the lowest lines seen so far.
	if maxChanged > 0 && len(r.Changed) > 2*maxChanged {
		sortChanged(r.Changed)
		r.Changed = r.Changed[:maxChanged]
	}
	r.Errors = append(r.Errors, p.errors...)
	if len(r.Errors) > 2*MaxLineErrors {
		sort.Slice(r.Errors, func(i, j int) bool { return r.Errors[i].Line < r.Errors[j].Line })
		r.Errors = r.Errors[:MaxLineErrors]
	}
}

// Transitions returns the matrix entries sorted by From then To, comparing tier ids with
// digit runs as numbers (T1 < T3 < T10).
func (r *DiffResult) Transitions() []TransitionCount {
	out := make([]TransitionCount, 0, len(r.Matrix))
	for k, v := range r.Matrix {
		out = append(out, TransitionCount{k.From, k.To, v})
	}
	order := r.tierOrder()
	rank := func(t string) int {
		if i := slices.Index(order, t); i >= 0 {
			return i
		}
		return len(order)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.From != b.From {
			return rank(a.From) < rank(b.From) || rank(a.From) == rank(b.From) && a.From < b.From
		}
		return rank(a.To) < rank(b.To) || rank(a.To) == rank(b.To) && a.To < b.To
	})
	return out
}

// TransitionCount is one cell of the transition matrix.
type TransitionCount struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int    `json:"count"`
}

// tierOrder lists the tiers that occur in the matrix, sorted naturally (T1 < T3 < T10).
func (r *DiffResult) tierOrder() []string {
	seen := map[string]bool{}
	var out []string
	for k := range r.Matrix {
		for _, t := range []string{k.From, k.To} {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i], out[j]) })
	return out
}

// naturalLess compares strings with digit runs compared as numbers, so that T3 < T10.
func naturalLess(a, b string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na, nb := bytes.TrimLeft([]byte(a[si:i]), "0"), bytes.TrimLeft([]byte(b[sj:j]), "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if c := bytes.Compare(na, nb); c != 0 {
				return c < 0
			}
			continue
		}
		if ca != cb {
			return ca < cb
		}
		i++
		j++
	}
	return len(a)-i < len(b)-j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
