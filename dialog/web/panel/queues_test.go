package panel_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// addAgent adds an agent who works queues (every queue when none) and
// logs them in.
func (h *harness) addAgent(name string, queues ...string) {
	h.t.Helper()
	h.addUser(name, dialog.RoleAgent)
	if err := h.auth.SetQueues(h.ctx, name, queues); err != nil {
		h.t.Fatalf("set queues of %s: %v", name, err)
	}
}

// attach sends a picture as the customer of chat and returns its
// attachment.
func (h *harness) attach(chat, fileName string) *dialog.Attachment {
	h.t.Helper()
	h.seq++
	data := []byte("\x89PNG\r\n\x1a\nnot really a picture")
	out, err := h.engine.Handle(h.ctx, dialog.Inbound{
		Channel: "webchat", ChatID: chat, ExternalID: fmt.Sprint("m", h.seq), Text: "see the picture",
		Attachments: []*dialog.Attachment{{Kind: dialog.AttachmentPhoto, FileName: fileName, MIME: "image/png", Size: int64(len(data)), Data: data}},
	})
	if err != nil {
		h.t.Fatalf("send %s: %v", fileName, err)
	}
	atts, err := h.store.Attachments(h.ctx, []int64{out.Message.ID})
	if err != nil || len(atts) != 1 {
		h.t.Fatalf("attachments of the message: %v %v", atts, err)
	}
	return atts[0]
}

// apiTickets lists the tickets the API shows user.
func (h *harness) apiTickets(user, query string) []string {
	h.t.Helper()
	var out struct {
		Tickets []struct {
			Number string `json:"number"`
		} `json:"tickets"`
	}
	if err := json.Unmarshal([]byte(h.get(user, "/api/v1/tickets"+query, http.StatusOK)), &out); err != nil {
		h.t.Fatal(err)
	}
	var numbers []string
	for _, t := range out.Tickets {
		numbers = append(numbers, t.Number)
	}
	return numbers
}

// queueUsers sets up the agents of TestQueues: olga works the first line,
// petr the second, anna (from the harness) every queue.
func queueUsers(h *harness) {
	h.addAgent("olga", "first_line")
	h.addAgent("petr", "second_line")
}

func TestQueues(t *testing.T) {
	h := newHarness(t)
	queueUsers(h)
	first := h.escalate("c1", "Alice Firstova")
	second := h.escalate("c2", "Bob Secondov")
	if _, err := h.engine.Transfer(h.ctx, dialog.TicketAction{Number: second.Number, Agent: "anna"}, "second_line", ""); err != nil {
		t.Fatal(err)
	}

	// Each agent sees the tickets of their queues, in every list; admins,
	// analysts and agents of every queue see them all.
	for _, c := range []struct {
		user          string
		first, second bool
	}{
		{"olga", true, false}, {"petr", false, true}, {"anna", true, true}, {"root", true, true}, {"nina", true, true},
	} {
		// check looks for the tickets' links (or numbers in JSON) and
		// customers' names in body.
		check := func(what, body string, wantFirst, wantSecond bool) {
			t.Helper()
			for _, tk := range []struct {
				number, name string
				want         bool
			}{{first.Number, "Alice Firstova", wantFirst}, {second.Number, "Bob Secondov", wantSecond}} {
				got := strings.Contains(body, "/panel/tickets/"+tk.number) || strings.Contains(body, `"number":"`+tk.number)
				if got != tk.want {
					t.Errorf("%s of %s shows %s: %v, want %v", what, c.user, tk.number, got, tk.want)
				}
				if got := strings.Contains(body, tk.name); got != tk.want {
					t.Errorf("%s of %s shows %s: %v, want %v", what, c.user, tk.name, got, tk.want)
				}
			}
		}
		check("queue page", h.get(c.user, "/panel/queue", http.StatusOK), c.first, c.second)
		check("queue list", h.get(c.user, "/panel/queue/list?state=waiting", http.StatusOK), c.first, c.second)
		check("API list", h.get(c.user, "/api/v1/tickets", http.StatusOK), c.first, c.second)
		// Searching finds nothing of another queue; asking for it gives
		// olga, who does not work it, her own queue instead.
		check("search by number", h.get(c.user, "/panel/queue/list?q="+url.QueryEscape(second.Number), http.StatusOK), false, c.second)
		check("search by name", h.get(c.user, "/panel/queue/list?q=Bob", http.StatusOK), false, c.second)
		check("second line's queue", h.get(c.user, "/panel/queue/list?queue=second_line", http.StatusOK), c.user == "olga", c.second)
		filter := h.get(c.user, "/panel/queue", http.StatusOK)
		if got := strings.Contains(filter, `<option value="second_line"`); got != c.second {
			t.Errorf("queue filter of %s offers the second line: %v, want %v", c.user, got, c.second)
		}
	}
	if got := h.apiTickets("olga", "?status=queued"); len(got) != 1 || got[0] != first.Number {
		t.Errorf("API list of olga = %v, want %s", got, first.Number)
	}

	// A ticket of another queue is answered as one that does not exist:
	// same status, same text.
	missing := "FL-999999"
	for _, path := range []string{"/panel/tickets/%s", "/panel/tickets/%s/transcript", "/api/v1/tickets/%s"} {
		other := h.do(request{method: http.MethodGet, path: strings.ReplaceAll(path, "%s", second.Number), user: "olga"})
		none := h.do(request{method: http.MethodGet, path: strings.ReplaceAll(path, "%s", missing), user: "olga"})
		if other.Code != http.StatusNotFound || none.Code != http.StatusNotFound ||
			strings.ReplaceAll(other.Body.String(), second.Number, missing) != none.Body.String() {
			t.Errorf("%s: another queue's ticket answers %d %q; a missing one %d %q",
				path, other.Code, other.Body.String(), none.Code, none.Body.String())
		}
	}

	// Every action on it too, and nothing changes.
	version := h.version("petr", second.Number)
	before, count := h.ticket(second.Number), len(h.messages(second.Number))
	for _, action := range []string{"take", "reply", "note", "transfer", "close"} {
		form := url.Values{"version": {version}, "text": {"hello"}, "queue": {"third_line"}}
		body := h.post("olga", "/panel/tickets/"+second.Number+"/"+action, form, http.StatusNotFound).Body.String()
		if !strings.Contains(body, "There is no ticket "+second.Number) || strings.Contains(body, "Bob Secondov") {
			t.Errorf("%s by another queue's agent answers:\n%s", action, body)
		}
	}
	if after := h.ticket(second.Number); !after.UpdatedAt.Equal(before.UpdatedAt) || len(h.messages(second.Number)) != count {
		t.Error("another queue's agent changed the ticket")
	}

	// The transfer form warns who would lose the ticket by it.
	for user, want := range map[string]bool{"olga": true, "anna": false, "root": false} {
		if got := strings.Contains(h.get(user, "/panel/tickets/"+first.Number, http.StatusOK), `id="transfer-leaves"`); got != want {
			t.Errorf("the transfer form warns %s: %v, want %v", user, got, want)
		}
	}

	// Olga hands her ticket to the second line: she lands on her queue,
	// and the ticket is petr's to see now, no longer hers.
	w := h.post("olga", "/panel/tickets/"+first.Number+"/transfer",
		url.Values{"version": {h.version("olga", first.Number)}, "queue": {"second_line"}}, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/panel/queue" {
		t.Errorf("after a transfer out of her queues olga goes to %q", loc)
	}
	h.get("olga", "/panel/tickets/"+first.Number, http.StatusNotFound)
	h.get("petr", "/panel/tickets/"+first.Number, http.StatusOK)
	// An agent who works both queues stays on the ticket.
	w = h.post("anna", "/panel/tickets/"+first.Number+"/transfer",
		url.Values{"version": {h.version("anna", first.Number)}, "queue": {"third_line"}}, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/panel/tickets/"+first.Number {
		t.Errorf("after a transfer anna goes to %q", loc)
	}
}

func TestQueuesInConversation(t *testing.T) {
	h := newHarness(t)
	queueUsers(h)
	// One customer, two tickets of the same chat: an old one in the first
	// line, a newer one in the second.
	old := h.escalate("c1", "Alice Firstova")
	if _, err := h.engine.Note(h.ctx, dialog.TicketAction{Number: old.Number, Agent: "olga"}, "first line note"); err != nil {
		t.Fatal(err)
	}
	oldFile := h.attach("c1", "first.png")
	if _, err := h.engine.Close(h.ctx, dialog.TicketAction{Number: old.Number, Agent: "olga"}); err != nil {
		t.Fatal(err)
	}
	var newer *dialog.Ticket
	err := h.store.Update(h.ctx, func(tx dialog.Tx) error {
		newer = &dialog.Ticket{ConversationID: old.ConversationID, Status: dialog.TicketQueued, Queue: "second_line",
			Channel: old.Channel, CustomerName: old.CustomerName}
		if err := tx.CreateTicket(h.ctx, newer); err != nil {
			return err
		}
		return tx.AddMessage(h.ctx, &dialog.Message{ConversationID: old.ConversationID, TicketID: newer.ID,
			Author: dialog.AuthorNote, AuthorName: "petr", Text: "second line note"})
	})
	if err != nil {
		t.Fatal(err)
	}
	greeting := h.messages(old.Number)[0].Text // to the bot, before either ticket

	for _, c := range []struct {
		user, number string
		seen, unseen []string
	}{
		{"olga", old.Number, []string{greeting, "first line note", "first.png"}, []string{"second line note", newer.Number}},
		{"petr", newer.Number, []string{greeting, "second line note"}, []string{"first line note", "first.png", old.Number}},
		{"root", old.Number, []string{greeting, "first line note", "second line note", newer.Number}, nil},
	} {
		for _, path := range []string{"/panel/tickets/" + c.number, "/panel/tickets/" + c.number + "/transcript", "/api/v1/tickets/" + c.number} {
			body := h.get(c.user, path, http.StatusOK)
			if strings.HasPrefix(path, "/api/") && c.number == old.Number {
				continue // the API's transcript of a closed ticket ends with it
			}
			for _, s := range c.seen {
				if !strings.Contains(body, s) {
					t.Errorf("%s as %s lacks %q", path, c.user, s)
				}
			}
			for _, s := range c.unseen {
				if strings.Contains(body, s) {
					t.Errorf("%s as %s shows %q", path, c.user, s)
				}
			}
		}
	}
	// The file sent under the first line's ticket is the first line's.
	path := fmt.Sprint("/panel/attachments/", oldFile.ID)
	h.get("olga", path, http.StatusOK)
	h.get("nina", path, http.StatusOK)
	missing := "/panel/attachments/999"
	if other, none := h.get("petr", path, http.StatusNotFound), h.get("petr", missing, http.StatusNotFound); strings.ReplaceAll(other, path, missing) != none {
		t.Errorf("another queue's file answers\n%s\nand a missing one\n%s", other, none)
	}
}

func TestQueueEvents(t *testing.T) {
	h := newHarness(t)
	queueUsers(h)
	srv := httptest.NewServer(h.router)
	t.Cleanup(srv.Close) // after the streams' cleanup, which disconnects them
	olga := streamLines(t, h, srv, "olga")
	petr := streamLines(t, h, srv, "petr")
	root := streamLines(t, h, srv, "root")

	// First line tickets: olga hears of them, petr does not.
	stays := h.escalate("c0", "Dan Zerov")
	first := h.escalate("c1", "Alice Firstova")
	for _, lines := range []<-chan string{olga, root} {
		for _, tk := range []*dialog.Ticket{stays, first} {
			if kind, data := nextEvent(t, lines); kind != "message" || data["ticket"] != tk.Number {
				t.Errorf("event %s %v, want the message of %s", kind, data, tk.Number)
			}
			if kind, data := nextEvent(t, lines); kind != "ticket" || data["ticket"] != tk.Number {
				t.Errorf("event %s %v, want ticket %s", kind, data, tk.Number)
			}
		}
	}

	// Transferred to the second line: petr hears of it from then on;
	// olga hears that it left, and nothing after.
	if _, err := h.engine.Transfer(h.ctx, dialog.TicketAction{Number: first.Number, Agent: "olga"}, "second_line", ""); err != nil {
		t.Fatal(err)
	}
	h.send("c1", "Alice Firstova", "hello?")
	// The events petr gets first are the transfer's: nothing of the
	// ticket while it was in the first line reached him.
	// The customer's "passed on to" and the transfer's note come first.
	for i, want := range []string{"message", "message", "ticket", "message"} {
		if kind, data := nextEvent(t, petr); kind != want || data["ticket"] != first.Number {
			t.Errorf("petr's event %d: %s %v, want %s of %s", i, kind, data, want, first.Number)
		}
	}
	if kind, data := nextEvent(t, olga); kind != "ticket" || data["ticket"] != first.Number {
		t.Errorf("olga's event on the transfer: %s %v, want ticket %s leaving", kind, data, first.Number)
	}
	// The next first line ticket is the next thing olga hears of.
	next := h.escalate("c2", "Carol Thirdova")
	if kind, data := nextEvent(t, olga); kind != "message" || data["ticket"] != next.Number {
		t.Errorf("olga's next event: %s %v, want the message of %s", kind, data, next.Number)
	}
	// Admins hear of everything, in order.
	for i, want := range []string{"message", "message", "ticket", "message", "message", "ticket"} {
		if kind, _ := nextEvent(t, root); kind != want {
			t.Errorf("root's event %d: %s, want %s", i, kind, want)
		}
	}
}

// BenchmarkQueuePageOfOneQueue is the queue page of an agent of the first
// line, with 100 open tickets there and 100 in the second line: the same
// page as BenchmarkQueuePage, picked out of twice the tickets.
func BenchmarkQueuePageOfOneQueue(b *testing.B) {
	h := newHarness(b)
	for i := range 200 {
		tk := h.escalate(fmt.Sprint("c", i), fmt.Sprint("Customer ", i))
		if i%2 == 1 {
			if _, err := h.engine.Transfer(h.ctx, dialog.TicketAction{Number: tk.Number, Agent: "root"}, "second_line", ""); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := h.auth.SetQueues(h.ctx, "anna", []string{"first_line"}); err != nil {
		b.Fatal(err)
	}
	benchGet(b, h, "/panel/queue")
}
