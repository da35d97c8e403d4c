package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

func testSession(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	u := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent})
	moscow := time.FixedZone("MSK", 3*60*60)

	// The store does not judge expiry: Session returns an expired session
	// as it is, for the caller to refuse.
	expired := createSession(t, s, &dialog.Session{
		TokenHash: "hash-expired",
		UserID:    u.ID,
		CreatedAt: time.Date(2024, 5, 6, 7, 8, 9, 123456789, moscow),
		ExpiresAt: time.Date(2024, 5, 7, 7, 8, 9, 0, moscow),
	})
	live := createSession(t, s, &dialog.Session{
		TokenHash: "hash-live",
		UserID:    u.ID,
		ExpiresAt: time.Now().Add(time.Hour),
	})
	if live.CreatedAt.IsZero() {
		t.Error("CreatedAt of a new session not set")
	}
	for _, want := range []*dialog.Session{expired, live} {
		got, err := s.Session(ctx, want.TokenHash)
		if err != nil {
			t.Fatalf("Session(%q): %v", want.TokenHash, err)
		}
		checkSession(t, want.TokenHash, got, want)
	}

	// A second session with the same token conflicts.
	err := s.Update(ctx, func(tx dialog.Tx) error {
		return tx.CreateSession(ctx, &dialog.Session{TokenHash: "hash-live", UserID: u.ID, ExpiresAt: time.Now()})
	})
	checkCode(t, "CreateSession with a taken token", err, dialog.ECONFLICT)

	// Logging out ends the one session, and logging out twice is fine.
	for range 2 {
		update(t, s, func(tx dialog.Tx) error {
			return tx.DeleteSession(ctx, "hash-live")
		})
	}
	_, err = s.Session(ctx, "hash-live")
	checkCode(t, "Session after DeleteSession", err, dialog.ENOTFOUND)
	if _, err := s.Session(ctx, "hash-expired"); err != nil {
		t.Errorf("Session of another session after DeleteSession: %v", err)
	}
}

func testCreateSessionInvalid(t *testing.T, s dialog.Store) {
	u := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent})
	soon := time.Now().Add(time.Hour)
	tests := []struct {
		name    string
		session dialog.Session
	}{
		{"no token hash", dialog.Session{UserID: u.ID, ExpiresAt: soon}},
		{"no expiry", dialog.Session{TokenHash: "hash", UserID: u.ID}},
		{"missing user", dialog.Session{TokenHash: "hash", UserID: u.ID + 1000, ExpiresAt: soon}},
	}
	for _, tt := range tests {
		err := s.Update(t.Context(), func(tx dialog.Tx) error {
			return tx.CreateSession(t.Context(), &tt.session)
		})
		checkCode(t, tt.name, err, dialog.EINVALID)
	}
	_, err := s.Session(t.Context(), "hash")
	checkCode(t, "Session after invalid creates", err, dialog.ENOTFOUND)
}

func testDeleteExpiredSessions(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	olga := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent})
	ivan := createUser(t, s, &dialog.User{Name: "ivan", Role: dialog.RoleAgent})
	now := time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)

	tests := []struct {
		hash    string
		user    *dialog.User
		expires time.Time
		kept    bool
	}{
		{"expired long ago", olga, now.Add(-24 * time.Hour), false},
		{"expired just now", ivan, now.Add(-time.Microsecond), false},
		{"expires now", olga, now, true}, // expired before now: not yet
		{"expires soon", ivan, now.Add(time.Microsecond), true},
		{"expires later", olga, now.Add(24 * time.Hour), true},
	}
	for _, tt := range tests {
		createSession(t, s, &dialog.Session{TokenHash: tt.hash, UserID: tt.user.ID, ExpiresAt: tt.expires})
	}
	update(t, s, func(tx dialog.Tx) error {
		return tx.DeleteExpiredSessions(ctx, now)
	})
	for _, tt := range tests {
		_, err := s.Session(ctx, tt.hash)
		switch {
		case tt.kept && err != nil:
			t.Errorf("Session(%q) after DeleteExpiredSessions: %v, want it kept", tt.hash, err)
		case !tt.kept:
			checkCode(t, tt.hash+" after DeleteExpiredSessions", err, dialog.ENOTFOUND)
		}
	}
	// Users stay.
	if _, err := s.User(ctx, olga.ID); err != nil {
		t.Errorf("User after DeleteExpiredSessions: %v", err)
	}
}

func testDeleteUserSessions(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	olga := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent})
	ivan := createUser(t, s, &dialog.User{Name: "ivan", Role: dialog.RoleAgent})
	later := time.Now().Add(time.Hour)
	for _, se := range []*dialog.Session{
		{TokenHash: "olga-laptop", UserID: olga.ID, ExpiresAt: later},
		{TokenHash: "olga-phone", UserID: olga.ID, ExpiresAt: later},
		{TokenHash: "ivan-laptop", UserID: ivan.ID, ExpiresAt: later},
	} {
		createSession(t, s, se)
	}

	update(t, s, func(tx dialog.Tx) error {
		if err := tx.DeleteUserSessions(ctx, olga.ID); err != nil {
			return err
		}
		// A user without sessions is no error.
		return tx.DeleteUserSessions(ctx, olga.ID)
	})
	for _, hash := range []string{"olga-laptop", "olga-phone"} {
		_, err := s.Session(ctx, hash)
		checkCode(t, hash+" after DeleteUserSessions", err, dialog.ENOTFOUND)
	}
	if _, err := s.Session(ctx, "ivan-laptop"); err != nil {
		t.Errorf("session of another user after DeleteUserSessions: %v", err)
	}
	if _, err := s.User(ctx, olga.ID); err != nil {
		t.Errorf("User after DeleteUserSessions: %v", err)
	}
}

func testAPIToken(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	olga := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent, Queues: []string{"billing"}})
	ivan := createUser(t, s, &dialog.User{Name: "ivan", Role: dialog.RoleAnalyst})
	tokens := []*dialog.APIToken{
		{TokenHash: "olga-script", UserID: olga.ID},
		{TokenHash: "ivan-report", UserID: ivan.ID, CreatedAt: time.Now().Add(-time.Hour)},
	}
	update(t, s, func(tx dialog.Tx) error {
		for _, tk := range tokens {
			if err := tx.CreateAPIToken(ctx, tk); err != nil {
				return err
			}
			if tk.CreatedAt.IsZero() {
				t.Errorf("CreatedAt of API token %q not set", tk.TokenHash)
			}
		}
		// Visible inside the transaction that made them.
		got, err := tokenUser(ctx, tx, "olga-script")
		if err != nil {
			return err
		}
		checkUser(t, "in the transaction", got, olga)
		return nil
	})

	for _, tt := range []struct {
		hash string
		want *dialog.User
	}{
		{"olga-script", olga},
		{"ivan-report", ivan},
	} {
		got, err := tokenUser(ctx, s, tt.hash)
		if err != nil {
			t.Fatalf("tokenUser(%q): %v", tt.hash, err)
		}
		checkUser(t, tt.hash, got, tt.want)
	}

	// A disabled user's token still finds the user, who says so: the
	// caller decides what a disabled user may do.
	olga.Disabled = true
	update(t, s, func(tx dialog.Tx) error {
		return tx.UpdateUser(ctx, olga)
	})
	got, err := tokenUser(ctx, s, "olga-script")
	if err != nil {
		t.Fatalf("tokenUser of a disabled user: %v", err)
	}
	if !got.Disabled {
		t.Error("tokenUser of a disabled user returned an enabled user")
	}

	invalid := []struct {
		name  string
		token dialog.APIToken
		code  string
	}{
		{"no token hash", dialog.APIToken{UserID: olga.ID}, dialog.EINVALID},
		{"missing user", dialog.APIToken{TokenHash: "nobody", UserID: ivan.ID + 1000}, dialog.EINVALID},
		{"taken token", dialog.APIToken{TokenHash: "olga-script", UserID: ivan.ID}, dialog.ECONFLICT},
	}
	for _, tt := range invalid {
		err := s.Update(ctx, func(tx dialog.Tx) error {
			return tx.CreateAPIToken(ctx, &tt.token)
		})
		checkCode(t, tt.name, err, tt.code)
	}
	got, err = tokenUser(ctx, s, "olga-script")
	if err != nil || got.ID != olga.ID {
		t.Errorf("tokenUser after a taken token = %+v, %v; want olga", got, err)
	}
}

// tokenUser returns the user of the API token with this hash, disabled or
// not, as the server finds it: the token, then its user.
func tokenUser(ctx context.Context, q dialog.Queries, tokenHash string) (*dialog.User, error) {
	tk, err := q.APITokenByHash(ctx, tokenHash)
	if err != nil {
		return nil, err
	}
	return q.User(ctx, tk.UserID)
}
