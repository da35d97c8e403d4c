package metrics

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// Unmatched is the route label of requests that matched no route: by
// pattern, not by path, so that scanners probing paths add no series.
const Unmatched = "unmatched"

// ClientGone is the status label of requests whose client went away
// before they were answered.
const ClientGone = "gone"

// Middleware times every request by method, route pattern and status
// class. Add it before the routes, so that it sees them all.
func (m *Metrics) Middleware() gin.HandlerFunc {
	return func(ctx *gin.Context) {
		start := time.Now()
		ctx.Next()
		route := ctx.FullPath()
		if route == "" {
			route = Unmatched
		}
		status := statusClass(ctx.Writer.Status())
		if errors.Is(ctx.Request.Context().Err(), context.Canceled) {
			// The client went away (a closed page, a dropped live-update
			// stream): whatever the handler answered reached no one, and a
			// failure then is not the server's to alert on.
			status = ClientGone
		}
		m.httpDuration.WithLabelValues(methodLabel(ctx.Request.Method), route, status).
			Observe(time.Since(start).Seconds())
	}
}

// methodLabel is the method as a label: anything but the standard
// methods is "other", since a client may send any word.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	}
	return "other"
}

// statusClass is a status code's class: 200 → "2xx".
func statusClass(code int) string {
	if code < 100 || code > 599 {
		return "other"
	}
	return strconv.Itoa(code/100) + "xx"
}
