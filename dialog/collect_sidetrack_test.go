package dialog_test

import (
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/kb"
)

// TestCollectSidetrack checks that a question asked instead of an answer
// gets its answer and the pending question is asked again, while an
// answer is taken even when it reads a little like a question.
func TestCollectSidetrack(t *testing.T) {
	h := newCollectHarness(t)
	h.send("c", "не работает интернет")

	// A pattern, and a message that does not fit it but is a FAQ: the
	// answer, then the same question, with no "try again".
	out := h.send("c", "как оплатить интернет")
	if len(out.Replies) != 2 || out.Replies[0].Text != "Оплатить можно в личном кабинете." || out.Replies[0].Intent != "pay_bill" ||
		out.Replies[1].Text != "Номер договора?" {
		t.Fatalf("replies %v, want pay_bill's answer, then the question again", texts(out.Replies))
	}
	if out.Conversation.Pending != dialog.PendingCollect || out.Ticket != nil {
		t.Fatalf("pending %q, ticket %v: want the questions going on", out.Conversation.Pending, out.Ticket)
	}
	// It was not a bad answer: two bad ones are still allowed.
	expectQuestion(t, h.send("c", "не помню"), "Похоже, это не тот ответ. Попробуйте ещё раз.\n\nНомер договора?", "Соедините с оператором")
	expectQuestion(t, h.send("c", "1234567"), "Адрес подключения?", "Пропустить", "Соедините с оператором")

	// Without a pattern, a question the matcher is sure of is answered
	// too ...
	out = h.send("c", "как оплатить?")
	if len(out.Replies) != 2 || out.Replies[0].Intent != "pay_bill" || out.Replies[1].Text != "Адрес подключения?" {
		t.Fatalf("replies %v, want pay_bill's answer, then the question again", texts(out.Replies))
	}
	// ... but an address is the answer, though the matcher is as sure it
	// is about payment, and so is a statement.
	out = h.send("c", "ул. Оплаты, 5")
	if out.Match.Intent != "pay_bill" {
		t.Fatalf("the matcher reads %q as %+v; the test needs it read as pay_bill", "ул. Оплаты, 5", out.Match)
	}
	expectQuestion(t, out, "С какого времени не работает?", "Сегодня", "Вчера", "Дольше", "Соедините с оператором")
	out = h.send("c", "оплатил картой вчера")
	if out.Match.Intent != "pay_bill" {
		t.Fatalf("the matcher reads %q as %+v; the test needs it read as pay_bill", "оплатил картой вчера", out.Match)
	}
	expectTicket(t, h, out, []dialog.Field{{Name: "contract", Value: "1234567"}, {Name: "address", Value: "ул. Оплаты, 5"},
		{Name: "since", Value: "оплатил картой вчера"}})
}

// TestCollectSidetrackUnsure checks that a question without a pattern
// takes a question the matcher is not sure enough of as the answer.
func TestCollectSidetrackUnsure(t *testing.T) {
	h := newCollectHarness(t)
	h.send("c", "не работает интернет")
	h.send("c", "1234567")
	out := h.send("c", "вчера вечером после оплаты?")
	if out.Match.Decision == kb.DecisionAnswer {
		t.Fatalf("the matcher is sure of %+v; the test needs it unsure", out.Match)
	}
	expectQuestion(t, out, "С какого времени не работает?", "Сегодня", "Вчера", "Дольше", "Соедините с оператором")
}

// texts lists the texts of messages, for failures.
func texts(ms []*dialog.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}
