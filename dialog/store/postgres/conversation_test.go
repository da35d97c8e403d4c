package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// TestEnsureConversationLocks has a second replica ensure a conversation
// that a first one holds: it must wait until the first commits, and so
// write after it.
func TestEnsureConversationLocks(t *testing.T) {
	testDB := newTestDB(t)
	db := open(t, testDB.schemaURL(t))
	ctx := t.Context()
	// add ensures the conversation and adds a message to it.
	add := func(tx dialog.Tx, text string) (int64, error) {
		c, err := tx.EnsureConversation(ctx, "webchat", "chat-1")
		if err != nil {
			return 0, err
		}
		m := &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: text}
		err = tx.AddMessage(ctx, m)
		return m.ID, err
	}

	// The conversation exists already, so that only the row lock, not the
	// insert of the row, can make the second wait.
	err := db.Update(ctx, func(tx dialog.Tx) error {
		_, err := tx.EnsureConversation(ctx, "webchat", "chat-1")
		return err
	})
	if err != nil {
		t.Fatalf("create the conversation: %v", err)
	}

	var firstID, secondID int64
	secondDone := make(chan error, 1)
	err = db.Update(ctx, func(tx dialog.Tx) error {
		c, err := tx.EnsureConversation(ctx, "webchat", "chat-1")
		if err != nil {
			return err
		}
		go func() {
			secondDone <- db.Update(ctx, func(tx dialog.Tx) error {
				var err error
				secondID, err = add(tx, "second")
				return err
			})
		}()
		waitForLockWait(t, testDB)
		m := &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: "first"}
		if err := tx.AddMessage(ctx, m); err != nil {
			return err
		}
		firstID = m.ID
		return nil
	})
	if err != nil {
		t.Fatalf("first Update: %v", err)
	}
	if err := <-secondDone; err != nil {
		t.Fatalf("second Update: %v", err)
	}
	if secondID <= firstID {
		t.Errorf("second message has id %d, first %d: want the second written after the first", secondID, firstID)
	}
}

// waitForLockWait returns once a connection to the test database waits
// for a row lock, and fails the test if none does within a while.
func waitForLockWait(t *testing.T, testDB *testDB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for {
		var waiting bool
		err := testDB.admin.QueryRow(ctx,
			`SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock')`).Scan(&waiting)
		if err != nil {
			t.Fatalf("no connection waits for a lock: %v", err)
		}
		if waiting {
			return
		}
		time.Sleep(5 * time.Millisecond) // polls a condition; nothing to wait on instead
	}
}
