package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// testConversationContact saves a customer's e-mail and phone on a
// conversation and reads them back by id and by chat.
func testConversationContact(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "webchat", "contact-1")
	if c.CustomerEmail != "" || c.CustomerPhone != "" {
		t.Fatalf("a new conversation has contact %q, %q", c.CustomerEmail, c.CustomerPhone)
	}
	c.CustomerName, c.CustomerEmail, c.CustomerPhone = "Анна Петрова", "anna@example.com", "+79001234567"
	update(t, s, func(tx dialog.Tx) error { return tx.UpdateConversation(ctx, c) })
	byID, err := s.Conversation(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkConversation(t, "by id", byID, c)
	byChat, err := s.ConversationByChat(ctx, "webchat", "contact-1")
	if err != nil {
		t.Fatal(err)
	}
	checkConversation(t, "by chat", byChat, c)
	other := ensure(t, s, "webchat", "contact-2")
	if other.CustomerEmail != "" || other.CustomerPhone != "" {
		t.Errorf("another conversation has contact %q, %q", other.CustomerEmail, other.CustomerPhone)
	}

	// Text no store keeps is refused, and nothing changes.
	bad := *byID
	bad.CustomerEmail = "a\x00@example.com"
	err = s.Update(ctx, func(tx dialog.Tx) error { return tx.UpdateConversation(ctx, &bad) })
	checkCode(t, "an e-mail with NUL", err, dialog.EINVALID)
	if got, err := s.Conversation(ctx, c.ID); err != nil || got.CustomerEmail != "anna@example.com" {
		t.Errorf("after a refused update: %+v, %v", got, err)
	}

	if !strings.Contains(export(t, s), `"customer_email":"anna@example.com"`) {
		t.Error("the export holds no customer_email")
	}
}

// testRenameCustomer gives every ticket of a conversation, and only
// those, a new customer name, which the search then finds, without
// moving their version or update time.
func testRenameCustomer(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "webchat", "rename")
	old := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketClosed, Channel: "webchat",
		Queue: "first_line", Priority: "normal", ClosedAt: time.Now()})
	open := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued, Channel: "webchat",
		Queue: "first_line", Priority: "normal"})
	o := ensure(t, s, "webchat", "someone-else")
	another := createTicket(t, s, &dialog.Ticket{ConversationID: o.ID, Status: dialog.TicketQueued, Channel: "webchat",
		CustomerName: "Boris", Queue: "first_line", Priority: "normal"})

	update(t, s, func(tx dialog.Tx) error { return tx.RenameCustomer(ctx, c.ID, "Mail@Example.com") })
	for _, want := range []*dialog.Ticket{old, open} {
		got, err := s.Ticket(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CustomerName != "Mail@Example.com" || got.Version != want.Version || !got.UpdatedAt.Equal(want.UpdatedAt) {
			t.Errorf("ticket %s after the rename: name %q, version %d (was %d), updated %v (was %v)",
				got.Number, got.CustomerName, got.Version, want.Version, got.UpdatedAt, want.UpdatedAt)
		}
	}
	if got, err := s.Ticket(ctx, another.ID); err != nil || got.CustomerName != "Boris" {
		t.Errorf("another conversation's ticket: %+v, %v", got, err)
	}
	found, err := s.Tickets(ctx, dialog.TicketFilter{Search: "mail@example"})
	if err != nil {
		t.Fatal(err)
	}
	if ids := ticketIDs(found); len(ids) != 2 {
		t.Errorf("search by the new name found %v, want tickets %d and %d", ids, old.ID, open.ID)
	}

	err = s.Update(ctx, func(tx dialog.Tx) error { return tx.RenameCustomer(ctx, c.ID, "bad\x00") })
	checkCode(t, "a name with NUL", err, dialog.EINVALID)
}

// testImportContactVersion3 imports a conversation exported before
// contact details were kept: it has none.
func testImportContactVersion3(t *testing.T, s dialog.Store) {
	im, ok := s.(importer)
	if !ok {
		t.Fatalf("%T has no Import", s)
	}
	input := `{"firstline_export":3,"tables":["conversations"]}
{"table":"conversations","row":{"id":7,"channel":"telegram","chat_id":"42","customer_name":"Olga","lang":"ru","state":"bot","ticket_id":null,"pending":"","pending_options":[],"created_at":"2026-03-01T07:00:00Z","updated_at":"2026-03-01T07:00:00Z","erased_at":null}}
`
	if err := im.Import(t.Context(), strings.NewReader(input)); err != nil {
		t.Fatalf("Import: %v", err)
	}
	c, err := s.Conversation(t.Context(), 7)
	if err != nil {
		t.Fatal(err)
	}
	if c.CustomerName != "Olga" || c.CustomerEmail != "" || c.CustomerPhone != "" {
		t.Errorf("imported conversation: name %q, e-mail %q, phone %q", c.CustomerName, c.CustomerEmail, c.CustomerPhone)
	}
}
