package httperror_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/httperror"
)

func TestStatus(t *testing.T) {
	for code, want := range map[string]int{
		"":                   http.StatusOK,
		dialog.ECONFLICT:     http.StatusConflict,
		dialog.EINTERNAL:     http.StatusInternalServerError,
		dialog.EINVALID:      http.StatusBadRequest,
		dialog.ENOTFOUND:     http.StatusNotFound,
		dialog.ETOOLARGE:     http.StatusRequestEntityTooLarge,
		dialog.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
		dialog.EUNAVAILABLE:  http.StatusServiceUnavailable,
		dialog.EFORBIDDEN:    http.StatusForbidden,
		dialog.EUNAUTHORIZED: http.StatusUnauthorized,
		dialog.ERATELIMIT:    http.StatusTooManyRequests,
		"no such code":       http.StatusInternalServerError,
	} {
		if got := httperror.Status(code); got != want {
			t.Errorf("Status(%q) = %d, want %d", code, got, want)
		}
	}
}

// TestError checks the answer to a failed request: the status and the
// JSON body of the error's code, the safe message only, and what is
// logged at which level.
func TestError(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		gone       bool // the client went away before the answer
		wantStatus int
		wantBody   string
		wantLog    string // the level logged at, or "" for nothing
	}{
		{
			name:       "caller's mistake",
			err:        fmt.Errorf("post: %w", dialog.Errorf(dialog.EINVALID, "text is <empty>")),
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"code":"invalid","error":"text is \u003cempty\u003e"}`,
		},
		{
			name:       "bug",
			err:        errors.New("nil map in handler"),
			wantStatus: http.StatusInternalServerError,
			wantBody:   `{"code":"internal","error":"internal error"}`,
			wantLog:    "ERROR",
		},
		{
			name:       "store down",
			err:        fmt.Errorf("get ticket: %w", dialog.Errorf(dialog.EUNAVAILABLE, "the database is unavailable")),
			wantStatus: http.StatusServiceUnavailable,
			wantBody:   `{"code":"unavailable","error":"the database is unavailable"}`,
			wantLog:    "ERROR",
		},
		{
			name:       "client gone",
			err:        fmt.Errorf("get ticket: %w", context.Canceled),
			gone:       true,
			wantStatus: http.StatusInternalServerError,
			wantBody:   `{"code":"internal","error":"internal error"}`,
			wantLog:    "DEBUG",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logged bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
			r := httptest.NewRequest(http.MethodGet, "/api/v1/tickets/T-1", nil)
			if tt.gone {
				ctx, cancel := context.WithCancel(r.Context())
				cancel()
				r = r.WithContext(ctx)
			}
			w := httptest.NewRecorder()
			httperror.Error(log, w, r, tt.err)

			if w.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Body.String(); got != tt.wantBody {
				t.Errorf("body %s, want %s", got, tt.wantBody)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("content type %q", ct)
			}
			switch {
			case tt.wantLog == "" && logged.Len() > 0:
				t.Errorf("logged %q, want nothing", logged.String())
			case tt.wantLog != "" && !strings.Contains(logged.String(), "level="+tt.wantLog+" "):
				t.Errorf("logged %q, want level %s", logged.String(), tt.wantLog)
			case tt.wantLog != "" && !strings.Contains(logged.String(), "path=/api/v1/tickets/T-1"):
				t.Errorf("logged %q without the path", logged.String())
			}
		})
	}
}
