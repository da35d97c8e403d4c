package webchat_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// chatServer is the web chat over a fresh store, on a clock the test
// moves.
type chatServer struct {
	t      *testing.T
	router *gin.Engine
	mu     sync.Mutex
	now    time.Time
}

func newChatServer(t *testing.T, limit webchat.RateLimit) *chatServer {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := dialogtest.New(t, "../../dialog/testdata/intents", dialog.DefaultConfig, nil, log).Engine
	s := &chatServer{t: t, now: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)}
	engine.SetClock(func() time.Time {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.now
	})
	gin.SetMode(gin.TestMode)
	s.router = gin.New()
	webchat.New(engine, webchat.Options{Title: "Support", Limit: limit}, log).Routes(s.router)
	return s
}

func (s *chatServer) advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = s.now.Add(d)
}

// do sends a request from the client address ip.
func (s *chatServer) do(ip, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = ip + ":40000"
	w := httptest.NewRecorder()
	s.router.ServeHTTP(w, req)
	return w
}

func (s *chatServer) post(ip, session, id string) *httptest.ResponseRecorder {
	return s.do(ip, http.MethodPost, "/api/v1/webchat/messages",
		fmt.Sprintf(`{"session":%q,"message_id":%q,"text":"hello"}`, session, id))
}

// checkLimited fails unless w is a 429 with a Retry-After of wantRetry
// seconds and a JSON error.
func checkLimited(t *testing.T, what string, w *httptest.ResponseRecorder, wantRetry string) {
	t.Helper()
	var out struct{ Error, Code string }
	if w.Code != http.StatusTooManyRequests || json.Unmarshal(w.Body.Bytes(), &out) != nil || out.Code != dialog.ERATELIMIT {
		t.Errorf("%s: %d %s, want 429 with a JSON error", what, w.Code, w.Body)
	}
	if got := w.Header().Get("Retry-After"); got != wantRetry {
		t.Errorf("%s: Retry-After %q, want %q", what, got, wantRetry)
	}
}

// TestNewSessionFlood replays a script opening 3,000 sessions in 5 s from
// one address against the default limits: only the burst and what refills
// in 5 s get through, and a customer elsewhere is not affected.
func TestNewSessionFlood(t *testing.T) {
	s := newChatServer(t, webchat.DefaultRateLimit())
	const attacker, customer = "203.0.113.9", "198.51.100.4"
	accepted := 0
	for i := range 3000 {
		if i%600 == 0 && i > 0 {
			s.advance(time.Second)
		}
		w := s.post(attacker, fmt.Sprint("flood-", i), "1")
		switch w.Code {
		case http.StatusOK:
			accepted++
		case http.StatusTooManyRequests:
		default:
			t.Fatalf("session %d: %d %s", i, w.Code, w.Body)
		}
	}
	// 60 at once, then half a session a second for the 4 s that passed.
	if want := webchat.DefaultRateLimit().NewSessionsBurst + 2; accepted != want {
		t.Errorf("%d of 3,000 sessions opened in 5 s, want %d", accepted, want)
	}
	if w := s.post(customer, "customer-1", "1"); w.Code != http.StatusOK {
		t.Errorf("a customer at another address: %d %s", w.Code, w.Body)
	}
}

func TestRateLimitPerAddress(t *testing.T) {
	s := newChatServer(t, webchat.RateLimit{PerMinute: 60, Burst: 5, NewSessionsPerMinute: 6, NewSessionsBurst: 2})
	const ip = "192.0.2.10"

	// New sessions: two at once, then one each 10 s.
	for _, session := range []string{"a", "b"} {
		if w := s.post(ip, session, "1"); w.Code != http.StatusOK {
			t.Fatalf("session %s: %d %s", session, w.Code, w.Body)
		}
	}
	checkLimited(t, "a third new session", s.post(ip, "c", "1"), "10")
	// A session already open is not a new one.
	if w := s.post(ip, "a", "2"); w.Code != http.StatusOK {
		t.Errorf("a message in an open session: %d %s", w.Code, w.Body)
	}

	// Every request: five at once (four are spent), then one a second.
	if w := s.do(ip, http.MethodGet, "/api/v1/webchat/messages?session=a", ""); w.Code != http.StatusOK {
		t.Fatalf("poll: %d %s", w.Code, w.Body)
	}
	checkLimited(t, "a sixth request", s.do(ip, http.MethodGet, "/api/v1/webchat/messages?session=a", ""), "1")
	checkLimited(t, "a post over the limit", s.post(ip, "a", "3"), "1")
	if w := s.do("192.0.2.11", http.MethodGet, "/api/v1/webchat/messages?session=a", ""); w.Code != http.StatusOK {
		t.Errorf("another address: %d %s", w.Code, w.Body)
	}

	s.advance(10 * time.Second)
	if w := s.post(ip, "c", "1"); w.Code != http.StatusOK {
		t.Errorf("a new session 10 s later: %d %s", w.Code, w.Body)
	}
	// A refused message changed nothing: sent again, it is new.
	if w := s.post(ip, "a", "3"); w.Code != http.StatusOK || strings.Contains(w.Body.String(), `"duplicate"`) {
		t.Errorf("the refused message sent again: %d %s, want it handled as new", w.Code, w.Body)
	}
}
