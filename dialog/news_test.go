package dialog_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// customerMessages are the messages of a conversation the customer got
// from the bot or the system whose text contains fragment.
func (h *harness) customerMessages(conversationID int64, fragment string) []*dialog.Message {
	h.t.Helper()
	msgs, err := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: conversationID})
	if err != nil {
		h.t.Fatal(err)
	}
	var out []*dialog.Message
	for _, m := range msgs {
		if (m.Author == dialog.AuthorSystem || m.Author == dialog.AuthorBot) && strings.Contains(m.Text, fragment) {
			out = append(out, m)
		}
	}
	return out
}

func TestTransferTellsTheCustomer(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) {
		c.PushChannels = []string{"test"}
		c.QueueNames = map[string]map[string]string{"second_line": {"en": "Engineers"}}
	})
	ticket := h.send("c", "/human").Ticket
	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	before, _ := h.store.OutboxBacklog(h.ctx)
	if _, err := h.engine.Transfer(h.ctx, act(ticket.Number, "Olga"), "second_line", "нужен инженер"); err != nil {
		t.Fatal(err)
	}
	after, _ := h.store.OutboxBacklog(h.ctx)
	if after["test"]-before["test"] != 1 {
		t.Errorf("a transfer queued %d messages, want 1 (the note stays inside)", after["test"]-before["test"])
	}
	// The customer writes Russian; the queue has only an English name, which is used.
	want := "Ваше обращение " + ticket.Number + " передано: Engineers."
	if got := h.customerMessages(ticket.ConversationID, want); len(got) != 1 {
		t.Errorf("transcript has %d messages %q, want 1", len(got), want)
	}

	// Back to a default queue without a configured name: the built-in one.
	if _, err := h.engine.Transfer(h.ctx, act(ticket.Number, "Olga"), "first_line", ""); err != nil {
		t.Fatal(err)
	}
	if got := h.customerMessages(ticket.ConversationID, "передано: первая линия поддержки."); len(got) != 1 {
		t.Errorf("transcript has %d messages naming the first line, want 1", len(got))
	}
	// Taking it again announces the agent once, as before.
	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	if got := h.customerMessages(ticket.ConversationID, "подключился специалист Olga"); len(got) != 2 {
		t.Errorf("agent joined %d times, want 2 (first take and after the transfer back)", len(got))
	}
}

func TestLateNoticeOncePerDeadline(t *testing.T) {
	cfg := func(c *dialog.Config) {
		c.PushChannels = []string{"test"}
		c.LateNoticeBefore = 15 * time.Minute
		c.Location = time.UTC
	}
	h := newHarness(t, cfg)
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	h.engine.SetClock(now)
	log := slog.New(slog.DiscardHandler)
	notices := dialog.NewLateNotices(h.engine, 0, log)
	// A second engine on the same store: another replica, or this one
	// after a restart.
	c := dialog.DefaultConfig
	cfg(&c)
	other := dialog.NewEngine(h.store, dialogtest.KB(t, "testdata/intents"), broker.New(), c, log)
	other.SetClock(now)
	otherNotices := dialog.NewLateNotices(other, 0, log)

	ticket := h.send("c", "/human").Ticket // normal: first response by 13:00, resolution by 09:00 tomorrow
	sweep := func(n *dialog.LateNotices, want int) {
		t.Helper()
		sent, err := n.Sweep(h.ctx)
		if err != nil || sent != want {
			t.Fatalf("at %s: sweep sent %d, %v; want %d", clock.Format("15:04"), sent, err, want)
		}
	}
	sweep(notices, 0)
	clock = time.Date(2026, 3, 2, 12, 44, 0, 0, time.UTC) // 16 minutes before the first response deadline
	sweep(notices, 0)
	clock = clock.Add(2 * time.Minute)
	before, _ := h.store.OutboxBacklog(h.ctx)
	// Both engines listed the deadline before either sent its notice:
	// the claim lets one through.
	list, err := h.store.DeadlinesDue(h.ctx, clock, clock.Add(15*time.Minute))
	if err != nil || len(list) != 1 {
		t.Fatalf("deadlines due = %v, %v; want the first response's", list, err)
	}
	first, err1 := h.engine.LateNotice(h.ctx, list[0])
	second, err2 := other.LateNotice(h.ctx, list[0])
	if err1 != nil || err2 != nil || !first || second {
		t.Fatalf("late notices of one deadline sent: %v (%v), %v (%v); want the first only", first, err1, second, err2)
	}
	for range 3 {
		sweep(notices, 0)
		sweep(otherNotices, 0)
	}
	after, _ := h.store.OutboxBacklog(h.ctx)
	if after["test"]-before["test"] != 1 {
		t.Errorf("queued %d late notices for the push channel, want 1", after["test"]-before["test"])
	}
	want := "Мы задерживаемся с обращением " + ticket.Number + ", простите. Рассчитываем ответить до 13:00."
	if got := h.customerMessages(ticket.ConversationID, want); len(got) != 1 {
		t.Errorf("transcript has %d messages %q, want 1", len(got), want)
	}

	// The resolution deadline is noticed on its own, by whichever
	// engine sweeps first; the agent's answer does not stop it.
	if _, err := h.engine.Reply(h.ctx, act(ticket.Number, "Olga"), "Смотрю"); err != nil {
		t.Fatal(err)
	}
	clock = time.Date(2026, 3, 3, 8, 50, 0, 0, time.UTC)
	sweep(otherNotices, 1)
	sweep(notices, 0)
	if got := h.customerMessages(ticket.ConversationID, "Рассчитываем ответить до 09:00."); len(got) != 1 {
		t.Errorf("transcript has %d resolution notices, want 1", len(got))
	}
	if got := h.customerMessages(ticket.ConversationID, "Мы задерживаемся"); len(got) != 2 {
		t.Errorf("transcript has %d late notices, want 2", len(got))
	}
}

func TestLateNoticeSkipsAnsweredAndClosedTickets(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) { c.LateNoticeBefore = time.Hour })
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h.engine.SetClock(func() time.Time { return clock })
	notices := dialog.NewLateNotices(h.engine, 0, slog.New(slog.DiscardHandler))
	answered := h.send("a", "/human").Ticket
	closed := h.send("b", "/human").Ticket
	if _, err := h.engine.Reply(h.ctx, act(answered.Number, "Olga"), "Смотрю"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Close(h.ctx, act(closed.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(3*time.Hour + 30*time.Minute) // the first response deadline is half an hour away
	if sent, err := notices.Sweep(h.ctx); err != nil || sent != 0 {
		t.Errorf("sweep sent %d, %v; want none", sent, err)
	}

	off := newHarness(t, func(c *dialog.Config) { c.LateNoticeBefore = 0 })
	off.engine.SetClock(func() time.Time { return clock.Add(-3 * time.Hour) })
	off.send("c", "/human")
	off.engine.SetClock(func() time.Time { return clock })
	if sent, err := dialog.NewLateNotices(off.engine, 0, slog.New(slog.DiscardHandler)).Sweep(off.ctx); err != nil || sent != 0 {
		t.Errorf("with late notices off, sweep sent %d, %v", sent, err)
	}
}
