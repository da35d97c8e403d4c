package sqlite

import (
	"context"

	"github.com/firstline-support/firstline/dialog"
)

// Compact empties the write-ahead log into the database file, so that the
// pages an erasure replaced are gone from the log too; it waits (up to the
// busy timeout) for readers of older pages to finish. The erasure itself
// runs on the writer, whose connection deletes securely (zeroes what it
// frees), so nothing erased is left in the database's pages.
func (db *DB) Compact(ctx context.Context) error {
	var busy, logFrames, checkpointed int
	err := db.writer.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed)
	if err != nil {
		return storeErr("checkpoint", err)
	}
	if busy != 0 {
		return dialog.Errorf(dialog.EUNAVAILABLE, "the write-ahead log could not be emptied: readers are busy; it is at the next checkpoint")
	}
	return nil
}
