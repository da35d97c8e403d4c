package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// inboxOrder returns the ORDER BY list that sorts inbox items oldest
// first. Ids made only of digits (Telegram's update ids) come first, as
// numbers: for digit strings without leading zeros, which update ids never
// have, the shorter one is the smaller number, and among equally long ones
// text order is number order. Any other ids follow, as text, byte by byte
// whatever the collation.
func (q Queries) inboxOrder() string {
	other := q.d.HasNonDigit("external_id")
	return other + `, CASE WHEN ` + other + ` THEN 0 ELSE length(external_id) END, ` +
		q.d.Bytewise("external_id")
}

// PendingInbox lists a channel's unprocessed inbox items, oldest first (see
// inboxOrder), at most limit of them; a limit of 0 or less is no limit.
func (q Queries) PendingInbox(ctx context.Context, channel string, limit int) ([]*dialog.InboxItem, error) {
	if err := dialog.CheckText(channel); err != nil {
		return nil, err
	}
	query := `SELECT channel, external_id, received_at, processed_at, payload FROM inbox
		WHERE channel = $1 AND processed_at IS NULL
		ORDER BY ` + q.inboxOrder()
	args := []any{channel}
	if limit > 0 {
		query += ` LIMIT $2`
		args = append(args, limit)
	}
	return queryAll(ctx, q, fmt.Sprintf("list pending %s inbox", channel), scanInbox, query, args...)
}

// scanInbox reads a row of an inbox query.
func scanInbox(s scanner) (*dialog.InboxItem, error) {
	var item dialog.InboxItem
	err := s.Scan(&item.Channel, &item.ExternalID, scanTime(&item.ReceivedAt), scanTime(&item.ProcessedAt), &item.Payload)
	if err != nil {
		return nil, err
	}
	return &item, nil
}

// SaveInbox stores an update unless one with the same (Channel,
// ExternalID) is there already, and reports whether it stored it; it sets
// item.ReceivedAt, when zero, on the stored one. A duplicate leaves the
// first one as it was and the transaction usable. An item needs a channel
// and an external id.
func (t *Tx) SaveInbox(ctx context.Context, item *dialog.InboxItem) (bool, error) {
	if err := dialog.CheckText(item.Channel, item.ExternalID); err != nil {
		return false, err
	}
	if item.Channel == "" || item.ExternalID == "" {
		return false, dialog.Errorf(dialog.EINVALID, "an inbox item needs a channel and an external id")
	}
	received := t.stamp(item.ReceivedAt)
	payload := item.Payload
	if payload == nil {
		payload = []byte{} // an empty payload, not a NULL
	}
	// DO NOTHING rather than a failed insert: redeliveries are expected,
	// and a failed statement would abort the whole transaction on
	// PostgreSQL.
	n, err := t.q.Exec(ctx,
		`INSERT INTO inbox (channel, external_id, received_at, processed_at, payload)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (channel, external_id) DO NOTHING`,
		item.Channel, item.ExternalID, t.timeArg(received), t.nullTimeArg(item.ProcessedAt), payload)
	if err != nil {
		return false, t.d.Err(fmt.Sprintf("save %s update %q", item.Channel, item.ExternalID), err)
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
func (t *Tx) MarkInboxProcessed(ctx context.Context, channel, externalID string, at time.Time) error {
	if err := dialog.CheckText(channel, externalID); err != nil {
		return err
	}
	// The empty payload is an argument: the two databases write an empty
	// BLOB (bytea) literal differently.
	n, err := t.q.Exec(ctx,
		`UPDATE inbox SET processed_at = coalesce(processed_at, $1), payload = $2
		WHERE channel = $3 AND external_id = $4`,
		t.timeArg(t.stamp(at)), []byte{}, channel, externalID)
	if err != nil {
		return t.d.Err(fmt.Sprintf("mark %s update %q processed", channel, externalID), err)
	}
	if n == 0 {
		return dialog.Errorf(dialog.ENOTFOUND, "%s update %q not found", channel, externalID)
	}
	return nil
}
