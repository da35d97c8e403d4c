package webchat_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// TestPollHidesNotes checks what a customer's page can read: the whole
// conversation, agents' replies included, but never an internal note.
func TestPollHidesNotes(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := dialogtest.New(t, "../../dialog/testdata/intents", dialog.DefaultConfig, nil, log).Engine
	gin.SetMode(gin.TestMode)
	r := gin.New()
	webchat.New(engine, webchat.Options{Title: "Support"}, log).Routes(r)

	do := func(method, path, body string) map[string]any {
		t.Helper()
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(method, path, strings.NewReader(body)))
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
		}
		return out
	}
	out := do(http.MethodPost, "/api/v1/webchat/messages", `{"session":"s1","message_id":"1","text":"/human"}`)
	number := out["ticket"].(map[string]any)["number"].(string)
	a := dialog.TicketAction{Number: number, Agent: "Olga"}
	if _, err := engine.Note(ctx, a, "SECRET internal note"); err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Reply(ctx, a, "Здравствуйте, это Ольга"); err != nil {
		t.Fatal(err)
	}
	page := do(http.MethodGet, "/api/v1/webchat/messages?session=s1&after=0", "")
	raw, _ := json.Marshal(page)
	if strings.Contains(string(raw), "SECRET") {
		t.Errorf("the customer's page can read an internal note: %s", raw)
	}
	if !strings.Contains(string(raw), "Здравствуйте, это Ольга") || page["state"] != "agent" {
		t.Errorf("the agent's reply is missing: %s", raw)
	}
}

// TestErasedChatIsEmpty checks that an erased conversation shows nothing
// to a page that asks for it by the chat id it keeps: not even the
// times and authors of its emptied messages.
func TestErasedChatIsEmpty(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := dialogtest.New(t, "../../dialog/testdata/intents", dialog.DefaultConfig, nil, log).Engine
	gin.SetMode(gin.TestMode)
	r := gin.New()
	webchat.New(engine, webchat.Options{Title: "Support"}, log).Routes(r)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/api/v1/webchat/messages",
		strings.NewReader(`{"session":"s1","message_id":"1","text":"забыл пароль"}`)))
	var out struct {
		ConversationID int64 `json:"conversation_id"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != http.StatusOK {
		t.Fatalf("post: %d %s", w.Code, w.Body)
	}
	if _, err := engine.Erase(ctx, out.ConversationID); err != nil {
		t.Fatal(err)
	}
	w = httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/webchat/messages?session="+dialog.ErasedChatID(out.ConversationID), nil))
	var page struct {
		Messages []any `json:"messages"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || w.Code != http.StatusOK || len(page.Messages) != 0 {
		t.Errorf("the erased chat reads as %d %s, want no messages", w.Code, w.Body)
	}
}

// TestLead checks that every replica runs the web chat: it only answers
// HTTP requests.
func TestLead(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	engine := dialogtest.New(t, "../../dialog/testdata/intents", dialog.DefaultConfig, nil, log).Engine
	if got := bots.LeadOf(webchat.New(engine, webchat.Options{}, log)); got != bots.LeadNone {
		t.Errorf("lead %d, want LeadNone", got)
	}
}
