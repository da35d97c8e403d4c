package dialog_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/kb"
)

// harness is an engine over a fresh SQLite store and the fixture
// knowledge base in testdata/intents.
type harness struct {
	t      *testing.T
	ctx    context.Context
	engine *dialog.Engine
	store  dialog.Store
	events *broker.Broker
	seq    int
}

// act names a ticket and the agent acting on it.
func act(number, agent string) dialog.TicketAction {
	return dialog.TicketAction{Number: number, Agent: agent}
}

func newHarness(t *testing.T, opts ...func(*dialog.Config)) *harness {
	t.Helper()
	cfg := dialog.DefaultConfig
	for _, opt := range opts {
		opt(&cfg)
	}
	h := &harness{t: t, ctx: context.Background(), events: broker.New()}
	env := dialogtest.New(t, "testdata/intents", cfg, h.events, nil)
	h.engine, h.store = env.Engine, env.Store
	return h
}

// send sends text as the customer of chat and returns the outcome.
func (h *harness) send(chat, text string) *dialog.Outcome {
	h.t.Helper()
	h.seq++
	out, err := h.engine.Handle(h.ctx, dialog.Inbound{
		Channel: "test", ChatID: chat, ExternalID: fmt.Sprint("m", h.seq), CustomerName: "Anna Petrova", Text: text,
	})
	if err != nil {
		h.t.Fatalf("send %q: %v", text, err)
	}
	return out
}

// expect checks the conversation's state and that the replies contain each
// wanted fragment, in order.
func (h *harness) expect(out *dialog.Outcome, state dialog.State, fragments ...string) {
	h.t.Helper()
	if out.Conversation.State != state {
		h.t.Errorf("state = %s, want %s", out.Conversation.State, state)
	}
	var texts []string
	for _, r := range out.Replies {
		texts = append(texts, r.Text)
	}
	all := strings.Join(texts, "\n")
	rest := all
	for _, f := range fragments {
		i := strings.Index(rest, f)
		if i < 0 {
			h.t.Errorf("replies %q lack %q (in order)", all, f)
			return
		}
		rest = rest[i+len(f):]
	}
}

func TestAnswerInCustomersLanguage(t *testing.T) {
	h := newHarness(t)
	out := h.send("ru", "Я забыл свой пароль, помогите")
	h.expect(out, dialog.StateBot, "Anna, чтобы сбросить пароль", "Это помогло?")
	if got := out.Replies[0]; got.Intent != "reset_password" || got.Confidence <= 0 || got.Lang != "ru" {
		t.Errorf("answer = intent %q confidence %v lang %q", got.Intent, got.Confidence, got.Lang)
	}
	if out.Conversation.Pending != dialog.PendingFeedback {
		t.Errorf("pending = %q, want feedback", out.Conversation.Pending)
	}

	out = h.send("en", "how can I reset my password?")
	h.expect(out, dialog.StateBot, "Anna, to reset your password", "Did this help?")
	if got := out.Replies[1].Buttons; strings.Join(got, ",") != "Yes,No" {
		t.Errorf("feedback buttons = %v", got)
	}
}

func TestAnswerButtonsAndNoFeedback(t *testing.T) {
	h := newHarness(t)
	out := h.send("c", "как оплатить интернет картой")
	if len(out.Replies) != 2 || strings.Join(out.Replies[0].Buttons, ",") != "Автоплатёж" {
		t.Fatalf("replies = %+v, want the answer with its button and the feedback question", out.Replies)
	}
	out = h.send("d", "когда работает ваш офис?")
	h.expect(out, dialog.StateBot, "Офис работает")
	if len(out.Replies) != 1 || out.Conversation.Pending != dialog.PendingNone {
		t.Errorf("feedback: false still asked: %+v pending %q", out.Replies, out.Conversation.Pending)
	}
}

func TestFeedback(t *testing.T) {
	h := newHarness(t)
	h.send("yes", "забыл пароль")
	out := h.send("yes", "Да")
	h.expect(out, dialog.StateBot, "Рад был помочь")
	if out.Ticket != nil {
		t.Errorf("a helpful answer opened ticket %s", out.Ticket.Number)
	}

	h.send("no", "забыл пароль")
	out = h.send("no", "Нет")
	h.expect(out, dialog.StateQueued, "FL-")
	if out.Ticket == nil || out.Ticket.Reason != dialog.ReasonNotHelpful || out.Ticket.Intent != "reset_password" {
		t.Fatalf("ticket = %+v, want reason not_helpful for reset_password", out.Ticket)
	}
	if c := out.Ticket.Candidates; len(c) != 1 || c[0].Intent != "reset_password" || c[0].Confidence <= 0 {
		t.Errorf("candidates = %+v, want the answered intent with its confidence", c)
	}
}

func TestRephraseThenEscalate(t *testing.T) {
	h := newHarness(t)
	out := h.send("x", "ывапролджэ фывапр")
	h.expect(out, dialog.StateBot, "Переформулируйте")
	if out.Conversation.Pending != dialog.PendingRephrase || out.Ticket != nil {
		t.Fatalf("pending = %q ticket = %v, want a rephrase request and no ticket", out.Conversation.Pending, out.Ticket)
	}
	out = h.send("x", "йцукенгшщз")
	h.expect(out, dialog.StateQueued, out.Ticket.Number)
	if out.Ticket.Reason != dialog.ReasonNoMatch || out.Ticket.Status != dialog.TicketQueued {
		t.Errorf("ticket = %+v, want reason no_match, queued", out.Ticket)
	}
	if !strings.HasPrefix(out.Ticket.Number, "FL-") || len(out.Ticket.Number) != len("FL-000001") {
		t.Errorf("ticket number = %q", out.Ticket.Number)
	}
}

func TestRephraseThenAnswer(t *testing.T) {
	h := newHarness(t)
	h.send("x", "ывапролджэ фывапр")
	out := h.send("x", "восстановить пароль")
	h.expect(out, dialog.StateBot, "сбросить пароль")
	if out.Ticket != nil {
		t.Errorf("answered after a rephrase but opened ticket %s", out.Ticket.Number)
	}
}

func TestWrongKeyboardLayoutAnsweredInRussian(t *testing.T) {
	h := newHarness(t)
	out := h.send("x", "djccnfyjdbnm gfhjkm") // «восстановить пароль» typed in the QWERTY layout
	h.expect(out, dialog.StateBot, "сбросить пароль")
	if out.Conversation.Lang != "ru" {
		t.Errorf("conversation language %q, want ru", out.Conversation.Lang)
	}
}

func TestClarify(t *testing.T) {
	for _, pick := range []struct{ answer, want string }{
		{"Настройка телевидения", "Инструкция по настройке ТВ"},
		{"Настройка роутера", "Инструкция по настройке роутера"},
	} {
		t.Run(pick.answer, func(t *testing.T) {
			h := newHarness(t)
			out := h.send("c", "как настроить")
			if out.Match.Decision != kb.DecisionClarify {
				t.Fatalf("decision = %s (%v), want clarify", out.Match.Decision, out.Match.Candidates)
			}
			if out.Conversation.Pending != dialog.PendingClarify || len(out.Replies) != 1 {
				t.Fatalf("pending = %q replies = %+v", out.Conversation.Pending, out.Replies)
			}
			buttons := strings.Join(out.Replies[0].Buttons, "|")
			if !strings.Contains(buttons, "Настройка роутера") || !strings.Contains(buttons, "Настройка телевидения") {
				t.Fatalf("clarify buttons = %q", buttons)
			}
			out = h.send("c", pick.answer)
			h.expect(out, dialog.StateBot, pick.want)
		})
	}
}

func TestClarifyByNumber(t *testing.T) {
	h := newHarness(t)
	out := h.send("c", "как настроить")
	if len(out.Conversation.PendingOptions) == 0 {
		t.Fatalf("no options offered: %s %v", out.Match.Decision, out.Match.Candidates)
	}
	first := out.Conversation.PendingOptions[0]
	out = h.send("c", "1")
	if len(out.Replies) == 0 || out.Replies[0].Intent != first {
		t.Fatalf("picked 1, got %+v, want intent %s", out.Replies, first)
	}
}

func TestEscalatingIntents(t *testing.T) {
	h := newHarness(t)
	out := h.send("a", "позовите живого оператора")
	h.expect(out, dialog.StateQueued, "FL-")
	// Asking for a person in words counts as asking with /human.
	if out.Ticket.Reason != dialog.ReasonCustomerAsk || out.Ticket.Intent != "talk_to_human" ||
		out.Ticket.Priority != "normal" || out.Ticket.Queue != "first_line" {
		t.Errorf("ticket = %+v", out.Ticket)
	}
	if len(out.Ticket.Candidates) == 0 || out.Ticket.Candidates[0].Intent != "talk_to_human" {
		t.Errorf("candidates = %+v, want talk_to_human first", out.Ticket.Candidates)
	}

	out = h.send("b", "хочу подать жалобу на качество обслуживания")
	h.expect(out, dialog.StateQueued, "Передаю жалобу", out.Ticket.Number)
	if out.Ticket.Reason != dialog.ReasonIntent {
		t.Errorf("complaint ticket reason %q, want %q: the bot handed it over", out.Ticket.Reason, dialog.ReasonIntent)
	}
	if out.Ticket.Priority != "high" || out.Ticket.Queue != "second_line" {
		t.Errorf("complaint ticket priority %q queue %q, want high second_line", out.Ticket.Priority, out.Ticket.Queue)
	}
}

func TestCommands(t *testing.T) {
	h := newHarness(t)
	h.expect(h.send("c", "/start"), dialog.StateBot, "Здравствуйте")
	h.expect(h.send("c", "/status"), dialog.StateBot, "нет открытых обращений")
	out := h.send("c", "/human")
	h.expect(out, dialog.StateQueued, out.Ticket.Number)
	if out.Ticket.Reason != dialog.ReasonCustomerAsk {
		t.Errorf("reason = %q, want customer_ask", out.Ticket.Reason)
	}
	h.expect(h.send("c", "/status"), dialog.StateQueued, out.Ticket.Number, "ждёт специалиста")
	// A second /human does not open a second ticket.
	again := h.send("c", "/human")
	if again.Ticket.ID != out.Ticket.ID {
		t.Errorf("second /human opened ticket %s", again.Ticket.Number)
	}
}

// TestQueuedAndAgentSilence checks that the bot answers nothing while a
// person is awaited (it only says the message joined the ticket) or in
// the chat.
func TestQueuedAndAgentSilence(t *testing.T) {
	h := newHarness(t)
	ticket := h.send("c", "/human").Ticket
	out := h.send("c", "забыл пароль") // would be answered in the bot state
	if len(out.Replies) != 1 || out.Replies[0].Intent != "" || out.Conversation.State != dialog.StateQueued {
		t.Fatalf("queued conversation got replies %+v, want only the acknowledgement", out.Replies)
	}
	h.expect(out, dialog.StateQueued, "Добавил это к обращению "+ticket.Number)
	if out.Message.TicketID != ticket.ID {
		t.Errorf("message ticket = %d, want %d", out.Message.TicketID, ticket.ID)
	}

	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	out = h.send("c", "как оплатить")
	if len(out.Replies) != 0 || out.Conversation.State != dialog.StateAgent {
		t.Fatalf("conversation with an agent got replies %+v in state %s", out.Replies, out.Conversation.State)
	}
}

func TestAgentTakeReplyClose(t *testing.T) {
	h := newHarness(t)
	ticket := h.send("c", "/human").Ticket

	tk, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga"))
	if err != nil || tk.Status != dialog.TicketAssigned || tk.Assignee != "Olga" {
		t.Fatalf("take = %+v, %v", tk, err)
	}
	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Errorf("taking one's own ticket again: %v", err)
	}
	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Ivan")); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("taking another's ticket: err %v, want conflict", err)
	}
	m, err := h.engine.Reply(h.ctx, act(ticket.Number, "Olga"), "Сейчас проверю")
	if err != nil || m.Author != dialog.AuthorAgent || m.AuthorName != "Olga" || m.TicketID != ticket.ID {
		t.Fatalf("reply = %+v, %v", m, err)
	}
	for _, bad := range []struct {
		text string
		code string
	}{
		{"   ", dialog.EINVALID},
		{strings.Repeat("я", dialog.MaxTextLength+1), dialog.ETOOLARGE},
		{"bad \xff utf-8", dialog.EINVALID},
	} {
		if _, err := h.engine.Reply(h.ctx, act(ticket.Number, "Olga"), bad.text); dialog.ErrorCode(err) != bad.code {
			t.Errorf("reply %.20q: err %v, want %s", bad.text, err, bad.code)
		}
	}
	if _, err := h.engine.Reply(h.ctx, act("FL-999999", "Olga"), "hi"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("reply to unknown ticket: %v, want not found", err)
	}

	closed, err := h.engine.Close(h.ctx, act(ticket.Number, "Olga"))
	if err != nil || closed.Status != dialog.TicketClosed || closed.ClosedAt.IsZero() {
		t.Fatalf("close = %+v, %v", closed, err)
	}
	if _, err := h.engine.Reply(h.ctx, act(ticket.Number, "Olga"), "ещё"); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("reply to closed ticket: %v, want conflict", err)
	}
	if _, err := h.engine.Close(h.ctx, act(ticket.Number, "Olga")); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("closing twice: %v, want conflict", err)
	}

	msgs, err := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: ticket.ConversationID})
	if err != nil {
		t.Fatal(err)
	}
	var authors []string
	for _, m := range msgs {
		authors = append(authors, string(m.Author))
	}
	want := "customer,bot,system,agent,system,system"
	if got := strings.Join(authors, ","); got != want {
		t.Errorf("transcript authors = %s, want %s", got, want)
	}
	if last := msgs[len(msgs)-1]; strings.Join(last.Buttons, "") != "12345" {
		t.Errorf("csat question buttons = %v", last.Buttons)
	}

	out := h.send("c", "5")
	h.expect(out, dialog.StateBot, "Спасибо за оценку")
	rated, err := h.store.TicketByNumber(h.ctx, ticket.Number)
	if err != nil || rated.CSAT != 5 {
		t.Errorf("csat = %d, %v; want 5", rated.CSAT, err)
	}
	if out.Conversation.TicketID != 0 {
		t.Errorf("conversation still points at ticket %d", out.Conversation.TicketID)
	}
}

func TestAfterCloseBackToBot(t *testing.T) {
	h := newHarness(t)
	ticket := h.send("c", "/human").Ticket
	if _, err := h.engine.Close(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	out := h.send("c", "как оплатить интернет")
	h.expect(out, dialog.StateBot, "Оплатить можно картой")
	if out.Message.TicketID != 0 || out.Ticket != nil {
		t.Errorf("a new question after close stayed on ticket %d", out.Message.TicketID)
	}
	rated, _ := h.store.TicketByNumber(h.ctx, ticket.Number)
	if rated.CSAT != 0 {
		t.Errorf("csat = %d, want none", rated.CSAT)
	}
}

func TestDuplicateMessage(t *testing.T) {
	h := newHarness(t)
	in := dialog.Inbound{Channel: "test", ChatID: "c", ExternalID: "same", Text: "забыл пароль"}
	first, err := h.engine.Handle(h.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.engine.Handle(h.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Duplicate || second.Message.ID != first.Message.ID || len(second.Replies) != len(first.Replies) {
		t.Fatalf("duplicate: %+v", second)
	}
	for i := range first.Replies {
		if first.Replies[i].ID != second.Replies[i].ID || first.Replies[i].Text != second.Replies[i].Text {
			t.Errorf("reply %d differs: %+v vs %+v", i, first.Replies[i], second.Replies[i])
		}
	}
	msgs, _ := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: first.Conversation.ID})
	if len(msgs) != 1+len(first.Replies) {
		t.Errorf("%d messages stored, want %d", len(msgs), 1+len(first.Replies))
	}
}

func TestBadInboundChangesNothing(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		name string
		in   dialog.Inbound
		code string
	}{
		{"empty", dialog.Inbound{Channel: "test", ChatID: "c", Text: "  \n "}, dialog.EINVALID},
		{"zero-width space", dialog.Inbound{Channel: "test", ChatID: "c", Text: "\u200b"}, dialog.EINVALID},
		{"word joiner and soft hyphen", dialog.Inbound{Channel: "test", ChatID: "c", Text: "\u2060\u00ad \u2060"}, dialog.EINVALID},
		{"right-to-left override", dialog.Inbound{Channel: "test", ChatID: "c", Text: "\u202e"}, dialog.EINVALID},
		{"byte order mark", dialog.Inbound{Channel: "test", ChatID: "c", Text: "\ufeff\ufeff"}, dialog.EINVALID},
		{"joiners and selectors", dialog.Inbound{Channel: "test", ChatID: "c", Text: "\u200c\u200d\ufe0f\u180e\u3164"}, dialog.EINVALID},
		{"control characters", dialog.Inbound{Channel: "test", ChatID: "c", Text: "\x01\x7f"}, dialog.EINVALID},
		{"too long", dialog.Inbound{Channel: "test", ChatID: "c", Text: strings.Repeat("a", dialog.MaxTextLength+1)}, dialog.ETOOLARGE},
		{"invalid utf-8", dialog.Inbound{Channel: "test", ChatID: "c", Text: "\xc3\x28"}, dialog.EINVALID},
		{"no chat", dialog.Inbound{Channel: "test", Text: "hi"}, dialog.EINVALID},
		{"no channel", dialog.Inbound{ChatID: "c", Text: "hi"}, dialog.EINVALID},
		{"NUL in the text", dialog.Inbound{Channel: "test", ChatID: "c", Text: "hi\x00"}, dialog.EINVALID},
		{"NUL in the name", dialog.Inbound{Channel: "test", ChatID: "c", CustomerName: "Анна\x00", Text: "hi"}, dialog.EINVALID},
		{"NUL in the message id", dialog.Inbound{Channel: "test", ChatID: "c", ExternalID: "\x00", Text: "hi"}, dialog.EINVALID},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := h.engine.Handle(h.ctx, c.in); dialog.ErrorCode(err) != c.code {
				t.Errorf("err = %v, want %s", err, c.code)
			}
		})
	}
	if _, err := h.store.ConversationByChat(h.ctx, "test", "c"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("bad input created a conversation: %v", err)
	}
	// Visible text among invisible characters is a message.
	if _, err := h.engine.Handle(h.ctx, dialog.Inbound{Channel: "test", ChatID: "v", Text: "\u200bhi\u200b"}); err != nil {
		t.Errorf("text with a visible word among zero-width spaces: %v", err)
	}
	// Exactly at the limit is accepted.
	if _, err := h.engine.Handle(h.ctx, dialog.Inbound{Channel: "test", ChatID: "c", Text: strings.Repeat("я", dialog.MaxTextLength)}); err != nil {
		t.Errorf("a message of exactly %d characters: %v", dialog.MaxTextLength, err)
	}
}
