package dialog_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// newCollectHarness is a harness over testdata/collect, whose no_internet
// intent asks three questions before its ticket: a contract number that
// must be 6 to 8 digits, an optional address, and since when, with buttons.
func newCollectHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), events: broker.New()}
	env := dialogtest.New(t, "testdata/collect", dialog.DefaultConfig, h.events, nil)
	h.engine, h.store = env.Engine, env.Store
	return h
}

// newCollectHarnessOn is newCollectHarness over store.
func newCollectHarnessOn(t *testing.T, store dialog.Store) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), events: broker.New(), store: store}
	h.engine = dialog.NewEngine(store, dialogtest.KB(t, "testdata/collect"), h.events, dialog.DefaultConfig, quiet)
	return h
}

// expectQuestion checks that out asks one question, text, with buttons,
// and creates no ticket.
func expectQuestion(t *testing.T, out *dialog.Outcome, text string, buttons ...string) {
	t.Helper()
	if len(out.Replies) != 1 || out.Replies[0].Text != text || !slices.Equal(out.Replies[0].Buttons, buttons) {
		var got []string
		for _, r := range out.Replies {
			got = append(got, fmt.Sprintf("%q %q", r.Text, r.Buttons))
		}
		t.Fatalf("replies %v, want %q with buttons %q", got, text, buttons)
	}
	if out.Conversation.State != dialog.StateBot || out.Conversation.Pending != dialog.PendingCollect || out.Ticket != nil {
		t.Errorf("state %s, pending %q, ticket %v: want the bot still asking, no ticket",
			out.Conversation.State, out.Conversation.Pending, out.Ticket)
	}
}

// expectTicket checks that out created the no_internet ticket with fields.
func expectTicket(t *testing.T, h *harness, out *dialog.Outcome, fields []dialog.Field) {
	t.Helper()
	if out.Ticket == nil || out.Conversation.State != dialog.StateQueued {
		t.Fatalf("ticket %v, state %s: want a ticket, queued", out.Ticket, out.Conversation.State)
	}
	tk := h.ticket(out.Ticket.Number)
	if !reflect.DeepEqual(tk.Fields, fields) {
		t.Errorf("fields %q, want %q", tk.Fields, fields)
	}
	if tk.Intent != "no_internet" || tk.Reason != dialog.ReasonIntent || tk.Queue != "second_line" || tk.Priority != "high" {
		t.Errorf("ticket intent %q reason %q queue %q priority %q, want no_internet's", tk.Intent, tk.Reason, tk.Queue, tk.Priority)
	}
	if out.Conversation.Pending != dialog.PendingNone {
		t.Errorf("pending %q after the handoff", out.Conversation.Pending)
	}
}

func TestCollectAll(t *testing.T) {
	h := newCollectHarness(t)
	out := h.send("c", "не работает интернет")
	expectQuestion(t, out, "Передам вопрос специалисту. Чтобы он помог быстрее, ответьте, пожалуйста, на несколько вопросов.\n\nНомер договора?",
		"Соедините с оператором")
	if out.Replies[0].Intent != "no_internet" || out.Replies[0].Confidence <= 0 {
		t.Errorf("first question names intent %q with confidence %v, want no_internet's", out.Replies[0].Intent, out.Replies[0].Confidence)
	}
	expectQuestion(t, h.send("c", " 1234567 "), "Адрес подключения?", "Пропустить", "Соедините с оператором")
	expectQuestion(t, h.send("c", "ул. Ленина, 1"), "С какого времени не работает?", "Сегодня", "Вчера", "Дольше", "Соедините с оператором")
	out = h.send("c", "Вчера")
	h.expect(out, dialog.StateQueued, "Я передал ваш вопрос специалисту, номер обращения "+out.Ticket.Number)
	expectTicket(t, h, out, []dialog.Field{{Name: "contract", Value: "1234567"}, {Name: "address", Value: "ул. Ленина, 1"}, {Name: "since", Value: "Вчера"}})
}

func TestCollectInEnglish(t *testing.T) {
	h := newCollectHarness(t)
	expectQuestion(t, h.send("c", "my internet is down"),
		"I will pass this to a specialist. So that they can help you faster, please answer a few questions.\n\nYour contract number?", "Just connect me")
	expectQuestion(t, h.send("c", "12345678"), "Connection address?", "Skip", "Just connect me")
	expectQuestion(t, h.send("c", "skip"), "Since when?", "Today", "Yesterday", "Longer", "Just connect me")
	out := h.send("c", "Today")
	expectTicket(t, h, out, []dialog.Field{{Name: "contract", Value: "12345678"}, {Name: "address"}, {Name: "since", Value: "Today"}})
}

// TestCollectBadValue checks that an answer that does not fit is asked
// again once, and that after a second the bot moves on, leaving it empty.
func TestCollectBadValue(t *testing.T) {
	h := newCollectHarness(t)
	h.send("c", "не работает интернет")
	expectQuestion(t, h.send("c", "не помню"), "Похоже, это не тот ответ. Попробуйте ещё раз.\n\nНомер договора?", "Соедините с оператором")
	expectQuestion(t, h.send("c", "12-34"), "Адрес подключения?", "Пропустить", "Соедините с оператором")
	expectQuestion(t, h.send("c", "Пропустить"), "С какого времени не работает?", "Сегодня", "Вчера", "Дольше", "Соедините с оператором")
	out := h.send("c", "с утра")
	expectTicket(t, h, out, []dialog.Field{{Name: "contract"}, {Name: "address"}, {Name: "since", Value: "с утра"}})
}

// TestCollectSkipRequired checks that a question that is not optional
// cannot be skipped: "Skip" is an answer like any other.
func TestCollectSkipRequired(t *testing.T) {
	h := newCollectHarness(t)
	h.send("c", "не работает интернет")
	h.send("c", "1234567")
	h.send("c", "Пропустить")
	out := h.send("c", "Пропустить") // since: not optional, any text fits
	expectTicket(t, h, out, []dialog.Field{{Name: "contract", Value: "1234567"}, {Name: "address"}, {Name: "since", Value: "Пропустить"}})
}

// TestCollectInterrupted checks that /human and the button for a person
// stop the questions and hand over at once, with what was collected.
func TestCollectInterrupted(t *testing.T) {
	for _, c := range []struct{ stop, say string }{
		{"/human", "номер обращения"},
		{"Соедините с оператором", "номер обращения"},
		{"just connect me", "ticket"}, // the customer switched to English
	} {
		t.Run(c.stop, func(t *testing.T) {
			h := newCollectHarness(t)
			h.send("c", "не работает интернет")
			h.send("c", "1234567")
			out := h.send("c", c.stop)
			h.expect(out, dialog.StateQueued, c.say)
			expectTicket(t, h, out, []dialog.Field{{Name: "contract", Value: "1234567"}})
		})
	}
	t.Run("at once", func(t *testing.T) {
		h := newCollectHarness(t)
		h.send("c", "не работает интернет")
		out := h.send("c", "/human")
		expectTicket(t, h, out, nil)
	})
}

// TestCollectStatus checks that /status in the middle of the questions
// leaves them where they were.
func TestCollectStatus(t *testing.T) {
	h := newCollectHarness(t)
	h.send("c", "не работает интернет")
	h.send("c", "/status")
	expectQuestion(t, h.send("c", "1234567"), "Адрес подключения?", "Пропустить", "Соедините с оператором")
}
