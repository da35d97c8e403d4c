package dialog

// Observer is told what the engine did once it is committed, for
// monitoring. It is called from the goroutines that handle requests, many
// at a time: it must be safe for concurrent use, quick, and never block.
type Observer interface {
	// Handled is called after a customer message was handled: its
	// transaction committed, or it turned out to be a duplicate
	// (out.Duplicate).
	Handled(out *Outcome)
	// Sent is called after an agent's action committed, with the messages
	// it wrote to the customer of conv: agent replies and system messages,
	// never internal notes. It is not called when there are none.
	Sent(conv *Conversation, msgs []*Message)
}

// Action is what the bot did with a customer message, as monitoring
// counts it.
type Action string

// Actions.
const (
	ActionAnswered  Action = "answered"  // replied with an intent's answer
	ActionClarified Action = "clarified" // asked which of the intents offered the customer meant
	ActionRephrase  Action = "rephrase"  // understood nothing and asked to rephrase
	ActionEscalated Action = "escalated" // handed the conversation to a person
	// ActionNone: the bot did not act on a match. The message was a
	// command other than /human, an answer to "did this help?", a rating,
	// a duplicate, or written while a person is in charge.
	ActionNone Action = "none"
)

// Action says what the bot did with the message, read from the outcome:
// an escalation is recorded as such; a conversation left waiting for a
// choice or for a rephrase was asked for one (the turn clears what it
// waited for before deciding, so what is pending was asked just now); a
// bot reply naming an intent is an answer.
func (o *Outcome) Action() Action {
	switch {
	case o.Escalation != "":
		return ActionEscalated
	case o.Duplicate || o.Match.Decision == "":
		// Commands are not matched; a duplicate did nothing new.
		return ActionNone
	case o.Conversation.Pending == PendingClarify:
		return ActionClarified
	case o.Conversation.Pending == PendingRephrase:
		return ActionRephrase
	}
	for _, r := range o.Replies {
		if r.Author == AuthorBot && r.Intent != "" {
			return ActionAnswered
		}
	}
	return ActionNone
}

// observeHandled tells the observer, if any, about a handled message.
func (e *Engine) observeHandled(out *Outcome) {
	if e.cfg.Observer != nil {
		e.cfg.Observer.Handled(out)
	}
}

// observeSent tells the observer, if any, about messages an agent's
// action sent.
func (e *Engine) observeSent(conv *Conversation, msgs []*Message) {
	if e.cfg.Observer != nil && len(msgs) > 0 {
		e.cfg.Observer.Sent(conv, msgs)
	}
}
