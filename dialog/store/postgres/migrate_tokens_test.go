package postgres

import (
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/firstline-support/firstline/dialog"
)

// TestMigrateAPITokenNames opens, with this program, a database written
// before API tokens had ids and names: an enabled user's token keeps
// working, unnamed and never used; a disabled user's token is revoked, as
// Disable now does, so that enabling the user does not bring it back.
func TestMigrateAPITokenNames(t *testing.T) {
	ctx := t.Context()
	url := newTestDB(t).schemaURL(t)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	old := newDB(pool, slog.New(slog.DiscardHandler))
	before := fstest.MapFS{}
	all := mustLoad(t)
	for _, m := range all {
		if strings.HasSuffix(m.Name, "_api_token_names.sql") {
			break
		}
		before["migrations/"+m.Name] = &fstest.MapFile{Data: []byte(m.SQL)}
	}
	if len(before) == len(all) {
		t.Fatal("no api_token_names migration")
	}
	if err := old.migrate(ctx, before); err != nil {
		t.Fatalf("migrate to the version before: %v", err)
	}
	created := time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)
	for _, stmt := range []string{
		`INSERT INTO users (id, name, role, password_hash, disabled, created_at) OVERRIDING SYSTEM VALUE VALUES (1, 'olga', 'agent', 'x', false, $1)`,
		`INSERT INTO users (id, name, role, password_hash, disabled, created_at) OVERRIDING SYSTEM VALUE VALUES (2, 'ivan', 'agent', 'x', true, $1)`,
		`INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ('olga-token', 1, $1)`,
		`INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ('ivan-token', 2, $1)`,
	} {
		if _, err := pool.Exec(ctx, stmt, created); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}

	db := open(t, url)
	tk, err := db.APITokenByHash(ctx, "olga-token")
	if err != nil {
		t.Fatalf("the enabled user's token after the migration: %v", err)
	}
	if tk.ID == 0 || tk.UserID != 1 || tk.Name != "" || !tk.CreatedAt.Equal(created) || !tk.LastUsedAt.IsZero() {
		t.Errorf("migrated token %+v", tk)
	}
	if _, err := db.APITokenByHash(ctx, "ivan-token"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("the disabled user's token after the migration: %v, want it revoked", err)
	}
	err = db.Update(ctx, func(tx dialog.Tx) error {
		return tx.CreateAPIToken(ctx, &dialog.APIToken{TokenHash: "olga-new", UserID: 1, Name: "ci"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if list, err := db.APITokens(ctx, 1); err != nil || len(list) != 2 || list[1].ID <= list[0].ID {
		t.Errorf("olga's tokens %v, %v", list, err)
	}
}
