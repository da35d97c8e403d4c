package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
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
func (q queries) OutboxBacklog(ctx context.Context) (map[string]int, error) {
	return countBy(ctx, q.q, "count outbox backlog",
		`SELECT channel, count(*) FROM outbox WHERE status = ? GROUP BY channel`,
		dialog.OutboxPending)
}

// EnqueueOutbox stores an outbound delivery and sets item.ID,
// item.CreatedAt (when zero), item.Status (pending, when empty) and
// item.NextAttemptAt (when zero, to item.CreatedAt: due at once). An item
// needs a channel, a chat id and an existing message; otherwise it fails
// with EINVALID.
func (t *tx) EnqueueOutbox(ctx context.Context, item *dialog.OutboxItem) error {
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
	created := item.CreatedAt
	if created.IsZero() {
		created = now()
	}
	next := item.NextAttemptAt
	if next.IsZero() {
		next = created
	}
	row := t.q.QueryRowContext(ctx,
		`INSERT INTO outbox (message_id, conversation_id, channel, chat_id, text, buttons, status,
			parts_sent, attempts, next_attempt_at, claimed_until, last_error, created_at, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		item.MessageID, item.ConversationID, item.Channel, item.ChatID, item.Text, formatList(item.Buttons), status,
		item.PartsSent, item.Attempts, formatTime(next), formatNullTime(item.ClaimedUntil), item.LastError,
		formatTime(created), formatNullTime(item.SentAt))
	var id int64
	err := row.Scan(&id)
	if isForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "outbox item of message %d, which does not exist", item.MessageID)
	} else if err != nil {
		return storeErr(fmt.Sprintf("enqueue %s delivery of message %d", item.Channel, item.MessageID), err)
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
func (t *tx) ClaimOutbox(ctx context.Context, channel string, now time.Time, lease time.Duration, limit int) ([]*dialog.OutboxItem, error) {
	if err := dialog.CheckText(channel); err != nil {
		return nil, err
	}
	if lease <= 0 {
		return nil, dialog.Errorf(dialog.EINVALID, "an outbox claim needs a positive lease, not %s", lease)
	}
	at := formatTime(now)
	// The inner query finds each chat's head, the oldest pending item, by
	// the outbox_chat index; a head that is not due holds back the rest of
	// its chat, which keeps the chat's messages in order.
	list, err := queryAll(ctx, t.q, fmt.Sprintf("claim %s outbox", channel), scanOutbox,
		`UPDATE outbox SET claimed_until = ?
		WHERE id IN (
			SELECT id FROM outbox
			WHERE id IN (
				SELECT min(id) FROM outbox
				WHERE channel = ? AND status = ?
				GROUP BY chat_id)
			AND next_attempt_at <= ?
			AND (claimed_until IS NULL OR claimed_until <= ?)
			ORDER BY id
			LIMIT ?)
		RETURNING `+outboxColumns,
		formatTime(now.Add(lease)), channel, dialog.OutboxPending, at, at, sqlLimit(limit))
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
		item                   dialog.OutboxItem
		buttons                string
		nextAttemptAt, created string
		claimedUntil, sentAt   sql.NullString
	)
	err := s.Scan(&item.ID, &item.MessageID, &item.ConversationID, &item.Channel, &item.ChatID,
		&item.Text, &buttons, &item.Status, &item.PartsSent, &item.Attempts, &nextAttemptAt,
		&claimedUntil, &item.LastError, &created, &sentAt)
	if err != nil {
		return nil, err
	}
	if item.Buttons, err = parseList(buttons); err != nil {
		return nil, err
	}
	if item.NextAttemptAt, err = parseTime(nextAttemptAt); err != nil {
		return nil, err
	}
	if item.ClaimedUntil, err = parseNullTime(claimedUntil); err != nil {
		return nil, err
	}
	if item.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if item.SentAt, err = parseNullTime(sentAt); err != nil {
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
func (t *tx) UpdateOutbox(ctx context.Context, item *dialog.OutboxItem) error {
	if err := item.CheckText(); err != nil {
		return err
	}
	if !validOutboxStatus(item.Status) {
		return dialog.Errorf(dialog.EINVALID, "unknown outbox status %q", item.Status)
	}
	if item.NextAttemptAt.IsZero() {
		return dialog.Errorf(dialog.EINVALID, "outbox item %d needs a next attempt time", item.ID)
	}
	res, err := t.q.ExecContext(ctx,
		`UPDATE outbox SET status = ?, parts_sent = ?, attempts = ?, next_attempt_at = ?,
			claimed_until = ?, last_error = ?, sent_at = ?
		WHERE id = ? AND chat_id = ?`,
		item.Status, item.PartsSent, item.Attempts, formatTime(item.NextAttemptAt),
		formatNullTime(item.ClaimedUntil), item.LastError, formatNullTime(item.SentAt),
		item.ID, item.ChatID)
	op := fmt.Sprintf("update outbox item %d", item.ID)
	if err != nil {
		return storeErr(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return storeErr(op, err)
	} else if n == 0 {
		return outboxItemGone(ctx, t.q, item.ID)
	}
	return nil
}

// outboxItemGone says why an outbox item was not updated: ENOTFOUND if it
// does not exist, nothing if it does (its chat id changed: erased).
func outboxItemGone(ctx context.Context, q querier, id int64) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM outbox WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return dialog.Errorf(dialog.ENOTFOUND, "outbox item %d not found", id)
	} else if err != nil {
		return storeErr(fmt.Sprintf("look up outbox item %d", id), err)
	}
	return nil
}

// BlockOutboxChat marks every pending item of a chat blocked. Items already
// sent or failed stay as they are.
func (t *tx) BlockOutboxChat(ctx context.Context, channel, chatID string) error {
	if err := dialog.CheckText(channel, chatID); err != nil {
		return err
	}
	_, err := t.q.ExecContext(ctx,
		`UPDATE outbox SET status = ? WHERE channel = ? AND chat_id = ? AND status = ?`,
		dialog.OutboxBlocked, channel, chatID, dialog.OutboxPending)
	if err != nil {
		return storeErr("block a "+channel+" chat in the outbox", err)
	}
	return nil
}
