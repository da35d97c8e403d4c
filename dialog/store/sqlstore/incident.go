package sqlstore

import (
	"context"
	"fmt"

	"github.com/firstline-support/firstline/dialog"
)

// incidentColumns are the columns scanIncident reads, in order.
const incidentColumns = `id, text, intents, areas, starts_at, expected_end, closed_at, close_text,
	created_by, created_at, updated_at, version`

// scanIncident reads a row of incidentColumns.
func scanIncident(s scanner) (*dialog.Incident, error) {
	var (
		inc                  dialog.Incident
		text, closeText      string
		intentList, areaList string
	)
	err := s.Scan(&inc.ID, &text, &intentList, &areaList, scanTime(&inc.StartsAt), scanTime(&inc.ExpectedEnd),
		scanTime(&inc.ClosedAt), &closeText, &inc.CreatedBy, scanTime(&inc.CreatedAt), scanTime(&inc.UpdatedAt), &inc.Version)
	if err != nil {
		return nil, err
	}
	if inc.Text, err = dialog.UnmarshalTexts(text); err != nil {
		return nil, fmt.Errorf("parse incident text %q: %w", text, err)
	}
	if inc.CloseText, err = dialog.UnmarshalTexts(closeText); err != nil {
		return nil, fmt.Errorf("parse incident close text %q: %w", closeText, err)
	}
	if inc.Intents, err = parseList(intentList); err != nil {
		return nil, err
	}
	if inc.Areas, err = parseList(areaList); err != nil {
		return nil, err
	}
	return &inc, nil
}

// Incident returns the incident with the given id.
func (q Queries) Incident(ctx context.Context, id int64) (*dialog.Incident, error) {
	inc, err := scanIncident(q.q.QueryRow(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1`, id))
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "incident %d not found", id)
	} else if err != nil {
		return nil, q.d.Err(fmt.Sprintf("get incident %d", id), err)
	}
	return inc, nil
}

// Incidents lists the incidents f selects, newest first.
func (q Queries) Incidents(ctx context.Context, f dialog.IncidentFilter) ([]*dialog.Incident, error) {
	var a Args
	if f.Open {
		a.Where("closed_at IS NULL")
	}
	query := `SELECT ` + incidentColumns + ` FROM incidents` + a.WhereClause() + ` ORDER BY id DESC`
	if f.Limit > 0 {
		query += ` LIMIT ` + a.Add(f.Limit)
	}
	return queryAll(ctx, q, "list incidents", scanIncident, query, a.List()...)
}

// IncidentInfo counts an incident's subscribers, the customers told it
// is over and those still to be told.
func (q Queries) IncidentInfo(ctx context.Context, id int64) (dialog.IncidentInfo, error) {
	var info dialog.IncidentInfo
	err := q.q.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE subscribed),
			count(*) FILTER (WHERE notified_at IS NOT NULL),
			count(*) FILTER (WHERE notified_at IS NULL)
		FROM incident_notices WHERE incident_id = $1`, id).Scan(&info.Subscribers, &info.Notified, &info.Due)
	if err != nil {
		return info, q.d.Err(fmt.Sprintf("count subscribers of incident %d", id), err)
	}
	return info, nil
}

// IncidentNoticesDue lists customers of closed incidents not yet told
// they are over.
func (q Queries) IncidentNoticesDue(ctx context.Context, limit int) ([]dialog.IncidentNotice, error) {
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, q, "list incident notices due", func(s scanner) (dialog.IncidentNotice, error) {
		var n dialog.IncidentNotice
		err := s.Scan(&n.IncidentID, &n.ConversationID)
		return n, err
	}, `SELECT n.incident_id, n.conversation_id
		FROM incident_notices n JOIN incidents i ON i.id = n.incident_id
		WHERE n.notified_at IS NULL AND i.closed_at IS NOT NULL
		ORDER BY n.incident_id, n.conversation_id
		LIMIT $1`, limit)
}

// CreateIncident stores inc; see dialog.Tx.
func (t *Tx) CreateIncident(ctx context.Context, inc *dialog.Incident) error {
	if err := inc.CheckText(); err != nil {
		return err
	}
	created := t.stamp(inc.CreatedAt)
	var id int64
	err := t.q.QueryRow(ctx, `INSERT INTO incidents (text, intents, areas, starts_at, expected_end, closed_at,
			close_text, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
		dialog.MarshalTexts(inc.Text), formatList(inc.Intents), formatList(inc.Areas), t.timeArg(inc.StartsAt),
		t.nullTimeArg(inc.ExpectedEnd), t.nullTimeArg(inc.ClosedAt), dialog.MarshalTexts(inc.CloseText),
		inc.CreatedBy, t.timeArg(created)).Scan(&id)
	if err != nil {
		return t.d.Err("create incident", err)
	}
	inc.ID, inc.CreatedAt, inc.UpdatedAt, inc.Version = id, created, created, 1
	return nil
}

// UpdateIncident saves inc when its version is the stored one; see
// dialog.Tx.
func (t *Tx) UpdateIncident(ctx context.Context, inc *dialog.Incident) error {
	if err := inc.CheckText(); err != nil {
		return err
	}
	op := fmt.Sprintf("update incident %d", inc.ID)
	n, err := t.q.Exec(ctx, `UPDATE incidents SET text = $1, intents = $2, areas = $3, starts_at = $4,
			expected_end = $5, closed_at = $6, close_text = $7, updated_at = $8, version = version + 1
		WHERE id = $9 AND version = $10`,
		dialog.MarshalTexts(inc.Text), formatList(inc.Intents), formatList(inc.Areas), t.timeArg(inc.StartsAt),
		t.nullTimeArg(inc.ExpectedEnd), t.nullTimeArg(inc.ClosedAt), dialog.MarshalTexts(inc.CloseText),
		t.timeArg(t.now), inc.ID, inc.Version)
	if err != nil {
		return t.d.Err(op, err)
	}
	if n == 0 {
		if _, err := t.Incident(ctx, inc.ID); err != nil {
			return err
		}
		return dialog.Errorf(dialog.ECONFLICT, "incident %d was changed by someone else; reload it", inc.ID)
	}
	inc.UpdatedAt = dbTime(t.now)
	inc.Version++
	return nil
}

// SubscribeIncident records a subscriber once; see dialog.Tx.
func (t *Tx) SubscribeIncident(ctx context.Context, incidentID, conversationID int64) (bool, error) {
	op := fmt.Sprintf("subscribe conversation %d to incident %d", conversationID, incidentID)
	n, err := t.q.Exec(ctx, `INSERT INTO incident_notices (incident_id, conversation_id, subscribed, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (incident_id, conversation_id) DO NOTHING`,
		incidentID, conversationID, true, t.timeArg(t.now))
	if t.d.ForeignKey(err) {
		return false, dialog.Errorf(dialog.EINVALID, "incident %d or conversation %d does not exist", incidentID, conversationID)
	} else if err != nil {
		return false, t.d.Err(op, err)
	}
	if n == 1 {
		return true, nil
	}
	// Known already, perhaps as the customer of a linked ticket.
	n, err = t.q.Exec(ctx, `UPDATE incident_notices SET subscribed = $1
		WHERE incident_id = $2 AND conversation_id = $3 AND NOT subscribed`, true, incidentID, conversationID)
	if err != nil {
		return false, t.d.Err(op, err)
	}
	return n == 1, nil
}

// LinkIncidentTickets links open tickets on the incident's intents; see
// dialog.Tx.
func (t *Tx) LinkIncidentTickets(ctx context.Context, incidentID int64, intents []string) (int, error) {
	if len(intents) == 0 {
		return 0, nil
	}
	var a Args
	id := a.Add(incidentID)
	a.Where("status <> " + a.Add(dialog.TicketClosed))
	a.Where("incident_id IS NULL")
	a.Where(t.d.In(&a, "intent", intents))
	n, err := t.q.Exec(ctx, `UPDATE tickets SET incident_id = `+id+a.WhereClause(), a.List()...)
	if err != nil {
		return 0, t.d.Err(fmt.Sprintf("link tickets to incident %d", incidentID), err)
	}
	return int(n), nil
}

// AddIncidentRecipients adds the customers of the incident's open linked
// tickets; see dialog.Tx.
func (t *Tx) AddIncidentRecipients(ctx context.Context, incidentID int64) (int, error) {
	// No parameters in the select list: PostgreSQL could not tell
	// their types. A recipient added so is dated by its first ticket.
	n, err := t.q.Exec(ctx, `INSERT INTO incident_notices (incident_id, conversation_id, subscribed, created_at)
		SELECT incident_id, conversation_id, false, min(created_at) FROM tickets
		WHERE incident_id = $1 AND status <> $2
		GROUP BY incident_id, conversation_id
		ON CONFLICT (incident_id, conversation_id) DO NOTHING`,
		incidentID, dialog.TicketClosed)
	if err != nil {
		return 0, t.d.Err(fmt.Sprintf("add the customers of incident %d", incidentID), err)
	}
	return int(n), nil
}

// ClaimIncidentNotice claims the notice for one recipient; see dialog.Tx.
// It is one conditional update: on PostgreSQL a second replica claiming
// the same recipient waits for the first and then finds the condition
// false.
func (t *Tx) ClaimIncidentNotice(ctx context.Context, incidentID, conversationID int64) (bool, error) {
	n, err := t.q.Exec(ctx, `UPDATE incident_notices SET notified_at = $1
		WHERE incident_id = $2 AND conversation_id = $3 AND notified_at IS NULL`,
		t.timeArg(t.now), incidentID, conversationID)
	if err != nil {
		return false, t.d.Err(fmt.Sprintf("claim incident %d notice of conversation %d", incidentID, conversationID), err)
	}
	return n == 1, nil
}
