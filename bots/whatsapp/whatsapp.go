// Package whatsapp is the WhatsApp channel. firstline joins a WhatsApp
// account as a linked device, the way WhatsApp Web does, through the
// unofficial whatsmeow library: customers write to that account's number,
// the engine answers, and replies go out through the outbox.
//
// WhatsApp accounts of people and small businesses have no inline buttons,
// so a reply's buttons are sent as numbered options, and a customer's
// answer "2" is read as the second option's label.
package whatsapp

import (
	"log/slog"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/dialog"
)

// Name is the channel's name, stored on its conversations and outbox items.
const Name = "whatsapp"

// Connection states, as Status reports them.
const (
	StateNotPaired  = "not paired" // no linked device is stored: pair first
	StateConnecting = "connecting" // connecting, or reconnecting after the network was lost
	StateConnected  = "connected"  // logged in: messages flow
	StateLoggedOut  = "logged out" // the device was unlinked from the phone: pair again
	// StateDisconnected means WhatsApp ended the connection for a reason
	// reconnecting cannot fix (another program took over the session, a
	// temporary ban, an outdated client); the log says which.
	StateDisconnected = "disconnected"
)

// Options tune a Channel; zero values take the defaults.
type Options struct {
	// MinBackoff and MaxBackoff bound the wait between attempts to make
	// the first connection; it doubles after every failure. Once
	// connected, whatsmeow reconnects by itself.
	MinBackoff time.Duration
	MaxBackoff time.Duration
}

func (o *Options) defaults() {
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
}

// Channel is the WhatsApp channel: a bots.Channel that receives customers'
// messages, and a bots.Sender for the outbox dispatcher.
type Channel struct {
	engine *dialog.Engine
	client Client
	opts   Options
	log    *slog.Logger

	mu    sync.Mutex
	state string
}

var (
	_ bots.Channel = (*Channel)(nil)
	_ bots.Sender  = (*Channel)(nil)
)

// New returns the channel over client, handing customers' messages to
// engine. Nothing connects before Run. A channel that only pairs, reports
// its status or logs out (the command line) needs no engine: engine may be
// nil there.
func New(engine *dialog.Engine, client Client, opts Options, log *slog.Logger) *Channel {
	opts.defaults()
	state := StateNotPaired
	if client.Paired() {
		state = StateConnecting
	}
	return &Channel{
		engine: engine,
		client: client,
		opts:   opts,
		log:    log.With("channel", Name),
		state:  state,
	}
}

// Name implements bots.Channel.
func (c *Channel) Name() string { return Name }

// Routes implements bots.Channel: the channel has no HTTP endpoints, since
// messages arrive over its own connection to WhatsApp.
func (c *Channel) Routes(gin.IRouter) {}

// Lead implements bots.Leader: WhatsApp allows one connection per linked
// device, and messages go out through it.
func (c *Channel) Lead() bots.Lead { return bots.LeadRunAndSend }

// Status returns the connection state (one of the State constants) and the
// linked account's JID, empty when not paired.
func (c *Channel) Status() (state, jid string) {
	c.mu.Lock()
	state = c.state
	c.mu.Unlock()
	if id := c.client.JID(); !id.IsEmpty() {
		jid = id.ToNonAD().String()
	}
	return state, jid
}

// setState records a new connection state.
func (c *Channel) setState(state string) {
	c.mu.Lock()
	c.state = state
	c.mu.Unlock()
}
