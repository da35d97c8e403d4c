package whatsapp_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/firstline-support/firstline/bots/outbox"
	"github.com/firstline-support/firstline/bots/whatsapp"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
)

// harness is a channel over a fake client, with a real engine and store,
// and the outbox dispatcher that delivers the engine's answers.
type harness struct {
	t        *testing.T
	ctx      context.Context
	store    *sqlite.DB
	client   *fakeClient
	channel  *whatsapp.Channel
	dispatch *outbox.Dispatcher
	clock    *clock
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := dialog.DefaultConfig
	cfg.PushChannels = []string{whatsapp.Name}
	de := dialogtest.New(t, "../../dialog/testdata/intents", cfg, nil, log)
	store, engine := de.Store, de.Engine

	client := newFakeClient()
	client.paired = true
	client.connected = true
	ch := whatsapp.New(engine, client, whatsapp.Options{MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}, log)
	// Ahead of the messages the test writes, so that they are due.
	clk := &clock{now: time.Now().UTC().Add(time.Minute)}
	d := outbox.New(store, ch, outbox.Options{Now: clk.Now}, log)
	return &harness{t: t, ctx: ctx, store: store, client: client, channel: ch, dispatch: d, clock: clk}
}

// receive hands a message event to the channel, as the client would, and
// fails the test if the channel could not handle it.
func (h *harness) receive(m *events.Message) {
	h.t.Helper()
	if err := h.channel.HandleEvent(h.ctx, m); err != nil {
		h.t.Fatalf("message %s: %v", m.Info.ID, err)
	}
}

// deliver runs the outbox dispatcher until nothing is due.
func (h *harness) deliver() {
	h.t.Helper()
	for {
		n, err := h.dispatch.Drain(h.ctx)
		if err != nil {
			h.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// conversation returns the conversation of a chat, or nil when there is
// none.
func (h *harness) conversation(chatID string) *dialog.Conversation {
	h.t.Helper()
	conv, err := h.store.ConversationByChat(h.ctx, whatsapp.Name, chatID)
	if dialog.ErrorCode(err) == dialog.ENOTFOUND {
		return nil
	} else if err != nil {
		h.t.Fatal(err)
	}
	return conv
}

// customerMessages returns what the customer of a chat said, as stored.
func (h *harness) customerMessages(chatID string) []*dialog.Message {
	h.t.Helper()
	conv := h.conversation(chatID)
	if conv == nil {
		h.t.Fatalf("no conversation for %s", chatID)
	}
	msgs, err := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: conv.ID})
	if err != nil {
		h.t.Fatal(err)
	}
	var out []*dialog.Message
	for _, m := range msgs {
		if m.Author == dialog.AuthorCustomer {
			out = append(out, m)
		}
	}
	return out
}

// clock is a settable time for the dispatcher.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// jid parses a JID or panics: test data only.
func jid(s string) types.JID {
	j, err := types.ParseJID(s)
	if err != nil {
		panic(err)
	}
	return j
}

// textMessage is a customer's text message as whatsmeow delivers it.
func textMessage(id, from, text string) *events.Message {
	sender := jid(from)
	return &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: sender.ToNonAD(), Sender: sender},
			ID:            id,
			PushName:      "Анна Петрова",
			Timestamp:     time.Now(),
		},
		Message: &waE2E.Message{Conversation: proto.String(text)},
	}
}
