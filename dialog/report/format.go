package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Formats a report can be written in.
const (
	FormatTable = "table"
	FormatCSV   = "csv"
	FormatJSON  = "json"
)

// Write writes r to w in format: FormatTable, FormatCSV or FormatJSON.
func Write(w io.Writer, r *Report, format string) error {
	switch format {
	case FormatTable:
		return WriteTable(w, r)
	case FormatCSV:
		return WriteCSV(w, r)
	case FormatJSON:
		return WriteJSON(w, r)
	}
	return fmt.Errorf("unknown report format %q (want table, csv or json)", format)
}

// WriteJSON writes r as one JSON object.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ticketGroup is a row of the ticket tables: the whole, an agent or a
// queue.
type ticketGroup struct {
	group string // "all", "agent" or "queue"
	t     Tickets
}

// ticketGroups lists the ticket rows of r in the order tables show them.
func ticketGroups(r *Report) []ticketGroup {
	rows := []ticketGroup{{"all", r.Tickets}}
	for _, a := range r.Agents {
		rows = append(rows, ticketGroup{"agent", a})
	}
	for _, q := range r.Queues {
		rows = append(rows, ticketGroup{"queue", q})
	}
	return rows
}

// WriteTable writes r as aligned tables for a terminal.
func WriteTable(w io.Writer, r *Report) error {
	p := &tablePrinter{w: w}
	p.text("Report for %s, made %s", describeRange(r.From, r.To), r.Now.UTC().Format("2006-01-02 15:04 MST"))
	p.text("Contact gap %s, reopen window %s; %s.", formatDuration(r.ContactGap), formatDuration(r.ReopenWindow), describeFilter(r.Filter))
	if r.WorkingTime {
		p.text("First response and resolution times are working time (business hours).")
	}
	if r.Since.IsZero() {
		p.text("No analytics events are recorded yet.")
	} else {
		p.text("Analytics events are recorded since %s.", r.Since.UTC().Format("2006-01-02 15:04 MST"))
	}

	c := r.Contacts
	rows := [][]string{{"contacts", strconv.Itoa(c.Total), "", ""}}
	for _, o := range []struct {
		name string
		r    Ratio
	}{
		{"escalated", c.Escalated}, {"confirmed", c.Confirmed}, {"assumed", c.Assumed},
		{"returned", c.Returned}, {"unanswered", c.Unanswered}, {"pending", c.Pending}, {"incident", c.Incident},
		{"deflected (confirmed + assumed + incident)", c.Deflected}, {"answered by the bot", c.Answered},
	} {
		rows = append(rows, append([]string{o.name}, ratioCells(o.r)...))
	}
	p.table([]string{"CONTACTS", "count", "of", "share"}, rows)

	rows = nil
	for _, rr := range c.Reasons {
		rows = append(rows, append([]string{rr.Reason}, ratioCells(rr.Ratio)...))
	}
	p.table([]string{"ESCALATED, BY REASON", "count", "of", "share"}, rows)

	p.table([]string{"CLARIFICATION", "count", "of", "share"}, [][]string{
		append([]string{"questions answered by a pick"}, ratioCells(c.Clarified)...),
	})
	p.table([]string{"MESSAGES", "count"}, [][]string{
		{"from customers", strconv.Itoa(c.MessagesIn)},
		{"from the bot", strconv.Itoa(c.BotMessages)},
		{"from agents", strconv.Itoa(c.AgentMessages)},
		{"system", strconv.Itoa(c.SystemMessages)},
	})

	rows = nil
	for _, in := range r.Intents {
		rows = append(rows, []string{in.Intent, strconv.Itoa(in.Contacts), strconv.Itoa(in.Answered),
			formatRatio(in.Helpful), formatPercent(in.Helpful),
			formatRatio(in.EscalatedAfter), formatPercent(in.EscalatedAfter)})
	}
	p.table([]string{"INTENT", "contacts", "answered", "helpful", "", "escalated after", ""}, rows)

	rows = nil
	for _, g := range ticketGroups(r) {
		t := g.t
		rows = append(rows, []string{g.label(), strconv.Itoa(t.Tickets), strconv.Itoa(t.Created), strconv.Itoa(t.Reopens), strconv.Itoa(t.Closed),
			strconv.Itoa(t.FirstResponse.Count), durationCell(t.FirstResponse, t.FirstResponse.Median), durationCell(t.FirstResponse, t.FirstResponse.P90),
			strconv.Itoa(t.Resolution.Count), durationCell(t.Resolution, t.Resolution.Median), durationCell(t.Resolution, t.Resolution.P90)})
	}
	p.table([]string{"TICKETS", "escalations", "created", "reopens", "closed",
		"first responses", "median", "p90", "resolutions", "median", "p90"}, rows)

	rows = nil
	for _, g := range ticketGroups(r) {
		t := g.t
		csat := "–"
		if t.CSAT.Count > 0 {
			csat = strconv.FormatFloat(t.CSAT.Value(), 'f', 2, 64)
		}
		row := []string{g.label(),
			formatRatio(t.FirstResponseBreached), formatPercent(t.FirstResponseBreached),
			formatRatio(t.ResolutionBreached), formatPercent(t.ResolutionBreached),
			formatRatio(t.Reopened), formatPercent(t.Reopened),
			csat, formatRatio(t.Rated)}
		for _, n := range t.Ratings {
			row = append(row, strconv.Itoa(n))
		}
		rows = append(rows, row)
	}
	p.table([]string{"TICKETS", "first response late", "", "resolution late", "", "reopened", "",
		"CSAT", "rated", "1", "2", "3", "4", "5"}, rows)
	return p.err
}

// tablePrinter writes lines of text and aligned tables, keeping the first
// error.
type tablePrinter struct {
	w   io.Writer
	err error
}

// text writes a line.
func (p *tablePrinter) text(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

// table writes an empty line, then header and rows in aligned columns;
// "(none)" stands for no rows.
func (p *tablePrinter) table(header []string, rows [][]string) {
	if p.err != nil {
		return
	}
	tw := tabwriter.NewWriter(p.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, row := range rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if len(rows) == 0 {
		fmt.Fprintln(tw, "(none)")
	}
	p.err = tw.Flush()
}

// label names a ticket row: "all", "agent olga", "queue first_line";
// "(none)" for tickets without an agent or queue.
func (g ticketGroup) label() string {
	switch {
	case g.group == "all":
		return "all"
	case g.t.Name == "":
		return g.group + " (none)"
	}
	return g.group + " " + g.t.Name
}

// ratioCells are a ratio's count, denominator and percent.
func ratioCells(r Ratio) []string {
	return []string{strconv.Itoa(r.Num), strconv.Itoa(r.Den), formatPercent(r)}
}

// formatRatio writes "3/4".
func formatRatio(r Ratio) string {
	return strconv.Itoa(r.Num) + "/" + strconv.Itoa(r.Den)
}

// formatPercent writes "75.0%", or "–" for a ratio of nothing.
func formatPercent(r Ratio) string {
	if r.Den == 0 {
		return "–"
	}
	return strconv.FormatFloat(r.Percent(), 'f', 1, 64) + "%"
}

// durationCell writes one of ds's figures, or "–" when there are none.
func durationCell(ds Durations, d time.Duration) string {
	if ds.Count == 0 {
		return "–"
	}
	return formatDuration(d)
}

// formatDuration writes a duration to the second, without zero parts:
// "1h30m", "45s", "0s".
func formatDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// describeFilter says what the report is narrowed to.
func describeFilter(f Filter) string {
	var parts []string
	for _, p := range []struct{ name, value string }{
		{"channel", f.Channel}, {"lang", f.Lang}, {"intent", f.Intent}, {"queue", f.Queue}, {"agent", f.Agent},
	} {
		if p.value != "" {
			parts = append(parts, p.name+"="+p.value)
		}
	}
	if len(parts) == 0 {
		return "no filter"
	}
	return "filter " + strings.Join(parts, ", ")
}

// The tables of the CSV output, by name. WriteCSV writes TableReport,
// TableContacts, TableReasons, TableIntents and TableTickets;
// WriteCSVTable writes any of them alone, or TableAgents or TableQueues.
const (
	TableReport   = "report"             // the settings and filter
	TableContacts = "contacts"           // the outcomes, clarification and messages
	TableReasons  = "escalation_reasons" // escalated contacts by reason
	TableIntents  = "intents"            // one row per intent, in the order of Report.Intents
	TableTickets  = "tickets"            // the ticket figures: all, each agent, each queue
	TableAgents   = "agents"             // the rows of TableTickets of all and each agent
	TableQueues   = "queues"             // the rows of TableTickets of all and each queue
)

// csvTable is one table of the CSV output.
type csvTable struct {
	header []string
	rows   [][]string
}

// WriteCSV writes r as CSV tables one after another, each starting with a
// line "# NAME" and its header row, and ending with an empty line.
func WriteCSV(w io.Writer, r *Report) error {
	for _, name := range []string{TableReport, TableContacts, TableReasons, TableIntents, TableTickets} {
		if _, err := fmt.Fprintf(w, "# %s\n", name); err != nil {
			return err
		}
		if err := writeCSV(w, csvTableOf(r, name)); err != nil {
			return err
		}
		if _, err := fmt.Fprintln(w); err != nil {
			return err
		}
	}
	return nil
}

// WriteCSVTable writes one table of r as CSV: its header row and its rows,
// the same as in WriteCSV, without the name line.
func WriteCSVTable(w io.Writer, r *Report, table string) error {
	switch table {
	case TableReport, TableContacts, TableReasons, TableIntents, TableTickets, TableAgents, TableQueues:
	default:
		return fmt.Errorf("unknown report table %q", table)
	}
	return writeCSV(w, csvTableOf(r, table))
}

// writeCSV writes a table's header and rows, each cell made safe to open
// in a spreadsheet.
func writeCSV(w io.Writer, t csvTable) error {
	cw := csv.NewWriter(w)
	cw.Write(csvSafe(t.header)) // buffered: errors show in cw.Error
	for _, row := range t.rows {
		cw.Write(csvSafe(row))
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe returns cells with a single quote before each one a spreadsheet
// would take for a formula: text starting with =, +, -, @, a tab or a
// carriage return. Agent names, queues and intents are typed by people, so
// "=HYPERLINK(...)" as a name must stay text. Numbers are left alone.
func csvSafe(cells []string) []string {
	var safe []string
	for i, cell := range cells {
		if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			continue
		}
		if _, err := strconv.ParseFloat(cell, 64); err == nil {
			continue
		}
		if safe == nil {
			safe = slices.Clone(cells)
		}
		safe[i] = "'" + cell
	}
	if safe == nil {
		return cells
	}
	return safe
}

// csvRatio is a ratio's cells: count, denominator and percent.
func csvRatio(r Ratio) []string {
	return []string{strconv.Itoa(r.Num), strconv.Itoa(r.Den), csvPercent(r)}
}

// csvTableOf makes the table name, one of the Table names, of r.
func csvTableOf(r *Report, name string) csvTable {
	count := func(n int) []string { return []string{strconv.Itoa(n), "", ""} }
	c := r.Contacts
	var t csvTable
	switch name {
	case TableReport:
		t.header = []string{"setting", "value"}
		t.rows = [][]string{
			{"from", r.From.UTC().Format(time.RFC3339)},
			{"to", r.To.UTC().Format(time.RFC3339)},
			{"now", r.Now.UTC().Format(time.RFC3339)},
			{"contact_gap_seconds", csvSeconds(r.ContactGap)},
			{"reopen_window_seconds", csvSeconds(r.ReopenWindow)},
			{"channel", r.Filter.Channel},
			{"lang", r.Filter.Lang},
			{"intent", r.Filter.Intent},
			{"queue", r.Filter.Queue},
			{"agent", r.Filter.Agent},
			{"events_since", csvTime(r.Since)},
		}
	case TableContacts:
		t.header = []string{"figure", "num", "den", "percent"}
		t.rows = [][]string{append([]string{"contacts"}, count(c.Total)...)}
		for _, o := range []struct {
			name string
			r    Ratio
		}{
			{"escalated", c.Escalated}, {"confirmed", c.Confirmed}, {"assumed", c.Assumed},
			{"returned", c.Returned}, {"unanswered", c.Unanswered}, {"pending", c.Pending}, {"incident", c.Incident},
			{"deflected", c.Deflected}, {"answered", c.Answered}, {"clarified", c.Clarified},
		} {
			t.rows = append(t.rows, append([]string{o.name}, csvRatio(o.r)...))
		}
		t.rows = append(t.rows,
			append([]string{"messages_in"}, count(c.MessagesIn)...),
			append([]string{"bot_messages"}, count(c.BotMessages)...),
			append([]string{"agent_messages"}, count(c.AgentMessages)...),
			append([]string{"system_messages"}, count(c.SystemMessages)...))
	case TableReasons:
		t.header = []string{"reason", "num", "den", "percent"}
		for _, rr := range c.Reasons {
			t.rows = append(t.rows, append([]string{rr.Reason}, csvRatio(rr.Ratio)...))
		}
	case TableIntents:
		t.header = []string{"intent", "contacts", "answered", "helpful_num", "helpful_den", "helpful_percent",
			"escalated_after_num", "escalated_after_den", "escalated_after_percent"}
		for _, in := range r.Intents {
			row := []string{in.Intent, strconv.Itoa(in.Contacts), strconv.Itoa(in.Answered)}
			row = append(row, csvRatio(in.Helpful)...)
			row = append(row, csvRatio(in.EscalatedAfter)...)
			t.rows = append(t.rows, row)
		}
	case TableTickets, TableAgents, TableQueues:
		t.header = []string{"group", "name", "tickets", "created", "reopens", "closed",
			"first_response_count", "first_response_median_seconds", "first_response_p90_seconds",
			"resolution_count", "resolution_median_seconds", "resolution_p90_seconds",
			"first_response_breached_num", "first_response_breached_den", "first_response_breached_percent",
			"resolution_breached_num", "resolution_breached_den", "resolution_breached_percent",
			"reopened_num", "reopened_den", "reopened_percent",
			"csat_sum", "csat_count", "csat_mean",
			"rated_num", "rated_den", "rated_percent",
			"rating_1", "rating_2", "rating_3", "rating_4", "rating_5"}
		for _, g := range ticketGroups(r) {
			if name == TableAgents && g.group == "queue" || name == TableQueues && g.group == "agent" {
				continue
			}
			t.rows = append(t.rows, ticketCSVRow(g))
		}
	}
	return t
}

// ticketCSVRow is a row of the tickets table.
func ticketCSVRow(g ticketGroup) []string {
	t := g.t
	row := []string{g.group, t.Name, strconv.Itoa(t.Tickets), strconv.Itoa(t.Created), strconv.Itoa(t.Reopens), strconv.Itoa(t.Closed),
		strconv.Itoa(t.FirstResponse.Count), csvSeconds(t.FirstResponse.Median), csvSeconds(t.FirstResponse.P90),
		strconv.Itoa(t.Resolution.Count), csvSeconds(t.Resolution.Median), csvSeconds(t.Resolution.P90)}
	row = append(row, csvRatio(t.FirstResponseBreached)...)
	row = append(row, csvRatio(t.ResolutionBreached)...)
	row = append(row, csvRatio(t.Reopened)...)
	row = append(row, strconv.Itoa(t.CSAT.Sum), strconv.Itoa(t.CSAT.Count), csvMean(t.CSAT))
	row = append(row, csvRatio(t.Rated)...)
	for _, n := range t.Ratings {
		row = append(row, strconv.Itoa(n))
	}
	return row
}

// WriteDaysCSV writes the contacts' outcomes of each day of a series as
// CSV: a header row, then a row per day with its range, its contacts, and
// each outcome's count and percent of them.
func WriteDaysCSV(w io.Writer, days []*Report) error {
	outcomes := []string{"escalated", "confirmed", "assumed", "returned", "unanswered", "pending", "deflected", "incident"}
	t := csvTable{header: []string{"from", "to", "contacts"}}
	for _, o := range outcomes {
		t.header = append(t.header, o, o+"_percent")
	}
	for _, d := range days {
		c := d.Contacts
		row := []string{d.From.UTC().Format(time.RFC3339), d.To.UTC().Format(time.RFC3339), strconv.Itoa(c.Total)}
		for _, r := range []Ratio{c.Escalated, c.Confirmed, c.Assumed, c.Returned, c.Unanswered, c.Pending, c.Deflected, c.Incident} {
			row = append(row, strconv.Itoa(r.Num), csvPercent(r))
		}
		t.rows = append(t.rows, row)
	}
	return writeCSV(w, t)
}

// csvPercent writes a ratio's percent with two decimals, or nothing for a
// ratio of nothing.
func csvPercent(r Ratio) string {
	if r.Den == 0 {
		return ""
	}
	return strconv.FormatFloat(r.Percent(), 'f', 2, 64)
}

// csvMean writes a mean with two decimals, or nothing for a mean of
// nothing.
func csvMean(m Mean) string {
	v := m.Value()
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// csvSeconds writes a duration in whole seconds.
func csvSeconds(d time.Duration) string {
	return strconv.FormatInt(int64(d.Round(time.Second)/time.Second), 10)
}

// csvTime writes a time in RFC 3339, or nothing for the zero time.
func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// describeRange says what a report's range covers: whole UTC days as the
// first and the last day, both included, as firstline report takes them;
// any other range by its times, the end not included.
func describeRange(from, to time.Time) string {
	from, to = from.UTC(), to.UTC()
	midnight := func(t time.Time) bool { return t.Equal(t.Truncate(24 * time.Hour)) }
	if midnight(from) && midnight(to) {
		last := to.AddDate(0, 0, -1)
		if last.Equal(from) {
			return from.Format(time.DateOnly) + " (one UTC day)"
		}
		return from.Format(time.DateOnly) + " to " + last.Format(time.DateOnly) + " (UTC days, both included)"
	}
	return from.Format(time.RFC3339) + " to " + to.Format(time.RFC3339) + " (the end not included)"
}
