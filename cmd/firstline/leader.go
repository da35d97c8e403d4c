package main

import (
	"context"
	"log/slog"
	"sync"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/bots/outbox"
	"github.com/firstline-support/firstline/dialog/store/postgres"
)

// runChannel runs ch, and d (its outbox dispatcher, or nil), until ctx is
// done. A channel whose protocol allows one client at a time says so
// (bots.Leader): when replicas share a PostgreSQL database only the one
// that leads the channel runs it, and another takes over when that one
// stops. With SQLite there is one process, and it runs every channel.
func runChannel(ctx context.Context, s *settings, ch bots.Channel, d *outbox.Dispatcher, log *slog.Logger) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	mode := bots.LeadOf(ch)
	run := ch.Run
	switch {
	case d == nil:
	case mode == bots.LeadRunAndSend:
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
	if mode == bots.LeadNone {
		return run(ctx)
	}
	return lead(ctx, s, "firstline channel "+ch.Name(), log, run)
}

// lead runs run while this replica holds the leader lock called name (see
// postgres.Lead); without a PostgreSQL database it runs run at once.
func lead(ctx context.Context, s *settings, name string, log *slog.Logger, run func(context.Context) error) error {
	if s.Database.URL == "" {
		return run(ctx)
	}
	return postgres.Lead(ctx, s.Database.URL, name, log, run)
}
