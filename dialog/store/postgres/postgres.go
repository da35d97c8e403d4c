// Package postgres is the production dialog.Store: a PostgreSQL database,
// reached through a pgx connection pool. Several replicas of the program
// may share one database: row locks, not the process, keep their
// transactions apart.
package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/sqlstore"
)

// connectTimeout bounds a new connection when the URL sets no
// connect_timeout, so that a server that does not answer makes requests
// fail as unavailable instead of hang.
const connectTimeout = 5 * time.Second

// DB is a dialog.Store in a PostgreSQL database. It is safe for concurrent
// use.
type DB struct {
	// DB reads and writes on connections of the pool: transactions run
	// side by side, and EnsureConversation's row lock puts those of one
	// conversation in a line.
	*sqlstore.DB

	pool *pgxpool.Pool
	log  *slog.Logger
}

var (
	_ dialog.Store        = (*DB)(nil)
	_ dialog.PoolReporter = (*DB)(nil)
)

// Open connects to the database at url, e.g.
// postgres://firstline@db.internal:5432/firstline?sslmode=verify-full, and
// applies any migrations it has not seen yet. The URL may also set the
// pool's limits (pool_max_conns, pool_max_conn_lifetime, ...; see pgxpool)
// and server settings such as search_path. A nil log discards log output.
func Open(ctx context.Context, url string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	config, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The error quotes the URL, password and all: keep it out.
		return nil, fmt.Errorf("open postgres: the database URL is not valid")
	}
	if config.ConnConfig.ConnectTimeout == 0 {
		config.ConnConfig.ConnectTimeout = connectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db := newDB(pool, log.With("db", fmt.Sprintf("%s/%s", config.ConnConfig.Host, config.ConnConfig.Database)))
	// The pool connects lazily: make sure the server is there now, so that a
	// wrong URL fails at start and not at the first request.
	if err := db.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return db, nil
}

// newDB returns the store on pool, without checking or migrating it.
func newDB(pool *pgxpool.Pool, log *slog.Logger) *DB {
	return &DB{
		DB:   sqlstore.New(fromPgx(pool), poolConn{pool: pool, log: log}, dialect{}),
		pool: pool,
		log:  log,
	}
}

// Ping reports whether the database can be reached.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return storeErr("ping", err)
	}
	return nil
}

// Close closes every connection of the pool, waiting for the ones in use
// to be released.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// PoolStats reports on the connection pool. The connections of their own
// that leadership locks and live updates hold are not in it.
func (db *DB) PoolStats() []dialog.PoolStats {
	s := db.pool.Stat()
	return []dialog.PoolStats{{
		Pool:    "main",
		Open:    int(s.TotalConns()),
		InUse:   int(s.AcquiredConns()),
		Idle:    int(s.IdleConns()),
		MaxOpen: int(s.MaxConns()),
		// Acquires that found no idle connection and waited for one to
		// be released or made.
		Waits:    s.EmptyAcquireCount(),
		WaitTime: s.EmptyAcquireWaitTime(),
	}}
}
