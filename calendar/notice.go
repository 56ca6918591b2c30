package calendar

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxNoticeBytes bounds the text ParseNotice reads. A notice is about two
// kilobytes; a page pasted with its website chrome stays far below this.
const MaxNoticeBytes = 256 << 10

// maxNoticeRange bounds one stated span of days (the longest ever was the
// 2020 Spring Festival extension, 10 days); anything longer is a typo.
const maxNoticeRange = 31

// Notice is a State Council holiday notice as read from its text: the
// annual 国务院办公厅关于X年部分节假日安排的通知, or a supplementary notice
// that changes one festival of a year already published (the 2015
// anniversary day off, the 2019 Labour Day change, the 2020 Spring Festival
// extension).
//
// The days live in the items that state them; Schedule collects them into
// the calendar's own Schedule type, so a notice loads like any other
// schedule (WithSchedule).
type Notice struct {
	// Name is the file name or label the text came from (used in errors and
	// as Schedule.Name).
	Name string
	// Title is the title as printed, e.g. 国务院办公厅关于2026年部分节假日安排的通知.
	Title string
	// Year is the year in the title.
	Year int
	// DocNumber is the document number, e.g. 国办发明电〔2025〕7号; empty
	// when the pasted text does not carry it (press reprints drop it).
	DocNumber string
	// Date is the date under the signature (00:00 UTC+8); zero when absent.
	Date time.Time
	// Supplementary is true for a notice that changes part of a year (its
	// title is not 关于X年部分节假日安排的通知). Its schedule determines no
	// whole year: its days apply on top of the annual notice.
	Supplementary bool
	// Items are the items that set days, in the order of the text.
	Items []NoticeItem
}

// NoticeItem is one item of a notice (“二、春节：…”) and the days it sets.
type NoticeItem struct {
	// Number is the item's number (二 → 2); 0 for an unnumbered paragraph
	// of a supplementary notice.
	Number int
	// Festival is the Chinese name as the item states it (中秋节、国庆节), or
	// as the title of a supplementary notice names it; “五一” and “十一” of
	// the notices before 2008 read as 劳动节 and 国庆节.
	Festival string
	// Holiday is the English key (spring_festival, national_day_mid_autumn …).
	Holiday string
	// Line and Column locate the item in the text (1-based; columns count
	// characters, not bytes).
	Line, Column int
	// Text is the item as written (its characters unchanged), on one line.
	Text string
	// Entries are the days off and the makeup working days the item sets,
	// sorted by date, each with Notice set to the notice's citation.
	Entries []Entry
}

// NoticeError is a problem in the text of a notice. Line and Column locate
// it in the text as given (1-based; columns count characters); Item quotes
// the item it concerns, when there is one.
type NoticeError struct {
	Name         string // the name given to ParseNotice
	Line, Column int    // 1-based; the column counts characters
	Item         string // the item as written, "" for a problem outside the items
	Msg          string // what is wrong
}

// Error formats the problem as name:line:column: message (item "…").
func (e *NoticeError) Error() string {
	if e.Item != "" {
		return fmt.Sprintf("calendar: %s:%d:%d: %s (item %q)", e.Name, e.Line, e.Column, e.Msg, e.Item)
	}
	return fmt.Sprintf("calendar: %s:%d:%d: %s", e.Name, e.Line, e.Column, e.Msg)
}

// NoticeOption configures ParseNotice.
type NoticeOption func(*noticeConfig)

type noticeConfig struct {
	prior *Schedule
}

// Extending gives the schedule a supplementary notice extends. A notice
// that says “延长2020年春节假期至2月2日” names only the new last day; the
// first added day is the day after the festival's last day off in prior
// (typically the calendar's current data for that year). prior is read,
// never modified.
func Extending(prior *Schedule) NoticeOption {
	return func(c *noticeConfig) { c.prior = prior }
}

// Schedule returns the notice's days as a Schedule with Certainty Official:
// for an annual notice Years is [Year] (the whole year is determined by the
// notice, so days it does not list are ordinary); for a supplementary one
// Years is empty and its entries apply on top of what is loaded. The result
// is a fresh copy.
func (n *Notice) Schedule() *Schedule {
	s := &Schedule{Name: n.Name, Certainty: Official}
	if !n.Supplementary {
		s.Years = []int{n.Year}
	}
	for _, it := range n.Items {
		s.Entries = append(s.Entries, it.Entries...)
	}
	slices.SortStableFunc(s.Entries, func(a, b Entry) int { return a.Date.Compare(b.Date) })
	return s
}

// Citation is how the notice's entries cite it: the document number (or,
// without one, the title) and the signature date.
func (n *Notice) Citation() string {
	c := n.DocNumber
	if c == "" {
		c = n.Title
	}
	if !n.Date.IsZero() {
		c += " (" + n.Date.Format(time.DateOnly) + ")"
	}
	return c
}

// ParseNotice reads the text of a State Council holiday notice as published
// or pasted: the title (with the year), the optional document number and
// signature date, and the numbered items (“一、元旦：…”, “六、中秋节、国庆节：…”).
// Every phrasing used since 2004 is understood: ranges with 至 or a dash, a
// range across the year boundary, weekday (星期六, 周六) and lunar
// annotations in either bracket form, 与周末连休, 补休, 不调休, and the
// 2006–2009 style (其中…为法定假日，将…两个公休日调至…，…上班). Simplified and
// traditional characters, full- and half-width punctuation, stray spaces
// and blank lines are accepted; lines that are not items (the preamble, the
// closing paragraph, the signature) are ignored.
//
// It checks what it reads and refuses, with a *NoticeError positioned in
// the text and quoting the item: a date that does not exist, a weekday
// annotation that contradicts the date, a 共N天 that does not match the
// range, a day both off and working, a makeup day that is not a Saturday or
// Sunday, an item that yields no day, a day set by two items, and a text
// that is not a holiday notice at all. text is not retained or modified.
func ParseNotice(name string, text []byte, opts ...NoticeOption) (*Notice, error) {
	var cfg noticeConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	p := &noticeParser{name: name}
	if len(text) > MaxNoticeBytes {
		return nil, p.errAt(1, 1, "", fmt.Sprintf("text is %d bytes; a notice is at most %d", len(text), MaxNoticeBytes))
	}
	if err := p.load(text); err != nil {
		return nil, err
	}
	n, err := p.parse(cfg)
	if err != nil {
		return nil, err
	}
	return n, nil
}

// nrune is one character of the normalised text and where it was in the
// original.
type nrune struct {
	r, orig   rune // normalised, and as written
	line, col int
}

type nline struct {
	rs []nrune
}

func (l nline) String() string {
	var b strings.Builder
	for _, r := range l.rs {
		b.WriteRune(r.r)
	}
	return b.String()
}

type noticeParser struct {
	name  string
	lines []nline
}

func (p *noticeParser) errAt(line, col int, item, msg string) *NoticeError {
	return &NoticeError{Name: p.name, Line: line, Column: col, Item: item, Msg: msg}
}

// load checks the encoding and splits the normalised text into trimmed
// lines, keeping every character's original position.
func (p *noticeParser) load(text []byte) error {
	line, col := 1, 1
	var cur []nrune
	flush := func() {
		// Trim spaces at both ends; positions stay those of the original.
		s, e := 0, len(cur)
		for s < e && cur[s].r == ' ' {
			s++
		}
		for e > s && cur[e-1].r == ' ' {
			e--
		}
		p.lines = append(p.lines, nline{rs: append([]nrune(nil), cur[s:e]...)})
		cur = cur[:0]
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size <= 1 {
			return p.errAt(line, col, "", fmt.Sprintf("invalid UTF-8 (byte 0x%02x); paste the notice as UTF-8 text", text[i]))
		}
		i += size
		switch {
		case r == '\n':
			flush()
			line++
			col = 1
			continue
		case r == '\r', r == '\ufeff', r == '\u200b':
			col++
			continue
		}
		if nr := normalizeNoticeRune(r); nr != 0 {
			cur = append(cur, nrune{nr, r, line, col})
		}
		col++
	}
	flush()
	return nil
}

// normalizeNoticeRune folds a character to the form the parser reads:
// full-width ASCII to ASCII, every kind of space to ' ', dashes to '-', and
// the traditional characters that occur in the notices to their simplified
// forms (traditionalToSimplified). Control characters are dropped (0).
func normalizeNoticeRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFF01 - 0x21
	case r == 0x3000, r == '\t', r == 0xA0, r == 0x2002, r == 0x2003, r == 0x2009, r == 0x202F:
		return ' '
	case r < 0x20 || r == 0x7F:
		return 0
	}
	switch r {
	case '—', '–', '―', '－', '~', '〜', '～', '‐', '‑', '‒':
		return '-'
	case '○':
		return '〇'
	}
	return traditionalToSimplified(r)
}

// traditionalToSimplified maps the traditional characters that occur in
// reprints of the notices (titles, festival names, the words the parser
// looks for) to simplified ones. It is deliberately small: it serves
// reading a notice, not converting Chinese text in general.
func traditionalToSimplified(r rune) rune {
	switch r {
	case '國':
		return '国'
	case '務':
		return '务'
	case '辦':
		return '办'
	case '廳':
		return '厅'
	case '關':
		return '关'
	case '於':
		return '于'
	case '節':
		return '节'
	case '慶':
		return '庆'
	case '勞':
		return '劳'
	case '動':
		return '动'
	case '陽':
		return '阳'
	case '曆', '歷':
		return '历'
	case '農':
		return '农'
	case '臘':
		return '腊'
	case '號':
		return '号'
	case '週':
		return '周'
	case '與':
		return '与'
	case '連':
		return '连'
	case '調':
		return '调'
	case '補':
		return '补'
	case '發':
		return '发'
	case '電':
		return '电'
	case '為':
		return '为'
	case '將':
		return '将'
	case '個':
		return '个'
	case '兩':
		return '两'
	case '長':
		return '长'
	case '紀':
		return '纪'
	case '戰':
		return '战'
	case '爭':
		return '争'
	case '勝':
		return '胜'
	case '當':
		return '当'
	case '間':
		return '间'
	case '際':
		return '际'
	case '覽', '覧':
		return '览'
	case '觀':
		return '观'
	case '體':
		return '体'
	case '說':
		return '说'
	case '開':
		return '开'
	case '時':
		return '时'
	case '後':
		return '后'
	case '愛':
		return '爱'
	case '團':
		return '团'
	case '會':
		return '会'
	case '學':
		return '学'
	case '從':
		return '从'
	case '暫':
		return '暂'
	case '舊':
		return '旧'
	}
	return r
}

// lineText returns line i as a string without spaces (reprints scatter
// spaces inside titles and document numbers: 国 办 发明电〔2012〕33号).
func (p *noticeParser) lineText(i int) string {
	return strings.ReplaceAll(p.lines[i].String(), " ", "")
}

// itemStart reports whether line i starts a numbered item (一、…) and
// returns its number and the index of the first rune after 、.
func (p *noticeParser) itemStart(i int) (num, body int, ok bool) {
	rs := p.lines[i].rs
	k := 0
	for k < len(rs) && k < 3 && cnDigit(rs[k].r) >= 0 {
		k++
	}
	if k == 0 || k >= len(rs) || (rs[k].r != '、' && rs[k].r != '.') {
		return 0, 0, false
	}
	var s strings.Builder
	for _, r := range rs[:k] {
		s.WriteRune(r.r)
	}
	num, ok = cnNumber(s.String())
	if !ok || num < 1 || num > 20 {
		return 0, 0, false
	}
	body = k + 1
	for body < len(rs) && rs[body].r == ' ' {
		body++
	}
	return num, body, true
}

func (p *noticeParser) parse(cfg noticeConfig) (*Notice, error) {
	n := &Notice{Name: p.name}
	firstItem := len(p.lines)
	for i := range p.lines {
		if _, _, ok := p.itemStart(i); ok {
			firstItem = i
			break
		}
	}
	tline, err := p.title(n, firstItem)
	if err != nil {
		return nil, err
	}
	for i := 0; i < firstItem; i++ {
		if d := docNumber(p.lineText(i)); d != "" {
			n.DocNumber = d
			break
		}
	}
	if firstItem < len(p.lines) {
		n.Date = p.signatureDate(firstItem)
	} else {
		n.Date = p.signatureDate(tline) // the paragraph form: no numbered items
	}

	// Items: a numbered line, continued by the following lines while the
	// item so far is a bare heading (“一、元旦：”) or the next line starts
	// with a date (reprints that break an item in two).
	type rawItem struct {
		num int
		rs  []nrune
	}
	var raws []rawItem
	for i := firstItem; i < len(p.lines); i++ {
		num, body, ok := p.itemStart(i)
		if !ok {
			continue
		}
		rs := append([]nrune(nil), p.lines[i].rs[body:]...)
		for i+1 < len(p.lines) {
			next := p.lines[i+1].rs
			if len(next) == 0 {
				if len(rs) > 0 && rs[len(rs)-1].r == ':' {
					i++
					continue
				}
				break
			}
			if _, _, isItem := p.itemStart(i + 1); isItem {
				break
			}
			if (len(rs) > 0 && rs[len(rs)-1].r == ':') || (next[0].r >= '0' && next[0].r <= '9') {
				rs = append(rs, next...)
				i++
				continue
			}
			break
		}
		raws = append(raws, rawItem{num, rs})
	}
	if len(raws) == 0 && n.Supplementary {
		// A supplementary notice may state its one change as a paragraph
		// (the 2015 anniversary notice has no numbered items).
		for i := tline + 1; i < len(p.lines); i++ {
			s := p.lineText(i)
			if strings.Contains(s, "月") && strings.Contains(s, "日") && (strings.Contains(s, "放假") || strings.Contains(s, "上班")) {
				raws = append(raws, rawItem{0, p.lines[i].rs})
			}
		}
	}
	seen := map[int64]string{}
	for _, raw := range raws {
		it, err := p.item(n, raw.num, raw.rs, cfg)
		if err != nil {
			return nil, err
		}
		if it == nil {
			continue
		}
		for _, e := range it.Entries {
			dn := dayNumOf(e.Date)
			if prev, dup := seen[dn]; dup {
				return nil, p.errAt(it.Line, it.Column, it.Text, fmt.Sprintf("%s is also set by item %q", formatDate(e.Date), prev))
			}
			seen[dn] = it.Text
		}
		n.Items = append(n.Items, *it)
	}
	if len(n.Items) == 0 {
		l := p.lines[tline]
		return nil, p.errAt(l.rs[0].line, l.rs[0].col, "", fmt.Sprintf("no item of %q sets a day off or a working day; paste the items (一、元旦：…) with the title", n.Title))
	}
	return n, nil
}

// title finds the title among the lines before the first item: a line with
// 关于 (possibly continued on up to three more lines) up to 通知, naming a
// year and a holiday. It returns the index of the title's first line.
func (p *noticeParser) title(n *Notice, firstItem int) (int, error) {
	for i := 0; i < firstItem; i++ {
		acc := p.lineText(i)
		if !strings.Contains(acc, "关于") {
			continue
		}
		for j := i + 1; !strings.Contains(acc, "通知") && j < firstItem && j <= i+3; j++ {
			acc += p.lineText(j)
		}
		end := strings.Index(acc, "通知")
		start := strings.Index(acc, "关于")
		if end < 0 || end < start {
			continue
		}
		t := acc[:end+len("通知")]
		if k := strings.LastIndex(t[:start], "国务院"); k >= 0 {
			t = t[k:]
		} else {
			t = t[start:]
		}
		if !strings.Contains(t, "节假日") && !strings.Contains(t, "假期") && !strings.Contains(t, "放假") {
			continue
		}
		year, ok := firstYearIn(t)
		if !ok {
			// 国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知
			// names no year: the first year the text states is the one.
			for j := i + 1; j < len(p.lines) && !ok; j++ {
				year, ok = firstYearIn(p.lineText(j))
			}
			if !ok {
				continue
			}
		}
		l := p.lines[i]
		if year < firstYear || year > lastYear {
			return 0, p.errAt(l.rs[0].line, l.rs[0].col, "", fmt.Sprintf("title %q: year %d is outside %d..%d", t, year, firstYear, lastYear))
		}
		n.Title, n.Year = t, year
		n.Supplementary = !strings.Contains(t, "部分节假日安排")
		return i, nil
	}
	return 0, p.errAt(1, 1, "", "not a State Council holiday notice: no title such as 国务院办公厅关于2027年部分节假日安排的通知 before the items (paste the whole notice, title included)")
}

// firstYearIn returns the first four-digit number followed by 年.
func firstYearIn(s string) (int, bool) {
	for i := 0; i+4 < len(s); i++ {
		if isDigits(s[i:i+4]) && strings.HasPrefix(s[i+4:], "年") && (i == 0 || s[i-1] < '0' || s[i-1] > '9') {
			y, _ := strconv.Atoi(s[i : i+4])
			return y, true
		}
	}
	return 0, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// docNumber extracts a document number such as 国办发明电〔2025〕7号 or
// 国发明电〔2015〕1号 from a line, with its brackets normalised to 〔〕.
func docNumber(s string) string {
	for _, prefix := range []string{"国办发明电", "国发明电", "国办发"} {
		i := strings.Index(s, prefix)
		if i < 0 {
			continue
		}
		rest := s[i+len(prefix):]
		open, size := utf8.DecodeRuneInString(rest)
		if !strings.ContainsRune("〔[(【", open) {
			continue
		}
		rest = rest[size:]
		if len(rest) < 5 || !isDigits(rest[:4]) {
			continue
		}
		year := rest[:4]
		closer, size := utf8.DecodeRuneInString(rest[4:])
		if !strings.ContainsRune("〕])】", closer) {
			continue
		}
		rest = rest[4+size:]
		k := 0
		for k < len(rest) && k < 4 && rest[k] >= '0' && rest[k] <= '9' {
			k++
		}
		if k == 0 || !strings.HasPrefix(rest[k:], "号") {
			continue
		}
		return prefix + "〔" + year + "〕" + rest[:k] + "号"
	}
	return ""
}

// signatureDate is the last line below line after that is only a date
// (2025年11月4日 or 二〇〇六年十二月十四日); zero when there is none.
func (p *noticeParser) signatureDate(after int) time.Time {
	for i := len(p.lines) - 1; i > after; i-- {
		s := p.lineText(i)
		if s == "" {
			continue
		}
		if y, m, d, ok := parseSignatureDate(s); ok {
			return time.Date(y, time.Month(m), d, 0, 0, 0, 0, CST())
		}
	}
	return time.Time{}
}

func parseSignatureDate(s string) (y, m, d int, ok bool) {
	yi := strings.Index(s, "年")
	mi := strings.Index(s, "月")
	if yi <= 0 || mi <= yi || !strings.HasSuffix(s, "日") {
		return 0, 0, 0, false
	}
	ys, ms, ds := s[:yi], s[yi+len("年"):mi], s[mi+len("月"):len(s)-len("日")]
	if isDigits(ys) && len(ys) == 4 {
		y, _ = strconv.Atoi(ys)
	} else {
		for _, r := range ys {
			dg := cnDigit(r)
			if dg < 0 || dg == 10 {
				return 0, 0, 0, false
			}
			y = y*10 + dg
		}
		if utf8.RuneCountInString(ys) != 4 {
			return 0, 0, 0, false
		}
	}
	num := func(s string) (int, bool) {
		if isDigits(s) && len(s) <= 2 {
			v, _ := strconv.Atoi(s)
			return v, true
		}
		return cnNumber(s)
	}
	var ok1, ok2 bool
	m, ok1 = num(ms)
	d, ok2 = num(ds)
	if !ok1 || !ok2 || y < 1990 || y > lastYear || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// cnDigit is the value of a Chinese numeral character (十 is 10), or -1.
func cnDigit(r rune) int {
	switch r {
	case '〇', '零':
		return 0
	case '一':
		return 1
	case '二', '两':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	case '十':
		return 10
	}
	return -1
}

// cnNumber reads a Chinese number from 1 to 99 (一, 十, 十二, 二十, 三十一).
func cnNumber(s string) (int, bool) {
	rs := []rune(s)
	switch len(rs) {
	case 1:
		v := cnDigit(rs[0])
		return v, v > 0
	case 2:
		a, b := cnDigit(rs[0]), cnDigit(rs[1])
		switch {
		case a == 10 && b >= 1 && b <= 9:
			return 10 + b, true
		case a >= 2 && a <= 9 && b == 10:
			return a * 10, true
		}
	case 3:
		a, b, c := cnDigit(rs[0]), cnDigit(rs[1]), cnDigit(rs[2])
		if a >= 2 && a <= 9 && b == 10 && c >= 1 && c <= 9 {
			return a*10 + c, true
		}
	}
	return 0, false
}

// festivalName normalises the festival part of an item heading: quotes and
// spaces go, and the pre-2008 names “五一” and “十一” read as 劳动节 and
// 国庆节 (the names the calendar uses for those days).
func festivalName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '“', '”', '"', '\'', '‘', '’', '「', '」', '《', '》', ' ':
			return -1
		}
		return r
	}, s)
	switch s {
	case "五一", "五一国际劳动节", "国际劳动节", "五一劳动节":
		return "劳动节"
	case "十一", "国庆":
		return "国庆节"
	}
	return s
}

// knownFestival reports whether s (normalised) names the festivals of an
// annual notice, alone or two joined by 、.
func knownFestival(s string) bool {
	for _, part := range strings.Split(s, "、") {
		switch part {
		case "元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节":
		default:
			return false
		}
	}
	return s != ""
}

// noticeHolidayKey is holidayKey, also knowing the anniversary day of 2015
// by its full name.
func noticeHolidayKey(zh string) string {
	if t := strings.TrimPrefix(zh, "中国人民"); t != zh {
		if k := holidayKey(t); k != t {
			return k
		}
	}
	return holidayKey(zh)
}

// titleFestival is the festival a supplementary notice concerns, from its
// title: 关于调整2019年劳动节假期安排的通知 → 劳动节.
func titleFestival(title string) string {
	i := strings.Index(title, "关于")
	if i < 0 {
		return ""
	}
	s := title[i+len("关于"):]
	s = strings.TrimPrefix(s, "调整")
	s = strings.TrimPrefix(s, "延长")
	if len(s) > 4 && isDigits(s[:4]) && strings.HasPrefix(s[4:], "年") {
		s = s[4+len("年"):]
	}
	for _, stop := range []string{"假期", "调休放假", "放假", "安排", "的通知"} {
		if k := strings.Index(s, stop); k > 0 {
			s = s[:k]
		}
	}
	return festivalName(s)
}

// noticeDate is one date of an item, where it is written.
type noticeDate struct {
	dn        int64
	line, col int
	err       string // the date does not exist (reported unless the clause is ignored)
	dayOnly   bool   // written as “29日”, its month taken from the context
	afterTZ   bool   // written after 调至
}

// noticeSpan is a date or a range of dates of one clause.
type noticeSpan struct {
	from, to noticeDate
	until    bool // “至D” with no start: the end of an extension
}

type noticeClause struct {
	text        string // the clause without dates, numbers and bracketed notes
	spans       []noticeSpan
	count       int // N of 共N天 / 放假N天, 0 if none
	cline, ccol int
	line, col   int
	end         bool // the clause ends a sentence (。)
}

// item parses one item; it returns nil for an item that neither names a
// festival nor states a date (the administrative items of supplementary
// notices).
func (p *noticeParser) item(n *Notice, num int, rs []nrune, cfg noticeConfig) (*NoticeItem, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	var text strings.Builder
	for _, r := range rs {
		text.WriteRune(r.orig) // quoted as written
	}
	it := &NoticeItem{Number: num, Line: rs[0].line, Column: rs[0].col, Text: text.String()}
	if num > 0 {
		it.Text = cnNumeral(num) + "、" + it.Text
	}
	// The heading: the festival before the colon, or (reprints without the
	// colon) a known festival before the first digit.
	body := rs
	colon := -1
	for k, r := range rs {
		if r.r == ':' {
			colon = k
			break
		}
		if (r.r >= '0' && r.r <= '9') || k > 24 {
			break
		}
	}
	if colon > 0 {
		it.Festival = festivalName(runesString(rs[:colon]))
		body = rs[colon+1:]
	} else {
		k := 0
		for k < len(rs) && !(rs[k].r >= '0' && rs[k].r <= '9') {
			k++
		}
		if f := festivalName(runesString(rs[:k])); k > 0 && knownFestival(f) {
			it.Festival = f
			body = rs[k:]
		}
	}
	named := it.Festival != ""
	if !named {
		if n.Supplementary {
			it.Festival = titleFestival(n.Title)
		}
	}
	clauses, err := p.clauses(n, it, body)
	if err != nil {
		return nil, err
	}
	hasDate := false
	for _, c := range clauses {
		if len(c.spans) > 0 {
			hasDate = true
		}
	}
	if !named && !hasDate {
		return nil, nil // an administrative item (推迟开学 …)
	}
	if it.Festival == "" {
		return nil, p.errAt(it.Line, it.Column, it.Text, "the item names no festival (want 元旦：…, 春节：…)")
	}
	it.Holiday = noticeHolidayKey(it.Festival)

	off := map[int64]noticeDate{}
	work := map[int64]noticeDate{}
	var until *noticeDate
	var pending []noticeSpan
	var lastRange []noticeSpan // the off days a 共N天 of this sentence counts
	bad := func(d noticeDate, msg string) error {
		return p.errAt(d.line, d.col, it.Text, msg)
	}
	addOff := func(sp noticeSpan) {
		for dn := sp.from.dn; dn <= sp.to.dn; dn++ {
			d := sp.from
			if dn != sp.from.dn {
				d = sp.to
			}
			if _, ok := off[dn]; !ok {
				d.dn = dn
				off[dn] = d
			}
		}
	}
	for _, c := range clauses {
		spans := append(pending, c.spans...)
		pending = nil
		kind := classifyClause(c.text)
		if kind == clauseUnknown && len(spans) > 0 && !c.end {
			pending = spans // “4月4日(清明节),为法定节假日”: the role follows
			continue
		}
		// A date that does not exist is an error, except a bare “29日” in a
		// clause that only restates (其中29日、30日、31日为法定假日), whose month
		// the text leaves to the reader.
		for _, sp := range spans {
			for _, d := range []noticeDate{sp.from, sp.to} {
				if d.err != "" && (kind != clauseIgnore || !d.dayOnly) {
					return nil, bad(d, d.err)
				}
			}
		}
		switch kind {
		case clauseUnknown:
			if len(spans) > 0 {
				return nil, bad(spans[0].from, "cannot tell whether this date is a day off or a working day (no 放假, 补休, 调休 or 上班 with it)")
			}
		case clauseExtend:
			for i := range spans {
				if spans[i].until {
					until = &spans[i].to
				}
			}
			if until == nil {
				return nil, p.errAt(c.line, c.col, it.Text, "延长 without the new last day (…假期至X月X日)")
			}
		case clauseWork:
			for _, sp := range spans {
				for dn := sp.from.dn; dn <= sp.to.dn; dn++ {
					d := sp.from
					d.dn = dn
					if !isWeekend(dn) {
						return nil, bad(d, fmt.Sprintf("%s is a makeup working day (上班) but falls on a %s; a makeup day must be a Saturday or Sunday", ymdString(dn), weekdayOf(dn)))
					}
					if _, ok := work[dn]; !ok {
						work[dn] = d
					}
				}
			}
		case clauseMoveTo:
			for _, sp := range spans {
				if sp.from.afterTZ {
					addOff(sp)
				}
			}
		case clauseOff:
			var rng []noticeSpan
			for _, sp := range spans {
				if sp.until {
					return nil, bad(sp.to, "至 without a first day")
				}
				addOff(sp)
				rng = append(rng, sp)
			}
			if len(rng) > 0 {
				lastRange = rng
			}
		}
		if c.count > 0 {
			if len(lastRange) == 0 {
				return nil, p.errAt(c.cline, c.ccol, it.Text, fmt.Sprintf("共%d天 without the days it counts", c.count))
			}
			got := 0
			for _, sp := range lastRange {
				got += int(sp.to.dn-sp.from.dn) + 1
			}
			if got != c.count {
				sp := lastRange[0]
				return nil, p.errAt(c.cline, c.ccol, it.Text, fmt.Sprintf("共%d天, but %s..%s is %d days", c.count, ymdString(sp.from.dn), ymdString(lastRange[len(lastRange)-1].to.dn), got))
			}
		}
		if c.end {
			lastRange = nil
		}
	}
	if len(pending) > 0 {
		return nil, bad(pending[0].from, "cannot tell whether this date is a day off or a working day (no 放假, 补休, 调休 or 上班 with it)")
	}
	if until != nil {
		if err := p.extend(n, it, *until, off, cfg); err != nil {
			return nil, err
		}
	}
	for dn, d := range work {
		if _, both := off[dn]; both {
			return nil, bad(d, fmt.Sprintf("%s is stated both as a day off and as a working day", ymdString(dn)))
		}
	}
	if len(off) == 0 && len(work) == 0 {
		return nil, p.errAt(it.Line, it.Column, it.Text, "the item yields no day off and no working day")
	}
	cite := n.Citation()
	loc := CST()
	add := func(m map[int64]noticeDate, kind DayKind) error {
		for dn, d := range m {
			y, mo, dd := civilFromDays(dn)
			if !(int(y) == n.Year || (int(y) == n.Year-1 && mo == 12)) {
				return bad(d, fmt.Sprintf("%s is not in %d (nor in the December before it)", ymdString(dn), n.Year))
			}
			it.Entries = append(it.Entries, Entry{Date: time.Date(int(y), time.Month(mo), dd, 0, 0, 0, 0, loc), Kind: kind, Holiday: it.Holiday, HolidayZh: it.Festival, Notice: cite})
		}
		return nil
	}
	if err := add(off, Holiday); err != nil {
		return nil, err
	}
	if err := add(work, MakeupWorkday); err != nil {
		return nil, err
	}
	slices.SortFunc(it.Entries, func(a, b Entry) int { return a.Date.Compare(b.Date) })
	return it, nil
}

// extend adds the days of an extension (延长…假期至D): from the day after
// the festival's last day off in the prior schedule through D.
func (p *noticeParser) extend(n *Notice, it *NoticeItem, until noticeDate, off map[int64]noticeDate, cfg noticeConfig) error {
	if cfg.prior == nil {
		return p.errAt(until.line, until.col, it.Text, fmt.Sprintf("the item extends %s to %s, but the schedule it extends was not given (calendar.Extending)", it.Festival, ymdString(until.dn)))
	}
	last := int64(-1)
	for _, e := range cfg.prior.Entries {
		dn := dayNumOf(e.Date)
		if e.Kind == Holiday && e.Holiday == it.Holiday && dn < until.dn && dn >= until.dn-60 && dn > last {
			last = dn
		}
	}
	if last < 0 {
		return p.errAt(until.line, until.col, it.Text, fmt.Sprintf("the item extends %s to %s, but %s has no %s day off in the 60 days before", it.Festival, ymdString(until.dn), cfg.prior.Name, it.Festival))
	}
	if until.dn-last > maxNoticeRange {
		return p.errAt(until.line, until.col, it.Text, fmt.Sprintf("an extension of %d days is implausible", until.dn-last))
	}
	for dn := last + 1; dn <= until.dn; dn++ {
		d := until
		d.dn = dn
		off[dn] = d
	}
	return nil
}

type clauseKind int

const (
	clauseUnknown clauseKind = iota
	clauseIgnore             // 为法定假日, 照常公休, 为公休日, 起正常上班, 鼓励…
	clauseOff                // 放假, 补休, 调休
	clauseWork               // 上班
	clauseMoveTo             // …公休日调至…: the days after 调至 are off
	clauseExtend             // 延长…至
)

func classifyClause(s string) clauseKind {
	switch {
	case strings.Contains(s, "延长"):
		return clauseExtend
	case strings.Contains(s, "上班"):
		if strings.Contains(s, "起") {
			return clauseIgnore // 2月3日起正常上班: the first working day after
		}
		return clauseWork
	case strings.Contains(s, "调至"):
		return clauseMoveTo
	case strings.Contains(s, "照常公休"), strings.Contains(s, "为公休日"), strings.Contains(s, "法定节假日"),
		strings.Contains(s, "法定假日"), strings.Contains(s, "鼓励"):
		return clauseIgnore
	case strings.Contains(s, "放假"), strings.Contains(s, "补休"), strings.Contains(s, "调休"), strings.Contains(s, "休息"):
		return clauseOff
	}
	return clauseUnknown
}

func runesString(rs []nrune) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteRune(r.r)
	}
	return b.String()
}

// cnNumeral writes 1..20 as a Chinese numeral (the item numbers).
func cnNumeral(n int) string {
	const d = "〇一二三四五六七八九"
	digit := func(i int) string { return string([]rune(d)[i]) }
	switch {
	case n < 10:
		return digit(n)
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digit(n-10)
	}
	return strconv.Itoa(n)
}

// weekdayNote finds a weekday in a bracketed note (星期六, 周日, “星期四、新年”).
func weekdayNote(s string) (time.Weekday, bool) {
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		var next int
		switch {
		case rs[i] == '星' && i+2 < len(rs) && rs[i+1] == '期':
			next = i + 2
		case rs[i] == '周' && i+1 < len(rs) && !(i+2 < len(rs) && rs[i+1] == '年'):
			next = i + 1
		case rs[i] == '礼' && i+2 < len(rs) && rs[i+1] == '拜':
			next = i + 2
		default:
			continue
		}
		switch rs[next] {
		case '一':
			return time.Monday, true
		case '二':
			return time.Tuesday, true
		case '三':
			return time.Wednesday, true
		case '四':
			return time.Thursday, true
		case '五':
			return time.Friday, true
		case '六':
			return time.Saturday, true
		case '日', '天':
			return time.Sunday, true
		}
	}
	return 0, false
}

// zhWeekday names a weekday as the notices do.
func zhWeekday(w time.Weekday) string {
	return [7]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}[w]
}

// clauses splits an item's text into clauses (at ，；： and 。), reading the
// dates, ranges, counts and bracketed notes of each. Weekday notes are
// checked against their dates here.
func (p *noticeParser) clauses(n *Notice, it *NoticeItem, rs []nrune) ([]noticeClause, error) {
	var out []noticeClause
	cur := noticeClause{}
	var text strings.Builder
	ctxYear, month := n.Year, 0 // the year and month a bare “3日” continues
	newYearItem := it.Festival == "元旦"
	lastWasDate := false // the previous token (bracketed notes aside) is a date
	pendingRange, pendingUntil := false, false
	var lastDate *noticeDate
	started := false
	flush := func(end bool) {
		cur.text = text.String()
		cur.end = end
		if started || len(cur.spans) > 0 || cur.count > 0 {
			out = append(out, cur)
		}
		cur = noticeClause{}
		text.Reset()
		lastWasDate, pendingRange, pendingUntil, lastDate, started = false, false, false, nil, false
	}
	errAt := func(r nrune, msg string) error { return p.errAt(r.line, r.col, it.Text, msg) }
	readNum := func(i int) (int, int) { // value (capped) and end index
		v, j := 0, i
		for j < len(rs) && rs[j].r >= '0' && rs[j].r <= '9' {
			if v < 1e6 {
				v = v*10 + int(rs[j].r-'0')
			}
			j++
		}
		return v, j
	}
	addDate := func(start nrune, y, m, d int, dayOnly bool) error {
		nd := noticeDate{line: start.line, col: start.col, dayOnly: dayOnly, afterTZ: strings.Contains(text.String(), "调至")}
		switch {
		case y < firstYear || y > lastYear:
			nd.err = fmt.Sprintf("%d年%d月%d日 is outside %d..%d", y, m, d, firstYear, lastYear)
		case m < 1 || m > 12 || d < 1 || d > daysIn(y, m):
			nd.err = fmt.Sprintf("%d月%d日 is not a date (in %d)", m, d, y)
		default:
			nd.dn = daysFromCivil(int64(y), m, d)
		}
		if nd.err != "" && !dayOnly {
			return errAt(start, nd.err)
		}
		switch {
		case pendingRange && len(cur.spans) > 0:
			sp := &cur.spans[len(cur.spans)-1]
			if sp.from.err == "" && nd.err == "" {
				if nd.dn < sp.from.dn {
					return errAt(start, fmt.Sprintf("the range ends (%s) before it starts (%s)", ymdString(nd.dn), ymdString(sp.from.dn)))
				}
				if nd.dn-sp.from.dn >= maxNoticeRange {
					return errAt(start, fmt.Sprintf("a range of %d days (%s..%s) is implausible", nd.dn-sp.from.dn+1, ymdString(sp.from.dn), ymdString(nd.dn)))
				}
			}
			if nd.err != "" && sp.from.err == "" {
				sp.from.err = nd.err
			}
			sp.to = nd
		case pendingUntil:
			cur.spans = append(cur.spans, noticeSpan{from: nd, to: nd, until: true})
		default:
			cur.spans = append(cur.spans, noticeSpan{from: nd, to: nd})
		}
		pendingRange, pendingUntil = false, false
		lastDate = &cur.spans[len(cur.spans)-1].to
		lastWasDate = true
		started = true
		return nil
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		if !started {
			cur.line, cur.col = r.line, r.col
		}
		switch {
		case r.r == '(' || r.r == '[' || r.r == '【':
			depth, j := 0, i
		scan:
			for ; j < len(rs); j++ {
				switch rs[j].r {
				case '(', '[', '【':
					depth++
				case ')', ']', '】':
					depth--
				}
				if depth == 0 {
					break scan
				}
			}
			note := runesString(rs[i+1 : min(j, len(rs))])
			if lastWasDate && lastDate != nil && lastDate.err == "" {
				if wd, ok := weekdayNote(note); ok && weekdayOf(lastDate.dn) != wd {
					return nil, p.errAt(r.line, r.col, it.Text, fmt.Sprintf("%s is a %s, but the note says %s", ymdString(lastDate.dn), zhWeekday(weekdayOf(lastDate.dn)), zhWeekday(wd)))
				}
			}
			i = j + 1
			continue
		case r.r >= '0' && r.r <= '9':
			v, j := readNum(i)
			k := skipSpaces(rs, j)
			unit := rune(0)
			if k < len(rs) {
				unit = rs[k].r
			}
			switch unit {
			case '年', '月':
				y, m := 0, v
				mk := k // the 月 of the date
				if unit == '年' {
					// 2018年12月30日: a date with its year; any other year
					// mention (2015年是…) is only text.
					mv, mj := readNum(skipSpaces(rs, k+1))
					mk = skipSpaces(rs, mj)
					if j-i != 4 || mj == skipSpaces(rs, k+1) || mk >= len(rs) || rs[mk].r != '月' {
						text.WriteString(runesString(rs[i : k+1]))
						lastWasDate = false
						i = k + 1
						continue
					}
					y, m = v, mv
				}
				ds := skipSpaces(rs, mk+1)
				dd, e := readNum(ds)
				e2 := skipSpaces(rs, e)
				if e == ds || e2 >= len(rs) || rs[e2].r != '日' {
					return nil, errAt(r, fmt.Sprintf("%d月 without a day (want %d月N日)", m, m))
				}
				if y == 0 {
					y = n.Year
					if newYearItem && m == 12 {
						y = n.Year - 1 // 元旦 items count December as the year before
					}
				}
				month, ctxYear = m, y
				if err := addDate(r, y, m, dd, false); err != nil {
					return nil, err
				}
				i = e2 + 1
				continue
			case '日':
				if month == 0 {
					return nil, errAt(r, fmt.Sprintf("%d日 without a month", v))
				}
				if err := addDate(r, ctxYear, month, v, true); err != nil {
					return nil, err
				}
				i = k + 1
				continue
			case '天':
				cur.count, cur.cline, cur.ccol = v, r.line, r.col
				if v == 0 {
					return nil, errAt(r, "0天 is not a count of days")
				}
				started = true
				lastWasDate = false
				i = k + 1
				continue
			}
			lastWasDate = false
			text.WriteString(runesString(rs[i:j]))
			i = j
			continue
		case r.r == ',' || r.r == ';' || r.r == ':':
			flush(false)
			i++
			continue
		case r.r == '。' || r.r == '.':
			flush(true)
			i++
			continue
		case r.r == ' ':
			i++
			continue
		case r.r == '至' || r.r == '-' || r.r == '到':
			if lastWasDate {
				pendingRange = true
				lastWasDate = false
				i++
				continue
			}
			if r.r == '至' && !strings.HasSuffix(text.String(), "调") {
				pendingUntil = true
			}
		case r.r == '共' && i+1 < len(rs) && cnDigit(rs[i+1].r) > 0:
			j := i + 1
			for j < len(rs) && cnDigit(rs[j].r) > 0 {
				j++
			}
			if j < len(rs) && rs[j].r == '天' {
				if v, ok := cnNumber(runesString(rs[i+1 : j])); ok {
					cur.count, cur.cline, cur.ccol = v, rs[i+1].line, rs[i+1].col
					started = true
					lastWasDate = false
					i = j + 1
					continue
				}
			}
		}
		lastWasDate = false
		text.WriteRune(r.r)
		started = true
		i++
	}
	flush(true)
	return out, nil
}

func skipSpaces(rs []nrune, i int) int {
	for i < len(rs) && rs[i].r == ' ' {
		i++
	}
	return i
}
