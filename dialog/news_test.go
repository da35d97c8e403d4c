package dialog_test

import (
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// customerMessages are the messages of a conversation the customer got
// from the bot or the system whose text contains fragment.
func (h *harness) customerMessages(conversationID int64, fragment string) []*dialog.Message {
	h.t.Helper()
	msgs, err := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: conversationID})
	if err != nil {
		h.t.Fatal(err)
	}
	var out []*dialog.Message
	for _, m := range msgs {
		if (m.Author == dialog.AuthorSystem || m.Author == dialog.AuthorBot) && strings.Contains(m.Text, fragment) {
			out = append(out, m)
		}
	}
	return out
}

func TestTransferTellsTheCustomer(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) {
		c.PushChannels = []string{"test"}
		c.QueueNames = map[string]map[string]string{"second_line": {"en": "Engineers"}}
	})
	ticket := h.send("c", "/human").Ticket
	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	before, _ := h.store.OutboxBacklog(h.ctx)
	if _, err := h.engine.Transfer(h.ctx, act(ticket.Number, "Olga"), "second_line", "нужен инженер"); err != nil {
		t.Fatal(err)
	}
	after, _ := h.store.OutboxBacklog(h.ctx)
	if after["test"]-before["test"] != 1 {
		t.Errorf("a transfer queued %d messages, want 1 (the note stays inside)", after["test"]-before["test"])
	}
	// The customer writes Russian; the queue has only an English name, which is used.
	want := "Ваше обращение " + ticket.Number + " передано: Engineers."
	if got := h.customerMessages(ticket.ConversationID, want); len(got) != 1 {
		t.Errorf("transcript has %d messages %q, want 1", len(got), want)
	}

	// Back to a default queue without a configured name: the built-in one.
	if _, err := h.engine.Transfer(h.ctx, act(ticket.Number, "Olga"), "first_line", ""); err != nil {
		t.Fatal(err)
	}
	if got := h.customerMessages(ticket.ConversationID, "передано: первая линия поддержки."); len(got) != 1 {
		t.Errorf("transcript has %d messages naming the first line, want 1", len(got))
	}
	// Taking it again announces the agent once, as before.
	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	if got := h.customerMessages(ticket.ConversationID, "подключился специалист Olga"); len(got) != 2 {
		t.Errorf("agent joined %d times, want 2 (first take and after the transfer back)", len(got))
	}
}
