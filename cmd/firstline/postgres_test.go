package main

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog/postgres/pgtest"
)

// TestServePostgres runs `firstline serve` with FIRSTLINE_DATABASE_URL on a
// database of its own: the web chat, escalation, the user commands and the
// tickets API work as on SQLite, and nothing is written to the data
// directory.
func TestServePostgres(t *testing.T) {
	t.Setenv("FIRSTLINE_DATABASE_URL", pgtest.Database(t))
	data := t.TempDir()
	s := startServer(t, data)

	if r := s.say("pg", "1", "забыл пароль от личного кабинета"); !strings.Contains(joinReplies(r), "Забыли пароль?") {
		t.Errorf("answer on PostgreSQL: %q", joinReplies(r))
	}
	r := s.say("pg", "2", "/human")
	if r.Ticket == nil || r.Ticket.Number != "FL-000001" {
		t.Fatalf("escalation on PostgreSQL: %+v", r.Ticket)
	}
	s.token = newAPIToken(t, data) // the user commands follow the same setting
	var ticket struct {
		Transcript []struct{ Text string } `json:"transcript"`
	}
	if code := s.getJSON("/api/v1/tickets/"+r.Ticket.Number, &ticket); code != http.StatusOK || len(ticket.Transcript) != 5 {
		t.Errorf("ticket on PostgreSQL: %d, %d messages", code, len(ticket.Transcript))
	}
	s.stop()
	if out, _ := exec.Command("ls", "-A", data).Output(); len(out) != 0 {
		t.Errorf("the data directory is not empty: %s", out)
	}
}
