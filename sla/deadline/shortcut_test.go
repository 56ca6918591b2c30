package deadline

import (
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
)

// TestShortcutsMatchGeneralPath is the property that keeps the shortcuts
// honest: over random requests (periods of every unit at their limits,
// pauses in and out of order, open pauses, extensions, starts outside the
// calendar) on a provisional, a strict and a daylight-saving calendar under
// every counting setting, Counter.Deadline, Counter.WarningsAt and Counter.ThresholdsAt (fractions
// and working days left) return
// exactly what the general path returns, errors included.
func TestShortcutsMatchGeneralPath(t *testing.T) {
	strict, err := calendar.New(calendar.WithProvisional(false))
	require.NoError(t, err)
	cals := []*calendar.Calendar{calendar.Default(), strict}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		c, err := calendar.Default().Derive(calendar.WithLocation(ny))
		require.NoError(t, err)
		cals = append(cals, c)
	}
	rng := rand.New(rand.NewSource(201))
	units := []Unit{Workdays, Workdays, Workdays, Days, Months, Workhours, Hours}
	for _, cal := range cals {
		for _, eod := range []EndOfDay{Midnight, CloseOfBusiness} {
			for _, rc := range []Receipt{ReceiptLiteral, ReceiptNextWorkday} {
				for _, rd := range []ResumeDay{ResumeDayExcluded, ResumeDayCounted} {
					c := DefaultCounting()
					c.EndOfDay, c.Receipt, c.ResumeDay = eod, rc, rd
					k, err := New(cal, c)
					require.NoError(t, err)
					for i := 0; i < 300; i++ {
						r := randomRequest(rng, units)
						want, werr := k.deadline(&r)
						got, gerr := k.Deadline(r)
						requireSame(t, r, want, werr, got, gerr)
						fractions := []float64{0.1, 0.5, 0.8, 1}
						var wantAt []time.Time
						var wantErr error
						for _, f := range fractions {
							at, err := k.warningAt(&r, f)
							if err != nil {
								wantAt, wantErr = nil, err
								break
							}
							wantAt = append(wantAt, at)
						}
						gotAt, gotErr := k.WarningsAt(r, fractions, nil)
						requireSame(t, r, wantAt, wantErr, gotAt, gotErr)
						ths := []Threshold{{DaysLeft: 0}, {Fraction: 1.0 / 3}, {DaysLeft: 1}, {Fraction: 0.999}, {DaysLeft: 2}, {DaysLeft: 40}, {Fraction: 1e-12}}
						wantAt, wantErr = nil, nil
						for _, th := range ths {
							at, err := k.thresholdAt(&r, th)
							if err != nil {
								wantAt, wantErr = nil, err
								break
							}
							wantAt = append(wantAt, at)
						}
						gotAt, gotErr = k.ThresholdsAt(r, ths, nil)
						requireSame(t, r, wantAt, wantErr, gotAt, gotErr)
					}
				}
			}
		}
	}
}

func requireSame[T any](t *testing.T, r Request, want T, werr error, got T, gerr error) {
	t.Helper()
	if werr != nil || gerr != nil {
		require.Error(t, werr, "%+v", r)
		require.Error(t, gerr, "%+v", r)
		require.Equal(t, werr.Error(), gerr.Error(), "%+v", r)
		return
	}
	require.True(t, reflect.DeepEqual(want, got), "%+v:\ngeneral  %+v\nshortcut %+v", r, want, got)
}

func randomRequest(rng *rand.Rand, units []Unit) Request {
	base := time.Date(2004, 1, 1, 0, 0, 0, 0, calendar.CST())
	start := base.Add(time.Duration(rng.Int63n(int64(47*365*24*time.Hour)) + int64(rng.Intn(3)-1)*int64(400*24*time.Hour)))
	if rng.Intn(20) == 0 {
		start = time.Time{}
	}
	u := units[rng.Intn(len(units))]
	n := 1 + rng.Intn(15)
	switch rng.Intn(30) {
	case 0:
		n = 0
	case 1:
		n = MaxPeriodCount
	case 2:
		n = MaxPeriodCount + 1
	}
	r := Request{Start: start, Period: Period{Count: n, Unit: u}}
	at := start
	for p := rng.Intn(4); p > 0; p-- {
		from := at.Add(time.Duration(rng.Intn(8*24*60)-2*24*60) * time.Minute)
		to := from.Add(time.Duration(rng.Intn(6*24*60)) * time.Minute)
		if rng.Intn(6) == 0 {
			to = time.Time{}
		}
		r.Pauses = append(r.Pauses, Pause{Start: from, End: to})
		if !to.IsZero() {
			at = to
		}
	}
	if rng.Intn(5) == 0 && len(r.Pauses) > 1 {
		r.Pauses[0], r.Pauses[1] = r.Pauses[1], r.Pauses[0]
	}
	for x := rng.Intn(3); x > 0; x-- {
		xu := u
		if rng.Intn(4) == 0 {
			xu = units[rng.Intn(len(units))]
		}
		r.Extensions = append(r.Extensions, Period{Count: rng.Intn(12), Unit: xu})
	}
	return r
}

// The shortcuts must actually answer the shapes a batch status asks about, or the property
// above would hold trivially: a 3-working-day tier accepted on a Tuesday, the same with an
// extension and a closed pause, and a 4-working-hour target.
func TestShortcutsAreTaken(t *testing.T) {
	k, err := New(calendar.Default(), DefaultCounting())
	require.NoError(t, err)
	at := func(d, h int) time.Time { return time.Date(2025, 11, d, h, 0, 0, 0, calendar.CST()) }
	for _, r := range []Request{
		{Start: at(4, 10), Period: Period{Count: 3, Unit: Workdays}},
		{Start: at(4, 10), Period: Period{Count: 3, Unit: Workdays}, Extensions: []Period{{Count: 5, Unit: Workdays}},
			Pauses: []Pause{{Start: at(5, 9), End: at(6, 9)}}},
		{Start: at(4, 10), Period: Period{Count: 4, Unit: Workhours}},
	} {
		var d Deadline
		assert.True(t, k.shortcut(&r, &d), "deadline shortcut declined %+v", r)
		if r.Period.Unit == Workdays {
			ths := []Threshold{{Fraction: 0.5}, {Fraction: 0.8}, {DaysLeft: 1}}
			_, ok := k.warningShortcut(&r, len(ths), func(i int) Threshold { return ths[i] }, nil)
			assert.True(t, ok, "warning shortcut declined %+v", r)
		}
	}
}
