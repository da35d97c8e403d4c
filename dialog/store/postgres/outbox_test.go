package postgres

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// enqueueTest stores a pending item for a chat, due at once, with the
// conversation and message it needs.
func enqueueTest(t *testing.T, db *DB, chatID string) *dialog.OutboxItem {
	t.Helper()
	ctx := t.Context()
	item := &dialog.OutboxItem{Channel: "telegram", ChatID: chatID, Text: chatID, NextAttemptAt: time.Unix(0, 0)}
	err := db.Update(ctx, func(tx dialog.Tx) error {
		c, err := tx.EnsureConversation(ctx, "telegram", chatID)
		if err != nil {
			return err
		}
		m := &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorBot, Text: chatID}
		if err := tx.AddMessage(ctx, m); err != nil {
			return err
		}
		item.MessageID, item.ConversationID = m.ID, c.ID
		return tx.EnqueueOutbox(ctx, item)
	})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return item
}

// TestClaimOutboxSkipsLocked has a second replica claim while the first
// one's claim is not yet committed: the second must neither wait for the
// first nor take its item, but go on to the next chat.
func TestClaimOutboxSkipsLocked(t *testing.T) {
	db := open(t, newTestDB(t).schemaURL(t))
	ctx := t.Context()
	enqueueTest(t, db, "A")
	enqueueTest(t, db, "B")
	at := time.Now()

	claim := func(ctx context.Context) ([]string, error) {
		var texts []string
		err := db.Update(ctx, func(tx dialog.Tx) error {
			list, err := tx.ClaimOutbox(ctx, "telegram", at, time.Minute, 1)
			for _, item := range list {
				texts = append(texts, item.Text)
			}
			return err
		})
		return texts, err
	}
	var first, second []string
	err := db.Update(ctx, func(tx dialog.Tx) error {
		list, err := tx.ClaimOutbox(ctx, "telegram", at, time.Minute, 1)
		if err != nil {
			return err
		}
		for _, item := range list {
			first = append(first, item.Text)
		}
		// The other replica, on a connection of its own; the deadline
		// turns a wait for this transaction's lock into a failure.
		wait, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		second, err = claim(wait)
		return err
	})
	if err != nil {
		t.Fatalf("claims: %v", err)
	}
	if !reflect.DeepEqual(first, []string{"A"}) || !reflect.DeepEqual(second, []string{"B"}) {
		t.Errorf("claims = %q and %q, want [A] and [B]", first, second)
	}
}
