package sqlite

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/schema"
	"github.com/firstline-support/firstline/dialog/store/sqlstore"
)

// TestMigrateAPITokenNames opens, with this program, a database written
// before API tokens had ids and names: an enabled user's token keeps
// working, unnamed and never used; a disabled user's token is revoked, as
// Disable now does, so that enabling the user does not bring it back.
func TestMigrateAPITokenNames(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "firstline.db")
	migrations, err := schema.Load(migrationFiles, sqlstore.MigrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	before := fstest.MapFS{}
	for _, m := range migrations {
		if strings.HasSuffix(m.Name, "_api_token_names.sql") {
			break
		}
		data, err := fs.ReadFile(migrationFiles, "migrations/"+m.Name)
		if err != nil {
			t.Fatal(err)
		}
		before["migrations/"+m.Name] = &fstest.MapFile{Data: data}
	}
	if len(before) == len(migrations) {
		t.Fatal("no api_token_names migration")
	}
	old, err := openPools(ctx, path, nil, busyTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if err := old.migrate(ctx, dataSteps(), before); err != nil {
		t.Fatalf("migrate to the version before: %v", err)
	}
	created := "2024-05-06T07:08:09.123456Z"
	for _, stmt := range []string{
		`INSERT INTO users (id, name, role, password_hash, disabled, created_at) VALUES (1, 'olga', 'agent', 'x', 0, '` + created + `')`,
		`INSERT INTO users (id, name, role, password_hash, disabled, created_at) VALUES (2, 'ivan', 'agent', 'x', 1, '` + created + `')`,
		`INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ('olga-token', 1, '` + created + `')`,
		`INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ('ivan-token', 2, '` + created + `')`,
	} {
		if _, err := old.writer.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	tk, err := db.APITokenByHash(ctx, "olga-token")
	if err != nil {
		t.Fatalf("the enabled user's token after the migration: %v", err)
	}
	at, _ := sqlstore.ParseTime(created)
	if tk.ID == 0 || tk.UserID != 1 || tk.Name != "" || !tk.CreatedAt.Equal(at) || !tk.LastUsedAt.IsZero() {
		t.Errorf("migrated token %+v", tk)
	}
	if _, err := db.APITokenByHash(ctx, "ivan-token"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("the disabled user's token after the migration: %v, want it revoked", err)
	}
	// New tokens follow the migrated one.
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
