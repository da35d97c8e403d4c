package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

func testNotFound(t *testing.T, s dialog.Store) {
	c := ensure(t, s, "webchat", "chat-1")
	addMessage(t, s, &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, ExternalID: "ext-1", Text: "hi"})
	createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued})
	u := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent})
	createSession(t, s, &dialog.Session{TokenHash: "session", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)})
	update(t, s, func(tx dialog.Tx) error {
		return tx.CreateAPIToken(t.Context(), &dialog.APIToken{TokenHash: "token", UserID: u.ID})
	})

	lookups := []struct {
		name string
		get  func(ctx context.Context, q dialog.Queries) error
	}{
		{"Conversation", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.Conversation(ctx, c.ID+1000)
			return err
		}},
		{"ConversationByChat other chat", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.ConversationByChat(ctx, "webchat", "chat-2")
			return err
		}},
		{"ConversationByChat other channel", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.ConversationByChat(ctx, "telegram", "chat-1")
			return err
		}},
		{"MessageByExternalID", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.MessageByExternalID(ctx, c.ID, "ext-2")
			return err
		}},
		{"MessageByExternalID other conversation", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.MessageByExternalID(ctx, c.ID+1000, "ext-1")
			return err
		}},
		{"MessageByExternalID empty", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.MessageByExternalID(ctx, c.ID, "")
			return err
		}},
		{"Message", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.Message(ctx, 12345)
			return err
		}},
		{"Attachment", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.Attachment(ctx, 12345)
			return err
		}},
		{"Ticket", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.Ticket(ctx, 12345)
			return err
		}},
		{"TicketByNumber", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.TicketByNumber(ctx, dialog.FormatTicketNumber(12345))
			return err
		}},
		{"User", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.User(ctx, u.ID+1000)
			return err
		}},
		{"UserByName", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.UserByName(ctx, "ivan")
			return err
		}},
		{"UserByName in another case", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.UserByName(ctx, "Olga")
			return err
		}},
		{"Session", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.Session(ctx, "other session")
			return err
		}},
		{"Session by an API token", func(ctx context.Context, q dialog.Queries) error {
			_, err := q.Session(ctx, "token")
			return err
		}},
		{"tokenUser", func(ctx context.Context, q dialog.Queries) error {
			_, err := tokenUser(ctx, q, "other token")
			return err
		}},
		{"tokenUser by a session", func(ctx context.Context, q dialog.Queries) error {
			_, err := tokenUser(ctx, q, "session")
			return err
		}},
	}
	for _, l := range lookups {
		checkCode(t, l.name, l.get(t.Context(), s), dialog.ENOTFOUND)
		update(t, s, func(tx dialog.Tx) error {
			checkCode(t, l.name+" in a transaction", l.get(t.Context(), tx), dialog.ENOTFOUND)
			return nil
		})
	}
}

// written is what writeAll stored.
type written struct {
	conversationID, messageID, ticketID, userID int64
}

// writeAll stores a conversation with a message and a ticket in tx, the
// work the rollback tests expect to vanish.
func writeAll(ctx context.Context, tx dialog.Tx) (written, error) {
	c, err := tx.EnsureConversation(ctx, "webchat", "chat-1")
	if err != nil {
		return written{}, err
	}
	m := &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, ExternalID: "ext-1", Text: "hi"}
	if err := tx.AddMessage(ctx, m); err != nil {
		return written{}, err
	}
	tk := &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued}
	if err := tx.CreateTicket(ctx, tk); err != nil {
		return written{}, err
	}
	c.State = dialog.StateQueued
	c.TicketID = tk.ID
	if err := tx.UpdateConversation(ctx, c); err != nil {
		return written{}, err
	}
	u := &dialog.User{Name: "olga", Role: dialog.RoleAgent}
	if err := tx.CreateUser(ctx, u); err != nil {
		return written{}, err
	}
	s := &dialog.Session{TokenHash: "session", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}
	if err := tx.CreateSession(ctx, s); err != nil {
		return written{}, err
	}
	if err := tx.CreateAPIToken(ctx, &dialog.APIToken{TokenHash: "token", UserID: u.ID}); err != nil {
		return written{}, err
	}
	return written{conversationID: c.ID, messageID: m.ID, ticketID: tk.ID, userID: u.ID}, nil
}

// checkRolledBack fails the test unless nothing of w is in the store, and
// then checks that the store still takes writes: a transaction that was
// not closed properly would block them.
func checkRolledBack(t *testing.T, s dialog.Store, w written) {
	t.Helper()
	ctx := t.Context()
	if w.conversationID == 0 || w.messageID == 0 || w.ticketID == 0 || w.userID == 0 {
		t.Fatalf("the transaction did not write everything: %+v", w)
	}
	_, err := s.Conversation(ctx, w.conversationID)
	checkCode(t, "Conversation after the rollback", err, dialog.ENOTFOUND)
	_, err = s.ConversationByChat(ctx, "webchat", "chat-1")
	checkCode(t, "ConversationByChat after the rollback", err, dialog.ENOTFOUND)
	_, err = s.Ticket(ctx, w.ticketID)
	checkCode(t, "Ticket after the rollback", err, dialog.ENOTFOUND)
	tickets, err := s.Tickets(ctx, dialog.TicketFilter{})
	if err != nil {
		t.Fatalf("Tickets: %v", err)
	}
	if len(tickets) != 0 {
		t.Errorf("%d tickets after the rollback, want none", len(tickets))
	}
	messages, err := s.Messages(ctx, dialog.MessageFilter{ConversationID: w.conversationID})
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	if len(messages) != 0 {
		t.Errorf("%d messages after the rollback, want none", len(messages))
	}
	_, err = s.User(ctx, w.userID)
	checkCode(t, "User after the rollback", err, dialog.ENOTFOUND)
	_, err = s.UserByName(ctx, "olga")
	checkCode(t, "UserByName after the rollback", err, dialog.ENOTFOUND)
	_, err = s.Session(ctx, "session")
	checkCode(t, "Session after the rollback", err, dialog.ENOTFOUND)
	_, err = tokenUser(ctx, s, "token")
	checkCode(t, "tokenUser after the rollback", err, dialog.ENOTFOUND)

	// A bounded wait, so that a store stuck on a leaked transaction fails
	// the test instead of hanging it.
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err = s.Update(wait, func(tx dialog.Tx) error {
		_, err := writeAll(wait, tx)
		return err
	})
	if err != nil {
		t.Fatalf("Update after the rollback: %v", err)
	}
	if _, err := s.ConversationByChat(ctx, "webchat", "chat-1"); err != nil {
		t.Errorf("ConversationByChat after a later commit: %v", err)
	}
	if _, err := tokenUser(ctx, s, "token"); err != nil {
		t.Errorf("tokenUser after a later commit: %v", err)
	}
}

func testRollbackOnError(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	var w written
	err := s.Update(ctx, func(tx dialog.Tx) error {
		var err error
		if w, err = writeAll(ctx, tx); err != nil {
			t.Fatalf("writeAll: %v", err)
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update returned %v, want the error of fn", err)
	}
	checkRolledBack(t, s, w)
}

func testRollbackOnPanic(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	var w written
	recovered := func() (v any) {
		defer func() { v = recover() }()
		s.Update(ctx, func(tx dialog.Tx) error {
			var err error
			if w, err = writeAll(ctx, tx); err != nil {
				t.Fatalf("writeAll: %v", err)
			}
			panic(errBoom)
		})
		return nil
	}()
	if recovered != errBoom {
		t.Fatalf("recovered %v, want the panic of fn to carry on", recovered)
	}
	checkRolledBack(t, s, w)
}

func testRollbackOnCancel(t *testing.T, s dialog.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var w written
	err := s.Update(ctx, func(tx dialog.Tx) error {
		var err error
		if w, err = writeAll(ctx, tx); err != nil {
			t.Fatalf("writeAll: %v", err)
		}
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Update returned %v, want context.Canceled", err)
	}
	checkRolledBack(t, s, w)
}

func testCancelledBeforeBegin(t *testing.T, s dialog.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	called := false
	err := s.Update(ctx, func(tx dialog.Tx) error {
		called = true
		return nil
	})
	if err == nil {
		t.Error("Update with a cancelled context succeeded")
	}
	if called {
		t.Error("Update with a cancelled context ran fn")
	}
}

func testIsolation(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	update(t, s, func(tx dialog.Tx) error {
		c, err := tx.EnsureConversation(ctx, "webchat", "chat-1")
		if err != nil {
			return err
		}
		m := &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: "hi"}
		if err := tx.AddMessage(ctx, m); err != nil {
			return err
		}

		// The transaction sees its own writes...
		if _, err := tx.Conversation(ctx, c.ID); err != nil {
			t.Errorf("Conversation in the transaction: %v", err)
		}
		list, err := tx.Messages(ctx, dialog.MessageFilter{ConversationID: c.ID})
		if err != nil {
			return err
		}
		if len(list) != 1 {
			t.Errorf("Messages in the transaction: %d messages, want 1", len(list))
		}

		// ...and nobody else does before it commits. Nor may reads outside
		// wait for the transaction; the timeout turns a wait into a failure.
		outside, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		_, err = s.Conversation(outside, c.ID)
		checkCode(t, "Conversation outside the transaction", err, dialog.ENOTFOUND)
		list, err = s.Messages(outside, dialog.MessageFilter{ConversationID: c.ID})
		if err != nil {
			return err
		}
		if len(list) != 0 {
			t.Errorf("Messages outside the transaction: %d messages, want none", len(list))
		}
		return nil
	})
	if _, err := s.ConversationByChat(ctx, "webchat", "chat-1"); err != nil {
		t.Errorf("ConversationByChat after the commit: %v", err)
	}
}
