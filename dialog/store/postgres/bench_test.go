package postgres

import (
	"fmt"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/storetest"
)

// BenchmarkUpdateAddMessage measures one turn's write: a transaction that
// finds (and locks) the conversation and stores the customer's message and
// the reply. Each commit waits for the server's write-ahead log flush.
func BenchmarkUpdateAddMessage(b *testing.B) {
	db := open(b, newTestDB(b).schemaURL(b))
	ctx := b.Context()
	n := 0
	for b.Loop() {
		n++
		err := db.Update(ctx, func(tx dialog.Tx) error {
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

// BenchmarkAttachmentRead reads a 20 MB file whole and in parts.
func BenchmarkAttachmentRead(b *testing.B) {
	storetest.BenchmarkAttachmentRead(b, open(b, newTestDB(b).schemaURL(b)))
}
