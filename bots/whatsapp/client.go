package whatsapp

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

// Client is the part of a WhatsApp client the channel uses. WAClient is the
// real one, over whatsmeow; tests use a fake, so the channel is tested
// without a network.
type Client interface {
	// Paired reports whether a linked device is stored, so that Connect
	// logs in rather than asking for a QR code.
	Paired() bool
	// JID is the linked device's own id; empty when not paired.
	JID() types.JID

	// Connect opens the connection. It returns once the connection is
	// open; the login completes later, with a *events.Connected event.
	Connect(ctx context.Context) error
	// Disconnect closes the connection. It emits no event.
	Disconnect()
	// IsConnected reports whether the client is connected and logged in.
	IsConnected() bool
	// WaitForConnection waits until the client is connected and logged in,
	// at most timeout, and reports whether it is.
	WaitForConnection(timeout time.Duration) bool

	// SetEventHandler makes h receive every event (*events.Message,
	// *events.Connected, ...); nil removes it. h returns false when it
	// could not handle a message: the message is then not acknowledged,
	// and WhatsApp delivers it again on the next connection.
	SetEventHandler(h func(evt any) bool)

	// SendText sends a text message and returns its id.
	SendText(ctx context.Context, to types.JID, text string) (id string, err error)
	// SendChatPresence shows the chat that we are writing (composing) or
	// stopped (paused).
	SendChatPresence(ctx context.Context, to types.JID, state types.ChatPresence) error
	// Download fetches and decrypts the file of an image, document or
	// audio message.
	Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error)
	// PhoneJID returns the phone-number JID known for a @lid privacy id,
	// or an empty JID when none is known.
	PhoneJID(ctx context.Context, lid types.JID) (types.JID, error)

	// QRChannel starts pairing a new device: it must be called before
	// Connect, and its channel then yields the QR codes to show, one after
	// another, and finally the outcome.
	QRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error)
	// PairPhone asks for a pairing code to type on the phone instead of
	// scanning a QR code; call it once the first QR code has arrived.
	PairPhone(ctx context.Context, phone string) (code string, err error)
	// Logout unlinks the device on WhatsApp's side and deletes the stored
	// session. It needs a connection.
	Logout(ctx context.Context) error
}
