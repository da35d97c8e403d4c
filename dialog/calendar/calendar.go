// Package calendar is working hours: weekly opening times in a time zone,
// with holidays, and the arithmetic of working time over them.
//
// A nil *Calendar is always open (24/7), so that code with no hours
// configured behaves as if working time were wall-clock time.
//
// Every function walks the opening intervals one day at a time and looks
// no further than Horizon ahead: its cost is bounded by the number of days
// in the horizon, never by the length of a duration in minutes.
package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Horizon is how far ahead the calendar looks for open time. A calendar
// is refused unless it opens at least one day a week, so only a long run
// of holidays can exhaust it; past the horizon, time counts as open.
const Horizon = 2 * 366 * 24 * time.Hour

// horizonDays is Horizon in calendar days.
const horizonDays = 2 * 366

// Config is a calendar as written in the configuration file.
type Config struct {
	// Zone is an IANA time zone, e.g. "Europe/Moscow"; "" is UTC.
	Zone string `yaml:"zone"`
	// Hours are lines of weekdays and a time range: "mon-fri 09:00-18:00",
	// "sat 10:00-16:00", "sun 00:00-24:00". A day may have several ranges;
	// a range may not cross midnight.
	Hours []string `yaml:"hours"`
	// Holidays are dates (2006-01-02) closed all day.
	Holidays []string `yaml:"holidays"`
}

// span is an opening on one day, in minutes from midnight: [from, to).
type span struct{ from, to int }

// Calendar is weekly working hours in a time zone, with holidays.
type Calendar struct {
	loc      *time.Location
	week     [7][]span // by time.Weekday
	holidays map[string]bool
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// New checks c and builds its calendar. Its errors name the line at fault.
func New(c Config) (*Calendar, error) {
	loc, err := time.LoadLocation(c.Zone)
	if err != nil {
		return nil, fmt.Errorf("zone %q: unknown time zone", c.Zone)
	}
	cal := &Calendar{loc: loc, holidays: map[string]bool{}}
	if len(c.Hours) == 0 {
		return nil, fmt.Errorf("hours: at least one line such as \"mon-fri 09:00-18:00\" is needed")
	}
	for _, line := range c.Hours {
		days, sp, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("hours %q: %w", line, err)
		}
		for _, d := range days {
			for _, o := range cal.week[d] {
				if sp.from < o.to && o.from < sp.to {
					return nil, fmt.Errorf("hours %q: overlaps another range on %s", line, strings.ToLower(d.String()[:3]))
				}
			}
			cal.week[d] = insert(cal.week[d], sp)
		}
	}
	for _, h := range c.Holidays {
		d, err := time.Parse(time.DateOnly, h)
		if err != nil {
			return nil, fmt.Errorf("holidays %q: want a date such as 2025-01-01", h)
		}
		cal.holidays[d.Format(time.DateOnly)] = true
	}
	return cal, nil
}

// insert adds sp to a day's spans, keeping them in order.
func insert(spans []span, sp span) []span {
	i := 0
	for i < len(spans) && spans[i].from < sp.from {
		i++
	}
	spans = append(spans, span{})
	copy(spans[i+1:], spans[i:])
	spans[i] = sp
	return spans
}

// parseLine reads "mon-fri 09:00-18:00" or "sat,sun 10:00-16:00".
func parseLine(line string) ([]time.Weekday, span, error) {
	f := strings.Fields(line)
	if len(f) != 2 {
		return nil, span{}, fmt.Errorf("want days and a time range, e.g. \"mon-fri 09:00-18:00\"")
	}
	var days []time.Weekday
	for _, part := range strings.Split(strings.ToLower(f[0]), ",") {
		a, b, isRange := strings.Cut(part, "-")
		da, ok := weekdays[a]
		if !ok {
			return nil, span{}, fmt.Errorf("unknown day %q: use mon, tue, wed, thu, fri, sat, sun", a)
		}
		if !isRange {
			days = append(days, da)
			continue
		}
		db, ok := weekdays[b]
		if !ok {
			return nil, span{}, fmt.Errorf("unknown day %q: use mon, tue, wed, thu, fri, sat, sun", b)
		}
		// Ranges run forward through the week: fri-mon is fri, sat, sun, mon.
		for d := da; ; d = (d + 1) % 7 {
			days = append(days, d)
			if d == db {
				break
			}
		}
	}
	a, b, ok := strings.Cut(f[1], "-")
	if !ok {
		return nil, span{}, fmt.Errorf("want a time range such as 09:00-18:00")
	}
	from, err := parseClock(a)
	if err != nil {
		return nil, span{}, err
	}
	to, err := parseClock(b)
	if err != nil {
		return nil, span{}, err
	}
	if from == 24*60 || to <= from {
		return nil, span{}, fmt.Errorf("the range must end after it starts on the same day (use 24:00 for midnight; split a night shift in two lines)")
	}
	return days, span{from, to}, nil
}

// parseClock reads "09:00" into minutes from midnight; "24:00" is the end
// of the day.
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || len(h) != 2 || len(m) != 2 || err1 != nil || err2 != nil || hh > 24 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("bad time %q: want HH:MM, 00:00 to 24:00", s)
	}
	return hh*60 + mm, nil
}

// Location is the calendar's time zone; UTC for a nil calendar.
func (c *Calendar) Location() *time.Location {
	if c == nil {
		return time.UTC
	}
	return c.loc
}

// each calls fn with the opening intervals that end after t, in order,
// from t's day on for at most Horizon, until fn returns false. It reports
// whether fn stopped it.
func (c *Calendar) each(t time.Time, fn func(start, end time.Time) bool) bool {
	lt := t.In(c.loc)
	y, m, d := lt.Date()
	for i := -1; i < horizonDays; i++ { // from the day before: DST can shift a day's start
		day := time.Date(y, m, d+i, 0, 0, 0, 0, c.loc)
		if c.holidays[day.Format(time.DateOnly)] {
			continue
		}
		for _, sp := range c.week[day.Weekday()] {
			start := time.Date(y, m, d+i, sp.from/60, sp.from%60, 0, 0, c.loc)
			end := time.Date(y, m, d+i, sp.to/60, sp.to%60, 0, 0, c.loc)
			if !end.After(t) || !end.After(start) {
				continue
			}
			if !fn(start, end) {
				return true
			}
		}
	}
	return false
}

// Open reports whether t is in working hours.
func (c *Calendar) Open(t time.Time) bool {
	if c == nil {
		return true
	}
	open := false
	c.each(t, func(start, end time.Time) bool {
		open = !start.After(t)
		return false
	})
	return open
}

// NextOpen is t when the calendar is open at t, else the next opening.
// Past the horizon it gives t.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	if c == nil {
		return t
	}
	next := t
	c.each(t, func(start, end time.Time) bool {
		if start.After(t) {
			next = start
		}
		return false
	})
	return next
}

// Add is the time d of working time after t: a deadline of d counted in
// working hours. Working time past the horizon counts as wall-clock time.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	if c == nil || d < 0 {
		return t.Add(d)
	}
	at, left := t, d
	if c.each(t, func(start, end time.Time) bool {
		if start.Before(t) {
			start = t
		}
		if end.Sub(start) >= left {
			at = start.Add(left)
			return false
		}
		left -= end.Sub(start)
		at = end
		return true
	}) {
		return at
	}
	return at.Add(left)
}

// WorkingBetween is the working time from a to b; 0 when b is not after a.
// Only the horizon after a is counted.
func (c *Calendar) WorkingBetween(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c == nil {
		return b.Sub(a)
	}
	var sum time.Duration
	c.each(a, func(start, end time.Time) bool {
		if !start.Before(b) {
			return false
		}
		if start.Before(a) {
			start = a
		}
		if end.After(b) {
			end = b
		}
		sum += end.Sub(start)
		return true
	})
	return sum
}
