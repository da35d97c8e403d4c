package panel_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

func TestEraseCustomer(t *testing.T) {
	h := newHarness(t)
	const marker = "Pn8customerWords"
	h.send("c1", "Anna "+marker, "где мой заказ "+marker)
	tk := h.escalate("c1", "Anna "+marker)
	path := "/panel/tickets/" + tk.Number
	confirmed := url.Values{"confirm": {"erase"}}

	// Only admins see the action, and only once the ticket is closed.
	if page := h.get("anna", path, http.StatusOK); strings.Contains(page, "/erase") {
		t.Error("an agent is offered to erase the customer's data")
	}
	if page := h.get("root", path, http.StatusOK); strings.Contains(page, `action="`+path+`/erase"`) {
		t.Error("an admin is offered to erase the data of a customer whose ticket is open")
	}
	w := h.post("root", path+"/erase", confirmed, http.StatusConflict)
	if !strings.Contains(w.Body.String(), "Close the customer") && !strings.Contains(w.Body.String(), "Закройте") {
		t.Errorf("erasing with an open ticket does not say why it was refused:\n%s", w.Body.String())
	}
	h.post("anna", path+"/erase", confirmed, http.StatusForbidden)
	if _, err := h.engine.Close(h.ctx, dialog.TicketAction{Number: tk.Number, Agent: "anna"}); err != nil {
		t.Fatal(err)
	}
	page := h.get("root", path, http.StatusOK)
	if !strings.Contains(page, `action="`+path+`/erase"`) || !strings.Contains(page, "data-confirm=") {
		t.Fatalf("the admin is not offered to erase, with a confirmation, the closed ticket's customer:\n%s", page)
	}
	h.post("anna", path+"/erase", confirmed, http.StatusForbidden)
	h.post("root", path+"/erase", nil, http.StatusBadRequest) // not confirmed
	if h.ticket(tk.Number).CustomerName == "" {
		t.Fatal("a refused erasure erased")
	}
	// Another site's form is refused like every panel action.
	if w := h.do(request{method: http.MethodPost, path: path + "/erase", form: confirmed, user: "root",
		header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}}); w.Code != http.StatusForbidden {
		t.Errorf("a cross-site erase: status %d, want 403", w.Code)
	}

	w = h.post("root", path+"/erase", confirmed, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != path {
		t.Errorf("after erasing: redirect to %q, want %q", loc, path)
	}
	page = h.get("root", path, http.StatusOK)
	if strings.Contains(page, marker) {
		t.Error("the ticket page still shows the customer's words or name")
	}
	if !strings.Contains(page, `id="erased"`) || strings.Contains(page, `action="`+path+`/erase"`) {
		t.Errorf("the page of an erased customer's ticket does not say so, or offers to erase again:\n%s", page)
	}
	if t2 := h.ticket(tk.Number); t2.Status != dialog.TicketClosed || t2.Number != tk.Number {
		t.Errorf("the erased customer's ticket: %+v", t2)
	}
	for _, m := range h.messages(tk.Number) {
		if m.Text != "" {
			t.Errorf("message %d kept its text %q", m.ID, m.Text)
		}
	}
	for _, user := range []string{"root", "anna"} {
		if page := h.get(user, path, http.StatusOK); strings.Contains(page, `id="composer"`) {
			t.Errorf("%s is offered to write a note on the erased customer's ticket", user)
		}
	}
	note := url.Values{"version": {formatVersion(h.ticket(tk.Number).Version)}, "text": {"note about " + marker}}
	h.post("anna", path+"/note", note, http.StatusConflict)
	// Twice is harmless.
	h.post("root", path+"/erase", confirmed, http.StatusSeeOther)

	logs := h.logs.String()
	if !strings.Contains(logs, "customer data erased from the panel") || !strings.Contains(logs, "by=root") {
		t.Errorf("the erasure is not in the log with who did it:\n%s", logs)
	}
	if strings.Contains(logs, marker) {
		t.Errorf("the log holds the customer's words or name:\n%s", logs)
	}
}
