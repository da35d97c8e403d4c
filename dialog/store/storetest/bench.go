package storetest

import (
	"crypto/rand"
	"fmt"
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

// BenchmarkUpdateAddMessage measures one turn's write on s: a transaction
// that finds (and on PostgreSQL locks) the conversation and stores the
// customer's message and the reply.
func BenchmarkUpdateAddMessage(b *testing.B, s dialog.Store) {
	ctx := b.Context()
	n := 0
	for b.Loop() {
		n++
		err := s.Update(ctx, func(tx dialog.Tx) error {
			c, err := tx.EnsureConversation(ctx, "webchat", fmt.Sprintf("chat-%d", n%100))
			if err != nil {
				return err
			}
			in := &dialog.Message{
				ConversationID: c.ID,
				Author:         dialog.AuthorCustomer,
				ExternalID:     fmt.Sprintf("ext-%d", n),
				Text:           "Где мой заказ?",
				Lang:           "ru",
			}
			if err := tx.AddMessage(ctx, in); err != nil {
				return err
			}
			return tx.AddMessage(ctx, &dialog.Message{
				ConversationID: c.ID,
				Author:         dialog.AuthorBot,
				ReplyTo:        in.ID,
				Text:           "Заказ уже в пути.",
				Buttons:        []string{"Спасибо", "Позвать оператора"},
				Lang:           "ru",
				Intent:         "order.status",
				Confidence:     0.9,
			})
		})
		if err != nil {
			b.Fatalf("Update: %v", err)
		}
	}
}
