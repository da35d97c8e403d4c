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
	"testing/synctest"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

// TestStreamKeepsAgentOnline checks that an agent who only has a panel page
// open (its live-update stream, no clicks) stays "seen", so that
// auto-assignment counts them as online. It runs in a bubble, where the
// heartbeat comes when the test lets time pass, not on the wall clock.
func TestStreamKeepsAgentOnline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gin.SetMode(gin.TestMode)
		ctx := t.Context()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "online.db"), log)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		// The agent's "seen" follows a clock of its own, which the test
		// moves by five minutes at once; the heartbeat follows the
		// bubble's.
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

		const heartbeat = 10 * time.Second
		// No rechecks of the session, which would mark the agent seen too:
		// only the heartbeat is under test.
		noRecheck := func() (<-chan time.Time, func()) { return nil, func() {} }
		p := &Panel{events: broker.New(), auth: users, log: log, closed: make(chan struct{}), heartbeat: heartbeat, recheckEvery: noRecheck}
		defer p.Close()
		r := gin.New()
		r.Use(users.Middleware())
		r.GET("/events", p.stream)

		// The stream is served in memory: a bubble cannot wait on a real
		// connection.
		reqCtx, hangUp := context.WithCancel(ctx)
		req := httptest.NewRequestWithContext(reqCtx, http.MethodGet, "/events", nil)
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: token})
		w := httptest.NewRecorder()
		served := make(chan struct{})
		go func() { r.ServeHTTP(w, req); close(served) }()
		defer func() { hangUp(); <-served }()

		seen := func() time.Time {
			u, err := store.UserByName(ctx, "anna")
			if err != nil {
				t.Fatal(err)
			}
			return u.LastSeenAt
		}
		synctest.Wait()
		if got := seen(); !got.Equal(start) {
			t.Fatalf("seen at %v on connect, want %v", got, start)
		}
		// Five minutes pass with the page open and no request but the
		// stream: the next heartbeat says the agent is still there.
		later := start.Add(5 * time.Minute)
		clock.Store(later.UnixNano())
		time.Sleep(heartbeat - time.Nanosecond)
		synctest.Wait()
		if got := seen(); !got.Equal(start) {
			t.Fatalf("seen at %v before the heartbeat, want %v", got, start)
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if got := seen(); !got.Equal(later) {
			t.Fatalf("seen at %v after five idle minutes with the stream open, want %v", got, later)
		}
	})
}
