package deadline

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/internal/clip"
	"github.com/shixian-go/shixian/internal/diag"
	"github.com/shixian-go/shixian/internal/wire"
)

// This file is the Deadline's part of the wire format (see "Wire format" in the package
// documentation). It depends only on the Deadline's own types and internal/wire, so that it
// moves with the counting code.

// deadlineWire is the JSON form of a Deadline.
type deadlineWire struct {
	Start      string   `json:"start"`
	CountFrom  string   `json:"count_from"`
	Period     Period   `json:"period"`
	Extensions []Period `json:"extensions"`
	Due        string   `json:"due,omitempty"`
	LastDay    string   `json:"last_day,omitempty"`
	// Ends is LastDayString: how people say the deadline ("2025-10-15 24:00", "suspended").
	// It is written for display and not read back (it follows from the rest).
	Ends                          string    `json:"ends"`
	Suspended                     bool      `json:"suspended"`
	SuspendedSince                string    `json:"suspended_since,omitempty"`
	RemainingWhenSuspended        int       `json:"remaining_when_suspended"`
	RemainingSecondsWhenSuspended int64     `json:"remaining_seconds_when_suspended"`
	Provisional                   bool      `json:"provisional"`
	Certainty                     string    `json:"certainty"`
	Excluded                      int       `json:"excluded"`
	ExcludedSeconds               int64     `json:"excluded_seconds"`
	EndOfDay                      EndOfDay  `json:"end_of_day"`
	Calendar                      string    `json:"calendar"`
	Counted                       []dayWire `json:"counted,omitempty"`
	Skipped                       []dayWire `json:"skipped,omitempty"`
	Explanation                   []string  `json:"explanation"`
}

// dayWire is the JSON form of a calendar.Day.
type dayWire struct {
	Date      string `json:"date"`
	Kind      string `json:"kind"`
	Holiday   string `json:"holiday,omitempty"`
	HolidayZh string `json:"holiday_zh,omitempty"`
	Notice    string `json:"notice,omitempty"`
	Certainty string `json:"certainty"`
}

// MarshalJSON writes the deadline in the library's wire format: instants in RFC 3339 with the
// calendar's offset, dates as YYYY-MM-DD, periods as text ("3 workdays"), durations in whole
// seconds, the certainty, day kinds and end-of-day convention as their strings; due and
// last_day are left out while suspended, the day lists when not listed (hour units, spans
// over MaxListedDays). "ends" is LastDayString, for display. The output is deterministic.
func (d Deadline) MarshalJSON() ([]byte, error) {
	w := deadlineWire{
		Start: wire.Instant(d.Start), CountFrom: wire.Date(d.CountFrom), Period: d.Period,
		Extensions: d.Extensions, Due: wire.Instant(d.Due), LastDay: wire.Date(d.LastDay), Ends: d.LastDayString(),
		Suspended: d.Suspended, SuspendedSince: wire.Instant(d.SuspendedSince),
		RemainingWhenSuspended:        d.RemainingWhenSuspended,
		RemainingSecondsWhenSuspended: wire.Seconds(d.RemainingDurationWhenSuspended),
		Provisional:                   d.Provisional, Certainty: d.Certainty.String(),
		Excluded: d.Excluded, ExcludedSeconds: wire.Seconds(d.ExcludedDuration),
		EndOfDay: d.EndOfDay, Calendar: d.Calendar,
		Counted: daysWire(d.Counted), Skipped: daysWire(d.Skipped), Explanation: d.Explanation,
	}
	if w.Extensions == nil {
		w.Extensions = []Period{}
	}
	if w.Explanation == nil {
		w.Explanation = []string{}
	}
	return json.Marshal(w)
}

func daysWire(days []calendar.Day) []dayWire {
	if len(days) == 0 {
		return nil
	}
	out := make([]dayWire, len(days))
	for i, d := range days {
		out[i] = dayWire{Date: wire.Date(d.Date), Kind: d.Kind.String(), Holiday: d.Holiday, HolidayZh: d.HolidayZh,
			Notice: d.Notice, Certainty: d.Certainty.String()}
	}
	return out
}

// UnmarshalJSON reads what MarshalJSON writes, as strictly as the case decoder: unknown keys,
// trailing data, invalid UTF-8, a missing start or period, an invalid period, unknown
// certainty, day kind or end of day, malformed instants and dates and negative counts are
// errors. Instants keep the offset they were written with; dates are 00:00 in the offset of
// "start". "ends" is not read: it follows from the rest. Empty lists decode as nil. On error
// *d is unchanged.
func (d *Deadline) UnmarshalJSON(data []byte) error {
	out, err := wire.Read(data, (*deadlineWire).deadline)
	if err != nil {
		return diag.Errorf("", "deadline JSON: %w", err)
	}
	*d = out
	return nil
}

func (w *deadlineWire) deadline() (Deadline, error) {
	switch {
	case w.Start == "":
		return Deadline{}, errors.New("no start")
	case w.Period.IsZero():
		return Deadline{}, errors.New("no period")
	}
	p := wire.Parser{}
	d := Deadline{Start: p.Instant("start", w.Start), Period: w.Period, Suspended: w.Suspended,
		RemainingWhenSuspended: w.RemainingWhenSuspended, Provisional: w.Provisional,
		Excluded: w.Excluded, EndOfDay: w.EndOfDay, Calendar: w.Calendar, Explanation: w.Explanation}
	p.Loc = d.Start.Location()
	d.CountFrom, d.Due, d.LastDay = p.Date("count_from", w.CountFrom), p.Instant("due", w.Due), p.Date("last_day", w.LastDay)
	d.SuspendedSince = p.Instant("suspended_since", w.SuspendedSince)
	d.RemainingDurationWhenSuspended = p.Seconds("remaining_seconds_when_suspended", w.RemainingSecondsWhenSuspended)
	d.ExcludedDuration = p.Seconds("excluded_seconds", w.ExcludedSeconds)
	p.Count("remaining_when_suspended", w.RemainingWhenSuspended)
	p.Count("excluded", w.Excluded)
	cert, err := calendar.ParseCertainty(w.Certainty)
	if err != nil {
		p.Keep(fmt.Errorf("certainty: %s is not official, unverified or projected", clip.Quote(w.Certainty)))
	}
	d.Certainty = cert
	if len(w.Extensions) > 0 {
		d.Extensions = w.Extensions
	}
	d.Counted, d.Skipped = daysFromWire(&p, "counted", w.Counted), daysFromWire(&p, "skipped", w.Skipped)
	if len(d.Explanation) == 0 {
		d.Explanation = nil
	}
	if p.Err != nil {
		return Deadline{}, p.Err
	}
	return d, nil
}

func daysFromWire(p *wire.Parser, key string, days []dayWire) []calendar.Day {
	if len(days) == 0 {
		return nil
	}
	out := make([]calendar.Day, len(days))
	for i, w := range days {
		at := fmt.Sprintf("%s[%d].", key, i)
		kind, err := calendar.ParseDayKind(w.Kind)
		if err != nil {
			p.Keep(fmt.Errorf("%skind: %s is not workday, rest, holiday or makeup", at, clip.Quote(w.Kind)))
		}
		cert, err := calendar.ParseCertainty(w.Certainty)
		if err != nil {
			p.Keep(fmt.Errorf("%scertainty: %s is not official, unverified or projected", at, clip.Quote(w.Certainty)))
		}
		if w.Date == "" {
			p.Keep(fmt.Errorf("%sdate: missing", at))
		}
		out[i] = calendar.Day{Date: p.Date(at+"date", w.Date), Kind: kind, Holiday: w.Holiday, HolidayZh: w.HolidayZh,
			Notice: w.Notice, Certainty: cert}
	}
	return out
}
