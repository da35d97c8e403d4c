package panel

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/auth"
)

// streamEvent is the data of one Server-Sent Event: which ticket and
// conversation changed. Pages fetch the rest.
type streamEvent struct {
	Ticket       string `json:"ticket"`
	Conversation int64  `json:"conversation"`
}

// stream sends the broker's events to a live page as Server-Sent Events
// until the page goes away, the request's context ends or the panel is
// closed. A comment every heartbeat keeps idle connections open through
// proxies.
func (p *Panel) stream(c *gin.Context) {
	select {
	case <-p.closed:
		c.Data(http.StatusServiceUnavailable, "text/plain; charset=utf-8", []byte("shutting down\n"))
		return
	default:
	}
	events, unsubscribe := p.events.Subscribe()
	defer unsubscribe()

	w := c.Writer
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // tell nginx not to hold events back
	w.WriteHeader(http.StatusOK)

	// send writes one message. The server's WriteTimeout would cut a
	// stream after a minute, so each write gets its own deadline instead:
	// long enough for a slow client, short enough that a client that
	// stopped reading does not hold the handler forever.
	send := func(msg string) bool {
		if err := rc.SetWriteDeadline(time.Now().Add(2 * p.heartbeat)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return false
		}
		if _, err := fmt.Fprint(w, msg); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// The retry hint makes the browser reconnect soon after a restart.
	if !send("retry: 2000\n\n") {
		return
	}

	u := auth.CurrentUser(c)
	heartbeat := time.NewTicker(p.heartbeat)
	defer heartbeat.Stop()
	ctx := c.Request.Context()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.closed:
			return
		case <-heartbeat.C:
			if !send(": ping\n\n") {
				return
			}
			// An open stream is an open panel: keep the agent online for
			// auto-assignment even without clicks.
			if u != nil {
				p.auth.Seen(ctx, u)
			}
		case e, ok := <-events:
			if !ok {
				return
			}
			// Events of tickets in queues the user does not work are not
			// theirs to see, not even that the ticket exists.
			if u == nil || !u.CanSeeEvent(e) {
				continue
			}
			if !send(formatEvent(e)) {
				return
			}
		}
	}
}

// formatEvent writes an event in the text/event-stream format.
func formatEvent(e dialog.Event) string {
	data, _ := json.Marshal(streamEvent{Ticket: e.TicketNumber, Conversation: e.ConversationID}) // plain struct: cannot fail
	return "event: " + string(e.Kind) + "\ndata: " + string(data) + "\n\n"
}
