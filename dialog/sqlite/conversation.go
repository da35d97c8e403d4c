package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/firstline-support/firstline/dialog"
)

// conversationColumns are the columns scanConversation reads, in order.
const conversationColumns = `id, channel, chat_id, customer_name, lang, state, ticket_id,
	pending, pending_options, created_at, updated_at, erased_at`

// Conversation returns the conversation with the given id.
func (q queries) Conversation(ctx context.Context, id int64) (*dialog.Conversation, error) {
	row := q.q.QueryRowContext(ctx,
		`SELECT `+conversationColumns+` FROM conversations WHERE id = ?`, id)
	c, err := scanConversation(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "conversation %d not found", id)
	} else if err != nil {
		return nil, storeErr(fmt.Sprintf("get conversation %d", id), err)
	}
	return c, nil
}

// ConversationByChat returns the conversation of a channel's chat.
func (q queries) ConversationByChat(ctx context.Context, channel, chatID string) (*dialog.Conversation, error) {
	if err := dialog.CheckText(channel, chatID); err != nil {
		return nil, err
	}
	row := q.q.QueryRowContext(ctx,
		`SELECT `+conversationColumns+` FROM conversations WHERE channel = ? AND chat_id = ?`,
		channel, chatID)
	c, err := scanConversation(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "no conversation for %s chat %q", channel, chatID)
	} else if err != nil {
		return nil, storeErr("get conversation of a "+channel+" chat", err)
	}
	return c, nil
}

// scanConversation reads a row of conversationColumns.
func scanConversation(s scanner) (*dialog.Conversation, error) {
	var (
		c                    dialog.Conversation
		ticketID             sql.NullInt64
		options              string
		createdAt, updatedAt string
		erasedAt             sql.NullString
	)
	err := s.Scan(&c.ID, &c.Channel, &c.ChatID, &c.CustomerName, &c.Lang, &c.State, &ticketID,
		&c.Pending, &options, &createdAt, &updatedAt, &erasedAt)
	if err != nil {
		return nil, err
	}
	c.TicketID = ticketID.Int64
	if c.PendingOptions, err = parseList(options); err != nil {
		return nil, err
	}
	if c.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, err
	}
	if c.UpdatedAt, err = parseTime(updatedAt); err != nil {
		return nil, err
	}
	if c.ErasedAt, err = parseNullTime(erasedAt); err != nil {
		return nil, err
	}
	return &c, nil
}

// EnsureConversation returns the conversation of a channel's chat, creating
// it in StateBot when there is none. The transaction holds the only write
// lock on the database, which also holds the conversation.
func (t *tx) EnsureConversation(ctx context.Context, channel, chatID string) (*dialog.Conversation, error) {
	if err := dialog.CheckText(channel, chatID); err != nil {
		return nil, err
	}
	if channel == "" || chatID == "" {
		return nil, dialog.Errorf(dialog.EINVALID, "a conversation needs a channel and a chat id")
	}
	created := formatTime(now())
	_, err := t.q.ExecContext(ctx,
		`INSERT INTO conversations (channel, chat_id, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (channel, chat_id) DO NOTHING`,
		channel, chatID, dialog.StateBot, created, created)
	if err != nil {
		return nil, storeErr("create conversation of a "+channel+" chat", err)
	}
	return t.ConversationByChat(ctx, channel, chatID)
}

// UpdateConversation saves c and sets c.UpdatedAt. Channel, ChatID and
// CreatedAt say which conversation c is and never change.
func (t *tx) UpdateConversation(ctx context.Context, c *dialog.Conversation) error {
	if err := c.CheckText(); err != nil {
		return err
	}
	if !c.State.Valid() {
		return dialog.Errorf(dialog.EINVALID, "unknown conversation state %q", c.State)
	}
	updated := now()
	res, err := t.q.ExecContext(ctx,
		`UPDATE conversations SET customer_name = ?, lang = ?, state = ?, ticket_id = ?,
			pending = ?, pending_options = ?, updated_at = ?
		WHERE id = ?`,
		c.CustomerName, c.Lang, c.State, nullID(c.TicketID),
		c.Pending, formatList(c.PendingOptions), formatTime(updated),
		c.ID)
	if isForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "conversation %d refers to ticket %d, which does not exist", c.ID, c.TicketID)
	} else if err != nil {
		return storeErr(fmt.Sprintf("update conversation %d", c.ID), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return storeErr(fmt.Sprintf("update conversation %d", c.ID), err)
	} else if n == 0 {
		return dialog.Errorf(dialog.ENOTFOUND, "conversation %d not found", c.ID)
	}
	c.UpdatedAt = updated
	return nil
}
