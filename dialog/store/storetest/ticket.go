package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

func testCreateTicket(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	moscow := time.FixedZone("MSK", 3*60*60)
	c := ensure(t, s, "webchat", "chat-1")
	want := &dialog.Ticket{
		ConversationID: c.ID,
		Status:         dialog.TicketQueued,
		Reason:         dialog.ReasonNoMatch,
		Intent:         "delivery.time",
		Candidates: []dialog.Candidate{
			{Intent: "delivery.time", Confidence: 0.4375},
			{Intent: "delivery.cost", Confidence: 0.25},
		},
		Priority:     "high",
		Queue:        "billing",
		Channel:      "webchat",
		CustomerName: "Анна",
		Assignee:     "olga",
		CSAT:         4,
		Reopens:      2,
		// Fields read back in order, an empty value (a question skipped)
		// and quotes and line breaks in a value among them.
		Fields: []dialog.Field{
			{Name: "contract", Value: "1234567"},
			{Name: "address", Value: ""},
			{Name: "since", Value: "Вчера, \"около 9\"\nвечера"},
		},
		// SLA times in another zone read back in UTC, to the microsecond.
		FirstResponseDue: time.Date(2024, 5, 6, 5, 0, 0, 999999999, moscow),
		ResolutionDue:    time.Date(2024, 5, 7, 5, 0, 0, 0, moscow),
		FirstResponseAt:  time.Date(2024, 5, 6, 4, 30, 0, 1000, moscow),
		ClosedAt:         time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC),
	}
	createTicket(t, s, want)
	if want.ID == 0 {
		t.Fatal("new ticket has id 0")
	}
	if want.Number != dialog.FormatTicketNumber(want.ID) {
		t.Errorf("Number = %q, want %q", want.Number, dialog.FormatTicketNumber(want.ID))
	}
	if want.CreatedAt.IsZero() || !want.UpdatedAt.Equal(want.CreatedAt) || want.Version != 1 {
		t.Errorf("CreatedAt = %s, UpdatedAt = %s, version %d: want both set and equal, version 1", want.CreatedAt, want.UpdatedAt, want.Version)
	}

	got, err := s.Ticket(ctx, want.ID)
	if err != nil {
		t.Fatalf("Ticket: %v", err)
	}
	checkTicket(t, "by id", got, want)
	got, err = s.TicketByNumber(ctx, want.Number)
	if err != nil {
		t.Fatalf("TicketByNumber: %v", err)
	}
	checkTicket(t, "by number", got, want)

	// Two tickets in one transaction get numbers of their own, and an open
	// ticket without SLA times reads them back zero.
	a := &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued}
	b := &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued}
	update(t, s, func(tx dialog.Tx) error {
		if err := tx.CreateTicket(ctx, a); err != nil {
			return err
		}
		if err := tx.CreateTicket(ctx, b); err != nil {
			return err
		}
		got, err := tx.TicketByNumber(ctx, a.Number)
		if err != nil {
			return err
		}
		checkTicket(t, "in the transaction", got, a)
		return nil
	})
	if a.Number == b.Number || a.Number != dialog.FormatTicketNumber(a.ID) || b.Number != dialog.FormatTicketNumber(b.ID) {
		t.Errorf("numbers %q (id %d) and %q (id %d)", a.Number, a.ID, b.Number, b.ID)
	}
	got, err = s.TicketByNumber(ctx, b.Number)
	if err != nil {
		t.Fatalf("TicketByNumber: %v", err)
	}
	checkTicket(t, "open ticket", got, b)

	// A ticket needs a conversation.
	err = s.Update(ctx, func(tx dialog.Tx) error {
		return tx.CreateTicket(ctx, &dialog.Ticket{ConversationID: 12345, Status: dialog.TicketQueued})
	})
	if err == nil {
		t.Error("CreateTicket for a missing conversation succeeded")
	}
}

func testUpdateTicket(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "webchat", "chat-1")
	tk := createTicket(t, s, &dialog.Ticket{
		ConversationID: c.ID,
		Status:         dialog.TicketQueued,
		Reason:         dialog.ReasonCustomerAsk,
		Intent:         "refund",
		Candidates:     []dialog.Candidate{{Intent: "refund", Confidence: 0.5}},
		Priority:       "normal",
		Queue:          "general",
		Channel:        "webchat",
		CustomerName:   "Anna",
		// Due times are whatever the policy gave; what matters is that
		// each reads back as it was saved.
		FirstResponseDue: time.Now().Add(15 * time.Minute),
		ResolutionDue:    time.Now().Add(4 * time.Hour),
	})
	saved := *tk

	tests := []struct {
		name   string
		change func(tk *dialog.Ticket)
	}{
		{"assign", func(tk *dialog.Ticket) {
			tk.Status = dialog.TicketAssigned
			tk.Assignee = "olga"
			tk.Priority = "high"
			tk.Queue = "refunds"
		}},
		{"first response", func(tk *dialog.Ticket) {
			tk.FirstResponseAt = time.Now()
		}},
		{"close", func(tk *dialog.Ticket) {
			tk.Status = dialog.TicketClosed
			tk.ClosedAt = time.Now()
		}},
		{"rate", func(tk *dialog.Ticket) {
			tk.CSAT = 5
		}},
		{"reopen", func(tk *dialog.Ticket) {
			tk.Status = dialog.TicketQueued
			tk.Assignee = ""
			tk.ClosedAt = time.Time{}
			tk.CSAT = 0
			tk.Reopens++
			tk.ResolutionDue = time.Now().Add(8 * time.Hour)
		}},
		{"reopen again", func(tk *dialog.Ticket) {
			tk.Reopens++
		}},
		{"collect fields", func(tk *dialog.Ticket) {
			tk.Fields = []dialog.Field{{Name: "contract", Value: "7654321"}}
		}},
		{"drop the SLA", func(tk *dialog.Ticket) {
			tk.FirstResponseDue = time.Time{}
			tk.ResolutionDue = time.Time{}
			tk.FirstResponseAt = time.Time{}
		}},
	}
	for _, tt := range tests {
		tt.change(&saved)
		changed := saved
		// Fields UpdateTicket does not save: changes to them are dropped.
		changed.Reason = "ignored"
		changed.Intent = "ignored"
		changed.Candidates = nil
		changed.Channel = "ignored"
		changed.CustomerName = "ignored"
		changed.ConversationID = 12345
		changed.Number = "FL-ignored"
		update(t, s, func(tx dialog.Tx) error {
			return tx.UpdateTicket(ctx, &changed)
		})
		if changed.UpdatedAt.Before(saved.UpdatedAt) {
			t.Errorf("%s: UpdatedAt went back from %s to %s", tt.name, saved.UpdatedAt, changed.UpdatedAt)
		}
		saved.UpdatedAt = changed.UpdatedAt
		if changed.Version != saved.Version+1 {
			t.Errorf("%s: version %d after version %d, want one more", tt.name, changed.Version, saved.Version)
		}
		saved.Version = changed.Version

		got, err := s.Ticket(ctx, tk.ID)
		if err != nil {
			t.Fatalf("%s: Ticket: %v", tt.name, err)
		}
		checkTicket(t, tt.name, got, &saved)
	}
}

func testUpdateTicketMissing(t *testing.T, s dialog.Store) {
	err := s.Update(t.Context(), func(tx dialog.Tx) error {
		return tx.UpdateTicket(t.Context(), &dialog.Ticket{ID: 12345, Status: dialog.TicketClosed})
	})
	checkCode(t, "UpdateTicket of a missing ticket", err, dialog.ENOTFOUND)
}

func testTicketFilter(t *testing.T, s dialog.Store) {
	c1 := ensure(t, s, "webchat", "chat-1")
	c2 := ensure(t, s, "webchat", "chat-2")
	add := func(conversationID int64, status dialog.TicketStatus, queue, assignee string) int64 {
		return createTicket(t, s, &dialog.Ticket{
			ConversationID: conversationID,
			Status:         status,
			Queue:          queue,
			Assignee:       assignee,
		}).ID
	}
	// In order of creation: oldest first.
	t1 := add(c1.ID, dialog.TicketClosed, "billing", "olga")
	t2 := add(c2.ID, dialog.TicketAssigned, "general", "olga")
	t3 := add(c1.ID, dialog.TicketQueued, "billing", "")
	t4 := add(c2.ID, dialog.TicketQueued, "general", "")
	t5 := add(c2.ID, dialog.TicketClosed, "billing", "ivan")

	tests := []struct {
		name   string
		filter dialog.TicketFilter
		want   []int64
	}{
		{"all", dialog.TicketFilter{}, []int64{t5, t4, t3, t2, t1}},
		{"queued", dialog.TicketFilter{Statuses: []dialog.TicketStatus{dialog.TicketQueued}}, []int64{t4, t3}},
		{"open", dialog.TicketFilter{Statuses: []dialog.TicketStatus{dialog.TicketQueued, dialog.TicketAssigned}}, []int64{t4, t3, t2}},
		{"conversation", dialog.TicketFilter{ConversationID: c1.ID}, []int64{t3, t1}},
		{"missing conversation", dialog.TicketFilter{ConversationID: 12345}, nil},
		{"limit", dialog.TicketFilter{Limit: 2}, []int64{t5, t4}},
		{"closed in conversation", dialog.TicketFilter{ConversationID: c2.ID, Statuses: []dialog.TicketStatus{dialog.TicketClosed}}, []int64{t5}},
		{"open in conversation with limit", dialog.TicketFilter{
			ConversationID: c2.ID,
			Statuses:       []dialog.TicketStatus{dialog.TicketQueued, dialog.TicketAssigned},
			Limit:          1,
		}, []int64{t4}},
		{"queue", dialog.TicketFilter{Queue: "billing"}, []int64{t5, t3, t1}},
		{"missing queue", dialog.TicketFilter{Queue: "nobody"}, nil},
		{"assignee", dialog.TicketFilter{Assignee: "olga"}, []int64{t2, t1}},
		{"open of assignee", dialog.TicketFilter{
			Assignee: "olga",
			Statuses: []dialog.TicketStatus{dialog.TicketQueued, dialog.TicketAssigned},
		}, []int64{t2}},
		{"queue and assignee", dialog.TicketFilter{Queue: "billing", Assignee: "olga"}, []int64{t1}},
		{"queued in queue", dialog.TicketFilter{
			Queue:    "general",
			Statuses: []dialog.TicketStatus{dialog.TicketQueued},
		}, []int64{t4}},
		{"newest order by name", dialog.TicketFilter{Order: dialog.OrderNewest, Limit: 1}, []int64{t5}},
		// Queues keeps what an agent of those queues may see.
		{"queues", dialog.TicketFilter{Queues: []string{"general"}}, []int64{t4, t2}},
		{"several queues", dialog.TicketFilter{Queues: []string{"general", "billing"}}, []int64{t5, t4, t3, t2, t1}},
		{"queues with one missing", dialog.TicketFilter{Queues: []string{"nobody", "general"}}, []int64{t4, t2}},
		{"missing queues", dialog.TicketFilter{Queues: []string{"nobody"}}, nil},
		{"queues and queue", dialog.TicketFilter{Queues: []string{"general"}, Queue: "billing"}, nil},
		{"queues, queue in them", dialog.TicketFilter{Queues: []string{"general", "billing"}, Queue: "billing"}, []int64{t5, t3, t1}},
		{"queues in conversation", dialog.TicketFilter{Queues: []string{"billing"}, ConversationID: c2.ID}, []int64{t5}},
		{"open in queues in queue order", dialog.TicketFilter{
			Queues:   []string{"general"},
			Statuses: []dialog.TicketStatus{dialog.TicketQueued, dialog.TicketAssigned},
			Order:    dialog.OrderQueue,
		}, []int64{t2, t4}},
		{"queues with limit", dialog.TicketFilter{Queues: []string{"billing"}, Limit: 1}, []int64{t5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.Tickets(t.Context(), tt.filter)
			if err != nil {
				t.Fatalf("Tickets: %v", err)
			}
			got := ticketIDs(list)
			if len(got) != 0 || len(tt.want) != 0 {
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Tickets(%+v) = %v, want %v", tt.filter, got, tt.want)
				}
			}
		})
	}
}

func testTicketFilterInvalidOrder(t *testing.T, s dialog.Store) {
	_, err := s.Tickets(t.Context(), dialog.TicketFilter{Order: "sideways"})
	checkCode(t, "Tickets in an unknown order", err, dialog.EINVALID)
}

func testOpenTicketLoad(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	load, err := s.OpenTicketLoad(ctx)
	if err != nil {
		t.Fatalf("OpenTicketLoad: %v", err)
	}
	if len(load) != 0 {
		t.Errorf("OpenTicketLoad of an empty store = %v, want none", load)
	}

	c := ensure(t, s, "webchat", "chat-1")
	add := func(status dialog.TicketStatus, assignee string) *dialog.Ticket {
		return createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: status, Assignee: assignee})
	}
	add(dialog.TicketAssigned, "olga")
	add(dialog.TicketAssigned, "olga")
	add(dialog.TicketAssigned, "ivan")
	add(dialog.TicketClosed, "olga") // closed: no longer a load
	add(dialog.TicketClosed, "petr")
	add(dialog.TicketQueued, "")
	moved := add(dialog.TicketAssigned, "petr")

	want := map[string]int{"olga": 2, "ivan": 1, "petr": 1}
	load, err = s.OpenTicketLoad(ctx)
	if err != nil {
		t.Fatalf("OpenTicketLoad: %v", err)
	}
	if !reflect.DeepEqual(load, want) {
		t.Errorf("OpenTicketLoad = %v, want %v", load, want)
	}

	// A ticket sent back to the queue leaves its agent's load, in the
	// transaction that does it.
	update(t, s, func(tx dialog.Tx) error {
		moved.Status, moved.Assignee = dialog.TicketQueued, ""
		if err := tx.UpdateTicket(ctx, moved); err != nil {
			return err
		}
		load, err := tx.OpenTicketLoad(ctx)
		if err != nil {
			return err
		}
		want := map[string]int{"olga": 2, "ivan": 1}
		if !reflect.DeepEqual(load, want) {
			t.Errorf("OpenTicketLoad in the transaction = %v, want %v", load, want)
		}
		return nil
	})
}
