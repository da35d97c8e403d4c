package storetest

import (
	"crypto/rand"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// BenchmarkAttachmentRead measures reading a file of the largest size
// allowed, of random (incompressible) bytes, whole with Attachment and in
// parts of 1 MiB with AttachmentPart, as the panel sends it.
func BenchmarkAttachmentRead(b *testing.B, s dialog.Store) {
	ctx := b.Context()
	var m *dialog.Message
	err := s.Update(ctx, func(tx dialog.Tx) error {
		c, err := tx.EnsureConversation(ctx, "telegram", "42")
		if err != nil {
			return err
		}
		m = &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: "a file"}
		return tx.AddMessage(ctx, m)
	})
	if err != nil {
		b.Fatal(err)
	}
	data := make([]byte, dialog.MaxAttachmentSize)
	rand.Read(data)
	a := &dialog.Attachment{MessageID: m.ID, Kind: dialog.AttachmentDocument, Data: data}
	if err := s.Update(ctx, func(tx dialog.Tx) error { return tx.AddAttachment(ctx, a) }); err != nil {
		b.Fatal(err)
	}
	data = nil

	b.Run("whole", func(b *testing.B) {
		b.SetBytes(dialog.MaxAttachmentSize)
		b.ReportAllocs()
		for b.Loop() {
			got, err := s.Attachment(ctx, a.ID)
			if err != nil || int64(len(got.Data)) != a.Size {
				b.Fatalf("Attachment: %v", err)
			}
		}
	})
	b.Run("parts of 1 MiB", func(b *testing.B) {
		b.SetBytes(dialog.MaxAttachmentSize)
		b.ReportAllocs()
		for b.Loop() {
			var n int64
			for n < a.Size {
				part, err := s.AttachmentPart(ctx, a.ID, n, 1<<20)
				if err != nil || len(part.Data) == 0 {
					b.Fatalf("AttachmentPart(%d): %v", n, err)
				}
				n += int64(len(part.Data))
			}
		}
	})
}
