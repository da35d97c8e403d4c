package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/firstline-support/firstline/dialog/schema"
	"github.com/firstline-support/firstline/dialog/sqlstore"
)

// migrationFiles are the schema changes, migrations/NNNN_name.sql, applied
// in the order of their numbers. A released migration is never edited: a
// change to the schema is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// dataStep is the part of a migration that SQL cannot do. It runs in the
// migration's transaction, after the migration's SQL.
type dataStep func(ctx context.Context, tx *sql.Tx) error

// dataSteps are the data steps of the embedded migrations, by version.
func dataSteps() map[int]dataStep {
	return map[int]dataStep{
		2: lowerCustomerNames,
	}
}

// Migrate brings the database schema up to date, applying each migration
// it has not seen yet in a transaction of its own. It is safe to run again,
// also from several processes at once, and fails on a database that a newer
// program has migrated further than this one knows.
func (db *DB) Migrate(ctx context.Context) error {
	return db.migrate(ctx, migrationFiles, dataSteps())
}

// migrate applies the migrations in fsys, each followed by its step in
// steps, if it has one.
func (db *DB) migrate(ctx context.Context, fsys fs.FS, steps map[int]dataStep) error {
	migrations, err := schema.Load(fsys)
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
	latest := len(migrations) // versions run 1..n, as schema.Load checked
	if current > latest {
		return fmt.Errorf("database schema version %d is newer than this program's %d: upgrade the program", current, latest)
	}

	for _, m := range migrations {
		if m.Version <= current {
			continue
		}
		if err := db.applyMigration(ctx, m, steps[m.Version]); err != nil {
			return err
		}
	}
	return nil
}

// applyMigration applies m and its data step, if not nil, and records it,
// all or nothing.
func (db *DB) applyMigration(ctx context.Context, m schema.Migration, step dataStep) error {
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return storeErr("migrate "+m.Name, err)
	}
	defer db.rollback(sqlTx) // a no-op after Commit

	// Another process may have applied it since we looked.
	var applied bool
	err = sqlTx.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)`, m.Version).Scan(&applied)
	if err != nil {
		return storeErr("migrate "+m.Name, err)
	}
	if applied {
		return nil
	}

	if _, err := sqlTx.ExecContext(ctx, m.SQL); err != nil {
		return storeErr("migrate "+m.Name, err)
	}
	if step != nil {
		if err := step(ctx, sqlTx); err != nil {
			return storeErr("migrate "+m.Name, err)
		}
	}
	_, err = sqlTx.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		m.Version, formatTime(now()))
	if err != nil {
		return storeErr("migrate "+m.Name, err)
	}
	if err := sqlTx.Commit(); err != nil {
		return storeErr("migrate "+m.Name, err)
	}
	db.log.Info("applied migration", "version", m.Version, "file", m.Name)
	return nil
}

// lowerCustomerNames fills in tickets.customer_name_lower, which migration
// 2 adds, for the tickets stored before it.
func lowerCustomerNames(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, customer_name FROM tickets WHERE customer_name <> ''`)
	if err != nil {
		return fmt.Errorf("read customer names: %w", err)
	}
	// Read them all before writing: the transaction has one connection.
	names := map[int64]string{}
	for rows.Next() {
		var (
			id   int64
			name string
		)
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return fmt.Errorf("read customer names: %w", err)
		}
		names[id] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read customer names: %w", err)
	}
	for id, name := range names {
		_, err := tx.ExecContext(ctx, `UPDATE tickets SET customer_name_lower = ? WHERE id = ?`, sqlstore.LowerName(name), id)
		if err != nil {
			return fmt.Errorf("lower customer name of ticket %d: %w", id, err)
		}
	}
	return nil
}
