package dialog

import (
	"context"
	"fmt"
)

// Contact is what a customer told about themselves in the chat: any of
// their name, e-mail address and phone number. An empty field is one not
// given.
type Contact struct {
	Name  string
	Email string
	Phone string
}

// Empty reports whether no field is given.
func (c Contact) Empty() bool {
	return c.Name == "" && c.Email == "" && c.Phone == ""
}

// Contact returns the contact details the conversation holds.
func (c *Conversation) Contact() Contact {
	return Contact{Name: c.CustomerName, Email: c.CustomerEmail, Phone: c.CustomerPhone}
}

// DisplayName is how agents see the customer: their name, or else their
// e-mail address, or else their phone number; "" when none is known.
func (c *Conversation) DisplayName() string {
	for _, s := range []string{c.CustomerName, c.CustomerEmail, c.CustomerPhone} {
		if s != "" {
			return s
		}
	}
	return ""
}

// SetContact stores the contact details a customer gave in a chat of a
// channel, starting the conversation if it has none yet (a form asked
// for them before the first message). The fields given replace the
// conversation's; empty ones leave them as they are. The conversation's
// tickets take the customer's new display name, so that the queue and its
// search show it. Checking the details is the channel's work: the engine
// only refuses text no store keeps.
func (e *Engine) SetContact(ctx context.Context, channel, chatID string, c Contact) (*Conversation, error) {
	switch {
	case channel == "" || chatID == "":
		return nil, Errorf(EINVALID, "a channel and a chat id are required")
	case IsErasedChatID(chatID):
		return nil, Errorf(EINVALID, "chat id %q is reserved", chatID)
	}
	if err := CheckText(c.Name, c.Email, c.Phone); err != nil {
		return nil, err
	}
	var conv *Conversation
	var events []Event
	err := e.store.Update(ctx, func(tx Tx) error {
		events = nil // a retried transaction starts over
		var err error
		if conv, err = tx.EnsureConversation(ctx, channel, chatID); err != nil {
			return err
		}
		before := conv.DisplayName()
		if c.Name != "" {
			conv.CustomerName = c.Name
		}
		if c.Email != "" {
			conv.CustomerEmail = c.Email
		}
		if c.Phone != "" {
			conv.CustomerPhone = c.Phone
		}
		if err := tx.UpdateConversation(ctx, conv); err != nil {
			return err
		}
		if name := conv.DisplayName(); name != before {
			if err := tx.RenameCustomer(ctx, conv.ID, name); err != nil {
				return err
			}
		}
		events = append(events, Event{Kind: EventMessage, ConversationID: conv.ID})
		t, err := currentTicket(ctx, tx, conv)
		if err != nil {
			return err
		}
		if t != nil {
			events = append(events, Event{Kind: EventTicket, ConversationID: conv.ID,
				TicketID: t.ID, TicketNumber: t.Number, Queue: t.Queue})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set the contact of a %s chat: %w", channel, err)
	}
	e.publish(events)
	return conv, nil
}
