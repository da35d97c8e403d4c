package presence_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/firstline-support/firstline/bots/presence"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// fakeTyper records the chats it was asked to show typing in.
type fakeTyper struct {
	mu    sync.Mutex
	chats []string
	err   error
}

func (f *fakeTyper) Name() string { return "tg" }

func (f *fakeTyper) Typing(ctx context.Context, chatID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chats = append(f.chats, chatID)
	if _, ok := ctx.Deadline(); !ok {
		return errors.New("no deadline")
	}
	return f.err
}

func (f *fakeTyper) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.chats...)
}

func TestRelay(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	env := dialogtest.New(t, "../../dialog/testdata/intents", dialog.DefaultConfig, nil, log)
	conv := func(channel, chat string) int64 {
		t.Helper()
		out, err := env.Engine.Handle(ctx, dialog.Inbound{Channel: channel, ChatID: chat, ExternalID: "1", Text: "/human"})
		if err != nil {
			t.Fatal(err)
		}
		return out.Conversation.ID
	}
	tg, web := conv("tg", "111"), conv("webchat", "s1")
	other := conv("tg", "222")

	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	typer := &fakeTyper{}
	r := presence.New(env.Store, typer, func() time.Time { return now }, log)
	// run hands the relay events and returns once it has seen them all.
	run := func(events ...dialog.Event) {
		ch := make(chan dialog.Event, len(events))
		for _, e := range events {
			ch <- e
		}
		close(ch)
		r.Run(ctx, ch)
	}
	typing := func(id int64) dialog.Event {
		return dialog.Event{Kind: dialog.EventTyping, ConversationID: id, Name: "Anna"}
	}

	run(typing(tg), typing(tg), typing(web),
		dialog.Event{Kind: dialog.EventMessage, ConversationID: other},
		dialog.Event{Kind: dialog.EventTyping, ConversationID: other}, // the end of typing
		typing(999)) // no such conversation
	if got := typer.calls(); len(got) != 1 || got[0] != "111" {
		t.Fatalf("signals %v, want one to 111: once per chat, only the channel's, only typing", got)
	}
	now = now.Add(presence.Every - time.Millisecond)
	run(typing(tg), typing(other))
	if got := typer.calls(); len(got) != 2 || got[1] != "222" {
		t.Fatalf("signals %v, want 111 and 222: 111 was signalled less than %v ago", got, presence.Every)
	}
	// A failing messenger does not stop the relay.
	typer.err = errors.New("bot api down")
	now = now.Add(time.Millisecond)
	run(typing(tg), typing(tg))
	now = now.Add(presence.Every)
	run(typing(tg))
	if got := typer.calls(); len(got) != 4 || got[2] != "111" || got[3] != "111" {
		t.Fatalf("signals %v, want 111 twice more, %v apart", got, presence.Every)
	}

	// Run ends with its context, events or not.
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(cctx, make(chan dialog.Event))
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}
