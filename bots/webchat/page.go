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
	if err := chatPage.Execute(ctx.Writer, c.pageData()); err != nil {
		c.log.Error("render chat page", "err", err)
	}
}

// pageData is what the chat page is rendered with.
type pageData struct {
	Title string
	// Files and Contact tell the page's script what it may offer; the
	// API checks everything again.
	Files   pageFiles
	Contact ContactForm
}

// pageFiles are the upload limits as the page's script reads them.
type pageFiles struct {
	MaxBytes int64    `json:"max_bytes"`
	Types    []string `json:"types"`
}

// pageData fills in what the page needs, with empty lists rather than
// null, so that its script needs no checks.
func (c *Channel) pageData() pageData {
	types := c.uploads.Types
	if types == nil {
		types = []string{}
	}
	contact := c.contact
	if contact.Ask == "" {
		contact.Ask = AskNever
	}
	if contact.Fields == nil {
		contact.Fields = []string{}
	}
	if contact.Required == nil {
		contact.Required = []string{}
	}
	return pageData{Title: c.title, Files: pageFiles{MaxBytes: c.uploads.MaxBytes, Types: types}, Contact: contact}
}
