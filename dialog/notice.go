package dialog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Notice says that an event is news an agent should hear about even when
// not looking at the panel (a browser notification): new work in a queue,
// or the customer writing on a ticket an agent has.
type Notice string

// Notices.
const (
	// NoticeNewTicket: a ticket was created or reopened by the customer's
	// message, or transferred to another queue (by Event.By); it waits in
	// its queue, or went to Event.Assignee at once.
	NoticeNewTicket Notice = "new_ticket"
	// NoticeCustomerMessage: the customer wrote on an open ticket; it is
	// news for Event.Assignee.
	NoticeCustomerMessage Notice = "customer_message"
)

// Lengths of what a notice carries: enough to recognise the matter, little
// enough that an event stays small on its way between replicas.
const (
	PreviewLength      = 120 // characters of Event.Preview
	CustomerNameLength = 60  // characters of Event.Customer
)

// Shorten returns s on one line, its runs of white space (line breaks
// too) made single spaces, without control and invisible formatting
// characters (which could turn the text around, right to left), cut to at
// most n characters with "…" at the end when cut. Customer text goes into
// single-line places with it: a notification, a team chat line, where a
// line break could pass for a line of its own.
func Shorten(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) && r != '\u200d' { // a joiner holds emoji together
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n || n <= 0 {
		if n <= 0 {
			return ""
		}
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:n-1])) + "…"
}

// customerWords is what the customer asked about, for a notice of the
// ticket escalated in this turn: the message that escalated it, or, when
// that message only asked for a person or answered the bot (a command,
// "no, it did not help", a pressed button, the answer to a question
// asked before the handoff), the customer's last message before it that
// was not a command. "" when there is none.
func (t *turn) customerWords() (string, error) {
	if t.words != nil {
		return *t.words, nil
	}
	w, err := t.findCustomerWords()
	if err != nil {
		return "", err
	}
	t.words = &w
	return w, nil
}

// findCustomerWords does the work of customerWords.
func (t *turn) findCustomerWords() (string, error) {
	own := t.in.Text
	if parseCommand(own) != "" {
		own = ""
	}
	switch {
	case t.escalation == ReasonNoMatch && t.fields == nil,
		t.escalation == ReasonIntent && t.fields == nil:
		return own, nil
	}
	msgs, err := t.tx.Messages(t.ctx, MessageFilter{ConversationID: t.conv.ID, Public: true})
	if err != nil {
		return "", err
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Author != AuthorCustomer || m.ID >= t.in.ID || strings.TrimSpace(m.Text) == "" || parseCommand(m.Text) != "" {
			continue
		}
		return m.Text, nil
	}
	return own, nil
}

// noticeEvents adds to a turn's events what agents hear about: the ticket
// escalated in this turn, or the customer's message on an open ticket.
func (t *turn) noticeEvents(events []Event) error {
	tk := t.ticket
	if tk == nil || !tk.Open() || t.conv.TicketID != tk.ID {
		return nil
	}
	for i := range events {
		ev := &events[i]
		switch {
		case t.escalation != "" && ev.Kind == EventTicket:
			words, err := t.customerWords()
			if err != nil {
				return err
			}
			ev.Notice, ev.Preview = NoticeNewTicket, Shorten(words, PreviewLength)
		case t.escalation == "" && ev.Kind == EventMessage:
			ev.Notice, ev.Preview = NoticeCustomerMessage, Shorten(t.in.Text, PreviewLength)
		default:
			continue
		}
		ev.Assignee = tk.Assignee
		ev.Customer = Shorten(tk.CustomerName, CustomerNameLength)
	}
	return nil
}

// transferNotice makes ev, the event of ticket t's transfer by agent, news
// for the agents of its new queue: new work there, unless it was assigned
// on the way. agent, who did it, does not hear of it.
func transferNotice(ev *Event, t *Ticket, agent string) {
	if !t.Open() {
		return
	}
	ev.Notice, ev.Assignee, ev.By = NoticeNewTicket, t.Assignee, agent
	ev.Customer = Shorten(t.CustomerName, CustomerNameLength)
}
