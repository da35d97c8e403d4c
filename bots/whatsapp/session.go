package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"go.mau.fi/whatsmeow/store/sqlstore"

	"github.com/firstline-support/firstline/dialog/store/sqlite"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// IsPostgresURL reports whether a database address is a PostgreSQL URL
// rather than a SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// OpenSessions opens whatsmeow's session store (the linked device's keys
// and the encryption sessions with customers) in the same database as
// firstline's own store, in tables of its own named whatsmeow_*: path is
// the SQLite file, or a postgres:// URL. It creates or upgrades those
// tables.
func OpenSessions(ctx context.Context, path string, log *slog.Logger) (*sqlstore.Container, error) {
	if IsPostgresURL(path) {
		container, err := sqlstore.New(ctx, "pgx", path, newLogger(log, "Database"))
		if err != nil {
			return nil, fmt.Errorf("open whatsapp sessions in postgresql: %w", err)
		}
		return container, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open whatsapp sessions in %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("open whatsapp sessions in %s: %w", path, err)
	}
	// Package sqlite registers the "sqlite" driver, and its writer's DSN
	// keeps the two stores' connections to the file alike.
	container, err := sqlstore.New(ctx, "sqlite", sqlite.WriterDSN(abs), newLogger(log, "Database"))
	if err != nil {
		return nil, fmt.Errorf("open whatsapp sessions in %s: %w", path, err)
	}
	return container, nil
}
