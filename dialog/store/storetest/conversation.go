package storetest

import (
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

func testEnsureConversation(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "webchat", "chat-1")
	if c.ID == 0 {
		t.Fatal("new conversation has id 0")
	}
	want := &dialog.Conversation{
		ID:        c.ID,
		Channel:   "webchat",
		ChatID:    "chat-1",
		State:     dialog.StateBot,
		CreatedAt: c.CreatedAt,
		UpdatedAt: c.CreatedAt,
	}
	if c.CreatedAt.IsZero() {
		t.Error("new conversation has no CreatedAt")
	}
	checkConversation(t, "created", c, want)

	// The same chat again is the same conversation, unchanged.
	again := ensure(t, s, "webchat", "chat-1")
	checkConversation(t, "ensured again", again, want)

	// Another chat, or the same chat id on another channel, is another
	// conversation.
	other := ensure(t, s, "webchat", "chat-2")
	telegram := ensure(t, s, "telegram", "chat-1")
	if other.ID == c.ID || telegram.ID == c.ID || other.ID == telegram.ID {
		t.Errorf("ids %d, %d, %d: want three different conversations", c.ID, other.ID, telegram.ID)
	}

	got, err := s.Conversation(ctx, c.ID)
	if err != nil {
		t.Fatalf("Conversation: %v", err)
	}
	checkConversation(t, "by id", got, want)
	got, err = s.ConversationByChat(ctx, "webchat", "chat-1")
	if err != nil {
		t.Fatalf("ConversationByChat: %v", err)
	}
	checkConversation(t, "by chat", got, want)
}

func testEnsureConversationInvalid(t *testing.T, s dialog.Store) {
	tests := []struct{ channel, chatID string }{
		{"", "chat-1"},
		{"webchat", ""},
	}
	for _, tt := range tests {
		err := s.Update(t.Context(), func(tx dialog.Tx) error {
			_, err := tx.EnsureConversation(t.Context(), tt.channel, tt.chatID)
			return err
		})
		checkCode(t, "EnsureConversation("+tt.channel+", "+tt.chatID+")", err, dialog.EINVALID)
	}
}

func testUpdateConversation(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "webchat", "chat-1")
	tk := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued})
	created := c.CreatedAt

	tests := []struct {
		name   string
		change func(c *dialog.Conversation)
	}{
		{"every field", func(c *dialog.Conversation) {
			c.CustomerName = "Анна Петрова"
			c.Lang = "ru"
			c.State = dialog.StateQueued
			c.TicketID = tk.ID
			c.Pending = dialog.PendingClarify
			c.PendingOptions = []string{"delivery.time", "delivery.cost"}
			c.AckedAt = time.Date(2026, 3, 2, 9, 30, 15, 123456000, time.FixedZone("MSK", 3*60*60))
		}},
		{"back to empty", func(c *dialog.Conversation) {
			c.CustomerName = ""
			c.Lang = "en"
			c.State = dialog.StateBot
			c.TicketID = 0
			c.Pending = dialog.PendingNone
			c.PendingOptions = nil
			c.AckedAt = time.Time{}
		}},
		{"agent", func(c *dialog.Conversation) {
			c.State = dialog.StateAgent
			c.TicketID = tk.ID
			c.Pending = dialog.PendingCSAT
			c.PendingOptions = []string{tk.Number}
		}},
	}
	for _, tt := range tests {
		before := c.UpdatedAt
		tt.change(c)
		update(t, s, func(tx dialog.Tx) error {
			return tx.UpdateConversation(ctx, c)
		})
		if c.UpdatedAt.Before(before) {
			t.Errorf("%s: UpdatedAt went back from %s to %s", tt.name, before, c.UpdatedAt)
		}
		checkTime(t, tt.name+": CreatedAt", c.CreatedAt, created)

		got, err := s.Conversation(ctx, c.ID)
		if err != nil {
			t.Fatalf("%s: Conversation: %v", tt.name, err)
		}
		checkConversation(t, tt.name, got, c)
	}

	// An unknown state is refused.
	bad := *c
	bad.State = "sleeping"
	err := s.Update(ctx, func(tx dialog.Tx) error {
		return tx.UpdateConversation(ctx, &bad)
	})
	checkCode(t, "UpdateConversation with a bad state", err, dialog.EINVALID)
}

func testUpdateConversationMissing(t *testing.T, s dialog.Store) {
	err := s.Update(t.Context(), func(tx dialog.Tx) error {
		return tx.UpdateConversation(t.Context(), &dialog.Conversation{ID: 12345, State: dialog.StateBot})
	})
	checkCode(t, "UpdateConversation of a missing conversation", err, dialog.ENOTFOUND)
}
