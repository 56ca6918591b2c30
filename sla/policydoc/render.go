package policydoc

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla"
)

var cst = calendar.CST()

// Format is an output format of the notice.
type Format uint8

// The formats of the notice.
const (
	FormatMarkdown Format = iota + 1 // Markdown (CommonMark with pipe tables)
	FormatHTML                       // one self-contained HTML file for print on A4
)

// ParseFormat parses "md" (or "markdown") and "html".
func ParseFormat(s string) (Format, error) {
	switch s {
	case "md", "markdown":
		return FormatMarkdown, nil
	case "html":
		return FormatHTML, nil
	}
	return 0, fmt.Errorf("unknown format %q (want md or html)", s)
}

// Render renders the notice of p in format f.
func Render(p *sla.Policy, f Format) ([]byte, error) {
	switch f {
	case FormatMarkdown:
		return Markdown(p), nil
	case FormatHTML:
		return HTML(p), nil
	}
	return nil, fmt.Errorf("policydoc: unknown format %d", f)
}

// Markdown renders the notice of p as Markdown.
func Markdown(p *sla.Policy) []byte { return New(p).Markdown() }

// HTML renders the notice of p as one self-contained HTML file.
func HTML(p *sla.Policy) []byte { return New(p).HTML() }

// mdReplacer escapes the characters Markdown would read as markup, so that a label or a
// reason is shown as written. Newlines become spaces: every text sits on one line.
var mdReplacer = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`,
	"|", `\|`, "#", `\#`, "\r\n", " ", "\n", " ", "\r", " ",
)

func md(s string) string { return mdReplacer.Replace(s) }

// mdCode renders s as a code span that no backtick in s can end.
func mdCode(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + " " + s + " " + fence
}

// Markdown renders the document as Markdown.
func (d *Document) Markdown() []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# %s\n\n", md(d.Title))
	w("版本：%s　%s\n\n", md(d.Version), md(d.Effective))
	if len(d.Basis) > 0 {
		w("## 一、依据\n\n")
		for _, s := range d.Basis {
			w("- %s\n", md(s))
		}
		w("\n")
	}
	if d.describesTiers() {
		w("## 二、办理时限分类\n\n| 类别 | 办理时限 | 适用情形 |\n| --- | --- | --- |\n")
		for _, t := range d.Tiers {
			w("| %s | %s | %s |\n", md(t.Name), md(t.Limit), md(t.Description))
		}
	} else {
		w("## 二、办理时限分类\n\n| 类别 | 办理时限 |\n| --- | --- |\n")
		for _, t := range d.Tiers {
			w("| %s | %s |\n", md(t.Name), md(t.Limit))
		}
	}
	w("\n## 三、分类规则\n\n%s\n\n", md(d.RulesIntro))
	for i, r := range d.Rules {
		w("%d. %s\n", i+1, d.mdRule(r))
	}
	w("%d. %s\n\n", len(d.Rules)+1, d.mdRule(d.Default))
	for i, sec := range d.sections() {
		w("## %s、%s\n\n", numerals[i], sec.title)
		for _, s := range sec.items {
			w("- %s\n", md(s))
		}
		w("\n")
	}
	w("---\n\n%s\n", md(d.Source))
	return b.Bytes()
}

// numerals number the sections after the rules (三、分类规则).
var numerals = [...]string{"四", "五", "六", "七", "八", "九"}

type docSection struct {
	title string
	items []string
}

// sections are the sections after the rules that have something to say, in reading order:
// how days are counted, the warnings, who supervises when, extensions, the steps' deadlines
// and the follow-up visit. They are numbered in turn, so a section a policy does not need
// leaves no gap in the numbering.
func (d *Document) sections() []docSection {
	all := []docSection{
		{"期限计算", d.Counting},
		{"预警", d.Warnings},
		{"督办", d.Supervision},
		{"延期", d.Extensions},
		{"办理环节时限", d.Targets},
		{"回访", d.FollowUp},
	}
	out := all[:0]
	for _, s := range all {
		if len(s.items) > 0 {
			out = append(out, s)
		}
	}
	return out
}

func (d *Document) mdRule(r RuleItem) string {
	var s string
	if r.Quoted {
		s = "符合条件 " + mdCode(r.Condition) + " 的，" + md(r.Outcome) + "。"
	} else {
		s = md(r.Sentence)
	}
	if r.Label != "" {
		s = "**" + md(r.Label) + "**：" + s
	}
	if r.Reason != "" {
		s += "（" + md(r.Reason) + "）"
	}
	if r.Basis != "" {
		s += "依据：" + md(r.Basis) + "。"
	}
	return s
}

// css lays the notice out as a printed government notice: A4, 2.5 cm margins, a serif CJK
// face the reader's system has (nothing is fetched), the title centred.
const css = `@page { size: A4; margin: 25mm 22mm 22mm 22mm; }
* { box-sizing: border-box; }
html { font-size: 12pt; }
body { margin: 0 auto; max-width: 170mm; padding: 12mm 0; color: #111; background: #fff;
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", "STSong", serif;
  line-height: 1.75; }
h1 { font-size: 20pt; text-align: center; margin: 0 0 4mm; line-height: 1.4; }
.meta { text-align: center; color: #333; margin: 0 0 8mm; }
h2 { font-size: 14pt; margin: 7mm 0 2mm; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimHei", sans-serif; }
p, li { text-align: justify; }
ol, ul { margin: 0; padding-left: 2em; }
li { margin: 1mm 0; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0; }
th, td { border: 0.4pt solid #444; padding: 1.5mm 2.5mm; text-align: left; vertical-align: top; }
th { background: #eee; }
td.limit { white-space: nowrap; }
col.name { width: 26%; }
col.limit { width: 16%; }
code { font-family: "Noto Sans Mono CJK SC", "Courier New", monospace; font-size: 10.5pt; background: #f3f3f3; padding: 0 1mm; }
.reason { color: #444; }
footer { margin-top: 10mm; padding-top: 3mm; border-top: 0.4pt solid #999; font-size: 9pt; color: #555; }
h2, tr, li { break-inside: avoid; page-break-inside: avoid; }
h2 { break-after: avoid; page-break-after: avoid; }
@media print { body { padding: 0; max-width: none; } }
`

func esc(s string) string { return html.EscapeString(s) }

// describesTiers reports whether any tier has a description: without one the table has no
// third column to leave empty.
func (d *Document) describesTiers() bool {
	for _, t := range d.Tiers {
		if t.Description != "" {
			return true
		}
	}
	return false
}

// HTML renders the document as one self-contained HTML file.
func (d *Document) HTML() []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
	w("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	w("<title>%s</title>\n<style>\n%s</style>\n</head>\n<body>\n", esc(d.Title), css)
	w("<h1>%s</h1>\n<p class=\"meta\">版本：%s　%s</p>\n", esc(d.Title), esc(d.Version), esc(d.Effective))
	if len(d.Basis) > 0 {
		w("<h2>一、依据</h2>\n<ul>\n")
		for _, s := range d.Basis {
			w("<li>%s</li>\n", esc(s))
		}
		w("</ul>\n")
	}
	if d.describesTiers() {
		w("<h2>二、办理时限分类</h2>\n<table>\n<colgroup><col class=\"name\"><col class=\"limit\"><col></colgroup>\n")
		w("<thead><tr><th>类别</th><th>办理时限</th><th>适用情形</th></tr></thead>\n<tbody>\n")
		for _, t := range d.Tiers {
			w("<tr><td>%s</td><td class=\"limit\">%s</td><td>%s</td></tr>\n", esc(t.Name), esc(t.Limit), esc(t.Description))
		}
	} else {
		w("<h2>二、办理时限分类</h2>\n<table>\n<colgroup><col class=\"name\"><col class=\"limit\"></colgroup>\n")
		w("<thead><tr><th>类别</th><th>办理时限</th></tr></thead>\n<tbody>\n")
		for _, t := range d.Tiers {
			w("<tr><td>%s</td><td class=\"limit\">%s</td></tr>\n", esc(t.Name), esc(t.Limit))
		}
	}
	w("</tbody>\n</table>\n")
	w("<h2>三、分类规则</h2>\n<p>%s</p>\n<ol>\n", esc(d.RulesIntro))
	for _, r := range d.Rules {
		w("<li>%s</li>\n", htmlRule(r))
	}
	w("<li>%s</li>\n</ol>\n", htmlRule(d.Default))
	for i, sec := range d.sections() {
		w("<h2>%s、%s</h2>\n<ul>\n", numerals[i], esc(sec.title))
		for _, s := range sec.items {
			w("<li>%s</li>\n", esc(s))
		}
		w("</ul>\n")
	}
	w("<footer>%s</footer>\n</body>\n</html>\n", esc(d.Source))
	return b.Bytes()
}

func htmlRule(r RuleItem) string {
	var s string
	if r.Quoted {
		s = "符合条件 <code>" + esc(r.Condition) + "</code> 的，" + esc(r.Outcome) + "。"
	} else {
		s = esc(r.Sentence)
	}
	if r.Label != "" {
		s = "<strong>" + esc(r.Label) + "</strong>：" + s
	}
	if r.Reason != "" {
		s += "<span class=\"reason\">（" + esc(r.Reason) + "）</span>"
	}
	if r.Basis != "" {
		s += "依据：" + esc(r.Basis) + "。"
	}
	return s
}
