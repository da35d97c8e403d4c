package panel

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

// streamFixture is a bare panel serving its event stream over loopback to
// a logged-in agent, with the recheck ticker in the test's hands.
type streamFixture struct {
	panel   *Panel
	store   dialog.Store
	users   *auth.Service
	gated   *gatedStore
	recheck chan time.Time
	lines   chan string

	mu  sync.Mutex
	now time.Time // the panel's clock
}

// gatedStore is a store whose next User read, once held, waits after
// reading until it is let go: the stream is then busy checking its caller.
type gatedStore struct {
	dialog.Store
	held    chan struct{} // closed when a held read has read
	release chan struct{}
	armed   atomic.Bool
}

func (g *gatedStore) User(ctx context.Context, id int64) (*dialog.User, error) {
	u, err := g.Store.User(ctx, id)
	if g.armed.CompareAndSwap(true, false) {
		close(g.held)
		<-g.release
	}
	return u, err
}

// hold makes the next User read wait, and returns a function that waits
// until it has read and one that lets it go.
func (g *gatedStore) hold() (reached func(t *testing.T), release func()) {
	g.held, g.release = make(chan struct{}), make(chan struct{})
	g.armed.Store(true)
	return func(t *testing.T) {
			t.Helper()
			select {
			case <-g.held:
			case <-time.After(time.Second):
				t.Fatal("the stream did not read the user")
			}
		}, func() {
			close(g.release)
		}
}

// advance moves the panel's clock on by d.
func (f *streamFixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func newStreamFixture(t *testing.T, heartbeat time.Duration) *streamFixture {
	t.Helper()
	gin.SetMode(gin.TestMode)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	gated := &gatedStore{Store: dialogtest.Store(t, log)}
	store := dialog.Store(gated)
	users := auth.New(store, auth.Options{BcryptCost: 4}, log)
	ctx := context.Background()
	if _, err := users.CreateUser(ctx, "anna", dialog.RoleAgent, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	token, _, err := users.Login(ctx, "anna", "correct horse battery", "")
	if err != nil {
		t.Fatal(err)
	}
	f := &streamFixture{store: store, users: users, gated: gated, recheck: make(chan time.Time), lines: make(chan string, 16),
		now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	f.panel = &Panel{
		now: func() time.Time {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.now
		},
		auth:         users,
		events:       broker.New(),
		log:          log,
		closed:       make(chan struct{}),
		heartbeat:    heartbeat,
		recheckEvery: func() (<-chan time.Time, func()) { return f.recheck, func() {} },
	}
	r := gin.New()
	r.Use(users.Middleware())
	r.GET("/events", auth.Require(), f.panel.stream)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	t.Cleanup(f.panel.Close) // ends the stream before the server closes

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/events", nil)
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: token})
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	go func() {
		defer close(f.lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			f.lines <- sc.Text()
		}
	}()
	return f
}

// want reads the next lines of the stream.
func (f *streamFixture) want(t *testing.T, want ...string) {
	t.Helper()
	for i, w := range want {
		select {
		case got, ok := <-f.lines:
			if !ok {
				t.Fatalf("the stream ended before line %d (%q)", i, w)
			}
			if got != w {
				t.Fatalf("line %d = %q, want %q", i, got, w)
			}
		case <-time.After(time.Second):
			t.Fatalf("line %d did not come", i)
		}
	}
}

// tick makes the stream recheck its caller.
func (f *streamFixture) tick(t *testing.T) {
	t.Helper()
	select {
	case f.recheck <- time.Now():
	case <-time.After(time.Second):
		t.Fatal("the stream does not recheck its caller")
	}
}

// wantEnd waits for the stream to end, with nothing more sent.
func (f *streamFixture) wantEnd(t *testing.T) {
	t.Helper()
	select {
	case l, ok := <-f.lines:
		if ok {
			t.Fatalf("the stream sent %q, want it to end", l)
		}
	case <-time.After(time.Second):
		t.Fatal("the stream did not end within a second")
	}
}

func TestStreamHeartbeat(t *testing.T) {
	f := newStreamFixture(t, 20*time.Millisecond)
	f.want(t, "retry: 2000", "", ": ping", "", ": ping")
}

// A user disabled by another process (the firstline user command, another
// replica) loses the stream at the next recheck, even with no event to
// send.
func TestStreamEndsOnRecheck(t *testing.T) {
	f := newStreamFixture(t, time.Hour)
	f.want(t, "retry: 2000", "")
	elsewhere := auth.New(f.store, auth.Options{}, slog.New(slog.DiscardHandler))

	// A recheck while all is well changes nothing.
	f.tick(t)
	f.panel.events.Publish(dialog.Event{Kind: dialog.EventTicket, TicketNumber: "FL-000001"})
	f.want(t, "event: ticket", `data: {"ticket":"FL-000001","conversation":0}`, "")

	if err := elsewhere.Disable(context.Background(), "anna"); err != nil {
		t.Fatal(err)
	}
	f.tick(t)
	f.wantEnd(t)
}

// An access event (another replica or a command changed someone's access)
// makes the stream check its caller, and is not sent to the page.
func TestStreamAccessEvent(t *testing.T) {
	f := newStreamFixture(t, time.Hour)
	f.want(t, "retry: 2000", "")
	f.panel.events.Publish(dialog.Event{Kind: dialog.EventAccess})
	f.panel.events.Publish(dialog.Event{Kind: dialog.EventTicket, TicketNumber: "FL-000001"})
	f.want(t, "event: ticket") // the access event was not sent

	elsewhere := auth.New(f.store, auth.Options{}, slog.New(slog.DiscardHandler))
	if err := elsewhere.Disable(context.Background(), "anna"); err != nil {
		t.Fatal(err)
	}
	f.want(t, `data: {"ticket":"FL-000001","conversation":0}`, "")
	f.panel.events.Publish(dialog.Event{Kind: dialog.EventAccess})
	f.wantEnd(t)
}

// Access that ends while the stream is busy checking its caller, so not
// waiting for a wake-up, still ends the stream at once.
func TestStreamAccessEndsWhileBusy(t *testing.T) {
	f := newStreamFixture(t, time.Hour)
	f.want(t, "retry: 2000", "")
	reached, release := f.gated.hold()
	go func() {
		select {
		case f.recheck <- time.Now():
		case <-time.After(time.Second):
		}
	}()
	reached(t)
	// The check read anna as allowed; now she is disabled, in this
	// process, before the check returns.
	if err := f.users.Disable(context.Background(), "anna"); err != nil {
		t.Fatal(err)
	}
	release()
	f.wantEnd(t)
}

// Events check the caller at most once a second: a burst of events costs
// one check, not one per event. The ticks and access changes still check
// at once.
func TestStreamEventRecheckLimited(t *testing.T) {
	f := newStreamFixture(t, time.Hour)
	f.want(t, "retry: 2000", "")
	elsewhere := auth.New(f.store, auth.Options{}, slog.New(slog.DiscardHandler))
	ticket := func(n int) {
		t.Helper()
		number := fmt.Sprintf("FL-%06d", n)
		f.panel.events.Publish(dialog.Event{Kind: dialog.EventTicket, TicketNumber: number})
		f.want(t, "event: ticket", `data: {"ticket":"`+number+`","conversation":0}`, "")
	}
	ticket(1) // the first event checks
	if err := elsewhere.Disable(context.Background(), "anna"); err != nil {
		t.Fatal(err)
	}
	f.advance(time.Second - time.Millisecond)
	ticket(2) // within the second: not checked again
	f.advance(time.Millisecond)
	f.panel.events.Publish(dialog.Event{Kind: dialog.EventTicket, TicketNumber: "FL-000003"})
	f.wantEnd(t)
}
