package auth_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

func TestLogin(t *testing.T) {
	f := newFixture(t)
	f.user("anna", dialog.RoleAgent)
	f.user("boris", dialog.RoleAgent)
	if err := f.svc.Disable(context.Background(), "boris"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, user, password string
		code                 string // "" for success
	}{
		{"right name and password", "anna", password, ""},
		{"wrong password", "anna", "not the password", dialog.EUNAUTHORIZED},
		{"unknown name", "nobody", password, dialog.EUNAUTHORIZED},
		{"name in another case", "Anna", password, dialog.EUNAUTHORIZED},
		{"empty password", "anna", "", dialog.EUNAUTHORIZED},
		{"disabled user", "boris", password, dialog.EFORBIDDEN},
		{"disabled user, wrong password", "boris", "not the password", dialog.EUNAUTHORIZED},
	} {
		t.Run(c.name, func(t *testing.T) {
			token, u, err := f.svc.Login(context.Background(), c.user, c.password, "")
			wantCode(t, err, c.code)
			if c.code != "" {
				if token != "" || u != nil {
					t.Errorf("failed login returned token %q, user %v", token, u)
				}
				return
			}
			if u.Name != c.user || len(token) < 40 {
				t.Errorf("user %v, token %q", u, token)
			}
			s, err := f.store.Session(context.Background(), sha256Hex(token))
			if err != nil {
				t.Fatalf("session not stored under the token's hash: %v", err)
			}
			if s.UserID != u.ID || !s.ExpiresAt.Equal(f.now.Add(12*time.Hour)) {
				t.Errorf("session %+v, want user %d expiring in 12h", s, u.ID)
			}
		})
	}

	// A wrong name and a wrong password read the same.
	_, _, errName := f.svc.Login(context.Background(), "nobody", password, "")
	_, _, errPassword := f.svc.Login(context.Background(), "anna", "not the password", "")
	if dialog.ErrorMessage(errName) != dialog.ErrorMessage(errPassword) {
		t.Errorf("messages differ: %q vs %q", dialog.ErrorMessage(errName), dialog.ErrorMessage(errPassword))
	}
}

func TestLoginRateLimit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, name := range []string{"anna", "boris", "clara"} {
		f.user(name, dialog.RoleAgent)
	}
	const attacker, other = "198.51.100.7", "203.0.113.5"
	for range 5 {
		f.now = f.now.Add(time.Minute)
		_, _, err := f.svc.Login(ctx, "anna", "guess", attacker)
		wantCode(t, err, dialog.EUNAUTHORIZED)
	}

	for _, c := range []struct {
		name, user, ip string
		code           string
	}{
		// The sixth attempt is refused without looking at the password.
		{"same name and address", "anna", attacker, dialog.ERATELIMIT},
		{"same name, another address", "anna", other, dialog.ERATELIMIT},
		{"same name in another case", "ANNA", other, dialog.ERATELIMIT},
		// The address has 5 failures of its 20: other accounts log in.
		{"another name, same address", "boris", attacker, ""},
		{"another name, another address", "boris", other, ""},
		{"another name, unknown address", "clara", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := f.svc.Login(ctx, c.user, password, c.ip)
			wantCode(t, err, c.code)
		})
	}

	// The first failure was at 9:01, so the limit lifts at 9:11; now is 9:05.
	_, _, err := f.svc.Login(ctx, "anna", password, other)
	if msg := dialog.ErrorMessage(err); msg != "too many attempts; try again in 6 minutes" {
		t.Errorf("message %q", msg)
	}
	f.now = f.now.Add(6*time.Minute - time.Second)
	_, _, err = f.svc.Login(ctx, "anna", password, other)
	if msg := dialog.ErrorMessage(err); msg != "too many attempts; try again in 1 minute" {
		t.Errorf("message %q", msg)
	}
	f.now = f.now.Add(time.Second)
	if _, _, err := f.svc.Login(ctx, "anna", password, attacker); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t)
	f.user("anna", dialog.RoleAgent)
	token := f.login("anna")
	r := f.router()
	start := f.now
	for _, c := range []struct {
		after time.Duration
		want  string
	}{
		{0, "anna"},
		{12*time.Hour - time.Second, "anna"},
		{12 * time.Hour, ""},
		{11 * time.Hour, ""}, // an expired session was deleted: winding the clock back does not revive it
	} {
		f.now = start.Add(c.after)
		if got := f.whoami(r, cookieHeader(token)); got != c.want {
			t.Errorf("after %v: caller %q, want %q", c.after, got, c.want)
		}
	}
}

func TestLogout(t *testing.T) {
	f := newFixture(t)
	f.user("anna", dialog.RoleAgent)
	token, other := f.login("anna"), f.login("anna")
	r := f.router()
	if err := f.svc.Logout(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	if got := f.whoami(r, cookieHeader(token)); got != "" {
		t.Errorf("logged-out session still identifies %q", got)
	}
	if got := f.whoami(r, cookieHeader(other)); got != "anna" {
		t.Errorf("another session of the same user: %q, want it to survive", got)
	}
	for _, tok := range []string{token, "never issued", ""} {
		if err := f.svc.Logout(context.Background(), tok); err != nil {
			t.Errorf("logout %q: %v", tok, err)
		}
	}
}

func TestLoginCleansExpiredSessions(t *testing.T) {
	f := newFixture(t)
	f.user("anna", dialog.RoleAgent)
	old := f.login("anna")
	f.now = f.now.Add(13 * time.Hour)
	f.login("anna")
	if _, err := f.store.Session(context.Background(), sha256Hex(old)); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("expired session still stored after a login: %v", err)
	}
}

func TestLoginMessagesRevealNothing(t *testing.T) {
	f := newFixture(t)
	f.user("anna", dialog.RoleAgent)
	_, _, err := f.svc.Login(context.Background(), "anna", "wrong password", "")
	if msg := dialog.ErrorMessage(err); strings.Contains(msg, "anna") || strings.Contains(msg, "wrong password") {
		t.Errorf("message %q repeats the input", msg)
	}
}

// A name that no user can have is not counted as an account: otherwise
// anyone could fill memory with long made-up names, and a made-up name
// tried from many addresses would stay locked for nobody's benefit.
func TestLoginLimitInvalidName(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	name := "not a name " + strings.Repeat("x", 100_000)
	for i := range 10 {
		_, _, err := f.svc.Login(ctx, name, "guess", fmt.Sprintf("198.51.100.%d", i))
		wantCode(t, err, dialog.EUNAUTHORIZED)
	}
	// The address is still counted.
	const sprayer = "203.0.113.5"
	for range 20 {
		_, _, err := f.svc.Login(ctx, name, "guess", sprayer)
		wantCode(t, err, dialog.EUNAUTHORIZED)
	}
	_, _, err := f.svc.Login(ctx, name, "guess", sprayer)
	wantCode(t, err, dialog.ERATELIMIT)
}

// An IPv6 client usually has a whole /64: rotating addresses inside it
// does not buy more attempts.
func TestLoginLimitIPv6Network(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("anna", dialog.RoleAgent)
	for i := range 20 {
		_, _, err := f.svc.Login(ctx, fmt.Sprint("user", i), "guess", fmt.Sprintf("2001:db8:1:2::%x", i+1))
		wantCode(t, err, dialog.EUNAUTHORIZED)
	}
	_, _, err := f.svc.Login(ctx, "anna", password, "2001:db8:1:2:ffff::1")
	wantCode(t, err, dialog.ERATELIMIT)
	if _, _, err := f.svc.Login(ctx, "anna", password, "2001:db8:1:3::1"); err != nil {
		t.Errorf("from the next /64: %v", err)
	}
}

// What a refused login logs of the name is short, however long the name.
func TestLoginLogsShortName(t *testing.T) {
	var logged bytes.Buffer
	f := newFixture(t)
	f.svc = auth.New(f.store, auth.Options{Now: func() time.Time { return f.now }, BcryptCost: bcrypt.MinCost},
		slog.New(slog.NewTextHandler(&logged, nil)))
	ctx := context.Background()
	name := strings.Repeat("a", 10_000)
	for range 21 {
		f.svc.Login(ctx, name, "guess", "198.51.100.7")
	}
	if !strings.Contains(logged.String(), "login refused") {
		t.Fatalf("no refusal logged:\n%.500s", logged.String())
	}
	if strings.Contains(logged.String(), strings.Repeat("a", 65)) {
		t.Errorf("the log holds more than 64 characters of the name:\n%.500s", logged.String())
	}
}
