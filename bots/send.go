package bots

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// Sender delivers outbound messages of a channel that pushes to customers.
// The outbox dispatcher calls it with items the engine queued.
type Sender interface {
	// Name is the channel's name, as on conversations and outbox items.
	Name() string
	// Send delivers item, starting at part item.PartsSent (a long text may
	// go out in several parts), and returns how many parts are delivered
	// in all, also when it fails part way. Failures are classified with
	// RetryAfter, ErrBlocked and Permanent; any other error is temporary
	// and retried with back-off.
	Send(ctx context.Context, item *dialog.OutboxItem) (partsSent int, err error)
}

// ErrBlocked means the customer blocked the bot: the item, and the rest of
// the chat's queue, are not retried.
var ErrBlocked = errors.New("the customer blocked the bot")

// RetryAfterError means the channel asked to wait before sending again
// (Telegram's 429 with retry_after).
type RetryAfterError struct {
	After time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited: retry after %s", e.After)
}

// RetryAfter returns a RetryAfterError.
func RetryAfter(d time.Duration) error {
	return &RetryAfterError{After: d}
}

// PermanentError means the channel refused the item for good (a bad
// request): retrying cannot help.
type PermanentError struct {
	Err error
}

func (e *PermanentError) Error() string { return "refused: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a PermanentError.
func Permanent(err error) error {
	return &PermanentError{Err: err}
}
