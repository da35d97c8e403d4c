package dialog_test

import (
	"reflect"
	"sync"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// recorder is an Observer that keeps what it was told.
type recorder struct {
	mu      sync.Mutex
	handled []*dialog.Outcome
	sent    [][]dialog.Author // the authors of each Sent call
	convs   []int64           // the conversation of each Sent call
}

func (r *recorder) Handled(out *dialog.Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handled = append(r.handled, out)
}

func (r *recorder) Sent(conv *dialog.Conversation, msgs []*dialog.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var authors []dialog.Author
	for _, m := range msgs {
		authors = append(authors, m.Author)
	}
	r.sent = append(r.sent, authors)
	r.convs = append(r.convs, conv.ID)
}

// takeSent returns the Sent calls so far and forgets them.
func (r *recorder) takeSent() [][]dialog.Author {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sent
	r.sent = nil
	return s
}

func TestOutcomeAction(t *testing.T) {
	rec := &recorder{}
	h := newHarness(t, func(c *dialog.Config) { c.Observer = rec })

	steps := []struct {
		chat, text string
		action     dialog.Action
		escalation string
	}{
		{"a", "/start", dialog.ActionNone, ""},
		{"a", "ывапролджэ фывапр", dialog.ActionRephrase, ""},
		// The rephrase request is still pending, but a command is no
		// request for one.
		{"a", "/status", dialog.ActionNone, ""},
		{"a", "как настроить", dialog.ActionClarified, ""},
		{"a", "1", dialog.ActionAnswered, ""},
		{"a", "Да", dialog.ActionNone, ""},
		{"a", "забыл пароль", dialog.ActionAnswered, ""},
		{"a", "Нет", dialog.ActionEscalated, dialog.ReasonNotHelpful},
		{"a", "как оплатить", dialog.ActionNone, ""}, // queued: the bot is silent
		{"b", "/human", dialog.ActionEscalated, dialog.ReasonCustomerAsk},
		{"c", "йцукенгшщз", dialog.ActionRephrase, ""},
		{"c", "ывапролджэ фывапр", dialog.ActionEscalated, dialog.ReasonNoMatch},
		{"d", "позовите живого оператора", dialog.ActionEscalated, dialog.ReasonCustomerAsk}, // human: true
		// An intent that answers and escalates counts as an escalation.
		{"e", "хочу подать жалобу на качество обслуживания", dialog.ActionEscalated, dialog.ReasonIntent},
	}
	var outs []*dialog.Outcome
	for _, s := range steps {
		out := h.send(s.chat, s.text)
		if got := out.Action(); got != s.action || out.Escalation != s.escalation {
			t.Errorf("%s %q: action %s escalation %q, want %s %q", s.chat, s.text, got, out.Escalation, s.action, s.escalation)
		}
		outs = append(outs, out)
	}

	// A duplicate is reported too, as one, and did nothing new.
	dup, err := h.engine.Handle(h.ctx, dialog.Inbound{Channel: "test", ChatID: "c", ExternalID: "m11", Text: "йцукенгшщз"})
	if err != nil {
		t.Fatal(err)
	}
	if !dup.Duplicate || dup.Action() != dialog.ActionNone || dup.Escalation != "" {
		t.Errorf("duplicate: duplicate %v action %s escalation %q", dup.Duplicate, dup.Action(), dup.Escalation)
	}
	outs = append(outs, dup)
	if !reflect.DeepEqual(rec.handled, outs) {
		t.Errorf("the observer was told of %d outcomes, want the %d returned, in order", len(rec.handled), len(outs))
	}

	// Agents' actions report what reached the customer; notes do not.
	number := outs[7].Ticket.Number
	conv := outs[7].Conversation.ID
	if _, err := h.engine.Take(h.ctx, act(number, "Olga")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Reply(h.ctx, act(number, "Olga"), "Смотрю"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Note(h.ctx, act(number, "Olga"), "внутреннее"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Close(h.ctx, act(number, "Olga")); err != nil {
		t.Fatal(err)
	}
	want := [][]dialog.Author{
		{dialog.AuthorSystem},                      // take: an agent joined
		{dialog.AuthorAgent},                       // reply
		{dialog.AuthorSystem, dialog.AuthorSystem}, // close: closed, rate us
	}
	if got := rec.takeSent(); !reflect.DeepEqual(got, want) {
		t.Errorf("sent = %v, want %v", got, want)
	}
	for _, id := range rec.convs {
		if id != conv {
			t.Errorf("sent reported for conversation %d, want %d", id, conv)
		}
	}

	// The rating is no match outcome. A new escalation within the reopen
	// window reopens the ticket: the outcome says why this time, while
	// the ticket keeps the reason it was first opened for.
	if got := h.send("a", "5").Action(); got != dialog.ActionNone {
		t.Errorf("rating: action %s, want none", got)
	}
	out := h.send("a", "/human")
	if out.Ticket.Number != number || out.Escalation != dialog.ReasonCustomerAsk || out.Ticket.Reason != dialog.ReasonNotHelpful {
		t.Errorf("reopened %s: escalation %q ticket reason %q", out.Ticket.Number, out.Escalation, out.Ticket.Reason)
	}

	// A failed action reports nothing.
	if _, err := h.engine.Reply(h.ctx, act("FL-999999", "Olga"), "?"); err == nil {
		t.Fatal("reply to a missing ticket succeeded")
	}
	if got := rec.takeSent(); len(got) != 0 {
		t.Errorf("a failed reply was reported: %v", got)
	}
}
