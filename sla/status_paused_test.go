package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/deadline"
)

// The same through a case: a T10 case accepted Monday 2025-11-03, extended by 5 working days on
// 11-04, paused on 11-05; on 11-06 it is paused with 13 working days left if it resumed then.
func TestStatusWhilePausedCountsLaterExtensions(t *testing.T) {
	p := sla.Default()
	cst := calendar.CST()
	c, _, err := p.Accept("C-EXT-PAUSE", map[string]any{"cause": "historical_legacy"}, time.Date(2025, 11, 3, 10, 0, 0, 0, cst))
	require.NoError(t, err)
	c, err = p.Apply(c, sla.Event{Type: sla.EventExtended, At: time.Date(2025, 11, 4, 9, 0, 0, 0, cst),
		Length: &deadline.Period{Count: 5, Unit: deadline.Workdays}, Approver: "分管局长", Reason: "需调取历史档案"})
	require.NoError(t, err)
	c, err = p.Apply(c, sla.Event{Type: sla.EventPaused, At: time.Date(2025, 11, 5, 10, 0, 0, 0, cst), Reason: "档案馆查档"})
	require.NoError(t, err)
	st, err := p.StatusAt(c, time.Date(2025, 11, 6, 12, 0, 0, 0, cst))
	require.NoError(t, err)
	assert.Equal(t, sla.StatePaused, st.State)
	assert.Equal(t, 13, st.RemainingDays)
}
