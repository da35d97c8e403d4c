package dialog

import (
	"context"
	"fmt"
	"log/slog"
	"time"

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
// late_notice), Config.LateNoticeBefore ahead, once per deadline. It is
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
	due, err := e.store.DeadlinesDue(ctx, now, now.Add(before))
	if err != nil {
		return 0, fmt.Errorf("list deadlines due: %w", err)
	}
	for _, d := range due {
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

// lateNotice tells the customer of d's ticket that it runs late, unless
// the ticket changed since d was listed (answered, closed, a new
// deadline) or the notice was claimed already.
func (e *Engine) lateNotice(ctx context.Context, d Deadline) (bool, error) {
	sent := false
	err := e.agentTx(ctx, TicketAction{Number: d.TicketNumber, Agent: noticeAgent}, false, func(at *agentTurn) error {
		t := at.ticket
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
		ok, err := at.tx.ClaimLateNotice(ctx, t.ID, d.Kind, d.Due)
		if err != nil || !ok {
			return err
		}
		lang := at.conv.Lang
		v := ticketVars(at.set, at.conv, t, lang, at.tx.Now(), e.ticketCalendar(t))
		v["due"] = e.clockTime(d.Due, at.tx.Now())
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

// clockTime is t as a customer reads it in the engine's time zone: "18:30"
// on the day of now, "5 Mar 18:30" on another.
func (e *Engine) clockTime(t, now time.Time) string {
	loc := e.cfg.Location
	if loc == nil {
		loc = time.Local
	}
	t, now = t.In(loc), now.In(loc)
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("2 Jan 15:04")
}
