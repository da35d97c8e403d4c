package webchat

import (
	"embed"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"
)

//go:embed templates/chat.html
var templates embed.FS

// chatPage is the chat page's template set, parsed once at start.
var chatPage = template.Must(template.ParseFS(templates, "templates/chat.html"))

func (c *Channel) page(ctx *gin.Context) {
	ctx.Header("Content-Type", "text/html; charset=utf-8")
	ctx.Header("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
	ctx.Header("X-Content-Type-Options", "nosniff")
	ctx.Status(http.StatusOK)
	if err := chatPage.Execute(ctx.Writer, struct{ Title string }{c.title}); err != nil {
		c.log.Error("render chat page", "err", err)
	}
}
