// Package bots holds the channels through which customers reach the
// engine: the web chat now, messengers later. Each channel turns its
// protocol's messages into dialog.Inbound values, hands them to the
// engine, and delivers what the engine answers.
package bots

import (
	"context"

	"github.com/gin-gonic/gin"
)

// Channel is one way customers reach the engine.
type Channel interface {
	// Name is stored on every conversation of the channel, e.g. "webchat".
	Name() string
	// Routes registers the channel's HTTP endpoints, if it has any.
	Routes(r gin.IRouter)
	// Run receives messages in the background until ctx is done. Channels
	// that only receive over HTTP return nil at once.
	Run(ctx context.Context) error
}

// Lead is how processes sharing one database divide a channel's work.
type Lead int

const (
	// LeadNone: every process runs the channel and delivers its outbox
	// (the web chat, Telegram by webhook).
	LeadNone Lead = iota
	// LeadRun: one process at a time runs the channel, since its protocol
	// allows one client (Telegram's long polling); any process delivers,
	// through an API every process can call.
	LeadRun
	// LeadRunAndSend: one process at a time runs the channel and delivers
	// its outbox, through the connection its Run holds (WhatsApp).
	LeadRunAndSend
)

// Leader is implemented by channels that not every process may run at
// once.
type Leader interface {
	// Lead says how processes sharing a database divide the channel.
	Lead() Lead
}

// LeadOf returns how processes sharing a database divide ch: its Lead,
// or LeadNone for a channel that is not a Leader.
func LeadOf(ch Channel) Lead {
	if l, ok := ch.(Leader); ok {
		return l.Lead()
	}
	return LeadNone
}
