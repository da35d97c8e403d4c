// Package telegramtest is a fake Telegram Bot API server for tests. It
// long-polls updates from a queue the test fills, records what the bot
// sends, serves files, and makes chosen calls fail: with a server error,
// with 429 and retry_after, with 403, or by dropping the connection.
package telegramtest

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"

	"github.com/go-telegram/bot/models"
)

// DefaultToken is the bot token tests use when they need no other.
const DefaultToken = "123456:TEST-token"

// Server is a fake Bot API server. Its methods are safe for concurrent use.
type Server struct {
	srv   *httptest.Server
	token string

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change, to wake waiters
	closed  chan struct{} // closed by Close, to end long polls at once

	nextUpdateID  int64
	nextMessageID int
	nextQueryID   int
	queue         []queued // updates not yet confirmed, in id order
	offsets       []int64
	calls         map[string]int
	failures      map[string][]Failure
	sent          []Sent
	answered      []string
	actions       []ChatAction
	webhook       Webhook
	deletes       int
	files         map[string]file // by file id
}

// Sent is a message the bot sent with sendMessage.
type Sent struct {
	MessageID int
	ChatID    string
	Text      string
	// Markup is the inline keyboard sent with the message; nil without one.
	Markup *models.InlineKeyboardMarkup
	// ParseMode is how Telegram was asked to read the text (HTML,
	// MarkdownV2); "" for plain text.
	ParseMode string
}

// ChatAction is a sendChatAction call.
type ChatAction struct {
	ChatID string
	Action string // "typing", ...
}

// Webhook is what the last setWebhook call set; zero after deleteWebhook.
type Webhook struct {
	URL            string
	SecretToken    string
	AllowedUpdates []string
}

type queued struct {
	id  int64
	raw json.RawMessage
}

type file struct {
	id   string
	path string
	data []byte
}

// NewServer starts a fake Bot API server for the bot with this token. Stop
// it with Close.
func NewServer(token string) *Server {
	s := &Server{
		token:         token,
		changed:       make(chan struct{}),
		closed:        make(chan struct{}),
		nextUpdateID:  1000,
		nextMessageID: 1,
		calls:         map[string]int{},
		failures:      map[string][]Failure{},
		files:         map[string]file{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the server's address: the channel's API URL.
func (s *Server) URL() string { return s.srv.URL }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.token }

// Close ends every long poll and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	s.mu.Unlock()
	s.srv.Close()
}

// notify wakes everyone waiting for a change. The caller holds s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Wait returns once cond reports true, re-checking it after every change on
// the server (an update pushed or confirmed, a call made), or ctx's error
// when ctx is done first. cond may call the server's other methods.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Push queues an update for getUpdates and returns its update_id. A zero
// update_id gets the next one; so do a zero message_id and an empty
// callback query id.
func (s *Server) Push(u models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.ID == 0 {
		u.ID = s.nextUpdateID
	}
	s.nextUpdateID = max(s.nextUpdateID, u.ID) + 1
	if u.Message != nil && u.Message.ID == 0 {
		u.Message.ID = s.nextMessageID
		s.nextMessageID++
	}
	if q := u.CallbackQuery; q != nil && q.ID == "" {
		s.nextQueryID++
		q.ID = "query-" + strconv.Itoa(s.nextQueryID)
	}
	raw, err := json.Marshal(&u)
	if err != nil {
		panic("telegramtest: encode update: " + err.Error()) // a test built an update that cannot be sent
	}
	s.queue = append(s.queue, queued{id: u.ID, raw: raw})
	slices.SortFunc(s.queue, func(a, b queued) int { return cmp.Compare(a.id, b.id) })
	s.notify()
	return u.ID
}

// AddFile makes a file available to getFile and for download.
func (s *Server) AddFile(fileID, filePath string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = file{id: fileID, path: filePath, data: data}
}

// FailNext makes the next n calls of a Bot API method ("sendMessage",
// "getUpdates", ...; "file" for file downloads) fail with f.
func (s *Server) FailNext(method string, n int, f Failure) {
	s.FailAfter(method, 0, n, f)
}

// FailAfter serves the next ok calls of a method as usual, then fails n
// calls with f: a failure part way through, e.g. of a long message sent in
// parts. Failures queued before come first.
func (s *Server) FailAfter(method string, ok, n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range ok {
		s.failures[method] = append(s.failures[method], Failure{})
	}
	for range n {
		s.failures[method] = append(s.failures[method], f)
	}
}

// Sent returns the messages sent so far, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// Offsets returns the offset of every getUpdates call, in order.
func (s *Server) Offsets() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.offsets)
}

// Unconfirmed counts the queued updates no getUpdates offset has confirmed.
func (s *Server) Unconfirmed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// ChatActions returns the sendChatAction calls so far, in order.
func (s *Server) ChatActions() []ChatAction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.actions)
}

// Answered returns the ids of the callback queries answered, in order.
func (s *Server) Answered() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.answered)
}

// Webhook returns the webhook the last setWebhook set.
func (s *Server) Webhook() Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.webhook
	w.AllowedUpdates = slices.Clone(w.AllowedUpdates)
	return w
}

// DeleteWebhookCalls counts the deleteWebhook calls.
func (s *Server) DeleteWebhookCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deletes
}

// Calls counts the calls of a method, failed ones included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}
