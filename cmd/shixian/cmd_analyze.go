package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/shixian-go/shixian/sla/slatest"
)

type analyzeOpts struct {
	format     *enumFlag
	maxClasses int
	maxTime    time.Duration
}

// defaultMaxTime bounds analyze and diff --exhaustive on a policy whose conditions are costly
// to evaluate; an ordinary policy takes milliseconds.
const defaultMaxTime = 10 * time.Second

func analyzeCommand() *command {
	return &command{
		name:       "analyze",
		synopsis:   "shixian analyze POLICY [--format text|json] [--max-classes N] [--max-time DURATION]",
		summary:    "evaluate a policy's rules on every kind of input: dead and shadowed rules, inputs that fall to the default",
		positional: "POLICY",
		details: `Cuts each field's values into classes by what the rules compare it with (each declared value or
text literal, any other text, each side of each number or instant threshold and the threshold
itself, each text tested in a list present or absent, a list's length likewise, true and false), classifies one example
input of every combination with the policy's own classifier and reports: the rules that can never
decide (and the earlier rules that shadow them), the rules partly shadowed, example inputs that
fall to the default, and how many classes each tier and rule gets.

A condition the classes do not decide exactly (arithmetic on a field, a function call, two fields
compared, text functions such as startsWith) is listed by rule and the result is marked not
exact. Past --max-classes classes (default 65536) a fixed random sample is evaluated and the
report says it is not exhaustive; --max-time (default 10s) stops a policy whose conditions are
costly to evaluate, and the report says where it stopped. json: one object with the keys unreachable ([{rule,
shadowed_by, classes, example}]), partly_shadowed, reaches_default (example inputs), tiers (tier →
classes), rules, exact, exhaustive, classes, evaluated, sampling, fields and inexact.

Exit code 0 whatever the findings (shixian lint fails on rules that can never decide); 2 if the
policy cannot be loaded.`,
		examples: []string{
			"shixian analyze examples/policies/xinyu-1310.yaml",
			"shixian analyze policy.yaml --format json",
		},
		setup: func(fs *flag.FlagSet) any {
			o := &analyzeOpts{format: newEnum("text", "text", "json")}
			fs.Var(o.format, "format", "output `FORMAT`: text or json")
			fs.IntVar(&o.maxClasses, "max-classes", 0, fmt.Sprintf("evaluate at most `N` input classes (0 = %d, at most %d)", slatest.DefaultMaxClasses, slatest.MaxClassesLimit))
			fs.DurationVar(&o.maxTime, "max-time", defaultMaxTime, "stop evaluating after `DURATION` (0 = no limit)")
			return o
		},
		run: runAnalyze,
	}
}

func runAnalyze(e *env, opts any, args []string) int {
	o := opts.(*analyzeOpts)
	if len(args) != 1 {
		return fail(e, "analyze", usagef("want one POLICY file, got %d argument(s)", len(args)))
	}
	if o.maxClasses < 0 || o.maxClasses > slatest.MaxClassesLimit {
		return fail(e, "analyze", usagef("--max-classes must be between 0 and %d", slatest.MaxClassesLimit))
	}
	if o.maxTime < 0 {
		return fail(e, "analyze", usagef("--max-time must not be negative"))
	}
	p, err := readPolicy(args[0])
	if err != nil {
		return fail(e, "analyze", err)
	}
	a, err := slatest.AnalyzeWith(p, slatest.AnalyzeOptions{MaxClasses: o.maxClasses, MaxTime: o.maxTime})
	if err != nil {
		return fail(e, "analyze", err)
	}
	if o.format.value == "json" {
		err = a.WriteJSON(e.stdout)
	} else {
		err = a.WriteText(e.text)
	}
	if err != nil {
		return fail(e, "analyze", err)
	}
	return exitOK
}
