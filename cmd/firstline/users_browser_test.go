package main

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// apiToken makes an API token for user with the command and returns it.
func apiToken(t *testing.T, data, user, name string) string {
	t.Helper()
	out, err := exec.Command(binary, "user", "token", user, "--name", name, "--data", data).Output()
	if err != nil {
		t.Fatalf("firstline user token %s: %v", user, err)
	}
	return strings.TrimSpace(string(out))
}

// apiCode fetches the tickets API with token and returns the status.
func apiCode(t *testing.T, s *server, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+"api/v1/tickets", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// panelSession logs user in over plain HTTP and returns a client with the
// session, which does not follow redirects.
func panelSession(t *testing.T, s *server, user, password string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(s.url+"panel/login", url.Values{"name": {user}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/panel/queue" {
		t.Fatalf("log in as %s: %d to %q", user, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

// queueCode fetches the queue page with c and returns the status.
func queueCode(t *testing.T, s *server, c *http.Client) int {
	t.Helper()
	resp, err := c.Get(s.url + "panel/queue")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestUsersPageInBrowser has an admin set an agent's queues, reset the
// agent's password and disable the agent from the users page, in a real
// browser, and checks what each did to the agent's access.
func TestUsersPageInBrowser(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	const password = "correct horse battery"
	addUser(t, data, "root", "admin", password)
	addUser(t, data, "anna", "agent", password)
	token := apiToken(t, data, "anna", "script")
	anna := panelSession(t, s, "anna", password)

	ctx := newBrowser(t)
	login(t, ctx, s.url, "root", password)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"panel/admin/users")); err != nil {
		t.Fatal(err)
	}
	// The page's confirmations are answered yes.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.confirm = () => true, true`)); err != nil {
		t.Fatal(err)
	}
	row := `//tr[td[@class="user-name" and starts-with(normalize-space(.), "anna")]]`
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(row+`//details/summary`)),
		chromedp.Click(chromedp.Search(row+`//input[@name="queue" and @value="second_line"]`)),
		chromedp.Click(chromedp.Search(row+`//form[contains(@action, "/queues")]//button`)),
	); err != nil {
		t.Fatalf("set anna's queues: %v", err)
	}
	waitJS(t, ctx, `[...document.querySelectorAll("tr")].some(r => r.textContent.includes("anna") && (r.querySelector(".user-queues")||{}).textContent === "Second line")`,
		"anna working the second line")
	if out, err := exec.Command(binary, "user", "list", "--data", data).Output(); err != nil || !strings.Contains(string(out), "second_line") {
		t.Errorf("user list after the change: %v\n%s", err, out)
	}

	// Reset the password: shown once; the old session and token end.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.confirm = () => true, true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(row+`//details/summary`)),
		chromedp.Click(chromedp.Search(row+`//form[contains(@action, "/password")]//button`)),
	); err != nil {
		t.Fatalf("reset anna's password: %v", err)
	}
	waitText(t, ctx, "#new-password", "The new password of anna")
	fresh := evalString(t, ctx, `document.querySelector("#new-password code").textContent`)
	if len(fresh) < 16 {
		t.Fatalf("the new password %q", fresh)
	}
	if code := queueCode(t, s, anna); code != http.StatusSeeOther {
		t.Errorf("anna's old session answers %d after the reset", code)
	}
	if code := apiCode(t, s, token); code != http.StatusUnauthorized {
		t.Errorf("anna's token answers %d after the reset", code)
	}
	anna = panelSession(t, s, "anna", fresh)
	token = apiToken(t, data, "anna", "script2")

	// Disable: her session and token stop working at once.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"panel/admin/users")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.confirm = () => true, true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.Search(row+`//form[contains(@action, "/disable")]//button`))); err != nil {
		t.Fatalf("disable anna: %v", err)
	}
	waitJS(t, ctx, `[...document.querySelectorAll("tr.disabled")].some(r => r.textContent.includes("anna"))`, "anna disabled")
	if code := queueCode(t, s, anna); code != http.StatusSeeOther {
		t.Errorf("anna's session answers %d after she was disabled", code)
	}
	if code := apiCode(t, s, token); code != http.StatusUnauthorized {
		t.Errorf("anna's token answers %d after she was disabled", code)
	}
	// Root's own row offers neither disabling nor a password reset.
	if n := evalString(t, ctx, `String([...document.querySelectorAll("tr")].filter(r => (r.querySelector(".user-name")||{}).textContent?.startsWith("root")).map(r => r.querySelectorAll("form[action$='/disable'], form[action$='/password']").length)[0])`); n != "0" {
		t.Errorf("root's own row has %s of those forms", n)
	}
	t.Logf("users screenshot: %s", screenshot(t, ctx, "users"))
}

// TestCannedShortcutSendInBrowser sends "/shortcut" without Tab: the page
// sends the canned reply, and an unknown shortcut is refused with nothing
// sent.
func TestCannedShortcutSendInBrowser(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	addUser(t, data, "olga", "agent", "correct horse battery")
	r := s.say("canned", "1", "/human")
	if r.Ticket == nil {
		t.Fatalf("/human did not escalate: %+v", r)
	}
	number := r.Ticket.Number
	ctx := newBrowser(t)
	login(t, ctx, s.url, "olga", "correct horse battery")
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"panel/tickets/"+number), chromedp.WaitVisible(chromedp.CSS("#reply-text"))); err != nil {
		t.Fatal(err)
	}
	// Record what the form sends, after the page's own handlers.
	record := `document.querySelector("#composer").addEventListener("submit", () => sessionStorage.setItem("sent", document.querySelector("#reply-text").value)), true`
	send := func(text string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](record)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS("#reply-text"), text),
			chromedp.Click(chromedp.CSS("#send-reply")),
		); err != nil {
			t.Fatalf("send %q: %v", text, err)
		}
	}

	send("/hello")
	waitText(t, ctx, "#transcript", "Меня зовут olga")
	if sent := evalString(t, ctx, `sessionStorage.getItem("sent") || ""`); strings.HasPrefix(sent, "/") || !strings.Contains(sent, number) {
		t.Errorf("the page sent %q, want the canned reply", sent)
	}
	chat := strings.Join(webchatPoll(t, s, "canned"), "\n")
	if !strings.Contains(chat, "agent: Здравствуйте") || strings.Contains(chat, "/hello") {
		t.Errorf("the customer's chat:\n%s", chat)
	}

	// The shortcut of the example, typed and sent as it is.
	send("/contract")
	waitText(t, ctx, "#transcript", "номер договора")
	if chat := strings.Join(webchatPoll(t, s, "canned"), "\n"); !strings.Contains(chat, "agent: Подскажите, пожалуйста, номер договора") || strings.Contains(chat, "/contract") {
		t.Errorf("the customer's chat:\n%s", chat)
	}

	send("/contrakt")
	waitText(t, ctx, "#action-error", "There is no canned reply /contrakt, so nothing was sent.")
	if got := evalString(t, ctx, `document.querySelector("#reply-text").value`); got != "/contrakt" {
		t.Errorf("the reply box holds %q after the refusal, want what was typed", got)
	}
	if chat := strings.Join(webchatPoll(t, s, "canned"), "\n"); strings.Contains(chat, "/contrakt") {
		t.Errorf("an unknown shortcut reached the customer:\n%s", chat)
	}
	t.Logf("refused shortcut screenshot: %s", screenshot(t, ctx, fmt.Sprintf("canned-%s", "refused")))
}
