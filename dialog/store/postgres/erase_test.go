package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// TestEraseWhatsAppContact erases a WhatsApp customer from a database the
// WhatsApp session shares: the names it keeps of them, by phone number
// and by linked id, and the link between the two go too, the
// others' stay; and without the session's tables erasing works.
func TestEraseWhatsAppContact(t *testing.T) {
	ctx := t.Context()
	db := newTestDB(t)
	s := open(t, db.schemaURL(t))
	// The parts of whatsmeow's tables the erasure touches: names are kept
	// under a customer's phone-number JID and under their linked id
	// (…@lid), which the map links to the number.
	_, err := s.pool.Exec(ctx, `CREATE TABLE whatsmeow_contacts (
		our_jid TEXT, their_jid TEXT, push_name TEXT, PRIMARY KEY (our_jid, their_jid))`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = s.pool.Exec(ctx, `CREATE TABLE whatsmeow_lid_map (lid TEXT PRIMARY KEY, pn TEXT UNIQUE NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	// The customer is known by number, a second one only by linked id.
	const customer, other, byLID = "79161234567@s.whatsapp.net", "79990000000@s.whatsapp.net", "555222@lid"
	_, err = s.pool.Exec(ctx, `INSERT INTO whatsmeow_contacts VALUES
		('700@s.whatsapp.net', $1, 'Vasilisa'), ('700@s.whatsapp.net', '555111@lid', 'Vasilisa by lid'),
		('700@s.whatsapp.net', $2, 'Other'), ('700@s.whatsapp.net', '555999@lid', 'Other by lid'),
		('700@s.whatsapp.net', $3, 'Pyotr by lid'), ('700@s.whatsapp.net', '79160000001@s.whatsapp.net', 'Pyotr')`, customer, other, byLID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO whatsmeow_lid_map VALUES ('555111', '79161234567'), ('555999', '79990000000'), ('555222', '79160000001')`)
	if err != nil {
		t.Fatal(err)
	}
	erase := func(s *DB, chat string) error {
		return s.Update(ctx, func(tx dialog.Tx) error {
			c, err := tx.EnsureConversation(ctx, dialog.ChannelWhatsApp, chat)
			if err != nil {
				return err
			}
			_, err = tx.EraseConversation(ctx, c.ID, time.Now(), time.Time{})
			return err
		})
	}
	for _, chat := range []string{customer, byLID} {
		if err := erase(s, chat); err != nil {
			t.Fatal(err)
		}
	}
	column := func(query string) string {
		t.Helper()
		var left []string
		rows, err := s.pool.Query(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			left = append(left, v)
		}
		return strings.Join(left, ",")
	}
	if left := column(`SELECT push_name FROM whatsmeow_contacts ORDER BY push_name`); left != "Other,Other by lid" {
		t.Errorf("whatsapp contacts after the erasures: %s, want only the other customer's", left)
	}
	if left := column(`SELECT lid || '=' || pn FROM whatsmeow_lid_map ORDER BY lid`); left != "555999=79990000000" {
		t.Errorf("whatsapp linked ids after the erasures: %s, want only the other customer's", left)
	}
	if err := erase(open(t, db.schemaURL(t)), customer); err != nil {
		t.Errorf("erasing without the session's tables: %v", err)
	}
}
