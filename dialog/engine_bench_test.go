package dialog_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/sqlite"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// BenchmarkHandle measures one inbound message through the whole engine:
// matching against the demo knowledge base, then storing the message and
// the bot's replies in one SQLite transaction (WAL, synchronous=FULL).
func BenchmarkHandle(b *testing.B) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	set, err := intents.Load("../configs/intents")
	if err != nil {
		b.Fatal(err)
	}
	k, err := kb.New(set, kb.DefaultOptions)
	if err != nil {
		b.Fatal(err)
	}
	holder := kb.NewHolder(k)
	defer holder.Close()
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), log)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	engine := dialog.NewEngine(store, holder, nil, dialog.DefaultConfig, log)
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
