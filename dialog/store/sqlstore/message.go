package sqlstore

import (
	"context"
	"fmt"

	"github.com/firstline-support/firstline/dialog"
)

// messageColumns are the columns scanMessage reads, in order.
const messageColumns = `id, conversation_id, ticket_id, author, author_name, external_id,
	reply_to, text, buttons, lang, intent, confidence, created_at`

// Message returns the message with the given id. Its Attachments are left
// empty: read them with Attachments.
func (q Queries) Message(ctx context.Context, id int64) (*dialog.Message, error) {
	row := q.q.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, id)
	m, err := scanMessage(row)
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "message %d not found", id)
	} else if err != nil {
		return nil, q.d.Err(fmt.Sprintf("get message %d", id), err)
	}
	return m, nil
}

// MessageByExternalID returns the message a channel delivered with the
// given id into a conversation.
func (q Queries) MessageByExternalID(ctx context.Context, conversationID int64, externalID string) (*dialog.Message, error) {
	if err := dialog.CheckText(externalID); err != nil {
		return nil, err
	}
	// An empty external id marks "none", never a message to find.
	if externalID == "" {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "message with an empty external id not found")
	}
	row := q.q.QueryRow(ctx,
		`SELECT `+messageColumns+` FROM messages WHERE conversation_id = $1 AND external_id = $2`,
		conversationID, externalID)
	m, err := scanMessage(row)
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "message %q of conversation %d not found", externalID, conversationID)
	} else if err != nil {
		return nil, q.d.Err(fmt.Sprintf("get message %q of conversation %d", externalID, conversationID), err)
	}
	return m, nil
}

// Messages returns the messages f selects, oldest first.
func (q Queries) Messages(ctx context.Context, f dialog.MessageFilter) ([]*dialog.Message, error) {
	var a Args
	if f.ConversationID != 0 {
		a.Where("conversation_id = " + a.Add(f.ConversationID))
	}
	if f.Public {
		a.Where("author <> " + a.Add(dialog.AuthorNote))
	}
	if f.TicketID != 0 {
		a.Where("ticket_id = " + a.Add(f.TicketID))
	}
	if f.AfterID != 0 {
		a.Where("id > " + a.Add(f.AfterID))
	}
	if f.ReplyTo != 0 {
		a.Where("reply_to = " + a.Add(f.ReplyTo))
	}
	query := `SELECT ` + messageColumns + ` FROM messages` + a.WhereClause() + ` ORDER BY id`
	if f.Limit > 0 {
		query += ` LIMIT ` + a.Add(f.Limit)
	}
	op := fmt.Sprintf("list messages of conversation %d", f.ConversationID)
	return queryAll(ctx, q, op, scanMessage, query, a.List()...)
}

// scanMessage reads a row of messageColumns.
func scanMessage(s scanner) (*dialog.Message, error) {
	var (
		m                 dialog.Message
		ticketID, replyTo *int64
		buttons           string
	)
	err := s.Scan(&m.ID, &m.ConversationID, &ticketID, &m.Author, &m.AuthorName, &m.ExternalID,
		&replyTo, &m.Text, &buttons, &m.Lang, &m.Intent, &m.Confidence, scanTime(&m.CreatedAt))
	if err != nil {
		return nil, err
	}
	m.TicketID = readNullID(ticketID)
	m.ReplyTo = readNullID(replyTo)
	if m.Buttons, err = parseList(buttons); err != nil {
		return nil, err
	}
	return &m, nil
}

// AddMessage appends m to its conversation and sets m.ID, and m.CreatedAt
// when zero. A second message with the same non-empty (ConversationID,
// ExternalID) fails with ECONFLICT and leaves the transaction usable, so the
// caller can look up what the first delivery produced.
func (t *Tx) AddMessage(ctx context.Context, m *dialog.Message) error {
	if err := m.CheckText(); err != nil {
		return err
	}
	created := t.stamp(m.CreatedAt)
	// DO NOTHING rather than a failed insert: the conflict is expected
	// (channels redeliver), and a failed statement would abort the whole
	// transaction on PostgreSQL.
	row := t.q.QueryRow(ctx,
		`INSERT INTO messages (conversation_id, ticket_id, author, author_name, external_id,
			reply_to, text, buttons, lang, intent, confidence, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (conversation_id, external_id) WHERE external_id <> '' DO NOTHING
		RETURNING id`,
		m.ConversationID, nullID(m.TicketID), m.Author, m.AuthorName, m.ExternalID,
		nullID(m.ReplyTo), m.Text, formatList(m.Buttons), m.Lang, m.Intent, m.Confidence,
		t.timeArg(created))
	var id int64
	err := row.Scan(&id)
	if noRows(err) {
		return dialog.Errorf(dialog.ECONFLICT, "message %q of conversation %d already stored", m.ExternalID, m.ConversationID)
	} else if t.d.ForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID,
			"message refers to a conversation (%d), ticket (%d) or message (%d) that does not exist",
			m.ConversationID, m.TicketID, m.ReplyTo)
	} else if err != nil {
		return t.d.Err(fmt.Sprintf("add message to conversation %d", m.ConversationID), err)
	}
	m.ID = id
	m.CreatedAt = created
	return nil
}
