package sqlite

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// BenchmarkErase measures erasing one customer through the engine: a
// conversation of 100 messages of 300 characters and 5 files of 100 KiB,
// among 200 other conversations like it; the time includes emptying the
// write-ahead log. Filling each conversation is not timed.
func BenchmarkErase(b *testing.B) {
	db := openTest(b)
	ctx := b.Context()
	e := dialog.NewEngine(db, nil, nil, dialog.DefaultConfig, slog.New(slog.NewTextHandler(io.Discard, nil)))
	text := strings.Repeat("слово ", 50)
	file := make([]byte, 100<<10)
	fill := func(chat string) int64 {
		var id int64
		err := db.Update(ctx, func(tx dialog.Tx) error {
			c, err := tx.EnsureConversation(ctx, "telegram", chat)
			if err != nil {
				return err
			}
			id = c.ID
			for i := range 100 {
				m := &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: text}
				if err := tx.AddMessage(ctx, m); err != nil {
					return err
				}
				if i%20 == 0 {
					a := &dialog.Attachment{MessageID: m.ID, Kind: dialog.AttachmentDocument, Size: int64(len(file)), Data: file}
					if err := tx.AddAttachment(ctx, a); err != nil {
						return err
					}
				}
			}
			c.CustomerName = "Имя Фамилия"
			return tx.UpdateConversation(ctx, c)
		})
		if err != nil {
			b.Fatal(err)
		}
		return id
	}
	for i := range 200 {
		fill(fmt.Sprintf("other-%d", i))
	}
	n := 0
	for b.Loop() {
		b.StopTimer()
		n++
		id := fill(fmt.Sprintf("chat-%d", n))
		b.StartTimer()
		if _, err := e.Erase(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}
