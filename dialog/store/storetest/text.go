package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// badTexts are values no store keeps: PostgreSQL cannot, so none does.
func badTexts() map[string]string {
	return map[string]string{"NUL": "a\x00b", "not UTF-8": "a\xffb"}
}

// storeState is what the text tests read to see that a refused call
// changed nothing.
type storeState struct {
	Tickets  []*dialog.Ticket
	Users    []*dialog.User
	Messages []*dialog.Message
	Inbox    []*dialog.InboxItem
	Backlog  map[string]int
	Activity []*dialog.Activity
	Session  *dialog.Session
}

func readState(t *testing.T, s dialog.Store, conversationID int64) storeState {
	t.Helper()
	ctx := t.Context()
	var st storeState
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	st.Tickets, err = s.Tickets(ctx, dialog.TicketFilter{})
	must(err)
	st.Users, err = s.Users(ctx)
	must(err)
	st.Messages, err = s.Messages(ctx, dialog.MessageFilter{ConversationID: conversationID})
	must(err)
	st.Inbox, err = s.PendingInbox(ctx, "telegram", 0)
	must(err)
	st.Backlog, err = s.OutboxBacklog(ctx)
	must(err)
	st.Activity, err = s.Activities(ctx, dialog.ActivityFilter{})
	must(err)
	st.Session, err = s.Session(ctx, "session-hash")
	must(err)
	return st
}

// testTextRefused writes and looks up text with a NUL character or bytes
// that are not UTF-8 in every field a store keeps or searches: each call
// fails with EINVALID before the database sees it, so the transaction goes
// on, and nothing changes.
func testTextRefused(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "telegram", "chat-1")
	tk := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued, Queue: "first_line"})
	msg := addMessage(t, s, &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: "help"})
	u := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent})
	createSession(t, s, &dialog.Session{TokenHash: "session-hash", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)})
	item := enqueue(t, s, outboxItem("telegram", "chat-1", "hello", time.Now()))
	update(t, s, func(tx dialog.Tx) error {
		_, err := tx.SaveInbox(ctx, &dialog.InboxItem{Channel: "telegram", ExternalID: "1", Payload: []byte("{}"), ReceivedAt: time.Now()})
		return err
	})
	before := readState(t, s, c.ID)

	for name, bad := range badTexts() {
		conv := func(edit func(c *dialog.Conversation)) *dialog.Conversation {
			cc := *c
			edit(&cc)
			return &cc
		}
		message := func(edit func(m *dialog.Message)) *dialog.Message {
			m := &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorAgent, Text: "hi"}
			edit(m)
			return m
		}
		ticket := func(edit func(t *dialog.Ticket)) *dialog.Ticket {
			tt := *tk
			edit(&tt)
			return &tt
		}
		user := func(edit func(u *dialog.User)) *dialog.User {
			uu := &dialog.User{Name: "ivan", Role: dialog.RoleAgent}
			edit(uu)
			return uu
		}
		outbox := func(edit func(o *dialog.OutboxItem)) *dialog.OutboxItem {
			o := *item
			edit(&o)
			return &o
		}
		activity := func(edit func(a *dialog.Activity)) *dialog.Activity {
			a := &dialog.Activity{Kind: dialog.ActivityMessageIn, ConversationID: c.ID}
			edit(a)
			return a
		}
		writes := map[string]func(tx dialog.Tx) error{
			"EnsureConversation channel": func(tx dialog.Tx) error { _, err := tx.EnsureConversation(ctx, bad, "x"); return err },
			"EnsureConversation chat":    func(tx dialog.Tx) error { _, err := tx.EnsureConversation(ctx, "webchat", bad); return err },
			"UpdateConversation name": func(tx dialog.Tx) error {
				return tx.UpdateConversation(ctx, conv(func(c *dialog.Conversation) { c.CustomerName = bad }))
			},
			"UpdateConversation options": func(tx dialog.Tx) error {
				return tx.UpdateConversation(ctx, conv(func(c *dialog.Conversation) { c.PendingOptions = []string{"a", bad} }))
			},
			"AddMessage text": func(tx dialog.Tx) error { return tx.AddMessage(ctx, message(func(m *dialog.Message) { m.Text = bad })) },
			"AddMessage author": func(tx dialog.Tx) error {
				return tx.AddMessage(ctx, message(func(m *dialog.Message) { m.AuthorName = bad }))
			},
			"AddMessage buttons": func(tx dialog.Tx) error {
				return tx.AddMessage(ctx, message(func(m *dialog.Message) { m.Buttons = []string{bad} }))
			},
			"AddMessage external id": func(tx dialog.Tx) error {
				return tx.AddMessage(ctx, message(func(m *dialog.Message) { m.ExternalID = bad }))
			},
			"CreateTicket name": func(tx dialog.Tx) error {
				return tx.CreateTicket(ctx, ticket(func(t *dialog.Ticket) { t.ID, t.CustomerName = 0, bad }))
			},
			"CreateTicket candidates": func(tx dialog.Tx) error {
				return tx.CreateTicket(ctx, ticket(func(t *dialog.Ticket) { t.ID, t.Candidates = 0, []dialog.Candidate{{Intent: bad}} }))
			},
			"UpdateTicket assignee": func(tx dialog.Tx) error {
				return tx.UpdateTicket(ctx, ticket(func(t *dialog.Ticket) { t.Assignee = bad }))
			},
			"UpdateTicket queue": func(tx dialog.Tx) error {
				return tx.UpdateTicket(ctx, ticket(func(t *dialog.Ticket) { t.Queue = bad }))
			},
			"CreateUser name": func(tx dialog.Tx) error { return tx.CreateUser(ctx, user(func(u *dialog.User) { u.Name = bad })) },
			"CreateUser queues": func(tx dialog.Tx) error {
				return tx.CreateUser(ctx, user(func(u *dialog.User) { u.Queues = []string{bad} }))
			},
			"UpdateUser lang": func(tx dialog.Tx) error {
				return tx.UpdateUser(ctx, user(func(uu *dialog.User) { uu.ID, uu.Name, uu.Lang = u.ID, u.Name, bad }))
			},
			"CreateSession": func(tx dialog.Tx) error {
				return tx.CreateSession(ctx, &dialog.Session{TokenHash: bad, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)})
			},
			"DeleteSession": func(tx dialog.Tx) error { return tx.DeleteSession(ctx, bad) },
			"CreateAPIToken hash": func(tx dialog.Tx) error {
				return tx.CreateAPIToken(ctx, &dialog.APIToken{TokenHash: bad, UserID: u.ID})
			},
			"CreateAPIToken name": func(tx dialog.Tx) error {
				return tx.CreateAPIToken(ctx, &dialog.APIToken{TokenHash: "token-hash", UserID: u.ID, Name: bad})
			},
			"AddAttachment": func(tx dialog.Tx) error {
				return tx.AddAttachment(ctx, &dialog.Attachment{MessageID: msg.ID, Kind: dialog.AttachmentDocument, FileName: bad, Size: 1, Data: []byte{0}})
			},
			"SaveInbox": func(tx dialog.Tx) error {
				_, err := tx.SaveInbox(ctx, &dialog.InboxItem{Channel: "telegram", ExternalID: bad, Payload: []byte("{}"), ReceivedAt: time.Now()})
				return err
			},
			"MarkInboxProcessed": func(tx dialog.Tx) error { return tx.MarkInboxProcessed(ctx, "telegram", bad, time.Now()) },
			"EnqueueOutbox text": func(tx dialog.Tx) error {
				return tx.EnqueueOutbox(ctx, outbox(func(o *dialog.OutboxItem) { o.ID, o.Text = 0, bad }))
			},
			"EnqueueOutbox buttons": func(tx dialog.Tx) error {
				return tx.EnqueueOutbox(ctx, outbox(func(o *dialog.OutboxItem) { o.ID, o.Buttons = 0, []string{bad} }))
			},
			"UpdateOutbox error": func(tx dialog.Tx) error {
				return tx.UpdateOutbox(ctx, outbox(func(o *dialog.OutboxItem) { o.LastError = bad }))
			},
			"ClaimOutbox":     func(tx dialog.Tx) error { _, err := tx.ClaimOutbox(ctx, bad, time.Now(), lease, 1); return err },
			"BlockOutboxChat": func(tx dialog.Tx) error { return tx.BlockOutboxChat(ctx, "telegram", bad) },
			"AddActivity agent": func(tx dialog.Tx) error {
				return tx.AddActivity(ctx, activity(func(a *dialog.Activity) { a.Agent = bad }))
			},
			"AddActivity options": func(tx dialog.Tx) error {
				return tx.AddActivity(ctx, activity(func(a *dialog.Activity) { a.Options = []string{bad} }))
			},
		}
		for what, write := range writes {
			// The refusal comes before the database: the transaction
			// goes on, and what it wrote next is kept.
			err := s.Update(ctx, func(tx dialog.Tx) error {
				checkCode(t, fmt.Sprintf("%s with %s", what, name), write(tx), dialog.EINVALID)
				_, err := tx.Ticket(ctx, tk.ID)
				return err
			})
			if err != nil {
				t.Errorf("%s with %s: the transaction cannot go on: %v", what, name, err)
			}
		}

		lookups := map[string]func(q dialog.Queries) error{
			"ConversationByChat":  func(q dialog.Queries) error { _, err := q.ConversationByChat(ctx, "telegram", bad); return err },
			"MessageByExternalID": func(q dialog.Queries) error { _, err := q.MessageByExternalID(ctx, c.ID, bad); return err },
			"TicketByNumber":      func(q dialog.Queries) error { _, err := q.TicketByNumber(ctx, bad); return err },
			"Tickets search":      func(q dialog.Queries) error { _, err := q.Tickets(ctx, dialog.TicketFilter{Search: bad}); return err },
			"Tickets queue":       func(q dialog.Queries) error { _, err := q.Tickets(ctx, dialog.TicketFilter{Queue: bad}); return err },
			"Tickets assignee":    func(q dialog.Queries) error { _, err := q.Tickets(ctx, dialog.TicketFilter{Assignee: bad}); return err },
			"UserByName":          func(q dialog.Queries) error { _, err := q.UserByName(ctx, bad); return err },
			"Session":             func(q dialog.Queries) error { _, err := q.Session(ctx, bad); return err },
			"APITokenByHash":      func(q dialog.Queries) error { _, err := q.APITokenByHash(ctx, bad); return err },
			"PendingInbox":        func(q dialog.Queries) error { _, err := q.PendingInbox(ctx, bad, 0); return err },
		}
		for what, lookup := range lookups {
			checkCode(t, fmt.Sprintf("%s with %s", what, name), lookup(s), dialog.EINVALID)
			err := s.Update(ctx, func(tx dialog.Tx) error {
				checkCode(t, fmt.Sprintf("%s with %s in a transaction", what, name), lookup(tx), dialog.EINVALID)
				_, err := tx.Ticket(ctx, tk.ID)
				return err
			})
			if err != nil {
				t.Errorf("%s with %s: the transaction cannot go on: %v", what, name, err)
			}
		}
	}

	if after := readState(t, s, c.ID); !reflect.DeepEqual(after, before) {
		t.Errorf("refused calls changed the store:\n got %s\nwant %s", dumpState(after), dumpState(before))
	}
}

// dumpState prints a storeState's contents, not its pointers.
func dumpState(st storeState) string {
	return fmt.Sprintf("%d tickets, %d users, %d messages, inbox %d, backlog %v, %d events, session %+v",
		len(st.Tickets), len(st.Users), len(st.Messages), len(st.Inbox), st.Backlog, len(st.Activity), *st.Session)
}
