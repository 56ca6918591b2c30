package rules

import (
	"errors"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClassifyInputMatchesTheMap: each Go type a tagged field may have gives the decision and
// the input map that the same values given as a map give.
func TestClassifyInputMatchesTheMap(t *testing.T) {
	set := testSet(t)
	type label string
	type Intake struct {
		Cause    label     `shixian:"cause"`
		Tags     []label   `shixian:"tags"`
		Pages    uint16    `shixian:"pages"`
		Score    int       `shixian:"score"` // an integer for a float field
		Urgent   *bool     `shixian:"urgent"`
		Accepted time.Time `shixian:"accepted_at"`
		Note     string    `shixian:"-"`
		internal int
	}
	yes := true
	when := time.Date(2025, 3, 3, 10, 0, 0, 0, cst)
	in := Intake{Cause: "complex", Tags: []label{"big"}, Pages: 120, Score: 7, Urgent: &yes, Accepted: when, Note: "x", internal: 1}
	m, err := set.Input(&in)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"cause": "complex", "tags": []string{"big"}, "pages": 120, "score": float64(7), "urgent": true, "accepted_at": when}, m)
	d, err := set.ClassifyInput(in)
	require.NoError(t, err)
	want, err := set.Classify(map[string]any{"cause": "complex", "tags": []string{"big"}, "pages": 120, "score": 7.0, "urgent": true, "accepted_at": when})
	require.NoError(t, err)
	assert.Equal(t, want.Tier, d.Tier)
	assert.Equal(t, want.RuleID, d.RuleID)

	in.Urgent = nil // not given: the field's default
	m, err = set.Input(in)
	require.NoError(t, err)
	_, given := m["urgent"]
	assert.False(t, given)

	mapped := map[string]any{"cause": "complex"}
	same, err := set.Input(mapped)
	require.NoError(t, err)
	assert.Equal(t, reflect.ValueOf(mapped).Pointer(), reflect.ValueOf(same).Pointer(), "a map goes through as it is")
}

// TestInputPlanCacheIsBoundedAndShared: many goroutines classifying one struct type share one
// checked plan, and a caller making types without end cannot grow the cache past its bound.
func TestInputPlanCacheIsBoundedAndShared(t *testing.T) {
	set := testSet(t)
	type Intake struct {
		Cause string `shixian:"cause"`
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				d, err := set.ClassifyInput(Intake{Cause: "complex"})
				assert.NoError(t, err)
				assert.Equal(t, "T3", d.Tier)
			}
		}()
	}
	wg.Wait()
	assert.Len(t, set.typed.plans, 1)

	for i := 0; i < maxTypedPlans+50; i++ {
		typ := reflect.StructOf([]reflect.StructField{{
			Name: "Cause", Type: reflect.TypeOf(""), Tag: reflect.StructTag(`shixian:"cause" n:"` + strconv.Itoa(i) + `"`),
		}})
		v := reflect.New(typ).Elem()
		v.Field(0).SetString("complex")
		d, err := set.ClassifyInput(v.Interface())
		require.NoError(t, err)
		assert.Equal(t, "T3", d.Tier)
	}
	assert.Len(t, set.typed.plans, maxTypedPlans, "the cache stops at its bound; later types still classify")
}

// TestInputRefusesWhatIsNotAnInput: the errors of typed input are FieldErrors and ErrInvalid.
func TestInputRefusesWhatIsNotAnInput(t *testing.T) {
	set := testSet(t)
	type hidden struct {
		cause string `shixian:"cause"`
	}
	_ = hidden{cause: "complex"}.cause // the field exists to be refused: it cannot be read
	type Float struct {
		Pages float64 `shixian:"pages"`
	}
	for _, tc := range []struct {
		name  string
		input any
		want  string
	}{
		{"an unexported tagged field", hidden{}, "not exported"},
		{"a float for an int field", Float{}, "is declared int, but Go field rules.Float.Pages is float64"},
		{"a slice", []string{"complex"}, "the input is a []string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := set.ClassifyInput(tc.input)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, errors.Is(err, ErrInvalid))
			var fe *FieldError
			assert.ErrorAs(t, err, &fe)
		})
	}
}

// TestInputOmitEmpty: with omitempty a zero value is "not given" and takes the field's
// default; without it the zero value is checked as a value; an unknown option is refused.
func TestInputOmitEmpty(t *testing.T) {
	set := testSet(t)
	type Loose struct {
		Cause    string `shixian:"cause"`
		Category string `shixian:"category,omitempty"`
		Pages    int    `shixian:"pages,omitempty"`
	}
	m, err := set.Input(Loose{Cause: "complex"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"cause": "complex"}, m, "zero values with omitempty are not given")
	m, err = set.Input(Loose{Cause: "complex", Category: "wage", Pages: 3})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"cause": "complex", "category": "wage", "pages": 3}, m)

	type Strict struct {
		Cause string `shixian:"cause"`
	}
	_, err = set.ClassifyInput(Strict{})
	require.Error(t, err, "an empty cause is a value, and not a declared one")
	assert.Contains(t, err.Error(), `field "cause"`)

	type Odd struct {
		Cause string `shixian:"cause,string"`
	}
	_, err = set.ClassifyInput(Odd{Cause: "complex"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `tag option "string"`)
}
