package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"log/slog"

	"github.com/firstline-support/firstline/dialog/store/schema"
)

// MigrationFiles are the schema changes both databases share,
// migrations/NNNN_name.sql. Each store applies them together with its
// own directory, in the order of their numbers: versions below 100 are
// each store's history from before the stores shared their code; from
// 100 on, one numbering serves both, and a migration whose SQL must
// differ has a file of that number in each store's directory instead of
// one here. A released migration is never edited: a change to the schema
// is a new file.
//
//go:embed migrations/*.sql
var MigrationFiles embed.FS

// DataStep is the part of a migration that SQL cannot do. It runs in the
// migration's transaction, after the migration's SQL.
type DataStep func(ctx context.Context, q Querier) error

// Migrate brings the database schema up to date: it applies each of
// migrations the database has not seen yet, followed by its step in
// steps if it has one, and records it, each in a transaction of its own.
// It is safe to run again, also from several processes at once: the
// dialect's migration lock lets one migrator at a time look at the
// schema version and change it. It fails on a database that a newer
// program has migrated further than this one knows.
func (db *DB) Migrate(ctx context.Context, migrations []schema.Migration, steps map[int]DataStep, log *slog.Logger) error {
	for {
		done, err := db.applyNext(ctx, migrations, steps, log)
		if err != nil || done {
			return err
		}
	}
}

// applyNext applies the first of migrations the database has not seen,
// and records it, all or nothing. It reports whether there was none left.
func (db *DB) applyNext(ctx context.Context, migrations []schema.Migration, steps map[int]DataStep, log *slog.Logger) (done bool, err error) {
	conn, err := db.conn.Begin(ctx)
	if err != nil {
		return false, db.d.Err("migrate", err)
	}
	defer conn.Rollback(ctx) // a no-op after Commit

	// The lock comes first: concurrent CREATE TABLE IF NOT EXISTS of one
	// table can fail, and two migrators must not apply one migration
	// twice.
	if lock := db.d.LockMigrations(); lock != "" {
		if _, err := conn.Exec(ctx, lock); err != nil {
			return false, db.d.Err("lock schema_migrations", err)
		}
	}
	if _, err := conn.Exec(ctx, db.d.MigrationsTable()); err != nil {
		return false, db.d.Err("create schema_migrations", err)
	}
	rows, err := conn.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return false, db.d.Err("read schema version", err)
	}
	applied := map[int]bool{}
	current := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return false, db.d.Err("read schema version", err)
		}
		applied[v] = true
		current = max(current, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, db.d.Err("read schema version", err)
	}
	latest := 0
	if len(migrations) > 0 {
		latest = migrations[len(migrations)-1].Version
	}
	if current > latest {
		return false, fmt.Errorf("database schema version %d is newer than this program's %d: upgrade the program", current, latest)
	}
	var next *schema.Migration
	// Every version not applied yet, also one below the highest applied
	// (a database's own migration numbered between its history and the
	// shared ones), in the order of the numbers.
	for i := range migrations {
		if !applied[migrations[i].Version] {
			next = &migrations[i]
			break
		}
	}
	if next == nil {
		if err := conn.Commit(ctx); err != nil {
			return false, db.d.Err("migrate", err)
		}
		return true, nil
	}

	m := *next
	// Without arguments, the drivers send the file as it is, which may
	// hold many statements.
	if _, err := conn.Exec(ctx, m.SQL); err != nil {
		return false, db.d.Err("migrate "+m.Name, err)
	}
	if step := steps[m.Version]; step != nil {
		if err := step(ctx, conn); err != nil {
			return false, db.d.Err("migrate "+m.Name, err)
		}
	}
	_, err = conn.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
		m.Version, db.d.Time(dbTime(db.clock())))
	if err != nil {
		return false, db.d.Err("migrate "+m.Name, err)
	}
	if err := conn.Commit(ctx); err != nil {
		return false, db.d.Err("migrate "+m.Name, err)
	}
	log.Info("applied migration", "version", m.Version, "file", m.Name)
	return false, nil
}
