package http

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const chromium = "/usr/bin/chromium"

// TestBrowser drives a real headless Chromium through the UI: search an
// alias from the home page, follow it to the group's dossier, and check the
// claims table and the SVG timeline. Screenshots go to t.TempDir(), or to
// $APTGRAPH_SCREENSHOTS when set, for people to look at.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the browser test needs Chromium at %s (apt-get install -y chromium): %v", chromium, err)
		}
		t.Skipf("no Chromium at %s (apt-get install -y chromium); set CI to make this a failure", chromium)
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	f := newFixture(t)
	srv := httptest.NewServer(NewHandler(f.store, Options{Public: true, Title: "aptgraph"}))
	t.Cleanup(srv.Close)

	shots := os.Getenv("APTGRAPH_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	read := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(bctx, a)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	shot := func(name string) []byte {
		t.Helper()
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		return png
	}
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconvQuote(sel)+`).length`))
		if err != nil {
			t.Fatalf("count %s: %v", sel, err)
		}
		return n
	}

	run("open the home page", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#home-q")))
	home := shot("home")
	run("type an alias", chromedp.SendKeys(chromedp.CSS("#home-q"), "Leviathan"))
	if _, err := chromedp.RunResponse(bctx, chromedp.Submit(chromedp.CSS("#home-q"))); err != nil {
		t.Fatalf("submit the search: %v", err)
	}
	if _, err := chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS("a.group-link"), chromedp.NodeVisible)); err != nil {
		t.Fatalf("follow to the group: %v", err)
	}
	run("wait for the timeline", chromedp.WaitVisible(chromedp.CSS("#timeline-svg")))
	url := read("location", chromedp.Location())
	groupTitle := read("title", chromedp.Text(chromedp.CSS("h1")))
	claims := read("claims", chromedp.Text(chromedp.CSS("table.claims")))
	circles, diamonds := count("#timeline-svg circle"), count("#timeline-svg .claim rect")
	group := shot("group")
	groupTop, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if !strings.HasSuffix(url, "/groups/APT40") {
		t.Errorf("followed the search to %s, want /groups/APT40", url)
	}
	if !strings.HasPrefix(groupTitle, "APT40") {
		t.Errorf("group page title: got %q, want APT40", groupTitle)
	}
	for _, want := range []string{"Government of Japan", "Kato Katsunobu", "85", "highly likely", "Government of China"} {
		if !strings.Contains(claims, want) {
			t.Errorf("claims table lacks %q:\n%s", want, claims)
		}
	}
	if circles == 0 || diamonds == 0 {
		t.Errorf("timeline: got %d report/targeting circles and %d claim diamonds, want some of each", circles, diamonds)
	}
	// A quote links to its report with the quote highlighted.
	if _, err := chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS("td.quotes a"), chromedp.NodeVisible)); err != nil {
		t.Fatalf("follow a quote: %v", err)
	}
	run("wait for the highlight", chromedp.WaitVisible(chromedp.CSS("mark.focus")))
	if focus := read("highlight", chromedp.Text(chromedp.CSS("mark.focus"))); focus == "" {
		t.Errorf("the quoted passage is not highlighted")
	}
	report := shot("report")
	for name, png := range map[string][]byte{"home.png": home, "group.png": group, "report.png": report, "group-top.png": groupTop} {
		if len(png) == 0 {
			t.Errorf("no screenshot %s", name)
			continue
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", shots)
}

func strconvQuote(s string) string { return strconv.Quote(s) }
