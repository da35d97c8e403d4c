package main

import (
	"context"
	"log/slog"
	"sync"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/bots/outbox"
	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/whatsapp"
	"github.com/firstline-support/firstline/dialog/postgres"
)

// runChannel runs ch, and d (its outbox dispatcher, or nil), until ctx is
// done. Telegram long polling and the WhatsApp connection allow one client
// at a time, so when replicas share a PostgreSQL database only the one
// that leads the channel runs it, and another takes over when that one
// stops. With SQLite there is one process, and it runs every channel.
func runChannel(ctx context.Context, s *settings, ch bots.Channel, d *outbox.Dispatcher, log *slog.Logger) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	run := ch.Run
	switch {
	case d == nil:
	case sendsOverConnection(ch):
		// Only the replica holding the connection can send: deliver
		// while running the channel, under the same lead.
		run = func(ctx context.Context) error {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			var delivering sync.WaitGroup
			delivering.Go(func() { d.Run(ctx) })
			err := ch.Run(ctx)
			cancel()
			delivering.Wait()
			return err
		}
	default:
		wg.Go(func() { d.Run(ctx) })
	}
	if !exclusive(s, ch) {
		return run(ctx)
	}
	return lead(ctx, s, "firstline channel "+ch.Name(), log, run)
}

// sendsOverConnection reports whether ch sends through the connection its
// Run holds (WhatsApp), rather than through an HTTP API any replica can
// call (Telegram).
func sendsOverConnection(ch bots.Channel) bool {
	return ch.Name() == whatsapp.Name
}

// lead runs run while this replica holds the leader lock called name (see
// postgres.Lead); without a PostgreSQL database it runs run at once.
func lead(ctx context.Context, s *settings, name string, log *slog.Logger, run func(context.Context) error) error {
	if s.DatabaseURL == "" {
		return run(ctx)
	}
	return postgres.Lead(ctx, s.DatabaseURL, name, log, run)
}

// exclusive reports whether only one process at a time may run ch. In
// webhook mode Telegram posts each update to one replica, and every
// replica handles what it was posted.
func exclusive(s *settings, ch bots.Channel) bool {
	switch ch.Name() {
	case whatsapp.Name:
		return true
	case telegram.ChannelName:
		return s.Telegram.WebhookURL == ""
	}
	return false
}
