package dialog_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// activityLog lists the analytics events of a chat's conversation, one
// line each: the kind, then the fields the kind uses.
func (h *harness) activityLog(chat string) []string {
	h.t.Helper()
	conv, err := h.store.ConversationByChat(h.ctx, "test", chat)
	if err != nil {
		h.t.Fatal(err)
	}
	list, err := h.store.Activities(h.ctx, dialog.ActivityFilter{})
	if err != nil {
		h.t.Fatal(err)
	}
	var lines []string
	for _, a := range list {
		if a.ConversationID != conv.ID {
			continue
		}
		if a.Channel != "test" || a.Lang == "" {
			h.t.Errorf("event %d: channel %q, lang %q", a.ID, a.Channel, a.Lang)
		}
		// What a customer's turn records points at the customer's message.
		if a.MessageID != 0 {
			m, err := h.store.Message(h.ctx, a.MessageID)
			if err != nil || m.Author != dialog.AuthorCustomer || m.ConversationID != conv.ID {
				h.t.Errorf("event %d (%s): message %d is %+v, %v; want the customer's", a.ID, a.Kind, a.MessageID, m, err)
			}
		} else if a.Kind == dialog.ActivityMessageIn || a.Kind == dialog.ActivityAnswered || a.Kind == dialog.ActivityClarifyAsked {
			h.t.Errorf("event %d (%s) has no message", a.ID, a.Kind)
		}
		line := []string{string(a.Kind)}
		field := func(name string, v any, set bool) {
			if set {
				line = append(line, fmt.Sprintf("%s=%v", name, v))
			}
		}
		field("ticket", a.TicketID, a.TicketID != 0)
		field("author", a.Author, a.Author != "")
		field("agent", a.Agent, a.Agent != "")
		field("intent", a.Intent, a.Intent != "")
		field("options", strings.Join(a.Options, ","), len(a.Options) > 0)
		field("reason", a.Reason, a.Reason != "")
		field("from", a.FromQueue, a.FromQueue != "")
		field("queue", a.Queue, a.Queue != "")
		field("priority", a.Priority, a.Priority != "")
		field("value", a.Value, a.Value != 0)
		lines = append(lines, strings.Join(line, " "))
	}
	return lines
}

// checkLog compares an activity log with the wanted lines.
func checkLog(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got\n\t%s\nwant\n\t%s", what, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func TestActivityOfBotTurns(t *testing.T) {
	for _, c := range []struct {
		name  string
		texts []string
		want  []string
	}{
		{"answered and helpful", []string{"забыл пароль", "да"}, []string{
			"message_in",
			"message_out author=bot",
			"answered intent=reset_password",
			"message_out author=bot", // did this help?
			"message_in",
			"feedback intent=reset_password value=1",
			"message_out author=bot",
		}},
		{"answered without feedback", []string{"когда работает ваш офис?"}, []string{
			"message_in",
			"message_out author=bot",
			"answered intent=opening_hours",
		}},
		{"clarified, then picked", []string{"как настроить", "Настройка роутера"}, []string{
			"message_in",
			"message_out author=bot",
			"clarify_asked intent=setup_router options=setup_router,setup_tv",
			"message_in",
			"clarify_answered intent=setup_router",
			"message_out author=bot",
			"answered intent=setup_router",
			"message_out author=bot",
		}},
		{"rephrase, and the customer left", []string{"ывапролджэ фывапр"}, []string{
			"message_in",
			"message_out author=bot",
			"rephrase_asked intent=pay_bill", // the matcher's guess, unconfident
		}},
		{"rephrase, then no match", []string{"ывапролджэ фывапр", "йцукенгшщз"}, []string{
			"message_in",
			"message_out author=bot",
			"rephrase_asked intent=pay_bill",
			"message_in",
			"escalated ticket=1 reason=no_match queue=first_line priority=normal",
			"message_out ticket=1 author=bot",
		}},
		{"an escalating intent with an answer", []string{"хочу подать жалобу на качество обслуживания"}, []string{
			"message_in",
			"message_out author=bot",
			"answered intent=complaint",
			"escalated ticket=1 intent=complaint reason=intent queue=second_line priority=high",
			"message_out ticket=1 author=bot",
		}},
		{"not helpful", []string{"забыл пароль", "нет"}, []string{
			"message_in",
			"message_out author=bot",
			"answered intent=reset_password",
			"message_out author=bot",
			"message_in",
			"feedback intent=reset_password",
			"escalated ticket=1 intent=reset_password reason=not_helpful queue=first_line priority=normal",
			"message_out ticket=1 author=bot",
		}},
		{"a command and an acknowledgement while queued", []string{"/human", "алло?", "есть кто?"}, []string{
			"message_in",
			"escalated ticket=1 reason=customer_ask queue=first_line priority=normal",
			"message_out ticket=1 author=bot",
			"message_in ticket=1",
			"message_out ticket=1 author=bot", // added to the ticket
			"message_in ticket=1",             // the same burst: nothing
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			for _, text := range c.texts {
				h.send("c", text)
			}
			checkLog(t, "events", h.activityLog("c"), c.want)
		})
	}
}

// TestActivityOfATicket follows a ticket from escalation through the
// agents' actions, the rating, and a reopen, on a clock the test moves:
// events carry the engine's time and the ticket's deadlines.
func TestActivityOfATicket(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) {
		c.AutoAssign = true
		c.OnlineWithin = 24 * time.Hour // Olga stays online while the clock moves
	})
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h.engine.SetClock(func() time.Time { return clock })
	h.addAgent("Olga", dialog.RoleAgent, clock)

	tk := h.send("c", "/human").Ticket // auto-assigned to Olga, the only agent online
	if tk.Assignee != "Olga" || !tk.FirstResponseDue.Equal(clock.Add(4*time.Hour)) {
		t.Fatalf("ticket = %+v, want Olga's, first response due at 13:00", tk)
	}
	a := act(tk.Number, "Olga")
	clock = clock.Add(10 * time.Minute)
	if _, err := h.engine.Reply(h.ctx, a, "Смотрю"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Reply(h.ctx, a, "Ещё минуту"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Note(h.ctx, a, "это не видно клиенту"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Transfer(h.ctx, a, "second_line", "нужен инженер"); err != nil { // Olga works every queue: back to her
		t.Fatal(err)
	}
	if _, err := h.engine.Close(h.ctx, act(tk.Number, "Boss")); err != nil {
		t.Fatal(err)
	}
	h.send("c", "5")
	clock = clock.Add(time.Hour)
	h.send("c", "/human") // within the reopen window: the same ticket

	checkLog(t, "events", h.activityLog("c"), []string{
		"message_in",
		"escalated ticket=1 reason=customer_ask queue=first_line priority=normal",
		"message_out ticket=1 author=bot",
		"assigned ticket=1 agent=Olga queue=first_line",
		"message_out ticket=1 author=system",
		"first_response ticket=1 agent=Olga queue=first_line",
		"message_out ticket=1 author=agent agent=Olga",
		"message_out ticket=1 author=agent agent=Olga",
		"transferred ticket=1 agent=Olga from=first_line queue=second_line",
		"message_out ticket=1 author=system", // the customer is told where the ticket went
		"assigned ticket=1 agent=Olga queue=second_line",
		"message_out ticket=1 author=system",
		"closed ticket=1 agent=Olga queue=second_line", // the assignee, not who pressed close
		"message_out ticket=1 author=system",
		"message_out ticket=1 author=system",
		"message_in ticket=1", // the rating stays with the closed ticket
		"csat ticket=1 value=5",
		"message_out author=bot",
		"message_in",
		"escalated ticket=1 reason=customer_ask queue=second_line priority=normal",
		"reopened ticket=1 queue=second_line",
		"message_out ticket=1 author=bot",
		"assigned ticket=1 agent=Olga queue=second_line",
		"message_out ticket=1 author=system",
	})

	list, err := h.store.Activities(h.ctx, dialog.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, ev := range list {
		var want time.Time
		switch {
		case ev.ID <= 5:
			want = start
		case ev.ID <= 18:
			want = start.Add(10 * time.Minute)
		default:
			want = start.Add(70 * time.Minute)
		}
		if !ev.At.Equal(want) {
			t.Errorf("%s (%d) at %s, want %s", ev.Kind, ev.ID, ev.At, want)
		}
		if ev.Kind == dialog.ActivityEscalated &&
			(!ev.FirstResponseDue.Equal(ev.At.Add(4*time.Hour)) || !ev.ResolutionDue.Equal(ev.At.Add(24*time.Hour))) {
			t.Errorf("escalated at %s: deadlines %s and %s, want the normal priority's", ev.At, ev.FirstResponseDue, ev.ResolutionDue)
		}
	}
	msgs, err := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: tk.ConversationID})
	if err != nil {
		t.Fatal(err)
	}
	if last := msgs[len(msgs)-1]; !last.CreatedAt.Equal(start.Add(70 * time.Minute)) {
		t.Errorf("last message written at %s, want the engine's time", last.CreatedAt)
	}
}

// TestActivityOnceForADuplicate: a message delivered twice is recorded
// once, like the message itself.
func TestActivityOnceForADuplicate(t *testing.T) {
	h := newHarness(t)
	in := dialog.Inbound{Channel: "test", ChatID: "c", ExternalID: "same", Text: "забыл пароль"}
	for range 2 {
		if _, err := h.engine.Handle(h.ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	checkLog(t, "events", h.activityLog("c"), []string{
		"message_in",
		"message_out author=bot",
		"answered intent=reset_password",
		"message_out author=bot",
	})
}

// TestActivityRolledBackWithItsTurn: an agent action that fails records
// nothing.
func TestActivityRolledBackWithItsTurn(t *testing.T) {
	h := newHarness(t)
	tk := h.send("c", "/human").Ticket
	before := h.activityLog("c")
	if _, err := h.engine.Take(h.ctx, act(tk.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Take(h.ctx, act(tk.Number, "Ivan")); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Fatalf("take a taken ticket: %v", err)
	}
	if _, err := h.engine.Transfer(h.ctx, act(tk.Number, "Olga"), "first_line", ""); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Fatalf("transfer to the same queue: %v", err)
	}
	checkLog(t, "events", h.activityLog("c"), append(before,
		"assigned ticket=1 agent=Olga queue=first_line",
		"message_out ticket=1 author=system",
	))
}
