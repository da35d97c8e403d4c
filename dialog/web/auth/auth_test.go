package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	"github.com/firstline-support/firstline/dialog/store/sqlite"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

const password = "correct horse battery"

// fixture is a Service over a fresh SQLite store with a clock the test
// moves by hand.
type fixture struct {
	t     *testing.T
	svc   *auth.Service
	store dialog.Store
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	gin.SetMode(gin.TestMode)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "auth.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{t: t, store: store, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	f.svc = auth.New(store, auth.Options{Now: func() time.Time { return f.now }, BcryptCost: bcrypt.MinCost}, log)
	return f
}

// user creates a user with the shared test password.
func (f *fixture) user(name string, role dialog.Role) *dialog.User {
	f.t.Helper()
	u, err := f.svc.CreateUser(context.Background(), name, role, password)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// login logs name in with the shared test password and returns the token.
func (f *fixture) login(name string) string {
	f.t.Helper()
	token, _, err := f.svc.Login(context.Background(), name, password, "192.0.2.1")
	if err != nil {
		f.t.Fatalf("login %s: %v", name, err)
	}
	return token
}

// router serves GET /whoami, answering with the caller's name ("" when
// anonymous), behind the middleware and any extra handlers.
func (f *fixture) router(extra ...gin.HandlerFunc) *gin.Engine {
	r := gin.New()
	r.Use(f.svc.Middleware())
	whoami := func(c *gin.Context) {
		name := ""
		if u := auth.CurrentUser(c); u != nil {
			name = u.Name
		}
		c.String(http.StatusOK, name)
	}
	r.GET("/whoami", append(extra, whoami)...)
	return r
}

// whoami asks the router who the caller with the given headers is.
func (f *fixture) whoami(r http.Handler, header http.Header) string {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/whoami", nil)
	req.Header = header
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		f.t.Fatalf("GET /whoami: %d", w.Code)
	}
	return w.Body.String()
}

func cookieHeader(token string) http.Header {
	return http.Header{"Cookie": {auth.CookieName + "=" + token}}
}

func bearerHeader(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// sha256Hex is what the store keeps of a token.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := dialog.ErrorCode(err); got != code {
		t.Fatalf("err = %v (code %q), want code %q", err, got, code)
	}
}

func slogDiscard() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// TestClientGoneNotAnError checks that recording a user as seen for a
// request whose client went away is not logged as an error.
func TestClientGoneNotAnError(t *testing.T) {
	f := newFixture(t)
	u := f.user("anna", dialog.RoleAgent)
	var logs strings.Builder
	svc := auth.New(f.store, auth.Options{Now: func() time.Time { return f.now }, BcryptCost: bcrypt.MinCost},
		slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.now = f.now.Add(time.Hour)
	svc.Seen(ctx, u)
	if got := logs.String(); strings.Contains(got, "level=ERROR") || !strings.Contains(got, "the client went away") {
		t.Errorf("a request whose client went away logged\n%s", got)
	}
}
