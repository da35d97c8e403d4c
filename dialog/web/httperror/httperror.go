// Package httperror answers HTTP requests that failed with a dialog error.
// It holds the one table from dialog error codes to HTTP statuses, and the
// one rule for which failures are logged, for the JSON endpoints and the
// panel's pages alike.
package httperror

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/firstline-support/firstline/dialog"
)

// Status returns the HTTP status for a dialog error code: 200 for no
// error, 500 for a code it does not know.
func Status(code string) int {
	switch code {
	case "":
		return http.StatusOK
	case dialog.ECONFLICT:
		return http.StatusConflict
	case dialog.EINVALID:
		return http.StatusBadRequest
	case dialog.ENOTFOUND:
		return http.StatusNotFound
	case dialog.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case dialog.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case dialog.EFORBIDDEN:
		return http.StatusForbidden
	case dialog.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case dialog.ERATELIMIT:
		return http.StatusTooManyRequests
	case dialog.EUNSUPPORTED:
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

// body is the JSON an API answers a failed request with.
type body struct {
	Code  string `json:"code"`
	Error string `json:"error"`
}

// Error answers r with err: the status of its code and a JSON body with
// its code and the message safe to show, {"code": ..., "error": ...}. It
// logs err as Log does.
func Error(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	Log(log, r, err)
	code := dialog.ErrorCode(err)
	// Two strings always marshal.
	b, _ := json.Marshal(body{Code: code, Error: dialog.ErrorMessage(err)})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(Status(code))
	w.Write(b) // a failed write means the client is gone: no one to tell
}

// Log records the failure of r with err when it is not the caller's doing:
// an internal error or an unavailable store, at level Error. A request
// whose client went away is recorded at level Debug only: what failed
// then is most likely the work the client stopped waiting for, and there
// is nothing to fix. Errors of the caller (bad input, not found, ...) are
// answered, not logged.
func Log(log *slog.Logger, r *http.Request, err error) {
	code := dialog.ErrorCode(err)
	if code != dialog.EINTERNAL && code != dialog.EUNAVAILABLE {
		return
	}
	level, msg := slog.LevelError, "request failed"
	if ClientGone(r) {
		level, msg = slog.LevelDebug, "request failed: the client went away"
	}
	log.Log(r.Context(), level, msg, "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
}

// ClientGone reports whether r's client went away before it was answered:
// its connection closed (the server cancels the request's context then),
// so whatever r fails with, or is answered with, reaches no one. A
// browser closing a live-update stream or leaving a page does this.
func ClientGone(r *http.Request) bool {
	return errors.Is(r.Context().Err(), context.Canceled)
}
