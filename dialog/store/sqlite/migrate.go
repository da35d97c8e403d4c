package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/firstline-support/firstline/dialog/store/schema"
	"github.com/firstline-support/firstline/dialog/store/sqlstore"
)

// migrationFiles are the schema changes, migrations/NNNN_name.sql, applied
// in the order of their numbers. A released migration is never edited: a
// change to the schema is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// dataSteps are the data steps of the embedded migrations, by version.
func dataSteps() map[int]sqlstore.DataStep {
	return map[int]sqlstore.DataStep{
		2: lowerCustomerNames,
	}
}

// Migrate brings the database schema up to date, applying each migration
// it has not seen yet (its own and those it shares with PostgreSQL) in a
// transaction of its own. It is safe to run again, also from several
// processes at once, and fails on a database that a newer program has
// migrated further than this one knows.
func (db *DB) Migrate(ctx context.Context) error {
	return db.migrate(ctx, dataSteps(), migrationFiles, sqlstore.MigrationFiles)
}

// migrate applies the migrations in dirs, each followed by its step in
// steps, if it has one.
func (db *DB) migrate(ctx context.Context, steps map[int]sqlstore.DataStep, dirs ...fs.FS) error {
	migrations, err := schema.Load(dirs...)
	if err != nil {
		return err
	}
	return db.DB.Migrate(ctx, migrations, steps, db.log)
}

// lowerCustomerNames fills in tickets.customer_name_lower, which migration
// 2 adds, for the tickets stored before it.
func lowerCustomerNames(ctx context.Context, q sqlstore.Querier) error {
	rows, err := q.Query(ctx, `SELECT id, customer_name FROM tickets WHERE customer_name <> ''`)
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
		_, err := q.Exec(ctx, `UPDATE tickets SET customer_name_lower = $1 WHERE id = $2`, sqlstore.LowerName(name), id)
		if err != nil {
			return fmt.Errorf("lower customer name of ticket %d: %w", id, err)
		}
	}
	return nil
}
