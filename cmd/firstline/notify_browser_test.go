package main

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// recordNotifications, run in every page before its scripts, keeps each
// Notification the page makes in window.notes, as {title, body, tag, ok,
// note}, and then makes the real one too (ok says whether that worked; a
// headless browser shows nothing, but the instance is what a click on it
// would reach). document.hidden follows window.fakeHidden, so that the
// test can say the tab is in the background.
const recordNotifications = `(function () {
  var Real = window.Notification;
  window.notes = [];
  window.fakeHidden = false;
  function Recorded(title, opts) {
    var rec = { title: title, body: (opts || {}).body, tag: (opts || {}).tag, ok: false, note: null };
    window.notes.push(rec);
    var n = new Real(title, opts);
    rec.ok = true;
    rec.note = n;
    return n;
  }
  Object.defineProperty(Recorded, "permission", { get: function () { return Real.permission; } });
  Recorded.requestPermission = function () { return Real.requestPermission.apply(Real, arguments); };
  window.Notification = Recorded;
  Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: function () { return window.fakeHidden; } });
})();`

// panelClient logs in to the panel over HTTP, for what another tab or
// another person does meanwhile.
type panelClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newPanelClient(t *testing.T, base, name, password string) *panelClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	pc := &panelClient{t: t, base: base, c: &http.Client{Jar: jar}}
	resp, err := pc.c.PostForm(base+"panel/login", url.Values{"name": {name}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return pc
}

// act posts a ticket form (take, reply...) with the ticket's current version.
func (pc *panelClient) act(number, action string, form url.Values) {
	pc.t.Helper()
	resp, err := pc.c.Get(pc.base + "panel/tickets/" + number)
	if err != nil {
		pc.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="version" value="([^"]+)"`).FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		pc.t.Fatalf("ticket page %s: %d", number, resp.StatusCode)
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("version", html.UnescapeString(string(m[1])))
	resp, err = pc.c.PostForm(pc.base+"panel/tickets/"+number+"/"+action, form)
	if err != nil {
		pc.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/panel/tickets/"+number) {
		pc.t.Fatalf("%s %s: %d at %s", action, number, resp.StatusCode, resp.Request.URL)
	}
}

// TestNotificationsInBrowser checks the panel's browser notifications: the
// header's button turns them on (the browser's permission granted through
// the DevTools protocol); then a new ticket in the agent's queue and a
// customer's reply on the agent's ticket each make one notification, and
// neither a ticket of another queue nor the agent's own reply makes any;
// a hidden tab counts them in its title; a click opens the ticket.
func TestNotificationsInBrowser(t *testing.T) {
	data := t.TempDir()
	// /human goes to the second line; asking for a person in words, to
	// the first (the intent's queue).
	config := filepath.Join(t.TempDir(), "firstline.yaml")
	if err := os.WriteFile(config, []byte("dialog:\n  default_queue: second_line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, data, "--config", config)
	const password = "correct horse battery"
	addUser(t, data, "olga", "agent", password)
	if out, err := exec.Command(binary, "user", "queues", "olga", "--queues", "first_line", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("firstline user queues: %v\n%s", err, out)
	}

	ctx := newBrowser(t)
	origin := strings.TrimSuffix(s.url, "/")
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "notifications"}, Setting: browser.PermissionSettingGranted, Origin: origin,
	}); err != nil {
		t.Fatalf("grant notifications: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: recordNotifications}); err != nil {
		t.Fatal(err)
	}
	login(t, ctx, s.url, "olga", password)
	waitText(t, ctx, "#notify", "Enable notifications")
	click(t, ctx, "#notify")
	waitText(t, ctx, "#notify", "Notifications on")
	waitText(t, ctx, "#live", "Live")

	notes := func() string {
		return evalString(t, ctx, `window.notes.map(function (n) { return n.title + " | " + n.body.replace(/\n/g, " / ") + " | " + n.tag; }).join("\n")`)
	}

	// A new ticket in olga's queue.
	s.say("mine", "1", "роутер мигает <b>красным</b>")
	r := s.say("mine", "2", "соедините с оператором")
	if r.Ticket == nil {
		t.Fatalf("no ticket: %+v", r)
	}
	number := r.Ticket.Number
	waitJS(t, ctx, `window.notes.length >= 1`, "a notification of the new ticket")
	want := fmt.Sprintf("New ticket %s | Customer · First line / роутер мигает <b>красным</b> | firstline:ticket:%s", number, number)
	if got := notes(); got != want {
		t.Errorf("notifications:\n%s\nwant\n%s", got, want)
	}
	if ok := evalString(t, ctx, `String(window.notes[0].ok)`); ok != "true" {
		t.Errorf("the browser's own Notification failed: %s", ok)
	}

	// A ticket of the second line, olga takes hers and replies, the tab
	// goes to the background, and the customer answers: one more.
	if other := s.say("theirs", "1", "/human"); other.Ticket == nil || other.Ticket.Number == number {
		t.Fatalf("no second ticket: %+v", other)
	}
	olga := newPanelClient(t, s.url, "olga", password)
	olga.act(number, "take", nil)
	olga.act(number, "reply", url.Values{"text": {"Смотрю, минуту"}})
	evalString(t, ctx, `window.fakeHidden = true, ""`)
	s.say("mine", "3", "Спасибо, жду")
	waitJS(t, ctx, `window.notes.length >= 2`, "a notification of the customer's reply")
	want += fmt.Sprintf("\nCustomer replied on %s | Customer · First line / Спасибо, жду | firstline:reply:%s", number, number)
	if got := notes(); got != want {
		t.Errorf("notifications:\n%s\nwant\n%s", got, want)
	}
	if title := evalString(t, ctx, `document.title`); !strings.HasPrefix(title, "(1) ") {
		t.Errorf("the hidden tab's title is %q, want a count of one", title)
	}
	evalString(t, ctx, `window.fakeHidden = false, document.dispatchEvent(new Event("visibilitychange")), ""`)
	if title := evalString(t, ctx, `document.title`); strings.HasPrefix(title, "(") {
		t.Errorf("the title still counts after the tab came back: %q", title)
	}

	// A click on the notification opens the ticket.
	evalString(t, ctx, `window.notes[1].note.dispatchEvent(new Event("click")), ""`)
	waitJS(t, ctx, `location.pathname === "/panel/tickets/`+number+`"`, "the ticket opened by the click")
	waitText(t, ctx, "#transcript", "Спасибо, жду")

	// Off again, for this browser: the next reply makes none.
	click(t, ctx, "#notify")
	waitText(t, ctx, "#notify", "Enable notifications")
	s.say("mine", "4", "Алло?")
	waitText(t, ctx, "#transcript", "Алло?")
	if n := evalString(t, ctx, `String(window.notes.length)`); n != "0" {
		t.Errorf("%s notifications after they were turned off", n)
	}
}
