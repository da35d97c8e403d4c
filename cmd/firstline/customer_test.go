package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
)

// seedCustomer stores a closed conversation of a Telegram chat whose
// customer's name, words and file carry marker, and returns its id.
func seedCustomer(t *testing.T, store dialog.Store, chat, marker string) int64 {
	t.Helper()
	ctx := t.Context()
	var id int64
	err := store.Update(ctx, func(tx dialog.Tx) error {
		c, err := tx.EnsureConversation(ctx, "telegram", chat)
		if err != nil {
			return err
		}
		id = c.ID
		tk := &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketClosed, Channel: "telegram",
			CustomerName: "Name " + marker, Queue: "first_line"}
		if err := tx.CreateTicket(ctx, tk); err != nil {
			return err
		}
		m := &dialog.Message{ConversationID: c.ID, TicketID: tk.ID, Author: dialog.AuthorCustomer, Text: "words " + marker}
		if err := tx.AddMessage(ctx, m); err != nil {
			return err
		}
		data := []byte("file")
		if err := tx.AddAttachment(ctx, &dialog.Attachment{MessageID: m.ID, Kind: dialog.AttachmentDocument,
			FileName: marker + ".pdf", Size: int64(len(data)), Data: data}); err != nil {
			return err
		}
		c.CustomerName, c.State = "Name "+marker, dialog.StateClosed
		return tx.UpdateConversation(ctx, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestCustomerErase erases a customer with the command, on each store,
// and checks that "firstline export" holds nothing of theirs after it.
func TestCustomerErase(t *testing.T) {
	const marker, other = "Er4sedCustomerQ", "KeptCustomerW2"
	for _, backend := range []struct {
		name string
		open func(t *testing.T, data string) (dialog.Store, map[string]string)
	}{
		{"sqlite", func(t *testing.T, data string) (dialog.Store, map[string]string) {
			return openTestStore(t, data), nil
		}},
		{"postgres", func(t *testing.T, data string) (dialog.Store, map[string]string) {
			url := pgtest.Database(t)
			db, err := postgres.Open(context.Background(), url, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db, map[string]string{"FIRSTLINE_DATABASE_URL": url}
		}},
	} {
		t.Run(backend.name, func(t *testing.T) {
			data := t.TempDir()
			store, envs := backend.open(t, data)
			id := seedCustomer(t, store, "555", marker)
			seedCustomer(t, store, "777", other)
			store.Close()

			_, before, _ := runIn(t, data, "", envs, "export")
			if !strings.Contains(before, marker) {
				t.Fatalf("the export holds no %q before the erasure: the test checks nothing", marker)
			}
			for _, c := range []struct {
				name string
				args []string
				code int
				out  string // in stdout on success, in stderr on failure
			}{
				{"no flags", []string{"customer", "erase"}, 2, "required"},
				{"chat without channel", []string{"customer", "erase", "--chat", "555"}, 2, "go together"},
				{"both ways", []string{"customer", "erase", "--channel", "telegram", "--chat", "555", "--conversation", "1"}, 2, "not both"},
				{"unknown subcommand", []string{"customer", "forget"}, 2, "unknown subcommand"},
				{"unknown customer", []string{"customer", "erase", "--channel", "telegram", "--chat", "999"}, 1, `no customer with telegram chat "999"`},
				{"erase", []string{"customer", "erase", "--channel", "telegram", "--chat", "555"}, 0, "erased on"},
				{"again by chat", []string{"customer", "erase", "--channel", "telegram", "--chat", "555"}, 1, "erased already"},
				{"again by conversation", []string{"customer", "erase", "--conversation", strconv.FormatInt(id, 10)}, 0, "erased on"},
			} {
				code, stdout, stderr := runIn(t, data, "", envs, c.args...)
				if code != c.code {
					t.Fatalf("%s: exit code %d, want %d; stderr: %s", c.name, code, c.code, stderr)
				}
				got := stdout
				if c.code != 0 {
					got = stderr
				}
				if !strings.Contains(got, c.out) {
					t.Errorf("%s: output %q lacks %q", c.name, got, c.out)
				}
			}

			code, after, stderr := runIn(t, data, "", envs, "export")
			if code != 0 {
				t.Fatalf("export: %s", stderr)
			}
			if i := strings.Index(after, marker); i >= 0 {
				t.Errorf("the export still holds %q: …%s…", marker, after[max(0, i-150):min(len(after), i+50)])
			}
			if !strings.Contains(after, other) {
				t.Errorf("the export lost the other customer %q", other)
			}
			if !strings.Contains(after, `"erased_at":"`) {
				t.Error("the export does not say when the conversation was erased")
			}
		})
	}
}
