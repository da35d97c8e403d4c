package panel

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/auth"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/sqlite"
)

// TestStreamKeepsAgentOnline checks that an agent who only has a panel page
// open (its live-update stream, no clicks) stays "seen", so that
// auto-assignment counts them as online.
func TestStreamKeepsAgentOnline(t *testing.T) {
	gin.SetMode(gin.TestMode)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "online.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var clock atomic.Int64
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock.Store(start.UnixNano())
	users := auth.New(store, auth.Options{BcryptCost: 4, Now: func() time.Time { return time.Unix(0, clock.Load()).UTC() }}, log)
	if _, err := users.CreateUser(ctx, "anna", dialog.RoleAgent, "a long password"); err != nil {
		t.Fatal(err)
	}
	token, _, err := users.Login(ctx, "anna", "a long password", "")
	if err != nil {
		t.Fatal(err)
	}

	p := &Panel{events: broker.New(), auth: users, log: log, closed: make(chan struct{}), heartbeat: 10 * time.Millisecond}
	r := gin.New()
	r.Use(users.Middleware())
	r.GET("/events", p.stream)
	srv := httptest.NewServer(r)
	defer srv.Close()
	defer p.Close()

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/events", nil)
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: token})
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()

	seen := func() time.Time {
		u, err := store.UserByName(ctx, "anna")
		if err != nil {
			t.Fatal(err)
		}
		return u.LastSeenAt
	}
	if got := seen(); !got.Equal(start) {
		t.Fatalf("seen at %v on connect, want %v", got, start)
	}
	// Five minutes pass with the page open and no request but the stream.
	later := start.Add(5 * time.Minute)
	clock.Store(later.UnixNano())
	deadline := time.Now().Add(5 * time.Second)
	for !seen().Equal(later) {
		if time.Now().After(deadline) {
			t.Fatalf("seen at %v after five idle minutes with the stream open, want %v", seen(), later)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
