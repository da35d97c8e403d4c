package dialog

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// TypingTTL is how long an agent counts as writing after the last sign of
// it. The panel sends one every few seconds while the agent types, so the
// customer's "is typing" goes away soon after the agent stops.
const TypingTTL = 6 * time.Second

// typingRepeat is how soon after one sign of an agent typing another is
// passed on: the panel sends one every three seconds, and a client that
// sends more costs no more events.
const typingRepeat = 2 * time.Second

// Typing is someone writing to a customer.
type Typing struct {
	Name  string    // the agent's name, as replies show it
	Until time.Time // on the engine's clock
}

// typingTable holds who is writing in which conversation, in this process
// only: it lives a few seconds and is not worth a database write. Other
// replicas learn of it from EventTyping (see Engine.NoteTyping).
type typingTable struct {
	mu sync.Mutex
	m  map[int64]Typing // by conversation id
}

// set records t for the conversation, dropping entries that have run out
// so that the table holds only what is current.
func (tt *typingTable) set(conversationID int64, t Typing, now time.Time) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if tt.m == nil {
		tt.m = map[int64]Typing{}
	}
	for id, old := range tt.m {
		if !old.Until.After(now) {
			delete(tt.m, id)
		}
	}
	tt.m[conversationID] = t
}

// get returns who is writing in the conversation at now.
func (tt *typingTable) get(conversationID int64, now time.Time) (Typing, bool) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	t, ok := tt.m[conversationID]
	if !ok || !t.Until.After(now) {
		return Typing{}, false
	}
	return t, true
}

// clear forgets who was writing in the conversation: their message is sent.
func (tt *typingTable) clear(conversationID int64) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	delete(tt.m, conversationID)
}

// AgentTyping notes that the agent named in a is writing a reply on the
// ticket, for TypingTTL: the web chat shows it to the customer, messengers
// that can show it are told (see EventTyping). The agent must be able to
// reply: the ticket open, not someone else's, the customer's data not
// erased. It changes nothing stored.
func (e *Engine) AgentTyping(ctx context.Context, a TicketAction) error {
	if a.Agent == "" {
		return Errorf(EINVALID, "agent name is required")
	}
	t, err := e.store.TicketByNumber(ctx, a.Number)
	if err != nil {
		return fmt.Errorf("typing on ticket %s: %w", a.Number, err)
	}
	if a.User != nil && !a.User.CanSeeTicket(t) {
		return Errorf(ENOTFOUND, "ticket %s not found", a.Number)
	}
	switch {
	case !t.Open():
		return Errorf(ECONFLICT, "ticket %s is closed", t.Number)
	case t.Held() && t.Assignee != a.Agent:
		return Errorf(ECONFLICT, "ticket %s is already taken by %s", t.Number, t.Assignee)
	}
	conv, err := e.store.Conversation(ctx, t.ConversationID)
	if err != nil {
		return fmt.Errorf("typing on ticket %s: %w", a.Number, err)
	}
	if conv.Erased() {
		return Errorf(ECONFLICT, "ticket %s: the customer's data was erased", t.Number)
	}
	if prev, ok := e.TypingIn(conv.ID); ok && prev.Name == a.Agent && prev.Until.Sub(e.Now()) > TypingTTL-typingRepeat {
		return nil // said a moment ago
	}
	ev := Event{Kind: EventTyping, ConversationID: conv.ID, TicketID: t.ID, TicketNumber: t.Number, Queue: t.Queue, Name: a.Agent}
	// Noted here at once, and again when the event comes back through
	// the broker, which on PostgreSQL is also how other replicas hear it.
	e.NoteTyping(ev)
	e.publish([]Event{ev})
	return nil
}

// stopTyping forgets who was writing in the conversation, here and, by an
// EventTyping without a name, on other replicas.
func (e *Engine) stopTyping(conversationID int64) {
	if conversationID == 0 {
		return
	}
	e.typing.clear(conversationID)
	e.publish([]Event{{Kind: EventTyping, ConversationID: conversationID}})
}

// NoteTyping records an EventTyping, from this process or another
// replica, for TypingTTL from now on the engine's clock; one without a
// name means the writing ended (the reply was sent). Other events are
// ignored. Whoever runs the engine feeds it the broker's events, so that
// a customer polling any replica sees the agent typing.
func (e *Engine) NoteTyping(ev Event) {
	if ev.Kind != EventTyping || ev.ConversationID == 0 {
		return
	}
	if ev.Name == "" {
		e.typing.clear(ev.ConversationID)
		return
	}
	now := e.Now()
	e.typing.set(ev.ConversationID, Typing{Name: ev.Name, Until: now.Add(TypingTTL)}, now)
}

// TypingIn returns who is writing to the customer of the conversation now,
// if anyone.
func (e *Engine) TypingIn(conversationID int64) (Typing, bool) {
	return e.typing.get(conversationID, e.Now())
}
