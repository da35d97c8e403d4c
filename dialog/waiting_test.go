package dialog_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/report"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
)

// waitingConfig reminds after two days and closes three days later.
func waitingConfig(c *dialog.Config) {
	c.PushChannels = []string{"test"}
	c.LateNoticeBefore = 0
	c.WaitingRemindAfter = 48 * time.Hour
	c.WaitingCloseAfter = 72 * time.Hour
	c.Location = time.UTC
}

// harnessOn is newHarness over a store of the caller's.
func harnessOn(t *testing.T, store dialog.Store, opts ...func(*dialog.Config)) *harness {
	t.Helper()
	cfg := dialog.DefaultConfig
	for _, opt := range opts {
		opt(&cfg)
	}
	h := &harness{t: t, ctx: context.Background(), events: broker.New(), store: store}
	h.engine = dialog.NewEngine(store, dialogtest.KB(t, "testdata/intents"), h.events, cfg, slog.New(slog.DiscardHandler))
	return h
}

// TestWaitingForTheCustomer runs testWaiting on SQLite and on PostgreSQL
// (FIRSTLINE_TEST_DATABASE_URL).
func TestWaitingForTheCustomer(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		testWaiting(t, dialogtest.Store(t, nil))
	})
	t.Run("postgres", func(t *testing.T) {
		store, err := postgres.Open(t.Context(), pgtest.Database(t), nil)
		if err != nil {
			t.Fatalf("open store: %v", err)
		}
		t.Cleanup(func() { store.Close() })
		testWaiting(t, store)
	})
}

// testWaiting follows two tickets put on hold for the customer: one
// whose customer answers, which goes back to its agent and hears
// nothing more, and one whose customer is silent, which is reminded
// exactly once however many engines sweep however often, and then
// closes with a message; the SLA clock stands still while they wait.
func testWaiting(t *testing.T, store dialog.Store) {
	h := harnessOn(t, store, waitingConfig)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := start
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	set := func(at time.Time) { mu.Lock(); clock = at; mu.Unlock() }
	h.engine.SetClock(now)
	// A second engine on the same store: another replica, or this one
	// after a restart.
	cfg := dialog.DefaultConfig
	waitingConfig(&cfg)
	log := slog.New(slog.DiscardHandler)
	other := dialog.NewEngine(store, dialogtest.KB(t, "testdata/intents"), broker.New(), cfg, log)
	other.SetClock(now)
	sweeps := []*dialog.WaitingSweep{dialog.NewWaitingSweep(h.engine, 0, log), dialog.NewWaitingSweep(other, 0, log)}
	// sweepAll sweeps with both engines at once, rounds times, and
	// returns what they did in all.
	sweepAll := func(rounds int) (reminded, closed int) {
		t.Helper()
		for range rounds {
			var wg sync.WaitGroup
			for _, s := range sweeps {
				wg.Go(func() {
					r, c, err := s.Sweep(h.ctx)
					if err != nil {
						t.Errorf("sweep: %v", err)
					}
					mu.Lock()
					reminded, closed = reminded+r, closed+c
					mu.Unlock()
				})
			}
			wg.Wait()
		}
		return reminded, closed
	}

	silent := h.send("silent", "/human").Ticket
	answers := h.send("answers", "/human").Ticket
	due := silent.ResolutionDue // normal priority: 24h

	// The agent asks a question and waits; the customer is told.
	before, _ := h.store.OutboxBacklog(h.ctx)
	waiting, err := h.engine.Wait(h.ctx, act(silent.Number, "Olga"), "Пришлите, пожалуйста, номер заказа")
	if err != nil {
		t.Fatal(err)
	}
	if waiting.Status != dialog.TicketWaiting || waiting.Assignee != "Olga" || !waiting.WaitingSince.Equal(start) {
		t.Fatalf("after Wait: %+v", waiting)
	}
	after, _ := h.store.OutboxBacklog(h.ctx)
	// agent joined, the agent's question, "the specialist waits"
	if n := after["test"] - before["test"]; n != 3 {
		t.Errorf("Wait queued %d messages for the customer, want 3", n)
	}
	told := "Специалист ждёт вашего ответа по обращению " + silent.Number
	if got := h.customerMessages(silent.ConversationID, told); len(got) != 1 {
		t.Errorf("transcript has %d messages %q, want 1", len(got), told)
	}
	if _, err := h.engine.Wait(h.ctx, act(silent.Number, "Olga"), ""); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("waiting twice: %v, want a conflict", err)
	}
	if _, err := h.engine.Wait(h.ctx, act(silent.Number, "Boris"), ""); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("another agent's wait: %v, want a conflict", err)
	}
	if got := h.ticket(silent.Number); got.Breached(start.Add(30*24*time.Hour)) || !got.NextDue().IsZero() {
		t.Errorf("a waiting ticket's clock runs: breached %v, next due %v", got.Breached(start.Add(30*24*time.Hour)), got.NextDue())
	}

	// The other customer answers an hour later: back to the agent, with
	// the deadline an hour later.
	if _, err := h.engine.Wait(h.ctx, act(answers.Number, "Olga"), ""); err != nil {
		t.Fatal(err)
	}
	set(start.Add(time.Hour))
	events, stop := h.events.Subscribe()
	out := h.send("answers", "Номер заказа 12345")
	stop()
	if len(out.Replies) != 0 {
		t.Errorf("the bot said %d things to an answer for the agent", len(out.Replies))
	}
	back := h.ticket(answers.Number)
	if back.Status != dialog.TicketAssigned || back.Assignee != "Olga" || !back.WaitingSince.IsZero() {
		t.Errorf("after the customer's answer: %+v", back)
	}
	if want := answers.ResolutionDue.Add(time.Hour); !back.ResolutionDue.Equal(want) {
		t.Errorf("resolution due %v, want %v (moved on by the hour waited)", back.ResolutionDue, want)
	}
	if !heard(events, answers.Number, "Olga") {
		t.Error("no event told the agent of the answer as of a customer's message")
	}

	// Two days after the wait began: exactly one reminder, to the
	// silent customer only.
	set(start.Add(48*time.Hour - time.Minute))
	if r, c := sweepAll(2); r != 0 || c != 0 {
		t.Errorf("a minute early: reminded %d, closed %d", r, c)
	}
	set(start.Add(48 * time.Hour))
	if r, c := sweepAll(4); r != 1 || c != 0 {
		t.Errorf("two engines sweeping: reminded %d, closed %d; want one reminder", r, c)
	}
	reminder := "Напоминаем: по обращению " + silent.Number
	if got := h.customerMessages(silent.ConversationID, reminder); len(got) != 1 {
		t.Errorf("transcript has %d reminders, want 1", len(got))
	}
	if got := h.customerMessages(answers.ConversationID, "Напоминаем"); len(got) != 0 {
		t.Errorf("the customer who answered got %d reminders", len(got))
	}

	// Three days after the reminder: closed with a message, once.
	remindedAt := start.Add(48 * time.Hour)
	set(remindedAt.Add(72*time.Hour - time.Minute))
	if r, c := sweepAll(2); r != 0 || c != 0 {
		t.Errorf("a minute before closing: reminded %d, closed %d", r, c)
	}
	closedAt := remindedAt.Add(72 * time.Hour)
	set(closedAt)
	if r, c := sweepAll(4); r != 0 || c != 1 {
		t.Errorf("two engines sweeping: reminded %d, closed %d; want one close", r, c)
	}
	closed := h.ticket(silent.Number)
	if closed.Status != dialog.TicketClosed || !closed.ClosedAt.Equal(closedAt) || closed.Assignee != "Olga" || !closed.WaitingSince.IsZero() {
		t.Errorf("after the close: %+v", closed)
	}
	if want := due.Add(closedAt.Sub(start)); !closed.ResolutionDue.Equal(want) || closed.Breached(closedAt) {
		t.Errorf("resolution due %v, breached %v; want %v, not breached (the wait does not count)",
			closed.ResolutionDue, closed.Breached(closedAt), want)
	}
	bye := "Мы не дождались ответа и закрыли обращение " + silent.Number
	if got := h.customerMessages(silent.ConversationID, bye); len(got) != 1 || got[0].TicketID != silent.ID {
		t.Errorf("transcript has %v, want one message %q of the ticket", got, bye)
	}
	conv, err := h.store.Conversation(h.ctx, silent.ConversationID)
	if err != nil || conv.State != dialog.StateClosed || conv.Pending != dialog.PendingNone {
		t.Errorf("conversation after the close: %+v, %v", conv, err)
	}
	if got := h.ticket(answers.Number); got.Status != dialog.TicketAssigned {
		t.Errorf("the answered ticket is %s, want assigned", got.Status)
	}

	// Analytics: the close is the agent's, and every message went out
	// as an ordinary outbound message.
	list, err := h.store.Activities(h.ctx, dialog.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []dialog.ActivityKind
	out2 := 0
	for _, a := range list {
		if a.TicketID != silent.ID {
			continue
		}
		switch a.Kind {
		case dialog.ActivityWaiting, dialog.ActivityWaitingEnded, dialog.ActivityClosed:
			kinds = append(kinds, a.Kind)
			if a.Agent != "Olga" {
				t.Errorf("%s recorded for %q, want Olga", a.Kind, a.Agent)
			}
		case dialog.ActivityMessageOut:
			out2++
		}
	}
	want := []dialog.ActivityKind{dialog.ActivityWaiting, dialog.ActivityWaitingEnded, dialog.ActivityClosed}
	if len(kinds) != len(want) || kinds[0] != want[0] || kinds[1] != want[1] || kinds[2] != want[2] {
		t.Errorf("ticket events %v, want %v", kinds, want)
	}
	// escalated, agent joined, question, waiting, reminder, closed
	if out2 != 6 {
		t.Errorf("%d messages out recorded, want 6", out2)
	}

	// The report: the silent ticket closed by its agent, within its
	// deadline (the wait does not count); the answered one, open and
	// assigned at closedAt, is past its deadline.
	r, err := report.Load(h.ctx, h.store, report.Options{
		From: start.Add(-time.Hour), To: closedAt.Add(time.Hour), Now: closedAt,
		ContactGap: 30 * time.Minute, ReopenWindow: 24 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	if tk := r.Tickets; tk.Closed != 1 || tk.ResolutionBreached.Num != 1 || tk.ResolutionBreached.Den != 2 {
		t.Errorf("report: closed %d, resolution breached %d of %d; want 1, 1 of 2",
			tk.Closed, tk.ResolutionBreached.Num, tk.ResolutionBreached.Den)
	}
	if len(r.Agents) != 1 || r.Agents[0].Name != "Olga" || r.Agents[0].Closed != 1 {
		t.Errorf("report by agent: %+v, want Olga with the close", r.Agents)
	}

	// Nothing more happens, however long the sweeps go on.
	set(closedAt.Add(30 * 24 * time.Hour))
	if r, c := sweepAll(2); r != 0 || c != 0 {
		t.Errorf("after everything: reminded %d, closed %d", r, c)
	}
}

// heard reports whether an event came that tells agent, as of any
// customer's message on their ticket, that the customer of ticket number
// wrote.
func heard(events <-chan dialog.Event, number, agent string) bool {
	for {
		select {
		case e := <-events:
			if e.TicketNumber == number && e.Notice == dialog.NoticeCustomerMessage && e.Assignee == agent {
				return true
			}
		default:
			return false
		}
	}
}

// A wait on a closed ticket, or with a form made before a change, is
// refused; with no reminders a silent customer's ticket closes counting
// from the start of the wait; with neither, nothing is ever done.
func TestWaitingRefusedAndWithoutReminders(t *testing.T) {
	h := newHarness(t, waitingConfig, func(c *dialog.Config) { c.WaitingRemindAfter = 0 })
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := start
	h.engine.SetClock(func() time.Time { return clock })
	sweep := dialog.NewWaitingSweep(h.engine, 0, slog.New(slog.DiscardHandler))

	closed := h.send("closed", "/human").Ticket
	if _, err := h.engine.Close(h.ctx, act(closed.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Wait(h.ctx, act(closed.Number, "Olga"), ""); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("waiting on a closed ticket: %v, want a conflict", err)
	}
	tk := h.send("c", "/human").Ticket
	stale := act(tk.Number, "Olga")
	stale.Version = tk.Version
	if _, err := h.engine.Take(h.ctx, act(tk.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Wait(h.ctx, stale, ""); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("waiting with a stale form: %v, want a conflict", err)
	}
	if _, err := h.engine.Wait(h.ctx, act(tk.Number, "Olga"), ""); err != nil {
		t.Fatal(err)
	}
	// Asking where the ticket stands is no answer: it keeps waiting.
	if out := h.send("c", "/status"); out.Ticket == nil || out.Ticket.Status != dialog.TicketWaiting {
		t.Fatalf("after /status the ticket is %+v, want still waiting", out.Ticket)
	}
	clock = start.Add(72*time.Hour - time.Second)
	if r, c, err := sweep.Sweep(h.ctx); err != nil || r != 0 || c != 0 {
		t.Errorf("just before: reminded %d, closed %d, %v", r, c, err)
	}
	clock = start.Add(72 * time.Hour)
	if r, c, err := sweep.Sweep(h.ctx); err != nil || r != 0 || c != 1 {
		t.Errorf("three days on: reminded %d, closed %d, %v; want one close", r, c, err)
	}
	if got := h.customerMessages(tk.ConversationID, "Напоминаем"); len(got) != 0 {
		t.Errorf("%d reminders with reminders off", len(got))
	}

	off := newHarness(t, waitingConfig, func(c *dialog.Config) { c.WaitingRemindAfter, c.WaitingCloseAfter = 0, 0 })
	off.engine.SetClock(func() time.Time { return start })
	tk = off.send("c", "/human").Ticket
	if _, err := off.engine.Wait(off.ctx, act(tk.Number, "Olga"), ""); err != nil {
		t.Fatal(err)
	}
	off.engine.SetClock(func() time.Time { return start.Add(365 * 24 * time.Hour) })
	if r, c, err := dialog.NewWaitingSweep(off.engine, 0, slog.New(slog.DiscardHandler)).Sweep(off.ctx); err != nil || r != 0 || c != 0 {
		t.Errorf("with both off: reminded %d, closed %d, %v", r, c, err)
	}
	if got := off.ticket(tk.Number); got.Status != dialog.TicketWaiting {
		t.Errorf("with both off the ticket is %s, want still waiting", got.Status)
	}
}

// TestAgentJoinedInEveryChannel checks that a customer hears that an
// agent took the ticket whether it was taken by hand or given
// automatically, on a channel messages are pushed to and on the web chat
// (which reads the transcript).
func TestAgentJoinedInEveryChannel(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) {
		c.AutoAssign = true
		c.PushChannels = []string{"telegram", "whatsapp"}
	})
	h.addAgent("anna", dialog.RoleAgent, time.Now())
	for _, channel := range []string{"telegram", "whatsapp", "webchat"} {
		out, err := h.engine.Handle(h.ctx, dialog.Inbound{Channel: channel, ChatID: "auto", ExternalID: "1", Text: "/human"})
		if err != nil {
			t.Fatal(err)
		}
		if out.Ticket.Assignee != "anna" {
			t.Fatalf("%s: ticket not given to anna: %+v", channel, out.Ticket)
		}
		joined := h.customerMessages(out.Conversation.ID, "anna")
		if len(joined) != 1 || joined[0].Author != dialog.AuthorSystem {
			t.Errorf("%s, auto-assigned: %d messages naming the agent, want 1 from the system", channel, len(joined))
		}
	}
	backlog, _ := h.store.OutboxBacklog(h.ctx)
	// The escalation and the agent joining, for each push channel.
	if backlog["telegram"] != 2 || backlog["whatsapp"] != 2 || backlog["webchat"] != 0 {
		t.Errorf("outbox backlog %v, want 2 for telegram and whatsapp, none for the web chat", backlog)
	}

	// Taken by hand, on a push channel and on the web chat.
	byHand := newHarness(t, func(c *dialog.Config) { c.PushChannels = []string{"telegram"} })
	for _, channel := range []string{"telegram", "webchat"} {
		out, err := byHand.engine.Handle(byHand.ctx, dialog.Inbound{Channel: channel, ChatID: "hand", ExternalID: "1", Text: "/human"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := byHand.engine.Take(byHand.ctx, act(out.Ticket.Number, "boris")); err != nil {
			t.Fatal(err)
		}
		if joined := byHand.customerMessages(out.Conversation.ID, "boris"); len(joined) != 1 {
			t.Errorf("%s, taken by hand: %d messages naming the agent, want 1", channel, len(joined))
		}
	}
	if backlog, _ := byHand.store.OutboxBacklog(byHand.ctx); backlog["telegram"] != 2 {
		t.Errorf("outbox backlog %v, want the escalation and the agent for telegram", backlog)
	}
}

// An agent's reply keeps a ticket waiting; a transfer or a close ends the
// wait, moving the deadlines on by the time waited.
func TestWaitingEndsOnTransferAndClose(t *testing.T) {
	h := newHarness(t, waitingConfig)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := start
	h.engine.SetClock(func() time.Time { return clock })

	moved := h.send("moved", "/human").Ticket
	if _, err := h.engine.Wait(h.ctx, act(moved.Number, "Olga"), ""); err != nil {
		t.Fatal(err)
	}
	clock = start.Add(time.Hour)
	if _, err := h.engine.Reply(h.ctx, act(moved.Number, "Olga"), "И ещё: какой у вас тариф?"); err != nil {
		t.Fatal(err)
	}
	if got := h.ticket(moved.Number); got.Status != dialog.TicketWaiting || !got.WaitingSince.Equal(start) {
		t.Errorf("after a reply while waiting: %s since %v, want still waiting since %v", got.Status, got.WaitingSince, start)
	}
	clock = start.Add(2 * time.Hour)
	if _, err := h.engine.Transfer(h.ctx, act(moved.Number, "Olga"), "second_line", ""); err != nil {
		t.Fatal(err)
	}
	got := h.ticket(moved.Number)
	if got.Status != dialog.TicketQueued || got.Assignee != "" || !got.WaitingSince.IsZero() {
		t.Errorf("after a transfer: %+v", got)
	}
	if want := moved.ResolutionDue.Add(2 * time.Hour); !got.ResolutionDue.Equal(want) {
		t.Errorf("resolution due %v after the transfer, want %v", got.ResolutionDue, want)
	}

	closed := h.send("closed", "/human").Ticket
	if _, err := h.engine.Wait(h.ctx, act(closed.Number, "Olga"), ""); err != nil {
		t.Fatal(err)
	}
	clock = start.Add(30 * time.Hour) // past the 24h resolution deadline, had the clock run
	if _, err := h.engine.Close(h.ctx, act(closed.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	got = h.ticket(closed.Number)
	if got.Status != dialog.TicketClosed || !got.WaitingSince.IsZero() || got.Breached(clock) {
		t.Errorf("after a close: %s, waiting since %v, breached %v", got.Status, got.WaitingSince, got.Breached(clock))
	}
	// Nothing is left for the sweep.
	clock = start.Add(30 * 24 * time.Hour)
	if r, c, err := dialog.NewWaitingSweep(h.engine, 0, slog.New(slog.DiscardHandler)).Sweep(h.ctx); err != nil || r != 0 || c != 0 {
		t.Errorf("sweep after the waits ended: reminded %d, closed %d, %v", r, c, err)
	}
}

// A ticket waiting for the customer gets no late notice: its clock
// stands still, also when its deadline was listed before the wait began.
func TestLateNoticeSkipsWaitingTicket(t *testing.T) {
	h := newHarness(t, waitingConfig, func(c *dialog.Config) { c.LateNoticeBefore = 15 * time.Minute })
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h.engine.SetClock(func() time.Time { return clock })
	tk := h.send("c", "/human").Ticket // normal: first response by 13:00
	clock = time.Date(2026, 3, 2, 12, 50, 0, 0, time.UTC)
	list, err := h.store.DeadlinesDue(h.ctx, clock, clock.Add(15*time.Minute))
	if err != nil || len(list) != 1 {
		t.Fatalf("deadlines due = %v, %v; want the first response's", list, err)
	}
	if _, err := h.engine.Wait(h.ctx, act(tk.Number, "Olga"), ""); err != nil {
		t.Fatal(err)
	}
	if sent, err := h.engine.LateNotice(h.ctx, list[0]); err != nil || sent {
		t.Errorf("late notice of a waiting ticket: sent %v, %v", sent, err)
	}
	if list, err := h.store.DeadlinesDue(h.ctx, clock, clock.Add(15*time.Minute)); err != nil || len(list) != 0 {
		t.Errorf("deadlines due of a waiting ticket = %v, %v; want none", list, err)
	}
	if got := h.customerMessages(tk.ConversationID, "задерживаемся"); len(got) != 0 {
		t.Errorf("%d late notices for a waiting ticket", len(got))
	}
}
