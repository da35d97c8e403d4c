package dialog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// erasedChatPrefix starts the chat id an erased conversation keeps in
// place of the customer's (a WhatsApp chat id is a phone number).
const erasedChatPrefix = "erased-"

// ErasedChatID is the chat id an erased conversation keeps: unique, and
// never one a channel hands out.
func ErasedChatID(conversationID int64) string {
	return erasedChatPrefix + strconv.FormatInt(conversationID, 10)
}

// Compacter is a store that can make sure data deleted from it is gone
// from its files too, not only from its tables (SQLite keeps old pages in
// its write-ahead log until a checkpoint).
type Compacter interface {
	Compact(ctx context.Context) error
}

// Erase deletes the personal data of a conversation's customer: what
// they wrote and sent, and their contact details (see Tx.EraseConversation),
// and makes sure it is gone from the store's files. The conversation, its
// tickets and analytics events stay, so reports still add up. Erasing an
// erased conversation again changes nothing; a conversation whose ticket
// is open fails with ECONFLICT.
func (e *Engine) Erase(ctx context.Context, conversationID int64) (*Conversation, error) {
	var conv *Conversation
	var tickets []*Ticket
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		if conv, err = tx.EraseConversation(ctx, conversationID, tx.Now(), time.Time{}); err != nil {
			return err
		}
		tickets, err = tx.Tickets(ctx, TicketFilter{ConversationID: conversationID})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("erase conversation %d: %w", conversationID, err)
	}
	e.publishErased(conv, tickets)
	e.compact(ctx)
	return conv, nil
}

// EraseChat erases the conversation of a channel's chat (see Erase). A
// chat the store does not know fails with ENOTFOUND; so does the chat of
// a conversation erased before, whose chat id is gone with the rest.
func (e *Engine) EraseChat(ctx context.Context, channel, chatID string) (*Conversation, error) {
	if channel == "" || chatID == "" {
		return nil, Errorf(EINVALID, "a channel and a chat id are required")
	}
	conv, err := e.store.ConversationByChat(ctx, channel, chatID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "no customer with %s chat %q (never seen, or erased already)", channel, chatID)
	} else if err != nil {
		return nil, err
	}
	return e.Erase(ctx, conv.ID)
}

// compact asks the store to drop deleted data from its files, when it
// keeps any there. The erasure is committed either way: a failure only
// leaves the old data in the files until the store's next checkpoint.
func (e *Engine) compact(ctx context.Context) {
	c, ok := e.store.(Compacter)
	if !ok {
		return
	}
	if err := c.Compact(ctx); err != nil {
		e.log.Warn("erased data stays in the store's files until its next checkpoint", "err", err)
	}
}

// publishErased tells live views that the conversation's transcript and
// tickets changed.
func (e *Engine) publishErased(conv *Conversation, tickets []*Ticket) {
	events := []Event{{Kind: EventMessage, ConversationID: conv.ID}}
	for _, t := range tickets {
		events = append(events, Event{Kind: EventTicket, ConversationID: conv.ID,
			TicketID: t.ID, TicketNumber: t.Number, Queue: t.Queue})
	}
	e.publish(events)
}

// IsErasedChatID reports whether chatID is one ErasedChatID made.
func IsErasedChatID(chatID string) bool {
	return strings.HasPrefix(chatID, erasedChatPrefix)
}

// ChannelWhatsApp is the WhatsApp channel's name, whose chat ids are the
// addresses its session keeps contacts under (see Tx.EraseConversation).
const ChannelWhatsApp = "whatsapp"

// OutboxErasedError is the LastError of a delivery given up because its
// conversation was erased before it went out.
const OutboxErasedError = "conversation erased"

// NotErasable is the error of an erasure that did not happen to c, found
// as it is now: its ticket is open, or, since a retention job listed it,
// it was erased or active again.
func NotErasable(c *Conversation) error {
	switch {
	case c.State == StateQueued || c.State == StateAgent:
		return Errorf(ECONFLICT, "conversation %d has an open ticket; close it before erasing", c.ID)
	case c.Erased():
		return Errorf(ECONFLICT, "conversation %d was erased at %s", c.ID, c.ErasedAt.Format(time.RFC3339))
	}
	return Errorf(ECONFLICT, "conversation %d was active again at %s", c.ID, c.UpdatedAt.Format(time.RFC3339))
}
