package dialog_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/intents"
)

// incidentConfig pushes to Telegram and WhatsApp, as the server does.
func incidentConfig() dialog.Config {
	c := dialog.DefaultConfig
	c.PushChannels = []string{"telegram", "whatsapp"}
	c.Location = time.UTC
	return c
}

// stoppingStore is a store whose process stops after it listed the
// customers to tell of a closed incident once, keeping only the first few:
// the sweep tells those and fails, as a process killed in the middle.
type stoppingStore struct {
	dialog.Store
	keep   int
	listed bool
}

var errStopped = errors.New("stopped")

func (s *stoppingStore) IncidentNoticesDue(ctx context.Context, limit int) ([]dialog.IncidentNotice, error) {
	if s.listed {
		return nil, errStopped
	}
	s.listed = true
	due, err := s.Store.IncidentNoticesDue(ctx, limit)
	return due[:min(len(due), s.keep)], err
}

// handle sends text as the customer of chat in channel.
func handle(t *testing.T, e *dialog.Engine, channel, chat, id, text string) *dialog.Outcome {
	t.Helper()
	out, err := e.Handle(t.Context(), dialog.Inbound{Channel: channel, ChatID: chat, ExternalID: id,
		CustomerName: "Customer " + chat, Text: text})
	if err != nil {
		t.Fatalf("%s %s: send %q: %v", channel, chat, text, err)
	}
	return out
}

// closingMessages counts the messages of a conversation that tell the
// customer the incident is over.
func closingMessages(t *testing.T, st dialog.Store, conversationID int64, fragment string) int {
	t.Helper()
	msgs, err := st.Messages(t.Context(), dialog.MessageFilter{ConversationID: conversationID})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Author == dialog.AuthorSystem && strings.Contains(m.Text, fragment) {
			n++
		}
	}
	return n
}

// TestIncidentEndToEnd opens an incident, has ten customers in three
// channels ask about it and ask to be told when it is over, closes it in
// a process that stops after telling a few, and has two new engines on
// the same store finish the job at once: every customer, and the
// customers of the open tickets linked to it, is told exactly once.
func TestIncidentEndToEnd(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			store := st.open(t)
			clock := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
			now := func() time.Time { return clock }
			holder := dialogtest.KB(t, "testdata/intents")
			e := dialog.NewEngine(store, holder, broker.New(), incidentConfig(), quiet)
			e.SetClock(now)
			ctx := t.Context()

			// A complaint escalated before the incident: its ticket is
			// linked when the incident opens.
			before := handle(t, e, "telegram", "early", "e1", "хочу подать жалобу")
			if before.Ticket == nil || before.Ticket.Intent != "complaint" {
				t.Fatalf("complaint did not escalate: %+v", before.Ticket)
			}
			inc := &dialog.Incident{
				Text:        map[string]string{intents.LangRU: "Авария на линии в Северном районе.", intents.LangEN: "A line is down in the North district."},
				Intents:     []string{"setup_router", "complaint"},
				ExpectedEnd: time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC),
				CreatedBy:   "admin",
			}
			if err := e.OpenIncident(ctx, inc); err != nil {
				t.Fatal(err)
			}
			if tk, _ := store.Ticket(ctx, before.Ticket.ID); tk.IncidentID != inc.ID {
				t.Errorf("the open complaint's ticket links incident %d, want %d", tk.IncidentID, inc.ID)
			}

			type asker struct{ channel, chat, lang string }
			var askers []asker
			for i := range 10 {
				ch := []string{"telegram", "whatsapp", "webchat"}[i%3]
				lang := []string{intents.LangRU, intents.LangEN}[i%2]
				askers = append(askers, asker{ch, fmt.Sprintf("c%d", i), lang})
			}
			convs := map[int64]string{}
			for i, a := range askers {
				text, notify := "настроить роутер", "Сообщите, когда починят"
				if a.lang == intents.LangEN {
					text, notify = "set up the router", "Tell me when it is fixed"
				}
				out := handle(t, e, a.channel, a.chat, "q", text)
				if out.Ticket != nil || len(out.Replies) != 1 {
					t.Fatalf("%s: asking made ticket %v and %d replies", a.chat, out.Ticket, len(out.Replies))
				}
				r := out.Replies[0]
				if !strings.Contains(r.Text, inc.TextFor(a.lang)) || !strings.Contains(r.Text, "18:00") || len(r.Buttons) != 2 || r.Buttons[0] != notify {
					t.Errorf("%s: notice %q with buttons %q", a.chat, r.Text, r.Buttons)
				}
				out = handle(t, e, a.channel, a.chat, "s", notify)
				if i == 0 { // asking twice is one subscription
					handle(t, e, a.channel, a.chat, "q2", text)
					out = handle(t, e, a.channel, a.chat, "s2", notify)
				}
				if out.Ticket != nil || len(out.Replies) != 1 || out.Conversation.State != dialog.StateBot {
					t.Errorf("%s: subscribing gave ticket %v, replies %d, state %s", a.chat, out.Ticket, len(out.Replies), out.Conversation.State)
				}
				convs[out.Conversation.ID] = a.channel
			}
			// One still wants a person: a ticket, linked.
			handle(t, e, "webchat", "person", "q", "set up the router")
			out := handle(t, e, "webchat", "person", "p", "I still need a person")
			if out.Ticket == nil || out.Ticket.IncidentID != inc.ID || out.Ticket.Intent != "setup_router" {
				t.Fatalf("still needing a person gave ticket %+v", out.Ticket)
			}
			convs[before.Conversation.ID] = "telegram"
			convs[out.Conversation.ID] = "webchat"
			info, err := store.IncidentInfo(ctx, inc.ID)
			if err != nil || info.Subscribers != 10 || info.Notified != 0 {
				t.Fatalf("incident info = %+v, %v; want 10 subscribers, none told", info, err)
			}
			linked, err := store.Tickets(ctx, dialog.TicketFilter{IncidentID: inc.ID})
			if err != nil || len(linked) != 2 {
				t.Fatalf("linked tickets = %d, %v; want 2", len(linked), err)
			}

			backlog := func() int {
				b, err := store.OutboxBacklog(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return b["telegram"] + b["whatsapp"]
			}
			queued := backlog()

			// Closed by a process that stops after telling three.
			clock = clock.Add(7 * time.Hour)
			stopping := &stoppingStore{Store: store, keep: 3}
			closer := dialog.NewEngine(stopping, holder, broker.New(), incidentConfig(), quiet)
			closer.SetClock(now)
			_, sent, err := closer.CloseIncident(ctx, inc.ID, 0, nil)
			if !errors.Is(err, errStopped) || sent != 3 {
				t.Fatalf("the stopping close told %d, %v; want 3 and the stop", sent, err)
			}
			if _, _, err := e.CloseIncident(ctx, inc.ID, 0, nil); dialog.ErrorCode(err) != dialog.ECONFLICT {
				t.Errorf("closing again: %v, want a conflict", err)
			}

			// Two new engines on the store sweep at once. Both are made
			// before either sweeps: an engine sets the store's clock.
			var wg sync.WaitGroup
			counts := make([]int, 2)
			others := make([]*dialog.Engine, len(counts))
			for i := range others {
				others[i] = dialog.NewEngine(store, holder, broker.New(), incidentConfig(), quiet)
				others[i].SetClock(now)
			}
			for i, other := range others {
				wg.Go(func() {
					n, err := dialog.NewIncidentNotices(other, 0, quiet).Sweep(ctx)
					if err != nil {
						t.Errorf("sweep %d: %v", i, err)
					}
					counts[i] = n
				})
			}
			wg.Wait()
			if counts[0]+counts[1] != len(convs)-3 {
				t.Errorf("the sweeps told %v, want %d in all", counts, len(convs)-3)
			}
			if n, err := dialog.NewIncidentNotices(e, 0, quiet).Sweep(ctx); n != 0 || err != nil {
				t.Errorf("a later sweep told %d, %v; want none", n, err)
			}

			push := 0
			for id, ch := range convs {
				conv, _ := store.Conversation(ctx, id)
				want := "It is fixed"
				if conv.Lang == intents.LangRU {
					want = "Работы завершены"
				}
				if n := closingMessages(t, store, id, want); n != 1 {
					t.Errorf("%s conversation %d got %d closing messages %q, want 1", ch, id, n, want)
				}
				if ch != "webchat" {
					push++
				}
			}
			if got := backlog() - queued; got != push {
				t.Errorf("queued %d closing messages for Telegram and WhatsApp, want %d", got, push)
			}
			info, _ = store.IncidentInfo(ctx, inc.ID)
			if info.Notified != len(convs) {
				t.Errorf("incident info says %d told, want %d", info.Notified, len(convs))
			}

			// Over: the intent is answered as usual again.
			out = handle(t, e, "telegram", "c0", "after", "настроить роутер")
			if len(out.Replies) == 0 || !strings.Contains(out.Replies[0].Text, "192.168.0.1") {
				t.Errorf("after the close the answer is %q", out.Replies[0].Text)
			}
		})
	}
}

// TestIncidentAreasAndPlannedWorks: planned works are told of from their
// start only; an incident with areas names them unless the customer's
// message mentions one; an update changes what new askers hear.
func TestIncidentAreasAndPlannedWorks(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) { c.Location = time.UTC })
	clock := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	h.engine.SetClock(func() time.Time { return clock })
	inc := &dialog.Incident{
		Text:     map[string]string{intents.LangEN: "We replace the cable."},
		Intents:  []string{"setup_tv"},
		Areas:    []string{"North district", "Lenin street"},
		StartsAt: clock.Add(2 * time.Hour),
	}
	if err := h.engine.OpenIncident(h.ctx, inc); err != nil {
		t.Fatal(err)
	}
	out := h.send("a", "set up the tv")
	h.expect(out, dialog.StateBot, "TV setup guide")

	clock = clock.Add(2 * time.Hour)
	out = h.send("b", "set up the tv")
	h.expect(out, dialog.StateBot, "There is work under way (North district, Lenin street): We replace the cable.")
	out = h.send("c", "set up the tv at lenin STREET 5")
	h.expect(out, dialog.StateBot, "We know about it: We replace the cable.")
	if strings.Contains(out.Replies[0].Text, "North district") {
		t.Errorf("a customer in the area was told the areas: %q", out.Replies[0].Text)
	}

	inc.ExpectedEnd = clock.Add(3 * time.Hour)
	inc.Areas = nil
	inc.Text[intents.LangEN] = "We replace the cable, nearly done."
	if err := h.engine.UpdateIncident(h.ctx, inc); err != nil {
		t.Fatal(err)
	}
	stale := *inc
	stale.Version--
	if err := h.engine.UpdateIncident(h.ctx, &stale); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("update from a stale form: %v, want a conflict", err)
	}
	out = h.send("d", "set up the tv")
	h.expect(out, dialog.StateBot, "We know about it: We replace the cable, nearly done. We expect it fixed by 15:00.")
	// Anything else moves on: the intent asked is answered as usual.
	out = h.send("d", "set up the router")
	h.expect(out, dialog.StateBot, "Router setup guide")

	// A notice answered by a subscription after the close says it is over.
	h.send("e", "set up the tv")
	if _, _, err := h.engine.CloseIncident(h.ctx, inc.ID, inc.Version, map[string]string{intents.LangEN: "The cable is in."}); err != nil {
		t.Fatal(err)
	}
	out = h.send("e", "Tell me when it is fixed")
	h.expect(out, dialog.StateBot, "The cable is in.")

	for _, bad := range []dialog.Incident{
		{Text: map[string]string{"en": "x"}},
		{Intents: []string{"a"}},
		{Text: map[string]string{"en": "x"}, Intents: []string{"a"}, StartsAt: clock, ExpectedEnd: clock.Add(-time.Hour)},
		{Text: map[string]string{"de": "x"}, Intents: []string{"a"}},
		{Text: map[string]string{"en": "x"}, Intents: []string{"a"}, Areas: []string{strings.Repeat("я", dialog.MaxAreaLength+1)}},
	} {
		if err := h.engine.OpenIncident(h.ctx, &bad); dialog.ErrorCode(err) != dialog.EINVALID {
			t.Errorf("opening %+v: %v, want EINVALID", bad, err)
		}
	}
}

// TestIncidentAskedAtHandoff: an escalating intent covered by an incident
// makes no ticket, unless the customer still wants a person; the ticket
// is then linked to the incident, and the notice is recorded once.
func TestIncidentAskedAtHandoff(t *testing.T) {
	h := newHarness(t)
	inc := &dialog.Incident{Text: map[string]string{intents.LangRU: "Сбой в биллинге."}, Intents: []string{"complaint"}}
	if err := h.engine.OpenIncident(h.ctx, inc); err != nil {
		t.Fatal(err)
	}
	out := h.send("a", "хочу подать жалобу")
	h.expect(out, dialog.StateBot, "Мы знаем о проблеме: Сбой в биллинге.")
	if out.Ticket != nil || out.Escalation != "" {
		t.Fatalf("the notice escalated: %+v", out.Ticket)
	}
	out = h.send("a", "Мне всё равно нужен человек")
	if out.Ticket == nil || out.Ticket.IncidentID != inc.ID || out.Ticket.Reason != dialog.ReasonCustomerAsk {
		t.Fatalf("still needing a person: ticket %+v", out.Ticket)
	}
	h.expect(out, dialog.StateQueued, out.Ticket.Number)
	acts, err := h.store.Activities(h.ctx, dialog.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	notices := 0
	for _, a := range acts {
		if a.Kind == dialog.ActivityIncidentNotice && a.Intent == "complaint" && a.Value == int(inc.ID) {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d incident notices recorded, want 1", notices)
	}
}

// TestIncidentCloseManySubscribers: closing an incident many customers
// wait on tells a bounded number of them at once and leaves the others to
// the sweep, which tells each of them once.
func TestIncidentCloseManySubscribers(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			store := st.open(t)
			e := dialog.NewEngine(store, dialogtest.KB(t, "testdata/intents"), broker.New(), incidentConfig(), quiet)
			ctx := t.Context()
			inc := &dialog.Incident{Text: map[string]string{intents.LangEN: "A line is down."}, Intents: []string{"setup_router"}}
			if err := e.OpenIncident(ctx, inc); err != nil {
				t.Fatal(err)
			}
			const total = 450
			err := store.Update(ctx, func(tx dialog.Tx) error {
				for i := range total {
					c, err := tx.EnsureConversation(ctx, "webchat", fmt.Sprintf("m%d", i))
					if err != nil {
						return err
					}
					if _, err := tx.SubscribeIncident(ctx, inc.ID, c.ID); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			_, sent, err := e.CloseIncident(ctx, inc.ID, 0, nil)
			if err != nil || sent == 0 || sent >= total {
				t.Fatalf("close told %d of %d at once, %v; want some, not all", sent, total, err)
			}
			rest, err := dialog.NewIncidentNotices(e, 0, quiet).Sweep(ctx)
			if err != nil || sent+rest != total {
				t.Fatalf("the sweep told %d more, %v; want %d", rest, err, total-sent)
			}
			if info, err := store.IncidentInfo(ctx, inc.ID); err != nil || info.Notified != total || info.Due != 0 {
				t.Errorf("IncidentInfo = %+v, %v; want all %d told", info, err, total)
			}
		})
	}
}

// TestIncidentOverdue: once the expected end has passed with the incident
// still open, the notice no longer promises it.
func TestIncidentOverdue(t *testing.T) {
	store := stores[0].open(t)
	clock := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	e := dialog.NewEngine(store, dialogtest.KB(t, "testdata/intents"), broker.New(), incidentConfig(), quiet)
	e.SetClock(func() time.Time { return clock })
	inc := &dialog.Incident{Text: map[string]string{intents.LangEN: "A line is down."}, Intents: []string{"setup_router"},
		ExpectedEnd: time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)}
	if err := e.OpenIncident(t.Context(), inc); err != nil {
		t.Fatal(err)
	}
	notice := func(chat string) string {
		out := handle(t, e, "webchat", chat, "1", "set up the router")
		if len(out.Replies) != 1 {
			t.Fatalf("%s: %d replies, want the notice", chat, len(out.Replies))
		}
		return out.Replies[0].Text
	}
	if text := notice("a"); !strings.Contains(text, "by 18:00") {
		t.Fatalf("before the expected end: %q", text)
	}
	clock = time.Date(2026, 12, 4, 19, 30, 0, 0, time.UTC)
	if text := notice("b"); !strings.Contains(text, "A line is down.") || strings.Contains(text, "18:00") {
		t.Errorf("after the expected end: %q", text)
	}
}

// TestIncidentHumanCommand: /human after an incident notice hands the
// customer over as the notice's button does, with the intent asked about
// and the incident on the ticket.
func TestIncidentHumanCommand(t *testing.T) {
	h := newHarness(t)
	inc := &dialog.Incident{Text: map[string]string{intents.LangRU: "Сбой в биллинге."}, Intents: []string{"complaint"}}
	if err := h.engine.OpenIncident(h.ctx, inc); err != nil {
		t.Fatal(err)
	}
	h.expect(h.send("a", "хочу подать жалобу"), dialog.StateBot, "Сбой в биллинге.")
	out := h.send("a", dialog.CommandHuman)
	if out.Ticket == nil || out.Ticket.IncidentID != inc.ID || out.Ticket.Intent != "complaint" {
		t.Fatalf("/human after the notice: ticket %+v", out.Ticket)
	}
	h.expect(out, dialog.StateQueued, out.Ticket.Number)
}

// FuzzMentionsArea: whatever a customer writes, looking for areas in it
// ends, and finds an area written into the message.
func FuzzMentionsArea(f *testing.F) {
	f.Add("в Северном районе нет интернета", "северном")
	f.Add("", "x")
	f.Add("ИСТАНБУЛ", "i̇stanbul")
	f.Fuzz(func(t *testing.T, text, area string) {
		got := dialog.MentionsArea(text, []string{area, "", "  "})
		a := strings.TrimSpace(area)
		if a != "" && strings.Contains(text, a) && strings.ToLower(a) == a && !got && strings.Contains(strings.ToLower(text), a) {
			t.Errorf("MentionsArea(%q, %q) = false", text, area)
		}
	})
}

// TestIncidentBeforeQuestions: an escalating intent with questions
// (collect:) covered by an incident tells of it instead of asking them;
// an address the customer gave on an earlier ticket places them in the
// incident's area.
func TestIncidentBeforeQuestions(t *testing.T) {
	h := newCollectHarness(t)
	// Earlier: the customer gave an address on the way to a ticket, which
	// was closed.
	h.send("a", "пропал интернет дома")
	h.send("a", "1234567")
	h.send("a", "ул. Ленина, 5")
	first := h.send("a", "Вчера").Ticket
	if first == nil {
		t.Fatal("no ticket after the questions")
	}
	if _, err := h.engine.Close(h.ctx, act(first.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	h.send("a", "5") // the rating

	inc := &dialog.Incident{Text: map[string]string{intents.LangRU: "Меняем кабель."}, Intents: []string{"no_internet"},
		Areas: []string{"ленина", "Северный район"}}
	if err := h.engine.OpenIncident(h.ctx, inc); err != nil {
		t.Fatal(err)
	}
	out := h.send("a", "пропал интернет дома")
	if out.Ticket != nil || out.Conversation.Pending != dialog.PendingIncident {
		t.Fatalf("the notice left ticket %v, pending %q", out.Ticket, out.Conversation.Pending)
	}
	h.expect(out, dialog.StateBot, "Мы знаем о проблеме: Меняем кабель.")
	out = h.send("b", "пропал интернет дома")
	h.expect(out, dialog.StateBot, "Сейчас идут работы (ленина, Северный район): Меняем кабель.")
	if strings.Contains(out.Replies[0].Text, "Номер договора") {
		t.Error("the questions were asked along with the notice")
	}

	// Still wanting a person, the customer is asked the intent's own
	// questions first, and the ticket after them is the incident's.
	out = h.send("b", out.Replies[0].Buttons[1])
	if out.Ticket != nil {
		t.Fatalf("a ticket before the intent's questions: %+v", out.Ticket)
	}
	h.expect(out, dialog.StateBot, "Номер договора?")
	h.send("b", "7654321")
	h.send("b", "Северный район, ул. Мира, 3")
	out = h.send("b", "Сегодня")
	if out.Ticket == nil || out.Ticket.IncidentID != inc.ID || out.Ticket.Intent != "no_internet" || len(out.Ticket.Fields) != 3 || out.Ticket.Fields[0].Value != "7654321" {
		t.Fatalf("the ticket after the questions: %+v", out.Ticket)
	}
}

// TestIncidentPersonAfterQuestions: when the handoff asks the
// knowledge base's questions first (a top-level collect:), a customer who
// still wants a person after an incident notice answers them, and the
// ticket made after is linked to the incident all the same.
func TestIncidentPersonAfterQuestions(t *testing.T) {
	h := &harness{t: t, ctx: context.Background(), events: broker.New()}
	cfg := dialog.DefaultConfig
	cfg.Queues = append(cfg.Queues, "retention")
	env := dialogtest.New(t, "testdata/collect_general", cfg, h.events, nil)
	h.engine, h.store = env.Engine, env.Store
	inc := &dialog.Incident{Text: map[string]string{intents.LangRU: "Переезд офиса."}, Intents: []string{"cancel"}}
	if err := h.engine.OpenIncident(h.ctx, inc); err != nil {
		t.Fatal(err)
	}
	h.expect(h.send("a", "хочу расторгнуть договор"), dialog.StateBot, "Переезд офиса.")
	out := h.send("a", "Мне всё равно нужен человек")
	if out.Ticket != nil {
		t.Fatalf("a ticket before the questions: %+v", out.Ticket)
	}
	h.expect(out, dialog.StateBot, "Номер договора?")
	out = h.send("a", "1234567")
	if out.Ticket == nil || out.Ticket.IncidentID != inc.ID || out.Ticket.Intent != "cancel" {
		t.Fatalf("the ticket after the questions: %+v", out.Ticket)
	}
}

// TestIncidentTextEndsASentence: an incident's text written without a
// full stop does not run on into the notice's next sentence.
func TestIncidentTextEndsASentence(t *testing.T) {
	h := newCollectHarness(t)
	inc := &dialog.Incident{Text: map[string]string{intents.LangRU: "Авария на линии", intents.LangEN: "A line failure!"}, Intents: []string{"no_internet"}}
	if err := h.engine.OpenIncident(h.ctx, inc); err != nil {
		t.Fatal(err)
	}
	h.expect(h.send("a", "пропал интернет дома"), dialog.StateBot, "Авария на линии. ")
	out := h.send("b", "my internet is down")
	h.expect(out, dialog.StateBot, "A line failure! ")
	if strings.Contains(out.Replies[0].Text, "!.") {
		t.Errorf("a full stop after the admin's own: %q", out.Replies[0].Text)
	}
}
