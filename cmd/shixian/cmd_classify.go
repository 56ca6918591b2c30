package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/shixian-go/shixian/internal/wire"
	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

type classifyOpts struct {
	policy, input, cases, accepted string
	explain                        bool
	lang                           *enumFlag
	cal                            *calFlags
}

func classifyCommand() *command {
	return &command{
		name:     "classify",
		synopsis: "shixian classify --policy FILE (--input JSON | --cases FILE.jsonl) [--accepted RFC3339] [--explain [--lang zh|en]] [--schedule FILE]… [--strict]",
		summary:  "sort cases into tiers by a policy's rules and give each its deadline",
		details: `--input is one case's input fields as a JSON object, e.g. '{"cause":"complex"}'; it needs
--accepted. --cases is a JSON-lines file ("-" = stdin), one case per line in the corpus format
{"id": "C-1", "accepted": "2025-09-30T17:00:00+08:00", "input": {…}}; --accepted is the default
for lines without "accepted". The file is streamed: memory stays flat however long it is, and
progress is shown on stderr when stderr is a terminal.

Output (default): one JSON object per case and line:
  {"id", "accepted", "tier", "rule", "reason", "basis", "default", "policy": {"id", "version",
   "hash"}, "shadowed": [rule ids], "fields": {name: value}, "ignored": [keys] (only under
   input_extra: ignore), "deadline": {…}}
rule is "" when the default decided (then "default" is true); fields are the values the deciding
rule read; deadline is the library's wire format (sla/schema/shixian-v1.schema.json,
#/$defs/Deadline) without the day lists and explanation: "due" is the exclusive instant
(RFC 3339), "last_day" YYYY-MM-DD, "provisional" whether a counted day is not yet official.
--explain prints a block per case for people instead: with --lang zh in plain Chinese (the
deadline explained with every makeup working day 调休上班 named and the statutes cited), with
--lang en with Chinese and English labels. Default: zh for a policy whose title or tier labels
are Chinese, else en.

` + badLinesHelp,
		examples: []string{
			`shixian classify --policy examples/policies/xinyu-1310.yaml --input '{"cause":"complex"}' --accepted 2025-09-30T17:00:00+08:00 --explain`,
			`shixian classify --policy policy.yaml --cases corpus.jsonl > decisions.jsonl`,
			`zcat corpus.jsonl.gz | shixian classify --policy policy.yaml --cases - --accepted 2025-10-09T09:00:00+08:00`,
		},
		setup: func(fs *flag.FlagSet) any {
			o := &classifyOpts{}
			fs.StringVar(&o.policy, "policy", "", "policy `FILE` (shixian/v1 YAML), required")
			fs.StringVar(&o.input, "input", "", "one case's input as a `JSON` object")
			fs.StringVar(&o.cases, "cases", "", "JSON-lines `FILE` of cases (\"-\" = stdin)")
			fs.StringVar(&o.accepted, "accepted", "", "acceptance `instant` (RFC 3339); required with --input, default for --cases lines")
			fs.BoolVar(&o.explain, "explain", false, "print a readable explanation per case instead of JSON lines")
			o.lang = addLangFlag(fs)
			o.cal = addCalFlags(fs)
			return o
		},
		run: runClassify,
	}
}

// corpusLine is one line of a cases file (the slatest corpus format). Unknown keys are ignored
// so that richer exports can be fed as they are.
type corpusLine struct {
	ID       string         `json:"id"`
	Accepted string         `json:"accepted"`
	Input    map[string]any `json:"input"`
}

func runClassify(e *env, opts any, _ []string) int {
	o := opts.(*classifyOpts)
	if (o.input == "") == (o.cases == "") {
		return fail(e, "classify", usagef("give exactly one of --input JSON or --cases FILE.jsonl"))
	}
	var defAccepted time.Time
	if o.accepted != "" || o.input != "" {
		var err error
		if defAccepted, err = parseInstant("accepted", o.accepted); err != nil {
			return fail(e, "classify", err)
		}
	}
	if o.lang.value != "" && !o.explain {
		return fail(e, "classify", usagef("--lang chooses the language of --explain; give --explain too"))
	}
	p, err := loadPolicy(o.policy, o.cal)
	if err != nil {
		return fail(e, "classify", err)
	}
	cl := &classifier{p: p, explain: o.explain, lang: explainLang(o.lang, p)}
	if o.input != "" {
		if len(o.input) > sla.MaxCaseBytes {
			return fail(e, "classify", fmt.Errorf("--input is longer than the %s a case may have", sizeText(sla.MaxCaseBytes)))
		}
		if off := invalidUTF8([]byte(o.input)); off >= 0 {
			return fail(e, "classify", fmt.Errorf("--input:1:%d: %v", lineColumn([]byte(o.input), off), errInvalidUTF8))
		}
		var input map[string]any
		if err := decodeObject([]byte(o.input), &input); err != nil {
			col := jsonErrorColumn([]byte(o.input), err)
			return fail(e, "classify", fmt.Errorf("--input:1:%d: %v", max(col, 1), err))
		}
		out, err := cl.render("", 0, defAccepted, input)
		if err != nil {
			return fail(e, "classify", fmt.Errorf("--input: %w", err))
		}
		w := e.stdout
		if o.explain {
			w = e.text
		}
		if _, err := w.Write(out); err != nil {
			return fail(e, "classify", err)
		}
		return exitOK
	}
	r, name, closer, err := openInput(e, o.cases)
	if err != nil {
		return fail(e, "classify", err)
	}
	defer closer()
	lr := newLineReader(name, r)
	prog := newProgress(e.rawStderr, "classify")
	bad := newBadLines(e, "classify", name)
	last := 0
	out := e.stdout
	if o.explain {
		out = e.text
	}
	// Lines are decoded, classified and rendered on every core; output keeps the input order.
	err = pipeline(lr, runtime.GOMAXPROCS(0), func(it lineItem) lineOutcome {
		return cl.line(name, it, defAccepted)
	}, func(it lineItem, o lineOutcome) error {
		last = it.no
		prog.tick(it.no)
		if o.msg != "" {
			return bad.add(it.no, o.msg, o.tooLong)
		}
		_, err := out.Write(o.out)
		return err
	})
	if err != nil && !errors.Is(err, errStopReading) {
		return fail(e, "classify", err)
	}
	prog.done(last)
	return bad.finish()
}

// lineOutcome is the rendered result of one line, or the message for a bad line.
type lineOutcome struct {
	out     []byte
	msg     string
	tooLong bool // the line is over the limit: reading stopped there
}

// line handles one line of a cases file; it is safe for concurrent use.
func (c *classifier) line(name string, it lineItem, defAccepted time.Time) lineOutcome {
	if col, tooLong, err := lineProblem(it); err != nil {
		return lineOutcome{msg: lineError(name, it.no, col, err), tooLong: tooLong}
	}
	// Every message names the line and the column of what is wrong in it.
	bad := func(err error, badAccepted bool) lineOutcome {
		return lineOutcome{msg: lineError(name, it.no, lineColumn(it.data, corpusLineOffset(it.data, err, badAccepted)), err)}
	}
	var cl1 corpusLine
	if err := decodeObject(it.data, &cl1); err != nil {
		return bad(err, false)
	}
	accepted := defAccepted
	if cl1.Accepted != "" {
		var err error
		if accepted, err = time.Parse(time.RFC3339, cl1.Accepted); err != nil {
			return bad(fmt.Errorf("case %q: accepted %q is not an RFC 3339 instant", cl1.ID, cl1.Accepted), true)
		}
	}
	if accepted.IsZero() {
		return bad(fmt.Errorf("case %q has no \"accepted\" and no --accepted was given", cl1.ID), false)
	}
	out, err := c.render(cl1.ID, it.no, accepted, cl1.Input)
	if err != nil {
		return bad(fmt.Errorf("case %q: %w", cl1.ID, err), false)
	}
	return lineOutcome{out: out}
}

// decodeObject decodes one JSON value. json.Unmarshal validates the whole text first, so
// truncated lines and trailing data are *json.SyntaxError values with an offset (a column).
func decodeObject(data []byte, v any) error {
	return json.Unmarshal(data, v)
}

// classifier classifies and renders cases; it is safe for concurrent use.
type classifier struct {
	p       *sla.Policy
	explain bool
	lang    deadline.Lang // of the --explain block
}

type policyRef struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Hash    string `json:"hash"`
}

type classifyJSON struct {
	ID       string       `json:"id"`
	Accepted string       `json:"accepted"`
	Tier     string       `json:"tier"`
	Rule     string       `json:"rule"`
	Reason   string       `json:"reason"`
	Basis    string       `json:"basis"`
	Default  bool         `json:"default"`
	Policy   policyRef    `json:"policy"`
	Shadowed []string     `json:"shadowed"`
	Fields   fieldsObject `json:"fields"`
	// Ignored lists the input keys the policy does not declare, which a policy with
	// input_extra: ignore leaves out of the decision (omitted when none).
	Ignored []string `json:"ignored,omitempty"`
	// Deadline is the library's Deadline in its wire format, the object a portal answers
	// with, computed without its explanation (which --explain prints).
	Deadline deadline.Deadline `json:"deadline"`
}

// fieldsObject encodes the fields a rule read as a JSON object in schema order.
type fieldsObject []rules.FieldValue

func (f fieldsObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, fv := range f {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(fv.Name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(fv.Value)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", fv.Name, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// render classifies a case, computes its deadline and renders it (one JSON line, or a text
// block with --explain). Both ask the policy's deadline.Counter; only --explain asks it for the
// explanation, which the JSON lines do not carry.
func (c *classifier) render(id string, line int, accepted time.Time, input map[string]any) ([]byte, error) {
	if input == nil {
		input = map[string]any{}
	}
	d, err := c.p.Classify(input, accepted)
	if err != nil {
		return nil, err
	}
	tier, ok := c.p.Tier(d.Tier)
	if !ok {
		return nil, fmt.Errorf("policy %s has no tier %q", c.p.ID(), d.Tier)
	}
	dl, err := c.p.Counter().Deadline(deadline.Request{Start: accepted, Period: tier.Limit, Explain: c.explain, Lang: c.lang})
	if err != nil {
		return nil, err
	}
	if c.explain {
		var b bytes.Buffer
		if c.lang == deadline.Chinese {
			err = writeDecisionTextZh(&b, c.p, id, line, accepted, d, tier, dl)
			return b.Bytes(), err
		}
		err = writeDecisionText(&b, id, line, accepted, d, tier, dl)
		return b.Bytes(), err
	}
	sh := d.Shadowed()
	if sh == nil {
		sh = []string{}
	}
	var b bytes.Buffer
	err = newJSONEncoder(&b).Encode(classifyJSON{
		ID: id, Accepted: wire.Instant(accepted), Tier: d.Tier, Rule: d.RuleID, Reason: d.Reason, Basis: d.Basis,
		Default: d.Default, Policy: policyRef{d.PolicyID, d.PolicyVersion, d.PolicyHash},
		Shadowed: sh, Fields: fieldsObject(d.Fields), Ignored: d.Ignored, Deadline: dl,
	})
	return b.Bytes(), err
}

func writeDecisionText(w io.Writer, id string, line int, accepted time.Time, d rules.Decision, tier sla.Tier, dl deadline.Deadline) error {
	ew := &errWriter{w: w}
	head := "案件 Case"
	switch {
	case id != "" && line > 0:
		ew.printf("%s: %s (line %d)\n", head, id, line)
	case id != "":
		ew.printf("%s: %s\n", head, id)
	case line > 0:
		ew.printf("%s: line %d\n", head, line)
	}
	ew.printf("受理 Accepted: %s\n", accepted.In(cst).Format("2006-01-02 15:04 MST (Monday)"))
	label := tier.Label
	if tier.LabelEn != "" {
		label += " / " + tier.LabelEn
	}
	ew.printf("分类 Tier: %s — %s (%s)\n", d.Tier, label, tier.Limit)
	if d.Default {
		ew.printf("规则 Rule: (默认 default — no rule matched)\n")
	} else {
		ew.printf("规则 Rule: %s\n", d.RuleID)
	}
	ew.printf("理由 Reason: %s\n", d.Reason)
	if d.Basis != "" {
		ew.printf("依据 Basis: %s\n", d.Basis)
	}
	if len(d.Fields) > 0 {
		parts := make([]string, len(d.Fields))
		for i, f := range d.Fields {
			v, err := json.Marshal(f.Value)
			if err != nil {
				v = []byte(fmt.Sprint(f.Value))
			}
			parts[i] = f.Name + "=" + string(v)
		}
		ew.printf("字段 Fields: %s\n", strings.Join(parts, ", "))
	}
	if len(d.Ignored) > 0 {
		ew.printf("未使用的输入 Ignored input fields (input_extra: ignore): %s\n", strings.Join(d.Ignored, ", "))
	}
	sh := d.Shadowed()
	if len(sh) == 0 {
		ew.printf("被遮蔽的规则 Shadowed: (none 无)\n")
	} else {
		ew.printf("被遮蔽的规则 Shadowed: %s\n", strings.Join(sh, ", "))
	}
	ew.printf("版本 Version: %s v%s (sha256:%s)\n", d.PolicyID, d.PolicyVersion, shortHash(d.PolicyHash))
	ew.printf("期限 Due: %s (exclusive instant %s)\n", dl.LastDayString(), rfc3339(dl.Due))
	if dl.Provisional {
		ew.printf("暂定 Provisional: yes (%s days counted)\n", dl.Certainty)
	}
	ew.printf("说明 Explanation:\n")
	for _, s := range dl.Explanation {
		ew.printf("  %s\n", s)
	}
	ew.printf("\n")
	return ew.err
}
