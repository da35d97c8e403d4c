package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/go-telegram/bot"

	"github.com/firstline-support/firstline/dialog"
)

// MaxWebhookBody is the largest update the webhook reads.
const MaxWebhookBody = 1 << 20

// secretHeader carries the webhook secret on every call from Telegram.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// setWebhook tells Telegram to post updates to the webhook URL with the
// secret. One connection at a time keeps updates in order.
func (c *Channel) setWebhook(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	_, err := c.api.SetWebhook(ctx, &bot.SetWebhookParams{
		URL:            c.cfg.WebhookURL,
		SecretToken:    c.cfg.WebhookSecret,
		AllowedUpdates: allowedUpdates(),
		MaxConnections: 1,
	})
	if err != nil {
		return fmt.Errorf("setWebhook: %w", err)
	}
	return nil
}

// receiveWebhook stores an update Telegram posted and answers 200 only
// once it is saved; any other answer makes Telegram post it again.
// Callers without the secret are turned away before anything is read.
func (c *Channel) receiveWebhook(ctx *gin.Context) {
	secret := ctx.GetHeader(secretHeader)
	if secret == "" {
		refuse(ctx, http.StatusUnauthorized, dialog.EUNAUTHORIZED, "missing secret token")
		return
	}
	if !sameSecret(secret, c.cfg.WebhookSecret) {
		refuse(ctx, http.StatusForbidden, dialog.EFORBIDDEN, "wrong secret token")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(ctx.Writer, ctx.Request.Body, MaxWebhookBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		refuse(ctx, http.StatusRequestEntityTooLarge, dialog.ETOOLARGE, "update is larger than 1 MiB")
		return
	} else if err != nil {
		refuse(ctx, http.StatusBadRequest, dialog.EINVALID, "could not read the update")
		return
	}
	u, err := parseUpdate(body)
	if err != nil {
		refuse(ctx, http.StatusBadRequest, dialog.EINVALID, "malformed update")
		return
	}
	if err := c.save(ctx.Request.Context(), []update{u}); err != nil {
		c.log.Error("saving a telegram update failed", "update", u.id, "err", err)
		refuse(ctx, http.StatusServiceUnavailable, dialog.EUNAVAILABLE, "could not save the update")
		return
	}
	c.wakeWorker()
	ctx.Status(http.StatusOK)
}

// refuse answers a webhook call with an error.
func refuse(ctx *gin.Context, status int, code, message string) {
	ctx.AbortWithStatusJSON(status, gin.H{"error": message, "code": code})
}

// sameSecret compares secrets in constant time. Hashing first hides the
// expected secret's length too.
func sameSecret(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}
