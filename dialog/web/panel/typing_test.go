package panel_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestTyping checks the reply box's typing signal: an agent who may reply
// is shown to the customer as typing; anyone else is refused and shown to
// nobody.
func TestTyping(t *testing.T) {
	h := newHarness(t)
	tk := h.escalate("c1", "Anna Petrova")
	path := "/panel/tickets/" + tk.Number + "/typing"

	h.post("nina", path, url.Values{}, http.StatusForbidden) // an analyst does not reply
	if who, ok := h.engine.TypingIn(tk.ConversationID); ok {
		t.Fatalf("typing %+v after a refused signal", who)
	}
	h.post("anna", path, url.Values{}, http.StatusNoContent)
	if who, ok := h.engine.TypingIn(tk.ConversationID); !ok || who.Name != "anna" {
		t.Errorf("TypingIn = %+v, %v; want anna", who, ok)
	}
	h.post("anna", "/panel/tickets/FL-999999/typing", url.Values{}, http.StatusNotFound)

	h.post("anna", "/panel/tickets/"+tk.Number+"/take", url.Values{"version": {h.version("anna", tk.Number)}}, http.StatusSeeOther)
	h.post("boris", path, url.Values{}, http.StatusConflict) // anna's ticket
}
