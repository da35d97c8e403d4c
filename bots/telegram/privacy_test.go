package telegram_test

import (
	"bytes"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/firstline-support/firstline/bots/outbox"
	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// syncBuffer is a buffer the log's writers and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestInfoLogsNameNoCustomer runs a Telegram conversation through the
// channel, the engine, an agent and the outbox, with a failed and a
// refused delivery and a customer who blocks the bot, logging JSON at
// info level, and checks that the log holds none of the customer's words,
// names, username, file names or chat id.
func TestInfoLogsNameNoCustomer(t *testing.T) {
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg := dialog.DefaultConfig
	cfg.PushChannels = []string{telegram.ChannelName}
	fake := telegramtest.NewServer(telegramtest.DefaultToken)
	t.Cleanup(fake.Close)
	de := dialogtest.New(t, "../../dialog/testdata/intents", cfg, nil, log)
	e := &env{t: t, ctx: t.Context(), log: log, fake: fake, store: de.Store, engine: de.Engine}

	const chat = 770011223
	secrets := []string{"Vasilisa", "Premudraya", "vasilisa_tg", "passport 4510", "contract-Vq.pdf", strconv.Itoa(chat)}
	customer := func(m *models.Message) models.Update {
		m.From.LastName, m.From.Username = "Premudraya", "vasilisa_tg"
		m.Chat.LastName, m.Chat.Username = "Premudraya", "vasilisa_tg"
		return models.Update{Message: m}
	}
	say := func(text string) int64 {
		m := telegramtest.Message(chat, "Vasilisa")
		m.Text = text
		return fake.Push(customer(m))
	}
	say("мой passport 4510 не принимают")
	doc := telegramtest.Message(chat, "Vasilisa")
	doc.Caption = "вот passport 4510"
	doc.Document = &models.Document{FileID: "doc-1", FileName: "contract-Vq.pdf", MimeType: "application/pdf", FileSize: 4}
	fake.AddFile("doc-1", "documents/contract-Vq.pdf", []byte("%PDF"))
	fake.Push(customer(doc))
	say(strings.Repeat("passport 4510 ", dialog.MaxTextLength)) // refused: too long
	last := say("/human")

	spy := newSpy(e.store)
	ch, _ := e.start(telegram.Config{}, spy)
	spy.waitProcessed(t, last)

	tickets, err := e.store.Tickets(e.ctx, dialog.TicketFilter{})
	if err != nil || len(tickets) != 1 {
		t.Fatalf("tickets: %d, %v; want the customer's", len(tickets), err)
	}
	number := tickets[0].Number
	agent := dialog.TicketAction{Number: number, Agent: "olga"}
	if _, err := e.engine.Reply(e.ctx, agent, "Vasilisa, passport 4510 is fine now"); err != nil {
		t.Fatal(err)
	}
	// The dispatcher's clock moves on an hour before each delivery, past
	// any retry it scheduled.
	var mu sync.Mutex
	later := time.Duration(0)
	d := outbox.New(e.store, ch, outbox.Options{Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		later += time.Hour
		return time.Now().Add(later)
	}}, log)
	fake.FailNext("sendMessage", 1, telegramtest.ServerError())
	drain(t, d)
	drain(t, d)
	if _, err := e.engine.Reply(e.ctx, agent, "Vasilisa Premudraya, anything else?"); err != nil {
		t.Fatal(err)
	}
	fake.FailNext("sendMessage", 1, telegramtest.BadRequest("Bad Request: message is too long"))
	drain(t, d)
	if _, err := e.engine.Close(e.ctx, agent); err != nil {
		t.Fatal(err)
	}
	fake.FailNext("sendMessage", 1, telegramtest.Forbidden())
	drain(t, d)

	out := logs.String()
	for _, want := range []string{"conversation escalated", "send failed", "message refused", "blocked the bot"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q: the conversation did not go where the test needs it\n%s", want, out)
		}
	}
	for _, s := range secrets {
		if i := strings.Index(out, s); i >= 0 {
			t.Errorf("the info log holds %q: …%s…", s, out[max(0, i-200):min(len(out), i+100)])
		}
	}
}

// drain runs the dispatcher over what is due now.
func drain(t *testing.T, d *outbox.Dispatcher) {
	t.Helper()
	if _, err := d.Drain(t.Context()); err != nil {
		t.Fatalf("deliver: %v", err)
	}
}
