package auth_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
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
