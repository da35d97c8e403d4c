package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	waLog "go.mau.fi/whatsmeow/util/log"
	"google.golang.org/protobuf/proto"
)

// maxReconnectErrors caps whatsmeow's reconnect delay, which grows by two
// seconds with every failed attempt: at most a minute between attempts.
const maxReconnectErrors = 30

// WAClient is the Client over whatsmeow, with its session kept in the
// SQLite database beside firstline's own tables. It is safe for concurrent
// use.
type WAClient struct {
	container *sqlstore.Container
	log       waLog.Logger

	mu      sync.Mutex
	cli     *whatsmeow.Client // replaced when a new device is paired
	handler func(evt any) bool
}

var _ Client = (*WAClient)(nil)

// OpenClient opens the session store in the database at path, a SQLite
// file or a postgres:// URL (see OpenSessions), and returns a client for the device stored there, or for a
// new device to pair when there is none. Close releases it.
func OpenClient(ctx context.Context, path string, log *slog.Logger) (*WAClient, error) {
	container, err := OpenSessions(ctx, path, log)
	if err != nil {
		return nil, err
	}
	device, err := container.GetFirstDevice(ctx)
	if err != nil {
		container.Close()
		return nil, fmt.Errorf("read the whatsapp device: %w", err)
	}
	w := &WAClient{container: container, log: newLogger(log, "WhatsApp")}
	w.cli = w.newClient(device)
	return w, nil
}

// newClient returns a whatsmeow client for device, delivering its events to
// the handler set with SetEventHandler.
func (w *WAClient) newClient(device *store.Device) *whatsmeow.Client {
	cli := whatsmeow.NewClient(device, w.log.Sub("Client"))
	// Acknowledge a message only after the handler returns, and keep the
	// decrypted message until then: a message the engine could not store
	// is delivered again, and can be decrypted again, on the next
	// connection.
	cli.SynchronousAck = true
	cli.EnableDecryptedEventBuffer = true
	cli.AutoReconnectHook = func(error) bool {
		if cli.AutoReconnectErrors > maxReconnectErrors {
			cli.AutoReconnectErrors = maxReconnectErrors
		}
		return true
	}
	cli.AddEventHandlerWithSuccessStatus(w.dispatch)
	return cli
}

// dispatch passes an event to the handler.
func (w *WAClient) dispatch(evt any) bool {
	w.mu.Lock()
	h := w.handler
	w.mu.Unlock()
	if h == nil {
		// Nobody to take a message (e.g. while pairing from the command
		// line): leave it unacknowledged, to be delivered again.
		_, isMessage := evt.(*events.Message)
		return !isMessage
	}
	return h(evt)
}

// client returns the current whatsmeow client.
func (w *WAClient) client() *whatsmeow.Client {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cli
}

// SetEventHandler implements Client.
func (w *WAClient) SetEventHandler(h func(evt any) bool) {
	w.mu.Lock()
	w.handler = h
	w.mu.Unlock()
}

// Paired implements Client.
func (w *WAClient) Paired() bool { return w.client().Store.ID != nil }

// JID implements Client.
func (w *WAClient) JID() types.JID { return w.client().Store.GetJID() }

// Connect implements Client. ctx bounds the whole connection, automatic
// reconnects included, not only the dial.
func (w *WAClient) Connect(ctx context.Context) error {
	return w.client().ConnectContext(ctx)
}

// Disconnect implements Client.
func (w *WAClient) Disconnect() { w.client().Disconnect() }

// IsConnected implements Client.
func (w *WAClient) IsConnected() bool {
	cli := w.client()
	return cli.IsConnected() && cli.IsLoggedIn()
}

// WaitForConnection implements Client.
func (w *WAClient) WaitForConnection(timeout time.Duration) bool {
	return w.client().WaitForConnection(timeout)
}

// SendText implements Client.
func (w *WAClient) SendText(ctx context.Context, to types.JID, text string) (string, error) {
	resp, err := w.client().SendMessage(ctx, to, &waE2E.Message{Conversation: proto.String(text)})
	if err != nil {
		return "", err
	}
	return resp.ID, nil
}

// SendChatPresence implements Client, for text (not voice) messages.
func (w *WAClient) SendChatPresence(ctx context.Context, to types.JID, state types.ChatPresence) error {
	return w.client().SendChatPresence(ctx, to, state, types.ChatPresenceMediaText)
}

// Download implements Client.
func (w *WAClient) Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error) {
	return w.client().Download(ctx, msg)
}

// PhoneJID implements Client, from the mapping whatsmeow keeps of the
// privacy ids it has seen.
func (w *WAClient) PhoneJID(ctx context.Context, lid types.JID) (types.JID, error) {
	cli := w.client()
	if cli.Store.ID == nil || cli.Store.LIDs == nil {
		return types.EmptyJID, nil
	}
	return cli.Store.LIDs.GetPNForLID(ctx, lid)
}

// QRChannel implements Client. Pairing always starts from a new device:
// one that was logged out cannot be linked again.
func (w *WAClient) QRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	w.mu.Lock()
	old := w.cli
	if old.Store.ID != nil {
		w.mu.Unlock()
		return nil, whatsmeow.ErrQRStoreContainsID
	}
	w.cli = w.newClient(w.container.NewDevice())
	cli := w.cli
	w.mu.Unlock()
	old.Disconnect()
	old.RemoveEventHandlers()
	return cli.GetQRChannel(ctx)
}

// PairPhone implements Client. The phone is shown as linked to "Chrome
// (Linux)": WhatsApp accepts only common browsers there.
func (w *WAClient) PairPhone(ctx context.Context, phone string) (string, error) {
	return w.client().PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
}

// Logout implements Client.
func (w *WAClient) Logout(ctx context.Context) error {
	return w.client().Logout(ctx)
}

// Close disconnects and closes the session store.
func (w *WAClient) Close() error {
	cli := w.client()
	cli.Disconnect()
	cli.RemoveEventHandlers()
	return w.container.Close()
}
