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
