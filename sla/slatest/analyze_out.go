package slatest

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
)

// maxTextExamples is how many example inputs the text reports list per section.
const maxTextExamples = 20

// WriteJSON writes the analysis as one indented JSON object (keys as documented on Analysis;
// example inputs with times in RFC 3339).
func (a *Analysis) WriteJSON(w io.Writer) error { return writeJSONNoEscape(w, a) }

// WriteJSON writes the exhaustive diff as one indented JSON object.
func (r *ExhaustiveDiff) WriteJSON(w io.Writer) error { return writeJSONNoEscape(w, r) }

func writeJSONNoEscape(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // "< 3" stays readable
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// inputText shows an example input on one line, fields in name order, as JSON would.
func inputText(in map[string]any) string {
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteString(": ")
		v := in[k]
		if t, ok := v.(time.Time); ok {
			v = t.In(cst).Format(time.RFC3339Nano)
		}
		var vb strings.Builder
		enc := json.NewEncoder(&vb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			fmt.Fprint(&b, v)
			continue
		}
		b.WriteString(strings.TrimSuffix(vb.String(), "\n"))
	}
	b.WriteByte('}')
	return b.String()
}

func coverage(exact, exhaustive bool, evaluated, classes int, sampling string) string {
	switch {
	case exact:
		return fmt.Sprintf("%d input classes, every one evaluated; exact", classes)
	case exhaustive:
		return fmt.Sprintf("%d input classes, every one evaluated; NOT exact: some conditions are outside what the classes decide (below)", classes)
	}
	return "NOT exhaustive: " + sampling
}

// WriteText writes the analysis for people: coverage, how each field was cut, the conditions
// the classes do not decide exactly, unreachable and partly shadowed rules, inputs that fall
// to the default (the first 20) and the classes per tier and per rule.
func (a *Analysis) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "policy: %s\n", a.Policy)
	fmt.Fprintf(&b, "coverage: %s\n", coverage(a.Exact, a.Exhaustive, a.Evaluated, a.Classes, a.Sampling))
	writeFields(&b, a.Fields)
	writeInexact(&b, a.Inexact)

	fmt.Fprintf(&b, "\nrules that can never decide (%d):\n", len(a.Unreachable))
	if len(a.Unreachable) == 0 {
		b.WriteString("  none\n")
	}
	for _, u := range a.Unreachable {
		note := ""
		if !u.Proven {
			note = " (not proven: on the inputs evaluated)"
		}
		if len(u.ShadowedBy) == 0 {
			fmt.Fprintf(&b, "  %s: its condition is false for every input%s\n", u.Rule, note)
			continue
		}
		fmt.Fprintf(&b, "  %s: shadowed by %s in all %s where it matches%s, e.g. %s\n", u.Rule, strings.Join(u.ShadowedBy, ", "), classes(u.Classes), note, inputText(u.Example))
	}
	fmt.Fprintf(&b, "\nrules partly shadowed (%d):\n", len(a.PartlyShadowed))
	if len(a.PartlyShadowed) == 0 {
		b.WriteString("  none\n")
	}
	for _, u := range a.PartlyShadowed {
		fmt.Fprintf(&b, "  %s: shadowed by %s in %s, e.g. %s\n", u.Rule, strings.Join(u.ShadowedBy, ", "), classes(u.Classes), inputText(u.Example))
	}
	def := "the default (" + a.DefaultTier + ")"
	fmt.Fprintf(&b, "\ninputs that fall to %s: %s\n", def, classes(a.DefaultClasses))
	for i, in := range a.ReachesDefault {
		if i == maxTextExamples {
			fmt.Fprintf(&b, "  … %d more\n", a.DefaultClasses-i)
			break
		}
		fmt.Fprintf(&b, "  %s\n", inputText(in))
	}
	b.WriteString("\nclasses per tier:\n")
	tw := 0
	for _, t := range a.tiers {
		tw = max(tw, diag.Width(t))
	}
	for _, t := range a.tiers {
		fmt.Fprintf(&b, "  %s%s %d\n", t, strings.Repeat(" ", tw-diag.Width(t)), a.Tiers[t])
	}
	b.WriteString("\nclasses per rule:\n")
	rw := 0
	for _, id := range a.order {
		rw = max(rw, diag.Width(id))
	}
	for _, id := range a.order {
		fmt.Fprintf(&b, "  %s%s %d\n", id, strings.Repeat(" ", rw-diag.Width(id)), a.Rules[id])
	}
	if a.ErrorCount > 0 {
		fmt.Fprintf(&b, "\nclasses the classifier refused: %d\n", a.ErrorCount)
		for i, e := range a.Errors {
			if i == maxTextExamples {
				break
			}
			fmt.Fprintf(&b, "  %s: %s\n", inputText(e.Input), e.Err)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// classes is "1 class" or "N classes".
func classes(n int) string {
	if n == 1 {
		return "1 class"
	}
	return fmt.Sprintf("%d classes", n)
}

func writeFields(b *strings.Builder, fs []FieldClasses) {
	b.WriteString("\nclasses of each field:\n")
	if len(fs) == 0 {
		b.WriteString("  none: no rule reads a field\n")
	}
	for _, f := range fs {
		fmt.Fprintf(b, "  %s: %s\n", f.Field, strings.Join(f.Classes, " | "))
	}
}

func writeInexact(b *strings.Builder, in []InexactRule) {
	if len(in) == 0 {
		return
	}
	fmt.Fprintf(b, "\nconditions the classes do not decide exactly (%d):\n", len(in))
	for _, x := range in {
		p := ""
		if x.Policy != "" {
			p = x.Policy + " "
		}
		fmt.Fprintf(b, "  %srule %s: %s\n", p, x.Rule, x.Why)
	}
}

// WriteText writes the exhaustive diff for people: coverage, how each field was cut, the
// transitions with their class counts and, under each, its changed classes (the first 20),
// and the unexpected changes when Apply was called.
func (r *ExhaustiveDiff) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "old: %s\nnew: %s\n", r.Old, r.New)
	fmt.Fprintf(&b, "coverage: %s\n", coverage(r.Exact, r.Exhaustive, r.Evaluated, r.Classes, r.Sampling))
	fmt.Fprintf(&b, "changed classes: %d, unchanged: %d\n", r.ChangeCount, r.Unchanged)
	writeFields(&b, r.Fields)
	writeInexact(&b, r.Inexact)
	b.WriteString("\ntransitions:\n")
	if len(r.Transitions) == 0 {
		b.WriteString("  none: the two versions decide every input class alike\n")
	}
	at := 0
	for _, t := range r.Transitions {
		fmt.Fprintf(&b, "  %s → %s: %s\n", t.Old, t.New, classes(t.Classes))
		shown := 0
		for ; at < len(r.Changes) && sameTransition(r.Changes[at], t); at++ {
			c := r.Changes[at]
			if shown == maxTextExamples {
				continue
			}
			shown++
			mark := ""
			if r.applied && !c.Expected {
				mark = "  (unexpected)"
			}
			fmt.Fprintf(&b, "      %s%s\n", inputText(c.Input), mark)
			if c.Old.Error != "" {
				fmt.Fprintf(&b, "        old refuses it: %s\n", c.Old.Error)
			}
			if c.New.Error != "" {
				fmt.Fprintf(&b, "        new refuses it: %s\n", c.New.Error)
			}
		}
		if shown < t.Classes {
			fmt.Fprintf(&b, "      … %d more\n", t.Classes-shown)
		}
	}
	if len(r.Changes) < r.ChangeCount {
		fmt.Fprintf(&b, "\n%d of the %d changed classes are listed (slatest.MaxListedChanges, MaxListedValues)\n", len(r.Changes), r.ChangeCount)
	}
	if r.applied {
		fmt.Fprintf(&b, "\nunexpected changes: %d\n", len(r.Unexpected))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// sameTransition reports whether a change belongs to a transition.
func sameTransition(c ClassChange, t ClassTransition) bool {
	return c.Old.Tier == t.Old.Tier && c.Old.Rule == t.Old.Rule && (c.Old.Error != "") == (t.Old.Error != "") &&
		c.New.Tier == t.New.Tier && c.New.Rule == t.New.Rule && (c.New.Error != "") == (t.New.Error != "")
}
