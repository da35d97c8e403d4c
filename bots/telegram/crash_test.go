package telegram_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
	"github.com/firstline-support/firstline/dialog"
)

// TestCrash stops a channel at the points where a crash could lose an
// update or handle it twice, then starts a new channel on the same store
// and Bot API: every update must be handled exactly once, and answered
// once.
func TestCrash(t *testing.T) {
	for _, tc := range []struct {
		name  string
		crash func(spy *spyStore)
		// confirmed: whether the first channel got to confirm the updates
		// to Telegram before it stopped.
		confirmed bool
	}{
		{
			name:  "saved, neither confirmed nor handled",
			crash: func(spy *spyStore) { spy.holdAfterSave, spy.noProcessing = true, true },
		},
		{
			name:      "handled, not marked processed",
			crash:     func(spy *spyStore) { spy.failMark = true },
			confirmed: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			a := e.fake.Push(telegramtest.Text(42, "Анна", "/start"))
			b := e.fake.Push(telegramtest.Text(42, "Анна", "забыл пароль"))

			first := newSpy(e.store)
			tc.crash(first)
			_, stop := e.start(telegram.Config{}, first)
			first.waitCrash(t)
			if tc.confirmed {
				e.wait("the updates to be confirmed", func() bool { return slices.Contains(e.fake.Offsets(), b+1) })
			}
			stop()
			if !tc.confirmed {
				if n := e.fake.Unconfirmed(); n != 2 {
					t.Fatalf("%d updates unconfirmed after the crash, want 2", n)
				}
			}
			if got := first.savedIDs(); len(got) != 2 {
				t.Fatalf("the first channel saved %v, want both updates", got)
			}

			second := newSpy(e.store)
			ch, _ := e.start(telegram.Config{}, second)
			second.waitProcessed(t, a, b)
			e.wait("the updates to be confirmed", func() bool { return slices.Contains(e.fake.Offsets(), b+1) })

			if got := second.savedIDs(); len(got) != 0 {
				t.Errorf("the second channel saved %v again", got)
			}
			pending, err := e.store.PendingInbox(e.ctx, telegram.ChannelName, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) != 0 {
				t.Errorf("%d updates still pending", len(pending))
			}

			// Each update is one customer message with its own replies.
			msgs := e.transcript(42)
			replies := map[string]int{}
			var inbound []string
			byID := map[int64]string{}
			for _, m := range msgs {
				if m.Author == dialog.AuthorCustomer {
					inbound = append(inbound, m.ExternalID)
					byID[m.ID] = m.ExternalID
				} else {
					replies[byID[m.ReplyTo]]++
				}
			}
			wantIn := []string{fmt.Sprintf("tg:%d", a), fmt.Sprintf("tg:%d", b)}
			if !slices.Equal(inbound, wantIn) {
				t.Errorf("customer messages %q, want %q", inbound, wantIn)
			}
			if replies[wantIn[0]] != 1 || replies[wantIn[1]] != 2 {
				t.Errorf("replies per message %v, want a greeting to /start and an answer and a question to the other", replies)
			}
			if got, want := sentTo(e.deliver(ch), 42), e.said(42); !slices.Equal(got, want) {
				t.Errorf("Telegram got %q, want each reply once: %q", got, want)
			}
		})
	}
}
