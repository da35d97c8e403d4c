package panel

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"
)

// SetWebchatOrigins tells the web chat page which sites may embed the
// chat (webchat.allowed_origins; "*" for any), to show admins.
func (p *Panel) SetWebchatOrigins(origins []string) {
	p.webchatOrigins = slices.Clone(origins)
}

// webchatPage is the data of the admin page that shows how to put the
// web chat on the company's site.
type webchatPage struct {
	base
	Server  string   // this server as the request reached it; the page's script puts the browser's view in
	Origins []string // the sites allowed to embed the chat
	Any     bool     // any site may
}

func (p *Panel) webchatPage(c *gin.Context) {
	data := webchatPage{base: newBase(c, "webchat"), Origins: p.webchatOrigins}
	data.Title = tr(data.Lang, "webchat.title")
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	data.Server = scheme + "://" + c.Request.Host
	data.Any = slices.Contains(p.webchatOrigins, "*")
	p.render(c, http.StatusOK, p.pages.webchat, "layout", data)
}
