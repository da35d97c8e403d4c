// Package dialog is the conversation engine: conversations with their
// states and transcripts, escalation into tickets, and the storage interface
// the engine needs. The storage is implemented in dialog/store, once for
// SQLite and PostgreSQL.
package dialog

import (
	"encoding/json"
	"time"
)

// State is where a conversation stands.
type State string

// Conversation states. A conversation starts with the bot, is queued when it
// escalates, is with an agent once one takes the ticket, and is closed when
// the ticket is resolved; the next customer message brings it back to the bot.
const (
	StateBot    State = "bot"
	StateQueued State = "queued"
	StateAgent  State = "agent"
	StateClosed State = "closed"
)

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	switch s {
	case StateBot, StateQueued, StateAgent, StateClosed:
		return true
	}
	return false
}

// Author is who wrote a message.
type Author string

// Message authors.
const (
	AuthorCustomer Author = "customer"
	AuthorBot      Author = "bot"
	AuthorAgent    Author = "agent"
	AuthorSystem   Author = "system"
	// AuthorNote marks an internal note: agents see it, the customer never does.
	AuthorNote Author = "note"
)

// Pending is what the bot is waiting for from the customer, if anything.
type Pending string

// Pending kinds.
const (
	PendingNone     Pending = ""
	PendingRephrase Pending = "rephrase" // asked to rephrase once; next miss escalates
	PendingClarify  Pending = "clarify"  // asked "did you mean A or B?"
	PendingFeedback Pending = "feedback" // asked "did this help?"
	PendingCSAT     Pending = "csat"     // asked to rate a closed ticket
)

// Conversation is one customer's chat on one channel. There is exactly one
// per (Channel, ChatID).
type Conversation struct {
	ID           int64
	Channel      string // "webchat", "telegram", ...
	ChatID       string // the channel's id of the chat
	CustomerName string
	// CustomerEmail and CustomerPhone are the contact details the
	// customer gave in the chat (see Engine.SetContact); "" when none.
	CustomerEmail string
	CustomerPhone string
	Lang          string // the language of the customer's last message
	State         State
	TicketID      int64 // the current ticket while queued or with an agent; 0 otherwise

	// What the bot waits for, and its context: for clarify the intent
	// ids offered, in button order (a last button, for a person, follows
	// them), for feedback the answered intents (two when a message
	// asked two things, see turn.answerOption), for
	// csat the rated ticket's number.
	Pending        Pending
	PendingOptions []string

	CreatedAt time.Time
	UpdatedAt time.Time
	// ErasedAt is when the customer's words, files and contact details
	// were erased (see Engine.Erase); zero while they are kept.
	ErasedAt time.Time
	// AckedAt is when the customer, waiting for a person, was last told
	// that a message of theirs joined the ticket; zero when not since the
	// conversation last escalated. Messages within Config.AcknowledgeEvery
	// of it are not acknowledged again.
	AckedAt time.Time
}

// Erased reports whether the conversation's personal data was erased.
func (c *Conversation) Erased() bool { return !c.ErasedAt.IsZero() }

// Message is one entry of a conversation's transcript.
type Message struct {
	ID             int64
	ConversationID int64
	TicketID       int64 // the ticket open when the message was written; 0 if none
	Author         Author
	AuthorName     string // agent name for agent messages
	ExternalID     string // the channel's id of an inbound message, for deduplication
	ReplyTo        int64  // for bot and system replies: the inbound message answered
	Text           string
	Buttons        []string
	Lang           string
	Intent         string  // for bot answers: the intent answered
	Confidence     float64 // for bot answers: the matcher's confidence
	CreatedAt      time.Time
	// Attachments are the files that came with a customer's message;
	// filled by the engine on the way in, and by readers that ask for them.
	Attachments []*Attachment
}

// TicketStatus is where a ticket stands.
type TicketStatus string

// Ticket statuses.
const (
	TicketQueued   TicketStatus = "queued"   // waiting for an agent
	TicketAssigned TicketStatus = "assigned" // an agent has taken it
	// TicketWaiting: the agent who holds the ticket waits for the
	// customer's answer; the customer's next message makes it assigned
	// again, and WaitingSweep reminds the customer and then closes it.
	TicketWaiting TicketStatus = "waiting"
	TicketClosed  TicketStatus = "closed" // resolved
)

// Escalation reasons.
const (
	ReasonNoMatch     = "no_match"     // nothing matched confidently, even after a rephrase
	ReasonIntent      = "intent"       // the matched intent always escalates
	ReasonNotHelpful  = "not_helpful"  // the customer said the answer did not help
	ReasonCustomerAsk = "customer_ask" // the customer asked for a person (/human)
)

// EventKind says what changed.
type EventKind string

// Event kinds.
const (
	EventTicket  EventKind = "ticket"  // a ticket was created, assigned, transferred, closed or reopened
	EventMessage EventKind = "message" // a message was added to a conversation
	// EventAccess says that someone may have lost access (a user
	// disabled, a session ended, an API token revoked): live views check
	// their caller again. It carries no ids and is not shown.
	EventAccess EventKind = "access"
	// EventTyping says that an agent (Event.Name) is writing to the
	// customer of the conversation (see Engine.AgentTyping). Nothing
	// changed: live views do not re-read on it.
	EventTyping EventKind = "typing"
)

// Event tells live views (the panel) that something changed, after the
// change is committed. It carries ids only: views read the rest.
type Event struct {
	Kind           EventKind
	ConversationID int64
	TicketID       int64  // 0 when the conversation has no ticket
	TicketNumber   string // "" when the conversation has no ticket
	Queue          string
	// FromQueue is the queue a transferred ticket left; "" otherwise.
	FromQueue string
	// Name is the agent writing, on an EventTyping; "" otherwise.
	Name string

	// Notice, when set, makes the event news for agents (see Notice);
	// Assignee, Customer and Preview are then the ticket's assignee ("" in
	// the queue), the customer's display name and the start of what they
	// wrote, shortened (Shorten). Views show them only to those who may
	// see the ticket.
	Notice   Notice
	Assignee string
	Customer string
	Preview  string
	// By is the agent whose action the event is, when a Notice comes of
	// one (a transfer): the news is not news to them.
	By string
}

// Publisher delivers events to whoever listens. Publish must not block.
type Publisher interface {
	Publish(e Event)
}

// Candidate is an intent the matcher considered, with its confidence.
type Candidate struct {
	Intent     string  `json:"intent"`
	Confidence float64 `json:"confidence"`
}

// Ticket is an escalated conversation waiting for or handled by an agent.
type Ticket struct {
	ID             int64
	Number         string // human-friendly, e.g. FL-000042
	ConversationID int64
	Status         TicketStatus
	Reason         string      // why the bot escalated
	Intent         string      // the intent that escalated, or the best guess
	Candidates     []Candidate // the top intents the bot considered
	Priority       string
	Queue          string
	Channel        string
	CustomerName   string
	Assignee       string
	CSAT           int // 1..5 once the customer rated the ticket; 0 before
	Reopens        int // how many times the customer came back within the reopen window
	// Fields are the details the customer gave before the handoff, as
	// the escalating intent asked for them (collect:); nil when none.
	Fields []Field
	// IncidentID is the incident the ticket is about (see Incident); 0
	// for none.
	IncidentID int64

	// SLA: when the first agent reply and the resolution are due, from the
	// policy for the ticket's priority; zero when the policy sets none.
	FirstResponseDue time.Time
	ResolutionDue    time.Time
	FirstResponseAt  time.Time // the first agent reply; zero before

	// WaitingSince is when the ticket began waiting for the customer
	// (TicketWaiting), and RemindedAt when the customer was reminded
	// since; both zero when it is not waiting. The SLA clock stands
	// still while it waits: see Engine.endWait.
	WaitingSince time.Time
	RemindedAt   time.Time

	CreatedAt time.Time
	UpdatedAt time.Time
	ClosedAt  time.Time // zero while open

	// Version counts the saves of the ticket, from 1 when it is
	// created: the version a form was made from, refused once another
	// change came first.
	Version int64
}

// Open reports whether the ticket still needs work.
func (t *Ticket) Open() bool {
	return t.Status != TicketClosed
}

// Held reports whether an agent holds the ticket: assigned, or waiting
// for the customer on the agent's behalf.
func (t *Ticket) Held() bool {
	return t.Status == TicketAssigned || t.Status == TicketWaiting
}

// NextDue is the SLA deadline the ticket is working towards: the first
// response while there is none, then the resolution. Zero when none is set,
// the ticket is closed, or it waits for the customer (its clock stands
// still).
func (t *Ticket) NextDue() time.Time {
	switch {
	case !t.Open() || t.Status == TicketWaiting:
		return time.Time{}
	case t.FirstResponseAt.IsZero() && !t.FirstResponseDue.IsZero():
		return t.FirstResponseDue
	}
	return t.ResolutionDue
}

// Breached reports whether the ticket missed an SLA deadline by now: its
// first response or its resolution came, or is still to come, after the
// deadline. A ticket waiting for the customer is judged as of when it began
// waiting.
func (t *Ticket) Breached(now time.Time) bool {
	resolved := now
	switch {
	case !t.Open():
		resolved = t.ClosedAt
	case t.Status == TicketWaiting && !t.WaitingSince.IsZero():
		// The clock stood still when the ticket began waiting.
		resolved = t.WaitingSince
	}
	// A ticket closed without any agent reply had its first response never;
	// count it as late if it was closed after that deadline.
	responded := t.FirstResponseAt
	if responded.IsZero() {
		responded = resolved
	}
	late := func(due, at time.Time) bool { return !due.IsZero() && at.After(due) }
	return late(t.FirstResponseDue, responded) || late(t.ResolutionDue, resolved)
}

// PriorityRank orders priorities from most to least urgent: urgent is 0.
func PriorityRank(p string) int {
	switch p {
	case "urgent":
		return 0
	case "high":
		return 1
	case "normal":
		return 2
	case "low":
		return 3
	}
	return 4
}

// MarshalCandidates encodes candidates for storage.
func MarshalCandidates(c []Candidate) string {
	if len(c) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(c) // a slice of plain structs cannot fail to encode
	return string(b)
}

// UnmarshalCandidates decodes candidates written by MarshalCandidates.
func UnmarshalCandidates(s string) ([]Candidate, error) {
	var c []Candidate
	if s == "" {
		return nil, nil
	}
	err := json.Unmarshal([]byte(s), &c)
	return c, err
}
