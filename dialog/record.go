package dialog

import "context"

// record appends an analytics event about the turn's conversation, with
// the conversation's current ticket unless a names another.
func (t *turn) record(a Activity) error {
	if a.TicketID == 0 {
		a.TicketID = t.conv.TicketID
	}
	if t.in != nil {
		a.MessageID = t.in.ID
	}
	return recordActivity(t.ctx, t.tx, t.conv, a)
}

// record appends an analytics event about the agent's ticket.
func (at *agentTurn) record(a Activity) error {
	a.TicketID = at.ticket.ID
	return recordActivity(at.ctx, at.tx, at.conv, a)
}

// recordActivity stamps a with the transaction's time and the
// conversation's channel and language, and appends it in tx: the event
// commits with the change it describes, or not at all.
func recordActivity(ctx context.Context, tx Tx, conv *Conversation, a Activity) error {
	a.At = tx.Now()
	a.ConversationID = conv.ID
	a.Channel = conv.Channel
	a.Lang = conv.Lang
	return tx.AddActivity(ctx, &a)
}
