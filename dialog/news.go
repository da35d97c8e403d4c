package dialog

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/firstline-support/firstline/dialog/calendar"
	"github.com/firstline-support/firstline/intents"
)

// defaultQueueNames name the default queues for customers when the config
// names them not.
var defaultQueueNames = map[string]map[string]string{
	"first_line":  {intents.LangRU: "первая линия поддержки", intents.LangEN: "the first line of support"},
	"second_line": {intents.LangRU: "вторая линия поддержки", intents.LangEN: "the second line of support"},
	"third_line":  {intents.LangRU: "третья линия поддержки", intents.LangEN: "the third line of support"},
}

// queueName is the name of queue a customer reads in lang: the config's
// name in lang, then in the other language, then the built-in name of a
// default queue, then the id itself.
func (e *Engine) queueName(queue, lang string) string {
	for _, names := range []map[string]map[string]string{e.cfg.QueueNames, defaultQueueNames} {
		byLang := names[queue]
		if s := byLang[lang]; s != "" {
			return s
		}
		for _, l := range intents.Languages {
			if s := byLang[l]; s != "" {
				return s
			}
		}
	}
	return queue
}

// DefaultNewsInterval is how often LateNotices looks for deadlines near.
const DefaultNewsInterval = time.Minute

// LateNotices tells customers, before an SLA deadline of their open
// ticket is missed, that it runs late and until when (the shared message
// late_notice), Config.LateNoticeBefore ahead, once per deadline. With
// business hours that is working time of the ticket's queue, and nothing
// is sent while the queue is closed; see lateEstimate for the time told.
// It is
// safe to run in several processes over one database and across
// restarts: a notice is sent in the same transaction that claims its
// deadline on the ticket (Tx.ClaimLateNotice), so exactly one of them
// sends it.
type LateNotices struct {
	engine   *Engine
	interval time.Duration
	log      *slog.Logger
}

// NewLateNotices returns a sweep that looks every interval
// (DefaultNewsInterval when zero).
func NewLateNotices(e *Engine, interval time.Duration, log *slog.Logger) *LateNotices {
	if interval <= 0 {
		interval = DefaultNewsInterval
	}
	return &LateNotices{engine: e, interval: interval, log: log}
}

// Run sends what is due at once and then every interval, until ctx is
// done. Failures are logged and tried again at the next interval. It
// returns at once when Config.LateNoticeBefore is 0.
func (n *LateNotices) Run(ctx context.Context) {
	if n.engine.cfg.LateNoticeBefore <= 0 {
		return
	}
	tick := time.NewTicker(n.interval)
	defer tick.Stop()
	for {
		if _, err := n.Sweep(ctx); err != nil && ctx.Err() == nil {
			n.log.Warn("late notices failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// noticeAgent is who the engine's own ticket actions are recorded as
// acting; the messages they send are the system's.
const noticeAgent = "firstline"

// Sweep sends the late notices due now, each in a transaction of its
// own, and reports how many it sent. A ticket whose notice fails is
// logged and tried again at the next sweep.
func (n *LateNotices) Sweep(ctx context.Context) (sent int, err error) {
	e := n.engine
	before := e.cfg.LateNoticeBefore
	if before <= 0 {
		return 0, nil
	}
	now := e.Now()
	// The window is working time: list as far ahead as it reaches in
	// the hours of any queue; lateNotice checks each ticket's own.
	until := now.Add(before)
	for _, cal := range e.cfg.Hours {
		if u := cal.Add(now, before); u.After(until) {
			until = u
		}
	}
	due, err := e.store.DeadlinesDue(ctx, now, until)
	if err != nil {
		return 0, fmt.Errorf("list deadlines due: %w", err)
	}
	for _, d := range due {
		if !e.noticeWindow(ctx, d, now) {
			continue // not yet in its queue's working time: no transaction for it
		}
		ok, err := e.lateNotice(ctx, d)
		switch {
		case err != nil && ctx.Err() != nil:
			return sent, err
		case err != nil:
			n.log.Warn("late notice failed", "ticket", d.TicketNumber, "deadline", d.Kind, "err", err)
		case ok:
			sent++
		}
	}
	return sent, nil
}

// noticeWindow reports whether d may be noticed at now as its ticket's
// queue is: open, with the deadline no more than LateNoticeBefore of
// working time away. A ticket that cannot be read is left to lateNotice,
// which reports why.
func (e *Engine) noticeWindow(ctx context.Context, d Deadline, now time.Time) bool {
	t, err := e.store.Ticket(ctx, d.TicketID)
	if err != nil {
		return true
	}
	cal := e.calendar(t.Queue)
	return cal.Open(now) && cal.WorkingBetween(now, d.Due) <= e.cfg.LateNoticeBefore
}

// lateNotice tells the customer of d's ticket that it runs late, unless
// the ticket changed since d was listed (answered, closed, a new
// deadline) or the notice was claimed already.
func (e *Engine) lateNotice(ctx context.Context, d Deadline) (bool, error) {
	sent := false
	err := e.agentTx(ctx, TicketAction{Number: d.TicketNumber, Agent: noticeAgent}, false, func(at *agentTurn) error {
		t := at.ticket
		if t.Status == TicketWaiting {
			return nil // its clock stands still until the customer answers
		}
		switch d.Kind {
		case DeadlineFirstResponse:
			if !t.FirstResponseAt.IsZero() || !t.FirstResponseDue.Equal(d.Due) {
				return nil
			}
		case DeadlineResolution:
			if !t.ResolutionDue.Equal(d.Due) {
				return nil
			}
		}
		now, cal := at.tx.Now(), e.ticketCalendar(t)
		// Out of hours nobody can do anything about it yet, and the
		// window is working time: the notice waits for its turn.
		if !cal.Open(now) || cal.WorkingBetween(now, d.Due) > e.cfg.LateNoticeBefore {
			return nil
		}
		ok, err := at.tx.ClaimLateNotice(ctx, t.ID, d.Kind, d.Due)
		if err != nil || !ok {
			return err
		}
		until, err := e.lateEstimate(ctx, at.tx, t, d.Due, now)
		if err != nil {
			return err
		}
		lang := at.conv.Lang
		v := ticketVars(at.set, at.conv, t, lang, now, cal)
		v["due"] = e.clockTime(until, now, e.zone(cal))
		if _, err := at.send(AuthorSystem, "", at.set.Messages.Render(intents.MsgLateNotice, lang, v), nil); err != nil {
			return err
		}
		sent = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("late notice for ticket %s: %w", d.TicketNumber, err)
	}
	return sent, nil
}

// zone is the time zone a customer of a queue with working hours cal is
// told times in: the calendar's, else Config.Location, else the server's.
func (e *Engine) zone(cal *calendar.Calendar) *time.Location {
	switch {
	case cal != nil:
		return cal.Location()
	case e.cfg.Location != nil:
		return e.cfg.Location
	}
	return time.Local
}

// clockTime is t as a customer reads it in loc: "18:30" on the day of
// now, "5 Mar 18:30" on another.
func (e *Engine) clockTime(t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("2 Jan 15:04")
}

// lateEstimate is when a late notice sent at now says the ticket t, due
// at due, will be seen to: the deadline, unless no agent of its queue is
// on shift before it (Config.Shifts), and then the notice window
// (Config.LateNoticeBefore) of working time after the first shift of one
// of them starts, a promise no sooner than someone can keep.
func (e *Engine) lateEstimate(ctx context.Context, tx Tx, t *Ticket, due, now time.Time) (time.Time, error) {
	users, err := tx.Users(ctx)
	if err != nil {
		return time.Time{}, err
	}
	cal := e.calendar(t.Queue)
	staffed, found := time.Time{}, false
	for _, u := range users {
		if u.Disabled || u.Role != RoleAgent || !u.WorksQueue(t.Queue) {
			continue
		}
		at := bothOpen(cal, e.shift(u.Name), now)
		if !found || at.Before(staffed) {
			staffed, found = at, true
		}
	}
	if !found || staffed.Before(due) {
		return due, nil
	}
	return cal.Add(staffed, e.cfg.LateNoticeBefore), nil
}

// bothOpen is the first time from t on at which both calendars are open;
// it gives up, with the last time tried, after a few weeks of shifts that
// never meet the queue's hours.
func bothOpen(a, b *calendar.Calendar, t time.Time) time.Time {
	for range 64 {
		at := b.NextOpen(a.NextOpen(t))
		if a.Open(at) {
			return at
		}
		t = at
	}
	return t
}
