// Package outbox delivers the messages the engine queued for channels that
// push to customers (Telegram, WhatsApp): with retries and back-off,
// honouring the channel's rate limits, one message per chat at a time and
// in order.
package outbox

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/dialog"
)

// Options tune a Dispatcher; zero values take the defaults.
type Options struct {
	// Lease is how long a claimed item is held by this dispatcher; after a
	// crash, another run takes it over once the lease ends.
	Lease time.Duration
	// Batch is how many items (of different chats) are claimed at once,
	// and sent in parallel.
	Batch int
	// Poll is how often the outbox is looked at when nothing woke the
	// dispatcher (a safety net: new messages wake it at once).
	Poll time.Duration
	// MinBackoff and MaxBackoff bound the wait after a temporary failure;
	// it doubles with every attempt.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// Now is the clock; tests replace it.
	Now func() time.Time
}

func (o *Options) defaults() {
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 8
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Minute
	}
	if o.Now == nil {
		o.Now = func() time.Time { return time.Now().UTC() }
	}
}

// Dispatcher drains one channel's outbox through its Sender.
type Dispatcher struct {
	store  dialog.Store
	sender bots.Sender
	opts   Options
	log    *slog.Logger
	wake   chan struct{}

	mu         sync.Mutex
	pauseUntil time.Time // the channel asked everyone to wait (429)
}

// New returns a dispatcher for sender's channel.
func New(store dialog.Store, sender bots.Sender, opts Options, log *slog.Logger) *Dispatcher {
	opts.defaults()
	return &Dispatcher{
		store:  store,
		sender: sender,
		opts:   opts,
		log:    log.With("channel", sender.Name()),
		wake:   make(chan struct{}, 1),
	}
}

// Wake tells the dispatcher there may be new items. It never blocks.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is done. Sends in flight when ctx ends are
// finished and recorded before Run returns.
func (d *Dispatcher) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-d.wake:
		}
		for {
			n, err := d.Drain(context.WithoutCancel(ctx))
			if err != nil {
				d.log.Error("outbox", "err", err)
			}
			if n == 0 || err != nil || ctx.Err() != nil {
				break
			}
		}
		timer.Reset(d.opts.Poll)
	}
}

// Drain claims one batch of due items and sends them; it returns how many
// it handled. Tests call it directly.
func (d *Dispatcher) Drain(ctx context.Context) (int, error) {
	now := d.opts.Now()
	d.mu.Lock()
	paused := now.Before(d.pauseUntil)
	d.mu.Unlock()
	if paused {
		return 0, nil
	}
	var items []*dialog.OutboxItem
	err := d.store.Update(ctx, func(tx dialog.Tx) error {
		var err error
		items, err = tx.ClaimOutbox(ctx, d.sender.Name(), now, d.opts.Lease, d.opts.Batch)
		return err
	})
	if err != nil || len(items) == 0 {
		return 0, err
	}
	// Items of one batch belong to different chats, so they may go out in
	// parallel without breaking any chat's order.
	var wg sync.WaitGroup
	errs := make([]error, len(items))
	for i, item := range items {
		wg.Go(func() { errs[i] = d.deliver(ctx, item) })
	}
	wg.Wait()
	return len(items), errors.Join(errs...)
}

// deliver sends one item and records the outcome.
func (d *Dispatcher) deliver(ctx context.Context, item *dialog.OutboxItem) error {
	parts, err := d.sender.Send(ctx, item)
	now := d.opts.Now()
	if parts > item.PartsSent {
		item.PartsSent = parts
	}
	item.Attempts++
	item.ClaimedUntil = time.Time{}
	var retry *bots.RetryAfterError
	var permanent *bots.PermanentError
	blocked := false
	switch {
	case err == nil:
		item.Status = dialog.OutboxSent
		item.SentAt = now
		item.LastError = ""
	case errors.Is(err, bots.ErrBlocked):
		item.Status = dialog.OutboxBlocked
		item.LastError = err.Error()
		blocked = true
		d.log.Info("customer blocked the bot; their queued messages are dropped", "conversation", item.ConversationID)
	case errors.As(err, &retry):
		item.NextAttemptAt = now.Add(retry.After)
		item.LastError = err.Error()
		d.mu.Lock()
		if until := now.Add(retry.After); until.After(d.pauseUntil) {
			d.pauseUntil = until
		}
		d.mu.Unlock()
		d.log.Warn("rate limited by the channel", "conversation", item.ConversationID, "retry_after", retry.After)
	case errors.As(err, &permanent):
		item.Status = dialog.OutboxFailed
		item.LastError = err.Error()
		d.log.Error("message refused by the channel; not retried", "conversation", item.ConversationID, "message", item.MessageID, "err", err)
	default:
		item.NextAttemptAt = now.Add(d.backoff(item.Attempts))
		item.LastError = err.Error()
		d.log.Warn("send failed; will retry", "conversation", item.ConversationID, "attempt", item.Attempts,
			"next", item.NextAttemptAt, "err", err)
	}
	// The error may quote what the channel answered, bytes the store
	// refuses to keep as text.
	item.LastError = dialog.CleanText(item.LastError)
	return d.store.Update(ctx, func(tx dialog.Tx) error {
		if err := tx.UpdateOutbox(ctx, item); err != nil {
			return err
		}
		if blocked {
			return tx.BlockOutboxChat(ctx, item.Channel, item.ChatID)
		}
		return nil
	})
}

// backoff is the wait before attempt number attempts+1.
func (d *Dispatcher) backoff(attempts int) time.Duration {
	wait := d.opts.MinBackoff
	for i := 1; i < attempts && wait < d.opts.MaxBackoff; i++ {
		wait *= 2
	}
	return min(wait, d.opts.MaxBackoff)
}
