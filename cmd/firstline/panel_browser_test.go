package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// addUser creates a panel user through the binary, as an admin would.
func addUser(t *testing.T, dataDir, name, role, password string) {
	t.Helper()
	add := exec.Command(binary, "user", "add", "--name", name, "--role", role, "--password-stdin", "--data", dataDir)
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("firstline user add %s: %v\n%s", name, err, out)
	}
}

// login signs in to the panel in the browser.
func login(t *testing.T, ctx context.Context, base, name, password string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"panel/login"),
		chromedp.SetValue(chromedp.CSS(`input[name="name"]`), name),
		chromedp.SetValue(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#queue-list`)),
	)
	if err != nil {
		t.Fatalf("log in as %s: %v", name, err)
	}
}

// click clicks the first element matching a CSS selector.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// webchatPoll returns the texts the customer's page sees for a session.
func webchatPoll(t *testing.T, s *server, session string) []string {
	t.Helper()
	var page struct {
		Messages []struct {
			Author  string   `json:"author"`
			Text    string   `json:"text"`
			Buttons []string `json:"buttons"`
		} `json:"messages"`
	}
	if code := s.getJSON("/api/v1/webchat/messages?session="+session, &page); code != http.StatusOK {
		t.Fatalf("poll: %d", code)
	}
	var out []string
	for _, m := range page.Messages {
		out = append(out, m.Author+": "+m.Text)
	}
	return out
}

// TestAgentFlowInBrowser walks the handoff as an agent does it, in a real
// browser: a customer escalates in the web chat; the agent, already looking
// at the queue, sees the ticket appear without reloading, opens it, reads
// the transcript, takes it, replies with a canned reply (which reaches the
// customer's chat), closes it, and sees the customer's rating on the ticket.
func TestAgentFlowInBrowser(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	addUser(t, data, "olga", "agent", "correct horse battery")
	ctx := newBrowser(t)
	login(t, ctx, s.url, "olga", "correct horse battery")

	// The queue is open and empty; the ticket must appear live.
	body, _ := json.Marshal(map[string]string{"session": "flow", "message_id": "1", "name": "Анна Петрова",
		"text": "Здравствуйте, у меня не работает интернет <img src=x onerror=\"document.title='pwned'\">"})
	if code, r := s.post(string(body)); code != http.StatusOK || r.Ticket != nil {
		t.Fatalf("first message: %d %+v", code, r)
	}
	r := s.say("flow", "2", "/human")
	if r.Ticket == nil {
		t.Fatalf("/human did not escalate: %+v", r)
	}
	number := r.Ticket.Number
	waitText(t, ctx, "#queue-list", number)
	waitText(t, ctx, "#queue-list", "Анна Петрова")
	t.Logf("queue screenshot: %s", screenshot(t, ctx, "queue"))

	// Open it: the whole transcript is there, and the customer's markup is inert text.
	click(t, ctx, fmt.Sprintf(`a[href="/panel/tickets/%s"]`, number))
	waitText(t, ctx, "#transcript", "у меня не работает интернет")
	waitText(t, ctx, "#transcript", "<img src=x")
	if n := evalString(t, ctx, `String(document.querySelectorAll("#transcript img, #transcript script").length)`); n != "0" {
		t.Errorf("%s elements were made from a customer message", n)
	}
	if title := evalString(t, ctx, `document.title`); title == "pwned" {
		t.Error("a customer message ran as script in the panel")
	}

	// Take it; the customer is told a person joined.
	click(t, ctx, fmt.Sprintf(`form[action="/panel/tickets/%s/take"] button`, number))
	waitText(t, ctx, "#summary", "olga")
	if got := strings.Join(webchatPoll(t, s, "flow"), "\n"); !strings.Contains(got, "system: ") {
		t.Errorf("the customer was not told an agent joined:\n%s", got)
	}

	// A message from the customer while the agent has the ticket shows up live.
	s.say("flow", "3", "Алло, вы здесь?")
	waitText(t, ctx, "#transcript", "Алло, вы здесь?")

	// Reply with a canned reply typed as /shortcut.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#reply-text`)),
		chromedp.SendKeys(chromedp.CSS(`#reply-text`), "/hello\t"),
	); err != nil {
		t.Fatal(err)
	}
	typed := evalString(t, ctx, `document.querySelector("#reply-text").value`)
	if !strings.Contains(typed, "Анна") || !strings.Contains(typed, number) || !strings.Contains(typed, "olga") {
		t.Fatalf("the canned reply was not inserted with its variables: %q", typed)
	}
	t.Logf("ticket screenshot: %s", screenshot(t, ctx, "ticket"))
	click(t, ctx, `#send-reply`)
	waitText(t, ctx, "#transcript", "Уже смотрю ваше обращение")
	if got := strings.Join(webchatPoll(t, s, "flow"), "\n"); !strings.Contains(got, "agent: Здравствуйте, Анна! Меня зовут olga") {
		t.Errorf("the reply did not reach the customer's chat:\n%s", got)
	}

	// Close it (confirming the dialog); the customer is asked for a rating and gives one.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.confirm = () => true, true`)); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, fmt.Sprintf(`form[action="/panel/tickets/%s/close"] button`, number))
	waitText(t, ctx, "#summary", "closed")
	got := strings.Join(webchatPoll(t, s, "flow"), "\n")
	if !strings.Contains(got, "1 до 5") {
		t.Fatalf("the customer was not asked for a rating:\n%s", got)
	}
	if r := s.say("flow", "4", "5"); r.State != "bot" {
		t.Errorf("after the rating the conversation is %s, want back with the bot", r.State)
	}
	// The rating shows on the ticket live.
	waitJS(t, ctx, `document.querySelectorAll("#summary .csat-5").length === 1`, "the customer's rating on the ticket")
}

// TestPanelLoginRequired checks the panel sends a visitor without a
// session to the login page, in a real browser.
func TestPanelLoginRequired(t *testing.T) {
	s := startServer(t, t.TempDir())
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"panel/queue")); err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "/panel/login") {
		t.Errorf("anonymous visitor at %q, want the login page (%v)", loc, err)
	}
}

// TestTransferOutOfSightInBrowser checks that a ticket transferred to a
// queue the agent does not work leaves the agent's open page: the page
// follows the change and says there is no such ticket for them.
func TestTransferOutOfSightInBrowser(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	const password = "correct horse battery"
	addUser(t, data, "olga", "agent", password)
	addUser(t, data, "anna", "agent", password)
	if out, err := exec.Command(binary, "user", "queues", "olga", "--queues", "first_line", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("firstline user queues: %v\n%s", err, out)
	}
	r := s.say("moved", "1", "/human")
	if r.Ticket == nil {
		t.Fatalf("/human did not escalate: %+v", r)
	}
	number := r.Ticket.Number

	ctx := newBrowser(t)
	login(t, ctx, s.url, "olga", password)
	waitText(t, ctx, "#queue-list", number)
	click(t, ctx, fmt.Sprintf(`a[href="/panel/tickets/%s"]`, number))
	waitText(t, ctx, "#summary", "First line")
	waitText(t, ctx, "#live", "Live")

	// Anna, who works every queue, moves it to the second line.
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	anna := &http.Client{Jar: jar}
	resp, err := anna.PostForm(s.url+"panel/login", url.Values{"name": {"anna"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = anna.Get(s.url + "panel/tickets/" + number)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="version" value="([^"]+)"`).FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("anna's ticket page: %d, version %q", resp.StatusCode, m)
	}
	resp, err = anna.PostForm(s.url+"panel/tickets/"+number+"/transfer",
		url.Values{"version": {html.UnescapeString(string(m[1]))}, "queue": {"second_line"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/panel/tickets/"+number) {
		t.Fatalf("anna's transfer: %d at %s", resp.StatusCode, resp.Request.URL)
	}

	// Olga's page follows: the ticket is no longer hers to see.
	waitText(t, ctx, "body", "There is no ticket "+number)
	if n := evalString(t, ctx, `String(document.querySelectorAll("#summary, #transcript").length)`); n != "0" {
		t.Errorf("olga's page still shows the ticket (%s parts)", n)
	}
}
