package main

import (
	"fmt"
	"slices"

	"github.com/firstline-support/firstline/dialog/calendar"
)

// hoursSettings are business_hours: the working hours SLA deadlines count
// and the escalation message speaks of. With no hours, tickets' queues
// are always open.
type hoursSettings struct {
	Zone     string   `yaml:"zone"`
	Hours    []string `yaml:"hours"`
	Holidays []string `yaml:"holidays"`
	// Queues give queues of tickets.queues their own hours; a queue's zone
	// and holidays, when it sets none, are the default's.
	Queues map[string]calendarSettings `yaml:"queues"`
}

// calendarSettings are one queue's working hours. The fields are
// calendar.Config's, so that one converts to the other.
type calendarSettings struct {
	Zone     string   `yaml:"zone"`
	Hours    []string `yaml:"hours"`
	Holidays []string `yaml:"holidays"`
}

// calendars builds the working hours by queue, "" for the default, and
// reports the first mistake with the keys it is under. Queues without
// hours of their own or a default are left out: always open.
func (h hoursSettings) calendars(queues []string) (map[string]*calendar.Calendar, error) {
	out := map[string]*calendar.Calendar{}
	if len(h.Hours) > 0 || h.Zone != "" || len(h.Holidays) > 0 {
		cal, err := calendar.New(calendar.Config{Zone: h.Zone, Hours: h.Hours, Holidays: h.Holidays})
		if err != nil {
			return nil, fmt.Errorf("business_hours.%w", err)
		}
		out[""] = cal
	}
	for q, c := range h.Queues {
		if !slices.Contains(queues, q) {
			return nil, fmt.Errorf("business_hours.queues: %q is not one of tickets.queues", q)
		}
		if c.Zone == "" {
			c.Zone = h.Zone
		}
		if c.Holidays == nil {
			c.Holidays = h.Holidays
		}
		cal, err := calendar.New(calendar.Config(c))
		if err != nil {
			return nil, fmt.Errorf("business_hours.queues.%s.%w", q, err)
		}
		out[q] = cal
	}
	return out, nil
}
