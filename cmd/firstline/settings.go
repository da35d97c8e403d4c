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
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/bots/whatsapp"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/report"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// defaultConfigFile is read when no --config is given; it may be missing.
const defaultConfigFile = "configs/firstline.yaml"

// settings are the values every command runs with, laid out as
// configs/firstline.yaml is: defaultSettings, overridden by the config
// file, then by FIRSTLINE_* environment variables, then by flags.
type settings struct {
	Addr       string           `yaml:"addr"`
	DataDir    string           `yaml:"data"`
	IntentsDir string           `yaml:"intents"`
	Webchat    webchatSettings  `yaml:"webchat"`
	Matching   matchingSettings `yaml:"matching"`
	Dialog     dialogSettings   `yaml:"dialog"`
	Tickets    ticketSettings   `yaml:"tickets"`
	Hours      hoursSettings    `yaml:"business_hours"` // see settings_hours.go
	Panel      panelSettings    `yaml:"panel"`
	HTTP       httpSettings     `yaml:"http"`
	Telegram   telegramSettings `yaml:"telegram"`
	WhatsApp   whatsappSettings `yaml:"whatsapp"`
	Database   databaseSettings `yaml:"database"`
	LLM        llmSettings      `yaml:"llm"`
	Report     reportSettings   `yaml:"report"`
	Privacy    privacySettings  `yaml:"privacy"`

	// ConfigFile is the file read; empty when there was none.
	ConfigFile string `yaml:"-"`
}

// webchatSettings configure the web chat.
type webchatSettings struct {
	// Title names the chat on its page and in the widget; empty means the
	// knowledge base's brand.
	Title string `yaml:"title"`
	// AllowedOrigins are the company's sites that may show the chat with
	// widget.js and call its API from their pages (webchat.ParseOrigins).
	AllowedOrigins []string          `yaml:"allowed_origins"`
	RateLimit      rateLimitSettings `yaml:"rate_limit"`
	Uploads        uploadSettings    `yaml:"uploads"` // see settings_webchat.go
	Contact        contactSettings   `yaml:"contact"`
}

// rateLimitSettings bound each client address's web chat requests. The
// fields are webchat.RateLimit's, so that one converts to the other.
type rateLimitSettings struct {
	PerMinute            int `yaml:"per_minute"`
	Burst                int `yaml:"burst"`
	NewSessionsPerMinute int `yaml:"new_sessions_per_minute"`
	NewSessionsBurst     int `yaml:"new_sessions_burst"`
}

// matchingSettings are the matcher's thresholds. The fields are
// kb.Options', so that one converts to the other.
type matchingSettings struct {
	AnswerThreshold  float64 `yaml:"answer_threshold"`
	ClarifyThreshold float64 `yaml:"clarify_threshold"`
	ClarifyMargin    float64 `yaml:"clarify_margin"`
	DefaultLanguage  string  `yaml:"default_language"`
}

// dialogSettings are the engine's choices for intents that make none.
type dialogSettings struct {
	AskFeedback     bool   `yaml:"ask_feedback"`
	DefaultQueue    string `yaml:"default_queue"`
	DefaultPriority string `yaml:"default_priority"`
}

// maxQueueName is the longest name tickets.queue_names may give a queue.
const maxQueueName = 64

// ticketSettings are the queues, the SLA policy and ticket assignment.
type ticketSettings struct {
	Queues []string `yaml:"queues"`
	// QueueNames are the queues' names as the panel shows them, by queue
	// and language (ru, en); a queue without one shows its id, or the
	// panel's own name for first_line, second_line and third_line.
	QueueNames   map[string]map[string]string `yaml:"queue_names"`
	ReopenWindow time.Duration                `yaml:"reopen_window"`
	AutoAssign   bool                         `yaml:"auto_assign"`
	OnlineWithin time.Duration                `yaml:"online_within"`
	// AcknowledgeEvery: see dialog.Config.AcknowledgeEvery.
	AcknowledgeEvery time.Duration `yaml:"acknowledge_every"`
	// LateNoticeBefore: see dialog.Config.LateNoticeBefore.
	LateNoticeBefore time.Duration `yaml:"late_notice_before"`
	// Waiting: what becomes of a ticket waiting for the customer's answer.
	Waiting waitingSettings `yaml:"waiting"`
	// SLA maps a priority to its deadlines; a priority missing from it has
	// none. A file's policy replaces the default one as a whole (see
	// decodeConfig).
	SLA map[string]slaSettings `yaml:"sla"`
}

// waitingSettings are dialog.Config.WaitingRemindAfter and
// WaitingCloseAfter; either may be written in days ("2d"), and 0 turns it
// off.
type waitingSettings struct {
	RemindAfter waitDuration `yaml:"remind_after"`
	CloseAfter  waitDuration `yaml:"close_after"`
}

// waitDuration is a duration of tickets.waiting: "48h", "2d" or 0.
type waitDuration days

// UnmarshalYAML reads the duration, reporting a value out of range at its
// line of the file.
func (d *waitDuration) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseDays(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		msg := "a duration such as 48h or 2d is needed"
		if err != nil {
			msg = err.Error()
		}
		return &lineError{line: n.Line, msg: "tickets.waiting: " + msg + " (0 turns it off)"}
	}
	*d = waitDuration(v)
	return nil
}

// slaSettings are one priority's deadlines. The fields are dialog.SLA's,
// so that one converts to the other.
type slaSettings struct {
	FirstResponse time.Duration `yaml:"first_response"`
	Resolution    time.Duration `yaml:"resolution"`
}

// panelSettings configure the agents' panel. Sessions last SessionTTL;
// cookies are marked Secure always when SecureCookies, otherwise only
// over TLS.
type panelSettings struct {
	SessionTTL    time.Duration `yaml:"session_ttl"`
	SecureCookies bool          `yaml:"secure_cookies"`
	// PublicURL is where agents open the panel; links to tickets sent
	// elsewhere (the team's chat) start with it. Empty: no links.
	PublicURL publicURL `yaml:"public_url"`
}

// httpSettings configure the HTTP server.
type httpSettings struct {
	// TrustedProxies are the addresses and networks (CIDR) of reverse
	// proxies whose X-Forwarded-For header names the client: the address
	// login limits (and anything else that asks gin's ClientIP) count by.
	// Empty means the connection's address is the client's.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// telegramSettings configure the Telegram channel, which is on when it
// has a token.
type telegramSettings struct {
	Token         string `yaml:"token"`          // FIRSTLINE_TELEGRAM_TOKEN
	APIURL        string `yaml:"api_url"`        // FIRSTLINE_TELEGRAM_API_URL; the Bot API server
	WebhookURL    string `yaml:"webhook_url"`    // FIRSTLINE_TELEGRAM_WEBHOOK_URL; empty for long polling
	WebhookSecret string `yaml:"webhook_secret"` // FIRSTLINE_TELEGRAM_WEBHOOK_SECRET
	// TeamChat is the agents' chat (a group the bot is in) that hears of
	// new tickets of the priorities in TeamNotify; empty for none. See
	// settings_notify.go.
	TeamChat   teamChat           `yaml:"team_chat"`
	TeamNotify teamNotifySettings `yaml:"team_notify"`
}

// whatsappSettings turn on the WhatsApp channel (once paired with
// `firstline whatsapp pair`).
type whatsappSettings struct {
	Enabled bool `yaml:"enabled"`
}

// databaseSettings select the store.
type databaseSettings struct {
	// URL (FIRSTLINE_DATABASE_URL) selects PostgreSQL; empty means the
	// embedded SQLite file in the data directory.
	URL string `yaml:"url"`
}

// llmSettings configure the language model asked about the messages the
// matcher would ask the customer to clarify; it is off while BaseURL is
// empty.
type llmSettings struct {
	BaseURL string `yaml:"base_url"` // FIRSTLINE_LLM_BASE_URL; any OpenAI-compatible server
	Model   string `yaml:"model"`    // FIRSTLINE_LLM_MODEL
	// APIKeyEnv names the environment variable whose value is APIKey.
	APIKeyEnv string        `yaml:"api_key_env"`
	APIKey    string        `yaml:"-"`
	Timeout   time.Duration `yaml:"timeout"`
	// GreyFrom and GreyTo once bounded the confidences the model was
	// asked about; it is now asked about the messages the bot would ask
	// to clarify. They are still read, so that older configs load, and
	// ignored.
	GreyFrom *float64 `yaml:"grey_from"`
	GreyTo   *float64 `yaml:"grey_to"`
}

// Enabled reports whether a model is configured.
func (l llmSettings) Enabled() bool { return l.BaseURL != "" }

// Ignored names the keys of the llm section that the file sets and that
// are no longer used, to be warned about.
func (l llmSettings) Ignored() []string {
	var keys []string
	if l.GreyFrom != nil {
		keys = append(keys, "llm.grey_from")
	}
	if l.GreyTo != nil {
		keys = append(keys, "llm.grey_to")
	}
	return keys
}

// reportSettings configure `firstline report` and the analytics pages.
type reportSettings struct {
	// ContactGap is the customer silence that ends a contact.
	ContactGap time.Duration `yaml:"contact_gap"`
}

// privacySettings configure erasure.
type privacySettings struct {
	// RetainClosed is how long a conversation nobody works on keeps its
	// customer's words, files and contact details after its last update;
	// 0 keeps them until erased by hand.
	RetainClosed days `yaml:"retain_closed"`
}

// defaultSettings are the values of every key a config file leaves out.
// Where a package has a default of its own, it is taken from there, so
// that each is written once; configs/firstline.yaml spells them all out
// (TestSettingsShippedConfigIsDefaults).
func defaultSettings() *settings {
	d := dialog.DefaultConfig
	sla := make(map[string]slaSettings, len(d.SLA))
	for p, v := range d.SLA {
		sla[p] = slaSettings(v)
	}
	return &settings{
		Addr:       "127.0.0.1:8080",
		DataDir:    "./data",
		IntentsDir: "configs/intents",
		Webchat: webchatSettings{
			RateLimit: rateLimitSettings(webchat.DefaultRateLimit()),
			Uploads:   uploadSettings(webchat.DefaultUploads()),
			Contact:   contactSettings(webchat.DefaultContactForm()),
		},
		Matching: matchingSettings(kb.DefaultOptions),
		Dialog: dialogSettings{
			AskFeedback:     d.AskFeedback,
			DefaultQueue:    d.DefaultQueue,
			DefaultPriority: d.DefaultPriority,
		},
		Tickets: ticketSettings{
			Queues:       slices.Clone(d.Queues),
			ReopenWindow: d.ReopenWindow,
			AutoAssign:   d.AutoAssign,
			OnlineWithin: d.OnlineWithin,
			SLA:          sla,

			AcknowledgeEvery: d.AcknowledgeEvery,
			LateNoticeBefore: d.LateNoticeBefore,
			Waiting:          waitingSettings{RemindAfter: waitDuration(d.WaitingRemindAfter), CloseAfter: waitDuration(d.WaitingCloseAfter)},
		},
		Panel:    panelSettings{SessionTTL: auth.DefaultSessionTTL},
		Telegram: telegramSettings{TeamNotify: teamNotifySettings{Priorities: priorityList{intents.PriorityUrgent}}},
		LLM:      llmSettings{APIKeyEnv: "OPENAI_API_KEY", Timeout: kb.DefaultOpinionTimeout},
		Report:   reportSettings{ContactGap: report.DefaultContactGap},
	}
}

// webchatLimit is the web chat's limit per client address.
func (s *settings) webchatLimit() webchat.RateLimit {
	return webchat.RateLimit(s.Webchat.RateLimit)
}

// webchatOptions configure the web chat, named by the brand of the
// knowledge base in holder unless webchat.title is set.
func (s *settings) webchatOptions(holder *kb.Holder) webchat.Options {
	origins, _ := webchat.ParseOrigins(s.Webchat.AllowedOrigins) // checked when the config was read
	return webchat.Options{Title: s.Webchat.Title, KB: holder, Origins: origins, Limit: s.webchatLimit(),
		Uploads: webchat.Uploads(s.Webchat.Uploads), Contact: webchat.ContactForm(s.Webchat.Contact)}
}

// matchOptions are the matcher's thresholds.
func (s *settings) matchOptions() kb.Options {
	return kb.Options(s.Matching)
}

// engineConfig is the dialog engine's behaviour, without its second
// opinion and observer, which the caller builds.
func (s *settings) engineConfig() dialog.Config {
	sla := make(map[string]dialog.SLA, len(s.Tickets.SLA))
	for p, v := range s.Tickets.SLA {
		sla[p] = dialog.SLA(v)
	}
	// Messages to customers of these channels go through the outbox.
	var push []string
	if s.Telegram.Token != "" {
		push = append(push, "telegram")
	}
	if s.WhatsApp.Enabled {
		push = append(push, "whatsapp")
	}
	hours, _ := s.Hours.calendars(s.Tickets.Queues) // checked when the config was read
	shifts, _ := s.Hours.shifts()
	return dialog.Config{
		Hours:           hours,
		Shifts:          shifts,
		AskFeedback:     s.Dialog.AskFeedback,
		DefaultQueue:    s.Dialog.DefaultQueue,
		DefaultPriority: s.Dialog.DefaultPriority,
		DefaultLanguage: s.Matching.DefaultLanguage,
		Queues:          s.Tickets.Queues,
		QueueNames:      s.Tickets.QueueNames,
		SLA:             sla,
		ReopenWindow:    s.Tickets.ReopenWindow,
		AutoAssign:      s.Tickets.AutoAssign,
		OnlineWithin:    s.Tickets.OnlineWithin,
		PushChannels:    push,
		TeamNotice:      s.teamNotice(),

		AcknowledgeEvery: s.Tickets.AcknowledgeEvery,
		LateNoticeBefore: s.Tickets.LateNoticeBefore,

		WaitingRemindAfter: time.Duration(s.Tickets.Waiting.RemindAfter),
		WaitingCloseAfter:  time.Duration(s.Tickets.Waiting.CloseAfter),
	}
}

// retainClosed is privacy.retain_closed as a duration.
func (s *settings) retainClosed() time.Duration {
	return time.Duration(s.Privacy.RetainClosed)
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
	defaults := defaultSettings()
	configFile := fs.String("config", "", "config `file` (env FIRSTLINE_CONFIG; default "+defaultConfigFile+")")
	var addr, data, intentsDir *string
	if which&flagAddr != 0 {
		addr = fs.String("addr", "", "listen on `host:port` (env FIRSTLINE_ADDR; default "+defaults.Addr+")")
	}
	if which&flagData != 0 {
		data = fs.String("data", "", "data `dir` for the SQLite database (env FIRSTLINE_DATA; default "+defaults.DataDir+")")
	}
	if which&flagIntents != 0 {
		intentsDir = fs.String("intents", "", "intents `dir` (env FIRSTLINE_INTENTS; default "+defaults.IntentsDir+")")
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
	db := &s.Database
	db.URL = first(getenv("FIRSTLINE_DATABASE_URL"), db.URL)
	if db.URL != "" && !whatsapp.IsPostgresURL(db.URL) {
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
	if llm.APIKeyEnv != "" {
		llm.APIKey = getenv(llm.APIKeyEnv)
	}
	if tg.WebhookURL != "" && tg.WebhookSecret == "" {
		return nil, fmt.Errorf("telegram.webhook_url needs telegram.webhook_secret (or FIRSTLINE_TELEGRAM_WEBHOOK_SECRET)")
	}
	return s, nil
}

// readConfig reads the config file over defaultSettings. A missing file is
// an error only when it was asked for by name.
func readConfig(path string, required bool) (*settings, error) {
	s := defaultSettings()
	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !required:
		path, raw = "", nil // the defaults only
	case err != nil:
		return nil, fmt.Errorf("read config: %w", err)
	default:
		if err := decodeConfig(path, raw, s); err != nil {
			return nil, err
		}
	}
	if err := s.check(); err != nil {
		var ke *keyError
		if errors.As(err, &ke) {
			if line := keyLine(raw, ke.path, ke.value); line > 0 {
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	s.ConfigFile = path
	return s, nil
}

// decodeConfig reads the YAML of the config file path over s. A syntax
// error, and every key s has no field for, is an error at its line of the
// file, "configs/firstline.yaml:42: ...", which for a key that belongs in
// another section names it. The file's tickets.sla replaces the policy in
// s as a whole, so that a priority it leaves out has no deadlines (the
// decoder would add to the map instead).
func decodeConfig(path string, raw []byte, s *settings) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		line, msg := intents.SyntaxError(raw, err)
		return fmt.Errorf("%s:%d: %s", path, line, msg)
	}
	if len(doc.Content) > 0 {
		var unknown []string
		for _, k := range unknownKeys(doc.Content[0], reflect.TypeFor[settings](), "") {
			unknown = append(unknown, fmt.Sprintf("%s:%d: %s", path, k.Line, k.Value))
		}
		if len(unknown) > 0 {
			return errors.New(strings.Join(unknown, "\n"))
		}
	}
	sla := s.Tickets.SLA
	s.Tickets.SLA = nil
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil && !errors.Is(err, io.EOF) {
		var le *lineError
		if errors.As(err, &le) {
			return fmt.Errorf("%s:%d: %s", path, le.line, le.msg)
		}
		return fmt.Errorf("config %s: %w", path, err)
	}
	if s.Tickets.SLA == nil {
		s.Tickets.SLA = sla
	}
	return nil
}

// maxLLMTimeout bounds llm.timeout: the customer waits for the model.
const maxLLMTimeout = 30 * time.Second

var (
	queuePattern   = regexp.MustCompile(`^[a-z0-9_]+$`)
	envNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// check reports the first value out of range.
func (s *settings) check() error {
	m := s.Matching
	switch {
	case m.AnswerThreshold <= 0 || m.AnswerThreshold > 1:
		return fmt.Errorf("matching.answer_threshold must be in (0, 1], got %v", m.AnswerThreshold)
	case m.ClarifyThreshold <= 0 || m.ClarifyThreshold > 1:
		return fmt.Errorf("matching.clarify_threshold must be in (0, 1], got %v", m.ClarifyThreshold)
	case m.ClarifyMargin < 0 || m.ClarifyMargin >= 1:
		return fmt.Errorf("matching.clarify_margin must be in [0, 1), got %v", m.ClarifyMargin)
	case m.DefaultLanguage != intents.LangRU && m.DefaultLanguage != intents.LangEN:
		return fmt.Errorf("matching.default_language must be ru or en, got %q", m.DefaultLanguage)
	case !queuePattern.MatchString(s.Dialog.DefaultQueue):
		return fmt.Errorf("dialog.default_queue must be lower-case letters, digits and _, got %q", s.Dialog.DefaultQueue)
	}
	if !validPriority(s.Dialog.DefaultPriority) {
		return fmt.Errorf("dialog.default_priority must be low, normal, high or urgent, got %q", s.Dialog.DefaultPriority)
	}
	t := s.Tickets
	if len(t.Queues) == 0 {
		return fmt.Errorf("tickets.queues must name at least one queue")
	}
	for _, q := range t.Queues {
		if !queuePattern.MatchString(q) {
			return fmt.Errorf("tickets.queues: %q must be lower-case letters, digits and _", q)
		}
	}
	if !slices.Contains(t.Queues, s.Dialog.DefaultQueue) {
		return fmt.Errorf("dialog.default_queue %q is not one of tickets.queues", s.Dialog.DefaultQueue)
	}
	for q, names := range t.QueueNames {
		if !slices.Contains(t.Queues, q) {
			return fmt.Errorf("tickets.queue_names: %q is not one of tickets.queues", q)
		}
		for lang, name := range names {
			switch {
			case lang != intents.LangRU && lang != intents.LangEN:
				return fmt.Errorf("tickets.queue_names.%s: the language must be ru or en, got %q", q, lang)
			case strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > maxQueueName || dialog.CheckText(name) != nil:
				return fmt.Errorf("tickets.queue_names.%s.%s: a name is 1 to %d characters of text", q, lang, maxQueueName)
			}
		}
	}
	switch {
	case t.ReopenWindow < 0:
		return fmt.Errorf("tickets.reopen_window must not be negative")
	case t.OnlineWithin <= 0:
		return fmt.Errorf("tickets.online_within must be positive")
	case t.LateNoticeBefore < 0:
		return fmt.Errorf("tickets.late_notice_before must not be negative (0 sends no late notice)")
	case t.AcknowledgeEvery < 0:
		return fmt.Errorf("tickets.acknowledge_every must not be negative (0 acknowledges no message)")
	case s.Panel.SessionTTL < time.Minute:
		return fmt.Errorf("panel.session_ttl must be at least 1m")
	case s.Report.ContactGap <= 0:
		return fmt.Errorf("report.contact_gap must be positive")
	case s.retainClosed() != 0 && s.retainClosed() < minRetention:
		return fmt.Errorf("privacy.retain_closed must be 0 (keep everything) or at least 1d, got %v", s.retainClosed())
	}
	if err := s.Webchat.check(); err != nil {
		return err
	}
	if _, err := s.Hours.calendars(t.Queues); err != nil {
		return err
	}
	if _, err := s.Hours.shifts(); err != nil {
		return err
	}
	rl := s.Webchat.RateLimit
	switch {
	case rl.PerMinute < 0 || rl.NewSessionsPerMinute < 0:
		return fmt.Errorf("webchat.rate_limit: per_minute and new_sessions_per_minute must not be negative (0 turns a limit off)")
	case rl.PerMinute > 0 && rl.Burst < 1:
		return fmt.Errorf("webchat.rate_limit.burst must be at least 1, got %d", rl.Burst)
	case rl.NewSessionsPerMinute > 0 && rl.NewSessionsBurst < 1:
		return fmt.Errorf("webchat.rate_limit.new_sessions_burst must be at least 1, got %d", rl.NewSessionsBurst)
	}
	if _, err := webchat.ParseOrigins(s.Webchat.AllowedOrigins); err != nil {
		return fmt.Errorf("webchat.allowed_origins: %w", err)
	}
	if strings.ContainsFunc(s.Webchat.Title, unicode.IsControl) {
		return fmt.Errorf("webchat.title must be one line of text")
	}
	l := s.LLM
	switch {
	case l.Timeout <= 0 || l.Timeout > maxLLMTimeout:
		return fmt.Errorf("llm.timeout must be positive and at most %v (a customer waits for it), got %v", maxLLMTimeout, l.Timeout)
	case l.APIKeyEnv != "" && !envNamePattern.MatchString(l.APIKeyEnv):
		return fmt.Errorf("llm.api_key_env must name an environment variable, got %q", l.APIKeyEnv)
	}
	for _, p := range s.HTTP.TrustedProxies {
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

// unknownKeys returns, for each key of the mapping n that the settings
// type t (a struct, or a map of them) has no field for, a node with the
// key's line and what to say of it: "unknown key dialog.answer_threshold;
// it belongs under matching:" when another section has such a field.
// prefix is the dotted path of n ("" at the top). Values of the wrong
// kind are left to the decoder, which reports them.
func unknownKeys(n *yaml.Node, t reflect.Type, prefix string) []yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	var out []yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := k.Value
		if prefix != "" {
			path = prefix + "." + k.Value
		}
		var ft reflect.Type
		switch t.Kind() {
		case reflect.Map:
			ft = t.Elem()
		case reflect.Struct:
			f, ok := yamlField(t, k.Value)
			if !ok {
				msg := "unknown key " + path
				if homes := keySections(reflect.TypeFor[settings](), k.Value, ""); len(homes) > 0 {
					msg += "; it belongs " + strings.Join(homes, " or ")
				}
				out = append(out, yaml.Node{Line: k.Line, Value: msg})
				continue
			}
			ft = f.Type
		default:
			continue
		}
		if sectionType(ft) {
			out = append(out, unknownKeys(v, ft, path)...)
		}
	}
	return out
}

// yamlField returns the field of the struct type t that the YAML key name
// sets.
func yamlField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag == name && f.IsExported() {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// sectionType reports whether a value of type t is a section of keys that
// unknownKeys checks: a struct, or a map of structs, that reads itself
// with no UnmarshalYAML of its own.
func sectionType(t reflect.Type) bool {
	if reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
		return false
	}
	switch t.Kind() {
	case reflect.Struct:
		return true
	case reflect.Map:
		return t.Elem().Kind() == reflect.Struct
	}
	return false
}

// keySections returns where in the settings type t, whose path is prefix,
// the YAML key name is a field: "under matching:", "at the top level".
func keySections(t reflect.Type, name, prefix string) []string {
	var out []string
	if t.Kind() == reflect.Map {
		return keySections(t.Elem(), name, prefix+".<name>")
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		if tag == name {
			if prefix == "" {
				out = append(out, "at the top level")
			} else {
				out = append(out, "under "+prefix+":")
			}
		}
		if sectionType(f.Type) {
			p := tag
			if prefix != "" {
				p = prefix + "." + tag
			}
			out = append(out, keySections(f.Type, name, p)...)
		}
	}
	return out
}
