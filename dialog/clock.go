package dialog

import "time"

// SetClock makes the engine read the time from now instead of the wall
// clock, for tests and simulations that need to control time: SLA
// deadlines, the reopen window and the times of messages, tickets and
// analytics events all follow it (the store reads each transaction's time
// from the engine). Call it before the engine handles anything.
func (e *Engine) SetClock(now func() time.Time) {
	e.nowFunc = now
}

// Now is the engine's current time in UTC, to the microsecond the stores
// keep: the wall clock, or the one set with SetClock. Reports made of the
// engine's data ask it what "now" is.
func (e *Engine) Now() time.Time {
	if e.nowFunc == nil {
		return now()
	}
	return e.nowFunc().UTC().Truncate(time.Microsecond)
}
