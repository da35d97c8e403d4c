package dialog

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/firstline-support/firstline/intents"
)

// Wait puts a ticket on hold for the customer's answer (TicketWaiting):
// the agent, who takes it first when nobody holds it, sends text when it
// is not empty, and the customer is told that the agent waits for them
// (the shared message waiting_for_customer). The SLA clock stands still
// until the customer writes, which gives the ticket back to the agent;
// see endWait and WaitingSweep. A ticket waiting already is refused.
func (e *Engine) Wait(ctx context.Context, a TicketAction, text string) (*Ticket, error) {
	var err error
	if text != "" {
		if text, err = checkAgentText(text, "reply"); err != nil {
			return nil, err
		}
	}
	var (
		out  *Ticket
		sent *Message
	)
	err = e.agentTx(ctx, a, false, func(at *agentTurn) error {
		t := at.ticket
		switch {
		case t.Status == TicketWaiting && t.Assignee != a.Agent:
			return Errorf(ECONFLICT, "ticket %s is already taken by %s", t.Number, t.Assignee)
		case t.Status == TicketWaiting:
			return Errorf(ECONFLICT, "ticket %s waits for the customer already", t.Number)
		}
		if text != "" {
			var err error
			if sent, err = at.reply(a.Agent, text); err != nil {
				return err
			}
		} else if err := at.take(a.Agent); err != nil {
			return err
		}
		t.Status = TicketWaiting
		t.WaitingSince, t.RemindedAt = at.tx.Now(), time.Time{}
		if err := at.tx.UpdateTicket(ctx, t); err != nil {
			return err
		}
		if err := at.record(Activity{Kind: ActivityWaiting, Agent: t.Assignee, Queue: t.Queue}); err != nil {
			return err
		}
		out = t
		return at.sayAs(AuthorSystem, intents.MsgWaiting)
	})
	if err != nil {
		return nil, fmt.Errorf("wait for the customer of ticket %s: %w", a.Number, err)
	}
	if sent != nil {
		e.stopTyping(sent.ConversationID)
	}
	return out, nil
}

// endWait ends t's wait for the customer at now, if it waits, leaving it
// assigned to its agent; the caller saves t. The SLA clock stood still
// while it waited, as in Zammad's pending states: each deadline still
// ahead when the wait began moves on by the working time of t's queue the
// wait took. One missed already stays missed.
func (e *Engine) endWait(t *Ticket, now time.Time, by actor) error {
	if t.Status != TicketWaiting {
		return nil
	}
	cal := e.calendar(t.Queue)
	if waited := cal.WorkingBetween(t.WaitingSince, now); waited > 0 {
		if t.FirstResponseAt.IsZero() && t.FirstResponseDue.After(t.WaitingSince) {
			t.FirstResponseDue = cal.Add(t.FirstResponseDue, waited)
		}
		if t.ResolutionDue.After(t.WaitingSince) {
			t.ResolutionDue = cal.Add(t.ResolutionDue, waited)
		}
	}
	t.Status = TicketAssigned
	t.WaitingSince, t.RemindedAt = time.Time{}, time.Time{}
	return by.record(Activity{Kind: ActivityWaitingEnded, Agent: t.Assignee, Queue: t.Queue,
		FirstResponseDue: t.FirstResponseDue, ResolutionDue: t.ResolutionDue})
}

// resume gives a ticket waiting for the customer back to its agent once
// the customer writes, unless p only tells them where it stands. The agent
// hears of the message as of any other: the turn's events name the ticket.
func (t *turn) resume(p plan) error {
	tk := t.ticket
	if tk == nil || tk.Status != TicketWaiting || t.conv.TicketID != tk.ID || p.reaction == reactStatus {
		return nil
	}
	if err := t.e.endWait(tk, t.tx.Now(), t); err != nil {
		return err
	}
	if err := t.tx.UpdateTicket(t.ctx, tk); err != nil {
		return err
	}
	t.ticketChanged = true
	return nil
}

// DefaultWaitingInterval is how often WaitingSweep looks for tickets due.
const DefaultWaitingInterval = time.Minute

// waitingBatch is the most tickets one sweep acts on; the rest wait for
// the next one.
const waitingBatch = 200

// WaitingSweep reminds the customers of tickets waiting for their answer
// once Config.WaitingRemindAfter has passed (the shared message
// waiting_reminder), and closes such tickets Config.WaitingCloseAfter
// later (closed_no_reply). It is safe to run in several processes over
// one database and across restarts: each ticket is read again with its
// conversation held, and the reminder is stamped on it (RemindedAt) in
// the transaction that sends it, so one of them acts and the others find
// nothing left to do.
type WaitingSweep struct {
	engine   *Engine
	interval time.Duration
	log      *slog.Logger
}

// NewWaitingSweep returns a sweep that looks every interval
// (DefaultWaitingInterval when zero).
func NewWaitingSweep(e *Engine, interval time.Duration, log *slog.Logger) *WaitingSweep {
	if interval <= 0 {
		interval = DefaultWaitingInterval
	}
	return &WaitingSweep{engine: e, interval: interval, log: log}
}

// Run sweeps at once and then every interval, until ctx is done.
// Failures are logged and tried again at the next interval. It returns
// at once when neither reminders nor closes are configured.
func (w *WaitingSweep) Run(ctx context.Context) {
	cfg := w.engine.cfg
	if cfg.WaitingRemindAfter <= 0 && cfg.WaitingCloseAfter <= 0 {
		return
	}
	tick := time.NewTicker(w.interval)
	defer tick.Stop()
	for {
		if _, _, err := w.Sweep(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("waiting sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Sweep sends the reminders and closes the tickets due now, each in a
// transaction of its own, and reports how many of each it did. A ticket
// that fails is logged and tried again at the next sweep.
func (w *WaitingSweep) Sweep(ctx context.Context) (reminded, closed int, err error) {
	e := w.engine
	remind, closeAfter := e.cfg.WaitingRemindAfter, e.cfg.WaitingCloseAfter
	now := e.Now()
	var remindBefore, closeBefore time.Time
	if remind > 0 {
		remindBefore = now.Add(-remind)
	}
	if closeAfter > 0 {
		closeBefore = now.Add(-closeAfter)
	}
	if remindBefore.IsZero() && closeBefore.IsZero() {
		return 0, 0, nil
	}
	due, err := e.store.WaitingDue(ctx, remindBefore, closeBefore, waitingBatch)
	if err != nil {
		return 0, 0, fmt.Errorf("list waiting tickets due: %w", err)
	}
	for _, number := range due {
		did, err := e.waitingStep(ctx, number)
		switch {
		case err != nil && ctx.Err() != nil:
			return reminded, closed, err
		case err != nil:
			w.log.Warn("waiting ticket failed", "ticket", number, "err", err)
		case did == intents.MsgWaitingReminder:
			reminded++
		case did == intents.MsgClosedNoReply:
			closed++
		}
	}
	return reminded, closed, nil
}

// waitingStep reminds the customer of a waiting ticket or closes it, as
// is due at the transaction's time, and says which message it sent: ""
// when nothing was due (the customer answered, or another process acted
// first).
func (e *Engine) waitingStep(ctx context.Context, number string) (string, error) {
	did := ""
	err := e.agentTx(ctx, TicketAction{Number: number, Agent: noticeAgent}, true, func(at *agentTurn) error {
		t, now := at.ticket, at.tx.Now()
		if t.Status != TicketWaiting {
			return nil
		}
		remind, closeAfter := e.cfg.WaitingRemindAfter, e.cfg.WaitingCloseAfter
		since := t.WaitingSince
		if remind > 0 {
			if t.RemindedAt.IsZero() {
				if now.Sub(t.WaitingSince) < remind {
					return nil
				}
				t.RemindedAt = now
				if err := at.tx.UpdateTicket(ctx, t); err != nil {
					return err
				}
				did = intents.MsgWaitingReminder
				return at.sayAs(AuthorSystem, intents.MsgWaitingReminder)
			}
			since = t.RemindedAt
		} else if !t.RemindedAt.IsZero() {
			since = t.RemindedAt
		}
		if closeAfter <= 0 || now.Sub(since) < closeAfter {
			return nil
		}
		did = intents.MsgClosedNoReply
		return at.closeNoReply()
	})
	if err != nil {
		return "", fmt.Errorf("waiting ticket %s: %w", number, err)
	}
	return did, nil
}

// closeNoReply closes a ticket whose customer never answered, telling
// them so. It counts as resolved by its agent, like any close; the
// customer is not asked to rate help they did not wait for.
func (at *agentTurn) closeNoReply() error {
	t, now := at.ticket, at.tx.Now()
	if err := at.e.endWait(t, now, at); err != nil {
		return err
	}
	t.Status = TicketClosed
	t.ClosedAt = now
	if err := at.tx.UpdateTicket(at.ctx, t); err != nil {
		return err
	}
	if err := at.record(Activity{Kind: ActivityClosed, Agent: t.Assignee, Queue: t.Queue}); err != nil {
		return err
	}
	at.conv.State = StateClosed
	at.conv.Pending, at.conv.PendingOptions = PendingNone, nil
	return at.sayAs(AuthorSystem, intents.MsgClosedNoReply)
}
