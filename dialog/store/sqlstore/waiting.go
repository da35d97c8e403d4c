package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// WaitingDue lists the waiting tickets the waiting sweep has to act on;
// see dialog.Queries. Times compare in SQL as they do in QueueStats (on
// SQLite they are text that sorts as it compares), through the status
// index.
func (q Queries) WaitingDue(ctx context.Context, remindBefore, closeBefore time.Time, limit int) ([]string, error) {
	var a Args
	a.Where("status = " + a.Add(dialog.TicketWaiting))
	var due []string
	if !remindBefore.IsZero() {
		due = append(due, "reminded_at IS NULL AND waiting_since <= "+a.Add(q.timeArg(remindBefore)))
	}
	if !closeBefore.IsZero() {
		since := "reminded_at"
		if remindBefore.IsZero() {
			// No reminders: the wait counts from its start (or from a
			// reminder sent while they were on).
			since = "coalesce(reminded_at, waiting_since)"
		}
		due = append(due, since+" <= "+a.Add(q.timeArg(closeBefore)))
	}
	if len(due) == 0 {
		return nil, nil
	}
	a.Where("((" + strings.Join(due, ") OR (") + "))")
	query := `SELECT number FROM tickets` + a.WhereClause() + ` ORDER BY id LIMIT ` + a.Add(limit)
	return queryAll(ctx, q, "list waiting tickets due", func(s scanner) (string, error) {
		var n string
		err := s.Scan(&n)
		return n, err
	}, query, a.List()...)
}
