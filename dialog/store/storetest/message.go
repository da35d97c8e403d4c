package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

func testAddMessage(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "webchat", "chat-1")
	tk := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued})

	in := addMessage(t, s, &dialog.Message{
		ConversationID: c.ID,
		TicketID:       tk.ID,
		Author:         dialog.AuthorCustomer,
		ExternalID:     "ext-1",
		Text:           "Где мой заказ?",
		Lang:           "ru",
	})
	out := addMessage(t, s, &dialog.Message{
		ConversationID: c.ID,
		TicketID:       tk.ID,
		Author:         dialog.AuthorAgent,
		AuthorName:     "Olga",
		ReplyTo:        in.ID,
		Text:           "Уже едет \"курьером\" 🚚\nзавтра",
		Buttons:        []string{"Спасибо", "Позвать оператора"},
		Lang:           "ru",
		Intent:         "order.status",
		Confidence:     0.8125,
	})
	if in.ID == 0 || out.ID <= in.ID {
		t.Fatalf("ids %d, %d: want non-zero and increasing", in.ID, out.ID)
	}
	if in.CreatedAt.IsZero() || out.CreatedAt.IsZero() {
		t.Errorf("CreatedAt not set: %s, %s", in.CreatedAt, out.CreatedAt)
	}

	got, err := s.MessageByExternalID(ctx, c.ID, "ext-1")
	if err != nil {
		t.Fatalf("MessageByExternalID: %v", err)
	}
	checkMessage(t, "by external id", got, in)

	list, err := s.Messages(ctx, dialog.MessageFilter{ConversationID: c.ID})
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	if len(list) != 2 {
		t.Fatalf("Messages returned %d messages, want 2", len(list))
	}
	checkMessage(t, "inbound", list[0], in)
	checkMessage(t, "reply", list[1], out)

	// Inside a transaction the same reads see the same rows.
	update(t, s, func(tx dialog.Tx) error {
		got, err := tx.MessageByExternalID(ctx, c.ID, "ext-1")
		if err != nil {
			return err
		}
		checkMessage(t, "by external id in a transaction", got, in)
		list, err := tx.Messages(ctx, dialog.MessageFilter{ConversationID: c.ID, ReplyTo: in.ID})
		if err != nil {
			return err
		}
		if len(list) != 1 {
			t.Fatalf("Messages in a transaction returned %d messages, want 1", len(list))
		}
		checkMessage(t, "reply in a transaction", list[0], out)
		return nil
	})
}

func testAddMessageCreatedAt(t *testing.T, s dialog.Store) {
	c := ensure(t, s, "webchat", "chat-1")
	// A time given by the caller is kept, to the microsecond, and read back
	// in UTC.
	moscow := time.FixedZone("MSK", 3*60*60)
	at := time.Date(2024, 5, 6, 7, 8, 9, 123456789, moscow)
	m := addMessage(t, s, &dialog.Message{
		ConversationID: c.ID,
		Author:         dialog.AuthorCustomer,
		ExternalID:     "ext-1",
		Text:           "hello",
		CreatedAt:      at,
	})
	got, err := s.MessageByExternalID(t.Context(), c.ID, "ext-1")
	if err != nil {
		t.Fatalf("MessageByExternalID: %v", err)
	}
	checkTime(t, "CreatedAt", got.CreatedAt, time.Date(2024, 5, 6, 4, 8, 9, 123456000, time.UTC))
	if got.ID != m.ID {
		t.Errorf("ID = %d, want %d", got.ID, m.ID)
	}
}

func testAddMessageMissingConversation(t *testing.T, s dialog.Store) {
	err := s.Update(t.Context(), func(tx dialog.Tx) error {
		return tx.AddMessage(t.Context(), &dialog.Message{
			ConversationID: 12345,
			Author:         dialog.AuthorCustomer,
			Text:           "hello",
		})
	})
	if err == nil {
		t.Fatal("AddMessage to a missing conversation succeeded")
	}
	list, err := s.Messages(t.Context(), dialog.MessageFilter{ConversationID: 12345})
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	if len(list) != 0 {
		t.Errorf("Messages of a missing conversation = %d messages, want none", len(list))
	}
}

func testDuplicateExternalID(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "webchat", "chat-1")
	first := addMessage(t, s, &dialog.Message{
		ConversationID: c.ID,
		Author:         dialog.AuthorCustomer,
		ExternalID:     "ext-1",
		Text:           "first delivery",
	})

	// The channel delivers the same message again: the insert conflicts,
	// and the transaction stays usable to look up the first delivery.
	update(t, s, func(tx dialog.Tx) error {
		again := &dialog.Message{
			ConversationID: c.ID,
			Author:         dialog.AuthorCustomer,
			ExternalID:     "ext-1",
			Text:           "second delivery",
		}
		err := tx.AddMessage(ctx, again)
		checkCode(t, "AddMessage of a duplicate", err, dialog.ECONFLICT)
		got, err := tx.MessageByExternalID(ctx, c.ID, "ext-1")
		if err != nil {
			return err
		}
		checkMessage(t, "after the conflict", got, first)
		// Writes after the conflict still commit.
		return tx.AddMessage(ctx, &dialog.Message{
			ConversationID: c.ID,
			Author:         dialog.AuthorBot,
			ReplyTo:        got.ID,
			Text:           "reply",
		})
	})

	// Another conversation may use the same external id, and messages
	// without one never conflict.
	other := ensure(t, s, "webchat", "chat-2")
	addMessage(t, s, &dialog.Message{ConversationID: other.ID, Author: dialog.AuthorCustomer, ExternalID: "ext-1", Text: "other"})
	addMessage(t, s, &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorBot, Text: "no id"})
	addMessage(t, s, &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorBot, Text: "no id"})

	list, err := s.Messages(ctx, dialog.MessageFilter{ConversationID: c.ID})
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	var texts []string
	for _, m := range list {
		texts = append(texts, m.Text)
	}
	want := []string{"first delivery", "reply", "no id", "no id"}
	if !reflect.DeepEqual(texts, want) {
		t.Errorf("transcript = %q, want %q", texts, want)
	}
	checkMessage(t, "first delivery", list[0], first)
}

func testMessageFilter(t *testing.T, s dialog.Store) {
	c := ensure(t, s, "webchat", "chat-1")
	other := ensure(t, s, "webchat", "chat-2")
	tk := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued})

	// m[0..5] in c, interleaved with messages of another conversation.
	add := func(conversationID, ticketID, replyTo int64, text string) int64 {
		m := addMessage(t, s, &dialog.Message{
			ConversationID: conversationID,
			TicketID:       ticketID,
			ReplyTo:        replyTo,
			Author:         dialog.AuthorCustomer,
			Text:           text,
		})
		return m.ID
	}
	var m [6]int64
	m[0] = add(c.ID, 0, 0, "question")
	o0 := add(other.ID, 0, 0, "other question")
	m[1] = add(c.ID, 0, m[0], "answer")
	m[2] = add(c.ID, 0, 0, "second question")
	m[3] = add(c.ID, tk.ID, m[2], "escalated")
	o1 := add(other.ID, 0, o0, "other answer")
	m[4] = add(c.ID, tk.ID, 0, "details")
	m[5] = add(c.ID, tk.ID, m[4], "agent reply")

	tests := []struct {
		name   string
		filter dialog.MessageFilter
		want   []int64
	}{
		{"conversation", dialog.MessageFilter{ConversationID: c.ID}, m[:]},
		{"other conversation", dialog.MessageFilter{ConversationID: other.ID}, []int64{o0, o1}},
		{"missing conversation", dialog.MessageFilter{ConversationID: 12345}, nil},
		{"after", dialog.MessageFilter{ConversationID: c.ID, AfterID: m[2]}, m[3:]},
		{"after the last", dialog.MessageFilter{ConversationID: c.ID, AfterID: m[5]}, nil},
		{"reply to", dialog.MessageFilter{ConversationID: c.ID, ReplyTo: m[0]}, []int64{m[1]}},
		{"reply to nothing", dialog.MessageFilter{ConversationID: c.ID, ReplyTo: m[1]}, nil},
		{"ticket", dialog.MessageFilter{ConversationID: c.ID, TicketID: tk.ID}, m[3:]},
		{"limit", dialog.MessageFilter{ConversationID: c.ID, Limit: 2}, m[:2]},
		{"limit above count", dialog.MessageFilter{ConversationID: c.ID, Limit: 100}, m[:]},
		{"after with limit", dialog.MessageFilter{ConversationID: c.ID, AfterID: m[0], Limit: 3}, m[1:4]},
		{"ticket after with limit", dialog.MessageFilter{ConversationID: c.ID, TicketID: tk.ID, AfterID: m[3], Limit: 1}, []int64{m[4]}},
		{"ticket and reply to", dialog.MessageFilter{ConversationID: c.ID, TicketID: tk.ID, ReplyTo: m[4]}, []int64{m[5]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.Messages(t.Context(), tt.filter)
			if err != nil {
				t.Fatalf("Messages: %v", err)
			}
			got := messageIDs(list)
			if len(got) != 0 || len(tt.want) != 0 {
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Messages(%+v) = %v, want %v", tt.filter, got, tt.want)
				}
			}
		})
	}
}

func testMessagePublic(t *testing.T, s dialog.Store) {
	c := ensure(t, s, "webchat", "chat-1")
	tk := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketAssigned})
	add := func(ticketID int64, author dialog.Author) int64 {
		return addMessage(t, s, &dialog.Message{
			ConversationID: c.ID,
			TicketID:       ticketID,
			Author:         author,
			Text:           string(author),
		}).ID
	}
	customer := add(0, dialog.AuthorCustomer)
	bot := add(0, dialog.AuthorBot)
	system := add(tk.ID, dialog.AuthorSystem)
	note1 := add(tk.ID, dialog.AuthorNote)
	agent := add(tk.ID, dialog.AuthorAgent)
	note2 := add(tk.ID, dialog.AuthorNote)
	again := add(tk.ID, dialog.AuthorCustomer)

	tests := []struct {
		name   string
		filter dialog.MessageFilter
		want   []int64
	}{
		{"everything", dialog.MessageFilter{ConversationID: c.ID},
			[]int64{customer, bot, system, note1, agent, note2, again}},
		{"public", dialog.MessageFilter{ConversationID: c.ID, Public: true},
			[]int64{customer, bot, system, agent, again}},
		{"public of the ticket", dialog.MessageFilter{ConversationID: c.ID, TicketID: tk.ID, Public: true},
			[]int64{system, agent, again}},
		{"public after", dialog.MessageFilter{ConversationID: c.ID, AfterID: system, Public: true},
			[]int64{agent, again}},
		// The limit counts public messages only: a page is never short
		// because of notes.
		{"public with limit", dialog.MessageFilter{ConversationID: c.ID, AfterID: bot, Public: true, Limit: 2},
			[]int64{system, agent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.Messages(t.Context(), tt.filter)
			if err != nil {
				t.Fatalf("Messages: %v", err)
			}
			if got := messageIDs(list); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Messages(%+v) = %v, want %v", tt.filter, got, tt.want)
			}
		})
	}
}

func testMessageByID(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "telegram", "42")
	in := addMessage(t, s, &dialog.Message{
		ConversationID: c.ID,
		Author:         dialog.AuthorCustomer,
		ExternalID:     "7",
		Text:           "Где мой заказ?",
		Lang:           "ru",
	})
	out := addMessage(t, s, &dialog.Message{
		ConversationID: c.ID,
		Author:         dialog.AuthorBot,
		ReplyTo:        in.ID,
		Text:           "Заказ уже в пути.",
		Buttons:        []string{"Спасибо"},
		Lang:           "ru",
		Intent:         "order.status",
		Confidence:     0.75,
	})
	for _, want := range []*dialog.Message{in, out} {
		got, err := s.Message(ctx, want.ID)
		if err != nil {
			t.Fatalf("Message(%d): %v", want.ID, err)
		}
		checkMessage(t, want.Text, got, want)
		update(t, s, func(tx dialog.Tx) error {
			got, err := tx.Message(ctx, want.ID)
			if err != nil {
				return err
			}
			checkMessage(t, want.Text+" in a transaction", got, want)
			return nil
		})
	}
}
