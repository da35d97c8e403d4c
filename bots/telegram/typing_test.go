package telegram_test

import (
	"testing"
	"time"

	"github.com/firstline-support/firstline/bots/presence"
	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/dialog"
)

// TestAgentTypingShown checks that an agent typing in the panel shows
// "typing…" in the customer's Telegram chat, once per presence.Every
// however often the panel says so, and without anything in the outbox.
func TestAgentTypingShown(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(telegram.Config{}, e.store)
	out, err := e.engine.Handle(e.ctx, dialog.Inbound{Channel: telegram.ChannelName, ChatID: "4242", ExternalID: "1", Text: "/human"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	relay := presence.New(e.store, ch, func() time.Time { return now }, e.log)
	typing := dialog.Event{Kind: dialog.EventTyping, ConversationID: out.Conversation.ID, Name: "Olga"}
	run := func(events ...dialog.Event) {
		c := make(chan dialog.Event, len(events))
		for _, ev := range events {
			c <- ev
		}
		close(c)
		relay.Run(e.ctx, c)
	}
	queued := func() int {
		t.Helper()
		backlog, err := e.store.OutboxBacklog(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return backlog[telegram.ChannelName]
	}
	before := queued()

	run(typing, typing, typing)
	got := e.fake.ChatActions()
	if len(got) != 1 || got[0].ChatID != "4242" || got[0].Action != "typing" {
		t.Fatalf("chat actions %+v, want one typing in 4242", got)
	}
	now = now.Add(presence.Every)
	run(typing)
	if got := e.fake.ChatActions(); len(got) != 2 {
		t.Errorf("chat actions %+v, want a second one %v later", got, presence.Every)
	}
	if after := queued(); after != before {
		t.Errorf("the outbox went from %d items to %d: typing is not a message", before, after)
	}
}
