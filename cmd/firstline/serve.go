package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/bots/outbox"
	"github.com/firstline-support/firstline/bots/presence"
	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/bots/whatsapp"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/calendar"
	"github.com/firstline-support/firstline/dialog/metrics"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
	"github.com/firstline-support/firstline/dialog/web/api"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
	"github.com/firstline-support/firstline/dialog/web/panel"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// shutdownTimeout is how long requests in flight get to finish on shutdown.
const shutdownTimeout = 15 * time.Second

func cmdServe(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("serve", e)
	s, err := parseSettings(fs, args, flagAddr|flagData|flagIntents, e.getenv)
	if err != nil {
		return err
	}
	log := newLogger(e)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	app, err := openApp(ctx, s, log)
	if err != nil {
		return err
	}
	defer app.close()
	// Ended sessions and revoked tokens are announced as events, so that
	// the live views of every replica check their users at once.
	var access dialog.Publisher = app.broker
	if app.notifier != nil {
		access = app.notifier
	}
	users := auth.New(app.store, auth.Options{SessionTTL: s.Panel.SessionTTL, SecureCookies: s.Panel.SecureCookies, Publisher: access}, log)
	if err := ensureAdmin(ctx, users, e); err != nil {
		return err
	}

	channels, senders, wa, err := openChannels(ctx, s, app, log)
	if err != nil {
		return err
	}
	if wa != nil {
		defer wa.Close()
	}
	router := newRouter(log, app.store, app.holder, app.metrics)
	if err := trustProxies(router, s.HTTP.TrustedProxies); err != nil {
		return err
	}
	router.Use(users.Middleware()) // identifies the caller; routes that need one add auth.Require
	for _, ch := range channels {
		ch.Routes(router)
	}
	api.New(app.store, log).Routes(router)
	agents, err := panel.New(app.engine, app.holder, users, app.broker, log)
	if err != nil {
		return err
	}
	if wa != nil {
		agents.SetWhatsApp(wa.Channel) // admins link the account from the panel
	}
	agents.SetContactGap(s.Report.ContactGap) // the analytics pages count contacts as firstline report does
	agents.SetQueueNames(s.Tickets.QueueNames)
	// Admins add examples and intents from the review page; a saved edit
	// is loaded at once rather than at the watcher's next poll.
	agents.SetLearning(panel.Learning{Dir: s.IntentsDir, Reload: app.watcher.Reload})
	// The web chat admin page shows the sites allowed to embed the chat.
	agents.SetWebchatOrigins(s.Webchat.AllowedOrigins)
	agents.Routes(router)
	// A browser asking for a panel page that does not exist gets the
	// panel's page saying so; programs keep their JSON.
	router.NoRoute(func(ctx *gin.Context) {
		if panel.IsPage(ctx.Request) {
			agents.NotFound(ctx)
			return
		}
		notFoundJSON(ctx)
	})

	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.Addr, err)
	}
	srv := &http.Server{
		Handler:           router,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// Shutdown waits for requests in flight, and a live-update stream
	// never ends by itself: end them first.
	srv.RegisterOnShutdown(agents.Close)

	// Every goroutine below stops when ctx is done; wg waits for them.
	var wg sync.WaitGroup
	wg.Go(func() { app.watcher.Run(ctx) })
	if app.notifier != nil {
		wg.Go(func() {
			if err := app.notifier.Run(ctx); err != nil {
				log.Error("live updates stopped", "err", err)
			}
		})
	}
	wg.Go(func() { reloadOnHangup(ctx, app.watcher) })
	var dispatchers []*outbox.Dispatcher
	byChannel := map[string]*outbox.Dispatcher{}
	for _, snd := range senders {
		d := outbox.New(app.store, snd, outbox.Options{}, log)
		dispatchers = append(dispatchers, d)
		byChannel[snd.Name()] = d
	}
	for _, ch := range channels {
		var typing func(context.Context)
		if t, ok := ch.(presence.Typer); ok {
			typing = func(ctx context.Context) { relayTyping(ctx, app, t, log) }
		}
		wg.Go(func() {
			if err := runChannel(ctx, s, ch, byChannel[ch.Name()], typing, log); err != nil {
				log.Error("channel stopped", "channel", ch.Name(), "err", err)
			}
		})
	}
	if len(dispatchers) > 0 {
		wg.Go(func() { wakeOnMessages(ctx, app.broker, dispatchers) })
	}
	wg.Go(func() { noteTyping(ctx, app.broker, app.engine) })
	if s.retainClosed() > 0 {
		wg.Go(func() { runRetention(ctx, s, app.engine, log) })
	}
	if s.Tickets.LateNoticeBefore > 0 {
		wg.Go(func() { runLateNotices(ctx, s, app.engine, log) })
	}
	if s.Tickets.AutoAssign {
		wg.Go(func() { runQueuedAssignments(ctx, s, app.engine, log) })
	}
	if s.Tickets.Waiting.RemindAfter > 0 || s.Tickets.Waiting.CloseAfter > 0 {
		wg.Go(func() { runWaiting(ctx, s, app.engine, log) })
	}
	wg.Go(func() { runIncidentNotices(ctx, s, app.engine, log) })
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("firstline is serving: open the web chat", "url", "http://"+ln.Addr().String()+"/",
		"panel", "http://"+ln.Addr().String()+"/panel/", "store", s.storeName(), "intents", s.IntentsDir)

	select {
	case err = <-served:
		err = fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		// Shutdown lets requests in flight finish, so every message that was
		// acknowledged has been committed before the store closes.
		if err = srv.Shutdown(sctx); err != nil {
			err = fmt.Errorf("shut down http: %w", err)
		}
	}
	stop()
	wg.Wait()
	if err == nil {
		log.Info("stopped")
	}
	return err
}

// openChannels builds the channels the settings turn on: the web chat
// always, Telegram when it has a token, WhatsApp when enabled. senders are
// the ones that push to customers through the outbox; wa is the WhatsApp
// channel, which the panel links, or nil.
func openChannels(ctx context.Context, s *settings, app *app, log *slog.Logger) (channels []bots.Channel, senders []bots.Sender, wa *whatsappChannel, err error) {
	channels = []bots.Channel{webchat.New(app.engine, s.webchatOptions(app.holder), log)}
	if s.Telegram.Token != "" {
		tg, err := telegram.New(telegram.Config{
			Token:         s.Telegram.Token,
			APIURL:        s.Telegram.APIURL,
			WebhookURL:    s.Telegram.WebhookURL,
			WebhookSecret: s.Telegram.WebhookSecret,
			TeamChats:     s.teamChats(),
		}, app.engine, app.store, log)
		if err != nil {
			return nil, nil, nil, err
		}
		channels = append(channels, tg)
		senders = append(senders, tg)
	}
	if s.Telegram.Token == "" && s.Telegram.TeamChat != "" {
		log.Warn("telegram.team_chat is set but Telegram is off (no token): the team's chat hears of no tickets")
	}
	if s.WhatsApp.Enabled {
		client, err := whatsapp.OpenClient(ctx, s.database(), log)
		if err != nil {
			return nil, nil, nil, err
		}
		wa = &whatsappChannel{Channel: whatsapp.New(app.engine, client, whatsapp.Options{}, log), client: client}
		channels = append(channels, wa.Channel)
		senders = append(senders, wa.Channel)
	}
	return channels, senders, wa, nil
}

// whatsappChannel is the WhatsApp channel with the client it owns.
type whatsappChannel struct {
	*whatsapp.Channel
	client *whatsapp.WAClient
}

// Close releases the WhatsApp client.
func (w *whatsappChannel) Close() error { return w.client.Close() }

// app is what every command that talks to the engine opens: the knowledge
// base with its watcher, the store and the engine.
type app struct {
	holder   *kb.Holder
	watcher  *intents.Watcher
	store    dialog.Store
	broker   *broker.Broker
	notifier *postgres.Notifier // nil on SQLite
	engine   *dialog.Engine
	metrics  *metrics.Metrics
}

// openApp loads the knowledge base (failing on any problem in it), opens the
// store in s.DataDir and builds the engine, with metrics of what it does.
func openApp(ctx context.Context, s *settings, log *slog.Logger) (*app, error) {
	cfg := s.engineConfig()
	m := metrics.New()
	so, err := secondOpinion(s.LLM, log, m.ObserveLLM)
	if err != nil {
		return nil, err
	}
	cfg.SecondOpinion = so
	cfg.Observer = m
	holder := kb.NewHolder(nil)
	watcher := intents.NewWatcher(s.IntentsDir, log, func(set *intents.Set) error {
		k, err := kb.New(set, s.matchOptions())
		if err != nil {
			return err
		}
		holder.Swap(k)
		return nil
	})
	if err := watcher.Reload(); err != nil {
		return nil, fmt.Errorf("load knowledge base %s:\n%w", s.IntentsDir, err)
	}
	store, err := openStore(ctx, s, log)
	if err != nil {
		holder.Close()
		return nil, err
	}
	err = m.Register(metrics.NewStoreCollector(store, metrics.StoreOptions{Queues: cfg.Queues, Channels: cfg.PushChannels, Hours: cfg.Hours}))
	if err != nil {
		store.Close()
		holder.Close()
		return nil, fmt.Errorf("register store metrics: %w", err)
	}
	warnShiftsWithoutUsers(ctx, store, cfg.Shifts, log)
	// Live views and the outbox learn of changes from events. On
	// PostgreSQL they travel through the database, so that every replica
	// hears of every change, its own included.
	events := broker.New()
	var pub dialog.Publisher = events
	var notifier *postgres.Notifier
	if db, ok := store.(*postgres.DB); ok {
		notifier = postgres.NewNotifier(db, events, log)
		pub = notifier
	}
	return &app{
		holder:   holder,
		watcher:  watcher,
		store:    store,
		broker:   events,
		notifier: notifier,
		engine:   dialog.NewEngine(store, holder, pub, cfg, log),
		metrics:  m,
	}, nil
}

// database is where everything is kept: the PostgreSQL URL when one is
// set, else the SQLite file in the data directory.
func (s *settings) database() string {
	if s.Database.URL != "" {
		return s.Database.URL
	}
	return filepath.Join(s.DataDir, "firstline.db")
}

// storeName says where the store is, for logs, without any password.
func (s *settings) storeName() string {
	if s.Database.URL != "" {
		return "postgresql"
	}
	return s.database()
}

// openStore opens the store, applying any pending migrations.
func openStore(ctx context.Context, s *settings, log *slog.Logger) (dialog.Store, error) {
	if s.Database.URL != "" {
		return postgres.Open(ctx, s.Database.URL, log)
	}
	return sqlite.Open(ctx, s.database(), log)
}

func (a *app) close() {
	a.store.Close()
	a.holder.Close()
}

// wakeOnMessages wakes the outbox dispatchers whenever a message is
// committed, so replies go out at once rather than at the next poll.
func wakeOnMessages(ctx context.Context, events *broker.Broker, dispatchers []*outbox.Dispatcher) {
	ch, cancel := events.Subscribe()
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-ch:
			if e.Kind != dialog.EventMessage {
				continue
			}
			for _, d := range dispatchers {
				d.Wake()
			}
		}
	}
}

// noteTyping tells the engine of every agent typing it hears of, until
// ctx is done. On PostgreSQL that includes other replicas' agents, so the
// web chat shows "is typing" whichever replica the customer's page polls.
func noteTyping(ctx context.Context, events *broker.Broker, engine *dialog.Engine) {
	ch, cancel := events.Subscribe()
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-ch:
			engine.NoteTyping(e)
		}
	}
}

// relayTyping shows t's customers that an agent is writing to them, until
// ctx is done (see presence.Relay).
func relayTyping(ctx context.Context, app *app, t presence.Typer, log *slog.Logger) {
	events, cancel := app.broker.Subscribe()
	defer cancel()
	presence.New(app.store, t, app.engine.Now, log).Run(ctx, events)
}

// reloadOnHangup reloads the knowledge base on SIGHUP until ctx is done.
func reloadOnHangup(ctx context.Context, w *intents.Watcher) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			w.Reload() // problems are logged; the previous knowledge base keeps serving
		case <-ctx.Done():
			return
		}
	}
}

// newRouter returns the HTTP router with metrics, logging, panic recovery,
// the health checks and the metrics page; channels and APIs add their
// routes.
func newRouter(log *slog.Logger, store dialog.Store, holder *kb.Holder, m *metrics.Metrics) *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// Requests reach us directly or through a proxy we do not know yet:
	// trust no forwarding headers.
	if err := r.SetTrustedProxies(nil); err != nil {
		panic(err) // nil is always accepted
	}
	// Metrics first, so that they time everything, a recovered panic too.
	r.Use(m.Middleware(), logRequests(log), recoverPanics(log))
	r.NoRoute(notFoundJSON)
	r.NoMethod(func(ctx *gin.Context) {
		ctx.JSON(http.StatusMethodNotAllowed, gin.H{"error": "method not allowed", "code": dialog.EINVALID})
	})
	healthRoutes(r, store, holder)
	r.GET("/metrics", gin.WrapH(m.Handler(log)))
	return r
}

// notFoundJSON answers a request for a path nothing serves.
func notFoundJSON(ctx *gin.Context) {
	ctx.JSON(http.StatusNotFound, gin.H{"error": "no such page", "code": dialog.ENOTFOUND})
}

// trustProxies lets the reverse proxies in proxies (addresses or CIDR
// networks) name the client in X-Forwarded-For (or X-Real-IP). The
// client's address is then what gin's Context.ClientIP returns, which is
// the one place every part of the server takes it from: the login limits,
// the web chat's limits. A request from anywhere else is taken at its
// connection's address, whatever headers it sends. With no proxies no
// header is trusted.
func trustProxies(r *gin.Engine, proxies []string) error {
	if err := r.SetTrustedProxies(proxies); err != nil {
		return fmt.Errorf("http.trusted_proxies: %w", err)
	}
	return nil
}

// recoverPanics turns a panic in a handler into a 500 and an error in the
// log with its stack. A panic over a connection the client closed (a
// broken pipe, a reset) is no bug: gin ends the request without a status
// and logRequests records it at debug level.
func recoverPanics(log *slog.Logger) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(ctx *gin.Context, v any) {
		log.Error("panic serving request", "path", ctx.Request.URL.Path, "panic", v, "stack", string(debug.Stack()))
		ctx.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error", "code": dialog.EINTERNAL})
	})
}

// connectionLost reports whether the request failed because its
// connection broke under a write: what gin's recovery records for it.
func connectionLost(ctx *gin.Context) bool {
	for _, e := range ctx.Errors {
		if errors.Is(e.Err, syscall.EPIPE) || errors.Is(e.Err, syscall.ECONNRESET) || errors.Is(e.Err, http.ErrAbortHandler) {
			return true
		}
	}
	return false
}

// logRequests logs each request: failures at warn level, the rest at debug
// so that polling pages do not flood the log. A request whose client went
// away is logged at debug without a status: whatever the server answered
// (a 500 for the work cut short, most likely) reached no one, and there is
// nothing to fix.
func logRequests(log *slog.Logger) gin.HandlerFunc {
	return func(ctx *gin.Context) {
		start := time.Now()
		ctx.Next()
		r := ctx.Request
		if httperror.ClientGone(r) || connectionLost(ctx) {
			log.Log(r.Context(), slog.LevelDebug, "http request: the client went away", "method", r.Method,
				"path", r.URL.Path, "duration", time.Since(start))
			return
		}
		status := ctx.Writer.Status()
		level := slog.LevelDebug
		if status >= 500 {
			level = slog.LevelWarn
		}
		log.Log(r.Context(), level, "http request", "method", r.Method,
			"path", r.URL.Path, "status", status, "duration", time.Since(start))
	}
}

// runRetention erases the conversations privacy.retain_closed lets go
// until ctx is done. Replicas sharing a PostgreSQL database take turns
// under a leader lock, so that one of them does the work; the erasure is
// safe without it too (see dialog.Retainer).
func runRetention(ctx context.Context, s *settings, engine *dialog.Engine, log *slog.Logger) {
	r := dialog.NewRetainer(engine, s.retainClosed(), 0, log)
	err := lead(ctx, s, "firstline retention", log, func(ctx context.Context) error {
		r.Run(ctx)
		return nil
	})
	if err != nil {
		log.Error("retention stopped", "err", err)
	}
}

// runWaiting reminds the customers of tickets waiting for their answer
// and closes those that wait too long (see dialog.WaitingSweep) until ctx
// is done. Replicas sharing a PostgreSQL database take turns under a
// leader lock; each ticket is acted on once without it too.
func runWaiting(ctx context.Context, s *settings, engine *dialog.Engine, log *slog.Logger) {
	w := dialog.NewWaitingSweep(engine, 0, log)
	err := lead(ctx, s, "firstline waiting tickets", log, func(ctx context.Context) error {
		w.Run(ctx)
		return nil
	})
	if err != nil {
		log.Error("waiting sweep stopped", "err", err)
	}
}

// runLateNotices tells customers their tickets run late (see
// dialog.LateNotices) until ctx is done. Replicas sharing a PostgreSQL
// database take turns under a leader lock; each notice is sent once
// without it too.
func runLateNotices(ctx context.Context, s *settings, engine *dialog.Engine, log *slog.Logger) {
	n := dialog.NewLateNotices(engine, 0, log)
	err := lead(ctx, s, "firstline late notices", log, func(ctx context.Context) error {
		n.Run(ctx)
		return nil
	})
	if err != nil {
		log.Error("late notices stopped", "err", err)
	}
}

// runQueuedAssignments gives queued tickets to agents as they come on
// shift (see dialog.QueuedAssignments) until ctx is done. Replicas
// sharing a PostgreSQL database take turns under a leader lock; each
// ticket is given once without it too.
func runQueuedAssignments(ctx context.Context, s *settings, engine *dialog.Engine, log *slog.Logger) {
	q := dialog.NewQueuedAssignments(engine, 0, log)
	err := lead(ctx, s, "firstline queued assignments", log, func(ctx context.Context) error {
		q.Run(ctx)
		return nil
	})
	if err != nil {
		log.Error("assigning queued tickets stopped", "err", err)
	}
}

// warnShiftsWithoutUsers logs the names of business_hours.agents that no
// user has (yet): a misspelt name would otherwise go unnoticed, its shift
// never applied.
func warnShiftsWithoutUsers(ctx context.Context, store dialog.Store, shifts map[string]*calendar.Calendar, log *slog.Logger) {
	if len(shifts) == 0 {
		return
	}
	users, err := store.Users(ctx)
	if err != nil {
		log.Warn("cannot check business_hours.agents against the users", "err", err)
		return
	}
	for _, name := range slices.Sorted(maps.Keys(shifts)) {
		if !slices.ContainsFunc(users, func(u *dialog.User) bool { return u.Name == name }) {
			log.Warn("business_hours.agents names no user; the shift applies once a user has that name", "name", name)
		}
	}
}

// runIncidentNotices tells the customers of closed incidents that they are
// over, those the closing did not tell at once and those a process that
// stopped left (see dialog.IncidentNotices), until ctx is done. Replicas sharing a
// PostgreSQL database take turns under a leader lock; each customer is
// told once without it too.
func runIncidentNotices(ctx context.Context, s *settings, engine *dialog.Engine, log *slog.Logger) {
	n := dialog.NewIncidentNotices(engine, 0, log)
	err := lead(ctx, s, "firstline incident notices", log, func(ctx context.Context) error {
		n.Run(ctx)
		return nil
	})
	if err != nil {
		log.Error("incident notices stopped", "err", err)
	}
}
