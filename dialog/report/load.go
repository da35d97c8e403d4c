package report

import (
	"context"
	"fmt"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// Load reads from q every event of the conversations active in the range,
// from each one's start, and computes the report.
func Load(ctx context.Context, q dialog.Queries, opts Options) (*Report, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	events, since, err := loadEvents(ctx, q, opts)
	if err != nil {
		return nil, err
	}
	r := computeChecked(events, opts)
	r.Since = since
	return r, nil
}

// loadEvents reads the events a report of the range needs, and when the
// first event of all was recorded (zero when none was). The events are
// read in one query, so they are one consistent snapshot, and the
// conversations active in the range are selected once: reading them in
// pages would select them again for every page.
func loadEvents(ctx context.Context, q dialog.Queries, opts Options) ([]*dialog.Activity, time.Time, error) {
	events, err := q.Activities(ctx, dialog.ActivityFilter{From: opts.From, To: opts.To, WholeConversations: true})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("load analytics events: %w", err)
	}
	first, err := q.Activities(ctx, dialog.ActivityFilter{Limit: 1})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("load the first analytics event: %w", err)
	}
	var since time.Time
	if len(first) > 0 {
		since = first[0].At
	}
	return events, since, nil
}
