package whatsapp

import (
	"context"
	"log/slog"
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
