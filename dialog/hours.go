package dialog

import (
	"fmt"
	"time"

	"github.com/firstline-support/firstline/dialog/calendar"
	"github.com/firstline-support/firstline/intents"
)

// calendar is the working hours of a queue: its own, else the default
// (Config.Hours[""]), else nil, which is always open.
func (e *Engine) calendar(queue string) *calendar.Calendar {
	if c, ok := e.cfg.Hours[queue]; ok {
		return c
	}
	return e.cfg.Hours[""]
}

// opensText says when a closed calendar opens next, seen at now, in the
// calendar's time zone: "tomorrow at 09:00" / "завтра в 09:00". It is ""
// when the calendar is open at now.
func opensText(cal *calendar.Calendar, now time.Time, lang string) string {
	if cal.Open(now) {
		return ""
	}
	loc := cal.Location()
	next, today := cal.NextOpen(now).In(loc), now.In(loc)
	clock := next.Format("15:04")
	days := civilDays(today, next)
	ru := lang == intents.LangRU
	switch {
	case days == 0 && ru:
		return "сегодня в " + clock
	case days == 0:
		return "today at " + clock
	case days == 1 && ru:
		return "завтра в " + clock
	case days == 1:
		return "tomorrow at " + clock
	case days < 7 && ru:
		return ruWeekdays[next.Weekday()] + " в " + clock
	case days < 7:
		return "on " + next.Weekday().String() + " at " + clock
	case ru:
		return fmt.Sprintf("%d %s в %s", next.Day(), ruMonths[next.Month()-1], clock)
	default:
		return fmt.Sprintf("on %d %s at %s", next.Day(), next.Month(), clock)
	}
}

// civilDays counts the calendar days from a's date to b's, both in the
// same location.
func civilDays(a, b time.Time) int {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	// Noon UTC avoids the 23- and 25-hour days of DST.
	return int(time.Date(yb, mb, db, 12, 0, 0, 0, time.UTC).Sub(time.Date(ya, ma, da, 12, 0, 0, 0, time.UTC)) / (24 * time.Hour))
}

// ruWeekdays are "on Monday" and so on in Russian, by time.Weekday.
var ruWeekdays = [7]string{"в воскресенье", "в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу"}

// ruMonths are the month names in the genitive, for "12 января".
var ruMonths = [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
	"сентября", "октября", "ноября", "декабря"}

// ticketCalendar is the working hours of t's queue; nil (always open)
// without a ticket.
func (e *Engine) ticketCalendar(t *Ticket) *calendar.Calendar {
	if t == nil {
		return nil
	}
	return e.calendar(t.Queue)
}
