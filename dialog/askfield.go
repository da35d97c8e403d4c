package dialog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/firstline-support/firstline/intents"
)

// PendingField: an agent asked the customer for a detail of the ticket
// (AskField); the customer's next message is its value.
// Conversation.PendingOptions holds the field's name, how many answers
// did not fit its pattern so far, and the question.
const PendingField Pending = "field"

// MaxFieldNameLen is the longest name of a field an agent asks for, in
// characters.
const MaxFieldNameLen = 60

// FieldQuestions returns the questions of the knowledge base set that
// an agent may ask for a field of a ticket that escalated with intent:
// the intent's collect:, then the questions every escalation asks that it
// does not have. Nil when there are none.
func FieldQuestions(set *intents.Set, intent string) []intents.Question {
	if set == nil {
		return nil
	}
	var out []intents.Question
	seen := map[string]bool{}
	if in := set.Intent(intent); in != nil {
		for _, q := range in.Collect {
			out = append(out, q)
			seen[q.Name] = true
		}
	}
	for _, q := range set.Collect {
		if !seen[q.Name] {
			out = append(out, q)
		}
	}
	return out
}

// fieldQuestion returns the question named name that FieldQuestions
// gives, or nil.
func fieldQuestion(set *intents.Set, intent, name string) *intents.Question {
	for _, q := range FieldQuestions(set, intent) {
		if q.Name == name {
			return &q
		}
	}
	return nil
}

// AskField sends the agent's question to the customer, as a reply, and
// makes the customer's next message the value of the ticket's field
// name, replacing any value it had. When the knowledge base asks for a
// field of that name (FieldQuestions) with a pattern, an answer that does
// not fit is asked again once, and a second is left on the transcript
// only.
func (e *Engine) AskField(ctx context.Context, a TicketAction, name, question string) (*Message, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "" || !utf8.ValidString(name):
		return nil, Errorf(EINVALID, "field name is empty")
	case utf8.RuneCountInString(name) > MaxFieldNameLen:
		return nil, Errorf(ETOOLARGE, "field name is longer than %d characters", MaxFieldNameLen)
	case strings.ContainsAny(name, "\r\n"):
		return nil, Errorf(EINVALID, "field name must be one line")
	}
	question, err := checkAgentText(question, "question")
	if err != nil {
		return nil, err
	}
	var out *Message
	err = e.agentTx(ctx, a, false, func(at *agentTurn) error {
		var err error
		if out, err = at.reply(a.Agent, question); err != nil {
			return err
		}
		at.conv.Pending, at.conv.PendingOptions = PendingField, []string{name, "0", question}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ask for field %q of ticket %s: %w", name, a.Number, err)
	}
	e.stopTyping(out.ConversationID)
	return out, nil
}

// fieldAnswer takes the customer's message as the value of the field an
// agent asked for (see AskField).
func (t *turn) fieldAnswer(text string) error {
	if t.fileOnly() {
		// Files without words are no value; the agent sees them, and the
		// words may follow.
		return nil
	}
	opts := t.conv.PendingOptions
	t.conv.Pending, t.conv.PendingOptions = PendingNone, nil
	if len(opts) != 3 || t.ticket == nil || !t.ticket.Open() {
		return nil
	}
	name, question := opts[0], opts[2]
	bad, _ := strconv.Atoi(opts[1])
	answer := strings.TrimSpace(text)
	fits := answer != "" && utf8.RuneCountInString(answer) <= MaxFieldLen
	if q := fieldQuestion(t.set, t.ticket.Intent, name); q != nil && fits {
		fits = q.Match(answer)
	}
	if !fits {
		if bad == 0 {
			t.conv.Pending, t.conv.PendingOptions = PendingField, []string{name, "1", question}
			intro := t.set.Messages.Render(intents.MsgCollectInvalid, t.lang, t.vars())
			return t.reply(AuthorBot, intro+"\n\n"+question, nil, "", 0)
		}
		return nil
	}
	t.ticket.Fields = setField(t.ticket.Fields, Field{Name: name, Value: answer})
	if err := t.tx.UpdateTicket(t.ctx, t.ticket); err != nil {
		return err
	}
	t.ticketChanged = true
	return nil
}

// setField returns fields with f's value under its name: the field of
// that name replaced, or f added last.
func setField(fields []Field, f Field) []Field {
	out := make([]Field, 0, len(fields)+1)
	found := false
	for _, g := range fields {
		if g.Name == f.Name {
			g, found = f, true
		}
		out = append(out, g)
	}
	if !found {
		out = append(out, f)
	}
	return out
}
