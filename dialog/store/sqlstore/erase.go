package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// IdleConversations lists the ids of up to limit conversations, not
// erased, with the bot or closed, last updated before the given time,
// the oldest first.
func (q Queries) IdleConversations(ctx context.Context, before time.Time, limit int) ([]int64, error) {
	query := `SELECT id FROM conversations
		WHERE erased_at IS NULL AND updated_at < $1 AND state IN ($2, $3)
		ORDER BY updated_at, id`
	args := []any{q.timeArg(before), dialog.StateBot, dialog.StateClosed}
	if limit > 0 {
		query += ` LIMIT $4`
		args = append(args, limit)
	}
	return queryAll(ctx, q, "list idle conversations", scanID, query, args...)
}

// scanID reads a row of one id.
func scanID(s scanner) (int64, error) {
	var id int64
	err := s.Scan(&id)
	return id, err
}

// EraseConversation deletes the personal data of a conversation; see
// dialog.Tx.
//
// The conversation's row is updated first. On PostgreSQL that holds it
// against the transactions of other replicas (a customer's message, an
// agent's action, another erasure) until this one ends; a conditional
// update that had to wait checks its condition again on the row as the
// other transaction left it.
func (t *Tx) EraseConversation(ctx context.Context, id int64, at, idleBefore time.Time) (*dialog.Conversation, error) {
	op := fmt.Sprintf("erase conversation %d", id)
	before, err := t.Conversation(ctx, id)
	if err != nil {
		return nil, err
	}
	query := `UPDATE conversations SET customer_name = '', customer_email = '', customer_phone = '', chat_id = $1, pending = '', pending_options = '[]',
			erased_at = COALESCE(erased_at, $2)
		WHERE id = $3 AND state IN ($4, $5)`
	args := []any{dialog.ErasedChatID(id), t.timeArg(at), id, dialog.StateBot, dialog.StateClosed}
	if !idleBefore.IsZero() {
		query += ` AND erased_at IS NULL AND updated_at < $6`
		args = append(args, t.timeArg(idleBefore))
	}
	n, err := t.q.Exec(ctx, query, args...)
	if err != nil {
		return nil, t.d.Err(op, err)
	}
	if n == 0 {
		c, err := t.Conversation(ctx, id)
		if err != nil {
			return nil, err
		}
		return nil, dialog.NotErasable(c)
	}
	steps := []struct {
		what  string
		query string
		args  []any
	}{
		{"tickets", `UPDATE tickets SET customer_name = '', customer_name_lower = '', fields = '[]' WHERE conversation_id = $1`, []any{id}},
		{"attachments", `DELETE FROM attachments WHERE message_id IN (SELECT id FROM messages WHERE conversation_id = $1)`, []any{id}},
		{"messages", `UPDATE messages SET text = '', buttons = '[]' WHERE conversation_id = $1 AND (text <> '' OR buttons <> '[]')`, []any{id}},
		{"outbox", `UPDATE outbox SET text = '', buttons = '[]', chat_id = $1,
				last_error = CASE WHEN status = $2 OR last_error = $3 THEN $3 ELSE '' END,
				status = CASE WHEN status = $2 THEN $4 ELSE status END
			WHERE conversation_id = $5`,
			[]any{dialog.ErasedChatID(id), dialog.OutboxPending, dialog.OutboxErasedError, dialog.OutboxFailed, id}},
	}
	for _, s := range steps {
		if _, err := t.q.Exec(ctx, s.query, s.args...); err != nil {
			return nil, t.d.Err(op+": "+s.what, err)
		}
	}
	if err := t.eraseWhatsAppContact(ctx, before); err != nil {
		return nil, t.d.Err(op+": whatsapp contact", err)
	}
	return t.Conversation(ctx, id)
}

// eraseWhatsAppContact deletes what the WhatsApp session (whatsmeow's
// tables, in the same database once WhatsApp was linked) keeps of a
// WhatsApp conversation's customer: their names (whatsmeow_contacts),
// under their address, which is the conversation's chat id, and under
// the other of their phone-number JID and linked id (…@lid), and the
// link between those two (whatsmeow_lid_map, which keeps each without
// its server). Each table is touched only when it exists, as whatsmeow
// versions differ. What the session holds in memory stays until it is
// restarted.
func (t *Tx) eraseWhatsAppContact(ctx context.Context, c *dialog.Conversation) error {
	if c.Channel != dialog.ChannelWhatsApp || dialog.IsErasedChatID(c.ChatID) {
		return nil
	}
	jids := []string{c.ChatID}
	lidMap, err := t.hasTable(ctx, "whatsmeow_lid_map")
	if err != nil {
		return err
	}
	user, server, _ := strings.Cut(c.ChatID, "@")
	if lidMap && (server == "s.whatsapp.net" || server == "lid") {
		// The column the chat id's user is in, and the other one.
		mine, other, otherServer := "pn", "lid", "lid"
		if server == "lid" {
			mine, other, otherServer = "lid", "pn", "s.whatsapp.net"
		}
		var linked string
		err := t.q.QueryRow(ctx, "SELECT "+other+" FROM whatsmeow_lid_map WHERE "+mine+" = $1", user).Scan(&linked)
		switch {
		case err == nil:
			jids = append(jids, linked+"@"+otherServer)
		case !noRows(err):
			return err
		}
		if _, err := t.q.Exec(ctx, "DELETE FROM whatsmeow_lid_map WHERE "+mine+" = $1", user); err != nil {
			return err
		}
	}
	contacts, err := t.hasTable(ctx, "whatsmeow_contacts")
	if err != nil || !contacts {
		return err
	}
	for _, jid := range jids {
		if _, err := t.q.Exec(ctx, `DELETE FROM whatsmeow_contacts WHERE their_jid = $1`, jid); err != nil {
			return err
		}
	}
	return nil
}

// hasTable reports whether the database has the table: whatsmeow's are
// there only once WhatsApp was linked.
func (t *Tx) hasTable(ctx context.Context, name string) (bool, error) {
	var exists bool
	err := t.q.QueryRow(ctx, `SELECT `+t.d.HasTable("$1"), name).Scan(&exists)
	return exists, err
}
