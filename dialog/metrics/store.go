package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/calendar"
)

// defaultScrapeTimeout bounds the store's queries in one scrape.
const defaultScrapeTimeout = 5 * time.Second

// StoreOptions say what a StoreCollector reports.
type StoreOptions struct {
	// Queues are reported even when they have no open tickets, and
	// Channels even when nothing waits in their outbox, at zero, so that
	// their series exist from the start.
	Queues   []string
	Channels []string
	// Now is the clock waiting times and SLA breaches are measured by;
	// nil means time.Now.
	Now func() time.Time
	// Timeout bounds the queries of one scrape; 0 means 5 seconds.
	Timeout time.Duration
	// Hours are the working hours by queue, "" being the default
	// (dialog.Config.Hours): with any, a queue's waiting time is working
	// time, as its SLA deadlines are.
	Hours map[string]*calendar.Calendar
}

// StoreCollector reads gauges from the store each time it is scraped: the
// open tickets of each queue, how long the oldest has waited, the SLA
// breaches, the outbox backlog, and the state of the store's connection
// pools. Each scrape costs two small queries (dialog.Queries.QueueStats
// and OutboxBacklog).
type StoreCollector struct {
	store dialog.Store
	pools dialog.PoolReporter // nil when the store does not report on its pools
	opts  StoreOptions

	up, queueTickets, oldestWaiting, breached, backlog              *prometheus.Desc
	poolOpen, poolInUse, poolIdle, poolMax, poolWaits, poolWaitTime *prometheus.Desc
}

// NewStoreCollector returns a collector reading from store, to pass to
// Metrics.Register.
func NewStoreCollector(store dialog.Store, opts StoreOptions) *StoreCollector {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultScrapeTimeout
	}
	pools, _ := store.(dialog.PoolReporter)
	queue, pool := []string{"queue"}, []string{"pool"}
	return &StoreCollector{
		store: store,
		pools: pools,
		opts:  opts,
		up: prometheus.NewDesc("firstline_store_up",
			"1 when the store answered this scrape's queries, 0 when it did not (its gauges are then missing).", nil, nil),
		queueTickets: prometheus.NewDesc("firstline_queue_tickets",
			"Open tickets of each queue: queued (waiting for an agent), assigned, or waiting (for the customer's answer).", []string{"queue", "status"}, nil),
		oldestWaiting: prometheus.NewDesc("firstline_queue_oldest_waiting_seconds",
			"How long the queue's longest-waiting queued ticket has waited since it entered the queue (created, reopened or transferred), in working time with business hours; 0 when none waits.", queue, nil),
		breached: prometheus.NewDesc("firstline_queue_sla_breached_tickets",
			"Open tickets of each queue that missed an SLA deadline: no first reply, or no resolution, by when it was due.", queue, nil),
		backlog: prometheus.NewDesc("firstline_outbox_backlog_messages",
			"Messages waiting in the outbox to be delivered, by channel.", []string{"channel"}, nil),
		poolOpen: prometheus.NewDesc("firstline_store_connections_open",
			"Open connections of the store's pool: in use, idle or being made.", pool, nil),
		poolInUse: prometheus.NewDesc("firstline_store_connections_in_use",
			"Connections of the store's pool in use.", pool, nil),
		poolIdle: prometheus.NewDesc("firstline_store_connections_idle",
			"Idle connections of the store's pool.", pool, nil),
		poolMax: prometheus.NewDesc("firstline_store_connections_max",
			"The most connections the store's pool opens.", pool, nil),
		poolWaits: prometheus.NewDesc("firstline_store_connection_waits_total",
			"Times a caller waited for a connection of the store's pool.", pool, nil),
		poolWaitTime: prometheus.NewDesc("firstline_store_connection_wait_seconds_total",
			"Time callers spent waiting for a connection of the store's pool.", pool, nil),
	}
}

// Describe sends the descriptions of every metric the collector makes.
func (c *StoreCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.up, c.queueTickets, c.oldestWaiting, c.breached, c.backlog,
		c.poolOpen, c.poolInUse, c.poolIdle, c.poolMax, c.poolWaits, c.poolWaitTime} {
		ch <- d
	}
}

// Collect reads the store. A failed query is reported to the registry,
// which logs it; the store's other gauges are still sent, and
// firstline_store_up says 0.
func (c *StoreCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.Timeout)
	defer cancel()
	up := 1.0
	if err := c.collectQueues(ctx, ch); err != nil {
		up = 0
		ch <- prometheus.NewInvalidMetric(c.queueTickets, err)
	}
	if err := c.collectBacklog(ctx, ch); err != nil {
		up = 0
		ch <- prometheus.NewInvalidMetric(c.backlog, err)
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up)
	c.collectPools(ch)
}

// collectQueues sends the gauges of every queue that is configured or has
// open tickets.
func (c *StoreCollector) collectQueues(ctx context.Context, ch chan<- prometheus.Metric) error {
	now := c.opts.Now()
	stats, err := c.store.QueueStats(ctx, now)
	if err != nil {
		return err
	}
	byQueue := map[string]dialog.QueueStat{}
	for _, q := range c.opts.Queues {
		byQueue[q] = dialog.QueueStat{Queue: q}
	}
	for _, st := range stats {
		byQueue[st.Queue] = st
	}
	for _, st := range byQueue {
		waited := 0.0
		if !st.WaitingSince.IsZero() {
			// Never below zero, should another replica's clock be ahead.
			waited = max(0, c.working(st.Queue, st.WaitingSince, now).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(c.queueTickets, prometheus.GaugeValue, float64(st.Queued), st.Queue, string(dialog.TicketQueued))
		ch <- prometheus.MustNewConstMetric(c.queueTickets, prometheus.GaugeValue, float64(st.Assigned), st.Queue, string(dialog.TicketAssigned))
		ch <- prometheus.MustNewConstMetric(c.queueTickets, prometheus.GaugeValue, float64(st.Waiting), st.Queue, string(dialog.TicketWaiting))
		ch <- prometheus.MustNewConstMetric(c.oldestWaiting, prometheus.GaugeValue, waited, st.Queue)
		ch <- prometheus.MustNewConstMetric(c.breached, prometheus.GaugeValue, float64(st.Breached), st.Queue)
	}
	return nil
}

// working is the time from a to b in the hours of queue: wall-clock time
// without business hours.
func (c *StoreCollector) working(queue string, a, b time.Time) time.Duration {
	if len(c.opts.Hours) == 0 {
		return b.Sub(a)
	}
	cal, ok := c.opts.Hours[queue]
	if !ok {
		cal = c.opts.Hours[""]
	}
	return cal.WorkingBetween(a, b)
}

// collectBacklog sends the outbox backlog of every channel that is
// configured or has one.
func (c *StoreCollector) collectBacklog(ctx context.Context, ch chan<- prometheus.Metric) error {
	backlog, err := c.store.OutboxBacklog(ctx)
	if err != nil {
		return err
	}
	for _, name := range c.opts.Channels {
		if _, ok := backlog[name]; !ok {
			backlog[name] = 0
		}
	}
	for name, n := range backlog {
		ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, float64(n), name)
	}
	return nil
}

// collectPools sends the state of the store's connection pools, which
// needs no query.
func (c *StoreCollector) collectPools(ch chan<- prometheus.Metric) {
	if c.pools == nil {
		return
	}
	for _, p := range c.pools.PoolStats() {
		ch <- prometheus.MustNewConstMetric(c.poolOpen, prometheus.GaugeValue, float64(p.Open), p.Pool)
		ch <- prometheus.MustNewConstMetric(c.poolInUse, prometheus.GaugeValue, float64(p.InUse), p.Pool)
		ch <- prometheus.MustNewConstMetric(c.poolIdle, prometheus.GaugeValue, float64(p.Idle), p.Pool)
		ch <- prometheus.MustNewConstMetric(c.poolMax, prometheus.GaugeValue, float64(p.MaxOpen), p.Pool)
		ch <- prometheus.MustNewConstMetric(c.poolWaits, prometheus.CounterValue, float64(p.Waits), p.Pool)
		ch <- prometheus.MustNewConstMetric(c.poolWaitTime, prometheus.CounterValue, p.WaitTime.Seconds(), p.Pool)
	}
}
