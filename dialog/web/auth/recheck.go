package auth

import (
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
)

// RecheckEvery is how often a long-lived request, such as the panel's
// live-update stream, should call Recheck: the longest a user disabled, a
// session ended or a token revoked by another process (the firstline user
// command, another replica) keeps such a request going.
const RecheckEvery = 5 * time.Second

// Recheck identifies the caller of a long-lived request again, from the
// same credentials Middleware read, and returns the user as things stand
// now: nil when the session has ended or expired, the API token was
// revoked, or the user was disabled meanwhile, and the request should end.
// It reads the store; call it every RecheckEvery, and at once when Changed
// fires.
func (s *Service) Recheck(c *gin.Context) *dialog.User {
	return s.identify(c)
}

// Changed returns a channel that is closed the next time this Service
// ends sessions or revokes API tokens (a logout, a password change, a
// disable, a revoked token), so that long-lived requests call Recheck at
// once rather than at their next RecheckEvery. Ask for a new channel after
// each close.
func (s *Service) Changed() <-chan struct{} {
	return s.changes.wait()
}

// accessChanged tells long-lived requests that someone may have lost
// access: those of this process through Changed, at once, and live views
// elsewhere through the Publisher, when there is one.
func (s *Service) accessChanged() {
	s.changes.fire()
	if s.opts.Publisher != nil {
		s.opts.Publisher.Publish(dialog.Event{Kind: dialog.EventAccess})
	}
}

// broadcast wakes every waiter at once by closing a channel, then starts
// a new one for the next round.
type broadcast struct {
	mu sync.Mutex
	ch chan struct{}
}

func newBroadcast() *broadcast {
	return &broadcast{ch: make(chan struct{})}
}

// wait returns the channel the next fire closes.
func (b *broadcast) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ch
}

// fire wakes everyone waiting.
func (b *broadcast) fire() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.ch)
	b.ch = make(chan struct{})
}
