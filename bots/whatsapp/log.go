package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// slogLogger passes whatsmeow's log lines to a slog.Logger. whatsmeow logs
// with printf-style messages and named sub-loggers; the module name becomes
// an attribute.
type slogLogger struct {
	log    *slog.Logger
	module string
}

// newLogger returns a whatsmeow logger writing to log.
func newLogger(log *slog.Logger, module string) waLog.Logger {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &slogLogger{log: log, module: module}
}

func (l *slogLogger) Errorf(msg string, args ...any) { l.write(slog.LevelError, msg, args) }
func (l *slogLogger) Warnf(msg string, args ...any)  { l.write(slog.LevelWarn, msg, args) }
func (l *slogLogger) Infof(msg string, args ...any)  { l.write(slog.LevelInfo, msg, args) }
func (l *slogLogger) Debugf(msg string, args ...any) { l.write(slog.LevelDebug, msg, args) }

// Sub returns a logger for a part of whatsmeow, e.g. "Client/Socket".
func (l *slogLogger) Sub(module string) waLog.Logger {
	return &slogLogger{log: l.log, module: l.module + "/" + module}
}

func (l *slogLogger) write(level slog.Level, msg string, args []any) {
	ctx := context.Background() // whatsmeow gives its logger no context
	// Formatting costs something and whatsmeow logs a lot at debug level:
	// skip it when the line would be dropped anyway.
	if !l.log.Enabled(ctx, level) {
		return
	}
	line := fmt.Sprintf(msg, args...)
	if level >= slog.LevelInfo {
		// whatsmeow names customers by their addresses, which are their
		// phone numbers: those are for debugging only.
		line = addressUser.ReplaceAllString(line, "…@")
	}
	l.log.Log(ctx, level, line, "module", l.module)
}

// addressUser matches the user part of a WhatsApp address: a phone number
// or a linked id, with a device number, as in 79161234567:12@s.whatsapp.net.
var addressUser = regexp.MustCompile(`\d{5,}(?:[.:]\d+)*@`)
