package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/report"
	"github.com/firstline-support/firstline/intents"
)

// reportDays is how many days a report covers when no range is given: the
// last week, today included, as the panel's analytics page opens on.
const reportDays = 7

// cmdReport prints the support figures of a date range, computed from the
// analytics events in the configured store: contacts and their outcomes,
// escalation, clarification, intents, and tickets per agent and queue.
func cmdReport(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("report", e)
	from := fs.String("from", "", "the first `day` of the range, YYYY-MM-DD (UTC; default 6 days before --to)")
	to := fs.String("to", "", "the last `day` of the range, included, YYYY-MM-DD (UTC; default today)")
	format := fs.String("format", report.FormatTable, "`format` of the output: table, csv or json")
	defaultGap := strings.TrimSuffix(defaultSettings().Report.ContactGap.String(), "0s") // 30m0s reads 30m
	gap := fs.Duration("contact-gap", 0, "customer silence that ends a contact (default report.contact_gap of the config, "+defaultGap+")")
	var f report.Filter
	fs.StringVar(&f.Channel, "channel", "", "only contacts and tickets of this `channel` (webchat, telegram, whatsapp)")
	fs.StringVar(&f.Lang, "lang", "", "only contacts and tickets in this `language` (ru, en)")
	fs.StringVar(&f.Intent, "intent", "", "only contacts and tickets about this `intent` id")
	fs.StringVar(&f.Queue, "queue", "", "only contacts and tickets of this `queue`")
	fs.StringVar(&f.Agent, "agent", "", "only contacts and tickets of this `agent`")
	s, err := parseSettings(fs, args, flagData|flagIntents, e.getenv)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	opts := report.Options{
		Now:          now,
		ContactGap:   s.Report.ContactGap,
		ReopenWindow: s.Tickets.ReopenWindow,
		Filter:       f,
		Hours:        s.engineConfig().Hours, // durations in working time, as the panel's
	}
	if opts.From, opts.To, err = reportRange(*from, *to, now); err != nil {
		return err
	}
	switch {
	case *gap < 0:
		return usageError{fmt.Errorf("--contact-gap must be positive, got %s", *gap)}
	case *gap > 0:
		opts.ContactGap = *gap
	}
	switch *format {
	case report.FormatTable, report.FormatCSV, report.FormatJSON:
	default:
		return usageError{fmt.Errorf("--format must be table, csv or json, got %q", *format)}
	}

	store, err := openStore(ctx, s, newLogger(e))
	if err != nil {
		return err
	}
	defer store.Close()
	series, err := report.LoadSeries(ctx, store, opts)
	if err != nil {
		return err
	}
	known, err := knownFilterValues(ctx, s, store)
	if err != nil {
		return err
	}
	if err := report.CheckFilter(f, known, series.Values); err != nil {
		return usageError{errors.New(dialog.ErrorMessage(err))}
	}
	r := series.Total
	w := bufio.NewWriter(e.stdout)
	if err := report.Write(w, r, *format); err != nil {
		return err
	}
	return w.Flush()
}

// reportRange reads --from and --to, both days included, as the range
// [from, the day after to). Without --to the range ends today, without
// --from it starts reportDays-1 days before its last day.
func reportRange(from, to string, now time.Time) (time.Time, time.Time, error) {
	last := now.UTC().Truncate(24 * time.Hour)
	if to != "" {
		var err error
		if last, err = parseDay("--to", to); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	first := last.AddDate(0, 0, -(reportDays - 1))
	if from != "" {
		var err error
		if first, err = parseDay("--from", from); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	if last.Before(first) {
		return time.Time{}, time.Time{}, usageError{fmt.Errorf("--to %s is before --from %s", last.Format(time.DateOnly), first.Format(time.DateOnly))}
	}
	return first, last.AddDate(0, 0, 1), nil
}

// knownFilterValues are the intents, queues and agents a filter may name
// besides those of the range's events: the knowledge base's intents, the
// configured queues and the users. A knowledge base that does not load
// here (the report may run away from the server's files) names none: the
// events still do.
func knownFilterValues(ctx context.Context, s *settings, store dialog.Store) (report.Known, error) {
	known := report.Known{Queues: s.Tickets.Queues}
	if set, err := intents.Load(s.IntentsDir); err == nil {
		known.Intents = set.IDs()
	}
	users, err := store.Users(ctx)
	if err != nil {
		return known, fmt.Errorf("list users: %w", err)
	}
	for _, u := range users {
		known.Agents = append(known.Agents, u.Name)
	}
	return known, nil
}

// parseDay reads a YYYY-MM-DD flag as the start of that day in UTC.
func parseDay(flag, value string) (time.Time, error) {
	day, err := time.Parse(time.DateOnly, value)
	if err != nil {
		return time.Time{}, usageError{fmt.Errorf("%s %q is not a date YYYY-MM-DD", flag, value)}
	}
	return day, nil
}
