package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/go-telegram/bot"
)

// Back-off between failed attempts: it doubles from minBackoff up to
// maxBackoff.
const (
	minBackoff = 500 * time.Millisecond
	maxBackoff = 30 * time.Second
)

// backoff is the wait after the given number of failures in a row.
func (c *Channel) backoff(failures int) time.Duration {
	d := c.minBackoff
	for i := 1; i < failures && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// retryDelay is the wait after a failure: what Telegram asked for on a
// 429, the back-off otherwise.
func (c *Channel) retryDelay(err error, failures int) time.Duration {
	var api *apiError
	var tooMany *bot.TooManyRequestsError
	switch {
	case errors.As(err, &api) && api.RetryAfter > 0:
		return time.Duration(api.RetryAfter) * time.Second
	case errors.As(err, &tooMany) && tooMany.RetryAfter > 0:
		return time.Duration(tooMany.RetryAfter) * time.Second
	}
	return c.backoff(failures)
}

// sleep waits d, or less if ctx is done first; it reports whether the wait
// ran its course.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// retry calls fn until it succeeds or ctx is done, logging each failure.
func (c *Channel) retry(ctx context.Context, what string, fn func(context.Context) error) {
	for failures := 1; ; failures++ {
		err := fn(ctx)
		if err == nil || ctx.Err() != nil {
			return
		}
		wait := c.retryDelay(err, failures)
		c.log.Warn("telegram call failed", "call", what, "err", err, "retry_in", wait)
		if !sleep(ctx, wait) {
			return
		}
	}
}

// apiError is an error answer of the Bot API to a call the channel makes
// itself (getUpdates).
type apiError struct {
	Method      string
	Code        int
	Description string
	RetryAfter  int // seconds, on a 429
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s: error %d: %s", e.Method, e.Code, e.Description)
}

// withoutURL drops the request's address, which holds the bot token, from
// an HTTP client error, so that it can be logged.
func withoutURL(err error) error {
	var u *url.Error
	if errors.As(err, &u) {
		return fmt.Errorf("%s: %w", u.Op, u.Err)
	}
	return err
}
