package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// newBrowser starts a headless Chromium for the test and returns its
// context. Chromium comes from Debian's package (make test and .ci/run
// install it); without it the test fails and says how to get it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("no Chromium found: install it with `apt-get install chromium` (make test does this)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1200, 900),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// screenshot saves the page as a PNG under the test's temp dir, or under
// $FIRSTLINE_SCREENSHOTS when set (to refresh the README's pictures), and
// returns its path.
func screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	// What the window shows, from the top: a full-page capture would draw
	// the sticky header in the middle of long pages.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0), true`)); err != nil {
		t.Fatalf("scroll up: %v", err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("FIRSTLINE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// evalString runs a JavaScript expression in the page and returns its value.
func evalString(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitText waits until the element matching sel contains want. It asks
// again every 100 ms rather than polling inside the page, so a navigation
// in between (a form post, a link) does not end the wait.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	expr := `(document.querySelector(` + jsString(sel) + `)||{}).textContent || ""`
	deadline := time.Now().Add(15 * time.Second)
	got := ""
	for time.Now().Before(deadline) {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err == nil && strings.Contains(v, want) {
			return
		}
		got = v
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never showed %q; it shows %q", sel, want, got)
}

// waitJS waits until a JavaScript expression is true in the page, asking
// again every 100 ms like waitText.
func waitJS(t *testing.T, ctx context.Context, expr, what string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Boolean(`+expr+`)`)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("never saw %s", what)
}

// waitButton waits until the chat page offers a button labelled label.
func waitButton(t *testing.T, ctx context.Context, label string) {
	t.Helper()
	waitJS(t, ctx, `Array.from(document.querySelectorAll(".buttons button")).some(function (b) { return b.textContent === `+jsString(label)+`; })`,
		"a button "+label)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "<", `\x3c`)
	return `"` + r.Replace(s) + `"`
}

func TestChatPageInBrowser(t *testing.T) {
	s := startServer(t, t.TempDir())
	ctx := newBrowser(t)

	send := func(text string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS("#text"), text),
			chromedp.Click(chromedp.CSS("#send")),
		); err != nil {
			t.Fatalf("send %q: %v", text, err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url), chromedp.WaitVisible(chromedp.CSS("#text"))); err != nil {
		t.Fatal(err)
	}
	send("забыл пароль от личного кабинета")
	waitText(t, ctx, "#log", "Забыли пароль?")
	waitButton(t, ctx, "Нет")

	// Pressing "No" on "did this help?" hands over to a person with a ticket number.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//div[@class="buttons"]/button[text()="Нет"]`))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#status", "FL-")
	waitText(t, ctx, "#log", "FL-")

	// Whatever the customer types is shown as text, never run as HTML.
	payload := `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`
	send(payload)
	waitText(t, ctx, "#log", "<script>")
	if n := evalString(t, ctx, `String(document.querySelectorAll("#log img, #log script").length)`); n != "0" {
		t.Errorf("%s elements were made from a customer message", n)
	}
	if title := evalString(t, ctx, `document.title`); title == "pwned" {
		t.Error("a customer message ran as script")
	}
	t.Logf("chat page screenshot: %s", screenshot(t, ctx, "chat"))
}

// TestChatPageClarifyInBrowser checks that a question the bot is unsure of
// shows on the chat page with its options and a person as buttons, that a
// click on an option answers it, and that a click on the person hands the
// customer over.
func TestChatPageClarifyInBrowser(t *testing.T) {
	s := startServer(t, t.TempDir())
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url), chromedp.WaitVisible(chromedp.CSS("#text"))); err != nil {
		t.Fatal(err)
	}
	ask := func() []string {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS("#text"), "деньги"),
			chromedp.Click(chromedp.CSS("#send")),
		); err != nil {
			t.Fatal(err)
		}
		waitButton(t, ctx, "Позвать оператора")
		labels := strings.Split(evalString(t, ctx,
			`Array.from(document.querySelectorAll(".buttons button")).map(function (b) { return b.textContent; }).join("|")`), "|")
		if len(labels) < 3 || len(labels) > 4 || labels[len(labels)-1] != "Позвать оператора" {
			t.Fatalf("buttons %q, want two or three options and a person", labels)
		}
		return labels
	}
	click := func(label string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//div[@class="buttons"]/button[text()=`+jsString(label)+`]`))); err != nil {
			t.Fatalf("click %q: %v", label, err)
		}
	}

	labels := ask()
	if want := "«" + labels[0] + "»"; !strings.Contains(evalString(t, ctx, `document.querySelector("#log").textContent`), want) {
		t.Errorf("the question does not name %s", want)
	}
	t.Logf("clarify screenshot: %s", screenshot(t, ctx, "chat-clarify"))
	click(labels[0])
	// «Платёж не зачислен» is answered, then "did this help?" is asked.
	waitText(t, ctx, "#log", "платёж зачисляется")
	waitButton(t, ctx, "Нет")

	ask()
	click("Позвать оператора")
	waitText(t, ctx, "#status", "FL-")
	waitText(t, ctx, "#log", "номер обращения FL-")
}
