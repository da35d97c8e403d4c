package postgres

import (
	"reflect"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestPendingInboxBytewise gives the inbox's ids a collation for people,
// which puts "a" before "B": PendingInbox must still sort them byte by
// byte.
func TestPendingInboxBytewise(t *testing.T) {
	db := open(t, newTestDB(t).schemaURL(t))
	ctx := t.Context()
	_, err := db.pool.Exec(ctx, `ALTER TABLE inbox ALTER COLUMN external_id TYPE text COLLATE "en-x-icu"`)
	if err != nil {
		t.Fatalf("set the collation: %v", err)
	}
	err = db.Update(ctx, func(tx dialog.Tx) error {
		for _, id := range []string{"a", "B", "b"} {
			if _, err := tx.SaveInbox(ctx, &dialog.InboxItem{Channel: "email", ExternalID: id}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("SaveInbox: %v", err)
	}
	list, err := db.PendingInbox(ctx, "email", 0)
	if err != nil {
		t.Fatalf("PendingInbox: %v", err)
	}
	var got []string
	for _, item := range list {
		got = append(got, item.ExternalID)
	}
	if want := []string{"B", "a", "b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("PendingInbox = %q, want %q", got, want)
	}
}
