package whatsapp_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/firstline-support/firstline/bots/whatsapp"
)

// sent is one message the fake client sent.
type sent struct {
	to   string
	text string
}

// fakeClient is a whatsapp.Client without a network. Tests script its
// connection and feed it events, which it passes to the channel's handler
// as whatsmeow would.
type fakeClient struct {
	mu          sync.Mutex
	paired      bool
	jid         types.JID
	connected   bool
	connectErrs []error // Connect returns these first, one per call
	connects    int     // calls to Connect
	disconnects int     // calls to Disconnect
	handler     func(evt any) bool
	sent        []sent
	presences   []sent // SendChatPresence calls: the state as text
	sendErr     error
	files       map[string][]byte // by direct path
	downloads   int
	phones      map[types.JID]types.JID // @lid → phone number
	qr          []whatsmeow.QRChannelItem
	pairCode    string
	pairedWith  string // the phone number PairPhone was called with
	loggedOut   bool

	// up receives a value after every successful Connect.
	up chan struct{}
}

var _ whatsapp.Client = (*fakeClient)(nil)

func newFakeClient() *fakeClient {
	return &fakeClient{
		jid:    types.NewADJID("79990000000", 0, 7),
		files:  map[string][]byte{},
		phones: map[types.JID]types.JID{},
		up:     make(chan struct{}, 10),
	}
}

func (f *fakeClient) Paired() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.paired
}

func (f *fakeClient) JID() types.JID {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.paired {
		return types.EmptyJID
	}
	return f.jid
}

// Connect fails with the scripted errors, then connects and logs in,
// emitting *events.Connected as whatsmeow does.
func (f *fakeClient) Connect(context.Context) error {
	f.mu.Lock()
	f.connects++
	if len(f.connectErrs) > 0 {
		err := f.connectErrs[0]
		f.connectErrs = f.connectErrs[1:]
		f.mu.Unlock()
		return err
	}
	f.connected = true
	paired := f.paired
	f.mu.Unlock()
	if paired {
		f.emit(&events.Connected{})
	}
	f.up <- struct{}{}
	return nil
}

func (f *fakeClient) Disconnect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.disconnects++
	f.connected = false
}

func (f *fakeClient) IsConnected() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.connected
}

func (f *fakeClient) WaitForConnection(time.Duration) bool { return f.IsConnected() }

func (f *fakeClient) SetEventHandler(h func(evt any) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handler = h
}

// emit passes an event to the handler and reports whether it was handled
// (true also when there is no handler, as whatsmeow acknowledges then).
func (f *fakeClient) emit(evt any) bool {
	f.mu.Lock()
	h := f.handler
	f.mu.Unlock()
	if h == nil {
		return true
	}
	return h(evt)
}

// drop loses the connection, as a network failure would.
func (f *fakeClient) drop() {
	f.mu.Lock()
	f.connected = false
	f.mu.Unlock()
	f.emit(&events.Disconnected{})
}

// restore brings the connection back, as whatsmeow's reconnect would.
func (f *fakeClient) restore() {
	f.mu.Lock()
	f.connected = true
	f.mu.Unlock()
	f.emit(&events.Connected{})
}

func (f *fakeClient) SendText(_ context.Context, to types.JID, text string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sendErr != nil {
		return "", f.sendErr
	}
	if !f.connected {
		return "", whatsmeow.ErrNotConnected
	}
	f.sent = append(f.sent, sent{to: to.String(), text: text})
	return "3EB0" + string(rune('A'+len(f.sent))), nil
}

func (f *fakeClient) SendChatPresence(_ context.Context, to types.JID, state types.ChatPresence) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.connected {
		return whatsmeow.ErrNotConnected
	}
	f.presences = append(f.presences, sent{to: to.String(), text: string(state)})
	return nil
}

func (f *fakeClient) sentPresences() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.presences)
}

func (f *fakeClient) sentMessages() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

func (f *fakeClient) Download(_ context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.downloads++
	data, ok := f.files[msg.GetDirectPath()]
	if !ok {
		return nil, whatsmeow.ErrMediaDownloadFailedWith404
	}
	return data, nil
}

func (f *fakeClient) downloadCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.downloads
}

func (f *fakeClient) PhoneJID(_ context.Context, lid types.JID) (types.JID, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.phones[lid], nil
}

// QRChannel returns the scripted items. On success the device counts as
// paired, as whatsmeow stores it before reporting success.
func (f *fakeClient) QRChannel(context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.paired {
		return nil, whatsmeow.ErrQRStoreContainsID
	}
	ch := make(chan whatsmeow.QRChannelItem, len(f.qr))
	for _, item := range f.qr {
		if item == whatsmeow.QRChannelSuccess {
			f.paired = true
		}
		ch <- item
	}
	close(ch)
	return ch, nil
}

func (f *fakeClient) PairPhone(_ context.Context, phone string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pairedWith != "" {
		return "", errors.New("asked for a pairing code twice")
	}
	f.pairedWith = phone
	return f.pairCode, nil
}

func (f *fakeClient) Logout(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.connected {
		return whatsmeow.ErrNotConnected
	}
	f.loggedOut = true
	f.paired = false
	f.connected = false
	return nil
}
