package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// sitePage is a company's page with the widget on it, an own button that
// opens the chat through the API before the script has loaded, and a
// counter of unread replies the page keeps through the API too.
const sitePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Step &amp; Style: shoes and clothes</title>
<style>
  body { margin: 0; font: 16px/1.5 Georgia, serif; color: #1f2937; background: #fffbf5; }
  .top { padding: 18px 32px; background: #1f2937; color: #fff; font: 700 22px/1 system-ui, sans-serif; }
  main { max-width: 760px; padding: 24px 32px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 16px; margin: 20px 0; }
  .grid div { height: 140px; border-radius: 10px; background: #e7e0d6; }
  button#own { font: inherit; padding: 8px 14px; border-radius: 8px; border: 1px solid #0f766e; background: #fff; color: #0f766e; }
</style>
</head>
<body>
<div class="top">Step &amp; Style</div>
<main>
<h1>New season sneakers</h1>
<p>Free delivery in Moscow on orders over 5000 ₽. Returns within 14 days.</p>
<div class="grid"><div></div><div></div><div></div><div></div><div></div><div></div></div>
<p><button id="own" type="button" onclick="Firstline('open')">Questions? Ask us</button> <span id="unread"></span></p>
</main>
<script>
window.Firstline = window.Firstline || function () { (Firstline.q = Firstline.q || []).push(arguments); };
Firstline("onUnread", function (n) { document.getElementById("unread").textContent = "unread: " + n; });
</script>
<script src="%swidget.js" data-color="#0f766e" data-lang="en" async></script>
</body>
</html>
`

// TestWidgetInBrowser puts the chat on a company's page served from
// another origin (and another site: localhost, while firstline answers
// at 127.0.0.1), allowed in webchat.allowed_origins, and uses it as a
// visitor does: opens it from the page's own button, asks, gets the
// bot's answer, asks for a person, closes it; an agent replies; the
// bubble counts the unread replies, also after the visitor moves to
// another page of the site, until the chat is opened again. Last, the
// admins' Web chat page shows the line to paste and the site allowed.
//
// With FIRSTLINE_SCREENSHOTS=DIR it saves widget.png (1280x800) and
// widget-phone.png (390x844) there: README shows them from
// bots/webchat/doc.
func TestWidgetInBrowser(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	siteURL := fmt.Sprintf("http://localhost:%d/", ln.Addr().(*net.TCPAddr).Port)
	siteOrigin := strings.TrimSuffix(siteURL, "/")
	config := filepath.Join(t.TempDir(), "firstline.yaml")
	if err := os.WriteFile(config, []byte("webchat:\n  allowed_origins: ["+siteOrigin+"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	s := startServer(t, data, "--config", config, "--intents", "testdata/shop")
	addUser(t, data, "olga", "agent", "correct horse battery")
	addUser(t, data, "root", "admin", "correct horse battery")

	site := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, sitePage, s.url)
	}), ReadHeaderTimeout: 10 * time.Second}
	go site.Serve(ln)
	t.Cleanup(func() { site.Close() })

	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	shadow := `document.getElementById("firstline-chat").shadowRoot`
	widgetJS := func(expr string) string {
		return evalString(t, ctx, "(function (root) { return String("+expr+"); })("+shadow+")")
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(siteURL)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `document.getElementById("firstline-chat") && getComputedStyle(document.getElementById("firstline-chat")).display !== "none"`,
		"the widget, once the chat loaded")
	if got := widgetJS(`root.querySelector(".title").textContent`); got != "Step & Style" {
		t.Errorf("the widget's title is %q, want the shop's brand", got)
	}
	if got := evalString(t, ctx, `document.getElementById("unread").textContent`); got != "unread: 0" {
		t.Errorf("a call queued before the script loaded was not run: %q", got)
	}

	// The page's own button opens the chat.
	click(t, ctx, "#own")
	waitJS(t, ctx, `Firstline.isOpen() && `+shadow+`.querySelector(".wrap.open")`, "the panel open")
	chat := frameContext(t, ctx, s.url)
	send := func(text string) {
		t.Helper()
		if err := chromedp.Do(chat,
			chromedp.SetValue(chromedp.CSS("#text"), text),
			chromedp.Click(chromedp.CSS("#send")),
		); err != nil {
			t.Fatalf("send %q: %v", text, err)
		}
	}
	// data-lang="en": the chat's own texts are English only.
	if got := evalString(t, chat, `document.getElementById("text").placeholder + " | " + document.getElementById("hint").textContent`); got != "Type a message… | Ask your question: the bot answers at once, and hands you to a person when needed." {
		t.Errorf("the English widget's own texts: %q", got)
	}
	send("how long does delivery take")
	waitText(t, chat, "#log", "In Moscow a courier brings your order")
	if got := evalString(t, chat, `document.getElementById("status").textContent`); got != "bot" {
		t.Errorf("the English widget's status: %q, want bot", got)
	}
	send("/human")
	waitText(t, chat, "#log", "FL-")
	number := regexp.MustCompile(`FL-\d+`).FindString(evalString(t, chat, `document.getElementById("log").textContent`))
	waitJS(t, ctx, shadow+`.querySelector(".status").textContent.indexOf("`+number+`") >= 0`, "the ticket in the widget's header")

	// Closed, the bubble counts what the agent says meanwhile: that
	// they joined, and their reply.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](shadow+`.querySelector(".bubble").click(), true`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `!Firstline.isOpen() && sessionStorage.getItem("firstline.open") === "0"`, "the panel closed")
	if got := widgetJS(`root.querySelector(".badge").hidden`); got != "true" {
		t.Errorf("a badge before any reply came")
	}
	agentReply(t, s, number, "Hello! Your parcel left our warehouse today.")
	waitJS(t, ctx, shadow+`.querySelector(".badge").textContent === "2" && !`+shadow+`.querySelector(".badge").hidden`, "2 unread on the bubble")
	waitText(t, ctx, "#unread", "unread: 2")

	// Another page of the site: the chat is the same, still closed, the
	// replies still unread.
	if err := chromedp.Do(ctx, chromedp.Navigate(siteURL+"sneakers")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `window.Firstline && Firstline.unread && Firstline.unread() === 2 && !Firstline.isOpen()`, "2 unread on the next page")
	waitJS(t, ctx, shadow+`.querySelector(".badge").textContent === "2"`, "the badge on the next page")

	// Opening reads them: the badge goes, and stays gone on the next page.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](shadow+`.querySelector(".bubble").click(), true`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `Firstline.isOpen() && Firstline.unread() === 0 && `+shadow+`.querySelector(".badge").hidden`, "the badge cleared")
	chat = frameContext(t, ctx, s.url)
	waitText(t, chat, "#log", "Your parcel left our warehouse today")
	waitText(t, chat, "#log", "how long does delivery take") // the conversation survived the page change

	// A picture from inside the widget reaches the agent's ticket page.
	shot := filepath.Join(t.TempDir(), "sole-crack.png")
	if err := os.WriteFile(shot, testPicture(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(chat, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{shot})); err != nil {
		t.Fatal(err)
	}
	waitJS(t, chat, `(document.querySelector("#log .msg.customer .file img.thumb") || {}).naturalWidth === 40`, "the picture in the widget's chat")
	olga := agentClient(t, s)
	if page := agentGet(t, olga, s.url+"panel/tickets/"+number); !strings.Contains(page, "sole-crack.png") {
		t.Errorf("the agent's ticket page does not show the customer's picture")
	}

	// The agent types in the panel; the customer sees it in the widget.
	resp, err := olga.Post(s.url+"panel/tickets/"+number+"/typing", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("olga's typing: %d", resp.StatusCode)
	}
	waitJS(t, chat, `!document.getElementById("typing").hidden && /olga/.test(document.getElementById("typing").textContent)`, "olga typing in the widget")
	screenshot(t, ctx, "widget")

	if err := chromedp.Do(ctx, chromedp.Navigate(siteURL)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `window.Firstline && Firstline.isOpen && Firstline.isOpen() && `+shadow+`.querySelector(".wrap.open")`, "the panel still open after navigating")
	chat = frameContext(t, ctx, s.url)
	waitText(t, chat, "#log", "Your parcel left our warehouse today")
	if got := evalString(t, ctx, `String(Firstline.unread())`); got != "0" {
		t.Errorf("%s unread after they were read", got)
	}

	// On a phone the open chat fills the screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, shadow+`.querySelector(".panel").getBoundingClientRect().width === 390`, "the panel across a phone's screen")
	screenshot(t, ctx, "widget-phone")

	// The admin's page shows the line to paste, naming this server, and
	// the site allowed.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	login(t, ctx, s.url, "root", "correct horse battery")
	click(t, ctx, `a[href="/panel/admin/webchat"]`)
	waitText(t, ctx, "#webchat-origins", siteOrigin)
	want := `<script src="` + s.url + `widget.js" async></script>`
	waitJS(t, ctx, `document.getElementById("webchat-snippet").textContent === `+jsString(want), "the snippet "+want)
}

// frameContext attaches to the chat the widget frames: it comes from
// another site, so Chromium runs it as a target of its own.
func frameContext(t *testing.T, ctx context.Context, server string) context.Context {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.HasPrefix(info.URL, server+"?embed=1") {
				fctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
				t.Cleanup(cancel)
				if err := chromedp.Do(fctx, chromedp.WaitVisible(chromedp.CSS("#text"))); err != nil {
					t.Fatalf("the chat in the widget: %v", err)
				}
				return fctx
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no frame of %s on the page", server)
	return nil
}

// agentClient is an HTTP client logged in to the panel as olga.
func agentClient(t *testing.T, s *server) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	olga := &http.Client{Jar: jar}
	resp, err := olga.PostForm(s.url+"panel/login", url.Values{"name": {"olga"}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return olga
}

// agentGet returns a panel page as the client sees it.
func agentGet(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return string(page)
}

// agentReply takes the ticket and replies to it as olga, through the
// panel's forms.
func agentReply(t *testing.T, s *server, number, text string) {
	t.Helper()
	olga := agentClient(t, s)
	version := regexp.MustCompile(`name="version" value="([^"]+)"`)
	for _, action := range []struct{ path, text string }{{"take", ""}, {"reply", text}} {
		resp, err := olga.Get(s.url + "panel/tickets/" + number)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := version.FindSubmatch(page)
		if resp.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("olga's ticket page: %d, version %q", resp.StatusCode, m)
		}
		resp, err = olga.PostForm(s.url+"panel/tickets/"+number+"/"+action.path,
			url.Values{"version": {html.UnescapeString(string(m[1]))}, "text": {action.text}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("olga's %s: %d at %s", action.path, resp.StatusCode, resp.Request.URL)
		}
	}
}

// TestWidgetRefusedOriginInBrowser checks a site left out of
// webchat.allowed_origins: its page's script cannot call the API, and the
// widget it includes shows nothing, since the chat will not be framed.
func TestWidgetRefusedOriginInBrowser(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	siteURL := fmt.Sprintf("http://localhost:%d/", ln.Addr().(*net.TCPAddr).Port)
	config := filepath.Join(t.TempDir(), "firstline.yaml")
	if err := os.WriteFile(config, []byte("webchat:\n  allowed_origins: [https://shop.example]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, t.TempDir(), "--config", config, "--intents", "testdata/shop")
	site := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, sitePage, s.url)
	}), ReadHeaderTimeout: 10 * time.Second}
	go site.Serve(ln)
	t.Cleanup(func() { site.Close() })

	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(siteURL)); err != nil {
		t.Fatal(err)
	}
	// The page's own call to the API is refused by the browser: no
	// CORS headers came with the 403.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`fetch(`+jsString(s.url+"api/v1/webchat/messages?session=s1")+`)
		.then(function (r) { window.apiResult = "answered " + r.status; }, function () { window.apiResult = "refused"; }), true`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `window.apiResult`, "the API call to end")
	if got := evalString(t, ctx, `window.apiResult`); got != "refused" {
		t.Errorf("another site's page read the API: %s", got)
	}
	// The frame is blocked, so the chat never says it is ready, which
	// the widget waits for before it shows. The page's timeline records
	// the frame once its load ended, which an allowed chat says ready
	// before.
	waitJS(t, ctx, `performance.getEntriesByType("resource").some(function (e) { return e.initiatorType === "iframe"; })`, "the frame's load to end")
	if got := evalString(t, ctx, `getComputedStyle(document.getElementById("firstline-chat")).display`); got != "none" {
		t.Errorf("the widget shows on a site not allowed (display %s)", got)
	}
}
