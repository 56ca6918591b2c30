package sla

import (
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// periodWords names a period kind for people.
func periodWords(k PeriodKind) (zh, en string) {
	if k == PeriodMonth {
		return "月度调度", "Monthly dispatch"
	}
	return "周分析", "Weekly analysis"
}

// WriteMarkdown writes the analysis for people: the period and its 统计口径, the period beside
// the previous one with the change, the period's rows and closed loop, the top causes and categories with
// their late share, the trend of the on-time rate, the ranking with its formula when asked,
// and the overdue list.
func (a Analysis) WriteMarkdown(w io.Writer) error {
	loc := a.Period.From.Location()
	cur, prev := a.Current, a.Before
	zh, en := periodWords(a.Period.Kind)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s %s (%s – %s)\n\n", zh, en, a.Period.Name, a.Period.From.Format(time.DateOnly), a.Period.To.Format(time.DateOnly))
	fmt.Fprintf(&b, "- 截至 As of: %s\n", cur.Options.Now.In(loc).Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "- 统计口径 Basis: %s\n", mdCell(a.Basis))
	fmt.Fprintf(&b, "- 政策 Policy: %s %s; 日历 Calendar: %s %s\n\n",
		mdCell(cur.PolicyID), mdCell(cur.PolicyVersion), mdCell(cur.Calendar), mdCell(cur.CalendarVersion))

	fmt.Fprintf(&b, "## 本期与上期 This period and the previous\n\n")
	fmt.Fprintf(&b, "| 指标 metric | 本期 %s | 上期 %s | 变化 change |\n| --- | ---: | ---: | ---: |\n", a.Period.Name, a.Previous.Name)
	c, p := cur.Total, prev.Total
	count := func(label string, x, y int) {
		fmt.Fprintf(&b, "| %s | %d | %d | %+d |\n", label, x, y, x-y)
	}
	rate := func(label string, x, y float64, okx, oky bool) {
		change := dash
		if okx && oky {
			change = strconv.FormatFloat(100*(x-y), 'f', 1, 64) + " pt"
			if x >= y {
				change = "+" + change
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", label, percentOrDash(x, okx), percentOrDash(y, oky), change)
	}
	count("件数 cases", c.Accepted, p.Accepted)
	count("按期办结 closed on time", c.ClosedOnTime, p.ClosedOnTime)
	count("超期办结 closed late", c.ClosedLate, p.ClosedLate)
	count("在办 open", c.Open, p.Open)
	count("在办超期 open overdue", c.OpenOverdue, p.OpenOverdue)
	rate("按期办结率 on-time rate", c.OnTimeRate, p.OnTimeRate, c.Rated > 0, p.Rated > 0)
	rate("满意率 satisfaction", c.SatisfactionRate, p.SatisfactionRate, c.Visited > 0, p.Visited > 0)
	count("重新办理 reopened", c.Reopened, p.Reopened)
	count("退回 returned", c.Returned, p.Returned)
	count("督办 supervised", c.Supervised, p.Supervised)
	count("达督办级别 supervision reached", c.SupervisionReached, p.SupervisionReached)
	fmt.Fprintf(&b, "| 平均办结工作日 avg days to close | %s | %s | |\n\n",
		dashIfEmpty(fixedOrEmpty(c.AvgWorkdaysToClose, 2, c.Closed() > 0)), dashIfEmpty(fixedOrEmpty(p.AvgWorkdaysToClose, 2, p.Closed() > 0)))

	fmt.Fprintf(&b, "## 分组 By %s (本期 this period)\n\n", mdCell(cur.Options.GroupBy))
	writeMDTable(&b, cur.Rows, cur.Total)
	writeMDLoop(&b, cur.Loop)

	b.WriteString("\n## 问题排行 Top causes and categories (举一反三)\n")
	for _, t := range a.Top {
		fmt.Fprintf(&b, "\n### %s\n\n", mdCell(t.By))
		if len(t.Entries) == 0 {
			b.WriteString("无 None.\n")
			continue
		}
		b.WriteString("| 值 value | 件数 cases | 超期 late | 超期占比 late share | 上期件数 previous |\n| --- | ---: | ---: | ---: | ---: |\n")
		for _, e := range t.Entries {
			fmt.Fprintf(&b, "| %s | %d | %d | %s | %d |\n", mdCell(e.Value), e.Cases, e.Late, percentOrDash(e.LateShare, e.Cases > 0), e.Previous)
		}
		if t.Others > 0 {
			fmt.Fprintf(&b, "\n其他 Others: %d\n", t.Others)
		}
	}

	b.WriteString("\n## 趋势 On-time rate trend\n\n| 期 period | 有结论件数 rated | 按期办结 on time | 按期办结率 on-time rate |\n| --- | ---: | ---: | ---: |\n")
	for _, t := range a.Trend {
		fmt.Fprintf(&b, "| %s | %d | %d | %s |\n", t.Period.Name, t.Rated, t.ClosedOnTime, percentOrDash(t.OnTimeRate, t.Rated > 0))
	}

	if k := a.Ranking; k != nil {
		fmt.Fprintf(&b, "\n## 排名 Ranking by %s: %s\n\n", mdCell(k.By), mdCell(k.Label))
		fmt.Fprintf(&b, "得分公式 Score formula (policy `ranking.score`): `%s`\n\n", strings.ReplaceAll(mdCell(k.Formula), "`", "'"))
		b.WriteString("| 名次 rank | " + mdCell(k.By) + " | 得分 score | 件数 cases | 按期办结率 on-time | 超期工作日 overdue days | 满意率 satisfaction |\n| ---: | --- | ---: | ---: | ---: | ---: | ---: |\n")
		for _, e := range k.Entries {
			fmt.Fprintf(&b, "| %d | %s | %s | %d | %s | %d | %s |\n", e.Rank, mdCell(e.Group), scoreText(e.Score), e.Row.Accepted,
				percentOrDash(e.Row.OnTimeRate, e.Row.Rated > 0), e.Row.OverdueWorkdays, percentOrDash(e.Row.SatisfactionRate, e.Row.Visited > 0))
		}
	}

	b.WriteString("\n## 超期清单 Overdue (本期 this period)\n\n")
	writeMDOverdue(&b, cur, loc)
	_, err := io.WriteString(w, b.String())
	return err
}

// scoreText renders a score with 2 decimals, "—" when it is not a number.
func scoreText(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return dash
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// analysisCSVHeader is the contract of Analysis.WriteCSV's first line.
var analysisCSVHeader = []string{"section", "period", "key", "value", "cases", "closed_on_time", "closed_late", "open",
	"open_overdue", "on_time_rate", "late", "late_share", "satisfaction_rate", "rank", "score",
	"returned", "supervised", "supervision_reached"}

// WriteCSV writes the analysis as one RFC 4180 table with the header
//
//	section,period,key,value,cases,closed_on_time,closed_late,open,open_overdue,on_time_rate,late,late_share,satisfaction_rate,rank,score,returned,supervised,supervision_reached
//
// one row per figure set: section "total" (key "", value TOTAL) for the period and for the
// previous one (period names them), "group" (key the grouping, value the group), "top" (key
// the table's key, value the value; late and late_share filled), "trend" (one row per period)
// and, with a ranking, one "formula" row (key handler or unit, value "label = formula")
// followed by "rank" rows (rank and score filled). Rates are fractions with 4 decimals, empty
// when their denominator is 0; text cells a spreadsheet would run as a formula are quoted as in
// Report.WriteCSV. The closed loop's returned, supervised and supervision_reached
// (ReportRow.Returned, Supervised, SupervisionReached) came last and are empty in the formula
// row: columns are only ever appended, so readers may rely on the column order.
func (a Analysis) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(analysisCSVHeader); err != nil {
		return err
	}
	row := func(section, period, key, value string, r ReportRow, late string, share string, rank, score string) error {
		return cw.Write([]string{section, period, csvText(key), csvText(value), strconv.Itoa(r.Accepted), strconv.Itoa(r.ClosedOnTime),
			strconv.Itoa(r.ClosedLate), strconv.Itoa(r.Open), strconv.Itoa(r.OpenOverdue), fixedOrEmpty(r.OnTimeRate, 4, r.Rated > 0),
			late, share, fixedOrEmpty(r.SatisfactionRate, 4, r.Visited > 0), rank, score,
			strconv.Itoa(r.Returned), strconv.Itoa(r.Supervised), strconv.Itoa(r.SupervisionReached)})
	}
	if err := row("total", a.Period.Name, "", GroupTotal, a.Current.Total, "", "", "", ""); err != nil {
		return err
	}
	if err := row("total", a.Previous.Name, "", GroupTotal, a.Before.Total, "", "", "", ""); err != nil {
		return err
	}
	for _, r := range a.Current.Rows {
		if err := row("group", a.Period.Name, a.Current.Options.GroupBy, r.Group, r, "", "", "", ""); err != nil {
			return err
		}
	}
	for _, t := range a.Top {
		for _, e := range t.Entries {
			if err := row("top", a.Period.Name, t.By, e.Value, e.Row, strconv.Itoa(e.Late), fixedOrEmpty(e.LateShare, 4, e.Cases > 0), "", ""); err != nil {
				return err
			}
		}
	}
	for _, t := range a.Trend {
		if err := row("trend", t.Period.Name, "", GroupTotal, t.Row, "", "", "", ""); err != nil {
			return err
		}
	}
	if k := a.Ranking; k != nil {
		if err := cw.Write([]string{"formula", a.Period.Name, k.By, csvText(k.Label + " = " + k.Formula), "", "", "", "", "", "", "", "", "", "", "", "", "", ""}); err != nil {
			return err
		}
		for _, e := range k.Entries {
			score := ""
			if !math.IsNaN(e.Score) {
				score = strconv.FormatFloat(e.Score, 'f', 4, 64)
			}
			if err := row("rank", a.Period.Name, k.By, e.Group, e.Row, "", "", strconv.Itoa(e.Rank), score); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteSVG draws the trend of the on-time rate as a self-contained SVG line chart (no script,
// no external reference): one point per period, labelled with the period's name and the rate;
// a period without a verdict (no case rated) is a gap. It is plain SVG 1.1 that browsers and
// document tools show as is.
func (a Analysis) WriteSVG(w io.Writer) error {
	const (
		width, height          = 720, 340
		left, right, top, foot = 56, 48, 48, 84
	)
	n := len(a.Trend)
	plotW, plotH := float64(width-left-right), float64(height-top-foot)
	x := func(i int) float64 {
		if n <= 1 {
			return float64(left) + plotW/2
		}
		return float64(left) + plotW*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return float64(top) + plotH*(1-v) }
	var b strings.Builder
	zh, en := periodWords(a.Period.Kind)
	title := fmt.Sprintf("按期办结率 On-time rate — %s %s, %s", zh, en, a.Period.Name)
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">
<title>%s</title>
<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>
<text x="%d" y="24" font-size="15">%s</text>
`, width, height, width, height, html.EscapeString(title), width, height, left, html.EscapeString(title))
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#dddddd"/>
<text x="%d" y="%.1f" text-anchor="end">%d%%</text>
`, left, y(v), width-right, y(v), left-6, y(v)+4, int(v*100))
	}
	var path, dots strings.Builder
	pen := false
	for i, t := range a.Trend {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>
`, x(i), height-foot+18, html.EscapeString(t.Period.Name))
		if t.Rated == 0 {
			pen = false
			continue
		}
		cmd := "L"
		if !pen {
			cmd = "M"
		}
		fmt.Fprintf(&path, "%s%.1f %.1f ", cmd, x(i), y(t.OnTimeRate))
		pen = true
		fmt.Fprintf(&dots, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="#1f6feb"><title>%s: %s (%d/%d)</title></circle>
<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11">%s</text>
`, x(i), y(t.OnTimeRate), html.EscapeString(t.Period.Name), percentOrDash(t.OnTimeRate, true), t.ClosedOnTime, t.Rated,
			x(i), y(t.OnTimeRate)-8, percentOrDash(t.OnTimeRate, true))
	}
	if path.Len() > 0 {
		fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="#1f6feb" stroke-width="2"/>
`, strings.TrimSpace(path.String()))
	}
	b.WriteString(dots.String())
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#555555" font-size="11">%s</text>
<text x="%d" y="%d" fill="#555555" font-size="11">%s</text>
</svg>
`, left, height-30, html.EscapeString("按期办结率 = 按期办结 ÷ (办结 + 在办超期)；无结论的期不画点。"),
		left, height-14, html.EscapeString("On-time rate = closed on time ÷ (closed + open and late); a period without a verdict has no point."))
	_, err := io.WriteString(w, b.String())
	return err
}
