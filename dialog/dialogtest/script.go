package dialogtest

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// Script drives an engine through conversations on a clock of its own, for
// tests of what the engine records: the analytics events and the reports
// and pages made of them. Every step happens at the time the script is at,
// which only At, Set and Play move; customers are all called Анна.
type Script struct {
	t      testing.TB
	engine *dialog.Engine
	day    time.Time
	clock  time.Time
	seq    int
	plan   []step

	// Tickets holds the number of each chat's last ticket, by chat id,
	// for the agents' actions.
	Tickets map[string]string
}

// step is a step planned with Later.
type step struct {
	at time.Time
	do func()
}

// NewScript returns a script for engine, which from now on reads the time
// from the script. At counts days from day; the clock starts there.
func NewScript(t testing.TB, engine *dialog.Engine, day time.Time) *Script {
	s := &Script{t: t, engine: engine, day: day, clock: day, Tickets: map[string]string{}}
	engine.SetClock(func() time.Time { return s.clock })
	return s
}

// At moves the clock to hh:mm of the script's day, days later (earlier
// when negative).
func (s *Script) At(days, hh, mm int) {
	s.clock = s.day.AddDate(0, 0, days).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
}

// Set moves the clock to at.
func (s *Script) Set(at time.Time) {
	s.clock = at
}

// Say sends text as the customer of chat on channel and returns what the
// engine made of it. The number of the conversation's ticket, if it has
// one, is kept in Tickets.
func (s *Script) Say(channel, chat, text string) *dialog.Outcome {
	s.t.Helper()
	s.seq++
	out, err := s.engine.Handle(s.t.Context(), dialog.Inbound{
		Channel: channel, ChatID: chat, ExternalID: strconv.Itoa(s.seq), CustomerName: "Анна", Text: text,
	})
	if err != nil {
		s.t.Fatalf("%s says %q: %v", chat, text, err)
	}
	if out.Ticket != nil {
		s.Tickets[chat] = out.Ticket.Number
	}
	return out
}

// Web is Say on the web chat.
func (s *Script) Web(chat, text string) *dialog.Outcome {
	s.t.Helper()
	return s.Say("webchat", chat, text)
}

// Expect is Say that checks that the message escalated the conversation
// for reason, into the ticket that the last reply tells the customer of,
// or that it did not escalate when reason is empty.
func (s *Script) Expect(channel, chat, text, reason string) {
	s.t.Helper()
	out := s.Say(channel, chat, text)
	escalated := out.Escalation != "" && out.Ticket != nil && out.Conversation.State == dialog.StateQueued &&
		out.Conversation.TicketID == out.Ticket.ID &&
		len(out.Replies) > 0 && out.Replies[len(out.Replies)-1].TicketID == out.Ticket.ID
	if out.Escalation != reason || escalated != (reason != "") {
		s.t.Fatalf("%s says %q: escalated %v for %q, want %q; replies %d, ticket %+v",
			chat, text, escalated, out.Escalation, reason, len(out.Replies), out.Ticket)
	}
}

// action is the agent's action on chat's last ticket.
func (s *Script) action(chat, agent string) dialog.TicketAction {
	return dialog.TicketAction{Number: s.Tickets[chat], Agent: agent}
}

// check fails the test when an agent's action failed.
func (s *Script) check(what, chat string, err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatalf("%s %s's ticket %s: %v", what, chat, s.Tickets[chat], err)
	}
}

// Take has agent take chat's last ticket.
func (s *Script) Take(chat, agent string) {
	s.t.Helper()
	_, err := s.engine.Take(s.t.Context(), s.action(chat, agent))
	s.check(agent+" takes", chat, err)
}

// Reply has agent reply text on chat's last ticket.
func (s *Script) Reply(chat, agent, text string) {
	s.t.Helper()
	_, err := s.engine.Reply(s.t.Context(), s.action(chat, agent), text)
	s.check(agent+" replies to", chat, err)
}

// Transfer has agent move chat's last ticket to queue.
func (s *Script) Transfer(chat, agent, queue string) {
	s.t.Helper()
	_, err := s.engine.Transfer(s.t.Context(), s.action(chat, agent), queue, "")
	s.check(agent+" transfers", chat, err)
}

// Close has agent close chat's last ticket.
func (s *Script) Close(chat, agent string) {
	s.t.Helper()
	_, err := s.engine.Close(s.t.Context(), s.action(chat, agent))
	s.check(agent+" closes", chat, err)
}

// Later plans do for the time at, for scripts made out of order; Play
// runs what is planned.
func (s *Script) Later(at time.Time, do func()) {
	s.plan = append(s.plan, step{at: at, do: do})
}

// Play runs the steps planned with Later in the order of their times (of
// equal times, in the order planned), each with the clock at its time,
// up to but not including until; the rest are dropped.
func (s *Script) Play(until time.Time) {
	s.t.Helper()
	slices.SortStableFunc(s.plan, func(a, b step) int { return a.at.Compare(b.at) })
	for _, st := range s.plan {
		if !st.at.Before(until) {
			break
		}
		s.clock = st.at
		st.do()
	}
	s.plan = nil
}
