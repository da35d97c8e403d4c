package dialog_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// collectOnce has chat give every answer of testdata/collect's
// no_internet, lets an agent close the ticket, and moves the clock past
// the reopen window, so that the next handoff is a new ticket.
func collectOnce(t *testing.T, h *harness, clock *time.Time, chat, contract, address string) {
	t.Helper()
	h.send(chat, "не работает интернет")
	h.send(chat, contract)
	h.send(chat, address)
	out := h.send(chat, "Сегодня")
	if out.Ticket == nil {
		t.Fatal("no ticket after the last answer")
	}
	if _, err := h.engine.Close(h.ctx, act(out.Ticket.Number, "anna")); err != nil {
		t.Fatal(err)
	}
	*clock = clock.Add(dialog.DefaultConfig.ReopenWindow + time.Hour)
}

// TestCollectReturningCustomer checks that a customer who gave a value on
// an earlier ticket is asked whether it still holds, not asked again: yes
// keeps it, no asks the question, and a new value that fits replaces it.
func TestCollectReturningCustomer(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			h := newCollectHarnessOn(t, st.open(t))
			clock := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
			h.engine.SetClock(func() time.Time { return clock })
			collectOnce(t, h, &clock, "c", "1234567", "ул. Ленина, 1")

			out := h.send("c", "опять не работает интернет")
			expectQuestion(t, out, "Передам вопрос специалисту. Чтобы он помог быстрее, ответьте, пожалуйста, на несколько вопросов.\n\n"+
				"Номер договора?\nВ прошлый раз вы указали: 1234567. Всё верно?", "Да", "Нет", "Соедините с оператором")
			expectQuestion(t, h.send("c", "да"), "Адрес подключения?\nВ прошлый раз вы указали: ул. Ленина, 1. Всё верно?",
				"Да", "Нет", "Пропустить", "Соедините с оператором")
			expectQuestion(t, h.send("c", "Нет"), "Адрес подключения?", "Пропустить", "Соедините с оператором")
			expectQuestion(t, h.send("c", "ул. Мира, 5"), "С какого времени не работает?", "Сегодня", "Вчера", "Дольше", "Соедините с оператором")
			out = h.send("c", "Вчера")
			expectTicket(t, h, out, []dialog.Field{{Name: "contract", Value: "1234567"}, {Name: "address", Value: "ул. Мира, 5"}, {Name: "since", Value: "Вчера"}})
			if _, err := h.engine.Close(h.ctx, act(out.Ticket.Number, "anna")); err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(dialog.DefaultConfig.ReopenWindow + time.Hour)

			// The latest value is the one asked about; a new one that fits the
			// pattern replaces it, and one that does not is a bad answer to the
			// question itself.
			h.send("c", "не работает интернет")
			expectQuestion(t, h.send("c", "7654321"), "Адрес подключения?\nВ прошлый раз вы указали: ул. Мира, 5. Всё верно?",
				"Да", "Нет", "Пропустить", "Соедините с оператором")
			h.send("c", "Пропустить")
			out = h.send("c", "Сегодня")
			expectTicket(t, h, out, []dialog.Field{{Name: "contract", Value: "7654321"}, {Name: "address"}, {Name: "since", Value: "Сегодня"}})
			if _, err := h.engine.Close(h.ctx, act(out.Ticket.Number, "anna")); err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(dialog.DefaultConfig.ReopenWindow + time.Hour)
			h.send("c", "не работает интернет")
			expectQuestion(t, h.send("c", "12-34"), "Похоже, это не тот ответ. Попробуйте ещё раз.\n\nНомер договора?", "Соедините с оператором")

			// Another customer is asked as anyone is.
			expectQuestion(t, h.send("other", "не работает интернет"), "Передам вопрос специалисту. Чтобы он помог быстрее, ответьте, пожалуйста, на несколько вопросов.\n\nНомер договора?",
				"Соедините с оператором")

			// Values older than a year are not offered: the chat may be
			// someone else's by now.
			collectOnce(t, h, &clock, "old", "1112223", "ул. Садовая, 2")
			clock = clock.Add(366 * 24 * time.Hour)
			expectQuestion(t, h.send("old", "не работает интернет"), "Передам вопрос специалисту. Чтобы он помог быстрее, ответьте, пожалуйста, на несколько вопросов.\n\nНомер договора?",
				"Соедините с оператором")
		})
	}
}

// TestCollectKnownContact checks that a contact detail the web chat holds
// is offered for the question of the same name, when it fits.
func TestCollectKnownContact(t *testing.T) {
	h := newCollectHarness(t)
	if _, err := h.engine.SetContact(h.ctx, "test", "c", dialog.Contact{Phone: "+7 900 123-45-67", Email: "not an address"}); err != nil {
		t.Fatal(err)
	}
	out := h.send("c", "call me back")
	expectQuestion(t, out, "I will pass this to a specialist. So that they can help you faster, please answer a few questions.\n\n"+
		"Your phone?\nLast time you gave: +7 900 123-45-67. Is that still right?", "Yes", "No", "Just connect me")
	// The e-mail held does not fit the pattern: the question is asked.
	expectQuestion(t, h.send("c", "yes"), "Your e-mail?", "Skip", "Just connect me")
	out = h.send("c", "a@b.c")
	if out.Ticket == nil {
		t.Fatal("no ticket after the last answer")
	}
	want := []dialog.Field{{Name: "phone", Value: "+7 900 123-45-67"}, {Name: "email", Value: "a@b.c"}}
	if tk := h.ticket(out.Ticket.Number); !reflect.DeepEqual(tk.Fields, want) {
		t.Errorf("fields %q, want %q", tk.Fields, want)
	}
}
