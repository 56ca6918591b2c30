package slatest

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
)

// maxTextChanged is how many changed (and unexpected) cases WriteText lists before "… N more".
const maxTextChanged = 50

// String returns "id version (sha256 <first 12 hex digits>)".
func (p PolicyRef) String() string {
	return fmt.Sprintf("%s %s (sha256 %s)", p.ID, p.Version, short(p.Hash))
}

// dueText shows an exclusive due instant the way case officers read deadlines: midnight as
// "24:00" of the last day (民法典 art. 203), otherwise the instant itself.
func dueText(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	t = t.In(cst)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.AddDate(0, 0, -1).Format(time.DateOnly) + " 24:00"
	}
	return t.Format("2006-01-02 15:04")
}

// WriteText writes the diff for people: totals, the tier transition matrix (rows old, columns
// new), per-rule firing counts old vs new, the changed cases (the first 50, then "… N more"),
// the unexpected moves when Apply was called, and the bad lines.
func (r *DiffResult) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "old: %s\nnew: %s\n", r.Old, r.New)
	fmt.Fprintf(&b, "cases: %d, changed: %d (tier %d, rule %d, due %d), bad lines: %d\n",
		r.Cases, r.ChangedCount, r.TierChanged, r.RuleChanged, r.DueChanged, r.ErrorCount)

	tiers := r.tierOrder()
	b.WriteString("\ntier transitions (rows: old, columns: new):\n")
	// Widths are display columns (diag.Width), so that Chinese tier and rule ids line up.
	width := diag.Width("old\\new")
	for _, t := range tiers {
		width = max(width, diag.Width(t))
	}
	col := width
	for _, t := range tiers {
		for _, u := range tiers {
			col = max(col, len(fmt.Sprint(r.Matrix[Transition{t, u}])))
		}
	}
	fmt.Fprintf(&b, "  %s", diag.PadRight("old\\new", width))
	for _, t := range tiers {
		fmt.Fprintf(&b, " %s", diag.PadLeft(t, col))
	}
	b.WriteByte('\n')
	for _, t := range tiers {
		fmt.Fprintf(&b, "  %s", diag.PadRight(t, width))
		for _, u := range tiers {
			fmt.Fprintf(&b, " %*d", col, r.Matrix[Transition{t, u}])
		}
		b.WriteByte('\n')
	}

	b.WriteString("\nrule firings:\n")
	ids := r.ruleOrder()
	rw := diag.Width("rule")
	for _, id := range ids {
		rw = max(rw, diag.Width(id))
	}
	fmt.Fprintf(&b, "  %s %8s %8s %8s\n", diag.PadRight("rule", rw), "old", "new", "delta")
	for _, id := range ids {
		o, on := r.OldRuleHits[id]
		n, nn := r.NewRuleHits[id]
		os, ns := fmt.Sprint(o), fmt.Sprint(n)
		if !on {
			os = "-"
		}
		if !nn {
			ns = "-"
		}
		fmt.Fprintf(&b, "  %s %8s %8s %+8d\n", diag.PadRight(id, rw), os, ns, n-o)
	}

	writeCases := func(title string, cs []ChangedCase, total int) {
		fmt.Fprintf(&b, "\n%s (%d):\n", title, total)
		if total == 0 {
			b.WriteString("  none\n")
			return
		}
		pad := diag.PadRight
		fmt.Fprintf(&b, "  %6s  %s %s %s %-18s %-18s\n", "line", pad("id", 12), pad("old tier/rule", 28), pad("new tier/rule", 28), "old due (last day)", "new due (last day)")
		for i, c := range cs {
			if i == maxTextChanged {
				break
			}
			fmt.Fprintf(&b, "  %6d  %s %s %s %-18s %-18s\n", c.Line, pad(c.ID, 12),
				pad(c.OldTier+"/"+c.OldRule, 28), pad(c.NewTier+"/"+c.NewRule, 28), dueText(c.OldDue), dueText(c.NewDue))
		}
		if shown := min(len(cs), maxTextChanged); total > shown {
			fmt.Fprintf(&b, "  … %d more\n", total-shown)
		}
	}
	writeCases("changed cases", r.Changed, r.ChangedCount)
	if r.applied {
		writeCases("unexpected changes", r.Unexpected, len(r.Unexpected))
	}
	if r.ErrorCount > 0 {
		fmt.Fprintf(&b, "\nbad lines (%d):\n", r.ErrorCount)
		for i, e := range r.Errors {
			if i == maxTextChanged {
				break
			}
			fmt.Fprintf(&b, "  %s\n", e.Error())
		}
		if shown := min(len(r.Errors), maxTextChanged); r.ErrorCount > shown {
			fmt.Fprintf(&b, "  … %d more\n", r.ErrorCount-shown)
		}
	}
	_, err := io.WriteString(w, trimLines(b.String()))
	return err
}

// trimLines drops the trailing spaces that left-aligned last columns leave.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// ruleOrder lists rule ids in the old policy's order, then rules only the new policy has (in
// its order), then "default".
func (r *DiffResult) ruleOrder() []string {
	if r.rules != nil {
		return r.rules
	}
	var ids []string
	for id := range r.OldRuleHits {
		if id != DefaultRule {
			ids = append(ids, id)
		}
	}
	for id := range r.NewRuleHits {
		if _, ok := r.OldRuleHits[id]; !ok && id != DefaultRule {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return append(ids, DefaultRule)
}

type jsonChanged struct {
	Line     int    `json:"line"`
	ID       string `json:"id"`
	OldTier  string `json:"old_tier"`
	OldRule  string `json:"old_rule"`
	NewTier  string `json:"new_tier"`
	NewRule  string `json:"new_rule"`
	OldDue   string `json:"old_due,omitempty"`
	NewDue   string `json:"new_due,omitempty"`
	Expected *bool  `json:"expected,omitempty"`
}

type jsonRuleDelta struct {
	Rule string `json:"rule"`
	Old  int    `json:"old"`
	New  int    `json:"new"`
}

type jsonDiff struct {
	Format       string            `json:"format"`
	Old          PolicyRef         `json:"old"`
	New          PolicyRef         `json:"new"`
	Cases        int               `json:"cases"`
	ChangedCount int               `json:"changed_count"`
	TierChanged  int               `json:"tier_changed"`
	RuleChanged  int               `json:"rule_changed"`
	DueChanged   int               `json:"due_changed"`
	Matrix       []TransitionCount `json:"matrix"`
	Rules        []jsonRuleDelta   `json:"rules"`
	Changed      []jsonChanged     `json:"changed"`
	Unexpected   []jsonChanged     `json:"unexpected,omitempty"`
	Checked      bool              `json:"expectations_checked"`
	ErrorCount   int               `json:"error_count"`
	Errors       []LineError       `json:"errors"`
}

func toJSONChanged(cs []ChangedCase, applied bool) []jsonChanged {
	out := make([]jsonChanged, 0, len(cs))
	for _, c := range cs {
		jc := jsonChanged{Line: c.Line, ID: c.ID, OldTier: c.OldTier, OldRule: c.OldRule, NewTier: c.NewTier, NewRule: c.NewRule}
		if !c.OldDue.IsZero() {
			jc.OldDue = c.OldDue.In(cst).Format(time.RFC3339)
		}
		if !c.NewDue.IsZero() {
			jc.NewDue = c.NewDue.In(cst).Format(time.RFC3339)
		}
		if applied {
			jc.Expected = new(bool)
			*jc.Expected = c.Expected
		}
		out = append(out, jc)
	}
	return out
}

// WriteJSON writes the diff as one indented JSON object (format "shixian-diff/v1"); the matrix
// is a list of {from, to, count} sorted by tier, rules a list of {rule, old, new}, times
// RFC 3339 in UTC+8.
func (r *DiffResult) WriteJSON(w io.Writer) error {
	out := jsonDiff{
		Format: "shixian-diff/v1", Old: r.Old, New: r.New, Cases: r.Cases,
		ChangedCount: r.ChangedCount, TierChanged: r.TierChanged, RuleChanged: r.RuleChanged, DueChanged: r.DueChanged,
		Matrix:  r.Transitions(),
		Changed: toJSONChanged(r.Changed, r.applied),
		Checked: r.applied, ErrorCount: r.ErrorCount, Errors: slices.Clone(r.Errors),
	}
	if out.Errors == nil {
		out.Errors = []LineError{}
	}
	if r.applied {
		out.Unexpected = toJSONChanged(r.Unexpected, true)
	}
	for _, id := range r.ruleOrder() {
		out.Rules = append(out.Rules, jsonRuleDelta{id, r.OldRuleHits[id], r.NewRuleHits[id]})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
