package sla

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shixian-go/shixian/sla/deadline"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lcUnits and lcTiers are the values the generators draw from; some are
// invalid on purpose.
var (
	lcUnits = []string{"社保中心", "劳动监察", "医保科", ""}
	lcTiers = []string{"T1", "T3", "T10", "T5", ""}
	// The closed loop: pause names, reasons (free text, codes of each kind,
	// a label, a code for another event type), supervision levels and
	// grades of the default policy, with a wrong one of each.
	lcPauseNames = []string{"", "review", "hearing", "x"}
	lcReasons    = []string{"r", "expert_review", "applicant_supplement", "applicant_unreachable", "听证", "not_our_duty"}
	lcLevels     = []string{"", "remind", "supervise", "listed", "nope"}
	lcGrades     = []string{"", "满意", "基本满意", "不满意", "很好"}
)

// lcRandomEvent draws an event of a random type at at. bad makes a field
// wrong or missing now and then so that refusals are exercised too.
func lcRandomEvent(rng *rand.Rand, at time.Time, unit string) Event {
	e := Event{Type: eventTypes[rng.Intn(len(eventTypes))], At: at}
	switch e.Type {
	case EventClassified, EventReclassified:
		e.Tier = lcTiers[rng.Intn(len(lcTiers))]
		e.Reason = "r"
	case EventTransferred:
		e.Unit = lcUnits[rng.Intn(len(lcUnits))]
	case EventSignedFor:
		e.Unit = unit
		if rng.Intn(5) == 0 {
			e.Unit = lcUnits[rng.Intn(len(lcUnits))]
		}
	case EventPaused:
		e.Reason = lcReasons[rng.Intn(len(lcReasons))]
		e.Pause = lcPauseNames[rng.Intn(len(lcPauseNames))]
	case EventResumed:
		e.Pause = lcPauseNames[rng.Intn(len(lcPauseNames))]
	case EventReopened, EventRestarted:
		e.Reason = lcReasons[rng.Intn(len(lcReasons))]
	case EventReturned:
		e.Unit, e.Reason = unit, lcReasons[rng.Intn(len(lcReasons))]
		if rng.Intn(5) == 0 {
			e.Unit = lcUnits[rng.Intn(len(lcUnits))]
		}
	case EventSupervised:
		e.Actor, e.Level = "分管领导", lcLevels[rng.Intn(len(lcLevels))]
	case EventExtended:
		e.Length = &deadline.Period{Count: 1 + rng.Intn(12), Unit: deadline.Workdays}
		if rng.Intn(6) == 0 {
			e.Length.Unit = deadline.Days
		}
		e.Approver, e.Reason = "a", "r"
	case EventVisited:
		e.Rating = lcGrades[rng.Intn(len(lcGrades))]
		if e.Rating == "" || rng.Intn(4) == 0 {
			ok := rng.Intn(2) == 0
			e.Satisfied = &ok
		}
	}
	return e
}

// lcRandomCase builds a random valid history: a random acceptance in
// 2025–2026 followed by up to 14 random events, keeping those Apply accepts.
func lcRandomCase(t testing.TB, rng *rand.Rand, p *Policy, id string) Case {
	start := lcT("2025-01-02 00:00").Add(time.Duration(rng.Intn(600*24*60)) * time.Minute)
	c, err := p.Apply(Case{ID: id}, Event{Type: EventAccepted, At: start})
	require.NoError(t, err)
	if rng.Intn(10) > 0 {
		c, err = p.Apply(c, Event{Type: EventClassified, At: start, Tier: lcTiers[rng.Intn(3)]})
		require.NoError(t, err)
	}
	at := start
	for k := rng.Intn(15); k > 0; k-- {
		at = at.Add(time.Duration(rng.Intn(3*24*60)) * time.Minute)
		if next, err := p.Apply(c, lcRandomEvent(rng, at, c.Unit())); err == nil {
			c = next
		}
	}
	return c
}

func lcLastAt(c Case) time.Time { return c.Events[len(c.Events)-1].At }

// TestPropertyRandomHistories checks, over 2000 random valid histories on
// four policy variants: the JSON round trip is exact and the decoded case
// validates; StatusAt is deterministic and identical on the decoded case;
// inserting a pause anywhere never makes Due (nor the judged due) earlier;
// appending an extension never makes them earlier.
func TestPropertyRandomHistories(t *testing.T) {
	policies := []*Policy{
		lcPolicy(t),
		lcPolicy(t, lcOverdueExt...),
		lcPolicy(t, append(append([]string{}, lcFromReclass...), "resume_day: excluded", "resume_day: counted")...),
		lcPolicy(t, "max_count: 1", "max_count: 3", "max_total: 10 workdays", "max_total: 30 workdays"),
	}
	rng := rand.New(rand.NewSource(20251009))
	n := 2000
	if testing.Short() {
		n = 300
	}
	pausesChecked, extensionsChecked := 0, 0
	for i := 0; i < n; i++ {
		p := policies[i%len(policies)]
		c := lcRandomCase(t, rng, p, "P-1")
		require.NoError(t, p.Validate(c))
		now := lcLastAt(c).Add(time.Duration(rng.Intn(10*24*60)) * time.Minute)

		// Round trip.
		b, err := json.Marshal(c)
		require.NoError(t, err)
		var back Case
		require.NoError(t, json.Unmarshal(b, &back))
		b2, err := json.Marshal(back)
		require.NoError(t, err)
		require.Equal(t, string(b), string(b2))
		require.NoError(t, p.Validate(back), "%s", b)

		// Determinism.
		st, err := p.StatusAt(c, now)
		require.NoError(t, err, "%s", b)
		st2, err := p.StatusAt(c, now)
		require.NoError(t, err)
		require.Equal(t, st, st2)
		st3, err := p.StatusAt(back, now)
		require.NoError(t, err)
		require.Equal(t, st, st3)
		lcInvariants(t, st, string(b))

		// A pause inserted after event k (k ≥ 1), resumed before the next
		// event, never makes the deadline earlier.
		if len(c.Events) >= 2 {
			k := 1 + rng.Intn(len(c.Events)-1)
			from := c.Events[k].At
			to := from.Add(time.Duration(rng.Intn(5*24*60)) * time.Minute)
			if k+1 < len(c.Events) {
				gap := c.Events[k+1].At.Sub(from)
				to = from.Add(time.Duration(rng.Int63n(int64(gap) + 1)))
			}
			ins := append([]Event{}, c.Events[:k+1]...)
			ins = append(ins, Event{Type: EventPaused, At: from, Reason: "inserted"}, Event{Type: EventResumed, At: to})
			ins = append(ins, c.Events[k+1:]...)
			pc := Case{ID: c.ID, PolicyID: c.PolicyID, Events: ins}
			if p.Validate(pc) == nil {
				sp, err := p.StatusAt(pc, maxTime(now, to))
				require.NoError(t, err)
				so, err := p.StatusAt(c, maxTime(now, to))
				require.NoError(t, err)
				lcNotEarlier(t, so, sp, "pause", pc)
				pausesChecked++
			}
		}
		// An extension appended to an open case never makes it earlier.
		at := lcLastAt(c).Add(time.Duration(rng.Intn(3*24*60)) * time.Minute)
		if ec, err := p.Apply(c, Event{Type: EventExtended, At: at, Length: &deadline.Period{Count: 1 + rng.Intn(5), Unit: deadline.Workdays}, Approver: "a", Reason: "r"}); err == nil {
			when := maxTime(now, at)
			se, err := p.StatusAt(ec, when)
			require.NoError(t, err)
			so, err := p.StatusAt(c, when)
			require.NoError(t, err)
			lcNotEarlier(t, so, se, "extension", ec)
			extensionsChecked++
		}
	}
	assert.Greater(t, pausesChecked, n/10, "enough histories took an inserted pause")
	assert.Greater(t, extensionsChecked, n/10, "enough histories took an extension")
}

// lcNotEarlier: the changed status's deadlines are not earlier (a zero Due,
// suspended, counts as later than any).
func lcNotEarlier(t *testing.T, before, after Status, what string, c Case) {
	t.Helper()
	if before.Due.IsZero() || after.Due.IsZero() {
		return
	}
	assert.False(t, after.Due.Before(before.Due), "%s made Due earlier: %v → %v\n%s", what, before.Due, after.Due, lcJSON(t, c))
	assert.False(t, after.JudgedDue.Before(before.JudgedDue), "%s made the judged due earlier: %v → %v\n%s", what, before.JudgedDue, after.JudgedDue, lcJSON(t, c))
}

// lcInvariants are the facts every status satisfies.
func lcInvariants(t *testing.T, st Status, ctx string) {
	t.Helper()
	closed := st.State == StateClosedOnTime || st.State == StateClosedLate
	assert.Equal(t, closed, !st.Closed.IsZero(), "closed iff Closed is set: %s", ctx)
	assert.GreaterOrEqual(t, st.Cycle, 1)
	assert.GreaterOrEqual(t, st.RemainingDays, 0)
	assert.GreaterOrEqual(t, st.OverdueDays, 0)
	assert.LessOrEqual(t, st.LateExtensions, st.Extensions)
	if st.CycleLate {
		assert.True(t, st.EverLate)
	}
	switch st.State {
	case StateOverdue, StateClosedLate:
		assert.True(t, st.CycleLate, ctx)
		assert.Zero(t, st.RemainingDays, ctx)
	case StateOnTrack, StateWarning, StateClosedOnTime:
		assert.False(t, st.CycleLate, ctx)
		assert.Zero(t, st.OverdueDays, ctx)
		assert.True(t, st.At.Before(st.JudgedDue) || closed, ctx)
	case StatePaused:
		assert.True(t, st.Paused, ctx)
	case StateUnclassified:
		assert.True(t, st.Due.IsZero())
	default:
		t.Errorf("unknown state %q", st.State)
	}
	if st.State == StateWarning {
		assert.NotEmpty(t, st.Warnings)
	}
	if !st.Due.IsZero() {
		assert.False(t, st.Due.Before(st.JudgedDue), "the due shown is never before the judged due")
	}
	for i := 1; i < len(st.Warnings); i++ {
		assert.False(t, st.Warnings[i].At.Before(st.Warnings[i-1].At), "warnings in order of crossing")
	}
	for _, w := range st.Warnings {
		assert.False(t, w.At.After(st.At))
	}
	for _, tg := range st.Targets {
		assert.Equal(t, tg.Done.IsZero(), tg.DoneBy == "")
		assert.False(t, isReturnTarget(tg.ID), "return windows are not listed")
	}
	// The closed loop.
	assert.Equal(t, len(st.OpenPauses) > 0, st.Paused && !closed, "open pauses listed iff paused: %s", ctx)
	if len(st.OpenPauses) > 0 {
		assert.Equal(t, st.OpenPauses[0].Since, st.PausedSince, "paused since the earliest open pause")
	}
	for i, l := range st.Supervision {
		assert.False(t, l.At.After(st.At), "a level reached is not in the future")
		if i > 0 {
			assert.False(t, l.At.Before(st.Supervision[i-1].At), "levels in order of reaching")
		}
		if closed {
			assert.True(t, l.At.Before(st.Closed), "a closed cycle reaches levels before it closed only")
		}
	}
	if st.ReopenRequired {
		assert.NotEmpty(t, st.Rating)
	}
}

// lcDecodeEvents turns fuzz bytes into events: each 3 bytes are one event
// (type and variant, minutes since the previous event, a field choice).
func lcDecodeEvents(data []byte) []Event {
	at := lcT("2025-09-25 09:00")
	var out []Event
	for i := 0; i+2 < len(data) && len(out) < 64; i += 3 {
		b0, b1, b2 := data[i], data[i+1], data[i+2]
		at = at.Add(time.Duration(b1) * 37 * time.Minute)
		e := Event{Type: eventTypes[int(b0)%len(eventTypes)], At: at}
		variant := int(b0) / len(eventTypes) // 0..21: mostly well-formed, sometimes not
		switch e.Type {
		case EventClassified, EventReclassified:
			e.Tier = lcTiers[int(b2)%len(lcTiers)]
			e.Reason = "r"
		case EventTransferred, EventSignedFor:
			e.Unit = lcUnits[int(b2)%len(lcUnits)]
		case EventPaused:
			e.Reason = lcReasons[int(b2)%len(lcReasons)]
			e.Pause = lcPauseNames[int(b2/8)%len(lcPauseNames)]
		case EventResumed:
			e.Pause = lcPauseNames[int(b2)%len(lcPauseNames)]
		case EventReopened, EventRestarted:
			e.Reason = lcReasons[int(b2)%len(lcReasons)]
		case EventReturned:
			e.Unit, e.Reason = lcUnits[int(b2)%len(lcUnits)], lcReasons[int(b2/4)%len(lcReasons)]
		case EventSupervised:
			e.Actor, e.Level = "分管领导", lcLevels[int(b2)%len(lcLevels)]
		case EventExtended:
			e.Length = &deadline.Period{Count: int(b2 % 14), Unit: deadline.Unit(1 + int(b2/14)%5)}
			e.Approver, e.Reason = "a", "r"
		case EventVisited:
			e.Rating = lcGrades[int(b2)%len(lcGrades)]
			if e.Rating == "" || b2 >= 128 {
				ok := b2%2 == 0
				e.Satisfied = &ok
			}
		}
		switch variant {
		case 1:
			e.Reason = "" // a missing reason
		case 2:
			e.Unit = "x" // a foreign or wrong unit
		case 3:
			e.At = e.At.Add(-48 * time.Hour) // out of order
		case 4:
			e.At = e.At.UTC() // another location, same instant
		case 5:
			e.At = e.At.AddDate(26, 0, 0) // after the calendar's last year
		case 6:
			e.Reason = strings.Repeat("长", MaxTextBytes/3+1) // a reason over MaxTextBytes
		case 7:
			e.Note = "\xc9\xe7\xb1\xa3" // GBK bytes, not UTF-8
		case 8:
			e.Actor = strings.Repeat("x", MaxTextBytes+1) // an actor over MaxTextBytes
		}
		out = append(out, e)
	}
	return out
}

// FuzzApply feeds random event sequences to Apply: it never panics; a case
// it accepted validates, round-trips through JSON exactly, and has a status
// at any later instant that satisfies the invariants; the input case is
// never modified.
func FuzzApply(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 1, 2, 10, 0, 3, 10, 0, 9, 40, 0})
	f.Add([]byte{0, 0, 0, 1, 0, 2, 4, 3, 0, 5, 60, 0, 7, 5, 10, 9, 50, 0, 10, 10, 1, 11, 1, 0, 9, 30, 0})
	f.Add([]byte{0, 0, 0, 1, 0, 0, 7, 200, 5, 8, 1, 2, 6, 30, 0, 9, 1, 0})
	f.Add([]byte{0, 0, 0, 4, 0, 0, 4, 1, 0, 1, 1, 2, 5, 1, 0, 9, 3, 0, 10, 3, 1, 22, 1, 0})
	f.Add([]byte{12, 0, 0, 25, 1, 1, 37, 2, 2, 49, 3, 3})
	// Refusals Apply makes before storing: a transfer dated 26 years on
	// (off the calendar), then the transfer it should have been; an
	// acceptance off the calendar, then a good one.
	f.Add([]byte{0, 0, 0, 1, 0, 1, 62, 10, 0, 2, 10, 0, 9, 40, 0})
	f.Add([]byte{60, 0, 0, 0, 1, 0, 1, 0, 2, 69, 30, 0, 9, 40, 0})
	// Text Apply refuses before storing: a pause whose reason is over
	// MaxTextBytes, then the pause with its reason; a transfer with a note
	// that is not UTF-8, then the transfer without; a close by an actor
	// named in more than MaxTextBytes, then the close.
	f.Add([]byte{0, 0, 0, 1, 0, 1, 76, 2, 0, 4, 2, 0, 5, 3, 0})
	f.Add([]byte{0, 0, 0, 1, 0, 1, 86, 1, 0, 2, 1, 0, 9, 40, 0})
	f.Add([]byte{0, 0, 0, 1, 0, 1, 105, 9, 0, 9, 9, 0})
	// The closed loop (types by index: paused 4, resumed 5, restarted 6,
	// reclassified 8, closed 9, visited 10, returned 12, supervised 13):
	// two named pauses and their resumes; a transfer and its return, a
	// return by another unit; an overdue case supervised; a graded visit;
	// a late reclassification; a pause for corrected materials (restart).
	f.Add([]byte{0, 0, 0, 1, 0, 1, 4, 1, 8, 4, 1, 16, 5, 9, 1, 5, 9, 2, 9, 1, 0})
	f.Add([]byte{0, 0, 0, 1, 0, 1, 2, 1, 0, 12, 2, 0, 2, 1, 1, 12, 1, 2, 9, 1, 0})
	f.Add([]byte{0, 0, 0, 1, 0, 1, 13, 1, 1, 13, 200, 2, 13, 1, 4, 9, 1, 0, 10, 1, 3, 11, 1, 0})
	f.Add([]byte{0, 0, 0, 1, 0, 1, 8, 200, 1, 9, 1, 0, 10, 1, 1})
	f.Add([]byte{0, 0, 0, 1, 0, 1, 4, 1, 2, 5, 90, 0, 9, 1, 0})
	p := lcPolicy(f, lcDispatchTgt...)
	q := lcPolicy(f, append(append(append([]string{}, lcOverdueExt...), lcRejectLate...), "reasons_required: false", "reasons_required: true")...)
	f.Fuzz(func(t *testing.T, data []byte) { lcFuzzApply(t, data, p, q) })
}

func lcFuzzApply(t *testing.T, data []byte, policies ...*Policy) {
	for _, pol := range policies {
		c := Case{ID: "F-1"}
		for _, e := range lcDecodeEvents(data) {
			before := lcJSON(t, c)
			next, err := pol.Apply(c, e)
			require.Equal(t, before, lcJSON(t, c), "Apply never modifies its input")
			if err != nil {
				require.Equal(t, before, lcJSON(t, next), "on error the input case is returned")
				continue
			}
			c = next
		}
		if len(c.Events) == 0 {
			continue
		}
		require.NoError(t, pol.Validate(c))
		b, err := json.Marshal(c)
		require.NoError(t, err)
		var back Case
		require.NoError(t, json.Unmarshal(b, &back))
		b2, err := json.Marshal(back)
		require.NoError(t, err)
		require.Equal(t, string(b), string(b2))
		for _, d := range []time.Duration{0, 7 * time.Hour, 30 * 24 * time.Hour} {
			st, err := pol.StatusAt(c, lcLastAt(c).Add(d))
			require.NoError(t, err, "%s", b)
			lcInvariants(t, st, string(b))
			_ = st.Explain(pol, c)
		}
	}
}

// FuzzCaseJSON feeds arbitrary bytes to Case.UnmarshalJSON: it never panics,
// leaves the case unchanged on error, and whatever it accepts encodes to a
// form that decodes to the same encoding again (idempotent round trip).
func FuzzCaseJSON(f *testing.F) {
	if golden, err := os.ReadFile(filepath.Join("testdata", "cases", "full.json")); err == nil {
		f.Add(golden)
	}
	f.Add([]byte(`{"schema":1,"id":"C-1","events":[]}`))
	f.Add([]byte(`{"schema":2,"id":"C-1","events":[]}`))
	f.Add([]byte(`{"schema":1,"id":"C-1","attributes":{"a":"b"},"events":[{"type":"accepted","at":"2025-10-09T10:00:00+08:00","input":{"n":1e2,"s":["x"]}},{"type":"extended","at":"2025-10-09T10:00:00Z","length":"3个工作日","approver":"a","reason":"r"}]}`))
	f.Add([]byte(`{"schema":1,"id":"\u00e9","events":[{"type":"visited","at":"2025-10-09T10:00:00.123456789-05:00","satisfied":false}]}`))
	// One event more than MaxEvents: refused at decoding.
	f.Add([]byte(`{"schema":1,"id":"C-1","events":[` + strings.TrimSuffix(strings.Repeat(`{"type":"closed","at":"2025-10-09T10:00:00Z"},`, MaxEvents+1), ",") + `]}`))
	// Text refused at decoding: an over-long id, handler, attribute and
	// reason, too many attributes, a raw byte that is not UTF-8.
	f.Add([]byte(`{"schema":1,"id":"` + strings.Repeat("9", MaxIDBytes+1) + `","events":[]}`))
	f.Add([]byte(`{"schema":1,"id":"C-1","handler":"` + strings.Repeat("张", MaxTextBytes/3+1) + `","events":[]}`))
	f.Add([]byte(`{"schema":1,"id":"C-1","attributes":{"channel":"` + strings.Repeat("x", MaxTextBytes+1) + `"},"events":[]}`))
	attrs := make([]string, MaxAttributes+1)
	for i := range attrs {
		attrs[i] = fmt.Sprintf(`"k%d":"v"`, i)
	}
	f.Add([]byte(`{"schema":1,"id":"C-1","attributes":{` + strings.Join(attrs, ",") + `},"events":[]}`))
	f.Add([]byte("{\"schema\":1,\"id\":\"C-1\",\"department\":\"\xd5\xc5\",\"events\":[]}"))
	f.Add([]byte(`{"schema":1,"id":"C-1","events":[{"type":"paused","at":"2025-10-09T10:00:00+08:00","reason":"` + strings.Repeat("x", MaxTextBytes+1) + `"}]}`))
	// The closed loop's fields: a named pause and its resume, a return, a
	// supervision at a level, a graded visit; a pause name over MaxIDBytes.
	f.Add([]byte(`{"schema":1,"id":"C-1","events":[{"type":"paused","at":"2025-10-09T10:00:00+08:00","reason":"专家评审","pause":"review"},{"type":"resumed","at":"2025-10-10T10:00:00+08:00","pause":"review"},{"type":"returned","at":"2025-10-10T11:00:00+08:00","unit":"u","reason":"not_our_duty"},{"type":"supervised","at":"2025-10-11T10:00:00+08:00","actor":"分管领导","level":"listed","note":"n"},{"type":"visited","at":"2025-10-12T10:00:00+08:00","rating":"基本满意","satisfied":true}]}`))
	f.Add([]byte(`{"schema":1,"id":"C-1","events":[{"type":"paused","at":"2025-10-09T10:00:00+08:00","reason":"r","pause":"` + strings.Repeat("p", MaxIDBytes+1) + `"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		keep := Case{ID: "keep"}
		c := keep
		if err := c.UnmarshalJSON(data); err != nil {
			require.Equal(t, keep, c, "unchanged on error")
			return
		}
		require.NotEmpty(t, c.ID)
		require.NoError(t, checkCaseText(&c), "what decodes is within the text bounds")
		for i := range c.Events {
			require.NoError(t, checkEventText(&c.Events[i]))
		}
		m1, err := json.Marshal(c)
		if err != nil {
			return // e.g. a period the decoder accepts but the encoder cannot validate
		}
		var back Case
		require.NoError(t, json.Unmarshal(m1, &back), "%s", m1)
		m2, err := json.Marshal(back)
		require.NoError(t, err)
		require.Equal(t, string(m1), string(m2))
	})
}
