package sqlite

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/sqlstore"
)

// addBotMessage stores a conversation of a Telegram chat with one bot
// message, for outbox items to refer to.
func addBotMessage(t testing.TB, db *DB, chatID string) *dialog.Message {
	t.Helper()
	ctx := t.Context()
	m := &dialog.Message{Author: dialog.AuthorBot, Text: "hello"}
	err := db.Update(ctx, func(tx dialog.Tx) error {
		c, err := tx.EnsureConversation(ctx, "telegram", chatID)
		if err != nil {
			return err
		}
		m.ConversationID = c.ID
		return tx.AddMessage(ctx, m)
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	return m
}

// TestUpdateOutboxRow checks the columns of a sent item, which no
// dialog.Queries method reads back.
func TestUpdateOutboxRow(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	m := addBotMessage(t, db, "42")
	item := &dialog.OutboxItem{MessageID: m.ID, ConversationID: m.ConversationID, Channel: "telegram", ChatID: "42", Text: m.Text}
	sent := time.Date(2030, 1, 2, 12, 0, 0, 123456000, time.UTC)
	err := db.Update(ctx, func(tx dialog.Tx) error {
		if err := tx.EnqueueOutbox(ctx, item); err != nil {
			return err
		}
		item.Status = dialog.OutboxSent
		item.PartsSent = 1
		item.Attempts = 1
		item.SentAt = sent
		return tx.UpdateOutbox(ctx, item)
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	var status, sentAt string
	var claimed *string
	err = db.reader.QueryRowContext(ctx,
		`SELECT status, sent_at, claimed_until FROM outbox WHERE id = ?`, item.ID).Scan(&status, &sentAt, &claimed)
	if err != nil {
		t.Fatalf("read the row: %v", err)
	}
	if status != "sent" || sentAt != "2030-01-02T12:00:00.123456Z" || claimed != nil {
		t.Errorf("row: status %q, sent_at %q, claimed_until %v; want sent, 2030-01-02T12:00:00.123456Z, NULL",
			status, sentAt, claimed)
	}
}

// TestMarkInboxProcessedKeepsFirstTime checks that a second mark, after a
// retry, does not move the time the update was first processed.
func TestMarkInboxProcessedKeepsFirstTime(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	first := time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)
	err := db.Update(ctx, func(tx dialog.Tx) error {
		if _, err := tx.SaveInbox(ctx, &dialog.InboxItem{Channel: "telegram", ExternalID: "9"}); err != nil {
			return err
		}
		if err := tx.MarkInboxProcessed(ctx, "telegram", "9", first); err != nil {
			return err
		}
		return tx.MarkInboxProcessed(ctx, "telegram", "9", first.Add(time.Hour))
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	var processed string
	err = db.reader.QueryRowContext(ctx,
		`SELECT processed_at FROM inbox WHERE channel = 'telegram' AND external_id = '9'`).Scan(&processed)
	if err != nil {
		t.Fatalf("read the row: %v", err)
	}
	if processed != sqlstore.FormatTime(first) {
		t.Errorf("processed_at = %s, want %s", processed, sqlstore.FormatTime(first))
	}
}

// fillOutbox stores n outbox items over chats chats of one channel, all
// sent but the last pending ones of each chat.
func fillOutbox(b *testing.B, db *DB, n, chats, pending int) {
	b.Helper()
	ctx := b.Context()
	m := addBotMessage(b, db, "0")
	base := time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)
	err := db.Update(ctx, func(tx dialog.Tx) error {
		for i := range n {
			item := &dialog.OutboxItem{
				MessageID:      m.ID,
				ConversationID: m.ConversationID,
				Channel:        "telegram",
				ChatID:         fmt.Sprintf("chat-%d", i%chats),
				Text:           "Заказ уже в пути.",
				NextAttemptAt:  base,
			}
			if i < n-chats*pending {
				item.Status = dialog.OutboxSent
				item.SentAt = base
			}
			if err := tx.EnqueueOutbox(ctx, item); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("fill: %v", err)
	}
}

// BenchmarkClaimOutbox measures one claim of 50 items among 100,000 sent
// items and 3,000 pending ones in 1,000 chats. The transaction rolls back,
// so every round claims the same items and no commit waits for the disk.
func BenchmarkClaimOutbox(b *testing.B) {
	db := openTest(b)
	fillOutbox(b, db, 103_000, 1_000, 3)
	ctx := b.Context()
	now := time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)
	errRollback := errors.New("roll back")
	for b.Loop() {
		err := db.Update(ctx, func(tx dialog.Tx) error {
			list, err := tx.ClaimOutbox(ctx, "telegram", now, time.Minute, 50)
			if err != nil {
				return err
			}
			if len(list) != 50 {
				b.Fatalf("ClaimOutbox returned %d items, want 50", len(list))
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			b.Fatalf("Update: %v", err)
		}
	}
}

// BenchmarkOutboxBacklog measures the backlog count among 100,000 sent
// items and 3,000 pending ones.
func BenchmarkOutboxBacklog(b *testing.B) {
	db := openTest(b)
	fillOutbox(b, db, 103_000, 1_000, 3)
	for b.Loop() {
		backlog, err := db.OutboxBacklog(b.Context())
		if err != nil {
			b.Fatalf("OutboxBacklog: %v", err)
		}
		if backlog["telegram"] != 3_000 {
			b.Fatalf("backlog %v, want telegram: 3000", backlog)
		}
	}
}
