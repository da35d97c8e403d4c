package dialog

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Retention defaults.
const (
	// DefaultRetentionInterval is how often a Retainer looks for
	// conversations to erase.
	DefaultRetentionInterval = time.Hour
	// DefaultRetentionBatch is how many conversations a Retainer erases
	// at most per look-up; each in a transaction of its own, so that the
	// store is never held long.
	DefaultRetentionBatch = 100
)

// Retainer erases (see Engine.Erase) the conversations nobody works on
// (with the bot, or with their ticket closed) once Period has passed since
// they were last updated. It is safe to run in several processes over one
// database: a conversation is erased once, and one that became active
// again since it was listed is left alone.
type Retainer struct {
	engine   *Engine
	period   time.Duration
	interval time.Duration
	batch    int
	log      *slog.Logger
	// skip holds the conversations whose erasure failed in the current
	// pass (sweepAll), left out of its later batches so that a batch
	// full of them does not stop it. Run is the only goroutine that
	// uses it.
	skip map[int64]bool
}

// NewRetainer returns a retainer that erases conversations idle for
// period, looking every interval (DefaultRetentionInterval when zero),
// DefaultRetentionBatch conversations at a time.
func NewRetainer(e *Engine, period, interval time.Duration, log *slog.Logger) *Retainer {
	if interval <= 0 {
		interval = DefaultRetentionInterval
	}
	return &Retainer{engine: e, period: period, interval: interval, batch: DefaultRetentionBatch, log: log}
}

// Run erases what is due at once and then every interval, until ctx is
// done. Failures are logged and tried again at the next interval.
func (r *Retainer) Run(ctx context.Context) {
	tick := time.NewTicker(r.interval)
	defer tick.Stop()
	for {
		r.sweepAll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// sweepAll runs Sweep until a batch comes back short of a full one, or
// erases nothing.
func (r *Retainer) sweepAll(ctx context.Context) {
	r.skip = map[int64]bool{}
	defer func() { r.skip = nil }()
	for ctx.Err() == nil {
		failedBefore := len(r.skip)
		listed, erased, err := r.Sweep(ctx)
		if err != nil {
			if ctx.Err() == nil {
				r.log.Warn("retention: erasing old conversations failed", "err", err)
			}
			return
		}
		if erased > 0 {
			r.log.Info("retention: conversations erased", "count", erased, "older_than", r.period)
		}
		if listed < r.batch || erased == 0 && len(r.skip) == failedBefore {
			// Short, or nothing done nor failed: the next batch would be
			// the same.
			return
		}
	}
}

// Sweep erases one batch of the conversations due, each in a transaction
// of its own, and reports how many it listed and how many it erased (one
// listed may have become active again, or been erased by another
// process, since). A conversation whose erasure fails is logged and
// skipped (and, within one pass of Run, left out of the batches after);
// the error returned is of listing, or of ctx ending.
func (r *Retainer) Sweep(ctx context.Context) (listed, erased int, err error) {
	store := r.engine.Store()
	now := r.engine.Now()
	cutoff := now.Add(-r.period)
	ids, err := store.IdleConversations(ctx, cutoff, r.batch+len(r.skip))
	if err != nil {
		return 0, 0, fmt.Errorf("list conversations idle since %s: %w", cutoff.Format(time.RFC3339), err)
	}
	for _, id := range ids {
		if r.skip[id] {
			continue
		}
		listed++
		var conv *Conversation
		var tickets []*Ticket
		err := store.Update(ctx, func(tx Tx) error {
			var err error
			if conv, err = tx.EraseConversation(ctx, id, now, cutoff); err != nil {
				return err
			}
			tickets, err = tx.Tickets(ctx, TicketFilter{ConversationID: id})
			return err
		})
		switch ErrorCode(err) {
		case "":
			erased++
			r.engine.publishErased(conv, tickets)
		case ECONFLICT, ENOTFOUND:
			// Active again, or gone: not due any more.
		default:
			if ctx.Err() != nil {
				return listed, erased, fmt.Errorf("erase conversation %d: %w", id, err)
			}
			// The others are not held up behind it: it is tried again
			// at the next pass.
			r.log.Warn("retention: erasing a conversation failed", "conversation", id, "err", err)
			if r.skip != nil {
				r.skip[id] = true
			}
		}
	}
	if erased > 0 {
		r.engine.compact(ctx)
	}
	return listed, erased, nil
}
