package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWaitForCustomerInBrowser puts a ticket on hold for the customer
// from its page in a real browser: the agent types a question and presses
// "Waiting for the customer"; the customer's web chat shows the question
// and that the agent waits; the page shows the ticket waiting with its
// deadlines paused, and the customer's answer brings it back to work,
// live.
func TestWaitForCustomerInBrowser(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	addUser(t, data, "olga", "agent", "correct horse battery")
	ctx := newBrowser(t)
	login(t, ctx, s.url, "olga", "correct horse battery")

	r := s.say("hold", "1", "/human")
	if r.Ticket == nil {
		t.Fatalf("/human did not escalate: %+v", r)
	}
	number := r.Ticket.Number
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"panel/tickets/"+number)); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, fmt.Sprintf(`form[action="/panel/tickets/%s/take"] button`, number))
	waitText(t, ctx, "#summary", "olga")

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#reply-text`)),
		chromedp.SendKeys(chromedp.CSS(`#reply-text`), "Пришлите, пожалуйста, фото роутера"),
	); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, `#wait`)
	waitText(t, ctx, "#summary", "waiting for customer")
	waitText(t, ctx, "#summary", "paused")
	waitText(t, ctx, "#transcript", "Специалист ждёт вашего ответа по обращению "+number)
	if n := evalString(t, ctx, `String(document.querySelectorAll("#wait").length)`); n != "0" {
		t.Error("the page still offers to wait")
	}
	t.Logf("waiting ticket screenshot: %s", screenshot(t, ctx, "waiting"))

	chat := strings.Join(webchatPoll(t, s, "hold"), "\n")
	for _, want := range []string{"agent: Пришлите, пожалуйста, фото роутера", "system: Специалист ждёт вашего ответа по обращению " + number} {
		if !strings.Contains(chat, want) {
			t.Errorf("the customer's chat lacks %q:\n%s", want, chat)
		}
	}

	// The customer answers: the ticket is back in work, live.
	s.say("hold", "2", "Вот фото")
	waitText(t, ctx, "#transcript", "Вот фото")
	waitText(t, ctx, "#summary", "in work")
}
