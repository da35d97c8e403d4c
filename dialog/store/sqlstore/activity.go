package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/firstline-support/firstline/dialog"
)

// activityColumns are the columns scanActivity reads, in order.
const activityColumns = `id, at, kind, conversation_id, ticket_id, message_id, channel, lang, author, agent,
	intent, confidence, options, reason, queue, from_queue, priority, value,
	first_response_due, resolution_due`

// Activities returns the analytics events f selects, in id order.
func (q Queries) Activities(ctx context.Context, f dialog.ActivityFilter) ([]*dialog.Activity, error) {
	var (
		a    Args
		span []string // the time range
	)
	if !f.From.IsZero() {
		span = append(span, "at >= "+a.Add(q.timeArg(f.From)))
	}
	if !f.To.IsZero() {
		span = append(span, "at < "+a.Add(q.timeArg(f.To)))
	}
	switch {
	case f.WholeConversations && len(span) > 0:
		a.Where(`conversation_id IN (SELECT conversation_id FROM activity WHERE ` +
			strings.Join(span, " AND ") + `)`)
	default:
		for _, cond := range span {
			a.Where(cond)
		}
	}
	if f.AfterID != 0 {
		a.Where("id > " + a.Add(f.AfterID))
	}
	query := `SELECT ` + activityColumns + ` FROM activity` + a.WhereClause() + ` ORDER BY id`
	if f.Limit > 0 {
		query += ` LIMIT ` + a.Add(f.Limit)
	}
	return queryAll(ctx, q, "list activity", scanActivity, query, a.List()...)
}

// scanActivity reads a row of activityColumns.
func scanActivity(s scanner) (*dialog.Activity, error) {
	var (
		a                   dialog.Activity
		options             string
		ticketID, messageID *int64
	)
	err := s.Scan(&a.ID, scanTime(&a.At), &a.Kind, &a.ConversationID, &ticketID, &messageID, &a.Channel, &a.Lang, &a.Author,
		&a.Agent, &a.Intent, &a.Confidence, &options, &a.Reason, &a.Queue, &a.FromQueue, &a.Priority,
		&a.Value, scanTime(&a.FirstResponseDue), scanTime(&a.ResolutionDue))
	if err != nil {
		return nil, err
	}
	a.TicketID, a.MessageID = readNullID(ticketID), readNullID(messageID)
	if a.Options, err = parseList(options); err != nil {
		return nil, err
	}
	return &a, nil
}

// AddActivity appends an analytics event and sets a.ID, and a.At when
// zero.
func (t *Tx) AddActivity(ctx context.Context, a *dialog.Activity) error {
	if err := a.CheckText(); err != nil {
		return err
	}
	if !a.Kind.Valid() {
		return dialog.Errorf(dialog.EINVALID, "unknown activity kind %q", a.Kind)
	}
	at := t.stamp(a.At)
	row := t.q.QueryRow(ctx,
		`INSERT INTO activity (at, kind, conversation_id, ticket_id, message_id, channel, lang, author, agent,
			intent, confidence, options, reason, queue, from_queue, priority, value,
			first_response_due, resolution_due)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		RETURNING id`,
		t.timeArg(at), a.Kind, a.ConversationID, nullID(a.TicketID), nullID(a.MessageID), a.Channel, a.Lang, a.Author, a.Agent,
		a.Intent, a.Confidence, formatList(a.Options), a.Reason, a.Queue, a.FromQueue, a.Priority, a.Value,
		t.nullTimeArg(a.FirstResponseDue), t.nullTimeArg(a.ResolutionDue))
	var id int64
	err := row.Scan(&id)
	if t.d.ForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "%s activity refers to a conversation (%d), ticket (%d) or message (%d) that does not exist",
			a.Kind, a.ConversationID, a.TicketID, a.MessageID)
	} else if err != nil {
		return t.d.Err(fmt.Sprintf("add %s activity to conversation %d", a.Kind, a.ConversationID), err)
	}
	a.ID = id
	a.At = at // as it reads back
	return nil
}
