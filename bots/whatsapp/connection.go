package whatsapp

import (
	"context"
	"errors"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"
)

// Run connects when a device is paired and receives messages until ctx is
// done; then it disconnects. Without a paired device, or after the device
// was unlinked from the phone, it waits for ctx without connecting: Pair
// links a device while it runs.
func (c *Channel) Run(ctx context.Context) error {
	c.client.SetEventHandler(func(evt any) bool {
		return c.HandleEvent(ctx, evt) == nil
	})
	defer c.client.SetEventHandler(nil)
	defer c.client.Disconnect()

	if c.client.Paired() {
		c.connect(ctx)
	} else {
		c.setState(StateNotPaired)
		c.log.Warn("whatsapp is not paired: link it on the panel's WhatsApp page, or with `firstline whatsapp pair`")
	}
	<-ctx.Done()
	return nil
}

// connect makes the first connection, retrying with back-off until it
// succeeds or ctx is done. Later losses of the connection are whatsmeow's
// to repair: it reconnects by itself.
func (c *Channel) connect(ctx context.Context) {
	wait := c.opts.MinBackoff
	for {
		c.setState(StateConnecting)
		err := c.client.Connect(ctx)
		if err == nil || errors.Is(err, whatsmeow.ErrAlreadyConnected) {
			return
		}
		c.log.Warn("cannot connect to whatsapp; will retry", "err", err, "in", wait)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		wait = min(2*wait, c.opts.MaxBackoff)
	}
}

// HandleEvent takes one event of the client: a customer's message, or a
// change of the connection. It returns an error when a message could not
// be handled for now (the store failed): the message is then not
// acknowledged, and WhatsApp delivers it again.
func (c *Channel) HandleEvent(ctx context.Context, evt any) error {
	switch e := evt.(type) {
	case *events.Message:
		return c.handleMessage(ctx, e)
	case *events.Connected:
		c.setState(StateConnected)
		c.log.Info("whatsapp connected", "jid", c.client.JID().ToNonAD().String())
	case *events.Disconnected:
		c.setState(StateConnecting)
		c.log.Warn("whatsapp connection lost; reconnecting")
	case *events.LoggedOut:
		c.setState(StateLoggedOut)
		c.log.Error("whatsapp logged out: the device was unlinked from the phone; pair again with `firstline whatsapp pair`",
			"reason", e.Reason.String())
	case events.PermanentDisconnect:
		// Another program connected with this session, a temporary ban,
		// an outdated client: whatsmeow does not reconnect, and retrying
		// would not help.
		c.setState(StateDisconnected)
		c.log.Error("whatsapp disconnected for good; fix the cause and restart", "reason", e.PermanentDisconnectDescription())
	case *events.KeepAliveTimeout:
		c.log.Debug("whatsapp keep-alive timed out", "errors", e.ErrorCount)
	}
	return nil
}
