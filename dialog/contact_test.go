package dialog_test

import (
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestSetContact keeps a customer's details, names the ticket by them and
// tells live views; empty fields keep what was given before.
func TestSetContact(t *testing.T) {
	h := newHarness(t)
	events, cancel := h.events.Subscribe()
	defer cancel()

	// Before any message: the conversation starts with the details.
	conv, err := h.engine.SetContact(h.ctx, "test", "early", dialog.Contact{Email: "early@example.com"})
	if err != nil || conv.ID == 0 || conv.CustomerEmail != "early@example.com" || conv.DisplayName() != "early@example.com" {
		t.Fatalf("SetContact before a message: %+v, %v", conv, err)
	}
	out, err := h.engine.Handle(h.ctx, dialog.Inbound{Channel: "test", ChatID: "early", ExternalID: "1", Text: "/human"})
	if err != nil || out.Ticket == nil || out.Ticket.CustomerName != "early@example.com" {
		t.Fatalf("the ticket of a customer known by e-mail: %+v, %v", out.Ticket, err)
	}
	for len(events) > 0 {
		<-events
	}

	conv, err = h.engine.SetContact(h.ctx, "test", "early", dialog.Contact{Name: "Eva", Phone: "+79001234567"})
	if err != nil {
		t.Fatal(err)
	}
	if got := conv.Contact(); got != (dialog.Contact{Name: "Eva", Email: "early@example.com", Phone: "+79001234567"}) {
		t.Errorf("contact after a second form: %+v", got)
	}
	tk, err := h.store.Ticket(h.ctx, out.Ticket.ID)
	if err != nil || tk.CustomerName != "Eva" {
		t.Errorf("ticket's customer %q, %v", tk.CustomerName, err)
	}
	var sawTicket bool
	for len(events) > 0 {
		if e := <-events; e.Kind == dialog.EventTicket && e.TicketID == tk.ID {
			sawTicket = true
		}
	}
	if !sawTicket {
		t.Error("live views were not told about the ticket's new customer name")
	}

	if _, err := h.engine.SetContact(h.ctx, "test", dialog.ErasedChatID(conv.ID), dialog.Contact{Name: "X"}); dialog.ErrorCode(err) != dialog.EINVALID {
		t.Errorf("an erased chat id: %v, want invalid", err)
	}
	if _, err := h.engine.SetContact(h.ctx, "test", "early", dialog.Contact{Name: "bad\x00"}); dialog.ErrorCode(err) != dialog.EINVALID {
		t.Errorf("a NUL in the name: %v, want invalid", err)
	}
}
