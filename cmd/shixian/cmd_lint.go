package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

func lintCommand() *command {
	return &command{
		name:       "lint",
		synopsis:   "shixian lint POLICY…",
		summary:    "check policy files: schema, tiers, counting conventions, rules and their lints",
		positional: "POLICY…",
		details: `Loads each policy file strictly (unknown keys, wrong types, unknown tiers or fields, rules that
can never decide, duplicate conditions, …), then evaluates the rules on every kind of input (as
shixian analyze does) and reports each rule that can never decide because earlier rules decide
every input it matches, or because it matches none. Every problem of every file is printed on
stderr as file:line:column with the source line and a caret under the fault; exit 2 if there is
any. The analysis only reports what it proves: a policy with more input classes than it
evaluates, or with conditions outside what its classes decide, gets no such problem (run
shixian analyze for what it found).
For each good file one line on stdout: ok <file> (<id> v<version>, N rules).`,
		examples: []string{
			"shixian lint examples/policies/*.yaml",
		},
		setup: func(fs *flag.FlagSet) any { return nil },
		run:   runLint,
	}
}

func runLint(e *env, _ any, args []string) int {
	if len(args) == 0 {
		return fail(e, "lint", usagef("name at least one POLICY file"))
	}
	code := exitOK
	for _, path := range args {
		data, _, err := readFileLimited(nil, path, "policy file", sla.MaxPolicyBytes)
		var p *sla.Policy
		if err == nil {
			p, err = sla.ParsePolicy(path, data)
		}
		if err == nil {
			err = unreachableRules(p, data)
		}
		if err != nil {
			fmt.Fprintln(e.stderr, strings.TrimRight(err.Error(), "\n"))
			code = exitInvalid
			continue
		}
		n := 0
		if set := p.Rules(); set != nil {
			n = len(set.Rules())
		}
		word := "rules"
		if n == 1 {
			word = "rule"
		}
		fmt.Fprintf(e.text, "ok %s (%s v%s, %d %s)\n", path, p.ID(), p.Version(), n, word)
	}
	return code
}

// unreachableRules returns the rules of p that the exhaustive analysis proves can never decide,
// as problems at their positions in the file (data); nil when there are none or the analysis
// is not a proof.
func unreachableRules(p *sla.Policy, data []byte) error {
	a, err := slatest.AnalyzeWith(p, slatest.AnalyzeOptions{MaxClasses: lintMaxClasses, MaxTime: lintMaxTime})
	if err != nil {
		return nil // the analysis cannot cut this policy's inputs; lint reports what it proves
	}
	return a.UnreachableProblems(data).Err()
}

// lintMaxClasses and lintMaxTime bound the analysis lint runs on every file, so that lint
// stays fast: about 30 ms per file at the class bound for ordinary conditions (see
// BENCHMARKS.md), and never much more than the time bound for conditions that are costly to
// evaluate. A bounded analysis proves nothing and reports nothing.
const (
	lintMaxClasses = 1 << 14
	lintMaxTime    = 250 * time.Millisecond
)
