package slatest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
)

// WriteText writes a human summary: ✓/✗ per case with its failures, the coverage table, the
// rules no case exercised and a PASS/FAIL line. Output is deterministic.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "suite %q (%s) against policy %s %s (sha256 %s)\n", r.Suite, r.File, r.PolicyID, r.PolicyVersion, short(r.PolicyHash))
	failed := 0
	for _, c := range r.Cases {
		if c.Passed {
			fmt.Fprintf(&b, "  ✓ %s\n", c.Name)
			continue
		}
		failed++
		fmt.Fprintf(&b, "  ✗ %s (%s:%d)\n", c.Name, r.File, c.Line)
		for _, f := range c.Failures {
			fmt.Fprintf(&b, "      %s\n", f)
		}
		if c.Decision != nil {
			fmt.Fprintf(&b, "      decision: %s\n", c.Decision.String())
		}
	}
	b.WriteString("coverage:\n")
	width := diag.Width("rule")
	for _, h := range r.Coverage.Rules {
		width = max(width, diag.Width(h.RuleID))
	}
	for _, h := range r.Coverage.Rules {
		mark := ""
		if h.Hits == 0 {
			mark = "  ← not exercised"
		}
		fmt.Fprintf(&b, "  %s %4d%s\n", diag.PadRight(h.RuleID, width), h.Hits, mark)
	}
	fmt.Fprintf(&b, "  %d of %d exercised (%s)", r.Coverage.Covered, r.Coverage.Total, percent(r.Coverage.Percent))
	if r.MinCoverage > 0 {
		fmt.Fprintf(&b, ", minimum %s", percent(r.MinCoverage))
		if r.CoverageFailed {
			b.WriteString(" — BELOW MINIMUM")
		}
	}
	b.WriteByte('\n')
	if u := r.Coverage.Unexercised(); len(u) > 0 {
		fmt.Fprintf(&b, "not exercised: %s\n", strings.Join(u, ", "))
	}
	verdict := "PASS"
	if !r.Passed {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "%s: %d passed, %d failed\n", verdict, len(r.Cases)-failed, failed)
	_, err := io.WriteString(w, b.String())
	return err
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

type jsonCase struct {
	Name        string          `json:"name"`
	Line        int             `json:"line"`
	Passed      bool            `json:"passed"`
	Failures    []string        `json:"failures,omitempty"`
	Decision    json.RawMessage `json:"decision,omitempty"`
	Tier        string          `json:"tier,omitempty"`
	Due         string          `json:"due,omitempty"`
	LastDay     string          `json:"last_day,omitempty"`
	Provisional bool            `json:"provisional"`
	State       string          `json:"state,omitempty"`
	Error       string          `json:"error,omitempty"`
	Explanation []string        `json:"explanation,omitempty"`
}

type jsonRule struct {
	Rule string `json:"rule"`
	Hits int    `json:"hits"`
}

type jsonResult struct {
	Format string `json:"format"`
	Suite  string `json:"suite"`
	File   string `json:"file"`
	Policy struct {
		ID      string `json:"id"`
		Version string `json:"version"`
		Hash    string `json:"hash"`
	} `json:"policy"`
	Passed   bool       `json:"passed"`
	Cases    []jsonCase `json:"cases"`
	Coverage struct {
		Rules       []jsonRule `json:"rules"`
		Covered     int        `json:"covered"`
		Total       int        `json:"total"`
		Percent     float64    `json:"percent"`
		Min         float64    `json:"min,omitempty"`
		Failed      bool       `json:"failed"`
		Unexercised []string   `json:"unexercised"`
	} `json:"coverage"`
}

// WriteJSON writes the result as one indented JSON object (format "shixian-suite-result/v1"):
// policy {id, version, hash}, passed, cases [{name, line, passed, failures, decision, tier,
// due (RFC 3339, UTC+8), last_day (YYYY-MM-DD), provisional, state, error, explanation}],
// coverage {rules [{rule, hits}], covered, total, percent, min, failed, unexercised}.
func (r *Result) WriteJSON(w io.Writer) error {
	var out jsonResult
	out.Format = "shixian-suite-result/v1"
	out.Suite, out.File, out.Passed = r.Suite, r.File, r.Passed
	out.Policy.ID, out.Policy.Version, out.Policy.Hash = r.PolicyID, r.PolicyVersion, r.PolicyHash
	out.Cases = make([]jsonCase, 0, len(r.Cases))
	for _, c := range r.Cases {
		jc := jsonCase{Name: c.Name, Line: c.Line, Passed: c.Passed, Failures: c.Failures, Tier: c.Tier,
			Provisional: c.Provisional, State: string(c.State), Error: c.Error, Explanation: c.Explanation}
		if c.Decision != nil {
			raw, err := json.Marshal(*c.Decision)
			if err != nil {
				return fmt.Errorf("slatest: encoding the decision of case %q: %w", c.Name, err)
			}
			jc.Decision = raw
		}
		if !c.Due.IsZero() {
			jc.Due = c.Due.In(cst).Format(time.RFC3339)
		}
		if !c.LastDay.IsZero() {
			jc.LastDay = c.LastDay.In(cst).Format(time.DateOnly)
		}
		out.Cases = append(out.Cases, jc)
	}
	out.Coverage.Rules = make([]jsonRule, 0, len(r.Coverage.Rules))
	for _, h := range r.Coverage.Rules {
		out.Coverage.Rules = append(out.Coverage.Rules, jsonRule{h.RuleID, h.Hits})
	}
	out.Coverage.Covered, out.Coverage.Total = r.Coverage.Covered, r.Coverage.Total
	out.Coverage.Percent = float64(int(r.Coverage.Percent*10+0.5)) / 10
	out.Coverage.Min, out.Coverage.Failed = r.MinCoverage, r.CoverageFailed
	out.Coverage.Unexercised = r.Coverage.Unexercised()
	if out.Coverage.Unexercised == nil {
		out.Coverage.Unexercised = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string          `xml:"name,attr"`
	Tests    int             `xml:"tests,attr"`
	Failures int             `xml:"failures,attr"`
	Errors   int             `xml:"errors,attr"`
	File     string          `xml:"file,attr,omitempty"`
	Props    []junitProperty `xml:"properties>property,omitempty"`
	Cases    []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// WriteJUnit writes JUnit XML (testsuites/testsuite/testcase/failure) for CI systems: one
// testcase per suite case, plus a testcase "coverage" when the suite sets min_coverage. Times
// are "0" so that the output is reproducible.
func (r *Result) WriteJUnit(w io.Writer) error {
	name := r.Suite
	if name == "" {
		name = r.File
	}
	s := junitSuite{Name: name, File: r.File, Props: []junitProperty{
		{"policy.id", r.PolicyID}, {"policy.version", r.PolicyVersion}, {"policy.hash", r.PolicyHash},
		{"coverage", percent(r.Coverage.Percent)},
	}}
	for _, c := range r.Cases {
		jc := junitCase{Name: c.Name, Classname: name, File: r.File, Line: c.Line, Time: "0"}
		if !c.Passed {
			s.Failures++
			text := strings.Join(c.Failures, "\n")
			if c.Decision != nil {
				text += "\ndecision: " + c.Decision.String()
			}
			jc.Failure = &junitFailure{Message: c.Failures[0], Type: "mismatch", Text: text}
		}
		s.Cases = append(s.Cases, jc)
	}
	if r.MinCoverage > 0 {
		jc := junitCase{Name: "coverage", Classname: name, File: r.File, Time: "0"}
		if r.CoverageFailed {
			s.Failures++
			msg := fmt.Sprintf("rule coverage %s is below min_coverage %s", percent(r.Coverage.Percent), percent(r.MinCoverage))
			jc.Failure = &junitFailure{Message: msg, Type: "coverage", Text: "not exercised: " + strings.Join(r.Coverage.Unexercised(), ", ")}
		}
		s.Cases = append(s.Cases, jc)
	}
	s.Tests = len(s.Cases)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: []junitSuite{s}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
