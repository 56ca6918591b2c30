package main

import (
	"bytes"
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shixian-go/shixian/sla"
)

// The supervision board (督办看板): GET /board renders, on the server, one HTML page for the
// people who supervise — open cases by unit and handler with a traffic light, the working days
// left, the supervision levels reached, the paused cases and why, this week's on-time rate with
// its trend chart and this month's ranking by the policy's formula. No script, no external
// asset, no front-end build: html/template escapes every text, the style is inline, the chart
// is the library's own SVG (Analysis.WriteSVG) embedded in the page.

//go:embed templates/board.html
var boardHTML string

// boardTemplate is parsed once; a template error is a programming error caught by every test.
var boardTemplate = template.Must(template.New("board").Funcs(template.FuncMap{
	"percent": func(v float64, rated int) string {
		if rated == 0 {
			return "—"
		}
		return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
	},
	"score": func(v float64) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "—"
		}
		return strconv.FormatFloat(v, 'f', 2, 64)
	},
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02 15:04")
	},
}).Parse(boardHTML))

// DefaultBoardLimit is how many open cases the board lists when the query does not say
// (`limit`); MaxBoardLimit bounds what it may ask for. The most urgent are kept (red before
// yellow before green, then by deadline); the counts always cover every open case, and the
// page says when the list was cut.
const (
	DefaultBoardLimit = 300
	MaxBoardLimit     = 2000
)

// light is a case's colour on the board. The mapping from sla.Status, printed on the page:
// red — overdue, or a supervision level (督办) reached in the current cycle; yellow — a
// declared warning crossed; green — anything else open (on track, paused before any warning,
// not yet classified).
type light int

const (
	green light = iota
	yellow
	red
)

func (l light) class() string { return [...]string{"green", "yellow", "red"}[l] }
func (l light) label() string { return [...]string{"绿灯", "黄灯", "红灯"}[l] }

func lightOf(st sla.Status) light {
	switch {
	case st.State == sla.StateOverdue || st.CycleLate || len(st.Supervision) > 0:
		return red
	case st.Warning != "":
		return yellow
	}
	return green
}

// boardCase is one open case as the board shows it.
type boardCase struct {
	ID, Unit, Handler string
	Tier              string
	Light             light
	LightClass        string
	LightLabel        string
	StateLabel        string
	Warning           string // the latest warning's label, "" if none
	Left              string // working days (or time) left, or how late, in words
	LastDay           string
	Levels            []sla.SupervisionReached
	Supervised        int // supervised events recorded in the cycle
	due               time.Time
}

// boardHandler is one handler's open cases within a unit.
type boardHandler struct {
	Name               string
	Cases              []boardCase
	Red, Yellow, Green int
}

// boardUnit is one unit's handlers.
type boardUnit struct {
	Name               string
	Handlers           []*boardHandler
	Red, Yellow, Green int
}

// boardPause is one open pause of an open case.
type boardPause struct {
	CaseID, Unit, Handler string
	Pause, Reason, Kind   string
	Since                 time.Time
}

// boardPage is everything the template renders.
type boardPage struct {
	Now         time.Time
	PolicyTitle string
	PolicyRef   string
	Units       []*boardUnit
	Open        int // every open case
	Shown       int
	Limit       int
	Cut         bool
	Red, Yellow int
	Green       int
	Unjudged    int // stored cases whose status could not be computed (listed nowhere)
	// HiddenHandlers counts the (unit, handler) pairs with open cases none of which is listed.
	HiddenHandlers int
	Paused         []boardPause
	PausedCut      bool

	Week      sla.Analysis
	WeekRow   sla.TrendPoint
	Chart     template.HTML
	Month     sla.Analysis
	Ranking   []rankingView
	NoRanking bool
	Levels    []levelView
	Problems  []string // analyses that could not be computed, in words
}

// levelView is a supervision level as the page's legend states it.
type levelView struct {
	Label, By, When string
}

// levelsOf states when each of the policy's supervision levels is reached, in words, naming a
// warning by its label.
func levelsOf(p *sla.Policy) []levelView {
	labels := map[string]string{}
	for _, w := range p.Warnings() {
		labels[w.ID] = w.Label
	}
	var out []levelView
	for _, l := range p.SupervisionLevels() {
		v := levelView{Label: l.Label, By: l.By}
		switch {
		case l.Warning != "":
			name := labels[l.Warning]
			if name == "" {
				name = l.Warning
			}
			v.When = "触发预警“" + name + "”时"
		case l.OverdueDays > 0:
			v.When = fmt.Sprintf("超期%d个工作日时", l.OverdueDays)
		default:
			v.When = "超期时"
		}
		out = append(out, v)
	}
	return out
}

// rankingView is one ranking of the month (by handler, by unit). A long ranking shows its
// head and its tail (十佳服务明星 and 服务差评 are both read from it), not every row.
type rankingView struct {
	Title, Label, Formula string
	Head, Tail            []sla.RankEntry
	Total                 int
}

// rankingEnds is how many entries a long ranking shows at each end.
const rankingEnds = 10

func rankingViewOf(title string, r *sla.RankingResult) rankingView {
	v := rankingView{Title: title, Label: r.Label, Formula: r.Formula, Total: len(r.Entries), Head: r.Entries}
	if len(r.Entries) > 2*rankingEnds {
		v.Head, v.Tail = r.Entries[:rankingEnds], r.Entries[len(r.Entries)-rankingEnds:]
	}
	return v
}

// maxBoardPauses bounds the paused-cases table.
const maxBoardPauses = 200

// board answers GET /board?now=INSTANT&limit=N with the supervision board as HTML. It reads
// every case once (streaming, like GET /report) and keeps at most limit open cases in memory.
func (s *Server) board(w http.ResponseWriter, r *http.Request) {
	now, e := s.nowParam(r)
	if e != nil {
		writeJSON(w, http.StatusBadRequest, e)
		return
	}
	limit := DefaultBoardLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxBoardLimit {
			fail(w, http.StatusBadRequest, "limit", "limit %q is not a whole number from 1 to %d", v, MaxBoardLimit)
			return
		}
		limit = n
	}
	hist := s.holder.Current()
	latest := hist.Latest()
	loc := latest.Calendar().Location()
	now = now.In(loc)
	page := boardPage{Now: now, PolicyTitle: latest.Title(), Limit: limit, Levels: levelsOf(latest),
		PolicyRef: fmt.Sprintf("%s %s", latest.ID(), latest.Version())}

	// The week's analysis (trend of 8 weeks) and the month's ranking over the whole history:
	// each case judged by its own version, the ranking formula and the periods the latest
	// version's (the yardstick in force now). No top tables (Top empty): the board does not
	// show them, and each would be one more report per case.
	week, err := hist.NewAnalyzer(sla.AnalysisOptions{Kind: sla.PeriodWeek, Day: now, Now: now, Top: []string{}})
	if err != nil {
		s.fault(w, r, err)
		return
	}
	var months []*sla.Analyzer
	var monthBy []string
	if _, ok := latest.Ranking(); ok {
		for _, by := range []string{"handler", "unit"} {
			m, err := hist.NewAnalyzer(sla.AnalysisOptions{Kind: sla.PeriodMonth, Day: now, Now: now, Rank: by, Trend: 2, Top: []string{}})
			if err != nil {
				s.fault(w, r, err)
				return
			}
			months, monthBy = append(months, m), append(monthBy, by)
		}
	} else {
		page.NoRanking = true
	}

	var open []boardCase
	counts := map[[2]string]*[3]int{} // (unit, handler) → red, yellow, green of every open case
	var analysisErr error
	err = s.store.eachCase(r.Context(), func(sc storedCase) error {
		c := sc.Case
		if !c.Events[0].At.After(now) { // a case accepted after now is not on the board yet
			if err := week.Add(c); err != nil && analysisErr == nil {
				analysisErr = err
			}
			for _, m := range months {
				if err := m.Add(c); err != nil && analysisErr == nil {
					analysisErr = err
				}
			}
		} else {
			return nil
		}
		p, err := hist.Governing(c)
		if err != nil {
			page.Unjudged++
			return nil
		}
		st, err := p.StatusAt(c, now)
		if err != nil {
			page.Unjudged++
			return nil
		}
		if !st.Closed.IsZero() {
			return nil
		}
		bc := boardCaseOf(p, c, st)
		k := [2]string{bc.Unit, bc.Handler}
		if counts[k] == nil {
			counts[k] = &[3]int{}
		}
		counts[k][bc.Light]++
		page.Open++
		for _, op := range st.OpenPauses {
			if len(page.Paused) == maxBoardPauses {
				page.PausedCut = true
				break
			}
			page.Paused = append(page.Paused, boardPause{CaseID: c.ID, Unit: bc.Unit, Handler: bc.Handler,
				Pause: op.Pause, Reason: op.Reason, Kind: pauseKind(p, op), Since: op.Since})
		}
		open = append(open, bc)
		if len(open) >= 2*limit {
			open = mostUrgent(open, limit)
		}
		return nil
	})
	if err != nil {
		s.fault(w, r, err)
		return
	}
	if analysisErr != nil {
		if !errors.Is(analysisErr, sla.ErrInvalid) {
			s.fault(w, r, analysisErr)
			return
		}
		page.Problems = append(page.Problems, "部分案件无法按现行政策统计："+analysisErr.Error())
	}
	open = mostUrgent(open, limit)
	page.Shown, page.Cut = len(open), page.Open > len(open)
	page.Units, page.HiddenHandlers = groupBoard(open, counts)
	for _, n := range counts {
		page.Red, page.Yellow, page.Green = page.Red+n[red], page.Yellow+n[yellow], page.Green+n[green]
	}

	page.Week = week.Analysis()
	if n := len(page.Week.Trend); n > 0 {
		page.WeekRow = page.Week.Trend[n-1]
	}
	var svg bytes.Buffer
	if err := page.Week.WriteSVG(&svg); err != nil {
		s.fault(w, r, err)
		return
	}
	page.Chart = inlineSVG(svg.String())
	for i, m := range months {
		a := m.Analysis()
		page.Month = a
		if a.Ranking != nil {
			title := "按经办人"
			if monthBy[i] == "unit" {
				title = "按承办单位"
			}
			for i := range a.Ranking.Entries {
				if a.Ranking.Entries[i].Group == "(none)" {
					a.Ranking.Entries[i].Group = "（未转办）" // cases no unit holds: by unit, the report's "(none)"
				}
			}
			page.Ranking = append(page.Ranking, rankingViewOf(title, a.Ranking))
		}
	}

	var buf bytes.Buffer
	if err := boardTemplate.Execute(&buf, page); err != nil {
		s.fault(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The page holds case data: no shared cache keeps it, and it runs no script at all.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}

// inlineSVG makes the library's self-contained SVG document an element of the page: the XML
// declaration is dropped (it is not allowed inside HTML). WriteSVG escapes every text it
// writes and carries no script, which is why it may be trusted as HTML here.
func inlineSVG(doc string) template.HTML {
	if strings.HasPrefix(doc, "<?xml") {
		if i := strings.Index(doc, "?>"); i >= 0 {
			doc = strings.TrimLeft(doc[i+2:], "\r\n")
		}
	}
	return template.HTML(doc) // #nosec: generated by sla.Analysis.WriteSVG, every text escaped
}

// boardCaseOf builds the board's row of an open case.
func boardCaseOf(p *sla.Policy, c sla.Case, st sla.Status) boardCase {
	unit := c.Unit()
	if unit == "" {
		unit = c.Department
	}
	if unit == "" {
		unit = "（未分配单位）"
	}
	handler := c.Handler
	if handler == "" {
		handler = "（未指定经办人）"
	}
	l := lightOf(st)
	bc := boardCase{ID: c.ID, Unit: unit, Handler: handler, Tier: st.Tier, Light: l, LightClass: l.class(), LightLabel: l.label(),
		StateLabel: stateLabel(st.State), Levels: st.Supervision, Supervised: len(st.Supervised), due: st.JudgedDue}
	if bc.Tier == "" {
		bc.Tier = "未分类"
	} else if t, ok := p.Tier(st.Tier); ok && t.Label != "" {
		bc.Tier = st.Tier + " " + t.Label
	}
	for _, wc := range st.Warnings {
		if wc.ID == st.Warning {
			bc.Warning = wc.Label
		}
	}
	if !st.JudgedLastDay.IsZero() {
		bc.LastDay = st.JudgedLastDay.Format("2006-01-02")
	}
	bc.Left = leftText(st)
	return bc
}

// leftText says how much time is left, or how late the case is, as offices say it.
func leftText(st sla.Status) string {
	hours := st.RemainingDuration != 0 || st.OverdueDuration != 0
	switch {
	case st.State == sla.StateUnclassified:
		return "未分类，尚未计时"
	case st.Paused && st.Due.IsZero():
		return fmt.Sprintf("中止中（恢复后剩%d个工作日）", st.RemainingDays)
	case st.CycleLate && hours:
		return "已超期" + durationText(st.OverdueDuration)
	case st.CycleLate:
		return fmt.Sprintf("已超期%d个工作日", st.OverdueDays)
	case hours:
		return "剩余" + durationText(st.RemainingDuration)
	case st.RemainingDays == 0:
		return "今天是最后一个工作日"
	}
	return fmt.Sprintf("剩余%d个工作日", st.RemainingDays)
}

func durationText(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if h == 0 {
		return fmt.Sprintf("%d分钟", m)
	}
	return fmt.Sprintf("%d小时%d分钟", h, m)
}

func stateLabel(s sla.State) string {
	switch s {
	case sla.StateOnTrack:
		return "正常办理"
	case sla.StateWarning:
		return "已预警"
	case sla.StateOverdue:
		return "已超期"
	case sla.StatePaused:
		return "中止"
	case sla.StateUnclassified:
		return "未分类"
	}
	return string(s)
}

// pauseKind says what a pause's time counts as, by its reason code.
func pauseKind(p *sla.Policy, op sla.OpenPause) string {
	label := ""
	for _, rc := range p.Reasons() {
		if rc.Code == op.Code {
			label = rc.Label
		}
	}
	var kind string
	switch op.CountsAs {
	case sla.CountsApplicant:
		kind = "申请人原因，不计入时限并单独统计"
	case sla.CountsRestart:
		kind = "恢复后重新计时"
	default:
		kind = "不计入办理时限"
	}
	if label != "" {
		return label + "：" + kind
	}
	return kind
}

// mostUrgent keeps the n most urgent cases: red first, then yellow, then green; within a
// colour the earliest deadline first (a case without one last), then by id.
func mostUrgent(cs []boardCase, n int) []boardCase {
	slices.SortStableFunc(cs, func(a, b boardCase) int {
		if c := cmp.Compare(b.Light, a.Light); c != 0 {
			return c
		}
		if a.due.IsZero() != b.due.IsZero() {
			if a.due.IsZero() {
				return 1
			}
			return -1
		}
		if c := a.due.Compare(b.due); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(cs) > n {
		cs = cs[:n:n]
	}
	return cs
}

// groupBoard groups the listed cases by unit and handler (units and handlers with the most red
// first, then by name). The counts are those of every open case, listed or not; a handler none
// of whose cases is listed is left out of the table, and counted in hidden, so that the page
// stays bounded by the limit however many handlers there are.
func groupBoard(cs []boardCase, counts map[[2]string]*[3]int) (units []*boardUnit, hidden int) {
	byName := map[string]*boardUnit{}
	handlers := map[[2]string]*boardHandler{}
	for _, c := range cs {
		k := [2]string{c.Unit, c.Handler}
		h := handlers[k]
		if h == nil {
			n := counts[k]
			h = &boardHandler{Name: c.Handler, Red: n[red], Yellow: n[yellow], Green: n[green]}
			handlers[k] = h
			u := byName[c.Unit]
			if u == nil {
				u = &boardUnit{Name: c.Unit}
				byName[c.Unit] = u
			}
			u.Handlers = append(u.Handlers, h)
		}
		h.Cases = append(h.Cases, c)
	}
	for k, n := range counts {
		if u := byName[k[0]]; u != nil {
			u.Red, u.Yellow, u.Green = u.Red+n[red], u.Yellow+n[yellow], u.Green+n[green]
		}
		if handlers[k] == nil {
			hidden++
		}
	}
	order := func(aRed, aYellow int, aName string, bRed, bYellow int, bName string) int {
		if c := cmp.Compare(bRed, aRed); c != 0 {
			return c
		}
		if c := cmp.Compare(bYellow, aYellow); c != 0 {
			return c
		}
		return strings.Compare(aName, bName)
	}
	units = make([]*boardUnit, 0, len(byName))
	for _, u := range byName {
		slices.SortFunc(u.Handlers, func(a, b *boardHandler) int {
			return order(a.Red, a.Yellow, a.Name, b.Red, b.Yellow, b.Name)
		})
		units = append(units, u)
	}
	slices.SortFunc(units, func(a, b *boardUnit) int { return order(a.Red, a.Yellow, a.Name, b.Red, b.Yellow, b.Name) })
	return units, hidden
}
