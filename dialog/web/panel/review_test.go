package panel_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// reviewNow is when the review tests look at the page: the range it opens
// on, the last week, is 2026-03-04 to 2026-03-10.
var reviewNow = time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)

// reviewHarness is the harness with conversations the bot did not answer
// well, played through its engine on a clock the test sets, left at
// reviewNow.
//
// Two customers ask for their money back, are asked to rephrase, and are
// escalated; one asks how to set something up and is asked which of two
// things; one is answered about paying by card and says it did not help;
// one is answered about a password, an example already, and says the
// same; two ask about gift certificates in words of their own, are asked
// to rephrase and leave;
// and, long before the range, one more asks for a refund.
func reviewHarness(t *testing.T) *harness {
	t.Helper()
	return reviewHarnessOn(t, dialogtest.Store(t, slog.New(slog.DiscardHandler)))
}

// reviewHarnessOn is reviewHarness over an empty store of the test's
// choosing.
func reviewHarnessOn(t *testing.T, store dialog.Store) *harness {
	t.Helper()
	h := newHarnessOn(t, store)
	var clock time.Time
	h.engine.SetClock(func() time.Time { return clock })
	at := func(day, hh, mm int) {
		clock = reviewNow.Truncate(24*time.Hour).AddDate(0, 0, day).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	}
	say := func(chat, text string) *dialog.Outcome {
		t.Helper()
		h.seq++
		out, err := h.engine.Handle(h.ctx, dialog.Inbound{
			Channel: "webchat", ChatID: chat, ExternalID: fmt.Sprint("m", h.seq), CustomerName: "Анна", Text: text,
		})
		if err != nil {
			t.Fatalf("%s says %q: %v", chat, text, err)
		}
		return out
	}
	at(-20, 10, 0)
	say("old", "верните деньги")
	say("old", "хочу вернуть деньги за подписку")

	at(-3, 10, 0)
	say("a", "как вернуть деньги")
	say("a", "верните деньги за подписку")
	at(-2, 11, 0)
	say("b", "хочу вернуть деньги")
	say("b", "вернуть деньги за подписку срочно")
	at(-2, 12, 0)
	say("c", "как настроить")
	at(-1, 9, 0)
	say("d", "как оплатить интернет картой")
	say("d", "нет")
	at(-1, 10, 0)
	say("e", "забыл пароль")
	say("e", "нет")
	at(-1, 11, 0)
	say("f", "есть ли у вас подарочные сертификаты?")
	at(-1, 11, 30)
	say("g", "можно купить сертификат в подарок")
	clock = reviewNow
	return h
}

// group is one group of the review page: its count, reasons and texts.
type group struct {
	count   string
	reasons []string // reason=count
	texts   []string // every message, in order
	suggest []string // intent ids
	similar []string // intent ids of the closest examples
}

// groups reads the groups of the review page in order.
func groups(t *testing.T, body string) []group {
	t.Helper()
	var out []group
	parts := strings.Split(body, `<section class="card review-group"`)
	for _, part := range parts[1:] {
		part, _, _ = strings.Cut(part, "</section>")
		g := group{count: regexp.MustCompile(`data-count="(\d+)"`).FindStringSubmatch(part)[1]}
		for _, m := range regexp.MustCompile(`data-reason="([a-z_]+)" data-count="(\d+)"`).FindAllStringSubmatch(part, -1) {
			g.reasons = append(g.reasons, m[1]+"="+m[2])
		}
		for _, m := range regexp.MustCompile(`<td class="text" lang="[a-z]*">([^<]*) <span`).FindAllStringSubmatch(part, -1) {
			g.texts = append(g.texts, m[1])
		}
		g.suggest = attrs(part, "data-intent")
		g.similar = attrs(part, "data-similar")
		out = append(out, g)
	}
	return out
}

func TestReviewList(t *testing.T) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			h := reviewHarnessOn(t, open(t))
			body := h.get("root", "/panel/review", http.StatusOK)
			inOrder(t, body, `id="range">2026-03-04 to 2026-03-10: 7 days, UTC`,
				`id="review-summary">Messages: 8, groups: 4; left out as already examples: 1.`)
			got := groups(t, body)
			want := []group{
				// The refunds: the first wordings, which the bot asked to
				// rephrase, and the second, escalated: the biggest group.
				{count: "4", reasons: []string{"escalated=2", "rephrased=2"},
					texts:   []string{"как вернуть деньги", "верните деньги за подписку", "хочу вернуть деньги", "вернуть деньги за подписку срочно"},
					suggest: []string{"pay_bill", "talk_to_human"}},
				// The gift certificates, asked about in words of their own by
				// customers who left after the bot asked to rephrase.
				{count: "2", reasons: []string{"rephrased=2"}, texts: []string{"есть ли у вас подарочные сертификаты?", "можно купить сертификат в подарок"},
					suggest: []string{"pay_bill"}},
				{count: "1", reasons: []string{"clarified=1"}, texts: []string{"как настроить"}, suggest: []string{"setup_router"}},
				// The answer that did not help: its question, not the "no".
				{count: "1", reasons: []string{"not_helpful=1"}, texts: []string{"как оплатить интернет картой"}, suggest: []string{"pay_bill"}},
			}
			// The closest examples by full-text search (the refunds' are whatever
			// shares "как"): none share the certificates' words; "как настроить"
			// is as much about the router as the TV; the payment question's
			// closest is a payment example.
			for i, first := range [][]string{nil, nil, {"setup_router", "setup_tv"}, {"pay_bill"}} {
				if i >= len(got) {
					break
				}
				if i == 0 {
					got[i].similar = nil
					continue
				}
				if s := got[i].similar; len(first) == 0 && len(s) != 0 || len(first) > 0 && (len(s) == 0 || !slices.Contains(first, s[0])) {
					t.Errorf("group %d: closest examples of %v, want one of %q first", i+1, s, first)
				}
				got[i].similar = nil
			}
			// The same page every time.
			if again := h.get("root", "/panel/review", http.StatusOK); again != body {
				t.Errorf("the review page changed between two loads")
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("groups:\n got %v\nwant %v", got, want)
			}
			// What the bot does with each now, by the knowledge base in use.
			inOrder(t, body, `верните деньги за подписку <span`, `data-decision="none">does not know: Payment`)
			inOrder(t, body, `как настроить <span`, `data-decision="clarify">asks to clarify: Router setup`)
			inOrder(t, body, `как оплатить интернет картой <span`, `data-decision="answer">answers: Payment`)
			for _, left := range []string{"забыл пароль", "хочу вернуть деньги за подписку", ">нет<"} {
				if strings.Contains(body, left) {
					t.Errorf("the page lists %q", left)
				}
			}

			// A range of its own: only the old refund.
			old := h.get("root", "/panel/review?from=2026-02-15&to=2026-02-20", http.StatusOK)
			if g := groups(t, old); len(g) != 1 || fmt.Sprint(g[0].texts) != "[верните деньги хочу вернуть деньги за подписку]" {
				t.Errorf("groups of 2026-02-15 to 2026-02-19: %v", g)
			}
			bad := h.get("root", "/panel/review?from=2026-03-10&to=2026-03-01", http.StatusBadRequest)
			if !strings.Contains(bad, `id="review-error"`) || strings.Contains(bad, "review-group") {
				t.Error("a backwards range is not refused with nothing listed")
			}
		})
	}
}

func TestReviewRoles(t *testing.T) {
	h := reviewHarness(t)
	h.get("anna", "/panel/review", http.StatusForbidden)
	if strings.Contains(h.get("anna", "/panel/queue", http.StatusOK), `href="/panel/review"`) {
		t.Error("an agent's menu links to the review page")
	}
	// The analyst reads the same list, with no way to change anything.
	body := h.get("nina", "/panel/review", http.StatusOK)
	if len(groups(t, body)) != 4 {
		t.Errorf("the analyst sees %d groups, want 4", len(groups(t, body)))
	}
	if strings.Contains(body, "/panel/review/preview") || strings.Contains(body, `name="example_ru"`) {
		t.Error("the analyst's page has the admins' forms")
	}
	form := url.Values{"kind": {"add_example"}, "intent": {"pay_bill"}, "lang": {"ru"}, "text": {"как оплатить интернет картой"}}
	h.post("nina", "/panel/review/preview", form, http.StatusForbidden)
	h.post("nina", "/panel/review/apply", form, http.StatusForbidden)
	h.post("anna", "/panel/review/apply", form, http.StatusForbidden)
	// Nor from another site, even as the admin.
	w := h.do(request{method: http.MethodPost, path: "/panel/review/apply", form: form, user: "root",
		header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}})
	if w.Code != http.StatusForbidden {
		t.Errorf("a cross-site save: %d, want 403", w.Code)
	}
	h.unchanged()
	if !strings.Contains(h.get("root", "/panel/queue", http.StatusOK), `href="/panel/review"`) {
		t.Error("the admin's menu does not link to the review page")
	}
}

// unchanged fails unless the intents directory is as the harness copied
// it, with no audit log.
func (h *harness) unchanged() {
	h.t.Helper()
	want, err := os.ReadFile("../../testdata/intents/faq.yaml")
	if err != nil {
		h.t.Fatal(err)
	}
	if got := h.file("faq.yaml"); !bytes.Equal(got, want) {
		h.t.Errorf("faq.yaml changed:\n%s", got)
	}
	for _, name := range []string{intents.HistoryFile, intents.LearnedFile} {
		if _, err := os.Stat(filepath.Join(h.dir, name)); err == nil {
			h.t.Errorf("%s was written", name)
		}
	}
}

// file reads a file of the intents directory.
func (h *harness) file(name string) []byte {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.dir, name))
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// match matches text with the knowledge base in use.
func (h *harness) match(text string) kb.Result {
	k, release := h.kb.Acquire()
	defer release()
	return k.Match(h.ctx, text, "ru")
}

// golden fails unless got is the file testdata/review/name.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join("testdata", "review", name))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the file is not testdata/review/%s:\n%s", name, got)
	}
}

func TestReviewAddExample(t *testing.T) {
	h := reviewHarness(t)
	if res := h.match("как настроить"); res.Decision == kb.DecisionAnswer {
		t.Fatalf("the bot answers %q before the edit: %+v", "как настроить", res)
	}
	form := url.Values{"kind": {"add_example"}, "intent": {"setup_router"}, "lang": {"ru"}, "text": {"как настроить"},
		"from": {"2026-03-04"}, "to": {"2026-03-11"}}

	// The preview shows the change and the verdict, and writes nothing.
	body := h.post("root", "/panel/review/preview", form, http.StatusOK).Body.String()
	inOrder(t, body, `id="diff">faq.yaml:37`, `-      ru: [&#34;настроить роутер&#34;, &#34;настройка роутера дома&#34;, &#34;как настроить wifi роутер&#34;]`, `&#43;      ru: [&#34;настроить роутер&#34;, &#34;настройка роутера дома&#34;, &#34;как настроить wifi роутер&#34;, &#34;как настроить&#34;]`,
		`id="verdict" data-blocked="false"`, "It may be saved.",
		`id="added-score">setup_router: the others recognise 0 of its 1 new examples; on the 6 it had, 83% before and 83% after.`, `id="save"`)
	h.unchanged()

	// Saving writes it, records it and makes it live at once.
	w := h.post("root", "/panel/review/apply", form, http.StatusSeeOther)
	golden(t, "faq_add_example.yaml", h.file("faq.yaml"))
	history, err := intents.ReadHistory(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 1 {
		t.Fatalf("audit log: %+v, want one line", history)
	}
	c := history[0]
	if c.By != "root" || c.Kind != intents.EditAddExample || c.File != "faq.yaml" || c.Intent != "setup_router" ||
		fmt.Sprint(c.Added) != "map[ru:[как настроить]]" {
		t.Errorf("audit line %+v", c)
	}
	if res := h.match("как настроить"); res.Decision != kb.DecisionAnswer || res.Intent != "setup_router" {
		t.Errorf("after the edit the bot does %s %q with %q, want to answer setup_router", res.Decision, res.Intent, "как настроить")
	}

	// Back on the review page, which says what was saved; the message is
	// an example now, so it is left out.
	loc := w.Header().Get("Location")
	if !strings.HasPrefix(loc, "/panel/review?") || !strings.Contains(loc, "from=2026-03-04") {
		t.Fatalf("redirected to %q", loc)
	}
	page := h.get("root", loc, http.StatusOK)
	inOrder(t, page, `id="saved">Saved: root added to the intent setup_router in faq.yaml the example <q lang="ru">как настроить</q>`,
		`id="review-summary">Messages: 7, groups: 3; left out as already examples: 2.`,
		`id="history"`, "root", "<code>faq.yaml</code>", "setup_router", "как настроить")
	// The same save again is refused as a duplicate, with nothing more written.
	body = h.post("root", "/panel/review/apply", form, http.StatusConflict).Body.String()
	inOrder(t, body, `id="problem"`, "Nothing was saved.", "already in the knowledge base")
	if n, _ := intents.ReadHistory(h.dir); len(n) != 1 {
		t.Errorf("audit log has %d lines after a refused save", len(n))
	}
}

func TestReviewBlocked(t *testing.T) {
	h := reviewHarness(t)
	// A test of the router, then the knowledge base reloaded with it.
	faq := append(h.file("faq.yaml"), "\ntests:\n  - message: \"как настроить роутер дома\"\n    expect: setup_router\n"...)
	if err := os.WriteFile(filepath.Join(h.dir, "faq.yaml"), faq, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := h.reload(); err != nil {
		t.Fatal(err)
	}
	// The router's own words as an example of the TV break it.
	form := url.Values{"kind": {"add_example"}, "intent": {"setup_tv"}, "lang": {"ru"}, "text": {"как настроить роутер дома"}}
	for _, path := range []string{"/panel/review/preview", "/panel/review/apply"} {
		want := http.StatusOK
		if strings.HasSuffix(path, "apply") {
			want = http.StatusConflict
		}
		body := h.post("root", path, form, want).Body.String()
		inOrder(t, body, `id="verdict" data-blocked="true"`, "Warning: it is not saved unless you give a reason.",
			`id="failed"`, "<td>как настроить роутер дома</td><td>setup_router</td><td>setup_tv</td>", "<code>faq.yaml:72</code>",
			`id="override"`, `name="reason"`, `id="save-anyway"`)
		if strings.Contains(body, `id="save"`) {
			t.Errorf("%s of a blocked edit offers to save it without a reason", path)
		}
		if saving := strings.HasSuffix(path, "apply"); strings.Contains(body, `id="need-reason"`) != saving {
			t.Errorf("%s: the page asks for a reason: %v, want %v", path, !saving, saving)
		}
	}
	// A reason of spaces is none.
	form.Set("reason", "   ")
	h.post("root", "/panel/review/apply", form, http.StatusConflict)
	if !bytes.Equal(h.file("faq.yaml"), faq) {
		t.Error("a blocked edit was written")
	}
	if _, err := os.Stat(filepath.Join(h.dir, intents.HistoryFile)); err == nil {
		t.Error("a blocked edit was recorded")
	}

	// With a reason it is saved, and the log says why and over what.
	form.Set("reason", "Клиенты так называют приставку")
	w := h.post("root", "/panel/review/apply", form, http.StatusSeeOther)
	if bytes.Equal(h.file("faq.yaml"), faq) {
		t.Error("the edit saved with a reason was not written")
	}
	history, err := intents.ReadHistory(h.dir)
	if err != nil || len(history) != 1 {
		t.Fatalf("audit log %+v (%v), want one line", history, err)
	}
	c := history[0]
	if c.By != "root" || c.Reason != "Клиенты так называют приставку" ||
		!strings.Contains(c.Warning, `1 tests fail: "как настроить роутер дома" want setup_router, got setup_tv`) {
		t.Errorf("audit line %+v, want root's with the reason and the failing test", c)
	}
	page := h.get("root", w.Header().Get("Location"), http.StatusOK)
	inOrder(t, page, `id="history"`, "setup_tv", `class="muted override-reason" title="1 tests fail:`, "Saved over a warning: Клиенты так называют приставку")
}

func TestReviewInvalid(t *testing.T) {
	h := reviewHarness(t)
	newIntent := func(id, example, answer string) url.Values {
		return url.Values{"kind": {"new_intent"}, "id": {id}, "title_ru": {"Возврат"}, "example_ru": {example},
			"answer_ru": {answer}, "file": {"learned.yaml"}}
	}
	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		says   string
	}{
		{"bad id", newIntent("Refund Money", "верните деньги за подписку", "Вернём."), http.StatusBadRequest, "malformed intent id &#34;Refund Money&#34;"},
		{"taken id", newIntent("pay_bill", "верните деньги за подписку", "Вернём."), http.StatusConflict, "intent &#34;pay_bill&#34; already exists"},
		{"example already there", newIntent("refund", "Забыл пароль!", "Вернём."), http.StatusConflict, "is the same as example &#34;забыл пароль&#34; of intent &#34;reset_password&#34;"},
		{"no answer", newIntent("refund", "верните деньги за подписку", ""), http.StatusBadRequest, "examples in ru need an answer in ru"},
		{"template error", newIntent("refund", "верните деньги за подписку", "Вернём {{.oops"), http.StatusBadRequest, "learned.yaml:"},
		{"file outside", func() url.Values {
			f := newIntent("refund", "верните деньги", "Вернём.")
			f.Set("file", "../x.yaml")
			return f
		}(),
			http.StatusBadRequest, "give a .yaml file inside the intents directory"},
		{"unknown intent", url.Values{"kind": {"add_example"}, "intent": {"nope"}, "lang": {"ru"}, "text": {"верните деньги"}},
			http.StatusBadRequest, "unknown intent &#34;nope&#34;"},
		{"unknown kind", url.Values{"kind": {"delete_everything"}}, http.StatusBadRequest, "There is no kind of change"},
	} {
		// A reason does not save what cannot be saved.
		c.form.Set("reason", "I know what I am doing")
		for _, path := range []string{"/panel/review/preview", "/panel/review/apply"} {
			body := h.post("root", path, c.form, c.status).Body.String()
			if !strings.Contains(body, c.says) {
				t.Errorf("%s, %s: the page does not say %q:\n%s", c.name, path, c.says, body)
			}
			if strings.Contains(body, `id="save"`) || strings.Contains(body, `id="save-anyway"`) {
				t.Errorf("%s, %s: the page offers to save", c.name, path)
			}
		}
	}
	h.unchanged()
}

// TestReviewFirstWordingOfOldEvents checks that a conversation recorded
// before the bot recorded its requests to rephrase still shows its first
// wording: the customer message before an escalation for no match.
func TestReviewFirstWordingOfOldEvents(t *testing.T) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			h := newHarnessOn(t, open(t))
			at := reviewNow.Add(-24 * time.Hour)
			var first, second *dialog.Message
			err := h.store.Update(h.ctx, func(tx dialog.Tx) error {
				conv, err := tx.EnsureConversation(h.ctx, "webchat", "old-chat")
				if err != nil {
					return err
				}
				add := func(m *dialog.Message, acts ...dialog.Activity) error {
					m.ConversationID, m.CreatedAt = conv.ID, at
					if err := tx.AddMessage(h.ctx, m); err != nil {
						return err
					}
					for _, a := range acts {
						a.ConversationID, a.MessageID, a.At = conv.ID, m.ID, at
						if err := tx.AddActivity(h.ctx, &a); err != nil {
							return err
						}
						at = at.Add(time.Second)
					}
					return nil
				}
				first = &dialog.Message{Author: dialog.AuthorCustomer, Text: "есть ли у вас подарочные сертификаты?", Lang: "ru"}
				second = &dialog.Message{Author: dialog.AuthorCustomer, Text: "подарочный сертификат купить", Lang: "ru"}
				// As the bot recorded it then: the request to rephrase left no
				// event of its own.
				if err := add(first, dialog.Activity{Kind: dialog.ActivityMessageIn}, dialog.Activity{Kind: dialog.ActivityMessageOut, Author: dialog.AuthorBot}); err != nil {
					return err
				}
				return add(second, dialog.Activity{Kind: dialog.ActivityMessageIn},
					dialog.Activity{Kind: dialog.ActivityEscalated, Reason: dialog.ReasonNoMatch})
			})
			if err != nil {
				t.Fatal(err)
			}
			body := h.get("root", "/panel/review?from=2026-03-09&to=2026-03-10", http.StatusOK)
			got := groups(t, body)
			want := []group{{count: "2", reasons: []string{"escalated=1", "rephrased=1"},
				texts: []string{"есть ли у вас подарочные сертификаты?", "подарочный сертификат купить"}}}
			for i := range got {
				got[i].suggest, got[i].similar = nil, nil
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("groups:\n got %v\nwant %v", got, want)
			}
			inOrder(t, body, fmt.Sprintf(`data-message="%d"`, first.ID), "asked to rephrase", fmt.Sprintf(`data-message="%d"`, second.ID), "escalated")
		})
	}
}

// TestReviewNewIntentWordings starts an intent from a group with more
// wordings than the group has: the form's text areas hold the group's
// messages a line each; the admin removes one, adds others in both
// languages, and the check and the save take every line.
func TestReviewNewIntentWordings(t *testing.T) {
	h := reviewHarness(t)
	page := h.get("root", "/panel/review", http.StatusOK)
	inOrder(t, page, `id="group-2"`, `<textarea name="examples_ru" lang="ru" rows="4"`,
		">есть ли у вас подарочные сертификаты?\nможно купить сертификат в подарок</textarea>",
		`<textarea name="examples_en" lang="en" rows="3"`, "></textarea>")

	form := url.Values{"kind": {"new_intent"}, "id": {"gift_certificate"}, "file": {"learned.yaml"},
		"title_ru": {"Подарочный сертификат"}, "answer_ru": {"Сертификаты продаются в офисах."},
		"title_en": {"Gift certificate"}, "answer_en": {"Gift certificates are sold in our offices."},
		// The second message removed; three wordings added, one twice,
		// with blank lines and spaces around.
		"examples_ru": {"есть ли у вас подарочные сертификаты?\n\n  подарочная карта на интернет продаётся?\nсертификат в подарок другу\r\nсертификат в подарок другу\n"},
		"examples_en": {"do you sell gift cards\ngift certificate available?"},
		"from":        {"2026-03-04"}, "to": {"2026-03-11"}}
	wantRU := []string{"есть ли у вас подарочные сертификаты?", "подарочная карта на интернет продаётся?", "сертификат в подарок другу"}
	wantEN := []string{"do you sell gift cards", "gift certificate available?"}
	body := h.post("root", "/panel/review/preview", form, http.StatusOK).Body.String()
	for _, ex := range append(slices.Clone(wantRU), wantEN...) {
		if !strings.Contains(body, "&#43;        - &#34;"+ex+"&#34;") {
			t.Errorf("the diff does not add %q", ex)
		}
	}
	inOrder(t, body, `id="verdict" data-blocked="false"`, `id="new-score"`, "gift_certificate",
		`<textarea name="examples_ru" lang="ru" rows="5"`, ">"+strings.Join(wantRU, "\n")+"</textarea>",
		`<textarea name="examples_en" lang="en" rows="4"`, ">"+strings.Join(wantEN, "\n")+"</textarea>", `id="save"`)
	if strings.Contains(body, "можно купить сертификат в подарок") {
		t.Error("the removed line is still in the edit")
	}
	h.unchanged()

	h.post("root", "/panel/review/apply", form, http.StatusSeeOther)
	history, err := intents.ReadHistory(h.dir)
	if err != nil || len(history) != 1 {
		t.Fatalf("audit log %+v (%v), want one line", history, err)
	}
	if got := history[0].Added; !slices.Equal(got["ru"], wantRU) || !slices.Equal(got["en"], wantEN) || history[0].Reason != "" {
		t.Errorf("audit line %+v, want every line added, and no reason", history[0])
	}
	learned := string(h.file(intents.LearnedFile))
	for _, ex := range append(slices.Clone(wantRU), wantEN...) {
		if !strings.Contains(learned, `- "`+ex+`"`) {
			t.Errorf("learned.yaml lacks %q:\n%s", ex, learned)
		}
	}
	if res := h.match("подарочная карта на интернет продаётся?"); res.Intent != "gift_certificate" {
		t.Errorf("after the save the bot does %s %q with an added wording, want gift_certificate", res.Decision, res.Intent)
	}
}
