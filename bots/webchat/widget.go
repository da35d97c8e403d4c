package webchat

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// widgetJS is the script a site includes to show the chat on its pages:
// a launcher bubble and a panel framing the chat page.
//
//go:embed static/widget.js
var widgetJS []byte

// widgetETag names this build's widget.js, so that a browser revalidates
// it cheaply once its copy is stale.
var widgetETag = func() string {
	sum := sha256.Sum256(widgetJS)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// widgetMaxAge is how long a browser keeps widget.js without asking: its
// URL, in every site's snippet, never changes, so a new version reaches
// visitors within this time.
const widgetMaxAge = "public, max-age=3600"

func (c *Channel) widget(ctx *gin.Context) {
	h := ctx.Writer.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", widgetMaxAge)
	h.Set("ETag", widgetETag)
	h.Set("X-Content-Type-Options", "nosniff")
	// Any site may load the script; only the allowed ones may frame the
	// chat it opens.
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Set("Access-Control-Allow-Origin", "*")
	http.ServeContent(ctx.Writer, ctx.Request, "widget.js", time.Time{}, bytes.NewReader(widgetJS))
}
