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
