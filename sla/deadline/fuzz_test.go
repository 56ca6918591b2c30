package deadline

import (
	"encoding/binary"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/calendar"
)

// The fuzz targets of this file drive the Counter's three entries —
// Deadline (with and without Explain), Progress and WarningsAt — with
// requests decoded from arbitrary bytes by fuzzCase, and check properties of
// the answers, not only that nothing panics. Their seeds (fuzzSeeds, each
// stated in words) run in every `go test`; fuzz them for longer with e.g.
//
//	go test -run '^$' -fuzz FuzzCounterDeadline -fuzztime 2m ./sla/deadline

// fuzzCalendars are the calendars a fuzz case counts on: the default
// (provisional) one, a strict one that refuses unverified days, and one in
// a location other than China Standard Time (New York, with daylight saving
// time, when the system has its zone data; a fixed UTC−5 otherwise).
var fuzzCalendars = sync.OnceValue(func() []*calendar.Calendar {
	strict, err := calendar.New(calendar.WithProvisional(false))
	if err != nil {
		panic(err)
	}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		loc = time.FixedZone("EST", -5*3600)
	}
	away, err := calendar.Default().Derive(calendar.WithLocation(loc))
	if err != nil {
		panic(err)
	}
	return []*calendar.Calendar{calendar.Default(), strict, away}
})

// fuzzHours are the business hours a fuzz case may count with: the
// default, one unbroken span, the whole day, and three spans.
var fuzzHours = [][]Span{
	nil, // DefaultCounting's
	{{ClockTime{9, 0}, ClockTime{17, 0}}},
	{{ClockTime{0, 0}, ClockTime{24, 0}}},
	{{ClockTime{8, 30}, ClockTime{12, 0}}, {ClockTime{14, 0}, ClockTime{18, 0}}, {ClockTime{19, 0}, ClockTime{21, 0}}},
}

// fuzzCutoffs are the same-day cutoffs a fuzz case may count with.
var fuzzCutoffs = []ClockTime{{16, 0}, {0, 0}, {24, 0}, {12, 30}}

// fuzzUnits maps a byte to a unit: every unit, Workdays twice (the common
// case), and the two invalid values either side of the valid ones.
var fuzzUnits = [8]Unit{Workdays, Days, Months, Workhours, Hours, Workdays, 0, Hours + 1}

// fuzzCounts are the counts a count byte of 240..247 selects: zero, one,
// the limit, just over it, negative, and the extremes of int.
var fuzzCounts = [8]int{0, 1, MaxPeriodCount, MaxPeriodCount + 1, -1, math.MaxInt, math.MinInt, MaxPeriodCount - 1}

// fuzzFirstDay is the first civil date a fuzz case may start on: 2003-01-01,
// a year before the calendar's range; fuzzDays reaches to the end of 2052,
// two years after it.
var fuzzFirstDay = time.Date(2003, 1, 1, 0, 0, 0, 0, calendar.CST())

const fuzzDays = 18263 // 2003-01-01 .. 2052-12-31

// Pause kinds, the low three bits of a pause's kind byte; bit 3 scales the
// pause's offset from minutes to hours (so that it may lie years away).
const (
	pauseClosed   = iota // [Start, Start+length)
	pauseOpen            // End zero: still paused
	pauseReversed        // End before Start: an error
	pauseSameDay         // ends on the day it starts
	pauseNoStart         // zero Start: an error
	pauseEmpty           // End == Start
	pauseClosed2         // closed again (the common case)
	pauseOpen2           // open again
	pauseHours    = 8
)

// fuzzCase is one request, counter and set of questions decoded from fuzz
// bytes. Missing bytes read as zero, so every byte string is a case.
type fuzzCase struct {
	k         *Counter
	r         Request
	fractions []float64 // as decoded: may be unsorted, NaN, ±Inf, 0, over 1
	now       time.Duration
}

// fuzzReader reads fuzz bytes; past the end it reads zeros.
type fuzzReader struct{ b []byte }

func (z *fuzzReader) u8() uint8 {
	if len(z.b) == 0 {
		return 0
	}
	v := z.b[0]
	z.b = z.b[1:]
	return v
}

func (z *fuzzReader) u16() uint16 { return uint16(z.u8())<<8 | uint16(z.u8()) }

func (z *fuzzReader) unit() Unit { return fuzzUnits[z.u8()%8] }

// count reads a count: a byte under 240 is itself modulo 60; 240..247 pick
// one of fuzzCounts; 248..255 read a 16-bit count modulo MaxPeriodCount+1.
func (z *fuzzReader) count() int {
	switch c := z.u8(); {
	case c < 240:
		return int(c % 60)
	case c < 248:
		return fuzzCounts[c-240]
	default:
		return int(z.u16()) % (MaxPeriodCount + 1)
	}
}

// fraction reads a warning fraction: 0 (refused), 1, NaN, +Inf, −Inf, 1.5
// (refused), or b/250 for other bytes.
func (z *fuzzReader) fraction() float64 {
	switch b := z.u8(); b {
	case 255:
		return 1
	case 254:
		return math.NaN()
	case 253:
		return math.Inf(1)
	case 252:
		return math.Inf(-1)
	case 251:
		return 1.5
	default:
		return float64(b) / 250
	}
}

// decodeFuzzCase decodes, in order: calendar; conventions (bit 0 close of
// business, bit 1 next-workday receipt, bit 2 resume day counted, bits 3–4
// business hours, bits 5–6 same-day cutoff); start day (16 bits) and minute
// (16 bits); a byte of seconds (odd: add b seconds and b nanoseconds; 255: a
// zero Start); unit and count; up to 10 pauses (kind, 16-bit signed offset
// from Start, 16-bit length, both in minutes); up to 3 extensions (unit,
// count); up to 5 fractions; and a 16-bit signed offset of "now" from Due
// in minutes.
func decodeFuzzCase(data []byte) (fuzzCase, error) {
	z := &fuzzReader{b: data}
	cals := fuzzCalendars()
	cal := cals[int(z.u8())%len(cals)]
	flags := z.u8()
	c := DefaultCounting()
	if flags&1 != 0 {
		c.EndOfDay = CloseOfBusiness
	}
	if flags&2 != 0 {
		c.Receipt = ReceiptNextWorkday
	}
	if flags&4 != 0 {
		c.ResumeDay = ResumeDayCounted
	}
	if h := fuzzHours[flags>>3&3]; h != nil {
		c.BusinessHours = h
	}
	c.SameDayCutoff = fuzzCutoffs[flags>>5&3]
	k, err := New(cal, c)
	if err != nil {
		return fuzzCase{}, err
	}
	day, minute, sec := int(z.u16())%fuzzDays, int(z.u16())%1440, z.u8()
	start := fuzzFirstDay.AddDate(0, 0, day).Add(time.Duration(minute) * time.Minute)
	switch {
	case sec == 255:
		start = time.Time{}
	case sec&1 != 0:
		start = start.Add(time.Duration(sec)*time.Second + time.Duration(sec))
	}
	r := Request{Start: start, Period: Period{Unit: z.unit(), Count: z.count()}}
	for n := z.u8() % 11; n > 0; n-- {
		kind, off, length := z.u8(), int16(z.u16()), time.Duration(z.u16())*time.Minute
		scale := time.Minute
		if kind&pauseHours != 0 {
			scale = time.Hour
		}
		from := start.Add(time.Duration(off) * scale)
		p := Pause{Start: from, End: from.Add(length), Reason: "专家评审"}
		switch kind & 7 {
		case pauseOpen, pauseOpen2:
			p.End = time.Time{}
		case pauseReversed:
			p.End = from.Add(-length - time.Minute)
		case pauseSameDay:
			y, m, d := from.In(cal.Location()).Date()
			left := time.Date(y, m, d+1, 0, 0, 0, 0, cal.Location()).Sub(from)
			p.End = from.Add(length % max(left, 1))
		case pauseNoStart:
			p.Start = time.Time{}
		case pauseEmpty:
			p.End = from
		}
		r.Pauses = append(r.Pauses, p)
	}
	for n := z.u8() % 4; n > 0; n-- {
		r.Extensions = append(r.Extensions, Period{Unit: z.unit(), Count: z.count()})
	}
	fc := fuzzCase{k: k, r: r}
	for n := z.u8() % 6; n > 0; n-- {
		fc.fractions = append(fc.fractions, z.fraction())
	}
	fc.now = time.Duration(int16(z.u16())) * time.Minute
	return fc, nil
}

// fuzzSeed is the inverse of decodeFuzzCase for the seeds, so that each
// seed reads as the case it is.
type fuzzSeed struct {
	cal, flags  uint8
	day         time.Time // civil date in CST; zero: 2003-01-01
	minute      int
	sec         uint8
	unit, count uint8 // bytes as decoded by fuzzReader.unit and count
	count16     uint16
	pauses      []seedPause
	exts        [][2]uint8 // unit and count bytes
	fractions   []uint8
	now         int16
}

type seedPause struct {
	kind        uint8
	off, length int // minutes (or hours with pauseHours) from Start; minutes long
}

func (s fuzzSeed) bytes() []byte {
	b := []byte{s.cal, s.flags}
	day := 0
	if !s.day.IsZero() {
		day = int(s.day.Sub(fuzzFirstDay).Hours() / 24)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(day))
	b = binary.BigEndian.AppendUint16(b, uint16(s.minute))
	b = append(b, s.sec, s.unit, s.count)
	if s.count >= 248 {
		b = binary.BigEndian.AppendUint16(b, s.count16)
	}
	b = append(b, uint8(len(s.pauses)))
	for _, p := range s.pauses {
		b = append(b, p.kind)
		b = binary.BigEndian.AppendUint16(b, uint16(int16(p.off)))
		b = binary.BigEndian.AppendUint16(b, uint16(p.length))
	}
	b = append(b, uint8(len(s.exts)))
	for _, x := range s.exts {
		b = append(b, x[0], x[1])
	}
	b = append(b, uint8(len(s.fractions)))
	b = append(b, s.fractions...)
	return binary.BigEndian.AppendUint16(b, uint16(s.now))
}

func cstDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, calendar.CST())
}

// Unit bytes (index into fuzzUnits) and count bytes (see fuzzReader.count).
const (
	uWD, uDays, uMonths, uWH, uHours, uNone, uSix    = 0, 1, 2, 3, 4, 6, 7
	cZero, cOne, cMax, cOver, cNeg, cMaxInt, cMinInt = 240, 241, 242, 243, 244, 245, 246
)

// fuzzSeeds are the seeds of every fuzz target of this file.
// Each states its outcome (TestFuzzSeeds holds them to it): the deadline
// is computed (ok), refused (fails), or suspended by an open pause.
var fuzzSeeds = []struct {
	name string
	want seedOutcome
	s    fuzzSeed
}{
	{"3 working days from the eve of National Day 2025 at 17:00", ok,
		fuzzSeed{day: cstDay(2025, 9, 30), minute: 17 * 60, count: 3, fractions: []uint8{125, 200, 255}}},
	{"the same under close of business, next-workday receipt and resume day counted", ok,
		fuzzSeed{flags: 7, day: cstDay(2025, 9, 30), minute: 17 * 60, count: 3, fractions: []uint8{1, 255}}},
	{"same-day (0 working days) accepted at 15:59 before the 16:00 cutoff", ok,
		fuzzSeed{day: cstDay(2025, 11, 4), minute: 15*60 + 59, count: cZero, fractions: []uint8{250}}},
	{"same-day accepted on a holiday with a 24:00 cutoff and next-workday receipt", ok,
		fuzzSeed{flags: 2 | 2<<5, day: cstDay(2025, 10, 3), minute: 11 * 60, count: cZero, fractions: []uint8{200}}},
	{"10 working days with a pause over the holiday and a 10-working-day extension", ok,
		fuzzSeed{day: cstDay(2025, 9, 22), minute: 10 * 60, count: 10,
			pauses: []seedPause{{pauseClosed, 8 * 1440, 10 * 1440}}, exts: [][2]uint8{{uWD, 10}}, fractions: []uint8{125, 200}}},
	{"1 working day paused on its last day over the holiday (the pause postpones Due to the resume day)", ok,
		fuzzSeed{day: cstDay(2025, 9, 29), minute: 10 * 60, count: 1, pauses: []seedPause{{pauseClosed, 1440, 9 * 1440}}, fractions: []uint8{255}}},
	{"3 working days with an open pause: suspended", suspended,
		fuzzSeed{day: cstDay(2025, 3, 10), minute: 10 * 60, count: 3, pauses: []seedPause{{pauseOpen, 1440, 0}}, fractions: []uint8{125}}},
	{"ten pauses, overlapping, reversed in order, same-day and empty", ok,
		fuzzSeed{day: cstDay(2025, 3, 3), minute: 9 * 60, count: 20, pauses: []seedPause{
			{pauseClosed, 5 * 1440, 3 * 1440}, {pauseClosed, 1440, 2 * 1440}, {pauseClosed, 2 * 1440, 2 * 1440},
			{pauseSameDay, 3 * 1440, 600}, {pauseEmpty, 4 * 1440, 0}, {pauseClosed2, 20 * 1440, 1440},
			{pauseSameDay, -60, 30}, {pauseClosed, 10 * 1440, 30}, {pauseClosed | pauseHours, 24 * 30, 1440}, {pauseClosed2, 1440, 1440}},
			fractions: []uint8{50, 100, 150, 200, 255}}},
	{"a pause that ends before it starts is refused", fails,
		fuzzSeed{day: cstDay(2025, 3, 3), minute: 9 * 60, count: 5, pauses: []seedPause{{pauseReversed, 1440, 60}}}},
	{"a pause without a start is refused", fails,
		fuzzSeed{day: cstDay(2025, 3, 3), minute: 9 * 60, count: 5, pauses: []seedPause{{pauseNoStart, 1440, 60}}}},
	{"7 calendar days whose last day is a holiday roll to the next working day", ok,
		fuzzSeed{day: cstDay(2025, 9, 25), minute: 10 * 60, unit: uDays, count: 7, fractions: []uint8{125, 255}}},
	{"1 month from 31 January, extended by a working day, a day and a month", ok,
		fuzzSeed{day: cstDay(2025, 1, 31), minute: 10 * 60, unit: uMonths, count: 1,
			exts: [][2]uint8{{uWD, 1}, {uDays, 1}, {uMonths, 1}}, fractions: []uint8{125, 255}}},
	{"2 working hours across National Day on three business-hours spans", ok,
		fuzzSeed{flags: 3 << 3, day: cstDay(2025, 9, 30), minute: 17 * 60, unit: uWH, count: 2, fractions: []uint8{125, 188, 255}}},
	{"4 working hours paused over lunch, extended by 3 hours, on a day without breaks", ok,
		fuzzSeed{flags: 2 << 3, day: cstDay(2025, 11, 4), minute: 10 * 60, unit: uWH, count: 4,
			pauses: []seedPause{{pauseClosed, 120, 90}}, exts: [][2]uint8{{uHours, 3}}, fractions: []uint8{125}}},
	{"24 calendar hours with an open pause", suspended,
		fuzzSeed{day: cstDay(2025, 11, 4), minute: 10 * 60, unit: uHours, count: 24, pauses: []seedPause{{pauseOpen, 60, 0}}}},
	{"hour periods refuse a working-day extension", fails,
		fuzzSeed{day: cstDay(2025, 11, 4), minute: 10 * 60, unit: uHours, count: 24, exts: [][2]uint8{{uWD, 1}}}},
	{"the largest working-day period runs off the calendar", fails,
		fuzzSeed{day: cstDay(2025, 1, 2), minute: 10 * 60, count: cMax, fractions: []uint8{255}}},
	{"the largest working-hour period", ok,
		fuzzSeed{day: cstDay(2025, 1, 2), minute: 10 * 60, unit: uWH, count: cMax, fractions: []uint8{1, 255}}},
	{"the largest calendar-hour period with the largest extension", ok,
		fuzzSeed{day: cstDay(2025, 1, 2), minute: 10 * 60, unit: uHours, count: cMax, exts: [][2]uint8{{uHours, cMax}}, fractions: []uint8{255}}},
	{"a period one over the limit is refused (before its negative and extreme extensions are read)", fails,
		fuzzSeed{day: cstDay(2025, 1, 2), count: cOver, exts: [][2]uint8{{uWD, cNeg}, {uWD, cMaxInt}, {uWD, cMinInt}}}},
	{"a negative extension is refused", fails,
		fuzzSeed{day: cstDay(2025, 1, 2), count: 3, exts: [][2]uint8{{uWD, 2}, {uWD, cNeg}}}},
	{"an extension at the extremes of int is refused", fails,
		fuzzSeed{day: cstDay(2025, 1, 2), count: 3, exts: [][2]uint8{{uDays, cMaxInt}}}},
	{"a period without a unit, and one with an unknown unit, are refused", fails,
		fuzzSeed{day: cstDay(2025, 1, 2), unit: uNone, count: 3, exts: [][2]uint8{{uSix, 1}}}},
	{"0 calendar days are refused", fails,
		fuzzSeed{day: cstDay(2025, 1, 2), unit: uDays, count: cZero}},
	{"a zero start is refused", fails,
		fuzzSeed{sec: 255, count: 3}},
	{"a start in 2003, before the calendar, is refused", fails,
		fuzzSeed{day: cstDay(2003, 6, 1), minute: 600, count: 3, fractions: []uint8{125}}},
	{"a start at the last covered day, 2050-12-31 23:59:59, counting past the calendar, is refused", fails,
		fuzzSeed{day: cstDay(2050, 12, 31), minute: 1439, sec: 59, count: 1, fractions: []uint8{255}}},
	{"a start in 2052, after the calendar, is refused", fails,
		fuzzSeed{day: cstDay(2052, 12, 31), minute: 1439, unit: uHours, count: 1}},
	{"a strict calendar refuses a deadline through projected years", fails,
		fuzzSeed{cal: 1, day: cstDay(2049, 12, 20), minute: 600, count: 10, fractions: []uint8{255}}},
	{"a same-day case paused at acceptance: suspended, and its progress still has a Total of 1", suspended,
		fuzzSeed{flags: 1 | 2<<5, day: cstDay(2037, 6, 23), minute: 13*60 + 36, count: cZero, pauses: []seedPause{{pauseOpen, 0, 0}, {pauseEmpty, 0, 0}}}},
	{"a strict calendar refuses a case suspended at acceptance in a projected year, explained or not", fails,
		fuzzSeed{cal: 1, day: cstDay(2036, 10, 10), minute: 13*60 + 36, count: 48, pauses: []seedPause{{pauseOpen, 0, 0}}}},
	{"a strict calendar counts a case suspended in an official year", suspended,
		fuzzSeed{cal: 1, day: cstDay(2025, 10, 10), minute: 600, count: 3, pauses: []seedPause{{pauseOpen, 1440, 0}}}},
	{"the strict calendar counts an official year", ok,
		fuzzSeed{cal: 1, day: cstDay(2025, 9, 30), minute: 600, unit: uDays, count: 10, fractions: []uint8{125}}},
	{"a calendar in New York: 3 working days from a Friday morning (in New York) across the start of daylight saving time", ok,
		fuzzSeed{cal: 2, day: cstDay(2025, 3, 7), minute: 23 * 60, count: 3, pauses: []seedPause{{pauseSameDay, 1440, 60}}, fractions: []uint8{125, 255}}},
	{"a calendar in New York: 5 working hours from Friday 16:00 across the start of daylight saving time", ok,
		fuzzSeed{cal: 2, day: cstDay(2025, 3, 8), minute: 5 * 60, unit: uWH, count: 5, fractions: []uint8{60, 255}}},
	{"warning fractions out of order, NaN, ±Inf, 0 and 1.5 are refused (the deadline itself is computed)", ok,
		fuzzSeed{day: cstDay(2025, 11, 4), minute: 600, count: 5, fractions: []uint8{200, 254, 253, 252, 0, 251}}},
	{"a pause years away, in hours, does not move the deadline", ok,
		fuzzSeed{day: cstDay(2025, 11, 4), minute: 600, count: 5, pauses: []seedPause{{pauseClosed | pauseHours, 30000, 1440}}, now: -30000}},
	{"a pause that began years before the start", ok,
		fuzzSeed{day: cstDay(2025, 11, 4), minute: 600, count: 5, pauses: []seedPause{{pauseClosed | pauseHours, -30000, 60000}}, now: 30000}},
	{"a 16-bit count of working days", ok,
		fuzzSeed{day: cstDay(2004, 1, 1), count: 248, count16: 9000, fractions: []uint8{1, 255}}},
}

type seedOutcome int

const (
	ok seedOutcome = iota
	fails
	suspended
)

// TestFuzzSeeds: every seed of the fuzz targets is the case its name
// states, so that the seeds cover computed, refused and suspended
// deadlines on purpose.
func TestFuzzSeeds(t *testing.T) {
	for _, s := range fuzzSeeds {
		t.Run(s.name, func(t *testing.T) {
			fc, err := decodeFuzzCase(s.s.bytes())
			require.NoError(t, err)
			d, err := fc.k.Deadline(fc.r)
			switch s.want {
			case ok:
				require.NoError(t, err)
				require.False(t, d.Suspended)
			case fails:
				require.Error(t, err)
			case suspended:
				require.NoError(t, err)
				require.True(t, d.Suspended)
			}
		})
	}
}

func addFuzzSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.s.bytes())
	}
}

// requireUnchanged fails when r differs from its copy taken before the call.
func requireUnchanged(t *testing.T, before, after Request) {
	t.Helper()
	require.True(t, reflect.DeepEqual(before, after), "the request was modified:\nbefore %+v\nafter  %+v", before, after)
}

// cloneRequest is a deep copy of r.
func cloneRequest(r Request) Request {
	r.Pauses = slices.Clone(r.Pauses)
	r.Extensions = slices.Clone(r.Extensions)
	return r
}

// answer is a Deadline without what only Explain fills in.
func answer(d Deadline) Deadline {
	d.Counted, d.Skipped, d.Explanation, d.Extensions = nil, nil, nil, nil
	return d
}

// FuzzCounterDeadline: for any request, Deadline without Explain returns
// exactly what the general path returns (the shortcuts change nothing),
// errors included; with Explain it returns the same answer (Due, LastDay,
// Provisional, Suspended, Excluded and everything else but the lists and
// the words) or the same error, plus a non-empty explanation; Due is after
// Start and LastDay's date is not before Start's unless suspended; the
// request is never modified.
func FuzzCounterDeadline(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fc, err := decodeFuzzCase(data)
		require.NoError(t, err)
		k, r := fc.k, fc.r
		before := cloneRequest(r)

		got, gerr := k.Deadline(r)
		requireUnchanged(t, before, r)
		gr := cloneRequest(r)
		want, werr := k.deadline(&gr)
		requireSame(t, r, want, werr, got, gerr)

		rx := cloneRequest(r)
		rx.Explain = true
		bx := cloneRequest(rx)
		dx, xerr := k.Deadline(rx)
		requireUnchanged(t, bx, rx)
		if gerr != nil {
			require.Error(t, xerr, "an explained deadline must fail where the plain one does (%v): %+v", gerr, r)
			require.Equal(t, gerr.Error(), xerr.Error(), "%+v", r)
			require.Zero(t, got, "a failed deadline is the zero Deadline")
			return
		}
		require.NoError(t, xerr, "the explanation must not fail where the answer does not: %+v", r)
		require.Equal(t, answer(got), answer(dx), "the explanation changed the answer: %+v", r)
		require.Nil(t, got.Explanation, "no words without Explain")
		require.Nil(t, got.Counted)
		require.Nil(t, got.Skipped)
		require.NotEmpty(t, dx.Explanation, "Explain gives words: %+v", r)
		if len(r.Extensions) > 0 {
			require.Equal(t, r.Extensions, dx.Extensions)
		}

		if got.Suspended {
			require.True(t, got.Due.IsZero() && got.LastDay.IsZero(), "a suspended deadline has no Due: %+v", got)
			return
		}
		require.True(t, got.Due.After(r.Start), "Due %v not after Start %v: %+v", got.Due, r.Start, r)
		require.False(t, got.LastDay.After(got.Due), "LastDay %v after Due %v", got.LastDay, got.Due)
		if r.Period.Unit.DayBased() {
			require.False(t, got.LastDay.Before(got.CountFrom), "LastDay %v before CountFrom %v", got.LastDay, got.CountFrom)
			require.Zero(t, got.ExcludedDuration)
			require.GreaterOrEqual(t, got.Excluded, 0)
		} else {
			require.Zero(t, got.Excluded)
			require.GreaterOrEqual(t, got.ExcludedDuration, time.Duration(0))
		}
		require.Equal(t, k.c.EndOfDay, got.EndOfDay)
		require.Equal(t, got.Provisional, got.Certainty != calendar.Official)
	})
}

// FuzzCounterProgress: for any request and now, Progress fails where
// Deadline fails, and otherwise reports counts within [0, Total] (used and
// remaining working days, or counted time for hour units) while the case is
// not overdue, turns Overdue exactly at Due, and never modifies the request.
func FuzzCounterProgress(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fc, err := decodeFuzzCase(data)
		require.NoError(t, err)
		k, r := fc.k, fc.r
		before := cloneRequest(r)
		d, derr := k.Deadline(r)

		_, err = k.Progress(r, time.Time{})
		require.Error(t, err, "a zero now is refused")

		nows := []time.Time{r.Start, r.Start.Add(fc.now)}
		if derr == nil && !d.Suspended {
			nows = append(nows, d.Due.Add(-time.Nanosecond), d.Due, d.LastDay, d.Due.Add(fc.now))
		}
		for _, p := range r.Pauses {
			nows = append(nows, p.Start, p.End)
		}
		for _, now := range nows {
			if now.IsZero() {
				continue
			}
			p, err := k.Progress(r, now)
			requireUnchanged(t, before, r)
			if derr != nil {
				require.Error(t, err, "progress must fail where the deadline fails (%v): %+v", derr, r)
				continue
			}
			if err != nil {
				// Only counting past the calendar's range may fail once the
				// deadline is known: a now outside it.
				require.ErrorIs(t, err, calendar.ErrYearNotCovered, "progress at %v: %+v", now, r)
				continue
			}
			overdue := !d.Suspended && !now.Before(d.Due)
			require.Equal(t, overdue, p.Overdue, "overdue at %v with Due %v: %+v", now, d.Due, r)
			if r.Period.Unit.DayBased() {
				require.GreaterOrEqual(t, p.Total, 1, "%+v", p)
				require.True(t, 0 <= p.Used && p.Used <= p.Total, "used %d of %d at %v: %+v", p.Used, p.Total, now, r)
				if !p.Overdue {
					require.True(t, 0 <= p.Remaining && p.Remaining <= p.Total, "remaining %d of %d at %v: %+v", p.Remaining, p.Total, now, r)
				} else {
					require.LessOrEqual(t, p.Remaining, 0, "%+v", p)
				}
				require.Zero(t, p.UsedDuration)
				require.Zero(t, p.TotalDuration)
				continue
			}
			require.True(t, 0 <= p.UsedDuration && p.UsedDuration <= p.TotalDuration,
				"used %v of %v at %v: %+v", p.UsedDuration, p.TotalDuration, now, r)
			if !p.Overdue {
				require.True(t, 0 <= p.RemainingDuration && p.RemainingDuration <= p.TotalDuration,
					"remaining %v of %v at %v: %+v", p.RemainingDuration, p.TotalDuration, now, r)
			} else {
				require.LessOrEqual(t, p.RemainingDuration, time.Duration(0), "%+v", p)
			}
			require.Zero(t, p.Used)
			require.Zero(t, p.Total)
		}
	})
}

// FuzzCounterWarningsAt: for any request and fractions, WarningsAt refuses
// a fraction outside (0, 1] or NaN, fails where Deadline fails, reports
// ErrSuspended for a suspended deadline, and otherwise returns what the
// general path returns, one instant per fraction, monotone in the fraction,
// none before Start, none after Due, only 100% at Due, and 100% exactly at
// Due without pauses (the whole period is used at Due); thresholds of
// working days left are monotone and within [Start, Due] too.
// The request and the fractions are never modified.
func FuzzCounterWarningsAt(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fc, err := decodeFuzzCase(data)
		require.NoError(t, err)
		k, r := fc.k, fc.r
		before := cloneRequest(r)
		d, derr := k.Deadline(r)

		raw := slices.Clone(fc.fractions)
		ws, err := k.WarningsAt(r, raw, nil)
		requireUnchanged(t, before, r)
		require.Equal(t, fmtFloats(fc.fractions), fmtFloats(raw), "the fractions were modified")
		valid := true
		for _, f := range raw {
			valid = valid && f > 0 && f <= 1
		}
		if !valid {
			require.Error(t, err, "fractions %v must be refused", raw)
			require.Nil(t, ws)
		}

		fractions := []float64{0.01, 0.5, 0.8, 1}
		for _, f := range fc.fractions {
			if f > 0 && f <= 1 {
				fractions = append(fractions, f)
			}
		}
		slices.Sort(fractions)
		dst := make([]time.Time, 3, 8)
		ws, err = k.WarningsAt(r, fractions, dst)
		requireUnchanged(t, before, r)
		if derr != nil {
			require.Error(t, err, "warnings must fail where the deadline fails (%v): %+v", derr, r)
			return
		}
		if d.Suspended {
			require.ErrorIs(t, err, ErrSuspended, "%+v", r)
			return
		}
		var want []time.Time
		var wantErr error
		for _, f := range fractions {
			gr := cloneRequest(r)
			at, err := k.warningAt(&gr, f)
			if err != nil {
				want, wantErr = nil, err
				break
			}
			want = append(want, at)
		}
		requireSame(t, r, want, wantErr, ws, err)
		if err != nil {
			return
		}
		require.Len(t, ws, len(fractions))
		start := r.Start.In(k.cal.Location())
		for i, w := range ws {
			require.Equal(t, k.cal.Location(), w.Location(), "warnings are in the calendar's location")
			require.False(t, w.Before(start), "warning %v at %v before Start %v: %+v", fractions[i], w, start, r)
			require.False(t, w.After(d.Due), "warning %v at %v after Due %v: %+v", fractions[i], w, d.Due, r)
			// Below 100% (by more than the rounding up to the second can cover) a warning
			// comes before Due.
			if fractions[i] <= 0.999 && d.Due.Sub(start) >= 1000*time.Second {
				require.True(t, w.Before(d.Due), "warning %v at %v not before Due %v: %+v", fractions[i], w, d.Due, r)
			}
			if i > 0 {
				require.False(t, w.Before(ws[i-1]), "warning %v at %v before warning %v at %v: %+v", fractions[i], w, fractions[i-1], ws[i-1], r)
			}
		}
		if len(r.Pauses) == 0 && d.Due.After(start) {
			require.True(t, ws[len(ws)-1].Equal(d.Due), "without pauses 100%% of the period is Due: %v, due %v: %+v", ws, d.Due, r)
		}
		// Working days left: monotone (fewer days left, later), never before
		// Start, never after Due, and 0 days left is the start of a day.
		ths := []Threshold{{DaysLeft: 3}, {DaysLeft: 2}, {DaysLeft: 1}, {DaysLeft: 0}}
		ls, err := k.ThresholdsAt(r, ths, nil)
		requireUnchanged(t, before, r)
		if err != nil {
			// Counting to a working day may reach a pause the calendar cannot count (one
			// dated past its range) where the fractions did not need to.
			require.ErrorIs(t, err, calendar.ErrYearNotCovered, "%+v", r)
			return
		}
		for i, w := range ls {
			require.False(t, w.Before(start), "%d days left at %v before Start: %+v", ths[i].DaysLeft, w, r)
			require.False(t, w.After(d.Due), "%d days left at %v after Due: %+v", ths[i].DaysLeft, w, r)
			if i > 0 {
				require.False(t, w.Before(ls[i-1]), "%d days left at %v before %d days left at %v: %+v", ths[i].DaysLeft, w, ths[i-1].DaysLeft, ls[i-1], r)
			}
		}
	})
}

// fmtFloats renders fractions so that NaN compares equal to itself.
func fmtFloats(fs []float64) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = strconv.FormatFloat(f, 'g', -1, 64)
	}
	return out
}
