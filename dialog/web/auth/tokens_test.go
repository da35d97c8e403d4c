package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

// tokenList returns the user's tokens as "ID:NAME" in order.
func (f *fixture) tokenList(name string) string {
	f.t.Helper()
	list, err := f.svc.APITokens(context.Background(), name)
	if err != nil {
		f.t.Fatal(err)
	}
	var parts []string
	for _, tk := range list {
		parts = append(parts, fmt.Sprintf("%d:%s", tk.ID, tk.Name))
	}
	return strings.Join(parts, " ")
}

func TestAPITokenRevoke(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("anna", dialog.RoleAgent)
	f.user("boris", dialog.RoleAgent)
	r := f.router()
	ci, err := f.svc.CreateAPIToken(ctx, "anna", "ci")
	if err != nil {
		t.Fatal(err)
	}
	reports, err := f.svc.CreateAPIToken(ctx, "anna", "reports")
	if err != nil {
		t.Fatal(err)
	}
	unnamed, err := f.svc.NewAPIToken(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	borisCI, err := f.svc.CreateAPIToken(ctx, "boris", "ci")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.tokenList("anna"); got != "1:ci 2:reports 3:" {
		t.Fatalf("anna's tokens %q", got)
	}

	for _, c := range []struct {
		name, user, token string
		code              string
	}{
		{"taken name", "anna", "ci", dialog.ECONFLICT},
		{"digits only", "anna", "42", dialog.EINVALID},
		{"space", "anna", "my token", dialog.EINVALID},
		{"unknown user", "nobody", "ci", dialog.ENOTFOUND},
	} {
		_, err := f.svc.CreateAPIToken(ctx, c.user, c.token)
		if dialog.ErrorCode(err) != c.code {
			t.Errorf("%s: err %v, want code %q", c.name, err, c.code)
		}
	}

	// By name, by id; another user's token or an unknown one is not found.
	wantCode(t, f.svc.RevokeAPIToken(ctx, "anna", "ci"), "")
	wantCode(t, f.svc.RevokeAPIToken(ctx, "anna", "3"), "")
	wantCode(t, f.svc.RevokeAPIToken(ctx, "anna", "4"), dialog.ENOTFOUND) // boris's
	wantCode(t, f.svc.RevokeAPIToken(ctx, "anna", "ci"), dialog.ENOTFOUND)
	wantCode(t, f.svc.RevokeAPIToken(ctx, "anna", ""), dialog.ENOTFOUND)
	wantCode(t, f.svc.RevokeAPIToken(ctx, "nobody", "1"), dialog.ENOTFOUND)
	for token, want := range map[string]string{ci: "", unnamed: "", reports: "anna", borisCI: "boris"} {
		if got := f.whoami(r, bearerHeader(token)); got != want {
			t.Errorf("token %s…: caller %q, want %q", token[:8], got, want)
		}
	}

	n, err := f.svc.RevokeAPITokens(ctx, "anna")
	if err != nil || n != 1 {
		t.Errorf("RevokeAPITokens = %d, %v; want 1", n, err)
	}
	if got := f.whoami(r, bearerHeader(reports)); got != "" {
		t.Errorf("token after revoking all: %q", got)
	}
}

func TestSetPasswordRevokesTokens(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("anna", dialog.RoleAgent)
	r := f.router()
	token, err := f.svc.NewAPIToken(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetPasswordKeepTokens(ctx, "anna", "a new password"); err != nil {
		t.Fatal(err)
	}
	if got := f.whoami(r, bearerHeader(token)); got != "anna" {
		t.Errorf("token after a change that keeps tokens: %q", got)
	}
	if err := f.svc.SetPassword(ctx, "anna", "another new password"); err != nil {
		t.Fatal(err)
	}
	if got := f.whoami(r, bearerHeader(token)); got != "" {
		t.Errorf("token survived a password change: %q", got)
	}
}

func TestAPITokenLastUsed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("anna", dialog.RoleAgent)
	r := f.router()
	token, err := f.svc.CreateAPIToken(ctx, "anna", "ci")
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() time.Time {
		tk, err := f.store.APITokenByHash(ctx, sha256Hex(token))
		if err != nil {
			t.Fatal(err)
		}
		return tk.LastUsedAt
	}
	if !lastUsed().IsZero() {
		t.Fatal("a new token has a last use")
	}
	start := f.now
	for _, c := range []struct {
		after time.Duration
		want  time.Duration
	}{
		{0, 0},
		{59 * time.Second, 0}, // within a minute of the stored value: not written
		{time.Minute, time.Minute},
		{3 * time.Minute, 3 * time.Minute},
	} {
		f.now = start.Add(c.after)
		f.whoami(r, bearerHeader(token))
		if got := lastUsed(); !got.Equal(start.Add(c.want)) {
			t.Errorf("after %v: last used %v, want start+%v", c.after, got, c.want)
		}
	}
}

func TestRecheck(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("anna", dialog.RoleAgent)
	f.user("boris", dialog.RoleAgent)
	f.user("clara", dialog.RoleAgent)
	// Another process over the same store: its changes do not fire this
	// one's Changed, so only Recheck sees them.
	elsewhere := auth.New(f.store, auth.Options{BcryptCost: bcrypt.MinCost}, slogDiscard())

	// recheck opens a long request with h, runs meanwhile, and returns
	// whom Recheck finds then.
	recheck := func(h http.Header, meanwhile func()) string {
		var name string
		r := gin.New()
		r.Use(f.svc.Middleware())
		r.GET("/stream", func(c *gin.Context) {
			if auth.CurrentUser(c) == nil {
				t.Fatal("not identified on opening")
			}
			meanwhile()
			if u := f.svc.Recheck(c); u != nil {
				name = u.Name
			}
		})
		req := httptest.NewRequest(http.MethodGet, "/stream", nil)
		req.Header = h
		r.ServeHTTP(httptest.NewRecorder(), req)
		return name
	}
	nothing := func() {}
	fail := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}

	session := f.login("anna")
	if got := recheck(cookieHeader(session), nothing); got != "anna" {
		t.Errorf("recheck of a live session: %q", got)
	}
	changed := f.svc.Changed()
	if got := recheck(cookieHeader(session), func() { fail(elsewhere.Disable(ctx, "anna")) }); got != "" {
		t.Errorf("recheck of a session whose user was disabled elsewhere: %q", got)
	}
	select {
	case <-changed:
		t.Error("Changed fired for a change made elsewhere")
	default:
	}

	token, err := f.svc.CreateAPIToken(ctx, "boris", "ci")
	fail(err)
	if got := recheck(bearerHeader(token), nothing); got != "boris" {
		t.Errorf("recheck of a live token: %q", got)
	}
	if got := recheck(bearerHeader(token), func() { fail(elsewhere.RevokeAPIToken(ctx, "boris", "ci")) }); got != "" {
		t.Errorf("recheck of a token revoked elsewhere: %q", got)
	}

	session = f.login("clara")
	if got := recheck(cookieHeader(session), func() { fail(f.svc.Logout(ctx, session)) }); got != "" {
		t.Errorf("recheck of a session logged out: %q", got)
	}
	// A change made here fires Changed.
	select {
	case <-changed:
	default:
		t.Error("Logout did not fire Changed")
	}
}

// recorder is a dialog.Publisher that keeps what it is given.
type recorder struct {
	mu     sync.Mutex
	events []dialog.EventKind
}

func (r *recorder) Publish(e dialog.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e.Kind)
}

// Every change that may take access away is announced, so that live views
// in other processes check their callers at once; other changes are not.
func TestAccessChangesAnnounced(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pub := &recorder{}
	f.svc = auth.New(f.store, auth.Options{Now: func() time.Time { return f.now }, BcryptCost: bcrypt.MinCost, Publisher: pub}, slogDiscard())
	f.user("anna", dialog.RoleAgent)
	f.user("boris", dialog.RoleAgent)
	session := f.login("anna")
	if _, err := f.svc.CreateAPIToken(ctx, "anna", "ci"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetQueues(ctx, "anna", []string{"billing"}); err != nil {
		t.Fatal(err)
	}
	if len(pub.events) != 0 {
		t.Fatalf("announced %v before any access changed", pub.events)
	}
	steps := []func() error{
		func() error { return f.svc.RevokeAPIToken(ctx, "anna", "ci") },
		func() error { _, err := f.svc.RevokeAPITokens(ctx, "anna"); return err },
		func() error { return f.svc.SetPassword(ctx, "anna", "a new password") },
		func() error { return f.svc.SetPasswordKeepTokens(ctx, "anna", "a newer password") },
		func() error { return f.svc.Logout(ctx, session) },
		func() error { return f.svc.Disable(ctx, "boris") },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if len(pub.events) != i+1 || pub.events[i] != dialog.EventAccess {
			t.Fatalf("after step %d: announced %v", i, pub.events)
		}
	}
}
