package dialog

import (
	"context"
	"fmt"
	"time"
)

// FormatTicketNumber turns a ticket id into the number customers and agents
// see, e.g. 42 → FL-000042.
func FormatTicketNumber(id int64) string {
	return fmt.Sprintf("FL-%06d", id)
}

// MessageFilter selects messages of a conversation.
type MessageFilter struct {
	ConversationID int64
	Public         bool  // leave out internal notes: what the customer may see
	TicketID       int64 // only messages written while this ticket was open; 0 for any
	AfterID        int64 // only messages with a larger id
	ReplyTo        int64 // only replies to this inbound message; 0 for any
	Limit          int   // at most this many, oldest first; 0 for no limit
}

// TicketOrder is how a list of tickets is sorted.
type TicketOrder string

// Ticket orders.
const (
	// OrderNewest lists the newest ticket first. It is the default.
	OrderNewest TicketOrder = ""
	// OrderQueue lists the most urgent priority first, then the soonest
	// SLA deadline (Ticket.NextDue; tickets without one last), then the
	// oldest: the order agents work the queue in.
	OrderQueue TicketOrder = "queue"
)

// TicketFilter selects tickets.
type TicketFilter struct {
	Statuses       []TicketStatus // any of these; empty for all
	ConversationID int64          // 0 for any
	Queue          string         // "" for any
	// Queues keeps only tickets in one of these queues; empty for any.
	// User.VisibleQueues gives the queues a user may see.
	Queues   []string
	Assignee string // "" for any
	// Search matches a ticket number exactly (case-insensitive), or the
	// customer's name anywhere in it (case-insensitive).
	Search string
	// IncidentID keeps only the tickets linked to this incident; 0 for
	// any.
	IncidentID int64
	Order      TicketOrder
	Limit      int // 0 for no limit
}

// QueueStat sums up the open tickets of one queue, for monitoring.
type QueueStat struct {
	Queue    string
	Queued   int // waiting for an agent
	Assigned int // taken by an agent
	Waiting  int // held by an agent who waits for the customer's answer
	// WaitingSince is the earliest UpdatedAt of the queue's queued
	// tickets: a queued ticket last changed when it entered the queue
	// (created, reopened or transferred). Zero when none is queued.
	WaitingSince time.Time
	// Breached counts the open tickets that missed an SLA deadline by the
	// time asked about (Ticket.Breached).
	Breached int
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
	// OpenTicketLoad counts the assigned, open tickets of each assignee.
	OpenTicketLoad(ctx context.Context) (map[string]int, error)

	User(ctx context.Context, id int64) (*User, error)
	UserByName(ctx context.Context, name string) (*User, error)
	// Users lists every user, by name.
	Users(ctx context.Context) ([]*User, error)
	// Session returns the session with this token hash, expired or not.
	Session(ctx context.Context, tokenHash string) (*Session, error)
	// APITokenByHash returns the API token with this hash.
	APITokenByHash(ctx context.Context, tokenHash string) (*APIToken, error)
	// APITokens lists a user's API tokens in id order.
	APITokens(ctx context.Context, userID int64) ([]*APIToken, error)

	// Message returns one message by id.
	Message(ctx context.Context, id int64) (*Message, error)
	// Attachments lists the attachments of the given messages, without
	// their data, in id order.
	Attachments(ctx context.Context, messageIDs []int64) ([]*Attachment, error)
	// Attachment returns one attachment with its data.
	Attachment(ctx context.Context, id int64) (*Attachment, error)
	// AttachmentPart returns one attachment with at most limit bytes of
	// its data, from byte offset on: none at or past the end. Reading a
	// large file part by part keeps only one part in memory at a time.
	AttachmentPart(ctx context.Context, id, offset int64, limit int) (*Attachment, error)

	// PendingInbox lists a channel's unprocessed inbox items, oldest first
	// (by ExternalID as a number when it is one, then as text).
	PendingInbox(ctx context.Context, channel string, limit int) ([]*InboxItem, error)
	// OutboxBacklog counts pending outbox items per channel.
	OutboxBacklog(ctx context.Context) (map[string]int, error)
	// QueueStats sums up the open tickets of each queue, with SLA breaches
	// as of now, sorted by queue. Queues without open tickets are left
	// out.
	QueueStats(ctx context.Context, now time.Time) ([]QueueStat, error)

	// Activities lists the analytics events f selects, in id order.
	Activities(ctx context.Context, f ActivityFilter) ([]*Activity, error)

	// IdleConversations lists the ids of up to limit conversations not
	// erased yet that nobody works on (with the bot or closed) and that
	// were last updated before the given time: what a retention period
	// lets go. The least recently updated come first (ties in id order).
	IdleConversations(ctx context.Context, before time.Time, limit int) ([]int64, error)
	// DeadlinesDue lists the deadlines of open tickets not waiting for
	// the customer (their clock stands still) that fall after
	// from and no later than to and that no late notice was claimed for
	// (ClaimLateNotice): a first response deadline only while the ticket
	// has no first response. Earliest first.
	DeadlinesDue(ctx context.Context, from, to time.Time) ([]Deadline, error)
	// WaitingDue lists, by id, the numbers of up to limit tickets waiting
	// for the customer (TicketWaiting) that the waiting sweep has to act
	// on: not reminded yet and waiting since remindBefore or earlier, or,
	// when closeBefore is not zero, reminded at closeBefore or earlier.
	// A zero remindBefore means that no reminders are sent: a ticket is
	// then due to close once it waits since closeBefore or earlier.
	WaitingDue(ctx context.Context, remindBefore, closeBefore time.Time, limit int) ([]string, error)

	// Incident returns one incident by id.
	Incident(ctx context.Context, id int64) (*Incident, error)
	// Incidents lists the incidents f selects, newest first.
	Incidents(ctx context.Context, f IncidentFilter) ([]*Incident, error)
	// IncidentInfo counts an incident's subscribers and the customers
	// told it is over.
	IncidentInfo(ctx context.Context, id int64) (IncidentInfo, error)
	// IncidentNoticesDue lists up to limit customers of closed incidents
	// not yet told they are over, oldest incident first.
	IncidentNoticesDue(ctx context.Context, limit int) ([]IncidentNotice, error)
}

// Deadline is one SLA deadline of a ticket.
type Deadline struct {
	TicketID     int64
	TicketNumber string
	Kind         DeadlineKind
	Due          time.Time
}

// DeadlineKind says which of a ticket's deadlines a Deadline is.
type DeadlineKind string

// Deadline kinds.
const (
	DeadlineFirstResponse DeadlineKind = "first_response"
	DeadlineResolution    DeadlineKind = "resolution"
)

// Tx is one read-write transaction. Everything written through a Tx becomes
// visible at once when the transaction commits, or not at all.
type Tx interface {
	Queries

	// Now is the transaction's time, read once from the store's clock
	// when it began: everything the transaction stamps, it stamps with
	// this.
	Now() time.Time

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
	// UpdateTicket saves t's status, assignee, priority, queue, csat,
	// reopens, SLA times, closed time and waiting times, and sets
	// t.UpdatedAt.
	UpdateTicket(ctx context.Context, t *Ticket) error

	// CreateUser stores u and sets u.ID and u.CreatedAt; a taken name
	// fails with ECONFLICT.
	CreateUser(ctx context.Context, u *User) error
	// UpdateUser saves u's role, password hash, disabled flag, language,
	// queues, last seen and last assigned times.
	UpdateUser(ctx context.Context, u *User) error
	CreateSession(ctx context.Context, s *Session) error
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteUserSessions ends every session of a user (on disable, on a
	// password change).
	DeleteUserSessions(ctx context.Context, userID int64) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) error
	// CreateAPIToken stores t and sets t.ID and t.CreatedAt (when zero).
	// A taken hash, or a name the user already gave another token, fails
	// with ECONFLICT.
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// SetAPITokenUsed records that the token with this id was used at at.
	// An unknown id is not an error: the token was revoked meanwhile.
	SetAPITokenUsed(ctx context.Context, id int64, at time.Time) error
	// DeleteAPIToken revokes one API token; an unknown id fails with
	// ENOTFOUND.
	DeleteAPIToken(ctx context.Context, id int64) error
	// DeleteUserAPITokens revokes every API token of a user and returns
	// how many there were.
	DeleteUserAPITokens(ctx context.Context, userID int64) (int, error)

	// RenameCustomer sets the customer name (Ticket.CustomerName) of
	// every ticket of a conversation, as the customer gave it after the
	// tickets were created. It changes neither their version nor their
	// update time: no work on a ticket is affected by it.
	RenameCustomer(ctx context.Context, conversationID int64, name string) error

	// AddAttachment stores a file of a message and sets a.ID and
	// a.CreatedAt.
	AddAttachment(ctx context.Context, a *Attachment) error

	// SaveInbox stores an update unless one with the same (Channel,
	// ExternalID) is there already; it reports whether it stored it.
	SaveInbox(ctx context.Context, item *InboxItem) (bool, error)
	// MarkInboxProcessed records that the update was handled and empties
	// its payload: a processed update is kept only to recognise a
	// redelivery, and its payload holds the customer's words and name.
	MarkInboxProcessed(ctx context.Context, channel, externalID string, at time.Time) error

	// EnqueueOutbox stores an outbound delivery and sets item.ID,
	// item.CreatedAt and, when empty, item.Status (pending).
	EnqueueOutbox(ctx context.Context, item *OutboxItem) error
	// ClaimOutbox returns up to limit pending items of a channel that are
	// due at now: for each chat only its oldest pending item (so a chat's
	// messages go out in order), and only if no sender holds it. It marks
	// them held until now+lease, so that concurrent senders never take the
	// same item.
	ClaimOutbox(ctx context.Context, channel string, now time.Time, lease time.Duration, limit int) ([]*OutboxItem, error)
	// UpdateOutbox saves an item's status, parts sent, attempts, next
	// attempt, claim, last error and sent time. An item whose chat id is
	// no longer item.ChatID (its conversation was erased while it was
	// being sent) is left as the erasure left it, without an error.
	UpdateOutbox(ctx context.Context, item *OutboxItem) error
	// BlockOutboxChat marks every pending item of a chat blocked (the
	// customer blocked the bot).
	BlockOutboxChat(ctx context.Context, channel, chatID string) error

	// EraseConversation deletes the personal data a conversation holds:
	// the text and buttons of every message, the attachments, the
	// customer's name (on the conversation and its tickets), e-mail and
	// phone, the chat id
	// (replaced by ErasedChatID, so the customer's next message starts a
	// new conversation), what the bot was waiting for, the text and chat
	// id of its outbox items (pending ones are marked failed), and, on
	// WhatsApp, the contact the WhatsApp session keeps of the customer
	// (whatsmeow_contacts, when that table is in the database). It keeps
	// the conversation, its tickets, messages and analytics events with
	// their ids, kinds, statuses and times, so that reports still add up,
	// and sets ErasedAt to at unless it was set before: erasing again is
	// harmless. It returns the conversation as it is afterwards.
	//
	// A conversation that is queued or with an agent fails with ECONFLICT
	// (its ticket must be closed first). When idleBefore is not zero (a
	// retention job), so does one erased already or last updated at or
	// after idleBefore: another job erased it, or it was active again,
	// since it was listed. A missing one fails with ENOTFOUND.
	EraseConversation(ctx context.Context, id int64, at, idleBefore time.Time) (*Conversation, error)

	// AddActivity appends an analytics event and sets a.ID, and a.At when
	// zero. An unknown kind, or a conversation, ticket or message that
	// does not exist, fails with EINVALID.
	AddActivity(ctx context.Context, a *Activity) error
	// ClaimLateNotice records that the customer of the ticket is told it
	// runs late for the deadline of kind due, and reports whether this
	// call did so: false when a notice for that deadline was claimed
	// before, by this process or another. Claims of other deadlines are
	// replaced.
	ClaimLateNotice(ctx context.Context, ticketID int64, kind DeadlineKind, due time.Time) (bool, error)

	// CreateIncident stores inc and sets inc.ID, inc.CreatedAt,
	// inc.UpdatedAt and inc.Version.
	CreateIncident(ctx context.Context, inc *Incident) error
	// UpdateIncident saves inc's texts, intents, areas, times and close
	// text, sets inc.UpdatedAt and moves inc.Version on. An inc.Version
	// that is not the stored one fails with ECONFLICT, a missing incident
	// with ENOTFOUND.
	UpdateIncident(ctx context.Context, inc *Incident) error
	// SubscribeIncident records that the customer of a conversation is to
	// be told when an incident is over, and reports whether they were not
	// already.
	SubscribeIncident(ctx context.Context, incidentID, conversationID int64) (bool, error)
	// LinkIncidentTickets links the open tickets on any of intents that
	// no incident holds yet to an incident, and returns how many.
	LinkIncidentTickets(ctx context.Context, incidentID int64, intents []string) (int, error)
	// AddIncidentRecipients adds the customers of the open tickets linked
	// to an incident to those to be told it is over (once each), and
	// returns how many were added.
	AddIncidentRecipients(ctx context.Context, incidentID int64) (int, error)
	// ClaimIncidentNotice records that the customer of a conversation is
	// told an incident is over, and reports whether this call did so:
	// false when it was claimed before, by this process or another.
	ClaimIncidentNotice(ctx context.Context, incidentID, conversationID int64) (bool, error)
}

// Store is durable storage of conversations, messages and tickets.
type Store interface {
	Queries

	// Update runs fn in one read-write transaction, committing when fn
	// returns nil and rolling back otherwise.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// SetClock makes the store read the time of each transaction from
	// now instead of the wall clock. NewEngine sets it to the engine's
	// clock, so that one clock stamps everything.
	SetClock(now func() time.Time)
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

// PoolStats is the state of one of a store's connection pools, for
// monitoring.
type PoolStats struct {
	Pool    string // which pool: "writer" or "reader" on SQLite, "main" on PostgreSQL
	Open    int    // connections open: in use, idle or being made
	InUse   int
	Idle    int
	MaxOpen int // the pool's limit
	// Waits counts the times a caller had to wait for a connection, and
	// WaitTime adds up how long they waited, since the store was opened.
	Waits    int64
	WaitTime time.Duration
}

// PoolReporter is a store that reports on its connection pools.
type PoolReporter interface {
	PoolStats() []PoolStats
}
