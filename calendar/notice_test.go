package calendar

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// historicalNotices parses every notice under testdata/notices in the order
// they were published: each year's annual notice, then its supplementary
// notices (YYYY-supplement.txt), the extension reading the year's schedule
// as published before it.
func historicalNotices(t *testing.T) []*Notice {
	t.Helper()
	files, err := filepath.Glob("testdata/notices/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	slices.Sort(files) // 2019.txt sorts after 2019-supplement.txt; fixed below
	type named struct {
		year int
		supp bool
		path string
	}
	var ns []named
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".txt")
		y, err := strconv.Atoi(strings.TrimSuffix(base, "-supplement"))
		require.NoError(t, err, "notice files are named YYYY.txt or YYYY-supplement.txt: %s", f)
		ns = append(ns, named{y, strings.HasSuffix(base, "-supplement"), f})
	}
	slices.SortFunc(ns, func(a, b named) int {
		if a.year != b.year {
			return a.year - b.year
		}
		if a.supp == b.supp {
			return 0
		}
		if a.supp {
			return 1
		}
		return -1
	})
	var out []*Notice
	annual := map[int]*Schedule{}
	for _, f := range ns {
		data, err := os.ReadFile(f.path)
		require.NoError(t, err)
		var opts []NoticeOption
		if f.supp {
			opts = append(opts, Extending(annual[f.year]))
		}
		n, err := ParseNotice(filepath.Base(f.path), data, opts...)
		require.NoError(t, err, "%s", f.path)
		require.Equal(t, f.year, n.Year, "%s: the year in the title", f.path)
		require.Equal(t, f.supp, n.Supplementary, "%s: annual or supplementary", f.path)
		if !f.supp {
			annual[f.year] = n.Schedule()
		}
		out = append(out, n)
	}
	return out
}

// Every stored notice 2004–2026 parses, and applying them in order yields
// exactly the embedded official schedule on every day of every year whose
// annual notice is stored: kind, holiday key and Chinese name. A day the
// embedded data attributes to a notice whose text is not stored (the 2008
// notice set 2007-12-29..31) is not compared; it is listed in the log.
func TestHistoricalNoticesAgreeWithEmbeddedSchedule(t *testing.T) {
	notices := historicalNotices(t)
	want, err := ParseCSV(officialName, officialCSV, Official)
	require.NoError(t, err)
	wantAt := map[int64]Entry{}
	for _, e := range want.Entries {
		wantAt[dayNumOf(e.Date)] = e
	}
	got := map[int64]Entry{}
	covered := map[int]bool{}
	for _, n := range notices {
		for _, e := range n.Schedule().Entries {
			got[dayNumOf(e.Date)] = e // a later notice overrides (the supplements)
		}
		if !n.Supplementary {
			covered[n.Year] = true
		}
	}
	stored := func(e Entry) bool {
		for _, n := range notices {
			if n.DocNumber != "" && strings.Contains(e.Notice, n.DocNumber) {
				return true
			}
			if !n.Date.IsZero() && strings.Contains(e.Notice, "("+n.Date.Format(time.DateOnly)+")") {
				return true
			}
		}
		return false
	}
	days := map[int64]bool{}
	for y := range covered {
		for dn := daysFromCivil(int64(y), 1, 1); dn <= daysFromCivil(int64(y), 12, 31); dn++ {
			days[dn] = true
		}
	}
	for dn := range got {
		days[dn] = true
	}
	var compared, skipped []string
	var mismatches []string
	show := func(e Entry, ok bool) string {
		if !ok {
			return "ordinary"
		}
		return fmt.Sprintf("%s %s %s", e.Kind, e.Holiday, e.HolidayZh)
	}
	for dn := range days {
		w, wok := wantAt[dn]
		g, gok := got[dn]
		if wok && !stored(w) && !gok {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", ymdString(dn), w.Notice))
			continue
		}
		compared = append(compared, ymdString(dn))
		if wok != gok || (wok && (w.Kind != g.Kind || w.Holiday != g.Holiday || w.HolidayZh != g.HolidayZh)) {
			mismatches = append(mismatches, fmt.Sprintf("%s: embedded %s, notices %s", ymdString(dn), show(w, wok), show(g, gok)))
		}
	}
	slices.Sort(mismatches)
	slices.Sort(skipped)
	assert.Empty(t, mismatches, "days where the notices and the embedded schedule disagree")
	for _, s := range skipped {
		t.Logf("not compared, its notice's text is not stored: %s", s)
	}
	// The comparison must have covered the stored years: 19 annual notices.
	assert.GreaterOrEqual(t, len(covered), 19)
	assert.Greater(t, len(compared), 19*365)
}
