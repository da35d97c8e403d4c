package report

import (
	"context"
	"maps"
	"slices"
	"sort"

	"github.com/firstline-support/firstline/dialog"
)

// Series is the report of a range together with the report of each day
// in it, all from one pass over the events: what a chart over time needs.
type Series struct {
	// Total is the report of the whole range.
	Total *Report `json:"total"`
	// Days are the reports of the range's consecutive calendar days in
	// From's location: the first starts at From, each next one at the
	// same clock time a day later, and the last ends at To, so a range
	// that is not whole days ends with a shorter one. Each is the report
	// Compute makes for its own range.
	Days []*Report `json:"days"`
	// Values are what the filter can be set to in the range.
	Values Values `json:"values"`
}

// Values are the values the filter fields take in a range: each lists,
// sorted, the non-empty values of the range's contacts and tickets before
// any filter, with the attribution of Report.
type Values struct {
	Channels []string `json:"channels"`
	Langs    []string `json:"langs"`
	Intents  []string `json:"intents"`
	Queues   []string `json:"queues"`
	Agents   []string `json:"agents"`
}

// ComputeSeries makes the report of opts and one of each of its days from
// events, which must hold what Compute needs for the whole range.
// Conversations are followed once, so a series costs little more than
// the report of its range.
func ComputeSeries(events []*dialog.Activity, opts Options) (*Series, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	return computeSeriesChecked(events, opts), nil
}

// computeSeriesChecked is ComputeSeries for options already checked.
func computeSeriesChecked(events []*dialog.Activity, opts Options) *Series {
	st, all := followAll(events, opts)
	s := &Series{Total: st.report(all, st.cycles, opts.From, opts.To)}

	// Sorted by start, each day's contacts and tickets are a run.
	contacts := slices.DeleteFunc(slices.Clone(all), func(c *contact) bool { return !inRange(c.start, opts.From, opts.To) })
	cycles := slices.DeleteFunc(slices.Clone(st.cycles), func(c *cycle) bool { return !inRange(c.start, opts.From, opts.To) })
	slices.SortStableFunc(contacts, func(a, b *contact) int { return a.start.Compare(b.start) })
	slices.SortStableFunc(cycles, func(a, b *cycle) int { return a.start.Compare(b.start) })
	s.Values = values(contacts, cycles)

	for i, from := 0, opts.From; from.Before(opts.To); i++ {
		to := opts.From.AddDate(0, 0, i+1)
		if to.After(opts.To) {
			to = opts.To
		}
		ci := sort.Search(len(contacts), func(k int) bool { return !contacts[k].start.Before(to) })
		yi := sort.Search(len(cycles), func(k int) bool { return !cycles[k].start.Before(to) })
		s.Days = append(s.Days, st.report(contacts[:ci], cycles[:yi], from, to))
		contacts, cycles = contacts[ci:], cycles[yi:]
		from = to
	}
	return s
}

// values collects the filter values of contacts and cycles.
func values(contacts []*contact, cycles []*cycle) Values {
	sets := [5]map[string]bool{{}, {}, {}, {}, {}}
	add := func(channel, lang, intent, queue, agent string) {
		for i, v := range []string{channel, lang, intent, queue, agent} {
			if v != "" {
				sets[i][v] = true
			}
		}
	}
	for _, c := range contacts {
		var queue, agent string
		if c.ticket != nil {
			queue, agent = c.ticket.queue, c.ticket.agent
		}
		add(c.channel, c.lang, c.intent, queue, agent)
	}
	for _, c := range cycles {
		add(c.channel, c.lang, c.intent, c.queue, c.agent)
	}
	list := func(set map[string]bool) []string { return append([]string{}, slices.Sorted(maps.Keys(set))...) }
	return Values{
		Channels: list(sets[0]),
		Langs:    list(sets[1]),
		Intents:  list(sets[2]),
		Queues:   list(sets[3]),
		Agents:   list(sets[4]),
	}
}

// LoadSeries reads the events of the range from q once, as Load does, and
// computes its series.
func LoadSeries(ctx context.Context, q dialog.Queries, opts Options) (*Series, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	events, since, err := loadEvents(ctx, q, opts)
	if err != nil {
		return nil, err
	}
	s := computeSeriesChecked(events, opts)
	s.Total.Since = since
	for _, d := range s.Days {
		d.Since = since
	}
	return s, nil
}
