package dialog_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// addAgent stores an agent seen at seen, working queues (all when none).
func (h *harness) addAgent(name string, role dialog.Role, seen time.Time, queues ...string) {
	h.t.Helper()
	err := h.store.Update(h.ctx, func(tx dialog.Tx) error {
		return tx.CreateUser(h.ctx, &dialog.User{Name: name, Role: role, PasswordHash: "x", LastSeenAt: seen, Queues: queues})
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) ticket(number string) *dialog.Ticket {
	h.t.Helper()
	t, err := h.store.TicketByNumber(h.ctx, number)
	if err != nil {
		h.t.Fatal(err)
	}
	return t
}

func TestSLADeadlines(t *testing.T) {
	h := newHarness(t)
	before := time.Now()
	normal := h.send("a", "/human").Ticket
	high := h.send("b", "хочу подать жалобу на качество обслуживания").Ticket // complaint: priority high
	sla := dialog.DefaultConfig.SLA
	for _, c := range []struct {
		t      *dialog.Ticket
		policy dialog.SLA
	}{{normal, sla["normal"]}, {high, sla["high"]}} {
		fr := c.t.FirstResponseDue.Sub(before)
		res := c.t.ResolutionDue.Sub(before)
		if fr < c.policy.FirstResponse || fr > c.policy.FirstResponse+time.Minute ||
			res < c.policy.Resolution || res > c.policy.Resolution+time.Minute {
			t.Errorf("%s (%s): first response in %v, resolution in %v; want %v and %v",
				c.t.Number, c.t.Priority, fr, res, c.policy.FirstResponse, c.policy.Resolution)
		}
		if !c.t.NextDue().Equal(c.t.FirstResponseDue) || c.t.Breached(time.Now()) {
			t.Errorf("%s: next due %v, breached %v", c.t.Number, c.t.NextDue(), c.t.Breached(time.Now()))
		}
	}
	if _, err := h.engine.Reply(h.ctx, act(normal.Number, "Olga"), "Смотрю"); err != nil {
		t.Fatal(err)
	}
	replied := h.ticket(normal.Number)
	if replied.FirstResponseAt.IsZero() || !replied.NextDue().Equal(replied.ResolutionDue) {
		t.Errorf("after the first reply: first response at %v, next due %v", replied.FirstResponseAt, replied.NextDue())
	}
	if replied.Breached(replied.ResolutionDue.Add(time.Second)) != true {
		t.Error("an open ticket past its resolution deadline is not breached")
	}
}

func TestBreached(t *testing.T) {
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	due := func(d time.Duration) time.Time { return base.Add(d) }
	for _, c := range []struct {
		name string
		t    dialog.Ticket
		now  time.Time
		want bool
	}{
		{"open, in time", dialog.Ticket{Status: dialog.TicketQueued, FirstResponseDue: due(time.Hour), ResolutionDue: due(8 * time.Hour)}, due(30 * time.Minute), false},
		{"open, no reply past due", dialog.Ticket{Status: dialog.TicketQueued, FirstResponseDue: due(time.Hour), ResolutionDue: due(8 * time.Hour)}, due(2 * time.Hour), true},
		{"replied in time", dialog.Ticket{Status: dialog.TicketAssigned, FirstResponseDue: due(time.Hour), FirstResponseAt: due(time.Minute), ResolutionDue: due(8 * time.Hour)}, due(2 * time.Hour), false},
		{"replied late", dialog.Ticket{Status: dialog.TicketAssigned, FirstResponseDue: due(time.Hour), FirstResponseAt: due(90 * time.Minute), ResolutionDue: due(8 * time.Hour)}, due(2 * time.Hour), true},
		{"closed in time", dialog.Ticket{Status: dialog.TicketClosed, FirstResponseDue: due(time.Hour), FirstResponseAt: due(time.Minute), ResolutionDue: due(8 * time.Hour), ClosedAt: due(time.Hour)}, due(100 * time.Hour), false},
		{"closed late", dialog.Ticket{Status: dialog.TicketClosed, FirstResponseDue: due(time.Hour), FirstResponseAt: due(time.Minute), ResolutionDue: due(8 * time.Hour), ClosedAt: due(9 * time.Hour)}, due(100 * time.Hour), true},
		{"closed without a reply after the deadline", dialog.Ticket{Status: dialog.TicketClosed, FirstResponseDue: due(time.Hour), ClosedAt: due(2 * time.Hour)}, due(3 * time.Hour), true},
		{"no policy", dialog.Ticket{Status: dialog.TicketQueued}, due(1000 * time.Hour), false},
	} {
		if got := c.t.Breached(c.now); got != c.want {
			t.Errorf("%s: breached = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNotesStayInternal(t *testing.T) {
	h := newHarness(t)
	ticket := h.send("c", "/human").Ticket
	note, err := h.engine.Note(h.ctx, act(ticket.Number, "Olga"), "клиент VIP, не забыть скидку")
	if err != nil || note.Author != dialog.AuthorNote || note.AuthorName != "Olga" {
		t.Fatalf("note = %+v, %v", note, err)
	}
	public, err := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: ticket.ConversationID, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range public {
		if strings.Contains(m.Text, "VIP") {
			t.Errorf("the customer can see the note: %+v", m)
		}
	}
	if h.ticket(ticket.Number).Status != dialog.TicketQueued {
		t.Error("a note changed the ticket's status")
	}
	if _, err := h.engine.Note(h.ctx, act(ticket.Number, "Olga"), " "); dialog.ErrorCode(err) != dialog.EINVALID {
		t.Errorf("empty note: %v", err)
	}
	// Closed tickets still take notes.
	if _, err := h.engine.Close(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Note(h.ctx, act(ticket.Number, "Olga"), "итог: перезагрузка помогла"); err != nil {
		t.Errorf("note on a closed ticket: %v", err)
	}
}

func TestTransfer(t *testing.T) {
	h := newHarness(t)
	ticket := h.send("c", "/human").Ticket
	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	moved, err := h.engine.Transfer(h.ctx, act(ticket.Number, "Olga"), "second_line", "нужен инженер")
	if err != nil {
		t.Fatal(err)
	}
	if moved.Queue != "second_line" || moved.Status != dialog.TicketQueued || moved.Assignee != "" {
		t.Errorf("after transfer: %+v", moved)
	}
	conv, _ := h.store.Conversation(h.ctx, ticket.ConversationID)
	if conv.State != dialog.StateQueued {
		t.Errorf("conversation state %s, want queued", conv.State)
	}
	msgs, _ := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: ticket.ConversationID})
	if last := msgs[len(msgs)-1]; last.Author != dialog.AuthorNote || last.Text != "first_line → second_line: нужен инженер" {
		t.Errorf("transfer note = %+v", last)
	}
	for _, c := range []struct {
		queue string
		code  string
	}{{"second_line", dialog.ECONFLICT}, {"fourth_line", dialog.EINVALID}, {"", dialog.EINVALID}} {
		if _, err := h.engine.Transfer(h.ctx, act(ticket.Number, "Olga"), c.queue, ""); dialog.ErrorCode(err) != c.code {
			t.Errorf("transfer to %q: %v, want %s", c.queue, err, c.code)
		}
	}
}

func TestStaleForm(t *testing.T) {
	h := newHarness(t)
	ticket := h.send("c", "/human").Ticket
	// The engine's clock stands still: two changes at one instant must
	// still tell a stale form from a fresh one.
	frozen := h.engine.Now()
	h.engine.SetClock(func() time.Time { return frozen })
	seen := ticket.Version
	if _, err := h.engine.Take(h.ctx, dialog.TicketAction{Number: ticket.Number, Agent: "Ivan", Version: seen}); err != nil {
		t.Fatalf("take with a fresh version: %v", err)
	}
	// Olga's page still shows the ticket as it was before Ivan took it.
	stale := dialog.TicketAction{Number: ticket.Number, Agent: "Olga", Version: seen}
	if _, err := h.engine.Close(h.ctx, stale); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("close from a stale form: %v, want conflict", err)
	}
	if _, err := h.engine.Transfer(h.ctx, stale, "second_line", ""); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("transfer from a stale form: %v, want conflict", err)
	}
	if got := h.ticket(ticket.Number); got.Status != dialog.TicketAssigned || got.Assignee != "Ivan" || got.Queue != "first_line" {
		t.Errorf("a stale form changed the ticket: %+v", got)
	}
}

func TestReopenWithinWindow(t *testing.T) {
	h := newHarness(t)
	first := h.send("c", "/human").Ticket
	if _, err := h.engine.Reply(h.ctx, act(first.Number, "Olga"), "Готово"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Close(h.ctx, act(first.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	// A question the bot can answer does not reopen anything.
	out := h.send("c", "как оплатить интернет")
	h.expect(out, dialog.StateBot, "Оплатить можно картой")
	// Needing a person again within the window reopens the same ticket.
	out = h.send("c", "/human")
	if out.Ticket == nil || out.Ticket.ID != first.ID {
		t.Fatalf("ticket %+v, want %s reopened", out.Ticket, first.Number)
	}
	got := h.ticket(first.Number)
	if got.Status != dialog.TicketQueued || got.Reopens != 1 || !got.ClosedAt.IsZero() || got.Assignee != "" ||
		!got.FirstResponseAt.IsZero() || got.FirstResponseDue.Before(first.FirstResponseDue) {
		t.Errorf("reopened ticket = %+v", got)
	}
	h.expect(out, dialog.StateQueued, first.Number)
	all, _ := h.store.Tickets(h.ctx, dialog.TicketFilter{ConversationID: first.ConversationID})
	if len(all) != 1 {
		t.Errorf("%d tickets, want the one reopened", len(all))
	}
}

func TestNewTicketAfterWindow(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) { c.ReopenWindow = time.Hour })
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h.engine.SetClock(func() time.Time { return clock })
	first := h.send("c", "/human").Ticket
	if _, err := h.engine.Close(h.ctx, act(first.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Hour + time.Microsecond) // just past the window
	out := h.send("c", "/human")
	if out.Ticket == nil || out.Ticket.ID == first.ID || out.Ticket.Reopens != 0 {
		t.Errorf("after the window: ticket %+v, want a new one", out.Ticket)
	}
}

func TestAutoAssign(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) { c.AutoAssign = true })
	now := time.Now()
	h.addAgent("anna", dialog.RoleAgent, now)
	h.addAgent("boris", dialog.RoleAgent, now)
	h.addAgent("away", dialog.RoleAgent, now.Add(-time.Hour))  // not online
	h.addAgent("second", dialog.RoleAgent, now, "second_line") // other queue
	h.addAgent("watcher", dialog.RoleAnalyst, now)             // cannot work tickets
	h.addAgent("boss", dialog.RoleAdmin, now)                  // admins take tickets by hand only

	var got []string
	for i, chat := range []string{"a", "b", "c", "d"} {
		out := h.send(chat, "/human")
		if out.Ticket.Status != dialog.TicketAssigned || out.Conversation.State != dialog.StateAgent {
			t.Fatalf("ticket %d: %+v in state %s", i, out.Ticket, out.Conversation.State)
		}
		h.expect(out, dialog.StateAgent, out.Ticket.Number, out.Ticket.Assignee)
		got = append(got, out.Ticket.Assignee)
	}
	// Equal load alternates (round robin); the first tie goes by name.
	if strings.Join(got, ",") != "anna,boris,anna,boris" {
		t.Errorf("assignees = %v", got)
	}
	// The least loaded wins over round robin.
	tickets, _ := h.store.Tickets(h.ctx, dialog.TicketFilter{Assignee: "anna"})
	if _, err := h.engine.Close(h.ctx, act(tickets[0].Number, "anna")); err != nil {
		t.Fatal(err)
	}
	if out := h.send("e", "/human"); out.Ticket.Assignee != "anna" {
		t.Errorf("with anna less loaded, assigned to %s", out.Ticket.Assignee)
	}
	// The second line's agent gets transfers to the second line.
	if moved, err := h.engine.Transfer(h.ctx, act(tickets[0].Number, "anna"), "second_line", ""); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("transferring a closed ticket: %+v %v", moved, err)
	}
	open, _ := h.store.Tickets(h.ctx, dialog.TicketFilter{Assignee: "boris"})
	moved, err := h.engine.Transfer(h.ctx, act(open[0].Number, "boris"), "second_line", "")
	if err != nil || moved.Assignee != "second" || moved.Status != dialog.TicketAssigned {
		t.Errorf("transfer with auto-assignment: %+v %v", moved, err)
	}
}

func TestAutoAssignNobodyOnline(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) { c.AutoAssign = true })
	h.addAgent("away", dialog.RoleAgent, time.Now().Add(-time.Hour))
	out := h.send("a", "/human")
	if out.Ticket.Status != dialog.TicketQueued || out.Ticket.Assignee != "" {
		t.Errorf("with nobody online: %+v", out.Ticket)
	}
}

func TestAutoAssignOnlyItsQueue(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) { c.AutoAssign = true })
	now := time.Now()
	h.addAgent("second", dialog.RoleAgent, now, "second_line", "third_line")
	h.addAgent("boss", dialog.RoleAdmin, now)
	out := h.send("a", "/human")
	if out.Ticket.Queue != "first_line" || out.Ticket.Status != dialog.TicketQueued || out.Ticket.Assignee != "" {
		t.Errorf("with only other queues' agents online: %+v", out.Ticket)
	}
}

// An escalation's automatic assignment is the customer's turn's, as a
// taken ticket is the agent's: "agent joined" answers the customer's
// message and comes back when it is delivered again, and the assignment
// is recorded against it.
func TestAutoAssignAnswersTheMessage(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) { c.AutoAssign = true })
	h.addAgent("anna", dialog.RoleAgent, time.Now())
	in := dialog.Inbound{Channel: "test", ChatID: "c", ExternalID: "x", Text: dialog.CommandHuman}
	out, err := h.engine.Handle(h.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Replies) != 2 || out.Replies[1].Author != dialog.AuthorSystem || out.Replies[1].ReplyTo != out.Message.ID {
		t.Fatalf("replies %+v, want the escalation and the system's reply to message %d", out.Replies, out.Message.ID)
	}
	again, err := h.engine.Handle(h.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Duplicate || len(again.Replies) != 2 || again.Replies[1].ID != out.Replies[1].ID {
		t.Errorf("redelivered: duplicate %v, replies %+v; want the first two", again.Duplicate, again.Replies)
	}
	list, err := h.store.Activities(h.ctx, dialog.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	assigned := 0
	for _, a := range list {
		if a.Kind == dialog.ActivityAssigned || a.Kind == dialog.ActivityMessageOut {
			if a.MessageID != out.Message.ID {
				t.Errorf("%s recorded against message %d, want %d", a.Kind, a.MessageID, out.Message.ID)
			}
			if a.Kind == dialog.ActivityAssigned {
				assigned++
			}
		}
	}
	if assigned != 1 {
		t.Errorf("%d assignments recorded, want 1", assigned)
	}
}

func TestEvents(t *testing.T) {
	h := newHarness(t)
	events, cancel := h.events.Subscribe()
	defer cancel()
	// The engine publishes before it returns, so an event not there yet
	// is not coming: nothing to wait for.
	next := func() dialog.Event {
		t.Helper()
		select {
		case e := <-events:
			return e
		default:
			t.Fatal("no event")
		}
		return dialog.Event{}
	}

	h.send("c", "привет")
	if e := next(); e.Kind != dialog.EventMessage || e.TicketNumber != "" {
		t.Errorf("bot message event = %+v", e)
	}
	ticket := h.send("c", "/human").Ticket
	if e := next(); e.Kind != dialog.EventMessage || e.TicketNumber != ticket.Number {
		t.Errorf("escalation message event = %+v", e)
	}
	if e := next(); e.Kind != dialog.EventTicket || e.TicketNumber != ticket.Number || e.Queue != "first_line" {
		t.Errorf("new ticket event = %+v", e)
	}
	h.send("c", "алло?")
	if e := next(); e.Kind != dialog.EventMessage || e.TicketNumber != ticket.Number {
		t.Errorf("message to a queued ticket = %+v", e)
	}
	if _, err := h.engine.Take(h.ctx, act(ticket.Number, "Olga")); err != nil {
		t.Fatal(err)
	}
	if e := next(); e.Kind != dialog.EventMessage { // "agent joined"
		t.Errorf("take: first event = %+v", e)
	}
	if e := next(); e.Kind != dialog.EventTicket || e.TicketNumber != ticket.Number {
		t.Errorf("take: ticket event = %+v", e)
	}
	// A failed action publishes nothing.
	if _, err := h.engine.Reply(h.ctx, act(ticket.Number, "Olga"), ""); err == nil {
		t.Fatal("empty reply accepted")
	}
	select {
	case e := <-events:
		t.Errorf("a failed action published %+v", e)
	default:
	}
}

func TestActionsStayInQueue(t *testing.T) {
	h := newHarness(t)
	events, cancel := h.events.Subscribe()
	defer cancel()
	first := &dialog.User{Name: "olga", Role: dialog.RoleAgent, Queues: []string{"first_line"}}
	second := &dialog.User{Name: "ivan", Role: dialog.RoleAgent, Queues: []string{"second_line"}}
	as := func(u *dialog.User, number string) dialog.TicketAction {
		return dialog.TicketAction{Number: number, Agent: u.Name, User: u}
	}
	ticket := h.send("c", "/human").Ticket // first_line

	// The second line's agent cannot act on a first line ticket: to them
	// it does not exist.
	before := h.ticket(ticket.Number)
	for name, do := range map[string]func() error{
		"take":  func() error { _, err := h.engine.Take(h.ctx, as(second, ticket.Number)); return err },
		"reply": func() error { _, err := h.engine.Reply(h.ctx, as(second, ticket.Number), "hello"); return err },
		"note":  func() error { _, err := h.engine.Note(h.ctx, as(second, ticket.Number), "hello"); return err },
		"transfer": func() error {
			_, err := h.engine.Transfer(h.ctx, as(second, ticket.Number), "third_line", "")
			return err
		},
		"close": func() error { _, err := h.engine.Close(h.ctx, as(second, ticket.Number)); return err },
	} {
		if err := do(); dialog.ErrorCode(err) != dialog.ENOTFOUND || !strings.Contains(err.Error(), ticket.Number+" not found") {
			t.Errorf("%s by another queue's agent: %v, want not found", name, err)
		}
	}
	if got := h.ticket(ticket.Number); !got.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("another queue's agent changed the ticket: %+v", got)
	}

	for len(events) > 0 {
		<-events
	}
	// The first line's agent works it, and hands it to the second line.
	if _, err := h.engine.Take(h.ctx, as(first, ticket.Number)); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Transfer(h.ctx, as(first, ticket.Number), "second_line", "needs an engineer"); err != nil {
		t.Fatal(err)
	}
	var moved dialog.Event
	for len(events) > 0 {
		if e := <-events; e.Kind == dialog.EventTicket {
			moved = e
		}
	}
	if moved.Queue != "second_line" || moved.FromQueue != "first_line" {
		t.Errorf("transfer event = %+v, want from first_line to second_line", moved)
	}
	// Now it is the second line's, and the first line's agent has lost it.
	if _, err := h.engine.Note(h.ctx, as(first, ticket.Number), "one more thing"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("note after transferring away: %v, want not found", err)
	}
	if _, err := h.engine.Take(h.ctx, as(second, ticket.Number)); err != nil {
		t.Errorf("take by the second line: %v", err)
	}
	// Other actions on the ticket name no queue they left.
	for len(events) > 0 {
		if e := <-events; e.FromQueue != "" {
			t.Errorf("take published %+v", e)
		}
	}
	// An agent of every queue, and a program acting on its own, act anywhere.
	all := &dialog.User{Name: "petr", Role: dialog.RoleAgent}
	if _, err := h.engine.Note(h.ctx, as(all, ticket.Number), "seen"); err != nil {
		t.Errorf("note by an agent of every queue: %v", err)
	}
	if _, err := h.engine.Note(h.ctx, act(ticket.Number, "Agent"), "seen"); err != nil {
		t.Errorf("note without a user: %v", err)
	}
}

// A ticket another queue's agent may not see is not found, even when its
// conversation changed under the action: the answer tells them nothing
// about it.
func TestActionOnHiddenTicketWhoseConversationChanged(t *testing.T) {
	h := newHarness(t)
	ticket := h.send("c", "/human").Ticket // first_line
	log := slog.New(slog.DiscardHandler)
	engine := dialog.NewEngine(movedStore{h.store}, dialogtest.KB(t, "testdata/intents"), broker.New(), dialog.DefaultConfig, log)
	for _, c := range []struct {
		user *dialog.User
		code string
	}{
		{&dialog.User{Name: "ivan", Role: dialog.RoleAgent, Queues: []string{"second_line"}}, dialog.ENOTFOUND},
		{&dialog.User{Name: "olga", Role: dialog.RoleAgent, Queues: []string{"first_line"}}, dialog.ECONFLICT},
	} {
		_, err := engine.Note(h.ctx, dialog.TicketAction{Number: ticket.Number, Agent: c.user.Name, User: c.user}, "hello")
		if dialog.ErrorCode(err) != c.code {
			t.Errorf("note by %s: %v, want %s", c.user.Name, err, c.code)
		}
	}
}

// movedStore is a store in which every conversation's chat has moved to
// another conversation by the time a transaction holds it, as when the
// conversation is erased at that moment.
type movedStore struct{ dialog.Store }

func (s movedStore) Update(ctx context.Context, fn func(tx dialog.Tx) error) error {
	return s.Store.Update(ctx, func(tx dialog.Tx) error { return fn(movedTx{tx}) })
}

type movedTx struct{ dialog.Tx }

func (tx movedTx) EnsureConversation(ctx context.Context, channel, chatID string) (*dialog.Conversation, error) {
	c, err := tx.Tx.EnsureConversation(ctx, channel, chatID)
	if err != nil {
		return nil, err
	}
	moved := *c
	moved.ID += 1000
	return &moved, nil
}
