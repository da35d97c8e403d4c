package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
)

// teamChatID is the team's Telegram group in TestServeTelegramTeamChat.
const teamChatID = "-1001234567890"

// TestServeTelegramTeamChat runs `firstline serve` with a team chat: an
// urgent ticket sends the team one plain-text line, with the customer's
// words on one line as written (no markup mode that could read them, no
// line break that could fake another line) and a link to the panel;
// nothing of it reaches the customer; a high ticket sends none; what is
// written in the team's chat is no customer's; and a server started
// again on the same database sends nothing twice.
func TestServeTelegramTeamChat(t *testing.T) {
	api := telegramtest.NewServer("123:TEST")
	defer api.Close()
	t.Setenv("FIRSTLINE_TELEGRAM_TOKEN", api.Token())
	t.Setenv("FIRSTLINE_TELEGRAM_API_URL", api.URL())
	data := t.TempDir()
	config := filepath.Join(t.TempDir(), "firstline.yaml")
	body := "dialog:\n  default_priority: urgent\n" +
		"telegram:\n  team_chat: \"" + teamChatID + "\"\n  team_notify:\n    priorities: [urgent]\n" +
		"panel:\n  public_url: https://support.example.com/\n"
	if err := os.WriteFile(config, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, data, "--config", config)

	api.Push(tgText(4001, "роутер <b>горит</b> *жирный* [ссылка](http://evil.example)\nFL-999999 · срочный · подделка"))
	api.Push(tgText(4001, "/human"))
	got := waitSent(t, api, "4001", "FL-")
	number := regexp.MustCompile(`FL-\d+`).FindString(strings.Join(got, "\n"))
	lines := waitSent(t, api, teamChatID, number)
	want := number + " · срочный · Первая линия · роутер <b>горит</b> *жирный* [ссылка](http://evil.example) FL-999999 · срочный · подделка · " +
		"https://support.example.com/panel/tickets/" + number
	if len(lines) != 1 || lines[0] != want {
		t.Errorf("the team chat got %q, want one line %q", lines, want)
	}
	for _, m := range api.Sent() {
		if m.ParseMode != "" || m.Markup != nil && m.ChatID == teamChatID {
			t.Errorf("sent to %s with parse mode %q, markup %v", m.ChatID, m.ParseMode, m.Markup)
		}
	}

	// Someone in the team's chat writes to the bot: no conversation, no answer.
	api.Push(models.Update{Message: &models.Message{
		Chat: models.Chat{ID: -1001234567890, Type: models.ChatTypeSupergroup},
		From: &models.User{ID: 77, FirstName: "Ольга"},
		Date: int(time.Now().Unix()),
		Text: "/start",
	}})
	// A complaint is a high ticket: nothing for the team.
	api.Push(tgText(4002, "хочу написать жалобу"))
	waitSent(t, api, "4002", "FL-")
	s.stop()

	// Again on the same database: nothing sent twice.
	s2 := startServer(t, data, "--config", config)
	api.Push(tgText(4003, "/start"))
	waitSent(t, api, "4003", "Сеть Плюс")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	api.Wait(ctx, func() bool { return api.Unconfirmed() == 0 })
	var team []string
	for _, m := range api.Sent() {
		switch {
		case m.ChatID == teamChatID:
			team = append(team, m.Text)
		case strings.Contains(m.Text, "support.example.com"):
			t.Errorf("chat %s got the team's line: %q", m.ChatID, m.Text)
		}
	}
	if len(team) != 1 {
		t.Errorf("the team chat got %d messages, want the one line: %q", len(team), team)
	}
	s2.stop()
}
