package panel

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
	"github.com/firstline-support/firstline/intents"
)

// incidentsPath is the incidents page.
const incidentsPath = "/panel/incidents"

// closedIncidentsShown is how many closed incidents the page lists.
const closedIncidentsShown = 20

// incidentsPage is the data of the incidents page: known outages and
// planned works, which admins announce, change and close, and everyone
// else reads.
type incidentsPage struct {
	base
	Active  []incidentRow
	Planned []incidentRow // open, starting later
	Closed  []incidentRow // the last few
	CanEdit bool
	Zone    string       // the time zone the forms' times are in
	Form    incidentForm // the announce form, as typed when it failed
	// Intents are the knowledge base's intents, which the forms offer.
	Intents []intentOption
	Error   *pageError
}

// incidentRow is an incident as the page lists it.
type incidentRow struct {
	*dialog.Incident
	Info    dialog.IncidentInfo
	Tickets []*dialog.Ticket // the linked tickets the viewer may see
	Form    incidentForm     // the edit form's values
	Editing bool             // the edit form is open: a change to it failed
	Version string
}

// incidentForm is what the announce and edit forms hold.
type incidentForm struct {
	TextRU, TextEN string
	Intents        string // comma-separated
	Areas          string // one per line
	Starts, Until  string // 2006-01-02T15:04 in the page's zone
}

// intentOption is an intent a form offers: its id and its title in the
// panel's language.
type intentOption struct {
	ID, Title string
}

// Has reports whether the form names intent id.
func (f incidentForm) Has(id string) bool {
	return slices.Contains(f.intentIDs(), id)
}

// Gone are the intents the form names that the knowledge base no longer
// has: offered checked, so that an admin can take them off.
func (f incidentForm) Gone(offered []intentOption) []string {
	var out []string
	for _, id := range f.intentIDs() {
		if !slices.ContainsFunc(offered, func(o intentOption) bool { return o.ID == id }) {
			out = append(out, id)
		}
	}
	return out
}

// intentIDs are the intents the form names, trimmed, without empty ones.
func (f incidentForm) intentIDs() []string {
	var out []string
	for _, id := range strings.Split(f.Intents, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// formTime is how the forms show and read times (datetime-local).
const formTime = "2006-01-02T15:04"

// location is the time zone the engine tells customers the times of
// incidents in, which the forms use too.
func (p *Panel) location() *time.Location {
	return p.engine.Location()
}

// formOf fills a form from an incident.
func (p *Panel) formOf(inc *dialog.Incident) incidentForm {
	f := incidentForm{
		TextRU:  inc.Text[intents.LangRU],
		TextEN:  inc.Text[intents.LangEN],
		Intents: strings.Join(inc.Intents, ", "),
		Areas:   strings.Join(inc.Areas, "\n"),
		Starts:  inc.StartsAt.In(p.location()).Format(formTime),
	}
	if !inc.ExpectedEnd.IsZero() {
		f.Until = inc.ExpectedEnd.In(p.location()).Format(formTime)
	}
	return f
}

func (p *Panel) incidentsPage(c *gin.Context) {
	p.showIncidents(c, http.StatusOK, incidentForm{}, nil)
}

// showIncidents renders the page with status; after a failed change, with
// the error and the announce form as typed.
func (p *Panel) showIncidents(c *gin.Context, status int, form incidentForm, changeErr error) {
	p.showIncidentsEdited(c, status, form, 0, incidentForm{}, changeErr)
}

// showIncidentsEdited shows the page with the edit form of incident
// edited (0 for none) open and holding what the admin typed, kept when
// their change failed.
func (p *Panel) showIncidentsEdited(c *gin.Context, status int, form incidentForm, edited int64, typed incidentForm, changeErr error) {
	ctx := c.Request.Context()
	data := incidentsPage{base: newBase(c, "incidents"), Form: form, Zone: p.location().String()}
	data.Title = tr(data.Lang, "incidents.title")
	p.withSet(func(set *intents.Set) {
		if set == nil {
			return
		}
		for _, in := range set.Intents {
			data.Intents = append(data.Intents, intentOption{ID: in.ID, Title: intentTitle(set, in.ID, data.Lang)})
		}
	})
	data.Path = incidentsPath
	user := auth.CurrentUser(c)
	data.CanEdit = user.Role == dialog.RoleAdmin
	open, err := p.store.Incidents(ctx, dialog.IncidentFilter{Open: true})
	if err != nil {
		p.fail(c, fmt.Errorf("list incidents: %w", err))
		return
	}
	recent, err := p.store.Incidents(ctx, dialog.IncidentFilter{Limit: len(open) + closedIncidentsShown})
	if err != nil {
		p.fail(c, fmt.Errorf("list incidents: %w", err))
		return
	}
	now := p.engine.Now()
	row := func(inc *dialog.Incident) (incidentRow, error) {
		r := incidentRow{Incident: inc, Form: p.formOf(inc), Version: formatVersion(inc.Version)}
		if inc.ID == edited {
			r.Form, r.Editing = typed, true
		}
		var err error
		if r.Info, err = p.store.IncidentInfo(ctx, inc.ID); err != nil {
			return r, err
		}
		tickets, err := p.store.Tickets(ctx, dialog.TicketFilter{IncidentID: inc.ID, Limit: 50})
		if err != nil {
			return r, err
		}
		r.Tickets = visibleTickets(user, tickets)
		return r, nil
	}
	// Every open incident, however old, and the newest closed ones:
	// recent holds those, but may miss open ones older than them.
	shown := slices.Clone(open)
	for _, inc := range recent {
		if !inc.ClosedAt.IsZero() && len(shown)-len(open) < closedIncidentsShown {
			shown = append(shown, inc)
		}
	}
	for _, inc := range shown {
		r, err := row(inc)
		if err != nil {
			p.fail(c, fmt.Errorf("read incident %d: %w", inc.ID, err))
			return
		}
		switch {
		case !inc.ClosedAt.IsZero():
			data.Closed = append(data.Closed, r)
		case inc.Planned(now):
			data.Planned = append(data.Planned, r)
		default:
			data.Active = append(data.Active, r)
		}
	}
	if changeErr != nil {
		data.Error = newPageError(data.Lang, changeErr)
		httperror.Log(p.log, c.Request, changeErr)
	}
	p.render(c, status, p.pages.incidents, "layout", data)
}

// readIncidentForm reads the announce or edit form into inc.
func (p *Panel) readIncidentForm(c *gin.Context, lang string, inc *dialog.Incident) (incidentForm, error) {
	form := c.Request.PostForm
	kept := incidentForm{
		// One box per intent, each a value of "intents"; a client may
		// also send them in one value, separated by commas.
		TextRU: form.Get("text_ru"), TextEN: form.Get("text_en"), Intents: strings.Join(form["intents"], ","),
		Areas: form.Get("areas"), Starts: form.Get("starts"), Until: form.Get("until"),
	}
	inc.Text = map[string]string{intents.LangRU: kept.TextRU, intents.LangEN: kept.TextEN}
	inc.Intents = strings.Split(kept.Intents, ",")
	inc.Areas = strings.Split(strings.ReplaceAll(kept.Areas, "\r", ""), "\n")
	var unknown []string
	p.withSet(func(set *intents.Set) {
		for _, id := range inc.Intents {
			if id = strings.TrimSpace(id); id != "" && set != nil && set.Intent(id) == nil {
				unknown = append(unknown, id)
			}
		}
	})
	if len(unknown) > 0 {
		return kept, panelError(dialog.EINVALID, lang, "error.incident_intents", strings.Join(unknown, ", "))
	}
	parse := func(s string) (time.Time, error) {
		if s == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation(formTime, s, p.location())
		if err != nil {
			return t, panelError(dialog.EINVALID, lang, "error.incident_time", s)
		}
		return t, nil
	}
	var err error
	if inc.StartsAt, err = parse(kept.Starts); err != nil {
		return kept, err
	}
	if inc.StartsAt.IsZero() {
		inc.StartsAt = p.engine.Now()
	}
	if inc.ExpectedEnd, err = parse(kept.Until); err != nil {
		return kept, err
	}
	return kept, nil
}

// formIncident reads the id in the path and the version in the form.
func formIncident(c *gin.Context, lang string) (id, version int64, err error) {
	id, err = strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, 0, panelError(dialog.ENOTFOUND, lang, "error.no_incident", c.Param("id"))
	}
	version, err = strconv.ParseInt(c.Request.PostForm.Get("version"), 10, 64)
	if err != nil || version < 1 {
		return 0, 0, panelError(dialog.EINVALID, lang, "error.no_version")
	}
	return id, version, nil
}

func (p *Panel) openIncident(c *gin.Context) {
	lang := pageLang(c)
	if err := parseForm(c, lang); err != nil {
		p.showIncidents(c, httperror.Status(dialog.ErrorCode(err)), incidentForm{}, err)
		return
	}
	inc := &dialog.Incident{CreatedBy: auth.CurrentUser(c).Name}
	kept, err := p.readIncidentForm(c, lang, inc)
	if err == nil {
		err = p.engine.OpenIncident(c.Request.Context(), inc)
	}
	if err != nil {
		p.showIncidents(c, httperror.Status(dialog.ErrorCode(err)), kept, err)
		return
	}
	c.Redirect(http.StatusSeeOther, incidentsPath)
}

func (p *Panel) updateIncident(c *gin.Context) {
	lang := pageLang(c)
	if err := parseForm(c, lang); err != nil {
		p.showIncidents(c, httperror.Status(dialog.ErrorCode(err)), incidentForm{}, err)
		return
	}
	id, version, err := formIncident(c, lang)
	inc := &dialog.Incident{ID: id, Version: version}
	var typed incidentForm
	if err == nil {
		typed, err = p.readIncidentForm(c, lang, inc)
	}
	if err == nil {
		err = p.engine.UpdateIncident(c.Request.Context(), inc)
	}
	if err != nil {
		p.showIncidentsEdited(c, httperror.Status(dialog.ErrorCode(err)), incidentForm{}, id, typed, err)
		return
	}
	c.Redirect(http.StatusSeeOther, incidentsPath)
}

func (p *Panel) closeIncident(c *gin.Context) {
	lang := pageLang(c)
	if err := parseForm(c, lang); err != nil {
		p.showIncidents(c, httperror.Status(dialog.ErrorCode(err)), incidentForm{}, err)
		return
	}
	id, version, err := formIncident(c, lang)
	if err == nil {
		form := c.Request.PostForm
		closeText := map[string]string{intents.LangRU: form.Get("close_ru"), intents.LangEN: form.Get("close_en")}
		// Customers not told now (a failure half way) are told by the
		// sweep: the incident is closed all the same.
		var closed *dialog.Incident
		closed, _, err = p.engine.CloseIncident(c.Request.Context(), id, version, closeText)
		if closed != nil && err != nil {
			p.log.Warn("incident closed, some customers not told yet", "incident", id, "err", err)
			err = nil
		}
	}
	if err != nil {
		p.showIncidents(c, httperror.Status(dialog.ErrorCode(err)), incidentForm{}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, incidentsPath)
}
