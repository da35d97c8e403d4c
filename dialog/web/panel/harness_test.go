package panel_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/web/api"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/panel"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// password is every test user's password.
const password = "correct horse battery"

// harness is the panel over a fresh store (SQLite unless the test gives
// another), the engine's fixture intents and the canned replies in
// testdata, with one user per role: anna (agent), boris (agent), root
// (admin) and nina (analyst).
type harness struct {
	t      testing.TB
	ctx    context.Context
	store  dialog.Store
	engine *dialog.Engine
	auth   *auth.Service
	events *broker.Broker
	panel  *panel.Panel
	router *gin.Engine
	dir    string            // the intents directory, a copy the test may change
	kb     *kb.Holder        // the knowledge base in use, reloaded after an edit
	reload func() error      // loads dir into kb, as the server's watcher does
	tokens map[string]string // session token by user name
	seq    int
	logs   *bytes.Buffer // what the panel and the engine logged, at info and above
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	return newHarnessOn(t, dialogtest.Store(t, slog.New(slog.DiscardHandler)))
}

// newHarnessOn is newHarness over an empty store of the test's choosing.
func newHarnessOn(t testing.TB, store dialog.Store) *harness {
	t.Helper()
	return newHarnessConfig(t, store, dialog.DefaultConfig)
}

// newHarnessConfig is newHarnessOn with the engine's behaviour cfg.
func newHarnessConfig(t testing.TB, store dialog.Store, cfg dialog.Config) *harness {
	t.Helper()
	gin.SetMode(gin.TestMode)
	ctx := context.Background()
	logs := new(bytes.Buffer)
	log := slog.New(slog.NewTextHandler(logs, nil))

	dir := t.TempDir()
	for _, src := range []string{"../../testdata/intents/faq.yaml", "testdata/canned.yaml"} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(src)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	holder := dialogtest.KB(t, dir)
	// As in the server: a watcher reloads the directory into the holder.
	watcher := intents.NewWatcher(dir, log, func(set *intents.Set) error {
		k, err := kb.New(set, kb.DefaultOptions)
		if err != nil {
			return err
		}
		holder.Swap(k)
		return nil
	})

	h := &harness{t: t, ctx: ctx, store: store, events: broker.New(), dir: dir, kb: holder, reload: watcher.Reload, tokens: map[string]string{}, logs: logs}
	h.engine = dialog.NewEngine(store, holder, h.events, cfg, log)
	h.auth = auth.New(store, auth.Options{BcryptCost: 4}, log)
	var err error
	h.panel, err = panel.New(h.engine, holder, h.auth, h.events, log)
	if err != nil {
		t.Fatalf("new panel: %v", err)
	}
	t.Cleanup(h.panel.Close)
	h.panel.SetLearning(panel.Learning{Dir: dir, Reload: watcher.Reload})

	// As in the server: the auth middleware identifies every caller.
	h.router = gin.New()
	h.router.HandleMethodNotAllowed = true
	h.router.Use(h.auth.Middleware())
	h.panel.Routes(h.router)
	api.New(store, log).Routes(h.router)

	for name, role := range map[string]dialog.Role{
		"anna": dialog.RoleAgent, "boris": dialog.RoleAgent, "root": dialog.RoleAdmin, "nina": dialog.RoleAnalyst,
	} {
		h.addUser(name, role)
	}
	return h
}

// addUser creates a user and logs it in.
func (h *harness) addUser(name string, role dialog.Role) {
	h.t.Helper()
	if _, err := h.auth.CreateUser(h.ctx, name, role, password); err != nil {
		h.t.Fatalf("create user %s: %v", name, err)
	}
	token, _, err := h.auth.Login(h.ctx, name, password, "")
	if err != nil {
		h.t.Fatalf("log in %s: %v", name, err)
	}
	h.tokens[name] = token
}

// send sends text as the customer of chat, named name.
func (h *harness) send(chat, name, text string) *dialog.Outcome {
	h.t.Helper()
	h.seq++
	out, err := h.engine.Handle(h.ctx, dialog.Inbound{
		Channel: "webchat", ChatID: chat, ExternalID: fmt.Sprint("m", h.seq), CustomerName: name, Text: text,
	})
	if err != nil {
		h.t.Fatalf("send %q: %v", text, err)
	}
	return out
}

// escalate opens a ticket for a customer asking for a person.
func (h *harness) escalate(chat, name string) *dialog.Ticket {
	h.t.Helper()
	out := h.send(chat, name, "/human")
	if out.Ticket == nil {
		h.t.Fatalf("/human from %s opened no ticket", chat)
	}
	return out.Ticket
}

// request is one HTTP request to the router.
type request struct {
	method string
	path   string
	form   url.Values
	user   string            // whose session to send; "" for none
	header map[string]string // extra headers
}

// do sends r and returns the response.
func (h *harness) do(r request) *httptest.ResponseRecorder {
	h.t.Helper()
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	req := httptest.NewRequest(r.method, r.path, body)
	if r.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.user != "" {
		token, ok := h.tokens[r.user]
		if !ok {
			h.t.Fatalf("no session for %q", r.user)
		}
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: token})
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.router.ServeHTTP(w, req)
	return w
}

// get fetches a page as user and fails unless it answers want.
func (h *harness) get(user, path string, want int) string {
	h.t.Helper()
	w := h.do(request{method: http.MethodGet, path: path, user: user})
	if w.Code != want {
		h.t.Fatalf("GET %s as %q: status %d, want %d\n%s", path, user, w.Code, want, w.Body.String())
	}
	return w.Body.String()
}

// post submits a form as user and fails unless it answers want.
func (h *harness) post(user, path string, form url.Values, want int) *httptest.ResponseRecorder {
	h.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	w := h.do(request{method: http.MethodPost, path: path, form: form, user: user})
	if w.Code != want {
		h.t.Fatalf("POST %s as %q: status %d, want %d\n%s", path, user, w.Code, want, w.Body.String())
	}
	return w
}

var versionPattern = regexp.MustCompile(`name="version" value="([^"]+)"`)

// version is the ticket version the ticket page's forms carry for user.
func (h *harness) version(user, number string) string {
	h.t.Helper()
	m := versionPattern.FindStringSubmatch(h.get(user, "/panel/tickets/"+number, http.StatusOK))
	if m == nil {
		h.t.Fatalf("ticket page of %s has no version for %s", number, user)
	}
	return m[1]
}

// ticket reads a ticket from the store.
func (h *harness) ticket(number string) *dialog.Ticket {
	h.t.Helper()
	t, err := h.store.TicketByNumber(h.ctx, number)
	if err != nil {
		h.t.Fatalf("get ticket %s: %v", number, err)
	}
	return t
}

// messages reads a ticket's whole conversation from the store.
func (h *harness) messages(number string) []*dialog.Message {
	h.t.Helper()
	msgs, err := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: h.ticket(number).ConversationID})
	if err != nil {
		h.t.Fatal(err)
	}
	return msgs
}

// inOrder fails unless body contains every fragment, in order.
func inOrder(t *testing.T, body string, fragments ...string) {
	t.Helper()
	rest := body
	for _, f := range fragments {
		i := strings.Index(rest, f)
		if i < 0 {
			t.Errorf("page lacks %q (in order after the previous fragments)", f)
			return
		}
		rest = rest[i+len(f):]
	}
}
