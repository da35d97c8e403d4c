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
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// TestPollShowsAgentTyping checks that a poll says who is writing to the
// customer, only while they are, and only to that customer.
func TestPollShowsAgentTyping(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := dialogtest.New(t, "../../dialog/testdata/intents", dialog.DefaultConfig, nil, log).Engine
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	engine.SetClock(func() time.Time { return now })
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
	typing := func(session string) any {
		t.Helper()
		return do(http.MethodGet, "/api/v1/webchat/messages?session="+session+"&after=0", "")["typing"]
	}
	out := do(http.MethodPost, "/api/v1/webchat/messages", `{"session":"s1","message_id":"1","text":"/human"}`)
	do(http.MethodPost, "/api/v1/webchat/messages", `{"session":"s2","message_id":"1","text":"/human"}`)
	number := out["ticket"].(map[string]any)["number"].(string)
	if got := typing("s1"); got != nil {
		t.Fatalf("typing = %v before anyone typed", got)
	}
	if err := engine.AgentTyping(ctx, dialog.TicketAction{Number: number, Agent: "Анна"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := typing("s1").(map[string]any); got["name"] != "Анна" {
		t.Errorf("typing = %v, want Анна", got)
	}
	if got := typing("s2"); got != nil {
		t.Errorf("another customer sees typing: %v", got)
	}
	now = now.Add(dialog.TypingTTL)
	if got := typing("s1"); got != nil {
		t.Errorf("typing = %v after it ran out", got)
	}
}

// TestPostedMessageKeepsItsIDs checks that the page can tell its own
// message in a poll: the post answers with the stored id, the poll gives
// the same id and the page's message_id, and a post sent again (a retry)
// answers with the same id.
func TestPostedMessageKeepsItsIDs(t *testing.T) {
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
	body := `{"session":"s1","message_id":"m-1","text":"как оплатить интернет"}`
	first := do(http.MethodPost, "/api/v1/webchat/messages", body)
	id, _ := first["id"].(float64)
	if id == 0 {
		t.Fatalf("the post gave no id: %v", first)
	}
	if again := do(http.MethodPost, "/api/v1/webchat/messages", body); again["id"] != first["id"] || again["duplicate"] != true {
		t.Errorf("the same post again: id %v duplicate %v, want id %v and a duplicate", again["id"], again["duplicate"], first["id"])
	}
	msgs := do(http.MethodGet, "/api/v1/webchat/messages?session=s1&after=0", "")["messages"].([]any)
	var own int
	for _, raw := range msgs {
		m := raw.(map[string]any)
		switch m["author"] {
		case "customer":
			own++
			if m["id"] != id || m["message_id"] != "m-1" {
				t.Errorf("the customer's message in the poll: %v, want id %v and message_id m-1", m, id)
			}
		default:
			if _, ok := m["message_id"]; ok {
				t.Errorf("a %v message carries a message_id: %v", m["author"], m)
			}
		}
	}
	if own != 1 {
		t.Errorf("%d customer messages in the poll, want 1", own)
	}
}
