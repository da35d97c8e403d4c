package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/intents"
)

const incidentUsage = `Usage:
  firstline incident open --intents a,b --text-ru TEXT --text-en TEXT [--areas "A; B"] [--until TIME] [--starts TIME] [--by NAME]
  firstline incident update ID [--intents a,b] [--text-ru TEXT] [--text-en TEXT] [--areas "A; B"] [--until TIME|none] [--starts TIME]
  firstline incident close ID [--text-ru TEXT] [--text-en TEXT]
  firstline incident list

Every subcommand also takes --config FILE and --data DIR, after ID.
An incident is a known outage or planned works: while it is open,
customers asking about one of its intents hear its text first and may ask
to be told when it is over. A start in the future (--starts) makes planned
works, told of from then on. Areas are separated by semicolons (an address
may hold commas); "--areas ''" clears them. TIME is 2026-12-04T18:00 in
the time zone of the default queue's business hours (else the server's),
or RFC 3339. The intents are checked against the config's knowledge base
when it loads here. "close" leaves telling the customers to the running
server, which does it within a quarter of a minute.
`

func cmdIncident(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, incidentUsage)
		return usageError{errors.New("missing subcommand")}
	}
	subcommands := map[string]func(context.Context, []string, env) error{
		"open":   cmdIncidentOpen,
		"update": cmdIncidentUpdate,
		"close":  cmdIncidentClose,
		"list":   cmdIncidentList,
	}
	sub, ok := subcommands[args[0]]
	if !ok {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			fmt.Fprint(e.stdout, incidentUsage)
			return nil
		}
		fmt.Fprint(e.stderr, incidentUsage)
		return usageError{fmt.Errorf("unknown subcommand %q", args[0])}
	}
	return sub(ctx, args[1:], e)
}

// incidentFlags are the flags that describe an incident.
type incidentFlags struct {
	fs                       *flag.FlagSet
	intents, textRU, textEN  *string
	areas, until, starts, by *string
}

func newIncidentFlags(name string, e env) *incidentFlags {
	fs := newFlagSet("incident "+name, e)
	f := &incidentFlags{fs: fs}
	f.intents = fs.String("intents", "", "comma-separated `intents` the incident concerns")
	f.textRU = fs.String("text-ru", "", "what Russian-speaking customers are told")
	f.textEN = fs.String("text-en", "", "what English-speaking customers are told")
	f.areas = fs.String("areas", "", "semicolon-separated `areas` it covers (default: everyone)")
	f.until = fs.String("until", "", "when it is expected to be over")
	f.starts = fs.String("starts", "", "when it begins (default: now)")
	f.by = fs.String("by", "firstline", "who announces it")
	return f
}

// set reports whether the flag name was given.
func (f *incidentFlags) set(name string) bool {
	found := false
	f.fs.Visit(func(fl *flag.Flag) { found = found || fl.Name == name })
	return found
}

// apply puts the given flags on inc, reading times in loc.
func (f *incidentFlags) apply(inc *dialog.Incident, loc *time.Location) error {
	if f.set("intents") {
		inc.Intents = strings.Split(*f.intents, ",")
	}
	if f.set("areas") {
		inc.Areas = strings.Split(*f.areas, ";")
	}
	if inc.Text == nil {
		inc.Text = map[string]string{}
	}
	if f.set("text-ru") {
		inc.Text[intents.LangRU] = *f.textRU
	}
	if f.set("text-en") {
		inc.Text[intents.LangEN] = *f.textEN
	}
	if f.set("starts") {
		t, err := parseIncidentTime(*f.starts, loc)
		if err != nil {
			return usageError{fmt.Errorf("--starts: %w", err)}
		}
		inc.StartsAt = t
	}
	if f.set("until") {
		if *f.until == "none" || *f.until == "" {
			inc.ExpectedEnd = time.Time{}
		} else {
			t, err := parseIncidentTime(*f.until, loc)
			if err != nil {
				return usageError{fmt.Errorf("--until: %w", err)}
			}
			inc.ExpectedEnd = t
		}
	}
	return nil
}

// parseIncidentTime reads a time as the commands take it: RFC 3339, or a
// date and time in loc.
func parseIncidentTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time like 2026-12-04T18:00", s)
}

// incidentEngine opens the store of s with an engine over it. It reads no
// knowledge base: the serving processes tell customers (see
// dialog.Engine.CloseIncident).
func incidentEngine(ctx context.Context, s *settings, e env) (*dialog.Engine, dialog.Store, error) {
	log := quietLogger(e)
	store, err := openStore(ctx, s, log)
	if err != nil {
		return nil, nil, err
	}
	return dialog.NewEngine(store, nil, nil, s.engineConfig(), log), store, nil
}

// incidentID takes the incident's id off the front of args.
func incidentID(sub string, args []string) (int64, []string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return 0, nil, usageError{fmt.Errorf("missing the incident's id: firstline incident %s ID", sub)}
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, nil, usageError{fmt.Errorf("%q is not an incident id", args[0])}
	}
	return id, args[1:], nil
}

// incidentError makes the engine's refusals read as usage mistakes.
func incidentError(err error) error {
	if dialog.ErrorCode(err) == dialog.EINVALID {
		return usageError{errors.New(dialog.ErrorMessage(err))}
	}
	return err
}

func cmdIncidentOpen(ctx context.Context, args []string, e env) error {
	f := newIncidentFlags("open", e)
	s, err := parseSettings(f.fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	engine, store, err := incidentEngine(ctx, s, e)
	if err != nil {
		return err
	}
	defer store.Close()
	inc := &dialog.Incident{CreatedBy: *f.by}
	if err := f.apply(inc, engine.Location()); err != nil {
		return err
	}
	if err := checkIncidentIntents(s, inc.Intents); err != nil {
		return err
	}
	if err := engine.OpenIncident(ctx, inc); err != nil {
		return incidentError(err)
	}
	fmt.Fprintf(e.stdout, "opened incident %d (%s)\n", inc.ID, incidentStatus(inc, engine.Now()))
	return nil
}

func cmdIncidentUpdate(ctx context.Context, args []string, e env) error {
	id, args, err := incidentID("update", args)
	if err != nil {
		return err
	}
	f := newIncidentFlags("update", e)
	s, err := parseSettings(f.fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	engine, store, err := incidentEngine(ctx, s, e)
	if err != nil {
		return err
	}
	defer store.Close()
	inc, err := store.Incident(ctx, id)
	if err != nil {
		return err
	}
	if err := f.apply(inc, engine.Location()); err != nil {
		return err
	}
	if f.set("intents") {
		if err := checkIncidentIntents(s, inc.Intents); err != nil {
			return err
		}
	}
	if err := engine.UpdateIncident(ctx, inc); err != nil {
		return incidentError(err)
	}
	fmt.Fprintf(e.stdout, "updated incident %d\n", id)
	return nil
}

func cmdIncidentClose(ctx context.Context, args []string, e env) error {
	id, args, err := incidentID("close", args)
	if err != nil {
		return err
	}
	fs := newFlagSet("incident close", e)
	textRU := fs.String("text-ru", "", "what Russian-speaking customers are told instead of the shared message incident_closed")
	textEN := fs.String("text-en", "", "what English-speaking customers are told instead of incident_closed")
	s, err := parseSettings(fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	engine, store, err := incidentEngine(ctx, s, e)
	if err != nil {
		return err
	}
	defer store.Close()
	closeText := map[string]string{intents.LangRU: *textRU, intents.LangEN: *textEN}
	if _, _, err := engine.CloseIncident(ctx, id, 0, closeText); err != nil {
		return incidentError(err)
	}
	info, err := store.IncidentInfo(ctx, id)
	if err != nil {
		return err
	}
	n := info.Due
	who := fmt.Sprintf("%d customers", n)
	if n == 1 {
		who = "1 customer"
	}
	fmt.Fprintf(e.stdout, "closed incident %d; the server tells %s it is over\n", id, who)
	return nil
}

// incidentStatus is where an incident stands at now, in a word.
func incidentStatus(inc *dialog.Incident, now time.Time) string {
	switch {
	case !inc.ClosedAt.IsZero():
		return "closed"
	case inc.Planned(now):
		return "planned"
	}
	return "active"
}

// closedIncidentsListed is how many closed incidents incident list
// shows, newest first, after the open ones.
const closedIncidentsListed = 100

func cmdIncidentList(ctx context.Context, args []string, e env) error {
	s, err := parseSettings(newFlagSet("incident list", e), args, flagData, e.getenv)
	if err != nil {
		return err
	}
	engine, store, err := incidentEngine(ctx, s, e)
	if err != nil {
		return err
	}
	defer store.Close()
	// In the zone --starts and --until are read in, so that a time
	// reads back as it was written.
	loc := engine.Location()
	// Every open incident, however old, and the newest closed ones.
	list, err := store.Incidents(ctx, dialog.IncidentFilter{Open: true})
	if err != nil {
		return fmt.Errorf("list incidents: %w", err)
	}
	open := len(list)
	recent, err := store.Incidents(ctx, dialog.IncidentFilter{Limit: open + closedIncidentsListed})
	if err != nil {
		return fmt.Errorf("list incidents: %w", err)
	}
	for _, inc := range recent {
		if !inc.ClosedAt.IsZero() && len(list)-open < closedIncidentsListed {
			list = append(list, inc)
		}
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "no incidents")
		return nil
	}
	now := time.Now()
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tSTARTS\tUNTIL\tINTENTS\tAREAS\tSUBSCRIBERS\tTEXT")
	for _, inc := range list {
		info, err := store.IncidentInfo(ctx, inc.ID)
		if err != nil {
			return err
		}
		until := "-"
		if !inc.ExpectedEnd.IsZero() {
			until = inc.ExpectedEnd.In(loc).Format("2006-01-02 15:04")
		}
		areas := strings.Join(inc.Areas, "; ")
		if areas == "" {
			areas = "all"
		}
		text := strings.Join(strings.Fields(inc.TextFor(intents.LangEN)), " ")
		if r := []rune(text); len(r) > 40 {
			text = string(r[:40]) + "…"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", inc.ID, incidentStatus(inc, now),
			inc.StartsAt.In(loc).Format("2006-01-02 15:04"), until, strings.Join(inc.Intents, ","), areas, info.Subscribers, text)
	}
	return tw.Flush()
}

// checkIncidentIntents refuses intents the knowledge base of the config
// does not have: an incident about a mistyped intent would never be told.
// A knowledge base that does not load here (the command may run away
// from the server's files) checks nothing, as the report's filters do.
func checkIncidentIntents(s *settings, ids []string) error {
	set, err := intents.Load(s.IntentsDir)
	if err != nil {
		return nil
	}
	var unknown []string
	for _, id := range ids {
		if set.Intent(id) == nil {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		return usageError{fmt.Errorf("--intents: %s not in the knowledge base %s; it has %s",
			strings.Join(unknown, ", "), s.IntentsDir, strings.Join(set.IDs(), ", "))}
	}
	return nil
}
