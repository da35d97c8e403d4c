package metrics_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/metrics"
	"github.com/firstline-support/firstline/kb"
	"github.com/firstline-support/firstline/kb/openai"
	"github.com/firstline-support/firstline/kb/openai/openaitest"
)

// TestEngineObserver runs conversations through an engine whose observer
// is the metrics, and checks every message and outcome was counted once.
func TestEngineObserver(t *testing.T) {
	m := metrics.New()
	cfg := dialog.DefaultConfig
	cfg.Observer = m
	env := dialogtest.New(t, "../testdata/intents", cfg, nil, nil)
	ctx := t.Context()

	replies := 0
	send := func(chat, id, text string) *dialog.Outcome {
		t.Helper()
		out, err := env.Engine.Handle(ctx, dialog.Inbound{Channel: "test", ChatID: chat, ExternalID: id, Text: text})
		if err != nil {
			t.Fatalf("send %q: %v", text, err)
		}
		if !out.Duplicate {
			replies += len(out.Replies)
		}
		return out
	}
	send("a", "1", "забыл пароль")                           // answered
	send("b", "1", "ывапролджэ фывапр")                      // rephrase
	ticket := send("b", "2", "йцукенгшщз").Ticket            // escalated: no match
	send("b", "3", "а побыстрее можно?")                     // none: the bot is silent while queued
	if dup := send("b", "2", "йцукенгшщз"); !dup.Duplicate { // counted once
		t.Fatal("the second delivery is no duplicate")
	}
	send("c", "1", "как настроить") // clarified
	send("d", "1", "/human")        // escalated: the customer asked
	if replies < 6 {
		t.Fatalf("the bot sent %d replies; the conversations are not what the test thinks", replies)
	}

	// An agent takes (one system message), replies, writes a note (not
	// sent) and closes (two system messages).
	a := dialog.TicketAction{Number: ticket.Number, Agent: "olga"}
	if _, err := env.Engine.Take(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Engine.Reply(ctx, a, "Смотрю"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Engine.Note(ctx, a, "внутреннее"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Engine.Close(ctx, a); err != nil {
		t.Fatal(err)
	}

	want := fmt.Sprintf(`
# HELP firstline_messages_total Messages from customers (direction in) and to them (out: bot, agent and system messages), by channel.
# TYPE firstline_messages_total counter
firstline_messages_total{channel="test",direction="in"} 6
firstline_messages_total{channel="test",direction="out"} %d
# HELP firstline_match_outcomes_total Customer messages by what the bot did: answered, clarified, rephrase, escalated, or none (commands, feedback, ratings, messages while a person is in charge).
# TYPE firstline_match_outcomes_total counter
firstline_match_outcomes_total{outcome="answered"} 1
firstline_match_outcomes_total{outcome="clarified"} 1
firstline_match_outcomes_total{outcome="escalated"} 2
firstline_match_outcomes_total{outcome="none"} 1
firstline_match_outcomes_total{outcome="rephrase"} 1
# HELP firstline_escalations_total Conversations handed to a person, by reason: no_match, intent, not_helpful, customer_ask.
# TYPE firstline_escalations_total counter
firstline_escalations_total{reason="customer_ask"} 1
firstline_escalations_total{reason="intent"} 0
firstline_escalations_total{reason="no_match"} 1
firstline_escalations_total{reason="not_helpful"} 0
`, replies+4)
	if err := testutil.GatherAndCompare(m, strings.NewReader(want),
		"firstline_messages_total", "firstline_match_outcomes_total", "firstline_escalations_total"); err != nil {
		t.Error(err)
	}
}

// TestLLM asks a fake model four times, once for each outcome.
func TestLLM(t *testing.T) {
	m := metrics.New()
	replies := []openaitest.Reply{
		openaitest.Choose("a"),
		openaitest.Choose("none"),
		{Status: http.StatusInternalServerError},
		{Delay: time.Second, Content: `{"intent":"a"}`},
	}
	n := 0
	fake := openaitest.NewServer(func(openaitest.Request) openaitest.Reply {
		r := replies[n%len(replies)]
		n++
		return r
	})
	defer fake.Close()
	c, err := openai.New(openai.Config{BaseURL: fake.URL, Model: "test", Observe: m.ObserveLLM})
	if err != nil {
		t.Fatal(err)
	}
	q := kb.Question{Text: "hello", Lang: "en", Candidates: []kb.Choice{{Intent: "a", Title: "A"}, {Intent: "b", Title: "B"}}}
	for range replies {
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		c.Classify(ctx, q) // the outcomes are what is tested, not the answers
		cancel()
	}

	want := `
# HELP firstline_llm_requests_total Second opinions asked of the language model, by outcome: chosen, none, timeout, error.
# TYPE firstline_llm_requests_total counter
firstline_llm_requests_total{outcome="chosen"} 1
firstline_llm_requests_total{outcome="error"} 1
firstline_llm_requests_total{outcome="none"} 1
firstline_llm_requests_total{outcome="timeout"} 1
`
	if err := testutil.GatherAndCompare(m, strings.NewReader(want), "firstline_llm_requests_total"); err != nil {
		t.Error(err)
	}
	h := histogram(t, m, "firstline_llm_request_duration_seconds", nil)
	if h.GetSampleCount() != 4 || h.GetSampleSum() < 0.2 {
		t.Errorf("llm latency: %d samples adding up to %vs, want 4 with the 0.2s timeout among them", h.GetSampleCount(), h.GetSampleSum())
	}
}

// TestHTTPMiddleware sends requests to a router on loopback and checks
// each was timed under its route pattern, never its path.
func TestHTTPMiddleware(t *testing.T) {
	gin.SetMode(gin.TestMode)
	m := metrics.New()
	r := gin.New()
	r.HandleMethodNotAllowed = true
	observed := make(chan struct{}) // the abandoned request was timed
	r.Use(func(ctx *gin.Context) {
		ctx.Next()
		if ctx.FullPath() == "/abandoned" {
			close(observed)
		}
	})
	r.Use(m.Middleware())
	r.GET("/tickets/:number", func(ctx *gin.Context) { ctx.String(http.StatusOK, ctx.Param("number")) })
	r.POST("/fail", func(ctx *gin.Context) { ctx.Status(http.StatusServiceUnavailable) })
	started := make(chan struct{})
	r.GET("/abandoned", func(ctx *gin.Context) {
		close(started)
		<-ctx.Request.Context().Done()
		ctx.Status(http.StatusInternalServerError)
	})
	srv := httptest.NewServer(r)
	defer srv.Close()

	// A client that leaves before the answer is counted as gone, not as a
	// server error.
	leave, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(leave, http.MethodGet, srv.URL+"/abandoned", nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() { <-started; cancel() }()
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the abandoned request was answered")
	}
	<-observed

	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/tickets/FL-000001", 200},
		{"GET", "/tickets/FL-000002", 200},
		{"POST", "/fail", 503},
		{"GET", "/no/such/page", 404},
		{"GET", "/another/missing/page", 404},
		{"DELETE", "/fail", 405},
		{"BREW", "/tickets/FL-000001", 405},
	} {
		req, err := http.NewRequest(c.method, srv.URL+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.code {
			t.Fatalf("%s %s: %d, want %d", c.method, c.path, resp.StatusCode, c.code)
		}
	}

	for _, c := range []struct {
		labels map[string]string
		count  uint64
	}{
		{map[string]string{"method": "GET", "route": "/tickets/:number", "status": "2xx"}, 2},
		{map[string]string{"method": "POST", "route": "/fail", "status": "5xx"}, 1},
		{map[string]string{"method": "GET", "route": "/abandoned", "status": metrics.ClientGone}, 1},
		{map[string]string{"method": "GET", "route": metrics.Unmatched, "status": "4xx"}, 2},
		{map[string]string{"method": "DELETE", "route": metrics.Unmatched, "status": "4xx"}, 1},
		{map[string]string{"method": "other", "route": metrics.Unmatched, "status": "4xx"}, 1},
	} {
		if got := histogram(t, m, "firstline_http_request_duration_seconds", c.labels).GetSampleCount(); got != c.count {
			t.Errorf("%v: %d requests, want %d", c.labels, got, c.count)
		}
	}
	if n, err := testutil.GatherAndCount(m, "firstline_http_request_duration_seconds"); err != nil || n != 6 {
		t.Errorf("%d series of HTTP latency (%v), want 6", n, err)
	}
}

// TestLint checks every metric against Prometheus' naming conventions.
func TestLint(t *testing.T) {
	m := metrics.New()
	f := newFixture(t)
	if err := m.Register(metrics.NewStoreCollector(f.store, metrics.StoreOptions{Queues: []string{"first_line"}})); err != nil {
		t.Fatal(err)
	}
	// Every family has a series to lint.
	m.Handled(&dialog.Outcome{Conversation: &dialog.Conversation{Channel: "test"}})
	m.ObserveLLM(kb.OutcomeChosen, time.Second)
	families, err := m.Gather()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := promlint.NewWithMetricFamilies(families).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
	if err := m.Register(metrics.NewStoreCollector(f.store, metrics.StoreOptions{})); err == nil {
		t.Error("a second store collector was registered: its series would clash")
	}
}

// histogram returns the series of the histogram name with the labels
// given, failing the test when there is none.
func histogram(t *testing.T, g prometheus.Gatherer, name string, labels map[string]string) *dto.Histogram {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range families {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			matched := 0
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] == l.GetValue() {
					matched++
				}
			}
			if matched == len(labels) {
				return m.GetHistogram()
			}
		}
	}
	t.Fatalf("no %s series with %v", name, labels)
	return nil
}
