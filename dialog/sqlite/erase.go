package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// IdleConversations lists the ids of up to limit conversations, not
// erased, with the bot or closed, last updated before the given time,
// the oldest first.
func (q queries) IdleConversations(ctx context.Context, before time.Time, limit int) ([]int64, error) {
	return queryAll(ctx, q.q, "list idle conversations", scanID,
		`SELECT id FROM conversations
		WHERE erased_at IS NULL AND updated_at < ? AND state IN (?, ?)
		ORDER BY updated_at, id
		LIMIT ?`,
		formatTime(before), dialog.StateBot, dialog.StateClosed, sqlLimit(limit))
}

// scanID reads a row of one id.
func scanID(s scanner) (int64, error) {
	var id int64
	err := s.Scan(&id)
	return id, err
}

// EraseConversation deletes the personal data of a conversation; see
// dialog.Tx. Every statement runs on the writer, whose connection deletes
// securely (zeroes what it frees), so nothing erased is left in the
// database's pages.
func (t *tx) EraseConversation(ctx context.Context, id int64, at, idleBefore time.Time) (*dialog.Conversation, error) {
	op := fmt.Sprintf("erase conversation %d", id)
	before, err := t.Conversation(ctx, id)
	if err != nil {
		return nil, err
	}
	query := `UPDATE conversations SET customer_name = '', chat_id = ?, pending = '', pending_options = '[]',
			erased_at = COALESCE(erased_at, ?)
		WHERE id = ? AND state IN (?, ?)`
	args := []any{dialog.ErasedChatID(id), formatTime(at), id, dialog.StateBot, dialog.StateClosed}
	if !idleBefore.IsZero() {
		query += ` AND erased_at IS NULL AND updated_at < ?`
		args = append(args, formatTime(idleBefore))
	}
	res, err := t.q.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, storeErr(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, storeErr(op, err)
	} else if n == 0 {
		return nil, notErasable(ctx, t, id)
	}
	steps := []struct {
		what  string
		query string
		args  []any
	}{
		{"tickets", `UPDATE tickets SET customer_name = '', customer_name_lower = '' WHERE conversation_id = ?`, []any{id}},
		{"attachments", `DELETE FROM attachments WHERE message_id IN (SELECT id FROM messages WHERE conversation_id = ?)`, []any{id}},
		{"messages", `UPDATE messages SET text = '', buttons = '[]' WHERE conversation_id = ? AND (text <> '' OR buttons <> '[]')`, []any{id}},
		{"outbox", `UPDATE outbox SET text = '', buttons = '[]', chat_id = ?5,
				last_error = CASE WHEN status = ?1 OR last_error = ?2 THEN ?2 ELSE '' END,
				status = CASE WHEN status = ?1 THEN ?3 ELSE status END
			WHERE conversation_id = ?4`,
			[]any{dialog.OutboxPending, dialog.OutboxErasedError, dialog.OutboxFailed, id, dialog.ErasedChatID(id)}},
	}
	for _, s := range steps {
		if _, err := t.q.ExecContext(ctx, s.query, s.args...); err != nil {
			return nil, storeErr(op+": "+s.what, err)
		}
	}
	if err := t.eraseWhatsAppContact(ctx, before); err != nil {
		return nil, storeErr(op+": whatsapp contact", err)
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
func (t *tx) eraseWhatsAppContact(ctx context.Context, c *dialog.Conversation) error {
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
		err := t.q.QueryRowContext(ctx, "SELECT "+other+" FROM whatsmeow_lid_map WHERE "+mine+" = ?", user).Scan(&linked)
		switch {
		case err == nil:
			jids = append(jids, linked+"@"+otherServer)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := t.q.ExecContext(ctx, "DELETE FROM whatsmeow_lid_map WHERE "+mine+" = ?", user); err != nil {
			return err
		}
	}
	contacts, err := t.hasTable(ctx, "whatsmeow_contacts")
	if err != nil || !contacts {
		return err
	}
	for _, jid := range jids {
		if _, err := t.q.ExecContext(ctx, `DELETE FROM whatsmeow_contacts WHERE their_jid = ?`, jid); err != nil {
			return err
		}
	}
	return nil
}

// hasTable reports whether the database has the table: whatsmeow's are
// there only once WhatsApp was linked.
func (t *tx) hasTable(ctx context.Context, name string) (bool, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n)
	return n > 0, err
}

// notErasable says why the conversation with id was not erased.
func notErasable(ctx context.Context, q dialog.Queries, id int64) error {
	c, err := q.Conversation(ctx, id)
	if err != nil {
		return err
	}
	return dialog.NotErasable(c)
}

// Compact empties the write-ahead log into the database file, so that the
// pages an erasure replaced are gone from the log too; it waits (up to the
// busy timeout) for readers of older pages to finish.
func (db *DB) Compact(ctx context.Context) error {
	var busy, logFrames, checkpointed int
	err := db.writer.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed)
	if err != nil {
		return storeErr("checkpoint", err)
	}
	if busy != 0 {
		return dialog.Errorf(dialog.EUNAVAILABLE, "the write-ahead log could not be emptied: readers are busy; it is at the next checkpoint")
	}
	return nil
}
