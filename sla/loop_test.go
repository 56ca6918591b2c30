package sla

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shixian-go/shixian/internal/wireschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The example: a 1-working-day case accepted Tuesday 2026-03-03
// 10:00 is due 03-05 00:00 (its one day is 03-04), overdue since then.
func lcT1Case(t *testing.T, p *Policy) Case {
	return lcCase(t, p, "L-1", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T1"))
}

func lcWith(c Case, events ...Event) []Event {
	return append(append([]Event{}, c.Events...), events...)
}

// lcRefused applies e and checks that it is refused with sentinel and
// field, that nothing was applied, and returns the message.
func lcRefused(t *testing.T, p *Policy, c Case, e Event, sentinel error, field string) string {
	t.Helper()
	before := lcJSON(t, c)
	got, err := p.Apply(c, e)
	require.Error(t, err)
	var ee *EventError
	require.ErrorAs(t, err, &ee)
	if sentinel != nil {
		assert.ErrorIs(t, err, sentinel)
	}
	assert.Equal(t, field, ee.Field, err.Error())
	assert.Equal(t, before, lcJSON(t, got), "nothing is applied")
	assert.Equal(t, before, lcJSON(t, c), "the input is unchanged")
	return err.Error()
}

func TestLateChangesStayLate(t *testing.T) {
	overdue := lcPolicy(t)
	reject := lcPolicy(t, lcRejectLate...)
	require.Equal(t, LateChangeOverdue, overdue.Lifecycle().LateReclassify)
	require.Equal(t, LateChangeReject, reject.Lifecycle().LateRestart)

	t.Run("the issue's case: reclassified to 3 workdays after the 1-workday deadline and closed 03-06 is closed late", func(t *testing.T) {
		c := lcCase(t, overdue, "L-1", lcWith(lcT1Case(t, overdue), lcReclassified("2026-03-05 10:00", "T3"))...)
		st, err := overdue.StatusAt(c, lcT("2026-03-05 12:00"))
		require.NoError(t, err)
		assert.Equal(t, StateOverdue, st.State)
		assert.Equal(t, "T3", st.Tier)
		assert.Equal(t, lcT("2026-03-07 00:00"), st.Due, "the new tier's deadline is shown")
		assert.Equal(t, lcT("2026-03-05 00:00"), st.JudgedDue, "judged by the deadline in force when it came")
		assert.True(t, st.CycleLate)
		assert.True(t, st.EverLate)
		c = lcCase(t, overdue, "L-1", lcWith(c, lcClosed("2026-03-06 10:00"))...)
		st, err = overdue.StatusAt(c, lcT("2026-03-06 12:00"))
		require.NoError(t, err)
		assert.Equal(t, StateClosedLate, st.State)
		assert.True(t, st.EverLate)
		assert.True(t, st.CycleLate)
		assert.Contains(t, strings.Join(st.Explain(overdue, c), "\n"), "late_reclassify: overdue")
	})
	t.Run("under late_reclassify: reject the same reclassification is refused naming the deadline", func(t *testing.T) {
		msg := lcRefused(t, reject, lcT1Case(t, reject), lcReclassified("2026-03-05 10:00", "T3"), ErrLateChange, "at")
		assert.Contains(t, msg, "deadline 2026-03-05 00:00 CST")
		assert.Contains(t, msg, "late_reclassify: reject")
	})
	t.Run("a reclassification before the deadline is an ordinary one under either setting", func(t *testing.T) {
		for _, p := range []*Policy{overdue, reject} {
			c := lcCase(t, p, "L-1", lcWith(lcT1Case(t, p), lcReclassified("2026-03-04 10:00", "T3"), lcClosed("2026-03-06 10:00"))...)
			st, err := p.StatusAt(c, lcT("2026-03-06 12:00"))
			require.NoError(t, err)
			assert.Equal(t, StateClosedOnTime, st.State)
			assert.False(t, st.EverLate)
		}
	})
	t.Run("a restart after the deadline keeps the cycle late under overdue", func(t *testing.T) {
		c := lcCase(t, overdue, "L-1", lcWith(lcT1Case(t, overdue), lcRestarted("2026-03-05 10:00"), lcClosed("2026-03-06 10:00"))...)
		st, err := overdue.StatusAt(c, lcT("2026-03-06 12:00"))
		require.NoError(t, err)
		assert.Equal(t, StateClosedLate, st.State)
		assert.Equal(t, lcT("2026-03-07 00:00"), st.Due, "the new clock's deadline is shown")
		assert.Equal(t, lcT("2026-03-05 00:00"), st.JudgedDue)
		assert.True(t, st.EverLate)
	})
	t.Run("a restart after the deadline is refused under late_restart: reject", func(t *testing.T) {
		msg := lcRefused(t, reject, lcT1Case(t, reject), lcRestarted("2026-03-05 10:00"), ErrLateChange, "at")
		assert.Contains(t, msg, "late_restart: reject")
	})
	t.Run("a restart before the deadline starts a clock the case is judged by", func(t *testing.T) {
		for _, p := range []*Policy{overdue, reject} {
			c := lcCase(t, p, "L-1", lcWith(lcT1Case(t, p), lcRestarted("2026-03-04 10:00"), lcClosed("2026-03-05 10:00"))...)
			st, err := p.StatusAt(c, lcT("2026-03-05 12:00"))
			require.NoError(t, err)
			assert.Equal(t, StateClosedOnTime, st.State)
		}
	})
	t.Run("a late reclassification no longer opens the way to a late extension under late_extension: reject", func(t *testing.T) {
		c := lcCase(t, overdue, "L-1", lcWith(lcT1Case(t, overdue), lcReclassified("2026-03-05 10:00", "T3"))...)
		lcRefused(t, overdue, c, lcExtended("2026-03-05 11:00", 2), ErrLateExtension, "at")
	})
	t.Run("a late reclassification to a shorter tier leaves the case judged by the shorter one", func(t *testing.T) {
		c := lcCase(t, overdue, "L-1", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T3"),
			lcReclassified("2026-03-09 10:00", "T1"))
		st, err := overdue.StatusAt(c, lcT("2026-03-09 12:00"))
		require.NoError(t, err)
		assert.Equal(t, lcT("2026-03-05 00:00"), st.JudgedDue)
		assert.Equal(t, StateOverdue, st.State)
	})
	t.Run("a case paused after its deadline and then reclassified stays overdue, its pause listed", func(t *testing.T) {
		c := lcCase(t, overdue, "L-1", lcWith(lcT1Case(t, overdue), lcPaused("2026-03-05 09:00"), lcReclassified("2026-03-05 10:00", "T10"))...)
		st, err := overdue.StatusAt(c, lcT("2026-03-06 12:00"))
		require.NoError(t, err)
		assert.Equal(t, StateOverdue, st.State)
		assert.True(t, st.Paused)
		assert.Len(t, st.OpenPauses, 1)
		assert.Equal(t, lcT("2026-03-05 00:00"), st.JudgedDue)
	})
	t.Run("a reopening starts a cycle that is no longer frozen", func(t *testing.T) {
		c := lcCase(t, overdue, "L-1", lcWith(lcT1Case(t, overdue), lcReclassified("2026-03-05 10:00", "T3"),
			lcClosed("2026-03-06 10:00"), lcReopened("2026-03-09 10:00"), lcClosed("2026-03-09 15:00"))...)
		st, err := overdue.StatusAt(c, lcT("2026-03-09 16:00"))
		require.NoError(t, err)
		assert.Equal(t, StateClosedOnTime, st.State)
		assert.False(t, st.CycleLate)
		assert.True(t, st.EverLate, "the first cycle stays late")
	})
	t.Run("the settings load from counting and say their sentences", func(t *testing.T) {
		assert.Contains(t, strings.Join(reject.Lifecycle().Conventions(), " "), "A reclassification (改变分类) at or after the deadline in force is rejected.")
		assert.Contains(t, strings.Join(overdue.Lifecycle().Conventions(), " "), "the cycle stays late")
		b, err := LateChangeReject.MarshalText()
		require.NoError(t, err)
		var l LateChange
		require.NoError(t, l.UnmarshalText(b))
		assert.Equal(t, LateChangeReject, l)
		assert.Error(t, l.UnmarshalText([]byte("later")))
		assert.Equal(t, LateChangeReject, l, "unchanged on error")
	})
}

func lcPause(at, name, reason string) Event {
	return Event{Type: EventPaused, At: lcT(at), Pause: name, Reason: reason}
}
func lcResume(at, name string) Event { return Event{Type: EventResumed, At: lcT(at), Pause: name} }

func TestSeveralPauses(t *testing.T) {
	p := lcPolicy(t)
	base := lcCase(t, p, "P-1", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T3"))
	t.Run("an expert review and a hearing that overlap exclude their union, as one pause over both would", func(t *testing.T) {
		two := lcCase(t, p, "P-1", lcWith(base, lcPause("2026-03-04 09:00", "review", "专家评审"), lcPause("2026-03-05 09:00", "hearing", "hearing"),
			lcResume("2026-03-06 10:00", "review"), lcResume("2026-03-10 10:00", "hearing"))...)
		one := lcCase(t, p, "P-1", lcWith(base, lcPause("2026-03-04 09:00", "", "检验检测"), lcResume("2026-03-10 10:00", ""))...)
		a, err := p.StatusAt(two, lcT("2026-03-10 12:00"))
		require.NoError(t, err)
		b, err := p.StatusAt(one, lcT("2026-03-10 12:00"))
		require.NoError(t, err)
		assert.Equal(t, b.Due, a.Due)
		assert.Equal(t, b.JudgedDue, a.JudgedDue)
		assert.Empty(t, a.OpenPauses)
		assert.False(t, a.Paused)
	})
	t.Run("the status lists the open pauses with their reasons and codes, earliest first", func(t *testing.T) {
		c := lcCase(t, p, "P-1", lcWith(base, lcPause("2026-03-04 09:00", "review", "专家评审"), lcPause("2026-03-05 09:00", "call", "applicant_unreachable"))...)
		st, err := p.StatusAt(c, lcT("2026-03-05 12:00"))
		require.NoError(t, err)
		assert.Equal(t, StatePaused, st.State)
		assert.Equal(t, lcT("2026-03-04 09:00"), st.PausedSince)
		require.Len(t, st.OpenPauses, 2)
		assert.Equal(t, OpenPause{Pause: "review", Reason: "专家评审", Code: "expert_review", CountsAs: CountsExcluded, Since: lcT("2026-03-04 09:00")}, st.OpenPauses[0])
		assert.Equal(t, OpenPause{Pause: "call", Reason: "applicant_unreachable", Code: "applicant_unreachable", CountsAs: CountsApplicant, Since: lcT("2026-03-05 09:00")}, st.OpenPauses[1])
		// Ending the earlier pause leaves the later one, and the case paused since it.
		c = lcCase(t, p, "P-1", lcWith(c, lcResume("2026-03-06 09:00", "review"))...)
		st, err = p.StatusAt(c, lcT("2026-03-06 12:00"))
		require.NoError(t, err)
		require.Len(t, st.OpenPauses, 1)
		assert.Equal(t, "call", st.OpenPauses[0].Pause)
		assert.Equal(t, lcT("2026-03-05 09:00"), st.PausedSince)
	})
	t.Run("a resume without a name ends the only open pause", func(t *testing.T) {
		c := lcCase(t, p, "P-1", lcWith(base, lcPause("2026-03-04 09:00", "review", "r"), lcResume("2026-03-05 09:00", ""))...)
		st, err := p.StatusAt(c, lcT("2026-03-05 12:00"))
		require.NoError(t, err)
		assert.False(t, st.Paused)
	})
	t.Run("a resume without a name ends the unnamed pause when a named one is open too", func(t *testing.T) {
		c := lcCase(t, p, "P-1", lcWith(base, lcPause("2026-03-04 09:00", "", "r"), lcPause("2026-03-04 10:00", "review", "r"), lcResume("2026-03-05 09:00", ""))...)
		st, err := p.StatusAt(c, lcT("2026-03-05 12:00"))
		require.NoError(t, err)
		require.Len(t, st.OpenPauses, 1)
		assert.Equal(t, "review", st.OpenPauses[0].Pause)
	})
	twoOpen := lcCase(t, p, "P-1", lcWith(base, lcPause("2026-03-04 09:00", "review", "r"), lcPause("2026-03-04 10:00", "hearing", "r"))...)
	refusals := []struct {
		name  string
		c     Case
		e     Event
		field string
		want  string
	}{
		{"a resume of a pause that is not open is refused naming pause", twoOpen, lcResume("2026-03-05 09:00", "test"), "pause", `no pause "test" is open (open: "review", "hearing")`},
		{"a resume without a name while two named pauses are open is refused naming pause", twoOpen, lcResume("2026-03-05 09:00", ""), "pause", "name the one to end"},
		{"a second open pause of the same name is refused naming pause", twoOpen, lcPause("2026-03-05 09:00", "review", "r"), "pause", `pause "review" is already open`},
		{"a second unnamed pause is refused as before", lcCase(t, p, "P-1", lcWith(base, lcPaused("2026-03-04 09:00"))...), lcPaused("2026-03-05 09:00"), "", "already paused since"},
		{"a resume with nothing open is refused as before", base, lcResumed("2026-03-05 09:00"), "", "resume without a pause"},
		{"a pause name over MaxIDBytes is refused naming pause", base, lcPause("2026-03-05 09:00", strings.Repeat("p", MaxIDBytes+1), "r"), "pause", "pause is 129 bytes long"},
		{"a pause name on a transfer is refused naming pause", base, Event{Type: EventTransferred, At: lcT("2026-03-05 09:00"), Unit: "u", Pause: "x"}, "pause", "does not belong"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			assert.Contains(t, lcRefused(t, p, tc.c, tc.e, nil, tc.field), tc.want)
		})
	}
	t.Run("more than MaxOpenPauses open pauses are refused", func(t *testing.T) {
		c := base
		for i := 0; i < MaxOpenPauses; i++ {
			var err error
			c, err = p.Apply(c, Event{Type: EventPaused, At: lcT("2026-03-04 09:00"), Pause: string(rune('a' + i)), Reason: "r"})
			require.NoError(t, err)
		}
		lcRefused(t, p, c, Event{Type: EventPaused, At: lcT("2026-03-04 09:00"), Pause: "z", Reason: "r"}, ErrEventState, "")
	})
	t.Run("closing ends every open pause", func(t *testing.T) {
		c := lcCase(t, p, "P-1", lcWith(twoOpen, lcClosed("2026-03-09 10:00"))...)
		st, err := p.StatusAt(c, lcT("2026-03-09 12:00"))
		require.NoError(t, err)
		assert.Empty(t, st.OpenPauses)
		assert.Equal(t, StateClosedOnTime, st.State)
	})
}

func TestReasonCodes(t *testing.T) {
	p := lcPolicy(t)
	base := lcCase(t, p, "R-1", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T1"))
	t.Run("the default policy declares codes but does not require them", func(t *testing.T) {
		assert.False(t, Default().ReasonsRequired())
		codes := map[string]CountsAs{}
		for _, r := range Default().Reasons() {
			codes[r.Code] = r.CountsAs
		}
		assert.Equal(t, CountsExcluded, codes["expert_review"])
		assert.Equal(t, CountsRestart, codes["applicant_supplement"])
		assert.Equal(t, CountsApplicant, codes["applicant_unreachable"])
	})
	t.Run("a pause for corrected materials ends with a restart of the clock at its resume (行政许可法第三十二条)", func(t *testing.T) {
		c := lcCase(t, p, "R-1", lcWith(base, lcPause("2026-03-04 09:00", "", "申请人补正材料"), lcResume("2026-03-09 10:00", ""))...)
		st, err := p.StatusAt(c, lcT("2026-03-09 12:00"))
		require.NoError(t, err)
		assert.Equal(t, lcT("2026-03-11 00:00"), st.Due, "one working day from the resume: 03-10")
		assert.Equal(t, StateOnTrack, st.State)
		assert.Contains(t, strings.Join(st.Explain(p, c), "\n"), "the clock starts again from this instant")
		// The same pause with free text excludes 03-05..03-09 only: due 03-11 00:00 as well
		// would not tell them apart, so compare with a later resume.
		free := lcCase(t, p, "R-1", lcWith(base, lcPause("2026-03-04 09:00", "", "补材料"), lcResume("2026-03-09 10:00", ""))...)
		sf, err := p.StatusAt(free, lcT("2026-03-09 12:00"))
		require.NoError(t, err)
		assert.Equal(t, lcT("2026-03-10 00:00"), sf.Due, "free text: 03-04 counted, 03-05..03-09 excluded, due at the end of 03-09")
	})
	t.Run("a code used on an event type it is not for is refused naming reason", func(t *testing.T) {
		msg := lcRefused(t, p, base, lcPause("2026-03-04 09:00", "", "not_our_duty"), ErrEventField, "reason")
		assert.Contains(t, msg, "is not for paused events")
	})
	req := lcPolicy(t, "reasons_required: false", "reasons_required: true")
	rbase := lcCase(t, req, "R-1", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T1"))
	t.Run("with reasons_required a pause in free text is refused naming reason and listing the codes", func(t *testing.T) {
		msg := lcRefused(t, req, rbase, lcPause("2026-03-04 09:00", "", "检验检测"), ErrEventField, "reason")
		assert.Contains(t, msg, "expert_review, hearing")
	})
	t.Run("with reasons_required a code or its label is accepted", func(t *testing.T) {
		lcCase(t, req, "R-1", lcWith(rbase, lcPause("2026-03-04 09:00", "a", "hearing"), lcPause("2026-03-04 10:00", "b", "专家评审"))...)
	})
	t.Run("with reasons_required an event type no code is for keeps free text", func(t *testing.T) {
		lcCase(t, req, "R-1", lcWith(rbase, lcClosed("2026-03-04 09:00"), lcReopened("2026-03-04 10:00"))...)
	})
	t.Run("with reasons_required a restart in free text is refused", func(t *testing.T) {
		lcRefused(t, req, rbase, lcRestarted("2026-03-04 09:00"), ErrEventField, "reason")
	})
}

func TestReturns(t *testing.T) {
	p := lcPolicy(t)
	base := lcCase(t, p, "B-1", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T10"), lcTransferred("2026-03-03 11:00", "社保中心"))
	ret := func(at, unit string) Event {
		return Event{Type: EventReturned, At: lcT(at), Unit: unit, Reason: "不属本单位职责"}
	}
	t.Run("a return by the holding unit ends its targets and leaves the case with no unit", func(t *testing.T) {
		c := lcCase(t, p, "B-1", lcWith(base, ret("2026-03-04 10:00", "社保中心"))...)
		assert.Equal(t, "", c.Unit())
		st, err := p.StatusAt(c, lcT("2026-03-04 12:00"))
		require.NoError(t, err)
		require.Len(t, st.Targets, 2, "sign_for and unit_reply; the return window is not listed")
		for _, tg := range st.Targets {
			assert.Equal(t, EventReturned, tg.DoneBy, tg.ID)
			assert.Equal(t, lcT("2026-03-04 10:00"), tg.Done)
		}
		assert.Contains(t, strings.Join(st.Explain(p, c), "\n"), "returned (退回) by 社保中心")
		// It may be transferred again, and the new unit may return it in turn.
		c = lcCase(t, p, "B-1", lcWith(c, lcTransferred("2026-03-04 11:00", "医保科"), ret("2026-03-05 10:00", "医保科"))...)
		assert.Equal(t, "", c.Unit())
	})
	refusals := []struct {
		name  string
		c     Case
		e     Event
		field string
		want  string
	}{
		{"a return by a unit that does not hold the case is refused naming unit", base, ret("2026-03-04 10:00", "医保科"), "unit", `the case is held by "社保中心"`},
		{"a return before any transfer is refused naming unit", lcCase(t, p, "B-1", base.Events[:2]...), ret("2026-03-04 10:00", "社保中心"), "unit", "never transferred"},
		{"a second return is refused naming unit", lcCase(t, p, "B-1", lcWith(base, ret("2026-03-04 10:00", "社保中心"))...), ret("2026-03-04 11:00", "社保中心"), "unit", "returned the case already"},
		{"a return after the 2-working-day window is refused naming at", base, ret("2026-03-06 10:00", "社保中心"), "at", "the window to return the case closed at 2026-03-06 00:00 CST"},
		{"a return without a reason is refused naming reason", base, Event{Type: EventReturned, At: lcT("2026-03-04 10:00"), Unit: "社保中心"}, "reason", "needs a reason"},
		{"a return without a unit is refused naming unit", base, Event{Type: EventReturned, At: lcT("2026-03-04 10:00"), Reason: "r"}, "unit", "needs a unit"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			assert.Contains(t, lcRefused(t, p, tc.c, tc.e, nil, tc.field), tc.want)
		})
	}
}

func TestSupervision(t *testing.T) {
	p := lcPolicy(t)
	c := lcT1Case(t, p) // due 03-05 00:00; last day 03-04
	levels := func(st Status) map[string]time.Time {
		m := map[string]time.Time{}
		for _, l := range st.Supervision {
			m[l.ID] = l.At
		}
		return m
	}
	t.Run("an overdue case reaches 催办 at orange, 督办 when overdue, 挂牌督办 3 and 通报 5 working days after", func(t *testing.T) {
		st, err := p.StatusAt(c, lcT("2026-03-12 10:00"))
		require.NoError(t, err)
		assert.Equal(t, map[string]time.Time{
			"remind":    lcT("2026-03-04 19:12"), // orange: 80% of its one day elapsed
			"supervise": lcT("2026-03-05 00:00"),
			"listed":    lcT("2026-03-09 00:00"), // 03-05, 03-06, 03-09
			"notice":    lcT("2026-03-11 00:00"),
		}, levels(st))
		assert.Equal(t, "分管领导", st.Supervision[3].By)
		assert.Equal(t, 6, st.OverdueDays)
	})
	t.Run("every level is reached exactly at the instant supervisionInstants gives, past or future", func(t *testing.T) {
		now := lcT("2026-03-03 12:00")
		var r replayer
		require.NoError(t, r.replayUntil(p, &c, now))
		var st Status
		require.NoError(t, r.status(&st, now))
		ats, err := r.supervisionInstants(&st, nil)
		require.NoError(t, err)
		require.Len(t, ats, len(p.SupervisionLevels()))
		for i, at := range ats {
			require.False(t, at.IsZero())
			id := p.SupervisionLevels()[i].ID
			before, err := p.StatusAt(c, at.Add(-time.Nanosecond))
			require.NoError(t, err)
			assert.NotContains(t, levels(before), id, "not reached before %s", at)
			after, err := p.StatusAt(c, at)
			require.NoError(t, err)
			assert.Equal(t, at, levels(after)[id], "reached at %s", at)
		}
	})
	t.Run("a case closed on time before the orange warning reaches no level", func(t *testing.T) {
		cc := lcCase(t, p, "L-1", lcWith(c, lcClosed("2026-03-03 15:00"))...)
		st, err := p.StatusAt(cc, lcT("2026-03-12 10:00"))
		require.NoError(t, err)
		assert.Empty(t, st.Supervision)
	})
	t.Run("a case suspended by a pause reaches no lateness level while paused", func(t *testing.T) {
		cc := lcCase(t, p, "L-1", lcWith(c, lcPaused("2026-03-03 15:00"))...)
		st, err := p.StatusAt(cc, lcT("2026-03-12 10:00"))
		require.NoError(t, err)
		assert.Empty(t, st.Supervision)
	})
	sup := func(at, level string) Event {
		return Event{Type: EventSupervised, At: lcT(at), Actor: "分管领导", Level: level, Note: "督办单 2026-3"}
	}
	t.Run("a supervised event after a level is reached is recorded and listed", func(t *testing.T) {
		cc := lcCase(t, p, "L-1", lcWith(c, sup("2026-03-05 10:00", "supervise"), sup("2026-03-05 11:00", ""))...)
		st, err := p.StatusAt(cc, lcT("2026-03-05 12:00"))
		require.NoError(t, err)
		assert.Equal(t, []SupervisionAction{
			{Level: "supervise", By: "分管领导", At: lcT("2026-03-05 10:00"), Note: "督办单 2026-3"},
			{By: "分管领导", At: lcT("2026-03-05 11:00"), Note: "督办单 2026-3"},
		}, st.Supervised)
		assert.Equal(t, StateOverdue, st.State, "supervision changes no deadline")
	})
	refusals := []struct {
		name     string
		e        Event
		sentinel error
		field    string
		want     string
	}{
		{"a supervised event on a case that reached no level is refused", sup("2026-03-03 12:00", ""), ErrEventState, "", "reached no supervision level"},
		{"a supervised event naming a level not reached is refused naming level", sup("2026-03-05 10:00", "listed"), ErrEventState, "level", `has not reached supervision level "listed"`},
		{"a supervised event naming an unknown level is refused naming level", sup("2026-03-05 10:00", "nope"), ErrEventField, "level", `no supervision level "nope"`},
		{"a supervised event without an actor is refused naming actor", Event{Type: EventSupervised, At: lcT("2026-03-05 10:00")}, ErrEventField, "actor", "needs an actor"},
		{"a level on another event type is refused naming level", Event{Type: EventClosed, At: lcT("2026-03-05 10:00"), Level: "x"}, ErrEventField, "level", "does not belong"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			assert.Contains(t, lcRefused(t, p, c, tc.e, tc.sentinel, tc.field), tc.want)
		})
	}
	t.Run("a policy without supervision levels refuses supervised events", func(t *testing.T) {
		y := string(lcPolicyYAML(t))
		from, to := strings.Index(y, "\nsupervision:"), strings.Index(y, "\n# 回访评价")
		require.True(t, from > 0 && to > from)
		q, err := ParsePolicy("q.yaml", []byte(y[:from]+y[to:]))
		require.NoError(t, err)
		require.Empty(t, q.SupervisionLevels())
		qc := lcT1Case(t, q)
		assert.Contains(t, lcRefused(t, q, qc, sup("2026-03-09 10:00", ""), ErrEventState, ""), "declares no supervision levels")
	})
}

// lcPolicyYAML is the text of lcPolicy.
func lcPolicyYAML(t *testing.T) []byte {
	return []byte(strings.Replace(string(DefaultPolicyYAML()), "from: 2025-01-01", "from: 2004-01-01", 1))
}

func TestRatings(t *testing.T) {
	p := lcPolicy(t)
	closed := lcCase(t, p, "V-1", lcWith(lcT1Case(t, p), lcClosed("2026-03-04 10:00"))...)
	visit := func(rating string, sat *bool) Event {
		return Event{Type: EventVisited, At: lcT("2026-03-04 15:00"), Rating: rating, Satisfied: sat}
	}
	yes, no := true, false
	t.Run("the default scale is 满意, 基本满意 (satisfied) and 不满意 (reopens)", func(t *testing.T) {
		assert.Equal(t, DefaultRatingScale(), Default().RatingScale())
	})
	for _, tc := range []struct {
		name      string
		e         Event
		grade     string
		satisfied bool
		reopen    bool
	}{
		{"基本满意 counts as satisfied", visit("基本满意", nil), "基本满意", true, false},
		{"不满意 calls for reopening", visit("不满意", nil), "不满意", false, true},
		{"the old satisfied true maps onto 满意", visit("", &yes), "满意", true, false},
		{"the old satisfied false maps onto 不满意", visit("", &no), "不满意", false, true},
		{"a rating and a satisfied that agree are accepted", visit("基本满意", &yes), "基本满意", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := lcCase(t, p, "V-1", lcWith(closed, tc.e)...)
			st, err := p.StatusAt(c, lcT("2026-03-04 16:00"))
			require.NoError(t, err)
			assert.Equal(t, tc.grade, st.Rating)
			assert.Equal(t, tc.reopen, st.ReopenRequired)
			assert.Equal(t, tc.satisfied, p.visitSatisfied(&c.Events[len(c.Events)-1]))
			if tc.reopen {
				c = lcCase(t, p, "V-1", lcWith(c, lcReopened("2026-03-04 17:00"))...)
				st, err = p.StatusAt(c, lcT("2026-03-04 18:00"))
				require.NoError(t, err)
				assert.False(t, st.ReopenRequired, "reopened")
				assert.Empty(t, st.Rating, "the new cycle has no visit yet")
			}
		})
	}
	t.Run("a rating outside the scale is refused naming rating", func(t *testing.T) {
		assert.Contains(t, lcRefused(t, p, closed, visit("很好", nil), ErrEventField, "rating"), "满意, 基本满意, 不满意")
	})
	t.Run("a satisfied that contradicts the rating is refused naming satisfied", func(t *testing.T) {
		lcRefused(t, p, closed, visit("不满意", &yes), ErrEventField, "satisfied")
	})
	t.Run("a scale of the policy's own is followed, and satisfied false with no such grade is refused", func(t *testing.T) {
		q := lcPolicy(t, "  - grade: 不满意\n    reopens: true\n", "")
		assert.Len(t, q.RatingScale(), 2)
		qc := lcCase(t, q, "V-1", lcWith(lcT1Case(t, q), lcClosed("2026-03-04 10:00"))...)
		assert.Contains(t, lcRefused(t, q, qc, visit("", &no), ErrEventField, "satisfied"), "no grade that counts as not satisfied")
	})
}

func TestLoopPolicyErrors(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"an unknown late_reclassify", "late_reclassify: overdue", "late_reclassify: later",
			`:20: counting.late_reclassify: invalid late_reclassify "later" (want "overdue" or "reject")`},
		{"an unknown counts_as", "counts_as: restart", "counts_as: restarted",
			`counts_as: "restarted" is not what time can count as`},
		{"a restart code for extensions", "    counts_as: restart\n", "    counts_as: restart\n    events: [extended]\n",
			`a code that counts as restart is for paused and restarted events, not extended`},
		{"a code declared twice", "code: hearing", "code: expert_review", `reason code "expert_review" is declared twice`},
		{"an unknown event type for a code", "events: [returned]", "events: [closed]", `"closed" is not an event type with a reason code`},
		{"a code for no event type", "events: [returned]", "events: []", `events: at least one event type`},
		{"reasons_required not a boolean", "reasons_required: false", "reasons_required: yes please", "reasons_required: expected true or false"},
		{"a supervision level on an unknown warning", "warning: orange", "warning: purple", `policy declares no warning "purple" (warnings: yellow, orange, last_day)`},
		{"a supervision level with no trigger", "    warning: orange\n", "", "supervision[0]: missing the trigger (warning: a warning id, or overdue:"},
		{"a supervision level with both triggers", "    warning: orange\n", "    warning: orange\n    overdue: 1 workday\n", "give warning or overdue, not both"},
		{"a supervision level overdue in hours", "overdue: 3 workdays", "overdue: 3 hours", "is not a count of working days overdue"},
		{"a grade declared twice", "grade: 基本满意", "grade: 满意", `grade "满意" is declared twice`},
		{"a satisfied grade that reopens", "  - grade: 基本满意\n    satisfied: true\n", "  - grade: 基本满意\n    satisfied: true\n    reopens: true\n", "a grade that counts as satisfied cannot call for reopening"},
		{"an unknown key in a level", "    by: 分管领导\n    overdue: 5 workdays", "    who: 分管领导\n    overdue: 5 workdays", `unknown key "who"`},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is refused at load with file:line:column", func(t *testing.T) {
			y := string(DefaultPolicyYAML())
			require.Contains(t, y, tc.from)
			_, err := ParsePolicy("loop.yaml", []byte(strings.Replace(y, tc.from, tc.to, 1)))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Regexp(t, `loop\.yaml:\d+:\d+: `, err.Error())
		})
	}
}

func TestLoopJSONRoundTrip(t *testing.T) {
	p := lcPolicy(t)
	c := lcCase(t, p, "J-1", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T3"), lcTransferred("2026-03-03 11:00", "社保中心"),
		Event{Type: EventReturned, At: lcT("2026-03-03 15:00"), Unit: "社保中心", Reason: "not_our_duty"},
		lcPause("2026-03-04 09:00", "review", "专家评审"), lcPause("2026-03-04 10:00", "call", "applicant_unreachable"),
		lcResume("2026-03-05 09:00", "review"))
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var back Case
	require.NoError(t, json.Unmarshal(b, &back))
	b2, err := json.Marshal(back)
	require.NoError(t, err)
	assert.Equal(t, string(b), string(b2))
	require.NoError(t, p.Validate(back))
	st, err := p.StatusAt(c, lcT("2026-03-05 12:00"))
	require.NoError(t, err)
	sb, err := json.Marshal(st)
	require.NoError(t, err)
	var sback Status
	require.NoError(t, json.Unmarshal(sb, &sback))
	sb2, err := json.Marshal(sback)
	require.NoError(t, err)
	assert.JSONEq(t, string(sb), string(sb2))
	assert.Contains(t, string(sb), `"open_pauses":[{"pause":"call","reason":"applicant_unreachable","code":"applicant_unreachable","counts_as":"applicant","since":"2026-03-04T10:00:00+08:00"}]`)
	var bad Status
	err = json.Unmarshal([]byte(strings.Replace(string(sb), `"counts_as":"applicant"`, `"counts_as":"later"`, 1)), &bad)
	assert.ErrorContains(t, err, "later")
}

func TestReportLoopCounts(t *testing.T) {
	p := lcPolicy(t)
	ret := func(at, unit string) Event {
		return Event{Type: EventReturned, At: lcT(at), Unit: unit, Reason: "not_our_duty"}
	}
	a := lcCase(t, p, "A", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T1"),
		lcTransferred("2026-03-03 11:00", "社保中心"), ret("2026-03-03 15:00", "社保中心"),
		lcTransferred("2026-03-03 16:00", "医保科"), ret("2026-03-04 09:00", "医保科"),
		lcTransferred("2026-03-04 10:00", "社保中心"), ret("2026-03-04 11:00", "社保中心"),
		Event{Type: EventSupervised, At: lcT("2026-03-05 10:00"), Actor: "分管领导"})
	b := lcCase(t, p, "B", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T3"),
		lcPause("2026-03-04 09:00", "", "联系不上申请人"), lcResume("2026-03-05 09:00", ""),
		lcClosed("2026-03-05 10:00"), Event{Type: EventVisited, At: lcT("2026-03-05 15:00"), Rating: "基本满意"})
	rep, err := p.Report([]Case{a, b}, ReportOptions{From: lcT("2026-03-01"), To: lcT("2026-03-31"), Now: lcT("2026-03-09 12:00"), GroupBy: GroupByTier})
	require.NoError(t, err)
	assert.Equal(t, []UnitCount{{"社保中心", 2}, {"医保科", 1}}, rep.Loop.Returns, "returns per returning unit, most first")
	assert.Equal(t, 1, rep.Loop.Supervised)
	assert.Equal(t, 1, rep.Loop.ApplicantPaused, "a pause coded 联系不上申请人 is applicant-caused")
	assert.Equal(t, []GradeCount{{"满意", 0}, {"基本满意", 1}, {"不满意", 0}}, rep.Loop.Ratings)
	assert.Equal(t, 1, rep.Total.Satisfied, "基本满意 counts as satisfied")
	assert.Equal(t, 1, rep.Total.Returned)
	assert.Equal(t, 1, rep.Total.Supervised)
	assert.Equal(t, []LevelCount{{"remind", "催办", 1}, {"supervise", "督办", 1}, {"listed", "挂牌督办", 1}, {"notice", "通报", 0}}, rep.Loop.Levels,
		"A, overdue since 03-05 and three working days overdue on 03-09, reached 催办, 督办 and 挂牌督办; B closed before orange")
}

// TestLoopSchema: the schema accepts every closed-loop field the library
// writes, in cases, events and statuses, and refuses them where they do not
// belong, as Apply does.
func TestLoopSchema(t *testing.T) {
	caseSchema, eventSchema, statusSchema := wireSchema(t, "Case"), wireSchema(t, "Event"), wireSchema(t, "Status")
	p := lcPolicy(t)
	c := lcCase(t, p, "S-1", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T1"), lcTransferred("2026-03-03 11:00", "社保中心"),
		Event{Type: EventReturned, At: lcT("2026-03-03 15:00"), Unit: "社保中心", Reason: "not_our_duty"},
		lcPause("2026-03-04 09:00", "review", "专家评审"), lcPause("2026-03-04 10:00", "call", "applicant_unreachable"),
		lcResume("2026-03-04 11:00", "review"), lcResume("2026-03-04 12:00", ""),
		Event{Type: EventSupervised, At: lcT("2026-03-05 10:00"), Actor: "分管领导", Level: "supervise", Note: "督办单"},
		lcClosed("2026-03-05 11:00"), Event{Type: EventVisited, At: lcT("2026-03-05 15:00"), Rating: "不满意"})
	b, err := json.Marshal(c)
	require.NoError(t, err)
	require.NoError(t, wireschema.Validate(caseSchema, b), "%s", b)
	for _, at := range []string{"2026-03-04 10:30", "2026-03-05 10:30", "2026-03-05 16:00"} {
		st, err := p.StatusAt(c, lcT(at))
		require.NoError(t, err)
		sb, err := json.Marshal(st)
		require.NoError(t, err)
		require.NoError(t, wireschema.Validate(statusSchema, sb), "%s", sb)
	}
	st, err := p.StatusAt(c, lcT("2026-03-05 16:00"))
	require.NoError(t, err)
	assert.True(t, st.ReopenRequired)
	assert.NotEmpty(t, st.Supervised)
	for _, bad := range []string{
		`{"type":"transferred","at":"2026-03-03T11:00:00+08:00","unit":"u","pause":"p"}`,
		`{"type":"visited","at":"2026-03-03T11:00:00+08:00"}`,
		`{"type":"closed","at":"2026-03-03T11:00:00+08:00","rating":"满意"}`,
		`{"type":"supervised","at":"2026-03-03T11:00:00+08:00"}`,
		`{"type":"returned","at":"2026-03-03T11:00:00+08:00","unit":"u"}`,
		`{"type":"paused","at":"2026-03-03T11:00:00+08:00","reason":"r","level":"x"}`,
	} {
		assert.Error(t, wireschema.Validate(eventSchema, []byte(bad)), bad)
	}
}

func TestReportRefusesUnboundedReturnUnits(t *testing.T) {
	p := lcPolicy(t)
	c := lcCase(t, p, "U-1", lcAccepted("2026-03-03 10:00"), lcClassified("2026-03-03 10:00", "T1"), lcTransferred("2026-03-03 11:00", "社保中心"),
		Event{Type: EventReturned, At: lcT("2026-03-03 15:00"), Unit: "社保中心", Reason: "r"}, lcTransferred("2026-03-03 16:00", "医保科"))
	long := strings.Repeat("科", MaxTextBytes/3+1)
	// Built by hand, past Apply: the report keeps every returning unit, not only the
	// unit now holding the case, so it bounds them.
	c.Events[2].Unit, c.Events[3].Unit = long, long
	r, err := p.NewReporter(ReportOptions{From: lcT("2026-03-01"), To: lcT("2026-03-31"), Now: lcT("2026-03-09 12:00")})
	require.NoError(t, err)
	err = r.Add(c)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "event 4: unit is 2049 bytes long")
	assert.Equal(t, 0, r.Report().Total.Accepted, "nothing was counted")
}
