package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow"

	"github.com/firstline-support/firstline/dialog"
)

// loginTimeout is how long Pair and Logout wait for the login that follows
// a connection.
const loginTimeout = 30 * time.Second

// Pair links a new device to a WhatsApp account and returns once it is
// linked, or when ctx ends. Without phone it calls onQR with each QR code to
// show (a new one every 20 seconds or so) until one is scanned in the
// phone's Settings → Linked devices → Link a device. With phone (in
// international format, e.g. +79991234567) it calls onQR once, with an
// eight-character code to type in the phone under Link with phone number
// instead.
//
// The connection Pair makes stays open when it succeeds; Run, or the
// caller, ends it.
func (c *Channel) Pair(ctx context.Context, onQR func(code string), phone string) error {
	if c.client.Paired() {
		return dialog.Errorf(dialog.ECONFLICT, "whatsapp is already paired as %s: log out first", c.client.JID().ToNonAD())
	}
	qr, err := c.client.QRChannel(ctx)
	if err != nil {
		return fmt.Errorf("pair whatsapp: %w", err)
	}
	// The connection must outlive ctx when pairing succeeds, so it does
	// not take ctx; on failure it is closed below.
	if err := c.client.Connect(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("pair whatsapp: connect: %w", err)
	}
	paired := false
	defer func() {
		if !paired {
			c.client.Disconnect()
		}
	}()

	askedCode := false
	for {
		var item whatsmeow.QRChannelItem
		var ok bool
		select {
		case <-ctx.Done():
			return fmt.Errorf("pair whatsapp: %w", ctx.Err())
		case item, ok = <-qr:
		}
		if !ok {
			return errors.New("pair whatsapp: the pairing ended without an outcome")
		}
		switch item.Event {
		case whatsmeow.QRChannelEventCode:
			if phone == "" {
				onQR(item.Code)
				continue
			}
			// The first QR code means the connection is ready for a
			// pairing code; one code is enough.
			if askedCode {
				continue
			}
			askedCode = true
			code, err := c.client.PairPhone(ctx, phone)
			if err != nil {
				return fmt.Errorf("pair whatsapp with %s: %w", phone, err)
			}
			onQR(code)
		case whatsmeow.QRChannelSuccess.Event:
			paired = true
			c.setState(StateConnecting)
			// whatsmeow reconnects right after pairing to log in.
			if !c.client.WaitForConnection(loginTimeout) {
				c.log.Warn("whatsapp paired, but the login that follows has not completed yet")
			}
			c.log.Info("whatsapp paired", "jid", c.client.JID().ToNonAD().String())
			return nil
		case whatsmeow.QRChannelScannedWithoutMultidevice.Event:
			// Not final: the same code can be scanned again.
			c.log.Warn("the QR code was scanned by a phone without linked devices enabled")
		case whatsmeow.QRChannelTimeout.Event:
			return errors.New("pair whatsapp: no code was used in time; try again")
		case whatsmeow.QRChannelEventError:
			return fmt.Errorf("pair whatsapp: %w", item.Error)
		default:
			return fmt.Errorf("pair whatsapp: %s", item.Event)
		}
	}
}

// Logout unlinks the device from the WhatsApp account and deletes the
// stored session. It connects first if needed.
func (c *Channel) Logout(ctx context.Context) error {
	if !c.client.Paired() {
		return dialog.Errorf(dialog.ENOTFOUND, "whatsapp is not paired")
	}
	if !c.client.IsConnected() {
		if err := c.client.Connect(ctx); err != nil && !errors.Is(err, whatsmeow.ErrAlreadyConnected) {
			return fmt.Errorf("log out of whatsapp: connect: %w", err)
		}
		if !c.client.WaitForConnection(loginTimeout) {
			if !c.client.Paired() {
				// WhatsApp said the device was already unlinked, and
				// whatsmeow deleted the session.
				c.setState(StateNotPaired)
				return nil
			}
			return errors.New("log out of whatsapp: cannot log in; unlink the device in the phone's Settings → Linked devices instead")
		}
	}
	if err := c.client.Logout(ctx); err != nil {
		return fmt.Errorf("log out of whatsapp: %w", err)
	}
	c.setState(StateNotPaired)
	c.log.Info("whatsapp logged out")
	return nil
}
