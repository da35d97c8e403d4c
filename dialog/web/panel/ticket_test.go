package panel_test

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// notHelpful opens a ticket the way customers often do: the bot answers,
// and the customer says it did not help.
func notHelpful(h *harness, chat, name string) *dialog.Ticket {
	h.t.Helper()
	h.send(chat, name, "забыл пароль")
	out := h.send(chat, name, "Нет")
	if out.Ticket == nil || out.Ticket.Reason != dialog.ReasonNotHelpful {
		h.t.Fatalf("no not-helpful ticket: %+v", out.Ticket)
	}
	return out.Ticket
}

func TestTicketPage(t *testing.T) {
	h := newHarness(t)
	tk := notHelpful(h, "c1", "Anna Petrova")
	if _, err := h.engine.Note(h.ctx, dialog.TicketAction{Number: tk.Number, Agent: "boris"}, "called her, no answer"); err != nil {
		t.Fatal(err)
	}
	msgs := h.messages(tk.Number)
	var answer *dialog.Message
	for _, m := range msgs {
		if m.Intent == "reset_password" {
			answer = m
		}
	}
	if answer == nil {
		t.Fatal("no bot answer in the transcript")
	}
	pct := fmt.Sprintf("%.0f%%", answer.Confidence*100)

	body := h.get("anna", "/panel/tickets/"+tk.Number, http.StatusOK)
	// The summary: why, what the bot considered, the facts and deadlines.
	inOrder(t, body,
		`id="summary"`, tk.Number, "in queue", "normal",
		"Anna Petrova", "webchat", "first_line", "nobody yet",
		"The customer said the bot&#39;s answer (Password reset) did not help.",
		`title="reset_password"`, "Password reset", `class="fill w`, pct,
		"First response", `data-due="`, "Resolution", `data-due="`)
	// The transcript in order: customer, bot answer with intent and
	// confidence, the feedback question, the customer's no, the handoff, the note.
	inOrder(t, body,
		`id="transcript"`,
		`class="msg customer"`, "забыл пароль",
		`class="msg bot"`, `<span class="intent" title="reset_password">Password reset <b>`+pct+`</b>`, "Anna, чтобы сбросить пароль",
		`class="msg bot"`, "Это помогло?", "<span>Да</span>",
		`class="msg customer"`, "Нет",
		`class="msg bot"`, tk.Number,
		`class="msg note"`, "Internal note · boris", "called her, no answer")
	for _, m := range msgs {
		if !strings.Contains(body, fmt.Sprintf(`data-id="%d"`, m.ID)) {
			t.Errorf("message %d (%s) missing", m.ID, m.Author)
		}
	}
	// Canned replies rendered for this ticket, customer and agent, in the
	// customer's language, with titles in the panel's.
	want := "Здравствуйте, Anna! Меня зовут anna, смотрю обращение " + tk.Number + "."
	inOrder(t, body, `id="canned"`, `data-shortcut="hello" data-text="`+html.EscapeString(want)+`"`, "Greeting", "/hello",
		`data-shortcut="wait" data-text="Мне нужно несколько минут, Anna Petrova. Оставайтесь в чате."`)
	// Every form carries the ticket's version; transfer offers the other queues.
	if n := strings.Count(body, `name="version" value="`+strconv.FormatInt(tk.Version, 10)+`"`); n != 5 {
		t.Errorf("%d forms carry the version, want 5 (take, close, asking for a field, composer, transfer)", n)
	}
	inOrder(t, body, `name="queue"`, `<option value="second_line"`, `<option value="third_line"`)
	if strings.Contains(body, `<option value="first_line"`) {
		t.Error("transfer offers the ticket's own queue")
	}
	inOrder(t, body, `/take"`, `/close"`, `<textarea name="text"`, `maxlength="4096"`, `/note"`, `/reply"`, `/transfer"`)
}

func TestTicketPageHistory(t *testing.T) {
	h := newHarness(t)
	old := h.escalate("c1", "Anna Petrova")
	if _, err := h.engine.Close(h.ctx, dialog.TicketAction{Number: old.Number, Agent: "anna"}); err != nil {
		t.Fatal(err)
	}
	h.send("c1", "Anna Petrova", "5") // rates the closed ticket
	// The customer comes back a month later: too late to reopen the old
	// ticket, so a new one is opened in the same conversation.
	err := h.store.Update(h.ctx, func(tx dialog.Tx) error {
		t, err := tx.Ticket(h.ctx, old.ID)
		if err != nil {
			return err
		}
		t.ClosedAt = t.ClosedAt.AddDate(0, 0, -30)
		return tx.UpdateTicket(h.ctx, t)
	})
	if err != nil {
		t.Fatal(err)
	}
	current := h.escalate("c1", "Anna Petrova")
	if current.Number == old.Number {
		t.Fatalf("the old ticket was reopened")
	}
	body := h.get("anna", "/panel/tickets/"+current.Number, http.StatusOK)
	inOrder(t, body, "Other tickets of this customer", `href="/panel/tickets/`+old.Number+`"`, "closed")
	// Messages of the earlier ticket say so.
	inOrder(t, body, `id="transcript"`, "ticket "+old.Number)
	// The old one shows its rating.
	body = h.get("anna", "/panel/tickets/"+old.Number, http.StatusOK)
	inOrder(t, body, "Rating", "5 of 5", `href="/panel/tickets/`+current.Number+`"`)
	if strings.Contains(body, "/reply\"") || strings.Contains(body, "/close\"") {
		t.Error("a closed ticket offers reply or close")
	}
	inOrder(t, body, "only internal notes can be added", `/note"`)
}

func TestTicketNotFound(t *testing.T) {
	h := newHarness(t)
	body := h.get("anna", "/panel/tickets/FL-999999", http.StatusNotFound)
	if !strings.Contains(body, "There is no ticket FL-999999.") {
		t.Errorf("404 page lacks the reason:\n%s", body)
	}
	h.get("anna", "/panel/tickets/FL-999999/transcript", http.StatusNotFound)
}

func TestTranscriptFragment(t *testing.T) {
	h := newHarness(t)
	tk := h.escalate("c1", "Anna Petrova")
	msgs := h.messages(tk.Number)
	last := msgs[len(msgs)-1].ID
	h.send("c1", "Anna Petrova", "are you there?")
	body := h.get("anna", fmt.Sprintf("/panel/tickets/%s/transcript?after=%d", tk.Number, last), http.StatusOK)
	if strings.Contains(body, "<html") || strings.Count(body, `<li class="msg`) < 1 {
		t.Fatalf("fragment is not a list of entries:\n%s", body)
	}
	inOrder(t, body, `class="msg customer"`, "are you there?")
	for _, m := range msgs {
		if strings.Contains(body, fmt.Sprintf(`data-id="%d"`, m.ID)) {
			t.Errorf("fragment repeats message %d", m.ID)
		}
	}
	h.get("anna", "/panel/tickets/"+tk.Number+"/transcript?after=x", http.StatusBadRequest)
}

func TestCustomerTextIsEscaped(t *testing.T) {
	h := newHarness(t)
	const img = `<img src=x onerror=alert(1)>`
	const script = `<script>alert(document.cookie)</script>`
	tk := h.escalate("c1", script)
	h.send("c1", script, img)
	h.send("c1", script, script+` " onmouseover="alert(2)`)
	for _, path := range []string{"/panel/tickets/" + tk.Number, "/panel/queue", "/panel/queue/list",
		"/panel/tickets/" + tk.Number + "/transcript"} {
		body := h.get("anna", path, http.StatusOK)
		for _, raw := range []string{"<img", "<script>alert", `" onmouseover`} {
			if strings.Contains(body, raw) {
				t.Errorf("%s carries %q unescaped", path, raw)
			}
		}
		if !strings.Contains(body, "&lt;script&gt;alert(document.cookie)&lt;/script&gt;") {
			t.Errorf("%s lacks the escaped customer text", path)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/panel/login", "/panel/queue", "/panel/static/panel.js"} {
		w := h.do(request{method: http.MethodGet, path: path, user: "anna"})
		if path == "/panel/login" {
			w = h.do(request{method: http.MethodGet, path: path})
		}
		hd := w.Header()
		if csp := hd.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if hd.Get("X-Frame-Options") != "DENY" || hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Frame-Options %q, X-Content-Type-Options %q", path, hd.Get("X-Frame-Options"), hd.Get("X-Content-Type-Options"))
		}
		// No inline script or style for the CSP to block.
		body := w.Body.String()
		if strings.Contains(body, "<script>") || strings.Contains(body, "style=") || strings.Contains(body, "onclick") {
			t.Errorf("%s has inline script or style", path)
		}
	}
	w := h.do(request{method: http.MethodGet, path: "/panel/static/panel.css"})
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("panel.css: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	for _, path := range []string{"/panel/static/", "/panel/static/nope.js", "/panel/static/../panel.go"} {
		if w := h.do(request{method: http.MethodGet, path: path}); w.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, w.Code)
		}
	}
}
