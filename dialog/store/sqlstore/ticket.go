package sqlstore

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
	first_response_due, resolution_due, first_response_at, created_at, updated_at, closed_at, version, fields,
	waiting_since, reminded_at, incident_id`

// queueOrder sorts tickets the way agents work the queue: by the rank of
// the priority (dialog.PriorityRank), then by the SLA deadline the ticket
// works towards (dialog.Ticket.NextDue), tickets without one last, then
// oldest first. On SQLite, times are text that sorts as it compares.
const queueOrder = `CASE priority
		WHEN 'urgent' THEN 0
		WHEN 'high' THEN 1
		WHEN 'normal' THEN 2
		WHEN 'low' THEN 3
		ELSE 4
	END,
	CASE
		WHEN status IN ('closed', 'waiting') THEN NULL
		WHEN first_response_at IS NULL AND first_response_due IS NOT NULL THEN first_response_due
		ELSE resolution_due
	END NULLS LAST,
	id`

// LowerName is a customer name as the ticket search compares it. It is
// lowered here, in Go, because the databases' own lower() is no good for
// it: SQLite's folds ASCII letters only, and PostgreSQL's depends on the
// server's locale, and under the C locale folds ASCII letters only too.
func LowerName(name string) string {
	return strings.ToLower(name)
}

// Ticket returns the ticket with the given id.
func (q Queries) Ticket(ctx context.Context, id int64) (*dialog.Ticket, error) {
	row := q.q.QueryRow(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE id = $1`, id)
	t, err := scanTicket(row)
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "ticket %d not found", id)
	} else if err != nil {
		return nil, q.d.Err(fmt.Sprintf("get ticket %d", id), err)
	}
	return t, nil
}

// TicketByNumber returns the ticket with the given number, e.g. FL-000042.
func (q Queries) TicketByNumber(ctx context.Context, number string) (*dialog.Ticket, error) {
	if err := dialog.CheckText(number); err != nil {
		return nil, err
	}
	row := q.q.QueryRow(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE number = $1`, number)
	t, err := scanTicket(row)
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "ticket %s not found", number)
	} else if err != nil {
		return nil, q.d.Err(fmt.Sprintf("get ticket %s", number), err)
	}
	return t, nil
}

// Tickets returns the tickets f selects, in f's order.
func (q Queries) Tickets(ctx context.Context, f dialog.TicketFilter) ([]*dialog.Ticket, error) {
	if err := f.CheckText(); err != nil {
		return nil, err
	}
	var a Args
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			statuses[i] = string(s)
		}
		a.Where(q.d.In(&a, "status", statuses))
	}
	if f.ConversationID != 0 {
		a.Where("conversation_id = " + a.Add(f.ConversationID))
	}
	if f.Queue != "" {
		a.Where("queue = " + a.Add(f.Queue))
	}
	if len(f.Queues) > 0 {
		a.Where(q.d.In(&a, "queue", f.Queues))
	}
	if f.Assignee != "" {
		a.Where("assignee = " + a.Add(f.Assignee))
	}
	if f.IncidentID != 0 {
		a.Where("incident_id = " + a.Add(f.IncidentID))
	}
	if f.Search != "" {
		// Numbers are ASCII and stored upper-case, so upper-casing the
		// search finds one by the unique index. The name is matched as
		// it is, with no wildcards to escape.
		number := a.Add(strings.ToUpper(f.Search))
		name := q.d.Contains("customer_name_lower", a.Add(LowerName(f.Search)))
		a.Where("(number = " + number + " OR " + name + ")")
	}
	query := `SELECT ` + ticketColumns + ` FROM tickets` + a.WhereClause()
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
		query += ` LIMIT ` + a.Add(f.Limit)
	}
	return queryAll(ctx, q, "list tickets", scanTicket, query, a.List()...)
}

// scanTicket reads a row of ticketColumns.
func scanTicket(s scanner) (*dialog.Ticket, error) {
	var (
		t          dialog.Ticket
		number     *string // NULL for a moment, until CreateTicket numbers it
		candidates string
		fields     string
		incident   *int64
	)
	err := s.Scan(&t.ID, &number, &t.ConversationID, &t.Status, &t.Reason, &t.Intent, &candidates,
		&t.Priority, &t.Queue, &t.Channel, &t.CustomerName, &t.Assignee, &t.CSAT, &t.Reopens,
		scanTime(&t.FirstResponseDue), scanTime(&t.ResolutionDue), scanTime(&t.FirstResponseAt),
		scanTime(&t.CreatedAt), scanTime(&t.UpdatedAt), scanTime(&t.ClosedAt), &t.Version, &fields,
		scanTime(&t.WaitingSince), scanTime(&t.RemindedAt), &incident)
	if err != nil {
		return nil, err
	}
	t.IncidentID = readNullID(incident)
	if number != nil {
		t.Number = *number
	}
	if t.Candidates, err = dialog.UnmarshalCandidates(candidates); err != nil {
		return nil, fmt.Errorf("parse candidates %q: %w", candidates, err)
	}
	if len(t.Candidates) == 0 {
		t.Candidates = nil // like the other lists: empty reads back as nil
	}
	if t.Fields, err = dialog.UnmarshalFields(fields); err != nil {
		return nil, fmt.Errorf("parse fields %q: %w", fields, err)
	}
	return &t, nil
}

// CreateTicket stores t and sets t.ID, t.Number, t.CreatedAt (when
// zero), t.UpdatedAt and t.Version.
func (t *Tx) CreateTicket(ctx context.Context, tk *dialog.Ticket) error {
	if err := tk.CheckText(); err != nil {
		return err
	}
	created := t.stamp(tk.CreatedAt)
	row := t.q.QueryRow(ctx,
		`INSERT INTO tickets (conversation_id, status, reason, intent, candidates, priority,
			queue, channel, customer_name, customer_name_lower, assignee, csat, reopens,
			first_response_due, resolution_due, first_response_at, created_at, updated_at, closed_at, fields,
			waiting_since, reminded_at, incident_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19, $20, $21, $22)
		RETURNING id`,
		tk.ConversationID, tk.Status, tk.Reason, tk.Intent, dialog.MarshalCandidates(tk.Candidates),
		tk.Priority, tk.Queue, tk.Channel, tk.CustomerName, LowerName(tk.CustomerName), tk.Assignee, tk.CSAT, tk.Reopens,
		t.nullTimeArg(tk.FirstResponseDue), t.nullTimeArg(tk.ResolutionDue), t.nullTimeArg(tk.FirstResponseAt),
		t.timeArg(created), t.nullTimeArg(tk.ClosedAt), dialog.MarshalFields(tk.Fields),
		t.nullTimeArg(tk.WaitingSince), t.nullTimeArg(tk.RemindedAt), nullID(tk.IncidentID))
	var id int64
	err := row.Scan(&id)
	if t.d.ForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "ticket refers to conversation %d, which does not exist", tk.ConversationID)
	} else if err != nil {
		return t.d.Err(fmt.Sprintf("create ticket for conversation %d", tk.ConversationID), err)
	}

	// The number is made from the id, which exists only after the insert.
	number := dialog.FormatTicketNumber(id)
	if _, err := t.q.Exec(ctx, `UPDATE tickets SET number = $1 WHERE id = $2`, number, id); err != nil {
		return t.d.Err(fmt.Sprintf("number ticket %d", id), err)
	}
	tk.ID = id
	tk.Number = number
	tk.CreatedAt = created
	tk.UpdatedAt = created
	tk.Version = 1 // the column's default
	return nil
}

// UpdateTicket saves t's status, assignee, priority, queue, CSAT, reopens,
// SLA times, closed time, fields and waiting times, sets t.UpdatedAt to the transaction's time
// and moves t.Version on by one. The other fields never change.
func (t *Tx) UpdateTicket(ctx context.Context, tk *dialog.Ticket) error {
	if err := tk.CheckText(); err != nil {
		return err
	}
	// The version is counted in the row, not taken from tk: whatever
	// saved the ticket since tk was read, this change gets a version of
	// its own.
	row := t.q.QueryRow(ctx,
		`UPDATE tickets SET status = $1, assignee = $2, priority = $3, queue = $4, csat = $5, reopens = $6,
			first_response_due = $7, resolution_due = $8, first_response_at = $9,
			closed_at = $10, updated_at = CASE WHEN updated_at > $11 THEN updated_at ELSE $11 END,
			version = version + 1, fields = $13, waiting_since = $14, reminded_at = $15, incident_id = $16
		WHERE id = $12
		RETURNING version, updated_at`,
		tk.Status, tk.Assignee, tk.Priority, tk.Queue, tk.CSAT, tk.Reopens,
		t.nullTimeArg(tk.FirstResponseDue), t.nullTimeArg(tk.ResolutionDue), t.nullTimeArg(tk.FirstResponseAt),
		t.nullTimeArg(tk.ClosedAt), t.timeArg(t.now),
		tk.ID, dialog.MarshalFields(tk.Fields), t.nullTimeArg(tk.WaitingSince), t.nullTimeArg(tk.RemindedAt), nullID(tk.IncidentID))
	// A transaction's time is when it began: on PostgreSQL one that began
	// earlier may save after one that began later, and UpdatedAt must not
	// go back.
	var (
		version int64
		updated time.Time
	)
	err := row.Scan(&version, scanTime(&updated))
	if noRows(err) {
		return dialog.Errorf(dialog.ENOTFOUND, "ticket %d not found", tk.ID)
	} else if err != nil {
		return t.d.Err(fmt.Sprintf("update ticket %d", tk.ID), err)
	}
	tk.UpdatedAt = updated
	tk.Version = version
	return nil
}

// OpenTicketLoad counts the tickets each agent has taken and not yet
// closed, those waiting for the customer among them: the customer may
// answer any time. Agents without any are left out.
func (q Queries) OpenTicketLoad(ctx context.Context) (map[string]int, error) {
	return countBy(ctx, q, "count open tickets",
		`SELECT assignee, count(*) FROM tickets
		WHERE status IN ($1, $2) AND assignee <> ''
		GROUP BY assignee`,
		dialog.TicketAssigned, dialog.TicketWaiting)
}

// QueueStats sums up the open tickets of each queue, sorted by queue, with
// the tickets past an SLA deadline as of now counted as Ticket.Breached
// does (a comparison with a NULL deadline is not true; on SQLite, times
// are text that compares as it sorts), a waiting one as of when it began
// waiting. Only the open tickets are read, found through the status index.
func (q Queries) QueueStats(ctx context.Context, now time.Time) ([]dialog.QueueStat, error) {
	stats, err := queryAll(ctx, q, "sum up queues", func(s scanner) (dialog.QueueStat, error) {
		var st dialog.QueueStat
		err := s.Scan(&st.Queue, &st.Queued, &st.Assigned, &st.Waiting, scanTime(&st.WaitingSince), &st.Breached)
		return st, err
	}, `SELECT queue,
			count(*) FILTER (WHERE status = $1),
			count(*) FILTER (WHERE status = $2),
			count(*) FILTER (WHERE status = $4),
			min(updated_at) FILTER (WHERE status = $1),
			count(*) FILTER (WHERE coalesce(first_response_at, waiting_since, $3) > first_response_due
				OR coalesce(waiting_since, $3) > resolution_due)
		FROM tickets
		WHERE status IN ($1, $2, $4)
		GROUP BY queue`,
		dialog.TicketQueued, dialog.TicketAssigned, q.timeArg(now), dialog.TicketWaiting)
	if err != nil {
		return nil, err
	}
	// Sorted here, not in SQL: PostgreSQL's collation need not be Go's.
	slices.SortFunc(stats, func(a, b dialog.QueueStat) int { return strings.Compare(a.Queue, b.Queue) })
	return stats, nil
}
