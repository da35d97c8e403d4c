package dialog_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/report"
	"github.com/firstline-support/firstline/kb"
)

// unsure is a message the fixture knowledge base is unsure of: the router
// or the TV.
const unsure = "как настроить"

// offerThree makes the matcher offer a third option, payment, whenever it
// would ask about unsure, as it does when three intents are close.
func offerThree(h *harness) {
	h.engine.SetMatch(func(ctx context.Context, k *kb.KB, text string) kb.Result {
		res := k.Match(ctx, text, "")
		if text == unsure && res.Decision == kb.DecisionClarify {
			res.Offer = []string{"setup_router", "setup_tv", "pay_bill"}
		}
		return res
	})
}

func TestClarifyOffersEveryOption(t *testing.T) {
	for _, c := range []struct {
		name    string
		three   bool
		text    string
		say     string
		buttons []string
	}{
		{
			name: "two in Russian", text: unsure,
			say:     "Уточните, пожалуйста, что вы имели в виду: «Настройка роутера» или «Настройка телевидения»?",
			buttons: []string{"Настройка роутера", "Настройка телевидения", "Позвать оператора"},
		},
		{
			name: "three in Russian", three: true, text: unsure,
			say:     "Уточните, пожалуйста, что вы имели в виду: «Настройка роутера», «Настройка телевидения» или «Оплата»?",
			buttons: []string{"Настройка роутера", "Настройка телевидения", "Оплата", "Позвать оператора"},
		},
		{
			name: "two in English", text: "I forgot my password and how do I pay for internet",
			say:     `Did you mean "Password reset" or "Payment"?`,
			buttons: []string{"Password reset", "Payment", "Talk to a person"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			if c.three {
				offerThree(h)
			}
			out := h.send("c", c.text)
			if out.Match.Decision != kb.DecisionClarify {
				t.Fatalf("decision %s (%v), want clarify", out.Match.Decision, out.Match.Candidates)
			}
			if len(out.Replies) != 1 || out.Replies[0].Text != c.say || !slices.Equal(out.Replies[0].Buttons, c.buttons) {
				t.Fatalf("replies %+v, want %q with buttons %q", out.Replies, c.say, c.buttons)
			}
			if out.Conversation.Pending != dialog.PendingClarify || !slices.Equal(out.Conversation.PendingOptions, out.Match.Offer) {
				t.Errorf("pending %q %v, want clarify with the options %v", out.Conversation.Pending,
					out.Conversation.PendingOptions, out.Match.Offer)
			}
			want := "clarify_asked intent=" + out.Match.Offer[0] + " options=" + strings.Join(out.Match.Offer, ",")
			if log := h.activityLog("c"); !slices.Contains(log, want) {
				t.Errorf("activity %q lacks %q", log, want)
			}
		})
	}
}

// TestClarifyPick checks every way of picking an option: its button's
// title in either language and whatever its case, or its number.
func TestClarifyPick(t *testing.T) {
	for _, c := range []struct {
		pick, intent, answer string
	}{
		{"Настройка телевидения", "setup_tv", "Инструкция по настройке ТВ"},
		// Typed in English, the pick is answered in English.
		{"router setup", "setup_router", "Router setup guide"},
		{"2", "setup_tv", "Инструкция по настройке ТВ"},
		{"3", "pay_bill", "Оплатить можно картой"},
		{"оплата", "pay_bill", "Оплатить можно картой"},
	} {
		t.Run(c.pick, func(t *testing.T) {
			h := newHarness(t)
			offerThree(h)
			h.send("c", unsure)
			out := h.send("c", c.pick)
			h.expect(out, dialog.StateBot, c.answer)
			if out.Replies[0].Intent != c.intent || out.Ticket != nil {
				t.Errorf("answered %q, ticket %v; want %s and no ticket", out.Replies[0].Intent, out.Ticket, c.intent)
			}
			if log := h.activityLog("c"); !slices.Contains(log, "clarify_answered intent="+c.intent) {
				t.Errorf("activity %q lacks the pick", log)
			}
			r := h.report()
			if r.Contacts.Clarified != (report.Ratio{Num: 1, Den: 1}) {
				t.Errorf("clarified %+v, want 1 of 1", r.Contacts.Clarified)
			}
		})
	}
}

// TestClarifyTalkToPerson checks that the last button hands the customer
// to a person with the options offered on the ticket, counted as the
// customer's asking for one and not as a question answered by a pick.
func TestClarifyTalkToPerson(t *testing.T) {
	for _, pick := range []string{"Позвать оператора", "talk to a person", "4"} {
		t.Run(pick, func(t *testing.T) {
			h := newHarness(t)
			offerThree(h)
			asked := h.send("c", unsure)
			out := h.send("c", pick)
			if out.Ticket == nil {
				t.Fatalf("no ticket; replies %+v", out.Replies)
			}
			h.expect(out, dialog.StateQueued, out.Ticket.Number)
			if out.Ticket.Reason != dialog.ReasonCustomerAsk || out.Ticket.Intent != "" {
				t.Fatalf("ticket %+v, want one the customer asked for, without an intent", out.Ticket)
			}
			var ids []string
			for i, c := range out.Ticket.Candidates {
				ids = append(ids, c.Intent)
				if want := asked.Match.ConfidenceOf(c.Intent); c.Confidence != want {
					t.Errorf("candidate %d %s: confidence %v, want the matcher's %v", i, c.Intent, c.Confidence, want)
				}
			}
			if want := []string{"setup_router", "setup_tv", "pay_bill"}; !slices.Equal(ids, want) {
				t.Errorf("ticket candidates %v, want the options offered %v", ids, want)
			}
			msgs, err := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: out.Conversation.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) < 4 || msgs[0].Text != unsure || msgs[0].TicketID != 0 {
				t.Errorf("transcript %+v, want the question before the ticket", msgs)
			}
			log := h.activityLog("c")
			if slices.ContainsFunc(log, func(l string) bool { return strings.HasPrefix(l, "clarify_answered") }) {
				t.Errorf("activity %q: a person counted as a pick", log)
			}
			r := h.report()
			if r.Contacts.Clarified != (report.Ratio{Num: 0, Den: 1}) || r.Contacts.Escalated.Num != 1 {
				t.Errorf("clarified %+v, escalated %+v; want 0 of 1 and the contact escalated", r.Contacts.Clarified, r.Contacts.Escalated)
			}
			for _, rr := range r.Contacts.Reasons {
				if want := map[string]int{dialog.ReasonCustomerAsk: 1}[rr.Reason]; rr.Ratio.Num != want {
					t.Errorf("escalations for %s: %d, want %d", rr.Reason, rr.Ratio.Num, want)
				}
			}
		})
	}
}

// TestClarifyOtherText checks that a message that picks nothing is a new
// question, and leaves the clarification unanswered.
func TestClarifyOtherText(t *testing.T) {
	h := newHarness(t)
	offerThree(h)
	h.send("c", unsure)
	for _, text := range []string{"5"} {
		out := h.send("c", text)
		if out.Conversation.Pending == dialog.PendingClarify || out.Ticket != nil {
			t.Errorf("%q: pending %q ticket %v; want it read as a new message", text, out.Conversation.Pending, out.Ticket)
		}
	}
	h.send("d", unsure)
	out := h.send("d", "забыл пароль")
	h.expect(out, dialog.StateBot, "сбросить пароль")
	if r := h.report(); r.Contacts.Clarified != (report.Ratio{Num: 0, Den: 2}) {
		t.Errorf("clarified %+v, want 0 of 2", r.Contacts.Clarified)
	}
}

// TestClarifyMixed checks that a message about two things offers both,
// and a person, and that a pick answers it.
func TestClarifyMixed(t *testing.T) {
	h := newHarness(t)
	out := h.send("c", "настроить роутер и настроить телевидение")
	if !out.Match.Mixed || out.Conversation.Pending != dialog.PendingClarify {
		t.Fatalf("mixed %v pending %q, want a question about two things", out.Match.Mixed, out.Conversation.Pending)
	}
	buttons := out.Replies[0].Buttons
	if len(buttons) != 3 || !slices.Contains(buttons, "Настройка роутера") || !slices.Contains(buttons, "Настройка телевидения") ||
		buttons[2] != "Позвать оператора" {
		t.Fatalf("buttons %q, want both intents and a person", buttons)
	}
	out = h.send("c", "Настройка роутера")
	h.expect(out, dialog.StateBot, "Инструкция по настройке роутера",
		"Вы также спрашивали про «Настройка телевидения»:\n\nИнструкция по настройке ТВ", "Это помогло?")
	if len(out.Replies) != 3 || out.Replies[0].Intent != "setup_router" || out.Replies[1].Intent != "setup_tv" {
		t.Fatalf("replies %+v, want the router, then the TV, then did it help", out.Replies)
	}
}

// TestClarifyTwoQuestions checks that once the customer picks one of two
// things a message asked, the other is answered next, either way round,
// and that "did this help?" then counts for both.
func TestClarifyTwoQuestions(t *testing.T) {
	for _, c := range []struct {
		name, text, pick string
		first, other     string
		intro            string
		helped           string
		rated            []string // the intents "did this help?" is about
	}{
		{"first picked", "забыл пароль и как оплатить интернет", "Сброс пароля", "reset_password", "pay_bill",
			"Вы также спрашивали про «Оплата»:", "да", []string{"reset_password", "pay_bill"}},
		{"second picked", "забыл пароль и как оплатить интернет", "2", "pay_bill", "reset_password",
			"Вы также спрашивали про «Сброс пароля»:", "нет", []string{"pay_bill", "reset_password"}},
		{"in English", "I forgot my password. Also when is your office open?", "Password reset", "reset_password", "opening_hours",
			`You also asked about "Opening hours":`, "yes", []string{"reset_password"}}, // opening_hours has feedback: false
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			asked := h.send("c", c.text)
			if !asked.Match.Mixed || asked.Conversation.Pending != dialog.PendingClarify {
				t.Fatalf("%q: decision %s mixed %v; want a question about two things", c.text, asked.Match.Decision, asked.Match.Mixed)
			}
			out := h.send("c", c.pick)
			var intents []string
			for _, r := range out.Replies {
				intents = append(intents, r.Intent)
			}
			if !slices.Equal(intents, []string{c.first, c.other, ""}) || !strings.HasPrefix(out.Replies[1].Text, c.intro+"\n\n") {
				t.Fatalf("replies %+v, want %s, then %s after %q, then did it help", out.Replies, c.first, c.other, c.intro)
			}
			if !slices.Equal(out.Conversation.PendingOptions, c.rated) {
				t.Errorf("pending %q %v, want feedback about %v", out.Conversation.Pending, out.Conversation.PendingOptions, c.rated)
			}
			log := h.activityLog("c")
			for _, want := range []string{"clarify_answered intent=" + c.first, "answered intent=" + c.first, "answered intent=" + c.other} {
				if !slices.Contains(log, want) {
					t.Errorf("activity %q lacks %q", log, want)
				}
			}
			out = h.send("c", c.helped)
			r := h.report()
			helped := c.helped != "нет"
			for _, id := range []string{c.first, c.other} {
				i := slices.IndexFunc(r.Intents, func(in report.Intent) bool { return in.Intent == id })
				want := report.Ratio{}
				if slices.Contains(c.rated, id) {
					want.Den = 1
				}
				if helped {
					want.Num = want.Den
				}
				if i < 0 || r.Intents[i].Helpful != want {
					t.Errorf("report intents %+v: %s helpful, want %+v", r.Intents, id, want)
				}
			}
			if !helped {
				if out.Ticket == nil || len(out.Ticket.Candidates) != 2 || out.Ticket.Candidates[1].Intent != c.other {
					t.Errorf("ticket %+v, want both answers tried among the candidates", out.Ticket)
				}
			}
		})
	}
}

// TestClarifyOneQuestion checks that a message that was only unclear gets
// the one answer picked, nothing more.
func TestClarifyOneQuestion(t *testing.T) {
	h := newHarness(t)
	offerThree(h)
	asked := h.send("c", unsure)
	if asked.Match.Mixed {
		t.Fatalf("%q read as two questions", unsure)
	}
	out := h.send("c", "Настройка роутера")
	if len(out.Replies) != 2 || out.Replies[0].Intent != "setup_router" || out.Replies[1].Intent != "" {
		t.Errorf("replies %+v, want the router's answer and did it help", out.Replies)
	}
}

// report is the figures of everything said so far.
func (h *harness) report() *report.Report {
	h.t.Helper()
	now := h.engine.Now()
	r, err := report.Load(h.ctx, h.store, report.Options{
		From: now.Add(-time.Hour), To: now.Add(time.Hour), Now: now.Add(time.Hour),
		ContactGap: 30 * time.Minute, ReopenWindow: 24 * time.Hour,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}
