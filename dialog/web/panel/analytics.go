package panel

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/report"
	"github.com/firstline-support/firstline/dialog/web/httperror"
	"github.com/firstline-support/firstline/intents"
)

// The analytics page's limits: it opens on the last 7 days, today included,
// shows at most a year, leap or not, at once, and takes filter values of
// at most maxFilterLength characters.
const (
	defaultAnalyticsDays = 7
	maxAnalyticsDays     = 366
	maxFilterLength      = 100
)

// Columns the intents table sorts by, and the table it exports besides the
// report's own: the deflection of each day.
const (
	sortIntent    = "intent"
	sortContacts  = "contacts"
	sortAnswered  = "answered"
	sortHelpful   = "helpful"
	sortEscalated = "escalated"
	tableDays     = "days"
)

// SetContactGap sets the customer silence that ends a contact in the
// analytics pages (report.contact_gap of the config); without it they use
// report.DefaultContactGap.
func (p *Panel) SetContactGap(gap time.Duration) {
	p.contactGap = gap
}

// analyticsQuery is what the analytics page shows, from its query.
type analyticsQuery struct {
	// From and To are the first and the last day as typed, YYYY-MM-DD in
	// UTC, both included. The defaults are filled in when they are left
	// out.
	From, To string
	Filter   report.Filter
	Sort     string // a column of the intents table
	Desc     bool

	from, to time.Time // the range: to is the start of the day after To
}

// values encodes the query for links: the range and the order always, so
// that a link shows the same tomorrow, the filter when set.
func (q analyticsQuery) values() url.Values {
	v := url.Values{"from": {q.From}, "to": {q.To}}
	for _, f := range []struct{ name, value string }{
		{"channel", q.Filter.Channel}, {"lang", q.Filter.Lang}, {"intent", q.Filter.Intent},
		{"queue", q.Filter.Queue}, {"agent", q.Filter.Agent},
	} {
		if f.value != "" {
			v.Set(f.name, f.value)
		}
	}
	v.Set("sort", q.Sort)
	v.Set("dir", direction(q.Desc))
	return v
}

// exportURL is where the CSV of one table of the page is.
func (q analyticsQuery) exportURL(table string) string {
	v := q.values()
	v.Set("table", table)
	return "/panel/analytics/export.csv?" + v.Encode()
}

// direction names a sort order in the query.
func direction(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}

// parseAnalytics reads the page's query. Any value it cannot use is an
// error that says which and why: the page shows nothing rather than
// figures for something other than what was asked.
func (p *Panel) parseAnalytics(c *gin.Context, lang string) (analyticsQuery, error) {
	q := analyticsQuery{
		From: strings.TrimSpace(c.Query("from")),
		To:   strings.TrimSpace(c.Query("to")),
		Filter: report.Filter{
			Channel: c.Query("channel"), Lang: c.Query("lang"), Intent: c.Query("intent"),
			Queue: c.Query("queue"), Agent: c.Query("agent"),
		},
		Sort: c.Query("sort"),
	}
	if q.Sort == "" {
		q.Sort = sortAnswered
	}
	var err error
	if q.From, q.To, q.from, q.to, err = p.parseDays(q.From, q.To, lang); err != nil {
		return q, err
	}
	for _, v := range []string{q.Filter.Channel, q.Filter.Lang, q.Filter.Intent, q.Filter.Queue, q.Filter.Agent} {
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxFilterLength {
			return q, panelError(dialog.EINVALID, lang, "analytics.error.filter", maxFilterLength)
		}
	}
	switch q.Sort {
	case sortIntent, sortContacts, sortAnswered, sortHelpful, sortEscalated:
	default:
		return q, panelError(dialog.EINVALID, lang, "analytics.error.sort", q.Sort)
	}
	switch dir := c.Query("dir"); dir {
	case "":
		q.Desc = q.Sort != sortIntent // names A to Z, numbers largest first
	case "asc", "desc":
		q.Desc = dir == "desc"
	default:
		return q, panelError(dialog.EINVALID, lang, "analytics.error.dir", dir)
	}
	return q, nil
}

// parseDays reads a range of days as typed, YYYY-MM-DD in UTC with both
// days included, filling in the default of the last 7 days, today
// included. It returns the days as shown, and the range as times: from the
// start of the first day to the start of the day after the last.
func (p *Panel) parseDays(from, to, lang string) (string, string, time.Time, time.Time, error) {
	if to == "" {
		to = p.engine.Now().UTC().Truncate(24 * time.Hour).Format(time.DateOnly)
	}
	last, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return from, to, time.Time{}, time.Time{}, panelError(dialog.EINVALID, lang, "analytics.error.to", to)
	}
	end := last.AddDate(0, 0, 1)
	if from == "" {
		from = last.AddDate(0, 0, -(defaultAnalyticsDays - 1)).Format(time.DateOnly)
	}
	start, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return from, to, time.Time{}, end, panelError(dialog.EINVALID, lang, "analytics.error.from", from)
	}
	if last.Before(start) {
		return from, to, start, end, panelError(dialog.EINVALID, lang, "analytics.error.range", to, from)
	}
	if days := int(end.Sub(start) / (24 * time.Hour)); days > maxAnalyticsDays {
		return from, to, start, end, panelError(dialog.EINVALID, lang, "analytics.error.long", days, maxAnalyticsDays)
	}
	return from, to, start, end, nil
}

// reportOptions are the options of the query's report, made now by the
// engine's clock.
func (p *Panel) reportOptions(q analyticsQuery) report.Options {
	gap := p.contactGap
	if gap <= 0 {
		gap = report.DefaultContactGap
	}
	return report.Options{
		From:         q.from,
		To:           q.to,
		Now:          p.engine.Now(),
		ContactGap:   gap,
		ReopenWindow: p.engine.Config().ReopenWindow,
		Filter:       q.Filter,
		Hours:        p.engine.Config().Hours,
	}
}

// sortIntents orders the intents table by column. Rates of nothing (0/0)
// come last either way; ties go by intent id, so the order is the same
// on every load.
func sortIntents(list []report.Intent, column string, desc bool) {
	rate := func(in report.Intent) (report.Ratio, bool) {
		switch column {
		case sortHelpful:
			return in.Helpful, true
		case sortEscalated:
			return in.EscalatedAfter, true
		}
		return report.Ratio{}, false
	}
	slices.SortStableFunc(list, func(a, b report.Intent) int {
		var c int
		if ra, ok := rate(a); ok {
			rb, _ := rate(b)
			if (ra.Den == 0) != (rb.Den == 0) {
				if ra.Den == 0 {
					return 1
				}
				return -1
			}
			c = compareRatios(ra, rb)
		} else if column == sortContacts {
			c = cmp.Compare(a.Contacts, b.Contacts)
		} else if column == sortAnswered {
			c = cmp.Compare(a.Answered, b.Answered)
		} else {
			c = strings.Compare(a.Intent, b.Intent)
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, strings.Compare(a.Intent, b.Intent))
	})
}

// compareRatios compares two rates exactly, by cross-multiplying; rates of
// nothing are equal.
func compareRatios(a, b report.Ratio) int {
	if a.Den == 0 || b.Den == 0 {
		return 0
	}
	return cmp.Compare(int64(a.Num)*int64(b.Den), int64(b.Num)*int64(a.Den))
}

// analyticsPage is the data of the analytics page.
type analyticsPage struct {
	base
	Query analyticsQuery
	Error *pageError // why the query was refused; nothing else is shown then

	Selects []filterSelect

	Range        string // the days shown
	Report       *report.Report
	Headlines    []headline
	Chart        chart
	Intents      []intentRow // in the order asked for
	Columns      []sortColumn
	TicketTables []ticketTable     // agents, then queues
	Exports      map[string]string // CSV links by table
	PendingNote  string            // what "pending" means
	About        string            // how the report was made
	MadeAt       string            // when, to the microsecond, so the figures can be made again
}

// filterSelect is a select of the filter form.
type filterSelect struct {
	Name   string // the query parameter
	Label  string
	Values []choice
	Chosen string
}

// intentRow is a row of the intents table: the figures, and the intent's
// title in the page's language.
type intentRow struct {
	report.Intent
	Title string
}

// headline is one of the figures on top of the page.
type headline struct {
	ID    string
	Label string
	Hint  string // what it counts, over what
	Ratio report.Ratio
	Parts []headline // the parts it adds up, shown under it
}

// sortColumn is a sortable header of the intents table.
type sortColumn struct {
	Label string
	URL   string
	Class string // "num" for number columns
	Order string // "ascending" or "descending" on the column sorted by
}

// ticketTable is the agents' or the queues' table.
type ticketTable struct {
	Lang   string
	ID     string
	Title  string
	Column string // the header of the names
	Export string // the table's CSV
	Rows   []ticketRow
}

// ticketRow is a row of a ticketTable.
type ticketRow struct {
	T             report.Tickets
	Label         string // the row's agent, or its queue's name
	All           bool   // the row of every ticket
	FirstMedian   string
	FirstP90      string
	ResolveMedian string
	ResolveP90    string
	CSAT          string
}

func (p *Panel) analyticsPage(c *gin.Context) {
	data := &analyticsPage{base: newBase(c, "analytics")}
	lang := data.Lang
	data.Title = tr(lang, "analytics.title")
	q, err := p.parseAnalytics(c, lang)
	data.Query = q
	refuse := func(err error, values report.Values) {
		data.Error = newPageError(lang, err)
		data.Selects = p.filterSelects(lang, values, q.Filter)
		p.render(c, httperror.Status(dialog.ErrorCode(err)), p.pages.analytics, "layout", data)
	}
	if err != nil {
		refuse(err, report.Values{})
		return
	}
	opts := p.reportOptions(q)
	s, err := report.LoadSeries(c.Request.Context(), p.store, opts)
	if err != nil {
		p.fail(c, fmt.Errorf("analytics: %w", err))
		return
	}
	if err := p.checkFilter(c, q.Filter, s.Values); err != nil {
		refuse(err, s.Values)
		return
	}
	r := s.Total
	data.Report = r
	data.Range = tr(lang, "analytics.range", q.From, q.To, len(s.Days))
	data.Selects = p.filterSelects(lang, s.Values, q.Filter)
	data.Headlines = headlines(lang, r.Contacts)
	data.Chart = newChart(lang, s.Days)
	sortIntents(r.Intents, q.Sort, q.Desc)
	p.withSet(func(set *intents.Set) {
		for _, in := range r.Intents {
			data.Intents = append(data.Intents, intentRow{Intent: in, Title: intentTitle(set, in.Intent, lang)})
		}
	})
	data.Columns = sortColumns(lang, q)
	data.Exports = map[string]string{}
	for _, table := range []string{report.TableContacts, report.TableReasons, report.TableIntents, report.TableAgents, report.TableQueues, tableDays} {
		data.Exports[table] = q.exportURL(table)
	}
	data.TicketTables = []ticketTable{
		{Lang: lang, ID: "agents", Title: tr(lang, "analytics.agents"), Column: tr(lang, "analytics.agent"),
			Export: data.Exports[report.TableAgents], Rows: ticketRows(lang, r.Tickets, r.Agents, nil)},
		{Lang: lang, ID: "queues", Title: tr(lang, "analytics.queues"), Column: tr(lang, "col.queue"),
			Export: data.Exports[report.TableQueues], Rows: ticketRows(lang, r.Tickets, r.Queues, p.queues.name)},
	}
	data.About = tr(lang, "analytics.about", clock(r.Now),
		formatDuration(lang, opts.ContactGap, false), formatDuration(lang, opts.ReopenWindow, false))
	if len(opts.Hours) > 0 {
		data.About += " " + tr(lang, "analytics.working_time")
	}
	data.MadeAt = r.Now.UTC().Format(time.RFC3339Nano)
	data.PendingNote = tr(lang, "analytics.pending.explained", formatDuration(lang, opts.ReopenWindow, false))
	if !r.Since.IsZero() {
		data.About += " " + tr(lang, "analytics.since", clock(r.Since))
	}
	p.render(c, http.StatusOK, p.pages.analytics, "layout", data)
}

// analyticsExport sends one table of the analytics page as a CSV file:
// the same rows, in the same order, as the page with the same query.
func (p *Panel) analyticsExport(c *gin.Context) {
	lang := pageLang(c)
	q, err := p.parseAnalytics(c, lang)
	if err != nil {
		p.fail(c, err)
		return
	}
	table := c.Query("table")
	switch table {
	case tableDays, report.TableContacts, report.TableReasons, report.TableIntents, report.TableAgents, report.TableQueues:
	default:
		p.fail(c, panelError(dialog.EINVALID, lang, "analytics.error.table", table))
		return
	}
	s, err := report.LoadSeries(c.Request.Context(), p.store, p.reportOptions(q))
	if err != nil {
		p.fail(c, fmt.Errorf("analytics export %s: %w", table, err))
		return
	}
	if err := p.checkFilter(c, q.Filter, s.Values); err != nil {
		p.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if table == tableDays {
		err = report.WriteDaysCSV(&buf, s.Days)
	} else {
		sortIntents(s.Total.Intents, q.Sort, q.Desc)
		err = report.WriteCSVTable(&buf, s.Total, table)
	}
	if err != nil {
		p.fail(c, fmt.Errorf("analytics export %s: %w", table, err))
		return
	}
	name := fmt.Sprintf("firstline-%s-%s-%s.csv", table, q.From, q.To)
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// filterSelects are the filter form's selects. Each offers the values
// present in the range, and the value chosen even when it is not among
// them, so that the form shows what the figures are for. Intents and
// queues show their names in lang.
func (p *Panel) filterSelects(lang string, v report.Values, f report.Filter) []filterSelect {
	sel := func(name, label string, values []string, chosen string, title func(string) string) filterSelect {
		if chosen != "" && !slices.Contains(values, chosen) {
			values = append(slices.Clone(values), chosen)
			slices.Sort(values)
		}
		s := filterSelect{Name: name, Label: label, Chosen: chosen}
		for _, v := range values {
			s.Values = append(s.Values, choice{ID: v, Name: title(v)})
		}
		return s
	}
	same := func(v string) string { return v }
	var out []filterSelect
	p.withSet(func(set *intents.Set) {
		out = []filterSelect{
			sel("channel", tr(lang, "col.channel"), v.Channels, f.Channel, same),
			sel("lang", tr(lang, "analytics.lang"), v.Langs, f.Lang, same),
			sel("intent", tr(lang, "analytics.intent"), v.Intents, f.Intent, func(id string) string { return intentTitle(set, id, lang) }),
			sel("queue", tr(lang, "col.queue"), v.Queues, f.Queue, func(id string) string { return p.queues.name(lang, id) }),
			sel("agent", tr(lang, "analytics.agent"), v.Agents, f.Agent, same),
		}
	})
	return out
}

// checkFilter refuses (EINVALID, in the page's language) a filter naming
// an intent, a queue or an agent that neither exists nor is among the
// range's values v: a mistyped link would otherwise show a page of zeros.
func (p *Panel) checkFilter(c *gin.Context, f report.Filter, v report.Values) error {
	if f.Intent == "" && f.Queue == "" && f.Agent == "" {
		return nil
	}
	known := report.Known{Queues: p.engine.Config().Queues}
	users, err := p.store.Users(c.Request.Context())
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	for _, u := range users {
		known.Agents = append(known.Agents, u.Name)
	}
	p.withSet(func(set *intents.Set) {
		if set != nil {
			known.Intents = set.IDs()
		}
	})
	lang := pageLang(c)
	switch {
	case report.CheckFilter(report.Filter{Intent: f.Intent}, known, v) != nil:
		return panelError(dialog.EINVALID, lang, "analytics.error.no_intent", f.Intent)
	case report.CheckFilter(report.Filter{Queue: f.Queue}, known, v) != nil:
		return panelError(dialog.EINVALID, lang, "analytics.error.no_queue", f.Queue)
	case report.CheckFilter(report.Filter{Agent: f.Agent}, known, v) != nil:
		return panelError(dialog.EINVALID, lang, "analytics.error.no_agent", f.Agent)
	}
	return nil
}

// headlines are the contact figures on top of the page: deflection with
// its two parts, the contacts the bot answered beside it, and every other
// outcome.
func headlines(lang string, c report.Contacts) []headline {
	return []headline{
		{ID: "deflected", Label: tr(lang, "analytics.deflected"), Hint: tr(lang, "analytics.deflected.hint"), Ratio: c.Deflected,
			Parts: []headline{
				{ID: "confirmed", Label: tr(lang, "analytics.confirmed"), Hint: tr(lang, "analytics.confirmed.hint"), Ratio: c.Confirmed},
				{ID: "assumed", Label: tr(lang, "analytics.assumed"), Hint: tr(lang, "analytics.assumed.hint"), Ratio: c.Assumed},
				{ID: "incident", Label: tr(lang, "analytics.incident"), Hint: tr(lang, "analytics.incident.hint"), Ratio: c.Incident},
			}},
		{ID: "answered", Label: tr(lang, "analytics.answered_bot"), Hint: tr(lang, "analytics.answered_bot.hint"), Ratio: c.Answered},
		{ID: "escalated", Label: tr(lang, "analytics.escalated"), Hint: tr(lang, "analytics.escalated.hint"), Ratio: c.Escalated},
		{ID: "unanswered", Label: tr(lang, "analytics.unanswered"), Hint: tr(lang, "analytics.unanswered.hint"), Ratio: c.Unanswered},
		{ID: "returned", Label: tr(lang, "analytics.returned"), Hint: tr(lang, "analytics.returned.hint"), Ratio: c.Returned},
		{ID: "pending", Label: tr(lang, "analytics.pending"), Hint: tr(lang, "analytics.pending.hint"), Ratio: c.Pending},
	}
}

// sortColumns are the intents table's headers, each a link that sorts by
// it: the other way round when it is the column sorted by already.
func sortColumns(lang string, q analyticsQuery) []sortColumn {
	var cols []sortColumn
	for _, col := range []struct{ key, label string }{
		{sortIntent, tr(lang, "analytics.intent")},
		{sortContacts, tr(lang, "analytics.intent_contacts")},
		{sortAnswered, tr(lang, "analytics.answered")},
		{sortHelpful, tr(lang, "analytics.helpful")},
		{sortEscalated, tr(lang, "analytics.escalated_after")},
	} {
		next := q
		next.Sort = col.key
		next.Desc = col.key != sortIntent
		sc := sortColumn{Label: col.label}
		if col.key != sortIntent {
			sc.Class = "num"
		}
		if col.key == q.Sort {
			next.Desc = !q.Desc
			sc.Order = "ascending"
			if q.Desc {
				sc.Order = "descending"
			}
		}
		sc.URL = "/panel/analytics?" + next.values().Encode() + "#intents"
		cols = append(cols, sc)
	}
	return cols
}

// ticketRows are the rows of a tickets table: every ticket first, then
// each group.
// name, when set, names a group for people (a queue's name).
func ticketRows(lang string, all report.Tickets, groups []report.Tickets, name func(lang, id string) string) []ticketRow {
	took := func(ds report.Durations, d time.Duration) string {
		if ds.Count == 0 {
			return "–"
		}
		return formatDuration(lang, d, d < time.Minute)
	}
	var rows []ticketRow
	for i, t := range append([]report.Tickets{all}, groups...) {
		row := ticketRow{
			T:             t,
			Label:         t.Name,
			All:           i == 0,
			FirstMedian:   took(t.FirstResponse, t.FirstResponse.Median),
			FirstP90:      took(t.FirstResponse, t.FirstResponse.P90),
			ResolveMedian: took(t.Resolution, t.Resolution.Median),
			ResolveP90:    took(t.Resolution, t.Resolution.P90),
			CSAT:          "–",
		}
		if name != nil && t.Name != "" {
			row.Label = name(lang, t.Name)
		}
		if t.CSAT.Count > 0 {
			row.CSAT = strconv.FormatFloat(t.CSAT.Value(), 'f', 2, 64)
		}
		rows = append(rows, row)
	}
	return rows
}

// formatPercent writes a rate as the page shows it, "41.7%", or "–" for a
// rate of nothing.
func formatPercent(r report.Ratio) string {
	if r.Den == 0 {
		return "–"
	}
	return strconv.FormatFloat(r.Percent(), 'f', 1, 64) + "%"
}

// formatFraction writes the two counts of a rate, "5 / 12", so that it can
// be checked.
func formatFraction(r report.Ratio) string {
	return strconv.Itoa(r.Num) + " / " + strconv.Itoa(r.Den)
}

// The chart's drawing area, in the SVG's own units: it scales to the
// page's width.
const (
	chartWidth  = 960
	chartHeight = 260
	chartLeft   = 48
	chartRight  = chartWidth - 16
	chartTop    = 14
	chartBottom = chartHeight - 34
	// maxChartLabels is about how many dates fit under the axis.
	maxChartLabels = 12
	// chartBars is the share of the height the busiest day's bar takes.
	chartBars = 0.3
)

// chart is the deflection-by-day chart, laid out for the template: the
// deflected and confirmed shares of each day's contacts as lines, and the
// number of contacts as bars.
type chart struct {
	Width, Height int
	Left, Right   float64
	Top, Bottom   float64
	TickX         float64 // where the shares' labels end
	DateY         float64 // the dates' baseline
	Ticks         []chartTick
	Days          []chartDay
	Deflected     string // SVG path data; days without contacts break the line
	Confirmed     string
	Busiest       int // the most contacts of a day: the full bar
}

// chartTick is a line across the chart at a share.
type chartTick struct {
	Y     float64
	Label string
}

// chartDay is one day of the chart.
type chartDay struct {
	Date     string // YYYY-MM-DD
	Label    string // the date under the axis, or "" where dates would crowd
	X        float64
	Contacts int
	HasData  bool // the day has contacts: a point on the lines
	BarX     float64
	BarY     float64
	BarW     float64
	BarH     float64
	Y        float64 // the deflected share's point
	YConf    float64 // the confirmed share's point
	Title    string  // the day's figures, shown on hover
}

// newChart lays out the chart of days.
func newChart(lang string, days []*report.Report) chart {
	ch := chart{Width: chartWidth, Height: chartHeight, Left: chartLeft, Right: chartRight, Top: chartTop, Bottom: chartBottom,
		TickX: chartLeft - 6, DateY: chartBottom + 18}
	height := float64(chartBottom - chartTop)
	y := func(share float64) float64 { return round1(chartBottom - height*share) }
	for _, share := range []float64{0, 0.25, 0.5, 0.75, 1} {
		ch.Ticks = append(ch.Ticks, chartTick{Y: y(share), Label: strconv.Itoa(int(share*100)) + "%"})
	}
	n := len(days)
	if n == 0 {
		return ch
	}
	for _, d := range days {
		ch.Busiest = max(ch.Busiest, d.Contacts.Total)
	}
	band := float64(chartRight-chartLeft) / float64(n)
	step := (n + maxChartLabels - 1) / maxChartLabels
	var deflected, confirmed strings.Builder
	broken := true
	for i, d := range days {
		c := d.Contacts
		day := chartDay{
			Date:     d.From.UTC().Format(time.DateOnly),
			X:        round1(chartLeft + band*(float64(i)+0.5)),
			Contacts: c.Total,
			HasData:  c.Total > 0,
		}
		if i%step == 0 {
			day.Label = shortDate(lang, d.From)
		}
		day.BarW = round1(min(band*0.6, 28))
		day.BarX = round1(day.X - day.BarW/2)
		if ch.Busiest > 0 {
			day.BarH = round1(height * chartBars * float64(c.Total) / float64(ch.Busiest))
		}
		day.BarY = round1(chartBottom - day.BarH)
		day.Title = tr(lang, "analytics.chart.day", day.Date, c.Total)
		if day.HasData {
			day.Y, day.YConf = y(c.Deflected.Value()), y(c.Confirmed.Value())
			day.Title += tr(lang, "analytics.chart.shares",
				formatPercent(c.Deflected), formatFraction(c.Deflected), formatPercent(c.Confirmed), formatPercent(c.Assumed))
			move := "L"
			if broken {
				move = "M"
			}
			fmt.Fprintf(&deflected, "%s%g %g ", move, day.X, day.Y)
			fmt.Fprintf(&confirmed, "%s%g %g ", move, day.X, day.YConf)
		}
		broken = !day.HasData
		ch.Days = append(ch.Days, day)
	}
	ch.Deflected = strings.TrimSpace(deflected.String())
	ch.Confirmed = strings.TrimSpace(confirmed.String())
	return ch
}

// round1 rounds to a tenth, enough for a drawing and shorter to send.
func round1(f float64) float64 {
	return math.Round(f*10) / 10
}

// shortDate is a day under the chart's axis: "02.03" in Russian, "03-02"
// in English.
func shortDate(lang string, t time.Time) string {
	if lang == langRU {
		return t.UTC().Format("02.01")
	}
	return t.UTC().Format("01-02")
}
