package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/go-telegram/bot"
)

// pollSlack is how much longer than the poll timeout a getUpdates call may
// take before it is given up.
const pollSlack = 10 * time.Second

// update is one update as received: its id and its JSON.
type update struct {
	id  int64
	raw json.RawMessage
}

// parseUpdate reads the id of an update. The rest is read by the inbox
// worker, so that an update of an unexpected shape is stored, skipped and
// confirmed rather than received again forever.
func parseUpdate(raw []byte) (update, error) {
	var u struct {
		ID *int64 `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &u); err != nil {
		return update{}, fmt.Errorf("malformed update: %w", err)
	}
	if u.ID == nil {
		return update{}, fmt.Errorf("malformed update: no update_id")
	}
	return update{id: *u.ID, raw: bytes.Clone(raw)}, nil
}

// poll deletes any webhook (Telegram refuses getUpdates while one is set),
// then long-polls until ctx is done. Updates are confirmed to Telegram,
// by asking for the ones after them, only once they are saved.
func (c *Channel) poll(ctx context.Context) {
	c.retry(ctx, "delete webhook", c.deleteWebhook)
	var offset int64
	for failures := 0; ctx.Err() == nil; {
		updates, err := c.getUpdates(ctx, offset)
		if err == nil && len(updates) > 0 {
			err = c.save(ctx, updates)
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			wait := c.retryDelay(err, failures)
			c.log.Warn("receiving telegram updates failed", "err", err, "retry_in", wait)
			if !sleep(ctx, wait) {
				return
			}
			continue
		}
		failures = 0
		for _, u := range updates {
			offset = max(offset, u.id+1)
		}
		if len(updates) > 0 {
			c.wakeWorker()
		}
	}
}

// getUpdates asks for the updates from offset on, waiting up to the poll
// timeout for some to arrive.
func (c *Channel) getUpdates(ctx context.Context, offset int64) ([]update, error) {
	body, err := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         int(c.cfg.PollTimeout / time.Second),
		"allowed_updates": allowedUpdates(),
	})
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.PollTimeout+pollSlack)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.APIURL+"/bot"+c.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", withoutURL(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", withoutURL(err))
	}
	defer resp.Body.Close()

	var answer struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return nil, fmt.Errorf("getUpdates: read the answer (HTTP %d): %w", resp.StatusCode, err)
	}
	if !answer.OK {
		return nil, &apiError{Method: "getUpdates", Code: answer.ErrorCode,
			Description: answer.Description, RetryAfter: answer.Parameters.RetryAfter}
	}
	updates := make([]update, 0, len(answer.Result))
	for _, raw := range answer.Result {
		u, err := parseUpdate(raw)
		if err != nil {
			return nil, fmt.Errorf("getUpdates: %w", err)
		}
		updates = append(updates, u)
	}
	return updates, nil
}

// deleteWebhook removes the webhook, keeping the updates waiting for it.
func (c *Channel) deleteWebhook(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	if _, err := c.api.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		return fmt.Errorf("deleteWebhook: %w", err)
	}
	return nil
}
