package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestCollectedFieldsInBrowser walks a handoff whose intent asks for
// details first: the customer answers in the web chat, one question at a
// time, and the agent opening the ticket reads the answers first, above
// the reason and the transcript, labelled by name.
func TestCollectedFieldsInBrowser(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data, "--intents", "../../dialog/testdata/collect")
	addUser(t, data, "olga", "agent", "correct horse battery")

	s.say("fields", "1", "не работает интернет")
	if got := strings.Join(webchatPoll(t, s, "fields"), "\n"); !strings.HasSuffix(got, "Номер договора?") {
		t.Fatalf("the bot did not ask for the contract:\n%s", got)
	}
	s.say("fields", "2", "12-34") // does not fit: asked again
	s.say("fields", "3", "1234567")
	s.say("fields", "4", "Пропустить")
	r := s.say("fields", "5", "Вчера")
	if r.Ticket == nil {
		t.Fatalf("no ticket after the last answer: %+v", r)
	}

	ctx := newBrowser(t)
	login(t, ctx, s.url, "olga", "correct horse battery")
	click(t, ctx, fmt.Sprintf(`a[href="/panel/tickets/%s"]`, r.Ticket.Number))
	waitText(t, ctx, "#fields", "1234567")
	got := evalString(t, ctx, `Array.from(document.querySelectorAll("#fields dt, #fields dd")).map(e => e.textContent.trim()).join("|")`)
	if want := "Your contract number|1234567|Connection address|not given|Since when|Вчера"; got != want {
		t.Errorf("fields read %q, want %q", got, want)
	}
	above := evalString(t, ctx, `String(document.querySelector("#fields").getBoundingClientRect().bottom <= document.querySelector("#transcript").getBoundingClientRect().top)`)
	if above != "true" {
		t.Error("the fields are not above the transcript")
	}
	t.Logf("ticket screenshot: %s", screenshot(t, ctx, "fields"))

	// The agent asks for the address the customer skipped: picking the
	// field fills in its question in the customer's language, the
	// question reaches the customer, and the answer shows in the fields
	// without a reload.
	click(t, ctx, "#ask-field summary")
	evalString(t, ctx, `document.getElementById("ask-field-name").value = ""`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#ask-field-name"), "address")); err != nil {
		t.Fatal(err)
	}
	if got := evalString(t, ctx, `document.getElementById("ask-field-question").value`); got != "Адрес подключения?" {
		t.Errorf("question filled in %q, want the address question in Russian", got)
	}
	click(t, ctx, "#ask-field-send")
	waitText(t, ctx, "#field-waiting", "address")
	if got := strings.Join(webchatPoll(t, s, "fields"), "\n"); !strings.HasSuffix(got, "Адрес подключения?") {
		t.Fatalf("the customer was not asked for the address:\n%s", got)
	}
	s.say("fields", "6", "ул. Мира, 5")
	waitText(t, ctx, "#fields", "ул. Мира, 5")
	got = evalString(t, ctx, `Array.from(document.querySelectorAll("#fields dt, #fields dd")).map(e => e.textContent.trim()).join("|")`)
	if want := "Your contract number|1234567|Connection address|ул. Мира, 5|Since when|Вчера"; got != want {
		t.Errorf("fields read %q after the answer, want %q", got, want)
	}
	t.Logf("ticket screenshot after the answer: %s", screenshot(t, ctx, "fields-asked"))
}
