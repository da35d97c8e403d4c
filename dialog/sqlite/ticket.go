package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// ticketColumns are the columns scanTicket reads, in order.
const ticketColumns = `id, number, conversation_id, status, reason, intent, candidates,
	priority, queue, channel, customer_name, assignee, csat, reopens,
	first_response_due, resolution_due, first_response_at, created_at, updated_at, closed_at`

// queueOrder sorts tickets the way agents work the queue: by the rank of
// the priority (dialog.PriorityRank), then by the SLA deadline the ticket
// works towards (dialog.Ticket.NextDue), tickets without one last, then
// oldest first. Times are text that sorts as it compares.
const queueOrder = `CASE priority
		WHEN 'urgent' THEN 0
		WHEN 'high' THEN 1
		WHEN 'normal' THEN 2
		WHEN 'low' THEN 3
		ELSE 4
	END,
	CASE
		WHEN status = 'closed' THEN NULL
		WHEN first_response_at IS NULL AND first_response_due IS NOT NULL THEN first_response_due
		ELSE resolution_due
	END NULLS LAST,
	id`

// lowerName is a customer name as the search compares it. SQLite's own
// lower() folds ASCII letters only, so names are lowered here, in Go.
func lowerName(name string) string {
	return strings.ToLower(name)
}

// Ticket returns the ticket with the given id.
func (q queries) Ticket(ctx context.Context, id int64) (*dialog.Ticket, error) {
	row := q.q.QueryRowContext(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE id = ?`, id)
	t, err := scanTicket(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "ticket %d not found", id)
	} else if err != nil {
		return nil, storeErr(fmt.Sprintf("get ticket %d", id), err)
	}
	return t, nil
}

// TicketByNumber returns the ticket with the given number, e.g. FL-000042.
func (q queries) TicketByNumber(ctx context.Context, number string) (*dialog.Ticket, error) {
	if err := dialog.CheckText(number); err != nil {
		return nil, err
	}
	row := q.q.QueryRowContext(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE number = ?`, number)
	t, err := scanTicket(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "ticket %s not found", number)
	} else if err != nil {
		return nil, storeErr(fmt.Sprintf("get ticket %s", number), err)
	}
	return t, nil
}

// Tickets returns the tickets f selects, in f's order.
func (q queries) Tickets(ctx context.Context, f dialog.TicketFilter) ([]*dialog.Ticket, error) {
	if err := f.CheckText(); err != nil {
		return nil, err
	}
	var (
		where []string
		args  []any
	)
	if len(f.Statuses) > 0 {
		marks := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			marks[i] = "?"
			args = append(args, s)
		}
		where = append(where, "status IN ("+strings.Join(marks, ", ")+")")
	}
	if f.ConversationID != 0 {
		where = append(where, "conversation_id = ?")
		args = append(args, f.ConversationID)
	}
	if f.Queue != "" {
		where = append(where, "queue = ?")
		args = append(args, f.Queue)
	}
	if len(f.Queues) > 0 {
		marks := make([]string, len(f.Queues))
		for i, q := range f.Queues {
			marks[i] = "?"
			args = append(args, q)
		}
		where = append(where, "queue IN ("+strings.Join(marks, ", ")+")")
	}
	if f.Assignee != "" {
		where = append(where, "assignee = ?")
		args = append(args, f.Assignee)
	}
	if f.Search != "" {
		// instr rather than LIKE: the text is matched as it is, with no
		// wildcards to escape. Numbers are ASCII, which NOCASE folds.
		where = append(where, "(number = ? COLLATE NOCASE OR instr(customer_name_lower, ?) > 0)")
		args = append(args, f.Search, lowerName(f.Search))
	}
	query := `SELECT ` + ticketColumns + ` FROM tickets`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	switch f.Order {
	case dialog.OrderNewest:
		// Ids grow with time and, unlike creation times, never tie.
		query += ` ORDER BY id DESC`
	case dialog.OrderQueue:
		query += ` ORDER BY ` + queueOrder
	default:
		return nil, dialog.Errorf(dialog.EINVALID, "unknown ticket order %q", f.Order)
	}
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit)
	}

	return queryAll(ctx, q.q, "list tickets", scanTicket, query, args...)
}

// scanTicket reads a row of ticketColumns.
func scanTicket(s scanner) (*dialog.Ticket, error) {
	var (
		t                            dialog.Ticket
		candidates                   string
		firstResponseDue, resolveDue sql.NullString
		firstResponseAt              sql.NullString
		createdAt, updatedAt         string
		closedAt                     sql.NullString
	)
	err := s.Scan(&t.ID, &t.Number, &t.ConversationID, &t.Status, &t.Reason, &t.Intent, &candidates,
		&t.Priority, &t.Queue, &t.Channel, &t.CustomerName, &t.Assignee, &t.CSAT, &t.Reopens,
		&firstResponseDue, &resolveDue, &firstResponseAt, &createdAt, &updatedAt, &closedAt)
	if err != nil {
		return nil, err
	}
	if t.Candidates, err = dialog.UnmarshalCandidates(candidates); err != nil {
		return nil, fmt.Errorf("parse candidates %q: %w", candidates, err)
	}
	if len(t.Candidates) == 0 {
		t.Candidates = nil // like the other lists: empty reads back as nil
	}
	if t.FirstResponseDue, err = parseNullTime(firstResponseDue); err != nil {
		return nil, err
	}
	if t.ResolutionDue, err = parseNullTime(resolveDue); err != nil {
		return nil, err
	}
	if t.FirstResponseAt, err = parseNullTime(firstResponseAt); err != nil {
		return nil, err
	}
	if t.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, err
	}
	if t.UpdatedAt, err = parseTime(updatedAt); err != nil {
		return nil, err
	}
	if t.ClosedAt, err = parseNullTime(closedAt); err != nil {
		return nil, err
	}
	return &t, nil
}

// CreateTicket stores t and sets t.ID, t.Number, t.CreatedAt and
// t.UpdatedAt.
func (t *tx) CreateTicket(ctx context.Context, tk *dialog.Ticket) error {
	if err := tk.CheckText(); err != nil {
		return err
	}
	created := now()
	row := t.q.QueryRowContext(ctx,
		`INSERT INTO tickets (conversation_id, status, reason, intent, candidates, priority,
			queue, channel, customer_name, customer_name_lower, assignee, csat, reopens,
			first_response_due, resolution_due, first_response_at, created_at, updated_at, closed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		tk.ConversationID, tk.Status, tk.Reason, tk.Intent, dialog.MarshalCandidates(tk.Candidates),
		tk.Priority, tk.Queue, tk.Channel, tk.CustomerName, lowerName(tk.CustomerName), tk.Assignee, tk.CSAT, tk.Reopens,
		formatNullTime(tk.FirstResponseDue), formatNullTime(tk.ResolutionDue), formatNullTime(tk.FirstResponseAt),
		formatTime(created), formatTime(created), formatNullTime(tk.ClosedAt))
	var id int64
	err := row.Scan(&id)
	if isForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "ticket refers to conversation %d, which does not exist", tk.ConversationID)
	} else if err != nil {
		return storeErr(fmt.Sprintf("create ticket for conversation %d", tk.ConversationID), err)
	}

	// The number is made from the id, which exists only after the insert.
	number := dialog.FormatTicketNumber(id)
	if _, err := t.q.ExecContext(ctx, `UPDATE tickets SET number = ? WHERE id = ?`, number, id); err != nil {
		return storeErr(fmt.Sprintf("number ticket %d", id), err)
	}
	tk.ID = id
	tk.Number = number
	tk.CreatedAt = created
	tk.UpdatedAt = created
	return nil
}

// UpdateTicket saves t's status, assignee, priority, queue, CSAT, reopens,
// SLA times and closed time, and sets t.UpdatedAt. The other fields never
// change.
func (t *tx) UpdateTicket(ctx context.Context, tk *dialog.Ticket) error {
	if err := tk.CheckText(); err != nil {
		return err
	}
	updated := now()
	res, err := t.q.ExecContext(ctx,
		`UPDATE tickets SET status = ?, assignee = ?, priority = ?, queue = ?, csat = ?, reopens = ?,
			first_response_due = ?, resolution_due = ?, first_response_at = ?,
			closed_at = ?, updated_at = ?
		WHERE id = ?`,
		tk.Status, tk.Assignee, tk.Priority, tk.Queue, tk.CSAT, tk.Reopens,
		formatNullTime(tk.FirstResponseDue), formatNullTime(tk.ResolutionDue), formatNullTime(tk.FirstResponseAt),
		formatNullTime(tk.ClosedAt), formatTime(updated),
		tk.ID)
	if err != nil {
		return storeErr(fmt.Sprintf("update ticket %d", tk.ID), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return storeErr(fmt.Sprintf("update ticket %d", tk.ID), err)
	} else if n == 0 {
		return dialog.Errorf(dialog.ENOTFOUND, "ticket %d not found", tk.ID)
	}
	tk.UpdatedAt = updated
	return nil
}

// OpenTicketLoad counts the tickets each agent has taken and not yet
// closed. Agents without any are left out.
func (q queries) OpenTicketLoad(ctx context.Context) (map[string]int, error) {
	return countBy(ctx, q.q, "count open tickets",
		`SELECT assignee, count(*) FROM tickets
		WHERE status = ? AND assignee <> ''
		GROUP BY assignee`,
		dialog.TicketAssigned)
}

// QueueStats sums up the open tickets of each queue, sorted by queue, with
// the tickets past an SLA deadline as of now counted as Ticket.Breached
// does. Times are text that compares as it sorts; a comparison with a NULL
// deadline is not true. Only the open tickets are read, found through the
// status index.
func (q queries) QueueStats(ctx context.Context, now time.Time) ([]dialog.QueueStat, error) {
	at := formatTime(now)
	return queryAll(ctx, q.q, "sum up queues", func(s scanner) (dialog.QueueStat, error) {
		var (
			st      dialog.QueueStat
			waiting sql.NullString
		)
		if err := s.Scan(&st.Queue, &st.Queued, &st.Assigned, &waiting, &st.Breached); err != nil {
			return st, err
		}
		var err error
		st.WaitingSince, err = parseNullTime(waiting)
		return st, err
	}, `SELECT queue,
			sum(status = ?),
			sum(status = ?),
			min(CASE WHEN status = ? THEN updated_at END),
			sum(CASE WHEN coalesce(first_response_at, ?) > first_response_due OR ? > resolution_due
				THEN 1 ELSE 0 END)
		FROM tickets
		WHERE status IN (?, ?)
		GROUP BY queue
		ORDER BY queue`,
		dialog.TicketQueued, dialog.TicketAssigned, dialog.TicketQueued, at, at,
		dialog.TicketQueued, dialog.TicketAssigned)
}
