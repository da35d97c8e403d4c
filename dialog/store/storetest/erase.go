package storetest

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// exporter is a store that writes every row of its tables (firstline
// export); both stores are.
type exporter interface {
	Export(ctx context.Context, w io.Writer) error
}

// export returns what s's export holds.
func export(t *testing.T, s dialog.Store) string {
	t.Helper()
	e, ok := s.(exporter)
	if !ok {
		t.Fatalf("%T has no Export", s)
	}
	var buf bytes.Buffer
	if err := e.Export(t.Context(), &buf); err != nil {
		t.Fatalf("Export: %v", err)
	}
	return buf.String()
}

// erase runs EraseConversation in its own transaction.
func erase(t *testing.T, s dialog.Store, id int64, at, idleBefore time.Time) (*dialog.Conversation, error) {
	t.Helper()
	var c *dialog.Conversation
	err := s.Update(t.Context(), func(tx dialog.Tx) error {
		var err error
		c, err = tx.EraseConversation(t.Context(), id, at, idleBefore)
		return err
	})
	return c, err
}

// setState saves a conversation's state, name and what the bot waits for.
func setState(t *testing.T, s dialog.Store, c *dialog.Conversation, state dialog.State, ticketID int64) {
	t.Helper()
	c.State, c.TicketID = state, ticketID
	update(t, s, func(tx dialog.Tx) error { return tx.UpdateConversation(t.Context(), c) })
}

// erasable stores a closed conversation of the chat whose customer's
// name, chat id, words and file all carry marker, with a closed ticket,
// replies out through the outbox (one sent, one pending) and analytics
// events, and returns it.
func erasable(t *testing.T, s dialog.Store, channel, marker string) *dialog.Conversation {
	t.Helper()
	ctx := t.Context()
	c := ensure(t, s, channel, "chat-"+marker)
	c.CustomerName = "Name " + marker
	c.CustomerEmail, c.CustomerPhone = marker+"@example.com", "+7900"+marker
	c.Pending, c.PendingOptions = dialog.PendingCSAT, []string{"opt-" + marker}
	tk := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketClosed, Channel: channel,
		CustomerName: c.CustomerName, Queue: "first_line", Priority: "normal", ClosedAt: time.Now(),
		Fields: []dialog.Field{{Name: "address", Value: "street " + marker}}})
	in := addMessage(t, s, &dialog.Message{ConversationID: c.ID, TicketID: tk.ID, Author: dialog.AuthorCustomer,
		ExternalID: "ext-1", Text: "my words " + marker})
	addAttachment(t, s, &dialog.Attachment{MessageID: in.ID, Kind: dialog.AttachmentDocument,
		FileName: "file-" + marker + ".pdf", MIME: "application/pdf", Size: int64(len("data " + marker)), Data: []byte("data " + marker)})
	addMessage(t, s, &dialog.Message{ConversationID: c.ID, TicketID: tk.ID, Author: dialog.AuthorNote,
		AuthorName: "anna", Text: "note about " + marker})
	sent := enqueue(t, s, &dialog.OutboxItem{Channel: channel, ChatID: c.ChatID, Text: "reply to " + marker, NextAttemptAt: outboxBase})
	sent.Status, sent.SentAt, sent.LastError = dialog.OutboxSent, outboxBase, "once failed for "+marker
	updateOutbox(t, s, sent)
	enqueue(t, s, &dialog.OutboxItem{Channel: channel, ChatID: c.ChatID, Text: "pending to " + marker,
		Buttons: []string{"button " + marker}, NextAttemptAt: outboxBase})
	addActivity(t, s, &dialog.Activity{Kind: dialog.ActivityMessageIn, ConversationID: c.ID, TicketID: tk.ID,
		MessageID: in.ID, Channel: channel})
	addActivity(t, s, &dialog.Activity{Kind: dialog.ActivityClosed, ConversationID: c.ID, TicketID: tk.ID,
		Channel: channel, Agent: "anna", Queue: "first_line"})
	setState(t, s, c, dialog.StateClosed, 0)
	var err error
	if c, err = s.Conversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

func testEraseConversation(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	const marker = "Zq7erasemeQ"
	c := erasable(t, s, "telegram", marker)
	keep := erasable(t, s, "telegram", "KeepMeK9")
	before := export(t, s)
	if !strings.Contains(before, marker) {
		t.Fatalf("the export holds no %q before the erasure: the test checks nothing", marker)
	}
	msgsBefore, err := s.Messages(ctx, dialog.MessageFilter{ConversationID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	eventsBefore := activities(t, s, dialog.ActivityFilter{})

	at := time.Now().UTC().Truncate(time.Microsecond)
	got, err := erase(t, s, c.ID, at, time.Time{})
	if err != nil {
		t.Fatalf("EraseConversation: %v", err)
	}
	want := *c
	want.CustomerName, want.ChatID = "", dialog.ErasedChatID(c.ID)
	want.CustomerEmail, want.CustomerPhone = "", ""
	want.Pending, want.PendingOptions = dialog.PendingNone, nil
	want.ErasedAt = got.ErasedAt
	checkConversation(t, "erased conversation", got, &want)
	checkTime(t, "ErasedAt", got.ErasedAt, at)

	after := export(t, s)
	if i := strings.Index(after, marker); i >= 0 {
		t.Errorf("the export still holds %q after the erasure: …%s…", marker, after[max(0, i-200):min(len(after), i+50)])
	}
	if strings.Contains(after, base64.StdEncoding.EncodeToString([]byte("data "+marker))) {
		t.Error("the export still holds the erased customer's file")
	}
	if !strings.Contains(after, "KeepMeK9") {
		t.Error("the erasure took another customer's data too")
	}
	_, err = s.ConversationByChat(ctx, "telegram", "chat-"+marker)
	checkCode(t, "ConversationByChat of the erased chat", err, dialog.ENOTFOUND)

	// What reports count stays: the transcript's messages, the tickets
	// and the analytics events, with their ids, kinds and times.
	msgs, err := s.Messages(ctx, dialog.MessageFilter{ConversationID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != len(msgsBefore) {
		t.Fatalf("%d messages after the erasure, want %d", len(msgs), len(msgsBefore))
	}
	for i, m := range msgs {
		w := *msgsBefore[i]
		w.Text, w.Buttons = "", nil
		checkMessage(t, "erased message", m, &w)
	}
	atts, err := s.Attachments(ctx, messageIDs(msgs))
	if err != nil {
		t.Fatal(err)
	}
	if len(atts) != 0 {
		t.Errorf("%d attachments left after the erasure", len(atts))
	}
	tickets, err := s.Tickets(ctx, dialog.TicketFilter{ConversationID: c.ID})
	if err != nil || len(tickets) != 1 {
		t.Fatalf("tickets of the erased conversation: %d, %v", len(tickets), err)
	}
	if tk := tickets[0]; tk.CustomerName != "" || tk.Fields != nil || tk.Status != dialog.TicketClosed || tk.Number == "" {
		t.Errorf("erased ticket: %+v, want it closed, numbered, nameless and without the fields collected", tk)
	}
	if found, _ := s.Tickets(ctx, dialog.TicketFilter{Search: "Name " + marker}); len(found) != 0 {
		t.Errorf("a search by the erased name found %d tickets", len(found))
	}
	eventsAfter := activities(t, s, dialog.ActivityFilter{})
	if !slices.Equal(activityIDs(eventsAfter), activityIDs(eventsBefore)) {
		t.Errorf("analytics events %v after the erasure, want %v", activityIDs(eventsAfter), activityIDs(eventsBefore))
	}
	for i, a := range eventsAfter {
		if a.Kind != eventsBefore[i].Kind || !a.At.Equal(eventsBefore[i].At) {
			t.Errorf("event %d: %s at %s, want %s at %s", a.ID, a.Kind, a.At, eventsBefore[i].Kind, eventsBefore[i].At)
		}
	}
	// The pending reply is not sent any more; the other customer's is.
	checkBacklog(t, s, "after the erasure", map[string]int{"telegram": 1})
	checkClaim(t, s, "claim after the erasure", "telegram", outboxBase, 10, "pending to KeepMeK9")

	// Erasing again changes nothing, and keeps the first time.
	after = export(t, s)
	again, err := erase(t, s, c.ID, at.Add(time.Hour), time.Time{})
	if err != nil {
		t.Fatalf("EraseConversation again: %v", err)
	}
	checkConversation(t, "erased again", again, got)
	if again := export(t, s); again != after {
		a, b := strings.Split(after, "\n"), strings.Split(again, "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Errorf("erasing again changed the export:\n%s\n%s", a[i], b[i])
			}
		}
	}
	if k, err := s.Conversation(ctx, keep.ID); err != nil || k.Erased() || k.CustomerName == "" {
		t.Errorf("the other conversation: %+v, %v; want it kept", k, err)
	}

	// The customer writing again starts a new conversation.
	fresh := ensure(t, s, "telegram", "chat-"+marker)
	if fresh.ID == c.ID || fresh.Erased() {
		t.Errorf("the erased customer's chat got conversation %d (erased %v), want a new one", fresh.ID, fresh.Erased())
	}
}

func testEraseConversationRefused(t *testing.T, s dialog.Store) {
	at := time.Now()
	_, err := erase(t, s, 4242, at, time.Time{})
	checkCode(t, "EraseConversation of a missing conversation", err, dialog.ENOTFOUND)

	for _, state := range []dialog.State{dialog.StateQueued, dialog.StateAgent} {
		c := ensure(t, s, "webchat", "open-"+string(state))
		c.CustomerName = "Open Customer"
		tk := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued, Channel: "webchat"})
		setState(t, s, c, state, tk.ID)
		_, err := erase(t, s, c.ID, at, time.Time{})
		checkCode(t, "EraseConversation "+string(state), err, dialog.ECONFLICT)
		if got, err := s.Conversation(t.Context(), c.ID); err != nil || got.Erased() || got.CustomerName != "Open Customer" {
			t.Errorf("refused erasure of a %s conversation changed it: %+v, %v", state, got, err)
		}
	}

	// Active again since a retention job listed it: left alone.
	c := ensure(t, s, "webchat", "recent")
	c.CustomerName = "Recent Customer"
	setState(t, s, c, dialog.StateClosed, 0)
	_, err = erase(t, s, c.ID, at, c.UpdatedAt)
	checkCode(t, "EraseConversation updated at idleBefore", err, dialog.ECONFLICT)
	if got, _ := s.Conversation(t.Context(), c.ID); got.Erased() {
		t.Error("a conversation updated since idleBefore was erased")
	}
	if _, err := erase(t, s, c.ID, at, c.UpdatedAt.Add(time.Microsecond)); err != nil {
		t.Errorf("EraseConversation idle before a later time: %v", err)
	}
	// A retention job finds it erased by another: not erased again.
	_, err = erase(t, s, c.ID, at.Add(time.Hour), c.UpdatedAt.Add(time.Microsecond))
	checkCode(t, "EraseConversation idle of an erased conversation", err, dialog.ECONFLICT)
}

func testIdleConversations(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	var want []int64
	for i, state := range []dialog.State{dialog.StateBot, dialog.StateQueued, dialog.StateClosed, dialog.StateAgent, dialog.StateBot} {
		c := ensure(t, s, "webchat", "idle-"+string(rune('a'+i)))
		var ticketID int64
		if state == dialog.StateQueued || state == dialog.StateAgent {
			ticketID = createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued}).ID
		}
		setState(t, s, c, state, ticketID)
		if ticketID == 0 {
			want = append(want, c.ID)
		}
	}
	future := time.Now().Add(time.Hour)
	ids, err := s.IdleConversations(ctx, future, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("IdleConversations = %v, want %v (with the bot or closed, oldest first)", ids, want)
	}
	if ids, _ := s.IdleConversations(ctx, future, 2); !slices.Equal(ids, want[:2]) {
		t.Errorf("IdleConversations limit 2 = %v, want %v", ids, want[:2])
	}
	if ids, _ := s.IdleConversations(ctx, time.Now().Add(-time.Hour), 0); len(ids) != 0 {
		t.Errorf("IdleConversations before an hour ago = %v, want none", ids)
	}
	if _, err := erase(t, s, want[0], time.Now(), future); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.IdleConversations(ctx, future, 0); !slices.Equal(ids, want[1:]) {
		t.Errorf("IdleConversations after erasing %d = %v, want %v", want[0], ids, want[1:])
	}
}

func testInboxPayloadDropped(t *testing.T, s dialog.Store) {
	processed := []byte(`{"text":"Pay1oadMarker one"}`)
	pending := []byte(`{"text":"Pay1oadMarker two"}`)
	saveInbox(t, s, &dialog.InboxItem{Channel: "telegram", ExternalID: "1", Payload: processed})
	saveInbox(t, s, &dialog.InboxItem{Channel: "telegram", ExternalID: "2", Payload: pending})
	markProcessed(t, s, "telegram", "1")
	dump := export(t, s)
	if strings.Contains(dump, base64.StdEncoding.EncodeToString(processed)) {
		t.Error("a processed update keeps its payload")
	}
	if !strings.Contains(dump, base64.StdEncoding.EncodeToString(pending)) {
		t.Error("a pending update lost its payload")
	}
	if saveInbox(t, s, &dialog.InboxItem{Channel: "telegram", ExternalID: "1", Payload: []byte("again")}) {
		t.Error("a processed update with its payload emptied was stored again on a redelivery")
	}
}
