package dialog

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/firstline-support/firstline/dialog/calendar"
)

// shift is the working hours of the agent named name (Config.Shifts);
// nil, always on, for an agent without a shift of their own.
func (e *Engine) shift(name string) *calendar.Calendar {
	return e.cfg.Shifts[name]
}

// moveDeadlines moves the SLA deadlines of t, which moved at now from the
// queue from to t.Queue, to the new queue's working hours. The working
// time already spent carries over: what was left of each deadline in the
// old queue's hours is left of it in the new queue's, counted from now.
// A deadline passed already, or a first response given, stays as it
// was.
func (e *Engine) moveDeadlines(t *Ticket, from string, now time.Time) {
	old, cal := e.calendar(from), e.calendar(t.Queue)
	move := func(due time.Time) time.Time {
		if due.IsZero() || !due.After(now) {
			return due
		}
		return cal.Add(now, old.WorkingBetween(now, due))
	}
	if t.FirstResponseAt.IsZero() {
		t.FirstResponseDue = move(t.FirstResponseDue)
	}
	t.ResolutionDue = move(t.ResolutionDue)
}

// DefaultAssignInterval is how often QueuedAssignments looks at the
// queues.
const DefaultAssignInterval = time.Minute

// assignBatch bounds the tickets of one queue one sweep lists.
const assignBatch = 100

// QueuedAssignments gives queued tickets to agents when Config.AutoAssign
// is on: the tickets that were queued while their queue was closed, or
// while no agent of it was online and on shift, go to agents as soon as
// one is, in the order agents work the queue (OrderQueue). Each ticket is
// given in a transaction of its own that checks it is still queued, so
// that replicas sweeping at once give it once.
type QueuedAssignments struct {
	engine   *Engine
	interval time.Duration
	log      *slog.Logger
}

// NewQueuedAssignments returns a sweep that looks every interval
// (DefaultAssignInterval when zero).
func NewQueuedAssignments(e *Engine, interval time.Duration, log *slog.Logger) *QueuedAssignments {
	if interval <= 0 {
		interval = DefaultAssignInterval
	}
	return &QueuedAssignments{engine: e, interval: interval, log: log}
}

// Run sweeps at once and then every interval, until ctx is done.
// Failures are logged and tried again at the next interval. It returns at
// once when Config.AutoAssign is off.
func (q *QueuedAssignments) Run(ctx context.Context) {
	if !q.engine.cfg.AutoAssign {
		return
	}
	tick := time.NewTicker(q.interval)
	defer tick.Stop()
	for {
		if _, err := q.Sweep(ctx); err != nil && ctx.Err() == nil {
			q.log.Warn("assigning queued tickets failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Sweep gives out the queued tickets of every open queue that has an
// agent online and on shift, and reports how many it gave. A queue is
// left at its first ticket nobody could take.
func (q *QueuedAssignments) Sweep(ctx context.Context) (assigned int, err error) {
	e := q.engine
	if !e.cfg.AutoAssign {
		return 0, nil
	}
	now := e.Now()
	users, err := e.store.Users(ctx)
	if err != nil {
		return 0, fmt.Errorf("list users: %w", err)
	}
	for _, queue := range e.cfg.Queues {
		if !e.calendar(queue).Open(now) || !e.anyOnShift(users, queue, now) {
			continue
		}
		tickets, err := e.store.Tickets(ctx, TicketFilter{Statuses: []TicketStatus{TicketQueued}, Queue: queue,
			Order: OrderQueue, Limit: assignBatch})
		if err != nil {
			return assigned, fmt.Errorf("list queued tickets of %s: %w", queue, err)
		}
		for _, t := range tickets {
			ok, err := e.assignQueued(ctx, t.Number, queue)
			if err != nil {
				if ctx.Err() != nil {
					return assigned, err
				}
				q.log.Warn("assigning a queued ticket failed", "ticket", t.Number, "err", err)
				continue
			}
			if !ok {
				break // nobody left to take it: the next sweep looks again
			}
			assigned++
		}
	}
	return assigned, nil
}

// anyOnShift reports whether an enabled agent of queue was online and on
// shift at now: whether the queue is worth a look.
func (e *Engine) anyOnShift(users []*User, queue string, now time.Time) bool {
	for _, u := range users {
		if !u.Disabled && u.Role == RoleAgent && u.WorksQueue(queue) && now.Sub(u.LastSeenAt) <= e.cfg.OnlineWithin &&
			e.shift(u.Name).Open(now) {
			return true
		}
	}
	return false
}

// assignQueued gives the ticket number, if it is still queued in queue,
// to an agent, and reports whether it did: false when nobody could take
// it.
func (e *Engine) assignQueued(ctx context.Context, number, queue string) (bool, error) {
	done, skipped := false, false
	err := e.agentTx(ctx, TicketAction{Number: number, Agent: noticeAgent}, false, func(at *agentTurn) error {
		t := at.ticket
		if t.Status != TicketQueued || t.Assignee != "" || t.Queue != queue {
			skipped = true // taken or moved meanwhile
			return nil
		}
		if err := e.autoAssign(ctx, at.tx, at.conv, t, at); err != nil {
			return err
		}
		done = t.Status == TicketAssigned
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("assign queued ticket %s: %w", number, err)
	}
	return done || skipped, nil
}
