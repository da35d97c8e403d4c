package dialog

import "time"

// ActivityKind says what an analytics event records.
type ActivityKind string

// Activity kinds. Each is recorded in the transaction that made the change
// it describes, so the record and the data never disagree.
const (
	// ActivityMessageIn: a customer message was stored. TicketID is the
	// ticket open at the time (or the closed ticket the message rates).
	ActivityMessageIn ActivityKind = "message_in"
	// ActivityMessageOut: a message went to the customer. Author is bot,
	// agent or system; Agent names the agent for agent replies. Internal
	// notes are not messages out.
	ActivityMessageOut ActivityKind = "message_out"
	// ActivityAnswered: the bot sent an intent's answer. Intent and
	// Confidence are the matcher's (Confidence is 0 when the customer
	// picked the intent from a clarification).
	ActivityAnswered ActivityKind = "answered"
	// ActivityClarifyAsked: the bot asked "did you mean A or B?". Intent
	// is the best candidate, Options every intent offered, in button order.
	ActivityClarifyAsked ActivityKind = "clarify_asked"
	// ActivityRephraseAsked: the bot understood nothing in the customer's
	// message and asked to say it in other words. Intent is the matcher's
	// unconfident top candidate, "" when it had none.
	ActivityRephraseAsked ActivityKind = "rephrase_asked"
	// ActivityClarifyAnswered: the customer picked Intent from the
	// options of the last clarification.
	ActivityClarifyAnswered ActivityKind = "clarify_answered"
	// ActivityFeedback: the customer said whether the answer for Intent
	// helped: Value 1 for yes, 0 for no.
	ActivityFeedback ActivityKind = "feedback"
	// ActivityEscalated: the conversation went to people, into a new
	// ticket or a reopened one (then an ActivityReopened follows). Reason
	// and Intent are this escalation's, also when it reopened a ticket
	// created for another; Queue, Priority and the SLA deadlines are the
	// ticket's after it (a reopened ticket keeps its queue and priority
	// and gets deadlines counted from the reopen).
	ActivityEscalated ActivityKind = "escalated"
	// ActivityReopened: the escalation just recorded reopened TicketID,
	// closed within the reopen window, instead of creating a ticket.
	ActivityReopened ActivityKind = "reopened"
	// ActivityAssigned: TicketID was given to Agent, in Queue, by the agent
	// or automatically.
	ActivityAssigned ActivityKind = "assigned"
	// ActivityFirstResponse: Agent sent the first agent reply since the
	// ticket was created or reopened.
	ActivityFirstResponse ActivityKind = "first_response"
	// ActivityTransferred: Agent moved the ticket from FromQueue to Queue;
	// it is unassigned until someone takes it.
	ActivityTransferred ActivityKind = "transferred"
	// ActivityWaiting: Agent, who holds the ticket, began waiting for
	// the customer's answer; the SLA clock stands still.
	ActivityWaiting ActivityKind = "waiting"
	// ActivityWaitingEnded: the ticket stopped waiting for the customer
	// (they answered, or it was transferred or closed). FirstResponseDue
	// and ResolutionDue are its deadlines moved on by the time it
	// waited; zero when it has none.
	ActivityWaitingEnded ActivityKind = "waiting_ended"
	// ActivityClosed: the ticket was resolved. Agent is its assignee at
	// that moment (the closing agent when nobody held it), Queue its queue.
	ActivityClosed ActivityKind = "closed"
	// ActivityCSAT: the customer rated the closed TicketID, Value 1 to 5.
	ActivityCSAT ActivityKind = "csat"
)

// Valid reports whether k is a known kind.
func (k ActivityKind) Valid() bool {
	switch k {
	case ActivityMessageIn, ActivityMessageOut, ActivityAnswered, ActivityClarifyAsked, ActivityRephraseAsked,
		ActivityClarifyAnswered, ActivityFeedback, ActivityEscalated, ActivityReopened,
		ActivityAssigned, ActivityFirstResponse, ActivityTransferred, ActivityClosed, ActivityCSAT,
		ActivityWaiting, ActivityWaitingEnded, ActivityIncidentNotice:
		return true
	}
	return false
}

// Activity is one analytics event: something that happened in a
// conversation, appended once and never changed. Reports are computed from
// these alone. Fields a kind does not use are left zero.
type Activity struct {
	ID             int64
	At             time.Time
	Kind           ActivityKind
	ConversationID int64
	TicketID       int64 // 0 when the conversation has no ticket
	// MessageID is the customer message whose turn recorded the event; 0
	// for what agents do.
	MessageID int64
	Channel   string // the conversation's channel
	Lang      string // the conversation's language at the time

	Author     Author   // message_out
	Agent      string   // the agent acting or responsible
	Intent     string   // the intent answered, offered first, chosen, rated or escalated
	Confidence float64  // answered
	Options    []string // clarify_asked
	Reason     string   // escalated: ReasonNoMatch, ReasonIntent, ...
	Queue      string   // the ticket's queue after the change
	FromQueue  string   // transferred
	Priority   string   // escalated
	Value      int      // feedback: 1 helpful, 0 not; csat: the rating

	// escalated, transferred, waiting_ended: the SLA deadlines set for
	// the ticket, moved to the new queue's hours, or moved on by the time
	// it waited for the customer; zero when none.
	FirstResponseDue time.Time
	ResolutionDue    time.Time
}

// ActivityFilter selects analytics events. They come in id order, the
// order in which they were recorded within each conversation.
type ActivityFilter struct {
	// From and To bound the events' times: From ≤ At < To. A zero time
	// leaves that side open.
	From, To time.Time
	// WholeConversations widens the selection to every event, of any
	// time, of the conversations that have an event within [From, To):
	// what a report needs to follow each conversation from its start.
	WholeConversations bool
	AfterID            int64 // only events with a larger id, for paging
	Limit              int   // at most this many; 0 for no limit
}
