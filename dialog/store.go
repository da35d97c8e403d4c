package dialog

import (
	"context"
	"fmt"
)

// FormatTicketNumber turns a ticket id into the number customers and agents
// see, e.g. 42 → FL-000042.
func FormatTicketNumber(id int64) string {
	return fmt.Sprintf("FL-%06d", id)
}

// MessageFilter selects messages of a conversation.
type MessageFilter struct {
	ConversationID int64
	TicketID       int64 // only messages written while this ticket was open; 0 for any
	AfterID        int64 // only messages with a larger id
	ReplyTo        int64 // only replies to this inbound message; 0 for any
	Limit          int   // at most this many, oldest first; 0 for no limit
}

// TicketFilter selects tickets, newest first.
type TicketFilter struct {
	Statuses       []TicketStatus // any of these; empty for all
	ConversationID int64          // 0 for any
	Limit          int            // 0 for no limit
}

// Queries are the reads the engine and the web layer need, both inside and
// outside a transaction. Lookups of one thing that does not exist return an
// *Error with code ENOTFOUND.
type Queries interface {
	Conversation(ctx context.Context, id int64) (*Conversation, error)
	ConversationByChat(ctx context.Context, channel, chatID string) (*Conversation, error)
	MessageByExternalID(ctx context.Context, conversationID int64, externalID string) (*Message, error)
	Messages(ctx context.Context, f MessageFilter) ([]*Message, error)
	Ticket(ctx context.Context, id int64) (*Ticket, error)
	TicketByNumber(ctx context.Context, number string) (*Ticket, error)
	Tickets(ctx context.Context, f TicketFilter) ([]*Ticket, error)
}

// Tx is one read-write transaction. Everything written through a Tx becomes
// visible at once when the transaction commits, or not at all.
type Tx interface {
	Queries

	// EnsureConversation returns the conversation for (channel, chatID),
	// creating it in StateBot if there is none, and holds it for the rest of
	// the transaction so that messages of one conversation are processed one
	// at a time.
	EnsureConversation(ctx context.Context, channel, chatID string) (*Conversation, error)
	// UpdateConversation saves every field of c and sets c.UpdatedAt.
	UpdateConversation(ctx context.Context, c *Conversation) error

	// AddMessage appends m to its conversation's transcript and sets m.ID
	// and m.CreatedAt (when zero). A second message with the same
	// (ConversationID, ExternalID) fails with ECONFLICT.
	AddMessage(ctx context.Context, m *Message) error

	// CreateTicket stores t and sets t.ID, t.Number, t.CreatedAt and
	// t.UpdatedAt.
	CreateTicket(ctx context.Context, t *Ticket) error
	// UpdateTicket saves t's status, assignee, priority, queue, csat and
	// closed time and sets t.UpdatedAt.
	UpdateTicket(ctx context.Context, t *Ticket) error
}

// Store is durable storage of conversations, messages and tickets.
type Store interface {
	Queries

	// Update runs fn in one read-write transaction, committing when fn
	// returns nil and rolling back otherwise.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}
