// Package sqlite is the embedded default dialog.Store: one SQLite database
// file, opened through the pure-Go driver modernc.org/sqlite.
//
// Writes go through a pool of exactly one connection, so write transactions
// queue in Go instead of fighting for the database lock; reads outside a
// transaction go through a separate pool of read-only connections, which
// the write-ahead log lets run alongside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/sqlstore"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// busyTimeout is how long a connection waits for a lock held by another
// connection (a reader during a checkpoint, another process) before failing.
const busyTimeout = 10 * time.Second

// DB is a dialog.Store in a SQLite database file. It is safe for concurrent
// use.
type DB struct {
	// DB reads through the reader pool outside a transaction and writes
	// in transactions on the writer, one at a time.
	*sqlstore.DB

	writer *sql.DB
	reader *sql.DB
	log    *slog.Logger
}

var (
	_ dialog.Store        = (*DB)(nil)
	_ dialog.PoolReporter = (*DB)(nil)
	_ dialog.Compacter    = (*DB)(nil)
)

// Open opens the SQLite database at path, creating the file and its
// directory when missing, and applies any migrations it has not seen yet.
// A nil log discards log output.
func Open(ctx context.Context, path string, log *slog.Logger) (*DB, error) {
	db, err := openPools(ctx, path, log, busyTimeout)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// openPools opens the writer and reader pools without migrating.
func openPools(ctx context.Context, path string, log *slog.Logger, busy time.Duration) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}

	// The writer comes first: it creates the file and switches it to WAL,
	// which the read-only connections can neither do nor do without.
	writer, err := openPool(ctx, writerDSN(abs, busy), 1)
	if err != nil {
		return nil, fmt.Errorf("open %s for writing: %w", path, err)
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	reader, err := openPool(ctx, readerDSN(abs, busy), readers)
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}

	log = log.With("db", abs)
	return &DB{
		DB:     sqlstore.New(sqlstore.FromSQL(reader), pools{writer: writer, reader: reader, log: log}, dialect{}),
		writer: writer,
		reader: reader,
		log:    log,
	}, nil
}

// openPool opens a pool of at most size connections and checks that a
// connection can be made.
func openPool(ctx context.Context, dsn string, size int) (*sql.DB, error) {
	pool, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(size)
	pool.SetMaxIdleConns(size)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, storeErr("connect", err)
	}
	return pool, nil
}

// WriterDSN is the data source name with which the store writes to the
// SQLite file at path: the write-ahead log, full sync, foreign keys and
// transactions that take the write lock at BEGIN. Others writing to the
// same file (WhatsApp's session store) open it the same way, so that the
// connections agree on the journal and durability and none fails halfway
// through a transaction.
func WriterDSN(path string) string {
	return writerDSN(path, busyTimeout)
}

// writerDSN is the data source name of the write connection.
func writerDSN(path string, busy time.Duration) string {
	return fileURI(path, url.Values{
		"_busy_timeout": {strconv.FormatInt(busy.Milliseconds(), 10)},
		"_foreign_keys": {"on"},
		"_journal_mode": {"WAL"},
		// Zero what a delete or an update frees, so that an erased
		// customer's words are gone from the file's pages, not only from
		// its tables.
		"_pragma": {"secure_delete(on)"},
		// FULL syncs the log on every commit: an acknowledged message
		// survives a power loss, not only a crash of this process.
		"_synchronous": {"FULL"},
		// Take the write lock at BEGIN rather than at the first write, so a
		// transaction never fails halfway because another one wrote first.
		"_txlock": {"immediate"},
	})
}

// readerDSN is the data source name of the read-only connections.
func readerDSN(path string, busy time.Duration) string {
	return fileURI(path, url.Values{
		"_busy_timeout": {strconv.FormatInt(busy.Milliseconds(), 10)},
		"mode":          {"ro"},
	})
}

// fileURI makes a SQLite "file:" URI, the form in which SQLite itself reads
// parameters such as mode=ro (a plain file name would drop them).
func fileURI(path string, params url.Values) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/...
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: params.Encode()}
	return u.String()
}

// Ping reports whether both connection pools can reach the database.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return storeErr("ping writer", err)
	}
	if err := db.reader.PingContext(ctx); err != nil {
		return storeErr("ping reader", err)
	}
	return nil
}

// Close closes both connection pools. The last connection to close
// checkpoints the write-ahead log into the database file.
func (db *DB) Close() error {
	return errors.Join(db.reader.Close(), db.writer.Close())
}

// PoolStats reports on the writer pool (one connection) and the reader
// pool.
func (db *DB) PoolStats() []dialog.PoolStats {
	return []dialog.PoolStats{poolStats("writer", db.writer.Stats()), poolStats("reader", db.reader.Stats())}
}

func poolStats(name string, s sql.DBStats) dialog.PoolStats {
	return dialog.PoolStats{
		Pool:     name,
		Open:     s.OpenConnections,
		InUse:    s.InUse,
		Idle:     s.Idle,
		MaxOpen:  s.MaxOpenConnections,
		Waits:    s.WaitCount,
		WaitTime: s.WaitDuration,
	}
}
