package panel

import (
	"context"
	"fmt"

	"github.com/firstline-support/firstline/dialog"
)

// The panel keeps to dialog's rule on who sees a ticket (User.CanSeeTicket):
// a ticket of a queue the viewer does not work is answered as one that
// does not exist, with a 404, on every page, action and download.

// visibleQueues are the configured queues user sees tickets of, for the
// queue page's filter.
func (p *Panel) visibleQueues(user *dialog.User) []string {
	var out []string
	for _, q := range p.engine.Config().Queues {
		if user.CanSeeQueue(q) {
			out = append(out, q)
		}
	}
	return out
}

// visibleMessages leaves out of a conversation's transcript the messages
// written under tickets user may not see; tickets are the conversation's.
func visibleMessages(user *dialog.User, msgs []*dialog.Message, tickets []*dialog.Ticket) []*dialog.Message {
	out := msgs[:0:0]
	for _, m := range msgs {
		if user.CanSeeMessage(m, tickets) {
			out = append(out, m)
		}
	}
	return out
}

// visibleTickets leaves out the tickets user may not see.
func visibleTickets(user *dialog.User, tickets []*dialog.Ticket) []*dialog.Ticket {
	out := tickets[:0:0]
	for _, t := range tickets {
		if user.CanSeeTicket(t) {
			out = append(out, t)
		}
	}
	return out
}

// checkAttachment fails with ENOTFOUND unless user may see an
// attachment, which goes with the message it came with.
func (p *Panel) checkAttachment(ctx context.Context, user *dialog.User, a *dialog.Attachment) error {
	if user.VisibleQueues() == nil {
		return nil // sees every ticket: no need to look
	}
	m, err := p.store.Message(ctx, a.MessageID)
	if err != nil {
		return fmt.Errorf("get message of attachment %d: %w", a.ID, err)
	}
	tickets, err := p.store.Tickets(ctx, dialog.TicketFilter{ConversationID: m.ConversationID})
	if err != nil {
		return fmt.Errorf("get tickets of conversation %d: %w", m.ConversationID, err)
	}
	if !user.CanSeeMessage(m, tickets) {
		return dialog.Errorf(dialog.ENOTFOUND, "attachment %d not found", a.ID)
	}
	return nil
}
