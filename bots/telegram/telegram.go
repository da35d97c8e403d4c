// Package telegram is the Telegram channel: it receives customers' messages
// and button presses from the Bot API, by long polling or by webhook, and
// delivers the engine's outbound messages with sendMessage.
//
// Nothing a customer sends is lost or handled twice: every update is saved
// in the store's inbox before Telegram is told it arrived (the next
// getUpdates offset, or the webhook's 200), and a single worker hands the
// inbox to the engine in update order, marking each update processed after
// the engine committed it. The engine ignores a message id it has seen, so
// an update handled just before a crash is not answered again.
//
// Replies go out through the outbox: the engine queues them when
// dialog.Config.PushChannels lists ChannelName, and an outbox dispatcher
// delivers them with Send.
package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/dialog"
)

// ChannelName is stored on Telegram conversations, inbox and outbox items.
const ChannelName = "telegram"

// Defaults for Config.
const (
	DefaultAPIURL      = "https://api.telegram.org"
	DefaultPollTimeout = 25 * time.Second
)

// WebhookPath is where Telegram posts updates in webhook mode; the public
// WebhookURL must lead here.
const WebhookPath = "/telegram/webhook"

// apiTimeout bounds every Bot API call but getUpdates and file downloads.
const apiTimeout = 30 * time.Second

// secretPattern is what Telegram accepts as a webhook secret token.
var secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// Config is the channel's settings.
type Config struct {
	// Token is the bot's token from @BotFather. Required.
	Token string
	// APIURL is the Bot API server; DefaultAPIURL when empty.
	APIURL string
	// WebhookURL is the public HTTPS address Telegram posts updates to; it
	// must lead to WebhookPath on this server. Empty means long polling.
	WebhookURL string
	// WebhookSecret is the secret Telegram sends with every webhook call
	// (1 to 256 letters, digits, _ or -). Required with WebhookURL.
	WebhookSecret string
	// PollTimeout is how long one getUpdates waits for updates;
	// DefaultPollTimeout when zero, at least a second.
	PollTimeout time.Duration
	// TeamChats are chats of the company's own people (the team's chat
	// that hears of new tickets), by id: what is written there is no
	// customer's, and is not handed to the engine.
	TeamChats []string
}

// Channel is the Telegram channel. It implements bots.Channel and
// bots.Sender.
type Channel struct {
	cfg    Config
	engine *dialog.Engine
	store  dialog.Store
	log    *slog.Logger
	api    *bot.Bot
	http   *http.Client
	// wake tells the inbox worker that updates were saved; it holds at most
	// one signal, which is all the worker needs to look again.
	wake chan struct{}
	// minBackoff is the first wait after a failure (tests shorten it).
	minBackoff time.Duration
}

// New returns the Telegram channel. engine handles the updates; store keeps
// the inbox and answers button presses (the buttons' labels).
func New(cfg Config, engine *dialog.Engine, store dialog.Store, log *slog.Logger) (*Channel, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	log = log.With("channel", ChannelName)
	// No client timeout: each call has its own deadline in its context,
	// and a long poll must be allowed to wait.
	client := &http.Client{}
	api, err := bot.New(cfg.Token,
		bot.WithServerURL(cfg.APIURL),
		bot.WithSkipGetMe(),
		bot.WithHTTPClient(cfg.PollTimeout, client),
		bot.WithErrorsHandler(func(err error) { log.Warn("telegram client error", "err", err) }),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	return &Channel{
		cfg:        cfg,
		engine:     engine,
		store:      store,
		log:        log,
		api:        api,
		http:       client,
		wake:       make(chan struct{}, 1),
		minBackoff: minBackoff,
	}, nil
}

// check validates the settings and fills in the defaults.
func (cfg *Config) check() error {
	if strings.TrimSpace(cfg.Token) == "" {
		return fmt.Errorf("telegram: a bot token is required")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if u, err := url.Parse(cfg.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("telegram: api url %q is not an http(s) address", cfg.APIURL)
	}
	switch {
	case cfg.PollTimeout == 0:
		cfg.PollTimeout = DefaultPollTimeout
	case cfg.PollTimeout < time.Second:
		return fmt.Errorf("telegram: poll timeout %s is shorter than a second", cfg.PollTimeout)
	}
	if cfg.WebhookURL == "" {
		return nil
	}
	if u, err := url.Parse(cfg.WebhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("telegram: webhook url %q is not an https address (Telegram posts only over HTTPS)", cfg.WebhookURL)
	}
	if !secretPattern.MatchString(cfg.WebhookSecret) {
		return fmt.Errorf("telegram: a webhook needs a webhook secret of 1 to 256 letters, digits, _ or -")
	}
	return nil
}

// Name implements bots.Channel and bots.Sender.
func (c *Channel) Name() string { return ChannelName }

// webhookMode reports whether Telegram posts updates to us.
func (c *Channel) webhookMode() bool { return c.cfg.WebhookURL != "" }

// Lead implements bots.Leader. Telegram answers getUpdates to one client
// at a time, so when polling one process runs the channel; in webhook mode
// Telegram posts each update to one process, and every process handles
// what it was posted. Any process can call sendMessage.
func (c *Channel) Lead() bots.Lead {
	if c.webhookMode() {
		return bots.LeadNone
	}
	return bots.LeadRun
}

// Routes implements bots.Channel: POST WebhookPath in webhook mode, nothing
// when polling.
func (c *Channel) Routes(r gin.IRouter) {
	if c.webhookMode() {
		r.POST(WebhookPath, c.receiveWebhook)
	}
}

// Run implements bots.Channel. When polling it deletes any webhook, then
// polls getUpdates; in webhook mode it registers the webhook. In both it
// runs the inbox worker, which first handles what an earlier run left.
// It returns nil once ctx is done and everything it started has stopped.
func (c *Channel) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() { c.work(ctx) })
	if c.webhookMode() {
		c.log.Info("telegram channel started", "mode", "webhook", "path", WebhookPath)
		c.retry(ctx, "set webhook", c.setWebhook)
		<-ctx.Done()
	} else {
		c.log.Info("telegram channel started", "mode", "polling")
		c.poll(ctx)
	}
	wg.Wait()
	return nil
}

// wakeWorker tells the inbox worker to look for saved updates.
func (c *Channel) wakeWorker() {
	select {
	case c.wake <- struct{}{}:
	default: // a signal is waiting already
	}
}

// allowedUpdates are the kinds of update the channel asks Telegram for.
func allowedUpdates() []string {
	return []string{models.AllowedUpdateMessage, models.AllowedUpdateCallbackQuery}
}
