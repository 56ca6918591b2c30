package policydoc

import (
	"testing"
	"unicode/utf8"

	"github.com/expr-lang/expr/parser"
)

// FuzzSentence: no condition text makes the sentencer panic, and what it says is never empty;
// a condition it says is one expr parses. The seeds run as ordinary tests.
func FuzzSentence(f *testing.F) {
	for _, seed := range []string{
		`cause == "historical_legacy"`, `cause in ["historical_legacy", "policy_bottleneck"]`,
		`"cross_department" in tags && cause != "unclear_request"`, `units >= 3 || ("x" in tags && !urgent)`,
		`cause not in ["other"]`, `!(cause in [])`, `units * 2 > 7`, `urgent ? true : false`, `-units > -3`,
		`((((urgent))))`, `cause ==`, `"`, `score <= 1e400`, `units > 99999999999999999999`, "",
	} {
		f.Add(seed)
	}
	s := newSentencer(testSchema)
	f.Fuzz(func(t *testing.T, when string) {
		if len(when) > 2048 {
			t.Skip("conditions are at most 8 KiB and 32 levels deep once loaded; the fuzzer stays well inside")
		}
		out, ok := s.sentence(when)
		if !ok {
			return
		}
		if out == "" || !utf8.ValidString(out) {
			t.Fatalf("sentence of %q is %q", when, out)
		}
		if _, err := parser.Parse(when); err != nil {
			t.Fatalf("said %q for a condition that does not parse: %v", out, err)
		}
	})
}
