package dialog

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/firstline-support/firstline/intents"
)

// Take assigns a ticket to an agent and tells the customer a person has
// joined. Taking a ticket one already holds changes nothing.
func (e *Engine) Take(ctx context.Context, number, agent string) (*Ticket, error) {
	if agent == "" {
		return nil, Errorf(EINVALID, "agent name is required")
	}
	var out *Ticket
	err := e.agentTx(ctx, number, func(a *agentTurn) error {
		out = a.ticket
		return a.take(agent)
	})
	if err != nil {
		return nil, fmt.Errorf("take ticket %s: %w", number, err)
	}
	return out, nil
}

// Reply sends an agent's message to the customer through the
// conversation's channel and adds it to the transcript. Replying to a
// ticket nobody holds takes it first.
func (e *Engine) Reply(ctx context.Context, number, agent, text string) (*Message, error) {
	text = strings.TrimSpace(text)
	switch {
	case agent == "":
		return nil, Errorf(EINVALID, "agent name is required")
	case !utf8.ValidString(text):
		return nil, Errorf(EINVALID, "reply is not valid UTF-8")
	case text == "":
		return nil, Errorf(EINVALID, "reply is empty")
	case utf8.RuneCountInString(text) > MaxTextLength:
		return nil, Errorf(ETOOLARGE, "reply is longer than %d characters", MaxTextLength)
	}
	var out *Message
	err := e.agentTx(ctx, number, func(a *agentTurn) error {
		if err := a.take(agent); err != nil {
			return err
		}
		var err error
		out, err = a.send(AuthorAgent, agent, text, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reply to ticket %s: %w", number, err)
	}
	return out, nil
}

// Close resolves a ticket: the customer is told and asked to rate the help,
// and the conversation's next message goes to the bot again.
func (e *Engine) Close(ctx context.Context, number, agent string) (*Ticket, error) {
	var out *Ticket
	err := e.agentTx(ctx, number, func(a *agentTurn) error {
		t := a.ticket
		if t.Assignee == "" {
			t.Assignee = agent
		}
		t.Status = TicketClosed
		t.ClosedAt = now()
		if err := a.tx.UpdateTicket(ctx, t); err != nil {
			return err
		}
		a.conv.State = StateClosed
		a.conv.Pending, a.conv.PendingOptions = PendingCSAT, nil
		if _, err := a.send(AuthorSystem, "", a.message(intents.MsgClosed), nil); err != nil {
			return err
		}
		_, err := a.send(AuthorSystem, "", a.message(intents.MsgCSATQuestion), []string{"1", "2", "3", "4", "5"})
		out = t
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("close ticket %s: %w", number, err)
	}
	return out, nil
}

// agentTurn is an agent's action on one ticket inside its transaction.
type agentTurn struct {
	ctx    context.Context
	tx     Tx
	set    *intents.Set
	conv   *Conversation
	ticket *Ticket
}

// agentTx runs fn on an open ticket with its conversation held, then saves
// the conversation.
func (e *Engine) agentTx(ctx context.Context, number string, fn func(a *agentTurn) error) error {
	k, release := e.kb.Acquire()
	defer release()
	return e.store.Update(ctx, func(tx Tx) error {
		t, err := tx.TicketByNumber(ctx, number)
		if err != nil {
			return err
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
		if t, err = tx.Ticket(ctx, t.ID); err != nil {
			return err
		}
		if t.Status == TicketClosed {
			return Errorf(ECONFLICT, "ticket %s is closed", t.Number)
		}
		a := &agentTurn{ctx: ctx, tx: tx, set: k.Set(), conv: conv, ticket: t}
		if err := fn(a); err != nil {
			return err
		}
		return tx.UpdateConversation(ctx, conv)
	})
}

// take assigns the ticket to agent unless it already is.
func (a *agentTurn) take(agent string) error {
	t := a.ticket
	switch {
	case t.Assignee == agent && t.Status == TicketAssigned:
		return nil
	case t.Status == TicketAssigned:
		return Errorf(ECONFLICT, "ticket %s is already taken by %s", t.Number, t.Assignee)
	}
	t.Assignee = agent
	t.Status = TicketAssigned
	if err := a.tx.UpdateTicket(a.ctx, t); err != nil {
		return err
	}
	a.conv.State = StateAgent
	_, err := a.send(AuthorSystem, "", a.message(intents.MsgAgentJoined), nil)
	return err
}

// message renders a shared message for this ticket in the customer's language.
func (a *agentTurn) message(name string) string {
	lang := a.conv.Lang
	vars := intents.Vars{
		"name":       a.conv.CustomerName,
		"first_name": firstName(a.conv.CustomerName),
		"ticket":     a.ticket.Number,
		"status":     TicketStatusText(a.set, a.ticket, lang),
		"agent":      a.ticket.Assignee,
	}
	return a.set.Messages.Render(name, lang, vars)
}

// send stores an outbound message of the ticket.
func (a *agentTurn) send(author Author, name, text string, buttons []string) (*Message, error) {
	m := &Message{
		ConversationID: a.conv.ID,
		TicketID:       a.ticket.ID,
		Author:         author,
		AuthorName:     name,
		Text:           text,
		Buttons:        buttons,
		Lang:           a.conv.Lang,
	}
	return m, a.tx.AddMessage(a.ctx, m)
}
