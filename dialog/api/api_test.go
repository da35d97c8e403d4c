package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/api"
	"github.com/firstline-support/firstline/dialog/sqlite"
)

func newRouter(t *testing.T) (*gin.Engine, dialog.Store) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	r := gin.New()
	api.New(store, log).Routes(r)
	return r, store
}

func TestLoopbackOnly(t *testing.T) {
	r, _ := newRouter(t)
	for _, c := range []struct {
		remote string
		want   int
	}{
		{"127.0.0.1:5000", http.StatusOK},
		{"[::1]:5000", http.StatusOK},
		{"10.1.2.3:5000", http.StatusForbidden},
		{"203.0.113.9:5000", http.StatusForbidden},
		{"garbage", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/tickets", nil)
		req.RemoteAddr = c.remote
		// A forged header must not make a remote request look local.
		req.Header.Set("X-Forwarded-For", "127.0.0.1")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != c.want {
			t.Errorf("from %s: status %d, want %d", c.remote, w.Code, c.want)
		}
	}
}

func TestTicketAndFilters(t *testing.T) {
	r, store := newRouter(t)
	ctx := context.Background()
	var number string
	err := store.Update(ctx, func(tx dialog.Tx) error {
		conv, err := tx.EnsureConversation(ctx, "webchat", "s1")
		if err != nil {
			return err
		}
		m := &dialog.Message{ConversationID: conv.ID, Author: dialog.AuthorCustomer, Text: "<script>alert(1)</script>"}
		if err := tx.AddMessage(ctx, m); err != nil {
			return err
		}
		tk := &dialog.Ticket{ConversationID: conv.ID, Status: dialog.TicketQueued, Reason: dialog.ReasonNoMatch,
			Candidates: []dialog.Candidate{{Intent: "a", Confidence: 0.3}}, Priority: "normal", Queue: "first_line"}
		if err := tx.CreateTicket(ctx, tk); err != nil {
			return err
		}
		number = tk.Number
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, map[string]any) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = "127.0.0.1:1"
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		var body map[string]any
		json.Unmarshal(w.Body.Bytes(), &body)
		return w.Code, body
	}
	code, body := get("/api/v1/tickets/" + number)
	if code != http.StatusOK || body["reason"] != "no_match" {
		t.Fatalf("ticket: %d %v", code, body)
	}
	transcript := body["transcript"].([]any)
	if len(transcript) != 1 || transcript[0].(map[string]any)["text"] != "<script>alert(1)</script>" {
		t.Errorf("transcript = %v", transcript)
	}
	for _, c := range []struct {
		path  string
		code  int
		count int
	}{
		{"/api/v1/tickets", http.StatusOK, 1},
		{"/api/v1/tickets?status=queued", http.StatusOK, 1},
		{"/api/v1/tickets?status=closed", http.StatusOK, 0},
		{"/api/v1/tickets?status=open", http.StatusBadRequest, -1},
		{"/api/v1/tickets?limit=0", http.StatusBadRequest, -1},
		{"/api/v1/tickets?limit=abc", http.StatusBadRequest, -1},
		{"/api/v1/tickets/FL-000999", http.StatusNotFound, -1},
	} {
		code, body := get(c.path)
		if code != c.code {
			t.Errorf("%s: status %d, want %d", c.path, code, c.code)
		}
		if c.count >= 0 {
			if n := len(body["tickets"].([]any)); n != c.count {
				t.Errorf("%s: %d tickets, want %d", c.path, n, c.count)
			}
		}
	}
}
