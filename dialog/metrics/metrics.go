// Package metrics exposes what firstline does as Prometheus metrics, in a
// registry of its own: counters that the engine, the language model and
// the HTTP server move as they work, and gauges read from the store when
// scraped.
//
// The counters are per process: with several replicas on one database,
// sum them across replicas. The gauges read from the store describe the
// shared database and are the same on every replica: take any one of
// them (max), not the sum.
package metrics

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/kb"
)

// Directions of a message, the label of firstline_messages_total.
const (
	DirectionIn  = "in"  // from a customer
	DirectionOut = "out" // to a customer: the bot's replies, agents' replies, system messages
)

// Metrics holds the metrics and the registry they are served from. It is
// the engine's dialog.Observer, and a prometheus.Gatherer. It is safe for
// concurrent use.
type Metrics struct {
	reg          *prometheus.Registry
	messages     *prometheus.CounterVec
	outcomes     *prometheus.CounterVec
	escalations  *prometheus.CounterVec
	llmRequests  *prometheus.CounterVec
	llmDuration  prometheus.Histogram
	httpDuration *prometheus.HistogramVec
}

var (
	_ dialog.Observer     = (*Metrics)(nil)
	_ prometheus.Gatherer = (*Metrics)(nil)
)

// New returns the metrics in a new registry, with the Go runtime's and
// the process's own.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "firstline_messages_total",
			Help: "Messages from customers (direction in) and to them (out: bot, agent and system messages), by channel.",
		}, []string{"channel", "direction"}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "firstline_match_outcomes_total",
			Help: "Customer messages by what the bot did: answered, clarified, rephrase, escalated, or none (commands, feedback, ratings, messages while a person is in charge).",
		}, []string{"outcome"}),
		escalations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "firstline_escalations_total",
			Help: "Conversations handed to a person, by reason: no_match, intent, not_helpful, customer_ask.",
		}, []string{"reason"}),
		llmRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "firstline_llm_requests_total",
			Help: "Second opinions asked of the language model, by outcome: chosen, none, timeout, error.",
		}, []string{"outcome"}),
		llmDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "firstline_llm_request_duration_seconds",
			Help:    "How long second opinions from the language model took, whatever their outcome.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30}, // llm.timeout is at most 30 s
		}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "firstline_http_request_duration_seconds",
			Help:    "HTTP requests by method, route pattern (unmatched for no route) and status class.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route", "status"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.messages, m.outcomes, m.escalations, m.llmRequests, m.llmDuration, m.httpDuration,
	)
	// Label values known in advance start at zero, so that rates and
	// alerts see the series before the first event.
	for _, a := range []dialog.Action{dialog.ActionAnswered, dialog.ActionClarified, dialog.ActionRephrase,
		dialog.ActionEscalated, dialog.ActionNone} {
		m.outcomes.WithLabelValues(string(a))
	}
	for _, r := range []string{dialog.ReasonNoMatch, dialog.ReasonIntent, dialog.ReasonNotHelpful, dialog.ReasonCustomerAsk} {
		m.escalations.WithLabelValues(r)
	}
	for _, o := range []string{kb.OutcomeChosen, kb.OutcomeNone, kb.OutcomeTimeout, kb.OutcomeError} {
		m.llmRequests.WithLabelValues(o)
	}
	return m
}

// Register adds a collector, such as a StoreCollector, to the registry.
func (m *Metrics) Register(c prometheus.Collector) error {
	return m.reg.Register(c)
}

// Gather collects every metric now, as a scrape would: Metrics is a
// prometheus.Gatherer.
func (m *Metrics) Gather() ([]*dto.MetricFamily, error) {
	return m.reg.Gather()
}

// Handler serves the registry in the Prometheus exposition format. A
// collector that fails (the store is down) is logged and left out; the
// rest is served.
func (m *Metrics) Handler(log *slog.Logger) http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// Handled counts a customer message, the engine's replies to it and what
// the bot did. Duplicates were counted the first time.
func (m *Metrics) Handled(out *dialog.Outcome) {
	if out.Duplicate {
		return
	}
	channel := out.Conversation.Channel
	m.messages.WithLabelValues(channel, DirectionIn).Inc()
	if n := len(out.Replies); n > 0 {
		m.messages.WithLabelValues(channel, DirectionOut).Add(float64(n))
	}
	m.outcomes.WithLabelValues(string(out.Action())).Inc()
	if out.Escalation != "" {
		m.escalations.WithLabelValues(out.Escalation).Inc()
	}
}

// Sent counts the messages an agent's action sent a customer.
func (m *Metrics) Sent(conv *dialog.Conversation, msgs []*dialog.Message) {
	m.messages.WithLabelValues(conv.Channel, DirectionOut).Add(float64(len(msgs)))
}

// ObserveLLM counts a call to the language model, which ended in outcome
// (kb.OutcomeChosen, ...); it is an openai.Config.Observe.
func (m *Metrics) ObserveLLM(outcome string, d time.Duration) {
	m.llmRequests.WithLabelValues(outcome).Inc()
	m.llmDuration.Observe(d.Seconds())
}
