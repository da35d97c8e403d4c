package postgres

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
func (q queries) OutboxBacklog(ctx context.Context) (map[string]int, error) {
	return countBy(ctx, q.q, "count outbox backlog",
		`SELECT channel, count(*) FROM outbox WHERE status = $1 GROUP BY channel`,
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
	created = dbTime(created)
	next := item.NextAttemptAt
	if next.IsZero() {
		next = created
	}
	next = dbTime(next)
	row := t.q.QueryRow(ctx,
		`INSERT INTO outbox (message_id, conversation_id, channel, chat_id, text, buttons, status,
			parts_sent, attempts, next_attempt_at, claimed_until, last_error, created_at, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		RETURNING id`,
		item.MessageID, item.ConversationID, item.Channel, item.ChatID, item.Text, formatList(item.Buttons), status,
		item.PartsSent, item.Attempts, next, nullTime(item.ClaimedUntil), item.LastError,
		created, nullTime(item.SentAt))
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
//
// Senders of several replicas may claim at once. Each locks the rows it
// picks and skips the rows another one has locked, so no two take the same
// item; a row whose locker committed first is checked again as it is now,
// so a claim or a send that just committed is seen.
func (t *tx) ClaimOutbox(ctx context.Context, channel string, now time.Time, lease time.Duration, limit int) ([]*dialog.OutboxItem, error) {
	if err := dialog.CheckText(channel); err != nil {
		return nil, err
	}
	if lease <= 0 {
		return nil, dialog.Errorf(dialog.EINVALID, "an outbox claim needs a positive lease, not %s", lease)
	}
	// heads are each chat's oldest pending item, found by the outbox_chat
	// index; a head that is not due holds back the rest of its chat, which
	// keeps the chat's messages in order. The conditions that a concurrent
	// claim or send changes are on the locked rows themselves, where
	// PostgreSQL checks them again once it has the lock.
	list, err := queryAll(ctx, t.q, fmt.Sprintf("claim %s outbox", channel), scanOutbox,
		`WITH heads AS (
			SELECT min(id) AS id FROM outbox
			WHERE channel = $1 AND status = $2
			GROUP BY chat_id
		), picked AS MATERIALIZED (
			SELECT outbox.id AS picked_id FROM outbox JOIN heads ON heads.id = outbox.id
			WHERE outbox.status = $2
				AND outbox.next_attempt_at <= $3
				AND (outbox.claimed_until IS NULL OR outbox.claimed_until <= $3)
			ORDER BY outbox.id
			LIMIT $4
			FOR UPDATE OF outbox SKIP LOCKED
		)
		UPDATE outbox SET claimed_until = $5
		FROM picked WHERE outbox.id = picked.picked_id
		RETURNING `+outboxColumns,
		channel, dialog.OutboxPending, dbTime(now), sqlLimit(limit), dbTime(now.Add(lease)))
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
		item                 dialog.OutboxItem
		buttons              string
		claimedUntil, sentAt *time.Time
	)
	err := s.Scan(&item.ID, &item.MessageID, &item.ConversationID, &item.Channel, &item.ChatID,
		&item.Text, &buttons, &item.Status, &item.PartsSent, &item.Attempts, &item.NextAttemptAt,
		&claimedUntil, &item.LastError, &item.CreatedAt, &sentAt)
	if err != nil {
		return nil, err
	}
	if item.Buttons, err = parseList(buttons); err != nil {
		return nil, err
	}
	item.NextAttemptAt = item.NextAttemptAt.UTC()
	item.ClaimedUntil = readNullTime(claimedUntil)
	item.CreatedAt = item.CreatedAt.UTC()
	item.SentAt = readNullTime(sentAt)
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
	tag, err := t.q.Exec(ctx,
		`UPDATE outbox SET status = $1, parts_sent = $2, attempts = $3, next_attempt_at = $4,
			claimed_until = $5, last_error = $6, sent_at = $7
		WHERE id = $8 AND chat_id = $9`,
		item.Status, item.PartsSent, item.Attempts, dbTime(item.NextAttemptAt),
		nullTime(item.ClaimedUntil), item.LastError, nullTime(item.SentAt),
		item.ID, item.ChatID)
	if err != nil {
		return storeErr(fmt.Sprintf("update outbox item %d", item.ID), err)
	}
	if tag.RowsAffected() == 0 {
		return outboxItemGone(ctx, t.q, item.ID)
	}
	return nil
}

// outboxItemGone says why an outbox item was not updated: ENOTFOUND if it
// does not exist, nothing if it does (its chat id changed: erased).
func outboxItemGone(ctx context.Context, q querier, id int64) error {
	var found bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE id = $1)`, id).Scan(&found); err != nil {
		return storeErr(fmt.Sprintf("look up outbox item %d", id), err)
	}
	if !found {
		return dialog.Errorf(dialog.ENOTFOUND, "outbox item %d not found", id)
	}
	return nil
}

// BlockOutboxChat marks every pending item of a chat blocked. Items already
// sent or failed stay as they are.
func (t *tx) BlockOutboxChat(ctx context.Context, channel, chatID string) error {
	if err := dialog.CheckText(channel, chatID); err != nil {
		return err
	}
	_, err := t.q.Exec(ctx,
		`UPDATE outbox SET status = $1 WHERE channel = $2 AND chat_id = $3 AND status = $4`,
		dialog.OutboxBlocked, channel, chatID, dialog.OutboxPending)
	if err != nil {
		return storeErr("block a "+channel+" chat in the outbox", err)
	}
	return nil
}
