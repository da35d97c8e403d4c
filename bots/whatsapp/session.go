package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.mau.fi/whatsmeow/store/sqlstore"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// IsPostgresURL reports whether a database address is a PostgreSQL URL
// rather than a SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// busyTimeout is how long a connection waits for a lock held by another
// connection, firstline's own store included, before failing.
const busyTimeout = 10 * time.Second

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
	container, err := sqlstore.New(ctx, "sqlite", sessionDSN(abs), newLogger(log, "Database"))
	if err != nil {
		return nil, fmt.Errorf("open whatsapp sessions in %s: %w", path, err)
	}
	return container, nil
}

// sessionDSN is the data source name of the session store's connections,
// spelled as firstline's own store spells its writer's: the same journal
// and durability, and foreign keys, which whatsmeow refuses to run
// without.
func sessionDSN(path string) string {
	params := url.Values{
		"_busy_timeout": {strconv.FormatInt(busyTimeout.Milliseconds(), 10)},
		"_foreign_keys": {"on"},
		"_journal_mode": {"WAL"},
		"_synchronous":  {"FULL"},
		// Take the write lock at BEGIN, so a transaction that reads first
		// never fails halfway because firstline's store wrote in between.
		"_txlock": {"immediate"},
	}
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/...
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: params.Encode()}
	return u.String()
}
