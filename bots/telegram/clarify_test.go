package telegram_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
	"github.com/firstline-support/firstline/dialog"
)

// TestClarifyQuestion checks that a question the bot is unsure of is met
// in Telegram with its options and a person as buttons under the question,
// that pressing an option answers it, and that pressing the person hands
// the customer over.
func TestClarifyQuestion(t *testing.T) {
	e := newEnv(t)
	spy := newSpy(e.store)
	ch, _ := e.start(telegram.Config{}, spy)

	ask := func(chat int64) (*dialog.Message, telegramtest.Sent) {
		t.Helper()
		spy.waitProcessed(t, e.fake.Push(telegramtest.Text(chat, "Анна", "как настроить")))
		msgs := e.transcript(chat)
		question := msgs[len(msgs)-1]
		sent := e.deliver(ch)
		if len(sent) == 0 {
			t.Fatal("nothing was sent")
		}
		return question, sent[len(sent)-1]
	}
	press := func(chat int64, question *dialog.Message, label string) {
		t.Helper()
		i := slices.Index(question.Buttons, label)
		if i < 0 {
			t.Fatalf("the question %+v has no button %q", question, label)
		}
		p := telegramtest.Press(chat, "Анна", fmt.Sprintf("b:%d:%d", question.ID, i))
		p.CallbackQuery.ID = fmt.Sprint("press-", chat)
		spy.waitProcessed(t, e.fake.Push(p))
		if !slices.Contains(e.fake.Answered(), p.CallbackQuery.ID) {
			t.Errorf("the press was not acknowledged")
		}
	}

	question, sent := ask(42)
	want := []string{"Настройка роутера", "Настройка телевидения", "Позвать оператора"}
	if !strings.Contains(sent.Text, "«Настройка роутера» или «Настройка телевидения»") || sent.Markup == nil {
		t.Fatalf("Telegram got %+v, want the question naming both options, with a keyboard", sent)
	}
	var labels []string
	for _, row := range sent.Markup.InlineKeyboard {
		for _, b := range row {
			labels = append(labels, b.Text)
		}
	}
	if !slices.Equal(labels, want) {
		t.Fatalf("keyboard %q, want %q", labels, want)
	}

	press(42, question, "Настройка телевидения")
	// Everything sent so far is the question, then the answer.
	if got := sentTo(e.deliver(ch), 42); len(got) < 2 || got[0] != question.Text || !strings.Contains(got[1], "Инструкция по настройке ТВ") {
		t.Errorf("Telegram got %q, want the question, then the TV setup answer", got)
	}

	question, _ = ask(43)
	press(43, question, "Позвать оператора")
	conv, err := e.store.ConversationByChat(e.ctx, telegram.ChannelName, "43")
	if err != nil {
		t.Fatal(err)
	}
	ticket, err := e.store.Ticket(e.ctx, conv.TicketID)
	if err != nil {
		t.Fatalf("no ticket after choosing a person: %v", err)
	}
	if got := sentTo(e.deliver(ch), 43); len(got) != 2 || !strings.Contains(got[1], ticket.Number) {
		t.Errorf("Telegram got %q, want the question, then the ticket number %s", got, ticket.Number)
	}
	if ticket.Reason != dialog.ReasonCustomerAsk || len(ticket.Candidates) != 2 {
		t.Errorf("ticket %+v, want one the customer asked for, with the two options", ticket)
	}
}
