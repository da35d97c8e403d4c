package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// migrationFiles are the schema changes, migrations/NNNN_name.sql, applied
// in the order of their numbers. A released migration is never edited: a
// change to the schema is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one schema change.
type migration struct {
	version int
	name    string // the file name, for messages
	sql     string
}

// Migrate brings the database schema up to date, applying each migration
// it has not seen yet in a transaction of its own. It is safe to run again,
// also from several processes at once, and fails on a database that a newer
// program has migrated further than this one knows.
func (db *DB) Migrate(ctx context.Context) error {
	return db.migrate(ctx, migrationFiles)
}

// migrate applies the migrations in fsys.
func (db *DB) migrate(ctx context.Context, fsys fs.FS) error {
	migrations, err := loadMigrations(fsys)
	if err != nil {
		return err
	}
	_, err = db.writer.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			applied_at TEXT    NOT NULL
		)`)
	if err != nil {
		return storeErr("create schema_migrations", err)
	}

	var current int
	err = db.writer.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current)
	if err != nil {
		return storeErr("read schema version", err)
	}
	latest := len(migrations) // versions run 1..n, as loadMigrations checked
	if current > latest {
		return fmt.Errorf("database schema version %d is newer than this program's %d: upgrade the program", current, latest)
	}

	for _, m := range migrations {
		if m.version <= current {
			continue
		}
		if err := db.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// applyMigration applies m and records it, all or nothing.
func (db *DB) applyMigration(ctx context.Context, m migration) error {
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return storeErr("migrate "+m.name, err)
	}
	defer db.rollback(sqlTx) // a no-op after Commit

	// Another process may have applied it since we looked.
	var applied bool
	err = sqlTx.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)`, m.version).Scan(&applied)
	if err != nil {
		return storeErr("migrate "+m.name, err)
	}
	if applied {
		return nil
	}

	if _, err := sqlTx.ExecContext(ctx, m.sql); err != nil {
		return storeErr("migrate "+m.name, err)
	}
	_, err = sqlTx.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		m.version, formatTime(now()))
	if err != nil {
		return storeErr("migrate "+m.name, err)
	}
	if err := sqlTx.Commit(); err != nil {
		return storeErr("migrate "+m.name, err)
	}
	db.log.Info("applied migration", "version", m.version, "file", m.name)
	return nil
}

// loadMigrations reads migrations/*.sql from fsys and checks that their
// versions run 1, 2, 3, ... without gaps or repeats.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	paths, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	// Glob sorts by name, and the zero-padded numbers sort as numbers.
	migrations := make([]migration, 0, len(paths))
	for i, p := range paths {
		name := path.Base(p)
		number, _, ok := strings.Cut(name, "_")
		version, err := strconv.Atoi(number)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", name)
		}
		if version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", name, i+1)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("read migration: %w", err)
		}
		migrations = append(migrations, migration{version: version, name: name, sql: string(b)})
	}
	return migrations, nil
}
