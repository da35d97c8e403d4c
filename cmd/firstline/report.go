package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog/report"
)

// cmdReport prints the support figures of a date range, computed from the
// analytics events in the configured store: contacts and their outcomes,
// escalation, clarification, intents, and tickets per agent and queue.
func cmdReport(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("report", e)
	from := fs.String("from", "", "the first `day` of the range, YYYY-MM-DD (UTC)")
	to := fs.String("to", "", "the `day` after the range, YYYY-MM-DD (UTC): the range is [from, to)")
	format := fs.String("format", report.FormatTable, "`format` of the output: table, csv or json")
	defaultGap := strings.TrimSuffix(defaultSettings().Report.ContactGap.String(), "0s") // 30m0s reads 30m
	gap := fs.Duration("contact-gap", 0, "customer silence that ends a contact (default report.contact_gap of the config, "+defaultGap+")")
	var f report.Filter
	fs.StringVar(&f.Channel, "channel", "", "only contacts and tickets of this `channel` (webchat, telegram, whatsapp)")
	fs.StringVar(&f.Lang, "lang", "", "only contacts and tickets in this `language` (ru, en)")
	fs.StringVar(&f.Intent, "intent", "", "only contacts and tickets about this `intent` id")
	fs.StringVar(&f.Queue, "queue", "", "only contacts and tickets of this `queue`")
	fs.StringVar(&f.Agent, "agent", "", "only contacts and tickets of this `agent`")
	s, err := parseSettings(fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	opts := report.Options{
		Now:          time.Now().UTC(),
		ContactGap:   s.Report.ContactGap,
		ReopenWindow: s.Tickets.ReopenWindow,
		Filter:       f,
	}
	if opts.From, err = parseDay("--from", *from); err != nil {
		return err
	}
	if opts.To, err = parseDay("--to", *to); err != nil {
		return err
	}
	if !opts.From.Before(opts.To) {
		return usageError{fmt.Errorf("--to %s must be after --from %s", *to, *from)}
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
	r, err := report.Load(ctx, store, opts)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.stdout)
	if err := report.Write(w, r, *format); err != nil {
		return err
	}
	return w.Flush()
}

// parseDay reads a YYYY-MM-DD flag as the start of that day in UTC.
func parseDay(flag, value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, usageError{fmt.Errorf("%s is required (YYYY-MM-DD)", flag)}
	}
	day, err := time.Parse(time.DateOnly, value)
	if err != nil {
		return time.Time{}, usageError{fmt.Errorf("%s %q is not a date YYYY-MM-DD", flag, value)}
	}
	return day, nil
}
