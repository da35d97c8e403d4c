package dialog_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// BenchmarkHandle measures one inbound message through the whole engine:
// matching against the demo knowledge base, then storing the message and
// the bot's replies in one SQLite transaction (WAL, synchronous=FULL).
func BenchmarkHandle(b *testing.B) {
	ctx := context.Background()
	engine := dialogtest.New(b, "../configs/intents", dialog.DefaultConfig, nil, nil).Engine
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
