package postgres

import (
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// TestEraseWhatsAppContact erases a WhatsApp customer from a database the
// WhatsApp session shares: the contact it keeps of them goes too, the
// others' stay; and without the session's tables erasing works.
func TestEraseWhatsAppContact(t *testing.T) {
	ctx := t.Context()
	db := newTestDB(t)
	s := open(t, db.schemaURL(t))
	// The part of whatsmeow's table the erasure touches.
	_, err := s.pool.Exec(ctx, `CREATE TABLE whatsmeow_contacts (
		our_jid text, their_jid text, push_name text, PRIMARY KEY (our_jid, their_jid))`)
	if err != nil {
		t.Fatal(err)
	}
	const customer, other = "79161234567@s.whatsapp.net", "79990000000@s.whatsapp.net"
	_, err = s.pool.Exec(ctx, `INSERT INTO whatsmeow_contacts VALUES
		('700@s.whatsapp.net', $1, 'Vasilisa'), ('700@s.whatsapp.net', $2, 'Other')`, customer, other)
	if err != nil {
		t.Fatal(err)
	}
	erase := func(s *DB) error {
		return s.Update(ctx, func(tx dialog.Tx) error {
			c, err := tx.EnsureConversation(ctx, dialog.ChannelWhatsApp, customer)
			if err != nil {
				return err
			}
			_, err = tx.EraseConversation(ctx, c.ID, time.Now(), time.Time{})
			return err
		})
	}
	if err := erase(s); err != nil {
		t.Fatal(err)
	}
	var left []string
	rows, err := s.pool.Query(ctx, `SELECT push_name FROM whatsmeow_contacts ORDER BY push_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		left = append(left, name)
	}
	if len(left) != 1 || left[0] != "Other" {
		t.Errorf("whatsapp contacts after the erasure: %v, want only the other customer's", left)
	}
	if err := erase(open(t, db.schemaURL(t))); err != nil {
		t.Errorf("erasing without the session's tables: %v", err)
	}
}
