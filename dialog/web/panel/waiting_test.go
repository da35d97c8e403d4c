package panel_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestWaitAction puts a ticket on hold for the customer from its page,
// with a reply sent at the same time: the customer hears both, the page
// and the queue show the ticket waiting, and the customer's answer gives
// it back to the agent. A stale form, a closed ticket and another's
// ticket are refused without a change.
func TestWaitAction(t *testing.T) {
	h := newHarness(t)
	tk := h.escalate("c1", "Anna Petrova")
	path := "/panel/tickets/" + tk.Number
	h.post("anna", path+"/take", url.Values{"version": {h.version("anna", tk.Number)}}, http.StatusSeeOther)
	page := h.get("anna", path, http.StatusOK)
	inOrder(t, page, `id="wait" formaction="`+path+`/wait"`, `id="send-reply"`)
	seen := h.version("anna", tk.Number)

	w := h.post("anna", path+"/wait", url.Values{"version": {seen}, "text": {"Which router model is it?"}}, http.StatusSeeOther)
	if got := w.Header().Get("Location"); got != path {
		t.Errorf("redirect to %q, want %q", got, path)
	}
	got := h.ticket(tk.Number)
	if got.Status != dialog.TicketWaiting || got.Assignee != "anna" || got.WaitingSince.IsZero() {
		t.Fatalf("after wait: %+v", got)
	}
	msgs := h.messages(tk.Number)
	if len(msgs) < 2 {
		t.Fatalf("transcript %v", msgs)
	}
	question, told := msgs[len(msgs)-2], msgs[len(msgs)-1]
	if question.Author != dialog.AuthorAgent || question.Text != "Which router model is it?" {
		t.Errorf("the reply sent with the wait: %s %q", question.Author, question.Text)
	}
	if told.Author != dialog.AuthorSystem || !strings.Contains(told.Text, "ждёт вашего ответа по обращению "+tk.Number) {
		t.Errorf("the customer was told %s %q", told.Author, told.Text)
	}
	page = h.get("anna", path, http.StatusOK)
	for _, want := range []string{`class="pill st-waiting"`, `id="waiting-hint"`, `id="send-reply"`, `sla-paused`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page of a waiting ticket lacks %s", want)
		}
	}
	if strings.Contains(page, `id="wait"`) {
		t.Error("the page offers to wait again")
	}
	if queue := h.get("anna", "/panel/queue", http.StatusOK); !strings.Contains(queue, tk.Number) || !strings.Contains(queue, "st-waiting") || !strings.Contains(queue, "sla-paused") {
		t.Error("the queue does not list the waiting ticket as waiting")
	}

	refused := func(user, number string, form url.Values, want int, text string) {
		t.Helper()
		before, count := h.ticket(number), len(h.messages(number))
		body := h.post(user, "/panel/tickets/"+number+"/wait", form, want).Body.String()
		if !strings.Contains(body, text) {
			t.Errorf("page lacks %q", text)
		}
		if after := h.ticket(number); after.Version != before.Version || len(h.messages(number)) != count {
			t.Errorf("a refused wait changed the ticket: %+v → %+v", before, after)
		}
	}
	// The form made before the wait is stale now.
	refused("anna", tk.Number, url.Values{"version": {seen}, "text": {"again"}}, http.StatusConflict, "changed since you opened it")
	refused("anna", tk.Number, url.Values{"version": {h.version("anna", tk.Number)}}, http.StatusConflict, "waits for the customer already")
	refused("boris", tk.Number, url.Values{"version": {h.version("boris", tk.Number)}}, http.StatusConflict, "already taken by anna")

	// The customer answers: the ticket is anna's to work again.
	h.send("c1", "Anna Petrova", "RT-AC68U")
	if got := h.ticket(tk.Number); got.Status != dialog.TicketAssigned || got.Assignee != "anna" || !got.WaitingSince.IsZero() {
		t.Errorf("after the customer's answer: %+v", got)
	}

	closed := h.escalate("c2", "Bob Jones")
	if _, err := h.engine.Close(h.ctx, dialog.TicketAction{Number: closed.Number, Agent: "anna"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.get("anna", "/panel/tickets/"+closed.Number, http.StatusOK), `id="wait"`) {
		t.Error("the page of a closed ticket offers to wait")
	}
	refused("anna", closed.Number, url.Values{"version": {h.version("anna", closed.Number)}}, http.StatusConflict, "is closed")
}
