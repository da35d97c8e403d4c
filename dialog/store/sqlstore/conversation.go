package sqlstore

import (
	"context"
	"fmt"

	"github.com/firstline-support/firstline/dialog"
)

// conversationColumns are the columns scanConversation reads, in order.
const conversationColumns = `id, channel, chat_id, customer_name, lang, state, ticket_id,
	pending, pending_options, created_at, updated_at, erased_at, acked_at, customer_email, customer_phone`

// Conversation returns the conversation with the given id.
func (q Queries) Conversation(ctx context.Context, id int64) (*dialog.Conversation, error) {
	row := q.q.QueryRow(ctx,
		`SELECT `+conversationColumns+` FROM conversations WHERE id = $1`, id)
	c, err := scanConversation(row)
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "conversation %d not found", id)
	} else if err != nil {
		return nil, q.d.Err(fmt.Sprintf("get conversation %d", id), err)
	}
	return c, nil
}

// ConversationByChat returns the conversation of a channel's chat.
func (q Queries) ConversationByChat(ctx context.Context, channel, chatID string) (*dialog.Conversation, error) {
	if err := dialog.CheckText(channel, chatID); err != nil {
		return nil, err
	}
	row := q.q.QueryRow(ctx,
		`SELECT `+conversationColumns+` FROM conversations WHERE channel = $1 AND chat_id = $2`,
		channel, chatID)
	c, err := scanConversation(row)
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "no conversation for %s chat %q", channel, chatID)
	} else if err != nil {
		return nil, q.d.Err("get conversation of a "+channel+" chat", err)
	}
	return c, nil
}

// scanConversation reads a row of conversationColumns.
func scanConversation(s scanner) (*dialog.Conversation, error) {
	var (
		c        dialog.Conversation
		ticketID *int64
		options  string
	)
	err := s.Scan(&c.ID, &c.Channel, &c.ChatID, &c.CustomerName, &c.Lang, &c.State, &ticketID,
		&c.Pending, &options, scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt), scanTime(&c.ErasedAt),
		scanTime(&c.AckedAt), &c.CustomerEmail, &c.CustomerPhone)
	if err != nil {
		return nil, err
	}
	c.TicketID = readNullID(ticketID)
	if c.PendingOptions, err = parseList(options); err != nil {
		return nil, err
	}
	return &c, nil
}

// EnsureConversation returns the conversation of a channel's chat, creating
// it in StateBot when there is none, and holds it until the transaction
// ends, so that the messages of one conversation are handled one at a
// time. On PostgreSQL a row lock holds it: a transaction of another
// replica that ensures the same conversation waits here until this one
// commits or rolls back. On SQLite the transaction holds the only write
// lock on the database, which holds the conversation too.
func (t *Tx) EnsureConversation(ctx context.Context, channel, chatID string) (*dialog.Conversation, error) {
	if err := dialog.CheckText(channel, chatID); err != nil {
		return nil, err
	}
	if channel == "" || chatID == "" {
		return nil, dialog.Errorf(dialog.EINVALID, "a conversation needs a channel and a chat id")
	}
	op := "ensure conversation of a " + channel + " chat"
	// DO NOTHING: a concurrent insert of the same chat waits for the other
	// transaction, then does nothing if that one committed.
	_, err := t.q.Exec(ctx,
		`INSERT INTO conversations (channel, chat_id, state, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (channel, chat_id) DO NOTHING`,
		channel, chatID, dialog.StateBot, t.timeArg(t.now))
	if err != nil {
		return nil, t.d.Err(op, err)
	}
	row := t.q.QueryRow(ctx,
		`SELECT `+conversationColumns+` FROM conversations
		WHERE channel = $1 AND chat_id = $2`+t.d.ForUpdate(),
		channel, chatID)
	c, err := scanConversation(row)
	if err != nil {
		return nil, t.d.Err(op, err)
	}
	return c, nil
}

// UpdateConversation saves c and sets c.UpdatedAt. Channel, ChatID and
// CreatedAt say which conversation c is and never change.
func (t *Tx) UpdateConversation(ctx context.Context, c *dialog.Conversation) error {
	if err := c.CheckText(); err != nil {
		return err
	}
	if !c.State.Valid() {
		return dialog.Errorf(dialog.EINVALID, "unknown conversation state %q", c.State)
	}
	n, err := t.q.Exec(ctx,
		`UPDATE conversations SET customer_name = $1, lang = $2, state = $3, ticket_id = $4,
			pending = $5, pending_options = $6, updated_at = $7, acked_at = $8,
			customer_email = $9, customer_phone = $10
		WHERE id = $11`,
		c.CustomerName, c.Lang, c.State, nullID(c.TicketID),
		c.Pending, formatList(c.PendingOptions), t.timeArg(t.now), t.nullTimeArg(c.AckedAt),
		c.CustomerEmail, c.CustomerPhone, c.ID)
	if t.d.ForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "conversation %d refers to ticket %d, which does not exist", c.ID, c.TicketID)
	} else if err != nil {
		return t.d.Err(fmt.Sprintf("update conversation %d", c.ID), err)
	}
	if n == 0 {
		return dialog.Errorf(dialog.ENOTFOUND, "conversation %d not found", c.ID)
	}
	c.UpdatedAt = t.now
	return nil
}

// RenameCustomer sets the customer name on every ticket of a
// conversation; see dialog.Tx.
func (t *Tx) RenameCustomer(ctx context.Context, conversationID int64, name string) error {
	if err := dialog.CheckText(name); err != nil {
		return err
	}
	_, err := t.q.Exec(ctx,
		`UPDATE tickets SET customer_name = $1, customer_name_lower = $2 WHERE conversation_id = $3`,
		name, LowerName(name), conversationID)
	if err != nil {
		return t.d.Err(fmt.Sprintf("rename the customer of conversation %d", conversationID), err)
	}
	return nil
}
