package panel_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestReplyShortcut checks that a reply sent as "/shortcut", without the
// reply box's script, reaches the customer as the canned reply in the
// customer's language, and that a shortcut nobody defined is refused with
// nothing sent.
func TestReplyShortcut(t *testing.T) {
	h := newHarness(t)
	tk := h.escalate("c1", "Anna Petrova")
	path := "/panel/tickets/" + tk.Number
	reply := func(text string, want int) *dialog.Message {
		t.Helper()
		h.post("anna", path+"/reply", url.Values{"version": {h.version("anna", tk.Number)}, "text": {text}}, want)
		msgs := h.messages(tk.Number)
		return msgs[len(msgs)-1]
	}

	last := reply("/hello", http.StatusSeeOther)
	if last.Author != dialog.AuthorAgent || strings.Contains(last.Text, "/hello") || !strings.Contains(last.Text, "Anna") ||
		!strings.Contains(last.Text, tk.Number) || !strings.Contains(last.Text, "anna") {
		t.Fatalf("/hello sent as %s %q, want the canned reply filled in", last.Author, last.Text)
	}
	conv, err := h.store.Conversation(h.ctx, tk.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if wantRU := conv.Lang == "ru"; wantRU != strings.Contains(last.Text, "Здравствуйте") {
		t.Errorf("customer language %s, canned reply %q", conv.Lang, last.Text)
	}

	// Text after the shortcut stays after the canned reply.
	last = reply("  /wait\nI will check the payment.", http.StatusSeeOther)
	if strings.Contains(last.Text, "/wait") || !strings.HasSuffix(last.Text, "\nI will check the payment.") ||
		!strings.Contains(last.Text, "Anna Petrova") {
		t.Errorf("/wait with text sent as %q", last.Text)
	}

	// Not shortcuts: sent as typed.
	for _, text := range []string{"/etc/hosts is fine", "see /contract below", "/hello!"} {
		if last = reply(text, http.StatusSeeOther); last.Text != text {
			t.Errorf("%q sent as %q", text, last.Text)
		}
	}

	// An unknown shortcut alone is refused: nothing sent, the text kept.
	before := len(h.messages(tk.Number))
	w := h.post("anna", path+"/reply", url.Values{"version": {h.version("anna", tk.Number)}, "text": {"/contract"}}, http.StatusBadRequest)
	if n := len(h.messages(tk.Number)); n != before {
		t.Fatalf("an unknown shortcut sent %d messages", n-before)
	}
	body := w.Body.String()
	inOrder(t, body, `id="action-error"`, "/contract", "/hello, /wait", `id="reply-text"`, "/contract</textarea>")

	// A note is not a reply to the customer: it keeps its shortcut.
	h.post("anna", path+"/note", url.Values{"version": {h.version("anna", tk.Number)}, "text": {"/hello"}}, http.StatusSeeOther)
	msgs := h.messages(tk.Number)
	if last := msgs[len(msgs)-1]; last.Author != dialog.AuthorNote || last.Text != "/hello" {
		t.Errorf("note /hello saved as %s %q", last.Author, last.Text)
	}
}
