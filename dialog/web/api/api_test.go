package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
	"github.com/firstline-support/firstline/dialog/web/api"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

// newRouter returns the API behind the auth middleware, its store, and an
// API token of an analyst (the role that may do least).
func newRouter(t *testing.T) (*gin.Engine, dialog.Store, string) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return newRouterOn(t, store)
}

// newRouterOn is newRouter over an empty store of the test's choosing.
func newRouterOn(t *testing.T, store dialog.Store) (*gin.Engine, dialog.Store, string) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	users := auth.New(store, auth.Options{BcryptCost: bcrypt.MinCost}, log)
	if _, err := users.CreateUser(ctx, "olga", dialog.RoleAnalyst, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	token, err := users.NewAPIToken(ctx, "olga")
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(users.Middleware())
	api.New(store, log).Routes(r)
	return r, store, token
}

func TestRequiresUser(t *testing.T) {
	r, _, token := newRouter(t)
	for _, c := range []struct {
		name, remote, authorization string
		want                        int
	}{
		{"API token", "203.0.113.9:5000", "Bearer " + token, http.StatusOK},
		{"API token from this machine", "127.0.0.1:5000", "Bearer " + token, http.StatusOK},
		// Coming from this machine is no longer enough.
		{"anonymous from this machine", "127.0.0.1:5000", "", http.StatusUnauthorized},
		{"anonymous", "203.0.113.9:5000", "", http.StatusUnauthorized},
		{"unknown token", "203.0.113.9:5000", "Bearer flt_unknown", http.StatusUnauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/tickets", nil)
			req.RemoteAddr = c.remote
			if c.authorization != "" {
				req.Header.Set("Authorization", c.authorization)
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != c.want {
				t.Fatalf("status %d, want %d", w.Code, c.want)
			}
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("not JSON: %s", w.Body)
			}
			if c.want == http.StatusUnauthorized && body["code"] != dialog.EUNAUTHORIZED {
				t.Errorf("body %v, want code %q", body, dialog.EUNAUTHORIZED)
			}
		})
	}
}

func TestTicketAndFilters(t *testing.T) {
	r, store, token := newRouter(t)
	ctx := context.Background()
	var number string
	err := store.Update(ctx, func(tx dialog.Tx) error {
		conv, err := tx.EnsureConversation(ctx, "webchat", "s1")
		if err != nil {
			return err
		}
		conv.CustomerEmail = "anna@example.com"
		if err := tx.UpdateConversation(ctx, conv); err != nil {
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
		req.Header.Set("Authorization", "Bearer "+token)
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
	if body["customer_email"] != "anna@example.com" || body["customer_phone"] != nil {
		t.Errorf("contact: e-mail %v, phone %v", body["customer_email"], body["customer_phone"])
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
		{"/api/v1/tickets?status=waiting", http.StatusOK, 0},
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
	if _, body := get("/api/v1/tickets/" + number); body["waiting_since"] != nil {
		t.Errorf("waiting_since of a queued ticket = %v, want null", body["waiting_since"])
	}

	// A ticket waiting for the customer is listed and shown as such.
	err = store.Update(ctx, func(tx dialog.Tx) error {
		tk, err := tx.TicketByNumber(ctx, number)
		if err != nil {
			return err
		}
		tk.Status, tk.Assignee, tk.WaitingSince = dialog.TicketWaiting, "olga", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		return tx.UpdateTicket(ctx, tk)
	})
	if err != nil {
		t.Fatal(err)
	}
	code, body = get("/api/v1/tickets?status=waiting,assigned")
	if list, _ := body["tickets"].([]any); code != http.StatusOK || len(list) != 1 {
		t.Fatalf("waiting tickets: %d %v", code, body)
	}
	if _, body := get("/api/v1/tickets/" + number); body["status"] != "waiting" || body["waiting_since"] != "2026-03-02T09:00:00Z" {
		t.Errorf("waiting ticket: status %v, waiting since %v", body["status"], body["waiting_since"])
	}
}

// TestTicketNumberWithNUL asks for a ticket whose number has a NUL
// character (U+0000) on both stores: 400, saying why, on each.
func TestTicketNumberWithNUL(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) dialog.Store{
		"SQLite": func(t *testing.T) dialog.Store {
			store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "api.db"), nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { store.Close() })
			return store
		},
		"PostgreSQL": func(t *testing.T) dialog.Store {
			store, err := postgres.Open(t.Context(), pgtest.Database(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { store.Close() })
			return store
		},
	} {
		t.Run(name, func(t *testing.T) {
			r, _, token := newRouterOn(t, open(t))
			for _, path := range []string{"/api/v1/tickets/%00", "/api/v1/tickets/FL-%00000001"} {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				w := httptest.NewRecorder()
				r.ServeHTTP(w, req)
				var body map[string]any
				json.Unmarshal(w.Body.Bytes(), &body)
				if w.Code != http.StatusBadRequest || body["code"] != dialog.EINVALID ||
					!strings.Contains(fmt.Sprint(body["error"]), "NUL character") {
					t.Errorf("%s: %d %v, want 400 saying why", path, w.Code, body)
				}
			}
		})
	}
}

// TestQueues checks that an agent's API token reads the tickets of the
// agent's queues only; another queue's ticket is answered as a missing one.
func TestQueues(t *testing.T) {
	r, store, _ := newRouter(t)
	ctx := context.Background()
	users := auth.New(store, auth.Options{BcryptCost: bcrypt.MinCost}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	tokens := map[string]string{}
	for name, queues := range map[string][]string{"ivan": {"second_line"}, "petr": nil} {
		if _, err := users.CreateUser(ctx, name, dialog.RoleAgent, "a long enough password"); err != nil {
			t.Fatal(err)
		}
		if err := users.SetQueues(ctx, name, queues); err != nil {
			t.Fatal(err)
		}
		token, err := users.NewAPIToken(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		tokens[name] = token
	}
	numbers := map[string]string{}
	err := store.Update(ctx, func(tx dialog.Tx) error {
		for _, q := range []string{"first_line", "second_line"} {
			conv, err := tx.EnsureConversation(ctx, "webchat", q)
			if err != nil {
				return err
			}
			tk := &dialog.Ticket{ConversationID: conv.ID, Status: dialog.TicketQueued, Queue: q, CustomerName: "customer of " + q}
			if err := tx.CreateTicket(ctx, tk); err != nil {
				return err
			}
			numbers[q] = tk.Number
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	get := func(user, path string) (int, string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+tokens[user])
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w.Code, w.Body.String()
	}
	list := func(user string) []string {
		code, body := get(user, "/api/v1/tickets")
		var out struct {
			Tickets []api.Ticket `json:"tickets"`
		}
		if err := json.Unmarshal([]byte(body), &out); code != http.StatusOK || err != nil {
			t.Fatalf("list as %s: %d %s", user, code, body)
		}
		var got []string
		for _, tk := range out.Tickets {
			got = append(got, tk.Queue)
		}
		return got
	}
	if got := list("ivan"); len(got) != 1 || got[0] != "second_line" {
		t.Errorf("ivan lists %v, want the second line's ticket only", got)
	}
	if got := list("petr"); len(got) != 2 {
		t.Errorf("petr, of every queue, lists %v", got)
	}
	if code, body := get("ivan", "/api/v1/tickets/"+numbers["second_line"]); code != http.StatusOK {
		t.Errorf("ivan's own ticket: %d %s", code, body)
	}
	code, body := get("ivan", "/api/v1/tickets/"+numbers["first_line"])
	missingCode, missing := get("ivan", "/api/v1/tickets/FL-999999")
	if code != http.StatusNotFound || missingCode != http.StatusNotFound ||
		strings.ReplaceAll(body, numbers["first_line"], "FL-999999") != missing {
		t.Errorf("another queue's ticket: %d %s; a missing one: %d %s", code, body, missingCode, missing)
	}
}
