package postgres

import (
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestUpdateTicketVersionAfterLaterTransaction has a transaction that
// began first save a ticket after a second one, begun later, saved it:
// UpdatedAt, the version an agent's form was made from, must still move
// on, not go back to before the second's.
func TestUpdateTicketVersionAfterLaterTransaction(t *testing.T) {
	db := open(t, newTestDB(t).schemaURL(t))
	ctx := t.Context()

	var tk *dialog.Ticket
	err := db.Update(ctx, func(tx dialog.Tx) error {
		c, err := tx.EnsureConversation(ctx, "webchat", "chat-1")
		if err != nil {
			return err
		}
		tk = &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued, Priority: "normal", Queue: "billing"}
		return tx.CreateTicket(ctx, tk)
	})
	if err != nil {
		t.Fatalf("create the ticket: %v", err)
	}

	var second dialog.Ticket
	var first *dialog.Ticket
	err = db.Update(ctx, func(tx dialog.Tx) error {
		// The second transaction begins after this one, and commits
		// before this one reads the ticket.
		err := db.Update(ctx, func(tx dialog.Tx) error {
			second = *tk
			second.Assignee = "olga"
			second.Status = dialog.TicketAssigned
			return tx.UpdateTicket(ctx, &second)
		})
		if err != nil {
			return err
		}
		if first, err = tx.Ticket(ctx, tk.ID); err != nil {
			return err
		}
		if !first.UpdatedAt.Equal(second.UpdatedAt) {
			t.Errorf("read UpdatedAt %s, want the second transaction's %s", first.UpdatedAt, second.UpdatedAt)
		}
		first.Priority = "high"
		return tx.UpdateTicket(ctx, first)
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if !first.UpdatedAt.After(second.UpdatedAt) {
		t.Errorf("UpdatedAt = %s after the second transaction's %s: want later", first.UpdatedAt, second.UpdatedAt)
	}
	got, err := db.Ticket(ctx, tk.ID)
	if err != nil {
		t.Fatalf("Ticket: %v", err)
	}
	if !got.UpdatedAt.Equal(first.UpdatedAt) {
		t.Errorf("stored UpdatedAt = %s, want %s", got.UpdatedAt, first.UpdatedAt)
	}
}
