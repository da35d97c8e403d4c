package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/firstline-support/firstline/intents"
)

// copyIntents copies the demo knowledge base into a directory of the
// test's, which the test may change.
func copyIntents(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob("../../configs/intents/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("demo intents: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// wantLearned is the file the review page must write for the new intent:
// created, since the demo has no learned.yaml, with the group's messages
// but the one the admin removed, and the wordings the admin added.
const wantLearned = `# Intents started from customers' messages ("firstline learn" or the panel).
# Edit this file like any other: later additions only insert lines.
intents:
  - id: gift_certificate
    title: {ru: "Подарочный сертификат", en: "Gift certificate"}
    examples:
      ru:
        - "есть ли у вас подарочные сертификаты?"
        - "вы продаёте подарочные сертификаты"
        - "подарочный сертификат купить"
        - "где купить подарочный сертификат"
        - "подарочная карта у вас есть?"
        - "сертификат в подарок другу"
    answer:
      ru: "Подарочные сертификаты продаются в наших офисах."
`

// wantWordings are the lines of the new intent form's Russian text area:
// the group's messages, first wordings before a rephrase too.
var wantWordings = []string{
	"есть ли у вас подарочные сертификаты?",
	"вы продаёте подарочные сертификаты",
	"подарочный сертификат купить",
	"где купить подарочный сертификат",
	"можно подарочный сертификат на интернет",
}

// TestReviewInBrowser teaches the bot from the review page as an admin
// does it, in a real browser: three customers ask about gift
// certificates, which the demo knowledge base does not know; the bot asks
// each to rephrase, one leaves and two are escalated. The admin finds all
// five messages in one group on the review page, starts a new intent from
// the group, removes a message and adds two more wordings, checks it,
// saves it, and the bot answers the question from then on. Then the admin
// adds a message as an example of an intent the check warns against, and
// saves it with a reason. The files on disk are the changes and nothing
// else.
func TestReviewInBrowser(t *testing.T) {
	data := t.TempDir()
	dir := copyIntents(t)
	addUser(t, data, "root", "admin", "correct horse battery")
	s := startServer(t, data, "--intents", dir)

	if r := s.say("g0", "1", "есть ли у вас подарочные сертификаты?"); r.Ticket != nil {
		t.Fatalf("escalated at once: %+v", r)
	}
	for _, c := range []struct{ session, first, second string }{
		{"g1", "вы продаёте подарочные сертификаты", "подарочный сертификат купить"},
		{"g2", "где купить подарочный сертификат", "можно подарочный сертификат на интернет"},
	} {
		if r := s.say(c.session, "1", c.first); r.Ticket != nil {
			t.Fatalf("%q escalated at once: %+v", c.first, r)
		}
		if r := s.say(c.session, "2", c.second); r.Ticket == nil {
			t.Fatalf("%q after a rephrase was not escalated: %+v", c.second, r)
		}
	}
	// A test message of login_problem, answered, which the customer says
	// did not help.
	s.say("g4", "1", "не могу зайти в личный кабинет")
	if r := s.say("g4", "2", "нет"); r.Ticket == nil {
		t.Fatalf("a \"no\" was not escalated: %+v", r)
	}

	ctx := newBrowser(t)
	login(t, ctx, s.url, "root", "correct horse battery")
	click(t, ctx, `nav a[href="/panel/review"]`)
	waitText(t, ctx, "#group-1 .group-count", "5")
	waitText(t, ctx, "#group-1 .reasons", "escalated: 2")
	waitText(t, ctx, "#group-1 .reasons", "asked to rephrase: 3")

	// A new intent from the group: its messages are in the text area, a
	// line each.
	click(t, ctx, `#group-1 details.new-intent summary`)
	form := `#group-1 .new-intent-form `
	if got := evalString(t, ctx, `document.querySelector('#group-1 .new-intent-form textarea[name="examples_ru"]').value`); got != strings.Join(wantWordings, "\n") {
		t.Fatalf("the text area holds:\n%s\nwant the group's messages:\n%s", got, strings.Join(wantWordings, "\n"))
	}
	// The last message is about the internet, not the certificate: out;
	// two more wordings in.
	lines := append(slices.Clone(wantWordings[:4]), "подарочная карта у вас есть?", "сертификат в подарок другу")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(form+`input[name="id"]`), "gift_certificate"),
		chromedp.SetValue(chromedp.CSS(form+`input[name="title_ru"]`), "Подарочный сертификат"),
		chromedp.SetValue(chromedp.CSS(form+`input[name="title_en"]`), "Gift certificate"),
		chromedp.SetValue(chromedp.CSS(form+`textarea[name="answer_ru"]`), "Подарочные сертификаты продаются в наших офисах."),
		chromedp.SetValue(chromedp.CSS(form+`textarea[name="examples_ru"]`), strings.Join(lines, "\n")),
	); err != nil {
		t.Fatal(err)
	}
	t.Logf("review screenshot: %s", screenshot(t, ctx, "review"))
	click(t, ctx, form+`button[type="submit"]`)

	// The check: the change with every wording, and the guard's verdict;
	// nothing is written yet.
	waitText(t, ctx, "#diff", "learned.yaml (new file)")
	waitText(t, ctx, "#diff", "+  - id: gift_certificate")
	waitText(t, ctx, "#diff", `+        - "сертификат в подарок другу"`)
	if blocked := evalString(t, ctx, `document.querySelector("#verdict").dataset.blocked`); blocked != "false" {
		t.Fatalf("the new intent is blocked:\n%s", evalString(t, ctx, `document.querySelector("#verdict").innerText`))
	}
	if _, err := os.Stat(filepath.Join(dir, intents.LearnedFile)); err == nil {
		t.Fatal("the check wrote the file")
	}
	click(t, ctx, `#save`)
	waitText(t, ctx, "#saved", "root added the intent gift_certificate to learned.yaml")
	waitText(t, ctx, "#history", "gift_certificate")

	// The bot answers the question now, in a new conversation, in the
	// wording the admin added.
	r := s.say("g3", "1", "подарочная карта у вас есть?")
	if r.Ticket != nil || len(r.Replies) == 0 || r.Replies[0].Text != "Подарочные сертификаты продаются в наших офисах." {
		t.Errorf("after the edit the bot replies %+v", r)
	}

	// The answer that did not help, added to another intent: the check
	// warns, and the admin saves it with a reason.
	group := evalString(t, ctx, `[...document.querySelectorAll("section.review-group")].find(s => s.textContent.includes("не могу зайти в личный кабинет")).id`)
	click(t, ctx, "#"+group+" details.all-messages summary")
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#"+group+` form.add-example select[name="intent"]`), "reset_password")); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#"+group+` form.add-example button[type="submit"]`)
	waitText(t, ctx, "#verdict", "Warning: it is not saved unless you give a reason.")
	if n := evalString(t, ctx, `String(document.querySelectorAll("#save").length)`); n != "0" {
		t.Fatal("a warned edit offers to save without a reason")
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#reason`), "Клиенты пишут так, когда забыли пароль")); err != nil {
		t.Fatal(err)
	}
	t.Logf("warning screenshot: %s", screenshot(t, ctx, "review-warning"))
	click(t, ctx, `#save-anyway`)
	waitText(t, ctx, "#saved", "root added to the intent reset_password")
	waitText(t, ctx, "#history .override-reason", "Saved over a warning: Клиенты пишут так, когда забыли пароль")

	history, err := intents.ReadHistory(dir)
	if err != nil || len(history) != 2 || history[0].By != "root" || history[0].Intent != "gift_certificate" ||
		history[1].Intent != "reset_password" || history[1].Reason != "Клиенты пишут так, когда забыли пароль" ||
		!strings.Contains(history[1].Warning, "want login_problem") {
		t.Errorf("audit log %+v (%v), want root's new intent, then the example saved with a reason", history, err)
	}

	// On disk: the new file, and every other file as it was.
	demo, err := filepath.Glob("../../configs/intents/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range demo {
		if filepath.Base(f) == "account.yaml" {
			continue // the example saved over the warning
		}
		want, _ := os.ReadFile(f)
		if got, _ := os.ReadFile(filepath.Join(dir, filepath.Base(f))); string(got) != string(want) {
			t.Errorf("%s changed", filepath.Base(f))
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, intents.LearnedFile))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != wantLearned {
		t.Errorf("learned.yaml:\n%s\nwant:\n%s", got, wantLearned)
	}
}
