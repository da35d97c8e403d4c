package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestIncidentInBrowser: an admin announces an outage on the incidents
// page; a web chat customer asking about it hears the incident's text
// with the offer, asks to be told when it is over, and is not handed to a
// person; the admin closes the incident on the page, and the customer's
// chat shows the closing message.
func TestIncidentInBrowser(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	addUser(t, data, "root", "admin", "correct horse battery")

	admin := newBrowser(t)
	login(t, admin, s.url, "root", "correct horse battery")
	if err := chromedp.Do(admin, chromedp.Navigate(s.url+"panel/incidents")); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "#no-active-incidents", "Nothing is known to be broken.")
	form := `#open-incident `
	if err := chromedp.Do(admin,
		chromedp.SetValue(chromedp.CSS(form+`textarea[name="text_ru"]`), "Авария на линии в Северном районе."),
		chromedp.SetValue(chromedp.CSS(form+`textarea[name="text_en"]`), "A line is down in the North district."),
		chromedp.Click(chromedp.CSS(form+`input[name="intents"][value="no_internet"]`)),
		chromedp.Click(chromedp.CSS(form+`input[name="intents"][value="speed_low"]`)),
		chromedp.Click(chromedp.CSS(form+`button[type="submit"]`)),
	); err != nil {
		t.Fatalf("announce: %v", err)
	}
	waitText(t, admin, "#active-incidents", "Авария на линии в Северном районе.")
	waitText(t, admin, "#active-incidents", "no_internet, speed_low")

	// The customer, in a tab of their own.
	customer, cancel := chromedp.NewContext(admin)
	defer cancel()
	if err := chromedp.Do(customer, chromedp.Navigate(s.url), chromedp.WaitVisible(chromedp.CSS("#text"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(customer,
		chromedp.SetValue(chromedp.CSS("#text"), "нет интернета"),
		chromedp.Click(chromedp.CSS("#send")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, customer, "#log", "Авария на линии в Северном районе.")
	waitButton(t, customer, "Сообщите, когда починят")
	waitButton(t, customer, "Мне всё равно нужен человек")
	t.Logf("customer screenshot: %s", screenshot(t, customer, "incident-notice"))
	if err := chromedp.Do(customer, chromedp.Click(chromedp.Search(`//div[@class="buttons"]/button[text()="Сообщите, когда починят"]`))); err != nil {
		t.Fatal(err)
	}
	waitText(t, customer, "#log", "напишу сюда, как только всё заработает")
	if status := evalString(t, customer, `document.querySelector("#status").textContent`); strings.Contains(status, "FL-") {
		t.Errorf("the customer got a ticket: %q", status)
	}

	// The admin sees the subscriber and closes the incident.
	if err := chromedp.Do(admin, chromedp.Navigate(s.url+"panel/incidents")); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(evalString(t, admin, `document.querySelector("#active-incidents .incident-subscribers").textContent`)); got != "1" {
		t.Errorf("subscribers shown %q, want 1", got)
	}
	t.Logf("incidents screenshot: %s", screenshot(t, admin, "incidents"))
	if _, err := chromedp.Run(admin, chromedp.Evaluate[bool](`window.confirm = () => true, true`)); err != nil {
		t.Fatal(err)
	}
	closeForm := `//form[contains(@class, "incident-close")]`
	if err := chromedp.Do(admin,
		chromedp.Click(chromedp.Search(`//details[summary[contains(., "Close")]]/summary`)),
		chromedp.SetValue(chromedp.Search(closeForm+`//textarea[@name="close_ru"]`), "Линию починили, интернет снова работает."),
		chromedp.Click(chromedp.Search(closeForm+`//button`)),
	); err != nil {
		t.Fatalf("close: %v", err)
	}
	waitText(t, admin, "#closed-incidents", "(1 told)")
	waitText(t, admin, "#no-active-incidents", "Nothing is known to be broken.")

	waitText(t, customer, "#log", "Линию починили, интернет снова работает.")
	if n := evalString(t, customer, `String(document.querySelector("#log").textContent.split("Линию починили").length - 1)`); n != "1" {
		t.Errorf("the closing message shows %s times, want once", n)
	}
	t.Logf("closed screenshot: %s", screenshot(t, customer, "incident-closed"))
}
