package rules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// placingSpec declares a field for every placing and rules that read some of them.
func placingSpec() Spec {
	return Spec{
		File: "placing.yaml", Tiers: []string{"T1", "T3"},
		Fields: []Field{
			{Name: "cause", Type: String, Values: []string{"complex", "simple", ""}},
			{Name: "category", Type: String, Default: ""},
			{Name: "note", Type: String, Default: ""},
			{Name: "tags", Type: StringList, Default: []string{}},
			{Name: "labels", Type: StringList, Default: []string{}},
			{Name: "kinds", Type: StringList, Values: []string{"a", "b"}, Default: []string{}},
			{Name: "pages", Type: Int, Default: 0},
		},
		Rules: []Rule{
			{ID: "r1", When: `cause == "complex" && category == "x"`, Tier: "T3", Reason: "r1"},
			{ID: "r2", When: `"big" in tags || "a" in kinds || pages > 3`, Tier: "T3", Reason: "r2"},
		},
		Default: Default{Tier: "T1", Reason: "d"},
	}
}

// fillBySet is the reference for fill: every field's value, or its default, through set.
func fillBySet(s *Set, f *frame, input map[string]any) error {
	for i := range s.info {
		v, ok := input[s.info[i].name]
		if !ok || v == nil {
			if s.defaults[i] == nil {
				return s.missing(i, ok)
			}
			v = s.defaults[i]
		}
		if err := s.set(f, i, v); err != nil {
			return err
		}
	}
	return nil
}

type label string

// fill places bounded values of a field's canonical Go type itself and leaves every other
// value to set; each case is one value that fill places at once or hands on, and either way
// the frame (for the slots rules read) and the error must be set's.
func TestFillPlacesAsSetDoes(t *testing.T) {
	set, err := Compile(placingSpec())
	require.NoError(t, err)
	want := map[string]placing{"cause": placeEnum, "category": placeText, "note": placeUnusedText,
		"tags": placeList, "labels": placeUnusedList, "kinds": placeBySet, "pages": placeBySet}
	for _, info := range set.info {
		require.Equal(t, want[info.name], info.place, "placing of %s", info.name)
	}
	long := strings.Repeat("长", MaxStringLen/3+1) // MaxStringLen+2 bytes
	tooMany := make([]string, MaxListLen+1)
	tests := []struct {
		name  string
		input map[string]any
		fails bool
	}{
		{"declared values of every kind are placed", map[string]any{"cause": "complex", "category": "x", "note": "n", "tags": []string{"big"}, "labels": []string{"l"}, "kinds": []string{"a"}, "pages": 4}, false},
		{"the empty text is a declared value like any other", map[string]any{"cause": ""}, false},
		{"absent fields take their defaults", map[string]any{"cause": "simple"}, false},
		{"nil takes the default", map[string]any{"cause": "simple", "category": nil, "tags": nil}, false},
		{"a value of a named string type goes to set, which accepts it", map[string]any{"cause": label("complex"), "category": label("x"), "note": label("n")}, false},
		{"a []any of strings goes to set, which accepts it", map[string]any{"cause": "simple", "tags": []any{"big"}, "labels": []any{"l"}}, false},
		{"an undeclared value of an enum field is refused by set's words", map[string]any{"cause": "bored"}, true},
		{"an enum value longer than MaxStringLen is refused as too long", map[string]any{"cause": long}, true},
		{"a read text longer than MaxStringLen is refused", map[string]any{"cause": "simple", "category": long}, true},
		{"a text no rule reads is still bounded", map[string]any{"cause": "simple", "note": long}, true},
		{"a read list of more than MaxListLen elements is refused", map[string]any{"cause": "simple", "tags": tooMany}, true},
		{"a list no rule reads is still bounded", map[string]any{"cause": "simple", "labels": tooMany}, true},
		{"a list element longer than MaxStringLen is refused", map[string]any{"cause": "simple", "tags": []string{"ok", long}}, true},
		{"an unread list element longer than MaxStringLen is refused", map[string]any{"cause": "simple", "labels": []string{long}}, true},
		{"a list where a text belongs is a type error", map[string]any{"cause": []string{"complex"}}, true},
		{"a text where a list belongs is a type error", map[string]any{"cause": "simple", "tags": "big"}, true},
		{"an undeclared element of a list with Values is refused", map[string]any{"cause": "simple", "kinds": []string{"c"}}, true},
		{"a missing required field is named", map[string]any{"category": "x"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ref := set.newFrame(), set.newFrame()
			err := set.fill(got, tt.input)
			refErr := fillBySet(set, ref, tt.input)
			if tt.fails {
				require.Error(t, refErr, "the reference must refuse this input")
				require.EqualError(t, err, refErr.Error())
				return
			}
			require.NoError(t, refErr)
			require.NoError(t, err)
			assert.Equal(t, ref.ens, got.ens, "enum positions")
			for _, info := range set.info {
				if !info.used {
					continue
				}
				switch info.typ {
				case String:
					if !info.enum {
						assert.Equal(t, ref.str[info.slot], got.str[info.slot], "field %s", info.name)
					}
				case StringList:
					assert.Equal(t, ref.lists[info.slot], got.lists[info.slot], "field %s", info.name)
				case Int:
					assert.Equal(t, ref.ints[info.slot], got.ints[info.slot], "field %s", info.name)
				}
			}
		})
	}
}
