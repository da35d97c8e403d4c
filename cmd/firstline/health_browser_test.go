package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReviewHealthInBrowser opens the review page of a small shop's
// knowledge base as its admin does, in a real browser, and reads the
// health section: the intents that need examples, with what the bot is
// expected to do with their questions, in English and then in Russian.
func TestReviewHealthInBrowser(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/advice/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "shop.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	addUser(t, data, "root", "admin", "correct horse battery")
	s := startServer(t, data, "--intents", dir)

	ctx := newBrowser(t)
	login(t, ctx, s.url, "root", "correct horse battery")
	click(t, ctx, `nav a[href="/panel/review"]`)
	// The check of so small a knowledge base takes a fraction of the
	// seconds the page waits for it; on a busy machine the page may say
	// it is under way, and a reload shows it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		waitJS(t, ctx, `document.querySelector("#health-summary, #health-pending")`, "the health section")
		if evalString(t, ctx, `document.querySelector("#health-summary") ? "done" : "pending"`) == "done" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the health check never finished:\n%s", evalString(t, ctx, `document.querySelector("#health").innerText`))
		}
		click(t, ctx, `#health-pending a`)
	}
	waitText(t, ctx, "#health h2", "Knowledge base health")
	waitText(t, ctx, "#health-summary", "45 examples, 5-fold cross-validation: ")
	waitText(t, ctx, "#health-count", "of 6.")
	item := func(id string) string {
		return evalString(t, ctx, `document.querySelector('#health [data-intent="`+id+`"]').innerText`)
	}
	for _, c := range []struct{ intent, want string }{
		{"gift_card", "shop.yaml:29"},
		{"gift_card", "examples: 2; questions answered: "},
		{"gift_card", "Fewer than 5 examples: add 3–5 more ways a customer would ask this."},
		{"order_status", "Too alike to delivery_time: make their examples differ, or merge the two."},
		{"delivery_time", "Too alike to order_status"},
		{"returns", "No examples in en, which other intents have: add examples and an answer in en."},
	} {
		if got := item(c.intent); !strings.Contains(got, c.want) {
			t.Errorf("%s shows %q, want %q in it", c.intent, got, c.want)
		}
	}
	// Every intent's figures, behind a click.
	row := `#health-all tr[data-intent="gift_card"][data-lang="en"]`
	if visible := evalString(t, ctx, `String(document.querySelector('`+row+`').checkVisibility())`); visible != "false" {
		t.Errorf("the table of every intent is open before a click")
	}
	click(t, ctx, `#health-all summary`)
	waitJS(t, ctx, `document.querySelector('`+row+`').checkVisibility()`, "gift_card's row")
	if got := evalString(t, ctx, `document.querySelector('`+row+`').innerText`); !strings.HasPrefix(got, "gift_card\ten\t2\t") {
		t.Errorf("gift_card's row reads %q", got)
	}
	t.Logf("health screenshot: %s", screenshot(t, ctx, "health"))

	click(t, ctx, `form.langs button[value="ru"]`)
	waitText(t, ctx, "#health h2", "Здоровье базы знаний")
	if got := item("gift_card"); !strings.Contains(got, "Меньше 5 примеров: добавьте ещё 3–5 формулировок") {
		t.Errorf("gift_card in Russian shows %q", got)
	}
}
