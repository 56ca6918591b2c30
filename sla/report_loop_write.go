package sla

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// writeMDLoop writes "## 闭环 Closed loop": the report-wide closed-loop figures (Report.Loop),
// which are not per group and so have no column in the group table.
func writeMDLoop(b *strings.Builder, l LoopCounts) {
	b.WriteString("\n## 闭环 Closed loop\n\n")
	fmt.Fprintf(b, "- 督办件数 Supervised cases (督办、催办 recorded): %d\n", l.Supervised)
	fmt.Fprintf(b, "- 申请人原因暂停件数 Cases paused for the applicant: %d\n\n", l.ApplicantPaused)
	if len(l.Levels) == 0 {
		b.WriteString("督办级别 Supervision levels: 政策未设定 none declared.\n\n")
	} else {
		b.WriteString("| 督办级别 supervision level | 件数 cases |\n| --- | ---: |\n")
		for _, lv := range l.Levels {
			fmt.Fprintf(b, "| %s | %d |\n", mdCell(levelName(lv)), lv.Cases)
		}
		b.WriteString("\n")
	}
	if len(l.Returns) == 0 {
		b.WriteString("退回 Returns: 无 none.\n\n")
	} else {
		b.WriteString("| 退回单位 returning unit | 退回次数 returns |\n| --- | ---: |\n")
		for _, u := range l.Returns {
			fmt.Fprintf(b, "| %s | %d |\n", mdCell(u.Unit), u.Count)
		}
		b.WriteString("\n")
	}
	b.WriteString("| 回访评价 rating | 件数 cases |\n| --- | ---: |\n")
	for _, g := range l.Ratings {
		fmt.Fprintf(b, "| %s | %d |\n", mdCell(g.Grade), g.Cases)
	}
}

// levelName is a level as people read it: its label and its id ("督办 (supervise)").
func levelName(l LevelCount) string {
	switch {
	case l.Label == "" || l.Label == l.ID:
		return l.ID
	}
	return l.Label + " (" + l.ID + ")"
}

// loopCSVHeader is the contract of WriteLoopCSV's first line.
var loopCSVHeader = []string{"section", "key", "label", "count"}

// WriteLoopCSV writes the report-wide closed-loop figures (Report.Loop) as RFC 4180 CSV with
// the header
//
//	section,key,label,count
//
// and the rows, in this order: "supervised" (count: cases with a supervised event),
// "applicant_paused" (cases with an applicant-caused pause), one "level" row per supervision
// level of the policy (key its id, label its label, count the cases that reached it), one
// "returns" row per returning unit (key the unit; most returns first) and one "rating" row per
// grade of the rating scale (key the grade). key and label are empty where they do not apply.
// Text cells a spreadsheet would run as a formula are quoted as in WriteCSV. The per-group
// counts are the returned, supervised and supervision_reached columns of WriteCSV.
func (r Report) WriteLoopCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	l := r.Loop
	rows := [][]string{
		loopCSVHeader,
		{"supervised", "", "", strconv.Itoa(l.Supervised)},
		{"applicant_paused", "", "", strconv.Itoa(l.ApplicantPaused)},
	}
	for _, lv := range l.Levels {
		rows = append(rows, []string{"level", csvText(lv.ID), csvText(lv.Label), strconv.Itoa(lv.Cases)})
	}
	for _, u := range l.Returns {
		rows = append(rows, []string{"returns", csvText(u.Unit), "", strconv.Itoa(u.Count)})
	}
	for _, g := range l.Ratings {
		rows = append(rows, []string{"rating", csvText(g.Grade), "", strconv.Itoa(g.Cases)})
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}
