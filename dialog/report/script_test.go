package report_test

import (
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/report"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
)

// day is the day the script plays on, and the report is about.
var day = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// play runs the day's conversations (and a few just outside it) on
// engine. Customers are named by what happens to them.
func play(t *testing.T, store dialog.Store) {
	cfg := dialog.DefaultConfig
	cfg.ReopenWindow = 24 * time.Hour
	engine := dialog.NewEngine(store, dialogtest.KB(t, "../testdata/intents"), nil, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s := dialogtest.NewScript(t, engine, day)

	s.At(-1, 23, 50)
	s.Expect("webchat", "before", "забыл пароль", "") // a contact of the day before...
	s.At(0, 0, 5)
	s.Expect("webchat", "before", "да", "") // ...going on into the day: still the day before's

	s.At(0, 8, 0)
	s.Expect("webchat", "confirmed", "забыл пароль", "")
	s.At(0, 8, 1)
	s.Expect("webchat", "confirmed", "да", "")
	s.At(0, 8, 10)
	s.Expect("webchat", "assumed", "когда работает ваш офис?", "") // no "did this help?" for opening hours
	s.At(0, 8, 20)
	s.Expect("webchat", "returned", "как оплатить интернет картой", "")
	s.At(0, 9, 0)
	s.Expect("webchat", "clarified", "как настроить", "")
	s.At(0, 9, 1)
	s.Expect("webchat", "clarified", "Настройка роутера", "")
	s.At(0, 9, 2)
	s.Expect("webchat", "clarified", "да", "")
	s.At(0, 9, 10)
	s.Expect("webchat", "unanswered", "как настроить", "") // asked which, never picked
	s.At(0, 9, 20)
	s.Expect("webchat", "nomatch", "ывапролджэ фывапр", "") // please rephrase
	s.At(0, 9, 21)
	s.Expect("webchat", "nomatch", "йцукенгшщз", dialog.ReasonNoMatch) // FL-000001, normal: due 13:21 and 09:21 the next day
	s.At(0, 9, 30)
	s.Expect("webchat", "human", "/human", dialog.ReasonCustomerAsk) // FL-000002, normal: due 13:30 and 09:30 the next day
	s.At(0, 9, 40)
	s.Expect("webchat", "complaint", "хочу подать жалобу на качество обслуживания", dialog.ReasonIntent) // FL-000003, high, second_line: due 10:40 and 17:40
	s.At(0, 10, 0)
	s.Take("nomatch", "olga")
	s.Expect("telegram", "english", "how can I reset my password?", "")
	s.At(0, 10, 1)
	s.Expect("telegram", "english", "yes", "")
	s.At(0, 10, 5)
	s.Take("human", "ivan")
	s.At(0, 10, 10)
	s.Take("complaint", "olga")
	s.At(0, 10, 20)
	s.Reply("complaint", "olga", "Разберёмся")
	s.At(0, 10, 30)
	s.Reply("nomatch", "olga", "Что случилось?")
	s.At(0, 11, 0)
	s.Close("nomatch", "olga")
	s.At(0, 11, 5)
	s.Expect("webchat", "nomatch", "5", "")
	s.At(0, 12, 0)
	s.Expect("webchat", "returned", "забыл пароль", "") // the customer of 08:20 comes back
	s.At(0, 12, 1)
	s.Expect("webchat", "returned", "нет", dialog.ReasonNotHelpful) // FL-000004, normal: due 16:01 and 12:01 the next day
	s.At(0, 12, 30)
	s.Take("returned", "ivan")
	s.At(0, 13, 0)
	s.Reply("returned", "ivan", "Смотрю")
	s.At(0, 14, 0)
	s.Reply("human", "ivan", "Добрый день") // late: due 13:30
	s.At(0, 14, 10)
	s.Transfer("human", "ivan", "second_line")
	s.At(0, 14, 20)
	s.Take("human", "boris")
	s.At(0, 15, 0)
	s.Close("human", "boris")
	s.At(0, 15, 2)
	s.Expect("webchat", "human", "2", "")
	s.At(0, 16, 0)
	s.Expect("webchat", "human", "/human", dialog.ReasonCustomerAsk) // FL-000002 reopened, in second_line: due 20:00 and 16:00 the next day
	s.At(0, 18, 0)
	s.Close("complaint", "olga") // late: due 17:40
	s.At(0, 23, 0)
	s.Expect("webchat", "pending", "когда работает ваш офис?", "")
	s.At(1, 0, 10)
	s.Expect("webchat", "after", "забыл пароль", "") // the next day's
	if s.Tickets["human"] != "FL-000002" || s.Tickets["returned"] != "FL-000004" {
		t.Fatalf("tickets %v, want FL-000002 reopened and FL-000004 last", s.Tickets)
	}
}

// TestScriptedDay plays a day of conversations through the engine, on
// SQLite and on PostgreSQL, and checks every figure of the day's report
// against what was worked out by hand from the script.
func TestScriptedDay(t *testing.T) {
	for _, backend := range []struct {
		name string
		open func(t *testing.T) dialog.Store
	}{
		{"sqlite", func(t *testing.T) dialog.Store { return dialogtest.Store(t, nil) }},
		{"postgres", func(t *testing.T) dialog.Store {
			db, err := postgres.Open(t.Context(), pgtest.Database(t), nil)
			if err != nil {
				t.Fatalf("open PostgreSQL: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}},
	} {
		t.Run(backend.name, func(t *testing.T) {
			store := backend.open(t)
			play(t, store)
			checkDay(t, store)
		})
	}
}

func checkDay(t *testing.T, store dialog.Store) {
	const (
		minute = time.Minute
		hour   = time.Hour
	)
	opts := report.Options{
		From:         day,
		To:           day.AddDate(0, 0, 1),
		Now:          day.AddDate(0, 0, 1).Add(13 * hour), // 13:00 the next day
		ContactGap:   30 * minute,
		ReopenWindow: 24 * hour,
	}
	got, err := report.Load(t.Context(), store, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	// twelve is the denominator of every contact share: the day's
	// contacts are confirmed (08:00), assumed (08:10), returned's first
	// (08:20), clarified (09:00), unanswered (09:10), nomatch (09:20),
	// human's first (09:30), complaint (09:40), english (10:00),
	// returned's second (12:00), human's second (16:00) and pending
	// (23:00). "before" started the day before, "after" the day after.
	const twelve = 12
	want := &report.Report{
		From:         opts.From,
		To:           opts.To,
		Now:          opts.Now,
		ContactGap:   30 * minute,
		ReopenWindow: 24 * hour,
		Since:        day.Add(-10 * minute), // "before" wrote first, at 23:50 the day before
		Contacts: report.Contacts{
			Total: twelve,
			// nomatch, human twice, complaint, and returned's second.
			Escalated: report.Ratio{Num: 5, Den: twelve},
			// confirmed, clarified and english said yes.
			Confirmed: report.Ratio{Num: 3, Den: twelve},
			// assumed: answered at 08:10, the contact ended at 08:40,
			// and 24 hours later (before now) it had not come back.
			Assumed: report.Ratio{Num: 1, Den: twelve},
			// returned's first: answered at 08:20, back at 12:00.
			Returned: report.Ratio{Num: 1, Den: twelve},
			// unanswered: a clarification question only.
			Unanswered: report.Ratio{Num: 1, Den: twelve},
			// pending: answered at 23:00; its window runs to 23:30 the
			// next day, after now.
			Pending: report.Ratio{Num: 1, Den: twelve},
			// no incident was told of.
			Incident: report.Ratio{Den: twelve},
			// confirmed 3 + assumed 1.
			Deflected: report.Ratio{Num: 4, Den: twelve},
			// every contact but nomatch, human's two and unanswered: the
			// complaint and returned's second were answered before they
			// were escalated.
			Answered: report.Ratio{Num: 8, Den: twelve},
			Reasons: []report.ReasonRatio{
				{Reason: dialog.ReasonNoMatch, Ratio: report.Ratio{Num: 1, Den: twelve}},     // nomatch
				{Reason: dialog.ReasonCustomerAsk, Ratio: report.Ratio{Num: 2, Den: twelve}}, // human, twice
				{Reason: dialog.ReasonIntent, Ratio: report.Ratio{Num: 1, Den: twelve}},      // complaint
				{Reason: dialog.ReasonNotHelpful, Ratio: report.Ratio{Num: 1, Den: twelve}},  // returned's second
			},
			// Asked of clarified (picked) and of unanswered (not).
			Clarified: report.Ratio{Num: 1, Den: 2},
			// Customer messages: confirmed 2, assumed 1, returned 1+2,
			// clarified 3, unanswered 1, nomatch 3 (with the rating),
			// human 2 (with the rating) + 1, complaint 1, english 2,
			// pending 1.
			MessagesIn: 2 + 1 + 1 + 2 + 3 + 1 + 3 + 2 + 1 + 1 + 2 + 1,
			// Bot: confirmed 3 (answer, did it help, thanks), assumed 1,
			// returned 2 (answer, did it help) + 3 (answer, did it help,
			// escalated), clarified 4 (which, answer, did it help,
			// thanks), unanswered 1, nomatch 3 (rephrase, escalated,
			// thanks for the rating), human 2 (escalated, thanks) + 1
			// (escalated), complaint 2 (answer, escalated), english 3,
			// pending 1.
			BotMessages: 3 + 1 + 2 + 3 + 4 + 1 + 3 + 2 + 1 + 2 + 3 + 1,
			// One reply each to complaint, nomatch, returned and human.
			AgentMessages: 4,
			// Agent joined: nomatch, human (twice: ivan, boris),
			// complaint, returned = 5; closed and rate us: nomatch,
			// human, complaint = 6; human's transfer to the second line
			// = 1.
			SystemMessages: 5 + 6 + 1,
		},
		Intents: []report.Intent{
			// confirmed, english, returned's second (then "no").
			{Intent: "reset_password", Contacts: 3, Answered: 3, Helpful: report.Ratio{Num: 2, Den: 3}, EscalatedAfter: report.Ratio{Num: 1, Den: 3}},
			// assumed and pending; no feedback asked.
			{Intent: "opening_hours", Contacts: 2, Answered: 2, EscalatedAfter: report.Ratio{Num: 0, Den: 2}},
			// complaint: answered, then escalated by the intent.
			{Intent: "complaint", Contacts: 1, Answered: 1, EscalatedAfter: report.Ratio{Num: 1, Den: 1}},
			// returned's first: never said whether it helped.
			{Intent: "pay_bill", Contacts: 1, Answered: 1, EscalatedAfter: report.Ratio{Num: 0, Den: 1}},
			// clarified: picked, answered, "yes".
			{Intent: "setup_router", Contacts: 1, Answered: 1, Helpful: report.Ratio{Num: 1, Den: 1}, EscalatedAfter: report.Ratio{Num: 0, Den: 1}},
		},
		// Five escalations: FL-1 09:21, FL-2 09:30, FL-3 09:40, FL-4
		// 12:01, FL-2 again 16:00.
		Tickets: report.Tickets{
			Tickets: 5,
			Created: 4,
			Reopens: 1,
			Closed:  3, // FL-1 11:00, FL-2 15:00, FL-3 18:00
			// FL-3 40m, FL-4 59m, FL-1 69m, FL-2 4h30m: ranks 2 and ⌈3.6⌉ = 4.
			FirstResponse: report.Durations{Count: 4, Median: 59 * minute, P90: 4*hour + 30*minute},
			// FL-1 1h39m, FL-2 5h30m, FL-3 8h20m: ranks ⌈1.5⌉ = 2 and ⌈2.7⌉ = 3.
			Resolution: report.Durations{Count: 3, Median: 5*hour + 30*minute, P90: 8*hour + 20*minute},
			// FL-2 replied 14:00 (due 13:30); FL-2 again has no reply
			// and was due at 20:00.
			FirstResponseBreached: report.Ratio{Num: 2, Den: 5},
			// FL-3 closed 18:00 (due 17:40); FL-4 open past 12:01 the
			// next day.
			ResolutionBreached: report.Ratio{Num: 2, Den: 5},
			// FL-2, of the three closed.
			Reopened: report.Ratio{Num: 1, Den: 3},
			CSAT:     report.Mean{Sum: 5 + 2, Count: 2}, // FL-1 5, FL-2 2
			Rated:    report.Ratio{Num: 2, Den: 3},
			Ratings:  [5]int{0, 1, 0, 0, 1},
		},
		Agents: []report.Tickets{
			{ // FL-2: ivan replied, boris closed
				Name: "boris", Tickets: 1, Created: 1, Closed: 1,
				FirstResponse:         report.Durations{Count: 1, Median: 4*hour + 30*minute, P90: 4*hour + 30*minute},
				Resolution:            report.Durations{Count: 1, Median: 5*hour + 30*minute, P90: 5*hour + 30*minute},
				FirstResponseBreached: report.Ratio{Num: 1, Den: 1},
				ResolutionBreached:    report.Ratio{Num: 0, Den: 1},
				Reopened:              report.Ratio{Num: 1, Den: 1},
				CSAT:                  report.Mean{Sum: 2, Count: 1},
				Rated:                 report.Ratio{Num: 1, Den: 1},
				Ratings:               [5]int{0, 1, 0, 0, 0},
			},
			{ // FL-4, open
				Name: "ivan", Tickets: 1, Created: 1,
				FirstResponse:         report.Durations{Count: 1, Median: 59 * minute, P90: 59 * minute},
				FirstResponseBreached: report.Ratio{Num: 0, Den: 1},
				ResolutionBreached:    report.Ratio{Num: 1, Den: 1},
			},
			{ // FL-1 and FL-3
				Name: "olga", Tickets: 2, Created: 2, Closed: 2,
				FirstResponse:         report.Durations{Count: 2, Median: 40 * minute, P90: 69 * minute}, // ranks 1 and 2
				Resolution:            report.Durations{Count: 2, Median: 99 * minute, P90: 8*hour + 20*minute},
				FirstResponseBreached: report.Ratio{Num: 0, Den: 2},
				ResolutionBreached:    report.Ratio{Num: 1, Den: 2}, // FL-3
				Reopened:              report.Ratio{Num: 0, Den: 2},
				CSAT:                  report.Mean{Sum: 5, Count: 1},
				Rated:                 report.Ratio{Num: 1, Den: 2},
				Ratings:               [5]int{0, 0, 0, 0, 1},
			},
			{ // FL-2 reopened, nobody's yet
				Name: "", Tickets: 1, Reopens: 1,
				FirstResponseBreached: report.Ratio{Num: 1, Den: 1},
				ResolutionBreached:    report.Ratio{Num: 0, Den: 1},
			},
		},
		Queues: []report.Tickets{
			{ // FL-1 and FL-4
				Name: "first_line", Tickets: 2, Created: 2, Closed: 1,
				FirstResponse:         report.Durations{Count: 2, Median: 59 * minute, P90: 69 * minute},
				Resolution:            report.Durations{Count: 1, Median: 99 * minute, P90: 99 * minute},
				FirstResponseBreached: report.Ratio{Num: 0, Den: 2},
				ResolutionBreached:    report.Ratio{Num: 1, Den: 2}, // FL-4
				Reopened:              report.Ratio{Num: 0, Den: 1},
				CSAT:                  report.Mean{Sum: 5, Count: 1},
				Rated:                 report.Ratio{Num: 1, Den: 1},
				Ratings:               [5]int{0, 0, 0, 0, 1},
			},
			{ // FL-2 (transferred here), FL-3, FL-2 reopened
				Name: "second_line", Tickets: 3, Created: 2, Reopens: 1, Closed: 2,
				FirstResponse:         report.Durations{Count: 2, Median: 40 * minute, P90: 4*hour + 30*minute},
				Resolution:            report.Durations{Count: 2, Median: 5*hour + 30*minute, P90: 8*hour + 20*minute},
				FirstResponseBreached: report.Ratio{Num: 2, Den: 3}, // FL-2 twice
				ResolutionBreached:    report.Ratio{Num: 1, Den: 3}, // FL-3
				Reopened:              report.Ratio{Num: 1, Den: 2}, // FL-2
				CSAT:                  report.Mean{Sum: 2, Count: 1},
				Rated:                 report.Ratio{Num: 1, Den: 2},
				Ratings:               [5]int{0, 1, 0, 0, 0},
			},
		},
	}
	if !reflect.DeepEqual(got, want) {
		// Say which part differs.
		diff(t, "Contacts", got.Contacts, want.Contacts)
		diff(t, "Intents", got.Intents, want.Intents)
		diff(t, "Tickets", got.Tickets, want.Tickets)
		diff(t, "Agents", got.Agents, want.Agents)
		diff(t, "Queues", got.Queues, want.Queues)
		g, w := *got, *want
		g.Contacts, g.Intents, g.Tickets, g.Agents, g.Queues = report.Contacts{}, nil, report.Tickets{}, nil, nil
		w.Contacts, w.Intents, w.Tickets, w.Agents, w.Queues = report.Contacts{}, nil, report.Tickets{}, nil, nil
		diff(t, "the rest", g, w)
	}

	// Narrowed to an agent, the contacts are those whose ticket she
	// closed (nomatch, complaint), and the tickets are her row.
	opts.Filter = report.Filter{Agent: "olga"}
	olga, err := report.Load(t.Context(), store, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c := olga.Contacts; c.Total != 2 || c.Escalated != (report.Ratio{Num: 2, Den: 2}) {
		t.Errorf("olga's contacts: %+v", c)
	}
	row := want.Agents[2]
	row.Name = ""
	if !reflect.DeepEqual(olga.Tickets, row) {
		t.Errorf("olga's tickets\n got %+v\nwant %+v", olga.Tickets, row)
	}
}

// diff reports a part of the report that differs.
func diff(t *testing.T, name string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s\n got %+v\nwant %+v", name, got, want)
	}
}

// TestAskingForAPersonInWords checks that a customer who asks for a person
// in words, with an intent marked human: true, counts as one who typed
// /human, and that an intent the bot hands over for its own reasons (a
// complaint) does not.
func TestAskingForAPersonInWords(t *testing.T) {
	store := dialogtest.Store(t, nil)
	engine := dialog.NewEngine(store, dialogtest.KB(t, "../testdata/intents"), nil, dialog.DefaultConfig, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s := dialogtest.NewScript(t, engine, day)
	s.At(0, 9, 0)
	s.Expect("webchat", "command", "/human", dialog.ReasonCustomerAsk)
	s.At(0, 9, 10)
	s.Expect("webchat", "words", "позовите оператора", dialog.ReasonCustomerAsk)
	s.At(0, 9, 20)
	s.Expect("telegram", "english", "let me talk to a person", dialog.ReasonCustomerAsk)
	s.At(0, 9, 30)
	s.Expect("webchat", "complaint", "хочу подать жалобу на качество обслуживания", dialog.ReasonIntent)

	got, err := report.Load(t.Context(), store, report.Options{
		From: day, To: day.AddDate(0, 0, 1), Now: day.AddDate(0, 0, 1),
		ContactGap: 30 * time.Minute, ReopenWindow: 24 * time.Hour,
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []report.ReasonRatio{
		{Reason: dialog.ReasonNoMatch, Ratio: report.Ratio{Num: 0, Den: 4}},
		{Reason: dialog.ReasonCustomerAsk, Ratio: report.Ratio{Num: 3, Den: 4}},
		{Reason: dialog.ReasonIntent, Ratio: report.Ratio{Num: 1, Den: 4}},
		{Reason: dialog.ReasonNotHelpful, Ratio: report.Ratio{Num: 0, Den: 4}},
	}
	if !reflect.DeepEqual(got.Contacts.Reasons, want) {
		t.Errorf("reasons = %+v, want %+v", got.Contacts.Reasons, want)
	}
}
