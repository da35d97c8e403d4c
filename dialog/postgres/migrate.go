package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/firstline-support/firstline/dialog/schema"
	"github.com/jackc/pgx/v5"
)

// migrationFiles are the schema changes, migrations/NNNN_name.sql, applied
// in the order of their numbers. A released migration is never edited: a
// change to the schema is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the first key of the advisory lock that puts migrators
// in a line; the second is the schema they migrate, so that stores in
// different schemas of one database do not wait for each other.
const migrationLock = 0x6669726c // "firl"

// Migrate brings the database schema up to date, applying each migration
// it has not seen yet in a transaction of its own. It is safe to run again,
// also from several replicas at once: a transaction-scoped advisory lock
// lets one migrator at a time look at the schema version and change it. It
// fails on a database that a newer program has migrated further than this
// one knows.
func (db *DB) Migrate(ctx context.Context) error {
	return db.migrate(ctx, migrationFiles)
}

// migrate applies the migrations in fsys.
func (db *DB) migrate(ctx context.Context, fsys fs.FS) error {
	migrations, err := schema.Load(fsys)
	if err != nil {
		return err
	}
	for {
		done, err := db.applyNext(ctx, migrations)
		if err != nil || done {
			return err
		}
	}
}

// applyNext applies the first of migrations the database has not seen,
// and records it, all or nothing. It reports whether there was none left.
func (db *DB) applyNext(ctx context.Context, migrations []schema.Migration) (done bool, err error) {
	pgTx, err := db.pool.Begin(ctx)
	if err != nil {
		return false, storeErr("migrate", err)
	}
	defer db.rollback(ctx, pgTx) // a no-op after Commit

	// The lock comes first: concurrent CREATE TABLE IF NOT EXISTS of one
	// table can fail, and two replicas must not apply one migration twice.
	_, err = pgTx.Exec(ctx,
		`SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))`, migrationLock)
	if err != nil {
		return false, storeErr("lock schema_migrations", err)
	}
	_, err = pgTx.Exec(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer     PRIMARY KEY,
			applied_at timestamptz NOT NULL
		)`)
	if err != nil {
		return false, storeErr("create schema_migrations", err)
	}
	var current int
	err = pgTx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current)
	if err != nil {
		return false, storeErr("read schema version", err)
	}
	latest := len(migrations) // versions run 1..n, as schema.Load checked
	if current > latest {
		return false, fmt.Errorf("database schema version %d is newer than this program's %d: upgrade the program", current, latest)
	}
	if current == latest {
		return true, commit(ctx, pgTx, "migrate")
	}

	m := migrations[current] // version current+1
	if err := applyMigration(ctx, pgTx, m); err != nil {
		return false, err
	}
	db.log.Info("applied migration", "version", m.Version, "file", m.Name)
	return false, nil
}

// applyMigration runs m in pgTx, records it and commits.
func applyMigration(ctx context.Context, pgTx pgx.Tx, m schema.Migration) error {
	// Without arguments, pgx sends the file as one simple query, which may
	// hold many statements.
	if _, err := pgTx.Exec(ctx, m.SQL); err != nil {
		return storeErr("migrate "+m.Name, err)
	}
	_, err := pgTx.Exec(ctx,
		`INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, m.Version, now())
	if err != nil {
		return storeErr("migrate "+m.Name, err)
	}
	return commit(ctx, pgTx, "migrate "+m.Name)
}

// commit commits pgTx; op names the work in errors.
func commit(ctx context.Context, pgTx pgx.Tx, op string) error {
	if err := pgTx.Commit(ctx); err != nil {
		return storeErr(op, err)
	}
	return nil
}
