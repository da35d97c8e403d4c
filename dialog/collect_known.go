package dialog

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// Limits on remembering and on questions asked in the middle of a
// collection.
const (
	// knownTickets is how many of the conversation's latest tickets are
	// searched for a value the customer gave before, so that the search
	// costs the same for a customer with a long history.
	knownTickets = 20
	// knownFor is how long a value given on a ticket is offered back: a
	// chat id can pass to someone else (a phone number given to a new
	// owner), and a year-old address is more likely stale than not.
	knownFor = 365 * 24 * time.Hour
	// sidetrackConfidence and sidetrackMargin: an answer to a question
	// that takes any text is read as a question of its own only when the
	// matcher is this sure of another intent, and this far ahead of the
	// next, since an address or a description must not be answered with
	// a FAQ.
	sidetrackConfidence = 0.8
	sidetrackMargin     = 0.4
)

// contactFields map field names to what the web chat may know of the
// customer (Contact): a question named so is asked as "is this still
// right?" when the chat holds the detail.
var contactFields = map[string]func(*Conversation) string{
	"name":   func(c *Conversation) string { return c.CustomerName },
	"email":  func(c *Conversation) string { return c.CustomerEmail },
	"e_mail": func(c *Conversation) string { return c.CustomerEmail },
	"phone":  func(c *Conversation) string { return c.CustomerPhone },
}

// knownValue returns the value this customer gave for q before: the last
// one given on one of the conversation's tickets (by the bot's questions
// or an agent's), or else the contact detail of the same name, when it
// still fits q; "" when there is none or q says not to remember.
func (t *turn) knownValue(q intents.Question) (string, error) {
	if q.Forget {
		return "", nil
	}
	if t.known == nil {
		t.known = map[string]string{}
		tickets, err := t.tx.Tickets(t.ctx, TicketFilter{ConversationID: t.conv.ID, Limit: knownTickets})
		if err != nil {
			return "", err
		}
		for _, tk := range tickets { // newest first
			if t.tx.Now().Sub(tk.CreatedAt) > knownFor {
				break
			}
			for _, f := range tk.Fields {
				if _, ok := t.known[f.Name]; !ok && f.Value != "" {
					t.known[f.Name] = f.Value
				}
			}
		}
		for name, get := range contactFields {
			if _, ok := t.known[name]; !ok && get(t.conv) != "" {
				t.known[name] = get(t.conv)
			}
		}
	}
	v := t.known[q.Name]
	if v == "" || utf8.RuneCountInString(v) > MaxFieldLen || !q.Match(v) {
		return "", nil
	}
	return v, nil
}

// sidetrack handles an answer to question q of qs that is rather a
// question of its own, as the matcher read it (match): an answer that
// fits a pattern is always the answer; one that does not fit, or fits a
// question without a pattern only because any text does (and then only
// when it is phrased as a question and the matcher is sure, see
// sidetrackConfidence: "ул. Оплаты, 5" is an address, however much it
// looks like the payment FAQ to the matcher), gets the answer of
// another intent that does not escalate, and then q is asked again; a
// request for a person (human: true) stops the questions. It reports
// whether it handled the message.
func (t *turn) sidetrack(qs []intents.Question, q intents.Question, c collection, answer string, fits bool, match kb.Result) (bool, error) {
	other := t.set.Intent(match.Intent)
	if match.Decision != kb.DecisionAnswer || other == nil || other.ID == c.intent {
		return false, nil
	}
	if other.Escalate && !other.Human || !other.Escalate && len(other.Templates) == 0 {
		return false, nil
	}
	if fits {
		cands := match.Candidates
		if q.Re != nil || !looksLikeQuestion(answer) || len(cands) == 0 || cands[0].Intent != other.ID || cands[0].Confidence < sidetrackConfidence {
			return false, nil
		}
		if len(cands) > 1 && cands[0].Confidence-cands[1].Confidence < sidetrackMargin {
			return false, nil
		}
	}
	if other.Human {
		return true, t.finishCollect(c)
	}
	if _, err := t.sendAnswer(other.ID, "", match.ConfidenceOf(other.ID), match); err != nil {
		return true, err
	}
	return true, t.ask(qs, c, "", "", 0)
}

// questionWords start a question in the languages the bot speaks.
var questionWords = map[string]bool{
	"как": true, "где": true, "что": true, "почему": true, "зачем": true, "когда": true, "сколько": true,
	"можно": true, "куда": true, "откуда": true, "какой": true, "какая": true, "какие": true, "кто": true,
	"how": true, "what": true, "where": true, "why": true, "when": true, "which": true, "who": true,
	"can": true, "could": true, "do": true, "does": true, "is": true, "are": true, "should": true, "will": true,
}

// looksLikeQuestion reports whether text is phrased as a question: it has
// a question mark or starts with a question word.
func looksLikeQuestion(text string) bool {
	if strings.Contains(text, "?") {
		return true
	}
	first, _, _ := strings.Cut(strings.TrimSpace(text), " ")
	return questionWords[strings.ToLower(strings.Trim(first, ",.!:;"))]
}
