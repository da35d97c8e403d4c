package storetest

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// saveInbox runs SaveInbox in its own transaction and returns whether it
// stored the item.
func saveInbox(t *testing.T, s dialog.Store, item *dialog.InboxItem) bool {
	t.Helper()
	var stored bool
	update(t, s, func(tx dialog.Tx) error {
		var err error
		stored, err = tx.SaveInbox(t.Context(), item)
		return err
	})
	return stored
}

// markProcessed runs MarkInboxProcessed in its own transaction.
func markProcessed(t *testing.T, s dialog.Store, channel, externalID string) {
	t.Helper()
	update(t, s, func(tx dialog.Tx) error {
		return tx.MarkInboxProcessed(t.Context(), channel, externalID, time.Now())
	})
}

// pendingInbox returns the external ids PendingInbox lists, in order; nil
// for none.
func pendingInbox(t *testing.T, s dialog.Store, channel string, limit int) []string {
	t.Helper()
	list, err := s.PendingInbox(t.Context(), channel, limit)
	if err != nil {
		t.Fatalf("PendingInbox: %v", err)
	}
	var ids []string
	for _, item := range list {
		ids = append(ids, item.ExternalID)
	}
	return ids
}

// checkInbox fails the test unless got and want are the same item.
func checkInbox(t *testing.T, what string, got, want *dialog.InboxItem) {
	t.Helper()
	checkTime(t, what+".ReceivedAt", got.ReceivedAt, want.ReceivedAt)
	checkTime(t, what+".ProcessedAt", got.ProcessedAt, want.ProcessedAt)
	if got.Channel != want.Channel || got.ExternalID != want.ExternalID {
		t.Errorf("%s: update %s/%q, want %s/%q", what, got.Channel, got.ExternalID, want.Channel, want.ExternalID)
	}
	if !bytes.Equal(got.Payload, want.Payload) {
		t.Errorf("%s: payload %q, want %q", what, got.Payload, want.Payload)
	}
}

func testSaveInbox(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	moscow := time.FixedZone("MSK", 3*60*60)
	first := &dialog.InboxItem{
		Channel:    "telegram",
		ExternalID: "100",
		// Bytes as received, which need not be text.
		Payload:    []byte{'{', 0x00, 0xff, 0x80, '}'},
		ReceivedAt: time.Date(2024, 5, 6, 7, 8, 9, 123456789, moscow),
	}
	update(t, s, func(tx dialog.Tx) error {
		stored, err := tx.SaveInbox(ctx, first)
		if err != nil {
			return err
		}
		if !stored {
			t.Error("SaveInbox of a new update did not store it")
		}
		// A redelivery is not stored, and leaves the transaction usable.
		again := &dialog.InboxItem{Channel: "telegram", ExternalID: "100", Payload: []byte("second")}
		stored, err = tx.SaveInbox(ctx, again)
		if err != nil {
			return err
		}
		if stored {
			t.Error("SaveInbox of a duplicate stored it")
		}
		// The same id on another channel is another update.
		stored, err = tx.SaveInbox(ctx, &dialog.InboxItem{Channel: "whatsapp", ExternalID: "100"})
		if err != nil {
			return err
		}
		if !stored {
			t.Error("SaveInbox of another channel's update did not store it")
		}
		return nil
	})
	if saveInbox(t, s, &dialog.InboxItem{Channel: "telegram", ExternalID: "100", Payload: []byte("third")}) {
		t.Error("SaveInbox of a duplicate in a later transaction stored it")
	}

	list, err := s.PendingInbox(ctx, "telegram", 10)
	if err != nil {
		t.Fatalf("PendingInbox: %v", err)
	}
	if len(list) != 1 {
		t.Fatalf("PendingInbox returned %d items, want 1", len(list))
	}
	checkInbox(t, "first delivery", list[0], first)

	// Without a receive time, the store sets it; an empty payload is kept
	// as empty.
	empty := &dialog.InboxItem{Channel: "whatsapp", ExternalID: "101"}
	if !saveInbox(t, s, empty) {
		t.Error("SaveInbox of a new update did not store it")
	}
	if empty.ReceivedAt.IsZero() {
		t.Error("ReceivedAt not set")
	}
	list, err = s.PendingInbox(ctx, "whatsapp", 10)
	if err != nil {
		t.Fatalf("PendingInbox: %v", err)
	}
	if len(list) != 2 {
		t.Fatalf("PendingInbox returned %d items, want 2", len(list))
	}
	checkInbox(t, "no payload", list[1], empty)

	// An update saved in a transaction that rolls back is not there.
	err = s.Update(ctx, func(tx dialog.Tx) error {
		if _, err := tx.SaveInbox(ctx, &dialog.InboxItem{Channel: "telegram", ExternalID: "200"}); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update returned %v, want the error of fn", err)
	}
	if got := pendingInbox(t, s, "telegram", 10); !reflect.DeepEqual(got, []string{"100"}) {
		t.Errorf("pending after a rollback = %q, want [100]", got)
	}

	for _, bad := range []*dialog.InboxItem{
		{ExternalID: "1"},
		{Channel: "telegram"},
	} {
		err := s.Update(ctx, func(tx dialog.Tx) error {
			_, err := tx.SaveInbox(ctx, bad)
			return err
		})
		checkCode(t, "SaveInbox of "+bad.Channel+"/"+bad.ExternalID, err, dialog.EINVALID)
	}
}

func testPendingInboxOrder(t *testing.T, s dialog.Store) {
	// Telegram's update ids are numbers: 9 comes before 10 and 100, which
	// text order would put first.
	for _, id := range []string{"100", "9", "10"} {
		saveInbox(t, s, &dialog.InboxItem{Channel: "telegram", ExternalID: id})
	}
	for _, id := range []string{"wamid.B", "wamid.A"} {
		saveInbox(t, s, &dialog.InboxItem{Channel: "whatsapp", ExternalID: id})
	}
	// Ids of digits come before any other, and the others sort byte by
	// byte: "B" before "a", which a collation for people would swap.
	for _, id := range []string{"b7", "20", "a", "1b", "B", "3"} {
		saveInbox(t, s, &dialog.InboxItem{Channel: "email", ExternalID: id})
	}

	tests := []struct {
		channel string
		limit   int
		want    []string
	}{
		{"telegram", 10, []string{"9", "10", "100"}},
		{"telegram", 2, []string{"9", "10"}},
		{"telegram", 1, []string{"9"}},
		{"whatsapp", 10, []string{"wamid.A", "wamid.B"}},
		{"email", 0, []string{"3", "20", "1b", "B", "a", "b7"}},
		{"webchat", 10, nil},
	}
	for _, tt := range tests {
		if got := pendingInbox(t, s, tt.channel, tt.limit); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("PendingInbox(%s, %d) = %q, want %q", tt.channel, tt.limit, got, tt.want)
		}
	}

	markProcessed(t, s, "telegram", "9")
	if got := pendingInbox(t, s, "telegram", 10); !reflect.DeepEqual(got, []string{"10", "100"}) {
		t.Errorf("PendingInbox after 9 was processed = %q, want [10 100]", got)
	}
}

func testMarkInboxProcessed(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	saveInbox(t, s, &dialog.InboxItem{Channel: "telegram", ExternalID: "1"})
	saveInbox(t, s, &dialog.InboxItem{Channel: "telegram", ExternalID: "2"})

	// Marking twice is fine: a crash after the work and before the commit
	// of the mark makes a second try.
	markProcessed(t, s, "telegram", "1")
	markProcessed(t, s, "telegram", "1")
	if got := pendingInbox(t, s, "telegram", 10); !reflect.DeepEqual(got, []string{"2"}) {
		t.Errorf("PendingInbox = %q, want [2]", got)
	}
	// A processed update still counts as received.
	if saveInbox(t, s, &dialog.InboxItem{Channel: "telegram", ExternalID: "1"}) {
		t.Error("SaveInbox of a processed update stored it again")
	}
	if got := pendingInbox(t, s, "telegram", 10); !reflect.DeepEqual(got, []string{"2"}) {
		t.Errorf("PendingInbox after a redelivery = %q, want [2]", got)
	}

	for _, key := range [][2]string{{"telegram", "3"}, {"whatsapp", "2"}} {
		err := s.Update(ctx, func(tx dialog.Tx) error {
			return tx.MarkInboxProcessed(ctx, key[0], key[1], time.Now())
		})
		checkCode(t, "MarkInboxProcessed of "+key[0]+"/"+key[1], err, dialog.ENOTFOUND)
	}
}
