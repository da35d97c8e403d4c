package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the firstline binary built once for the tests that run it as a
// separate process, as users do.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "firstline-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "firstline")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build firstline:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running `firstline serve`.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	mu   sync.Mutex
	logs bytes.Buffer
	// logged has a value after each line of the log, for waitLog.
	logged chan struct{}
	done   chan error
	// token, when set, is sent as "Authorization: Bearer" with getJSON.
	token string
}

// urlPattern finds the address the server prints once it serves; the key
// is a word of its own, so that another URL logged before (a language
// model's) is not taken for it.
var urlPattern = regexp.MustCompile(`msg="firstline is serving[^"]*" url=(http://[0-9.:]+/)`)

// startServer runs `firstline serve` on a free port with data in dataDir
// and the repository's demo configuration.
func startServer(t *testing.T, dataDir string, extra ...string) *server {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir,
		"--config", "../../configs/firstline.yaml", "--intents", "../../configs/intents"}, extra...)
	s := &server{t: t, cmd: exec.Command(binary, args...), logged: make(chan struct{}, 1), done: make(chan error, 1)}
	s.cmd.Env = append(os.Environ(), "FIRSTLINE_LOG_LEVEL=info")
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.mu.Lock()
			s.logs.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			select {
			case s.logged <- struct{}{}:
			default: // a line not looked at yet: waitLog reads the whole log
			}
			if m := urlPattern.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		s.done <- s.cmd.Wait()
	}()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	select {
	case s.url = <-found:
	case err := <-s.done:
		t.Fatalf("firstline serve exited early (%v):\n%s", err, s.log())
	case <-time.After(30 * time.Second):
		t.Fatalf("firstline serve did not print its URL:\n%s", s.log())
	}
	return s
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Fatalf("exit after SIGTERM: %v\n%s", err, s.log())
		}
	case <-time.After(30 * time.Second):
		s.t.Fatalf("no exit after SIGTERM:\n%s", s.log())
	}
	if !strings.Contains(s.log(), "stopped") {
		s.t.Errorf("no clean shutdown in the log:\n%s", s.log())
	}
}

// chatReply is the web chat API's answer to a posted message.
type chatReply struct {
	ConversationID int64  `json:"conversation_id"`
	State          string `json:"state"`
	Replies        []struct {
		ID      int64    `json:"id"`
		Text    string   `json:"text"`
		Buttons []string `json:"buttons"`
	} `json:"replies"`
	Ticket *struct {
		Number string `json:"number"`
		Status string `json:"status"`
	} `json:"ticket"`
	Error string `json:"error"`
}

func (s *server) post(body string) (int, chatReply) {
	s.t.Helper()
	resp, err := http.Post(s.url+"api/v1/webchat/messages", "application/json", strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r chatReply
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &r); err != nil {
		s.t.Fatalf("response to %.60q is not JSON (%v): %s", body, err, raw)
	}
	return resp.StatusCode, r
}

func (s *server) say(session, id, text string) chatReply {
	s.t.Helper()
	body, _ := json.Marshal(map[string]string{"session": session, "message_id": id, "text": text})
	code, r := s.post(string(body))
	if code != http.StatusOK {
		s.t.Fatalf("post %q: status %d: %s", text, code, r.Error)
	}
	return r
}

func (s *server) getJSON(path string, v any) int {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+strings.TrimPrefix(path, "/"), nil)
	if err != nil {
		s.t.Fatal(err)
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode
}

// newAPIToken adds an agent to the database in dataDir with the binary, as
// an admin would, and returns a new API token of the agent.
func newAPIToken(t *testing.T, dataDir string) string {
	t.Helper()
	add := exec.Command(binary, "user", "add", "--name", "e2e", "--role", "agent", "--password-stdin", "--data", dataDir)
	add.Stdin = strings.NewReader("a long enough password\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("firstline user add: %v\n%s", err, out)
	}
	out, err := exec.Command(binary, "user", "token", "e2e", "--data", dataDir).Output()
	token := strings.TrimSpace(string(out))
	if err != nil || !strings.HasPrefix(token, "flt_") {
		t.Fatalf("firstline user token: %v: %q", err, out)
	}
	return token
}

func joinReplies(r chatReply) string {
	var b strings.Builder
	for _, x := range r.Replies {
		b.WriteString(x.Text + "\n")
	}
	return b.String()
}

func TestServeEndToEnd(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)

	// The first start creates an admin and prints its password, once.
	if !regexp.MustCompile(`created user "admin" with password [A-Za-z0-9]{16} \(shown once`).MatchString(s.log()) {
		t.Errorf("no admin password printed on the first start:\n%s", s.log())
	}

	// A known question in Russian and one in English get their answers.
	ru := s.say("e2e-ru", "1", "Не могу вспомнить пароль от личного кабинета, как его поменять?")
	if ru.State != "bot" || !strings.Contains(strings.ToLower(joinReplies(ru)), "парол") {
		t.Errorf("Russian password question: state %s, replies %q", ru.State, joinReplies(ru))
	}
	en := s.say("e2e-en", "1", "I forgot my password, how do I reset it?")
	if en.State != "bot" || !strings.Contains(strings.ToLower(joinReplies(en)), "password") {
		t.Errorf("English password question: state %s, replies %q", en.State, joinReplies(en))
	}

	// Nonsense is met with a request to rephrase, then escalated with a ticket number.
	first := s.say("e2e-x", "1", "фыва олдж ячсм")
	if first.Ticket != nil {
		t.Fatalf("first nonsense escalated at once: %+v", first)
	}
	second := s.say("e2e-x", "2", "ывлаоыврл йцукен")
	if second.Ticket == nil || second.State != "queued" || !strings.Contains(joinReplies(second), second.Ticket.Number) {
		t.Fatalf("second nonsense: state %s ticket %+v replies %q", second.State, second.Ticket, joinReplies(second))
	}
	number := second.Ticket.Number
	// What the customer adds while waiting is acknowledged, with the
	// time the SLA gives.
	if ack := s.say("e2e-x", "3", "у меня всё сломалось"); !strings.Contains(joinReplies(ack), "в течение 4 часов") {
		t.Errorf("an added message acknowledged with %q, want the time to the first reply", joinReplies(ack))
	}

	// A duplicate message_id is answered once, with the first answer.
	dup := s.say("e2e-x", "2", "ывлаоыврл йцукен")
	if joinReplies(dup) != joinReplies(second) || dup.Replies[0].ID != second.Replies[0].ID {
		t.Errorf("duplicate message_id answered again: %q vs %q", joinReplies(dup), joinReplies(second))
	}

	// The tickets API answers logged-in users only, here by API token.
	var refused struct{ Code string }
	if code := s.getJSON("/api/v1/tickets/"+number, &refused); code != http.StatusUnauthorized || refused.Code != "unauthorized" {
		t.Errorf("anonymous GET ticket: %d %+v", code, refused)
	}
	s.token = newAPIToken(t, data)

	// The ticket's transcript holds every earlier message, in order, once.
	var ticket struct {
		Number string `json:"number"`
		Status string `json:"status"`
		Reason string `json:"reason"`
		// The default policy for priority normal: first reply within 4h.
		FirstResponseDue *time.Time `json:"first_response_due"`
		Transcript       []struct {
			ID     int64  `json:"id"`
			Author string `json:"author"`
			Text   string `json:"text"`
		} `json:"transcript"`
	}
	if code := s.getJSON("/api/v1/tickets/"+number, &ticket); code != http.StatusOK {
		t.Fatalf("GET ticket: %d", code)
	}
	var customer []string
	var lastID int64
	for _, m := range ticket.Transcript {
		if m.ID <= lastID {
			t.Errorf("transcript out of order at %d", m.ID)
		}
		lastID = m.ID
		if m.Author == "customer" {
			customer = append(customer, m.Text)
		}
	}
	want := "фыва олдж ячсм|ывлаоыврл йцукен|у меня всё сломалось"
	if got := strings.Join(customer, "|"); got != want {
		t.Errorf("customer messages in transcript = %q, want %q", got, want)
	}
	if d := ticket.FirstResponseDue; d == nil || time.Until(*d) < 3*time.Hour || time.Until(*d) > 4*time.Hour {
		t.Errorf("first response due %v, want in about 4 hours", d)
	}
	if ticket.Reason != "no_match" || ticket.Status != "queued" || len(ticket.Transcript) != 6 {
		t.Errorf("ticket reason %q status %q with %d messages", ticket.Reason, ticket.Status, len(ticket.Transcript))
	}

	var list struct {
		Tickets []struct{ Number string } `json:"tickets"`
	}
	if code := s.getJSON("/api/v1/tickets?status=queued", &list); code != http.StatusOK || len(list.Tickets) != 1 || list.Tickets[0].Number != number {
		t.Errorf("ticket list: %d %+v", code, list)
	}
	var missing map[string]any
	if code := s.getJSON("/api/v1/tickets/FL-999999", &missing); code != http.StatusNotFound {
		t.Errorf("unknown ticket: %d", code)
	}

	// The page polls for what happened after a message id.
	var page struct {
		State    string `json:"state"`
		Messages []struct {
			ID   int64  `json:"id"`
			Text string `json:"text"`
		} `json:"messages"`
	}
	s.getJSON(fmt.Sprintf("/api/v1/webchat/messages?session=e2e-x&after=%d", second.Replies[0].ID), &page)
	if page.State != "queued" || len(page.Messages) != 2 || page.Messages[0].Text != "у меня всё сломалось" ||
		!strings.HasPrefix(page.Messages[1].Text, "Добавил это к обращению "+number) {
		t.Errorf("poll after %d: %+v", second.Replies[0].ID, page)
	}

	// The chat page is served.
	resp, err := http.Get(s.url)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(html, []byte("/api/v1/webchat/messages")) {
		t.Errorf("chat page: %d", resp.StatusCode)
	}

	// A clean shutdown, then a restart on the same data: nothing acknowledged is lost.
	s.stop()
	s2 := startServer(t, data)
	s2.token = s.token
	if strings.Contains(s2.log(), "with password") {
		t.Errorf("a restart printed an admin password again:\n%s", s2.log())
	}
	if code := s2.getJSON("/api/v1/tickets/"+number, &ticket); code != http.StatusOK || len(ticket.Transcript) != 6 {
		t.Errorf("after restart: %d, %d messages", code, len(ticket.Transcript))
	}
	s2.stop()
}

func TestServeBadInput(t *testing.T) {
	s := startServer(t, t.TempDir())
	long := strings.Repeat("a", 4097)
	huge := `{"session":"s","message_id":"m","text":"` + strings.Repeat("a", 70<<10) + `"}`
	for _, c := range []struct {
		name string
		body string
		code int
	}{
		{"malformed JSON", `{"session": "s", "message_id": `, http.StatusBadRequest},
		{"not an object", `["session"]`, http.StatusBadRequest},
		{"empty body", ``, http.StatusBadRequest},
		{"missing session", `{"message_id":"m","text":"hi"}`, http.StatusBadRequest},
		{"missing message_id", `{"session":"s","text":"hi"}`, http.StatusBadRequest},
		{"missing text", `{"session":"s","message_id":"m"}`, http.StatusBadRequest},
		{"blank text", `{"session":"s","message_id":"m","text":"   "}`, http.StatusBadRequest},
		{"unknown field", `{"session":"s","message_id":"m","text":"hi","x":1}`, http.StatusBadRequest},
		{"wrong type", `{"session":"s","message_id":7,"text":"hi"}`, http.StatusBadRequest},
		{"bad session", `{"session":"a b <c>","message_id":"m","text":"hi"}`, http.StatusBadRequest},
		{"invalid UTF-8", "{\"session\":\"s\",\"message_id\":\"m\",\"text\":\"\xff\xfe\"}", http.StatusBadRequest},
		{"text over 4096 characters", `{"session":"s","message_id":"m","text":"` + long + `"}`, http.StatusRequestEntityTooLarge},
		{"body over 64 KiB", huge, http.StatusRequestEntityTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, r := s.post(c.body)
			if code != c.code || r.Error == "" {
				t.Errorf("status %d error %q, want %d with a message", code, r.Error, c.code)
			}
		})
	}
	// None of it created a conversation.
	var page struct {
		ConversationID int64 `json:"conversation_id"`
		Messages       []any `json:"messages"`
	}
	s.getJSON("/api/v1/webchat/messages?session=s", &page)
	if page.ConversationID != 0 || len(page.Messages) != 0 {
		t.Errorf("bad input left %+v", page)
	}
	var e map[string]any
	if code := s.getJSON("/api/v1/webchat/messages?session=s&after=-1", &e); code != http.StatusBadRequest {
		t.Errorf("after=-1: %d", code)
	}
	if code := s.getJSON("/api/v1/webchat/messages", &e); code != http.StatusBadRequest {
		t.Errorf("no session: %d", code)
	}
	// Still serving after all of it.
	if r := s.say("s", "ok", "привет"); r.ConversationID == 0 {
		t.Errorf("server unusable after bad input: %+v", r)
	}
	if strings.Contains(s.log(), "panic") {
		t.Errorf("the server panicked:\n%s", s.log())
	}
	s.stop()
}

func TestServeRejectsInvalidKnowledgeBase(t *testing.T) {
	dir := t.TempDir()
	bad := "intents:\n  - id: broken\n    examples: {ru: []}\n    colour: red\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--intents", dir,
		"--config", "../../configs/firstline.yaml")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("serve started with an invalid knowledge base:\n%s", out)
	}
	for _, want := range []string{"bad.yaml:3:", "bad.yaml:4:"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestServeHotReload(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) {
		t.Helper()
		// Write then rename, as editors do, so the watcher never reads half a file.
		tmp := filepath.Join(dir, ".kb.yaml.tmp")
		if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "kb.yaml")); err != nil {
			t.Fatal(err)
		}
	}
	hours := "intents:\n  - id: hours\n    examples: {en: [\"opening hours\", \"when are you open\"]}\n    answer: {en: \"We are open 9 to 5.\"}\n"
	write(hours)
	s := startServer(t, t.TempDir(), "--intents", dir)

	// answered reports whether the bot answers text with want. The server
	// logs a reload once the new knowledge base serves, so one question
	// after the log says so is enough.
	n := 0
	answered := func(text, want string) bool {
		n++
		return strings.Contains(joinReplies(s.say(fmt.Sprint("reload-", n), "m", text)), want)
	}
	if !answered("when are you open", "9 to 5") {
		t.Fatal("initial knowledge base not served")
	}
	reloads := func(log string) int { return strings.Count(log, "knowledge base reloaded") }
	reloaded := func(before int) bool {
		return s.waitLog(func(log string) bool { return reloads(log) > before })
	}

	before := reloads(s.log())
	write(hours + "  - id: refund\n    examples: {en: [\"I want my money back\", \"refund please\"]}\n    answer: {en: \"Refunds take 5 days.\"}\n")
	start := time.Now()
	if !reloaded(before) {
		t.Fatalf("edit not picked up:\n%s", s.log())
	}
	t.Logf("edit picked up after %v", time.Since(start))
	if !answered("I want a refund", "Refunds take 5 days") {
		t.Fatalf("edit not served after the reload:\n%s", s.log())
	}

	// An invalid edit is logged with its line and the previous knowledge base keeps serving.
	write(hours + "  - id: refund\n    examples: {en: []}\n")
	if !s.waitLog(func(log string) bool { return strings.Contains(log, "kb.yaml:6:") }) {
		t.Fatalf("invalid edit not reported with its line:\n%s", s.log())
	}
	if !answered("I want a refund", "Refunds take 5 days") {
		t.Error("the previous knowledge base stopped serving after an invalid edit")
	}

	// SIGHUP reloads at once (a reload with nothing changed still reloads).
	before = reloads(s.log())
	write(hours)
	if !reloaded(before) {
		t.Fatalf("fixed file not reloaded:\n%s", s.log())
	}
	before = reloads(s.log())
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if !reloaded(before) {
		t.Errorf("SIGHUP did not reload:\n%s", s.log())
	}
	s.stop()
}

// waitLog reports whether the server's log comes to satisfy cond within
// five seconds. It looks again at each line the server logs, rather than
// on a timer.
func (s *server) waitLog(cond func(log string) bool) bool {
	timeout := time.NewTimer(5 * time.Second)
	defer timeout.Stop()
	for !cond(s.log()) {
		select {
		case <-s.logged:
		case <-timeout.C:
			return cond(s.log())
		}
	}
	return true
}

// eventually reports whether cond becomes true within five seconds.
func eventually(cond func() bool) bool {
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

func TestLoadtest(t *testing.T) {
	s := startServer(t, t.TempDir())
	var stdout, stderr strings.Builder
	code := run(t.Context(), []string{"loadtest", "--url", s.url, "--customers", "4", "--messages", "5"},
		env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
	if code != 0 || !strings.Contains(stdout.String(), "20 messages from 4 customers") || !strings.Contains(stdout.String(), "0 failed") {
		t.Errorf("loadtest: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	s.stop()
	if code := run(t.Context(), []string{"loadtest", "--url", s.url, "--customers", "1", "--messages", "1"},
		env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}); code != 1 {
		t.Errorf("loadtest against a stopped server: exit %d, want 1", code)
	}
}
