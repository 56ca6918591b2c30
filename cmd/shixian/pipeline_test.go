package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func numbered(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d\n", i)
		if i%7 == 0 {
			b.WriteString("  \n") // blank lines are skipped but still counted
		}
	}
	return b.String()
}

func TestPipelineKeepsLineOrderWhateverTheWorkerCount(t *testing.T) {
	input := numbered(3000) // several batches
	for _, workers := range []int{0, 1, 2, 8} {
		t.Run(strconv.Itoa(workers)+" workers", func(t *testing.T) {
			var got []int
			var nos []int
			err := pipeline(newLineReader("x", strings.NewReader(input)), workers, func(it lineItem) int {
				v, err := strconv.Atoi(string(it.data))
				require.NoError(t, err)
				return v * 2
			}, func(it lineItem, v int) error {
				got = append(got, v)
				nos = append(nos, it.no)
				return nil
			})
			require.NoError(t, err)
			require.Len(t, got, 3000)
			for i, v := range got {
				require.Equal(t, 2*(i+1), v, "result %d out of order", i)
			}
			assert.Equal(t, 9, nos[7], "value 8 is on line 9: the blank line after 7 is skipped but counted")
		})
	}
}

func TestPipelineStopsOnConsumeError(t *testing.T) {
	stop := errors.New("disk full")
	seen := 0
	err := pipeline(newLineReader("x", strings.NewReader(numbered(5000))), 4, func(it lineItem) string {
		return string(it.data)
	}, func(it lineItem, s string) error {
		seen++
		if seen == 300 {
			return stop
		}
		return nil
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 300, seen)
}

func TestPipelineReportsReadErrors(t *testing.T) {
	r := iotest.TimeoutReader(strings.NewReader(strings.Repeat("1\n", 100_000)))
	n := 0
	err := pipeline(newLineReader("x", r), 2, func(it lineItem) int { return 0 }, func(lineItem, int) error {
		n++
		return nil
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x:")
	assert.Positive(t, n, "the lines read before the error are still consumed")
}

func TestPipelineStopsReadingAtATooLongLine(t *testing.T) {
	lr := newLineReader("x", strings.NewReader("a\n"+strings.Repeat("b", 5000)+"\nc\n"))
	lr.max = 1000
	var items []lineItem
	require.NoError(t, pipeline(lr, 2, func(it lineItem) bool { return it.tooLong }, func(it lineItem, long bool) error {
		items = append(items, it)
		return nil
	}))
	require.Len(t, items, 2, "nothing after the long line is read")
	assert.True(t, items[1].tooLong)
	assert.Equal(t, 2, items[1].no)
	assert.Equal(t, 1001, items[1].col)
}

func TestPipelineTurnsAPanicIntoAnError(t *testing.T) {
	err := pipeline(newLineReader("x", strings.NewReader(numbered(1000))), 2, func(it lineItem) int {
		if it.no == 500 {
			panic("boom")
		}
		return 0
	}, func(lineItem, int) error { return nil })
	var ie *internalError
	require.ErrorAs(t, err, &ie)
	assert.Contains(t, err.Error(), "line 5")
	assert.Contains(t, err.Error(), "boom")
}

func TestPipelineBatchesAreBoundedInBytes(t *testing.T) {
	// 300 lines of 100 KiB: by count one batch, by size several.
	line := strings.Repeat("z", 100<<10) + "\n"
	lr := newLineReader("x", strings.NewReader(strings.Repeat(line, 300)))
	n := 0
	require.NoError(t, pipeline(lr, 1, func(it lineItem) int { return len(it.data) }, func(_ lineItem, l int) error {
		n++
		assert.Equal(t, 100<<10, l)
		return nil
	}))
	assert.Equal(t, 300, n)
}
