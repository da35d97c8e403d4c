package dialog_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// TestCollectGeneral checks that the top-level collect: is asked before
// the escalations whose intent asks nothing of its own, /human among
// them, and that the ticket keeps the escalation's reason, intent and
// queue; an intent with its own collect: asks only its own.
func TestCollectGeneral(t *testing.T) {
	h := &harness{t: t, ctx: context.Background(), events: broker.New()}
	cfg := dialog.DefaultConfig
	cfg.Queues = append(cfg.Queues, "retention")
	env := dialogtest.New(t, "testdata/collect_general", cfg, h.events, nil)
	h.engine, h.store = env.Engine, env.Store
	intro := "Передам вопрос специалисту. Чтобы он помог быстрее, ответьте, пожалуйста, на несколько вопросов.\n\n"

	for _, c := range []struct {
		chat, first, reason, intent, queue string
	}{
		{"human", "/human", dialog.ReasonCustomerAsk, "", dialog.DefaultConfig.DefaultQueue},
		{"cancel", "хочу расторгнуть договор", dialog.ReasonIntent, "cancel", "retention"},
	} {
		t.Run(c.chat, func(t *testing.T) {
			expectQuestion(t, h.send(c.chat, c.first), intro+"Номер договора?", "Пропустить", "Соедините с оператором")
			out := h.send(c.chat, "1234567")
			if out.Ticket == nil {
				t.Fatalf("replies %v, want the ticket created", texts(out.Replies))
			}
			tk := h.ticket(out.Ticket.Number)
			if want := []dialog.Field{{Name: "contract", Value: "1234567"}}; !reflect.DeepEqual(tk.Fields, want) {
				t.Errorf("fields %q, want %q", tk.Fields, want)
			}
			if tk.Reason != c.reason || tk.Intent != c.intent || tk.Queue != c.queue {
				t.Errorf("reason %q intent %q queue %q, want %q %q %q", tk.Reason, tk.Intent, tk.Queue, c.reason, c.intent, c.queue)
			}
		})
	}

	t.Run("stopped", func(t *testing.T) {
		h.send("stop", "/human")
		out := h.send("stop", "/human")
		if out.Ticket == nil || h.ticket(out.Ticket.Number).Reason != dialog.ReasonCustomerAsk {
			t.Fatalf("ticket %v, want one for the customer's request", out.Ticket)
		}
		if f := h.ticket(out.Ticket.Number).Fields; f != nil {
			t.Errorf("fields %q, want none", f)
		}
	})

	// An answer that did not help: the ticket shows what was answered,
	// though the answers to the questions came between.
	t.Run("not helpful", func(t *testing.T) {
		answered := h.send("nh", "как оплатить интернет")
		if answered.Match.Intent != "pay_bill" {
			t.Fatalf("matched %+v, want pay_bill", answered.Match)
		}
		expectQuestion(t, h.send("nh", "нет"), intro+"Номер договора?", "Пропустить", "Соедините с оператором")
		out := h.send("nh", "Пропустить")
		if out.Ticket == nil {
			t.Fatalf("replies %v, want the ticket created", texts(out.Replies))
		}
		tk := h.ticket(out.Ticket.Number)
		if tk.Reason != dialog.ReasonNotHelpful || len(tk.Candidates) != 1 || tk.Candidates[0].Intent != "pay_bill" ||
			tk.Candidates[0].Confidence != answered.Match.ConfidenceOf("pay_bill") {
			t.Errorf("reason %q candidates %+v, want not_helpful with pay_bill at %v", tk.Reason, tk.Candidates, answered.Match.ConfidenceOf("pay_bill"))
		}
	})

	t.Run("own questions", func(t *testing.T) {
		h.send("own", "не работает интернет")
		h.send("own", "1234567")
		h.send("own", "Пропустить")
		out := h.send("own", "Сегодня")
		expectTicket(t, h, out, []dialog.Field{{Name: "contract", Value: "1234567"}, {Name: "address"}, {Name: "since", Value: "Сегодня"}})
	})
}
