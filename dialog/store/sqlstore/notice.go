package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// DeadlinesDue lists the open tickets' deadlines between from and to that
// no late notice was claimed for; see dialog.Queries. The window is
// short (the late notice's margin), so the few rows it matches are
// sorted out here rather than by comparing milliseconds in SQL, which
// the two databases write differently.
func (q Queries) DeadlinesDue(ctx context.Context, from, to time.Time) ([]dialog.Deadline, error) {
	type row struct {
		id                   int64
		number               string
		firstDue, resolveDue time.Time
		answered             bool
		lateFirst, lateRes   int64
	}
	rows, err := queryAll(ctx, q, "list deadlines due", func(s scanner) (row, error) {
		var r row
		err := s.Scan(&r.id, &r.number, scanTime(&r.firstDue), scanTime(&r.resolveDue), &r.answered, &r.lateFirst, &r.lateRes)
		return r, err
	}, `SELECT id, number, first_response_due, resolution_due, first_response_at IS NOT NULL, late_first_response, late_resolution
		FROM tickets
		WHERE status NOT IN ($1, $4) AND (
			first_response_at IS NULL AND first_response_due > $2 AND first_response_due <= $3
			OR resolution_due > $2 AND resolution_due <= $3)
		ORDER BY id`,
		dialog.TicketClosed, q.timeArg(from), q.timeArg(to), dialog.TicketWaiting)
	if err != nil {
		return nil, err
	}
	var out []dialog.Deadline
	in := func(t time.Time) bool { return t.After(from) && !t.After(to) }
	for _, r := range rows {
		if !r.answered && in(r.firstDue) && r.lateFirst != r.firstDue.UnixMilli() {
			out = append(out, dialog.Deadline{TicketID: r.id, TicketNumber: r.number, Kind: dialog.DeadlineFirstResponse, Due: r.firstDue})
		}
		if in(r.resolveDue) && r.lateRes != r.resolveDue.UnixMilli() {
			out = append(out, dialog.Deadline{TicketID: r.id, TicketNumber: r.number, Kind: dialog.DeadlineResolution, Due: r.resolveDue})
		}
	}
	slices.SortStableFunc(out, func(a, b dialog.Deadline) int { return a.Due.Compare(b.Due) })
	return out, nil
}

// ClaimLateNotice records the late notice for a ticket's deadline; see
// dialog.Tx. It is one conditional update: on PostgreSQL a second replica
// claiming the same deadline waits for the first and then finds the
// condition false.
func (t *Tx) ClaimLateNotice(ctx context.Context, ticketID int64, kind dialog.DeadlineKind, due time.Time) (bool, error) {
	var column string
	switch kind {
	case dialog.DeadlineFirstResponse:
		column = "late_first_response"
	case dialog.DeadlineResolution:
		column = "late_resolution"
	default:
		return false, dialog.Errorf(dialog.EINVALID, "unknown deadline kind %q", kind)
	}
	op := fmt.Sprintf("claim late notice of ticket %d", ticketID)
	ms := dbTime(due).UnixMilli()
	n, err := t.q.Exec(ctx, `UPDATE tickets SET `+column+` = $1 WHERE id = $2 AND `+column+` <> $1`, ms, ticketID)
	if err != nil {
		return false, t.d.Err(op, err)
	}
	return n == 1, nil
}
