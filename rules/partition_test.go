package rules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPartition(t *testing.T) {
	oct1 := time.Date(2025, 10, 1, 0, 0, 0, 0, cst)
	cases := []struct {
		name    string
		when    string
		field   string
		strings []string
		numbers []float64
		times   []time.Time
		lengths []float64
		inexact string // part of the reason, "" when the condition is modelled exactly
	}{
		{name: "a declared value compared with == is listed", when: `cause == "complex"`, field: "cause", strings: []string{"complex"}},
		{name: "a literal on the left counts as well", when: `"complex" != cause`, field: "cause", strings: []string{"complex"}},
		{name: "every literal of an in list, in order, each once", when: `category in ["b", "a", "b"]`, field: "category", strings: []string{"b", "a"}},
		{name: "a text tested in a list field", when: `"x" in tags && !("y" in tags)`, field: "tags", strings: []string{"x", "y"}},
		{name: "int thresholds, ascending and each once, int and float literals alike", when: `pages > 3 || pages <= 1.5 || pages == 3`, field: "pages", numbers: []float64{1.5, 3}},
		{name: "a negative threshold and an in list of numbers", when: `score >= -2.5 && score in [1, 4]`, field: "score", numbers: []float64{-2.5, 1, 4}},
		{name: "a constant expression is evaluated by expr", when: `pages > 2 * 3`, field: "pages", numbers: []float64{6}},
		{name: "a date() literal is an instant in UTC+8", when: `accepted_at >= date("2025-10-01")`, field: "accepted_at", times: []time.Time{oct1}},
		{name: "a bool field needs no constant", when: `urgent || urgent == false`, field: "urgent"},
		{name: "a conditional of comparisons is modelled", when: `urgent ? pages > 1 : pages > 2`, field: "pages", numbers: []float64{1, 2}},
		{name: "startsWith is not modelled; its text is still a value worth trying", when: `category startsWith "lab"`, field: "category", strings: []string{"lab"}, inexact: "startsWith is a text function"},
		{name: "matches is not modelled", when: `category matches "^a"`, field: "category", inexact: "matches is a pattern"},
		{name: "arithmetic on a field is not modelled; its numbers are tried", when: `pages + 1 > 3`, field: "pages", numbers: []float64{1, 3}, inexact: "computed value"},
		{name: "two fields compared are not modelled; 0 is tried", when: `pages > score`, field: "pages", numbers: []float64{0}, inexact: "compares two fields"},
		{name: "the length of a list compared with a number is modelled", when: `len(tags) > 1 || 3 == len(tags)`, field: "tags", lengths: []float64{1, 3}},
		{name: "the length of a text is a function the partition does not model", when: `len(category) > 1`, field: "category", numbers: nil, inexact: "computed value"},
		{name: "a method of a time field is not modelled", when: `accepted_at.Hour() >= 16`, field: "accepted_at", inexact: "computed value"},
		{name: "ordering texts is not modelled", when: `category < "m"`, field: "category", inexact: "orders the text"},
		{name: "a predicate over a list is not modelled", when: `any(tags, # == "x")`, field: "tags", inexact: "function any()"},
		{name: "a list compared with nil is not modelled: a nil list and an empty one need not compare alike", when: `tags == nil`, field: "tags", inexact: "compares field tags"},
		{name: "a text field compared with nil is the same for every text", when: `category != nil`, field: "category"},
		{name: "an int threshold beyond 2^53 is not modelled", when: `pages > 9007199254740993`, field: "pages", inexact: "beyond the numbers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set, err := Compile(doc(testFields(), []Rule{{ID: "r", When: c.when, Tier: "T1", Reason: "why"}}))
			require.NoError(t, err)
			p := set.Partition()
			require.Len(t, p.Fields, len(testFields()))
			var f FieldPartition
			for _, g := range p.Fields {
				if g.Name == c.field {
					f = g
				}
			}
			require.Equal(t, c.field, f.Name)
			assert.True(t, f.Read)
			assert.Equal(t, c.strings, f.Strings)
			assert.Equal(t, c.numbers, f.Numbers)
			assert.Equal(t, c.lengths, f.Lengths)
			assert.Equal(t, len(c.times), len(f.Times))
			for i := range c.times {
				assert.True(t, c.times[i].Equal(f.Times[i]), "%s ≠ %s", c.times[i], f.Times[i])
				assert.Equal(t, cst, f.Times[i].Location())
			}
			if c.inexact == "" {
				assert.Empty(t, p.Inexact)
			} else {
				require.NotEmpty(t, p.Inexact)
				assert.Equal(t, "r", p.Inexact[0].Rule)
				assert.Contains(t, p.Inexact[0].Why, c.inexact)
			}
		})
	}
	t.Run("the partition is the caller's: changing it does not reach the set", func(t *testing.T) {
		set, err := Compile(doc(testFields(), []Rule{{ID: "r", When: `cause == "complex" && "x" in tags`, Tier: "T1", Reason: "why"}}))
		require.NoError(t, err)
		p := set.Partition()
		p.Fields[0].Values[0] = "changed"
		p.Fields[2].Strings[0] = "changed"
		q := set.Partition()
		assert.Equal(t, "unclear_request", q.Fields[0].Values[0])
		assert.Equal(t, []string{"x"}, q.Fields[2].Strings)
		assert.Equal(t, "unclear_request", set.Fields()[0].Values[0])
	})
	t.Run("fields no rule reads are listed, not read, with no constants", func(t *testing.T) {
		set, err := Compile(doc(testFields(), []Rule{{ID: "r", When: `urgent`, Tier: "T1", Reason: "why"}}))
		require.NoError(t, err)
		for _, f := range set.Partition().Fields {
			assert.Equal(t, f.Name == "urgent", f.Read, f.Name)
			assert.Empty(t, f.Strings)
			assert.Empty(t, f.Numbers)
		}
	})
}
