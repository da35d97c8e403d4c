package dialog_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

func TestCanSeeTicket(t *testing.T) {
	first := &dialog.Ticket{ID: 1, Number: "FL-000001", Queue: "first_line"}
	second := &dialog.Ticket{ID: 2, Number: "FL-000002", Queue: "second_line"}
	for _, c := range []struct {
		name          string
		user          dialog.User
		first, second bool
		visible       []string // VisibleQueues
	}{
		{"agent of the first line", dialog.User{Role: dialog.RoleAgent, Queues: []string{"first_line"}}, true, false, []string{"first_line"}},
		{"agent of both lines", dialog.User{Role: dialog.RoleAgent, Queues: []string{"second_line", "first_line"}}, true, true, []string{"second_line", "first_line"}},
		{"agent of another queue", dialog.User{Role: dialog.RoleAgent, Queues: []string{"billing"}}, false, false, []string{"billing"}},
		{"agent of every queue", dialog.User{Role: dialog.RoleAgent}, true, true, nil},
		// Admins and analysts see every ticket, whatever queues they have.
		{"admin", dialog.User{Role: dialog.RoleAdmin, Queues: []string{"billing"}}, true, true, nil},
		{"analyst", dialog.User{Role: dialog.RoleAnalyst, Queues: []string{"billing"}}, true, true, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := &c.user
			if got := u.CanSeeTicket(first); got != c.first {
				t.Errorf("CanSeeTicket(first_line) = %v, want %v", got, c.first)
			}
			if got := u.CanSeeTicket(second); got != c.second {
				t.Errorf("CanSeeTicket(second_line) = %v, want %v", got, c.second)
			}
			visible := u.VisibleQueues()
			if !reflect.DeepEqual(visible, c.visible) {
				t.Errorf("VisibleQueues = %q, want %q", visible, c.visible)
			}
			// The list filter and the check agree.
			for _, tk := range []*dialog.Ticket{first, second} {
				inList := len(visible) == 0 || slices.Contains(visible, tk.Queue)
				if inList != u.CanSeeTicket(tk) {
					t.Errorf("%s: listed %v, but CanSeeTicket %v", tk.Queue, inList, u.CanSeeTicket(tk))
				}
			}
			if len(visible) > 0 {
				visible[0] = "changed"
				if u.Queues[0] == "changed" {
					t.Error("VisibleQueues shares the user's slice")
				}
			}

			// Messages go with the ticket they were written under; those
			// written to the bot go with the conversation.
			tickets := []*dialog.Ticket{first, second}
			for _, m := range []struct {
				msg  dialog.Message
				want bool
			}{
				{dialog.Message{TicketID: first.ID}, c.first},
				{dialog.Message{TicketID: second.ID}, c.second},
				{dialog.Message{TicketID: 0}, c.first || c.second},
			} {
				if got := u.CanSeeMessage(&m.msg, tickets); got != m.want {
					t.Errorf("CanSeeMessage(ticket %d) = %v, want %v", m.msg.TicketID, got, m.want)
				}
			}

			// Live events: of a ticket by its queue, of a transfer by
			// either queue, of no ticket always.
			for _, e := range []struct {
				event dialog.Event
				want  bool
			}{
				{dialog.Event{Kind: dialog.EventTicket, TicketID: 1, TicketNumber: first.Number, Queue: "first_line"}, c.first},
				{dialog.Event{Kind: dialog.EventMessage, TicketID: 2, TicketNumber: second.Number, Queue: "second_line"}, c.second},
				{dialog.Event{Kind: dialog.EventTicket, TicketID: 1, TicketNumber: first.Number, Queue: "second_line", FromQueue: "first_line"}, c.first || c.second},
				{dialog.Event{Kind: dialog.EventMessage, ConversationID: 7}, true},
				{dialog.Event{Kind: dialog.EventTicket}, true},
			} {
				if got := u.CanSeeEvent(e.event); got != e.want {
					t.Errorf("CanSeeEvent(%+v) = %v, want %v", e.event, got, e.want)
				}
			}
		})
	}
}
