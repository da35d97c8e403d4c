package dialog_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
)

// BenchmarkHandle measures one inbound message through the whole engine:
// matching against the demo knowledge base, then storing the message and
// the bot's replies in one transaction: on SQLite (WAL,
// synchronous=FULL) and on PostgreSQL (FIRSTLINE_TEST_DATABASE_URL).
func BenchmarkHandle(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchmarkHandle(b, dialogtest.Store(b, nil))
	})
	b.Run("postgres", func(b *testing.B) {
		store, err := postgres.Open(b.Context(), pgtest.Database(b), nil)
		if err != nil {
			b.Fatalf("open store: %v", err)
		}
		b.Cleanup(func() { store.Close() })
		benchmarkHandle(b, store)
	})
}

// benchmarkHandle runs BenchmarkHandle on one store.
func benchmarkHandle(b *testing.B, store dialog.Store) {
	ctx := context.Background()
	engine := dialog.NewEngine(store, dialogtest.KB(b, "../configs/intents"), nil, dialog.DefaultConfig, slog.New(slog.DiscardHandler))
	questions := []string{
		"как оплатить интернет банковской картой",
		"I forgot my password, how do I reset it",
		"у меня не работает интернет со вчерашнего дня",
		"what are your office opening hours",
	}
	i := 0
	for b.Loop() {
		i++
		_, err := engine.Handle(ctx, dialog.Inbound{
			Channel: "bench", ChatID: fmt.Sprint("chat-", i%100), ExternalID: fmt.Sprint("m", i),
			Text: questions[i%len(questions)],
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
