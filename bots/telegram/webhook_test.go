package telegram_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
)

// TestWebhook checks webhook mode: the webhook is registered with its
// secret, only calls with the right secret and a well-formed update are
// stored, and a stored update is handled.
func TestWebhook(t *testing.T) {
	e := newEnv(t)
	const url, secret = "https://support.example.com/telegram/webhook", "s3cret-Token_1"
	spy := newSpy(e.store)
	ch, _ := e.start(telegram.Config{WebhookURL: url, WebhookSecret: secret}, spy)
	e.wait("the webhook to be set", func() bool { return e.fake.Webhook().URL != "" })
	hook := e.fake.Webhook()
	if hook.URL != url || hook.SecretToken != secret || !slices.Equal(hook.AllowedUpdates, []string{"message", "callback_query"}) {
		t.Errorf("webhook = %+v, want %s with the secret, for messages and button presses", hook, url)
	}

	gin.SetMode(gin.TestMode)
	r := gin.New()
	ch.Routes(r)
	update := func(id int64, text string) string {
		u := telegramtest.Text(42, "Анна", text)
		u.ID = id
		u.Message.ID = int(id)
		raw, err := json.Marshal(&u)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	for _, tc := range []struct {
		name   string
		secret string // "" sends no secret header
		body   string
		want   int
	}{
		{"no secret", "", update(501, "без секрета"), http.StatusUnauthorized},
		{"wrong secret", "guess", update(502, "чужой секрет"), http.StatusForbidden},
		{"secret with a suffix", secret + "x", update(503, "почти"), http.StatusForbidden},
		{"malformed JSON", secret, `{"update_id": 504, "message": `, http.StatusBadRequest},
		{"no update id", secret, `{"message": {"text": "hi"}}`, http.StatusBadRequest},
		{"too large", secret, `{"update_id": 505, "pad": "` + strings.Repeat("x", telegram.MaxWebhookBody) + `"}`, http.StatusRequestEntityTooLarge},
		{"right secret", secret, update(506, "забыл пароль"), http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, telegram.WebhookPath, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			if tc.secret != "" {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tc.secret)
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != tc.want {
				t.Errorf("status %d %s, want %d", w.Code, w.Body, tc.want)
			}
		})
	}

	spy.waitProcessed(t, 506)
	if saved := spy.savedIDs(); !slices.Equal(saved, []string{"506"}) {
		t.Errorf("stored updates %v, want only the one with the right secret", saved)
	}
	msgs := e.transcript(42)
	if len(msgs) < 2 || msgs[0].Text != "забыл пароль" || msgs[0].ExternalID != "tg:506" {
		t.Errorf("transcript %+v, want the update handled and answered", msgs)
	}
	if n := e.fake.Calls("getUpdates"); n != 0 {
		t.Errorf("getUpdates was called %d times in webhook mode", n)
	}
}

// TestNoWebhookWhenPolling checks that a polling channel serves no webhook.
func TestNoWebhookWhenPolling(t *testing.T) {
	e := newEnv(t)
	gin.SetMode(gin.TestMode)
	r := gin.New()
	e.channel(telegram.Config{}, e.store).Routes(r)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, telegram.WebhookPath, strings.NewReader(`{"update_id": 1}`)))
	if w.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", w.Code)
	}
}

// TestConfig checks the settings New refuses.
func TestConfig(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name string
		cfg  telegram.Config
	}{
		{"no token", telegram.Config{}},
		{"webhook without a secret", telegram.Config{Token: "1:a", WebhookURL: "https://example.com/telegram/webhook"}},
		{"secret with a space", telegram.Config{Token: "1:a", WebhookURL: "https://example.com/telegram/webhook", WebhookSecret: "a b"}},
		{"plain http webhook", telegram.Config{Token: "1:a", WebhookURL: "http://example.com/telegram/webhook", WebhookSecret: "s"}},
		{"api url without a scheme", telegram.Config{Token: "1:a", APIURL: "api.telegram.org"}},
		{"sub-second poll", telegram.Config{Token: "1:a", PollTimeout: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := telegram.New(tc.cfg, e.engine, e.store, e.log); err == nil {
				t.Error("New accepted it")
			}
		})
	}
	if _, err := telegram.New(telegram.Config{Token: "1:a"}, e.engine, e.store, e.log); err != nil {
		t.Errorf("New with only a token: %v", err)
	}
}

// TestLead checks how replicas divide the channel: one polls at a time,
// since Telegram answers getUpdates to one client; by webhook each handles
// what it was posted.
func TestLead(t *testing.T) {
	e := newEnv(t)
	polling, err := telegram.New(telegram.Config{Token: "1:a"}, e.engine, e.store, e.log)
	if err != nil {
		t.Fatal(err)
	}
	if got := bots.LeadOf(polling); got != bots.LeadRun {
		t.Errorf("polling: lead %d, want LeadRun", got)
	}
	hook, err := telegram.New(telegram.Config{Token: "1:a", WebhookURL: "https://example.com/telegram/webhook", WebhookSecret: "s"},
		e.engine, e.store, e.log)
	if err != nil {
		t.Fatal(err)
	}
	if got := bots.LeadOf(hook); got != bots.LeadNone {
		t.Errorf("webhook: lead %d, want LeadNone", got)
	}
}
