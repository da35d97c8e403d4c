package telegram_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
	"github.com/firstline-support/firstline/dialog"
)

// TestGivingUp checks that an update that keeps failing does not hold up
// the ones after it for ever: a file that cannot be downloaded is
// replaced by a note after a few attempts, and an update that still
// fails is given up after more.
func TestGivingUp(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(e *env, spy *spyStore) models.Update
		check  func(t *testing.T, e *env, first []*dialog.Message)
		failed string // the call the failing update keeps making
		calls  int    // how many times it makes it
	}{
		{
			name: "file that cannot be downloaded",
			setup: func(e *env, spy *spyStore) models.Update {
				e.fake.AddFile("doc-1", "documents/file_1.pdf", []byte("%PDF"))
				e.fake.FailNext("file", 100, telegramtest.ServerError())
				m := telegramtest.Message(42, "Анна")
				m.Caption = "мой счёт"
				m.Document = &models.Document{FileID: "doc-1", FileName: "счёт.pdf", MimeType: "application/pdf", FileSize: 4}
				return models.Update{Message: m}
			},
			check: func(t *testing.T, e *env, first []*dialog.Message) {
				if len(first) != 1 || first[0].Text != "мой счёт\n[file unavailable: счёт.pdf]" {
					t.Fatalf("the message with the file arrived as %+v, want its caption and a note", first)
				}
				if list, err := e.store.Attachments(e.ctx, []int64{first[0].ID}); err != nil || len(list) != 0 {
					t.Errorf("attachments %+v, %v; want none", list, err)
				}
			},
			failed: "file",
			calls:  6, // 5 attempts, then one more that gives up on the file
		},
		{
			name: "button press whose message cannot be read",
			setup: func(e *env, spy *spyStore) models.Update {
				spy.failMessage = true
				return telegramtest.Press(42, "Анна", "b:1:0")
			},
			check: func(t *testing.T, e *env, first []*dialog.Message) {
				if len(first) != 0 {
					t.Errorf("the press reached the engine as %+v; it was given up", first)
				}
			},
			failed: "answerCallbackQuery",
			calls:  10,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			spy := newSpy(e.store)
			failing := e.fake.Push(tc.setup(e, spy))
			next := e.fake.Push(telegramtest.Text(42, "Анна", "забыл пароль"))
			ch := e.channel(telegram.Config{}, spy)
			telegram.SetMinBackoff(ch, time.Millisecond)
			e.run(ch)
			spy.waitProcessed(t, failing, next)

			var first []*dialog.Message
			answered := false
			for _, m := range e.transcript(42) {
				switch {
				case m.ExternalID == "tg:"+strconv.FormatInt(failing, 10):
					first = append(first, m)
				case m.ExternalID == "tg:"+strconv.FormatInt(next, 10):
					answered = true
				}
			}
			tc.check(t, e, first)
			if !answered {
				t.Error("the update after the failing one was not handled")
			}
			if n := e.fake.Calls(tc.failed); n != tc.calls {
				t.Errorf("%s was called %d times, want %d", tc.failed, n, tc.calls)
			}
			pending, err := e.store.PendingInbox(e.ctx, telegram.ChannelName, 0)
			if err != nil || len(pending) != 0 {
				t.Errorf("pending updates %v, %v; want none", pending, err)
			}
		})
	}
}

// TestOutageIsNotGivenUp checks that a store outage longer than the give-up
// limit delays an update but never drops it: a button press whose message
// cannot be read while the database is down is handled once it is back.
func TestOutageIsNotGivenUp(t *testing.T) {
	e := newEnv(t)
	spy := newSpy(e.store)
	question := e.fake.Push(telegramtest.Text(42, "Анна", "забыл пароль"))
	ch := e.channel(telegram.Config{}, spy)
	telegram.SetMinBackoff(ch, time.Millisecond)
	e.run(ch)
	spy.waitProcessed(t, question)
	var asked *dialog.Message // "did this help?" with its Yes/No buttons
	for _, m := range e.transcript(42) {
		if len(m.Buttons) > 0 {
			asked = m
		}
	}
	if asked == nil {
		t.Fatal("no message with buttons to press")
	}

	spy.outage.Store(12) // more failures than the give-up limit of 10
	press := e.fake.Push(telegramtest.Press(42, "Анна", "b:"+strconv.FormatInt(asked.ID, 10)+":0"))
	spy.waitProcessed(t, press)
	if spy.outage.Load() > 0 {
		t.Fatalf("processed with %d failures of the outage left", spy.outage.Load())
	}
	last := e.transcript(42)
	if got := last[len(last)-1]; got.Author != dialog.AuthorBot || got.Text != "Рад был помочь!" {
		t.Errorf("after the outage the press was answered %+v, want the thanks for a helpful answer", got)
	}
}
