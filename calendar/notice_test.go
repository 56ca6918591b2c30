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

func readNotice(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/notices", name))
	require.NoError(t, err)
	return string(b)
}

// posOf is the 1-based line and character column of the first occurrence of
// sub in text.
func posOf(t *testing.T, text, sub string) (int, int) {
	t.Helper()
	i := strings.Index(text, sub)
	require.GreaterOrEqual(t, i, 0, "%q not in the text", sub)
	pre := text[:i]
	line := strings.Count(pre, "\n") + 1
	col := len([]rune(pre[strings.LastIndex(pre, "\n")+1:])) + 1
	return line, col
}

// replaceOnce replaces the only occurrence of old (the test breaks if the
// stored text changes under it).
func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	require.Equal(t, 1, strings.Count(s, old), "%q must occur exactly once", old)
	return strings.Replace(s, old, new, 1)
}

func TestParseNoticeRefusesWhatIsOff(t *testing.T) {
	n2017 := readNotice(t, "2017.txt")
	n2019 := readNotice(t, "2019.txt")
	tests := []struct {
		name string
		text string
		at   string // the text the error must point at (first occurrence)
		msg  string
		item string // a prefix of the quoted item, "" for none
	}{
		{
			name: "a date that does not exist (0月1日, as one reprint of 2017 has it) is refused at the date",
			text: replaceOnce(t, n2017, "10月1日至8日", "0月1日至8日"),
			at:   "0月1日至8日", msg: "0月1日 is not a date", item: "六、中秋节、国庆节",
		},
		{
			name: "a weekday note that contradicts its date is refused at the note",
			text: replaceOnce(t, n2019, "2018年12月29日(星期六)", "2018年12月29日(星期日)"),
			at:   "(星期日)上班。\n\n二", msg: "2018-12-29 is a 星期六, but the note says 星期日", item: "一、元旦",
		},
		{
			name: "a 共N天 that does not match the range is refused at the count",
			text: replaceOnce(t, n2019, "2月4日至10日放假调休,共7天", "2月4日至10日放假调休,共8天"),
			at:   "8天", msg: "共8天, but 2019-02-04..2019-02-10 is 7 days", item: "二、春节",
		},
		{
			name: "a day stated both off and working is refused",
			text: replaceOnce(t, n2019, "9月29日(星期日)、10月12日(星期六)上班", "10月5日(星期六)、10月12日(星期六)上班"),
			at:   "10月5日(星期六)", msg: "2019-10-05 is stated both as a day off and as a working day", item: "七、国庆节",
		},
		{
			name: "a makeup working day on a weekday is refused",
			text: replaceOnce(t, n2019, "2月2日(星期六)、2月3日(星期日)上班", "2月1日(星期五)、2月3日(星期日)上班"),
			at:   "2月1日(星期五)", msg: "2019-02-01 is a makeup working day (上班) but falls on a Friday", item: "二、春节",
		},
		{
			name: "an item that yields no day is refused at the item",
			text: replaceOnce(t, n2019, "三、清明节:4月5日放假,与周末连休。", "三、清明节:放假,与周末连休。"),
			at:   "清明节:放假", msg: "the item yields no day off and no working day", item: "三、清明节",
		},
		{
			name: "a day set by two items is refused at the second",
			text: replaceOnce(t, n2019, "六、中秋节:9月13日放假", "六、中秋节:6月7日放假"),
			at:   "中秋节:6月7日", msg: "2019-06-07 is also set by item", item: "六、中秋节",
		},
		{
			name: "a range that ends before it starts is refused",
			text: replaceOnce(t, n2019, "10月1日至7日放假调休", "10月7日至1日放假调休"),
			at:   "1日放假调休,共7天。9月29日", msg: "the range ends (2019-10-01) before it starts (2019-10-07)", item: "七、国庆节",
		},
		{
			name: "a date whose role is not stated is refused rather than guessed",
			text: replaceOnce(t, n2019, "四、劳动节:5月1日放假。", "四、劳动节:5月1日。"),
			at:   "5月1日。", msg: "cannot tell whether this date is a day off or a working day", item: "四、劳动节",
		},
		{
			name: "a day without a month is refused",
			text: replaceOnce(t, n2019, "三、清明节:4月5日放假", "三、清明节:5日放假"),
			at:   "5日放假,与周末连休。\n\n四", msg: "5日 without a month", item: "三、清明节",
		},
		{
			name: "an item whose date lies outside the notice's year is refused",
			text: replaceOnce(t, n2019, "五、端午节:6月7日放假", "五、端午节:2020年6月7日放假"),
			at:   "2020年6月7日", msg: "2020-06-07 is not in 2019", item: "五、端午节",
		},
		{
			name: "a text that is not a notice is refused, not read as an empty year",
			text: "会议纪要\n\n一、讨论了2019年的工作。\n二、下次会议10月8日召开。\n",
			at:   "会议纪要", msg: "not a State Council holiday notice",
		},
		{
			name: "a title without items is refused",
			text: "国务院办公厅关于2027年部分节假日安排的通知\n\n各省、自治区、直辖市人民政府:\n经国务院批准,现通知如下。\n",
			at:   "国务院办公厅关于2027年", msg: "no item of \"国务院办公厅关于2027年部分节假日安排的通知\" sets a day",
		},
		{
			name: "a title whose year is outside 2004..2050 is refused",
			text: "国务院办公厅关于2099年部分节假日安排的通知\n一、元旦:1月1日放假。\n",
			at:   "国务院办公厅关于2099年", msg: "year 2099 is outside 2004..2050",
		},
		{
			name: "text that is not UTF-8 is refused at the bad byte",
			text: "国务院办公厅关于2019年部分节假日安排的通知\n一、元旦:\xff1月1日放假。\n",
			at:   "\xff", msg: "invalid UTF-8",
		},
		{
			name: "an extension without the schedule it extends is refused at its last day",
			text: readNotice(t, "2020-supplement.txt"),
			at:   "2月2日(农历正月初九", msg: "the item extends 春节 to 2020-02-02, but the schedule it extends was not given", item: "一、延长2020年春节假期",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseNotice("n.txt", []byte(tc.text))
			require.Error(t, err)
			var ne *NoticeError
			require.ErrorAs(t, err, &ne)
			assert.Contains(t, ne.Msg, tc.msg)
			line, col := posOf(t, tc.text, tc.at)
			assert.Equal(t, [2]int{line, col}, [2]int{ne.Line, ne.Column}, "position of %v", err)
			if tc.item != "" {
				assert.True(t, strings.HasPrefix(ne.Item, tc.item), "item %q, want prefix %q", ne.Item, tc.item)
			} else {
				assert.Empty(t, ne.Item)
			}
			assert.True(t, strings.HasPrefix(err.Error(), fmt.Sprintf("calendar: n.txt:%d:%d: ", line, col)), err.Error())
		})
	}
}

func TestParseNoticeRefusesOversizedText(t *testing.T) {
	text := "国务院办公厅关于2019年部分节假日安排的通知\n" + strings.Repeat("节假日期间。\n", MaxNoticeBytes/10)
	_, err := ParseNotice("big.txt", []byte(text))
	var ne *NoticeError
	require.ErrorAs(t, err, &ne)
	assert.Contains(t, ne.Msg, "a notice is at most")
}

// entriesOf flattens a schedule into comparable lines.
func entriesOf(s *Schedule) []string {
	var out []string
	for _, e := range s.Entries {
		out = append(out, fmt.Sprintf("%s %s %s %s", formatDate(e.Date), e.Kind, e.Holiday, e.HolidayZh))
	}
	return out
}

func TestParseNoticeReadsEveryForm(t *testing.T) {
	n2026 := readNotice(t, "2026.txt")
	fullWidth := strings.NewReplacer(",", "，", ":", "：", "(", "（", ")", "）").Replace(n2026)
	spaced := strings.ReplaceAll(strings.ReplaceAll(n2026, "\n", "\r\n\r\n  "), "月", " 月")
	tests := []struct {
		name string
		text string
		same string // a stored notice whose schedule this must equal
	}{
		{"full-width punctuation (as gov.cn publishes) reads like half-width", fullWidth, "2026.txt"},
		{"CRLF line ends, blank lines and stray spaces are ignored", spaced, "2026.txt"},
		{"a traditional-character reprint reads like the simplified text", readNotice(t, "variants/2011-traditional.txt"), "2011.txt"},
		{"the Xinhua lead line serves as title", replaceOnce(t, n2026, "国务院办公厅关于2026年部分节假日安排的通知\n", "新华社北京11月4日电 国务院办公厅关于2026年部分节假日安排的通知,全文如下:\n"), "2026.txt"},
		{"an item broken after its heading (一、元旦:⏎1月1日…) is one item", replaceOnce(t, n2026, "一、元旦:", "一、元旦:\n\n"), "2026.txt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseNotice("variant.txt", []byte(tc.text))
			require.NoError(t, err)
			want, err := ParseNotice(tc.same, []byte(readNotice(t, tc.same)))
			require.NoError(t, err)
			assert.Equal(t, entriesOf(want.Schedule()), entriesOf(got.Schedule()))
			assert.Equal(t, want.Year, got.Year)
			assert.Equal(t, want.Title, got.Title)
		})
	}
	t.Run("items are quoted as written, traditional characters and full-width marks kept", func(t *testing.T) {
		n, err := ParseNotice("hant.txt", []byte(readNotice(t, "variants/2011-traditional.txt")))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(n.Items[1].Text, "二、春節:2月2日(農曆除夕)至8日放假調休"), n.Items[1].Text)
		assert.Equal(t, "春节", n.Items[1].Festival)
		n, err = ParseNotice("fw.txt", []byte(fullWidth))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(n.Items[0].Text, "一、元旦：1月1日（周四）"), n.Items[0].Text)
	})
}

// Items in the phrasings of notices whose full text is not stored (2008,
// 2009) and in forms reprints produce, each checked day by day against the
// embedded schedule.
func TestParseNoticeItemPhrasings(t *testing.T) {
	tests := []struct {
		name, year, item string
		want             []string // date kind, in order
	}{
		{
			name: "2008 元旦: a range across the year boundary with a dash, 公休日调至 and 上班",
			year: "2008",
			item: "一、元旦:2007年12月30日-2008年1月1日放假,共3天。其中: 1月1日(星期二)为法定节假日,12月30日(星期日)为公休日,12月29日(星期六)公休日调至12月31日(星期一),12月29日(星期六)上班。",
			want: []string{"2007-12-29 makeup", "2007-12-30 holiday", "2007-12-31 holiday", "2008-01-01 holiday"},
		},
		{
			name: "2008 端午: a lunar note with a comma inside the brackets",
			year: "2008",
			item: "五、端午节:6月7日—9日放假,共3天。其中:6月7日(星期六)照常公休,6月8日(农历五月初五,端午节)为法定节假日,6月8日(星期日)公休日调至6月9日(星期一)。",
			want: []string{"2008-06-07 holiday", "2008-06-08 holiday", "2008-06-09 holiday"},
		},
		{
			name: "2008 中秋: 放假N天 without 共",
			year: "2008",
			item: "六、中秋节:9月13日—15日放假3天。其中,9月13日(星期六)为公休日;9月14日(农历八月十五,中秋节)为法定节假日,9月14日(星期日)公休日调至9月15日(星期一)。",
			want: []string{"2008-09-13 holiday", "2008-09-14 holiday", "2008-09-15 holiday"},
		},
		{
			name: "2009 国庆节、中秋节: two festivals, 分别调至, makeup days on both sides",
			year: "2009",
			item: "六、国庆节、中秋节:10月1日至8日放假,共8天。其中,10月1日(星期四)、10月2日(星期五)、10月3日(星期六)为国庆节法定节假日,10月4日(星期日)照常公休;10月3日(星期六)公休日及中秋节分别调至10月5日(星期一)、10月6日(星期二),9月27日(星期日)、10月10日(星期六)公休日调至10月7日(星期三)、10月8日(星期四)。9月27日(星期日)、10月10日(星期六)上班。",
			want: []string{"2009-09-27 makeup", "2009-10-01 holiday", "2009-10-02 holiday", "2009-10-03 holiday", "2009-10-04 holiday", "2009-10-05 holiday", "2009-10-06 holiday", "2009-10-07 holiday", "2009-10-08 holiday", "2009-10-10 makeup"},
		},
		{
			name: "2009 清明 without the colon after the festival (as one reprint prints it)",
			year: "2009",
			item: "三、清明节4月4日至6日放假,共3天。其中,4月4日(星期六、农历清明当日)为法定节假日,4月5日(星期日)照常公休。4月4日(星期六)公休日调至4月6日(星期一)。",
			want: []string{"2009-04-04 holiday", "2009-04-05 holiday", "2009-04-06 holiday"},
		},
		{
			name: "a count in Chinese numerals (共三天) and a tilde range",
			year: "2010",
			item: "一、元旦:1月1日~3日放假公休,共三天。",
			want: []string{"2010-01-01 holiday", "2010-01-02 holiday", "2010-01-03 holiday"},
		},
	}
	want, err := ParseCSV(officialName, officialCSV, Official)
	require.NoError(t, err)
	embedded := map[string]string{}
	for _, e := range want.Entries {
		embedded[formatDate(e.Date)] = e.Kind.String()
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := "国务院办公厅关于" + tc.year + "年部分节假日安排的通知\n\n" + tc.item + "\n\n国务院办公厅\n"
			n, err := ParseNotice("item.txt", []byte(text))
			require.NoError(t, err)
			var got []string
			for _, e := range n.Schedule().Entries {
				got = append(got, formatDate(e.Date)+" "+e.Kind.String())
				assert.Equal(t, embedded[formatDate(e.Date)], e.Kind.String(), "embedded data for %s", formatDate(e.Date))
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// The 2020 extension, given the annual 2020 schedule, turns 1月31日–2月2日
// into days off, including 2月1日, which the annual notice made a working
// Saturday; its entries apply on top, with no year of their own.
func TestParseNoticeExtension(t *testing.T) {
	annual, err := ParseNotice("2020.txt", []byte(readNotice(t, "2020.txt")))
	require.NoError(t, err)
	prior := annual.Schedule()
	before := entriesOf(prior)
	ext, err := ParseNotice("2020-supplement.txt", []byte(readNotice(t, "2020-supplement.txt")), Extending(prior))
	require.NoError(t, err)
	assert.Equal(t, before, entriesOf(prior), "the prior schedule is not modified")
	s := ext.Schedule()
	assert.Empty(t, s.Years)
	assert.Equal(t, []string{
		"2020-01-31 holiday spring_festival 春节",
		"2020-02-01 holiday spring_festival 春节",
		"2020-02-02 holiday spring_festival 春节",
	}, entriesOf(s))
	assert.Equal(t, "国办发明电〔2020〕1号 (2020-01-26)", s.Entries[0].Notice)

	c, err := New(WithSchedule(prior), WithSchedule(s))
	require.NoError(t, err)
	d, err := c.Day(time.Date(2020, 2, 1, 12, 0, 0, 0, CST()))
	require.NoError(t, err)
	assert.Equal(t, Holiday, d.Kind)
}

func TestNoticeHeaderAndCitation(t *testing.T) {
	n, err := ParseNotice("2025.txt", []byte(readNotice(t, "2025.txt")))
	require.NoError(t, err)
	assert.Equal(t, "国务院办公厅关于2025年部分节假日安排的通知", n.Title)
	assert.Equal(t, 2025, n.Year)
	assert.Equal(t, "国办发明电〔2024〕12号", n.DocNumber)
	assert.Equal(t, "2024-11-12", n.Date.Format(time.DateOnly))
	assert.False(t, n.Supplementary)
	require.Len(t, n.Items, 6)
	it := n.Items[5]
	assert.Equal(t, 6, it.Number)
	assert.Equal(t, "国庆节、中秋节", it.Festival)
	assert.Equal(t, "national_day_mid_autumn", it.Holiday)
	line, col := posOf(t, readNotice(t, "2025.txt"), "国庆节、中秋节:10月1日")
	assert.Equal(t, [2]int{line, col}, [2]int{it.Line, it.Column})
	assert.True(t, strings.HasPrefix(it.Text, "六、国庆节、中秋节:10月1日(周三)至8日(周三)放假调休"), it.Text)
	for _, e := range it.Entries {
		assert.Equal(t, "国办发明电〔2024〕12号 (2024-11-12)", e.Notice)
	}
	s := n.Schedule()
	assert.Equal(t, []int{2025}, s.Years)
	assert.Equal(t, Official, s.Certainty)
	assert.Equal(t, "2025.txt", s.Name)

	// Without a document number the title cites the notice.
	n26, err := ParseNotice("2026.txt", []byte(readNotice(t, "2026.txt")))
	require.NoError(t, err)
	assert.Equal(t, "", n26.DocNumber)
	assert.Equal(t, "国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)", n26.Citation())
}
