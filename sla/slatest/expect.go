package slatest

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/shixian-go/shixian/internal/boundedio"
	"github.com/shixian-go/shixian/internal/yamltree"
)

// ExpectFormat is the value an expectations file's `format` key must have.
const ExpectFormat = "shixian-expect/v1"

// Expectations say which changes of a diff are intended, so that CI fails only on unexpected
// moves. File format (YAML):
//
//	format: shixian-expect/v1
//	allow:
//	  - {from: T3, to: T10, rule: cross-department, max: 500}
//	  - {from: "*", to: T1}
//
// from/to are tiers or "*" for any; rule (optional) is the NEW rule id ("default" for the
// default); max (optional) caps how many cases the entry allows, in corpus line order — cases
// beyond it are unexpected. A changed case is allowed by the first entry that matches it
// (and still has room). A change of due only (same tier and rule) is matched like any other,
// with From == To.
//
// An Expectations value is immutable after parsing and safe for concurrent use.
type Expectations struct {
	Allow []Allowed
}

// Allowed is one entry of an expectations file.
type Allowed struct {
	From, To string // tier or "*"
	Rule     string // new rule id; "" matches any
	Max      int    // 0 = no cap
	Line     int    // line of the entry in its file, for reports
}

func (a Allowed) matches(c ChangedCase) bool {
	return (a.From == "*" || a.From == c.OldTier) &&
		(a.To == "*" || a.To == c.NewTier) &&
		(a.Rule == "" || a.Rule == c.NewRule)
}

// String describes the entry as "T3→T10 by rule (max N)".
func (a Allowed) String() string {
	s := a.From + "→" + a.To
	if a.Rule != "" {
		s += " by " + a.Rule
	}
	if a.Max > 0 {
		s += " (max " + strconv.Itoa(a.Max) + ")"
	}
	return s
}

// LoadExpectations reads and parses an expectations file. A file larger than MaxSuiteBytes is
// refused while it is read ("slatest: expectations file x.yaml is larger than 8388608 bytes").
func LoadExpectations(path string) (*Expectations, error) {
	data, err := boundedio.ReadFile(path, MaxSuiteBytes, "expectations file")
	if err != nil {
		return nil, fmt.Errorf("slatest: %w", err)
	}
	return ParseExpectations(path, data)
}

// ParseExpectations parses an expectations file strictly: unknown keys, missing from/to and
// bad numbers are errors, all reported at once as a *sla.Problems with file:line:column.
func ParseExpectations(name string, data []byte) (*Expectations, error) {
	d, root, err := parseYAML(name, data, "expectations file", fmt.Sprintf("`format: %s` and `allow`", ExpectFormat))
	if err != nil {
		return nil, err
	}
	e := &Expectations{}
	top := d.Mapping(root, "expectations", "format!", "allow!")
	if f, ok := top["format"]; ok {
		if v, ok := d.Text(f.Value, "format"); ok && v != ExpectFormat {
			d.Problem(f.Value, "format: %q is not supported (expected %q)", v, ExpectFormat)
		}
	}
	if f, ok := top["allow"]; ok {
		if f.Value.Kind != yaml.SequenceNode {
			if f.Value.Tag != "!!null" {
				d.Problem(f.Value, "allow: expected a list of {from, to, rule, max}, found %s", yamltree.Describe(f.Value))
			}
		} else {
			for i, item := range f.Value.Content {
				what := fmt.Sprintf("allow[%d]", i)
				m := d.Mapping(item, what, "from!", "to!", "rule", "max")
				if m == nil {
					continue
				}
				a := Allowed{Line: item.Line}
				tier := func(key string, dst *string) {
					if g, ok := m[key]; ok {
						if v, ok := d.Text(g.Value, what+"."+key); ok {
							if strings.TrimSpace(v) == "" {
								d.Problem(g.Value, "%s.%s: must be a tier id or \"*\"", what, key)
							}
							*dst = v
						}
					}
				}
				tier("from", &a.From)
				tier("to", &a.To)
				if g, ok := m["rule"]; ok {
					if v, ok := d.Text(g.Value, what+".rule"); ok {
						a.Rule = v
					}
				}
				if g, ok := m["max"]; ok {
					if v, ok := d.Text(g.Value, what+".max"); ok {
						n, err := strconv.Atoi(v)
						if err != nil || n < 1 {
							d.Problem(g.Value, "%s.max: expected a whole number of cases ≥ 1, found %q", what, v)
						}
						a.Max = n
					}
				}
				e.Allow = append(e.Allow, a)
			}
		}
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return e, nil
}

// Apply marks each changed case Expected when an entry of e allows it and fills r.Unexpected
// with the others, in line order. An entry with max allows only its first max cases; later
// ones fall through to the next entries and, if none allows them, are unexpected. A nil e
// allows nothing. Apply replaces the result of an earlier Apply. It sees only the cases kept
// in r.Changed (all of them unless DiffOptions.MaxChanged capped the list).
func (r *DiffResult) Apply(e *Expectations) {
	r.applied = true
	r.Unexpected = nil
	var allow []Allowed
	if e != nil {
		allow = e.Allow
	}
	used := make([]int, len(allow))
	for i := range r.Changed {
		c := &r.Changed[i]
		c.Expected = false
		for j, a := range allow {
			if !a.matches(*c) || a.Max > 0 && used[j] >= a.Max {
				continue
			}
			used[j]++
			c.Expected = true
			break
		}
		if !c.Expected {
			r.Unexpected = append(r.Unexpected, *c)
		}
	}
}
