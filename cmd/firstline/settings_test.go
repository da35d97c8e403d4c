package main

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/dialog"
)

func TestSettingsPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "firstline.yaml")
	if err := os.WriteFile(cfg, []byte("addr: 127.0.0.1:9000\ndata: /from/config\nintents: /intents/config\nmatching:\n  answer_threshold: 0.7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	envs := map[string]string{"FIRSTLINE_CONFIG": cfg, "FIRSTLINE_DATA": "/from/env"}
	getenv := func(k string) string { return envs[k] }

	s, err := parseSettings(newFlagSet("serve", env{stderr: os.Stderr}), []string{"--intents", "/from/flag"},
		flagAddr|flagData|flagIntents, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr != "127.0.0.1:9000" || s.DataDir != "/from/env" || s.IntentsDir != "/from/flag" || s.ConfigFile != cfg {
		t.Errorf("settings = %+v: want addr from config, data from env, intents from flag", s)
	}
	if s.Matching.AnswerThreshold != 0.7 || s.Matching.ClarifyThreshold == 0 {
		t.Errorf("matching = %+v: want the config's answer threshold over the defaults", s.Matching)
	}
}

func TestSettingsDefaultsWithoutConfig(t *testing.T) {
	t.Chdir(t.TempDir()) // no configs/firstline.yaml here
	s, err := parseSettings(newFlagSet("serve", env{stderr: os.Stderr}), nil, flagAddr|flagData|flagIntents,
		func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr != "127.0.0.1:8080" || s.DataDir != "./data" || s.IntentsDir != "configs/intents" || s.ConfigFile != "" {
		t.Errorf("defaults = %+v", s)
	}
	if s.webchatLimit() != webchat.DefaultRateLimit() {
		t.Errorf("web chat limit = %+v, want the default %+v", s.webchatLimit(), webchat.DefaultRateLimit())
	}
}

// TestSettingsWebchatLimit checks that the shipped config and a file's
// own values reach the web chat.
func TestSettingsWebchatLimit(t *testing.T) {
	s, err := readConfig("../../configs/firstline.yaml", true)
	if err != nil {
		t.Fatal(err)
	}
	if s.webchatLimit().PerMinute <= 0 || s.webchatLimit().NewSessionsPerMinute <= 0 {
		t.Errorf("shipped config: web chat limit = %+v, want both limits on", s.webchatLimit())
	}
	cfg := filepath.Join(t.TempDir(), "firstline.yaml")
	body := "webchat:\n  rate_limit:\n    per_minute: 90\n    burst: 9\n    new_sessions_per_minute: 0\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err = readConfig(cfg, true); err != nil {
		t.Fatal(err)
	}
	want := webchat.RateLimit{PerMinute: 90, Burst: 9, NewSessionsBurst: webchat.DefaultRateLimit().NewSessionsBurst}
	if s.webchatLimit() != want {
		t.Errorf("web chat limit = %+v, want %+v", s.webchatLimit(), want)
	}
}

// TestSettingsShippedConfigIsDefaults checks that configs/firstline.yaml,
// which documents every key, sets each to defaultSettings' value, so that
// the two cannot drift apart. The web chat's title is left empty in both:
// the knowledge base's brand names the chat.
func TestSettingsShippedConfigIsDefaults(t *testing.T) {
	raw, err := os.ReadFile("../../configs/firstline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Read over nothing, so that a key the file leaves out shows as a
	// difference too.
	var shipped settings
	if err := decodeConfig("../../configs/firstline.yaml", raw, &shipped); err != nil {
		t.Fatal(err)
	}
	want := defaultSettings()
	got, err := yaml.Marshal(&shipped)
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := yaml.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(defaults), "\n")
	if len(gotLines) != len(wantLines) {
		t.Fatalf("the shipped config reads as\n%s\nthe defaults are\n%s", got, defaults)
	}
	for i := range gotLines {
		if gotLines[i] != wantLines[i] {
			t.Errorf("line %d of the settings as YAML: the shipped config has %q, the default is %q", i+1, gotLines[i], wantLines[i])
		}
	}
}

// TestSettingsEngineConfig checks what the engine is given: a file's SLA
// policy replaces the default one as a whole, the default language is the
// matcher's, and the channels that push messages are those turned on.
func TestSettingsEngineConfig(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, yaml string
		sla        map[string]dialog.SLA
	}{
		{"no policy", "addr: 127.0.0.1:9000\n", dialog.DefaultConfig.SLA},
		{"empty policy key", "tickets:\n  sla:\n", dialog.DefaultConfig.SLA},
		{"no deadlines", "tickets:\n  sla: {}\n", map[string]dialog.SLA{}},
		{"one priority", "tickets:\n  sla:\n    urgent: {first_response: 5m, resolution: 1h}\n",
			map[string]dialog.SLA{"urgent": {FirstResponse: 5 * time.Minute, Resolution: time.Hour}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".yaml")
			if err := os.WriteFile(p, []byte(c.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := readConfig(p, true)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.engineConfig().SLA; !reflect.DeepEqual(got, c.sla) {
				t.Errorf("sla = %v, want %v", got, c.sla)
			}
		})
	}
	if len(dialog.DefaultConfig.SLA) != 4 {
		t.Errorf("reading a config changed the default policy: %v", dialog.DefaultConfig.SLA)
	}

	cfg := filepath.Join(dir, "channels.yaml")
	body := "matching:\n  default_language: en\nwhatsapp:\n  enabled: true\ntickets:\n  queues: [one, two]\n  auto_assign: true\n  late_notice_before: 0s\n  waiting:\n    remind_after: 2d\n    close_after: 0\ndialog:\n  default_queue: two\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	envs := map[string]string{"FIRSTLINE_TELEGRAM_TOKEN": "123:abc"}
	s, err := parseSettings(newFlagSet("x", env{stderr: new(strings.Builder)}), []string{"--config", cfg}, 0,
		func(k string) string { return envs[k] })
	if err != nil {
		t.Fatal(err)
	}
	got := s.engineConfig()
	if got.DefaultLanguage != "en" || got.DefaultQueue != "two" || !got.AutoAssign || !got.AskFeedback || got.LateNoticeBefore != 0 ||
		!reflect.DeepEqual(got.Queues, []string{"one", "two"}) || !reflect.DeepEqual(got.PushChannels, []string{"telegram", "whatsapp"}) {
		t.Errorf("engine config = %+v", got)
	}
	if got.WaitingRemindAfter != 48*time.Hour || got.WaitingCloseAfter != 0 {
		t.Errorf("waiting: remind after %v, close after %v; want 48h and never", got.WaitingRemindAfter, got.WaitingCloseAfter)
	}
	if d := defaultSettings().engineConfig(); d.WaitingRemindAfter != 48*time.Hour || d.WaitingCloseAfter != 72*time.Hour {
		t.Errorf("default waiting: remind after %v, close after %v", d.WaitingRemindAfter, d.WaitingCloseAfter)
	}
}

func TestSettingsErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name  string
		args  []string
		want  string
		usage bool
	}{
		{"missing named config", []string{"--config", filepath.Join(dir, "nope.yaml")}, "no such file", false},
		{"unknown key", []string{"--config", write("a.yaml", "adress: x\n")}, "a.yaml:1: unknown key adress", false},
		{"threshold out of range", []string{"--config", write("b.yaml", "matching:\n  answer_threshold: 2\n")}, "answer_threshold", false},
		{"clarify threshold out of range", []string{"--config", write("b2.yaml", "matching:\n  clarify_threshold: 1.5\n")}, "clarify_threshold", false},
		{"bad language", []string{"--config", write("c.yaml", "matching:\n  default_language: de\n")}, "default_language", false},
		{"bad priority", []string{"--config", write("d.yaml", "dialog:\n  default_priority: asap\n")}, "default_priority", false},
		{"llm without model", []string{"--config", write("e.yaml", "llm:\n  base_url: http://127.0.0.1:11434/v1\n")}, "llm.model", false},
		{"llm no timeout", []string{"--config", write("g.yaml", "llm:\n  timeout: 0s\n")}, "llm.timeout", false},
		{"llm long timeout", []string{"--config", write("g2.yaml", "llm:\n  timeout: 10h\n")}, "llm.timeout", false},
		{"llm URL without scheme", []string{"--config", write("g4.yaml", "llm:\n  base_url: api.openai.com/v1\n  model: m\n")}, "http://", false},
		{"llm key variable", []string{"--config", write("h.yaml", "llm:\n  api_key_env: sk-123\n")}, "api_key_env", false},
		{"negative web chat limit", []string{"--config", write("i.yaml", "webchat:\n  rate_limit:\n    per_minute: -1\n")}, "webchat.rate_limit", false},
		{"web chat limit without burst", []string{"--config", write("i2.yaml", "webchat:\n  rate_limit:\n    burst: 0\n")}, "webchat.rate_limit.burst", false},
		{"origin with a path", []string{"--config", write("k.yaml", "webchat:\n  allowed_origins: [https://shop.example/chat]\n")}, "webchat.allowed_origins", false},
		{"any origin among others", []string{"--config", write("k2.yaml", "webchat:\n  allowed_origins: [https://shop.example, \"*\"]\n")}, "webchat.allowed_origins", false},
		{"title of two lines", []string{"--config", write("k3.yaml", "webchat:\n  title: \"a\\nb\"\n")}, "webchat.title", false},
		{"negative wait", []string{"--config", write("w.yaml", "tickets:\n  waiting:\n    remind_after: -1h\n")}, `w.yaml:3: tickets.waiting: "-1h" is negative`, false},
		{"wait of no unit", []string{"--config", write("w2.yaml", "tickets:\n  waiting:\n    close_after: 72\n")}, `w2.yaml:3: tickets.waiting: "72" is not a duration`, false},
		{"unknown wait key", []string{"--config", write("w3.yaml", "tickets:\n  waiting:\n    remind: 1h\n")}, "w3.yaml:3: unknown key tickets.waiting.remind", false},
		{"negative late notice", []string{"--config", write("l.yaml", "tickets:\n  late_notice_before: -1m\n")}, "tickets.late_notice_before", false},
		{"retention too short", []string{"--config", write("j.yaml", "privacy:\n  retain_closed: 365s\n")}, "privacy.retain_closed", false},
		{"retention without unit", []string{"--config", write("j2.yaml", "privacy:\n  retain_closed: 365\n")}, "365d or 8760h", false},
		{"retention in weeks", []string{"--config", write("j3.yaml", "privacy:\n  retain_closed: 52w\n")}, "365d or 8760h", false},
		{"retention negative", []string{"--config", write("j4.yaml", "privacy:\n  retain_closed: -1d\n")}, "number of days", false},
		{"name of no queue", []string{"--config", write("q.yaml", "tickets:\n  queue_names:\n    billing: {en: Billing}\n")}, `tickets.queue_names: "billing" is not one of tickets.queues`, false},
		{"queue name language", []string{"--config", write("q2.yaml", "tickets:\n  queue_names:\n    first_line: {de: Erste}\n")}, "the language must be ru or en", false},
		{"empty queue name", []string{"--config", write("q3.yaml", "tickets:\n  queue_names:\n    first_line: {en: \" \"}\n")}, "tickets.queue_names.first_line.en: a name is 1 to 64", false},
		{"team chat not an id", []string{"--config", write("t.yaml", "telegram:\n  team_chat: agents\n")}, "t.yaml:2: telegram.team_chat must be a chat id", false},
		{"team chat two lines", []string{"--config", write("t2.yaml", "telegram:\n  team_chat: \"-100\\n-200\"\n")}, "t2.yaml:2: telegram.team_chat", false},
		{"team priority unknown", []string{"--config", write("t3.yaml", "telegram:\n  team_notify:\n    priorities:\n      - urgent\n      - asap\n")},
			`t3.yaml:5: telegram.team_notify.priorities: unknown priority "asap"`, false},
		{"public URL not http", []string{"--config", write("t4.yaml", "panel:\n  public_url: ftp://support.example.com\n")}, "t4.yaml:2: panel.public_url must be", false},
		{"public URL with a query", []string{"--config", write("t5.yaml", "panel:\n  public_url: https://support.example.com/?a=1\n")}, "t5.yaml:2: panel.public_url", false},
		{"unknown flag", []string{"--colour"}, "colour", true},
		{"stray argument", []string{"extra"}, "unexpected argument", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseSettings(newFlagSet("x", env{stderr: new(strings.Builder)}), c.args, flagAddr, func(string) string { return "" })
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
			if isUsage := errors.As(err, new(usageError)); isUsage != c.usage {
				t.Errorf("usage error = %v, want %v", isUsage, c.usage)
			}
		})
	}
}

// TestSettingsFileErrors checks that a config file's syntax errors and
// unknown keys are reported at their lines, a key in the wrong section
// with where it belongs.
func TestSettingsFileErrors(t *testing.T) {
	for _, c := range []struct {
		file string
		want string
	}{
		{"wrong_section.yaml", "wrong_section.yaml:8: unknown key dialog.clarify_margin; it belongs under matching:"},
		{"top_level_in_section.yaml", "top_level_in_section.yaml:3: unknown key matching.intents; it belongs at the top level"},
		{"nested_key_at_top.yaml", "nested_key_at_top.yaml:1: unknown key first_response; it belongs under tickets.sla.<name>:"},
		{"unknown_in_map.yaml", "unknown_in_map.yaml:3: unknown key tickets.sla.normal.escalate_after"},
		{"unknown_keys.yaml", "unknown_keys.yaml:2: unknown key adress\n" +
			"testdata/config/unknown_keys.yaml:4: unknown key matching.answer_treshold"},
		// yaml.v3 gives up at line 4; the quote opens on line 3.
		{"unclosed_quote.yaml", `unclosed_quote.yaml:3: YAML syntax error: the " opened on this line is not closed`},
		{"bad_indent.yaml", "bad_indent.yaml:3: YAML syntax error: mapping values are not allowed in this context"},
	} {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join("testdata", "config", c.file)
			_, err := parseSettings(newFlagSet("x", env{stderr: new(strings.Builder)}), []string{"--config", path}, flagAddr, func(string) string { return "" })
			if want := "testdata/config/" + c.want; err == nil || err.Error() != want {
				t.Errorf("err = %v\nwant %s", err, want)
			}
		})
	}
}

func TestSettingsLLM(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "firstline.yaml")
	body := "llm:\n  base_url: http://127.0.0.1:11434/v1\n  model: from-file\n  api_key_env: MY_KEY\n  grey_from: 0.2\n  grey_to: 0.7\n  timeout: 1500ms\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	envs := map[string]string{"MY_KEY": "sk-secret", "FIRSTLINE_LLM_MODEL": "from-env"}
	s, err := parseSettings(newFlagSet("x", env{stderr: new(strings.Builder)}), []string{"--config", cfg}, 0,
		func(k string) string { return envs[k] })
	if err != nil {
		t.Fatal(err)
	}
	// grey_from and grey_to are no longer used: read, and named so that
	// serve can say so.
	greyFrom, greyTo := 0.2, 0.7
	want := llmSettings{BaseURL: "http://127.0.0.1:11434/v1", Model: "from-env", APIKeyEnv: "MY_KEY", APIKey: "sk-secret",
		Timeout: 1500 * time.Millisecond, GreyFrom: &greyFrom, GreyTo: &greyTo}
	if !reflect.DeepEqual(s.LLM, want) {
		t.Errorf("llm = %+v, want %+v", s.LLM, want)
	}
	if ignored := s.LLM.Ignored(); !reflect.DeepEqual(ignored, []string{"llm.grey_from", "llm.grey_to"}) {
		t.Errorf("ignored %q, want llm.grey_from and llm.grey_to", ignored)
	}

	s, err = parseSettings(newFlagSet("x", env{stderr: new(strings.Builder)}), nil, 0, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if s.LLM.Enabled() {
		t.Errorf("llm on by default: %+v", s.LLM)
	}
}

// TestSettingsGreyZoneIgnored checks that configs written for the grey
// zone the language model used to be asked in still load, whatever its
// bounds, and that turning the model on says they are ignored.
func TestSettingsGreyZoneIgnored(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"shipped":     "llm:\n  base_url: http://127.0.0.1:11434/v1\n  model: m\n  grey_from: 0.15\n  grey_to: 0.80\n",
		"upside down": "llm:\n  base_url: http://127.0.0.1:11434/v1\n  model: m\n  grey_from: 0.6\n  grey_to: 0.5\n",
		"one of them": "llm:\n  base_url: http://127.0.0.1:11434/v1\n  model: m\n  grey_to: .nan\n",
	} {
		t.Run(name, func(t *testing.T) {
			cfg := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
			if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := parseSettings(newFlagSet("x", env{stderr: new(strings.Builder)}), []string{"--config", cfg}, 0,
				func(string) string { return "" })
			if err != nil {
				t.Fatalf("the config no longer loads: %v", err)
			}
			var logged strings.Builder
			log := slog.New(slog.NewTextHandler(&logged, nil))
			so, err := secondOpinion(s.LLM, log, nil)
			if err != nil || so == nil {
				t.Fatalf("second opinion %v, %v; want one", so, err)
			}
			out := logged.String()
			if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "no longer used") {
				t.Errorf("log lacks a warning about the ignored keys:\n%s", out)
			}
			for _, key := range s.LLM.Ignored() {
				if !strings.Contains(body, strings.TrimPrefix(key, "llm.")) || !strings.Contains(out, key) {
					t.Errorf("ignored key %q: not in the file, or not named in the log:\n%s", key, out)
				}
			}
			if len(s.LLM.Ignored()) != strings.Count(body, "grey_") {
				t.Errorf("ignored %v, want every grey_ key of the file", s.LLM.Ignored())
			}
		})
	}
}

func TestCommandsExitCodes(t *testing.T) {
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "x.yaml"), []byte("intents:\n  - id: a\n    examples: {en: [hi]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The health check of the demo knowledge base is left out: it is
	// TestAdviceOutput's, and takes the race detector half a minute.
	for _, c := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"validate", "--config", "../../configs/firstline.yaml", "--intents", "../../configs/intents", "--advice=false"}, 0, "OK"},
		{[]string{"validate", "--config", "../../configs/firstline.yaml", "--intents", bad}, 1, "x.yaml:2: intent \"a\" has examples in en but no answer.en"},
		{[]string{"test", "--config", "../../configs/firstline.yaml", "--intents", "../../configs/intents", "--advice=false"}, 0, " 0 failed"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{nil, 2, "Usage"},
		{[]string{"validate", "--nope"}, 2, "nope"},
	} {
		var stdout, stderr strings.Builder
		code := run(t.Context(), c.args, env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
			getenv: func(string) string { return "" }})
		out := stdout.String() + stderr.String()
		if code != c.code || !strings.Contains(out, c.out) {
			t.Errorf("firstline %v: exit %d, want %d with %q in:\n%s", c.args, code, c.code, c.out, out)
		}
	}
}

func TestChat(t *testing.T) {
	var stdout, stderr strings.Builder
	in := strings.NewReader("забыл пароль\n1\n/human\n/agent Здравствуйте, смотрю\n/wait\nвот номер\n/close\n5\n")
	code := run(t.Context(), []string{"chat", "--config", "../../configs/firstline.yaml", "--intents", "../../configs/intents"},
		env{stdin: in, stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
	if code != 0 {
		t.Fatalf("chat exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"intent reset_password", "FL-000001", "Agent: Здравствуйте, смотрю", "ждёт вашего ответа по обращению FL-000001", "[5] 5"} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
}

// TestChatPrintsEachMessageOnce checks that every message of the terminal
// chat is printed once, however many agent actions follow one another.
func TestChatPrintsEachMessageOnce(t *testing.T) {
	var stdout, stderr strings.Builder
	in := strings.NewReader("/human\nещё одно\n/agent first reply\n/agent second reply\n/close\n4\n")
	code := run(t.Context(), []string{"chat", "--config", "../../configs/firstline.yaml", "--intents", "../../configs/intents"},
		env{stdin: in, stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
	if code != 0 {
		t.Fatalf("chat exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"номер обращения FL-000001", "Agent: first reply", "Agent: second reply", "подключился", "закрыто", "[5] 5", "Спасибо за оценку"} {
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("chat output has %q %d times, want once:\n%s", want, n, out)
		}
	}
}

// TestChatShowsTheMatchWhenUnsure checks that the terminal chat shows
// what the matcher made of a message it could not answer, but not of the
// answers to the questions asked before a handoff.
func TestChatShowsTheMatchWhenUnsure(t *testing.T) {
	dir := t.TempDir()
	kb := `intents:
  - id: no_internet
    title: {ru: "Нет интернета"}
    examples:
      ru: ["не работает интернет", "пропал интернет", "нет подключения к сети", "интернет отвалился"]
    escalate: true
    collect:
      - {name: contract, ask: {ru: "Номер договора?"}, pattern: '^\d{6,8}$'}
      - {name: address, ask: {ru: "Адрес подключения?"}}
  - id: pay
    title: {ru: "Оплата"}
    examples:
      ru: ["как оплатить интернет", "оплата картой", "где заплатить за услуги", "как пополнить счёт"]
    answer:
      ru: "Картой в личном кабинете."
`
	if err := os.WriteFile(filepath.Join(dir, "isp.yaml"), []byte(kb), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	in := strings.NewReader("не работает интернет\n1234567\nЛенина 5\n")
	code := run(t.Context(), []string{"chat", "--config", "../../configs/firstline.yaml", "--intents", dir},
		env{stdin: in, stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
	if code != 0 {
		t.Fatalf("chat exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
	if out := stdout.String(); !strings.Contains(out, "номер обращения") || strings.Contains(out, "(none:") {
		t.Errorf("the answer to a question before the handoff shows the matcher's guesses:\n%s", out)
	}
	stdout.Reset()
	code = run(t.Context(), []string{"chat", "--config", "../../configs/firstline.yaml", "--intents", dir},
		env{stdin: strings.NewReader("сколько стоит слон в зоопарке\n"), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
	if out := stdout.String(); code != 0 || !strings.Contains(out, "(none:") {
		t.Errorf("a message the bot could not answer does not show the matcher's guesses (exit %d):\n%s", code, out)
	}
}

func TestSettingsRetention(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		yaml string
		want time.Duration
	}{
		{"", 0},
		{"privacy:\n  retain_closed: 0\n", 0},
		{"privacy:\n  retain_closed: 365d\n", 365 * 24 * time.Hour},
		{"privacy:\n  retain_closed: 720h\n", 30 * 24 * time.Hour},
	} {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(c.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := parseSettings(newFlagSet("x", env{stderr: new(strings.Builder)}), []string{"--config", p}, 0, func(string) string { return "" })
		if err != nil {
			t.Fatalf("%q: %v", c.yaml, err)
		}
		if s.retainClosed() != c.want {
			t.Errorf("%q: retain_closed = %v, want %v", c.yaml, s.retainClosed(), c.want)
		}
	}
}

// The chance that the intent meant is among the ones offered need not be
// below the confidence an answer needs: the two thresholds are set apart.
func TestSettingsClarifyAboveAnswer(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "firstline.yaml")
	if err := os.WriteFile(cfg, []byte("matching:\n  answer_threshold: 0.3\n  clarify_threshold: 0.8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := parseSettings(newFlagSet("x", env{stderr: new(strings.Builder)}), []string{"--config", cfg}, flagAddr, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if s.Matching.AnswerThreshold != 0.3 || s.Matching.ClarifyThreshold != 0.8 {
		t.Errorf("matching %+v, want answer 0.3 and clarify 0.8", s.Matching)
	}
}

// TestSettingsQueueNames checks that queue names are read per queue and
// language, beside the queue ids, which stay as they were.
func TestSettingsQueueNames(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "names.yaml")
	body := "tickets:\n  queues: [first_line, billing]\n  queue_names:\n    billing: {ru: \"Оплата\", en: Billing}\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := parseSettings(newFlagSet("x", env{stderr: new(strings.Builder)}), []string{"--config", cfg}, 0, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Tickets.QueueNames["billing"]; got["ru"] != "Оплата" || got["en"] != "Billing" || len(s.Tickets.QueueNames) != 1 {
		t.Errorf("queue names %v", s.Tickets.QueueNames)
	}
	if !slices.Equal(s.engineConfig().Queues, []string{"first_line", "billing"}) {
		t.Errorf("queues %v", s.engineConfig().Queues)
	}
}

// TestSettingsTeamNotice checks that the team's chat hears of new tickets
// only with Telegram on and a chat set, with the panel's public address.
func TestSettingsTeamNotice(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "team.yaml")
	body := "telegram:\n  team_chat: \"-1001234567890\"\n  team_notify:\n    priorities: [urgent, high]\n" +
		"panel:\n  public_url: https://support.example.com\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{"", "123:abc"} {
		getenv := func(k string) string {
			if k == "FIRSTLINE_TELEGRAM_TOKEN" {
				return token
			}
			return ""
		}
		s, err := parseSettings(newFlagSet("x", env{stderr: new(strings.Builder)}), []string{"--config", p}, flagAddr, getenv)
		if err != nil {
			t.Fatal(err)
		}
		got := s.engineConfig().TeamNotice
		if token == "" {
			if got != nil {
				t.Errorf("no Telegram, yet the team hears: %+v", got)
			}
			continue
		}
		want := dialog.TeamNotice{Channel: "telegram", ChatID: "-1001234567890", Priorities: []string{"urgent", "high"}, PanelURL: "https://support.example.com"}
		if got == nil || !reflect.DeepEqual(*got, want) {
			t.Errorf("team notice %+v, want %+v", got, want)
		}
	}
	if d := defaultSettings().engineConfig().TeamNotice; d != nil {
		t.Errorf("the defaults tell a team chat: %+v", d)
	}
}
