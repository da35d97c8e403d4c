package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/calendar"
)

// TestSettingsBusinessHours checks what business_hours gives the engine:
// nothing when off, a default calendar, and queues' own hours with the
// default's zone and holidays.
func TestSettingsBusinessHours(t *testing.T) {
	dir := t.TempDir()
	read := func(body string) *settings {
		t.Helper()
		p := filepath.Join(dir, "firstline.yaml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := readConfig(p, true)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if hours := read("addr: 127.0.0.1:9000\n").engineConfig().Hours; len(hours) != 0 {
		t.Errorf("without business_hours: %v, want none (always open)", hours)
	}

	hours := read(`business_hours:
  zone: Europe/Moscow
  hours: ["mon-fri 09:00-18:00"]
  holidays: [2026-12-08]
  queues:
    third_line: {hours: ["mon-fri 10:00-12:00"]}
`).engineConfig().Hours
	def, third := hours[""], hours["third_line"]
	if def == nil || third == nil || len(hours) != 2 {
		t.Fatalf("calendars %v, want the default and third_line's", hours)
	}
	msk, _ := time.LoadLocation("Europe/Moscow")
	friday := time.Date(2026, 12, 4, 17, 0, 0, 0, msk)
	if got, want := def.Add(friday, 2*time.Hour), time.Date(2026, 12, 7, 10, 0, 0, 0, msk); !got.Equal(want) {
		t.Errorf("default: %s, want %s", got, want)
	}
	// third_line: Moscow time, and the holiday skipped.
	monday := time.Date(2026, 12, 7, 11, 0, 0, 0, msk)
	if got, want := third.Add(monday, 2*time.Hour), time.Date(2026, 12, 9, 11, 0, 0, 0, msk); !got.Equal(want) {
		t.Errorf("third_line: %s, want %s", got, want)
	}

	cfg := read(`business_hours:
  zone: Europe/Moscow
  hours: ["mon-fri 09:00-18:00"]
  holidays: [2026-12-08]
  agents:
    anna: {hours: ["mon-fri 09:00-13:00"]}
    boris: {zone: UTC, hours: ["sat 10:00-16:00"], holidays: []}
`).engineConfig()
	anna, boris := cfg.Shifts["anna"], cfg.Shifts["boris"]
	if anna == nil || boris == nil || len(cfg.Shifts) != 2 {
		t.Fatalf("shifts %v, want anna's and boris's", cfg.Shifts)
	}
	// anna: Moscow time and the default's holiday; boris: his own zone.
	if anna.Open(time.Date(2026, 12, 7, 14, 0, 0, 0, msk)) || !anna.Open(time.Date(2026, 12, 7, 12, 0, 0, 0, msk)) ||
		anna.Open(time.Date(2026, 12, 8, 10, 0, 0, 0, msk)) {
		t.Errorf("anna's shift is not mon-fri 09:00-13:00 Moscow time without 8 December")
	}
	if !boris.Open(time.Date(2026, 12, 5, 15, 30, 0, 0, time.UTC)) || boris.Location() != time.UTC {
		t.Errorf("boris's shift is not sat 10:00-16:00 UTC")
	}
}

func TestSettingsBusinessHoursErrors(t *testing.T) {
	dir := t.TempDir()
	for i, c := range []struct {
		yaml string
		want string
	}{
		{"business_hours:\n  zone: Mars/Base\n  hours: [\"mon 09:00-18:00\"]\n", `business_hours.zone "Mars/Base": unknown time zone`},
		{"business_hours:\n  zone: Europe/Moscow\n", "business_hours.hours: at least one line"},
		{"business_hours:\n  hours: [\"mon 22:00-06:00\"]\n", `business_hours.hours "mon 22:00-06:00": the range must end after it starts`},
		{"business_hours:\n  hours: [\"weekdays 09:00-18:00\"]\n", `unknown day "weekdays"`},
		{"business_hours:\n  hours: [\"mon 09:00-18:00\"]\n  holidays: [8 March]\n", `business_hours.holidays "8 March": want a date`},
		{"business_hours:\n  queues:\n    billing: {hours: [\"mon 09:00-18:00\"]}\n", `business_hours.queues: "billing" is not one of tickets.queues`},
		{"business_hours:\n  queues:\n    second_line: {hours: [\"mon 9-18\"]}\n", `business_hours.queues.second_line.hours "mon 9-18": bad time`},
		{"business_hours:\n  queues:\n    second_line: {zone: UTC}\n", "business_hours.queues.second_line.hours: at least one line"},
		{"business_hours:\n  hours: [\"mon 09:00-18:00\"]\n  timezone: UTC\n", ":3: unknown key business_hours.timezone"},
		{"business_hours:\n  agents:\n    anna:\n      hours:\n        - mon 09:00-13:00\n        - tue 9-13\n",
			`c.yaml:6: business_hours.agents.anna.hours "tue 9-13": bad time`},
		{"business_hours:\n  agents:\n    anna: {zone: Mars/Base, hours: [\"mon 09:00-13:00\"]}\n",
			`c.yaml:3: business_hours.agents.anna.zone "Mars/Base": unknown time zone`},
		{"business_hours:\n  hours: [\"mon 09:00-18:00\"]\n  agents:\n    anna: {}\n", "c.yaml:4: business_hours.agents.anna.hours: at least one line"},
		{"tickets:\n  queues: [first_line]\nbusiness_hours:\n  queues:\n    second_line: {hours: [\"mon 09:00-18:00\"]}\n",
			`c.yaml:5: business_hours.queues: "second_line" is not one of tickets.queues`},
		{"business_hours:\n  zone: Europe/Moscow\n  hours:\n    - mon 09:00-18:00\n    - mon 12:00-14:00\n",
			`c.yaml:5: business_hours.hours "mon 12:00-14:00": overlaps`},
	} {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(c.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := parseSettings(newFlagSet("x", env{stderr: new(strings.Builder)}), []string{"--config", p}, flagAddr, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d: err = %v, want it to mention %q", i, err, c.want)
		}
	}
}

// TestShiftsWithoutUsers checks that serve warns of a shift whose name no
// user has, and of that one only.
func TestShiftsWithoutUsers(t *testing.T) {
	store := openTestStore(t, t.TempDir())
	err := store.Update(t.Context(), func(tx dialog.Tx) error {
		return tx.CreateUser(t.Context(), &dialog.User{Name: "anna", Role: dialog.RoleAgent, PasswordHash: "x"})
	})
	if err != nil {
		t.Fatal(err)
	}
	shift, err := calendar.New(calendar.Config{Hours: []string{"mon-fri 09:00-13:00"}})
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	warnShiftsWithoutUsers(t.Context(), store, map[string]*calendar.Calendar{"anna": shift, "anya": shift},
		slog.New(slog.NewTextHandler(&logs, nil)))
	if got := logs.String(); !strings.Contains(got, "name=anya") || strings.Contains(got, "name=anna") {
		t.Errorf("logged %q, want a warning about anya only", got)
	}
}
