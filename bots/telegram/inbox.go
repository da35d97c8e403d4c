package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/firstline-support/firstline/dialog"
)

// inboxBatch is how many pending updates the worker reads at a time.
const inboxBatch = 100

// An update that keeps failing holds up every update after it, so it is
// not tried for ever: after maxDownloadAttempts it goes to the engine with
// a note instead of the files that cannot be downloaded, and after
// maxAttempts it is given up (logged as an error and marked processed).
// A failing store cannot mark it, so an outage of the store never makes
// the channel give up an update.
const (
	maxDownloadAttempts = 5
	maxAttempts         = 10
)

// save stores updates in the inbox in one transaction. An update saved
// before (received again after a crash) is left as it is.
func (c *Channel) save(ctx context.Context, updates []update) error {
	at := time.Now().UTC()
	err := c.store.Update(ctx, func(tx dialog.Tx) error {
		for _, u := range updates {
			item := &dialog.InboxItem{
				Channel:    ChannelName,
				ExternalID: strconv.FormatInt(u.id, 10),
				Payload:    u.raw,
				ReceivedAt: at,
			}
			if _, err := tx.SaveInbox(ctx, item); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save %d telegram updates: %w", len(updates), err)
	}
	return nil
}

// stuck remembers the update the worker keeps failing on.
type stuck struct {
	externalID string
	attempts   int
}

// work hands saved updates to the engine, one at a time in update order,
// until ctx is done: at start (what an earlier run left), whenever updates
// are saved, and after a failure, with back-off.
func (c *Channel) work(ctx context.Context) {
	var head stuck
	for failures := 0; ; {
		var wait time.Duration
		if err := c.drain(ctx, &head); err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			wait = c.backoff(failures)
			c.log.Warn("handling telegram updates failed", "err", err, "retry_in", wait)
		} else {
			failures = 0
		}
		if !c.idle(ctx, wait) {
			return
		}
	}
}

// idle waits until the worker is woken, or retry has passed when it is not
// zero; it reports false once ctx is done.
func (c *Channel) idle(ctx context.Context, retry time.Duration) bool {
	var timeout <-chan time.Time
	if retry > 0 {
		t := time.NewTimer(retry)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-c.wake:
	case <-timeout:
	}
	return true
}

// drain processes pending updates until there are none, or one fails; the
// failed one stays pending and is tried again first.
func (c *Channel) drain(ctx context.Context, head *stuck) error {
	for {
		items, err := c.store.PendingInbox(ctx, ChannelName, inboxBatch)
		if err != nil {
			return fmt.Errorf("list pending telegram updates: %w", err)
		}
		if len(items) == 0 {
			return nil
		}
		for _, item := range items {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if head.externalID != item.ExternalID {
				*head = stuck{externalID: item.ExternalID}
			}
			var err error
			if head.attempts >= maxAttempts {
				c.log.Error("telegram update given up after repeated failures", "update", item.ExternalID, "attempts", head.attempts)
				err = c.markProcessed(ctx, item.ExternalID)
			} else {
				err = c.process(ctx, item, head.attempts >= maxDownloadAttempts)
			}
			if err != nil {
				// An unavailable store is an outage, not a broken update:
				// it never counts towards giving the update up.
				if dialog.ErrorCode(err) != dialog.EUNAVAILABLE {
					head.attempts++
				}
				return fmt.Errorf("telegram update %s: %w", item.ExternalID, err)
			}
		}
	}
}

// process hands one update to the engine and marks it processed. An update
// the engine refuses for good (an invalid message) is logged and marked
// processed too; any other failure leaves it pending. giveUpFiles sends the
// message on without the files that cannot be downloaded.
func (c *Channel) process(ctx context.Context, item *dialog.InboxItem, giveUpFiles bool) error {
	if err := c.handleUpdate(ctx, item.Payload, giveUpFiles); err != nil {
		switch dialog.ErrorCode(err) {
		case dialog.EINVALID, dialog.ETOOLARGE:
			c.log.Warn("telegram update skipped", "update", item.ExternalID, "err", err)
		default:
			return err
		}
	}
	return c.markProcessed(ctx, item.ExternalID)
}

// markProcessed records that an update needs no more handling.
func (c *Channel) markProcessed(ctx context.Context, externalID string) error {
	err := c.store.Update(ctx, func(tx dialog.Tx) error {
		return tx.MarkInboxProcessed(ctx, ChannelName, externalID, time.Now().UTC())
	})
	if err != nil {
		return fmt.Errorf("mark processed: %w", err)
	}
	return nil
}

// handleUpdate turns an update into a message for the engine.
func (c *Channel) handleUpdate(ctx context.Context, payload []byte, giveUpFiles bool) error {
	var u models.Update
	if err := json.Unmarshal(payload, &u); err != nil {
		return dialog.Errorf(dialog.EINVALID, "malformed update: %v", err)
	}
	switch {
	case u.Message != nil:
		return c.handleMessage(ctx, u.ID, u.Message, giveUpFiles)
	case u.CallbackQuery != nil:
		return c.handlePress(ctx, u.ID, u.CallbackQuery)
	}
	c.log.Debug("telegram update ignored: neither a message nor a button press", "update", u.ID)
	return nil
}

// externalID is the engine's id of the message an update carries.
func externalID(updateID int64) string {
	return "tg:" + strconv.FormatInt(updateID, 10)
}
