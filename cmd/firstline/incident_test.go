package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// TestIncidentCommands opens, updates, lists and closes incidents from
// the command line, and checks what the store then holds.
func TestIncidentCommands(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		code int
		out  string // in stdout on success, in stderr on failure
	}{
		{"open", []string{"incident", "open", "--intents", "no_internet, slow_speed", "--text-ru", "Авария на линии", "--text-en", "A line is down",
			"--until", "2099-12-04T18:00", "--by", "olga"}, 0, "opened incident 1 (active)"},
		{"planned works", []string{"incident", "open", "--intents", "tv", "--text-en", "Cable works", "--starts", "2099-01-01T08:00", "--areas", "North; Lenin st, 5"}, 0, "opened incident 2 (planned)"},
		{"no intents", []string{"incident", "open", "--text-en", "x"}, 2, "at least one intent"},
		{"no text", []string{"incident", "open", "--intents", "a"}, 2, "a text in at least one language"},
		{"bad time", []string{"incident", "open", "--intents", "a", "--text-en", "x", "--until", "tomorrow"}, 2, `"tomorrow" is not a time`},
		{"update", []string{"incident", "update", "1", "--areas", "North; Lenin st, 5", "--until", "none", "--text-en", "A line is down, nearly fixed"}, 0, "updated incident 1"},
		{"update without id", []string{"incident", "update", "--areas", "x"}, 2, "missing the incident's id"},
		{"update a missing one", []string{"incident", "update", "9", "--areas", "x"}, 1, "incident 9 not found"},
		{"list", []string{"incident", "list"}, 0, "planned"},
		{"close", []string{"incident", "close", "1", "--text-en", "Fixed"}, 0, "closed incident 1; the server tells 0 customers"},
		{"close again", []string{"incident", "close", "1"}, 1, "closed already"},
		{"update a closed one", []string{"incident", "update", "1", "--areas", "x"}, 1, "is closed"},
		{"unknown subcommand", []string{"incident", "reopen", "1"}, 2, `unknown subcommand "reopen"`},
	} {
		code, stdout, stderr := runIn(t, data, "", nil, c.args...)
		got := stdout
		if c.code != 0 {
			got = stderr
		}
		if code != c.code || !strings.Contains(got, c.out) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d and %q", c.name, code, stdout, stderr, c.code, c.out)
		}
	}

	store := openTestStore(t, data)
	inc, err := store.Incident(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if inc.ClosedAt.IsZero() || inc.CloseText["en"] != "Fixed" || inc.CreatedBy != "olga" || !inc.ExpectedEnd.IsZero() ||
		strings.Join(inc.Intents, ",") != "no_internet,slow_speed" || strings.Join(inc.Areas, "|") != "North|Lenin st, 5" ||
		inc.Text["en"] != "A line is down, nearly fixed" || inc.Text["ru"] != "Авария на линии" || inc.Version != 3 {
		t.Errorf("incident 1 = %+v", inc)
	}
	planned, err := store.Incident(t.Context(), 2)
	if err != nil || planned.StartsAt.Year() != 2099 || !planned.ClosedAt.IsZero() {
		t.Errorf("incident 2 = %+v, %v", planned, err)
	}
	list, _ := store.Incidents(t.Context(), dialog.IncidentFilter{})
	if len(list) != 2 {
		t.Errorf("%d incidents stored, want 2", len(list))
	}
	store.Close()

	// Customers who asked to be told are left to the server; they are
	// all counted, however many.
	store = openTestStore(t, data)
	var conv *dialog.Conversation
	err = store.Update(t.Context(), func(tx dialog.Tx) (err error) {
		if conv, err = tx.EnsureConversation(t.Context(), "webchat", "w1"); err != nil {
			return err
		}
		_, err = tx.SubscribeIncident(t.Context(), 2, conv.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	many := &dialog.Incident{Text: map[string]string{"en": "Down"}, Intents: []string{"tv"}, StartsAt: time.Now()}
	err = store.Update(t.Context(), func(tx dialog.Tx) error {
		if err := tx.CreateIncident(t.Context(), many); err != nil {
			return err
		}
		for i := range 150 {
			c, err := tx.EnsureConversation(t.Context(), "webchat", fmt.Sprintf("m%d", i))
			if err != nil {
				return err
			}
			if _, err := tx.SubscribeIncident(t.Context(), many.ID, c.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	code, stdout, stderr := runIn(t, data, "", nil, "incident", "close", "2")
	if code != 0 || !strings.Contains(stdout, "the server tells 1 customer it is over") {
		t.Errorf("close with a subscriber: exit %d, %q, %q", code, stdout, stderr)
	}
	code, stdout, stderr = runIn(t, data, "", nil, "incident", "close", fmt.Sprint(many.ID))
	if code != 0 || !strings.Contains(stdout, "the server tells 150 customers it is over") {
		t.Errorf("close with 150 subscribers: exit %d, %q, %q", code, stdout, stderr)
	}
	store = openTestStore(t, data)
	if due, err := store.IncidentNoticesDue(t.Context(), 10); err != nil || len(due) != 10 || due[0].ConversationID != conv.ID {
		t.Errorf("notices due after the command = %v, %v; want the subscriber's first", due, err)
	}
}

// TestIncidentListZone lists an incident's times in the zone --starts and
// --until were read in (business_hours.zone), not the server's.
func TestIncidentListZone(t *testing.T) {
	zone := "Asia/Vladivostok"
	at := time.Date(2099, 1, 1, 8, 0, 0, 0, time.UTC)
	if _, off := at.In(time.Local).Zone(); off == 10*3600 {
		zone = "America/New_York" // the server's own zone would hide the difference
	}
	data := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "firstline.yaml")
	if err := os.WriteFile(cfg, []byte("business_hours:\n  zone: "+zone+"\n  hours: [\"mon-fri 09:00-18:00\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runIn(t, data, "", nil, "incident", "open", "--config", cfg, "--intents", "tv", "--text-en", "Cable works",
		"--starts", "2099-01-01T08:00", "--until", "2099-01-01T18:00")
	if code != 0 {
		t.Fatalf("open: exit %d, %q, %q", code, stdout, stderr)
	}
	code, stdout, stderr = runIn(t, data, "", nil, "incident", "list", "--config", cfg)
	if code != 0 || !strings.Contains(stdout, "2099-01-01 08:00") || !strings.Contains(stdout, "2099-01-01 18:00") {
		t.Errorf("list: exit %d, %q, %q; want the times as written", code, stdout, stderr)
	}
}

// TestIncidentListKeepsOldOpenOnes: incident list shows an incident open
// for long, however many newer ones were closed since.
func TestIncidentListKeepsOldOpenOnes(t *testing.T) {
	data := t.TempDir()
	code, stdout, stderr := runIn(t, data, "", nil, "incident", "open", "--intents", "tv", "--text-en", "Long works on the ring")
	if code != 0 {
		t.Fatalf("open: exit %d, %q, %q", code, stdout, stderr)
	}
	store := openTestStore(t, data)
	err := store.Update(t.Context(), func(tx dialog.Tx) error {
		for i := range 110 {
			inc := &dialog.Incident{Text: map[string]string{"en": fmt.Sprintf("Short outage %d", i)}, Intents: []string{"tv"},
				StartsAt: time.Now(), ClosedAt: time.Now()}
			if err := tx.CreateIncident(t.Context(), inc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	code, stdout, stderr = runIn(t, data, "", nil, "incident", "list")
	if code != 0 || !strings.Contains(stdout, "Long works on the ring") || !strings.Contains(stdout, "Short outage 109") {
		t.Errorf("list: exit %d, stderr %q; want the open incident and the newest closed one in:\n%s", code, stderr, stdout)
	}
	if n := strings.Count(stdout, "Short outage"); n != 100 {
		t.Errorf("%d closed incidents listed, want 100", n)
	}
}

// TestIncidentCommandIntents checks the intents against the knowledge
// base of the config: a mistyped one would never be told, so it is
// refused, naming those there are; nothing is opened.
func TestIncidentCommandIntents(t *testing.T) {
	data := t.TempDir()
	shop := map[string]string{"FIRSTLINE_INTENTS": "testdata/shop"}
	code, _, stderr := runIn(t, data, "", shop, "incident", "open", "--intents", "delivery, no_internet", "--text-en", "The courier service is down")
	if code != 2 || !strings.Contains(stderr, "no_internet not in the knowledge base") || !strings.Contains(stderr, "delivery") {
		t.Errorf("an unknown intent: exit %d, %q", code, stderr)
	}
	if _, stdout, _ := runIn(t, data, "", shop, "incident", "list"); strings.Contains(stdout, "courier") {
		t.Errorf("a refused incident was opened:\n%s", stdout)
	}
	if code, stdout, stderr := runIn(t, data, "", shop, "incident", "open", "--intents", "delivery", "--text-en", "The courier service is down"); code != 0 {
		t.Errorf("a known intent: exit %d, %q %q", code, stdout, stderr)
	}
	if code, _, stderr := runIn(t, data, "", shop, "incident", "update", "1", "--intents", "deliveyr"); code != 2 || !strings.Contains(stderr, "deliveyr") {
		t.Errorf("an update to an unknown intent: exit %d, %q", code, stderr)
	}
}
