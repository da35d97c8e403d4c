package panel_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// markerConversation is the first conversation of the events the test publishes
// to know that a stream has sent everything before it.
const markerConversation = 987654321

// noticesUntilMarker publishes a marker event and returns the
// notifications a stream sent before it, as "kind ticket queue customer |
// preview".
func noticesUntilMarker(t *testing.T, h *harness, lines <-chan string) []string {
	t.Helper()
	h.seq++ // each call its own marker: the others' reach this stream too
	marker := int64(markerConversation + h.seq)
	h.events.Publish(dialog.Event{Kind: dialog.EventMessage, ConversationID: marker})
	var out []string
	for {
		_, data := nextEvent(t, lines)
		if data["conversation"] == float64(marker) {
			return out
		}
		if n, ok := data["notify"].(map[string]any); ok {
			out = append(out, n["kind"].(string)+" "+n["ticket"].(string)+" "+n["queue"].(string)+" "+
				str(n["customer"])+" | "+str(n["preview"]))
		}
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// TestEventsNotify checks who the live events tell to show a browser
// notification: a new ticket goes to the agents of its queue, with the
// customer's name and words shortened to one line; the customer's reply to
// the ticket's assignee; a transferred ticket to the agents of its new
// queue but the one who moved it; nothing goes to an agent of another
// queue (who hears nothing of the ticket at all), to an analyst, or for an
// agent's own reply.
func TestEventsNotify(t *testing.T) {
	h := newHarness(t)
	for name, queues := range map[string][]string{"anna": {"first_line"}, "boris": {"second_line"}} {
		if err := h.auth.SetQueues(h.ctx, name, queues); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(h.router)
	t.Cleanup(srv.Close)
	anna, boris, nina := streamLines(t, h, srv, "anna"), streamLines(t, h, srv, "boris"), streamLines(t, h, srv, "nina")

	h.send("c1", "Анна Петрова", "у меня\nпропал <b>интернет</b>")
	tk := h.escalate("c1", "Анна Петрова")
	if tk.Queue != "first_line" {
		t.Fatalf("the ticket is in %s", tk.Queue)
	}
	want := "ticket " + tk.Number + " First line Анна Петрова | у меня пропал <b>интернет</b>"
	if got := noticesUntilMarker(t, h, anna); len(got) != 1 || got[0] != want {
		t.Errorf("anna's notifications %q, want %q", got, want)
	}
	for name, lines := range map[string]<-chan string{"boris": boris, "nina": nina} {
		if got := noticesUntilMarker(t, h, lines); len(got) != 0 {
			t.Errorf("%s was notified: %q", name, got)
		}
	}

	// Anna takes it; the customer writes; anna replies.
	h.post("anna", "/panel/tickets/"+tk.Number+"/take", url.Values{"version": {h.version("anna", tk.Number)}}, http.StatusSeeOther)
	h.send("c1", "Анна Петрова", "Алло, вы здесь?")
	h.post("anna", "/panel/tickets/"+tk.Number+"/reply",
		url.Values{"version": {h.version("anna", tk.Number)}, "text": {"Да, смотрю"}}, http.StatusSeeOther)
	want = "reply " + tk.Number + " First line Анна Петрова | Алло, вы здесь?"
	if got := noticesUntilMarker(t, h, anna); len(got) != 1 || got[0] != want {
		t.Errorf("anna's notifications %q, want only %q", got, want)
	}
	for name, lines := range map[string]<-chan string{"boris": boris, "nina": nina} {
		if got := noticesUntilMarker(t, h, lines); len(got) != 0 {
			t.Errorf("%s was notified: %q", name, got)
		}
	}

	// Another agent of the queue hears of new tickets, not of anna's.
	root := streamLines(t, h, srv, "root")
	h.send("c1", "Анна Петрова", "ещё вопрос")
	if got := noticesUntilMarker(t, h, root); len(got) != 0 {
		t.Errorf("root was notified of a reply on anna's ticket: %q", got)
	}

	// Root moves a new ticket to the second line: new work for boris; not
	// news to root, who did it, nor to anna, whose queue it left.
	moved := h.escalate("c2", "Пётр")
	for _, lines := range []<-chan string{anna, root} {
		noticesUntilMarker(t, h, lines) // the new ticket's
	}
	h.post("root", "/panel/tickets/"+moved.Number+"/transfer",
		url.Values{"version": {h.version("root", moved.Number)}, "queue": {"second_line"}}, http.StatusSeeOther)
	want = "ticket " + moved.Number + " Second line Пётр | "
	if got := noticesUntilMarker(t, h, boris); len(got) != 1 || got[0] != want {
		t.Errorf("boris's notifications %q, want %q", got, want)
	}
	for name, lines := range map[string]<-chan string{"anna": anna, "root": root, "nina": nina} {
		if got := noticesUntilMarker(t, h, lines); len(got) != 0 {
			t.Errorf("%s was notified of the transfer: %q", name, got)
		}
	}
}
