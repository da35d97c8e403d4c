// Package panel is the agents' web panel: the ticket queue, the ticket view
// with its transcript and actions, live updates over Server-Sent Events,
// user administration, the support figures for analysts, and the review
// of what the bot could not answer, from which admins teach it. Pages are
// rendered on the server with html/template, charts included; a little
// JavaScript only makes them live.
package panel

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// Panel serves the agents' web panel under /panel.
type Panel struct {
	engine *dialog.Engine
	store  dialog.Store
	kb     *kb.Holder
	auth   *auth.Service
	events *broker.Broker
	log    *slog.Logger
	pages  *pages
	static *staticFiles
	queues *queueNamer // the queues' names, which the pages show

	// closed ends the live event streams, which would otherwise keep a
	// server shutdown waiting for them.
	closed    chan struct{}
	closeOnce sync.Once
	// heartbeat is how often an idle event stream sends a comment, so
	// that proxies and the browser see it is alive.
	heartbeat time.Duration
	// recheckEvery, when set, replaces the ticker on which event streams
	// check that their caller may still see the panel (every
	// streamRecheck), so tests can tick it by hand.
	recheckEvery func() (<-chan time.Time, func())
	// now is the clock event streams limit their event-triggered checks
	// by; time.Now when nil.
	now func() time.Time

	// whatsapp, when set, is the account admins link on the WhatsApp page;
	// pairing is the linking in progress. lifetime ends with Close, and
	// with it a pairing left running; wg waits for it.
	whatsapp WhatsApp
	pairing  whatsappPairing
	lifetime context.Context
	stop     context.CancelFunc
	wg       sync.WaitGroup

	// contactGap ends a contact in the analytics pages; see SetContactGap.
	contactGap time.Duration

	// learning, when set, lets admins edit the knowledge base from the
	// review page (SetLearning); writer writes the edits, one at a time,
	// and guard keeps the measure they are checked against.
	learning Learning
	writer   *intents.Writer
	guard    baselines

	// health keeps the review page's advice on the knowledge base in use.
	health healthCache

	// webchatOrigins are the sites that may embed the web chat, shown on
	// its admin page (SetWebchatOrigins).
	webchatOrigins []string
}

// New returns the panel over the engine, answering with canned replies
// from the knowledge base in holder, identifying users with auth and
// streaming the changes events publishes. It parses every page template,
// so a broken template fails here rather than on a request.
func New(engine *dialog.Engine, holder *kb.Holder, auth *auth.Service, events *broker.Broker, log *slog.Logger) (*Panel, error) {
	static, err := loadStatic()
	if err != nil {
		return nil, fmt.Errorf("panel: %w", err)
	}
	queues := &queueNamer{}
	pages, err := parsePages(static, queues)
	if err != nil {
		return nil, fmt.Errorf("panel: %w", err)
	}
	lifetime, stop := context.WithCancel(context.Background())
	return &Panel{
		lifetime:  lifetime,
		stop:      stop,
		engine:    engine,
		store:     engine.Store(),
		kb:        holder,
		auth:      auth,
		events:    events,
		log:       log,
		pages:     pages,
		queues:    queues,
		static:    static,
		closed:    make(chan struct{}),
		heartbeat: 25 * time.Second,
		health:    healthCache{wait: defaultHealthWait},
		now:       engine.Now,
	}, nil
}

// Close ends every open live event stream and refuses new ones. Call it
// when the server shuts down (http.Server.RegisterOnShutdown), since
// Shutdown waits for streams that would otherwise never end.
func (p *Panel) Close() {
	p.closeOnce.Do(func() { close(p.closed) })
	if p.stop != nil { // nil in a Panel built without New
		p.stop()
	}
	p.wg.Wait()
}

// Routes registers the panel's pages under /panel. Everything but the
// login page and the static files needs a logged-in user; changes need a
// role that may make them, and no request that changes anything is
// accepted from another site. Like the tickets API, it needs the router to
// run the auth service's Middleware first, which identifies the caller.
func (p *Panel) Routes(r gin.IRouter) {
	g := r.Group("/panel", securityHeaders)
	g.GET("/static/*file", p.serveStatic)

	site := g.Group("", p.auth.CrossOriginGuard())
	site.GET("/login", p.loginPage)
	site.POST("/login", p.login)

	in := site.Group("", auth.Require())
	in.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, homePath) })
	in.POST("/logout", p.logout)
	in.GET("/queue", p.queuePage)
	in.GET("/queue/list", p.queueList)
	in.GET("/tickets/:number", p.ticketPage)
	in.GET("/tickets/:number/transcript", p.transcript)
	in.GET("/events", p.stream)
	in.GET("/attachments/:id", p.attachment)
	in.POST("/settings/lang", p.setLang)

	work := in.Group("/tickets/:number", auth.Require(dialog.RoleAgent, dialog.RoleAdmin))
	work.POST("/take", p.take)
	work.POST("/reply", p.reply)
	work.POST("/ask-field", p.askField)
	work.POST("/wait", p.wait)
	work.POST("/typing", p.typing)
	work.POST("/note", p.note)
	work.POST("/transfer", p.transfer)
	work.POST("/close", p.closeTicket)

	// Erasing a customer's personal data cannot be undone: admins only.
	erase := in.Group("/tickets/:number", auth.Require(dialog.RoleAdmin))
	erase.POST("/erase", p.erase)

	analytics := in.Group("/analytics", auth.Require(dialog.RoleAnalyst, dialog.RoleAdmin))
	analytics.GET("", p.analyticsPage)
	analytics.GET("/export.csv", p.analyticsExport)

	review := in.Group("/review", auth.Require(dialog.RoleAnalyst, dialog.RoleAdmin))
	review.GET("", p.reviewPage)
	learn := in.Group("/review", auth.Require(dialog.RoleAdmin))
	learn.POST("/preview", p.reviewPreview)
	learn.POST("/apply", p.reviewApply)

	// Everyone reads what is known to be broken; admins announce it.
	in.GET("/incidents", p.incidentsPage)
	incidents := in.Group("/incidents", auth.Require(dialog.RoleAdmin))
	incidents.POST("", p.openIncident)
	incidents.POST("/:id", p.updateIncident)
	incidents.POST("/:id/close", p.closeIncident)

	admin := in.Group("/admin", auth.Require(dialog.RoleAdmin))
	admin.GET("/users", p.usersPage)
	admin.POST("/users", p.addUser)
	admin.POST("/users/:name/disable", p.disableUser)
	admin.POST("/users/:name/enable", p.enableUser)
	admin.POST("/users/:name/queues", p.setUserQueues)
	admin.POST("/users/:name/password", p.resetPassword)
	admin.GET("/whatsapp", p.whatsappPage)
	admin.GET("/whatsapp/qr.png", p.whatsappQR)
	admin.POST("/whatsapp/pair", p.pairWhatsApp)
	admin.POST("/whatsapp/logout", p.logoutWhatsApp)
	admin.GET("/webchat", p.webchatPage)
}

// IsPage reports whether r asks for a page of the panel: a path under
// /panel from a browser, which accepts HTML, rather than from a program
// that wants JSON.
func IsPage(r *http.Request) bool {
	if r.URL.Path != "/panel" && !strings.HasPrefix(r.URL.Path, "/panel/") {
		return false
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/html") && !strings.Contains(accept, "application/json")
}

// NotFound answers a request for a panel page that does not exist with the
// panel's error page and 404. Give it to the router's NoRoute for the
// requests IsPage accepts.
func (p *Panel) NotFound(c *gin.Context) {
	setSecurityHeaders(c.Writer.Header())
	p.fail(c, panelError(dialog.ENOTFOUND, pageLang(c), "error.no_page"))
}

// securityHeaders keeps the panel's pages from running anything but the
// panel's own scripts, from being framed, and from being cached.
func securityHeaders(c *gin.Context) {
	setSecurityHeaders(c.Writer.Header())
	c.Next()
}

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store") // the static handler overrides this for its files
}
