package telegram_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
	"github.com/firstline-support/firstline/dialog"
)

// TestSendErrors checks how Bot API failures reach the outbox dispatcher.
func TestSendErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		failure telegramtest.Failure
		check   func(t *testing.T, err error)
	}{
		{"429", telegramtest.TooManyRequests(7), func(t *testing.T, err error) {
			var retry *bots.RetryAfterError
			if !errors.As(err, &retry) || retry.After != 7*time.Second {
				t.Errorf("err = %v, want RetryAfter(7s)", err)
			}
		}},
		{"403", telegramtest.Forbidden(), func(t *testing.T, err error) {
			if !errors.Is(err, bots.ErrBlocked) {
				t.Errorf("err = %v, want ErrBlocked", err)
			}
		}},
		{"400", telegramtest.BadRequest("chat not found"), func(t *testing.T, err error) {
			var permanent *bots.PermanentError
			if !errors.As(err, &permanent) {
				t.Errorf("err = %v, want a PermanentError", err)
			}
		}},
		{"500", telegramtest.ServerError(), temporary},
		{"dropped connection", telegramtest.DropConnection(), temporary},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ch := e.channel(telegram.Config{}, e.store)
			e.fake.FailNext("sendMessage", 1, tc.failure)
			item := &dialog.OutboxItem{MessageID: 5, ChatID: "42", Text: "Здравствуйте"}
			n, err := ch.Send(e.ctx, item)
			if n != 0 || err == nil {
				t.Fatalf("Send = %d, %v; want 0 parts and an error", n, err)
			}
			tc.check(t, err)
			if strings.Contains(err.Error(), e.fake.Token()) {
				t.Errorf("the error %q shows the bot token", err)
			}
			if n, err := ch.Send(e.ctx, item); n != 1 || err != nil {
				t.Errorf("Send after the failure = %d, %v; want it delivered", n, err)
			}
			if sent := e.fake.Sent(); len(sent) != 1 {
				t.Errorf("Telegram got %d messages, want 1", len(sent))
			}
		})
	}
}

// temporary checks that err is retried with back-off: none of the
// classified failures.
func temporary(t *testing.T, err error) {
	t.Helper()
	var retry *bots.RetryAfterError
	var permanent *bots.PermanentError
	if errors.As(err, &retry) || errors.As(err, &permanent) || errors.Is(err, bots.ErrBlocked) {
		t.Errorf("err = %v, want a temporary error", err)
	}
}

// TestRateLimitStorm sends through a run of 429s: every attempt is told
// to wait the server's retry_after, and nothing goes out twice.
func TestRateLimitStorm(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(telegram.Config{}, e.store)
	waits := []int{1, 3, 30, 2}
	for _, w := range waits {
		e.fake.FailNext("sendMessage", 1, telegramtest.TooManyRequests(w))
	}
	item := &dialog.OutboxItem{MessageID: 5, ChatID: "42", Text: "Здравствуйте"}
	for _, w := range waits {
		n, err := ch.Send(e.ctx, item)
		var retry *bots.RetryAfterError
		if n != 0 || !errors.As(err, &retry) || retry.After != time.Duration(w)*time.Second {
			t.Fatalf("Send = %d, %v; want 0 and RetryAfter(%ds)", n, err, w)
		}
	}
	if n, err := ch.Send(e.ctx, item); n != 1 || err != nil {
		t.Fatalf("Send after the storm = %d, %v", n, err)
	}
	if sent := e.fake.Sent(); len(sent) != 1 || sent[0].Text != item.Text {
		t.Errorf("Telegram got %+v, want the message once", sent)
	}
}

// TestLongMessage sends a text longer than Telegram takes in one message:
// it goes out in order in parts of at most 4096 characters, the buttons
// under the last, and after a failure part way it resumes where it
// stopped.
func TestLongMessage(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(telegram.Config{}, e.store)
	var b strings.Builder
	for i := range 60 {
		fmt.Fprintf(&b, "Абзац %d. %s\n\n", i, strings.TrimSpace(strings.Repeat("Очень длинная инструкция по настройке. ", 5)))
	}
	text := strings.TrimSpace(b.String())
	if n := utf8.RuneCountInString(text); n <= 2*telegram.MaxMessageLength {
		t.Fatalf("the text has %d characters; the test needs more than two parts", n)
	}
	item := &dialog.OutboxItem{MessageID: 9, ChatID: "42", Text: text, Buttons: []string{"Да", "Нет"}}

	e.fake.FailAfter("sendMessage", 1, 1, telegramtest.ServerError())
	n, err := ch.Send(e.ctx, item)
	if n != 1 || err == nil {
		t.Fatalf("Send = %d, %v; want the first part sent, then the failure", n, err)
	}
	item.PartsSent = n
	n, err = ch.Send(e.ctx, item)
	if err != nil {
		t.Fatal(err)
	}
	sent := e.fake.Sent()
	if n != len(sent) || n < 3 {
		t.Fatalf("Send = %d parts, Telegram got %d; want every part once, at least 3", n, len(sent))
	}
	var parts []string
	for i, s := range sent {
		if l := utf8.RuneCountInString(s.Text); l > telegram.MaxMessageLength || l < telegram.MaxMessageLength/2 && i < len(sent)-1 {
			t.Errorf("part %d has %d characters", i, l)
		}
		if !strings.HasPrefix(s.Text, "Абзац ") {
			t.Errorf("part %d starts %q, not at a paragraph", i, s.Text[:20])
		}
		if (s.Markup != nil) != (i == len(sent)-1) {
			t.Errorf("part %d: keyboard %v; want one only under the last part", i, s.Markup)
		}
		parts = append(parts, s.Text)
	}
	if got := strings.Join(parts, "\n\n"); got != text {
		t.Errorf("the parts do not add up to the text, in order")
	}
	if kb := sent[len(sent)-1].Markup; kb == nil || kb.InlineKeyboard[1][0].CallbackData != "b:9:1" {
		t.Errorf("keyboard = %+v, want the buttons of message 9", kb)
	}

	item.PartsSent = n
	if again, err := ch.Send(e.ctx, item); again != n || err != nil || len(e.fake.Sent()) != n {
		t.Errorf("Send of a delivered item = %d, %v and sent more; want nothing sent", again, err)
	}
}
