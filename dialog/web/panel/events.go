package panel

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

// streamRecheck is how often a stream checks that its caller may still see
// the panel, for changes made by other processes.
const streamRecheck = auth.RecheckEvery

// eventRecheck is how often, at most, events make a stream check its
// caller: each check reads the store, and events come in bursts.
const eventRecheck = time.Second

// streamEvent is the data of one Server-Sent Event: which ticket and
// conversation changed. Pages fetch the rest.
type streamEvent struct {
	Ticket       string        `json:"ticket"`
	Conversation int64         `json:"conversation"`
	Notify       *streamNotice `json:"notify,omitempty"`
}

// stream sends the broker's events to a live page as Server-Sent Events
// until the page goes away, the request's context ends, the panel is
// closed or the caller may no longer see the panel (disabled, logged out,
// token revoked).
//
// The caller is checked at once when this process's auth service ends
// sessions or revokes tokens, and on an EventAccess (another replica or a
// command changed someone's access), which is not sent; every recheck;
// and before an event, at most once every eventRecheck. A comment every
// heartbeat keeps idle connections open through proxies.
func (p *Panel) stream(c *gin.Context) {
	select {
	case <-p.closed:
		c.Data(http.StatusServiceUnavailable, "text/plain; charset=utf-8", []byte("shutting down\n"))
		return
	default:
	}
	events, unsubscribe := p.events.Subscribe()
	defer unsubscribe()
	// Taken before anything can change, and renewed each time it fires,
	// so that a change made while the stream is busy is not missed.
	changed := p.auth.Changed()

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
	lang := pageLang(c)
	heartbeat := time.NewTicker(p.heartbeat)
	defer heartbeat.Stop()
	recheck, stopRecheck := p.recheckTicks()
	defer stopRecheck()
	ctx := c.Request.Context()
	now := p.now
	if now == nil {
		now = time.Now
	}
	var checked time.Time // zero: the first event checks
	// stillAllowed reads the caller's credentials again: a stream outlives
	// the check made when it opened, and must end once the user is
	// disabled, the session ends or the token is revoked, here or in
	// another process. It also keeps u current, so that a change of the
	// user's queues applies to the events that follow.
	stillAllowed := func() bool {
		checked = now()
		fresh := p.auth.Recheck(c)
		if fresh == nil {
			return false
		}
		u = fresh
		return true
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.closed:
			return
		case <-changed:
			changed = p.auth.Changed()
			if !stillAllowed() {
				return
			}
		case <-recheck:
			if !stillAllowed() {
				return
			}
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
			if e.Kind == dialog.EventTyping {
				continue // for the customer's side; nothing here changed
			}
			// Each event leads the page to fetch what changed, which is
			// checked as any request is; the stream checks first so that
			// the fact of a change does not reach a caller who lost
			// access, unless within a second of the last check.
			if e.Kind == dialog.EventAccess || now().Sub(checked) >= eventRecheck {
				if !stillAllowed() {
					return
				}
			}
			if e.Kind == dialog.EventAccess {
				continue // only a reason to check, done above
			}
			// Events of tickets in queues the user does not work are not
			// theirs to see, not even that the ticket exists.
			if u == nil || !u.CanSeeEvent(e) {
				continue
			}
			if !send(formatEvent(e, p.notice(u, e, lang))) {
				return
			}
		}
	}
}

// recheckTicks returns the ticks on which a stream checks its caller, and
// a function that stops them.
func (p *Panel) recheckTicks() (<-chan time.Time, func()) {
	if p.recheckEvery != nil {
		return p.recheckEvery()
	}
	t := time.NewTicker(streamRecheck)
	return t.C, t.Stop
}

// formatEvent writes an event in the text/event-stream format, with the
// notification n for the stream's user, if any.
func formatEvent(e dialog.Event, n *streamNotice) string {
	data, _ := json.Marshal(streamEvent{Ticket: e.TicketNumber, Conversation: e.ConversationID, Notify: n}) // plain struct: cannot fail
	return "event: " + string(e.Kind) + "\ndata: " + string(data) + "\n\n"
}
