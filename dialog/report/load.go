package report

import (
	"context"
	"fmt"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// pageSize is how many events Load reads at a time.
const pageSize = 5000

// Load reads from q every event of the conversations active in the range,
// from each one's start, and computes the report.
func Load(ctx context.Context, q dialog.Queries, opts Options) (*Report, error) {
	return load(ctx, q, opts, pageSize)
}

// load is Load reading size events at a time.
func load(ctx context.Context, q dialog.Queries, opts Options, size int) (*Report, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	events, since, err := loadEvents(ctx, q, opts, size)
	if err != nil {
		return nil, err
	}
	r, err := Compute(events, opts)
	if err != nil {
		return nil, err
	}
	r.Since = since
	return r, nil
}

// loadEvents reads, size at a time, the events a report of the range
// needs, and when the first event of all was recorded (zero when none
// was).
func loadEvents(ctx context.Context, q dialog.Queries, opts Options, size int) ([]*dialog.Activity, time.Time, error) {
	var events []*dialog.Activity
	f := dialog.ActivityFilter{From: opts.From, To: opts.To, WholeConversations: true, Limit: size}
	for {
		page, err := q.Activities(ctx, f)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("load analytics events: %w", err)
		}
		events = append(events, page...)
		if len(page) < size {
			break
		}
		f.AfterID = page[len(page)-1].ID
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
