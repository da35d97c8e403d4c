package webchat

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
)

// preflightMaxAge is how long, in seconds, a browser may reuse an answer
// to a preflight: short, so that an origin taken off the list stops
// working soon.
const preflightMaxAge = "600"

// Origins are the other sites allowed to use the web chat: to frame its
// page (the widget does) and to call its API from their own pages. The
// zero value allows none: the chat's own origin only.
type Origins struct {
	any  bool     // "*": every site
	list []string // normalized, as a browser sends them in Origin
}

// ParseOrigins reads webchat.allowed_origins: each an origin such as
// https://shop.example or http://localhost:3000, or "*" alone for any
// site at all.
func ParseOrigins(list []string) (Origins, error) {
	var o Origins
	for _, s := range list {
		if s == "*" {
			if len(list) > 1 {
				return Origins{}, errors.New(`"*" allows every site and must be the only entry`)
			}
			return Origins{any: true}, nil
		}
		n, err := normalizeOrigin(s)
		if err != nil {
			return Origins{}, err
		}
		if !slices.Contains(o.list, n) {
			o.list = append(o.list, n)
		}
	}
	return o, nil
}

// normalizeOrigin returns s as a browser writes an origin: scheme and
// host in lower case, no default port, no path. A trailing "/" is
// forgiven; anything else after the host is an error.
func normalizeOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" || u.Opaque != "" { // "http://:" has a host of only a port
		return "", fmt.Errorf("%q is not an origin such as https://shop.example", s)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("%q: an origin starts with http:// or https://", s)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("%q: an origin is only the scheme, host and port, with no path", s)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	if port != "" && !(scheme == "http" && port == "80" || scheme == "https" && port == "443") {
		host += ":" + port
	}
	return scheme + "://" + host, nil
}

// allows reports whether a request from origin may use the chat.
func (o Origins) allows(origin string) bool {
	if o.any {
		return true
	}
	n, err := normalizeOrigin(origin)
	return err == nil && slices.Contains(o.list, n)
}

// frameAncestors is the page's Content-Security-Policy frame-ancestors
// value: its own origin and the allowed ones.
func (o Origins) frameAncestors() string {
	if o.any {
		return "*"
	}
	return strings.Join(append([]string{"'self'"}, o.list...), " ")
}

// List returns the allowed origins, or ["*"].
func (o Origins) List() []string {
	if o.any {
		return []string{"*"}
	}
	return slices.Clone(o.list)
}

// sameOrigin reports whether the browser says the request comes from a
// page of the chat's own origin, or sent no Origin at all: a server, a
// script, curl. It mirrors http.CrossOriginProtection: Sec-Fetch-Site
// when the browser sends it, else Origin against Host, which also holds
// behind a proxy that keeps Host.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// cors lets the allowed origins call the API from their pages and
// refuses every other site with 403. A preflight (OPTIONS) is answered
// here and goes no further; requests from the chat's own origin and
// without an Origin pass untouched.
func (c *Channel) cors(ctx *gin.Context) {
	h := ctx.Writer.Header()
	h.Add("Vary", "Origin")
	if sameOrigin(ctx.Request) {
		if ctx.Request.Method == http.MethodOptions {
			ctx.AbortWithStatus(http.StatusNoContent)
		}
		return
	}
	origin := ctx.GetHeader("Origin")
	if !c.origins.allows(origin) {
		c.fail(ctx, dialog.Errorf(dialog.EFORBIDDEN,
			"origin %q may not use the web chat API: add it to webchat.allowed_origins in the server's config",
			shortOrigin(origin)))
		return
	}
	if c.origins.any {
		h.Set("Access-Control-Allow-Origin", "*") // the API takes no cookies: any page may read it
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
	}
	h.Set("Access-Control-Expose-Headers", "Retry-After")
	if ctx.Request.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET, POST")
		h.Set("Access-Control-Allow-Headers", "Content-Type")
		h.Set("Access-Control-Max-Age", preflightMaxAge)
		ctx.AbortWithStatus(http.StatusNoContent)
	}
}

// shortOrigin cuts an Origin header, which anyone can send, to a length
// fit for an error message.
func shortOrigin(s string) string {
	const max = 100
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
