package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Timing of the leader lock.
const (
	// leaderPoll is how often a replica that waits tries the lock.
	leaderPoll = time.Second
	// leaderQuiet is how long the holder's connection may be quiet before
	// the holder asks the server whether it is still there.
	leaderQuiet = time.Second
	// leaderAnswer is how long the server may take to answer.
	leaderAnswer = 2 * time.Second
)

// leaderKeepalives make the server notice within about ten seconds that
// the holder's machine vanished (a crash, a cut network), instead of the
// operating system's default of two hours, so that the lock is freed.
// They start later than the holder gives up on an unanswered check
// (leaderQuiet+leaderAnswer), so that the holder stops before another
// replica can start.
var leaderKeepalives = map[string]string{
	"tcp_keepalives_idle":     "5",
	"tcp_keepalives_interval": "1",
	"tcp_keepalives_count":    "5",
}

// tryLockSQL takes the session advisory lock for a name without waiting.
// The schema is part of the key, so that deployments in different schemas
// of one database each have a leader.
const tryLockSQL = `SELECT pg_try_advisory_lock(hashtext(coalesce(current_schema(), '') || '/' || $1))`

// Lead runs run on exactly one of the processes that call Lead with the
// same database and name: the one holding a PostgreSQL advisory lock for
// name, on a connection of its own (not a pool's). The others try the lock
// every second.
//
// The context run gets ends when ctx does or when the lock's connection
// breaks, since then the server may already have given the lock to
// another process. When run returns, or the lock is lost, Lead closes the
// connection, which releases the lock, and goes back to waiting. A process
// that dies loses its connection, so the server frees the lock at once and
// another process takes over within about a second.
//
// The lock is held by the server only while the connection lasts: the URL
// must reach PostgreSQL directly or through a pooler in session mode.
//
// Lead returns nil once ctx is done and run has returned; it returns an
// error only for a URL it cannot parse. Problems with the database are
// logged and retried. A nil log discards log output.
func Lead(ctx context.Context, url string, name string, log *slog.Logger, run func(ctx context.Context) error) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	config, err := leaderConfig(url)
	if err != nil {
		return err
	}
	log = log.With("lock", name)
	for {
		conn := waitForLock(ctx, config, name, log)
		if conn == nil {
			return nil // ctx is done
		}
		log.Info("leadership gained")
		lost, err := hold(ctx, conn, run)
		closeConn(ctx, conn)
		switch {
		case ctx.Err() != nil:
			log.Info("leadership released")
			return nil
		case lost != nil:
			log.Warn("leadership lost: the lock's connection broke", "err", lost)
		case err != nil:
			log.Error("leadership released: the leader stopped with an error", "err", err)
		default:
			log.Warn("leadership released: the leader returned")
		}
		// Give another process a chance, and do not spin on a leader
		// that fails at once.
		if !sleep(ctx, leaderPoll) {
			return nil
		}
	}
}

// leaderConfig parses url for the lock's connection.
func leaderConfig(url string) (*pgx.ConnConfig, error) {
	config, err := pgx.ParseConfig(url)
	if err != nil {
		// The error quotes the URL, password and all: keep it out.
		return nil, fmt.Errorf("leader lock: the database URL is not valid")
	}
	if config.ConnectTimeout == 0 {
		config.ConnectTimeout = connectTimeout
	}
	if _, ok := config.RuntimeParams["application_name"]; !ok {
		config.RuntimeParams["application_name"] = "firstline leader lock"
	}
	for k, v := range leaderKeepalives {
		if _, ok := config.RuntimeParams[k]; !ok {
			config.RuntimeParams[k] = v
		}
	}
	return config, nil
}

// waitForLock connects and tries the lock every leaderPoll until it holds
// it, and returns the connection that holds it; nil when ctx is done
// first. A connection that fails is replaced by a new one.
func waitForLock(ctx context.Context, config *pgx.ConnConfig, name string, log *slog.Logger) *pgx.Conn {
	var conn *pgx.Conn
	// Each state is logged when it begins, not every second.
	waiting, failing := false, false
	for {
		var err error
		if conn == nil {
			conn, err = pgx.ConnectConfig(ctx, config)
		}
		if err == nil {
			var held bool
			held, err = tryLock(ctx, conn, name)
			switch {
			case err != nil:
				closeConn(ctx, conn)
				conn = nil
			case held:
				return conn
			case !waiting:
				log.Info("another process leads; waiting")
				waiting = true
			}
		}
		switch {
		case err == nil || ctx.Err() != nil:
			failing = false
		case !failing:
			log.Warn("cannot reach the database for the leader lock; will retry", "err", err)
			failing = true
		}
		if !sleep(ctx, leaderPoll) {
			if conn != nil {
				closeConn(ctx, conn)
			}
			return nil
		}
	}
}

// tryLock takes the lock for name on conn if no other session holds it,
// and reports whether conn holds it now.
func tryLock(ctx context.Context, conn *pgx.Conn, name string) (bool, error) {
	var held bool
	if err := conn.QueryRow(ctx, tryLockSQL, name).Scan(&held); err != nil {
		return false, fmt.Errorf("try the leader lock: %w", err)
	}
	return held, nil
}

// hold runs run while conn holds the lock, watching the connection. It
// returns why the connection was found broken (nil if it was not) and
// what run returned.
func hold(ctx context.Context, conn *pgx.Conn, run func(ctx context.Context) error) (lost, err error) {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		lost = watch(runCtx, conn)
		cancel()
	})
	err = run(runCtx)
	cancel()
	wg.Wait()
	return lost, err
}

// watch returns the error that shows conn is broken, or nil once ctx is
// done. It waits on the connection for anything the server sends, so that
// a connection the server ends (an administrator, a restart) is noticed at
// once; after each quiet leaderQuiet it asks the server, which notices a
// network that no longer carries anything.
func watch(ctx context.Context, conn *pgx.Conn) error {
	for {
		quiet, cancel := context.WithTimeout(ctx, leaderQuiet)
		err := conn.PgConn().WaitForNotification(quiet)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && !pgconn.Timeout(err) {
			return err
		}
		answer, cancel := context.WithTimeout(ctx, leaderAnswer)
		err = conn.Ping(answer)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// closeConn closes conn, which releases the lock if it holds it. A broken
// connection closes at once; a live one gets a moment to say goodbye.
func closeConn(ctx context.Context, conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	conn.Close(ctx) // the error says only that the goodbye was not sent
}

// sleep waits for d; it reports false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}
