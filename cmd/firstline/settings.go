package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/bots/whatsapp"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/report"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// defaultConfigFile is read when no --config is given; it may be missing.
const defaultConfigFile = "configs/firstline.yaml"

// settings are the values every command runs with: built-in defaults,
// overridden by the config file, then by FIRSTLINE_* environment variables,
// then by flags.
type settings struct {
	ConfigFile string
	Addr       string
	DataDir    string
	IntentsDir string
	Title      string // shown on the web chat page
	// WebchatLimit bounds each client address's web chat requests.
	WebchatLimit webchat.RateLimit
	Matching     kb.Options
	Dialog       dialog.Config
	// Sessions in the panel last this long; cookies are marked Secure
	// always when SecureCookies, otherwise only over TLS.
	SessionTTL    time.Duration
	SecureCookies bool
	// Telegram is on when it has a token; WhatsApp when enabled (and
	// paired with `firstline whatsapp pair`).
	Telegram telegramSettings
	WhatsApp bool
	// DatabaseURL (FIRSTLINE_DATABASE_URL) selects PostgreSQL; empty means
	// the embedded SQLite file in DataDir.
	DatabaseURL string
	// LLM is the optional second-opinion classifier; off while its
	// BaseURL is empty.
	LLM llmSettings
	// llmKeyEnv names the environment variable with the model's API key,
	// read once the environment is at hand.
	llmKeyEnv string
	// ContactGap is the customer silence that ends a contact in reports.
	ContactGap time.Duration
	// TrustedProxies are the addresses and networks (CIDR) of reverse
	// proxies whose X-Forwarded-For header names the client: the address
	// login limits (and anything else that asks gin's ClientIP) count by.
	// Empty means the connection's address is the client's.
	TrustedProxies []string
	// RetainClosed is how long a conversation nobody works on keeps its
	// customer's words, files and contact details after its last update;
	// 0 keeps them until erased by hand.
	RetainClosed time.Duration
}

// llmSettings configure the language model asked about the messages the
// matcher would ask the customer to clarify.
type llmSettings struct {
	BaseURL string // FIRSTLINE_LLM_BASE_URL; any OpenAI-compatible server
	Model   string // FIRSTLINE_LLM_MODEL
	APIKey  string // from the environment variable llm.api_key_env names
	Timeout time.Duration
	// Ignored names the keys of the file's llm section that are read but
	// no longer used (llm.grey_from, llm.grey_to), to be warned about.
	Ignored []string
}

// Enabled reports whether a model is configured.
func (l llmSettings) Enabled() bool { return l.BaseURL != "" }

// telegramSettings configure the Telegram channel.
type telegramSettings struct {
	Token         string // FIRSTLINE_TELEGRAM_TOKEN
	APIURL        string // FIRSTLINE_TELEGRAM_API_URL; the Bot API server
	WebhookURL    string // FIRSTLINE_TELEGRAM_WEBHOOK_URL; empty for long polling
	WebhookSecret string // FIRSTLINE_TELEGRAM_WEBHOOK_SECRET
}

// fileConfig is the layout of configs/firstline.yaml.
type fileConfig struct {
	Addr    string `yaml:"addr"`
	Data    string `yaml:"data"`
	Intents string `yaml:"intents"`
	Webchat struct {
		Title     string `yaml:"title"`
		RateLimit struct {
			PerMinute            int `yaml:"per_minute"`
			Burst                int `yaml:"burst"`
			NewSessionsPerMinute int `yaml:"new_sessions_per_minute"`
			NewSessionsBurst     int `yaml:"new_sessions_burst"`
		} `yaml:"rate_limit"`
	} `yaml:"webchat"`
	Matching struct {
		AnswerThreshold  float64 `yaml:"answer_threshold"`
		ClarifyThreshold float64 `yaml:"clarify_threshold"`
		ClarifyMargin    float64 `yaml:"clarify_margin"`
		DefaultLanguage  string  `yaml:"default_language"`
	} `yaml:"matching"`
	Dialog struct {
		AskFeedback     bool   `yaml:"ask_feedback"`
		DefaultQueue    string `yaml:"default_queue"`
		DefaultPriority string `yaml:"default_priority"`
	} `yaml:"dialog"`
	Tickets struct {
		Queues       []string             `yaml:"queues"`
		ReopenWindow time.Duration        `yaml:"reopen_window"`
		AutoAssign   bool                 `yaml:"auto_assign"`
		OnlineWithin time.Duration        `yaml:"online_within"`
		SLA          map[string]slaConfig `yaml:"sla"`
	} `yaml:"tickets"`
	Panel struct {
		SessionTTL    time.Duration `yaml:"session_ttl"`
		SecureCookies bool          `yaml:"secure_cookies"`
	} `yaml:"panel"`
	HTTP struct {
		TrustedProxies []string `yaml:"trusted_proxies"`
	} `yaml:"http"`
	Telegram struct {
		Token         string `yaml:"token"`
		APIURL        string `yaml:"api_url"`
		WebhookURL    string `yaml:"webhook_url"`
		WebhookSecret string `yaml:"webhook_secret"`
	} `yaml:"telegram"`
	WhatsApp struct {
		Enabled bool `yaml:"enabled"`
	} `yaml:"whatsapp"`
	Database struct {
		URL string `yaml:"url"`
	} `yaml:"database"`
	LLM struct {
		BaseURL   string        `yaml:"base_url"`
		Model     string        `yaml:"model"`
		APIKeyEnv string        `yaml:"api_key_env"`
		Timeout   time.Duration `yaml:"timeout"`
		// GreyFrom and GreyTo once bounded the confidences the model was
		// asked about; it is now asked about the messages the bot would
		// ask to clarify. They are still read, so that older configs load,
		// and ignored.
		GreyFrom *float64 `yaml:"grey_from"`
		GreyTo   *float64 `yaml:"grey_to"`
	} `yaml:"llm"`
	Report struct {
		ContactGap time.Duration `yaml:"contact_gap"`
	} `yaml:"report"`
	Privacy struct {
		RetainClosed days `yaml:"retain_closed"`
	} `yaml:"privacy"`
}

// slaConfig is one priority's deadlines in the config file.
type slaConfig struct {
	FirstResponse time.Duration `yaml:"first_response"`
	Resolution    time.Duration `yaml:"resolution"`
}

// flags a command accepts, beyond --config which all take.
const (
	flagAddr    = 1 << iota // --addr
	flagData                // --data
	flagIntents             // --intents
)

// parseSettings defines the common flags named by which on fs (with any
// command-specific flags already defined by the caller), parses args and
// resolves the settings.
func parseSettings(fs *flag.FlagSet, args []string, which int, getenv func(string) string) (*settings, error) {
	configFile := fs.String("config", "", "config `file` (env FIRSTLINE_CONFIG; default "+defaultConfigFile+")")
	var addr, data, intentsDir *string
	if which&flagAddr != 0 {
		addr = fs.String("addr", "", "listen on `host:port` (env FIRSTLINE_ADDR; default 127.0.0.1:8080)")
	}
	if which&flagData != 0 {
		data = fs.String("data", "", "data `dir` for the SQLite database (env FIRSTLINE_DATA; default ./data)")
	}
	if which&flagIntents != 0 {
		intentsDir = fs.String("intents", "", "intents `dir` (env FIRSTLINE_INTENTS; default configs/intents)")
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil, err
	} else if err != nil {
		return nil, usageError{err}
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}

	path := first(*configFile, getenv("FIRSTLINE_CONFIG"))
	explicit := path != ""
	if !explicit {
		path = defaultConfigFile
	}
	s, err := readConfig(path, explicit)
	if err != nil {
		return nil, err
	}
	s.Addr = first(deref(addr), getenv("FIRSTLINE_ADDR"), s.Addr)
	s.DataDir = first(deref(data), getenv("FIRSTLINE_DATA"), s.DataDir)
	s.IntentsDir = first(deref(intentsDir), getenv("FIRSTLINE_INTENTS"), s.IntentsDir)
	s.DatabaseURL = first(getenv("FIRSTLINE_DATABASE_URL"), s.DatabaseURL)
	if s.DatabaseURL != "" && !whatsapp.IsPostgresURL(s.DatabaseURL) {
		return nil, fmt.Errorf("the database URL must start with postgres:// or postgresql://")
	}
	tg := &s.Telegram
	tg.Token = first(getenv("FIRSTLINE_TELEGRAM_TOKEN"), tg.Token)
	tg.APIURL = first(getenv("FIRSTLINE_TELEGRAM_API_URL"), tg.APIURL)
	tg.WebhookURL = first(getenv("FIRSTLINE_TELEGRAM_WEBHOOK_URL"), tg.WebhookURL)
	tg.WebhookSecret = first(getenv("FIRSTLINE_TELEGRAM_WEBHOOK_SECRET"), tg.WebhookSecret)
	llm := &s.LLM
	llm.BaseURL = first(getenv("FIRSTLINE_LLM_BASE_URL"), llm.BaseURL)
	llm.Model = first(getenv("FIRSTLINE_LLM_MODEL"), llm.Model)
	if llm.Enabled() && llm.Model == "" {
		return nil, fmt.Errorf("llm.base_url is set but llm.model is not (or FIRSTLINE_LLM_MODEL)")
	}
	if u, err := url.Parse(llm.BaseURL); llm.Enabled() && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return nil, fmt.Errorf("llm.base_url (or FIRSTLINE_LLM_BASE_URL) must be an http:// or https:// URL, got %q", llm.BaseURL)
	}
	if s.llmKeyEnv != "" {
		llm.APIKey = getenv(s.llmKeyEnv)
	}
	if tg.WebhookURL != "" && tg.WebhookSecret == "" {
		return nil, fmt.Errorf("telegram.webhook_url needs telegram.webhook_secret (or FIRSTLINE_TELEGRAM_WEBHOOK_SECRET)")
	}
	// Messages to customers of these channels go through the outbox.
	s.Dialog.PushChannels = nil
	if tg.Token != "" {
		s.Dialog.PushChannels = append(s.Dialog.PushChannels, "telegram")
	}
	if s.WhatsApp {
		s.Dialog.PushChannels = append(s.Dialog.PushChannels, "whatsapp")
	}
	return s, nil
}

// readConfig reads the config file over the built-in defaults. A missing
// file is an error only when it was asked for by name.
func readConfig(path string, required bool) (*settings, error) {
	var c fileConfig
	c.Addr = "127.0.0.1:8080"
	c.Data = "./data"
	c.Intents = "configs/intents"
	c.Webchat.Title = "Support"
	rl := &c.Webchat.RateLimit
	defaults := webchat.DefaultRateLimit()
	rl.PerMinute, rl.Burst = defaults.PerMinute, defaults.Burst
	rl.NewSessionsPerMinute, rl.NewSessionsBurst = defaults.NewSessionsPerMinute, defaults.NewSessionsBurst
	c.Matching.AnswerThreshold = kb.DefaultOptions.AnswerThreshold
	c.Matching.ClarifyThreshold = kb.DefaultOptions.ClarifyThreshold
	c.Matching.ClarifyMargin = kb.DefaultOptions.ClarifyMargin
	c.Matching.DefaultLanguage = kb.DefaultOptions.DefaultLanguage
	c.Dialog.AskFeedback = dialog.DefaultConfig.AskFeedback
	c.Dialog.DefaultQueue = dialog.DefaultConfig.DefaultQueue
	c.Dialog.DefaultPriority = dialog.DefaultConfig.DefaultPriority
	c.Tickets.Queues = dialog.DefaultConfig.Queues
	c.Tickets.ReopenWindow = dialog.DefaultConfig.ReopenWindow
	c.Tickets.OnlineWithin = dialog.DefaultConfig.OnlineWithin
	c.Panel.SessionTTL = 12 * time.Hour
	c.LLM.APIKeyEnv = "OPENAI_API_KEY"
	c.LLM.Timeout = kb.DefaultOpinionTimeout
	c.Report.ContactGap = report.DefaultContactGap

	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !required:
		path = "" // built-in defaults only
	case err != nil:
		return nil, fmt.Errorf("read config: %w", err)
	default:
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := checkConfig(&c); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	// The file's policy replaces the built-in one as a whole, so that a
	// priority left out has no deadlines.
	sla := dialog.DefaultConfig.SLA
	if c.Tickets.SLA != nil {
		sla = map[string]dialog.SLA{}
		for p, v := range c.Tickets.SLA {
			sla[p] = dialog.SLA{FirstResponse: v.FirstResponse, Resolution: v.Resolution}
		}
	}
	return &settings{
		ConfigFile: path,
		Addr:       c.Addr,
		DataDir:    c.Data,
		IntentsDir: c.Intents,
		Title:      c.Webchat.Title,
		WebchatLimit: webchat.RateLimit{
			PerMinute:            c.Webchat.RateLimit.PerMinute,
			Burst:                c.Webchat.RateLimit.Burst,
			NewSessionsPerMinute: c.Webchat.RateLimit.NewSessionsPerMinute,
			NewSessionsBurst:     c.Webchat.RateLimit.NewSessionsBurst,
		},
		Matching: kb.Options{
			AnswerThreshold:  c.Matching.AnswerThreshold,
			ClarifyThreshold: c.Matching.ClarifyThreshold,
			ClarifyMargin:    c.Matching.ClarifyMargin,
			DefaultLanguage:  c.Matching.DefaultLanguage,
		},
		Dialog: dialog.Config{
			AskFeedback:     c.Dialog.AskFeedback,
			DefaultQueue:    c.Dialog.DefaultQueue,
			DefaultPriority: c.Dialog.DefaultPriority,
			DefaultLanguage: c.Matching.DefaultLanguage,
			Queues:          c.Tickets.Queues,
			SLA:             sla,
			ReopenWindow:    c.Tickets.ReopenWindow,
			AutoAssign:      c.Tickets.AutoAssign,
			OnlineWithin:    c.Tickets.OnlineWithin,
		},
		SessionTTL:    c.Panel.SessionTTL,
		SecureCookies: c.Panel.SecureCookies,
		Telegram: telegramSettings{
			Token:         c.Telegram.Token,
			APIURL:        c.Telegram.APIURL,
			WebhookURL:    c.Telegram.WebhookURL,
			WebhookSecret: c.Telegram.WebhookSecret,
		},
		WhatsApp:    c.WhatsApp.Enabled,
		DatabaseURL: c.Database.URL,
		LLM: llmSettings{
			BaseURL: c.LLM.BaseURL,
			Model:   c.LLM.Model,
			Timeout: c.LLM.Timeout,
			Ignored: ignoredLLMKeys(c),
		},
		llmKeyEnv:      c.LLM.APIKeyEnv,
		ContactGap:     c.Report.ContactGap,
		TrustedProxies: c.HTTP.TrustedProxies,
		RetainClosed:   time.Duration(c.Privacy.RetainClosed),
	}, nil
}

// ignoredLLMKeys names the keys of the llm section that c sets and that
// are no longer used.
func ignoredLLMKeys(c fileConfig) []string {
	var keys []string
	if c.LLM.GreyFrom != nil {
		keys = append(keys, "llm.grey_from")
	}
	if c.LLM.GreyTo != nil {
		keys = append(keys, "llm.grey_to")
	}
	return keys
}

// maxLLMTimeout bounds llm.timeout: the customer waits for the model.
const maxLLMTimeout = 30 * time.Second

var (
	queuePattern   = regexp.MustCompile(`^[a-z0-9_]+$`)
	envNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// checkConfig reports the first value out of range.
func checkConfig(c *fileConfig) error {
	m := c.Matching
	switch {
	case m.AnswerThreshold <= 0 || m.AnswerThreshold > 1:
		return fmt.Errorf("matching.answer_threshold must be in (0, 1], got %v", m.AnswerThreshold)
	case m.ClarifyThreshold <= 0 || m.ClarifyThreshold > 1:
		return fmt.Errorf("matching.clarify_threshold must be in (0, 1], got %v", m.ClarifyThreshold)
	case m.ClarifyMargin < 0 || m.ClarifyMargin >= 1:
		return fmt.Errorf("matching.clarify_margin must be in [0, 1), got %v", m.ClarifyMargin)
	case m.DefaultLanguage != intents.LangRU && m.DefaultLanguage != intents.LangEN:
		return fmt.Errorf("matching.default_language must be ru or en, got %q", m.DefaultLanguage)
	case !queuePattern.MatchString(c.Dialog.DefaultQueue):
		return fmt.Errorf("dialog.default_queue must be lower-case letters, digits and _, got %q", c.Dialog.DefaultQueue)
	}
	if !validPriority(c.Dialog.DefaultPriority) {
		return fmt.Errorf("dialog.default_priority must be low, normal, high or urgent, got %q", c.Dialog.DefaultPriority)
	}
	t := c.Tickets
	if len(t.Queues) == 0 {
		return fmt.Errorf("tickets.queues must name at least one queue")
	}
	for _, q := range t.Queues {
		if !queuePattern.MatchString(q) {
			return fmt.Errorf("tickets.queues: %q must be lower-case letters, digits and _", q)
		}
	}
	if !slices.Contains(t.Queues, c.Dialog.DefaultQueue) {
		return fmt.Errorf("dialog.default_queue %q is not one of tickets.queues", c.Dialog.DefaultQueue)
	}
	switch {
	case t.ReopenWindow < 0:
		return fmt.Errorf("tickets.reopen_window must not be negative")
	case t.OnlineWithin <= 0:
		return fmt.Errorf("tickets.online_within must be positive")
	case c.Panel.SessionTTL < time.Minute:
		return fmt.Errorf("panel.session_ttl must be at least 1m")
	case c.Report.ContactGap <= 0:
		return fmt.Errorf("report.contact_gap must be positive")
	case c.Privacy.RetainClosed != 0 && time.Duration(c.Privacy.RetainClosed) < minRetention:
		return fmt.Errorf("privacy.retain_closed must be 0 (keep everything) or at least 1d, got %v", time.Duration(c.Privacy.RetainClosed))
	}
	rl := c.Webchat.RateLimit
	switch {
	case rl.PerMinute < 0 || rl.NewSessionsPerMinute < 0:
		return fmt.Errorf("webchat.rate_limit: per_minute and new_sessions_per_minute must not be negative (0 turns a limit off)")
	case rl.PerMinute > 0 && rl.Burst < 1:
		return fmt.Errorf("webchat.rate_limit.burst must be at least 1, got %d", rl.Burst)
	case rl.NewSessionsPerMinute > 0 && rl.NewSessionsBurst < 1:
		return fmt.Errorf("webchat.rate_limit.new_sessions_burst must be at least 1, got %d", rl.NewSessionsBurst)
	}
	l := c.LLM
	switch {
	case l.Timeout <= 0 || l.Timeout > maxLLMTimeout:
		return fmt.Errorf("llm.timeout must be positive and at most %v (a customer waits for it), got %v", maxLLMTimeout, l.Timeout)
	case l.APIKeyEnv != "" && !envNamePattern.MatchString(l.APIKeyEnv):
		return fmt.Errorf("llm.api_key_env must name an environment variable, got %q", l.APIKeyEnv)
	}
	for _, p := range c.HTTP.TrustedProxies {
		if _, err := netip.ParseAddr(p); err == nil {
			continue
		}
		if _, err := netip.ParsePrefix(p); err != nil {
			return fmt.Errorf("http.trusted_proxies: %q is neither an IP address nor a network such as 10.0.0.0/8", p)
		}
	}
	for p, v := range t.SLA {
		switch {
		case !validPriority(p):
			return fmt.Errorf("tickets.sla: unknown priority %q (want low, normal, high or urgent)", p)
		case v.FirstResponse < 0 || v.Resolution < 0:
			return fmt.Errorf("tickets.sla.%s: times must not be negative", p)
		case v.Resolution > 0 && v.FirstResponse > v.Resolution:
			return fmt.Errorf("tickets.sla.%s: first_response is later than resolution", p)
		}
	}
	return nil
}

func validPriority(p string) bool {
	switch p {
	case intents.PriorityLow, intents.PriorityNormal, intents.PriorityHigh, intents.PriorityUrgent:
		return true
	}
	return false
}

// first returns the first non-empty value.
func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// minRetention is the shortest privacy.retain_closed: a shorter one is more
// likely a slip (365s for 365d) than a wish to erase yesterday's chats.
const minRetention = 24 * time.Hour

// days is a duration in the config that may also be written in days,
// "365d", as well as the way Go writes durations ("8760h").
type days time.Duration

// UnmarshalYAML reads "Nd", a Go duration, or 0.
func (d *days) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	v, err := parseDays(s)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = days(v)
	return nil
}

// parseDays reads "Nd" (N whole days), a Go duration such as "8760h", or
// "0".
func parseDays(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		count, err := strconv.Atoi(n)
		if err != nil || count < 0 || count > maxDays {
			return 0, fmt.Errorf("%q is not a number of days (0 to %d) followed by d", s, maxDays)
		}
		return time.Duration(count) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 365d or 8760h", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("%q is negative", s)
	}
	return v, nil
}

// maxDays keeps a number of days within what a time.Duration holds.
const maxDays = 100 * 365
