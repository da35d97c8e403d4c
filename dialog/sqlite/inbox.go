package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// inboxOrder sorts inbox items oldest first. Ids made only of digits
// (Telegram's update ids) come first, as numbers: for digit strings without
// leading zeros, which update ids never have, the shorter one is the
// smaller number, and among equally long ones text order is number order.
// Any other ids follow, as text.
const inboxOrder = `external_id GLOB '*[^0-9]*',
	CASE WHEN external_id GLOB '*[^0-9]*' THEN 0 ELSE length(external_id) END,
	external_id`

// PendingInbox lists a channel's unprocessed inbox items, oldest first (see
// inboxOrder), at most limit of them; a limit of 0 or less is no limit.
func (q queries) PendingInbox(ctx context.Context, channel string, limit int) ([]*dialog.InboxItem, error) {
	if err := dialog.CheckText(channel); err != nil {
		return nil, err
	}
	return queryAll(ctx, q.q, fmt.Sprintf("list pending %s inbox", channel), scanInbox,
		`SELECT channel, external_id, received_at, processed_at, payload FROM inbox
		WHERE channel = ? AND processed_at IS NULL
		ORDER BY `+inboxOrder+`
		LIMIT ?`,
		channel, sqlLimit(limit))
}

// scanInbox reads a row of an inbox query.
func scanInbox(s scanner) (*dialog.InboxItem, error) {
	var (
		item        dialog.InboxItem
		receivedAt  string
		processedAt sql.NullString
	)
	err := s.Scan(&item.Channel, &item.ExternalID, &receivedAt, &processedAt, &item.Payload)
	if err != nil {
		return nil, err
	}
	if item.ReceivedAt, err = parseTime(receivedAt); err != nil {
		return nil, err
	}
	if item.ProcessedAt, err = parseNullTime(processedAt); err != nil {
		return nil, err
	}
	return &item, nil
}

// sqlLimit turns a limit where 0 or less means "none" into SQLite's, where
// a negative LIMIT means none.
func sqlLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}

// SaveInbox stores an update unless one with the same (Channel,
// ExternalID) is there already, and reports whether it stored it; it sets
// item.ReceivedAt, when zero, on the stored one. A duplicate leaves the
// first one as it was and the transaction usable. An item needs a channel
// and an external id.
func (t *tx) SaveInbox(ctx context.Context, item *dialog.InboxItem) (bool, error) {
	if err := dialog.CheckText(item.Channel, item.ExternalID); err != nil {
		return false, err
	}
	if item.Channel == "" || item.ExternalID == "" {
		return false, dialog.Errorf(dialog.EINVALID, "an inbox item needs a channel and an external id")
	}
	received := item.ReceivedAt
	if received.IsZero() {
		received = now()
	}
	payload := item.Payload
	if payload == nil {
		payload = []byte{} // an empty payload, not a NULL
	}
	// DO NOTHING rather than a failed insert: redeliveries are expected
	// and must not spoil the transaction.
	res, err := t.q.ExecContext(ctx,
		`INSERT INTO inbox (channel, external_id, received_at, processed_at, payload)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (channel, external_id) DO NOTHING`,
		item.Channel, item.ExternalID, formatTime(received), formatNullTime(item.ProcessedAt), payload)
	op := fmt.Sprintf("save %s update %q", item.Channel, item.ExternalID)
	if err != nil {
		return false, storeErr(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, storeErr(op, err)
	}
	if n == 0 {
		return false, nil
	}
	item.ReceivedAt = received
	return true, nil
}

// MarkInboxProcessed records that the update was handled at the given
// time, or now when at is zero, and empties its payload (see dialog.Tx).
// Marking it again keeps the first time. An
// update that is not in the inbox fails with ENOTFOUND.
func (t *tx) MarkInboxProcessed(ctx context.Context, channel, externalID string, at time.Time) error {
	if err := dialog.CheckText(channel, externalID); err != nil {
		return err
	}
	if at.IsZero() {
		at = now()
	}
	res, err := t.q.ExecContext(ctx,
		`UPDATE inbox SET processed_at = COALESCE(processed_at, ?), payload = X''
		WHERE channel = ? AND external_id = ?`,
		formatTime(at), channel, externalID)
	op := fmt.Sprintf("mark %s update %q processed", channel, externalID)
	if err != nil {
		return storeErr(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return storeErr(op, err)
	} else if n == 0 {
		return dialog.Errorf(dialog.ENOTFOUND, "%s update %q not found", channel, externalID)
	}
	return nil
}
