package main

import (
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
)

// TestAnalyticsWorkingTimeInBrowser reads the analytics page of a server
// with business hours in a real browser: a ticket escalated on Friday at
// 17:30, answered on Monday at 09:30 and closed at 10:30 took 1 and 2
// working hours, and the page says its times are working time.
func TestAnalyticsWorkingTimeInBrowser(t *testing.T) {
	data := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := sqlite.Open(t.Context(), filepath.Join(data, "firstline.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	engine := dialog.NewEngine(store, dialogtest.KB(t, "../../configs/intents"), nil, dialog.DefaultConfig, log)
	friday := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	s := dialogtest.NewScript(t, engine, friday)
	s.At(0, 17, 30)
	s.Expect("webchat", "b", "/human", dialog.ReasonCustomerAsk)
	s.At(3, 9, 30)
	s.Reply("b", "olga", "Здравствуйте")
	s.At(3, 10, 30)
	s.Close("b", "olga")
	store.Close()

	addUser(t, data, "alla", "analyst", "correct horse battery")
	config := writeConfig(t, "intents: ../../configs/intents\nbusiness_hours:\n  hours: [\"mon-fri 09:00-18:00\"]\n")
	srv := startServer(t, data, "--config", config)
	ctx := newBrowser(t)
	login(t, ctx, srv.url, "alla", "correct horse battery")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.url+"panel/analytics?from=2026-11-20&to=2026-11-23")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `document.readyState === "complete" && document.querySelector("#queues-table") !== null`, "the queues table")
	if about := evalString(t, ctx, `document.querySelector("#about").textContent`); !strings.Contains(about, "First response and resolution times are working time") {
		t.Errorf("the page says %q, not that its times are working time", about)
	}
	row := evalString(t, ctx, `[...document.querySelectorAll('#queues-table tr.total td')].slice(0, 7).map(td => td.textContent.trim()).join("|")`)
	if want := "All tickets|1|1|1h 0m|1h 0m|2h 0m|2h 0m"; row != want {
		t.Errorf("the tickets row reads %q, want %q", row, want)
	}
}
