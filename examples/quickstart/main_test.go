package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/internal/golden"
)

// The README's first command must print exactly the golden output: the due dates in it were
// checked by hand against the 2025 and 2026 notices (国办发明电〔2024〕12号, 〔2025〕7号).
func TestQuickstartOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	golden.Assert(t, "testdata/quickstart.golden", out.Bytes())
	for _, fact := range []string{
		"due       2025-10-09 24:00",      // T1 accepted the eve of National Day 2025
		"2026-02-14  Sat  makeup   1",     // the makeup Saturday before the Spring Festival counts
		"— given as 2025-03-06T16:30:00Z", // stored in UTC, Friday in Beijing
		// Paused on 02-24 and resumed on 02-25: working day 02-25 is excluded, so the last day
		// moves from Wednesday 02-25 to Thursday 02-26 (行政许可法 art. 45).
		"status    warning (last_day), due 2026-02-26 24:00, 0 working day(s) left after today",
		// Extended on its last day by 10 working days counted from the old deadline
		// (行政许可法 art. 42): last day 2026-01-26, so on 02-26 it is 18 working days late.
		"status    overdue, 18 working day(s) overdue",
		"status    closed_late, 2 working day(s) overdue, closed 2025-03-14 10:00",
		// The closed loop: two overlapping pauses are open at once; their union (03-04 and
		// 03-05) is not counted, so the 3-workday case is due 03-09 24:00 instead of 03-05;
		// overdue on 03-10, it reaches 督办, is supervised, closed late and rated 基本满意.
		"open pause  hearing since 03-03 14:00: 听证 (hearing, counts as excluded)",
		"status at 2026-03-10 09:00: overdue, due 2026-03-09 24:00, 1 working day(s) overdue",
		"supervision supervise 督办 since 03-10 00:00: 科室负责人 must act",
		"rating      基本满意 (reopen required: false)",
	} {
		assert.Contains(t, out.String(), fact)
	}
}
