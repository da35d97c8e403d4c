package panel_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog/web/auth"
)

// streamLines connects to the panel's event stream as user and returns its
// lines as they arrive. The stream ends with the test.
func streamLines(t *testing.T, h *harness, srv *httptest.Server, user string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/panel/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: h.tokens[user]})
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	// The first line is sent once the stream is subscribed: from then on
	// no event is missed.
	if got := nextLine(t, lines) + "|" + nextLine(t, lines); got != "retry: 2000|" {
		t.Fatalf("first message %q", got)
	}
	return lines
}

// nextLine returns the stream's next line, failing after a second.
func nextLine(t *testing.T, lines <-chan string) string {
	t.Helper()
	select {
	case l, ok := <-lines:
		if !ok {
			t.Fatal("the stream ended")
		}
		return l
	case <-time.After(time.Second):
		t.Fatal("no line from the stream within a second")
	}
	return ""
}

// nextEvent returns the stream's next event and its data.
func nextEvent(t *testing.T, lines <-chan string) (string, map[string]any) {
	t.Helper()
	var kind string
	for {
		l := nextLine(t, lines)
		switch {
		case strings.HasPrefix(l, "event: "):
			kind = strings.TrimPrefix(l, "event: ")
		case strings.HasPrefix(l, "data: "):
			var data map[string]any
			if err := json.Unmarshal([]byte(strings.TrimPrefix(l, "data: ")), &data); err != nil {
				t.Fatalf("event data %q: %v", l, err)
			}
			return kind, data
		}
	}
}

func TestEvents(t *testing.T) {
	h := newHarness(t)
	srv := httptest.NewServer(h.router)
	t.Cleanup(srv.Close) // after the streams' cleanup, which disconnects them
	lines := streamLines(t, h, srv, "anna")

	// A customer message handled by the engine reaches the panel.
	out := h.send("c1", "Anna Petrova", "/human")
	kind, data := nextEvent(t, lines)
	if kind != "message" || data["conversation"] != float64(out.Conversation.ID) || data["ticket"] != out.Ticket.Number {
		t.Errorf("first event %s %v, want message of conversation %d, ticket %s", kind, data, out.Conversation.ID, out.Ticket.Number)
	}
	kind, data = nextEvent(t, lines)
	if kind != "ticket" || data["ticket"] != out.Ticket.Number {
		t.Errorf("second event %s %v, want the new ticket", kind, data)
	}

	// An agent's action through the panel too.
	h.post("boris", "/panel/tickets/"+out.Ticket.Number+"/take",
		map[string][]string{"version": {h.version("boris", out.Ticket.Number)}}, http.StatusSeeOther)
	for {
		kind, data = nextEvent(t, lines)
		if kind == "ticket" {
			break
		}
	}
	if data["ticket"] != out.Ticket.Number {
		t.Errorf("take sent %v", data)
	}
}

func TestEventsEndOnClose(t *testing.T) {
	h := newHarness(t)
	srv := httptest.NewServer(h.router)
	t.Cleanup(srv.Close) // after the streams' cleanup, which disconnects them
	lines := streamLines(t, h, srv, "nina")
	h.panel.Close()
	select {
	case l, ok := <-lines:
		if ok {
			t.Fatalf("after Close the stream sent %q", l)
		}
	case <-time.After(time.Second):
		t.Fatal("the stream did not end within a second of Close")
	}
	// New streams are refused while shutting down.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/panel/events", nil)
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: h.tokens["nina"]})
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a new stream after Close: status %d", resp.StatusCode)
	}
}

// waitEnd waits for the stream to end without sending anything more.
func waitEnd(t *testing.T, lines <-chan string) {
	t.Helper()
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return
			}
			if l != "" && !strings.HasPrefix(l, ":") {
				t.Fatalf("the stream sent %q to a caller who lost access", l)
			}
		case <-time.After(time.Second):
			t.Fatal("the stream did not end within a second")
		}
	}
}

// An admin disabling a user in the panel ends the user's streams at once.
func TestEventsEndWhenUserDisabled(t *testing.T) {
	h := newHarness(t)
	srv := httptest.NewServer(h.router)
	t.Cleanup(srv.Close)
	lines := streamLines(t, h, srv, "anna")
	other := streamLines(t, h, srv, "boris")
	h.post("root", "/panel/admin/users/anna/disable", nil, http.StatusSeeOther)
	waitEnd(t, lines)

	// Boris's stream goes on.
	h.send("c1", "Anna Petrova", "hello")
	if kind, _ := nextEvent(t, other); kind != "message" {
		t.Errorf("boris's stream: %s, want the message", kind)
	}
}

// A user disabled by another process (the firstline user command, another
// replica) gets no more events: the stream checks before each one.
func TestEventsEndWhenUserDisabledElsewhere(t *testing.T) {
	h := newHarness(t)
	srv := httptest.NewServer(h.router)
	t.Cleanup(srv.Close)
	lines := streamLines(t, h, srv, "anna")
	elsewhere := auth.New(h.store, auth.Options{BcryptCost: 4}, slog.New(slog.DiscardHandler))
	if err := elsewhere.Disable(context.Background(), "anna"); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		h.send(fmt.Sprint("chat", i), "Customer", "hello")
	}
	waitEnd(t, lines)
}

// Logging out in one tab ends that session's stream in the others.
func TestEventsEndOnLogout(t *testing.T) {
	h := newHarness(t)
	srv := httptest.NewServer(h.router)
	t.Cleanup(srv.Close)
	lines := streamLines(t, h, srv, "anna")
	h.post("anna", "/panel/logout", nil, http.StatusSeeOther)
	waitEnd(t, lines)
}

// TestEventsSkipTyping checks that an agent typing is not sent to the
// panel's pages: it changes nothing they show, and would only make them
// read again every few seconds.
func TestEventsSkipTyping(t *testing.T) {
	h := newHarness(t)
	srv := httptest.NewServer(h.router)
	t.Cleanup(srv.Close)
	out := h.send("c1", "Anna Petrova", "/human")
	lines := streamLines(t, h, srv, "anna")

	h.post("boris", "/panel/tickets/"+out.Ticket.Number+"/typing", nil, http.StatusNoContent)
	// The next event the page gets is the one after the typing.
	h.send("c1", "Anna Petrova", "алло")
	if kind, data := nextEvent(t, lines); kind != "message" || data["ticket"] != out.Ticket.Number {
		t.Errorf("first event after the typing: %s %v, want the customer's message", kind, data)
	}
}
