package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
)

// tgText is a private-chat text update from customer chat.
func tgText(chat int64, text string) models.Update {
	return models.Update{Message: &models.Message{
		Chat: models.Chat{ID: chat, Type: models.ChatTypePrivate},
		From: &models.User{ID: chat, FirstName: "Анна"},
		Date: int(time.Now().Unix()),
		Text: text,
	}}
}

// waitSent waits until the fake Bot API received a message containing want
// for chat, and returns every text sent to that chat.
func waitSent(t *testing.T, api *telegramtest.Server, chat, want string) []string {
	t.Helper()
	texts := func() []string {
		var out []string
		for _, m := range api.Sent() {
			if m.ChatID == chat {
				out = append(out, m.Text)
			}
		}
		return out
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	api.Wait(ctx, func() bool { return strings.Contains(strings.Join(texts(), "\n"), want) })
	got := texts()
	if !strings.Contains(strings.Join(got, "\n"), want) {
		t.Fatalf("chat %s never got %q; it got %q", chat, want, got)
	}
	return got
}

// TestServeTelegram runs `firstline serve` against a fake Bot API: a
// customer's question is answered in Telegram, an escalated chat gets the
// agent's reply from the panel's engine, and a server killed mid-way loses
// and repeats nothing after a restart.
func TestServeTelegram(t *testing.T) {
	api := telegramtest.NewServer("123:TEST")
	defer api.Close()
	t.Setenv("FIRSTLINE_TELEGRAM_TOKEN", api.Token())
	t.Setenv("FIRSTLINE_TELEGRAM_API_URL", api.URL())
	data := t.TempDir()
	s := startServer(t, data)

	api.Push(tgText(1001, "/start"))
	api.Push(tgText(1001, "забыл пароль от личного кабинета"))
	got := waitSent(t, api, "1001", "Забыли пароль?")
	if !strings.Contains(got[0], "Сеть Плюс") {
		t.Errorf("the greeting came after the answer, or not at all: %q", got)
	}

	// Kill the server with SIGKILL while updates are waiting, then start it again.
	for i := range 5 {
		api.Push(tgText(int64(2000+i), "как оплатить интернет картой"))
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.done
	s2 := startServer(t, data)
	for i := range 5 {
		chat := strconv.Itoa(2000 + i)
		got := waitSent(t, api, chat, "Это помогло?")
		answers := 0
		for _, text := range got {
			if strings.Contains(text, "setplus.example/pay") {
				answers++
			}
		}
		if answers != 1 {
			t.Errorf("chat %s got the answer %d times: %q", chat, answers, got)
		}
	}
	if n := api.Unconfirmed(); n != 0 {
		t.Errorf("%d updates never confirmed to Telegram", n)
	}
	s2.stop()
}

// TestServeTelegramTyping checks that an agent typing a reply in the
// panel shows "typing…" in the customer's Telegram chat, once however
// often the panel says so within a few seconds.
func TestServeTelegramTyping(t *testing.T) {
	api := telegramtest.NewServer("123:TEST")
	defer api.Close()
	t.Setenv("FIRSTLINE_TELEGRAM_TOKEN", api.Token())
	t.Setenv("FIRSTLINE_TELEGRAM_API_URL", api.URL())
	data := t.TempDir()
	token := newAPIToken(t, data) // the agent e2e
	s := startServer(t, data)

	api.Push(tgText(3001, "/human"))
	got := waitSent(t, api, "3001", "FL-")
	number := "FL-" + strings.Fields(strings.SplitN(strings.Join(got, "\n"), "FL-", 2)[1])[0]
	number = strings.TrimRight(number, ".,")
	for range 3 {
		req, err := http.NewRequest(http.MethodPost, s.url+"panel/tickets/"+number+"/typing", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("typing on %s: %d", number, resp.StatusCode)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	api.Wait(ctx, func() bool { return len(api.ChatActions()) > 0 })
	actions := api.ChatActions()
	if len(actions) != 1 || actions[0].ChatID != "3001" || actions[0].Action != "typing" {
		t.Errorf("chat actions %+v, want one typing in 3001", actions)
	}
	s.stop()
}
