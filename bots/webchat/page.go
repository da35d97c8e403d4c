package webchat

import (
	"embed"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/intents"
)

//go:embed templates/chat.html templates/embed.html
var templates embed.FS

// chatPage is the chat page's template set, parsed once at start.
var chatPage = template.Must(template.New("chat.html").Funcs(template.FuncMap{"tr": tr}).
	ParseFS(templates, "templates/chat.html", "templates/embed.html"))

// tr is one of the page's own texts in the page's language: only's when
// the page was asked for one, both (Russian first) when it was not.
func tr(only, ru, en string) string {
	switch only {
	case intents.LangRU:
		return ru
	case intents.LangEN:
		return en
	}
	return ru + " · " + en
}

func (c *Channel) page(ctx *gin.Context) {
	lang := ctx.Query("lang")
	if lang != intents.LangRU && lang != intents.LangEN {
		lang = ""
	}
	data := c.pageData()
	data.Title = c.Title(lang)
	data.Lang = lang
	data.Only = lang
	data.Embed = ctx.Query("embed") == "1"
	if data.Lang == "" {
		data.Lang = intents.LangRU
	}
	ctx.Header("Content-Type", "text/html; charset=utf-8")
	ctx.Header("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors "+c.origins.frameAncestors())
	ctx.Header("X-Content-Type-Options", "nosniff")
	ctx.Status(http.StatusOK)
	if err := chatPage.Execute(ctx.Writer, data); err != nil {
		c.log.Error("render chat page", "err", err)
	}
}

// pageData is what the chat page is rendered with.
type pageData struct {
	Title string
	Lang  string // the page's language: ru unless asked for en
	// Only is the language the page was asked for (?lang=); empty, the
	// page's own texts are in both languages.
	Only string
	// Embed is set when the page is framed by the widget (/?embed=1): it
	// fills the frame, leaves the title to the widget's header, and tells
	// the widget of replies its visitor has not seen.
	Embed bool
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
	return pageData{Files: pageFiles{MaxBytes: c.uploads.MaxBytes, Types: types}, Contact: contact}
}
