package dialog_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestAskField checks that an agent's question for a field goes to the
// customer as the agent's reply, that the customer's next message becomes
// the field (checked against the pattern the knowledge base gives the
// field, asked again once), and that the messages after it are the
// ticket's transcript only.
func TestAskField(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			h := newCollectHarnessOn(t, st.open(t))
			h.send("c", "не работает интернет")
			out := h.send("c", "/human")
			number := out.Ticket.Number

			m, err := h.engine.AskField(h.ctx, act(number, "anna"), "contract", " Подскажите номер договора? ")
			if err != nil {
				t.Fatal(err)
			}
			if m.Author != dialog.AuthorAgent || m.AuthorName != "anna" || m.Text != "Подскажите номер договора?" {
				t.Errorf("question %s %q %q, want anna's reply", m.Author, m.AuthorName, m.Text)
			}
			tk := h.ticket(number)
			if tk.Assignee != "anna" || tk.FirstResponseAt.IsZero() {
				t.Errorf("assignee %q, first response %v: asking is answering", tk.Assignee, tk.FirstResponseAt)
			}

			out = h.send("c", "не помню")
			if len(out.Replies) != 1 || out.Replies[0].Text != "Похоже, это не тот ответ. Попробуйте ещё раз.\n\nПодскажите номер договора?" {
				t.Fatalf("replies %q, want the question asked again", texts(out.Replies))
			}
			if f := h.ticket(number).Fields; f != nil {
				t.Errorf("fields %q after a bad answer", f)
			}
			h.expect(h.send("c", "7654321"), dialog.StateAgent)
			want := []dialog.Field{{Name: "contract", Value: "7654321"}}
			if f := h.ticket(number).Fields; !reflect.DeepEqual(f, want) {
				t.Errorf("fields %q, want %q", f, want)
			}
			if out := h.send("c", "спасибо"); len(out.Replies) != 0 || !reflect.DeepEqual(h.ticket(number).Fields, want) {
				t.Errorf("replies %q, fields %q: a message after the answer is no field", texts(out.Replies), h.ticket(number).Fields)
			}

			// A field the knowledge base does not know takes any text, and asking
			// for a field again replaces its value.
			if _, err := h.engine.AskField(h.ctx, act(number, "anna"), "Серийный номер роутера", "Какой серийный номер у роутера?"); err != nil {
				t.Fatal(err)
			}
			h.send("c", "SN-42 / не уверен")
			if _, err := h.engine.AskField(h.ctx, act(number, "anna"), "contract", "Уточните номер договора"); err != nil {
				t.Fatal(err)
			}
			h.send("c", "1111111")
			want = []dialog.Field{{Name: "contract", Value: "1111111"}, {Name: "Серийный номер роутера", Value: "SN-42 / не уверен"}}
			if f := h.ticket(number).Fields; !reflect.DeepEqual(f, want) {
				t.Errorf("fields %q, want %q", f, want)
			}

			// Two bad answers leave the field as it was.
			if _, err := h.engine.AskField(h.ctx, act(number, "anna"), "contract", "Номер договора?"); err != nil {
				t.Fatal(err)
			}
			h.send("c", "abc")
			if out := h.send("c", "def"); len(out.Replies) != 0 {
				t.Errorf("replies %q after the second bad answer, want none", texts(out.Replies))
			}
			if f := h.ticket(number).Fields; !reflect.DeepEqual(f, want) {
				t.Errorf("fields %q, want %q", f, want)
			}
		})
	}
}

// TestAskFieldRefused checks the names and questions an agent cannot send.
func TestAskFieldRefused(t *testing.T) {
	h := newCollectHarness(t)
	number := h.send("c", "/human").Ticket.Number
	for _, c := range []struct{ name, question string }{
		{"", "Номер?"},
		{" ", "Номер?"},
		{"contract", " "},
		{strings.Repeat("x", dialog.MaxFieldNameLen+1), "Номер?"},
		{"a\nb", "Номер?"},
	} {
		if _, err := h.engine.AskField(h.ctx, act(number, "anna"), c.name, c.question); dialog.ErrorCode(err) != dialog.EINVALID && dialog.ErrorCode(err) != dialog.ETOOLARGE {
			t.Errorf("AskField(%q, %q) = %v, want it refused", c.name, c.question, err)
		}
	}
	if out := h.send("c", "1234567"); out.Conversation.Pending != dialog.PendingNone {
		t.Errorf("pending %q after refused questions", out.Conversation.Pending)
	}
}

// TestAskFieldTransferred checks that a ticket transferred while its
// agent waits for a field leaves the question behind: the customer's next
// message is news for the new queue, acknowledged as such, and neither a
// value of the field nor a reason for the bot to ask the former agent's
// question again.
func TestAskFieldTransferred(t *testing.T) {
	h := newCollectHarness(t)
	h.send("c", "не работает интернет")
	number := h.send("c", "/human").Ticket.Number
	if _, err := h.engine.AskField(h.ctx, act(number, "anna"), "contract", "Подскажите номер договора?"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Transfer(h.ctx, act(number, "anna"), "first_line", "это к первой линии"); err != nil {
		t.Fatal(err)
	}
	out := h.send("c", "а почему меня перевели?")
	for _, r := range out.Replies {
		if strings.Contains(r.Text, "номер договора") {
			t.Errorf("reply %q: the former agent's question asked again after the transfer", r.Text)
		}
	}
	if len(out.Replies) != 1 || out.Conversation.Pending != dialog.PendingNone {
		t.Errorf("replies %q, pending %q; want the message acknowledged and nothing pending", texts(out.Replies), out.Conversation.Pending)
	}
	h.send("c", "7654321")
	if f := h.ticket(number).Fields; f != nil {
		t.Errorf("fields %q: a message after the transfer taken for the former agent's question", f)
	}
}
