package whatsapp

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

// recorder keeps the records a logger writes.
type recorder struct {
	level   slog.Level
	records []slog.Record
}

func (r *recorder) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.records = append(r.records, rec)
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

// TestLogger checks that whatsmeow's log lines reach slog formatted, at
// their level, with the module that wrote them, and that lines below the
// level are dropped.
func TestLogger(t *testing.T) {
	rec := &recorder{level: slog.LevelInfo}
	log := newLogger(slog.New(rec), "WhatsApp").Sub("Client")
	log.Warnf("reconnecting in %d s", 4)
	log.Debugf("a frame of %d bytes", 1200)
	log.Sub("Socket").Errorf("closed: %v", "EOF")

	type line struct {
		level  slog.Level
		msg    string
		module string
	}
	want := []line{
		{slog.LevelWarn, "reconnecting in 4 s", "WhatsApp/Client"},
		{slog.LevelError, "closed: EOF", "WhatsApp/Client/Socket"},
	}
	if len(rec.records) != len(want) {
		t.Fatalf("%d records, want %d", len(rec.records), len(want))
	}
	for i, r := range rec.records {
		got := line{level: r.Level, msg: r.Message}
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "module" {
				got.module = a.Value.String()
			}
			return true
		})
		if got != want[i] {
			t.Errorf("record %d: %+v, want %+v", i, got, want[i])
		}
	}
}

// TestLoggerHidesPhoneNumbers checks that whatsmeow's lines name no
// customer's phone number at info level and above, and still do at debug.
func TestLoggerHidesPhoneNumbers(t *testing.T) {
	rec := &recorder{level: slog.LevelDebug}
	log := newLogger(slog.New(rec), "WhatsApp")
	log.Warnf("Error decrypting message %s from %s: %v", "3EB0", "79161234567:12@s.whatsapp.net in 79161234567@s.whatsapp.net", "bad mac")
	log.Infof("Got %d new devices for %s", 2, "123456789012345@lid")
	log.Debugf("Decrypting message from %s", "79161234567@s.whatsapp.net")
	if len(rec.records) != 3 {
		t.Fatalf("%d records, want 3", len(rec.records))
	}
	for _, r := range rec.records[:2] {
		if strings.Contains(r.Message, "79161234567") || strings.Contains(r.Message, "123456789012345") {
			t.Errorf("%s line names a customer: %q", r.Level, r.Message)
		}
	}
	if want := "Error decrypting message 3EB0 from …@s.whatsapp.net in …@s.whatsapp.net: bad mac"; rec.records[0].Message != want {
		t.Errorf("warn line = %q, want %q", rec.records[0].Message, want)
	}
	if !strings.Contains(rec.records[2].Message, "79161234567@") {
		t.Errorf("debug line = %q, want the address kept", rec.records[2].Message)
	}
}
