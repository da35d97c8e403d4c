package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

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
	// Agents give agents, by user name, shifts of their own:
	// auto-assignment gives an agent tickets only on shift, and within
	// the queue's hours. Zone and holidays default as for queues. Agents
	// not listed are on shift whenever their queue is open.
	Agents map[string]calendarSettings `yaml:"agents"`
}

// calendarSettings are one queue's working hours. The fields are
// calendar.Config's, so that one converts to the other.
type calendarSettings struct {
	Zone     string   `yaml:"zone"`
	Hours    []string `yaml:"hours"`
	Holidays []string `yaml:"holidays"`
}

// calendars builds the working hours by queue, "" for the default, and
// reports the first mistake as a *keyError naming the key at fault.
// Queues without hours of their own or a default are left out: always
// open.
func (h hoursSettings) calendars(queues []string) (map[string]*calendar.Calendar, error) {
	out := map[string]*calendar.Calendar{}
	if len(h.Hours) > 0 || h.Zone != "" || len(h.Holidays) > 0 {
		c := calendarSettings{Zone: h.Zone, Hours: h.Hours, Holidays: h.Holidays}
		cal, err := c.build([]string{"business_hours"})
		if err != nil {
			return nil, err
		}
		out[""] = cal
	}
	for _, q := range slices.Sorted(maps.Keys(h.Queues)) {
		if !slices.Contains(queues, q) {
			return nil, &keyError{path: []string{"business_hours", "queues", q},
				err: fmt.Errorf("business_hours.queues: %q is not one of tickets.queues", q)}
		}
		cal, err := h.inherit(h.Queues[q]).build([]string{"business_hours", "queues", q})
		if err != nil {
			return nil, err
		}
		out[q] = cal
	}
	return out, nil
}

// shifts builds the agents' shifts by user name, and reports the first
// mistake as calendars does.
func (h hoursSettings) shifts() (map[string]*calendar.Calendar, error) {
	out := map[string]*calendar.Calendar{}
	for _, name := range slices.Sorted(maps.Keys(h.Agents)) {
		cal, err := h.inherit(h.Agents[name]).build([]string{"business_hours", "agents", name})
		if err != nil {
			return nil, err
		}
		out[name] = cal
	}
	return out, nil
}

// inherit gives c the default's zone and holidays where it sets none.
func (h hoursSettings) inherit(c calendarSettings) calendarSettings {
	if c.Zone == "" {
		c.Zone = h.Zone
	}
	if c.Holidays == nil {
		c.Holidays = h.Holidays
	}
	return c
}

// build checks c, the calendar under the keys path, and builds it. Its
// error names the key, and the list item, at fault.
func (c calendarSettings) build(path []string) (*calendar.Calendar, error) {
	cal, err := calendar.New(calendar.Config(c))
	if err == nil {
		return cal, nil
	}
	// calendar.New's errors start with the field, and the value in
	// quotes when one is at fault: `hours "mon 9-18": bad time`.
	msg := err.Error()
	field, rest, _ := strings.Cut(msg, " ")
	field = strings.TrimSuffix(field, ":")
	ke := &keyError{path: path, err: fmt.Errorf("%s.%w", strings.Join(path, "."), err)}
	if field == "zone" || field == "hours" || field == "holidays" {
		ke.path = append(slices.Clone(path), field)
		if v, _, ok := strings.Cut(strings.TrimPrefix(rest, `"`), `":`); ok && strings.HasPrefix(rest, `"`) {
			ke.value = v
		}
	}
	return nil, ke
}

// keyError is a mistake in the value of a key of the config file, which
// readConfig reports at the key's line: path are the keys from the top,
// value, when set, the item of a list at fault.
type keyError struct {
	path  []string
	value string
	err   error
}

func (e *keyError) Error() string { return e.err.Error() }

func (e *keyError) Unwrap() error { return e.err }

// keyLine is the line of raw, a config file, where the key path is, or
// the item value of the list there; 0 when it is not found.
func keyLine(raw []byte, path []string, value string) int {
	var doc yaml.Node
	if yaml.Unmarshal(raw, &doc) != nil || len(doc.Content) == 0 {
		return 0
	}
	n, line := doc.Content[0], 0
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
	}
	if n.Kind == yaml.SequenceNode && value != "" {
		for _, item := range n.Content {
			if item.Value == value {
				return item.Line
			}
		}
	}
	if n.Kind == yaml.ScalarNode && n.Value == value {
		return n.Line
	}
	return line
}
