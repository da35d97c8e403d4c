package dialog_test

import (
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

func TestAgentTyping(t *testing.T) {
	h := newHarness(t)
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h.engine.SetClock(func() time.Time { return now })
	events, cancel := h.events.Subscribe()
	defer cancel()
	drain := func() {
		for {
			select {
			case <-events:
			default:
				return
			}
		}
	}

	ticket := h.send("c", "/human").Ticket
	conv := ticket.ConversationID
	if _, ok := h.engine.TypingIn(conv); ok {
		t.Fatal("someone is typing before anyone typed")
	}
	drain()
	if err := h.engine.AgentTyping(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-events:
		if e.Kind != dialog.EventTyping || e.ConversationID != conv || e.Name != "Olga" || e.TicketNumber != ticket.Number {
			t.Errorf("typing event = %+v", e)
		}
	default:
		t.Fatal("typing published no event")
	}
	if got, ok := h.engine.TypingIn(conv); !ok || got.Name != "Olga" {
		t.Errorf("TypingIn = %+v, %v; want Olga", got, ok)
	}
	// Signs closer together than the panel sends them cost no events.
	now = now.Add(time.Second)
	if err := h.engine.AgentTyping(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-events:
		t.Errorf("a second sign a second later published %+v", e)
	default:
	}
	now = now.Add(2 * time.Second)
	if err := h.engine.AgentTyping(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	select { // published before AgentTyping returned
	case e := <-events:
		if e.Kind != dialog.EventTyping {
			t.Errorf("event %+v, want typing", e)
		}
	default:
		t.Error("a sign two seconds later published no event")
	}
	now = now.Add(dialog.TypingTTL - time.Second)
	if _, ok := h.engine.TypingIn(conv); !ok {
		t.Error("typing ended before its time")
	}
	now = now.Add(time.Second)
	if got, ok := h.engine.TypingIn(conv); ok {
		t.Errorf("typing %+v still shown %v after the last sign", got, dialog.TypingTTL)
	}

	// Typing again, then the reply: the reply ends it at once, on other
	// replicas too (an event without a name).
	if err := h.engine.AgentTyping(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	drain()
	if _, err := h.engine.Reply(h.ctx, act(ticket.Number, "Olga"), "Смотрю"); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.engine.TypingIn(conv); ok {
		t.Error("still typing after the reply")
	}
	var stop bool
	for done := false; !done; {
		select {
		case e := <-events:
			stop = stop || e.Kind == dialog.EventTyping && e.ConversationID == conv && e.Name == ""
		default:
			done = true
		}
	}
	if !stop {
		t.Error("the reply published no end of typing")
	}

	// Another replica's event is noted the same way, and so is its end.
	h.engine.NoteTyping(dialog.Event{Kind: dialog.EventTyping, ConversationID: 99, Name: "Anna"})
	if got, ok := h.engine.TypingIn(99); !ok || got.Name != "Anna" {
		t.Errorf("TypingIn after NoteTyping = %+v, %v", got, ok)
	}
	h.engine.NoteTyping(dialog.Event{Kind: dialog.EventMessage, ConversationID: 99})
	if _, ok := h.engine.TypingIn(99); !ok {
		t.Error("a message event ended typing")
	}
	h.engine.NoteTyping(dialog.Event{Kind: dialog.EventTyping, ConversationID: 99})
	if _, ok := h.engine.TypingIn(99); ok {
		t.Error("an event without a name did not end typing")
	}
}

func TestAgentTypingRefused(t *testing.T) {
	h := newHarness(t)
	ticket := h.send("c", "/human").Ticket
	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		a    dialog.TicketAction
		code string
	}{
		{"no agent", act(ticket.Number, ""), dialog.EINVALID},
		{"unknown ticket", act("FL-999999", "Olga"), dialog.ENOTFOUND},
		{"someone else's ticket", act(ticket.Number, "Ivan"), dialog.ECONFLICT},
		{"hidden ticket", dialog.TicketAction{Number: ticket.Number, Agent: "Olga",
			User: &dialog.User{Name: "Olga", Role: dialog.RoleAgent, Queues: []string{"billing"}}}, dialog.ENOTFOUND},
	} {
		if err := h.engine.AgentTyping(h.ctx, c.a); dialog.ErrorCode(err) != c.code {
			t.Errorf("%s: error %v, want code %s", c.name, err, c.code)
		}
	}
	if _, err := h.engine.Close(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	if err := h.engine.AgentTyping(h.ctx, act(ticket.Number, "Olga")); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("typing on a closed ticket: %v, want code %s", err, dialog.ECONFLICT)
	}
	if _, ok := h.engine.TypingIn(ticket.ConversationID); ok {
		t.Error("a refused typing is shown")
	}
}
