package postgres

import (
	"context"
	"embed"
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

// migrationLock is the first key of the advisory lock that puts migrators
// in a line; the second is the schema they migrate, so that stores in
// different schemas of one database do not wait for each other.
const migrationLock = 0x6669726c // "firl"

// Migrate brings the database schema up to date, applying each migration
// it has not seen yet (its own and those it shares with SQLite) in a
// transaction of its own. It is safe to run again, also from several
// replicas at once: a transaction-scoped advisory lock lets one migrator
// at a time look at the schema version and change it. It fails on a
// database that a newer program has migrated further than this one knows.
func (db *DB) Migrate(ctx context.Context) error {
	return db.migrate(ctx, migrationFiles, sqlstore.MigrationFiles)
}

// migrate applies the migrations in dirs.
func (db *DB) migrate(ctx context.Context, dirs ...fs.FS) error {
	migrations, err := schema.Load(dirs...)
	if err != nil {
		return err
	}
	return db.DB.Migrate(ctx, migrations, nil, db.log)
}
