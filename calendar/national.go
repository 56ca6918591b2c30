package calendar

import (
	"bytes"
	_ "embed" // embedded reference data
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rickar/cal/v2"
)

// The embedded files are byte-identical copies of shared/reference/ (a test
// checks it): they are the source of truth, the code only reads them.
var (
	//go:embed data/cn-holidays.csv
	officialCSV []byte
	//go:embed data/cn-holidays-2027-unverified.csv
	unverifiedCSV []byte
	//go:embed data/cn-festivals-2027-2050.csv
	festivalsCSV []byte
)

const (
	officialName   = "cn-holidays.csv"
	unverifiedName = "cn-holidays-2027-unverified.csv"
	festivalsName  = "cn-festivals-2027-2050.csv"

	// projectedNotice is the Notice of every projected day.
	projectedNotice = "projected from 全国年节及纪念日放假办法 (国务院令第795号, in force 2025-01-01); no notice published"
	// bujiaNotice is the Notice of a projected Article 6 补假 day.
	bujiaNotice = "补假 (Article 6), projected from 全国年节及纪念日放假办法 (国务院令第795号, in force 2025-01-01); no notice published"

	firstProjectedYear = 2028
)

// national builds the embedded national calendar once; the result is
// immutable and shared by New and Default.
var national = sync.OnceValues(func() (*Calendar, error) {
	official, err := ParseCSV(officialName, officialCSV, Official)
	if err != nil {
		return nil, err
	}
	unverified, err := ParseCSV(unverifiedName, unverifiedCSV, Unverified)
	if err != nil {
		return nil, err
	}
	fest, err := parseFestivals(festivalsName, festivalsCSV)
	if err != nil {
		return nil, err
	}
	projected, err := project(fest, firstProjectedYear, lastYear)
	if err != nil {
		return nil, err
	}
	b := newBuilder()
	// Projection first, then the notices: a notice's out-of-year entries
	// (late December set by the next year's notice) must win over whatever
	// an earlier step put there.
	for _, s := range []*Schedule{projected, official, unverified} {
		if err := b.applySchedule(s); err != nil {
			return nil, err
		}
	}
	loc := CST()
	c := &Calendar{name: "CN", loc: loc, fixed: true, offset: 8 * 3600, provisional: true}
	b.finish(c)
	c.version = c.computeVersion()
	return c, nil
})

// festivalRow holds the day numbers of one year's lunar and solar-term
// festivals.
type festivalRow struct {
	eve, spring, qingming, dragonBoat, midAutumn int64
}

// parseFestivals reads cn-festivals-2027-2050.csv
// (year,spring_festival_eve,spring_festival,qingming,dragon_boat,mid_autumn).
func parseFestivals(name string, data []byte) (map[int]festivalRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("calendar: %s: %v", name, err)
	}
	const header = "year,spring_festival_eve,spring_festival,qingming,dragon_boat,mid_autumn"
	if len(recs) == 0 || len(recs[0]) != 6 || strings.Join(recs[0], ",") != header {
		return nil, fmt.Errorf("calendar: %s:1: header must be %q", name, header)
	}
	out := map[int]festivalRow{}
	for li, rec := range recs[1:] {
		line := li + 2
		y, err := strconv.Atoi(rec[0])
		if err != nil {
			return nil, fmt.Errorf("calendar: %s:%d: field year: %v", name, line, err)
		}
		var dn [5]int64
		for j := 0; j < 5; j++ {
			yy, m, d, err := parseYMD(rec[j+1])
			if err != nil {
				return nil, fmt.Errorf("calendar: %s:%d: field %d: %v", name, line, j+2, err)
			}
			if yy != y {
				return nil, fmt.Errorf("calendar: %s:%d: %s is not in year %d", name, line, rec[j+1], y)
			}
			dn[j] = daysFromCivil(int64(yy), m, d)
		}
		if dn[1] != dn[0]+1 {
			return nil, fmt.Errorf("calendar: %s:%d: 除夕 %s is not the day before 春节 %s", name, line, rec[1], rec[2])
		}
		out[y] = festivalRow{dn[0], dn[1], dn[2], dn[3], dn[4]}
	}
	return out, nil
}

// statutory is one all-citizen statutory day off (放假办法 Article 2, as
// revised by 国务院令第795号), as a rickar/cal holiday definition whose Name is
// the Chinese name and Description the English key.
func statutoryHolidays(fest map[int]festivalRow) []*cal.Holiday {
	// Fixed Gregorian dates: our own Func instead of cal.CalcDayOfMonth,
	// which reads the package variable cal.DefaultLoc.
	fixed := func(h *cal.Holiday, year int) time.Time {
		return time.Date(year, h.Month, h.Day, 0, 0, 0, 0, time.UTC)
	}
	// Lunar and solar-term dates come from the festival table; a year
	// missing from it yields the zero time, which project reports.
	lookup := func(pick func(festivalRow) int64) cal.HolidayFn {
		return func(h *cal.Holiday, year int) time.Time {
			row, ok := fest[year]
			if !ok {
				return time.Time{}
			}
			y, m, d := civilFromDays(pick(row))
			return time.Date(int(y), time.Month(m), d, 0, 0, 0, 0, time.UTC)
		}
	}
	eve := lookup(func(r festivalRow) int64 { return r.eve })
	spring := lookup(func(r festivalRow) int64 { return r.spring })
	const since = 2025 // 国务院令第795号 in force 2025-01-01
	mk := func(zh, key string, m time.Month, d int, fn cal.HolidayFn, off int) *cal.Holiday {
		return &cal.Holiday{Name: zh, Description: key, Type: cal.ObservancePublic, StartYear: since,
			Month: m, Day: d, Func: fn, CalcOffset: off}
	}
	return []*cal.Holiday{
		mk("元旦", "new_year", time.January, 1, fixed, 0),
		// 春节: 农历除夕 and 正月初一–初三 (Article 2(2), 4 days since 2025).
		mk("春节", "spring_festival", 0, 0, eve, 0),
		mk("春节", "spring_festival", 0, 0, spring, 0),
		mk("春节", "spring_festival", 0, 0, spring, 1),
		mk("春节", "spring_festival", 0, 0, spring, 2),
		mk("清明节", "tomb_sweeping", 0, 0, lookup(func(r festivalRow) int64 { return r.qingming }), 0),
		// 劳动节: 5月1日、2日 (Article 2(4), 2 days since 2025).
		mk("劳动节", "labour_day", time.May, 1, fixed, 0),
		mk("劳动节", "labour_day", time.May, 2, fixed, 0),
		mk("端午节", "dragon_boat", 0, 0, lookup(func(r festivalRow) int64 { return r.dragonBoat }), 0),
		mk("中秋节", "mid_autumn", 0, 0, lookup(func(r festivalRow) int64 { return r.midAutumn }), 0),
		mk("国庆节", "national_day", time.October, 1, fixed, 0),
		mk("国庆节", "national_day", time.October, 2, fixed, 0),
		mk("国庆节", "national_day", time.October, 3, fixed, 0),
	}
}

// project computes the projected schedule for years from..to: the
// statutory days of 放假办法 Article 2 plus Article 6 补假 (a statutory day on
// a Saturday or Sunday is made up on the next Monday–Friday that is not
// already a day off). It knows no 调休: no makeup working days and no
// bridging days, so it is a lower bound of the days off.
func project(fest map[int]festivalRow, from, to int) (*Schedule, error) {
	hols := statutoryHolidays(fest)
	s := &Schedule{Name: projectedNotice, Certainty: Projected}
	type named struct{ key, zh string }
	for y := from; y <= to; y++ {
		s.Years = append(s.Years, y)
		days := map[int64]named{}
		for _, h := range hols {
			actual, _ := h.Calc(y)
			if actual.IsZero() {
				return nil, fmt.Errorf("calendar: %s: no %s (%s) date for year %d", festivalsName, h.Name, h.Description, y)
			}
			days[dayNumOf(actual)] = named{h.Description, h.Name}
		}
		// 中秋 inside 国庆 1–3 October: the notices merge the two, so the
		// whole block carries the merged name. (A coinciding day yields no
		// extra day off in the projection: lower bound.)
		oct1 := daysFromCivil(int64(y), 10, 1)
		if mid := fest[y].midAutumn; mid >= oct1 && mid <= oct1+2 {
			for dn := oct1; dn <= oct1+2; dn++ {
				days[dn] = named{"national_day_mid_autumn", "国庆节、中秋节"}
			}
		}
		dns := make([]int64, 0, len(days))
		for dn := range days {
			dns = append(dns, dn)
		}
		slices.Sort(dns)
		off := map[int64]bool{}
		for _, dn := range dns {
			off[dn] = true
		}
		var bujia []Entry
		loc := CST()
		date := func(dn int64) time.Time {
			yy, m, d := civilFromDays(dn)
			return time.Date(int(yy), time.Month(m), d, 0, 0, 0, 0, loc)
		}
		for _, dn := range dns {
			nm := days[dn]
			s.Entries = append(s.Entries, Entry{Date: date(dn), Kind: Holiday, Holiday: nm.key, HolidayZh: nm.zh, Notice: projectedNotice})
			if !isWeekend(dn) {
				continue
			}
			// 放假办法 Article 6 (补假): an all-citizen holiday on a weekend is
			// made up on the next working day not already off.
			sub := dn + 1
			for isWeekend(sub) || off[sub] {
				sub++
			}
			off[sub] = true
			bujia = append(bujia, Entry{Date: date(sub), Kind: Holiday, Holiday: nm.key, HolidayZh: nm.zh, Notice: bujiaNotice})
		}
		s.Entries = append(s.Entries, bujia...)
	}
	slices.SortStableFunc(s.Entries, func(a, b Entry) int { return a.Date.Compare(b.Date) })
	return s, nil
}
