package sqlite

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// fileBytes returns the database file and its write-ahead log, as they
// are on disk.
func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// TestEraseLeavesNothingInTheFiles erases a customer and reads the
// database's files byte by byte: their words, name, chat id and file are
// gone from every page, the ones freed and the ones still in the log.
func TestEraseLeavesNothingInTheFiles(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "firstline.db")
	db, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const marker = "Xk3secretMarkerWords"
	var conv *dialog.Conversation
	add := func(text string) {
		t.Helper()
		err := db.Update(ctx, func(tx dialog.Tx) error {
			var err error
			if conv, err = tx.EnsureConversation(ctx, "whatsapp", "7916"+marker+"@s.whatsapp.net"); err != nil {
				return err
			}
			conv.CustomerName = "Name " + marker
			m := &dialog.Message{ConversationID: conv.ID, Author: dialog.AuthorCustomer, Text: text}
			if err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
			data := []byte(strings.Repeat("file "+marker+" ", 2000)) // spills into overflow pages
			a := &dialog.Attachment{MessageID: m.ID, Kind: dialog.AttachmentDocument, FileName: marker + ".txt",
				Size: int64(len(data)), Data: data}
			if err := tx.AddAttachment(ctx, a); err != nil {
				return err
			}
			return tx.UpdateConversation(ctx, conv)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Some of it in the database file, some still in the log only.
	add("first words " + marker)
	if err := db.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	add(strings.Repeat("long words "+marker+" ", 500))
	before := fileBytes(t, path)
	if bytes.Count(before, []byte(marker)) < 2 {
		t.Fatalf("the files hold %q %d times before the erasure: the test checks nothing", marker, bytes.Count(before, []byte(marker)))
	}

	e := dialog.NewEngine(db, nil, nil, dialog.DefaultConfig, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := e.Erase(ctx, conv.ID); err != nil {
		t.Fatal(err)
	}
	after := fileBytes(t, path)
	if i := bytes.Index(after, []byte(marker)); i >= 0 {
		t.Errorf("the files still hold %q at byte %d of %d after the erasure", marker, i, len(after))
	}
	// The conversation itself is still there.
	if got, err := db.Conversation(ctx, conv.ID); err != nil || !got.Erased() {
		t.Errorf("erased conversation: %+v, %v", got, err)
	}
}

// TestEraseWhatsAppContact erases a WhatsApp customer from a database the
// WhatsApp session shares: the names it keeps of them, by phone number
// and by linked id, and the link between the two go too, the
// others' stay.
func TestEraseWhatsAppContact(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	// The parts of whatsmeow's tables the erasure touches: names are kept
	// under a customer's phone-number JID and under their linked id
	// (…@lid), which the map links to the number.
	_, err := db.writer.ExecContext(ctx, `CREATE TABLE whatsmeow_contacts (
		our_jid TEXT, their_jid TEXT, push_name TEXT, PRIMARY KEY (our_jid, their_jid))`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = db.writer.ExecContext(ctx, `CREATE TABLE whatsmeow_lid_map (lid TEXT PRIMARY KEY, pn TEXT UNIQUE NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	// The customer is known by number, a second one only by linked id.
	const customer, other, byLID = "79161234567@s.whatsapp.net", "79990000000@s.whatsapp.net", "555222@lid"
	_, err = db.writer.ExecContext(ctx, `INSERT INTO whatsmeow_contacts VALUES
		('700@s.whatsapp.net', ?, 'Vasilisa'), ('700@s.whatsapp.net', '555111@lid', 'Vasilisa by lid'),
		('700@s.whatsapp.net', ?, 'Other'), ('700@s.whatsapp.net', '555999@lid', 'Other by lid'),
		('700@s.whatsapp.net', ?, 'Pyotr by lid'), ('700@s.whatsapp.net', '79160000001@s.whatsapp.net', 'Pyotr')`, customer, other, byLID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.writer.ExecContext(ctx, `INSERT INTO whatsmeow_lid_map VALUES ('555111', '79161234567'), ('555999', '79990000000'), ('555222', '79160000001')`)
	if err != nil {
		t.Fatal(err)
	}
	for _, chat := range []string{customer, byLID} {
		err = db.Update(ctx, func(tx dialog.Tx) error {
			conv, err := tx.EnsureConversation(ctx, dialog.ChannelWhatsApp, chat)
			if err != nil {
				return err
			}
			_, err = tx.EraseConversation(ctx, conv.ID, time.Now(), time.Time{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	column := func(query string) string {
		t.Helper()
		var left []string
		rows, err := db.reader.QueryContext(ctx, query)
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
	// Without the session's tables (WhatsApp never linked) erasing works.
	db2 := openTest(t)
	err = db2.Update(ctx, func(tx dialog.Tx) error {
		c, err := tx.EnsureConversation(ctx, dialog.ChannelWhatsApp, customer)
		if err != nil {
			return err
		}
		_, err = tx.EraseConversation(ctx, c.ID, time.Now(), time.Time{})
		return err
	})
	if err != nil {
		t.Errorf("erasing without the session's tables: %v", err)
	}
}
