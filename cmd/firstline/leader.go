package main

import (
	"context"
	"log/slog"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/whatsapp"
	"github.com/firstline-support/firstline/dialog/postgres"
)

// runChannel runs ch until ctx is done. Telegram long polling and the
// WhatsApp connection allow one client at a time, so when replicas share
// a PostgreSQL database only the one that leads the channel runs it, and
// another takes over when that one stops. With SQLite there is one
// process, and it runs every channel.
func runChannel(ctx context.Context, s *settings, ch bots.Channel, log *slog.Logger) error {
	if !exclusive(s, ch) {
		return ch.Run(ctx)
	}
	return lead(ctx, s, "firstline channel "+ch.Name(), log, ch.Run)
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
