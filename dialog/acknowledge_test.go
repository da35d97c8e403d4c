package dialog_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// TestAcknowledgeWhileQueued checks that what a customer waiting for a
// person adds is acknowledged once per burst, with the time left to the
// first reply the SLA sets (4 hours for the default, normal, priority),
// rounded up, and without one once the deadline has passed.
func TestAcknowledgeWhileQueued(t *testing.T) {
	h := newHarness(t)
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	clock := start
	h.engine.SetClock(func() time.Time { return clock })
	esc := h.send("a", "/human")
	number := esc.Ticket.Number

	for _, step := range []struct {
		after time.Duration // since the escalation
		text  string
		want  string // the acknowledgement; "" for none
	}{
		{time.Minute, "номер договора 123", "Добавил это к обращению " + number + ". По нашим срокам специалист ответит в течение 4 часов."},
		{2 * time.Minute, "адрес Ленина 1", ""}, // the same burst
		{5*time.Minute + 59*time.Second, "и ещё", ""},
		{6 * time.Minute, "вы тут?", "Добавил это к обращению " + number + ". По нашим срокам специалист ответит в течение 4 часов."},
		{3*time.Hour + 1*time.Minute, "жду", "Добавил это к обращению " + number + ". По нашим срокам специалист ответит в течение 59 минут."},
		{3*time.Hour + 59*time.Minute, "ещё жду", "Добавил это к обращению " + number + ". По нашим срокам специалист ответит в течение 1 минуты."},
		{4*time.Hour + 5*time.Minute, "ну где же", "Добавил это к обращению " + number + "."}, // due: nothing left to promise
		{4*time.Hour + 11*time.Minute, "I am still waiting", "Added to ticket " + number + "."},
	} {
		clock = start.Add(step.after)
		out := h.send("a", step.text)
		var got string
		if len(out.Replies) == 1 {
			got = out.Replies[0].Text
		}
		if len(out.Replies) > 1 || got != step.want {
			t.Errorf("%v %q: replies %+v, want %q", step.after, step.text, out.Replies, step.want)
			continue
		}
		if step.want != "" && (out.Replies[0].TicketID != esc.Ticket.ID || out.Replies[0].Author != dialog.AuthorBot) {
			t.Errorf("%v: acknowledgement %+v, want the bot's, on the ticket", step.after, out.Replies[0])
		}
		if out.Conversation.State != dialog.StateQueued {
			t.Errorf("%v: state %s, want queued", step.after, out.Conversation.State)
		}
	}

	// With an agent in the chat the bot says nothing.
	if _, err := h.engine.Take(h.ctx, dialog.TicketAction{Number: number, Agent: "Olga"}); err != nil {
		t.Fatal(err)
	}
	clock = start.Add(6 * time.Hour)
	if out := h.send("a", "здравствуйте"); len(out.Replies) != 0 {
		t.Errorf("with an agent: replies %+v, want none", out.Replies)
	}
}

// TestAcknowledgeWaitInEnglish checks the time left as told in English,
// and for a ticket escalated afresh, which starts a new burst.
func TestAcknowledgeWaitInEnglish(t *testing.T) {
	h := newHarness(t)
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	clock := start
	h.engine.SetClock(func() time.Time { return clock })
	esc := h.send("b", "let me talk to a person")
	if esc.Ticket == nil {
		t.Fatalf("no ticket: %+v", esc.Replies)
	}
	clock = start.Add(3*time.Hour + 30*time.Second)
	h.expect(h.send("b", "my contract is 123"), dialog.StateQueued,
		"Added to ticket "+esc.Ticket.Number+". By our service terms an agent is due to answer within 1 hour.")
	clock = start.Add(3*time.Hour + time.Minute)
	h.expect(h.send("b", "my contract is 123"), dialog.StateQueued) // same burst
	if _, err := h.engine.Close(h.ctx, dialog.TicketAction{Number: esc.Ticket.Number, Agent: "Olga"}); err != nil {
		t.Fatal(err)
	}
	// Escalated again within the burst of the last acknowledgement: what
	// the customer adds to the reopened ticket is news.
	clock = start.Add(3*time.Hour + 2*time.Minute)
	h.send("b", "/human")
	clock = start.Add(3*time.Hour + 3*time.Minute)
	out := h.send("b", "it is me again")
	h.expect(out, dialog.StateQueued, "Added to ticket "+esc.Ticket.Number+". By our service terms an agent is due to answer within 4 hours.")
}

// TestAcknowledgeAcrossReplicas checks that a burst is acknowledged once
// whichever replica handles each message: when the last acknowledgement
// was is in the store.
func TestAcknowledgeAcrossReplicas(t *testing.T) {
	h := newHarness(t)
	other := dialog.NewEngine(h.store, dialogtest.KB(t, "testdata/intents"), nil, dialog.DefaultConfig, slog.New(slog.NewTextHandler(io.Discard, nil)))
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	clock := start
	h.engine.SetClock(func() time.Time { return clock })
	other.SetClock(func() time.Time { return clock })
	h.send("c", "/human")
	clock = start.Add(time.Minute)
	if out := h.send("c", "first"); len(out.Replies) != 1 {
		t.Fatalf("first: replies %+v, want an acknowledgement", out.Replies)
	}
	clock = start.Add(2 * time.Minute)
	out, err := other.Handle(h.ctx, dialog.Inbound{Channel: "test", ChatID: "c", ExternalID: "other-1", Text: "second"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Replies) != 0 {
		t.Errorf("second, on the other replica: replies %+v, want none", out.Replies)
	}
}

// TestAcknowledgeOff checks that acknowledge_every 0 acknowledges nothing.
func TestAcknowledgeOff(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) { c.AcknowledgeEvery = 0 })
	h.send("d", "/human")
	if out := h.send("d", "anything"); len(out.Replies) != 0 {
		t.Errorf("replies %+v, want none", out.Replies)
	}
}

// TestDemoPromisesTheSLA checks that the demo knowledge base tells a
// customer handed to a person the time its SLA sets, and none when the
// SLA sets none.
func TestDemoPromisesTheSLA(t *testing.T) {
	for _, c := range []struct {
		name string
		sla  map[string]dialog.SLA
		want string
	}{
		{"default", dialog.DefaultConfig.SLA, "Ответим прямо в этом чате в течение 4 часов, повторять ничего не нужно."},
		{"an hour", map[string]dialog.SLA{"normal": {FirstResponse: time.Hour}}, "Ответим прямо в этом чате в течение 1 часа, повторять ничего не нужно."},
		{"none", nil, "Ответим прямо в этом чате, повторять ничего не нужно."},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := dialog.DefaultConfig
			cfg.SLA = c.sla
			env := dialogtest.New(t, "../configs/intents", cfg, nil, nil)
			out, err := env.Engine.Handle(t.Context(), dialog.Inbound{Channel: "test", ChatID: "x", Text: "/human"})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Replies) != 1 || !strings.HasSuffix(out.Replies[0].Text, c.want) {
				t.Errorf("replies %+v, want one ending %q", out.Replies, c.want)
			}
		})
	}
}
