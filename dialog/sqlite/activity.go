package sqlite

import (
	"context"
	"database/sql"
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
		span []string // the time range
		args []any
	)
	if !f.From.IsZero() {
		span = append(span, "at >= ?")
		args = append(args, formatTime(f.From))
	}
	if !f.To.IsZero() {
		span = append(span, "at < ?")
		args = append(args, formatTime(f.To))
	}
	var where []string
	switch {
	case f.WholeConversations && len(span) > 0:
		where = append(where, `conversation_id IN (SELECT conversation_id FROM activity WHERE `+
			strings.Join(span, " AND ")+`)`)
	default:
		where = append(where, span...)
	}
	if f.AfterID != 0 {
		where = append(where, "id > ?")
		args = append(args, f.AfterID)
	}
	query := `SELECT ` + activityColumns + ` FROM activity`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY id`
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return queryAll(ctx, q.q, "list activity", scanActivity, query, args...)
}

// scanActivity reads a row of activityColumns.
func scanActivity(s scanner) (*dialog.Activity, error) {
	var (
		a                    dialog.Activity
		at, options          string
		ticketID, messageID  sql.NullInt64
		firstDue, resolveDue sql.NullString
	)
	err := s.Scan(&a.ID, &at, &a.Kind, &a.ConversationID, &ticketID, &messageID, &a.Channel, &a.Lang, &a.Author,
		&a.Agent, &a.Intent, &a.Confidence, &options, &a.Reason, &a.Queue, &a.FromQueue, &a.Priority,
		&a.Value, &firstDue, &resolveDue)
	if err != nil {
		return nil, err
	}
	a.TicketID, a.MessageID = ticketID.Int64, messageID.Int64
	if a.At, err = parseTime(at); err != nil {
		return nil, err
	}
	if a.Options, err = parseList(options); err != nil {
		return nil, err
	}
	if a.FirstResponseDue, err = parseNullTime(firstDue); err != nil {
		return nil, err
	}
	if a.ResolutionDue, err = parseNullTime(resolveDue); err != nil {
		return nil, err
	}
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
	row := t.q.QueryRowContext(ctx,
		`INSERT INTO activity (at, kind, conversation_id, ticket_id, message_id, channel, lang, author, agent,
			intent, confidence, options, reason, queue, from_queue, priority, value,
			first_response_due, resolution_due)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		formatTime(at), a.Kind, a.ConversationID, nullID(a.TicketID), nullID(a.MessageID), a.Channel, a.Lang, a.Author, a.Agent,
		a.Intent, a.Confidence, formatList(a.Options), a.Reason, a.Queue, a.FromQueue, a.Priority, a.Value,
		formatNullTime(a.FirstResponseDue), formatNullTime(a.ResolutionDue))
	var id int64
	err := row.Scan(&id)
	if isForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "%s activity refers to a conversation (%d), ticket (%d) or message (%d) that does not exist",
			a.Kind, a.ConversationID, a.TicketID, a.MessageID)
	} else if err != nil {
		return storeErr(fmt.Sprintf("add %s activity to conversation %d", a.Kind, a.ConversationID), err)
	}
	a.ID = id
	a.At = at.UTC().Truncate(time.Microsecond) // as it reads back
	return nil
}
