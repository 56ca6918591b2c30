package slatest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

// The fast decoder and encoding/json must agree on every line: same case, or both an error.
func checkDecoders(t *testing.T, line []byte) {
	var want CorpusCase
	wantErr := json.Unmarshal(line, &want)
	var got CorpusCase
	gotErr := newCaseDecoder().decode(line, &got)
	if wantErr != nil {
		require.Error(t, gotErr, "%q", line)
		assert.Equal(t, wantErr.Error(), gotErr.Error())
		return
	}
	require.NoError(t, gotErr, "%q", line)
	assert.Equal(t, want.ID, got.ID)
	assert.True(t, want.Accepted.Equal(got.Accepted), "%q", line)
	assert.Equal(t, want.Accepted.Format("2006-01-02T15:04:05.999999999Z07:00"), got.Accepted.Format("2006-01-02T15:04:05.999999999Z07:00"))
	if len(want.Input) == 0 && len(got.Input) == 0 {
		assert.Equal(t, want.Input == nil, got.Input == nil, "%q", line)
		return
	}
	assert.Equal(t, want.Input, got.Input, "%q", line)
}

var decoderSeeds = []string{
	`{"id":"C-1","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex","n":3,"f":-1.5e3,"ok":true,"no":false,"z":null,"tags":["a","b"],"e":[]}}`,
	` { "id" : "x" , "accepted" : "2025-09-30T09:00:00Z" , "input" : { } } `,
	`{"id":"C-1","accepted":"2025-09-30T17:00:00.123456789+08:00"}`,
	`{"id":"C-1","input":null,"accepted":null,"id":null}`,
	`{"id":"a\"b","accepted":"2025-09-30T17:00:00+08:00","input":{}}`,
	`{"id":"中文","accepted":"2025-09-30T17:00:00+08:00","input":{"原因":"复杂"}}`,
	`{"id":"x","accepted":"2025-09-30T17:00:00+08:00","input":{"n":01}}`,
	`{"id":"x","accepted":"2025-09-30T17:00:00+08:00","input":{"n":1.}}`,
	`{"id":"x","accepted":"2025-09-30T17:00:00+08:00","input":{"n":Infinity}}`,
	`{"id":"x","accepted":"yesterday"}`,
	`{"id":"x","accepted":"2025-09-30T17:00:00+08:00","input":{"a":{"b":1}}}`,
	`{"id":"x","extra":1}`,
	`{"id":"x"} trailing`,
	`{"id":"x",}`,
	`{"id":"x","input":{"a":1,"a":2}}`,
	`{"id":"x","input":{"a":1},"input":{"b":2}}`,
	`{"id":"x","input":{"t":[1]}}`,
	"{\"id\":\"\xff\"}",
	"{\"id\":\"a\tb\"}",
	`[]`,
	`null`,
	``,
	`{`,
}

func TestCaseDecoderMatchesEncodingJSON(t *testing.T) {
	for _, s := range decoderSeeds {
		checkDecoders(t, []byte(s))
	}
	// One decoder over many lines: interned values never leak from one line to another, and
	// a string that reads like a list stays a string.
	d := newCaseDecoder()
	for _, line := range []string{
		`{"id":"1","input":{"a":"[]","t":[]}}`,
		`{"id":"2","input":{"a":[],"t":"[]"}}`,
		`{"id":"3","input":{"t":["x"]}}`,
		`{"id":"4","input":{"t":["x"],"u":"x"}}`,
	} {
		var want, got CorpusCase
		require.NoError(t, json.Unmarshal([]byte(line), &want))
		require.NoError(t, d.decode([]byte(line), &got))
		assert.Equal(t, want.Input, got.Input, line)
	}
}

// cacheBytes is the text a decoder's tables hold: their keys, and the strings they keep.
func (d *caseDecoder) cacheBytes() (entries, bytes int) {
	for k, v := range d.intern {
		entries++
		bytes += len(k) + len(v)
	}
	for k := range d.boxed {
		entries++
		bytes += len(k)
	}
	return entries, bytes
}

func TestCaseDecoderCachesAreBounded(t *testing.T) {
	long := func(i int) string { return fmt.Sprintf("%08d", i) + strings.Repeat("长", 340) }
	tests := []struct {
		name string
		line func(i int) string
	}{
		{"a corpus of 5,000 unique 1 KB input values leaves the tables within their byte bound", func(i int) string {
			return fmt.Sprintf(`{"id":"C-%d","input":{"note":%q}}`, i, long(i))
		}},
		{"a corpus of 5,000 unique 1 KB input keys leaves the tables within their byte bound", func(i int) string {
			return fmt.Sprintf(`{"id":"C-%d","input":{%q:1}}`, i, long(i))
		}},
		{"a corpus of 5,000 unique 2 KB lists leaves the tables within their byte bound", func(i int) string {
			return fmt.Sprintf(`{"id":"C-%d","input":{"tags":[%q,%q]}}`, i, long(i), long(i+1))
		}},
		{"a corpus of 5,000 unique 60-byte values leaves the tables within their byte bound", func(i int) string {
			return fmt.Sprintf(`{"id":"C-%d","input":{"code":"%060d"}}`, i, i)
		}},
	}
	// Two tables of maxIntern entries, each string at most maxInternBytes (+1 for a list's
	// NUL); intern counts key and value, which share their bytes.
	limit := maxIntern*2*maxInternBytes + maxIntern*(maxInternBytes+1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newCaseDecoder()
			for i := range 5000 { // more lines than a table has entries
				line := tt.line(i)
				var want, got CorpusCase
				require.NoError(t, json.Unmarshal([]byte(line), &want))
				require.NoError(t, d.decode([]byte(line), &got))
				require.Equal(t, want.Input, got.Input, "cached or not, the decoded value is the same")
			}
			entries, n := d.cacheBytes()
			assert.LessOrEqual(t, entries, 2*maxIntern)
			assert.LessOrEqual(t, n, limit)
		})
	}
	t.Run("short repeated values are still shared between lines", func(t *testing.T) {
		d := newCaseDecoder()
		var a, b CorpusCase
		require.NoError(t, d.decode([]byte(`{"id":"1","input":{"cause":"complex","tags":["x"]}}`), &a))
		require.NoError(t, d.decode([]byte(`{"id":"2","input":{"cause":"complex","tags":["x"]}}`), &b))
		assert.Equal(t, "complex", b.Input["cause"])
		assert.Contains(t, d.boxed, "complex")
		assert.Contains(t, d.boxed, "\x00[\"x\"]")
		assert.Contains(t, d.intern, "cause")
	})
}

func FuzzCaseDecoder(f *testing.F) {
	for _, s := range decoderSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) { checkDecoders(t, line) })
}

// The per-worker due cache must give exactly what ComputeDue gives, for cacheable periods and
// for the time-of-day-dependent ones it must skip (same-day 即办 with its cutoff, work hours).
func TestDueCacheMatchesComputeDue(t *testing.T) {
	src := string(sla.DefaultPolicyYAML())
	src = strings.Replace(src, "    limit: 1 workday\n    label: 1个工作日内办结", "    limit: 0 workdays\n    label: 即办", 1)
	src = strings.Replace(src, "    limit: 3 workdays\n", "    limit: 4 workhours\n", 1)
	p, err := sla.ParsePolicy("p.yaml", []byte(src))
	require.NoError(t, err)
	dp := newDiffPolicy(p)
	cache := dueCache{}
	causes := []string{"unclear_request", "complex", "historical_legacy"}
	start := time.Date(2025, 9, 26, 0, 0, 0, 0, calendar.CST())
	for i := 0; i < 3000; i++ {
		at := start.Add(time.Duration(i) * 47 * time.Minute)
		c := CorpusCase{ID: "x", Accepted: at, Input: map[string]any{"cause": causes[i%3]}}
		_, _, want, err := dp.decide(&c, nil)
		require.NoError(t, err)
		_, _, got, err := dp.decide(&c, cache)
		require.NoError(t, err)
		require.True(t, want.Equal(got), "%s %s: %s vs %s", at, causes[i%3], want, got)
	}
	assert.NotEmpty(t, cache)
}
