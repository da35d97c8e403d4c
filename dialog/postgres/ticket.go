package postgres

import (
	"context"
	"fmt"
	"slices"
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
// oldest first.
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

// lowerName is a customer name as the search compares it. It is lowered
// here, in Go, because the server's lower() depends on its locale, and
// under the C locale folds ASCII letters only.
func lowerName(name string) string {
	return strings.ToLower(name)
}

// Ticket returns the ticket with the given id.
func (q queries) Ticket(ctx context.Context, id int64) (*dialog.Ticket, error) {
	row := q.q.QueryRow(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE id = $1`, id)
	t, err := scanTicket(row)
	if noRows(err) {
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
	row := q.q.QueryRow(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE number = $1`, number)
	t, err := scanTicket(row)
	if noRows(err) {
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
	// arg adds a query argument and returns its placeholder.
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			statuses[i] = string(s)
		}
		where = append(where, "status = ANY("+arg(statuses)+")")
	}
	if f.ConversationID != 0 {
		where = append(where, "conversation_id = "+arg(f.ConversationID))
	}
	if f.Queue != "" {
		where = append(where, "queue = "+arg(f.Queue))
	}
	if len(f.Queues) > 0 {
		where = append(where, "queue = ANY("+arg(f.Queues)+")")
	}
	if f.Assignee != "" {
		where = append(where, "assignee = "+arg(f.Assignee))
	}
	if f.Search != "" {
		// Numbers are ASCII and stored upper-case, so upper-casing the
		// search finds one by the unique index. strpos rather than LIKE:
		// the text is matched as it is, with no wildcards to escape.
		where = append(where, "(number = "+arg(strings.ToUpper(f.Search))+
			" OR strpos(customer_name_lower, "+arg(lowerName(f.Search))+") > 0)")
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
		query += ` LIMIT ` + arg(f.Limit)
	}

	return queryAll(ctx, q.q, "list tickets", scanTicket, query, args...)
}

// scanTicket reads a row of ticketColumns.
func scanTicket(s scanner) (*dialog.Ticket, error) {
	var (
		t                            dialog.Ticket
		number                       *string
		candidates                   string
		firstResponseDue, resolveDue *time.Time
		firstResponseAt, closedAt    *time.Time
	)
	err := s.Scan(&t.ID, &number, &t.ConversationID, &t.Status, &t.Reason, &t.Intent, &candidates,
		&t.Priority, &t.Queue, &t.Channel, &t.CustomerName, &t.Assignee, &t.CSAT, &t.Reopens,
		&firstResponseDue, &resolveDue, &firstResponseAt, &t.CreatedAt, &t.UpdatedAt, &closedAt)
	if err != nil {
		return nil, err
	}
	if number != nil {
		t.Number = *number
	}
	if t.Candidates, err = dialog.UnmarshalCandidates(candidates); err != nil {
		return nil, fmt.Errorf("parse candidates %q: %w", candidates, err)
	}
	if len(t.Candidates) == 0 {
		t.Candidates = nil // like the other lists: empty reads back as nil
	}
	t.FirstResponseDue = readNullTime(firstResponseDue)
	t.ResolutionDue = readNullTime(resolveDue)
	t.FirstResponseAt = readNullTime(firstResponseAt)
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	t.ClosedAt = readNullTime(closedAt)
	return &t, nil
}

// CreateTicket stores t and sets t.ID, t.Number, t.CreatedAt and
// t.UpdatedAt.
func (t *tx) CreateTicket(ctx context.Context, tk *dialog.Ticket) error {
	if err := tk.CheckText(); err != nil {
		return err
	}
	created := now()
	row := t.q.QueryRow(ctx,
		`INSERT INTO tickets (conversation_id, status, reason, intent, candidates, priority,
			queue, channel, customer_name, customer_name_lower, assignee, csat, reopens,
			first_response_due, resolution_due, first_response_at, created_at, updated_at, closed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18)
		RETURNING id`,
		tk.ConversationID, tk.Status, tk.Reason, tk.Intent, dialog.MarshalCandidates(tk.Candidates),
		tk.Priority, tk.Queue, tk.Channel, tk.CustomerName, lowerName(tk.CustomerName), tk.Assignee, tk.CSAT, tk.Reopens,
		nullTime(tk.FirstResponseDue), nullTime(tk.ResolutionDue), nullTime(tk.FirstResponseAt),
		created, nullTime(tk.ClosedAt))
	var id int64
	err := row.Scan(&id)
	if isForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "ticket refers to conversation %d, which does not exist", tk.ConversationID)
	} else if err != nil {
		return storeErr(fmt.Sprintf("create ticket for conversation %d", tk.ConversationID), err)
	}

	// The number is made from the id, which exists only after the insert.
	number := dialog.FormatTicketNumber(id)
	if _, err := t.q.Exec(ctx, `UPDATE tickets SET number = $1 WHERE id = $2`, number, id); err != nil {
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
	tag, err := t.q.Exec(ctx,
		`UPDATE tickets SET status = $1, assignee = $2, priority = $3, queue = $4, csat = $5, reopens = $6,
			first_response_due = $7, resolution_due = $8, first_response_at = $9,
			closed_at = $10, updated_at = $11
		WHERE id = $12`,
		tk.Status, tk.Assignee, tk.Priority, tk.Queue, tk.CSAT, tk.Reopens,
		nullTime(tk.FirstResponseDue), nullTime(tk.ResolutionDue), nullTime(tk.FirstResponseAt),
		nullTime(tk.ClosedAt), updated,
		tk.ID)
	if err != nil {
		return storeErr(fmt.Sprintf("update ticket %d", tk.ID), err)
	}
	if tag.RowsAffected() == 0 {
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
		WHERE status = $1 AND assignee <> ''
		GROUP BY assignee`,
		dialog.TicketAssigned)
}

// QueueStats sums up the open tickets of each queue, sorted by queue, with
// the tickets past an SLA deadline as of now counted as Ticket.Breached
// does (a comparison with a NULL deadline is not true). Only the open
// tickets are read, found through the status index.
func (q queries) QueueStats(ctx context.Context, now time.Time) ([]dialog.QueueStat, error) {
	stats, err := queryAll(ctx, q.q, "sum up queues", func(s scanner) (dialog.QueueStat, error) {
		var (
			st      dialog.QueueStat
			waiting *time.Time
		)
		err := s.Scan(&st.Queue, &st.Queued, &st.Assigned, &waiting, &st.Breached)
		st.WaitingSince = readNullTime(waiting)
		return st, err
	}, `SELECT queue,
			count(*) FILTER (WHERE status = $1),
			count(*) FILTER (WHERE status = $2),
			min(updated_at) FILTER (WHERE status = $1),
			count(*) FILTER (WHERE coalesce(first_response_at, $3::timestamptz) > first_response_due
				OR $3::timestamptz > resolution_due)
		FROM tickets
		WHERE status IN ($1, $2)
		GROUP BY queue`,
		dialog.TicketQueued, dialog.TicketAssigned, dbTime(now))
	if err != nil {
		return nil, err
	}
	// Sorted here, not in SQL: the database's collation need not be Go's.
	slices.SortFunc(stats, func(a, b dialog.QueueStat) int { return strings.Compare(a.Queue, b.Queue) })
	return stats, nil
}
