package postgres

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// takeover is how soon another process must lead once the leader is gone.
const takeover = 3 * time.Second

// leaderRuns records the runs of the leaders of one lock.
type leaderRuns struct {
	running atomic.Int32 // runs going on now
	overlap atomic.Bool  // whether two ever ran at once
	started chan string  // the leader that started a run
	stopped chan string  // the leader whose run ended
}

func newLeaderRuns() *leaderRuns {
	return &leaderRuns{started: make(chan string, 16), stopped: make(chan string, 16)}
}

// run returns the run function of the leader id: it runs until its
// context ends.
func (r *leaderRuns) run(id string) func(context.Context) error {
	return func(ctx context.Context) error {
		if r.running.Add(1) > 1 {
			r.overlap.Store(true)
		}
		r.started <- id
		<-ctx.Done()
		r.running.Add(-1)
		r.stopped <- id
		return nil
	}
}

// startLeader calls Lead in the background. The function it returns
// cancels Lead's context and fails the test unless Lead returns nil within
// a second; it runs at the end of the test too.
func startLeader(t *testing.T, url, name string, run func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	go func() { done <- Lead(ctx, url, name, log, run) }()
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Lead %s: %v", name, err)
			}
		case <-time.After(time.Second):
			t.Errorf("Lead %s did not return within a second of its context ending", name)
			<-done // Lead must not log after the test
		}
	}
	t.Cleanup(stop) // before the database is dropped
	return stop
}

// receive returns the next value from ch; it fails the test if none comes
// within d.
func receive(t *testing.T, ch <-chan string, d time.Duration, what string) string {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("no leader %s within %s", what, d)
		return ""
	}
}

// leaderPID returns the server process id of the one session that holds
// an advisory lock in the database at url.
func leaderPID(t *testing.T, admin *pgx.Conn) int32 {
	t.Helper()
	rows, err := admin.Query(t.Context(), `SELECT pid FROM pg_locks
		WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
	if err != nil {
		t.Fatalf("read pg_locks: %v", err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatalf("read pg_locks: %v", err)
	}
	if len(pids) != 1 {
		t.Fatalf("sessions holding an advisory lock: %v, want one", pids)
	}
	return pids[0]
}

func TestLeadOneAtATime(t *testing.T) {
	t.Parallel()
	url := newTestDB(t).url
	runs := newLeaderRuns()
	stops := map[string]func(){
		"a": startLeader(t, url, "telegram", runs.run("a")),
		"b": startLeader(t, url, "telegram", runs.run("b")),
	}
	first := receive(t, runs.started, takeover, "started")
	// The other one tries the lock every second meanwhile.
	select {
	case id := <-runs.started:
		t.Fatalf("leader %s started while %s led", id, first)
	case <-time.After(3 * leaderPoll):
	}

	stops[first]()
	if id := receive(t, runs.stopped, time.Second, "stopped"); id != first {
		t.Errorf("stopped %s, want %s", id, first)
	}
	if id := receive(t, runs.started, takeover, "took over"); id == first {
		t.Errorf("%s started again after its context ended", id)
	}
	if runs.overlap.Load() {
		t.Error("two leaders ran at once")
	}
}

func TestLeadTakesOverWhenConnectionBreaks(t *testing.T) {
	t.Parallel()
	url := newTestDB(t).url
	admin, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer admin.Close(context.Background())
	runs := newLeaderRuns()
	startLeader(t, url, "whatsapp", runs.run("a"))
	receive(t, runs.started, takeover, "started")
	stopB := startLeader(t, url, "whatsapp", runs.run("b"))

	if _, err := admin.Exec(t.Context(), "SELECT pg_terminate_backend($1)", leaderPID(t, admin)); err != nil {
		t.Fatalf("terminate the leader's connection: %v", err)
	}
	if id := receive(t, runs.stopped, takeover, "stopped"); id != "a" {
		t.Errorf("stopped %s, want a", id)
	}
	if id := receive(t, runs.started, takeover, "took over"); id != "b" {
		t.Errorf("started %s, want b", id)
	}

	// a went back to waiting: it leads again once b is gone.
	stopB()
	if id := receive(t, runs.stopped, time.Second, "stopped"); id != "b" {
		t.Errorf("stopped %s, want b", id)
	}
	if id := receive(t, runs.started, takeover, "took over"); id != "a" {
		t.Errorf("started %s, want a", id)
	}
}

func TestLeadSeparateLocks(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	schemaURL := db.schemaURL(t)
	tests := []struct {
		name         string
		urlA, nameA  string
		urlB, nameB  string
		wantTogether bool
	}{
		{"different names", db.url, "telegram", db.url, "whatsapp", true},
		{"different schemas", db.url, "telegram", schemaURL, "telegram", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ra, rb := newLeaderRuns(), newLeaderRuns()
			startLeader(t, tt.urlA, tt.nameA, ra.run("a"))
			startLeader(t, tt.urlB, tt.nameB, rb.run("b"))
			receive(t, ra.started, takeover, "a started")
			receive(t, rb.started, takeover, "b started")
		})
	}
}

func TestLeadRunsAgainAfterAnError(t *testing.T) {
	t.Parallel()
	url := newTestDB(t).url
	var calls atomic.Int32
	again := make(chan string, 1)
	startLeader(t, url, "telegram", func(ctx context.Context) error {
		if calls.Add(1) == 1 {
			return errors.New("cannot start")
		}
		again <- "a"
		<-ctx.Done()
		return nil
	})
	receive(t, again, takeover, "ran again after an error")
}

func TestLeadBadURL(t *testing.T) {
	t.Parallel()
	err := Lead(t.Context(), "postgres://u:secret@host:notaport/db", "telegram", nil, func(context.Context) error {
		t.Error("run was called")
		return nil
	})
	if err == nil {
		t.Fatal("Lead accepted a URL with a bad port")
	}
	if got := err.Error(); got != "leader lock: the database URL is not valid" {
		t.Errorf("error %q, want no URL in it", got)
	}
}

// TestLeadStopsCleanly cancels Lead while it leads and while it waits: it
// returns promptly (startLeader checks) and leaves no goroutine or
// connection behind. It
// is not parallel, so that other tests' goroutines do not come and go
// while it counts.
func TestLeadStopsCleanly(t *testing.T) {
	url := newTestDB(t).url
	before := runtime.NumGoroutine()
	holder := newLeaderRuns()
	stopHolder := startLeader(t, url, "telegram", holder.run("holder"))
	receive(t, holder.started, takeover, "started")
	waiter := newLeaderRuns()
	stopWaiter := startLeader(t, url, "telegram", waiter.run("waiter"))
	waitForSessions(t, url, 2) // the waiter has connected and tries the lock

	stopWaiter()
	stopHolder()
	if id := receive(t, holder.stopped, time.Second, "stopped"); id != "holder" {
		t.Errorf("stopped %s, want holder", id)
	}
	if len(waiter.started) != 0 {
		t.Error("the waiter led while the holder held the lock")
	}
	waitForGoroutines(t, before)
	waitForSessions(t, url, 0) // both connections are closed
}

// waitForSessions waits until n leader lock connections are open in the
// database at url.
func waitForSessions(t *testing.T, url string, n int) {
	t.Helper()
	admin, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer admin.Close(context.Background())
	deadline := time.Now().Add(takeover)
	for {
		var got int
		err := admin.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = 'firstline leader lock'`).Scan(&got)
		if err != nil {
			t.Fatalf("read pg_stat_activity: %v", err)
		}
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d leader lock connections, want %d", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitForGoroutines waits until no more than want goroutines run: a
// closed connection's last goroutines may take a moment to end.
func waitForGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
