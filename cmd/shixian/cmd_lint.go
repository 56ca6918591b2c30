package main

import (
	"flag"
	"fmt"
	"strings"
)

func lintCommand() *command {
	return &command{
		name:       "lint",
		synopsis:   "shixian lint POLICY…",
		summary:    "check policy files: schema, tiers, counting conventions, rules and their lints",
		positional: "POLICY…",
		details: `Loads each policy file strictly (unknown keys, wrong types, unknown tiers or fields, rules that
can never decide, duplicate conditions, …). Every problem of every file is printed on stderr as
file:line:column with the source line and a caret under the fault; exit 2 if there is any.
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
		p, err := readPolicy(path)
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
