package dialog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firstline-support/firstline/dialog/calendar"
	"github.com/firstline-support/firstline/intents"
)

// TicketAction names a ticket and the agent acting on it.
type TicketAction struct {
	Number string
	Agent  string // the acting user's name, shown to the customer on replies
	// Version is the ticket's Version as the agent saw it. When not
	// zero, the action fails with ECONFLICT if the ticket changed since:
	// the agent's form is stale (someone else took, transferred or
	// closed it).
	Version int64
	// User, when set, is the user acting: the action fails with ENOTFOUND,
	// as for a ticket that does not exist, unless User.CanSeeTicket. It is
	// checked on the ticket as it is inside the action's transaction, so a
	// ticket transferred away meanwhile is refused. Programs acting on
	// their own (the terminal chat) leave it nil.
	User *User
}

// Take assigns a ticket to the agent and tells the customer a person has
// joined. Taking a ticket one already holds changes nothing.
func (e *Engine) Take(ctx context.Context, a TicketAction) (*Ticket, error) {
	var out *Ticket
	err := e.agentTx(ctx, a, false, func(at *agentTurn) error {
		out = at.ticket
		return at.take(a.Agent)
	})
	if err != nil {
		return nil, fmt.Errorf("take ticket %s: %w", a.Number, err)
	}
	return out, nil
}

// Reply sends an agent's message to the customer through the
// conversation's channel and adds it to the transcript. Replying to a
// ticket nobody holds takes it first.
func (e *Engine) Reply(ctx context.Context, a TicketAction, text string) (*Message, error) {
	text, err := checkAgentText(text, "reply")
	if err != nil {
		return nil, err
	}
	var out *Message
	err = e.agentTx(ctx, a, false, func(at *agentTurn) error {
		var err error
		out, err = at.reply(a.Agent, text)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reply to ticket %s: %w", a.Number, err)
	}
	// The reply is what the agent was typing: the customer stops seeing
	// "is typing" at once, on every replica.
	e.stopTyping(out.ConversationID)
	return out, nil
}

// reply sends agent's text to the customer, taking the ticket and
// marking its first response.
func (at *agentTurn) reply(agent, text string) (*Message, error) {
	if err := at.take(agent); err != nil {
		return nil, err
	}
	if at.ticket.FirstResponseAt.IsZero() {
		at.ticket.FirstResponseAt = at.tx.Now()
		if err := at.tx.UpdateTicket(at.ctx, at.ticket); err != nil {
			return nil, err
		}
		if err := at.record(Activity{Kind: ActivityFirstResponse, Agent: agent, Queue: at.ticket.Queue}); err != nil {
			return nil, err
		}
	}
	return at.send(AuthorAgent, agent, text, nil)
}

// Note adds an internal note to the ticket's transcript: agents see it,
// the customer does not. Closed tickets take notes too, but not those
// of a conversation whose customer's data was erased.
func (e *Engine) Note(ctx context.Context, a TicketAction, text string) (*Message, error) {
	text, err := checkAgentText(text, "note")
	if err != nil {
		return nil, err
	}
	var out *Message
	err = e.agentTx(ctx, a, true, func(at *agentTurn) error {
		var err error
		out, err = at.send(AuthorNote, a.Agent, text, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add note to ticket %s: %w", a.Number, err)
	}
	return out, nil
}

// Transfer moves a ticket to another queue, unassigned, with a note saying
// why; the customer keeps waiting in the same conversation. Its deadlines
// move to the new queue's working hours (moveDeadlines).
func (e *Engine) Transfer(ctx context.Context, a TicketAction, queue, note string) (*Ticket, error) {
	if !slices.Contains(e.cfg.Queues, queue) {
		return nil, Errorf(EINVALID, "unknown queue %q; queues: %s", queue, strings.Join(e.cfg.Queues, ", "))
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxTextLength {
		return nil, Errorf(ETOOLARGE, "note is longer than %d characters", MaxTextLength)
	}
	var out *Ticket
	err := e.agentTx(ctx, a, false, func(at *agentTurn) error {
		t := at.ticket
		if t.Queue == queue {
			return Errorf(ECONFLICT, "ticket %s is already in queue %s", t.Number, queue)
		}
		if err := e.endWait(t, at.tx.Now(), at); err != nil {
			return err
		}
		from := t.Queue
		text := from + " → " + queue
		if note != "" {
			text += ": " + note
		}
		t.Queue = queue
		t.Status = TicketQueued
		t.Assignee = ""
		e.moveDeadlines(t, from, at.tx.Now())
		if err := at.tx.UpdateTicket(ctx, t); err != nil {
			return err
		}
		if err := at.record(Activity{Kind: ActivityTransferred, Agent: a.Agent, FromQueue: from, Queue: queue,
			FirstResponseDue: t.FirstResponseDue, ResolutionDue: t.ResolutionDue}); err != nil {
			return err
		}
		at.conv.State = StateQueued
		// A detail the former agent asked for is theirs to want: the
		// customer's next message is news for the new queue, not its value.
		if at.conv.Pending == PendingField {
			at.conv.Pending, at.conv.PendingOptions = PendingNone, nil
		}
		if err := at.sayAs(AuthorSystem, intents.MsgTransferred); err != nil {
			return err
		}
		if _, err := at.send(AuthorNote, a.Agent, text, nil); err != nil {
			return err
		}
		out = t
		return e.autoAssign(ctx, at.tx, at.conv, t, at)
	})
	if err != nil {
		return nil, fmt.Errorf("transfer ticket %s: %w", a.Number, err)
	}
	return out, nil
}

// Close resolves a ticket: the customer is told and asked to rate the help,
// and the conversation's next message goes to the bot again.
func (e *Engine) Close(ctx context.Context, a TicketAction) (*Ticket, error) {
	var out *Ticket
	err := e.agentTx(ctx, a, false, func(at *agentTurn) error {
		t := at.ticket
		if t.Assignee == "" {
			t.Assignee = a.Agent
		}
		if err := e.endWait(t, at.tx.Now(), at); err != nil {
			return err
		}
		t.Status = TicketClosed
		t.ClosedAt = at.tx.Now()
		if err := at.tx.UpdateTicket(ctx, t); err != nil {
			return err
		}
		if err := at.record(Activity{Kind: ActivityClosed, Agent: t.Assignee, Queue: t.Queue}); err != nil {
			return err
		}
		at.conv.State = StateClosed
		at.conv.Pending, at.conv.PendingOptions = PendingCSAT, nil
		if err := at.sayAs(AuthorSystem, intents.MsgClosed); err != nil {
			return err
		}
		_, err := at.send(AuthorSystem, "", at.message(intents.MsgCSATQuestion), []string{"1", "2", "3", "4", "5"})
		out = t
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("close ticket %s: %w", a.Number, err)
	}
	return out, nil
}

// checkAgentText trims an agent's text and rejects what cannot be sent.
func checkAgentText(text, what string) (string, error) {
	text = strings.TrimSpace(text)
	switch {
	case !utf8.ValidString(text):
		return "", Errorf(EINVALID, "%s is not valid UTF-8", what)
	case text == "":
		return "", Errorf(EINVALID, "%s is empty", what)
	case utf8.RuneCountInString(text) > MaxTextLength:
		return "", Errorf(ETOOLARGE, "%s is longer than %d characters", what, MaxTextLength)
	}
	return text, nil
}

// agentTurn is an agent's action on one ticket inside its transaction.
type agentTurn struct {
	e      *Engine
	ctx    context.Context
	tx     Tx
	set    *intents.Set
	conv   *Conversation
	ticket *Ticket
	from   string // the ticket's queue before the action
	events []Event
	sent   []*Message // what went to the customer, for the observer
}

// agentTx runs fn on a ticket with its conversation held, saves the
// conversation, and publishes what changed once it is committed. Closed
// tickets are refused unless allowClosed.
func (e *Engine) agentTx(ctx context.Context, a TicketAction, allowClosed bool, fn func(at *agentTurn) error) error {
	if a.Agent == "" {
		return Errorf(EINVALID, "agent name is required")
	}
	k, release := e.kb.Acquire()
	defer release()
	var at *agentTurn
	err := e.store.Update(ctx, func(tx Tx) error {
		t, err := tx.TicketByNumber(ctx, a.Number)
		if err != nil {
			return err
		}
		// First, so that any other answer does not tell an agent about a
		// ticket they may not see; checked again once it is read anew.
		if a.User != nil && !a.User.CanSeeTicket(t) {
			return Errorf(ENOTFOUND, "ticket %s not found", a.Number)
		}
		conv, err := tx.Conversation(ctx, t.ConversationID)
		if err != nil {
			return err
		}
		// Hold the conversation, then read the ticket again: a customer
		// message may have changed it since the first read.
		if conv, err = tx.EnsureConversation(ctx, conv.Channel, conv.ChatID); err != nil {
			return err
		}
		if conv.ID != t.ConversationID {
			// The conversation was erased in between, and its chat id
			// with it.
			return Errorf(ECONFLICT, "the conversation of ticket %s changed; reload it and try again", t.Number)
		}
		if conv.Erased() {
			// Nothing more goes into it: a note naming the customer
			// would never be erased.
			return Errorf(ECONFLICT, "ticket %s: the customer's data was erased", t.Number)
		}
		if t, err = tx.Ticket(ctx, t.ID); err != nil {
			return err
		}
		if a.User != nil && !a.User.CanSeeTicket(t) {
			return Errorf(ENOTFOUND, "ticket %s not found", a.Number)
		}
		if a.Version != 0 && a.Version != t.Version {
			return Errorf(ECONFLICT, "ticket %s changed since you opened it; reload it and try again", t.Number)
		}
		if !t.Open() && !allowClosed {
			return Errorf(ECONFLICT, "ticket %s is closed", t.Number)
		}
		at = &agentTurn{e: e, ctx: ctx, tx: tx, set: k.Set(), conv: conv, ticket: t, from: t.Queue}
		if err := fn(at); err != nil {
			return err
		}
		return tx.UpdateConversation(ctx, conv)
	})
	if err != nil {
		return err
	}
	t := at.ticket
	changed := Event{Kind: EventTicket, ConversationID: t.ConversationID, TicketID: t.ID, TicketNumber: t.Number, Queue: t.Queue}
	if at.from != t.Queue {
		changed.FromQueue = at.from
		transferNotice(&changed, t, a.Agent)
	}
	e.publish(append(at.events, changed))
	e.observeSent(at.conv, at.sent) // metrics
	return nil
}

// take assigns the ticket to agent unless it already is.
func (at *agentTurn) take(agent string) error {
	t := at.ticket
	switch {
	case t.Assignee == agent && t.Held():
		return nil
	case t.Held():
		return Errorf(ECONFLICT, "ticket %s is already taken by %s", t.Number, t.Assignee)
	}
	return at.e.assign(at.ctx, at.tx, at.conv, t, agent, at)
}

// assign gives t, the ticket of conv, to agent, and tells the customer a
// person has joined.
func (e *Engine) assign(ctx context.Context, tx Tx, conv *Conversation, t *Ticket, agent string, by actor) error {
	t.Assignee = agent
	t.Status = TicketAssigned
	if err := tx.UpdateTicket(ctx, t); err != nil {
		return err
	}
	if err := by.record(Activity{Kind: ActivityAssigned, Agent: agent, Queue: t.Queue}); err != nil {
		return err
	}
	conv.State = StateAgent
	return by.sayAs(AuthorSystem, intents.MsgAgentJoined)
}

// autoAssign gives t, the ticket of conv, to an online agent of its queue
// on shift when the engine is set to, leaving it queued when there is
// none (see QueuedAssignments for what gives it out later).
func (e *Engine) autoAssign(ctx context.Context, tx Tx, conv *Conversation, t *Ticket, by actor) error {
	// Out of the queue's working hours nobody is on shift for it, and
	// the ticket waits in the queue.
	if !e.cfg.AutoAssign || !e.calendar(t.Queue).Open(tx.Now()) {
		return nil
	}
	agent, err := e.pickAgent(ctx, tx, t.Queue)
	if err != nil || agent == nil {
		return err
	}
	return e.assign(ctx, tx, conv, t, agent.Name, by)
}

// pickAgent chooses who gets a ticket of queue: among enabled agents of the
// queue seen within OnlineWithin and on shift (Config.Shifts), the one with the fewest assigned open
// tickets; on a tie, the one who got a ticket automatically longest ago
// (round robin), then by name. It records the choice on the agent.
func (e *Engine) pickAgent(ctx context.Context, tx Tx, queue string) (*User, error) {
	users, err := tx.Users(ctx)
	if err != nil {
		return nil, err
	}
	load, err := tx.OpenTicketLoad(ctx)
	if err != nil {
		return nil, err
	}
	at := tx.Now()
	var best *User
	for _, u := range users {
		if u.Disabled || u.Role != RoleAgent || !u.WorksQueue(queue) || at.Sub(u.LastSeenAt) > e.cfg.OnlineWithin ||
			!e.shift(u.Name).Open(at) {
			continue
		}
		if best == nil || load[u.Name] < load[best.Name] ||
			load[u.Name] == load[best.Name] && u.LastAssignedAt.Before(best.LastAssignedAt) {
			best = u // Users come sorted by name, so a full tie keeps the first name
		}
	}
	if best == nil {
		return nil, nil
	}
	best.LastAssignedAt = at
	return best, tx.UpdateUser(ctx, best)
}

// message renders a shared message for this ticket in the customer's language.
func (at *agentTurn) message(name string) string {
	lang := at.conv.Lang
	v := ticketVars(at.set, at.conv, at.ticket, lang, at.tx.Now(), at.e.ticketCalendar(at.ticket))
	v["queue"] = at.e.queueName(at.ticket.Queue, lang)
	return at.set.Messages.Render(name, lang, v)
}

// ticketVars are the template variables about a conversation and its
// ticket, at the time now, with the working hours of the ticket's queue.
func ticketVars(set *intents.Set, conv *Conversation, t *Ticket, lang string, now time.Time, cal *calendar.Calendar) intents.Vars {
	v := intents.Vars{
		"name":       conv.CustomerName,
		"first_name": firstName(conv.CustomerName),
	}
	if t != nil {
		v["ticket"] = t.Number
		v["status"] = TicketStatusText(set, t, lang)
		v["agent"] = t.Assignee
		v["wait"] = expectedWait(t, now, lang, cal)
		v["opens"] = opensText(cal, now, lang)
	}
	return v
}

// expectedWait is how soon an agent is due to answer a ticket, as the
// SLA's first response deadline says: "within 4 hours" / "в течение 4
// часов", rounded up to whole minutes below an hour and whole hours
// above, so that the customer is promised no sooner than the deadline.
// It is "" when the SLA gives nothing to promise: no deadline, one
// passed, or an agent has answered already. The wait is working time, so
// out of hours it counts from the next opening (see {{.opens}}).
func expectedWait(t *Ticket, now time.Time, lang string, cal *calendar.Calendar) string {
	if t.FirstResponseDue.IsZero() || !t.FirstResponseAt.IsZero() || !t.FirstResponseDue.After(now) {
		return ""
	}
	left := cal.WorkingBetween(now, t.FirstResponseDue)
	if left <= 0 {
		return ""
	}
	n, one, many := int((left+time.Minute-1)/time.Minute), "minute", "minutes"
	ru1, ruN := "минуты", "минут"
	if n >= 60 {
		n, one, many = int((left+time.Hour-1)/time.Hour), "hour", "hours"
		ru1, ruN = "часа", "часов"
	}
	if lang == intents.LangRU {
		// Genitive after "в течение": 1, 21, 31 ... часа; otherwise часов.
		word := ruN
		if n%10 == 1 && n%100 != 11 {
			word = ru1
		}
		return fmt.Sprintf("в течение %d %s", n, word)
	}
	word := many
	if n == 1 {
		word = one
	}
	return fmt.Sprintf("within %d %s", n, word)
}

// send stores an outbound message or note of the ticket.
func (at *agentTurn) send(author Author, name, text string, buttons []string) (*Message, error) {
	m := &Message{
		TicketID:   at.ticket.ID,
		Author:     author,
		AuthorName: name,
		Text:       text,
		Buttons:    buttons,
	}
	if err := at.e.addOutbound(at.ctx, at.tx, at.conv, m, at); err != nil {
		return nil, err
	}
	at.events = append(at.events, Event{Kind: EventMessage, ConversationID: at.conv.ID,
		TicketID: at.ticket.ID, TicketNumber: at.ticket.Number, Queue: at.ticket.Queue})
	if author != AuthorNote {
		at.sent = append(at.sent, m)
	}
	return m, nil
}

// sayAs sends a shared message to the customer from author.
func (at *agentTurn) sayAs(author Author, name string) error {
	_, err := at.send(author, "", at.message(name), nil)
	return err
}
