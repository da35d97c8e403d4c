package main

import (
	"bufio"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
)

// openStream opens the panel's event stream on s with an API token and
// returns its lines.
func openStream(t *testing.T, s *server, token string) <-chan string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.url+"panel/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("events: %d", resp.StatusCode)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// The stream is subscribed once its first line arrives.
	select {
	case <-lines:
	case <-time.After(10 * time.Second):
		t.Fatal("no first line on the event stream")
	}
	return lines
}

// streamEnds waits for the stream to end, failing on any event sent
// before, and returns how long it took.
func streamEnds(t *testing.T, lines <-chan string, start time.Time) time.Duration {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return time.Since(start)
			}
			if strings.HasPrefix(l, "event:") || strings.HasPrefix(l, "data:") {
				t.Fatalf("the stream of a disabled user sent %q", l)
			}
		case <-deadline:
			t.Fatal("the stream of a disabled user did not end within 15 seconds")
		}
	}
}

// disableE2E disables the test user with the command, in a process of its
// own, as an administrator would.
func disableE2E(t *testing.T, dataDir string) time.Time {
	t.Helper()
	start := time.Now()
	if out, err := exec.Command(binary, "user", "disable", "e2e", "--data", dataDir).CombinedOutput(); err != nil {
		t.Fatalf("firstline user disable: %v\n%s", err, out)
	}
	return start
}

// TestUserDisableEndsStreams: `firstline user disable`, run beside a
// server on SQLite, ends the user's live-update stream within the
// server's recheck, with no event sent meanwhile.
func TestUserDisableEndsStreams(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	lines := openStream(t, s, newAPIToken(t, data))
	start := disableE2E(t, data)
	t.Logf("SQLite: the stream ended %v after the command started", streamEnds(t, lines, start))
	s.stop()
}

// TestUserDisableEndsStreamsOnReplicas: on PostgreSQL the command tells
// every replica through the database, and the user's streams on all of
// them end.
func TestUserDisableEndsStreamsOnReplicas(t *testing.T) {
	t.Setenv("FIRSTLINE_DATABASE_URL", pgtest.Database(t))
	dataA, dataB := t.TempDir(), t.TempDir()
	a := startServer(t, dataA)
	b := startServer(t, dataB)
	token := newAPIToken(t, dataA)
	onA, onB := openStream(t, a, token), openStream(t, b, token)
	start := disableE2E(t, dataA)
	t.Logf("PostgreSQL: the streams ended %v (replica A) and %v (replica B) after the command started",
		streamEnds(t, onA, start), streamEnds(t, onB, start))
	a.stop()
	b.stop()
}
