package main

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
)

// reportDay is the day the report tests' conversations happen on, long
// enough ago for every outcome to be told.
var reportDay = time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)

// playReportDay writes a few conversations of reportDay into store:
// "a" is answered and says it helped, then an hour later asks about
// opening hours; "b" asks for a person, whose ticket olga answers, closes
// and gets a 4 for; "c" on Telegram is answered and never comes back.
func playReportDay(t *testing.T, store dialog.Store) {
	t.Helper()
	clock := reportDay
	engine := dialog.NewEngine(store, dialogtest.KB(t, "../../dialog/testdata/intents"), nil, dialog.DefaultConfig, slog.New(slog.DiscardHandler))
	engine.SetClock(func() time.Time { return clock })
	at := func(hh, mm int) { clock = reportDay.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute) }
	say := func(channel, chat, text string) *dialog.Outcome {
		t.Helper()
		out, err := engine.Handle(t.Context(), dialog.Inbound{Channel: channel, ChatID: chat, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	act := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at(10, 0)
	say("webchat", "a", "забыл пароль")
	at(10, 1)
	say("webchat", "a", "да")
	at(11, 0)
	say("webchat", "a", "когда работает ваш офис?")
	number := say("webchat", "b", "/human").Ticket.Number
	olga := dialog.TicketAction{Number: number, Agent: "olga"}
	at(11, 30)
	_, err := engine.Reply(t.Context(), olga, "Здравствуйте")
	act(err)
	at(12, 0)
	_, err = engine.Close(t.Context(), olga)
	act(err)
	at(12, 1)
	say("webchat", "b", "4")
	at(13, 0)
	say("telegram", "c", "когда работает ваш офис?")
}

func TestReportCommand(t *testing.T) {
	for _, backend := range []struct {
		name string
		// setup writes the day into a new store and returns the data
		// dir and the environment the commands run with.
		setup func(t *testing.T) (string, map[string]string)
	}{
		{"sqlite", func(t *testing.T) (string, map[string]string) {
			data := t.TempDir()
			store := openTestStore(t, data)
			playReportDay(t, store)
			return data, nil
		}},
		{"postgres", func(t *testing.T) (string, map[string]string) {
			url := pgtest.Database(t)
			store, err := postgres.Open(t.Context(), url, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			playReportDay(t, store)
			return t.TempDir(), map[string]string{"FIRSTLINE_DATABASE_URL": url}
		}},
	} {
		t.Run(backend.name, func(t *testing.T) {
			data, envs := backend.setup(t)
			testReportCommand(t, data, envs)
		})
	}
}

func testReportCommand(t *testing.T, data string, envs map[string]string) {
	// --to is included: this is the one day.
	day := []string{"report", "--from", "2024-05-06", "--to", "2024-05-06"}
	config := writeConfig(t, "report:\n  contact_gap: 2h\n")
	for _, c := range []struct {
		name string
		args []string
		want [][]string // lines of the output, as words
	}{
		// a's two contacts (confirmed; assumed: back after the gap, but
		// never again), b's (escalated), c's (assumed).
		{"table", day, [][]string{
			strings.Fields("Report for 2024-05-06 (one UTC day),"),
			strings.Fields("contacts 4"),
			strings.Fields("escalated 1 4 25.0%"),
			strings.Fields("confirmed 1 4 25.0%"),
			strings.Fields("assumed 2 4 50.0%"),
			strings.Fields("deflected (confirmed + assumed + incident) 3 4 75.0%"),
			strings.Fields("answered by the bot 3 4 75.0%"),
			strings.Fields("all 1 1 0 1 1 30m 30m 1 1h 1h"),
			strings.Fields("agent olga 0/1 0.0% 0/1 0.0% 0/1 0.0% 4.00 1/1 0 0 0 1 0"),
		}},
		{"only Telegram", append(day, "--channel", "telegram"), [][]string{
			strings.Fields("contacts 1"),
			strings.Fields("assumed 1 1 100.0%"),
			strings.Fields("Contact gap 30m, reopen window 168h; filter channel=telegram."),
		}},
		{"only olga's", append(day, "--agent", "olga"), [][]string{
			strings.Fields("contacts 1"),
			strings.Fields("escalated 1 1 100.0%"),
		}},
		{"the gap from the config", append(day, "--config", config), [][]string{
			strings.Fields("contacts 3"),
			strings.Fields("confirmed 1 3 33.3%"),
		}},
		{"the gap from the flag", append(day, "--config", config, "--contact-gap", "20m"), [][]string{
			strings.Fields("contacts 4"),
		}},
		// b escalated at 11:00, was answered at 11:30 and closed at 12:00:
		// from 11:20 on, 10 and 40 working minutes.
		{"business hours", append(day, "--config", writeConfig(t, "business_hours:\n  hours: [\"mon-fri 11:20-18:00\"]\n")), [][]string{
			strings.Fields("First response and resolution times are working time (business hours)."),
			strings.Fields("all 1 1 0 1 1 10m 10m 1 40m 40m"),
		}},
		{"two days", []string{"report", "--from", "2024-05-05", "--to", "2024-05-06"}, [][]string{
			strings.Fields("Report for 2024-05-05 to 2024-05-06 (UTC days, both included),"),
			strings.Fields("contacts 4"),
		}},
		{"a week up to --to", []string{"report", "--to", "2024-05-12"}, [][]string{
			strings.Fields("Report for 2024-05-06 to 2024-05-12 (UTC days, both included),"),
			strings.Fields("contacts 4"),
		}},
		{"a day without events", []string{"report", "--from", "2024-05-07", "--to", "2024-05-07"}, [][]string{
			strings.Fields("contacts 0"),
			strings.Fields("Analytics events are recorded since 2024-05-06 10:00 UTC."),
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, data, "", envs, c.args...)
			if code != 0 {
				t.Fatalf("exit code %d: %s", code, stderr)
			}
			for _, want := range c.want {
				if !hasLine(stdout, want) {
					t.Errorf("no line %q in\n%s", strings.Join(want, " "), stdout)
				}
			}
		})
	}

	// Without a range: the last 7 days, today included.
	t.Run("no range", func(t *testing.T) {
		code, stdout, stderr := runIn(t, data, "", envs, "report")
		today := time.Now().UTC()
		want := "Report for " + today.AddDate(0, 0, -6).Format(time.DateOnly) + " to " + today.Format(time.DateOnly) + " (UTC days, both included)"
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("exit %d, stderr %s; output lacks %q:\n%s", code, stderr, want, stdout)
		}
	})
	t.Run("csv", func(t *testing.T) {
		code, stdout, stderr := runIn(t, data, "", envs, append(day, "--format", "csv")...)
		if code != 0 || !strings.HasPrefix(stdout, "# report\n") || !strings.Contains(stdout, "\n# contacts\nfigure,num,den,percent\ncontacts,4,,\nescalated,1,4,25.00\n") {
			t.Errorf("exit %d, stderr %s, output\n%s", code, stderr, stdout)
		}
	})
	t.Run("json", func(t *testing.T) {
		code, stdout, stderr := runIn(t, data, "", envs, append(day, "--format", "json", "--intent", "opening_hours")...)
		var doc struct {
			Filter   map[string]string `json:"filter"`
			Contacts struct {
				Total   int `json:"total"`
				Assumed struct {
					Num int `json:"num"`
				} `json:"assumed"`
			} `json:"contacts"`
		}
		if code != 0 || json.Unmarshal([]byte(stdout), &doc) != nil {
			t.Fatalf("exit %d, stderr %s, output\n%s", code, stderr, stdout)
		}
		if doc.Contacts.Total != 2 || doc.Contacts.Assumed.Num != 2 || doc.Filter["intent"] != "opening_hours" {
			t.Errorf("opening hours: %+v", doc)
		}
	})

	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"not a date", []string{"report", "--from", "06.05.2024", "--to", "2024-05-07"}, 2, `--from "06.05.2024" is not a date`},
		{"an empty range", []string{"report", "--from", "2024-05-07", "--to", "2024-05-06"}, 2, "--to 2024-05-06 is before --from 2024-05-07"},
		{"an unknown agent", append(day, "--agent", "olg"), 2, `there is no agent "olg"; the agents are olga`},
		{"an unknown queue", append(day, "--queue", "first"), 2, `there is no queue "first"; the queues are first_line, second_line, third_line`},
		{"an unknown intent", append(day, "--intent", "opening"), 2, `there is no intent "opening"`},
		{"an unknown format", append(day, "--format", "xml"), 2, "--format must be table, csv or json"},
		{"a negative gap", append(day, "--contact-gap", "-1m"), 2, "--contact-gap must be positive"},
		{"a zero gap in the config", append(day, "--config", writeConfig(t, "report:\n  contact_gap: 0s\n")), 1, "report.contact_gap must be positive"},
		{"an unexpected argument", append(day, "yesterday"), 2, "unexpected argument"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runIn(t, data, "", envs, c.args...)
			if code != c.code || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, want %d; stderr %q lacks %q", code, c.code, stderr, c.want)
			}
		})
	}
}

// writeConfig writes a config file and returns its path.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "firstline.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// hasLine reports whether a line of out has the words of want, in order,
// and no others; a want ending in "," only has to start a line.
func hasLine(out string, want []string) bool {
	for _, line := range strings.Split(out, "\n") {
		if got, w := strings.Join(strings.Fields(line), " "), strings.Join(want, " "); got == w || strings.HasSuffix(w, ",") && strings.HasPrefix(got, w+" ") {
			return true
		}
	}
	return false
}
