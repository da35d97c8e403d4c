package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// outboxColumns are the columns scanOutbox reads, in order.
const outboxColumns = `id, message_id, conversation_id, channel, chat_id, text, buttons, status,
	parts_sent, attempts, next_attempt_at, claimed_until, last_error, created_at, sent_at`

// validOutboxStatus reports whether s is a known outbox status.
func validOutboxStatus(s dialog.OutboxStatus) bool {
	switch s {
	case dialog.OutboxPending, dialog.OutboxSent, dialog.OutboxFailed, dialog.OutboxBlocked:
		return true
	}
	return false
}

// OutboxBacklog counts the pending outbox items of each channel. Channels
// without any are left out.
func (q Queries) OutboxBacklog(ctx context.Context) (map[string]int, error) {
	return countBy(ctx, q, "count outbox backlog",
		`SELECT channel, count(*) FROM outbox WHERE status = $1 GROUP BY channel`,
		dialog.OutboxPending)
}

// EnqueueOutbox stores an outbound delivery and sets item.ID,
// item.CreatedAt (when zero), item.Status (pending, when empty) and
// item.NextAttemptAt (when zero, to item.CreatedAt: due at once). An item
// needs a channel, a chat id and an existing message; otherwise it fails
// with EINVALID.
func (t *Tx) EnqueueOutbox(ctx context.Context, item *dialog.OutboxItem) error {
	if err := item.CheckText(); err != nil {
		return err
	}
	if item.Channel == "" || item.ChatID == "" {
		return dialog.Errorf(dialog.EINVALID, "an outbox item needs a channel and a chat id")
	}
	status := item.Status
	if status == "" {
		status = dialog.OutboxPending
	}
	if !validOutboxStatus(status) {
		return dialog.Errorf(dialog.EINVALID, "unknown outbox status %q", status)
	}
	created := t.stamp(item.CreatedAt)
	next := created
	if !item.NextAttemptAt.IsZero() {
		next = dbTime(item.NextAttemptAt)
	}
	row := t.q.QueryRow(ctx,
		`INSERT INTO outbox (message_id, conversation_id, channel, chat_id, text, buttons, status,
			parts_sent, attempts, next_attempt_at, claimed_until, last_error, created_at, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		RETURNING id`,
		item.MessageID, item.ConversationID, item.Channel, item.ChatID, item.Text, formatList(item.Buttons), status,
		item.PartsSent, item.Attempts, t.timeArg(next), t.nullTimeArg(item.ClaimedUntil), item.LastError,
		t.timeArg(created), t.nullTimeArg(item.SentAt))
	var id int64
	err := row.Scan(&id)
	if t.d.ForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "outbox item of message %d, which does not exist", item.MessageID)
	} else if err != nil {
		return t.d.Err(fmt.Sprintf("enqueue %s delivery of message %d", item.Channel, item.MessageID), err)
	}
	item.ID = id
	item.Status = status
	item.CreatedAt = created
	item.NextAttemptAt = next
	return nil
}

// ClaimOutbox returns up to limit pending items of a channel that are due
// at now, in id order: for each chat only its oldest pending item, and only
// if its next attempt has come and no claim on it lasts past now. It holds
// them until now+lease. A limit of 0 or less is no limit; a lease must be
// positive.
//
// On PostgreSQL, senders of several replicas may claim at once; no two
// take the same item (see Dialect.ClaimOutbox).
func (t *Tx) ClaimOutbox(ctx context.Context, channel string, now time.Time, lease time.Duration, limit int) ([]*dialog.OutboxItem, error) {
	if err := dialog.CheckText(channel); err != nil {
		return nil, err
	}
	if lease <= 0 {
		return nil, dialog.Errorf(dialog.EINVALID, "an outbox claim needs a positive lease, not %s", lease)
	}
	args := []any{channel, dialog.OutboxPending, t.timeArg(now), t.timeArg(now.Add(lease))}
	limitClause := ""
	if limit > 0 {
		limitClause = ` LIMIT $5`
		args = append(args, limit)
	}
	// A head that is not due holds back the rest of its chat, which
	// keeps the chat's messages in order.
	list, err := queryAll(ctx, t.Queries, fmt.Sprintf("claim %s outbox", channel), scanOutbox,
		t.d.ClaimOutbox(limitClause)+` RETURNING `+outboxColumns, args...)
	if err != nil {
		return nil, err
	}
	// RETURNING promises no order.
	slices.SortFunc(list, func(a, b *dialog.OutboxItem) int { return cmp.Compare(a.ID, b.ID) })
	return list, nil
}

// scanOutbox reads a row of outboxColumns.
func scanOutbox(s scanner) (*dialog.OutboxItem, error) {
	var (
		item    dialog.OutboxItem
		buttons string
	)
	err := s.Scan(&item.ID, &item.MessageID, &item.ConversationID, &item.Channel, &item.ChatID,
		&item.Text, &buttons, &item.Status, &item.PartsSent, &item.Attempts, scanTime(&item.NextAttemptAt),
		scanTime(&item.ClaimedUntil), &item.LastError, scanTime(&item.CreatedAt), scanTime(&item.SentAt))
	if err != nil {
		return nil, err
	}
	if item.Buttons, err = parseList(buttons); err != nil {
		return nil, err
	}
	return &item, nil
}

// UpdateOutbox saves an item's status, parts sent, attempts, next attempt,
// claim, last error and sent time. The other fields never change. An
// unknown status or a zero next attempt fails with EINVALID, an item that
// does not exist with ENOTFOUND. An item whose chat id is no longer
// item.ChatID (its conversation was erased while it was being sent) is
// left as the erasure left it, and that is no error.
func (t *Tx) UpdateOutbox(ctx context.Context, item *dialog.OutboxItem) error {
	if err := item.CheckText(); err != nil {
		return err
	}
	if !validOutboxStatus(item.Status) {
		return dialog.Errorf(dialog.EINVALID, "unknown outbox status %q", item.Status)
	}
	if item.NextAttemptAt.IsZero() {
		return dialog.Errorf(dialog.EINVALID, "outbox item %d needs a next attempt time", item.ID)
	}
	n, err := t.q.Exec(ctx,
		`UPDATE outbox SET status = $1, parts_sent = $2, attempts = $3, next_attempt_at = $4,
			claimed_until = $5, last_error = $6, sent_at = $7
		WHERE id = $8 AND chat_id = $9`,
		item.Status, item.PartsSent, item.Attempts, t.timeArg(item.NextAttemptAt),
		t.nullTimeArg(item.ClaimedUntil), item.LastError, t.nullTimeArg(item.SentAt),
		item.ID, item.ChatID)
	if err != nil {
		return t.d.Err(fmt.Sprintf("update outbox item %d", item.ID), err)
	}
	if n == 0 {
		return t.outboxItemGone(ctx, item.ID)
	}
	return nil
}

// outboxItemGone says why an outbox item was not updated: ENOTFOUND if it
// does not exist, nothing if it does (its chat id changed: erased).
func (q Queries) outboxItemGone(ctx context.Context, id int64) error {
	var one int
	err := q.q.QueryRow(ctx, `SELECT 1 FROM outbox WHERE id = $1`, id).Scan(&one)
	if noRows(err) {
		return dialog.Errorf(dialog.ENOTFOUND, "outbox item %d not found", id)
	} else if err != nil {
		return q.d.Err(fmt.Sprintf("look up outbox item %d", id), err)
	}
	return nil
}

// BlockOutboxChat marks every pending item of a chat blocked. Items already
// sent or failed stay as they are.
func (t *Tx) BlockOutboxChat(ctx context.Context, channel, chatID string) error {
	if err := dialog.CheckText(channel, chatID); err != nil {
		return err
	}
	_, err := t.q.Exec(ctx,
		`UPDATE outbox SET status = $1 WHERE channel = $2 AND chat_id = $3 AND status = $4`,
		dialog.OutboxBlocked, channel, chatID, dialog.OutboxPending)
	if err != nil {
		return t.d.Err("block a "+channel+" chat in the outbox", err)
	}
	return nil
}
