package telegram_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
	"github.com/firstline-support/firstline/dialog"
)

// TestConversation follows a customer from /start to an answer with
// buttons, through long polling that fails once, and the outbox.
func TestConversation(t *testing.T) {
	e := newEnv(t)
	e.fake.FailNext("getUpdates", 1, telegramtest.ServerError())
	text := func(s string) models.Update {
		u := telegramtest.Text(42, "Анна", s)
		u.Message.From.LastName = "Иванова"
		return u
	}
	first := e.fake.Push(text("/start"))
	e.fake.Push(text("забыл пароль"))
	sticker := telegramtest.Message(42, "Анна")
	sticker.Sticker = &models.Sticker{FileID: "sticker-1"}
	e.fake.Push(models.Update{Message: sticker})
	// The bot added to a group hears the group's talk: no customer's.
	group := telegramtest.Text(42, "Анна", "всем привет, кто знает пароль от wifi?")
	group.Message.Chat = models.Chat{ID: -100500, Type: models.ChatTypeSupergroup, Title: "Соседи"}
	last := e.fake.Push(group)

	spy := newSpy(e.store)
	ch, _ := e.start(telegram.Config{}, spy)
	spy.waitProcessed(t, first, first+1, first+2, last)
	e.wait("the updates to be confirmed", func() bool { return slices.Contains(e.fake.Offsets(), last+1) })

	if n := e.fake.DeleteWebhookCalls(); n != 1 {
		t.Errorf("deleteWebhook was called %d times before polling, want once", n)
	}
	if offsets := e.fake.Offsets(); offsets[0] != 0 {
		t.Errorf("offsets = %v, want the first poll from 0", offsets)
	}

	msgs := e.transcript(42)
	if msgs[0].Author != dialog.AuthorCustomer || msgs[0].Text != "/start" || msgs[0].ExternalID != fmt.Sprintf("tg:%d", first) {
		t.Errorf("first message = %+v, want the customer's /start with its update id", msgs[0])
	}
	conv, err := e.store.ConversationByChat(e.ctx, telegram.ChannelName, "42")
	if err != nil {
		t.Fatal(err)
	}
	if conv.CustomerName != "Анна Иванова" {
		t.Errorf("customer name = %q, want the sender's first and last name", conv.CustomerName)
	}
	for _, m := range msgs {
		if m.Author == dialog.AuthorCustomer && m.Text == "" {
			t.Errorf("the sticker reached the engine as %+v; it has nothing to read", m)
		}
	}

	if _, err := e.store.ConversationByChat(e.ctx, telegram.ChannelName, "-100500"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("a group's message made a conversation: %v", err)
	}

	said := e.said(42)
	if len(said) != 3 || !strings.Contains(said[1], "Анна, чтобы сбросить пароль") {
		t.Fatalf("the bot said %q, want a greeting, the answer and a feedback question", said)
	}
	sent := e.deliver(ch)
	if got := sentTo(sent, 42); !slices.Equal(got, said) {
		t.Fatalf("Telegram got %q, want %q", got, said)
	}

	// The feedback question carries its buttons, one per row, each naming
	// the message and its index.
	question := msgs[len(msgs)-1]
	markup := sent[len(sent)-1].Markup
	if markup == nil || len(question.Buttons) == 0 {
		t.Fatalf("the feedback question was sent without its buttons %q", question.Buttons)
	}
	if len(markup.InlineKeyboard) != len(question.Buttons) {
		t.Fatalf("keyboard = %+v, want one row per button of %q", markup.InlineKeyboard, question.Buttons)
	}
	for i, row := range markup.InlineKeyboard {
		want := fmt.Sprintf("b:%d:%d", question.ID, i)
		if len(row) != 1 || row[0].Text != question.Buttons[i] || row[0].CallbackData != want {
			t.Errorf("row %d = %+v, want %q with data %q", i, row, question.Buttons[i], want)
		}
	}
	for _, s := range sent[:len(sent)-1] {
		if s.Markup != nil {
			t.Errorf("%q was sent with a keyboard, but has no buttons", s.Text)
		}
	}
}

// TestButtonPress checks that a pressed button is acknowledged and
// answered as its label, and that a press naming no button of the chat is
// only acknowledged.
func TestButtonPress(t *testing.T) {
	e := newEnv(t)
	spy := newSpy(e.store)
	ch, _ := e.start(telegram.Config{}, spy)
	spy.waitProcessed(t, e.fake.Push(telegramtest.Text(42, "Анна", "забыл пароль")))
	spy.waitProcessed(t, e.fake.Push(telegramtest.Text(43, "Борис", "забыл пароль")))
	e.deliver(ch)
	msgs := e.transcript(42)
	question := msgs[len(msgs)-1]
	if len(question.Buttons) < 2 {
		t.Fatalf("the last message %+v has no yes/no buttons", question)
	}

	for _, tc := range []struct {
		name string
		chat int64
		data string
	}{
		{"unknown message", 42, "b:999999:0"},
		{"index out of range", 42, fmt.Sprintf("b:%d:7", question.ID)},
		{"negative index", 42, fmt.Sprintf("b:%d:-1", question.ID)},
		{"another chat's message", 43, fmt.Sprintf("b:%d:0", question.ID)},
		{"a chat without a conversation", 44, fmt.Sprintf("b:%d:0", question.ID)},
		{"not ours", 42, "vote:up"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(e.transcript(43))
			press := telegramtest.Press(tc.chat, "Анна", tc.data)
			press.CallbackQuery.ID = "press-" + tc.name
			spy.waitProcessed(t, e.fake.Push(press))
			if !slices.Contains(e.fake.Answered(), press.CallbackQuery.ID) {
				t.Errorf("the press was not acknowledged")
			}
			if got := len(e.transcript(42)); got != len(msgs) {
				t.Errorf("chat 42 has %d messages after the press, want %d: it must be ignored", got, len(msgs))
			}
			if got := len(e.transcript(43)); got != before {
				t.Errorf("chat 43 has %d messages after the press, want %d", got, before)
			}
		})
	}

	press := telegramtest.Press(42, "Анна", fmt.Sprintf("b:%d:0", question.ID))
	press.CallbackQuery.ID = "press-yes"
	id := e.fake.Push(press)
	spy.waitProcessed(t, id)
	if !slices.Contains(e.fake.Answered(), "press-yes") {
		t.Errorf("the press was not acknowledged; answered %q", e.fake.Answered())
	}
	after := e.transcript(42)
	if len(after) != len(msgs)+2 {
		t.Fatalf("after the press the chat has %d messages, want %d (the press and a reply)", len(after), len(msgs)+2)
	}
	in := after[len(msgs)]
	if in.Author != dialog.AuthorCustomer || in.Text != question.Buttons[0] || in.ExternalID != fmt.Sprintf("tg:%d", id) {
		t.Errorf("the press reached the engine as %+v, want the label %q", in, question.Buttons[0])
	}
	sent := e.deliver(ch)
	if got, want := sent[len(sent)-1], after[len(after)-1].Text; got.ChatID != "42" || got.Text != want {
		t.Errorf("last sent = %+v, want the reply to the press %q", got, want)
	}
}

// TestAgentReply checks that an escalated customer is told the ticket
// number and gets the agent's reply in Telegram.
func TestAgentReply(t *testing.T) {
	e := newEnv(t)
	spy := newSpy(e.store)
	ch, _ := e.start(telegram.Config{}, spy)
	spy.waitProcessed(t, e.fake.Push(telegramtest.Text(42, "Анна", "/human")))
	conv, err := e.store.ConversationByChat(e.ctx, telegram.ChannelName, "42")
	if err != nil {
		t.Fatal(err)
	}
	ticket, err := e.store.Ticket(e.ctx, conv.TicketID)
	if err != nil {
		t.Fatalf("no ticket after /human: %v", err)
	}
	sent := e.deliver(ch)
	if len(sent) != 1 || !strings.Contains(sent[0].Text, ticket.Number) {
		t.Fatalf("Telegram got %+v, want one message with the ticket number %s", sent, ticket.Number)
	}

	reply := "Здравствуйте, Анна! Меня зовут Ольга, сейчас разберусь."
	if _, err := e.engine.Reply(e.ctx, dialog.TicketAction{Number: ticket.Number, Agent: "Ольга"}, reply); err != nil {
		t.Fatal(err)
	}
	sent = e.deliver(ch)
	if got := sentTo(sent, 42); !slices.Equal(got, e.said(42)) || got[len(got)-1] != reply {
		t.Errorf("Telegram got %q, want everything said ending with the agent's reply", got)
	}
}
