package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

// defaultScore is the ranking formula the default policy declares.
const defaultScore = "score: on_time_rate * 70 + satisfaction_rate * 30 - supervised * 5 - overdue_workdays"

// boardNow is the board's instant in the tests: Monday 2025-10-13 09:00, Beijing time.
const boardNow = "2025-10-13T09:00:00%2B08:00"

// boardCases fills a portal (the default policy with a ranking formula) with cases that put
// each colour, a supervision level, a coded pause and a week's verdict on the board:
//   - A-1 (劳动监察科, 王芳), T1 accepted Thursday 10-09: last day Friday 10-10, overdue since
//     10-11 (a makeup working day) → 2 working days late, red, 催办 (orange warning) and 督办
//     (overdue) reached;
//   - A-2 (王芳), T3 accepted 10-09 and transferred to 劳动监察大队, which holds it: last day
//     10-13, the last_day warning crossed at 00:00, the 80% one not yet (09:36) → yellow;
//   - A-3 (社保科, 李强), T10 accepted 10-09 → green, 7 working days left;
//   - A-4 (社保科, 李强), T10 paused 10-10 because the applicant cannot be reached (a code);
//   - A-5 (劳动监察科, 王芳), T3 accepted and closed Monday 08:00/08:30 → this week 1 of 1 on
//     time;
//   - X-1, handled by someone whose name is markup, to show that every text is escaped.
func boardCases(t *testing.T) *env {
	ranked := policyYAML(t, defaultScore, "score: on_time_rate * 100 - overdue_workdays")
	e := newEnv(t, tempDB(t), parsePolicy(t, ranked))
	e.createFor("A-1", "2025-10-09T09:00:00+08:00", "incomplete_materials", "劳动监察科", "王芳")
	e.createFor("A-2", "2025-10-09T09:00:00+08:00", "complex", "劳动监察科", "王芳")
	e.mustEvent("A-2", map[string]any{"type": "transferred", "at": "2025-10-09T10:00:00+08:00", "unit": "劳动监察大队"})
	e.createFor("A-3", "2025-10-09T09:00:00+08:00", "historical_legacy", "社保科", "李强")
	e.createFor("A-4", "2025-10-09T09:00:00+08:00", "historical_legacy", "社保科", "李强")
	e.mustEvent("A-4", map[string]any{"type": "paused", "at": "2025-10-10T10:00:00+08:00", "reason": "applicant_unreachable", "pause": "联系申请人"})
	e.createFor("A-5", "2025-10-13T08:00:00+08:00", "complex", "劳动监察科", "王芳")
	e.mustEvent("A-5", map[string]any{"type": "closed", "at": "2025-10-13T08:30:00+08:00"})
	e.createFor("X-1", "2025-10-09T09:00:00+08:00", "historical_legacy", "<b>单位</b>", "<script>alert(1)</script>")
	return e
}

// TestBoardServesEscapedHTML: the board is HTML of its own, behind the supervisor roles,
// escaped, bounded by `limit`, with headers that forbid scripts and caching.
func TestBoardServesEscapedHTML(t *testing.T) {
	e := boardCases(t)
	tests := []struct {
		name     string
		token    string
		query    string
		code     int
		contains []string
		absent   []string
	}{
		{"without a token it is 401", "", "", http.StatusUnauthorized, nil, nil},
		{"a clerk may not look at the board", clerkToken, "", http.StatusForbidden, nil, nil},
		{"a supervisor sees every open case, its light and its levels", supervisorToken, "?now=" + boardNow, http.StatusOK,
			[]string{"督办看板", "在办 5 件", "红灯 1 件", "黄灯 1 件", "绿灯 3 件", `data-case="A-1" data-light="red"`, `data-case="A-2" data-light="yellow"`,
				`data-case="A-3" data-light="green"`, "催办（科室负责人）", "督办（科室负责人）", "已超期2个工作日", "今天是最后一个工作日", "剩余7个工作日",
				"联系申请人", "applicant_unreachable", "联系不上申请人：申请人原因，不计入时限并单独统计", "按期办结率 100.0%", "<svg", "综合得分 = ",
				"on_time_rate * 100 - overdue_workdays", "颜色规则",
				"承办单位：劳动监察大队", "<td>劳动监察大队</td>", "（未转办）",
				"统计口径：按受理日归入各周", "(按受理日统计)", "催办（科室负责人，触发预警“橙灯预警（已用时限80%）”时）"},
			[]string{"<?xml", "A-5", "<script>alert", "<b>单位</b>", `id="cut"`}},
		{"markup in a handler's or unit's name is shown as text", adminToken, "?now=" + boardNow, http.StatusOK,
			[]string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;单位&lt;/b&gt;"}, nil},
		{"limit cuts the list to the most urgent and says so; the counts stay whole", supervisorToken, "?now=" + boardNow + "&limit=2", http.StatusOK,
			[]string{`id="cut"`, "只列出最紧急的 2 件（共 5 件在办", `data-case="A-1"`, `data-case="A-2"`, "绿灯 3 件", "另有 2 名经办人的案件均未列出"},
			[]string{`data-case="A-3"`, "承办单位：社保科"}},
		{"a limit out of range is refused", supervisorToken, "?limit=0", http.StatusBadRequest, []string{`"field":"limit"`}, nil},
		{"a limit past the maximum is refused", supervisorToken, "?limit=2001", http.StatusBadRequest, []string{`"field":"limit"`}, nil},
		{"a bad now is refused", supervisorToken, "?now=monday", http.StatusBadRequest, []string{`"field":"now"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := e.as(tt.token).call("GET", "/board"+tt.query, nil, "")
			require.Equal(t, tt.code, code, "%s", body)
			for _, s := range tt.contains {
				assert.Contains(t, string(body), s)
			}
			for _, s := range tt.absent {
				assert.NotContains(t, string(body), s)
			}
		})
	}

	req, err := http.NewRequest("GET", e.http.URL+"/board?now="+boardNow, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+supervisorToken)
	resp, err := e.http.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'", "the page runs no script and loads nothing")
}

// TestBoardWithoutRanking: a policy that declares no ranking formula gets no ranking, and the
// page says why; an empty portal says it has no open case.
func TestBoardWithoutRanking(t *testing.T) {
	unranked := policyYAML(t, "\nranking:\n  label: 综合得分\n  "+defaultScore+"\n", "\n")
	e := newEnv(t, tempDB(t), parsePolicy(t, unranked))
	code, body := e.as(supervisorToken).call("GET", "/board?now="+boardNow, nil, "")
	require.Equal(t, http.StatusOK, code, "%s", body)
	assert.Contains(t, string(body), "本政策未声明排名公式")
	assert.Contains(t, string(body), "当前没有在办案件")
	assert.Contains(t, string(body), "当前没有中止的案件")
}

// browser finds a Chromium to render with: $SHIXIAN_CHROMIUM, else chromium, chromium-browser,
// google-chrome or headless_shell on PATH. Without one the test is skipped, or fails when
// SHIXIAN_REQUIRE_CHROMIUM=1 (CI sets it, so that the browser check cannot silently vanish).
func browser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SHIXIAN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "no Chromium on PATH (install it with `apt-get install -y chromium fonts-noto-cjk`, or set SHIXIAN_CHROMIUM): the supervision board is not rendered in a browser"
	if os.Getenv("SHIXIAN_REQUIRE_CHROMIUM") == "1" {
		t.Fatal(msg + "; SHIXIAN_REQUIRE_CHROMIUM=1 makes that a failure")
	}
	t.Skip(msg)
	return ""
}

// headless runs the browser headless on a URL with extra flags, bounded in time, and returns
// what it printed on stdout.
func headless(t *testing.T, bin, page string, flags ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--user-data-dir=" + filepath.Join(t.TempDir(), "profile")}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, page)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	require.NoError(t, cmd.Run(), "chromium: %s", errOut.String())
	return out.String()
}

// TestBoardInChromium loads the board in a real browser, through a local reverse proxy that
// adds the supervisor's bearer token (a browser sends no such header on its own, and a token
// never goes in a URL), and checks the DOM the browser built: units, handlers, colours, level
// labels, the paused case's reason, the week's rate, the chart and the ranking formula. It
// also takes a screenshot; SHIXIAN_BOARD_SCREENSHOT=path.png keeps it (the README's picture,
// docs/board.png, is made so).
func TestBoardInChromium(t *testing.T) {
	bin := browser(t)
	e := boardCases(t)
	target, err := url.Parse(e.http.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	direct := proxy.Director
	proxy.Director = func(r *http.Request) {
		direct(r)
		r.Header.Set("Authorization", "Bearer "+supervisorToken)
	}
	front := httptest.NewServer(proxy)
	defer front.Close()
	page := front.URL + "/board?now=" + boardNow

	dom := headless(t, bin, page, "--dump-dom")
	require.Contains(t, dom, "<h1>督办看板</h1>", "the browser rendered the board, not an error: %.400s", dom)
	for _, want := range []string{
		"承办单位：劳动监察科", "承办单位：劳动监察大队", "承办单位：社保科", "王芳", "李强",
		`data-case="A-1" data-light="red"`, `data-case="A-2" data-light="yellow"`, `data-case="A-3" data-light="green"`,
		"催办（科室负责人）", "督办（科室负责人）", "已超期2个工作日", "今天是最后一个工作日",
		"联系不上申请人：申请人原因，不计入时限并单独统计",
		"按期办结率 100.0%", "<svg", "按期办结率 On-time rate", "on_time_rate * 100 - overdue_workdays",
		"&lt;script&gt;alert(1)&lt;/script&gt;",
	} {
		assert.Contains(t, dom, want)
	}
	assert.NotContains(t, dom, "<script>", "no script in the page, the hostile handler name included")

	shot := os.Getenv("SHIXIAN_BOARD_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "board.png")
	}
	headless(t, bin, page, "--hide-scrollbars", "--window-size=1100,1800", "--screenshot="+shot)
	png, err := os.ReadFile(shot)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")), "chromium wrote a PNG")
}

// TestBoardCaseLimitKeepsTheMostUrgent: the bounded selection keeps red before yellow before
// green and, within a colour, the earliest deadline; a case without a deadline goes last.
func TestBoardCaseLimitKeepsTheMostUrgent(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 10, d, 0, 0, 0, 0, time.UTC) }
	cs := []boardCase{
		{ID: "g-late", Light: green, due: day(20)}, {ID: "g-none", Light: green}, {ID: "y", Light: yellow, due: day(30)},
		{ID: "r-2", Light: red, due: day(12)}, {ID: "g-early", Light: green, due: day(14)}, {ID: "r-1", Light: red, due: day(11)},
	}
	var ids []string
	for _, c := range mostUrgent(cs, 5) {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []string{"r-1", "r-2", "y", "g-early", "g-late"}, ids)
}

// TestBoardRankingShowsBothEnds: a ranking of 25 handlers shows the first ten (十佳服务明星) and
// the last ten (服务差评) with the total; one of 20 shows every row.
func TestBoardRankingShowsBothEnds(t *testing.T) {
	tests := []struct {
		name             string
		n                int
		head, tail       int
		firstTail, total int
	}{
		{"25 entries: the ends only", 25, 10, 10, 16, 25},
		{"20 entries: all of them", 20, 20, 0, 0, 20},
		{"no entry: none", 0, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &sla.RankingResult{Label: "综合得分", Formula: "on_time_rate"}
			for i := range tt.n {
				r.Entries = append(r.Entries, sla.RankEntry{Rank: i + 1, Group: fmt.Sprint("h", i+1)})
			}
			v := rankingViewOf("按经办人", r)
			assert.Len(t, v.Head, tt.head)
			assert.Len(t, v.Tail, tt.tail)
			assert.Equal(t, tt.total, v.Total)
			if tt.tail > 0 {
				assert.Equal(t, tt.firstTail, v.Tail[0].Rank)
			}
		})
	}
}
