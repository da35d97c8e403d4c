package main

import (
	"context"
	"log/slog"
	"sync"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/bots/outbox"
	"github.com/firstline-support/firstline/dialog/store/postgres"
)

// runChannel runs ch, d (its outbox dispatcher, or nil) and typing (what
// shows its customers that an agent is writing, or nil) until ctx is
// done. A channel whose protocol allows one client at a time says so
// (bots.Leader): when replicas share a PostgreSQL database only the one
// that leads the channel runs it, and another takes over when that one
// stops. With SQLite there is one process, and it runs every channel.
//
// typing runs with the channel, under its lead, so that one replica shows
// each agent's typing: the one holding the connection (WhatsApp) or the
// one polling (Telegram). A channel every replica runs (Telegram by
// webhook) has typing run under a lead of its own instead.
func runChannel(ctx context.Context, s *settings, ch bots.Channel, d *outbox.Dispatcher, typing func(context.Context), log *slog.Logger) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	mode := bots.LeadOf(ch)
	var alongside []func(context.Context) // run with the channel, under its lead
	switch {
	case typing == nil:
	case mode == bots.LeadNone:
		wg.Go(func() {
			err := lead(ctx, s, "firstline channel "+ch.Name()+" typing", log, func(ctx context.Context) error {
				typing(ctx)
				return nil
			})
			if err != nil {
				log.Error("typing relay stopped", "channel", ch.Name(), "err", err)
			}
		})
	default:
		alongside = append(alongside, typing)
	}
	switch {
	case d == nil:
	case mode == bots.LeadRunAndSend:
		// Only the replica holding the connection can send: deliver
		// while running the channel, under the same lead.
		alongside = append(alongside, d.Run)
	default:
		wg.Go(func() { d.Run(ctx) })
	}
	run := ch.Run
	if len(alongside) > 0 {
		run = func(ctx context.Context) error {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			var along sync.WaitGroup
			for _, f := range alongside {
				along.Go(func() { f(ctx) })
			}
			err := ch.Run(ctx)
			cancel()
			along.Wait()
			return err
		}
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
