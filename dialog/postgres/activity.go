package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// activityColumns are the columns scanActivity reads, in order.
const activityColumns = `id, at, kind, conversation_id, ticket_id, message_id, channel, lang, author, agent,
	intent, confidence, options, reason, queue, from_queue, priority, value,
	first_response_due, resolution_due`

// Activities returns the analytics events f selects, in id order.
func (q queries) Activities(ctx context.Context, f dialog.ActivityFilter) ([]*dialog.Activity, error) {
	var (
		span  []string // the time range
		where []string
		args  []any
	)
	// arg adds a query argument and returns its placeholder.
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if !f.From.IsZero() {
		span = append(span, "at >= "+arg(dbTime(f.From)))
	}
	if !f.To.IsZero() {
		span = append(span, "at < "+arg(dbTime(f.To)))
	}
	switch {
	case f.WholeConversations && len(span) > 0:
		where = append(where, `conversation_id IN (SELECT conversation_id FROM activity WHERE `+
			strings.Join(span, " AND ")+`)`)
	default:
		where = append(where, span...)
	}
	if f.AfterID != 0 {
		where = append(where, "id > "+arg(f.AfterID))
	}
	query := `SELECT ` + activityColumns + ` FROM activity`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY id`
	if f.Limit > 0 {
		query += ` LIMIT ` + arg(f.Limit)
	}
	return queryAll(ctx, q.q, "list activity", scanActivity, query, args...)
}

// scanActivity reads a row of activityColumns.
func scanActivity(s scanner) (*dialog.Activity, error) {
	var (
		a                    dialog.Activity
		options              string
		ticketID, messageID  *int64
		firstDue, resolveDue *time.Time
	)
	err := s.Scan(&a.ID, &a.At, &a.Kind, &a.ConversationID, &ticketID, &messageID, &a.Channel, &a.Lang, &a.Author,
		&a.Agent, &a.Intent, &a.Confidence, &options, &a.Reason, &a.Queue, &a.FromQueue, &a.Priority,
		&a.Value, &firstDue, &resolveDue)
	if err != nil {
		return nil, err
	}
	a.At = a.At.UTC()
	a.TicketID, a.MessageID = readNullID(ticketID), readNullID(messageID)
	if a.Options, err = parseList(options); err != nil {
		return nil, err
	}
	a.FirstResponseDue = readNullTime(firstDue)
	a.ResolutionDue = readNullTime(resolveDue)
	return &a, nil
}

// AddActivity appends an analytics event and sets a.ID, and a.At when
// zero.
func (t *tx) AddActivity(ctx context.Context, a *dialog.Activity) error {
	if err := a.CheckText(); err != nil {
		return err
	}
	if !a.Kind.Valid() {
		return dialog.Errorf(dialog.EINVALID, "unknown activity kind %q", a.Kind)
	}
	at := a.At
	if at.IsZero() {
		at = now()
	}
	at = dbTime(at)
	row := t.q.QueryRow(ctx,
		`INSERT INTO activity (at, kind, conversation_id, ticket_id, message_id, channel, lang, author, agent,
			intent, confidence, options, reason, queue, from_queue, priority, value,
			first_response_due, resolution_due)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		RETURNING id`,
		at, a.Kind, a.ConversationID, nullID(a.TicketID), nullID(a.MessageID), a.Channel, a.Lang, a.Author, a.Agent,
		a.Intent, a.Confidence, formatList(a.Options), a.Reason, a.Queue, a.FromQueue, a.Priority, a.Value,
		nullTime(a.FirstResponseDue), nullTime(a.ResolutionDue))
	var id int64
	err := row.Scan(&id)
	if isForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "%s activity refers to a conversation (%d), ticket (%d) or message (%d) that does not exist",
			a.Kind, a.ConversationID, a.TicketID, a.MessageID)
	} else if err != nil {
		return storeErr(fmt.Sprintf("add %s activity to conversation %d", a.Kind, a.ConversationID), err)
	}
	a.ID = id
	a.At = at
	return nil
}
