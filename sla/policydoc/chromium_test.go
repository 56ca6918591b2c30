package policydoc

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

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
	const msg = "no Chromium on PATH (install it with `apt-get install -y chromium fonts-noto-cjk`, or set SHIXIAN_CHROMIUM): the HTML notice is not rendered in a browser"
	if os.Getenv("SHIXIAN_REQUIRE_CHROMIUM") == "1" {
		t.Fatal(msg + "; SHIXIAN_REQUIRE_CHROMIUM=1 makes that a failure")
	}
	t.Skip(msg)
	return ""
}

// headless runs the browser headless on the HTML file with extra flags, bounded in time.
func headless(t *testing.T, bin, page string, flags ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--user-data-dir=" + filepath.Join(t.TempDir(), "profile")}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+page)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Run(), "chromium: %s", out.String())
}

// TestChromiumPrintsTheNoticeOnA4 opens the HTML notice in a real browser and prints it to PDF
// as an office would: the file must load on its own (nothing fetched) and lay out on A4 pages.
// Set SHIXIAN_NOTICE_SCREENSHOT=path.png to also save a screenshot of its first screen (the
// README's picture is made so).
func TestChromiumPrintsTheNoticeOnA4(t *testing.T) {
	bin := browser(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "notice.html")
	require.NoError(t, os.WriteFile(page, HTML(loadTestPolicy(t)), 0o644))

	pdf := filepath.Join(dir, "notice.pdf")
	headless(t, bin, page, "--no-pdf-header-footer", "--print-to-pdf="+pdf)
	data, err := os.ReadFile(pdf)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(data, []byte("%PDF-")), "chromium wrote a PDF")
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(data, -1))
	require.GreaterOrEqual(t, pages, 1)
	require.LessOrEqual(t, pages, 3, "the notice of a six-rule policy fits on at most three A4 pages")
	// A4 is 595×842 points; Chromium writes each page's MediaBox.
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]`).FindAllSubmatch(data, -1)
	require.Len(t, boxes, pages, "every page has its MediaBox")
	for _, b := range boxes {
		w, err := strconv.ParseFloat(string(b[1]), 64)
		require.NoError(t, err)
		h, err := strconv.ParseFloat(string(b[2]), 64)
		require.NoError(t, err)
		require.InDelta(t, 595.28, w, 1, "A4 is 210 mm = 595.28 pt wide")
		require.InDelta(t, 841.89, h, 1, "and 297 mm = 841.89 pt high")
	}

	if shot := os.Getenv("SHIXIAN_NOTICE_SCREENSHOT"); shot != "" {
		p := sla.Default()
		if os.Getenv("SHIXIAN_NOTICE_POLICY") != "" {
			var err error
			p, err = sla.LoadPolicy(os.Getenv("SHIXIAN_NOTICE_POLICY"))
			require.NoError(t, err)
		}
		require.NoError(t, os.WriteFile(page, HTML(p), 0o644))
		headless(t, bin, page, "--hide-scrollbars", "--window-size=820,1160", "--screenshot="+shot)
	}
}
