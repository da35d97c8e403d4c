package report

import (
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// benchEvents are 10,000 conversations (85,000 events), the n-th starting
// at t0 + at(n): every customer is answered, says whether it helped, and
// every other one gets a ticket that is taken, answered and closed.
func benchEvents(at func(conv int64) time.Duration) events {
	var es events
	for conv := int64(1); conv <= 10_000; conv++ {
		at := at(conv)
		es.answered(conv, at, "pay")
		es.add(conv, at+time.Minute, dialog.ActivityMessageOut, author(dialog.AuthorBot))
		es.add(conv, at+time.Minute, dialog.ActivityMessageIn)
		if conv%2 == 0 {
			es.add(conv, at+time.Minute, dialog.ActivityFeedback, intent("pay"), value(1))
			es.add(conv, at+time.Minute, dialog.ActivityMessageOut, author(dialog.AuthorBot))
			continue
		}
		es.add(conv, at+time.Minute, dialog.ActivityFeedback, intent("pay"))
		es.add(conv, at+time.Minute, dialog.ActivityEscalated, ticket(conv), reason(dialog.ReasonNotHelpful), queue("first_line"), due(time.Hour, 8*time.Hour))
		es.add(conv, at+time.Hour, dialog.ActivityAssigned, ticket(conv), agent("olga"), queue("first_line"))
		es.add(conv, at+2*time.Hour, dialog.ActivityFirstResponse, ticket(conv), agent("olga"))
		es.add(conv, at+3*time.Hour, dialog.ActivityClosed, ticket(conv), agent("olga"), queue("first_line"))
	}
	return es
}

// BenchmarkCompute measures a day's report over 10,000 conversations
// (85,000 events).
func BenchmarkCompute(b *testing.B) {
	es := benchEvents(func(conv int64) time.Duration { return time.Duration(conv%1440) * time.Minute })
	o := opts()
	for b.Loop() {
		if _, err := Compute(es, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(es)), "events")
}

// BenchmarkComputeSeries measures the report of 30 days and of each of
// them over the same events spread across the days: what the panel's
// analytics page computes.
func BenchmarkComputeSeries(b *testing.B) {
	es := benchEvents(func(conv int64) time.Duration { return time.Duration(conv*4) * time.Minute })
	o := opts()
	o.To = o.From.AddDate(0, 0, 30)
	o.Now = o.To.AddDate(0, 0, 30)
	for b.Loop() {
		s, err := ComputeSeries(es, o)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Days) != 30 {
			b.Fatalf("%d days", len(s.Days))
		}
	}
	b.ReportMetric(float64(len(es)), "events")
}
