package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
)

// TestServePostgres runs `firstline serve` with FIRSTLINE_DATABASE_URL on a
// database of its own: the web chat, escalation, the user commands and the
// tickets API work as on SQLite, and nothing is written to the data
// directory.
func TestServePostgres(t *testing.T) {
	t.Setenv("FIRSTLINE_DATABASE_URL", pgtest.Database(t))
	data := t.TempDir()
	s := startServer(t, data)

	if r := s.say("pg", "1", "забыл пароль от личного кабинета"); !strings.Contains(joinReplies(r), "Забыли пароль?") {
		t.Errorf("answer on PostgreSQL: %q", joinReplies(r))
	}
	r := s.say("pg", "2", "/human")
	if r.Ticket == nil || r.Ticket.Number != "FL-000001" {
		t.Fatalf("escalation on PostgreSQL: %+v", r.Ticket)
	}
	s.token = newAPIToken(t, data) // the user commands follow the same setting
	var ticket struct {
		Transcript []struct{ Text string } `json:"transcript"`
	}
	if code := s.getJSON("/api/v1/tickets/"+r.Ticket.Number, &ticket); code != http.StatusOK || len(ticket.Transcript) != 5 {
		t.Errorf("ticket on PostgreSQL: %d, %d messages", code, len(ticket.Transcript))
	}
	s.stop()
	if out, _ := exec.Command("ls", "-A", data).Output(); len(out) != 0 {
		t.Errorf("the data directory is not empty: %s", out)
	}
}

// tcpProxy forwards connections to a server and can cut them all, as a
// network failure or a database restart would.
type tcpProxy struct {
	t      *testing.T
	addr   string // where it listens
	target string

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.down)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by down
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

// down refuses new connections and cuts the open ones.
func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// up accepts connections again, on the same address.
func (p *tcpProxy) up() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

// TestServePostgresOutage cuts the server off from PostgreSQL: requests
// fail fast with 503 and a clear message, nothing acknowledged is lost, and
// the server recovers by itself when the database is back.
func TestServePostgresOutage(t *testing.T) {
	dbURL := pgtest.Database(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.addr
	t.Setenv("FIRSTLINE_DATABASE_URL", u.String())
	s := startServer(t, t.TempDir())
	before := s.say("out", "1", "забыл пароль")

	proxy.down()
	start := time.Now()
	body := `{"session":"out","message_id":"2","text":"как оплатить интернет"}`
	code, r := s.post(body)
	if code != http.StatusServiceUnavailable || r.Error == "" {
		t.Errorf("during the outage: %d %q, want 503 with a message\n%s", code, r.Error, s.log())
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the failure took %v to come", took)
	}
	// Not ready, for the load balancer; alive, so that nothing restarts
	// the process; and the metrics still served, saying the store is down.
	var h health
	if code := s.getJSON("/readyz", &h); code != http.StatusServiceUnavailable || !slices.Equal(h.Missing, []string{"store"}) {
		t.Errorf("/readyz during the outage: %d %+v", code, h)
	}
	if code := s.getJSON("/healthz", &h); code != http.StatusOK {
		t.Errorf("/healthz during the outage: %d", code)
	}
	if m := s.scrape(); m["firstline_store_up"] != 0 || m[`firstline_store_connections_max{pool="main"}`] == 0 {
		t.Errorf("metrics during the outage: store up %v, pool max %v", m["firstline_store_up"], m[`firstline_store_connections_max{pool="main"}`])
	}

	proxy.up()
	if !eventually(func() bool { code, _ := s.post(body); return code == http.StatusOK }) {
		t.Fatalf("no recovery after the database came back:\n%s", s.log())
	}
	if code := s.getJSON("/readyz", &h); code != http.StatusOK {
		t.Errorf("/readyz after the outage: %d %+v", code, h)
	}
	if m := s.scrape(); m["firstline_store_up"] != 1 {
		t.Errorf("metrics after the outage: store up %v", m["firstline_store_up"])
	}
	var page struct {
		Messages []struct {
			ID   int64  `json:"id"`
			Text string `json:"text"`
		} `json:"messages"`
	}
	s.getJSON("/api/v1/webchat/messages?session=out", &page)
	var texts []string
	for _, m := range page.Messages {
		texts = append(texts, m.Text)
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "забыл пароль") || !strings.Contains(all, before.Replies[0].Text) ||
		strings.Count(all, "как оплатить интернет") != 1 {
		t.Errorf("after the outage the chat holds:\n%s", all)
	}
	s.stop()
}

// TestReplicasShareLiveUpdates runs two `firstline serve` replicas on one
// PostgreSQL database: an agent's live-update stream on replica A hears of
// a customer message that replica B received.
func TestReplicasShareLiveUpdates(t *testing.T) {
	t.Setenv("FIRSTLINE_DATABASE_URL", pgtest.Database(t))
	dataA, dataB := t.TempDir(), t.TempDir()
	a := startServer(t, dataA)
	b := startServer(t, dataB)
	token := newAPIToken(t, dataA)

	lines := openStream(t, a, token)

	r := b.say("replica", "1", "/human")
	if r.Ticket == nil {
		t.Fatalf("no ticket from B: %+v", r)
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("A's event stream ended")
			}
			if strings.Contains(l, r.Ticket.Number) {
				a.stop()
				b.stop()
				return
			}
		case <-deadline:
			t.Fatalf("A never heard of ticket %s created on B", r.Ticket.Number)
		}
	}
}

// TestReplicasShareTyping checks that an agent typing on one replica shows
// on the chat page of a customer whose page polls another.
func TestReplicasShareTyping(t *testing.T) {
	t.Setenv("FIRSTLINE_DATABASE_URL", pgtest.Database(t))
	dataA, dataB := t.TempDir(), t.TempDir()
	a := startServer(t, dataA)
	b := startServer(t, dataB)
	token := newAPIToken(t, dataA) // the agent e2e

	r := b.say("typing", "1", "/human")
	if r.Ticket == nil {
		t.Fatalf("no ticket from B: %+v", r)
	}
	req, err := http.NewRequest(http.MethodPost, a.url+"panel/tickets/"+r.Ticket.Number+"/typing", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("typing on A: %d", resp.StatusCode)
	}
	deadline := time.Now().Add(5 * time.Second) // within the typing's few seconds
	for {
		var page struct {
			Typing *struct {
				Name string `json:"name"`
			} `json:"typing"`
		}
		if code := b.getJSON("/api/v1/webchat/messages?session=typing", &page); code != http.StatusOK {
			t.Fatalf("poll B: %d", code)
		}
		if page.Typing != nil && page.Typing.Name == "e2e" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the customer polling B never saw the agent typing on A")
		}
		time.Sleep(100 * time.Millisecond)
	}
	a.stop()
	b.stop()
}

// TestTelegramLeaderTakeover runs two replicas with Telegram long polling
// on one PostgreSQL database: one of them polls, and when it is killed the
// other takes over and answers, with nothing lost or answered twice.
func TestTelegramLeaderTakeover(t *testing.T) {
	api := telegramtest.NewServer("123:TEST")
	defer api.Close()
	t.Setenv("FIRSTLINE_TELEGRAM_TOKEN", api.Token())
	t.Setenv("FIRSTLINE_TELEGRAM_API_URL", api.URL())
	t.Setenv("FIRSTLINE_DATABASE_URL", pgtest.Database(t))
	a := startServer(t, t.TempDir())
	b := startServer(t, t.TempDir())

	api.Push(tgText(3001, "забыл пароль от личного кабинета"))
	waitSent(t, api, "3001", "Забыли пароль?")

	leader, other := a, b
	if !eventually(func() bool {
		return strings.Contains(a.log(), "leadership gained") || strings.Contains(b.log(), "leadership gained")
	}) {
		t.Fatalf("nobody leads:\n%s\n%s", a.log(), b.log())
	}
	if strings.Contains(b.log(), "leadership gained") {
		leader, other = b, a
	}
	if strings.Contains(other.log(), "leadership gained") {
		t.Fatal("both replicas lead the channel")
	}
	if err := leader.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-leader.done

	api.Push(tgText(3002, "как оплатить интернет картой"))
	got := waitSent(t, api, "3002", "setplus.example/pay")
	if n := strings.Count(strings.Join(got, "\n"), "setplus.example/pay"); n != 1 {
		t.Errorf("answered %d times after the takeover: %q", n, got)
	}
	if first := waitSent(t, api, "3001", "Забыли пароль?"); strings.Count(strings.Join(first, "\n"), "Забыли пароль?") != 1 {
		t.Errorf("the first chat was answered again: %q", first)
	}
	other.stop()
}

// TestReplicasUnderLoad sends a few hundred messages from many customers
// to two replicas on one PostgreSQL database, alternately, some to both at
// once (a retried delivery), and kills one replica half way. Every
// acknowledged message must be stored once and in order, each answered
// once, and no customer may get two tickets.
func TestReplicasUnderLoad(t *testing.T) {
	t.Setenv("FIRSTLINE_DATABASE_URL", pgtest.Database(t))
	// Tickets go to online agents automatically, from both replicas.
	raw, err := os.ReadFile("../../configs/firstline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(t.TempDir(), "firstline.yaml")
	raw = bytes.Replace(raw, []byte("auto_assign: false"), []byte("auto_assign: true"), 1)
	// Forty customers from one address: the web chat's limits per address
	// are off.
	raw = bytes.Replace(raw, []byte("per_minute: 1200"), []byte("per_minute: 0"), 1)
	raw = bytes.Replace(raw, []byte("new_sessions_per_minute: 30"), []byte("new_sessions_per_minute: 0"), 1)
	if err := os.WriteFile(config, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	a := startServer(t, t.TempDir(), "--config", config)
	b := startServer(t, t.TempDir(), "--config", config)
	agents := []string{"anna", "boris", "vera"}
	for _, name := range agents {
		addUser(t, t.TempDir(), name, "agent", "a long enough password")
		panelLogin(t, a, name, "a long enough password") // seen in the panel: online
	}
	var bDead atomic.Bool

	const customers, perCustomer = 40, 8
	texts := []string{"забыл пароль", "как оплатить интернет", "I forgot my password", "/human",
		"алло?", "когда ответите?", "how do I pay my bill?", "спасибо"}
	type sent struct {
		id, text string
	}
	acked := make([][]sent, customers)
	post := func(s *server, session, id, text string) (int, chatReply) {
		body, _ := json.Marshal(map[string]string{"session": session, "message_id": id, "text": text})
		resp, err := http.Post(s.url+"api/v1/webchat/messages", "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, chatReply{} // the replica is gone
		}
		defer resp.Body.Close()
		var r chatReply
		json.NewDecoder(resp.Body).Decode(&r)
		return resp.StatusCode, r
	}

	var wg sync.WaitGroup
	var sentCount atomic.Int64
	for c := range customers {
		wg.Go(func() {
			session := fmt.Sprintf("load-%02d", c)
			for i := range perCustomer {
				id, text := fmt.Sprint("m", i), texts[(c+i)%len(texts)]
				first, second := a, b
				if (c+i)%2 == 1 {
					first, second = b, a
				}
				if (c+i)%4 == 0 && !bDead.Load() {
					// The same message delivered to both replicas at once.
					var both sync.WaitGroup
					both.Go(func() { post(second, session, id, text) })
					post(first, session, id, text)
					both.Wait()
				}
				// A client retries on the other replica until one acknowledges.
				for try := 0; ; try++ {
					s := first
					if try%2 == 1 || (s == b && bDead.Load()) {
						s = a
					}
					if code, _ := post(s, session, id, text); code == http.StatusOK {
						break
					}
					if try > 20 {
						t.Errorf("%s/%s never acknowledged", session, id)
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
				acked[c] = append(acked[c], sent{id, text})
				if sentCount.Add(1) == customers*perCustomer/2 {
					b.cmd.Process.Signal(syscall.SIGKILL) // half way
					bDead.Store(true)
				}
			}
		})
	}
	wg.Wait()
	if !bDead.Load() {
		t.Fatal("replica B was never killed")
	}

	for c := range customers {
		session := fmt.Sprintf("load-%02d", c)
		var page struct {
			Messages []struct {
				ID     int64  `json:"id"`
				Author string `json:"author"`
				Text   string `json:"text"`
			} `json:"messages"`
		}
		a.getJSON("/api/v1/webchat/messages?session="+session, &page)
		var customer []string
		for _, m := range page.Messages {
			if m.Author == "customer" {
				customer = append(customer, m.Text)
			}
		}
		var want []string
		for _, s := range acked[c] {
			want = append(want, s.text)
		}
		if strings.Join(customer, "|") != strings.Join(want, "|") {
			t.Errorf("%s: stored %q, acknowledged %q", session, customer, want)
		}
		// One ticket, taken once: the customer hears of one agent joining.
		joined := 0
		for _, m := range page.Messages {
			if m.Author == "system" {
				joined++
			}
		}
		if joined != 1 {
			t.Errorf("%s: %d agents joined the chat, want 1", session, joined)
		}
	}

	a.token = newAPIToken(t, t.TempDir())
	var list struct {
		Tickets []struct {
			Number         string `json:"number"`
			ConversationID int64  `json:"conversation_id"`
			Assignee       string `json:"assignee"`
		} `json:"tickets"`
	}
	if code := a.getJSON("/api/v1/tickets", &list); code != http.StatusOK {
		t.Fatalf("tickets: %d", code)
	}
	perConversation := map[int64]int{}
	load := map[string]int{}
	for _, tk := range list.Tickets {
		perConversation[tk.ConversationID]++
		load[tk.Assignee]++
	}
	// Every ticket went to one of the online agents, and to each of them
	// some. (Concurrent picks on two replicas may choose the same least
	// loaded agent, so the spread is even only roughly.)
	for name, n := range load {
		if !slices.Contains(agents, name) {
			t.Errorf("%d tickets assigned to %q", n, name)
		}
	}
	for _, name := range agents {
		if load[name] == 0 {
			t.Errorf("assignments %v: %s got none", load, name)
		}
	}
	for conv, n := range perConversation {
		if n != 1 {
			t.Errorf("conversation %d has %d tickets", conv, n)
		}
	}
	if len(list.Tickets) != customers {
		t.Errorf("%d tickets for %d customers who each asked for a person once", len(list.Tickets), customers)
	}
	a.stop()
}

// panelLogin logs name in to the panel of s and opens the queue, as an
// agent starting their shift does.
func panelLogin(t *testing.T, s *server, name, password string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(s.url+"panel/login", url.Values{"name": {name}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = client.Get(s.url + "panel/queue")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s cannot open the queue: %d", name, resp.StatusCode)
	}
}
