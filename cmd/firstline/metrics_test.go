package main

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/firstline-support/firstline/kb/openai/openaitest"
)

// scrape GETs /metrics and returns every series by name and labels, e.g.
// `firstline_messages_total{channel="webchat",direction="in"}`; a
// histogram gives its _count and _sum.
func (s *server) scrape() map[string]float64 {
	s.t.Helper()
	resp, err := http.Get(s.url + "metrics")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET /metrics: %d", resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		s.t.Fatalf("GET /metrics: %v", err)
	}
	series := map[string]float64{}
	for name, mf := range families {
		for _, m := range mf.GetMetric() {
			key := seriesKey(name, m.GetLabel())
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				series[key] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				series[key] = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				series[seriesKey(name+"_count", m.GetLabel())] = float64(m.GetHistogram().GetSampleCount())
				series[seriesKey(name+"_sum", m.GetLabel())] = m.GetHistogram().GetSampleSum()
			}
		}
	}
	return series
}

// seriesKey writes a series as the exposition format does, labels sorted.
func seriesKey(name string, labels []*dto.LabelPair) string {
	if len(labels) == 0 {
		return name
	}
	pairs := make([]string, len(labels))
	for i, l := range labels {
		pairs[i] = l.GetName() + `="` + l.GetValue() + `"`
	}
	sort.Strings(pairs)
	return name + "{" + strings.Join(pairs, ",") + "}"
}

// TestServeMetrics talks to the web chat of a real server and checks
// that /metrics moved by exactly what was said, with a language model
// that fails every second opinion it is asked for (so the bot's decisions
// stay the matcher's).
func TestServeMetrics(t *testing.T) {
	llm := openaitest.NewServer(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Status: http.StatusInternalServerError}
	})
	defer llm.Close()
	t.Setenv("FIRSTLINE_LLM_BASE_URL", llm.URL)
	t.Setenv("FIRSTLINE_LLM_MODEL", "test")
	s := startServer(t, t.TempDir())

	var h health
	if code := s.getJSON("/healthz", &h); code != http.StatusOK || h.Status != "ok" {
		t.Errorf("/healthz = %d %+v", code, h)
	}
	if code := s.getJSON("/readyz", &h); code != http.StatusOK || h.Status != "ready" {
		t.Errorf("/readyz = %d %+v", code, h)
	}

	before := s.scrape()
	replies := 0
	say := func(session, id, text string) chatReply {
		t.Helper()
		r := s.say(session, id, text)
		replies += len(r.Replies)
		return r
	}
	say("m-a", "1", "Не могу вспомнить пароль от личного кабинета, как его поменять?") // answered
	say("m-b", "1", "сломалось")                                                       // rephrase: a guess at 0.2, nothing plausible
	if r := say("m-b", "2", "ывлаоыврл йцукен"); r.Ticket == nil {                     // escalated: no match
		t.Fatalf("the second nonsense did not escalate: %+v", r)
	}
	say("m-b", "3", "у меня всё сломалось") // none: queued, the bot is silent
	say("m-c", "1", "/human")               // escalated: the customer asked
	// One the bot would ask to clarify: the model is asked, fails, and the
	// matcher's clarifying question stands, its options and a person.
	if r := say("m-d", "1", "деньги"); len(r.Replies) != 1 || len(r.Replies[0].Buttons) < 3 ||
		r.Replies[0].Buttons[len(r.Replies[0].Buttons)-1] != "Позвать оператора" {
		t.Errorf("«деньги» was not met with a choice of options and a person: %+v", r.Replies)
	}
	dup := s.say("m-b", "2", "ывлаоыврл йцукен")
	if len(dup.Replies) == 0 {
		t.Fatal("the duplicate got no replies back")
	}
	if code := s.getJSON("/no/such/page", &h); code != http.StatusNotFound {
		t.Errorf("GET /no/such/page: %d", code)
	}
	after := s.scrape()

	moved := func(series string) float64 { return after[series] - before[series] }
	for _, c := range []struct {
		series string
		want   float64
	}{
		{`firstline_messages_total{channel="webchat",direction="in"}`, 6},
		{`firstline_messages_total{channel="webchat",direction="out"}`, float64(replies)},
		{`firstline_match_outcomes_total{outcome="answered"}`, 1},
		{`firstline_match_outcomes_total{outcome="clarified"}`, 1},
		{`firstline_match_outcomes_total{outcome="rephrase"}`, 1},
		{`firstline_match_outcomes_total{outcome="escalated"}`, 2},
		{`firstline_match_outcomes_total{outcome="none"}`, 1},
		{`firstline_escalations_total{reason="no_match"}`, 1},
		{`firstline_escalations_total{reason="customer_ask"}`, 1},
		{`firstline_escalations_total{reason="intent"}`, 0},
		// Seven posts, the duplicate among them.
		{`firstline_http_request_duration_seconds_count{method="POST",route="/api/v1/webchat/messages",status="2xx"}`, 7},
		{`firstline_http_request_duration_seconds_count{method="GET",route="unmatched",status="4xx"}`, 1},
		// Every question the model was asked failed, and was timed.
		{`firstline_llm_requests_total{outcome="error"}`, float64(len(llm.Requests()))},
		{`firstline_llm_requests_total{outcome="chosen"}`, 0},
		{`firstline_llm_request_duration_seconds_count`, float64(len(llm.Requests()))},
	} {
		if got := moved(c.series); got != c.want {
			t.Errorf("%s moved by %v, want %v", c.series, got, c.want)
		}
	}
	if replies < 5 {
		t.Errorf("only %d replies: the conversations are not what the test thinks", replies)
	}
	// Only the message the bot asked to clarify went to the model: not the
	// one it answered, nor the nonsense, nor what the queued customer said.
	if reqs := llm.Requests(); len(reqs) != 1 || !strings.Contains(reqs[0].User, "\nденьги\n") {
		t.Errorf("the model was asked %d times (%+v), want once, about «деньги»", len(reqs), reqs)
	}
	if moved(`firstline_llm_request_duration_seconds_sum`) <= 0 {
		t.Error("the language model's calls took no time")
	}

	// Gauges read from the store when scraped.
	for series, want := range map[string]float64{
		`firstline_queue_tickets{queue="first_line",status="queued"}`:   2,
		`firstline_queue_tickets{queue="first_line",status="assigned"}`: 0,
		`firstline_queue_tickets{queue="second_line",status="queued"}`:  0,
		`firstline_queue_sla_breached_tickets{queue="first_line"}`:      0,
		`firstline_store_up`:                             1,
		`firstline_store_connections_max{pool="writer"}`: 1,
	} {
		if got, ok := after[series]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
		}
	}
	if w := after[`firstline_queue_oldest_waiting_seconds{queue="first_line"}`]; w <= 0 || w > 60 {
		t.Errorf("the oldest ticket of first_line waited %vs", w)
	}
	s.stop()
}
