package main

import (
	"os"
	"path/filepath"
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
// created, since the demo has no learned.yaml, with the group's messages.
const wantLearned = `# Intents started from customers' messages ("firstline learn" or the panel).
# Edit this file like any other: later additions only insert lines.
intents:
  - id: gift_certificate
    title: {ru: "Подарочный сертификат", en: "Gift certificate"}
    examples:
      ru:
        - "подарочный сертификат купить"
        - "можно подарочный сертификат на интернет"
    answer:
      ru: "Подарочные сертификаты продаются в наших офисах."
`

// TestReviewInBrowser teaches the bot from the review page as an admin
// does it, in a real browser: two customers ask about gift certificates,
// which the demo knowledge base does not know, and are escalated; the
// admin finds their messages grouped on the review page, starts a new
// intent from the group, checks it, saves it, and the bot answers the
// question from then on. The file on disk is the change and nothing else.
func TestReviewInBrowser(t *testing.T) {
	data := t.TempDir()
	dir := copyIntents(t)
	addUser(t, data, "root", "admin", "correct horse battery")
	s := startServer(t, data, "--intents", dir)

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

	ctx := newBrowser(t)
	login(t, ctx, s.url, "root", "correct horse battery")
	click(t, ctx, `nav a[href="/panel/review"]`)
	waitText(t, ctx, "#group-1 .samples", "подарочный сертификат купить")
	waitText(t, ctx, "#group-1 .samples", "можно подарочный сертификат на интернет")
	waitText(t, ctx, "#group-1 .reasons", "escalated: 2")

	// A new intent from the group: both messages are ticked already.
	click(t, ctx, `#group-1 details.new-intent summary`)
	if n := evalString(t, ctx, `String(document.querySelectorAll('#group-1 .new-intent-form input[type=checkbox]:checked').length)`); n != "2" {
		t.Fatalf("%s of the group's messages are ticked, want 2", n)
	}
	form := `#group-1 .new-intent-form `
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(form+`input[name="id"]`), "gift_certificate"),
		chromedp.SetValue(chromedp.CSS(form+`input[name="title_ru"]`), "Подарочный сертификат"),
		chromedp.SetValue(chromedp.CSS(form+`input[name="title_en"]`), "Gift certificate"),
		chromedp.SetValue(chromedp.CSS(form+`textarea[name="answer_ru"]`), "Подарочные сертификаты продаются в наших офисах."),
	); err != nil {
		t.Fatal(err)
	}
	t.Logf("review screenshot: %s", screenshot(t, ctx, "review"))
	click(t, ctx, form+`button[type="submit"]`)

	// The check: the change, and the guard's verdict; nothing is written yet.
	waitText(t, ctx, "#diff", "learned.yaml (new file)")
	waitText(t, ctx, "#diff", "+  - id: gift_certificate")
	if blocked := evalString(t, ctx, `document.querySelector("#verdict").dataset.blocked`); blocked != "false" {
		t.Fatalf("the new intent is blocked:\n%s", evalString(t, ctx, `document.querySelector("#verdict").innerText`))
	}
	if _, err := os.Stat(filepath.Join(dir, intents.LearnedFile)); err == nil {
		t.Fatal("the check wrote the file")
	}
	click(t, ctx, `#save`)
	waitText(t, ctx, "#saved", "root added the intent gift_certificate to learned.yaml")
	waitText(t, ctx, "#history", "gift_certificate")

	// The bot answers the question now, in a new conversation.
	r := s.say("g3", "1", "подарочный сертификат купить")
	if r.Ticket != nil || len(r.Replies) == 0 || r.Replies[0].Text != "Подарочные сертификаты продаются в наших офисах." {
		t.Errorf("after the edit the bot replies %+v", r)
	}
	history, err := intents.ReadHistory(dir)
	if err != nil || len(history) != 1 || history[0].By != "root" || history[0].Intent != "gift_certificate" {
		t.Errorf("audit log %+v (%v), want root's new intent", history, err)
	}

	// On disk: the new file, and every other file as it was.
	demo, err := filepath.Glob("../../configs/intents/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range demo {
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
