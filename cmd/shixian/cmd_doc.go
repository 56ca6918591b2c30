package main

import (
	"flag"

	"github.com/shixian-go/shixian/sla/policydoc"
)

func docCommand() *command {
	return &command{
		name:       "doc",
		synopsis:   "shixian doc POLICY [--format md|html]",
		summary:    "render a policy as the public notice an office publishes (政务公开), in Chinese",
		positional: "POLICY",
		details: `Renders the policy file as the notice an office publishes, generated from the same file the
system decides by: title, basis, version and effective dates, each tier with its limit in words
(1个工作日, 当日), each rule as a sentence built from its condition and the policy's labels
(办不成的原因为‘历史遗留问题’或‘政策瓶颈’的，10个工作日内办结。), in order with the first-match
rule stated, the default, how days are counted (from the policy's counting settings, citing 民法典
第二百零一条至第二百零三条, 行政许可法第八十二条 and 第四十五条), warnings, extension limits,
the steps' time limits and the follow-up visit. A condition that has no exact sentence
(arithmetic, a function call, two fields compared) is quoted as written, never paraphrased.

md (default): Markdown. html: one self-contained HTML file (inline CSS; no fonts, scripts or
images fetched; every text escaped) laid out for printing on A4. The library package
sla/policydoc renders the same for a portal.`,
		examples: []string{
			"shixian doc examples/policies/xinyu-1310.yaml",
			"shixian doc examples/policies/xinyu-1310.yaml --format html > notice.html",
		},
		setup: func(fs *flag.FlagSet) any {
			f := newEnum("md", "md", "html")
			fs.Var(f, "format", "output `FORMAT`: md or html")
			return f
		},
		run: runDoc,
	}
}

func runDoc(e *env, opts any, args []string) int {
	format := opts.(*enumFlag).value
	if len(args) != 1 {
		return fail(e, "doc", usagef("name exactly one POLICY file"))
	}
	p, err := readPolicy(args[0])
	if err != nil {
		return fail(e, "doc", err)
	}
	if format == "html" {
		_, err = e.stdout.Write(policydoc.HTML(p))
	} else {
		_, err = e.text.Write(policydoc.Markdown(p))
	}
	if err != nil {
		return fail(e, "doc", err)
	}
	return exitOK
}
