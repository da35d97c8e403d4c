package postgres

import (
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestUpdateTicketVersionAfterLaterTransaction has a transaction that
// began first save a ticket after a second one, begun later, saved it:
// the version an agent's form was made from must still move on past the
// second's, although the first transaction's time is earlier.
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
		if first.Version != second.Version {
			t.Errorf("read version %d, want the second transaction's %d", first.Version, second.Version)
		}
		first.Priority = "high"
		return tx.UpdateTicket(ctx, first)
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if tk.Version != 1 || second.Version != 2 || first.Version != 3 {
		t.Errorf("versions %d, %d, %d: want 1 when created, 2 and 3 after the two saves", tk.Version, second.Version, first.Version)
	}
	got, err := db.Ticket(ctx, tk.ID)
	if err != nil {
		t.Fatalf("Ticket: %v", err)
	}
	if first.UpdatedAt.Before(second.UpdatedAt) {
		t.Errorf("UpdatedAt = %s after the second transaction's %s: went back", first.UpdatedAt, second.UpdatedAt)
	}
	if got.Version != first.Version || !got.UpdatedAt.Equal(first.UpdatedAt) {
		t.Errorf("stored version %d at %s, want %d at %s", got.Version, got.UpdatedAt, first.Version, first.UpdatedAt)
	}
}
