package storetest

import (
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// createAPIToken stores tk in its own transaction.
func createAPIToken(t *testing.T, s dialog.Store, tk *dialog.APIToken) *dialog.APIToken {
	t.Helper()
	update(t, s, func(tx dialog.Tx) error {
		return tx.CreateAPIToken(t.Context(), tk)
	})
	return tk
}

// checkAPIToken fails the test unless got and want have the same fields,
// with times compared by checkTime.
func checkAPIToken(t *testing.T, what string, got, want *dialog.APIToken) {
	t.Helper()
	checkTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, what+".LastUsedAt", got.LastUsedAt, want.LastUsedAt)
	g, w := *got, *want
	g.CreatedAt, g.LastUsedAt, w.CreatedAt, w.LastUsedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if g != w {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

// tokenNames returns the names of a user's tokens, in id order, with ""
// shown as "-".
func tokenNames(t *testing.T, s dialog.Store, userID int64) []string {
	t.Helper()
	list, err := s.APITokens(t.Context(), userID)
	if err != nil {
		t.Fatalf("APITokens(%d): %v", userID, err)
	}
	var names []string
	for _, tk := range list {
		name := tk.Name
		if name == "" {
			name = "-"
		}
		names = append(names, name)
	}
	return names
}

func testAPITokenNames(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	olga := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent})
	ivan := createUser(t, s, &dialog.User{Name: "ivan", Role: dialog.RoleAgent})
	moscow := time.FixedZone("MSK", 3*60*60)
	ci := createAPIToken(t, s, &dialog.APIToken{
		TokenHash: "olga-ci", UserID: olga.ID, Name: "ci",
		CreatedAt: time.Date(2024, 5, 6, 7, 8, 9, 123456789, moscow),
	})
	plain := createAPIToken(t, s, &dialog.APIToken{TokenHash: "olga-plain", UserID: olga.ID})
	other := createAPIToken(t, s, &dialog.APIToken{TokenHash: "olga-plain-2", UserID: olga.ID})
	ivanCI := createAPIToken(t, s, &dialog.APIToken{TokenHash: "ivan-ci", UserID: ivan.ID, Name: "ci"})
	if ci.ID == 0 || plain.ID <= ci.ID || other.ID <= plain.ID || ivanCI.ID <= other.ID {
		t.Fatalf("ids %d, %d, %d, %d: want them set and increasing", ci.ID, plain.ID, other.ID, ivanCI.ID)
	}

	got, err := s.APITokenByHash(ctx, "olga-ci")
	if err != nil {
		t.Fatalf("APITokenByHash: %v", err)
	}
	checkAPIToken(t, "APITokenByHash", got, ci)
	_, err = s.APITokenByHash(ctx, "nobody")
	checkCode(t, "APITokenByHash of an unknown hash", err, dialog.ENOTFOUND)

	list, err := s.APITokens(ctx, olga.ID)
	if err != nil || len(list) != 3 {
		t.Fatalf("APITokens = %d tokens, %v; want olga's 3", len(list), err)
	}
	for i, want := range []*dialog.APIToken{ci, plain, other} {
		checkAPIToken(t, "APITokens", list[i], want)
	}
	if list, err := s.APITokens(ctx, ivan.ID+1000); err != nil || len(list) != 0 {
		t.Errorf("APITokens of an unknown user = %v, %v; want none", list, err)
	}

	// A name is the user's: taken once per user, any number unnamed.
	err = s.Update(ctx, func(tx dialog.Tx) error {
		return tx.CreateAPIToken(ctx, &dialog.APIToken{TokenHash: "olga-ci-2", UserID: olga.ID, Name: "ci"})
	})
	checkCode(t, "CreateAPIToken with a taken name", err, dialog.ECONFLICT)
	if _, err := s.APITokenByHash(ctx, "olga-ci-2"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("a token with a taken name was stored: %v", err)
	}

	// The last use is recorded; an unknown id is no error.
	used := time.Date(2030, 1, 2, 3, 4, 5, 678901234, moscow)
	update(t, s, func(tx dialog.Tx) error {
		if err := tx.SetAPITokenUsed(ctx, plain.ID, used); err != nil {
			return err
		}
		return tx.SetAPITokenUsed(ctx, ivanCI.ID+1000, used)
	})
	plain.LastUsedAt = used
	got, err = s.APITokenByHash(ctx, "olga-plain")
	if err != nil {
		t.Fatal(err)
	}
	checkAPIToken(t, "after SetAPITokenUsed", got, plain)
}

func testAPITokenRevoke(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	olga := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent})
	ivan := createUser(t, s, &dialog.User{Name: "ivan", Role: dialog.RoleAgent})
	a := createAPIToken(t, s, &dialog.APIToken{TokenHash: "olga-a", UserID: olga.ID, Name: "a"})
	createAPIToken(t, s, &dialog.APIToken{TokenHash: "olga-b", UserID: olga.ID, Name: "b"})
	createAPIToken(t, s, &dialog.APIToken{TokenHash: "olga-c", UserID: olga.ID})
	createAPIToken(t, s, &dialog.APIToken{TokenHash: "ivan-a", UserID: ivan.ID, Name: "a"})

	update(t, s, func(tx dialog.Tx) error {
		return tx.DeleteAPIToken(ctx, a.ID)
	})
	_, err := tokenUser(ctx, s, "olga-a")
	checkCode(t, "tokenUser of a revoked token", err, dialog.ENOTFOUND)
	_, err = s.APITokenByHash(ctx, "olga-a")
	checkCode(t, "APITokenByHash of a revoked token", err, dialog.ENOTFOUND)
	if got := tokenNames(t, s, olga.ID); len(got) != 2 || got[0] != "b" || got[1] != "-" {
		t.Errorf("olga's tokens after revoking a: %v, want [b -]", got)
	}
	err = s.Update(ctx, func(tx dialog.Tx) error {
		return tx.DeleteAPIToken(ctx, a.ID)
	})
	checkCode(t, "DeleteAPIToken twice", err, dialog.ENOTFOUND)

	// A revoked token's name is free again.
	createAPIToken(t, s, &dialog.APIToken{TokenHash: "olga-a-2", UserID: olga.ID, Name: "a"})

	var n int
	update(t, s, func(tx dialog.Tx) error {
		var err error
		n, err = tx.DeleteUserAPITokens(ctx, olga.ID)
		return err
	})
	if n != 3 {
		t.Errorf("DeleteUserAPITokens = %d, want 3", n)
	}
	if got := tokenNames(t, s, olga.ID); len(got) != 0 {
		t.Errorf("olga's tokens after DeleteUserAPITokens: %v", got)
	}
	for _, hash := range []string{"olga-b", "olga-c", "olga-a-2"} {
		_, err := tokenUser(ctx, s, hash)
		checkCode(t, hash+" after DeleteUserAPITokens", err, dialog.ENOTFOUND)
	}
	if u, err := tokenUser(ctx, s, "ivan-a"); err != nil || u.ID != ivan.ID {
		t.Errorf("another user's token after DeleteUserAPITokens: %v, %v", u, err)
	}
	update(t, s, func(tx dialog.Tx) error {
		n, err = tx.DeleteUserAPITokens(ctx, olga.ID) // none left: no error
		return err
	})
	if n != 0 {
		t.Errorf("DeleteUserAPITokens of a user without tokens = %d", n)
	}
}
